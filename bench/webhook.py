"""Benchmark the publish webhook: from `POST /api/admin/reindex` to the post in `/api/search`.

What a WordPress site's publish hook does: the page is on the site, the hook tells the
running `postsearch serve` its address, and a visitor searches for it. Here the site is the
generated one, served from its folder on 127.0.0.1 (its links rewritten to that address, as
the real site names itself); `postsearch serve` runs on the index the incremental benchmark
built. Each round writes one new post holding a word no other post has, calls the webhook,
then searches for that word until the post is found. Timed: the webhook call, and the call
plus the first search that finds the post.

    python bench/webhook.py --site SITE --index INDEX [--rounds 10]   (after a build)
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import json
import statistics
import tempfile
import threading
import time
from functools import partial
from pathlib import Path
from urllib.parse import quote

from build import POSTSEARCH, BenchError
from generate_site import SITE_URL, SiteGenerator, generate
from http_load import SERVER_ENV, Server, free_port

TOKEN = "bench-webhook-token"
# How long a post may take to appear before the round counts as a failure.
GIVE_UP_S = 30.0


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """The site's folder, its own address rewritten to this server's."""

    def __init__(self, *args, local_url: str, **kwargs) -> None:
        self.local_url = local_url
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        page = path / "index.html" if path.is_dir() else path
        if not page.is_file():
            self.send_error(404)
            return
        body = page.read_bytes().replace(SITE_URL.encode(), self.local_url.encode())
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # quiet
        pass


class SiteServer:
    """The generated site on 127.0.0.1, in a thread of this process."""

    def __init__(self, root: Path) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/"
        handler = partial(_SiteHandler, directory=str(root), local_url=self.url)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _request(port: int, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    payload = json.dumps(body).encode() if body is not None else None
    connection.request(method, path, body=payload, headers=headers)
    response = connection.getresponse()
    answer = json.loads(response.read() or b"{}")
    connection.close()
    return response.status, answer


def _one_round(port: int, site: Path, site_url: str, generator: SiteGenerator, n: int) -> dict:
    """Publish post `n` with a word of its own; time the webhook and the search."""
    word = f"webhookmarker{n}"
    post = generator.post(n)
    page = site / post.path
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(post.html.replace("</h1>", f" {word}</h1>", 1), encoding="utf-8")
    url = post.url.replace(SITE_URL, site_url)
    started = time.perf_counter()
    status, answer = _request(port, "POST", "/api/admin/reindex", {"url": url})
    called = time.perf_counter() - started
    if status != 200 or answer.get("status") != "indexed":
        raise BenchError(f"the webhook answered {status} {answer} for {url}")
    searches = 0
    while time.perf_counter() - started < GIVE_UP_S:
        searches += 1
        _, found = _request(port, "GET", f"/api/search?q={quote(word)}&log=0")
        if found.get("total"):
            return {
                "webhook_s": round(called, 3),
                "searchable_s": round(time.perf_counter() - started, 3),
                "searches": searches,
            }
    raise BenchError(f"{url} was not found by /api/search within {GIVE_UP_S} s")


def run(site: Path, index_dir: Path, generator: SiteGenerator, first: int, rounds: int) -> dict:
    """`rounds` publishes through the webhook of a server on `index_dir`."""
    with SiteServer(site) as site_server, tempfile.TemporaryDirectory() as work:
        config = Path(work) / "postsearch.toml"
        config.write_text(
            f'site_url = "{site_server.url}"\nindex_dir = "{index_dir}"\n'
            f'admin_token = "{TOKEN}"\nrate_limit = ""\n',
            encoding="utf-8",
        )
        port = free_port()
        argv = [str(POSTSEARCH), "--config", str(config), "serve", "--port", str(port)]
        server = Server(argv, port, env=SERVER_ENV)
        try:
            _request(port, "GET", "/api/search?q=warm&log=0")
            found = [
                _one_round(port, site, site_server.url, generator, first + i) for i in range(rounds)
            ]
        finally:
            server.stop()
    searchable = [r["searchable_s"] for r in found]
    return {
        "rounds": found,
        "median_searchable_s": round(statistics.median(searchable), 3),
        "max_searchable_s": max(searchable),
        "median_webhook_s": round(statistics.median(r["webhook_s"] for r in found), 3),
        "command": "python bench/webhook.py --posts 2000",
    }


def print_result(result: dict) -> None:
    print(f"  webhook → searchable, {len(result['rounds'])} publishes on a running server:")
    print(
        f"    median {result['median_searchable_s']} s, max {result['max_searchable_s']} s "
        f"(the webhook call alone: median {result['median_webhook_s']} s)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=2000, help="the generated site's size")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    from build import postsearch_index

    with tempfile.TemporaryDirectory(prefix="postsearch-bench-webhook-") as work:
        site, index_dir = Path(work) / "site", Path(work) / "index"
        generator = generate(args.posts, site)
        postsearch_index(site, index_dir)
        result = run(site, index_dir, generator, args.posts + 100, args.rounds)
    print_result(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
