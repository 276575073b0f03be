"""`postsearch search QUERY`: the same search as the page and the API, on the terminal.

postsearch search QUERY [--json] [--page N] [--per-page N] [--index DIR]
"""

from __future__ import annotations

import argparse
import json

from indexer.api import PostsearchError
from searchweb.cli.options import settings_from
from searchweb.engine.backend import backend_for
from searchweb.records import SearchRequest


def add_command(commands, shared: argparse.ArgumentParser) -> None:
    find = commands.add_parser(
        "search", parents=[shared], help="search the index from the command line"
    )
    find.add_argument("query", help="what a visitor would type (the same query language)")
    find.add_argument("--page", type=int, default=1, help="which page of results (default 1)")
    find.add_argument("--per-page", type=int, default=None, help="results per page")
    find.add_argument("--json", action="store_true", help="print the JSON API's answer")
    find.set_defaults(run=run_search)


def run_search(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    per_page = args.per_page or settings.per_page
    if not 1 <= args.page <= settings.max_page or not 1 <= per_page <= settings.max_per_page:
        raise PostsearchError(
            f"--page must be 1..{settings.max_page} and --per-page 1..{settings.max_per_page}"
        )
    results = backend_for(settings).search(SearchRequest(args.query, args.page, per_page))
    if args.json:
        print(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(f"{results.total} results for {args.query!r} (page {results.page} of {results.pages})")
    first = (results.page - 1) * results.per_page + 1
    for number, hit in enumerate(results.hits, start=first):
        print(f"\n{number}. {hit.title}\n   {hit.url}\n   {hit.date or ''} {hit.author or ''}")
    return 0
