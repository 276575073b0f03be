"""Everything postsearch reads of Whoosh 2.7.4 beyond its public API, in one place.

postsearch keeps Whoosh as its index format but reads it faster than Whoosh's own Python
loops do, and that needs a few of its internals:

- posting lists and positions, a 128-posting block at a time (`W3LeafMatcher`'s block
  offsets and its zlib'd pickles of gaps, frequencies and position values), rather than
  through the matcher a posting at a time (about a microsecond each);
- every post's field length as one byte column (`_lenfield`, `LENGTHS_COLUMN` and the
  byte column's file offset), and the length each byte stands for (`_length_byte_cache`);
- BM25F's per-field B, the null query's class, a folder under a compound segment, and a
  stored file's path (for fsync).

No other module touches them, but for the writer: indexer.index.whoosh_writer changes two
steps of Whoosh's SegmentWriter, and the names it uses are checked here too.
`check_whoosh()` runs whenever an index is opened: it checks the version and that each
internal is where this module expects it, then reads a small index built in memory both
ways, through these internals and through Whoosh's public matcher, and compares. Anything
else installed fails at start-up with WhooshInternalsError, not with wrong results later.
"""

from __future__ import annotations

import os
import zlib
from functools import cache
from itertools import accumulate, chain
from pathlib import Path
from pickle import loads

import numpy as np
import whoosh
from whoosh import query as whoosh_query
from whoosh import scoring
from whoosh.codec import whoosh3
from whoosh.filedb.filestore import FileStorage, OverlayStorage, RamStorage
from whoosh.index import TOC
from whoosh.reading import IndexReader, TermNotFound
from whoosh.util import numeric
from whoosh.writing import SegmentWriter

from indexer.errors import WhooshInternalsError

WHOOSH_VERSION = (2, 7, 4)
_REQUIRED = (
    (whoosh3, ("W3LeafMatcher", "LENGTHS_COLUMN", "_lenfield")),
    (whoosh3.W3LeafMatcher, ("_next_block",)),
    (numeric, ("_length_byte_cache",)),
    (whoosh_query.qcore, ("_NullQuery",)),
    (FileStorage, ("_fpath",)),
    (TOC, ("_pattern",)),
    # What indexer.index.whoosh_writer overrides and calls in Whoosh's writer.
    (SegmentWriter, ("_flush_segment", "_finalize_segment", "per_document_reader")),
    (whoosh3.W3PerDocReader, ("_cached_reader",)),
)
# The name Whoosh gives an index in its folder when none is chosen (`_MAIN_<gen>.toc`).
INDEX_NAME = "MAIN"
# Posts of the probe index: one more than Whoosh's block of 128 postings.
_PROBE_POSTS = 129
# What a W3LeafMatcher holds once it has read a block.
_MATCHER_FIELDS = ("_postfile", "_dataoffset", "_nextoffset", "_compression", "_blocklength")


# -- segments --------------------------------------------------------------------------


def segment_id(reader: IndexReader) -> str | None:
    """The random name Whoosh gave a leaf reader's segment (the same in every searcher,
    thread and generation), or None for a reader of no segment (an empty index)."""
    segment = reader.segment() if hasattr(reader, "segment") else None
    return None if segment is None else str(segment.segid)


def segment_key(reader: IndexReader) -> str:
    """A key for values read from a leaf reader: its segment's id (see `segment_id`), or,
    for a reader of no segment, one of its own."""
    return segment_id(reader) or f"reader-{id(reader)}"


def segment_file_id(reader: IndexReader) -> str | None:
    """The stem of the segment's file names (`MAIN_<segid>`), or None."""
    segment = reader.segment() if hasattr(reader, "segment") else None
    return None if segment is None else segment.segment_id()


