"""The words of a field, in memory: completions, prefix expansion and "did you mean".

Autocomplete (`gar` → garden, gardening), prefix queries (`gard*`) and spelling all ask
"which words of this field start with…, most widespread first?". Whoosh answers by walking
its term file on disk, a read and a lookup per word: for a two-letter prefix at 100k posts,
thousands of them on every keystroke. Here each segment's words are read once into a sorted
list with their document counts, so a prefix is two bisections and its most widespread
words one `argpartition`. Segments never change once written; the lists are cached per
segment and age out when a merge drops it.

A word's count is the sum over segments, as Whoosh's own `doc_frequency` gives it.

The spelling vocabulary of a body field (its words before stemming) goes by the name
`spell_<field>`: a spelling field's terms in an index of schema version 2, the segment's
vocabulary file (indexer.index.wordfiles) in later ones.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import cached_property

import numpy as np
from whoosh.reading import IndexReader

from indexer.index import SegmentCache, segment_key, segment_words

# (segment, field) word lists kept per process; a site has a few segments and, per
# language, a title, a body-spelling and a taxonomy field that get asked.
_CACHE_SIZE = 64
# Across segments, prefixes with up to this many words are merged exactly.
MERGE_LIMIT = 20_000


class Vocabulary:
    """One segment's words in one field, sorted, with how many posts hold each."""

    def __init__(self, words: list[str], counts: np.ndarray) -> None:
        self.words = words
        self.counts = counts

    def span(self, prefix: str) -> tuple[int, int]:
        """The positions of the words starting with `prefix`."""
        start = bisect_left(self.words, prefix)
        end = bisect_left(self.words, prefix + "\U0010ffff", lo=start)
        return start, end

    def count(self, word: str) -> int:
        at = bisect_left(self.words, word)
        found = at < len(self.words) and self.words[at] == word
        return int(self.counts[at]) if found else 0

    def most_common(self, prefix: str, limit: int) -> list[str]:
        """Up to `limit` words starting with `prefix`, the most widespread first."""
        start, end = self.span(prefix)
        if end - start > limit:
            best = np.argpartition(-self.counts[start:end], limit - 1)[:limit] + start
        else:
            best = np.arange(start, end)
        return [self.words[int(at)] for at in best]

    @cached_property
    def rests(self) -> list[str]:
        """Each word without its first letter (spelling compares those)."""
        return [word[1:] for word in self.words]


_vocabularies: SegmentCache[Vocabulary] = SegmentCache(_CACHE_SIZE)


def segment_vocabulary(reader: IndexReader, name: str) -> Vocabulary:
    """The vocabulary of field `name` in one segment reader (a leaf of leaf_readers())."""
    return _vocabularies.get((segment_key(reader), name), lambda: _read(reader, name))


SPELLING_PREFIX = "spell_"


def spelling_name(body: str) -> str:
    """The name of body field `body`'s spelling vocabulary."""
    return SPELLING_PREFIX + body


def has_vocabulary(reader: IndexReader, name: str) -> bool:
    """Whether the index has the vocabulary `name` (a field, or a body's spelling)."""
    return name in reader.schema or (
        name.startswith(SPELLING_PREFIX) and name.removeprefix(SPELLING_PREFIX) in reader.schema
    )


def _read(reader: IndexReader, name: str) -> Vocabulary:
    words: list[str] = []
    counts: list[int] = []
    if name not in reader.schema and has_vocabulary(reader, name):
        words, found = segment_words(reader, name.removeprefix(SPELLING_PREFIX))
        return Vocabulary(words, found)
    if name in reader.schema:
        for term, info in reader.iter_field(name):
            words.append(term.decode("utf-8") if isinstance(term, bytes) else term)
            counts.append(info.doc_frequency())
    return Vocabulary(words, np.array(counts, dtype=np.int64))


def vocabularies(reader: IndexReader, name: str) -> list[Vocabulary]:
    """The field's vocabulary in every segment of `reader`."""
    return [segment_vocabulary(leaf, name) for leaf, _ in reader.leaf_readers()]


def frequency(reader: IndexReader, name: str, word: str) -> int:
    """How many posts hold `word` in vocabulary `name` (summed over segments)."""
    return sum(part.count(word) for part in vocabularies(reader, name))


def most_common(reader: IndexReader, name: str, prefix: str, limit: int) -> list[tuple[int, str]]:
    """(posts, word) for up to `limit` words of field `name` starting with `prefix`.

    Most widespread first; ties alphabetically. Counts are summed over segments. With
    several segments and more than MERGE_LIMIT words to merge, only each segment's own
    4 x `limit` most widespread are candidates (a word outside all of them is missed).
    """
    if not prefix or limit <= 0 or not has_vocabulary(reader, name):
        return []
    parts = vocabularies(reader, name)
    spans = [part.span(prefix) for part in parts]
    candidates: set[str] = set()
    if len(parts) == 1:
        candidates.update(parts[0].most_common(prefix, limit))
    elif sum(end - start for start, end in spans) <= MERGE_LIMIT:
        for part, (start, end) in zip(parts, spans, strict=True):
            candidates.update(part.words[start:end])
    else:
        for part in parts:
            candidates.update(part.most_common(prefix, 4 * limit))
    counted = [(sum(part.count(word) for part in parts), word) for word in candidates]
    counted.sort(key=lambda pair: (-pair[0], pair[1]))
    return counted[:limit]
