"""Filters (year, category, author, tag, date range) and facet counts over a whole result set.

Counts are read from the index's sortable columns, loaded once per segment into plain lists
and shared by every thread: counting a result set is then one list lookup per matching post,
not a walk over the lexicon per facet value. Segments never change once written, so a
segment's lists stay valid until a merge drops the segment (then they age out of the cache).
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from whoosh import query as q
from whoosh.reading import IndexReader

from searchweb.dates import DateRange

FACET_NAMES = ("year", "category", "author", "tag")
MAX_FACET_VALUES = 20
_SEGMENT_CACHE_SIZE = 64


@dataclass(frozen=True)
class Filters:
    """What the visitor narrowed the results to; several values of one facet mean any of them."""

    year: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    tag: tuple[str, ...] = ()
    dates: DateRange | None = None

    def is_empty(self) -> bool:
        return not (self.year or self.category or self.author or self.tag or self.dates)

    def to_dict(self) -> dict:
        dates = self.dates or DateRange()
        return {
            "year": list(self.year),
            "category": list(self.category),
            "author": list(self.author),
            "tag": list(self.tag),
            "from": dates.start.isoformat() if dates.start else None,
            "to": dates.end.isoformat() if dates.end else None,
        }


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass
class FacetCounts:
    """Counts per facet value over a result set, biggest first (years newest first)."""

    counts: dict[str, list[FacetCount]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, list[dict]]:
        return {
            name: [{"value": c.value, "count": c.count} for c in values]
            for name, values in self.counts.items()
        }


def filter_query(filters: Filters, extra_dates: DateRange | None = None) -> q.Query | None:
    """The Whoosh query that keeps only posts passing every filter (None: no filter)."""
    parts: list[q.Query] = []
    years = [_year_range(year) for year in filters.year]
    if years:
        parts.append(q.Or(years))
    for name, key in (("category", "category"), ("tag", "tag"), ("author", "author_name")):
        values = getattr(filters, name)
        if values:
            lowered = name != "author"  # keyword fields are lowercased in the index
            terms = [q.Term(key, v.lower() if lowered else v) for v in values]
            parts.append(q.Or(terms))
    for dates in (filters.dates, extra_dates):
        if dates:
            parts.append(_date_range(dates))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else q.And(parts)


def _year_range(year: str) -> q.Query:
    return _date_range(DateRange(date(int(year), 1, 1), date(int(year), 12, 31)))


def _date_range(dates: DateRange) -> q.Query:
    if dates.is_empty():
        return q.NullQuery
    start, end = dates.bounds()
    return q.DateRange("date", start, end)


def count_facets(reader: IndexReader, docnums: Iterable[int]) -> FacetCounts:
    """Facet counts over `docnums` (global document numbers of `reader`)."""
    columns = _columns(reader)
    counters = {name: Counter() for name in FACET_NAMES}
    years, authors, categories, tags = (
        counters["year"],
        counters["author"],
        counters["category"],
        counters["tag"],
    )
    for docnum in docnums:
        year, author, post_categories, post_tags = columns[docnum]
        if year:
            years[year] += 1
        if author:
            authors[author] += 1
        categories.update(post_categories)
        tags.update(post_tags)
    return FacetCounts({name: _top(name, counter) for name, counter in counters.items()})


def _top(name: str, counter: Counter) -> list[FacetCount]:
    if name == "year":
        ordered = sorted(counter.items(), key=lambda pair: pair[0], reverse=True)
    else:
        ordered = sorted(counter.items(), key=lambda pair: (-pair[1], pair[0].lower()))
    return [FacetCount(value, count) for value, count in ordered[:MAX_FACET_VALUES]]


Row = tuple[str | None, str | None, tuple[str, ...], tuple[str, ...]]


class _ReaderColumns:
    """Random access by global docnum over the per-segment facet rows."""

    def __init__(self, parts: list[tuple[int, list[Row]]]) -> None:
        self.parts = parts  # (offset, rows), by ascending offset

    def __getitem__(self, docnum: int) -> Row:
        for offset, rows in reversed(self.parts):
            if docnum >= offset:
                return rows[docnum - offset]
        raise IndexError(docnum)


_cache: OrderedDict[str, list[Row]] = OrderedDict()
_cache_lock = threading.Lock()


def _columns(reader: IndexReader) -> _ReaderColumns:
    parts = []
    for segment_reader, offset in reader.leaf_readers():
        parts.append((offset, _segment_rows(segment_reader)))
    return _ReaderColumns(parts)


def _segment_rows(reader: IndexReader) -> list[Row]:
    key = _segment_key(reader)
    with _cache_lock:
        rows = _cache.get(key)
        if rows is not None:
            _cache.move_to_end(key)
            return rows
    rows = _read_rows(reader)
    with _cache_lock:
        _cache[key] = rows
        while len(_cache) > _SEGMENT_CACHE_SIZE:
            _cache.popitem(last=False)
    return rows


def _segment_key(reader: IndexReader) -> str:
    segment = reader.segment() if hasattr(reader, "segment") else None
    if segment is None:
        return f"reader-{id(reader)}"
    # Deletions change which rows count but not the rows themselves; docnums stay put.
    return f"{reader.storage.folder if hasattr(reader.storage, 'folder') else ''}:{segment.segid}"


def _read_rows(reader: IndexReader) -> list[Row]:
    count = reader.doc_count_all()
    dates = _column(reader, "date", count)
    authors = _column(reader, "author_name", count)
    categories = _column(reader, "category", count)
    tags = _column(reader, "tag", count)
    interned: dict[str, str] = {}
    rows = []
    for published, author, category_text, tag_text in zip(
        dates, authors, categories, tags, strict=True
    ):
        rows.append(
            (
                str(published.year) if isinstance(published, datetime) else None,
                interned.setdefault(author, author) if author else None,
                _split(category_text, interned),
                _split(tag_text, interned),
            )
        )
    return rows


def _column(reader: IndexReader, name: str, count: int) -> list:
    if not reader.has_column(name):
        return [None] * count
    values = list(reader.column_reader(name))
    if name == "date":  # missing dates read as the column's default, not None
        values = [v if isinstance(v, datetime) and v.year > 1 else None for v in values]
    return values


def _split(text: str | None, interned: dict[str, str]) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(interned.setdefault(v, v) for v in (p.strip() for p in text.split(",")) if v)
