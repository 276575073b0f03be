"""The one cache for what is read from an index's segments, shared by a process's threads.

A Whoosh segment never changes once written, so whatever is derived from it (a posting
list as arrays, the per-post columns, a field's words, its lengths, an open list file) stays
true until a merge retires the segment. Such values are kept here, keyed by the segment's id
and what was read, and the least recently used go first when the cache is full (by count,
or by bytes when a size function is given): a retired segment's values age out unasked.

The LRU bookkeeping is cachetools' (well kept, and it counts sizes as well as entries);
this class adds the lock and the "read it once" step around it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache

V = TypeVar("V")


class SegmentCache(Generic[V]):
    """Values loaded on first use and kept while there is room; safe across threads.

    `maxsize` counts entries, or bytes when `sizeof` says what an entry weighs; an entry
    heavier than `largest` (bytes) is returned but not kept.
    """

    def __init__(
        self,
        maxsize: int,
        sizeof: Callable[[V], int] | None = None,
        largest: int | None = None,
    ) -> None:
        self._items: LRUCache = LRUCache(maxsize, getsizeof=sizeof)
        self._sizeof = sizeof
        self._largest = largest if largest is not None else maxsize
        self._lock = threading.Lock()

    def get(self, key: Hashable, load: Callable[[], V]) -> V:
        """The value kept under `key`, else `load()`'s, which is kept for next time.

        Two threads may both load a missing value; the first to finish is kept. If `load`
        raises, nothing is kept and the error goes to the caller.
        """
        with self._lock:
            try:
                return self._items[key]
            except KeyError:
                pass
        value = load()
        if self._sizeof is None or self._sizeof(value) <= self._largest:
            with self._lock:
                self._items.setdefault(key, value)
        return value

    def __len__(self) -> int:
        return len(self._items)