def segment_folder(reader: IndexReader) -> str | None:
    """The folder a leaf reader's segment lives in, or None (an index in memory)."""
    storage = reader.storage() if hasattr(reader, "storage") else None
    if isinstance(storage, OverlayStorage):  # a compound segment: read over the folder
        storage = storage.b
    return getattr(storage, "folder", None)


def deleted_docnums(reader: IndexReader) -> np.ndarray:
    """The deleted document numbers of a leaf reader, ascending."""
    if not reader.has_deletions():
        return np.zeros(0, dtype=np.int64)
    segment = reader.segment() if hasattr(reader, "segment") else None
    if segment is not None:
        return np.sort(np.fromiter(segment.deleted_docs(), dtype=np.int64))
    return np.array(
        [docnum for docnum in range(reader.doc_count_all()) if reader.is_deleted(docnum)],
        dtype=np.int64,
    )


def index_exists(folder: Path) -> bool:
    """Whether `folder` holds a Whoosh index: a TOC file is there. Unlike Whoosh's own
    `exists_in`, this unpickles nothing (the manifest is checked first)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    pattern = TOC._pattern(INDEX_NAME)
    return any(pattern.match(name) for name in names)


def storage_path(storage: FileStorage, name: str) -> str:
    """Where a file of a folder storage is on disk."""
    return storage._fpath(name)


# -- scoring ---------------------------------------------------------------------------

# The length each field-length byte stands for (Whoosh stores lengths in one byte).
LENGTH_OF_CODE = np.array(numeric._length_byte_cache, dtype=np.float64)


def length_codes(reader: IndexReader, name: str) -> np.ndarray:
    """A leaf reader's field-length byte of field `name` for every post (0: not in it)."""
    count = reader.doc_count_all()
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is None or not hasattr(perdoc, "_cached_reader"):
        return np.zeros(count, dtype=np.uint8)
    return perdoc_length_codes(perdoc, name, count)


def perdoc_length_codes(perdoc, name: str, count: int) -> np.ndarray:
    """The field-length byte of field `name` for each of `count` posts, from a segment's
    per-document reader (W3PerDocReader: a searcher's, or the writer's own)."""
    codes = np.zeros(count, dtype=np.uint8)
    column = perdoc._cached_reader(whoosh3._lenfield(name), whoosh3.LENGTHS_COLUMN)
    if column is None:
        return codes
    if getattr(column, "_fixedlen", None) == 1 and hasattr(column, "_dbfile"):
        stored = min(column._count, count)  # the byte column: one read for all posts
        codes[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored), np.uint8)
        return codes
    for docnum, code in enumerate(column):  # another column type: one post at a time
        codes[docnum] = code
    return codes


def bm25_parameters(model: scoring.BM25F, name: str) -> tuple[float, float]:
    """BM25F's (B, K1) for field `name`: its per-field B where one was given."""
    return model._field_B.get(name, model.B), model.K1


def is_null_query(node: whoosh_query.Query) -> bool:
    """Whether `node` matches nothing (Whoosh's NullQuery, or a copy of its class)."""
    return node is whoosh_query.NullQuery or isinstance(node, whoosh_query.qcore._NullQuery)


# -- posting lists, a block at a time --------------------------------------------------


def _term_matcher(reader: IndexReader, name: str, field, text: str):
    return reader._terms.matcher(name, field.to_bytes(text), field.format)


_EMPTY_IDS = np.zeros(0, dtype=np.int32)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)


