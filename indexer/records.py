"""Typed records passed between the indexer's stages.

Each stage of the flow (sources → extract → store) hands the next one of these frozen
records instead of dicts, so a field cannot be misspelt between stages and every skip or
failure carries the page it happened to and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# A page this large is a data dump or an attack, not a blog post: refused unread.
MAX_PAGE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class RawPage:
    """One page as read from a source, before any parsing.

    `location` is where it came from (a file path or a URL), for messages; `url` is the
    address visitors will be sent to, derived by the source from the page's folder.
    """

    location: str
    url: str
    content: bytes


POST_KIND = "post"
PAGE_KIND = "page"


@dataclass(frozen=True)
class Post:
    """A blog post as the index stores it: the extractor's output, the store's input.

    `kind` is "post", or "page" for a static page of the site (about, contact, a campaign
    page), which is indexed too when the site's settings include pages.
    """

    url: str
    title: str
    body: str
    summary: str
    date: date | None = None
    author: str | None = None
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    language: str = "en"
    kind: str = POST_KIND


@dataclass(frozen=True)
class Skip:
    """A page that was read fine but is not a post (a home page, an archive, a 404...)."""

    location: str
    url: str
    reason: str


@dataclass(frozen=True)
class Failure:
    """A page that could not be read or extracted; the rest of the run goes on."""

    location: str
    reason: str


@dataclass
class IndexSummary:
    """What one indexing run did, printed at its end and returned to callers and tests.

    Every page the run met is in exactly one of `indexed` (posts), `static_pages`,
    `skipped`, `failed` or the `unchanged` count. `warnings` are problems that did not stop
    the run nor lose a post (the posts are indexed; something that only speeds searching
    up was not written).
    """

    indexed: list[str] = field(default_factory=list)
    static_pages: list[str] = field(default_factory=list)  # indexed as pages
    skipped: list[Skip] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    refused_deletes: list[str] = field(default_factory=list)
    mass_delete_message: str | None = None
    truncated: list[str] = field(default_factory=list)  # crawls stopped by crawl_max_pages
    warnings: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        """How many pages the run met."""
        indexed = len(self.indexed) + len(self.static_pages)
        return indexed + len(self.skipped) + len(self.failed) + self.unchanged

    def skip_reasons(self) -> dict[str, int]:
        """Skipped pages counted by reason, most common first."""
        counts: dict[str, int] = {}
        for skip in self.skipped:
            counts[skip.reason] = counts.get(skip.reason, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
