"""Shared helpers of the tests: paths, real indexes, real servers on 127.0.0.1.

Nothing here is mocked. An index is built by the same pipeline the CLI runs, into a
temporary directory; `LiveServer` is waitress on 127.0.0.1 in a thread, as `postsearch
serve` runs it; `SiteServer` serves a folder of pages the way a WordPress site would, for
the crawler. Fixtures built from these live in conftest.py; test files import from here
and never from each other.
"""

from __future__ import annotations

import email.utils
import hashlib
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from waitress import wasyncore
from waitress.server import create_server

from indexer.api import (
    CrawlOptions,
    IndexOptions,
    IndexSummary,
    WhooshPostStore,
    extract,
    index_sources,
    read_file_page,
)
from indexer.index import open_existing

REPO = Path(__file__).resolve().parents[1]
DEMO_SITE = REPO / "data" / "demo-site"
DEMO_SOURCE = REPO / "data" / "demo_site_src"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS_SITE = FIXTURES / "corpus" / "site"
SHARED = REPO.parent / "shared"
SEED_SITE = SHARED / "fixtures" / "seed-site"
SOWREY = SHARED / "corpora" / "sowrey"
GOLD_SCORER = SHARED / "bench" / "extraction" / "score_gold.py"
WXR_EXPORT = SHARED / "corpora" / "wp-theme-test-data" / "themeunittestdata.wordpress.xml"
CHROMIUM = Path("/usr/bin/chromium")
ROBOTS = "User-agent: *\nDisallow: /private/\n"
PRODUCTION = "https://geoff.sowrey.org/"


def build_index(tmp: Path, *sources: Path, base_url: str | None = None) -> IndexSummary:
    """Index `sources` into `tmp` with the real pipeline and store."""
    return index_sources(sources, WhooshPostStore(tmp), base_url=base_url)


def typesense_alias(where: Path) -> str:
    """A Typesense alias of its own for a test's place (a temporary folder)."""
    return "t" + hashlib.blake2b(str(where).encode(), digest_size=6).hexdigest()


