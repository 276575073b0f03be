"""The one search function behind the results page, the JSON API and the CLI.

`search(searcher, request)` is pure with respect to the web: it takes a Whoosh searcher and
a validated request, and returns plain records. It imports nothing from Flask, so the HTML
page, `/api/search` and `postsearch search` cannot drift apart.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cache, partial
from math import ceil

from whoosh import query as q
from whoosh.searching import Hit as WhooshHit
from whoosh.searching import Searcher

from indexer.schema import body_field, title_field
from searchweb.query import (
    build_query,
    highlight_terms,
    parse_visitor_query,
    search_fields,
)
from searchweb.snippets import snippet_html, title_html


@dataclass(frozen=True)
class SearchRequest:
    """A validated search: the query text and which page of results."""

    query: str
    page: int = 1
    per_page: int = 10


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

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page)) if self.total else 0

    def to_dict(self) -> dict:
        data = asdict(self)
        data["pages"] = self.pages
        data["results"] = data.pop("hits")
        return data


@dataclass(frozen=True)
class SnippetSettings:
    """How much of each hit's body the snippet shows (from the deployment's Settings)."""

    fragments: int = 2
    context_chars: int = 90


def search(
    searcher: Searcher,
    request: SearchRequest,
    languages: list[str] | None = None,
    snippets: SnippetSettings | None = None,
    notices: list[str] | None = None,
) -> SearchResults:
    """Run `request` against `searcher` and return one page of highlighted results."""
    started = time.perf_counter()
    parsed = parse_visitor_query(request.query)
    fields = search_fields(languages or ["en"])
    whoosh_query = build_query(parsed, searcher.schema, fields)
    hits: list[Hit] = []
    total = 0
    if whoosh_query is not q.NullQuery:
        page = searcher.search_page(whoosh_query, request.page, pagelen=request.per_page)
        total = page.total
        if request.page <= max(1, page.pagecount):
            settings = snippets or SnippetSettings()
            terms = cache(partial(highlight_terms, parsed, searcher.schema))
            hits = [_to_hit(hit, terms, searcher, settings) for hit in page]
    took_ms = (time.perf_counter() - started) * 1000
    return SearchResults(
        query=request.query,
        total=total,
        page=request.page,
        per_page=request.per_page,
        hits=hits,
        took_ms=round(took_ms, 2),
        notices=list(notices or []),
    )


def _to_hit(
    hit: WhooshHit,
    terms: Callable[[str], frozenset[str]],
    searcher: Searcher,
    settings: SnippetSettings,
) -> Hit:
    """A stored document as a result; `terms(field)` gives the query's terms in a field."""
    stored = hit.fields()
    display = stored.get("display") or {}
    language = stored.get("language") or "en"
    schema = searcher.schema
    title = display.get("title") or ""
    body_name, title_name = body_field(language), title_field(language)
    published = stored.get("date")
    return Hit(
        url=stored["url"],
        title=title,
        title_html=title_html(title, terms(title_name), schema[title_name].analyzer),
        snippet_html=snippet_html(
            stored.get("content") or "",
            terms(body_name),
            schema[body_name].analyzer,
            fragments=settings.fragments,
            context_chars=settings.context_chars,
            fallback=stored.get("summary") or "",
        ),
        date=published.date().isoformat() if published else None,
        author=display.get("author"),
        categories=list(display.get("categories") or []),
        tags=list(display.get("tags") or []),
        score=round(float(hit.score or 0.0), 4),
    )
