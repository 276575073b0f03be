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
class Section:
    """A heading of a post's body: where its text starts in the body, and its anchor.

    `anchor` is the heading's own `id` when the page gives one, else the slug of its text,
    which the widget gives the heading on the post's page.
    """

    offset: int
    title: str
    anchor: str


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
    sections: tuple[Section, ...] = ()
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


@dataclass(frozen=True)
class NotFound:
    """An address a crawl met that answered 404 or 410 and holds no indexed post: a broken
    link on the site (`linked_from` names the page or feed with the link, when known)."""

    url: str
    reason: str
    linked_from: str | None = None


# The reason of an unchanged page that is not a post, in a state saved without reasons.
UNKNOWN_SKIP_REASON = "not a post (the next --full run records why)"


@dataclass
class IndexSummary:
    """What one indexing run did, printed at its end and returned to callers and tests.

    Every page the run met is in exactly one of `indexed` (posts), `static_pages` (indexed
    as pages), `skipped`, `failed` or the `unchanged` count; of the unchanged,
    `unchanged_posts` hold a post, `unchanged_pages` a static page, and the others are
    counted by the reason they are not posts, as an earlier run found it. `not_found` are
    addresses that do not exist (broken links), which are no pages. `warnings` are problems
    that did not stop the run nor lose a post (the posts are indexed; something that only
    speeds searching up was not written).
    """

    indexed: list[str] = field(default_factory=list)
    static_pages: list[str] = field(default_factory=list)  # indexed as pages
    skipped: list[Skip] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    unchanged: int = 0
    unchanged_posts: int = 0
    unchanged_pages: int = 0
    unchanged_skips: dict[str, int] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)
    refused_deletes: list[str] = field(default_factory=list)
    mass_delete_message: str | None = None
    not_found: list[NotFound] = field(default_factory=list)
    truncated: list[str] = field(default_factory=list)  # crawls stopped by crawl_max_pages
    warnings: list[str] = field(default_factory=list)
    # False for a new index or a rebuild (--full): nothing to compare with, nothing unchanged.
    incremental: bool = False
    posts_in_index: int | None = None  # once the run has committed

    @property
    def pages(self) -> int:
        """How many pages the run met."""
        indexed = len(self.indexed) + len(self.static_pages)
        return indexed + len(self.skipped) + len(self.failed) + self.unchanged

    def skip_reasons(self, with_unchanged: bool = False) -> dict[str, int]:
        """Skipped pages counted by reason, most common first; `with_unchanged` adds the
        unchanged pages that are not posts (what the site holds besides its posts)."""
        counts: dict[str, int] = dict(self.unchanged_skips) if with_unchanged else {}
        for skip in self.skipped:
            counts[skip.reason] = counts.get(skip.reason, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
