"""`postsearch extract PAGE...`: show what the indexer reads from pages, without indexing.

    postsearch extract [--json] PATH_OR_URL...

Readable by default; `--json` prints one object per line (what `make eval` scores).
Exits 1 if any page could not be read, after printing the others.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from indexer.api import PageError, extract, fetch_page, read_file_page


def add_command(commands, shared: argparse.ArgumentParser) -> None:
    show = commands.add_parser(
        "extract",
        parents=[shared],
        help="show what the indexer reads from pages",
        description="Show what the indexer reads from pages (title, date, author, "
        "categories, tags, body, and whether it is a post), without indexing them.",
    )
    show.add_argument("pages", nargs="+", help="HTML files or http(s) URLs")
    show.add_argument("--json", action="store_true", help="one JSON object per line")
    show.set_defaults(run=run_extract)


def run_extract(args: argparse.Namespace) -> int:
    failed = 0
    for location in args.pages:
        try:
            record = extraction_record(location)
        except PageError as error:
            failed += 1
            record = {"location": location, "error": error.reason}
        except Exception as error:  # a page that breaks a parser: one error line, go on
            failed += 1
            record = {"location": location, "error": f"{type(error).__name__}: {error}"}
        if args.json:
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            _print_extraction(record)
    return 1 if failed else 0


def extraction_record(location: str) -> dict:
    """One page as `postsearch extract --json` prints it."""
    if location.startswith(("http://", "https://")):
        page = fetch_page(location)
    else:
        page = read_file_page(Path(location))
    result = extract(page)
    post = result.post
    return {
        "location": location,
        "url": post.url,
        "is_post": result.is_post,
        "skip_reason": result.skip_reason,
        "title": post.title or None,
        "date": post.date.isoformat() if post.date else None,
        "author": post.author,
        "categories": list(post.categories),
        "tags": list(post.tags),
        "language": post.language,
        "summary": post.summary,
        "body": post.body,
    }


def _print_extraction(record: dict) -> None:
    if "error" in record:
        print(f"{record['location']}: error: {record['error']}\n")
        return
    verdict = "post" if record["is_post"] else f"not a post ({record['skip_reason']})"
    for name in ("url", "title", "date", "author", "categories", "tags", "language"):
        value = record[name]
        print(f"{name:>10}: {', '.join(value) if isinstance(value, list) else value}")
    print(f"{'verdict':>10}: {verdict}")
    print(f"{'body':>10}: {len(record['body'].split())} words\n")
    print(record["body"], end="\n\n")
