"""The peer for the query benchmark: the same posts in SQLite FTS5, served the same way.

To be a fair yardstick it gets what postsearch gets: the very documents postsearch extracted
(title and body text read back from the postsearch index, so extraction is not part of the
comparison), the same HTTP path (a small stdlib `ThreadingHTTPServer`, keep-alive, one process
per worker, queried by the same client as `postsearch serve`) and the same work per request:
bm25 ranking (title weighted 2x), `snippet()` with <mark> for the hits shown, the total, and
facet counts over the whole result set (year, category, author, tag, from arrays held in
memory, as postsearch reads sortable columns), the year filter and pages. Tokenizer:
`porter unicode61`. `/api/suggest?q=PREFIX` answers titles matching a prefix query.

    python bench/fts5_peer.py build INDEX_DIR DB
    python bench/fts5_peer.py serve DB --port 8765
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

SCHEMA = """
CREATE TABLE docs(id INTEGER PRIMARY KEY, url TEXT, title TEXT, date TEXT, year TEXT,
                  author TEXT, categories TEXT, tags TEXT);
CREATE VIRTUAL TABLE fts USING fts5(title, body, year UNINDEXED,
                                    tokenize='porter unicode61');
"""


def build_db(index_dir: Path, db_path: Path) -> int:
    """Copy every post of a postsearch index into a new FTS5 database; returns the count."""
    from whoosh import index as whoosh_index

    from indexer.index.schema import stored_text  # the product's own reading of stored text

    db_path.unlink(missing_ok=True)
    con = sqlite3.connect(db_path)
    con.executescript(SCHEMA)
    ix = whoosh_index.open_dir(str(index_dir))
    count = 0
    with ix.searcher() as searcher, con:
        for fields in searcher.all_stored_fields():
            display = fields.get("display") or {}
            day = fields.get("date")
            day_text = day.date().isoformat() if day else ""
            count += 1
            con.execute(
                "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    count,
                    fields["url"],
                    display.get("title", ""),
                    day_text,
                    day_text[:4],
                    display.get("author") or "",
                    "\x1f".join(display.get("categories", [])),
                    "\x1f".join(display.get("tags", [])),
                ),
            )
            con.execute(
                "INSERT INTO fts(rowid, title, body, year) VALUES (?, ?, ?, ?)",
                (count, display.get("title", ""), stored_text(fields.get("content")), day_text[:4]),
            )
    con.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    con.commit()
    con.close()
    return count


WORD = re.compile(r"\w+", re.UNICODE)


def match_expression(text: str) -> str:
    """The visitor's words and "phrases" as an FTS5 query where every part must match."""
    parts = []
    for phrase in re.findall(r'"([^"]+)"', text):
        words = WORD.findall(phrase)
        if words:
            parts.append('"' + " ".join(words) + '"')
    for word in WORD.findall(re.sub(r'"[^"]*"', " ", text)):
        parts.append(f'"{word}"')
    return " AND ".join(parts)


class Peer:
    """Per-process state: the facet arrays, and one SQLite connection per thread."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.local = threading.local()
        rows = self.connection().execute("SELECT id, year, author, categories, tags FROM docs")
        self.facets: dict[int, tuple] = {
            r[0]: (
                r[1],
                r[2],
                tuple(filter(None, r[3].split("\x1f"))),
                tuple(filter(None, r[4].split("\x1f"))),
            )
            for r in rows
        }

    def connection(self) -> sqlite3.Connection:
        con = getattr(self.local, "con", None)
        if con is None:
            con = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
            self.local.con = con
        return con

    def search(self, text: str, page: int, per_page: int, year: str | None) -> dict:
        expr = match_expression(text)
        if not expr:
            return {"query": text, "total": 0, "results": [], "facets": {}}
        where, args = "fts MATCH ?", [expr]
        if year:
            where, args = where + " AND fts.year = ?", [*args, year]
        con = self.connection()
        ids = [r[0] for r in con.execute(f"SELECT rowid FROM fts WHERE {where}", args)]
        rows = con.execute(
            "SELECT fts.rowid, bm25(fts, 2.0, 1.0) AS score,"
            " highlight(fts, 0, '<mark>', '</mark>'),"
            " snippet(fts, 1, '<mark>', '</mark>', '…', 24),"
            " docs.url, docs.date, docs.author"
            f" FROM fts JOIN docs ON docs.id = fts.rowid WHERE {where}"
            " ORDER BY score LIMIT ? OFFSET ?",
            [*args, per_page, (page - 1) * per_page],
        ).fetchall()
        results = [
            {
                "url": r[4],
                "title_html": r[2],
                "snippet_html": r[3],
                "date": r[5],
                "author": r[6],
                "score": -r[1],
            }
            for r in rows
        ]
        return {
            "query": text,
            "total": len(ids),
            "page": page,
            "results": results,
            "facets": self._facets(ids),
        }

    def _facets(self, ids: list[int]) -> dict:
        years, authors, cats, tags = Counter(), Counter(), Counter(), Counter()
        facets = self.facets
        for i in ids:
            year, author, categories, tag_list = facets[i]
            years[year] += 1
            authors[author] += 1
            cats.update(categories)
            tags.update(tag_list)
        return {
            name: counter.most_common(10)
            for name, counter in (
                ("year", years),
                ("category", cats),
                ("author", authors),
                ("tag", tags),
            )
        }

    def suggest(self, prefix: str, limit: int) -> dict:
        words = WORD.findall(prefix)
        if not words:
            return {"query": prefix, "suggestions": []}
        expr = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
        rows = (
            self.connection()
            .execute(
                "SELECT title FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT ?",
                (f"title : ({expr.strip()})", limit),
            )
            .fetchall()
        )
        return {"query": prefix, "suggestions": [{"text": r[0]} for r in rows]}


def make_handler(peer: Peer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as waitress offers
        # Headers and body go out in two writes; with Nagle's algorithm on, the second waits
        # for the client's delayed ACK (about 40 ms on Linux). Waitress does not pay that.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            try:
                self._answer()
            except Exception as error:  # answer 500 as a web app would, never drop the line
                self._send(500, {"error": {"code": "internal", "message": repr(error)}})

        def _answer(self) -> None:
            url = urlsplit(self.path)
            args = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/api/search":
                body = peer.search(
                    args.get("q", ""),
                    int(args.get("page", 1)),
                    int(args.get("per_page", 10)),
                    args.get("year"),
                )
            elif url.path == "/api/suggest":
                body = peer.suggest(args.get("q", ""), int(args.get("limit", 8)))
            elif url.path == "/health":
                body = {"status": "ok", "posts": len(peer.facets)}
            else:
                self.send_error(404)
                return
            self._send(200, body)

        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args) -> None:
            pass

    return Handler


def serve(db_path: Path, host: str, port: int) -> None:
    server = ThreadingHTTPServer((host, port), make_handler(Peer(db_path)))
    server.daemon_threads = True
    server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build")
    build.add_argument("index_dir", type=Path)
    build.add_argument("db", type=Path)
    run = sub.add_parser("serve")
    run.add_argument("db", type=Path)
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    if args.command == "build":
        print(f"{build_db(args.index_dir, args.db)} posts into {args.db}", file=sys.stderr)
    else:
        serve(args.db, args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
