"""The one Whoosh writer postsearch writes with: Whoosh's `SegmentWriter`, with its
vocabulary files and without a `stat` per posting.

Whoosh writes a segment as postsearch needs it; two of its habits cost a build more than
everything else it does:

- At commit, for every posting, it asked the segment's per-document reader for the post's
  length in that field, and for a field with no length column (the URL, the keywords)
  that reader looked for the column's file on disk each time: an `os.stat` per posting,
  two fifths of a commit. `_flush_segment` hands the postings writer the lengths read
  once, as arrays; the postings, term infos and lengths written are Whoosh's own, byte
  for byte (tests/test_writer.py).
- The words of a body field before stemming ("did you mean" and autocomplete offer them)
  are counted here into a vocabulary file beside the segment
  (indexer.index.wordfiles), instead of being written as postings of a spelling field.

A segment's vocabulary file is written after its files and before the commit's TOC, so
no searcher ever sees a segment without one; it is fsynced with the segment. A merge
(`add_reader`) adds the merged segment's counts, counted again from its stored text when
some of its posts were deleted, as Whoosh's own term counts are after a merge.

The SegmentWriter methods used here (`_flush_segment`, `_finalize_segment`, `add_reader`)
are checked by `check_whoosh` with the reading internals.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from whoosh.writing import SegmentWriter

from indexer.index.analysis import vocabulary_words
from indexer.index.schema import BodyText
from indexer.index.whoosh_internals import LENGTH_OF_CODE, perdoc_length_codes
from indexer.index.wordfiles import count_words, segment_words, write_segment_words

# The length each field-length byte stands for, as ints (the postings writer checks).
_LENGTH_OF_BYTE = LENGTH_OF_CODE.astype(np.int64)


class PostWriter(SegmentWriter):
    """Whoosh's segment writer, keeping each body field's vocabulary in a file of its own."""

    def __init__(self, index, schema=None, **kwargs) -> None:
        """`schema` replaces the index's for what this writer writes (a rebuild, whose
        commit drops every earlier segment); by default the index's own."""
        super().__init__(index, **kwargs)
        if schema is not None:
            self.schema = schema
        self.vocabulary_fields = sorted(
            name
            for name, field in self.schema.items()
            if isinstance(field, BodyText) and field.has_vocabulary()
        )
        self.words: dict[str, Counter] = {name: Counter() for name in self.vocabulary_fields}

    def add_document(self, **fields) -> None:
        super().add_document(**fields)
        for name in self.vocabulary_fields:
            value = fields.get(name)
            if value is None:
                continue
            field = self.schema[name]
            found = field.words_found
            if found is None:  # a value the one-pass analysis did not take
                found = vocabulary_words(field.analyzer, value)
            self.words[name].update(found)

    def add_reader(self, reader) -> None:
        """Merge a segment (Whoosh's merge policies call this) and its vocabulary."""
        super().add_reader(reader)
        for name in self.vocabulary_fields:
            self.words[name].update(_live_words(reader, name))

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = _FieldLengths(self.per_document_reader(), self.schema, self.docnum)
        try:
            self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
            self.fieldwriter.close()
        finally:
            lengths.close()

    def _finalize_segment(self):
        segment = super()._finalize_segment()
        if self.vocabulary_fields:
            write_segment_words(self.storage, segment.segment_id(), self.words)
        return segment


def _live_words(reader, name: str) -> Counter:
    """How many live posts of a segment hold each vocabulary word of body field `name`."""
    if reader.has_deletions():
        return count_words(reader, name)
    words, counts = segment_words(reader, name)
    return Counter(dict(zip(words, counts.tolist(), strict=True)))


class _FieldLengths:
    """Every post's length in every field, read once from the new segment's columns.

    Stands in for the per-document reader Whoosh hands its postings writer, which only
    asks `doc_field_length`; the values are the reader's own.
    """

    def __init__(self, perdoc, schema, doc_count: int) -> None:
        self._perdoc = perdoc
        self._lengths: dict[str, list[int]] = {}
        for name in schema.scorable_names():
            codes = perdoc_length_codes(perdoc, name, doc_count)
            self._lengths[name] = _LENGTH_OF_BYTE[codes].tolist()

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._lengths.get(fieldname)
        return default if lengths is None else lengths[docnum]

    def close(self) -> None:
        self._perdoc.close()
