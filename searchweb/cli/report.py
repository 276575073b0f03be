"""`postsearch report`: the query log's report on the command line, as text, JSON or CSV.

postsearch report [--format text|json|csv] [--since DAYS] [--limit N] [--index DIR]
"""

from __future__ import annotations

import argparse
import sys

from indexer.api import PostsearchError
from searchweb.analytics.querylog import log_path
from searchweb.analytics.report import (
    DEFAULT_LIMIT,
    DEFAULT_SINCE_DAYS,
    answer_counts,
    build_report,
    to_csv,
    to_json,
    to_text,
)
from searchweb.cli.options import settings_from
from searchweb.config import Settings
from searchweb.engine.backend import backend_for

RENDERERS = {"text": to_text, "json": to_json, "csv": to_csv}


def add_command(commands, shared: argparse.ArgumentParser) -> None:
    report = commands.add_parser(
        "report",
        parents=[shared],
        help="what visitors searched for (the query log)",
        description="What visitors searched for: top queries, queries with no result, "
        "results never clicked, searches per week, from the server's private query log.",
    )
    report.add_argument(
        "--format", choices=sorted(RENDERERS), default="text", help="text, json or csv"
    )
    report.add_argument(
        "--since",
        type=int,
        default=DEFAULT_SINCE_DAYS,
        metavar="DAYS",
        help=f"the last DAYS days (default {DEFAULT_SINCE_DAYS}; 0 = everything logged)",
    )
    report.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="rows per list")
    report.add_argument(
        "--no-recheck",
        action="store_true",
        help="do not re-run zero-result queries against the index (and its synonyms)",
    )
    report.set_defaults(run=lambda args: run_report(args, settings_from(args)))


def run_report(args: argparse.Namespace, settings: Settings) -> int:
    """Print the report; 0, or 2 (via PostsearchError) when the log cannot be read."""
    if args.since < 0 or args.limit < 1:
        raise PostsearchError("--since must be 0 or more and --limit at least 1")
    path = log_path(settings)
    if not path.exists():
        print(f"postsearch: no query log at {path} yet (is query_log on?)", file=sys.stderr)
    answers = None if args.no_recheck else _answers(settings)
    report = build_report(path, since_days=args.since or None, limit=args.limit, answers=answers)
    sys.stdout.write(RENDERERS[args.format](report))
    if args.format == "json":
        sys.stdout.write("\n")
    return 0


def _answers(settings: Settings):
    """Result counts from the backend the server builds (so with its synonyms), or None
    when the index cannot be opened: the report is still worth printing."""
    try:
        return answer_counts(backend_for(settings))
    except PostsearchError as error:
        print(f"postsearch: not re-checking zero-result queries: {error}", file=sys.stderr)
        return None
