"""`make bench`: run every speed benchmark one after the other and print one table.

The steps never overlap (each is a child process run to its end) since they share two cores;
each writes its figures as JSON into the results folder and prints its own table with the
command lines behind it; the closing table puts each postsearch figure beside its peer's
(Pagefind for builds, SQLite FTS5 for queries) and beside its target (TARGETS).

    python bench/run_all.py [--posts 10000] [--quick] [--results /tmp/postsearch-bench/results]
    python bench/run_all.py --profile      # also py-spy: where indexing and searching spend time

Generated sites and their indexes are kept under /tmp/postsearch-bench and reused while the
generator's seed and size match, so a rerun measures postsearch, not the generator.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
WORK = Path("/tmp/postsearch-bench")
SOWREY = ROOT.parent / "shared" / "corpora" / "sowrey" / "posts"
TARGETS = {
    "sowrey_ratio": 2.0,
    "incremental_add_s": 1.0,
    "index_to_text": 1.5,
    "search_p95_ms": 30.0,
    "rps": 150.0,
    "suggest_p95_ms": 10.0,
    "rss_mb": 200.0,
}


def step(name: str, argv: list[str]) -> None:
    print(f"\n== {name}\n$ {' '.join(argv)}", flush=True)
    started = time.perf_counter()
    subprocess.run(argv, check=True, cwd=ROOT)
    print(f"({name}: {time.perf_counter() - started:.0f} s)", flush=True)


def site_for(posts: int, seed: int) -> Path:
    """The generated site of `posts` posts, generated once and reused."""
    site = WORK / f"site-{posts}-seed{seed}"
    done = site / ".complete"
    if not done.exists():
        shutil.rmtree(site, ignore_errors=True)
        step(
            f"generate {posts} posts",
            [PYTHON, str(HERE / "generate_site.py"), str(posts), str(site), "--seed", str(seed)],
        )
        done.write_text("ok")
    return site


def machine() -> dict:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "load_avg_at_start": os.getloadavg(),
    }


def run(args) -> dict:
    results = args.results
    results.mkdir(parents=True, exist_ok=True)
    figures: dict = {"machine": machine(), "posts": args.posts}
    if "build" not in args.skip:
        out = results / "build-sowrey.json"
        step(
            "full build: sowrey, postsearch vs Pagefind",
            [PYTHON, str(HERE / "build.py"), "--site", str(SOWREY), "--json", str(out)],
        )
        figures["build"] = json.loads(out.read_text())
    if "incremental" not in args.skip:
        out = results / "incremental.json"
        step(
            "incremental re-index",
            [
                PYTHON,
                str(HERE / "incremental.py"),
                "--posts",
                str(args.incr_posts),
                "--json",
                str(out),
            ],
        )
        figures["incremental"] = json.loads(out.read_text())
    index = WORK / f"index-{args.posts}-seed{args.seed}"
    if "scale" not in args.skip:
        site = site_for(args.posts, args.seed)
        out = results / f"build-{args.posts}.json"
        step(
            f"full build: {args.posts} generated posts",
            [
                PYTHON,
                str(HERE / "build.py"),
                "--site",
                str(site),
                "--keep-index",
                str(index),
                "--json",
                str(out),
            ],
        )
        figures["scale"] = json.loads(out.read_text())
    elif (earlier := results / f"build-{args.posts}.json").exists():
        # `--skip scale` measures queries on the index an earlier run built (the 100k build
        # takes an hour); that build's figures go in the table, said to be from that run.
        figures["scale"] = json.loads(earlier.read_text())
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(earlier.stat().st_mtime))
        figures["scale"]["from_earlier_run"] = f"{earlier} ({stamp})"
    if "http" not in args.skip:
        out = results / f"http-{args.posts}.json"
        argv = [PYTHON, str(HERE / "http_load.py"), "--index", str(index), "--json", str(out)]
        if args.quick:
            argv += ["--requests", "150", "--load-requests", "600", "--suggest-requests", "150"]
            argv += ["--wrk-seconds", "5"]
        step(f"queries over HTTP at {args.posts} posts", argv)
        figures["http"] = json.loads(out.read_text())
    if "typesense" not in args.skip:
        out = results / f"typesense-{args.posts}.json"
        argv = [PYTHON, str(HERE / "typesense_peer.py"), "--whoosh-index", str(index)]
        argv += ["--site", str(site_for(args.posts, args.seed)), "--json", str(out)]
        if args.quick:
            argv += ["--quick"]
        step(f"the Typesense backend: a 3-node cluster, {args.posts} posts", argv)
        figures["typesense"] = json.loads(out.read_text())
    if args.profile:
        figures["profile"] = profile(index, results)
    (results / "all.json").write_text(json.dumps(figures, indent=2))
    return figures


def _met(value: float | None, target: float, higher_is_better: bool = False) -> str:
    """ "met", or by how much the target is missed (a factor over it, or a share of it)."""
    if value is None:
        return "n/a"
    if higher_is_better:
        return "met" if value >= target else f"MISSED: {value / target:.0%} of target"
    return "met" if value <= target else f"MISSED by {value / target:.1f}x"


def table(figures: dict) -> list[tuple[str, str, str, str, str]]:
    """(figure, postsearch, peer, target, verdict) rows of the closing table."""
    rows = []
    build = figures.get("build")
    if build:
        ps, pf = build["postsearch"], build.get("pagefind", {})
        rows += [
            (
                "sowrey build wall s",
                ps["wall_s"],
                pf.get("wall_s", ""),
                f"<=2x Pagefind (is {build['wall_ratio_vs_pagefind']}x)"
                if "wall_ratio_vs_pagefind" in build
                else "<=2x Pagefind",
                _met(build.get("wall_ratio_vs_pagefind"), TARGETS["sowrey_ratio"]),
            ),
            ("sowrey build CPU s", ps["cpu_s"], pf.get("cpu_s", ""), "", ""),
            (
                "sowrey build peak RSS MB (tree)",
                ps["tree_rss_mb"],
                pf.get("tree_rss_mb", ""),
                "",
                "",
            ),
            (
                "sowrey index MB",
                f"{ps['index_bytes'] / 2**20:.1f}",
                f"{pf.get('data_bytes', 0) / 2**20:.1f} (data)",
                "",
                "",
            ),
            (
                "sowrey index / extracted text",
                ps["index_to_text"],
                pf.get("data_to_text", ""),
                "<=1.5x",
                _met(ps["index_to_text"], TARGETS["index_to_text"]),
            ),
        ]
    incr = figures.get("incremental")
    if incr:
        pf = incr.get("pagefind_rebuild", {}).get("wall_s", "")
        for s in incr["steps"]:
            label = f"{incr['posts']}-post site: {s['step']} s"
            landed = "" if s["landed"] else " (change NOT in index)"
            target = "<=1 s" if s["step"] == "add 1 post" else ""
            verdict = _met(s["wall_s"], TARGETS["incremental_add_s"]) if target else ""
            rows.append((label, f"{s['wall_s']}{landed}", pf, target, verdict))
    scale = figures.get("scale")
    if scale:
        ps, pf = scale["postsearch"], scale.get("pagefind", {})
        n = ps["posts"]
        rows += [
            (f"{n} posts: build wall s", ps["wall_s"], pf.get("wall_s", ""), "", ""),
            (
                f"{n} posts: ms per post (wall)",
                f"{1000 * ps['wall_s'] / n:.1f}",
                f"{1000 * pf['wall_s'] / n:.1f}" if pf else "",
                "",
                "",
            ),
            (
                f"{n} posts: index MB",
                f"{ps['index_bytes'] / 2**20:.0f}",
                f"{pf.get('data_bytes', 0) / 2**20:.0f} (data)" if pf else "",
                "",
                "",
            ),
            (
                f"{n} posts: index / text",
                ps["index_to_text"],
                pf.get("data_to_text", ""),
                "<=1.5x",
                _met(ps["index_to_text"], TARGETS["index_to_text"]),
            ),
        ]
    http = figures.get("http")
    if http:
        ps, peer = http["postsearch"], http.get("fts5", {})
        n = http["posts"]

        def peer_value(*keys: str) -> str:
            value = peer
            for key in keys:
                value = value.get(key, {}) if isinstance(value, dict) else {}
            return str(value) if value != {} else ""

        rows += [
            (
                f"{n} posts: /api/search p50 ms c=1",
                ps["search_c1"]["p50_ms"],
                peer_value("search_c1", "p50_ms"),
                "",
                "",
            ),
            (
                f"{n} posts: /api/search p95 ms c=1",
                ps["search_c1"]["p95_ms"],
                peer_value("search_c1", "p95_ms"),
                "<=30",
                _met(ps["search_c1"]["p95_ms"], TARGETS["search_p95_ms"]),
            ),
            (
                f"{n} posts: /api/search p99 ms c=1",
                ps["search_c1"]["p99_ms"],
                peer_value("search_c1", "p99_ms"),
                "",
                "",
            ),
            (
                f"{n} posts: /api/search rps c={http['concurrency']}, {http['workers']} workers, "
                "Python client",
                ps["search_c8"]["rps"],
                peer_value("search_c8", "rps"),
                ">=150",
                _met(ps["search_c8"]["rps"], TARGETS["rps"], higher_is_better=True),
            ),
            (
                f"{n} posts: /api/search rps c={http['concurrency']}, wrk",
                ps["search_c8_wrk"].get("rps", "n/a (no wrk)"),
                peer_value("search_c8_wrk", "rps"),
                ">=150",
                _met(ps["search_c8_wrk"].get("rps"), TARGETS["rps"], higher_is_better=True),
            ),
            (
                f"{n} posts: server CPU ms per request, c={http['concurrency']}",
                ps["search_c8"]["server_cpu_ms_per_request"],
                peer_value("search_c8", "server_cpu_ms_per_request"),
                "",
                "",
            ),
            (
                f"{n} posts: /api/suggest p95 ms c=1",
                ps["suggest_c1"]["p95_ms"],
                peer_value("suggest_c1", "p95_ms"),
                "<=10",
                _met(ps["suggest_c1"]["p95_ms"], TARGETS["suggest_p95_ms"]),
            ),
            (
                f"{n} posts: server RSS MB per worker after warm-up",
                max(ps["rss_after_warmup_mb"]),
                max(peer.get("rss_after_warmup_mb", [0])),
                "<=200",
                _met(max(ps["rss_after_warmup_mb"]), TARGETS["rss_mb"]),
            ),
            (
                f"{n} posts: server RSS MB per worker after load",
                max(ps["rss_after_load_mb"]),
                max(peer.get("rss_after_load_mb", [0])),
                "<=200",
                _met(max(ps["rss_after_load_mb"]), TARGETS["rss_mb"]),
            ),
            (
                f"{n} posts: HTTP errors",
                sum(ps[k]["errors"] for k in ("search_c1", "search_c8", "suggest_c1")),
                sum(peer[k]["errors"] for k in ("search_c1", "search_c8", "suggest_c1"))
                if peer
                else "",
                "0",
                "",
            ),
        ]
    return [tuple(str(c) for c in row) for row in rows]


def print_table(figures: dict) -> None:
    m = figures["machine"]
    print(
        f"\n== Summary ({m['nproc']} cores, {m['cpu']}, Python {m['python']}, "
        f"load average at start {m['load_avg_at_start'][0]:.1f})"
    )
    rows = [("figure", "postsearch", "peer", "target", "verdict"), *table(figures)]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for k, row in enumerate(rows):
        print("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if k == 0:
            print("  " + "  ".join("-" * w for w in widths))
    print("  peers: Pagefind (builds, incremental = its full rebuild), SQLite FTS5 (queries)")
    for step_name in ("build", "scale"):
        if failed := figures.get(step_name, {}).get("pagefind_failed"):
            print(f"  Pagefind failed in the {step_name} step: {failed}")
    if earlier := figures.get("scale", {}).get("from_earlier_run"):
        print(f"  the {figures['posts']}-post build figures are an earlier run's: {earlier}")


# --- profiling --------------------------------------------------------------------------------


def print_backends(figures: dict) -> None:
    """The Whoosh backend beside the Typesense backend (reported; no target yet)."""
    ts = figures["typesense"]
    http, whoosh = ts["http"], figures.get("http", {}).get("postsearch", {})

    def w(*keys: str) -> str:
        value = whoosh
        for key in keys:
            value = value.get(key, {}) if isinstance(value, dict) else {}
        return str(value) if value != {} else "n/a"

    n = http["posts"]
    nodes = http["node_rss_after_load_mb"]
    rows = [
        (
            f"{n} posts: /api/search p50 ms c=1",
            w("search_c1", "p50_ms"),
            http["search_c1"]["p50_ms"],
        ),
        (
            f"{n} posts: /api/search p95 ms c=1",
            w("search_c1", "p95_ms"),
            http["search_c1"]["p95_ms"],
        ),
        (
            f"{n} posts: /api/suggest p95 ms",
            w("suggest_c1", "p95_ms"),
            http["suggest_c1"]["p95_ms"],
        ),
        (
            "RSS MB a server process after load",
            max(whoosh.get("rss_after_load_mb", [0])) or "n/a",
            max(http["server_rss_mb"]),
        ),
        ("RSS MB a Typesense node after load", "-", f"{max(nodes):.0f} ({len(nodes)} nodes)"),
        ("Typesense node MB per 100k posts", "-", http["node_mb_per_100k_posts"]),
    ]
    for name, engines in ts["relevance"].items():
        rows.append(
            (f"nDCG@10 {name}", engines["whoosh"]["ndcg@10"], engines["typesense"]["ndcg@10"])
        )
    print("\n== the two backends (reported, no target)")
    print(f"  {'':44}{'Whoosh':>12}{'Typesense':>18}")
    for name, left, right in rows:
        print(f"  {name:44}{left!s:>12}{right!s:>18}")
    print(
        "  $ python bench/typesense_peer.py --whoosh-index INDEX --site SITE (run_all passes them)"
    )


def _frame(frame: str) -> str:
    """`func (path/to/file.py:12)` -> `func (file.py)`, so lines of one function add up."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.split(':')[0].rsplit('/', 1)[-1].rstrip(')')})" if where else name


