"""The crawler against a real HTTP server on 127.0.0.1 serving real blog pages.

`SiteServer` serves a folder the way a WordPress site would: `/x/` is `x/index.html`,
`/x` redirects to `/x/`, every page has an ETag and Last-Modified and answers 304 to a
matching conditional request, `/sitemap.xml` is generated from the folder at request time
(lastmod = the file's mtime), and `/robots.txt` disallows `/private/`. The sowrey pages
name their production host (https://geoff.sowrey.org/) in links and canonicals; the
server rewrites it to its own address, as the live site would be. It logs every request
so tests can assert what the crawler did and did not download.
"""

from __future__ import annotations

import email.utils
import hashlib
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import SHARED, needs_shared

from indexer.index.store import WhooshPostStore, open_existing
from indexer.pipeline.run import IndexOptions, index_sources
from indexer.sources.crawl import (
    Crawler,
    CrawlOptions,
    PageFailed,
    PageFetched,
    PageSkipped,
    crawl_key,
    is_private_host,
)

SOWREY = SHARED / "corpora" / "sowrey"
ROBOTS = "User-agent: *\nDisallow: /private/\n"
PRODUCTION = "https://geoff.sowrey.org/"


class SiteServer:
    """A real threaded HTTP server on 127.0.0.1 over a folder (see the module docstring)."""

    def __init__(self, root: Path, robots: str = ROBOTS) -> None:
        self.root = root
        self.robots = robots
        self.log: list[tuple[str, int, int]] = []  # (path, status, body bytes)
        self.flaky: dict[str, int] = {}  # path → how many 503s to answer first
        handler = _handler_for(self)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def page_bodies(self) -> list[str]:
        """Paths of HTML pages whose body was sent (robots and sitemaps aside)."""
        return [p for p, status, size in self.log if status == 200 and size and p.endswith("/")]

    def sitemap(self) -> bytes:
        entries = []
        for file in sorted(self.root.rglob("index.html")):
            path = file.parent.relative_to(self.root).as_posix()
            loc = self.url + ("" if path == "." else path + "/")
            stamp = email.utils.formatdate(file.stat().st_mtime_ns / 1e9, usegmt=True)
            entries.append(f"<url><loc>{loc}</loc><lastmod>{stamp}</lastmod></url>")
        body = "".join(entries)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'
        ).encode()


def _handler_for(site: SiteServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet: the test log is enough
            pass

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            if site.flaky.get(path, 0) > 0:
                site.flaky[path] -= 1
                return self._send(503, b"busy", "text/plain")
            if path == "/robots.txt":
                return self._send(200, site.robots.encode(), "text/plain")
            if path == "/sitemap.xml":
                return self._send(200, site.sitemap(), "application/xml")
            if path == "/loop/":
                return self._redirect("/loop/")
            if path == "/report.pdf":
                return self._send(200, b"%PDF-1.4", "application/pdf")
            file = site.root / path.lstrip("/")
            if file.is_dir() and not path.endswith("/"):
                return self._redirect(path + "/")
            if file.is_dir():
                file = file / "index.html"
            if not file.is_file() or site.root not in file.resolve().parents:
                return self._send(404, b"not found", "text/html")
            self._send_page(file)

        def _send_page(self, file: Path) -> None:
            content = file.read_bytes().replace(PRODUCTION.encode(), site.url.encode())
            etag = '"' + hashlib.md5(content).hexdigest() + '"'
            modified = email.utils.formatdate(file.stat().st_mtime, usegmt=True)
            if self.headers.get("If-None-Match") == etag:
                return self._send(304, b"", None, {"ETag": etag})
            self._send(
                200, content, "text/html; charset=utf-8", {"ETag": etag, "Last-Modified": modified}
            )

        def _redirect(self, to: str) -> None:
            self._send(301, b"", None, {"Location": to})

        def _send(self, status: int, body: bytes, kind: str | None, headers=None) -> None:
            site.log.append((self.path, status, len(body)))
            self.send_response(status)
            if kind:
                self.send_header("Content-Type", kind)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


NONPOSTS = (
    "index.html",
    "blog/page/2/index.html",
    "category/family/index.html",
    "2003/02/index.html",
    "about/index.html",
)


def copy_sowrey(target: Path, posts: int, offset: int = 0) -> list[str]:
    """A site folder with every n-th sowrey post (from `offset`) and a few of its
    non-posts; returns the post paths (URL paths, '2003/02/x/')."""
    needs_shared(SOWREY)
    post_files = sorted((SOWREY / "posts").rglob("index.html"))
    step = max(1, len(post_files) // posts)
    chosen = post_files[offset::step][:posts]
    for file in chosen:
        relative = file.relative_to(SOWREY / "posts")
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target / relative)
    for relative in NONPOSTS:
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SOWREY / "nonpost" / relative, target / relative)
    return [f.parent.relative_to(SOWREY / "posts").as_posix() + "/" for f in chosen]


