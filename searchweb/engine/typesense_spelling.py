""" "Did you mean" on a Typesense collection, by the same rules as on Whoosh.

The collection keeps each post's distinct words, unstemmed, in `words` (the vocabulary
Whoosh counts per segment). A typed word found in fewer than RARE_WORD_DOCS posts
(or in none, when the search found plenty) is looked up with Typesense's typo tolerance,
which offers the words of the collection within one or two edits; the close word held by
the most posts wins, under the rules of `searchweb.query.spelling` (same first letter, a
swap counts as one edit, a rare word only gives way to one three times as frequent).
"""

from __future__ import annotations

from collections.abc import Callable

from rapidfuzz.distance import OSA

from indexer.index import query_terms
from searchweb.query.spelling import CORRECTION_GAIN, RARE_WORD_DOCS, max_edits, rewrite_query
from searchweb.query.syntax import VisitorQuery
from searchweb.records import Suggestion

# How many posts' words the typo search reads for candidates.
CANDIDATE_HITS = 20

# (list of search parameter dicts) → the answers, in order (one multi_search request).
MultiSearch = Callable[[list[dict]], list[dict]]


def suggest_correction(
    multi_search: MultiSearch,
    text: str,
    parsed: VisitorQuery,
    language: str,
    only_unknown: bool,
) -> Suggestion | None:
    """The visitor's text with rare words replaced by close frequent ones, or None."""
    # Not a stop word (the index leaves those out on purpose), and a word, not a number.
    typed = [w.lower() for w in parsed.words if w.isalpha() and query_terms(w, language)]
    typed = [word for word in dict.fromkeys(typed) if max_edits(word)]
    if not typed:
        return None
    counts = word_counts(multi_search, typed)
    rare = [w for w in typed if (counts[w] == 0 if only_unknown else counts[w] < RARE_WORD_DOCS)]
    if not rare:
        return None
    corrections = {}
    for word, candidates in zip(rare, close_words(multi_search, rare), strict=True):
        if not candidates:
            continue
        found = word_counts(multi_search, candidates)
        best = min(candidates, key=lambda candidate: (-found[candidate], candidate))
        own = counts[word]
        if found[best] and (own == 0 or found[best] >= own * CORRECTION_GAIN):
            corrections.update({w: best for w in parsed.words if w.lower() == word})
    return rewrite_query(text, corrections) if corrections else None


def word_counts(multi_search: MultiSearch, words: list[str]) -> dict[str, int]:
    """How many posts hold each word (unstemmed), in one request."""
    searches = [
        {"q": "*", "query_by": "words", "filter_by": f"words:=[`{word}`]", "per_page": 1}
        for word in words
    ]
    answers = multi_search(searches)
    return {word: int(answer.get("found", 0)) for word, answer in zip(words, answers, strict=True)}


def close_words(multi_search: MultiSearch, words: list[str]) -> list[list[str]]:
    """For each word, the collection's words within its edit distance (same first letter)."""
    searches = [
        {
            "q": word,
            "query_by": "words",
            "num_typos": max_edits(word),
            "min_len_1typo": 4,
            "min_len_2typo": 8,
            "typo_tokens_threshold": CANDIDATE_HITS,
            "drop_tokens_threshold": 0,
            "prefix": "false",
            "per_page": CANDIDATE_HITS,
            "include_fields": "id",
            "highlight_fields": "words",
        }
        for word in words
    ]
    answers = multi_search(searches)
    return [_candidates(word, answer) for word, answer in zip(words, answers, strict=True)]


def _candidates(word: str, answer: dict) -> list[str]:
    found = set()
    for hit in answer.get("hits", []):
        for highlight in hit.get("highlights", []):
            for token in _flatten(highlight.get("matched_tokens", [])):
                token = token.lower()
                if token != word and token[:1] == word[:1]:
                    found.add(token)
    limit = max_edits(word)
    return sorted(t for t in found if OSA.distance(word[1:], t[1:], score_cutoff=limit) <= limit)


def _flatten(tokens: list) -> list[str]:
    """matched_tokens is a list of words, or for an array field a list of lists of them."""
    flat = []
    for token in tokens:
        flat.extend(token if isinstance(token, list) else [token])
    return flat
