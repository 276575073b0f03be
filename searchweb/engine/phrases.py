"""Phrases ("solar panel") and nearness (words within a few positions) over numpy matches.

A phrase matches the posts holding all of its words (an intersection of their posting
lists, scored as the sum of the words' scores, as Whoosh scores a phrase) where the words
also stand in order, each within `slop` positions after the one before. That is Whoosh's
own test (`SpanNear2` with ordered=True, mindist=1), so a phrase finds what it found before;
tests/test_evaluate.py compares the two.

Positions are read only for the posts in the intersection (searchweb.engine.postings), and the
test runs on all of them at once: each occurrence becomes one integer, post << 32 | position,
so "the next word stands 1..slop after a reached one" is a set membership test in numpy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from searchweb.engine.postings import positions


def phrase_filter(
    reader, name: str, words: Sequence[str], docnums: np.ndarray, slop: int
) -> np.ndarray:
    """Which of `docnums` (posts holding every word) have the words in order, as a mask."""
    reached = np.zeros(0, dtype=np.int64)
    read: dict[str, np.ndarray] = {}  # "changing changes" is one stem twice: read it once
    for index, word in enumerate(words):
        if word not in read:
            owners, places = positions(reader, name, word, docnums)
            read[word] = _sorted_unique((owners << 32) | places)
        keys = read[word]
        if index == 0:
            reached = keys
            continue
        # A position a little before one of ours would, for a post's first words, reach
        # back into the key space of the post before; no position is that large.
        follows = np.zeros(len(keys), dtype=bool)
        for distance in range(1, slop + 1):
            follows |= _contains(reached, keys - distance)
        reached = keys[follows]
        if not len(reached):
            break
    keep = np.zeros(len(docnums), dtype=bool)
    keep[reached >> 32] = True
    return keep


def _sorted_unique(keys: np.ndarray) -> np.ndarray:
    """`keys` sorted without repeats; positions come post by post, ascending: one pass."""
    if len(keys) < 2 or bool(np.all(keys[1:] > keys[:-1])):
        return keys
    return np.unique(keys)


def _contains(sorted_keys: np.ndarray, probes: np.ndarray) -> np.ndarray:
    """Which `probes` are in `sorted_keys` (sorted, unique): a binary search each, no hashing."""
    if not len(sorted_keys):
        return np.zeros(len(probes), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, probes), len(sorted_keys) - 1)
    return sorted_keys[at] == probes