def top_functions(collapsed: Path, limit: int = 15) -> dict:
    """Self and inclusive sample shares per function, from py-spy's collapsed (raw) stacks."""
    own, inclusive, total = Counter(), Counter(), 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        # "process 123:..." and "thread ..." frames name who ran, not what ran: drop them.
        frames = [_frame(f) for f in stack.split(";") if not f.startswith(("process ", "thread "))]
        if not frames:
            continue
        own[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n

    def pct(counts: Counter) -> list[tuple[str, float]]:
        return [(f, round(100 * v / total, 1)) for f, v in counts.most_common(limit)]

    return {"samples": total, "self": pct(own), "inclusive": pct(inclusive)}


def _py_spy() -> Path:
    from build import scratch_tool

    return scratch_tool("py-spy", "py-spy")


def profile(index: Path, results: Path) -> dict:
    """py-spy over `postsearch index` of sowrey and over a server answering the query mix."""
    spy = _py_spy()
    out = {}
    work = WORK / "profile"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    raw = results / "profile-index.txt"
    argv = [
        str(spy),
        "record",
        "--format",
        "raw",
        "--subprocesses",
        "--rate",
        "200",
        "-o",
        str(raw),
        "--",
        str(ROOT / ".venv" / "bin" / "postsearch"),
        "index",
        str(SOWREY),
        "--index",
        str(work / "index"),
        "--quiet",
    ]
    step("profile: index sowrey", argv)
    out["index"] = {**top_functions(raw), "command": " ".join(argv)}
    out["search"] = profile_search(spy, index, results)
    return out


def profile_search(spy: Path, index: Path, results: Path) -> dict:
    """py-spy attached to one `postsearch serve` while it answers 300 queries of the mix."""
    sys.path.insert(0, str(HERE))
    import http_load

    server = http_load.postsearch_servers(index, 1, 4)[0]
    raw = results / "profile-search.txt"
    raw.unlink(missing_ok=True)
    argv = [str(spy), "record", "--format", "raw", "--rate", "200"]
    argv += ["--pid", str(server.process.pid), "-o", str(raw)]
    try:
        recorder = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(1.0)
        queries = http_load.make_queries(index, 300, seed=99)
        http_load.load([server.port], http_load._paths("/api/search", queries), 1, 300)
        recorder.send_signal(signal.SIGINT)  # py-spy writes its file when interrupted
        _, errors = recorder.communicate(timeout=60)
    finally:
        server.stop()
    if not raw.exists():
        raise subprocess.CalledProcessError(1, argv, stderr=errors)
    return {**top_functions(raw), "command": f"{' '.join(argv)}  (300 queries of the mix, c=1)"}


def print_profile(found: dict) -> None:
    for name, p in found.items():
        print(f"\n== profile: {name} ({p['samples']} samples)  $ {p['command']}")
        print("  inclusive: " + "; ".join(f"{f} {v}%" for f, v in p["inclusive"]))
        print("  self:      " + "; ".join(f"{f} {v}%" for f, v in p["self"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10000, help="size of the generated site")
    parser.add_argument("--incr-posts", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="fewer requests (for a smoke run)")
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["build", "incremental", "scale", "http", "typesense"],
    )
    parser.add_argument("--profile", action="store_true", help="also profile with py-spy")
    parser.add_argument("--results", type=Path, default=WORK / "results")
    args = parser.parse_args(argv)
    try:
        figures = run(args)
    except subprocess.CalledProcessError as error:
        print(f"run_all: a step failed: {error}", file=sys.stderr)
        return 1
    print_table(figures)
    if "typesense" in figures:
        print_backends(figures)
    if "profile" in figures:
        print_profile(figures["profile"])
    print(f"\nfigures as JSON: {args.results / 'all.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
