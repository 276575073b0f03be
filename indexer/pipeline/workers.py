"""Extraction in worker processes.

Parsing and extracting a page is pure CPU, so it runs in a process pool; the results come
back to the one process that writes the index (Whoosh has one writer).
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from indexer.errors import PageError
from indexer.extract.overrides import ExtractionOverrides
from indexer.extract.page import extract_post
from indexer.extract.template import SiteTemplate
from indexer.records import Failure, Post, RawPage, Skip
from indexer.sources.events import PageFetched


def extract_one(
    page: RawPage, template: SiteTemplate | None, overrides: ExtractionOverrides | None
) -> Post | Skip | Failure:
    """Extract one page (in a worker process); every error becomes a Failure record."""
    try:
        return extract_post(page, template=template, overrides=overrides)
    except PageError as error:
        return Failure(location=error.location, reason=error.reason)
    except Exception as error:  # a bug or a page that breaks a parser: report it, go on
        return Failure(location=page.location, reason=f"{type(error).__name__}: {error}")


def _warm_up() -> None:
    """Nothing: submitted once so the pool forks its workers before any crawl thread runs."""


class Extractor:
    """Extraction in a process pool (or inline with one worker).

    For a crawl the pool is started (forked) on entry, before the crawler starts its
    threads, so no worker inherits a lock some thread held; without threads it may start
    after `pool_after` pages. Results come back in the order the pages were submitted, so
    the same pages make the same index (posts whose scores tie keep one order from build to
    build); with several pages queued per worker the pool stays busy while the oldest one
    finishes. The caller alone writes to the store."""

    def __init__(self, workers: int, pool_after: int = 0) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.pool_after = pool_after  # pages extracted inline before the pool starts
        self._inline = 0
        self._pool: ProcessPoolExecutor | None = None
        self._running: dict[Future, PageFetched] = {}

    def __enter__(self) -> Extractor:
        if self.pool_after == 0:
            self._start_pool()
        return self

    def _start_pool(self) -> None:
        if self.workers > 1 and self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers)
            self._pool.submit(_warm_up).result()

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def submit(self, event: PageFetched, template: Any, overrides: Any):
        """Queue a page; yields the (event, outcome) pairs that are ready."""
        if self._pool is None and self._inline >= self.pool_after:
            self._start_pool()
        if self._pool is None:
            self._inline += 1
            yield event, extract_one(event.page, template, overrides)
            return
        future = self._pool.submit(extract_one, event.page, template, overrides)
        self._running[future] = event
        while len(self._running) > self.workers * 8:
            yield from self._collect()

    def _collect(self):
        """The oldest page's outcome, once it is ready."""
        oldest = next(iter(self._running))
        yield self._running.pop(oldest), oldest.result()

    def drain(self):
        """Everything still running."""
        while self._running:
            yield from self._collect()


def overrides_from(selectors: dict[str, Any] | None) -> ExtractionOverrides | None:
    """The config's selectors as ExtractionOverrides, validated once, here, so that a bad
    selector stops the run before any page is read."""
    if not selectors:
        return None
    values = {k: tuple(v) if k == "ignore_selectors" else v for k, v in selectors.items()}
    return ExtractionOverrides(**values)
