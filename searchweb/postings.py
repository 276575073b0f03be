"""Posting lists, field lengths and positions of a Whoosh segment as numpy arrays.

Whoosh reads postings one at a time through a matcher: right for skipping through the lists
of a few rare words, slow for scoring every post that holds a common one. The on-disk format
(Whoosh 3's codec) stores postings in blocks of up to 128: a pickled tuple of delta-coded
document numbers, frequencies and, for phrase fields, positions. Here a whole list is
decoded block by block into two arrays, and kept in a byte-bounded LRU cache shared by the
threads of a process: the lists that make a search slow are those of the few hundred most
common words, asked for again and again. Positions are decoded only for the posts a phrase
needs, and never cached.

Anything that is not a Whoosh 3 block list (a term with one posting is stored inline in the
term info; another codec) is read through its matcher, which is slower but the same data.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from itertools import accumulate, chain
from pickle import loads

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.reading import TermNotFound
from whoosh.util.numeric import _length_byte_cache

# Decoded posting lists kept per process, in bytes. The frequent words that make a search
# slow are few; 32 MB holds the lists of the few hundred most common words at 100k posts.
POSTINGS_CACHE_BYTES = 32 * 1024 * 1024
# Whoosh's field-length code (a byte per post and field) → the length it stands for.
_BYTE_TO_LENGTH = np.array(_length_byte_cache, dtype=np.float64)
# What a cache entry costs beyond its arrays (key tuple, two array headers), roughly.
_ENTRY_OVERHEAD = 400
_EMPTY_IDS = np.zeros(0, dtype=np.int32)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)


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
    if found is not None:
        return found
    try:
        tbytes = reader.schema[name].to_bytes(text)
        matcher = reader._terms.matcher(name, tbytes, reader.schema[name].format)
    except (KeyError, TermNotFound):
        found = _EMPTY_IDS, _EMPTY_WEIGHTS  # kept too: "is it in the title?" is asked often
    else:
        blocks = isinstance(matcher, W3LeafMatcher)
        found = _read_blocks(matcher) if blocks else _read_matcher(matcher)
    _postings_cache.put(cache_key, found)
    return found


def _read_blocks(matcher: W3LeafMatcher) -> tuple[np.ndarray, np.ndarray]:
    """All blocks of an on-disk posting list, decoded a block at a time rather than a post."""
    id_blocks, weight_blocks = [], []
    postfile = matcher._postfile
    while matcher.is_active():
        data = postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
        if matcher._compression:
            data = zlib.decompress(data)
        deltas, weights, _ = loads(data)
        count = matcher._blocklength
        id_blocks.append(np.cumsum(np.array(deltas, dtype=np.int64)))
        if weights is None:
            weight_blocks.append(np.ones(count, dtype=np.float32))
        elif isinstance(weights, float):
            weight_blocks.append(np.full(count, weights, dtype=np.float32))
        else:
            weight_blocks.append(np.array(weights, dtype=np.float32))
        matcher._next_block()
    if not id_blocks:
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    # int32: half the memory of the cache, and no segment holds 2 billion posts.
    return np.concatenate(id_blocks).astype(np.int32), np.concatenate(weight_blocks)


def _read_matcher(matcher) -> tuple[np.ndarray, np.ndarray]:
    """Any other matcher (postings inlined in the term info): post by post."""
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int32), np.array(weights, dtype=np.float32)


def positions(reader, name: str, text: str, docnums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the term stands in each of `docnums` (ascending posts that all hold it).

    Returns two aligned arrays: the index into `docnums` of each occurrence, and its
    position. Only blocks holding one of `docnums` are unpacked, and only their values
    are decoded, all in one `loads` (see `_decode_positions`).
    """
    field = reader.schema[name]
    matcher = reader._terms.matcher(name, field.to_bytes(text), field.format)
    if not isinstance(matcher, W3LeafMatcher) or field.format.__class__.__name__ != "Positions":
        return _flatten(_positions_by_matcher(matcher, docnums))
    values: list[bytes] = []
    postfile = matcher._postfile
    wanted = 0
    while matcher.is_active() and wanted < len(docnums):
        last = int(np.searchsorted(docnums, matcher._maxid, side="right"))
        if last > wanted:
            data = postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
            if matcher._compression:
                data = zlib.decompress(data)
            deltas, _, block_values = loads(data)
            ids = np.cumsum(np.array(deltas, dtype=np.int64))
            values.extend(block_values[i] for i in np.searchsorted(ids, docnums[wanted:last]))
            wanted = last
        matcher._next_block()
    return _flatten(_decode_positions(values, field.format.decode_positions))


def _decode_positions(values: list[bytes], decode) -> list[list[int]]:
    """Whoosh's position values, decoded together instead of with a `loads` each.

    Each value is a 4-byte count and a protocol-2 pickle of a list of position deltas. The
    pickles' bodies, joined between a list opener and an APPENDS, are one pickle of the list
    of those lists. Anything unexpected falls back to Whoosh's own decoder, value by value.
    """
    bodies = []
    for value in values:
        pickled = value[4:]
        if not pickled.startswith(b"\x80\x02]"):
            return [decode(value) for value in values]
        bodies.append(pickled[2:-1] if pickled.endswith(b".") else pickled[2:])
    try:
        delta_lists = loads(b"\x80\x02](" + b"".join(bodies) + b"e.")
    except Exception:
        return [decode(value) for value in values]
    if len(delta_lists) != len(values):
        return [decode(value) for value in values]
    return [list(accumulate(deltas)) for deltas in delta_lists]


def _flatten(per_post: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    counts = np.fromiter((len(found) for found in per_post), dtype=np.int64, count=len(per_post))
    owners = np.repeat(np.arange(len(per_post), dtype=np.int64), counts)
    places = np.fromiter(chain.from_iterable(per_post), dtype=np.int64, count=int(counts.sum()))
    return owners, places


def _positions_by_matcher(matcher, docnums: np.ndarray) -> list[list[int]]:
    found = []
    for docnum in docnums:
        matcher.skip_to(int(docnum))
        found.append(list(matcher.value_as("positions")))
    return found
