"""Load during a full reindex: the production server keeps answering, and never empty.

Builds an index of a corpus (the sowrey posts by default), starts `postsearch serve`
(waitress) on 127.0.0.1 over it, picks queries that have results, then sends a fixed
schedule of requests (RATE per second for DURATION seconds, from a pool of client threads,
stopping by itself) to /api/search while `postsearch index CORPUS --full` rebuilds the same
index, again and again until the load ends. It reports requests sent, failures (non-200 or
an exception), empty result sets (a query that had results before answering none),
latency p50/p95/p99 at the client, and how many requests were answered while a reindex was
running. The rate limit is turned off in the server's config: this is one client.

    python bench/harden_load.py [--corpus DIR] [--rate 50] [--duration 60] [--json out.json]

Exit status 1 when any request failed or came back empty.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
POSTSEARCH = Path(sys.executable).with_name("postsearch")
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "sowrey" / "posts"
# Words and phrases a visitor of a personal tech/life blog would type; those without
# results on the corpus are dropped before the load starts.
CANDIDATES = (
    "toronto",
    "canada",
    "design",
    "website",
    "agency",
    "digital",
    "family",
    "music",
    "camera",
    "photography",
    "apple",
    "iphone",
    "google",
    "social media",
    "marketing",
    "content strategy",
    "user experience",
    "wordpress",
    "javascript",
    "coffee",
    "travel",
    "book",
    "movie",
    "game",
    "christmas",
    "kids",
    "work",
    "client",
    "project management",
    "writing",
    "blog",
    "year:2010 design",
    "technology",
    "running",
    "car",
)


@dataclass
class Outcome:
    sent_at: float
    latency_ms: float
    status: int  # 0: an exception
    total: int
    during_reindex: bool
    error: str = ""


@dataclass
class Report:
    corpus: str
    posts: int
    rate: float
    duration_s: float
    queries: int
    requests: int = 0
    sent_per_s: float = 0.0  # the rate achieved by the client (should equal `rate`)
    failures: int = 0
    empty: int = 0
    during_reindex: int = 0
    reindexes_completed: int = 0
    reindex_seconds: list[float] = field(default_factory=list)
    reindex_failures: int = 0
    reindex_command: str = ""
    baseline: dict = field(default_factory=dict)  # the same load with no reindex running
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    windows: list[dict] = field(default_factory=list)  # per 10 s of sending: when it slowed
    errors: list[str] = field(default_factory=list)


class Reindexer:
    """Runs `postsearch index --full` in a loop in the background until stopped."""

    def __init__(self, corpus: Path, index: Path, nice: int = 0, workers: int = 0) -> None:
        self.corpus, self.index = corpus, index
        self.prefix = ["nice", "-n", str(nice)] if nice else []
        self.workers = workers
        self.running = threading.Event()
        self.stopping = threading.Event()
        self.seconds: list[float] = []
        self.failures = 0
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.process: subprocess.Popen | None = None

    def _loop(self) -> None:
        while not self.stopping.is_set():
            start = time.monotonic()
            command = [str(POSTSEARCH), "index", str(self.corpus), "--index", str(self.index)]
            options = ["--full", "--quiet", "--lock-timeout", "60", "--workers", str(self.workers)]
            self.process = subprocess.Popen(
                [*self.prefix, *command, *options],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            self.running.set()
            _, stderr = self.process.communicate()
            self.running.clear()
            if self.process.returncode not in (0, 1):  # 1: some pages failed, as usual
                self.failures += 1
                print(f"reindex failed: {stderr[-500:]}", file=sys.stderr)
            else:
                self.seconds.append(time.monotonic() - start)

    def start(self) -> None:
        self.thread.start()
        self.running.wait(30)

    def stop(self) -> None:
        """Let the run under way finish (it is the one measured), then stop looping."""
        self.stopping.set()
        self.thread.join()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer {url} within {seconds:g} s")


def build_index(corpus: Path, index: Path) -> int:
    done = subprocess.run(
        [str(POSTSEARCH), "index", str(corpus), "--index", str(index), "--quiet"],
        capture_output=True,
        text=True,
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"indexing failed:\n{done.stderr}")
    for line in done.stdout.splitlines():
        if "indexed" in line:
            return int(line.split()[1])
    return 0


def pick_queries(client: httpx.Client, base: str) -> list[str]:
    found = []
    for query in CANDIDATES:
        answer = client.get(f"{base}/api/search", params={"q": query}).json()
        if answer.get("total", 0) > 0:
            found.append(query)
    return found


def one_request(
    client: httpx.Client, base: str, query: str, due: float, reindexer: Reindexer
) -> Outcome:
    time.sleep(max(0.0, due - time.monotonic()))
    during = reindexer.running.is_set()
    start = time.monotonic()
    try:
        response = client.get(f"{base}/api/search", params={"q": query}, timeout=10)
        total = response.json().get("total", 0) if response.status_code == 200 else 0
        status, error = response.status_code, ""
    except (httpx.HTTPError, ValueError) as problem:
        status, total, error = 0, 0, f"{type(problem).__name__}: {problem}"
    latency = (time.monotonic() - start) * 1000
    return Outcome(start, latency, status, total, during, error)


def run_load(base: str, queries: list[str], rate: float, duration: float, reindexer) -> list:
    """A fixed schedule: request i is due at start + i / rate, whatever the answers do."""
    count = int(rate * duration)
    start = time.monotonic() + 0.5
    # Enough client threads that a slow answer never holds back the next due request (an
    # open loop: a slow server shows as latency, not as a lower rate sent).
    threads = int(rate * 6)
    limits = httpx.Limits(max_connections=threads, max_keepalive_connections=threads)
    with (
        httpx.Client(limits=limits) as client,
        ThreadPoolExecutor(max_workers=threads) as pool,
    ):
        futures = [
            pool.submit(
                one_request, client, base, queries[i % len(queries)], start + i / rate, reindexer
            )
            for i in range(count)
        ]
        return [future.result() for future in futures]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def latency_figures(outcomes: list[Outcome]) -> dict:
    latencies = [o.latency_ms for o in outcomes]
    span = max(o.sent_at for o in outcomes) - min(o.sent_at for o in outcomes)
    return {
        "requests": len(outcomes),
        "sent_per_s": round((len(outcomes) - 1) / span, 1) if span else 0.0,
        "failures": sum(o.status != 200 for o in outcomes),
        "empty": sum(o.status == 200 and o.total == 0 for o in outcomes),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
    }


def windows(outcomes: list[Outcome], width: float = 10.0) -> list[dict]:
    """p50 and failures per `width` seconds of the schedule, to see when a slowdown came."""
    first = min(o.sent_at for o in outcomes)
    buckets: dict[int, list[Outcome]] = {}
    for outcome in outcomes:
        buckets.setdefault(int((outcome.sent_at - first) // width), []).append(outcome)
    return [
        {
            "from_s": key * width,
            "requests": len(group),
            "failures": sum(o.status != 200 for o in group),
            "reindexing": sum(o.during_reindex for o in group),
            "p50_ms": round(statistics.median(o.latency_ms for o in group), 1),
        }
        for key, group in sorted(buckets.items())
    ]


def summarise(report: Report, outcomes: list[Outcome], reindexer: Reindexer) -> Report:
    latencies = [o.latency_ms for o in outcomes]
    report.requests = len(outcomes)
    span = max(o.sent_at for o in outcomes) - min(o.sent_at for o in outcomes)
    report.sent_per_s = round((len(outcomes) - 1) / span, 1) if span else 0.0
    report.failures = sum(o.status != 200 for o in outcomes)
    report.empty = sum(o.status == 200 and o.total == 0 for o in outcomes)
    report.during_reindex = sum(o.during_reindex for o in outcomes)
    report.p50_ms = round(statistics.median(latencies), 1)
    report.p95_ms = round(percentile(latencies, 0.95), 1)
    report.p99_ms = round(percentile(latencies, 0.99), 1)
    report.max_ms = round(max(latencies), 1)
    report.reindexes_completed = len(reindexer.seconds)
    report.reindex_seconds = [round(s, 1) for s in reindexer.seconds]
    report.reindex_failures = reindexer.failures
    report.windows = windows(outcomes)
    report.errors = sorted({o.error or f"HTTP {o.status}" for o in outcomes if o.status != 200})
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rate", type=float, default=50.0, help="requests per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--threads", type=int, default=8, help="server threads")
    parser.add_argument("--nice", type=int, default=0, help="run the reindex under nice -n N")
    parser.add_argument("--workers", type=int, default=0, help="the reindex's --workers")
    parser.add_argument(
        "--baseline", type=float, default=20.0, help="seconds of load before the reindex"
    )
    parser.add_argument("--json", type=Path, help="write the report here too")
    args = parser.parse_args()
    if not args.corpus.exists():
        raise SystemExit(f"{args.corpus} is not present (the shared corpora sit beside the repo)")
    with tempfile.TemporaryDirectory(prefix="harden-load-") as work:
        index, config = Path(work) / "index", Path(work) / "serve.toml"
        config.write_text('rate_limit = ""\n')  # one client sends all the load
        print(f"indexing {args.corpus} ...", flush=True)
        posts = build_index(args.corpus, index)
        port = free_port()
        serve = [str(POSTSEARCH), "--config", str(config), "serve", "--index", str(index)]
        server = subprocess.Popen(
            [*serve, "--host", "127.0.0.1", "--port", str(port), "--threads", str(args.threads)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(base + "/health")
            with httpx.Client() as client:
                queries = pick_queries(client, base)
            report = Report(str(args.corpus), posts, args.rate, args.duration, len(queries))
            reindexer = Reindexer(args.corpus, index, args.nice, args.workers)
            if args.baseline > 0:
                print(f"baseline load for {args.baseline:g} s ...", flush=True)
                quiet = run_load(base, queries, args.rate, args.baseline, reindexer)
                report.baseline = latency_figures(quiet)
            reindexer.start()
            print(f"{len(queries)} queries; load for {args.duration:g} s ...", flush=True)
            outcomes = run_load(base, queries, args.rate, args.duration, reindexer)
            reindexer.stop()
        finally:
            server.terminate()
            server.wait(timeout=30)
    summarise(report, outcomes, reindexer)
    report.reindex_command = " ".join(
        [*reindexer.prefix, "postsearch index CORPUS --full --workers", str(args.workers)]
    )
    text = json.dumps(asdict(report), indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    bad = report.failures or report.empty or report.reindex_failures
    return 1 if bad or report.baseline.get("failures") or report.baseline.get("empty") else 0


if __name__ == "__main__":
    sys.exit(main())
