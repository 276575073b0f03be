"""postsearch's nDCG@10 side by side with peer BM25 engines on the same collections.

postsearch is measured by bench/relevance.py (through the real indexer and search); the
peers by the shared runner (../shared/bench/relevance/run_peers.py), which needs tantivy
and a stock Whoosh in a venv of its own. This script makes that scratch venv when it is
missing, runs both on every collection and prints one table.

    .venv/bin/python bench/relevance_peers.py            # cranfield and scifact
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "bench" / "relevance"
PEER_VENV = Path("/tmp/postsearch-relvenv")
PEER_PACKAGES = ("tantivy", "whoosh==2.7.4")
PEERS = ("tantivy", "fts5", "whoosh_mf")
# postsearch's nDCG@10 targets, shown beside the figures.
TARGETS = {"cranfield": 0.380, "scifact": 0.690}


class PeersError(Exception):
    """A step of the comparison failed; the message names it."""


def ensure_venv(venv: Path) -> Path:
    """The scratch venv's python, with the peers' packages installed if they are missing."""
    python = venv / "bin" / "python"
    if not python.exists():
        _run([sys.executable, "-m", "venv", str(venv)], "create the peers' venv")
    probe = subprocess.run([str(python), "-c", "import tantivy, whoosh"], capture_output=True)
    if probe.returncode != 0:
        print(f"installing {' '.join(PEER_PACKAGES)} into {venv}", flush=True)
        _run([str(python), "-m", "pip", "install", "--quiet", *PEER_PACKAGES], "pip install")
    return python


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, check=False)
    if done.returncode != 0:
        raise PeersError(f"{what} failed with status {done.returncode}: {' '.join(command)}")


def run_peers(python: Path, data: Path, collections: list[str], engines: list[str], out: Path):
    """The shared runner's figures: {collection: {engine: {...}}} from its results.json."""
    _run(
        [
            str(python),
            str(data / "run_peers.py"),
            "--data",
            str(data),
            "--collections",
            ",".join(collections),
            "--engines",
            ",".join(engines),
            "--out",
            str(out),
        ],
        "run_peers.py",
    )
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def run_postsearch(data: Path, collection: str, out: Path) -> dict:
    """bench/relevance.py on one collection (its output streams through); its figures."""
    folder = out / "postsearch"
    _run(
        [
            sys.executable,
            str(REPO / "bench" / "relevance.py"),
            str(data / collection),
            "--out",
            str(folder),
        ],
        f"bench/relevance.py on {collection}",
    )
    return json.loads((folder / f"{collection}.postsearch.json").read_text(encoding="utf-8"))


def _cell(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_tables(ours: dict[str, dict], peers: dict, engines: list[str]) -> None:
    print("\n| collection | postsearch | " + " | ".join(engines) + " | target |")
    print("|---" * (len(engines) + 3) + "|")
    for collection, figures in ours.items():
        row = [_cell(peers.get(collection, {}).get(e, {}).get("nDCG@10")) for e in engines]
        target = _cell(TARGETS.get(collection), 3)
        print(
            f"| {collection} | {_cell(figures['ndcg@10'])} | " + " | ".join(row) + f" | {target} |"
        )
    print(
        "\nTimes: index wall s (cpu s) / mean query wall ms (cpu ms). postsearch's query is "
        "search() as the API runs it (facets, spelling; snippets off), top 100; the peers "
        "fetch top-100 ids only."
    )
    print("\n| collection | postsearch | " + " | ".join(engines) + " |")
    print("|---" * (len(engines) + 2) + "|")
    for collection, figures in ours.items():
        cells = [_times(r) for r in (peers.get(collection, {}).get(e, {}) for e in engines)]
        mine = f"{_times(figures)}, p95 {_cell(figures.get('query_ms_p95'), 1)} ms"
        print(f"| {collection} | {mine} | " + " | ".join(cells) + " |")


def _times(figures: dict) -> str:
    index_s, index_cpu = figures.get("index_s"), figures.get("index_cpu_s")
    query_ms, query_cpu = figures.get("query_ms_mean"), figures.get("query_cpu_ms_mean")
    return (
        f"{_cell(index_s, 2)} ({_cell(index_cpu, 2)}) s / "
        f"{_cell(query_ms, 2)} ({_cell(query_cpu, 2)}) ms"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED, help="the shared relevance folder")
    parser.add_argument("--collections", default="cranfield,scifact")
    parser.add_argument("--engines", default=",".join(PEERS), help="run_peers.py engine names")
    parser.add_argument("--venv", type=Path, default=PEER_VENV, help="scratch venv for peers")
    parser.add_argument("--out", type=Path, help="keep runs here (default: a temp folder)")
    parser.add_argument(
        "--check-targets",
        action="store_true",
        help="exit with status 1 when postsearch is below its target on a collection",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    collections = [c for c in args.collections.split(",") if c]
    engines = [e for e in args.engines.split(",") if e]
    if not (args.data / "run_peers.py").is_file():
        print(f"error: {args.data}/run_peers.py not found (use --data)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="postsearch-peers-") as scratch:
        out = args.out or Path(scratch)
        out.mkdir(parents=True, exist_ok=True)
        try:
            ours = {c: run_postsearch(args.data, c, out) for c in collections}
            peers = run_peers(
                ensure_venv(args.venv), args.data, collections, engines, out / "peers"
            )
        except PeersError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print_tables(ours, peers, engines)
    below = [
        f"{c} {f['ndcg@10']:.4f} < {TARGETS[c]:.3f}"
        for c, f in ours.items()
        if c in TARGETS and f["ndcg@10"] < TARGETS[c]
    ]
    if below:
        print("\nbelow target: " + "; ".join(below))
    return 1 if below and args.check_targets else 0


if __name__ == "__main__":
    sys.exit(main())
