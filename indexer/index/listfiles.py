"""Long posting lists, stored a second time in a form numpy reads without unpickling.

Whoosh 3 stores a posting list in blocks of up to 128 postings, each a zlib'd pickle of
Python lists. Reading the list of a common word (30-60k posts at 100k) block by block spent
two thirds of a search's time in `pickle.loads` and `zlib` (profiled: docs/benchmarks.md).
So after each commit the store writes, beside each new segment, a file of that segment's
long lists (more than one block) in every scored field:

    MAGIC, then zlib'd records: for each list, the gaps between document numbers, then the
    frequencies, each in the smallest unsigned type that holds them (float32 if a frequency
    is not a whole number); and for a field with positions, a second record: each post's
    positions, the first as is and each next as the step from the one before. Last, the
    directory (JSON: where each record starts) and its length in 8 bytes, so a segment's
    file is written as it is encoded, a list at a time, never held whole in memory.

Phrases read positions the same way: decoding a common word's positions from Whoosh's
pickled values was most of a phrase's time.

The file is named after its segment (`MAIN_<segid>.pslists`), so Whoosh's own clean-up
deletes it with the segment when a merge retires it. It is an accelerator, never the only
copy: a segment without one (in the instant between a commit and its lists) or with a
damaged one is read from Whoosh's blocks, which give the same arrays (tests/test_listfiles.py),
and the next indexing run writes it again. Whoosh's blocks are read by
indexer.index.whoosh_internals. A file is written under a name of its own and renamed into
place, so two writers (a crawl and the webhook) can never mix their bytes.
"""

from __future__ import annotations

import json
import os
import tempfile
import zlib
from pathlib import Path

import numpy as np
from whoosh.reading import IndexReader

from indexer.index.segment_cache import SegmentCache
from indexer.index.whoosh_internals import (
    read_whoosh_list,
    read_whoosh_positions,
    segment_file_id,
    segment_folder,
    segment_id,
)

MAGIC = b"PSLISTS2"
SUFFIX = ".pslists"
# Lists of more than one Whoosh block; a single block is one `loads`, as fast either way.
LONG_LIST = 129
_DTYPES = {"u1": np.uint8, "u2": np.uint16, "u4": np.uint32, "f4": np.float32}
# Open list files kept per process (each is a file handle and a directory in memory).
_OPEN_FILES = 64


# Writing


def lists_path(folder: Path, segment_id: str) -> Path:
    """Where the long lists of segment `segment_id` (e.g. MAIN_abc123) are kept."""
    return Path(folder) / f"{segment_id}{SUFFIX}"


def write_missing_lists(index, min_postings: int = LONG_LIST) -> list[Path]:
    """Write the list file of each segment of `index` that may hold a long list and has no
    good one (none yet, damaged, or of another format). Returns the files written."""
    folder = Path(index.storage.folder)
    written = []
    with index.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            file_id, segid, posts = segment_file_id(leaf), segment_id(leaf), leaf.doc_count_all()
            # No segment (an empty index), or too few posts for a long list (an edit).
            if file_id is None or segid is None or posts < min_postings:
                continue
            path = lists_path(folder, file_id)
            if not _is_whole(path, segid, posts):
                write_segment_lists(path, leaf, segid, min_postings)
                written.append(path)
    return written  # the caller fsyncs the folder so the renames survive a power cut


def _is_whole(path: Path, segid: str, posts: int) -> bool:
    try:
        SegmentLists(path, segid, posts).close()
    except (OSError, ValueError, KeyError, UnicodeDecodeError):
        return False
    return True


def write_segment_lists(
    path: Path, reader: IndexReader, segid: str, min_postings: int = LONG_LIST
) -> None:
    """Write one segment's list file, atomically: a file of its own renamed into place.

    The temporary name extends the segment's, so Whoosh's clean-up removes one left by a
    crash together with its segment.
    """
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(MAGIC)
            _encode_segment(out, reader, segid, min_postings)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)  # a full disk: leave no half-written file behind
        raise


