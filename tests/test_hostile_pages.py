"""Hostile pages never stop or exhaust the indexer.

A folder of pages is generated in tmp at test time (nothing large is committed): a 50 MB
page, 100,000 nested tags, invalid and mixed encodings, a lying charset, a binary file named
.html, beside ordinary posts. A live site on 127.0.0.1 serves ordinary posts beside a gzip
bomb, a redirect loop, a calendar trap with endless "next month" links, and links to other
hosts. `postsearch index` runs on each in a subprocess whose peak RSS is measured with
resource.getrusage; every hostile page must be skipped, failed or truncated with a reason
in the summary, every ordinary post indexed, and memory bounded.

Peak RSS is the largest single process (the CLI or one of its extraction workers), as
getrusage(RUSAGE_CHILDREN) reports it for the wrapper that waits for them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers import REPO

from indexer.api import extract
from indexer.errors import PageError
from indexer.index import open_existing
from indexer.records import RawPage
from indexer.sources.crawl import Crawler, CrawlOptions, _Task
from indexer.sources.events import PageSkipped
from indexer.sources.http import is_private_host

POSTSEARCH = Path(sys.executable).with_name("postsearch")
HUGE_BYTES = 50 * 1024 * 1024
NESTING = 100_000
BOMB_BYTES = 1024**3  # what the gzip bomb expands to (about 1 MB on the wire)
MAX_RSS_MB = 256  # the budget: well below the 50 MB page read twice, far below the bomb
ORDINARY = ("apricot", "blackberry", "cloudberry")
# Runs `postsearch index ARGS` and prints the peak RSS (kB on Linux) of its processes.
RSS_WRAPPER = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stdout.write(done.stdout)
sys.stderr.write(done.stderr)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stderr.write(f"\\nPEAK_RSS_KB={peak}\\n")
sys.exit(done.returncode)
"""


def post_html(title: str, body: str, charset: str = "utf-8") -> str:
    """A WordPress-shaped post page, as the extractor expects of a real blog."""
    slug = re.sub(r"\W+", "-", title.lower()).strip("-")[:40]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="{charset}"><title>{title} – Hostile Site</title>
