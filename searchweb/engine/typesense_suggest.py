"""Autocomplete on a Typesense collection: post titles, then words, for a partial query.

As for Whoosh: titles first (up to half the list), found by a prefix search of the title
words (the complete words as typed, the last one as a prefix); then words completing the
last typed word, the words held by most posts first. The words come from the collection's
`words` field, counted by a facet query over the posts that hold such a word.
"""

from __future__ import annotations

from collections.abc import Callable

from indexer.index import plain_words, query_terms
from searchweb.records import Completion

SUGGEST_LIMIT = 8
MAX_PREFIX_CHARS = 64

Search = Callable[[dict], dict]


def suggest(
    search: Search, prefix: str, language: str, limit: int = SUGGEST_LIMIT
) -> list[Completion]:
    """Titles first (up to half of `limit`), then words completing the last typed word."""
    prefix = " ".join(prefix.lower().split())[:MAX_PREFIX_CHARS]
    if not prefix:
        return []
    titles = _titles(search, prefix, language, max(1, limit // 2))
    words = _words(search, prefix, language, limit - len(titles))
    return [*titles, *words]


def _titles(search: Search, prefix: str, language: str, limit: int) -> list[Completion]:
    *complete, last = prefix.split(" ")
    if len(last) < 2 and not complete:
        return []  # one letter says too little to pick a title
    words = [term for word in complete for term in query_terms(word, language)]
    stem = query_terms(last, language)
    typed = [*words, stem[-1] if stem else last]
    answer = search(
        {
            "q": " ".join(typed),
            "query_by": "title_terms",
            "prefix": "true",
            "num_typos": 0,
            "drop_tokens_threshold": 0,
            "per_page": limit,
            "include_fields": "url,title",
            "highlight_fields": "title_terms",
        }
    )
    return [
        Completion(
            "title", hit["document"].get("title") or hit["document"]["url"], hit["document"]["url"]
        )
        for hit in answer.get("hits", [])
    ]


def _words(search: Search, prefix: str, language: str, limit: int) -> list[Completion]:
    if limit <= 0:
        return []
    *complete, last = prefix.split(" ")
    folded = plain_words(last, language) or [last]
    if len(last) < 2 or len(folded) != 1:
        return []
    word = folded[0]
    answer = search(
        {
            "q": word,
            "query_by": "words",
            "prefix": "true",
            "num_typos": 0,
            "drop_tokens_threshold": 0,
            "per_page": 0,
            "facet_by": "words",
            "facet_query": f"words:{word}",
            "max_facet_values": limit + 1,
        }
    )
    counts = (answer.get("facet_counts") or [{}])[0].get("counts") or []
    found = [(c["count"], c["value"]) for c in counts if c["value"].startswith(word)]
    ranked = sorted(found, key=lambda pair: (-pair[0], pair[1]))
    lead = " ".join(complete)
    return [
        Completion("term", f"{lead} {value}".strip())
        for _, value in ranked[:limit]
        if value != lead
    ]