def _encode_segment(out, reader: IndexReader, segid: str, min_postings: int) -> None:
    """Every scored field's lists of `min_postings` or more, then the directory."""
    directory: dict[str, dict[str, list]] = {}
    offset = 0
    for name in reader.schema.scorable_names():
        if name not in reader.indexed_field_names():
            continue
        field_format = reader.schema[name].format
        with_positions = bool(field_format) and field_format.supports("positions")
        for text_bytes, info in reader.iter_field(name):
            if info.doc_frequency() < min_postings:
                continue
            text = reader.schema[name].from_bytes(text_bytes)
            ids, weights = read_whoosh_list(reader, name, text)
            record, codes = _encode_list(ids, weights)
            entry = [offset, len(record), *codes]
            offset += out.write(record)
            if with_positions:
                places = _encode_positions(reader, name, text, ids, weights)
                if places is not None:
                    entry += [offset, len(places[0]), places[1]]
                    offset += out.write(places[0])
            directory.setdefault(name, {})[text] = entry
    header = {"segment": segid, "posts": reader.doc_count_all(), "lists": directory}
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    out.write(head)
    out.write(len(head).to_bytes(8, "little"))


def _encode_list(ids: np.ndarray, weights: np.ndarray) -> tuple[bytes, tuple[int, str, str]]:
    gaps = np.diff(ids.astype(np.int64), prepend=0)
    gap_code = _unsigned_code(int(gaps.max()) if len(gaps) else 0)
    whole = bool(np.all(weights == np.round(weights))) and bool(np.all(weights >= 0))
    weight_code = _unsigned_code(int(weights.max()) if len(weights) else 0) if whole else "f4"
    body = gaps.astype(_DTYPES[gap_code]).tobytes() + weights.astype(_DTYPES[weight_code]).tobytes()
    return zlib.compress(body, 1), (len(ids), gap_code, weight_code)


def _encode_positions(
    reader: IndexReader, name: str, text: str, ids: np.ndarray, weights: np.ndarray
) -> tuple[bytes, str] | None:
    """A list's positions: per post, the first as is and each next as the step from the last.

    Left out (None) where a post's count of positions is not its frequency, as the reader
    counts them that way; the phrase then reads Whoosh's blocks.
    """
    owners, places = read_whoosh_positions(reader, name, text, ids.astype(np.int64))
    counts = np.bincount(owners, minlength=len(ids))
    if not np.array_equal(counts, weights) or not len(ids) or counts.min() < 1:
        return None
    starts = np.cumsum(counts) - counts
    gaps = np.diff(places, prepend=0)
    gaps[starts] = places[starts]
    if gaps.min() < 0:
        return None
    code = _unsigned_code(int(gaps.max()))
    return zlib.compress(gaps.astype(_DTYPES[code]).tobytes(), 1), code


