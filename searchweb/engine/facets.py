"""Facet counts (year, category, author, tag, type) over a whole result set.

Counts are read from the index's sortable columns, loaded once per segment into numpy arrays
(searchweb.engine.columns) and shared by every thread: counting a result set of any size is
a few `bincount`s per segment, not a walk over the lexicon per facet value nor a Python step
per post.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from whoosh.reading import IndexReader

from searchweb.engine.columns import segment_columns
from searchweb.records import FACET_NAMES, TYPES, FacetCount, FacetCounts

MAX_FACET_VALUES = 20


def count_facets(reader: IndexReader, docnums: Iterable[int]) -> FacetCounts:
    """Facet counts over `docnums` (global document numbers of `reader`, ascending)."""
    docnums = np.asarray(docnums, dtype=np.int64)
    parts: dict[str, list[_Counts]] = {name: [] for name in FACET_NAMES}
    for segment_reader, offset in reader.leaf_readers():
        end = offset + segment_reader.doc_count_all()
        first, last = np.searchsorted(docnums, [offset, end])
        local = docnums[first:last] - offset
        if not len(local):
            continue
        columns = segment_columns(segment_reader)
        parts["year"].append(_year_counts(columns.years[local]))
        authors = columns.authors[local]
        counts = np.bincount(authors[authors >= 0], minlength=len(columns.author_names))
        parts["author"].append((columns.author_names, counts))
        parts["category"].append((columns.categories.values, columns.categories.counts(local)))
        parts["tag"].append((columns.tags.values, columns.tags.counts(local)))
        pages = int(np.count_nonzero(columns.pages[local]))
        parts["type"].append((TYPES, np.array([len(local) - pages, pages], dtype=np.int64)))
    return FacetCounts({name: _top(name, found) for name, found in parts.items()})


# A segment's value names and, by code, how many of the matches hold each.
_Counts = tuple[Sequence[str], np.ndarray]


def _year_counts(years: np.ndarray) -> _Counts:
    dated = years[years > 0]
    if not len(dated):
        return (), np.zeros(0, dtype=np.int64)
    first = int(dated.min())  # a bincount from the first year: no sort of the matches
    counts = np.bincount(dated - first)
    return [str(year) for year in range(first, first + len(counts))], counts


def _top(name: str, parts: list[_Counts]) -> list[FacetCount]:
    if len(parts) == 1:
        # One segment (an index after a full build): its names are distinct, so the top
        # values are picked from the counts with numpy, without a Counter of every value.
        names, counts = parts[0]
        codes = np.flatnonzero(counts)
        if name != "year" and len(codes) > MAX_FACET_VALUES:
            least = np.partition(counts[codes], len(codes) - MAX_FACET_VALUES)
            codes = codes[counts[codes] >= least[len(codes) - MAX_FACET_VALUES]]
        pairs = [(names[c], n) for c, n in zip(codes.tolist(), counts[codes].tolist(), strict=True)]
    else:
        counter: Counter = Counter()
        for names, counts in parts:
            _add(counter, names, counts)
        pairs = list(counter.items())
        if name != "year":
            # Only values that can make the top: a site may have thousands of tags.
            least = min(heapq.nlargest(MAX_FACET_VALUES, counter.values()), default=0)
            pairs = [pair for pair in pairs if pair[1] >= least]
    if name == "year":
        ordered = sorted(pairs, key=lambda pair: pair[0], reverse=True)
    elif name == "type":
        ordered = sorted(pairs, key=lambda pair: TYPES.index(pair[0]))  # posts, then pages
    else:
        ordered = sorted(pairs, key=lambda pair: (-pair[1], pair[0].lower()))
    return [FacetCount(value, count) for value, count in ordered[:MAX_FACET_VALUES]]


def _add(counter: Counter, names: Sequence[str], counts: np.ndarray) -> None:
    codes = np.flatnonzero(counts)
    for code, count in zip(codes.tolist(), counts[codes].tolist(), strict=True):
        counter[names[code]] += count
