"""Per-segment arrays of each post's date, author, categories, tags and kind, read once and
shared.

Facet counts, date filters, "newest first" and the freshness bonus all need one value per post
for every matching post. Reading those through Whoosh's column readers costs a Python call per
post per query; here each segment's columns are read once into numpy arrays (codes into a small
table of names), so a query over 100,000 matches counts its facets with a few `bincount`s.

Segments never change once written, so a segment's arrays stay valid until a merge drops the
segment; they are then aged out of the segment cache. Deletions are not part of the arrays:
they are applied by whoever reads them (see `searchweb.engine.evaluate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import numpy as np
from whoosh.reading import IndexReader
from whoosh.util.times import long_to_datetime

from indexer.index import KIND_FIELD, SegmentCache, segment_key

# Segments whose arrays are kept; an index of 100k posts after merging has a handful.
_CACHE_SIZE = 64
# A post without a date sorts before every dated post and never matches a date filter.
NO_DATE = np.iinfo(np.int64).min
PAGE = "page"


@dataclass(frozen=True)
class Keywords:
    """A many-valued column (categories, tags) in compressed-row form.

    Post `d` has the names `values[codes[offsets[d]:offsets[d + 1]]]`.
    """

    offsets: np.ndarray  # int64, one more than there are posts
    codes: np.ndarray  # int32 indexes into values
    values: tuple[str, ...]

    @cached_property
    def owners(self) -> np.ndarray:
        """The post of each code (int32), for counting over many posts at once."""
        lengths = np.diff(self.offsets)
        return np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)

    def counts(self, docnums: np.ndarray) -> np.ndarray:
        """How many of `docnums` (local, unique) carry each value, by code."""
        posts = len(self.offsets) - 1
        if len(docnums) * 4 > posts:
            # Many matches (a common word): mark them, then count every code of a marked post.
            chosen = np.zeros(posts, dtype=bool)
            chosen[docnums] = True
            picked = self.codes[chosen[self.owners]]
            return np.bincount(picked, minlength=len(self.values))
        starts = self.offsets[docnums]
        lengths = self.offsets[docnums + 1] - starts
        total = int(lengths.sum())
        if not total:
            return np.zeros(len(self.values), dtype=np.int64)
        # Positions of every code of every selected post, without a Python loop.
        shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        picked = self.codes[np.arange(total, dtype=np.int64) + shift]
        return np.bincount(picked, minlength=len(self.values))


@dataclass(frozen=True)
class SegmentColumns:
    """One segment's per-post values, indexed by the segment's own document numbers."""

    dates: np.ndarray  # int64 microseconds since datetime.min (Whoosh's encoding), or NO_DATE
    years: np.ndarray  # int32 calendar year, 0 when undated
    authors: np.ndarray  # int32 code into author_names, -1 when none
    author_names: tuple[str, ...]
    categories: Keywords
    tags: Keywords
    pages: np.ndarray  # bool: a static page (documents without a kind are posts)

    @property
    def has_date(self) -> np.ndarray:
        return self.dates != NO_DATE


_columns: SegmentCache[SegmentColumns] = SegmentCache(_CACHE_SIZE)


def segment_columns(reader: IndexReader) -> SegmentColumns:
    """The arrays of one segment reader (a leaf of `IndexReader.leaf_readers()`)."""
    return _columns.get(segment_key(reader), lambda: _read_columns(reader))


def _read_columns(reader: IndexReader) -> SegmentColumns:
    count = reader.doc_count_all()
    dates = np.full(count, NO_DATE, dtype=np.int64)
    years = np.zeros(count, dtype=np.int32)
    for docnum, raw in enumerate(_column(reader, "date", count, translate=False)):
        published = _published(raw)
        if published is not None:
            dates[docnum] = raw
            years[docnum] = published.year
    author_names: dict[str, int] = {}
    authors = np.array(
        [
            author_names.setdefault(name, len(author_names)) if name else -1
            for name in _column(reader, "author_name", count)
        ],
        dtype=np.int32,
    )
    return SegmentColumns(
        dates=dates,
        years=years,
        authors=authors,
        author_names=tuple(author_names),
        categories=_keywords(_column(reader, "category", count)),
        tags=_keywords(_column(reader, "tag", count)),
        pages=np.array([kind == PAGE for kind in _column(reader, KIND_FIELD, count)], dtype=bool),
    )


def _keywords(texts: list) -> Keywords:
    """Comma-separated names per post (as the column keeps them) → a Keywords column."""
    table: dict[str, int] = {}
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    codes: list[int] = []
    for docnum, text in enumerate(texts):
        if text:
            for name in (part.strip() for part in text.split(",")):
                if name:
                    codes.append(table.setdefault(name, len(table)))
        offsets[docnum + 1] = len(codes)
    return Keywords(offsets, np.array(codes, dtype=np.int32), tuple(table))


def _published(raw: int | None) -> datetime | None:
    """A post's date from the date column's raw value, or None for a post without one.

    Raw, because Whoosh fills a dateless post's slot with the largest number the column's
    type holds, which its own translation turns into an OverflowError for the whole column.
    """
    if raw is None:
        return None
    try:
        published = long_to_datetime(raw)
    except (OverflowError, ValueError):
        return None
    return published if published.year > 1 else None


def _column(reader: IndexReader, name: str, count: int, translate: bool = True) -> list:
    # An index written before a field existed has no such field (nor column) at all.
    if name not in reader.schema or not reader.has_column(name):
        return [None] * count
    return list(reader.column_reader(name, translate=translate))
