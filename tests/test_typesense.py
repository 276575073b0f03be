"""The Typesense backend as a maintainer meets it: the config, the commands, the errors.

Against the session's real 3-node cluster on 127.0.0.1: `[backend]` in the TOML file,
the key from the environment, `postsearch index`/`search`/`serve`/`report`/`doctor` run as
commands, nothing written to a local Whoosh index, and a clear error (exit 2, one line)
when the cluster is unreachable, the key is wrong or the collection's schema differs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pytest
from helpers import DEMO_SITE, SEED_SITE, free_port, needs_shared
from typesense_cluster import Cluster

from indexer.api import BackendUnavailableError, SchemaMismatchError, TypesenseCluster
from searchweb.config import ConfigError, load_settings
from searchweb.engine.backend import cluster_for
from searchweb.engine.typesense_backend import TypesenseSearchBackend
from searchweb.web.app import create_app

POSTSEARCH = [sys.executable, "-m", "searchweb.cli"]
KEY_ENV = "POSTSEARCH_TEST_TYPESENSE_KEY"
SEED_POST = "/responding-to-korea-futures-new-report-on-north-korea/"


def _config(path: Path, nodes: list[str], collection: str, state: Path) -> Path:
    listed = ", ".join(f'"{node}"' for node in nodes)
    path.write_text(
        f'[site]\nindex_dir = "{state}"\nsite_name = "Seed"\n\n'
        f'[backend]\nengine = "typesense"\nnodes = [{listed}]\n'
        f'api_key_env = "{KEY_ENV}"\ncollection = "{collection}"\n',
        encoding="utf-8",
    )
    return path


def _run(config: Path, *args: str, key: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "POSTSEARCH_CONFIG": str(config), KEY_ENV: key}
    return subprocess.run(
        [*POSTSEARCH, *args], capture_output=True, text=True, timeout=300, env=env
    )


def _get(url: str, tries: int = 1):
    for attempt in range(tries):
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return answer.read().decode("utf-8")
        except OSError:
            if attempt + 1 == tries:
                raise
            time.sleep(0.1)
    return None


def _until(read, timeout: float = 10.0):
    """`read()` once it stops raising (a node that has not applied a write yet)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return read()
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


# -- configuration --------------------------------------------------------------------------


