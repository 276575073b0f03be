"""`postsearch report`: the query log's report on the command line, as text, JSON or CSV.

    postsearch report [--format text|json|csv] [--since DAYS] [--limit N] [--index DIR]

Kept out of cli.py so the report's options live beside the report; cli.py only calls
`add_report_command(subparsers)`.
"""

from __future__ import annotations

import argparse
import sys

from indexer.errors import PostsearchError
from searchweb.analytics.querylog import log_path
from searchweb.analytics.report import (
    DEFAULT_LIMIT,
    DEFAULT_SINCE_DAYS,
    build_report,
    to_csv,
    to_json,
    to_text,
)
from searchweb.config import Settings, load_settings

RENDERERS = {"text": to_text, "json": to_json, "csv": to_csv}


def add_report_command(subparsers) -> argparse.ArgumentParser:
    """Add `report` to the CLI's subcommands; it runs with the CLI's --config and --index."""
    report = subparsers.add_parser("report", help="what visitors searched for (the query log)")
    report.add_argument("--format", choices=sorted(RENDERERS), default="text")
    report.add_argument(
        "--since",
        type=int,
        default=DEFAULT_SINCE_DAYS,
        metavar="DAYS",
        help=f"the last DAYS days (default {DEFAULT_SINCE_DAYS}; 0 = everything logged)",
    )
    report.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="rows per list")
    report.add_argument("--index", help="index directory (else $POSTSEARCH_INDEX, data/index)")
    report.add_argument(
        "--no-recheck",
        action="store_true",
        help="do not re-run zero-result queries against the index (and its synonyms)",
    )
    report.set_defaults(run=_run)
    return report


def _run(args: argparse.Namespace) -> int:
    overrides = {"index_dir": args.index} if getattr(args, "index", None) else {}
    settings = load_settings(config_file=getattr(args, "config", None), overrides=overrides)
    return run_report(args, settings)


def run_report(args: argparse.Namespace, settings: Settings) -> int:
    """Print the report; 0, or 2 (via PostsearchError) when the log cannot be read."""
    if args.since < 0 or args.limit < 1:
        raise PostsearchError("--since must be 0 or more and --limit at least 1")
    path = log_path(settings)
    if not path.exists():
        print(f"postsearch: no query log at {path} yet (is query_log on?)", file=sys.stderr)
    answers = None if args.no_recheck else _answers(settings, getattr(args, "config", None))
    report = build_report(path, since_days=args.since or None, limit=args.limit, answers=answers)
    sys.stdout.write(RENDERERS[args.format](report))
    if args.format == "json":
        sys.stdout.write("\n")
    return 0


def _answers(settings: Settings, config_file: str | None):
    """Result counts from the same backend the server builds (so with its synonyms), or
    None when the index cannot be opened: the report is still worth printing."""
    from searchweb.web.app import create_app
    from searchweb.web.report_page import answers_now

    overrides = {"index_dir": str(settings.index_dir), "query_log": False}
    try:
        app = create_app(config=overrides, config_file=config_file)
    except PostsearchError as error:
        print(f"postsearch: not re-checking zero-result queries: {error}", file=sys.stderr)
        return None

    def answers(query: str) -> int:
        with app.app_context():
            return answers_now(query)

    return answers
