"""A Whoosh 3 posting list, or the positions in it, read a block at a time into numpy.

Whoosh reads postings one at a time through a matcher, about a microsecond each. Its
codec stores a list in blocks of up to 128 postings, each a zlib'd pickle of
(document-number gaps, frequencies, position values); here a whole block is unpacked at
once. This is the reference reading: the list files (indexer.postinglists) are written
from it, and searches fall back to it where a segment has no list file.

Anything that is not a Whoosh 3 block list (a term with one posting is stored inline in
the term info; another codec) is read through its matcher, slower but the same data.
"""

from __future__ import annotations

import zlib
from itertools import accumulate, chain
from pickle import loads

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import IndexReader, TermNotFound

_EMPTY_IDS = np.zeros(0, dtype=np.int32)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)


def read_whoosh_list(reader: IndexReader, name: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """A term's posting list read from Whoosh's own blocks: document numbers, frequencies."""
    try:
        field = reader.schema[name]
        matcher = reader._terms.matcher(name, field.to_bytes(text), field.format)
    except (KeyError, TermNotFound):
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    if isinstance(matcher, W3LeafMatcher):
        return _read_blocks(matcher)
    return _read_matcher(matcher)


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


def read_whoosh_positions(
    reader: IndexReader, name: str, text: str, docnums: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Where the term stands in each of `docnums` (ascending posts that all hold it), per Whoosh.

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
