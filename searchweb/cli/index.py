"""`postsearch index [SOURCE...]`: build or refresh the index, then print what the run did.

    postsearch index [SOURCE...] [--index DIR] [--base-url URL] [--full] [--allow-mass-delete]

Without a source it crawls the config's `site_url`: what cron, the systemd timer and the
container's nightly job run. The summary's numbers are those of the
run: pages read, posts indexed, pages that are not posts by reason (unchanged ones too, so
a quiet incremental run still says what the site holds), failures, deletions, the broken
links a crawl met, and the posts the index holds.

Exits 0, 1 when some pages failed (the others are indexed) or deletions were refused, and
2 (through PostsearchError) when the run could not be done at all.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from indexer.api import IndexOptions, IndexSummary, PostsearchError, index_sources
from searchweb.cli.options import settings_from
from searchweb.config import Settings
from searchweb.indexing import crawl_options, open_store, selector_overrides

# Long enough to outwait a webhook's one-page reindex, short enough for cron to notice.
DEFAULT_LOCK_TIMEOUT = 30.0


def add_command(commands, shared: argparse.ArgumentParser) -> None:
    index = commands.add_parser(
        "index",
        parents=[shared],
        help="index a live site, a folder of post HTML, pages, or a WordPress export",
        description="Build the index, or bring it up to date: only new and changed pages are "
        "read again, and posts whose pages are gone are deleted. Prints what the run did.",
    )
    index.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="https://site/ (crawled), folders, HTML files, export.xml "
        "(default: crawl the config's site_url)",
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
    sources = args.sources or [_site_to_crawl(settings)]
    store = open_store(settings, lock_timeout=args.lock_timeout, rebuild=args.full)
    options = IndexOptions(
        base_url=args.base_url or settings.site_url or None,
        progress=not args.quiet and sys.stderr.isatty(),
        allow_mass_delete=args.allow_mass_delete,
        workers=args.workers,
        overrides=selector_overrides(settings),
        crawl=crawl_options(settings),
    )
    summary = index_sources(sources, store, options=options)
    where = settings.index_dir
    if settings.backend_engine == "typesense":
        where = f"the Typesense alias {settings.backend_collection}"
    print_summary(summary, sys.stdout, where)
    if summary.mass_delete_message:
        print(f"postsearch: {summary.mass_delete_message}", file=sys.stderr)
    for warning in summary.warnings:
        print(f"postsearch: warning: {warning}", file=sys.stderr)
    return 1 if summary.failed or summary.mass_delete_message else 0


# Broken links shown in the summary; the rest are counted.
NOT_FOUND_EXAMPLES = 5


def _site_to_crawl(settings: Settings) -> str:
    """With no source named, the site of the config, said on stderr; else a clear error."""
    if not settings.site_url:
        raise PostsearchError(
            "nothing to index: name a source (https://site/, a folder, pages or an export), "
            "or set site_url in the config (--config FILE or $POSTSEARCH_CONFIG)"
        )
    print(f"postsearch: no source given; crawling site_url {settings.site_url}", file=sys.stderr)
    return settings.site_url


def print_summary(summary: IndexSummary, out: TextIO, index_dir: Path | str | None = None) -> None:
    """The end-of-run screen: what the run read and did, why pages are not posts, every
    failure with its page, and the broken links a crawl met."""
    where = f" into {index_dir}" if index_dir else ""
    print(f"Read {plural(summary.pages, 'page')}{where}:", file=out)
    _counts(summary, out)
    for failure in summary.failed:
        print(f"{INDENT}{failure.location}: {failure.reason}", file=out)
    _not_found(summary, out)
    for note in summary.truncated:
        print(f"  truncated {note}", file=out)
    if summary.mass_delete_message:
        refused = len(summary.refused_deletes)
        print(f"  NOT deleted {refused}: {summary.mass_delete_message}", file=out)
    for warning in summary.warnings:
        print(f"  warning  {warning}", file=out)
    if summary.posts_in_index is not None:
        print(f"The index holds {plural(summary.posts_in_index, 'post')}.", file=out)


# The count column starts after the label; lists under a line start where its text does.
COUNT_COLUMN = " " * 12
INDENT = " " * 19


def _line(out: TextIO, label: str, count: int, text: str = "") -> None:
    print(f"  {label:<10}{count:>6} {text}".rstrip(), file=out)


def _counts(summary: IndexSummary, out: TextIO) -> None:
    """Posts, pages that are not posts by reason, failures; on a run that compares with
    the last one (not a new index, not --full), what is unchanged and what was deleted."""
    indexed = len(summary.indexed)
    changed = " (new or changed)" if summary.incremental else ""
    _line(out, "indexed", indexed, noun(indexed, "post") + changed)
    if summary.incremental:
        _line(out, "unchanged", summary.unchanged_posts, noun(summary.unchanged_posts, "post"))
    reasons = summary.skip_reasons(with_unchanged=True)
    skipped = sum(reasons.values())
    unchanged = sum(summary.unchanged_skips.values())
    text = "not a post" if skipped == 1 else "not posts"
    _line(out, "skipped", skipped, text + (f" ({unchanged} unchanged)" if unchanged else ""))
    for reason, count in reasons.items():
        print(f"{COUNT_COLUMN}{count:>6} {reason}", file=out)
    _line(out, "failed", len(summary.failed))
    if summary.incremental or summary.deleted:
        _line(out, "deleted", len(summary.deleted), noun(len(summary.deleted), "post"))


def _not_found(summary: IndexSummary, out: TextIO) -> None:
    """Links to pages that do not exist: counted, with a few examples and where they are."""
    missing = summary.not_found
    if not missing:
        return
    _line(out, "not found", len(missing), f"{noun(len(missing), 'broken link')} (404 or 410):")
    for item in missing[:NOT_FOUND_EXAMPLES]:
        where = f" (linked from {item.linked_from})" if item.linked_from else ""
        print(f"{INDENT}{item.url}{where}", file=out)
    if len(missing) > NOT_FOUND_EXAMPLES:
        print(f"{INDENT}and {len(missing) - NOT_FOUND_EXAMPLES} more", file=out)
    if summary.incremental:
        print(f"{INDENT}(from new and changed pages: --full checks them all)", file=out)


def noun(count: int, word: str) -> str:
    """`word`, made plural with an s unless `count` is 1."""
    return word if count == 1 else word + "s"


def plural(count: int, word: str) -> str:
    """ "1 page", "2 pages"."""
    return f"{count} {noun(count, word)}"
