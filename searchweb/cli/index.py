"""`postsearch index SOURCE...`: build or refresh the index, then print what the run did.

    postsearch index SOURCE... [--index DIR] [--base-url URL] [--full] [--allow-mass-delete]

Exits 0, 1 when some pages failed (the others are indexed) or deletions were refused, and
2 (through PostsearchError) when the run could not be done at all.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from indexer.api import IndexOptions, IndexSummary, index_sources
from searchweb.cli.options import settings_from
from searchweb.indexing import crawl_options, open_store, selector_overrides

# Long enough to outwait a webhook's one-page reindex, short enough for cron to notice.
DEFAULT_LOCK_TIMEOUT = 30.0


def add_command(commands, shared: argparse.ArgumentParser) -> None:
    index = commands.add_parser(
        "index",
        parents=[shared],
        help="index a live site, a folder of post HTML, pages, or a WordPress export",
    )
    index.add_argument(
        "sources", nargs="+", help="https://site/ (crawled), folders, HTML files, export.xml"
    )
    index.add_argument("--base-url", help="the site's address, for pages with no canonical link")
    index.add_argument(
        "--lock-timeout",
        type=float,
        default=DEFAULT_LOCK_TIMEOUT,
        help=f"seconds to wait for another indexer to finish (default {DEFAULT_LOCK_TIMEOUT:g})",
    )
    index.add_argument(
        "--full", action="store_true", help="rebuild from scratch (swapped in atomically)"
    )
    index.add_argument(
        "--allow-mass-delete",
        action="store_true",
        help="allow one run to delete more than 10%% of the index",
    )
    index.add_argument("--workers", type=int, default=0, help="extraction processes (0: per CPU)")
    index.add_argument("--quiet", action="store_true", help="no progress bar")
    index.set_defaults(run=run_index)


def run_index(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    store = open_store(settings, lock_timeout=args.lock_timeout, rebuild=args.full)
    options = IndexOptions(
        base_url=args.base_url or settings.site_url or None,
        progress=not args.quiet and sys.stderr.isatty(),
        allow_mass_delete=args.allow_mass_delete,
        workers=args.workers,
        overrides=selector_overrides(settings),
        crawl=crawl_options(settings),
        include_pages=settings.include_pages,
    )
    summary = index_sources(args.sources, store, options=options)
    print_summary(summary, sys.stdout, settings.index_dir)
    if summary.mass_delete_message:
        print(f"postsearch: {summary.mass_delete_message}", file=sys.stderr)
    for warning in summary.warnings:
        print(f"postsearch: warning: {warning}", file=sys.stderr)
    return 1 if summary.failed or summary.mass_delete_message else 0


def print_summary(summary: IndexSummary, out: TextIO, index_dir: Path | None = None) -> None:
    """The end-of-run screen: counts, skip reasons, and every failure with its page."""
    where = f" into {index_dir}" if index_dir else ""
    print(f"Read {summary.pages} pages{where}:", file=out)
    print(f"  indexed  {len(summary.indexed):>6} posts", file=out)
    if summary.static_pages:
        print(f"           {len(summary.static_pages):>6} static pages", file=out)
    print(f"  unchanged{summary.unchanged:>7}", file=out)
    print(f"  deleted  {len(summary.deleted):>6}", file=out)
    print(f"  skipped  {len(summary.skipped):>6} not posts", file=out)
    for reason, count in summary.skip_reasons().items():
        print(f"           {count:>6} {reason}", file=out)
    print(f"  failed   {len(summary.failed):>6}", file=out)
    for failure in summary.failed:
        print(f"           {failure.location}: {failure.reason}", file=out)
    for note in summary.truncated:
        print(f"  truncated {note}", file=out)
    if summary.mass_delete_message:
        refused = len(summary.refused_deletes)
        print(f"  NOT deleted {refused}: {summary.mass_delete_message}", file=out)
    for warning in summary.warnings:
        print(f"  warning  {warning}", file=out)
