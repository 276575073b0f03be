"""Benchmark queries over HTTP: the production server beside SQLite FTS5, same client, same queries.

What is measured is what a visitor's browser waits for: `postsearch serve` (waitress) started
as a child process on 127.0.0.1 and asked `/api/search` (snippets and facets are part of every
answer) and `/api/suggest` by a small Python client: one thread per concurrent user, each with
its own keep-alive connection, stopping by itself after a fixed number of requests (or a time
cap). Latency is taken at the client (p50/p95/p99); throughput is completed requests per second.
Throughput is also measured with Debian's `wrk` when installed (`wrk_load.py`: the Python
client takes part of the same two cores), and both runs say how much CPU the servers spent a
request and what share of the machine the client took.

Queries are drawn from the indexed documents themselves, with a fixed seed: frequent words,
rare words (in 2-5 documents of a sample), two and three words, two-word phrases, a year filter
and page 2. Warm-up uses other queries than the measured ones, so a result cache cannot turn
the measurement into a cache benchmark; each measured query is distinct.

"2 workers": two server processes, each with its own threads, and the client sends requests to
them in turn (as an nginx upstream with two servers would); the peer gets the same treatment.

    python bench/http_load.py --index DIR [--requests 400] [--load-requests 2000] [--json out]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from build import POSTSEARCH, BenchError, rss_bytes
from whoosh import index as whoosh_index
from wrk_load import CpuMeter, wrk_load

from indexer.index.schema import stored_text

HERE = Path(__file__).resolve().parent
STOPWORDS = set(
    """the and for that this with was are but not you have had from they his her she him
    its our out all any can one what when were will would there their been has more some
    than then them these into just like also only very your about which who how why
    could should did does get got over such other after before because where while""".split()
)


# The defaults of a deployment, but for the per-client rate limit: every request of the
# benchmark comes from 127.0.0.1, which a real site's traffic does not.
SERVER_ENV = {"POSTSEARCH_RATE_LIMIT": ""}


@dataclass(frozen=True)
class Query:
    kind: str
    params: dict[str, str]


def _sample_texts(index_dir: Path, limit: int, seed: int) -> tuple[list[str], Counter]:
    ix = whoosh_index.open_dir(str(index_dir))
    with ix.searcher() as searcher:
        n = searcher.doc_count_all()
        picks = sorted(random.Random(seed).sample(range(n), min(n, limit)))
        texts, years = [], Counter()
        for docnum in picks:
            if searcher.ixreader.is_deleted(docnum):
                continue
            fields = searcher.stored_fields(docnum)
            texts.append(stored_text(fields.get("content")))
            if fields.get("date"):
                years[str(fields["date"].year)] += 1
    return texts, years


def make_queries(index_dir: Path, n: int, seed: int) -> list[Query]:
    """`n` distinct queries of the benchmark mix, drawn from the index's own text."""
    texts, years = _sample_texts(index_dir, 3000, seed=1)
    docs = [re.findall(r"[a-z]{3,}", t.lower()) for t in texts]
    # dict.fromkeys, not set: a set's order changes with each process's string hashing, and
    # with it the order of tied counts, so every run would draw other queries.
    df = Counter(w for words in docs for w in dict.fromkeys(words) if w not in STOPWORDS)
    ranked = [w for w, _ in df.most_common()]
    frequent = ranked[10:400]
    rare = [w for w, c in df.items() if 2 <= c <= 5 and len(w) > 4]
    top_years = [y for y, _ in years.most_common(8)] or ["2010"]
    rng = random.Random(seed)
    seen: set[str] = set()
    queries: list[Query] = []
    makers = [
        ("1 frequent word", 25, lambda: {"q": rng.choice(frequent)}),
        ("1 rare word", 15, lambda: {"q": rng.choice(rare)}),
        ("2 words", 20, lambda: {"q": " ".join(rng.sample(frequent, 2))}),
        ("3 words", 10, lambda: {"q": " ".join(rng.sample(frequent, 3))}),
        ("phrase", 15, lambda: {"q": _phrase(rng, docs)}),
        ("word + year", 10, lambda: {"q": rng.choice(frequent), "year": rng.choice(top_years)}),
        ("page 2", 5, lambda: {"q": rng.choice(frequent[:100]), "page": "2"}),
    ]
    kinds = [m for m in makers for _ in range(m[1])]
    for _ in range(n * 50):
        if len(queries) >= n:
            break
        kind, _, make = rng.choice(kinds)
        params = make()
        key = urlencode(params)
        if key not in seen:
            seen.add(key)
            queries.append(Query(kind, params))
    return queries