def needs_shared(path: Path) -> None:
    """Skip, saying why, when the shared corpora are not beside the checkout."""
    if not path.exists():
        pytest.skip(f"{path} is not present (the shared data sits beside the repo)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_http(url: str, timeout: float = 30.0) -> None:
    """Wait until `url` answers at all (any status): a server started in the background."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class ServeProcess:
    """`postsearch serve` as a user runs it: its own process (group), a TOML config, a free
    port on 127.0.0.1; stopped by process group."""

    def __init__(
        self,
        config: Path,
        log: Path | None = None,
        program: list[str] | None = None,
        cwd: Path = REPO,
    ) -> None:
        self.config, self.port = config, free_port()
        self.program = program or [sys.executable, "-m", "searchweb.cli"]
        self.cwd = cwd
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log or config.with_suffix(".log")
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> ServeProcess:
        command = [*self.program, "--config", str(self.config)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, "serve", "--port", str(self.port)],
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_for_http(self.url + "/health", timeout=60)
        except OSError:
            self.stop()
            raise RuntimeError(f"postsearch serve did not start: {self.log.read_text()}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def kill(self) -> None:
        """kill -9, as a power cut or the OOM killer would."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


class LiveServer:
    """A real waitress server on 127.0.0.1 serving an app, stopped at teardown."""

    def __init__(self, app) -> None:
        self.port = free_port()
        self.server = create_server(app, host="127.0.0.1", port=self.port, threads=4)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self._stopping = False

    def _run(self) -> None:
        try:
            self.server.run()
        except OSError:  # its sockets were closed under it by __exit__
            if not self._stopping:
                raise

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        # Close the listening socket and every open connection (a fixture may stop in the
        # middle of the session, when its parameter changes): nothing left to the GC.
        self._stopping = True
        wasyncore.close_all(self.server._map, ignore_all=True)
        self.thread.join(timeout=5)


class SiteServer:
    """A real threaded HTTP server on 127.0.0.1 serving a folder as a WordPress site would.

    `/x/` is `x/index.html`, `/x` redirects to `/x/`, every page has an ETag and
    Last-Modified and answers 304 to a matching conditional request, `/sitemap.xml` is
    generated from the folder at request time (lastmod = the file's mtime), and
    `/robots.txt` disallows `/private/`. The sowrey pages name their production host
    (https://geoff.sowrey.org/) in links and canonicals; the server rewrites it to its
    own address, as the live site would be. It logs every request.
    """

    def __init__(self, root: Path, robots: str = ROBOTS) -> None:
        self.root = root
        self.robots = robots
        self.log: list[tuple[str, int, int]] = []  # (path, status, body bytes)
        self.times: list[float] = []  # when each request arrived (time.monotonic())
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
            site.times.append(time.monotonic())
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


def folder_posts(posts: list[str]) -> set[str]:
    """The posts a folder run of `copy_sowrey`'s copy indexes: its posts, and the post a
    non-post copies when the copy lacks that post (sowrey's `blog/page/2/` is a copy of a
    post, its canonical says which). A folder is read as a mirror: a page whose canonical
    names no page of the folder is that page."""
    found = set(posts)
    for relative in NONPOSTS:
        text = (SOWREY / "nonpost" / relative).read_text(encoding="utf-8")
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', text)
        path = canonical[1].removeprefix(PRODUCTION) if canonical else ""
        if re.match(r"\d{4}/\d{2}/[^/]+/$", path):
            found.add(path)
    return found


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


def indexed_paths(index_dir: Path, pages: bool = False) -> set[str]:
    """The URL paths of every indexed post ('2003/02/x/'), whatever host it was read from;
    with `pages`, of the static pages indexed as pages too."""
    with open_existing(index_dir).searcher() as searcher:
        return {
            urlsplit(f["url"]).path.lstrip("/")
            for f in searcher.all_stored_fields()
            if pages or f.get("kind") != "page"
        }


def loopback_options(server: SiteServer, **options) -> CrawlOptions:
    """Crawl options for a test's own server: no delay between requests (the polite
    default is for other people's sites), quick retries."""
    defaults = {"delay": 0.0, "concurrency": 2, "retries": 2, "backoff": 0.01}
    return CrawlOptions(start_url=server.url, **(defaults | options))


def crawl(server: SiteServer, index_dir: Path, **options) -> object:
    crawl_options = loopback_options(server)
    store = WhooshPostStore(index_dir, rebuild=options.pop("full", False))
    return index_sources([server.url], store, options=IndexOptions(crawl=crawl_options, **options))


def touch_later(path: Path) -> None:
    """Move a file's modification time ahead, as an edit a few seconds later would."""
    later = time.time() + 5
    os.utime(path, (later, later))


def edit_post(root: Path, post: str, word: str) -> None:
    """Add a paragraph holding `word` to the post at `root/post`."""
    page = root / post / "index.html"
    text = page.read_text(encoding="utf-8")
    marker = '<div class="entry-content">'
    page.write_text(text.replace(marker, f"{marker}<p>{word} appears here.</p>", 1), "utf-8")
    touch_later(page)


HOST_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>A blog that embeds postsearch</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<header><p>The host blog</p></header>
<main>
  <h1>The host blog</h1>
  <form role="search" action="/elsewhere">
    <label for="site-search">Search this blog</label>
    <input id="site-search" name="s" type="search">
  </form>
  <p>Some post text on the host page.</p>
</main>
<script src="{search}/widget.js" data-postsearch-input="#site-search" defer></script>
</body>
</html>
"""


# A post page of the stand-in blog: its canonical link names a demo post, and the widget
# lists the posts related to it.
RELATED_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>A post with related posts</title>
<link rel="canonical" href="{post}">
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<main>
  <article><h1>A post</h1><p>The post's own text.</p></article>
  <script src="{search}/widget.js" data-postsearch-related defer></script>
</main>
</body>
</html>
"""
RELATED_POST = "https://demo.postsearch.test/2019/11/16/leaf-mould-the-laziest-compost/"


class HostSite:
    """A stand-in blog: a WSGI app whose pages embed the widget of `search_url`: `/` with the
    search box, `/post/` a post with its related posts."""

    def __init__(self) -> None:
        self.search_url = ""

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/post/":
            page = RELATED_PAGE.format(search=self.search_url, post=RELATED_POST)
        else:
            page = HOST_PAGE.format(search=self.search_url)
        body = page.encode("utf-8")
        start_response(
            "200 OK",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]


def gold_scorer():
    """The shared answer-key scorer (../shared/bench/extraction/score_gold.py), imported, so
    a test and the scorer cannot disagree on what a check means."""
    spec = importlib.util.spec_from_file_location("score_gold", GOLD_SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def extraction_record(path: Path, template=None) -> dict:
    """What the extractor reads from one page file, in the scorer's terms."""
    post = extract(read_file_page(path), template=template).post
    return {
        "title": post.title,
        "date": post.date.isoformat() if post.date else None,
        "author": post.author,
        "body": post.body,
        "categories": list(post.categories),
        "tags": list(post.tags),
    }


def copy_corpus(target: Path, posts: int, offset: int = 0) -> list[str]:
    """A site folder with every n-th post of the project's own corpus (tests/fixtures/corpus,
    from `offset`) and its home page; returns the post paths (URL paths, '2019/03/x/')."""
    post_files = sorted(
        file for file in CORPUS_SITE.rglob("index.html") if file.parent != CORPUS_SITE
    )
    step = max(1, len(post_files) // posts)
    chosen = post_files[offset::step][:posts]
    for file in (*chosen, CORPUS_SITE / "index.html"):
        relative = file.relative_to(CORPUS_SITE)
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target / relative)
    return [file.parent.relative_to(CORPUS_SITE).as_posix() + "/" for file in chosen]
