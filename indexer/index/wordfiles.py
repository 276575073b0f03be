"""Each segment's vocabulary: the words of its body fields before stemming, with how many
posts hold each.

"Did you mean", the typo fallback and autocomplete choose among these words and rank them
by those counts; nothing reads which posts hold a word. So instead of a spelling field's
postings, the writer (indexer.index.whoosh_writer) counts the words as it indexes and
writes one small file per segment, `MAIN_<segid>.pswords`:

    MAGIC, the directory's length (8 bytes, little-endian), the directory (JSON: for each
    field, where its record starts, its length and its word count), then each field's
    record: zlib'd, its words in sorted order joined by newlines, then their counts as
    little-endian uint32.

The file is written through the index's storage after the segment's own files and before
the TOC that publishes the segment, so it is fsynced with them and a searcher never meets
a segment without one. It is named after its segment, so Whoosh's clean-up deletes it with
the segment. Should one be missing or damaged, the words are counted from the segment's
stored text instead (slower, the same answer).
"""

from __future__ import annotations

import json
import struct
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
from whoosh.reading import IndexReader

from indexer.index.analysis import vocabulary_words
from indexer.index.schema import stored_body_value
from indexer.index.whoosh_internals import segment_file_id, segment_folder

MAGIC = b"PSWORDS1"
SUFFIX = ".pswords"
_LENGTH = struct.Struct("<Q")
_COUNT_DTYPE = np.dtype("<u4")


def write_segment_words(storage, file_id: str, words: dict[str, Counter]) -> None:
    """Write the vocabulary file of segment `file_id` (`MAIN_<segid>`) into `storage`."""
    directory: dict[str, list[int]] = {}
    records: list[bytes] = []
    offset = 0
    for name in sorted(words):
        ordered = sorted(words[name])
        counts = np.fromiter((words[name][word] for word in ordered), _COUNT_DTYPE, len(ordered))
        record = zlib.compress("\n".join(ordered).encode("utf-8") + b"\0" + counts.tobytes(), 6)
        directory[name] = [offset, len(record), len(ordered)]
        records.append(record)
        offset += len(record)
    header = json.dumps(directory, separators=(",", ":")).encode("utf-8")
    out = storage.create_file(file_id + SUFFIX)
    try:
        out.write(MAGIC + _LENGTH.pack(len(header)) + header)
        for record in records:
            out.write(record)
    finally:
        out.close()


def segment_words(reader: IndexReader, name: str) -> tuple[list[str], np.ndarray]:
    """A leaf reader's vocabulary of body field `name`: its words, sorted, and how many
    posts hold each (deleted posts included, as Whoosh counts a term's posts). From the
    segment's file, or counted from its stored text when the file cannot be read."""
    found = read_segment_words(reader, name)
    if found is not None:
        return found
    counts = count_words(reader, name)
    words = sorted(counts)
    return words, np.array([counts[word] for word in words], dtype=np.int64)


def count_words(reader: IndexReader, name: str) -> Counter:
    """Count the vocabulary of body field `name` over a segment's live posts' stored text."""
    analyzer = reader.schema[name].analyzer
    counts: Counter = Counter()
    for _, stored in reader.iter_docs():
        field, text = stored_body_value(stored)
        if field == name:
            counts.update(vocabulary_words(analyzer, text))
    return counts


def read_segment_words(reader: IndexReader, name: str) -> tuple[list[str], np.ndarray] | None:
    """A leaf reader's vocabulary of body field `name`: its words, sorted, and how many
    posts hold each. None when the segment has no readable vocabulary file; a field the
    file does not list has no words."""
    folder, file_id = segment_folder(reader), segment_file_id(reader)
    if folder is None or file_id is None:
        return None
    try:
        data = (Path(folder) / f"{file_id}{SUFFIX}").read_bytes()
        return _decode(data, name)
    except (OSError, ValueError, KeyError, UnicodeDecodeError, zlib.error, struct.error):
        return None


def _decode(data: bytes, name: str) -> tuple[list[str], np.ndarray]:
    if not data.startswith(MAGIC):
        raise ValueError("not a vocabulary file")
    (size,) = _LENGTH.unpack_from(data, len(MAGIC))
    start = len(MAGIC) + _LENGTH.size
    directory = json.loads(data[start : start + size])
    if name not in directory:
        return [], np.zeros(0, dtype=np.int64)
    offset, length, count = directory[name]
    base = start + size + offset
    record = zlib.decompress(data[base : base + length])
    split = len(record) - count * _COUNT_DTYPE.itemsize - 1
    if split < 0 or record[split : split + 1] != b"\0":
        raise ValueError("a damaged vocabulary record")
    words = record[:split].decode("utf-8").split("\n") if count else []
    counts = np.frombuffer(record, _COUNT_DTYPE, count, split + 1).astype(np.int64)
    if len(words) != count:
        raise ValueError("a damaged vocabulary record")
    return words, counts