def add_post(root: Path, path: str, title: str, template_path: str) -> str:
    """A new post at `path`, made from an existing one with its own title and canonical."""
    source = (root / template_path / "index.html").read_text(encoding="utf-8")
    old = f"{PRODUCTION}{template_path}"
    new = f"{PRODUCTION}{path}"
    page = source.replace(old, new).replace(
        '<h1 class="entry-title">', f'<h1 class="entry-title">{title} '
    )
    (root / path).mkdir(parents=True, exist_ok=True)
    (root / path / "index.html").write_text(page, encoding="utf-8")
    return path


def indexed_paths(index_dir: Path) -> set[str]:
    """The URL paths of every indexed post ('2003/02/x/'), whatever host it was read from."""
    with open_existing(index_dir).searcher() as searcher:
        return {urlsplit(f["url"]).path.lstrip("/") for f in searcher.all_stored_fields()}


def crawl(server: SiteServer, index_dir: Path, **options) -> object:
    crawl_options = CrawlOptions(start_url=server.url, concurrency=2, retries=2, backoff=0.01)
    store = WhooshPostStore(index_dir, rebuild=options.pop("full", False))
    return index_sources([server.url], store, options=IndexOptions(crawl=crawl_options, **options))


@pytest.fixture()
def site(tmp_path):
    root = tmp_path / "site"
    posts = copy_sowrey(root, posts=30)
    # Reachable only through a link from the home page (not in robots' disallowed part).
    link_only = add_post(root, "notes/link-only-post/", "Linked Only", posts[0])
    home = root / "index.html"
    home.write_text(
        home.read_text(encoding="utf-8").replace(
            "</body>", '<a href="/notes/link-only-post/?utm_source=x#top">more</a></body>'
        ),
        encoding="utf-8",
    )
    private = add_post(root, "private/secret-post/", "Secret", posts[1])
    with SiteServer(root) as server:
        yield server, posts, link_only, private


def test_crawl_indexes_the_same_posts_as_the_folder_and_nothing_else(site, tmp_path):
    server, posts, link_only, private = site
    summary = crawl(server, tmp_path / "crawled")
    assert not summary.failed, summary.failed
    index_sources([server.root], WhooshPostStore(tmp_path / "folder"))
    crawled, folder = indexed_paths(tmp_path / "crawled"), indexed_paths(tmp_path / "folder")
    expected = {*posts, link_only}
    assert crawled == folder - {private}
    assert crawled == expected  # every post, no non-post, nothing disallowed
    requested = {path for path, _, _ in server.log}
    assert not any(path.startswith("/private/") for path in requested)


def test_disallowed_and_off_site_pages_are_never_requested(site):
    server, _, _, _ = site
    crawler = Crawler(CrawlOptions(start_url=server.url))
    events = list(crawler.events())
    keys = {event.key for event in events}
    assert all(key.startswith(server.url) for key in keys)  # links to other hosts not taken
    assert crawl_key(server.url + "notes/link-only-post/") in keys
    assert not any("/private/" in path for path, _, _ in server.log)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://B.example/a/index.html#x", "https://b.example/a/"),
        ("https://b.example/a/?utm_source=t&utm_medium=m", "https://b.example/a/"),
        ("https://b.example/a/?replytocom=12#respond", "https://b.example/a/"),
        ("https://b.example:443/a/?b=2&a=1&fbclid=z", "https://b.example/a/?a=1&b=2"),
        ("http://b.example:80/", "http://b.example/"),
    ],
)
def test_crawl_key_gives_one_spelling_per_page(url, key):
    assert crawl_key(url) == key


def test_bounds_redirect_loops_non_html_and_retries(site):
    server, posts, _, _ = site
    crawler = Crawler(CrawlOptions(start_url=server.url, retries=2, backoff=0.01))
    assert isinstance(crawler.fetch_one(server.url + "loop/"), PageSkipped)
    crawler = Crawler(CrawlOptions(start_url=server.url))
    skipped = crawler.fetch_one(server.url + "report.pdf")
    assert isinstance(skipped, PageSkipped) and "not an HTML page" in skipped.reason
    server.flaky["/" + posts[2]] = 2
    crawler = Crawler(CrawlOptions(start_url=server.url, retries=2, backoff=0.01))
    assert isinstance(crawler.fetch_one(server.url + posts[2]), PageFetched)
    server.flaky["/" + posts[3]] = 5
    crawler = Crawler(CrawlOptions(start_url=server.url, retries=1, backoff=0.01))
    failed = crawler.fetch_one(server.url + posts[3])
    assert isinstance(failed, PageFailed) and "503" in failed.reason
    crawler = Crawler(CrawlOptions(start_url=server.url, max_page_bytes=1000))
    assert "larger than" in crawler.fetch_one(server.url + posts[4]).reason


def test_private_addresses_are_refused_unless_the_site_is_one():
    assert is_private_host("127.0.0.1") and is_private_host("10.1.2.3")
    assert not is_private_host("93.184.216.34")
    assert Crawler(CrawlOptions(start_url="http://127.0.0.1:1/")).private_ok
    public = Crawler(CrawlOptions(start_url="http://93.184.216.34/"))
    with pytest.raises(Exception, match="private or loopback"):
        public._check_host("http://127.0.0.1/")