def test_the_backend_table_is_read_and_the_key_comes_from_the_environment(tmp_path):
    config = _config(tmp_path / "c.toml", ["http://127.0.0.1:8108"], "posts", tmp_path / "s")
    settings = load_settings(config, environ={KEY_ENV: "secret"})
    assert settings.backend_engine == "typesense" and settings.backend_collection == "posts"
    assert settings.backend_nodes == ("http://127.0.0.1:8108",)
    assert settings.backend_api_key == "secret" and "secret" not in repr(settings)


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ('engine = "elastic"', "engine"),
        ('engine = "typesense"\nnodes = ["localhost"]', "nodes"),
        ('engine = "typesense"\nnodes = []', "nodes"),
        ('engine = "typesense"\nnodes = ["http://a:1"]\ncolection = "x"', "colection"),
        ('engine = "typesense"\nnodes = ["http://a:1"]\napi_key = "x"', "never read from a file"),
    ],
)
def test_a_bad_backend_table_is_an_error_naming_it(tmp_path, table, named):
    path = tmp_path / "bad.toml"
    path.write_text(f"[backend]\n{table}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=named):
        load_settings(path, environ={})


# -- the commands, end to end -------------------------------------------------------------


def test_the_seed_site_on_the_cluster_through_every_command(typesense_cluster, tmp_path):
    """Index the seed site with `postsearch index`, then `serve` it: the seed post comes
    first for its words, marked; the newsletter widget's words find nothing."""
    needs_shared(SEED_SITE)
    cluster: Cluster = typesense_cluster
    state = tmp_path / "state"
    config = _config(tmp_path / "postsearch.toml", cluster.urls, "seed", state)
    indexed = _run(config, "index", str(SEED_SITE), "--quiet", key=cluster.api_key)
    assert indexed.returncode == 0, indexed.stderr
    assert not list(state.glob("*.toc")) and not (state / "postsearch.json").exists()
    assert (state / "crawlstate.sqlite3").exists()  # the crawl state stays local

    found = _run(config, "search", "appalling human rights record", "--json", key=cluster.api_key)
    assert json.loads(found.stdout)["results"][0]["url"].endswith(SEED_POST)
    doctor = _run(config, "doctor", "--json", key=cluster.api_key)
    report = json.loads(doctor.stdout)
    assert doctor.returncode == 0 and report["problems"] == [], report
    assert report["posts"] >= 1 and report["collection"].startswith("seed_")
    assert {node["state"] for node in report["nodes"]} == {"LEADER", "FOLLOWER"}

    port = free_port()
    env = {**os.environ, "POSTSEARCH_CONFIG": str(config), KEY_ENV: cluster.api_key}
    server = subprocess.Popen(
        [*POSTSEARCH, "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert f"http://127.0.0.1:{port}" in server.stdout.readline()
        base = f"http://127.0.0.1:{port}"
        assert json.loads(_get(f"{base}/health", tries=100))["posts"] >= 1
        api = json.loads(_get(f"{base}/api/search?q={quote('appalling human rights record')}"))
        first = api["results"][0]
        assert first["url"].endswith(SEED_POST)
        assert "<mark>appalling</mark>" in first["snippet_html"] and "<mark>" in first["title_html"]
        page = _get(f"{base}/search?q={quote('appalling human rights record')}")
        assert "<mark>appalling</mark>" in page and SEED_POST in page
        assert json.loads(_get(f"{base}/api/search?q=Subscribe+to+Blog"))["total"] == 0
        for _ in range(100):  # the query log is written off the request's path
            report = _run(config, "report", "--format", "json", key=cluster.api_key)
            if "appalling human rights record" in report.stdout:
                break
            time.sleep(0.2)
        assert report.returncode == 0, report.stderr
        assert "appalling human rights record" in report.stdout
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


# -- clear errors ---------------------------------------------------------------------------


def test_an_unreachable_cluster_is_one_clear_line_and_exit_2(tmp_path):
    dead = [f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"]
    config = _config(tmp_path / "c.toml", dead, "posts", tmp_path / "state")
    started = time.monotonic()
    done = _run(config, "index", str(DEMO_SITE), "--quiet", key="k")
    assert done.returncode == 2
    assert "cannot reach the Typesense cluster" in done.stderr and dead[0] in done.stderr
    assert "Traceback" not in done.stderr and time.monotonic() - started < 60
    searched = _run(config, "search", "garden", key="k")
    assert searched.returncode == 2 and "cannot reach" in searched.stderr


def test_a_wrong_or_missing_key_says_which_variable_to_check(typesense_cluster, tmp_path):
    config = _config(tmp_path / "c.toml", typesense_cluster.urls, "posts", tmp_path / "state")
    wrong = _run(config, "index", str(DEMO_SITE), "--quiet", key="not-the-key")
    assert wrong.returncode == 2 and "refused the API key" in wrong.stderr
    assert KEY_ENV in wrong.stderr and "Traceback" not in wrong.stderr
    missing = _run(config, "search", "garden", key="")
    assert missing.returncode == 2 and f"set the environment variable {KEY_ENV}" in missing.stderr


def test_a_collection_of_another_schema_is_refused_until_a_full_rebuild(
    typesense_cluster, tmp_path
):
    cluster = TypesenseCluster(tuple(typesense_cluster.urls), typesense_cluster.api_key, "odd")
    other = {"name": "odd_v0", "fields": [{"name": "body", "type": "string"}]}
    cluster.read("", lambda client: client.collections.create(other))
    cluster.read("", lambda c: c.aliases.upsert("odd", {"collection_name": "odd_v0"}))
    for client in cluster.ring().clients:  # followers apply a write a moment later
        _until(lambda client=client: client.aliases["odd"].retrieve())
    with pytest.raises(SchemaMismatchError, match="--full"):
        TypesenseSearchBackend(cluster)
    config = _config(tmp_path / "c.toml", typesense_cluster.urls, "odd", tmp_path / "state")
    refused = _run(config, "index", str(DEMO_SITE), "--quiet", key=typesense_cluster.api_key)
    assert refused.returncode == 2 and "another schema" in refused.stderr
    rebuilt = _run(config, "index", str(DEMO_SITE), "--full", "--quiet", key=cluster.api_key)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert TypesenseSearchBackend(cluster).doc_count() > 40


def test_a_search_while_the_cluster_is_down_is_a_503_in_the_error_shape(typesense_demo):
    """The app was started while the cluster answered; then every node went away."""
    dead = TypesenseCluster((f"http://127.0.0.1:{free_port()}",), "k", "posts")
    with pytest.raises(BackendUnavailableError, match="cannot reach"):
        TypesenseSearchBackend(dead)  # at start-up: refused, with the nodes named
    settings = load_settings(overrides=typesense_demo, environ={})
    backend = TypesenseSearchBackend(cluster_for(settings))
    client = create_app(typesense_demo | {"rate_limit": ""}, backend=backend).test_client()
    assert client.get("/api/search?q=garden").status_code == 200
    backend.cluster = replace(backend.cluster, nodes=dead.nodes)
    answer = client.get("/api/search?q=garden")
    assert answer.status_code == 503 and answer.headers["Retry-After"]
    assert answer.get_json()["error"]["code"] == "backend_unavailable"
    assert client.get("/search?q=garden").status_code == 503
