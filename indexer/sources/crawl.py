"""Crawl a live site: robots.txt, sitemaps, feeds and links, politely and within bounds.

Stage one of the flow for `postsearch index https://site.example/`. The crawler only
fetches: it yields typed events (a page's bytes, "unchanged", "gone", "skipped", "failed")
and the pipeline decides what to extract, store or delete. It asks the server as little
as it can on a recrawl: a page whose sitemap `lastmod` has not moved is not requested, and
every other known page is asked for with its ETag / Last-Modified, so an unchanged page
costs a 304 and no body.

Bounds: a maximum number of pages and the limits of the one HTTP client
(indexer.sources.http: a timeout per request, a maximum page size, a redirect limit with
each hop checked against the allowed hosts and robots.txt, only HTML bodies, retries with
backoff for 5xx, 429 and timeouts, and a delay between requests).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from indexer.errors import PostsearchError
from indexer.records import RawPage
from indexer.sources.events import (
    PageFailed,
    PageFetched,
    PageGone,
    PageSkipped,
    PageUnchanged,
)
from indexer.sources.feeds import advertised_feeds, feed_links
from indexer.sources.http import USER_AGENT, HttpClient, HttpLimits, Refused, Response
from indexer.sources.sitemaps import MAX_SITEMAPS, Sitemap, SitemapEntry, parse_sitemap
from indexer.sources.state import CrawlState
from indexer.urls import dedupe_key, normalize_url

DEFAULT_SITEMAPS = ("/sitemap.xml", "/wp-sitemap.xml", "/sitemap_index.xml")
DEFAULT_FEEDS = ("/feed/",)
GONE_STATUSES = (404, 410)
NOT_PAGES = re.compile(
    r"\.(?:css|js|json|xml|rss|atom|txt|pdf|zip|gz|tar|rar|7z|exe|dmg|mp3|mp4|m4a|mov|avi|"
    r"webm|ogg|wav|jpe?g|png|gif|webp|svg|ico|bmp|tiff?|woff2?|ttf|eot|otf|docx?|xlsx?|pptx?)$",
    re.IGNORECASE,
)
_HREF = re.compile(rb"<a\b[^>]*?\shref\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)

# Seconds between two requests to a site, unless the config sets another delay; a longer
# Crawl-delay in the site's robots.txt wins. Two requests a second are nothing to a blog's
# server, and a crawl of 2,000 pages still takes under 20 minutes.
DEFAULT_DELAY = 0.5

CrawlEvent = PageFetched | PageUnchanged | PageGone | PageSkipped | PageFailed


class CrawlError(PostsearchError):
    """The crawl cannot start: a refused address, or a robots.txt the server fails to give."""


@dataclass(frozen=True)
class CrawlOptions:
    """Where the crawler may go and how hard it may push (from the site's TOML config)."""

    start_url: str
    allowed_hosts: tuple[str, ...] = ()
    delay: float = DEFAULT_DELAY
    concurrency: int = 2
    max_pages: int = 50_000
    max_page_bytes: int = 10_000_000
    timeout: float = 20.0
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 0.5
    user_agent: str = USER_AGENT

    def http_limits(self) -> HttpLimits:
        return HttpLimits(
            timeout=self.timeout,
            max_page_bytes=self.max_page_bytes,
            max_redirects=self.max_redirects,
            retries=self.retries,
            backoff=self.backoff,
            delay=self.delay,
            user_agent=self.user_agent,
        )


@dataclass(frozen=True)
class _FeedRead:
    """Internal: the item links of a feed, queued by the crawl loop's thread."""

    feed: str
    links: tuple[str, ...]


def page_links(content: bytes, base: str) -> list[str]:
    """Every <a href> of a page resolved against `base` (a regex scan: the page is parsed
    once, by the extractor, not twice)."""
    links = []
    for match in _HREF.finditer(content):
        raw = next(group for group in match.groups() if group is not None)
        href = raw.decode("utf-8", "replace").strip().replace("&amp;", "&")
        if href and not href.startswith(("#", "mailto:", "javascript:", "tel:", "data:")):
            links.append(urljoin(base, href))
    return links


@dataclass
class CrawlCounters:
    """What the progress bar shows."""

    listed: int = 0  # pages the sitemaps list
    fetched: int = 0
    unchanged: int = 0
    queued: int = 0
    skipped: int = 0
    failed: int = 0
    gone: int = 0


@dataclass
class _Task:
    url: str
    kind: str = "page"  # "page" or "feed"
    lastmod: str | None = None
    in_sitemap: bool = False
    linked_from: str | None = None  # the page or feed whose link queued it


class Crawler:
    """One crawl of one site; iterate `events()` to run it."""

    def __init__(self, options: CrawlOptions, state: CrawlState | None = None) -> None:
        self.options = options
        self.state = state
        start = urlsplit(normalize_url(options.start_url))
        if start.scheme not in ("http", "https") or not start.hostname:
            raise CrawlError(f"{options.start_url}: not an http(s) address")
        self.root = f"{start.scheme}://{start.netloc}"
        self.prefix = start.path if start.path.endswith("/") else start.path.rsplit("/", 1)[0] + "/"
        self.hosts = {start.netloc.lower(), *(h.lower() for h in options.allowed_hosts)}
        self.counters = CrawlCounters()
        self.sitemap_complete = False
        self._seen: set[str] = set()
        self._queue: deque[_Task] = deque()
        self._pages_started = 0
        self.truncated = False
        self.robots = RobotFileParser()
        self.http = HttpClient(options.start_url, options.http_limits(), self._refusal)

    # -- the run ---------------------------------------------------------------------

    def events(self) -> Iterator[CrawlEvent]:
        """Crawl the site, yielding one event per page address as it is settled."""
        try:
            self._read_robots()
            yield from self._seed()
            yield from self._run_queue()
        finally:
            self.http.close()

    def fetch_one(self, url: str) -> CrawlEvent:
        """Fetch a single page of the site, robots.txt and bounds included (the webhook).

        No pause before the page: a crawl delay spaces a crawl's requests, and this is one
        page the site itself asked for, right after its robots.txt."""
        try:
            if not self._allowed(url):
                return PageSkipped(normalize_url(url), "not on the site (host or path prefix)")
            self._read_robots()
            self.http.throttle.delay = 0.0
            events = self._handle(_Task(url))
        finally:
            self.http.close()
        return next(event for event in events if not isinstance(event, _FeedRead))

    def _run_queue(self) -> Iterator[CrawlEvent]:
        with ThreadPoolExecutor(self.options.concurrency, thread_name_prefix="crawl") as pool:
            running: dict[Future, _Task] = {}
            while self._queue or running:
                while self._queue and len(running) < self.options.concurrency * 2:
                    task = self._queue.popleft()
                    running[pool.submit(self._handle, task)] = task
                self.counters.queued = len(self._queue) + len(running)
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    running.pop(future)
                    yield from self._settle(future.result())

    def _settle(self, events: list[CrawlEvent | _FeedRead]) -> Iterator[CrawlEvent]:
        """Count an event and queue what it links to (only this thread touches the queue)."""
        for event in events:
            if isinstance(event, _FeedRead):
                for link in event.links:
                    self._add(_Task(link, linked_from=event.feed))
                continue
            if isinstance(event, PageFetched):
                self.counters.fetched += 1
                self._seen.add(dedupe_key(event.page.url))
                self._enqueue_links(event.page.content, event.page.url)
            elif isinstance(event, PageUnchanged):
                self.counters.unchanged += 1
            elif isinstance(event, PageSkipped):
                self.counters.skipped += 1
            elif isinstance(event, PageFailed):
                self.counters.failed += 1
            elif isinstance(event, PageGone):
                self.counters.gone += 1
            yield event

    # -- discovery -------------------------------------------------------------------

    def _read_robots(self) -> None:
        url = self.root + "/robots.txt"
        try:
            response = self.http.get(url)
        except (Refused, httpx.HTTPError) as error:
            raise CrawlError(f"cannot read {url}: {error}") from error
        if response.status >= 500:
            raise CrawlError(f"{url} answered HTTP {response.status}; not crawling blind")
        lines = response.content.decode("utf-8", "replace").splitlines()
        self.robots.parse(lines if response.status == 200 else [])
        robots_delay = self.robots.crawl_delay(self.options.user_agent)
        if robots_delay:
            self.http.throttle.delay = max(self.http.throttle.delay, float(robots_delay))

    def _seed(self) -> Iterator[CrawlEvent]:
        self._add(_Task(self.options.start_url))
        entries, complete = self._walk_sitemaps()
        self.sitemap_complete = complete
        self.counters.listed = len(entries)
        listed = set()
        for entry in entries:
            listed.add(normalize_url(entry.url))
            self._add(_Task(entry.url, lastmod=entry.lastmod, in_sitemap=True))
        for path in DEFAULT_FEEDS:
            self._add(_Task(self.root + self.prefix.rstrip("/") + path, kind="feed"))
        yield from self._seed_known(listed, complete)

    def _seed_known(self, listed: set[str], complete: bool) -> Iterator[CrawlEvent]:
        """Ask again for every page the last runs knew, so a vanished one is noticed; one
        that has left a completely read sitemap is gone without asking."""
        if self.state is None:
            return
        for key in self.state.known_keys():
            known = self.state.get(key)
            if complete and known and known.in_sitemap and key not in listed:
                self._seen.add(dedupe_key(key))
                self.counters.gone += 1
                yield PageGone(key, "no longer in the sitemap")
            else:
                self._add(_Task(key))

    def _walk_sitemaps(self) -> tuple[list[SitemapEntry], bool]:
        """Every page the site's sitemaps list, and whether every sitemap could be read.

        The sitemaps robots.txt declares, else the first of the usual addresses that
        answers with one (WordPress's own is /wp-sitemap.xml)."""
        pending = deque(self.robots.site_maps() or [])
        fetched = {}
        if not pending:
            found = next(self._default_sitemaps(), None)
            if found is None:
                return [], False
            pending.append(found[0])
            fetched[found[0]] = found[1]
        entries: list[SitemapEntry] = []
        visited: set[str] = set()
        complete = True
        while pending and len(visited) < MAX_SITEMAPS:
            url = pending.popleft()
            if url in visited or not self._allowed(url):
                continue
            visited.add(url)
            sitemap = fetched.pop(url) if url in fetched else self._fetch_sitemap(url)
            if sitemap is None:
                complete = False
                continue
            pending.extend(sitemap.children)
            entries.extend(entry for entry in sitemap.entries if self._allowed(entry.url))
        return entries, complete and not pending

    def _default_sitemaps(self) -> Iterator[tuple[str, Sitemap]]:
        """The usual sitemap addresses that answer with a sitemap, each read once."""
        for path in DEFAULT_SITEMAPS:
            url = self.root + path
            if (sitemap := self._fetch_sitemap(url)) is not None:
                yield url, sitemap

    def _fetch_sitemap(self, url: str) -> Sitemap | None:
        try:
            response = self.http.get(url)
        except (Refused, httpx.HTTPError):
            return None
        return parse_sitemap(response.content) if response.status == 200 else None

    def _add(self, task: _Task) -> None:
        key = dedupe_key(task.url)
        if key in self._seen or not self._allowed(task.url):
            return
        if task.kind == "page":
            if self._pages_started >= self.options.max_pages:
                self.truncated = True
                return
            self._pages_started += 1
        self._seen.add(key)
        self._queue.append(task)

    def _enqueue_links(self, content: bytes, base: str) -> None:
        for link in page_links(content, base):
            if not NOT_PAGES.search(urlsplit(link).path):
                self._add(_Task(link, linked_from=base))
        for feed in advertised_feeds(content):
            self._add(_Task(urljoin(base, feed), kind="feed"))

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        return (
            parts.scheme in ("http", "https")
            and parts.netloc.lower() in self.hosts
            and (parts.path or "/").startswith(self.prefix)
        )

    # -- one task (runs in a worker thread) ---------------------------------------------

    def _handle(self, task: _Task) -> list[CrawlEvent | _FeedRead]:
        key = normalize_url(task.url)
        if not self.robots.can_fetch(self.options.user_agent, task.url):
            return [PageSkipped(key, "disallowed by robots.txt")]
        if task.kind == "feed":
            return self._handle_feed(task)
        known = self.state.get(key) if self.state else None
        if known and known.content_hash and task.lastmod and known.lastmod == task.lastmod:
            return [PageUnchanged(key, task.lastmod, task.in_sitemap)]
        headers = {}
        if known and known.content_hash:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        try:
            response = self.http.get(task.url, headers, html_only=True)
        except Refused as refusal:
            return [PageSkipped(key, str(refusal))]
        except httpx.TimeoutException:
            return [PageFailed(key, f"no answer within {self.options.timeout:g} s")]
        except httpx.HTTPError as error:
            return [PageFailed(key, f"cannot fetch: {error}")]
        return [self._page_event(key, task, response)]

    def _page_event(self, key: str, task: _Task, response: Response) -> CrawlEvent:
        if response.status == 304:
            return PageUnchanged(key, task.lastmod, task.in_sitemap)
        if response.status in GONE_STATUSES:
            return PageGone(key, f"HTTP {response.status}", response.status, task.linked_from)
        if response.status != 200:
            return PageFailed(key, f"HTTP {response.status}")
        page = RawPage(location=task.url, url=response.url, content=response.content)
        return PageFetched(
            key,
            page,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            lastmod=task.lastmod,
            in_sitemap=task.in_sitemap,
        )

    def _handle_feed(self, task: _Task) -> list[CrawlEvent | _FeedRead]:
        try:
            response = self.http.get(task.url)
        except (Refused, httpx.HTTPError):
            return []
        links = feed_links(response.content) if response.status == 200 else None
        return [_FeedRead(task.url, tuple(links or ()))]

    def _refusal(self, url: str) -> str | None:
        """Why a redirect to `url` is not followed, or None (the HTTP client asks)."""
        if not self._allowed(url):
            return "off the site"
        if not self.robots.can_fetch(self.options.user_agent, url):
            return "disallowed by robots.txt"
        return None
