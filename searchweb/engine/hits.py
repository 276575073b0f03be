"""A stored post as a result: its highlighted title and snippet, and its deep links.

Made only for the hits of the page shown. A long post whose matches sit under its headings
also gets up to MAX_SUB_RESULTS sub-results: for each of the sections holding the most of
the query's words, the heading, a link to it (`url#anchor`, from the sections the indexer
read; see indexer.extract.sections) and a snippet of that section alone. They are listed in
the post's own order, as a reader scrolling down would meet them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from whoosh.analysis import Analyzer
from whoosh.searching import Searcher

from indexer.index import KIND_FIELD, body_field, stored_text, title_field
from searchweb.engine.snippets import find_matches, passages_html, snippet_html, title_html
from searchweb.records import Hit, SearchOptions, SearchRequest, SubResult

# A post at least this long (characters of body) is worth deep links into it.
LONG_POST_CHARS = 2000
MAX_SUB_RESULTS = 3
SUB_RESULT_CONTEXT_CHARS = 60


@dataclass(frozen=True)
class Highlights:
    """What to mark in a hit: the query's terms in a field (`terms(name)`), and the exact
    phrases (with stop words) the query required."""

    terms: Callable[[str], frozenset[str]]
    phrases: tuple[re.Pattern, ...] = ()


def to_hit(
    stored: dict,
    score: float,
    marks: Highlights,
    searcher: Searcher,
    options: SearchOptions,
    request: SearchRequest,
) -> Hit:
    """A stored document as a result."""
    display = stored.get("display") or {}
    language = stored.get("language") or "en"
    schema = searcher.schema
    title = display.get("title") or ""
    body_name, title_name = body_field(language), title_field(language)
    body_analyzer = schema[body_name].analyzer
    published = stored.get("date")
    snippet, subs = "", []
    if request.with_snippets:
        text = stored_text(stored.get("content"))
        settings = options.snippets
        snippet = snippet_html(
            text,
            marks.terms(body_name),
            body_analyzer,
            fragments=settings.fragments,
            context_chars=settings.context_chars,
            fallback=stored.get("summary") or "",
            phrases=marks.phrases,
        )
        subs = deep_links(
            stored["url"],
            text,
            display.get("sections") or (),
            marks.terms(body_name),
            body_analyzer,
            marks.phrases,
        )
    title_terms = marks.terms(title_name)
    return Hit(
        url=stored["url"],
        title=title,
        title_html=title_html(title, title_terms, schema[title_name].analyzer, marks.phrases),
        snippet_html=snippet,
        date=published.date().isoformat() if published else None,
        author=display.get("author"),
        categories=list(display.get("categories") or []),
        tags=list(display.get("tags") or []),
        score=round(score, 4),
        sub_results=subs,
        type="page" if stored.get(KIND_FIELD) == "page" else "post",
    )


def deep_links(
    url: str,
    text: str,
    sections: list,
    terms: frozenset[str],
    analyzer: Analyzer,
    phrases: tuple[re.Pattern, ...] = (),
) -> list[SubResult]:
    """A long post's sub-results for the query's `terms` and `phrases` (see `sub_results`);
    none for a post without sections or shorter than LONG_POST_CHARS. Both backends call it."""
    if not sections or len(text) < LONG_POST_CHARS:
        return []
    return sub_results(url, text, sections, find_matches(text, terms, analyzer, phrases))


def sub_results(url: str, text: str, sections: list, matches: list) -> list[SubResult]:
    """Up to MAX_SUB_RESULTS sections holding matches, most distinct words first, shown in
    the post's order. `sections` are [offset, title, anchor], ascending."""
    ranked = []
    for index, (offset, title, anchor) in enumerate(sections):
        end = sections[index + 1][0] if index + 1 < len(sections) else len(text)
        start = offset + len(title)  # the section's text, after its heading's line
        inside = [m for m in matches if start <= m.start and m.end <= end]
        if inside:
            ranked.append((-len({m.term for m in inside}), -len(inside), offset, start, end))
            ranked[-1] += (title, anchor, inside)
    chosen = sorted(sorted(ranked)[:MAX_SUB_RESULTS], key=lambda item: item[2])
    results = []
    for *_, start, end, title, anchor, inside in chosen:
        section = text[start:end]
        shifted = [type(m)(m.start - start, m.end - start, m.term) for m in inside]
        snippet = passages_html(section, shifted, 1, SUB_RESULT_CONTEXT_CHARS)
        results.append(SubResult(title=title, url=f"{url}#{anchor}", snippet_html=snippet))
    return results
