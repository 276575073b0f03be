"""What a source yields to the pipeline: one typed event per page address.

Every source (a crawl, a folder, a WordPress export, the webhook's one page) speaks this
vocabulary, so the pipeline treats them alike: a page's bytes to extract, "unchanged" (no
work), "gone" (delete its post; for an address never indexed, a link to a page that
does not exist), "skipped" and "failed" (counted with their reason), or, for an export, a
post already read. `key` is the page's address as the crawl state keys it. A source that
knows how many pages it holds says so first (`PagesExpected`), for the progress bar.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.records import Post, RawPage, Skip


@dataclass(frozen=True)
class PageFetched:
    """A page's bytes, with the validators the next run asks the server with."""

    key: str
    page: RawPage
    etag: str | None = None
    last_modified: str | None = None
    lastmod: str | None = None
    in_sitemap: bool = False


@dataclass(frozen=True)
class PageUnchanged:
    """A page known to be as the last run saw it (a 304, an unmoved `lastmod`, a file's stamp)."""

    key: str
    lastmod: str | None = None
    in_sitemap: bool = False


@dataclass(frozen=True)
class PageGone:
    """A page that is no longer there (404/410, left the sitemap, folder or export).

    `status` is the HTTP status when a server said so, and `linked_from` the page (or feed)
    whose link led there, if any: a gone address that was never indexed is a broken link.
    """

    key: str
    reason: str
    status: int | None = None
    linked_from: str | None = None


@dataclass(frozen=True)
class PageSkipped:
    """A page the source chose not to read (robots.txt, off the site, not HTML)."""

    key: str
    reason: str


@dataclass(frozen=True)
class PageFailed:
    """A page that could not be read; the run goes on."""

    key: str
    reason: str


@dataclass(frozen=True)
class PostReady:
    """A post a source read itself (a WordPress export), with a fingerprint of its record."""

    key: str
    post: Post | Skip
    fingerprint: str


@dataclass(frozen=True)
class PagesExpected:
    """How many pages the source will yield (a folder's files, an export's items)."""

    count: int


SourceEvent = (
    PageFetched | PageUnchanged | PageGone | PageSkipped | PageFailed | PostReady | PagesExpected
)
