"""The typed records of a search: what is asked, and what comes back.

The contract between the web layer (the page, the JSON API, the CLI) and a search backend.
A backend takes a SearchRequest and returns SearchResults; the page and the API render the
same `SearchResults.to_dict()`. Nothing here knows how a backend finds its answers, so a
second backend returns the very same records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil

from searchweb.query.dates import DateRange

SORTS = ("relevance", "newest", "oldest")
FACET_NAMES = ("year", "category", "author", "tag", "type")
# What a result is: a post, or a static page of the site (about, contact...).
TYPES = ("post", "page")


@dataclass(frozen=True)
class Filters:
    """What the visitor narrowed the results to; several values of one facet mean any of them."""

    year: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    tag: tuple[str, ...] = ()
    dates: DateRange | None = None
    type: tuple[str, ...] = ()  # "post", "page"

    def is_empty(self) -> bool:
        return not (
            self.year or self.category or self.author or self.tag or self.dates or self.type
        )

    def to_dict(self) -> dict:
        dates = self.dates or DateRange()
        return {
            "year": list(self.year),
            "category": list(self.category),
            "author": list(self.author),
            "tag": list(self.tag),
            "type": list(self.type),
            "from": dates.start.isoformat() if dates.start else None,
            "to": dates.end.isoformat() if dates.end else None,
        }


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass
class FacetCounts:
    """Counts per facet value over a result set, biggest first (years newest first)."""

    counts: dict[str, list[FacetCount]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, list[dict]]:
        return {
            name: [{"value": c.value, "count": c.count} for c in values]
            for name, values in self.counts.items()
        }


@dataclass(frozen=True)
class SearchRequest:
    """A validated search: the text, the page, the filters and the order."""

    query: str
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    filters: Filters = field(default_factory=Filters)
    with_facets: bool = True
    with_snippets: bool = True
    partial: bool = False  # typed so far: the last word may be unfinished


@dataclass(frozen=True)
class SnippetSettings:
    """How much of each hit's body the snippet shows (from the deployment's Settings)."""

    fragments: int = 2
    context_chars: int = 90


@dataclass(frozen=True)
class SearchOptions:
    """What the deployment adds to every search: languages, snippets, synonyms."""

    languages: tuple[str, ...] = ("en",)
    snippets: SnippetSettings = field(default_factory=SnippetSettings)
    synonyms: tuple[tuple[str, str], ...] = ()
    recency_boost: float = 0.0  # see searchweb.engine.ranking
    time_limit: float = 2.0  # seconds one search may take before it returns what it has


@dataclass(frozen=True)
class SubResult:
    """A section of a long post where the query's words are: its heading, the link to that
    heading, and a snippet of the section (escaped HTML whose only tags are <mark>)."""

    title: str
    url: str
    snippet_html: str

    def to_dict(self) -> dict:
        return {"title": self.title, "url": self.url, "snippet_html": self.snippet_html}


@dataclass(frozen=True)
class Hit:
    """One result, ready to show: `title_html` and `snippet_html` are escaped HTML."""

    url: str
    title: str
    title_html: str
    snippet_html: str
    date: str | None
    author: str | None
    categories: list[str]
    tags: list[str]
    score: float
    sub_results: list[SubResult] = field(default_factory=list)
    type: str = "post"  # or "page": a static page of the site

    def to_dict(self) -> dict:
        # Not dataclasses.asdict: its deep copy was 5% of an API answer's time.
        return {
            **vars(self),
            "categories": list(self.categories),
            "tags": list(self.tags),
            "sub_results": [sub.to_dict() for sub in self.sub_results],
        }


@dataclass(frozen=True)
class SearchResults:
    """A page of results plus what the page needs to say about them."""

    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    took_ms: float
    notices: list[str] = field(default_factory=list)
    sort: str = "relevance"
    filters: Filters = field(default_factory=Filters)
    facets: FacetCounts = field(default_factory=FacetCounts)
    suggestion: Suggestion | None = None
    fuzzy: bool = False

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page)) if self.total else 0

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "took_ms": self.took_ms,
            "sort": self.sort,
            "filters": self.filters.to_dict(),
            "facets": self.facets.to_dict(),
            "suggestion": self.suggestion.to_dict() if self.suggestion else None,
            "fuzzy": self.fuzzy,
            "notices": list(self.notices),
            "results": [hit.to_dict() for hit in self.hits],
        }


@dataclass(frozen=True)
class Suggestion:
    """A corrected query: `text` to search, `html` with the changed words in <mark>."""

    text: str
    html: str

    def to_dict(self) -> dict:
        return {"text": self.text, "html": self.html}


@dataclass(frozen=True)
class Completion:
    """One autocomplete entry: a post title (with its URL) or a word of the index."""

    kind: str  # "title" or "term"
    text: str
    url: str | None = None

    def to_dict(self) -> dict:
        data = {"kind": self.kind, "text": self.text}
        if self.url:
            data["url"] = self.url
        return data


@dataclass(frozen=True)
class RelatedPost:
    """A post like another one (`/api/related`): plain text, as the widget shows it."""

    url: str
    title: str
    date: str | None
    summary: str

    def to_dict(self) -> dict:
        return {"url": self.url, "title": self.title, "date": self.date, "summary": self.summary}