def select_positions(
    counts: np.ndarray, places: np.ndarray, at: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The positions of the list's posts number `at`: each one's index into `at`, and it.

    `counts` is every post's number of positions and `places` all of them, post after post.
    """
    counts = counts.astype(np.int64)
    starts = np.cumsum(counts) - counts
    wanted = counts[at]
    firsts = np.cumsum(wanted) - wanted
    owners = np.repeat(np.arange(len(at), dtype=np.int64), wanted)
    index = np.arange(int(wanted.sum()), dtype=np.int64) + np.repeat(starts[at] - firsts, wanted)
    return owners, places[index]


def _unsigned_code(largest: int) -> str:
    if largest < 1 << 8:
        return "u1"
    return "u2" if largest < 1 << 16 else "u4"


# Reading


class SegmentLists:
    """One segment's list file, open for reading by any thread (`os.pread`, no shared seek)."""

    def __init__(self, path: Path, segid: str, posts: int) -> None:
        # Held open for the object's life, not a `with` block: threads read it with pread,
        # and it closes when the last of them lets go of this object.
        self.file = open(path, "rb")  # noqa: SIM115
        try:
            if self.file.read(len(MAGIC)) != MAGIC:
                raise ValueError(f"{path}: not a postsearch list file")
            end = self.file.seek(-8, os.SEEK_END)
            size = int.from_bytes(self.file.read(8), "little")
            if not 0 < size <= end - len(MAGIC):
                raise ValueError(f"{path}: cut short")
            self.file.seek(end - size)
            header = json.loads(self.file.read(size).decode("utf-8"))
            if header.get("segment") != segid or header.get("posts") != posts:
                raise ValueError(f"{path}: written for another segment")
            self.lists: dict[str, dict[str, list]] = header["lists"]
        except Exception:
            self.file.close()
            raise
        self.start = len(MAGIC)

    def close(self) -> None:
        self.file.close()

    def __del__(self) -> None:
        file = getattr(self, "file", None)
        if file is not None:
            file.close()  # no thread holds this object any more: none is mid-read

    def get(self, name: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The term's list, or None if this file does not hold it (read Whoosh's blocks)."""
        entry = self.lists.get(name, {}).get(text)
        if entry is None:
            return None
        offset, size, count, gap_code, weight_code = entry[:5]
        body = zlib.decompress(os.pread(self.file.fileno(), size, self.start + offset))
        gaps = np.frombuffer(body, dtype=_DTYPES[gap_code], count=count)
        weights = np.frombuffer(body, dtype=_DTYPES[weight_code], count=count, offset=gaps.nbytes)
        return np.cumsum(gaps, dtype=np.int32), weights.astype(np.float32)

    def positions(self, name: str, text: str, counts: np.ndarray) -> np.ndarray | None:
        """All positions of the term's list, post after post; `counts` is its frequencies
        (the list's own, which the caller already holds: each post has that many)."""
        entry = self.lists.get(name, {}).get(text)
        if entry is None or len(entry) < 8:
            return None
        offset, size, code = entry[5:8]
        body = zlib.decompress(os.pread(self.file.fileno(), size, self.start + offset))
        gaps = np.frombuffer(body, dtype=_DTYPES[code]).astype(np.int64)
        counts = counts.astype(np.int64)
        if len(gaps) != int(counts.sum()):
            raise ValueError(f"positions of {name}:{text} do not match their counts")
        starts = np.cumsum(counts) - counts
        running = np.cumsum(gaps)
        return running - np.repeat(running[starts] - gaps[starts], counts)


def _open(path: Path, segid: str, posts: int) -> SegmentLists | None:
    try:
        return SegmentLists(path, segid, posts)
    except (OSError, ValueError, KeyError, UnicodeDecodeError):
        return None  # damaged or foreign: Whoosh's blocks hold the same lists


# The list files of the segments in use, each opened once, or None where one is damaged.
# Keyed by the file's identity as well as its path, so a file written again (after damage)
# is opened again; a missing file is not kept at all (the store writes a segment's file
# just after the commit that a server may already be searching).
_open_files: SegmentCache[SegmentLists | None] = SegmentCache(_OPEN_FILES)


def _lists_of(reader: IndexReader) -> SegmentLists | None:
    folder, file_id, segid = segment_folder(reader), segment_file_id(reader), segment_id(reader)
    if folder is None or file_id is None or segid is None:
        return None  # an index in memory, or no segment: no file beside it
    path = lists_path(Path(folder), file_id)
    try:
        status = path.stat()
    except OSError:
        return None
    key = (str(path), status.st_ino, status.st_mtime_ns)
    return _open_files.get(key, lambda: _open(path, segid, reader.doc_count_all()))


def read_positions(
    reader: IndexReader, name: str, text: str, counts: np.ndarray
) -> np.ndarray | None:
    """A long list's positions from the segment's list file (`counts`: the list's
    frequencies), post after post; None where the file does not hold them."""
    lists = _lists_of(reader)
    if lists is None:
        return None
    try:
        return lists.positions(name, text, counts)
    except (OSError, ValueError, zlib.error):
        return None  # a damaged record: the blocks are still whole


def read_list(reader: IndexReader, name: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """A term's posting list in one segment: from its list file if there, else Whoosh's blocks."""
    lists = _lists_of(reader)
    if lists is not None:
        try:
            found = lists.get(name, text)
        except (OSError, ValueError, zlib.error):
            found = None  # a damaged record: the blocks are still whole
        if found is not None:
            return found
    return read_whoosh_list(reader, name, text)
