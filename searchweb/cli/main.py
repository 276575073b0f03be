"""`postsearch`: search for the posts of a website, from its pages to a search box.

    postsearch index SOURCE...   build or refresh the index (a site, a folder, an export)
    postsearch extract PAGE...   show what the indexer reads from pages
    postsearch search QUERY      search the index on the terminal
    postsearch serve             the results page, the JSON API and the widget
    postsearch report            what visitors searched for
    postsearch doctor            check the backend: its nodes, collection and posts

Every command exits 0 on success, 1 when it did its work but some pages failed, and 2 with
one clear line on stderr when it could not do its work at all.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from indexer import __version__
from indexer.api import PostsearchError
from searchweb.cli import doctor, extract, index, report, search, serve
from searchweb.cli.options import shared_options

DESCRIPTION = (
    "Self-hosted search for the posts of a blog, news or campaign site: index its pages\n"
    "(a crawl, a folder of HTML or a WordPress export), then serve a results page, a JSON\n"
    "API and a search-box widget."
)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except PostsearchError as error:
        print(f"postsearch: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("postsearch: interrupted; the index is unchanged", file=sys.stderr)
        return 130


EPILOG = """examples:
  postsearch index https://blog.example/          crawl the site (politely) into data/index
  postsearch index export.xml --index /srv/index  a WordPress export, into another index
  postsearch search "sourdough starter" --category Baking
  postsearch serve --port 8000                     then open http://127.0.0.1:8000/search

--config and --index may be given before or after the command.
`postsearch COMMAND --help` says what each command takes."""


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="postsearch",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[shared_options(for_command=False)],
    )
    top.add_argument("--version", action="version", version=f"postsearch {__version__}")
    commands = top.add_subparsers(
        dest="command", required=True, metavar="COMMAND", title="commands"
    )
    shared = shared_options(for_command=True)
    for command in (index, extract, search, serve, report, doctor):
        command.add_command(commands, shared)
    return top


if __name__ == "__main__":
    sys.exit(main())
