"""The crawler against a real HTTP server on 127.0.0.1 serving real blog pages.

The server (helpers.SiteServer) serves a folder of sowrey posts the way a WordPress site
would, and logs every request, so these tests assert what the crawler did and did not
download.
"""

from __future__ import annotations

import itertools

import httpx
import pytest
from helpers import (
    SiteServer,
    add_post,
    copy_sowrey,
    crawl,
    folder_posts,
    indexed_paths,
    loopback_options,
)

from indexer.api import WhooshPostStore, index_sources
from indexer.sources.crawl import Crawler, CrawlOptions
from indexer.sources.events import PageFailed, PageFetched, PageSkipped
from indexer.sources.http import HttpClient, HttpLimits, Refused, is_private_host
from indexer.urls import normalize_url


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
    # A folder is read as a mirror: a copy of a post the folder lacks is that post; the
    # crawl meets it as a copy of a page its site does not have.
    mirrored = folder_posts(posts) - set(posts)
    assert crawled == folder - {private} - mirrored
    assert crawled == expected  # every post, no non-post, nothing disallowed
    requested = {path for path, _, _ in server.log}
    assert not any(path.startswith("/private/") for path in requested)


def test_disallowed_and_off_site_pages_are_never_requested(site):
    server, _, _, _ = site
    crawler = Crawler(loopback_options(server))
    events = list(crawler.events())
    keys = {event.key for event in events}
    assert all(key.startswith(server.url) for key in keys)  # links to other hosts not taken
    assert normalize_url(server.url + "notes/link-only-post/") in keys
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
def test_normalize_url_gives_one_spelling_per_page(url, key):
    assert normalize_url(url) == key


def test_bounds_redirect_loops_non_html_and_retries(site):
    server, posts, _, _ = site
    crawler = Crawler(loopback_options(server))
    assert isinstance(crawler.fetch_one(server.url + "loop/"), PageSkipped)
    crawler = Crawler(loopback_options(server))
    skipped = crawler.fetch_one(server.url + "report.pdf")
    assert isinstance(skipped, PageSkipped) and "not an HTML page" in skipped.reason
    server.flaky["/" + posts[2]] = 2
    crawler = Crawler(loopback_options(server))
    assert isinstance(crawler.fetch_one(server.url + posts[2]), PageFetched)
    server.flaky["/" + posts[3]] = 5
    crawler = Crawler(loopback_options(server, retries=1))
    failed = crawler.fetch_one(server.url + posts[3])
    assert isinstance(failed, PageFailed) and "503" in failed.reason
    crawler = Crawler(loopback_options(server, max_page_bytes=1000))
    assert "larger than" in crawler.fetch_one(server.url + posts[4]).reason


def test_private_addresses_are_refused_unless_the_site_is_one():
    assert is_private_host("127.0.0.1") and is_private_host("10.1.2.3")
    assert not is_private_host("93.184.216.34")
    # A site on a public address may not send the client to a loopback one (refused before
    # any connection); a site on loopback may (here: nothing listens on port 1).
    with pytest.raises(Refused, match="private or loopback"):
        HttpClient("http://93.184.216.34/").get("http://127.0.0.1:1/")
    with pytest.raises(httpx.ConnectError):
        HttpClient("http://127.0.0.1:1/", HttpLimits(retries=0)).get("http://127.0.0.1:1/")


def _gaps(server: SiteServer) -> list[float]:
    return [later - earlier for earlier, later in itertools.pairwise(server.times)]


def test_the_crawler_is_polite_by_default_and_a_longer_crawl_delay_wins(tmp_path):
    """Half a second between requests unless the config says otherwise, or the site's
    robots.txt asks for more."""
    from searchweb.config import load_settings
    from searchweb.indexing import crawl_options

    settings = load_settings(environ={})
    assert settings.crawl_delay == 0.5 and CrawlOptions(start_url="https://b.example/").delay == 0.5
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text("<html><body><p>Home</p></body></html>", encoding="utf-8")
    for robots, delay in (
        ("User-agent: *\nDisallow:\n", 0.5),
        ("User-agent: *\nCrawl-delay: 1\n", 1),
    ):
        with SiteServer(root, robots=robots) as server:
            list(Crawler(crawl_options(settings, start_url=server.url)).events())
        assert len(server.times) >= 3, server.log  # robots.txt, the sitemap, the page, ...
        # The client spaces its requests; their arrival here may jitter by a little.
        assert min(_gaps(server)) >= delay * 0.75, (robots, _gaps(server))
