"""The `postsearch` command as a maintainer runs it: index, extract, search, serve."""

from __future__ import annotations

import json
import os
import re
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
    assert re.search(r"indexed\s+1 post$", out, re.MULTILINE), out
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
    env = {**os.environ, "POSTSEARCH_CRAWL_DELAY": "0"}  # its own loopback server
    with SiteServer(root) as server:
        first = run("index", server.url, "--index", str(index), env=env)
        assert first.returncode == 0, first.stderr
        assert re.search(r"indexed\s+6 posts", first.stdout), first.stdout
        for post in posts[:3]:
            shutil.rmtree(root / post)
        guarded = run("index", server.url, "--index", str(index), env=env)
        assert guarded.returncode == 1
        # the six posts and the about page, which is indexed as a static page
        assert "refused to delete 3 of 7 indexed posts and pages" in guarded.stderr
        assert "--allow-mass-delete" in guarded.stderr
        allowed = run("index", server.url, "--index", str(index), "--allow-mass-delete", env=env)
        assert allowed.returncode == 0 and re.search(r"deleted\s+3 posts", allowed.stdout)


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
    assert re.search(r"indexed\s+55 posts", done.stdout), done.stdout
    assert "post not published (draft)" in done.stdout


def test_config_and_index_go_before_or_after_the_command(tmp_path):
    index = tmp_path / "index"
    assert run("index", str(FIXTURES / "hostile"), "--index", str(index)).returncode == 0
    config = tmp_path / "site.toml"
    config.write_text(f'index_dir = "{index}"\n', encoding="utf-8")
    query = ("search", "heirloom tomatoes", "--json")
    for args in (
        ("--index", str(index), *query),
        (*query, "--index", str(index)),
        ("--config", str(config), *query),
        (*query, "--config", str(config)),
        ("--index", str(tmp_path / "elsewhere"), *query, "--index", str(index)),  # after wins
    ):
        done = run(*args)
        assert done.returncode == 0, (args, done.stderr)
        assert json.loads(done.stdout)["total"] == 1, args


def _hits(out: str) -> list[str]:
    return [block for block in out.split("\n\n")[1:] if block.strip()]


def test_search_shows_marked_snippets_and_takes_the_apis_filters(demo_index):
    index = str(demo_index[0])
    done = run("search", "garden", "--index", index, "--category", "Gardening", "--sort", "newest")
    assert done.returncode == 0, done.stderr
    hits = _hits(done.stdout)
    assert hits and all(" · " in hit and "Gardening" in hit.splitlines()[2] for hit in hits)
    dates = [hit.splitlines()[2].split(" · ")[0] for hit in hits]
    assert dates == sorted(dates, reverse=True)
    assert re.search(r"\*gardens?\*", done.stdout, re.IGNORECASE), done.stdout  # not a tty
    assert "<mark>" not in done.stdout and "\x1b[" not in done.stdout
    tags = run("search", "bread", "--index", index, "--tag", "sourdough", "--tag", "rye", "--json")
    answer = json.loads(tags.stdout)
    assert answer["filters"]["tag"] == ["sourdough", "rye"] and answer["total"] > 0
    assert all({"sourdough", "rye"} & set(hit["tags"]) for hit in answer["results"])
    by_year = json.loads(run("search", "--year", "2023", "--index", index, "--json").stdout)
    assert by_year["total"] > 0 and all(h["date"].startswith("2023") for h in by_year["results"])
    bad = run("search", "bread", "--year", "23", "--index", index)
    assert bad.returncode == 2 and "year must be four digits" in bad.stderr
    nothing = run("search", "--index", index)
    assert nothing.returncode == 2 and "give a query, or a filter" in nothing.stderr


def test_search_on_a_terminal_marks_words_in_bold(demo_index):
    import pty

    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    with subprocess.Popen(
        [*POSTSEARCH, "search", "sourdough", "--index", str(demo_index[0]), "--per-page", "2"],
        stdout=follower,
        stderr=subprocess.PIPE,
        env=env,
    ) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the follower side closed: the command is done
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
    os.close(leader)
    out = b"".join(chunks).decode("utf-8")
    assert re.search(r"\x1b\[1mSourdough\x1b\[0m", out, re.IGNORECASE), out
    assert "*sourdough*" not in out.lower()


def test_every_option_of_every_command_says_what_it_does():
    import argparse

    from searchweb.cli.main import parser

    top = parser()
    assert top.description and "posts" in top.description
    commands = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    listed = {action.dest: action.help for action in commands._choices_actions}
    for name, command in [("postsearch", top), *commands.choices.items()]:
        if command is not top:
            assert listed.get(name) and command.description, f"{name} has no help or description"
        for action in command._actions:
            if isinstance(action, argparse._HelpAction | argparse._VersionAction):
                continue
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help and action.help.strip(), f"{name} {action.dest} has no help"


def test_the_index_command_starts_without_the_web_server_or_a_cluster_client():
    """`postsearch index` on a Whoosh index loads neither Flask nor the Typesense client:
    a one-post run after a publish pays only for what it uses."""
    probe = """
import atexit, sys
heavy = {"flask", "typesense", "waitress"}
atexit.register(lambda: print(sorted({name.split(".")[0] for name in sys.modules} & heavy)))
from searchweb.cli.main import main
main(["index", "--help"])
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert "Build the index" in done.stdout
    assert done.stdout.rstrip().endswith("[]"), done.stdout + done.stderr
