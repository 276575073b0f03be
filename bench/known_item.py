"""Finding the post you remember: a known-item benchmark, postsearch beside SQLite FTS5.

Visitors often type two or three words of a title they remember. For each corpus, the posts
are indexed by the product; then 150 queries are drawn (seed 7, from the posts sorted by
URL): a post, then 2 or 3 consecutive words of its title. The answer is that post. Both
engines search the same extracted text: postsearch through `WhooshSearchBackend.search`
(the call behind /api/search), and a plain SQLite FTS5 table (title, body) fed with the
titles and bodies postsearch stored, ranked by bm25 with the title weighted 10 to 1, every
word required (FTS5's own default). The score is MRR@10: the mean of 1/rank of the post in
the first ten results (0 when it is not there).

    python bench/known_item.py [--corpora sowrey,wasp,...] [--data ../shared/corpora]
        [--queries 150] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.api import WhooshPostStore, index_sources  # noqa: E402
from indexer.index import open_existing, stored_text  # noqa: E402
from searchweb.engine.backend import WhooshSearchBackend  # noqa: E402
from searchweb.records import SearchRequest  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "corpora"
CORPORA = ("sowrey", "wasp", "artsy", "brunomiguel", "bulimov")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Query:
    text: str
    answer: str  # the URL of the post whose title the words come from


def stored_posts(index_dir: Path) -> list[tuple[str, str, str]]:
    """(url, title, body) of every post, as the index stores them, sorted by URL."""
    with open_existing(index_dir).searcher() as searcher:
        posts = [
            (fields["url"], (fields.get("display") or {}).get("title") or "",
             stored_text(fields.get("content")))
            for fields in searcher.all_stored_fields()
        ]  # fmt: skip
    return sorted(posts)


def draw_queries(posts: list[tuple[str, str, str]], count: int, seed: int) -> list[Query]:
    """`count` queries: a post at random, then 2 or 3 consecutive words of its title."""
    rng = random.Random(seed)
    titled = [(url, _WORD.findall(title)) for url, title, _ in posts]
    titled = [(url, words) for url, words in titled if len(words) >= 2]
    queries = []
    for _ in range(count):
        url, words = rng.choice(titled)
        size = min(len(words), rng.choice((2, 3)))
        start = rng.randrange(len(words) - size + 1)
        queries.append(Query(" ".join(words[start : start + size]), url))
    return queries


def reciprocal_rank(ranked: list[str], answer: str) -> float:
    return next((1 / rank for rank, url in enumerate(ranked[:10], 1) if url == answer), 0.0)


def postsearch_ranks(index_dir: Path, queries: list[Query]) -> tuple[float, float]:
    """MRR@10 of postsearch, and the mean milliseconds a query took."""
    backend = WhooshSearchBackend(index_dir)
    total, started = 0.0, time.perf_counter()
    for query in queries:
        request = SearchRequest(query.text, per_page=10, with_facets=False, with_snippets=False)
        urls = [hit.url for hit in backend.search(request).hits]
        total += reciprocal_rank(urls, query.answer)
    elapsed = (time.perf_counter() - started) * 1000 / len(queries)
    return total / len(queries), elapsed


def fts5_ranks(posts: list[tuple[str, str, str]], queries: list[Query]) -> tuple[float, float]:
    """MRR@10 of SQLite FTS5 over the same titles and bodies, and its mean milliseconds."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE posts USING fts5(url UNINDEXED, title, body, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    db.executemany("INSERT INTO posts VALUES (?, ?, ?)", posts)
    total, started = 0.0, time.perf_counter()
    for query in queries:
        match = " ".join(f'"{word}"' for word in _WORD.findall(query.text))
        rows = db.execute(
            "SELECT url FROM posts WHERE posts MATCH ? ORDER BY bm25(posts, 10.0, 1.0) LIMIT 10",
            (match,),
        ).fetchall()
        total += reciprocal_rank([url for (url,) in rows], query.answer)
    elapsed = (time.perf_counter() - started) * 1000 / len(queries)
    return total / len(queries), elapsed


def run_corpus(folder: Path, count: int, seed: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="known-item-") as scratch:
        index_dir = Path(scratch) / "index"
        summary = index_sources([folder / "posts"], WhooshPostStore(index_dir))
        posts = stored_posts(index_dir)
        queries = draw_queries(posts, count, seed)
        ours, our_ms = postsearch_ranks(index_dir, queries)
    theirs, their_ms = fts5_ranks(posts, queries)
    return {
        "corpus": folder.name,
        "posts": len(summary.indexed),
        "queries": len(queries),
        "postsearch": ours,
        "fts5": theirs,
        "postsearch_ms": our_ms,
        "fts5_ms": their_ms,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the corpora folder")
    parser.add_argument("--corpora", default=",".join(CORPORA), help="comma-separated names")
    parser.add_argument("--queries", type=int, default=150, help="queries per corpus")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print("| corpus | posts | queries | postsearch MRR@10 | FTS5 MRR@10 | ahead | ms/query |")
    print("|---|---|---|---|---|---|---|")
    behind = []
    for name in args.corpora.split(","):
        row = run_corpus(args.data / name, args.queries, args.seed)
        ahead = row["postsearch"] >= row["fts5"]
        behind += [] if ahead else [name]
        print(
            f"| {name} | {row['posts']} | {row['queries']} | {row['postsearch']:.3f} | "
            f"{row['fts5']:.3f} | {'yes' if ahead else 'NO'} | "
            f"{row['postsearch_ms']:.1f} / {row['fts5_ms']:.2f} |",
            flush=True,
        )
    command = " ".join(["python", "bench/known_item.py", *(argv or sys.argv[1:])])
    print(f"\nReproduce: {command}")
    return 1 if behind else 0


if __name__ == "__main__":
    sys.exit(main())
