"""Run an indexing job: sources → extract → store, with a progress bar and a summary.

Every page ends up in exactly one of three lists of the IndexSummary: indexed, skipped
(not a post, with the reason) or failed (with the page and the reason). A failing page
never stops the run; a failing run (an exception from the store) cancels the batch so the
served index stays as it was.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from indexer.errors import PageError
from indexer.extract import extract_post
from indexer.records import Failure, IndexSummary, Post, RawPage, Skip
from indexer.sources import count_pages, iter_pages
from indexer.store import PostStore


def index_sources(
    sources: Iterable[str | Path],
    store: PostStore,
    base_url: str | None = None,
    progress: bool = False,
) -> IndexSummary:
    """Index every page of `sources` into `store` in one batch."""
    sources = list(sources)
    summary = IndexSummary()
    pages = _all_pages(sources, base_url)
    if progress:
        total = sum(count_pages(source) for source in sources)
        pages = tqdm(pages, total=total, unit="page", desc="indexing", file=sys.stderr)
    with store:
        for item in pages:
            outcome = item if isinstance(item, Failure) else _extract(item)
            _record(outcome, store, summary)
    return summary


def _all_pages(sources: list[str | Path], base_url: str | None) -> Iterator[RawPage | Failure]:
    for source in sources:
        yield from iter_pages(source, base_url)


def _extract(page: RawPage) -> Post | Skip | Failure:
    try:
        return extract_post(page)
    except PageError as error:
        return Failure(location=error.location, reason=error.reason)
    except Exception as error:  # a bug or a page that breaks a parser: report it, go on
        return Failure(location=page.location, reason=f"{type(error).__name__}: {error}")


def _record(outcome: Post | Skip | Failure, store: PostStore, summary: IndexSummary) -> None:
    if isinstance(outcome, Post):
        store.replace(outcome)
        summary.indexed.append(outcome.url)
    elif isinstance(outcome, Skip):
        summary.skipped.append(outcome)
    else:
        summary.failed.append(outcome)


def print_summary(summary: IndexSummary, out: TextIO, index_dir: Path | None = None) -> None:
    """The end-of-run screen: counts, skip reasons, and every failure with its page."""
    where = f" into {index_dir}" if index_dir else ""
    total = len(summary.indexed) + len(summary.skipped) + len(summary.failed)
    print(f"Read {total} pages{where}:", file=out)
    print(f"  indexed  {len(summary.indexed):>6} posts", file=out)
    print(f"  skipped  {len(summary.skipped):>6} not posts", file=out)
    for reason, count in summary.skip_reasons().items():
        print(f"           {count:>6} {reason}", file=out)
    print(f"  failed   {len(summary.failed):>6}", file=out)
    for failure in summary.failed:
        print(f"           {failure.location}: {failure.reason}", file=out)