def read_whoosh_list(reader: IndexReader, name: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """A term's posting list read from Whoosh's own blocks: document numbers, frequencies."""
    try:
        field = reader.schema[name]
        matcher = _term_matcher(reader, name, field, text)
    except (KeyError, TermNotFound):
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    if isinstance(matcher, whoosh3.W3LeafMatcher):
        return _read_blocks(matcher)
    return _read_matcher(matcher)


def _read_blocks(matcher: whoosh3.W3LeafMatcher) -> tuple[np.ndarray, np.ndarray]:
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
    matcher = _term_matcher(reader, name, field, text)
    positional = field.format.__class__.__name__ == "Positions"
    if not isinstance(matcher, whoosh3.W3LeafMatcher) or not positional:
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


# -- the start-up check ----------------------------------------------------------------


@cache
def check_whoosh() -> None:
    """Raise WhooshInternalsError unless the installed Whoosh is the one this module reads.

    Cached: the probe costs a few tens of milliseconds once per process.
    """
    problems = []
    if tuple(whoosh.__version__[:3]) != WHOOSH_VERSION:
        problems.append(f"Whoosh {whoosh.versionstring()} is installed")
    for owner, names in _REQUIRED:
        missing = [name for name in names if not hasattr(owner, name)]
        if missing:
            problems.append(f"{getattr(owner, '__name__', owner)} has no {', '.join(missing)}")
    if not problems:
        problems = _probe()
    if problems:
        raise WhooshInternalsError(
            "postsearch reads the index through internals of Whoosh "
            f"{'.'.join(map(str, WHOOSH_VERSION))}, and they are not as expected here: "
            f"{'; '.join(problems)}. Install it with "
            f"`pip install Whoosh=={'.'.join(map(str, WHOOSH_VERSION))}`"
        )


class _MemoryOnly(RamStorage):
    """Whoosh's RAM storage, whose writers' scratch space is in memory too (its own puts it
    in a folder of the system's temporary directory named after the index, which two
    processes probing at once would share)."""

    def temp_storage(self, name=None):
        return RamStorage()


def _probe() -> list[str]:
    """Build a small index in memory and read it both ways; the differences found."""
    from whoosh.fields import ID, TEXT, Schema

    index = _MemoryOnly().create_index(Schema(key=ID(stored=True), text=TEXT(phrase=True)))
    with index.writer() as writer:
        for number in range(_PROBE_POSTS):  # "common" in every post: a list of two blocks
            extra = " rare" if number % 7 == 0 else ""
            writer.add_document(key=str(number), text=f"common word {number}{extra} common")
    try:
        with index.reader() as reader:
            problems = _probe_lists(reader.leaf_readers()[0][0])
        with index.writer() as writer:
            writer.delete_by_term("key", "3")
        with index.reader() as reader:
            if not np.array_equal(deleted_docnums(reader.leaf_readers()[0][0]), [3]):
                problems.append("deleted documents are not read as written")
    except (AttributeError, TypeError, ValueError, KeyError, zlib.error) as error:
        problems = [f"reading the probe index failed ({type(error).__name__}: {error})"]
    return problems


def _probe_lists(leaf: IndexReader) -> list[str]:
    problems = []
    matcher = _term_matcher(leaf, "text", leaf.schema["text"], "common")
    if not isinstance(matcher, whoosh3.W3LeafMatcher):
        return ["a posting list is not read by W3LeafMatcher"]
    missing = [name for name in _MATCHER_FIELDS if not hasattr(matcher, name)]
    if missing:
        return [f"W3LeafMatcher has no {', '.join(missing)}"]
    ids, weights = read_whoosh_list(leaf, "text", "common")
    if list(ids) != list(leaf.postings("text", "common").all_ids()) or set(weights) != {2.0}:
        problems.append("posting blocks are not read as Whoosh's matcher reads them")
    last = _PROBE_POSTS - 1
    owners, places = read_whoosh_positions(leaf, "text", "common", np.array([0, last]))
    if list(owners) != [0, 0, 1, 1] or list(places) != [0, 3, 0, 3]:
        problems.append("positions are not read as Whoosh wrote them")
    lengths = LENGTH_OF_CODE[length_codes(leaf, "text")]
    expected = [leaf.doc_field_length(docnum, "text", 0) for docnum in (0, 7)]
    if list(lengths[[0, 7]]) != expected:
        problems.append("field lengths are not read as Whoosh's scorer reads them")
    return problems
