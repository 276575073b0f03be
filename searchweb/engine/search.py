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
from dataclasses import dataclass, field
from functools import cache, partial
from math import ceil

import numpy as np
from whoosh import query as q
from whoosh.searching import Searcher

from searchweb.engine.columns import NO_DATE, segment_columns
from searchweb.engine.evaluate import Matches, evaluate
from searchweb.engine.exact import ExactPhrases, exact_phrases, keep_exact
from searchweb.engine.facets import count_facets
from searchweb.engine.hits import Highlights, to_hit
from searchweb.engine.titles import lift_title_matches, title_pattern
from searchweb.query.matching import MatchContext, build_query, filter_query, highlight_terms
from searchweb.query.spelling import fuzzy_alternatives, suggest_query
from searchweb.query.syntax import (
    Item,
    VisitorQuery,
    completing_last_word,
    parse_visitor_query,
    with_synonyms,
)
from searchweb.records import TYPES, FacetCounts, SearchOptions, SearchRequest, SearchResults


@dataclass
class _Run:
    """One executed query: its page of hits (docnum, score), total and every match's docnum."""

    parsed: VisitorQuery
    hits: list[tuple[int, float]]
    total: int
    docnums: np.ndarray
    timed_out: bool = False
    exact: ExactPhrases = field(default_factory=ExactPhrases)


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
    checked = parsed.words
    if request.partial:
        completed = completing_last_word(parsed, request.query)
        if completed is not parsed:  # the last word is unfinished: not a typo to correct
            parsed, checked = completed, checked[:-1]
    run = _execute(searcher, request, parsed, context, options.time_limit)
    suggestion, fuzzy = None, False
    if checked:
        # With no result any rare word may be a typo; with results, only words the index
        # does not hold are (a word that found posts is not corrected away from them).
        suggestion = suggest_query(
            request.query, checked, context.reader, context.languages, run.total > 0
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
    last_page = ceil(run.total / request.per_page)
    if run.total and request.page > last_page:
        notices.append(f"Page {request.page} is past the last page of results, page {last_page}.")
    facets = FacetCounts()
    if request.with_facets and run.total and not run.timed_out:
        facets = count_facets(context.reader, run.docnums)
    marks = Highlights(cache(partial(highlight_terms, run.parsed, context)), run.exact.marks)
    hits = [
        to_hit(searcher.stored_fields(docnum), score, marks, searcher, options, request)
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
    exact = exact_phrases(parsed, context)
    if text_query is q.NullQuery:
        if (restrict is None and not request.filters.type) or not parsed.is_empty():
            return _Run(parsed, [], 0, np.zeros(0, dtype=np.int64), exact=exact)
        text_query = q.Every()  # browsing by filter alone
    sort = request.sort
    if sort == "relevance" and isinstance(text_query, q.Every):
        sort = "newest"
    deadline = time.perf_counter() + time_limit
    found = evaluate(searcher, text_query, restrict, deadline)
    matches, timed_out = _of_types(searcher, found.matches, request.filters.type), found.timed_out
    if exact:
        matches, stopped = keep_exact(searcher, matches, exact, deadline)
        timed_out = timed_out or stopped
    pattern = title_pattern(parsed) if sort == "relevance" else None
    if pattern is not None:
        matches = lift_title_matches(searcher, matches, pattern)
    pages = _page_flags(searcher, matches.ids)
    first = (request.page - 1) * request.per_page
    order = _page_order(searcher, matches, pages, sort, first + request.per_page)[first:]
    hits = [(int(matches.ids[i]), float(matches.scores[i])) for i in order]
    return _Run(parsed, hits, len(matches), matches.ids, timed_out, exact)


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


def _of_types(searcher: Searcher, matches: Matches, types: tuple[str, ...]) -> Matches:
    """Only the posts, or only the pages, when the request filters by type."""
    if not types or set(types) >= set(TYPES):
        return matches
    pages = _page_flags(searcher, matches.ids)
    keep = pages if "page" in types else ~pages
    return Matches(matches.ids[keep], matches.scores[keep])


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
