"""The one search function behind the results page, the JSON API and the CLI.

`search(searcher, request, options)` is pure with respect to the web: it takes a Whoosh
searcher and a validated request and returns plain records. It imports nothing from Flask, so
the HTML page, `/api/search` and `postsearch search` cannot drift apart.

The steps, in order: parse the visitor's text (with the maintainer's synonyms), build the
Whoosh query and the filter, fetch one page of hits, count facets over the whole filtered
result set, offer "did you mean" when results are few, fall back to close spellings when
there are none, and make snippets for the hits shown only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field
from functools import cache, partial
from math import ceil

from whoosh import query as q
from whoosh.collectors import FilterCollector, TimeLimit, TimeLimitCollector, TopCollector
from whoosh.searching import Hit as WhooshHit
from whoosh.searching import ResultsPage, Searcher

from indexer.schema import body_field, stored_text, title_field
from searchweb.facets import FacetCounts, Filters, count_facets, filter_query
from searchweb.matching import MatchContext, build_query, highlight_terms
from searchweb.query import Item, VisitorQuery, parse_visitor_query, with_synonyms
from searchweb.snippets import snippet_html, title_html
from searchweb.spelling import Suggestion, fuzzy_alternatives, suggest_query

SORTS = ("relevance", "newest", "oldest")
# With this many results or fewer, "did you mean" looks for a better spelling.
FEW_RESULTS = 2


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
    recency_boost: float = 0.0  # see searchweb.ranking
    time_limit: float = 2.0  # seconds one search may take before it returns what it has


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
            "results": [asdict(hit) for hit in self.hits],
        }


@dataclass
class _Run:
    """One executed query: its page of hits, total and the docnums of all matches."""

    parsed: VisitorQuery
    hits: list[WhooshHit]
    total: int
    docnums: Collection[int]
    timed_out: bool = False


def search(
    searcher: Searcher,
    request: SearchRequest,
    options: SearchOptions | None = None,
    notices: list[str] | None = None,
) -> SearchResults:
    """Run `request` against `searcher` and return one page of highlighted results."""
    started = time.perf_counter()
    options = options or SearchOptions()
    notices = list(notices or [])
    context = MatchContext(searcher.schema, searcher.reader(), tuple(options.languages))
    parsed = with_synonyms(parse_visitor_query(request.query), options.synonyms)
    run = _execute(searcher, request, parsed, context, options.time_limit)
    suggestion, fuzzy = None, False
    if parsed.words:
        # With few results any rare word may be a typo; with many, only unknown words are.
        suggestion = suggest_query(
            request.query, parsed, context.reader, context.languages, run.total > FEW_RESULTS
        )
    if run.total == 0 and parsed.words:
        fuzzy_run = _execute(
            searcher, request, _fuzzy(parsed, context), context, options.time_limit
        )
        if fuzzy_run.total:
            run, fuzzy = fuzzy_run, True
            notices.append(
                f"No posts match “{request.query}” exactly; showing posts with close spellings."
            )
    if run.timed_out:
        notices.append("This search took too long; the results shown may be incomplete.")
    facets = FacetCounts()
    if request.with_facets and run.total and not run.timed_out:
        facets = count_facets(context.reader, run.docnums)
    terms = cache(partial(highlight_terms, run.parsed, context))
    hits = [
        _to_hit(hit, terms, searcher, options.snippets, request.with_snippets) for hit in run.hits
    ]
    return SearchResults(
        query=request.query,
        total=run.total,
        page=request.page,
        per_page=request.per_page,
        hits=hits,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        notices=notices,
        sort=request.sort,
        filters=request.filters,
        facets=facets,
        suggestion=suggestion,
        fuzzy=fuzzy,
    )


def _execute(
    searcher: Searcher,
    request: SearchRequest,
    parsed: VisitorQuery,
    context: MatchContext,
    time_limit: float,
) -> _Run:
    """Fetch the requested page for `parsed` under the request's filters and order."""
    text_query = build_query(parsed, context)
    restrict = filter_query(request.filters, parsed.dates)
    if text_query is q.NullQuery:
        if restrict is None or not parsed.is_empty():
            return _Run(parsed, [], 0, ())
        text_query = q.Every()  # browsing by filter alone
    sort = request.sort
    if sort == "relevance" and isinstance(text_query, q.Every):
        sort = "newest"
    sorting = {} if sort == "relevance" else {"sortedby": "date", "reverse": sort == "newest"}
    limit = request.page * request.per_page
    top = searcher.collector(limit=limit, **sorting) if sorting else _EveryMatch(limit)
    # The filter must wrap the timer: a wrapping collector drives its child's matches itself.
    timed = TimeLimitCollector(top, timelimit=time_limit, use_alarm=False)
    collector = timed if restrict is None else FilterCollector(timed, allow=restrict)
    timed_out = False
    try:
        searcher.search_with_collector(text_query, collector)
    except TimeLimit:
        timed_out = True  # keep what was found in time; say so rather than fail
    results = collector.results()
    page = ResultsPage(results, request.page, request.per_page)
    hits = list(page) if request.page <= max(1, page.pagecount) else []
    docnums = top.docnums if isinstance(top, _EveryMatch) else results.docs()
    return _Run(parsed, hits, page.total, docnums, timed_out)


class _EveryMatch(TopCollector):
    """Keeps the top N by score, and the number of every match, in one pass.

    Whoosh's TopCollector may skip blocks that cannot reach the top N, but then counts the
    total, and we counted facets, by running the query twice more; scoring every match
    once and keeping its number was measured faster than those three passes together.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(limit=limit, usequality=False)
        self.docnums: list[int] = []

    def _collect(self, global_docnum: int, score: float) -> float:
        self.docnums.append(global_docnum)
        return super()._collect(global_docnum, score)


def _fuzzy(parsed: VisitorQuery, context: MatchContext) -> VisitorQuery:
    """`parsed` with every plain word also matching its close spellings in the index."""
    groups = []
    for group in parsed.groups:
        extra = [
            Item(text=alternative)
            for item in group
            if not (item.phrase or item.prefix or item.field)
            for alternative in fuzzy_alternatives(context.reader, context.languages, item.text)
        ]
        groups.append([*group, *extra])
    return VisitorQuery(groups, parsed.required, parsed.excluded, parsed.dates)


def _to_hit(
    hit: WhooshHit,
    terms: Callable[[str], frozenset[str]],
    searcher: Searcher,
    settings: SnippetSettings,
    with_snippets: bool = True,
) -> Hit:
    """A stored document as a result; `terms(field)` gives the query's terms in a field."""
    stored = hit.fields()
    display = stored.get("display") or {}
    language = stored.get("language") or "en"
    schema = searcher.schema
    title = display.get("title") or ""
    body_name, title_name = body_field(language), title_field(language)
    published = stored.get("date")
    snippet = ""
    if with_snippets:
        snippet = snippet_html(
            stored_text(stored.get("content")),
            terms(body_name),
            schema[body_name].analyzer,
            fragments=settings.fragments,
            context_chars=settings.context_chars,
            fallback=stored.get("summary") or "",
        )
    return Hit(
        url=stored["url"],
        title=title,
        title_html=title_html(title, terms(title_name), schema[title_name].analyzer),
        snippet_html=snippet,
        date=published.date().isoformat() if published else None,
        author=display.get("author"),
        categories=list(display.get("categories") or []),
        tags=list(display.get("tags") or []),
        score=round(float(hit.score or 0.0), 4),
    )
