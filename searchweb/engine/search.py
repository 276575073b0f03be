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
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial

import numpy as np
from whoosh import query as q
from whoosh.searching import Searcher

from indexer.index import KIND_FIELD, body_field, stored_text, title_field
from searchweb.engine.columns import NO_DATE, segment_columns
from searchweb.engine.evaluate import Matches, evaluate
from searchweb.engine.facets import count_facets
from searchweb.engine.snippets import snippet_html, title_html
from searchweb.query.matching import MatchContext, build_query, filter_query, highlight_terms
from searchweb.query.spelling import fuzzy_alternatives, suggest_query
from searchweb.query.syntax import (
    Item,
    VisitorQuery,
    completing_last_word,
    parse_visitor_query,
    with_synonyms,
)
from searchweb.records import (
    TYPES,
    FacetCounts,
    Hit,
    SearchOptions,
    SearchRequest,
    SearchResults,
)

# With this many results or fewer, "did you mean" looks for a better spelling.
FEW_RESULTS = 2


@dataclass
class _Run:
    """One executed query: its page of hits (docnum, score), total and every match's docnum."""

    parsed: VisitorQuery
    hits: list[tuple[int, float]]
    total: int
    docnums: np.ndarray
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
    if request.partial:
        parsed = completing_last_word(parsed, request.query)
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
        _to_hit(searcher.stored_fields(docnum), score, terms, searcher, options, request)
        for docnum, score in run.hits
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
        if (restrict is None and not request.filters.type) or not parsed.is_empty():
            return _Run(parsed, [], 0, np.zeros(0, dtype=np.int64))
        text_query = q.Every()  # browsing by filter alone
    sort = request.sort
    if sort == "relevance" and isinstance(text_query, q.Every):
        sort = "newest"
    found = evaluate(searcher, text_query, restrict, time.perf_counter() + time_limit)
    pages = _page_flags(searcher, found.matches.ids)
    matches, pages = _of_types(found.matches, pages, request.filters.type)
    first = (request.page - 1) * request.per_page
    order = _page_order(searcher, matches, pages, sort, first + request.per_page)[first:]
    hits = [(int(matches.ids[i]), float(matches.scores[i])) for i in order]
    return _Run(parsed, hits, len(matches), matches.ids, found.timed_out)


def _page_order(
    searcher: Searcher, matches: Matches, pages: np.ndarray, sort: str, limit: int
) -> np.ndarray:
    """Positions in `matches` of the first `limit` results in the requested order.

    Relevance: highest score first; on equal scores a post before a page, then by document
    number (as Whoosh orders them). Newest/oldest: by date, undated posts last and static
    pages (which have no date) after them.
    """
    if not len(matches) or limit <= 0:
        return np.zeros(0, dtype=np.int64)
    if sort == "relevance":
        keys = -matches.scores
    else:
        dates = _dates_of(searcher, matches.ids)
        # Undated posts last either way (NO_DATE negated would overflow to first).
        newest_first = -np.maximum(dates, NO_DATE + 1) if sort == "newest" else dates
        keys = np.where(dates == NO_DATE, np.iinfo(np.int64).max, newest_first)
    if limit < len(keys):
        # Only the best `limit` need sorting: partition on the key, keep the ties at the edge.
        cut = np.partition(keys, limit - 1)[limit - 1]
        candidates = np.flatnonzero(keys <= cut)
    else:
        candidates = np.arange(len(keys))
    order = (matches.ids[candidates], pages[candidates], keys[candidates])
    return candidates[np.lexsort(order)][:limit]


def _page_flags(searcher: Searcher, docnums: np.ndarray) -> np.ndarray:
    """Which of the global `docnums` (ascending) are static pages."""
    flags = np.zeros(len(docnums), dtype=bool)
    for leaf, offset in searcher.leaf_searchers():
        end = offset + leaf.reader().doc_count_all()
        first, last = np.searchsorted(docnums, [offset, end])
        if last > first:
            flags[first:last] = segment_columns(leaf.reader()).pages[docnums[first:last] - offset]
    return flags


def _of_types(
    matches: Matches, pages: np.ndarray, types: tuple[str, ...]
) -> tuple[Matches, np.ndarray]:
    """Only the posts, or only the pages, when the request filters by type."""
    if not types or set(types) >= set(TYPES):
        return matches, pages
    keep = pages if "page" in types else ~pages
    return Matches(matches.ids[keep], matches.scores[keep]), pages[keep]


def _dates_of(searcher: Searcher, docnums: np.ndarray) -> np.ndarray:
    """The date column (NO_DATE when undated) for global `docnums` in ascending order."""
    dates = np.full(len(docnums), NO_DATE, dtype=np.int64)
    for leaf, offset in searcher.leaf_searchers():
        end = offset + leaf.reader().doc_count_all()
        first, last = np.searchsorted(docnums, [offset, end])
        if last > first:
            dates[first:last] = segment_columns(leaf.reader()).dates[docnums[first:last] - offset]
    return dates


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
    stored: dict,
    score: float,
    terms: Callable[[str], frozenset[str]],
    searcher: Searcher,
    options: SearchOptions,
    request: SearchRequest,
) -> Hit:
    """A stored document as a result; `terms(field)` gives the query's terms in a field."""
    display = stored.get("display") or {}
    language = stored.get("language") or "en"
    schema = searcher.schema
    title = display.get("title") or ""
    body_name, title_name = body_field(language), title_field(language)
    published = stored.get("date")
    snippet = ""
    if request.with_snippets:
        settings = options.snippets
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
        score=round(score, 4),
        type="page" if stored.get(KIND_FIELD) == "page" else "post",
    )
