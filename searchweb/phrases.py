"""Phrases ("solar panel") and nearness (words within a few positions) over numpy matches.

A phrase matches the posts holding all of its words (an intersection of their posting
lists, scored as the sum of the words' scores, as Whoosh scores a phrase) where the words
also stand in order, each within `slop` positions after the one before. That is Whoosh's
own test (`SpanNear2` with ordered=True, mindist=1), so a phrase finds what it found before;
tests/test_evaluate.py compares the two.

Positions are read only for the posts in the intersection (searchweb.postings), and the
test runs on all of them at once: each occurrence becomes one integer, post << 32 | position,
so "the next word stands 1..slop after a reached one" is a set membership test in numpy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from searchweb.postings import positions


def phrase_filter(
    reader, name: str, words: Sequence[str], docnums: np.ndarray, slop: int
) -> np.ndarray:
    """Which of `docnums` (posts holding every word) have the words in order, as a mask."""
    reached = np.zeros(0, dtype=np.int64)
    for index, word in enumerate(words):
        owners, places = positions(reader, name, word, docnums)
        keys = (owners << 32) | places
        if index == 0:
            reached = np.unique(keys)
            continue
        # A position a little before one of ours would, for a post's first words, reach
        # back into the key space of the post before; no position is that large.
        follows = np.zeros(len(keys), dtype=bool)
        for distance in range(1, slop + 1):
            follows |= np.isin(keys - distance, reached, assume_unique=False)
        reached = np.unique(keys[follows])
        if not len(reached):
            break
    keep = np.zeros(len(docnums), dtype=bool)
    keep[reached >> 32] = True
    return keep
