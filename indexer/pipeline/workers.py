"""Extraction in worker processes.

Parsing and extracting a page is pure CPU, so it runs in a process pool; the results come
back to the one process that writes the index (Whoosh has one writer).
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from indexer.errors import PageError
from indexer.extract.address import SitePaths
from indexer.extract.overrides import ExtractionOverrides
from indexer.extract.page import extract_post
from indexer.extract.template import SiteTemplate
from indexer.records import Failure, Post, RawPage, Skip
from indexer.sources.events import PageFetched


@dataclass(frozen=True)
class Reading:
    """What every page of one source is read with, besides the template and overrides:
    the addresses of a folder run's pages (to tell copies from moved pages), and whether
    static pages are indexed. Handed to each worker process once, when it starts."""

    site: SitePaths | None = None
    include_pages: bool = True


_WORKER_READING = Reading()


def _install(reading: Reading) -> None:
    """A worker process's start: the source's Reading, once rather than with every page."""
    global _WORKER_READING
    _WORKER_READING = reading


def extract_one(
    page: RawPage,
    template: SiteTemplate | None,
    overrides: ExtractionOverrides | None,
    reading: Reading | None = None,
) -> Post | Skip | Failure:
    """Extract one page (in a worker process); every error becomes a Failure record."""
    reading = reading or _WORKER_READING
    try:
        return extract_post(
            page,
            template=template,
            overrides=overrides,
            site=reading.site,
            include_pages=reading.include_pages,
        )
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

    def __init__(self, workers: int, pool_after: int = 0, reading: Reading | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.pool_after = pool_after  # pages extracted inline before the pool starts
        self.reading = reading or Reading()
        self._inline = 0
        self._pool: ProcessPoolExecutor | None = None
        self._running: dict[Future, PageFetched] = {}

    def __enter__(self) -> Extractor:
        if self.pool_after == 0:
            self._start_pool()
        return self

    def _start_pool(self) -> None:
        if self.workers > 1 and self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.workers, initializer=_install, initargs=(self.reading,)
            )
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
            yield event, extract_one(event.page, template, overrides, self.reading)
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
