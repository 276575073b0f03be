"""`postsearch search QUERY`: the same search as the page and the API, on the terminal.

    postsearch search [QUERY] [--category NAME]... [--tag NAME]... [--author NAME]...
                      [--year YYYY]... [--from DATE] [--to DATE] [--sort ORDER]
                      [--page N] [--per-page N] [--json] [--index DIR]

The options are the API's parameters, validated by the same code (`searchweb.web.params`),
so a filter means here what it means in `/api/search`. Each result shows its snippet as
text, the matched words marked: bold on a terminal, `*word*` when the output goes to a
file or a pipe (or when NO_COLOR is set).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import sys
import textwrap

from werkzeug.datastructures import MultiDict

from indexer.api import PostsearchError
from searchweb.cli.options import settings_from
from searchweb.engine.backend import backend_for
from searchweb.records import SORTS, Hit, SearchResults
from searchweb.web.params import ParameterError, search_request

_MARK = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
BOLD, PLAIN = "\x1b[1m", "\x1b[0m"
INDENT = "   "
FILTERS = ("category", "tag", "author", "year")


def add_command(commands, shared: argparse.ArgumentParser) -> None:
    find = commands.add_parser(
        "search",
        parents=[shared],
        help="search the index from the command line",
        description="Search the index as a visitor would, with the same query language, "
        "filters and order as the results page and the JSON API.",
    )
    find.add_argument(
        "query",
        nargs="?",
        default="",
        help="what a visitor would type (the same query language); may be left out when "
        "a filter is given (newest first)",
    )
    _add_filters(find)
    find.add_argument(
        "--sort",
        choices=SORTS,
        default="relevance",
        help="order of the results (default relevance)",
    )
    find.add_argument("--page", type=int, default=1, help="which page of results (default 1)")
    find.add_argument(
        "--per-page",
        type=int,
        default=None,
        help="results per page (default: the config's per_page)",
    )
    find.add_argument("--json", action="store_true", help="print the JSON API's answer")
    find.set_defaults(run=run_search)


def _add_filters(find: argparse.ArgumentParser) -> None:
    """The API's filters: repeatable where its parameters are (any of the values)."""
    for name in ("category", "tag", "author"):
        find.add_argument(
            f"--{name}",
            action="append",
            default=[],
            metavar="NAME",
            help=f"only posts with this {name}, as the facets name it (repeat for any of several)",
        )
    find.add_argument(
        "--year",
        action="append",
        default=[],
        metavar="YYYY",
        help="only posts of this year (repeat for any of several)",
    )
    find.add_argument(
        "--from",
        dest="start",
        metavar="DATE",
        help="posts from this date on (YYYY, YYYY-MM or YYYY-MM-DD)",
    )
    find.add_argument(
        "--to",
        dest="end",
        metavar="DATE",
        help="posts up to this date (YYYY, YYYY-MM or YYYY-MM-DD)",
    )


def run_search(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    try:
        request, notices = search_request(_parameters(args), settings)
    except ParameterError as error:
        if error.code == "missing_query":
            raise PostsearchError("give a query, or a filter to browse by") from None
        raise PostsearchError(error.message) from None
    results = backend_for(settings).search(request)
    results.notices[:0] = notices
    if args.json:
        print(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_results(results, sys.stdout)
    return 0


def _parameters(args: argparse.Namespace) -> MultiDict:
    """The command line as the API's query string."""
    pairs = [("q", args.query), ("page", str(args.page)), ("sort", args.sort)]
    if args.per_page is not None:
        pairs.append(("per_page", str(args.per_page)))
    for name in FILTERS:
        pairs.extend((name, value) for value in getattr(args, name))
    pairs.extend((name, value) for name, value in (("from", args.start), ("to", args.end)) if value)
    return MultiDict(pairs)


def print_results(results: SearchResults, out) -> None:
    """A page of results as text: count, notices, then each hit with its snippet."""
    marks = _marks(out)
    what = f" for {results.query!r}" if results.query else ""
    count = f"{results.total} result{'' if results.total == 1 else 's'}"
    pages = f" (page {results.page} of {results.pages})" if results.pages else ""
    print(f"{count}{what}{pages}", file=out)
    for notice in results.notices:
        print(notice, file=out)
    if results.suggestion:
        print(f"Did you mean: {results.suggestion.text}?", file=out)
    first = (results.page - 1) * results.per_page + 1
    for number, hit in enumerate(results.hits, start=first):
        print(file=out)
        _print_hit(number, hit, marks, out)


def _print_hit(number: int, hit: Hit, marks: tuple[str, str], out) -> None:
    print(f"{number}. {as_text(hit.title_html, marks)}", file=out)
    print(f"{INDENT}{hit.url}", file=out)
    about = [part for part in (hit.date, hit.author, ", ".join(hit.categories)) if part]
    if about:
        print(INDENT + " · ".join(about), file=out)
    snippet = as_text(hit.snippet_html, marks)
    width = max(40, shutil.get_terminal_size().columns - 1)
    for line in textwrap.wrap(snippet, width, initial_indent=INDENT, subsequent_indent=INDENT):
        print(line, file=out)


def as_text(fragment: str, marks: tuple[str, str]) -> str:
    """An escaped HTML fragment with <mark>ed words as terminal text."""
    opened, closed = marks
    marked = _MARK.sub(lambda m: opened + m.group(1) + closed, fragment)
    return html.unescape(_TAG.sub("", marked))


def _marks(out) -> tuple[str, str]:
    """Bold on a terminal that takes colours, asterisks anywhere else."""
    tty = hasattr(out, "isatty") and out.isatty()
    return (BOLD, PLAIN) if tty and not os.environ.get("NO_COLOR") else ("*", "*")
