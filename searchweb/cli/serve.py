"""`postsearch serve`: the results page, the JSON API and the widget, under waitress.

    postsearch serve [--index DIR] [--host 127.0.0.1] [--port 8000] [--threads 8]

The index is opened and warmed (columns, word lists, stemmers) before the server listens,
so the first visitor does not wait for it.
"""

from __future__ import annotations

import argparse

from indexer import __version__
from searchweb.cli.options import overrides_from


def add_command(commands, shared: argparse.ArgumentParser) -> None:
    serve = commands.add_parser(
        "serve",
        parents=[shared],
        help="serve the search page and JSON API",
        description="Serve the results page, the JSON API and the search-box widget with "
        "waitress, a production server; put it behind the site's reverse proxy.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument("--threads", type=int, default=8, help="requests served at once")
    serve.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    # The server's own imports: the other commands need neither Flask nor waitress.
    from waitress import serve

    from searchweb.web.app import create_app
    from searchweb.web.context import PLAIN_BACKEND_KEY, SETTINGS_KEY

    app = create_app(config=overrides_from(args), config_file=args.config)
    warmed = app.extensions[PLAIN_BACKEND_KEY].warm_up()
    where = f"http://{args.host}:{args.port}"
    print(f"postsearch {__version__} serving on {where} (index read in {warmed:.1f} s)", flush=True)
    # waitress drops X-Forwarded-* headers it was not told to trust; the app's ProxyFix
    # (trusted_proxies) is what decides, so with trusted proxies they are passed on to it.
    trusting = app.config[SETTINGS_KEY].trusted_proxies > 0
    serve(
        app,
        host=args.host,
        port=args.port,
        threads=args.threads,
        ident="postsearch",
        clear_untrusted_proxy_headers=not trusting,
    )
    return 0
