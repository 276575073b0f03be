"""`postsearch`: the command line, and the one place where the indexer and the server meet.

    postsearch index SOURCE... [--index DIR] [--base-url URL] [--full] [--allow-mass-delete]
    postsearch extract [--json] PATH_OR_URL...
    postsearch search QUERY [--json] [--page N]
    postsearch serve [--index DIR] [--host 127.0.0.1] [--port 8000]
    postsearch report [--format text|json|csv] [--since DAYS] [--limit N] [--index DIR]

Every command exits 0 on success, 1 when it did its work but some pages failed, and 2 with
one clear line on stderr when it could not do its work at all.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from indexer import __version__
from indexer.errors import PageError, PostsearchError
from indexer.extract.dates import to_iso
from indexer.extract.page import extract
from indexer.index.store import WhooshPostStore
from indexer.pipeline.run import IndexOptions, index_sources, print_summary
from indexer.records import RawPage
from indexer.sources.crawl import CrawlOptions
from indexer.sources.folder import single_page_url
from indexer.sources.http import fetch_page
from searchweb.cli.report import add_report_command
from searchweb.config import Settings, load_settings
from searchweb.engine.search import SearchRequest

# Long enough to outwait a webhook's one-page reindex, short enough for cron to notice.
DEFAULT_LOCK_TIMEOUT = 30.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except PostsearchError as error:
        print(f"postsearch: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("postsearch: interrupted; the index is unchanged", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="postsearch", description=__doc__.split("\n")[0])
    parser.add_argument("--version", action="version", version=f"postsearch {__version__}")
    parser.add_argument("--config", help="a TOML config file (else $POSTSEARCH_CONFIG)")
    commands = parser.add_subparsers(dest="command", required=True)

    index = commands.add_parser(
        "index", help="index a live site, a folder of post HTML, pages, or a WordPress export"
    )
    index.add_argument(
        "sources", nargs="+", help="https://site/ (crawled), folders, HTML files, export.xml"
    )
    _index_option(index)
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

    show = commands.add_parser("extract", help="show what the indexer reads from pages")
    show.add_argument("pages", nargs="+", help="HTML files or http(s) URLs")
    show.add_argument("--json", action="store_true", help="one JSON object per line")
    show.set_defaults(run=run_extract)

    find = commands.add_parser("search", help="search the index from the command line")
    find.add_argument("query")
    find.add_argument("--page", type=int, default=1)
    find.add_argument("--per-page", type=int, default=None)
    find.add_argument("--json", action="store_true", help="print the JSON API's answer")
    _index_option(find)
    find.set_defaults(run=run_search)

    serve = commands.add_parser("serve", help="serve the search page and JSON API")
    _index_option(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--threads", type=int, default=8)
    serve.set_defaults(run=run_serve)
    add_report_command(commands)
    return parser


def _index_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", help="index directory (else $POSTSEARCH_INDEX, data/index)")


def _settings(args: argparse.Namespace):
    overrides = {"index_dir": args.index} if getattr(args, "index", None) else {}
    return load_settings(config_file=args.config, overrides=overrides)


def run_index(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = WhooshPostStore(settings.index_dir, lock_timeout=args.lock_timeout, rebuild=args.full)
    options = IndexOptions(
        base_url=args.base_url or settings.site_url or None,
        progress=not args.quiet and sys.stderr.isatty(),
        allow_mass_delete=args.allow_mass_delete,
        workers=args.workers,
        overrides=selector_overrides(settings),
        crawl=crawl_options(settings),
    )
    summary = index_sources(args.sources, store, options=options)
    print_summary(summary, sys.stdout, settings.index_dir)
    if summary.mass_delete_message:
        print(f"postsearch: {summary.mass_delete_message}", file=sys.stderr)
    return 1 if summary.failed or summary.mass_delete_message else 0


SELECTOR_SETTINGS = (
    "content_selector",
    "ignore_selectors",
    "title_selector",
    "date_selector",
    "author_selector",
    "category_selector",
    "tag_selector",
)


def selector_overrides(settings: Settings) -> dict[str, Any]:
    """The config's extraction selectors that are set, as the extractor's overrides."""
    return {name: getattr(settings, name) for name in SELECTOR_SETTINGS if getattr(settings, name)}


def crawl_options(settings: Settings, start_url: str | None = None) -> CrawlOptions:
    """The crawler's bounds from the site's config (the start URL is the source given)."""
    return CrawlOptions(
        start_url=start_url or settings.site_url or "http://localhost/",
        allowed_hosts=settings.allowed_hosts,
        delay=settings.crawl_delay,
        concurrency=settings.crawl_concurrency,
        max_pages=settings.crawl_max_pages,
        max_page_bytes=settings.crawl_max_page_bytes,
        timeout=settings.crawl_timeout,
    )


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
    """One page as `postsearch extract --json` prints it (also what `make eval` scores)."""
    if location.startswith(("http://", "https://")):
        page = fetch_page(location)
    else:
        path = Path(location)
        try:
            page = RawPage(str(path), single_page_url(path, None), path.read_bytes())
        except OSError as error:
            raise PageError(location, f"cannot read: {error.strerror}") from error
    result = extract(page)
    post = result.post
    return {
        "location": location,
        "url": post.url,
        "is_post": result.is_post,
        "skip_reason": result.skip_reason,
        "title": post.title or None,
        "date": to_iso(post.date),
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


def run_search(args: argparse.Namespace) -> int:
    from searchweb.engine.backend import backend_for

    settings = _settings(args)
    per_page = args.per_page or settings.per_page
    if not 1 <= args.page <= settings.max_page or not 1 <= per_page <= settings.max_per_page:
        raise PostsearchError(
            f"--page must be 1..{settings.max_page} and --per-page 1..{settings.max_per_page}"
        )
    backend = backend_for(settings)
    results = backend.search(SearchRequest(args.query, args.page, per_page))
    if args.json:
        print(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(f"{results.total} results for {args.query!r} (page {results.page} of {results.pages})")
    first = (results.page - 1) * results.per_page + 1
    for number, hit in enumerate(results.hits, start=first):
        print(f"\n{number}. {hit.title}\n   {hit.url}\n   {hit.date or ''} {hit.author or ''}")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from waitress import serve

    from searchweb.web.app import create_app

    overrides = {"index_dir": args.index} if args.index else None
    app = create_app(config=overrides, config_file=args.config)
    backend = app.extensions["postsearch"]
    warmed = f" (index read in {backend.warm_up():.1f} s)" if hasattr(backend, "warm_up") else ""
    print(f"postsearch {__version__} serving on http://{args.host}:{args.port}{warmed}", flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="postsearch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
