"""Autocomplete: post titles and words for what a visitor has typed so far.

It must answer in a few milliseconds on every keystroke, so its work is bounded: the last
(partial) word is completed from the field's words held in memory (searchweb.query.vocabulary),
and titles come from one search of the title fields for the most widespread completions.
"""

from __future__ import annotations

import numpy as np
from whoosh import query as q
from whoosh.searching import Searcher

from indexer.index import title_field
from searchweb.engine.evaluate import evaluate
from searchweb.query.matching import analysed_query, expand_prefix
from searchweb.query.spelling import spelling_fields
from searchweb.query.vocabulary import most_common
from searchweb.records import Completion

MAX_PREFIX_CHARS = 64
# The last word of a title search completes to this many of the most frequent words.
TITLE_COMPLETIONS = 8


def suggest(
    searcher: Searcher, prefix: str, languages: tuple[str, ...], limit: int = 8
) -> list[Completion]:
    """Titles first (up to half of `limit`), then words completing the last typed word."""
    prefix = " ".join(prefix.lower().split())[:MAX_PREFIX_CHARS]
    if not prefix:
        return []
    titles = _titles(searcher, prefix, languages, max(1, limit // 2))
    terms = _terms(searcher, prefix, languages, limit - len(titles))
    return [*titles, *terms]


def _titles(
    searcher: Searcher, prefix: str, languages: tuple[str, ...], limit: int
) -> list[Completion]:
    *complete, last = prefix.split(" ")
    if len(last) < 2 and not complete:
        return []  # one letter says too little to pick a title, and expands to most words
    parts = []
    for language in languages or ("en",):
        name = title_field(language)
        if name not in searcher.schema:
            continue
        words = [analysed_query(name, word, searcher.schema) for word in complete]
        expanded = expand_prefix(searcher.reader(), name, last)[:TITLE_COMPLETIONS]
        completions = [q.Term(name, t) for t in expanded]
        if not completions:
            exact = analysed_query(name, last, searcher.schema)
            completions = [exact] if exact else []
        if completions:
            parts.append(q.And([*(w for w in words if w), q.Or(completions)]))
    if not parts:
        return []
    found = evaluate(searcher, q.Or(parts)).matches
    best = np.lexsort((found.ids, -found.scores))[:limit]
    completions = []
    for docnum in found.ids[best]:
        stored = searcher.stored_fields(int(docnum))
        title = (stored.get("display") or {}).get("title") or stored["url"]
        completions.append(Completion("title", title, stored["url"]))
    return completions


def _terms(
    searcher: Searcher, prefix: str, languages: tuple[str, ...], limit: int
) -> list[Completion]:
    if limit <= 0:
        return []
    *complete, last = prefix.split(" ")
    if len(last) < 2:
        return []
    reader = searcher.reader()
    counts: dict[str, int] = {}
    for name in spelling_fields(reader, languages):
        for posts, word in most_common(reader, name, last, limit + 1):
            counts[word] = counts.get(word, 0) + posts
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    lead = " ".join(complete)
    return [
        Completion("term", f"{lead} {word}".strip()) for word, _ in ranked[:limit] if word != lead
    ]
