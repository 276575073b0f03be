"""Posting lists, field lengths and positions of a Whoosh segment as numpy arrays.

Whoosh reads postings one at a time through a matcher: right for skipping through the lists
of a few rare words, slow for scoring every post that holds a common one. Here a whole list
is read at once as two arrays (document numbers, frequencies): a long list from the
segment's list file (indexer.postinglists: a zlib'd array, no unpickling), any other from
Whoosh's own blocks. Lists are kept in a byte-bounded LRU cache shared by the threads of a
process: the lists that make a search slow are those of the few hundred most common words,
asked for again and again. Positions (for phrases) come from the list file too, else from
Whoosh's blocks for only the posts a phrase needs; they are never cached.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import _length_byte_cache

from indexer.index.listfiles import read_list, read_positions, select_positions
from indexer.index.whoosh_internals import read_whoosh_positions
from searchweb.engine.columns import segment_key

# Decoded posting lists kept per process, in bytes. The frequent words that make a search
# slow are few; 16 MB holds the lists of the hundred or so most common at 100k posts, and a
# miss costs about 1 ms for a 76,000-post list read from its list file (110 ms from blocks).
POSTINGS_CACHE_BYTES = 16 * 1024 * 1024
# Whoosh's field-length code (a byte per post and field) → the length it stands for.
_BYTE_TO_LENGTH = np.array(_length_byte_cache, dtype=np.float64)
# What a cache entry costs beyond its arrays (key tuple, two array headers), roughly.
_ENTRY_OVERHEAD = 400


def field_lengths(reader, key: str, name: str) -> np.ndarray:
    """Every post's length in field `name` (0 where absent), as Whoosh's scorer sees it."""
    return _lengths_cache.get(key, name, reader)


class _LengthsCache:
    """Each segment's field lengths as float arrays, decoded once per segment and field."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.items: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str, name: str, reader) -> np.ndarray:
        with self.lock:
            found = self.items.get((key, name))
            if found is not None:
                self.items.move_to_end((key, name))
                return found
        codes = _length_codes(reader, name)
        found = _BYTE_TO_LENGTH[codes]
        with self.lock:
            self.items[(key, name)] = found
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return found


def _length_codes(reader, name: str) -> np.ndarray:
    """The segment's length byte of field `name` for every post (0: not in the field)."""
    count = reader.doc_count_all()
    column = None
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is not None and hasattr(perdoc, "_cached_reader"):
        column = perdoc._cached_reader(_lenfield(name), LENGTHS_COLUMN)
    codes = np.zeros(count, dtype=np.uint8)
    if column is None:
        return codes
    if getattr(column, "_fixedlen", None) == 1 and hasattr(column, "_dbfile"):
        stored = min(column._count, count)  # Whoosh 3's byte column: one read for all
        codes[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored), np.uint8)
        return codes
    for docnum, code in enumerate(column):  # another codec: one post at a time
        codes[docnum] = code
    return codes


_lengths_cache = _LengthsCache()


class _PostingsCache:
    """Decoded posting lists (ids, frequencies) by segment, field and term; bounded in bytes."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.items: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> tuple[np.ndarray, np.ndarray] | None:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key: tuple, value: tuple[np.ndarray, np.ndarray]) -> None:
        size = value[0].nbytes + value[1].nbytes + _ENTRY_OVERHEAD
        if size > self.budget // 4:
            return
        with self.lock:
            if key in self.items:
                return
            self.items[key] = value
            self.used += size
            while self.used > self.budget:
                _, (ids, weights) = self.items.popitem(last=False)
                self.used -= ids.nbytes + weights.nbytes + _ENTRY_OVERHEAD


_postings_cache = _PostingsCache(POSTINGS_CACHE_BYTES)


def postings(reader, key: str, name: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """The segment's posting list of a term: document numbers and frequencies."""
    cache_key = (key, name, text)
    found = _postings_cache.get(cache_key)
    if found is None:
        # Kept even when empty: "is it in the title?" is asked often.
        found = read_list(reader, name, text)
        _postings_cache.put(cache_key, found)
    return found


def positions(reader, name: str, text: str, docnums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