def _phrase(rng: random.Random, docs: list[list[str]]) -> str:
    for _ in range(100):
        words = rng.choice(docs)
        if len(words) > 3:
            i = rng.randrange(len(words) - 1)
            if words[i] not in STOPWORDS or words[i + 1] not in STOPWORDS:
                return f'"{words[i]} {words[i + 1]}"'
    return '"the end"'


def make_prefixes(queries: list[Query], n: int, seed: int) -> list[str]:
    """Prefixes as typed into a search box: 2 to 5 letters of words of the queries."""
    rng = random.Random(seed)
    words = [w for q in queries for w in re.findall(r"[a-z]{4,}", q.params["q"])]
    prefixes = list(dict.fromkeys(w[: rng.randint(2, 5)] for w in words))
    rng.shuffle(prefixes)
    return prefixes[:n]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server child process on 127.0.0.1, waited for until /health answers."""

    def __init__(self, argv: list[str], port: int, env: dict | None = None) -> None:
        self.argv, self.port = argv, port
        handle, name = tempfile.mkstemp(prefix="bench-server-", suffix=".log")
        self.log_path = Path(name)
        self.log = os.fdopen(handle, "wb")  # closed in stop()
        self.process = subprocess.Popen(
            argv, stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"server exited: {' '.join(self.argv)}\n{self._log_tail()}")
            try:
                con = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                con.request("GET", "/health")
                if con.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(f"server not ready in {timeout} s: {' '.join(self.argv)}")

    def _log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-2000:]

    def rss_mb(self) -> float:
        return round(rss_bytes(self.process.pid) / 2**20, 1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        self.log_path.unlink(missing_ok=True)


def postsearch_servers(index_dir: Path, workers: int, threads: int) -> list[Server]:
    servers = []
    for _ in range(workers):
        port = free_port()
        argv = [str(POSTSEARCH), "serve", "--index", str(index_dir), "--host", "127.0.0.1"]
        argv += ["--port", str(port), "--threads", str(threads)]
        servers.append(Server(argv, port, env=SERVER_ENV))
    return servers


def fts5_servers(db: Path, workers: int) -> list[Server]:
    servers = []
    for _ in range(workers):
        port = free_port()
        argv = [sys.executable, str(HERE / "fts5_peer.py"), "serve", str(db), "--port", str(port)]
        servers.append(Server(argv, port))
    return servers


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    statuses: Counter
    by_path: dict[str, float]  # latency of each successful request, by its path

    def summary(self) -> dict:
        lat = sorted(self.latencies_ms) or [0.0]

        return {
            "requests": self.requests,
            "errors": self.errors,
            "rps": round(self.requests / self.seconds, 1) if self.seconds else None,
            "p50_ms": _pct(lat, 50),
            "p95_ms": _pct(lat, 95),
            "p99_ms": _pct(lat, 99),
            "mean_ms": round(statistics.fmean(lat), 1),
            "statuses": dict(self.statuses),
        }


def _pct(ordered: list[float], p: float) -> float:
    return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)


def by_kind(result: LoadResult, queries: list[Query], endpoint: str) -> dict:
    """p50/p95 per kind of query, to see which kinds are slow."""
    kinds: dict[str, list[float]] = {}
    for query in queries:
        took = result.by_path.get(f"{endpoint}?{urlencode(query.params)}")
        if took is not None:
            kinds.setdefault(query.kind, []).append(took)
    return {
        kind: {"n": len(v), "p50_ms": _pct(sorted(v), 50), "p95_ms": _pct(sorted(v), 95)}
        for kind, v in sorted(kinds.items())
    }


def load(ports: list[int], paths: list[str], concurrency: int, max_seconds: float) -> LoadResult:
    """Send every path once, `concurrency` at a time, spread over `ports` in turn."""
    lock = threading.Lock()
    queue = list(reversed(paths))
    latencies: list[float] = []
    by_path: dict[str, float] = {}
    statuses: Counter = Counter()
    errors = [0]
    deadline = time.monotonic() + max_seconds

    def worker(k: int) -> None:
        cons: dict[int, http.client.HTTPConnection] = {}
        turn = k
        while time.monotonic() < deadline:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            port = ports[turn % len(ports)]
            turn += 1
            con = cons.get(port) or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            cons[port] = con
            started = time.perf_counter()
            try:
                con.request("GET", path)
                response = con.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                con.close()
                cons.pop(port, None)
                status = 0
            took = (time.perf_counter() - started) * 1000
            with lock:
                statuses[status] += 1
                if status == 200:
                    latencies.append(took)
                    by_path[path] = took
                else:
                    errors[0] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    done = len(latencies) + errors[0]
    return LoadResult(done, errors[0], seconds, latencies, statuses, by_path)


def _paths(endpoint: str, queries: list[Query]) -> list[str]:
    return [f"{endpoint}?{urlencode(q.params)}" for q in queries]


def check_response(port: int, path: str) -> dict:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    con.request("GET", path)
    response = con.getresponse()
    body = response.read()
    return {"status": response.status, "json": json.loads(body) if body[:1] == b"{" else None}


def measure_engine(
    servers: list[Server], queries: list[Query], prefixes: list[str], wrk_queries: list[Query], args
) -> dict:
    """The figures of one engine: c=1 latency, c=8 throughput (two clients), suggest, RSS."""
    ports = [s.port for s in servers]
    warm = make_queries(args.index, 60, seed=args.seed + 1000)
    load(ports, _paths("/api/search", warm), 1, 120)
    load(ports, [f"/api/suggest?q={p}" for p in prefixes[-20:]], 1, 60)
    rss_warm = [s.rss_mb() for s in servers]
    n1 = args.requests
    single = load(ports[:1], _paths("/api/search", queries[:n1]), 1, args.max_seconds)
    meter = CpuMeter([s.process.pid for s in servers])
    multi = load(ports, _paths("/api/search", queries[n1:]), args.concurrency, args.max_seconds)
    multi_cpu = meter.stop(multi.requests)
    with_wrk = wrk_load(
        servers, _paths("/api/search", wrk_queries), args.concurrency, args.wrk_seconds
    )
    suggest = load(
        ports[:1], [f"/api/suggest?{urlencode({'q': p})}" for p in prefixes], 1, args.max_seconds
    )
    sample = check_response(ports[0], _paths("/api/search", queries[:1])[0])
    body = sample["json"] or {}
    return {
        "search_c1": single.summary(),
        "search_c1_by_kind": by_kind(single, queries[:n1], "/api/search"),
        "search_c8": {**multi.summary(), **multi_cpu},
        "search_c8_wrk": with_wrk,
        "suggest_c1": suggest.summary(),
        "rss_after_warmup_mb": rss_warm,
        "rss_after_load_mb": [s.rss_mb() for s in servers],
        "answer_has": sorted(body.keys()),
        "commands": [" ".join(s.argv) for s in servers],
    }


def run(args) -> dict:
    queries = make_queries(args.index, args.requests + args.load_requests, args.seed)
    prefixes = make_prefixes(queries, args.suggest_requests + 20, args.seed)
    # Other queries than the Python client's, so wrk's run is not served from warm caches.
    wrk_queries = make_queries(args.index, args.load_requests, args.seed + 2000)
    result = {
        "index": str(args.index),
        "posts": _doc_count(args.index),
        "query_mix": dict(Counter(q.kind for q in queries)),
        "workers": args.workers,
        "threads": args.threads,
        "concurrency": args.concurrency,
    }
    servers = postsearch_servers(args.index, args.workers, args.threads)
    try:
        result["postsearch"] = measure_engine(servers, queries, prefixes, wrk_queries, args)
    finally:
        for server in servers:
            server.stop()
    if args.peer:
        result["fts5"] = run_peer(args, queries, prefixes, wrk_queries)
    return result


def run_peer(args, queries: list[Query], prefixes: list[str], wrk_queries: list[Query]) -> dict:
    from fts5_peer import build_db

    work = Path(tempfile.mkdtemp(prefix="postsearch-bench-fts5-"))
    try:
        db = work / "peer.sqlite"
        started = time.perf_counter()
        build_db(args.index, db)
        build_s = round(time.perf_counter() - started, 1)
        servers = fts5_servers(db, args.workers)
        try:
            figures = measure_engine(servers, queries, prefixes, wrk_queries, args)
        finally:
            for server in servers:
                server.stop()
        return {**figures, "build_s": build_s, "db_bytes": db.stat().st_size}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _doc_count(index_dir: Path) -> int:
    with whoosh_index.open_dir(str(index_dir)).searcher() as searcher:
        return searcher.doc_count()


def print_result(result: dict) -> None:
    print(
        f"Queries over HTTP: {result['posts']} posts, {result['workers']} worker process(es) x "
        f"{result['threads']} threads; mix {result['query_mix']}"
    )
    engines = [("postsearch", result["postsearch"])]
    if "fts5" in result:
        engines.append(("fts5", result["fts5"]))
    print(
        f"  {'engine':<11}{'c1 p50':>8}{'p95':>7}{'p99':>7}"
        f"{'c' + str(result['concurrency']) + ' rps':>9}"
        f"{'p95':>7}{'sugg p95':>9}{'err':>5}{'RSS MB/process warm/load':>26}"
    )
    for name, e in engines:
        c1, c8, sg = e["search_c1"], e["search_c8"], e["suggest_c1"]
        # The largest worker: the target is per server process.
        rss = f"{max(e['rss_after_warmup_mb']):.0f}/{max(e['rss_after_load_mb']):.0f}"
        errors = c1["errors"] + c8["errors"] + sg["errors"]
        print(
            f"  {name:<11}{c1['p50_ms']:>8}{c1['p95_ms']:>7}{c1['p99_ms']:>7}{c8['rps']:>9}"
            f"{c8['p95_ms']:>7}{sg['p95_ms']:>9}{errors:>5}{rss:>26}"
        )
    for name, e in engines:
        c8, wrk = e["search_c8"], e["search_c8_wrk"]
        print(
            f"  {name} c={result['concurrency']}, Python client: {c8['rps']} rps; server CPU "
            f"{c8['server_cpu_ms_per_request']} ms a request; CPU share of the machine: servers "
            f"{c8['server_cpu_share']:.0%}, client {c8['client_cpu_share']:.0%}"
        )
        if "skipped" in wrk:
            print(f"  {name} c={result['concurrency']}, wrk: {wrk['skipped']}")
            continue
        print(
            f"  {name} c={wrk['connections']}, wrk {wrk['seconds']} s: {wrk['rps']} rps, "
            f"p50/p99 {wrk['p50_ms']}/{wrk['p99_ms']} ms, errors {wrk['errors']}"
            f"{', WRAPPED (queries repeated)' if wrk['wrapped'] else ''}; server CPU "
            f"{wrk['server_cpu_ms_per_request']} ms a request; CPU share: servers "
            f"{wrk['server_cpu_share']:.0%}, client {wrk['client_cpu_share']:.0%}"
        )
        for command in wrk["commands"]:
            print(f"  $ {command}")
    for name, e in engines:
        kinds = e.get("search_c1_by_kind", {})
        print(f"  {name} c=1 by kind, p50/p95 ms: ", end="")
        print("; ".join(f"{k} {v['p50_ms']}/{v['p95_ms']}" for k, v in kinds.items()))
    for _, e in engines:
        for command in e["commands"]:
            print(f"  $ {command}")
    print(f"  postsearch answer keys: {result['postsearch']['answer_has']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="a built postsearch index")
    parser.add_argument("--requests", type=int, default=400, help="measured at concurrency 1")
    parser.add_argument("--load-requests", type=int, default=2000, help="measured under load")
    parser.add_argument("--suggest-requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per server process")
    parser.add_argument("--wrk-seconds", type=int, default=15, help="length of the wrk run")
    parser.add_argument("--max-seconds", type=float, default=120, help="cap on each load phase")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-peer", dest="peer", action="store_false", help="skip FTS5")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    try:
        result = run(args)
    except BenchError as error:
        print(f"http_load: {error}", file=sys.stderr)
        return 1
    print_result(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
