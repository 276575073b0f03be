"""The `postsearch` command as a maintainer runs it: index, extract, search, serve."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request

from helpers import (
    DEMO_SITE,
    FIXTURES,
    WXR_EXPORT,
    SiteServer,
    copy_sowrey,
    free_port,
    needs_shared,
)

POSTSEARCH = [sys.executable, "-m", "searchweb.cli"]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*POSTSEARCH, *args], capture_output=True, text=True, timeout=300, env=env
    )


def test_index_prints_a_summary_with_skip_reasons_and_failures(tmp_path):
    index = tmp_path / "index"
    done = run("index", str(FIXTURES / "broken"), str(FIXTURES / "hostile"), "--index", str(index))
    assert done.returncode == 1, done.stderr  # some pages failed: said, not hidden
    out = done.stdout
    assert "indexed       1 posts" in out
    assert "not found page" in out
    assert "binary.html: binary content, not HTML" in out
    assert "empty.html: empty file" in out
    assert (index / "postsearch.json").exists()
    manifest = json.loads((index / "postsearch.json").read_text())
    assert manifest["schema_version"] >= 1 and manifest["doc_count"] == 1


def test_index_location_comes_from_the_environment(tmp_path):
    env = {**os.environ, "POSTSEARCH_INDEX": str(tmp_path / "from-env")}
    done = run("index", str(FIXTURES / "hostile"), env=env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "from-env" / "postsearch.json").exists()


def test_extract_json_prints_one_line_per_page_in_order(tmp_path):
    pages = [
        str(FIXTURES / "hostile" / "2024" / "03" / "05" / "hostile-post" / "index.html"),
        str(tmp_path / "missing.html"),
        str(FIXTURES / "broken" / "not-a-post.html"),
    ]
    done = run("extract", "--json", *pages)
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 3
    assert lines[0]["is_post"] is True and lines[0]["date"] == "2024-03-05"
    assert {"url", "title", "date", "author", "categories", "tags", "language", "body"} <= set(
        lines[0]
    )
    assert "error" in lines[1]
    assert lines[2]["is_post"] is False and lines[2]["skip_reason"] == "not found page"


def test_search_command_and_a_missing_index(tmp_path):
    index = tmp_path / "index"
    assert run("index", str(FIXTURES / "hostile"), "--index", str(index)).returncode == 0
    found = run("search", "heirloom tomatoes", "--index", str(index), "--json")
    assert json.loads(found.stdout)["total"] == 1
    missing = run("search", "x", "--index", str(tmp_path / "nothing"))
    assert missing.returncode == 2
    assert "no index at" in missing.stderr and "postsearch index" in missing.stderr


def test_serve_answers_on_the_given_port(tmp_path):
    index = tmp_path / "index"
    assert run("index", str(DEMO_SITE), "--index", str(index)).returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [*POSTSEARCH, "serve", "--index", str(index), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert f"http://127.0.0.1:{port}" in server.stdout.readline()
        body = None
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    body = json.loads(r.read())
                break
            except OSError:
                time.sleep(0.1)
        assert body and body["status"] == "ok" and body["posts"] > 40
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


def test_index_crawls_a_site_given_by_url_then_guards_against_mass_deletion(tmp_path):
    import shutil

    root = tmp_path / "site"
    posts = copy_sowrey(root, posts=6)
    index = tmp_path / "index"
    with SiteServer(root) as server:
        first = run("index", server.url, "--index", str(index))
        assert first.returncode == 0, first.stderr
        assert "indexed       6 posts" in first.stdout
        for post in posts[:3]:
            shutil.rmtree(root / post)
        guarded = run("index", server.url, "--index", str(index))
        assert guarded.returncode == 1
        # the six posts and the about page, which is indexed as a static page
        assert "refused to delete 3 of 7 indexed posts and pages" in guarded.stderr
        assert "--allow-mass-delete" in guarded.stderr
        allowed = run("index", server.url, "--index", str(index), "--allow-mass-delete")
        assert allowed.returncode == 0 and "deleted       3" in allowed.stdout


def test_a_second_indexer_waits_for_the_lock_then_says_why_it_gives_up(tmp_path):
    from indexer.api import WhooshPostStore

    index = tmp_path / "index"
    assert run("index", str(FIXTURES / "hostile"), "--index", str(index)).returncode == 0
    with WhooshPostStore(index):
        started = time.monotonic()
        done = run("index", str(FIXTURES / "hostile"), "--index", str(index), "--lock-timeout", "1")
        waited = time.monotonic() - started
    assert done.returncode == 2 and waited >= 1
    assert "being written by another indexer (waited 1 s)" in done.stderr


def test_index_reads_a_wordpress_export(tmp_path):

    needs_shared(WXR_EXPORT)
    done = run("index", str(WXR_EXPORT), "--index", str(tmp_path / "index"), "--full")
    assert done.returncode == 0, done.stderr
    assert "indexed      54 posts" in done.stdout
    assert "post not published (draft)" in done.stdout
