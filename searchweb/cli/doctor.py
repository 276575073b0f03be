"""`postsearch doctor`: is the configured backend there, whole and answering?

    postsearch doctor [--config FILE] [--index DIR] [--json]

For Whoosh: the index directory, its schema version against this postsearch's, and how many
posts it holds. For Typesense: each configured node's health and Raft role (leader or
follower), the collection behind the alias, whether its schema is the one postsearch
writes, how many posts it holds, and the last commit's generation. Exits 0 when all is
well, 1 when something needs attention (a node down, no collection yet, another schema).
"""

from __future__ import annotations

import argparse
import json

from indexer.api import PostsearchError
from indexer.index import (
    READABLE_SCHEMA_VERSIONS,
    SCHEMA_VERSION,
    read_manifest,
    schema_differences,
)
from searchweb.cli.options import settings_from
from searchweb.config import Settings
from searchweb.engine.backend import cluster_for


def add_command(commands, shared: argparse.ArgumentParser) -> None:
    doctor = commands.add_parser(
        "doctor",
        parents=[shared],
        help="check the backend: nodes, collection, posts",
        description="Check that the configured backend is there, whole and answering: the "
        "Whoosh index's schema version and posts, or each Typesense node's health and role, "
        "the collection behind the alias and its posts. Exits 1 when something needs "
        "attention.",
    )
    doctor.add_argument("--json", action="store_true", help="print the report as JSON")
    doctor.set_defaults(run=run_doctor)


def run_doctor(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if settings.backend_engine == "typesense":
        report = typesense_report(settings)
    else:
        report = whoosh_report(settings)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(to_text(report))
    return 0 if not report["problems"] else 1


def whoosh_report(settings: Settings) -> dict:
    """The Whoosh index directory, its schema version and its post count."""
    report = {"backend": "whoosh", "index_dir": str(settings.index_dir), "problems": []}
    try:
        manifest = read_manifest(settings.index_dir) or {}
    except (PostsearchError, OSError, ValueError) as error:
        report["problems"].append(str(error))
        return report
    found = manifest.get("schema_version")
    report.update(schema_version=found, expected_schema_version=SCHEMA_VERSION)
    report["posts"] = manifest.get("doc_count")
    if found in READABLE_SCHEMA_VERSIONS and found != SCHEMA_VERSION:
        report["notes"] = [
            f"schema version {found} is served as it is; `postsearch index SOURCE --full` "
            f"rebuilds it as version {SCHEMA_VERSION}, which builds faster and smaller"
        ]
    elif found != SCHEMA_VERSION:
        report["problems"].append(
            f"schema version {found}, this postsearch needs {SCHEMA_VERSION}: "
            "rebuild with `postsearch index SOURCE --full`"
        )
    return report


def typesense_report(settings: Settings) -> dict:
    """Each node's health and role, the collection behind the alias, and its posts."""
    # The Typesense client is loaded here, for a Typesense backend only.
    from indexer.index import node_health

    cluster = cluster_for(settings)
    nodes = [{"url": url, **node_health(cluster, url)} for url in cluster.nodes]
    report = {
        "backend": "typesense",
        "alias": cluster.alias,
        "state_dir": str(settings.index_dir),
        "nodes": nodes,
        "problems": [f"node {n['url']} is not healthy" for n in nodes if not n["ok"]],
    }
    if not cluster.api_key:
        report["problems"].append(f"no Typesense API key: set {cluster.key_source}")
        return report
    if not any(node["state"] == "LEADER" for node in nodes):
        report["problems"].append("no node says it is the leader: writes will be refused")
    try:
        report.update(_collection(cluster))
    except PostsearchError as error:
        report["problems"].append(str(error))
        return report
    if report["collection"] is None:
        report["problems"].append(
            f"no collection behind the alias {cluster.alias}: run `postsearch index SOURCE`"
        )
    report["problems"].extend(report.pop("schema_problems", []))
    return report


def _collection(cluster) -> dict:
    from indexer.index import alias_target, read_generation  # as in typesense_report

    read = cluster.read
    name = read("reading the alias", lambda client: alias_target(client, cluster.alias))
    if name is None:
        return {"collection": None}
    described = read("reading the collection", lambda client: client.collections[name].retrieve())
    return {
        "collection": name,
        "posts": described["num_documents"],
        "generation": read("reading the generation", lambda c: read_generation(c, cluster)),
        "schema_problems": [
            f"collection {name}: {problem} (rebuild with `postsearch index SOURCE --full`)"
            for problem in schema_differences(described["fields"])
        ],
    }


def to_text(report: dict) -> str:
    """The report for people: one line per fact, problems last."""
    lines = [f"backend     {report['backend']}"]
    if report["backend"] == "whoosh":
        lines.append(f"index       {report['index_dir']}")
        if "schema_version" in report:
            lines.append(
                f"schema      {report['schema_version']} "
                f"(this postsearch: {report['expected_schema_version']})"
            )
    else:
        lines.append(f"state dir   {report['state_dir']} (crawl state, site template)")
        for node in report["nodes"]:
            health = "ok" if node["ok"] else "DOWN"
            detail = node.get("state") or node.get("error") or ""
            lines.append(f"node        {node['url']}  {health}  {detail}")
        lines.append(f"alias       {report['alias']} -> {report.get('collection') or '(none)'}")
        if report.get("generation") is not None:
            lines.append(f"generation  {report['generation']}")
    if report.get("posts") is not None:
        lines.append(f"posts       {report['posts']}")
    lines.extend(f"note        {note}" for note in report.get("notes", ()))
    lines.extend(f"problem     {problem}" for problem in report["problems"])
    if not report["problems"]:
        lines.append("all well")
    return "\n".join(lines)
