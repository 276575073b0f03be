"""Posting lists, field lengths and positions of a Whoosh segment as numpy arrays.

Whoosh reads postings one at a time through a matcher: right for skipping through the lists
of a few rare words, slow for scoring every post that holds a common one. Here a whole list
is read at once as two arrays (document numbers, frequencies), through the index package
(a long list from the segment's list file, any other from Whoosh's own blocks). Lists are
kept in a byte-bounded segment cache shared by the threads of a process: the lists that
make a search slow are those of the few hundred most common words, asked for again and
again. Positions (for phrases) come from the list file too, else from Whoosh's blocks for
only the posts a phrase needs; they are never cached.
"""

from __future__ import annotations

import numpy as np

from indexer.index import (
    LENGTH_OF_CODE,
    SegmentCache,
    length_codes,
    read_list,
    read_positions,
    read_whoosh_positions,
    segment_key,
    select_positions,
)

# Decoded posting lists kept per process, in bytes. The frequent words that make a search
# slow are few; 16 MB holds the lists of the hundred or so most common at 100k posts, and a
# miss costs about 1 ms for a 76,000-post list read from its list file (110 ms from blocks).
POSTINGS_CACHE_BYTES = 16 * 1024 * 1024
# What a cache entry costs beyond its arrays (key tuple, two array headers), roughly.
_ENTRY_OVERHEAD = 400
# (segment, field) length arrays kept per process.
_LENGTHS_KEPT = 256

Postings = tuple[np.ndarray, np.ndarray]


def _postings_bytes(value: Postings) -> int:
    return value[0].nbytes + value[1].nbytes + _ENTRY_OVERHEAD


_lengths: SegmentCache[np.ndarray] = SegmentCache(_LENGTHS_KEPT)
# A list larger than a quarter of the budget is read, used and let go, not kept.
_postings: SegmentCache[Postings] = SegmentCache(
    POSTINGS_CACHE_BYTES, sizeof=_postings_bytes, largest=POSTINGS_CACHE_BYTES // 4
)


def field_lengths(reader, key: str, name: str) -> np.ndarray:
    """Every post's length in field `name` (0 where absent), as Whoosh's scorer sees it."""
    return _lengths.get((key, name), lambda: LENGTH_OF_CODE[length_codes(reader, name)])


def postings(reader, key: str, name: str, text: str) -> Postings:
    """The segment's posting list of a term: document numbers and frequencies.

    Kept even when empty: "is it in the title?" is asked often.
    """
    return _postings.get((key, name, text), lambda: read_list(reader, name, text))


def positions(reader, name: str, text: str, docnums: np.ndarray) -> Postings:
    """Where the term stands in each of `docnums` (ascending posts that all hold it).

    Returns two aligned arrays: the index into `docnums` of each occurrence, and its
    position. A long list's positions come from the segment's list file, in one array;
    any other's from Whoosh's blocks, only those holding one of `docnums`.
    """
    ids, counts = postings(reader, segment_key(reader), name, text)  # usually cached
    places = read_positions(reader, name, text, counts)
    if places is not None and len(docnums):
        at = np.searchsorted(ids, docnums)
        if at[-1] < len(ids) and np.array_equal(ids[at], docnums):
            return select_positions(counts, places, at)
    return read_whoosh_positions(reader, name, text, docnums)
