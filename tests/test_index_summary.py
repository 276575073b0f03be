"""What the indexer tells a maintainer: a progress bar of pages, the steps after it, and a
summary whose numbers are true on a new index, a rebuild and an incremental run."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys

from helpers import (
    DEMO_SITE,
    FIXTURES,
    WXR_EXPORT,
    SiteServer,
    copy_sowrey,
    crawl,
    edit_post,
    needs_shared,
)

from indexer.api import IndexOptions, WhooshPostStore, index_sources
from searchweb.cli.index import NOT_FOUND_EXAMPLES, print_summary

POSTSEARCH = [sys.executable, "-m", "searchweb.cli"]
BAR = re.compile(r"(\d+)/(\d+) \[")


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*POSTSEARCH, *args], capture_output=True, text=True, timeout=300, env=env
    )


def _final_bar(stderr: str) -> tuple[int, int]:
    """The last `done/total` the bar printed."""
    done, total = BAR.findall(stderr)[-1]
    return int(done), int(total)


def _with_progress(capsys, source, index_dir):
    summary = index_sources(
        [source], WhooshPostStore(index_dir), options=IndexOptions(progress=True)
    )
    return summary, capsys.readouterr().err


def test_the_bar_counts_pages_of_a_known_total_then_announces_each_step(capsys, tmp_path):
    files = len(list(DEMO_SITE.rglob("*.html")))
    summary, err = _with_progress(capsys, DEMO_SITE, tmp_path / "index")
    assert summary.pages == files
    assert _final_bar(err) == (files, files)
    assert " pages/s" in err
    after_bar = err[err.rindex(f"{files}/{files}") :]
    written = len(summary.indexed)
    assert written > 40
    steps = [f"Committing the index ({written} posts written, 0 deleted)"]
    steps += ["Saving what this run saw", "Writing the list files"]
    positions = [after_bar.find(step) for step in steps]
    assert -1 not in positions and positions == sorted(positions), after_bar
    assert "Learning the theme" in err[: err.index("pages/s")]  # said before the bar


def test_an_export_counts_its_items_and_a_repeated_item_is_not_unchanged(capsys, tmp_path):
    needs_shared(WXR_EXPORT)
    summary, err = _with_progress(capsys, WXR_EXPORT, tmp_path / "index")
    assert _final_bar(err) == (186, 186)
    assert summary.unchanged == 0 and not summary.incremental  # a new index: nothing to compare
    assert summary.skip_reasons()["listed twice (same address as an earlier page)"] == 18


def test_a_crawl_bar_counts_pages_and_broken_links_are_counted_apart(capsys, tmp_path):
    root = tmp_path / "site"
    posts = copy_sowrey(root, posts=6)
    with SiteServer(root) as server:
        summary = crawl(server, tmp_path / "index", progress=True)
        err = capsys.readouterr().err
        # Each sowrey post links to many posts this small copy lacks: 404s, which are no
        # pages (the bar counts the pages the server sent, as the summary does).
        assert len(summary.not_found) > 10 and not summary.failed
        served = {path for path, status, _ in server.log if status == 200 and path.endswith("/")}
        assert _final_bar(err) == (summary.pages, summary.pages) == (len(served), len(served))
        assert all(item.linked_from.startswith(server.url) for item in summary.not_found)
        shutil.rmtree(root / posts[0])
        edit_post(root, posts[1], "zyzzyva")
        again = crawl(server, tmp_path / "index")
    gone = server.url + posts[0]
    assert again.deleted == [gone]  # a post indexed before is deleted, not a broken link
    assert gone not in {item.url for item in again.not_found}
    # An incremental crawl reads the links of the pages that changed, and reports theirs.
    assert {item.linked_from for item in again.not_found} == {server.url + posts[1]}
    assert again.posts_in_index == 5
    text = _printed(summary)
    count = len(summary.not_found)
    assert re.search(rf"not found\s+{count} broken links \(404 or 410\):", text), text
    examples = [line for line in text.splitlines() if "(linked from " in line]
    assert len(examples) == NOT_FOUND_EXAMPLES
    assert f"and {count - NOT_FOUND_EXAMPLES} more" in text
    text = _printed(again)
    assert re.search(r"deleted\s+1 post$", text, re.MULTILINE), text
    assert "--full checks them all" in text


def _printed(summary) -> str:
    out = io.StringIO()
    print_summary(summary, out)
    return out.getvalue()


def test_the_summary_of_a_new_index_a_rebuild_and_an_incremental_run(tmp_path):
    pages = len(list(DEMO_SITE.rglob("*.html")))
    index = str(tmp_path / "index")
    first = _cli("index", str(DEMO_SITE), "--index", index)
    counts = re.search(r"indexed\s+(\d+) posts\n\s+skipped\s+(\d+) not posts\n", first.stdout)
    assert counts, first.stdout
    posts, skipped = int(counts[1]), int(counts[2])
    assert posts > 40 and skipped > 40 and posts + skipped == pages, first.stdout
    full = _cli("index", str(DEMO_SITE), "--index", index, "--full")
    for done in (first, full):
        assert done.returncode == 0, done.stderr
        assert "unchanged" not in done.stdout and "deleted" not in done.stdout, done.stdout
        assert f"indexed       {posts} posts\n  skipped       {skipped} not posts\n" in done.stdout
    again = _cli("index", str(DEMO_SITE), "--index", index)
    out = again.stdout
    assert again.returncode == 0, again.stderr
    assert re.search(rf"^Read {pages} pages into ", out), out
    assert re.search(r"indexed\s+0 posts \(new or changed\)", out), out
    assert re.search(rf"unchanged\s+{posts} posts", out), out
    # The breakdown stays: what the site holds besides its posts, as the last runs found it.
    assert re.search(rf"skipped\s+{skipped} not posts \({skipped} unchanged\)", out), out
    tags = re.search(r"^\s+(\d+) tag archive$", first.stdout, re.MULTILINE)
    assert tags and re.search(rf"^\s+{tags[1]} tag archive$", out, re.MULTILINE), out
    assert re.search(r"deleted\s+0 posts", out), out
    for done in (first, full, again):
        assert done.stdout.rstrip().endswith(f"The index holds {posts} posts."), done.stdout


def test_one_page_one_post_one_failure_in_the_singular(tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(FIXTURES / "broken", broken)
    (broken / "binary.html").unlink()  # one failure left: the empty file
    done = _cli("index", str(FIXTURES / "hostile"), str(broken), "--index", str(tmp_path / "i"))
    out = done.stdout
    assert re.search(r"^Read 3 pages into", out), out
    assert re.search(r"indexed\s+1 post$", out, re.MULTILINE), out
    assert re.search(r"skipped\s+1 not a post$", out, re.MULTILINE), out
    assert "The index holds 1 post." in out
    single = _cli("index", str(FIXTURES / "hostile"), "--index", str(tmp_path / "one"))
    assert re.search(r"^Read 1 page into", single.stdout), single.stdout


def test_index_without_a_source_crawls_the_configs_site(tmp_path):
    root = tmp_path / "site"
    copy_sowrey(root, posts=3)
    config = tmp_path / "site.toml"
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTSEARCH_")}
    nothing = _cli("index", "--index", str(tmp_path / "none"), env=env)
    assert nothing.returncode == 2
    assert "nothing to index" in nothing.stderr and "site_url" in nothing.stderr
    with SiteServer(root) as server:
        config.write_text(f'site_url = "{server.url}"\ncrawl_delay = 0\n', encoding="utf-8")
        done = _cli("--config", str(config), "index", "--index", str(tmp_path / "i"), env=env)
    assert done.returncode == 0, done.stderr
    assert f"crawling site_url {server.url}" in done.stderr
    assert re.search(r"indexed\s+3 posts", done.stdout), done.stdout


def test_a_state_saved_without_skip_reasons_still_gives_a_breakdown(tmp_path):
    """A crawl state written before reasons were kept: its unchanged pages that are not
    posts are counted under one reason that says how to get the others."""
    import sqlite3

    from indexer.records import UNKNOWN_SKIP_REASON
    from indexer.sources.state import STATE_NAME

    index_dir = tmp_path / "index"
    first = index_sources([DEMO_SITE], WhooshPostStore(index_dir))
    with sqlite3.connect(index_dir / STATE_NAME) as connection:
        connection.execute("ALTER TABLE pages DROP COLUMN skip_reason")
    again = index_sources([DEMO_SITE], WhooshPostStore(index_dir))
    not_posts = len(first.skipped)
    assert len(first.indexed) > 40 and not_posts > 40
    assert again.unchanged_posts == len(first.indexed)
    assert again.unchanged_skips == {UNKNOWN_SKIP_REASON: not_posts}
    with sqlite3.connect(index_dir / STATE_NAME) as connection:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(pages)")}
    assert "skip_reason" in columns
