"""Record what the server answers to a fixed set of queries, and compare two such records.

A change that is meant to leave search behaviour alone (a refactor, a speed-up) is checked
by asking `postsearch serve` the same queries before and after it and comparing the JSON:
for each query, the ids and order of the first page, the total, the facet counts, every
hit's snippet and title highlight, "did you mean" and the fuzzy flag; for each prefix, the
autocomplete list. Only `took_ms` and `search_id` are left out (they differ on every call).

The queries are the benchmark's mix (bench/http_load.py: frequent and rare words, two and
three words, phrases, a year filter, page 2), drawn from the index's own text with a fixed
seed, plus each of them sorted newest first on every fifth query, and 100 prefixes.

    python bench/same_answers.py queries INDEX_DIR queries.json [--count 400]
    python bench/same_answers.py answers INDEX_DIR queries.json answers.json
    python bench/same_answers.py compare before.json after.json

`answers` starts the installed `postsearch serve` on 127.0.0.1 over INDEX_DIR and stops it.
`compare` prints the queries whose answers differ and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import urlencode

from http_load import check_response, make_prefixes, make_queries, postsearch_servers

IGNORED = ("took_ms", "search_id")


def write_queries(index_dir: Path, out: Path, count: int) -> None:
    queries = [query.params for query in make_queries(index_dir, count, seed=11)]
    for number, params in enumerate(queries):
        if number % 5 == 4:
            params["sort"] = "newest"
    prefixes = make_prefixes(make_queries(index_dir, count, seed=11), 100, seed=12)
    out.write_text(json.dumps({"search": queries, "suggest": prefixes}, indent=1))
    print(f"{len(queries)} queries and {len(prefixes)} prefixes → {out}")


def write_answers(index_dir: Path, queries_file: Path, out: Path) -> None:
    plan = json.loads(queries_file.read_text())
    server = postsearch_servers(index_dir, workers=1, threads=4)[0]
    try:
        answers = {}
        for params in plan["search"]:
            path = "/api/search?" + urlencode({**params, "log": "0"})
            found = check_response(server.port, path)
            data = found["json"] or {}
            answers[path] = {"status": found["status"]} | {
                k: v for k, v in data.items() if k not in IGNORED
            }
        for prefix in plan["suggest"]:
            path = "/api/suggest?" + urlencode({"q": prefix})
            answers[path] = check_response(server.port, path)
    finally:
        server.stop()
    out.write_text(json.dumps(answers, indent=1, ensure_ascii=False, sort_keys=True))
    hits = sum(1 for k, v in answers.items() if k.startswith("/api/search") and v.get("total"))
    print(f"{len(answers)} answers ({hits} searches with results) → {out}")


def compare(before: Path, after: Path) -> int:
    old, new = json.loads(before.read_text()), json.loads(after.read_text())
    differ = [path for path in old if old[path] != new.get(path)]
    missing = [path for path in new if path not in old]
    for path in differ[:20]:
        print(f"differs: {path}\n  before: {json.dumps(old[path])[:300]}")
        print(f"  after:  {json.dumps(new.get(path))[:300]}")
    print(
        f"{len(old)} answers compared: {len(old) - len(differ)} the same, {len(differ)} "
        f"different, {len(missing)} only in {after}"
    )
    return 1 if differ or missing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("queries", help="draw the queries from an index")
    make.add_argument("index", type=Path)
    make.add_argument("out", type=Path)
    make.add_argument("--count", type=int, default=400)
    ask = commands.add_parser("answers", help="ask a server over the index those queries")
    ask.add_argument("index", type=Path)
    ask.add_argument("queries", type=Path)
    ask.add_argument("out", type=Path)
    diff = commands.add_parser("compare", help="compare two answer files")
    diff.add_argument("before", type=Path)
    diff.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "queries":
        write_queries(args.index, args.out, args.count)
    elif args.command == "answers":
        write_answers(args.index, args.queries, args.out)
    else:
        return compare(args.before, args.after)
    return 0


if __name__ == "__main__":
    sys.exit(main())