<link rel="canonical" href="https://hostile.example/{slug}/"></head>
<body class="post-template-default single single-post">
<article class="post hentry">
<h1 class="entry-title">{title}</h1>
<div class="entry-meta"><span class="byline">By <span class="author vcard">
<a class="url fn" href="/author/ann/">Ann</a></span></span>
<time class="entry-date published" datetime="2024-06-01T10:00:00+00:00">1 June 2024</time></div>
<div class="entry-content">{body}</div>
</article></body></html>
"""


def ordinary_post(word: str) -> str:
    paragraph = f"<p>The {word} harvest was early this year, and every {word} was sweet. </p>"
    return post_html(f"Notes on the {word} harvest", paragraph * 6)


def _write(folder: Path, name: str, content: str | bytes) -> None:
    path = folder / name / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def hostile_folder(root: Path) -> dict[str, str]:
    """Write the folder site; return {page folder: what it is}."""
    for word in ORDINARY:
        _write(root, word, ordinary_post(word))
    filler = "<p>" + "fifty megabytes of words " * 40 + "</p>\n"
    huge_body = filler * (HUGE_BYTES // len(filler) + 1)
    _write(root, "huge", post_html("A fifty megabyte page", huge_body))
    nested = "<div>" * NESTING + "<p>deep down in the nest</p>" + "</div>" * NESTING
    _write(root, "nested", post_html("A page of deeply nested tags", nested))
    good = ordinary_post("invalid").encode("utf-8")
    _write(root, "invalid-utf8", good.replace(b"harvest was", b"harvest \xff\xfe\xc3\x28 was"))
    mixed = ordinary_post("mixed").replace("sweet", "café crème").encode("utf-8")
    _write(root, "mixed-encoding", mixed + "<p>more café in Latin-1</p>".encode("latin-1"))
    _write(root, "lying-charset", ordinary_post("charset").replace("utf-8", "x-klingon-9"))
    _write(root, "utf16-no-bom", ordinary_post("sixteen").encode("utf-16-le"))
    binary = b"\x89PNG\r\n\x1a\n" + os.urandom(512 * 1024)
    (root / "binary").mkdir()
    (root / "binary" / "index.html").write_bytes(binary)
    return {
        "huge": "50 MB page",
        "nested": f"{NESTING:,} nested tags",
        "invalid-utf8": "invalid UTF-8 bytes",
        "mixed-encoding": "UTF-8 and Latin-1 in one page",
        "lying-charset": "an unknown declared charset",
        "utf16-no-bom": "UTF-16 without a byte-order mark",
        "binary": "a PNG named index.html",
    }


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_reads_as_its_text(codec):
    """A page saved as UTF-16 with no byte-order mark, a non-ASCII letter in its first
    line, reads as the text it holds; random bytes are still refused as binary."""
    title = "Crème brûlée notes on the sixteen harvest"
    page = post_html(title, "<p>Façades and the sixteen harvest, ça va.</p>" * 6, codec)
    extraction = extract(RawPage("utf16.html", "", page.encode(codec)))
    assert extraction.is_post and extraction.post.title == title
    assert "Façades and the sixteen harvest" in extraction.post.body
    with pytest.raises(PageError, match="binary"):
        extract(RawPage("noise.html", "", b"\x89PNG\r\n\x1a\n" + os.urandom(4096)))


def run_postsearch(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    """`postsearch ARGS` in a subprocess; the run and its peak RSS in MB."""
    done = subprocess.run(
        [sys.executable, "-c", RSS_WRAPPER, str(POSTSEARCH), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    peak = re.search(r"PEAK_RSS_KB=(\d+)", done.stderr)
    assert peak, done.stderr
    return done, int(peak.group(1)) / 1024


def summary_lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines()]


def reason_for(output: str, marker: str) -> str:
    """The summary line that names `marker` (a page's folder or URL), for the report."""
    found = [line for line in summary_lines(output) if marker in line]
    return found[0] if found else ""


def test_hostile_pages_in_a_folder_are_skipped_with_reasons_and_memory_stays_bounded(tmp_path):
    site = tmp_path / "site"
    kinds = hostile_folder(site)
    index = tmp_path / "index"
    done, peak_mb = run_postsearch("index", str(site), "--index", str(index), "--quiet")
    out = done.stdout
    report = "\n".join(
        f"{kinds[name]}: {reason_for(out, '/' + name + '/') or 'indexed'}" for name in kinds
    )
    note = f"peak RSS {peak_mb:.0f} MB (budget {MAX_RSS_MB} MB)\n{out}\n{done.stderr[-2000:]}"
    assert done.returncode in (0, 1), note  # 1: some pages failed, said in the summary
    # Each hostile page is indexed, or named in the summary with its reason.
    unnamed = [name for name in kinds if not reason_for(out, "/" + name + "/")]
    indexed = int(re.search(r"indexed\s+(\d+) posts", out).group(1))
    assert indexed == len(ORDINARY) + len(unnamed), note
    # The rest of the site is searchable, and so are the pages with bad bytes in them.
    for word in (*ORDINARY, "invalid", "mixed", "charset", "sixteen"):
        found = subprocess.run(
            [str(POSTSEARCH), "search", word, "--index", str(index), "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert json.loads(found.stdout)["total"] >= 1, (word, note)
    assert "larger than" in reason_for(out, "/huge/"), note
    assert "binary" in reason_for(out, "/binary/"), note
    assert peak_mb < MAX_RSS_MB, note
    print(f"\nfolder run: {note}\n{report}")


# -- a live site -----------------------------------------------------------------------------


class HostileSite:
    """A threaded HTTP server on 127.0.0.1: ordinary posts, a gzip bomb, a redirect loop,
    an endless calendar and links off the site and to private addresses."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.bomb = _gzip_bomb(BOMB_BYTES)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def __enter__(self) -> HostileSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def home(self) -> str:
        links = "".join(f'<li><a href="/{word}/">{word}</a></li>' for word in ORDINARY)
        links += (
            '<li><a href="/bomb/">bomb</a></li><li><a href="/loop/">loop</a></li>'
            '<li><a href="/calendar/2024/01/">calendar</a></li>'
            '<li><a href="https://elsewhere.example/post/">elsewhere</a></li>'
            '<li><a href="http://10.0.0.1/admin/">ten</a></li>'
            '<li><a href="http://169.254.169.254/latest/meta-data/">metadata</a></li>'
        )
        return f"<!doctype html><html><head><title>Home</title></head><body><ul>{links}</ul>"


def _gzip_bomb(expanded: int) -> bytes:
    """A gzip stream of `expanded` zero bytes (about 1/1000 of that on the wire)."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1024 * 1024)
    parts = [squeeze.compress(block) for _ in range(expanded // len(block))]
    parts.append(squeeze.flush())
    return b"".join(parts)


def _calendar_page(path: str) -> str:
    year, month = (int(part) for part in path.strip("/").split("/")[1:3])
    later = (year + (month // 12), month % 12 + 1)
    earlier = (year - (month == 1), (month - 2) % 12 + 1)
    links = "".join(
        f'<a href="/calendar/{y}/{m:02d}/">{y}-{m:02d}</a> ' for y, m in (later, earlier)
    )
    days = "".join(f'<a href="/calendar/{year}/{month:02d}/?day={d}">{d}</a> ' for d in (1, 15))
    head = f"<!doctype html><html><head><title>Archive {year}-{month}</title></head>"
    return f"{head}<body>{links}{days}</body></html>"


def _handler_for(site: HostileSite):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            site.requests.append(self.path)
            path = self.path.split("?")[0]
            if path == "/robots.txt":
                return self._send(404, b"", "text/plain")
            if path == "/":
                return self._send(200, site.home().encode())
            if path.strip("/") in ORDINARY:
                return self._send(200, ordinary_post(path.strip("/")).encode())
            if path == "/bomb/":
                return self._send(200, site.bomb, extra={"Content-Encoding": "gzip"})
            if path.startswith("/loop/"):
                step = int(path.strip("/").split("/")[-1]) if path.count("/") > 2 else 0
                return self._redirect(f"/loop/{(step + 1) % 3}/")
            if path.startswith("/calendar/"):
                return self._send(200, _calendar_page(path).encode())
            return self._send(404, b"not here", "text/plain")

        def _redirect(self, target: str) -> None:
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, status, body, kind="text/html; charset=utf-8", extra=None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)  # the crawler may hang up on the bomb, as it should

    return Handler


@pytest.fixture(scope="module")
def hostile_site() -> Iterator[HostileSite]:
    with HostileSite() as site:
        yield site


CRAWL_MAX_PAGES = 60


def test_crawler_survives_a_gzip_bomb_a_redirect_loop_and_a_calendar_trap(hostile_site, tmp_path):
    config = tmp_path / "site.toml"
    # No delay: the hostile site is the test's own, on loopback.
    config.write_text(f"crawl_max_pages = {CRAWL_MAX_PAGES}\ncrawl_timeout = 10\ncrawl_delay = 0\n")
    index = tmp_path / "index"
    done, peak_mb = run_postsearch(
        "--config", str(config), "index", hostile_site.url, "--index", str(index), "--quiet"
    )
    out = done.stdout
    note = f"peak RSS {peak_mb:.0f} MB (budget {MAX_RSS_MB} MB)\n{out}\n{done.stderr[-2000:]}"
    assert done.returncode in (0, 1), note
    for word in ORDINARY:  # each ordinary post is found by its word, at its address
        found = subprocess.run(
            [str(POSTSEARCH), "search", word, "--index", str(index), "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        urls = [hit["url"] for hit in json.loads(found.stdout)["results"]]
        assert urls == [f"{hostile_site.url}{word}/"], (word, note)
    # Skips are counted by reason in the summary: one each for the bomb and the loop.
    assert re.search(r"1 larger than 10000000 bytes", out), note
    assert re.search(r"1 more than 5 redirects", out), note
    assert f"stopped at crawl_max_pages ({CRAWL_MAX_PAGES})" in out, note
    assert hostile_site.requests.count("/bomb/") == 1, note  # not retried
    calendar = [p for p in hostile_site.requests if p.startswith("/calendar/")]
    assert 0 < len(calendar) <= CRAWL_MAX_PAGES, (len(calendar), note)
    # Links off the site were not followed: a fetch from another host would have failed
    # (no such name, no route) and been listed; every post indexed is on this site.
    assert re.search(r"^\s*failed\s+0$", out, re.MULTILINE), note
    with open_existing(index).searcher() as searcher:
        urls = [fields["url"] for fields in searcher.all_stored_fields()]
    assert urls and all(url.startswith(hostile_site.url) for url in urls), urls
    assert peak_mb < MAX_RSS_MB, note
    print(f"\ncrawl run: {note}\ncalendar pages fetched: {len(calendar)}")


def test_a_public_site_may_not_lead_the_crawler_to_private_addresses():
    """A site on a public address that links or redirects to loopback, private or
    link-local addresses: every such hop is refused before any connection is made."""
    crawler = Crawler(CrawlOptions(start_url="http://93.184.216.34/", retries=0))
    assert not crawler.http.private_ok
    crawler.robots.parse([])  # an empty robots.txt, as if read: no request leaves the host
    for target in (
        "http://127.0.0.1:8000/admin/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://localhost/",
    ):
        crawler.hosts.add(target.split("/")[2])  # even a host the config allows
        [event] = crawler._handle(_Task(target))
        assert isinstance(event, PageSkipped), (target, event)
        assert "private or loopback" in event.reason, (target, event.reason)
    assert is_private_host("169.254.169.254")
