"""A reindex never leaves a broken or empty index: kill -9 at random moments, and queries
from another process all through a full rebuild."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import CORPUS_SITE, REPO, copy_corpus, copy_sowrey, indexed_paths

from indexer.api import IndexOptions, WhooshPostStore, extract, index_sources, read_file_page
from indexer.index import open_existing, title_field
from indexer.index import storage as storage_module

KILLS = 20
SEED = 20261127


def _reindex(site: Path, index_dir: Path, full: bool) -> None:
    """One indexer run, as `postsearch index SITE [--full] --allow-mass-delete` does it."""
    store = WhooshPostStore(index_dir, lock_timeout=5, rebuild=full)
    index_sources([site], store, options=IndexOptions(workers=1, allow_mass_delete=True))


def _child(site: str, index_dir: str, full: bool) -> None:
    _reindex(Path(site), Path(index_dir), full)
    os._exit(0)


def _answers_queries(index_dir: Path) -> bool:
    from whoosh.qparser import QueryParser

    index = open_existing(index_dir)
    with index.searcher() as searcher:
        titles = [fields[title_field("en")] for fields in searcher.all_stored_fields()]
        word = max(titles[0].split(), key=len)  # a word this index surely holds
        query = QueryParser(title_field("en"), index.schema).parse(word)
        return len(searcher.search(query)) > 0


def _fill(live: Path, source: Path) -> None:
    shutil.rmtree(live, ignore_errors=True)
    shutil.copytree(source, live)


@pytest.mark.slow
def test_sigkill_at_random_moments_leaves_the_old_or_the_new_index(tmp_path):
    sets = {}
    copy_corpus(tmp_path / "a", posts=6)
    copy_corpus(tmp_path / "b", posts=6, offset=7)  # six other posts
    live, index_dir = tmp_path / "live", tmp_path / "index"
    for name in ("a", "b"):
        _fill(live, tmp_path / name)
        scratch = tmp_path / f"scratch-{name}"
        _reindex(live, scratch, full=True)
        sets[name] = indexed_paths(scratch)
    assert sets["a"] and sets["b"] and not sets["a"] & sets["b"]

    _fill(live, tmp_path / "a")
    started = time.monotonic()
    _reindex(live, index_dir, full=True)
    duration = time.monotonic() - started
    rng = random.Random(SEED)
    fork = multiprocessing.get_context("fork")
    outcomes = []
    for kill in range(KILLS):
        current = indexed_paths(index_dir)
        assert current in (sets["a"], sets["b"]), f"kill {kill}: a mixed or empty index"
        target = "b" if current == sets["a"] else "a"
        _fill(live, tmp_path / target)
        child = fork.Process(target=_child, args=(str(live), str(index_dir), kill % 2 == 0))
        child.start()
        time.sleep(rng.uniform(0, duration * 1.2))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        assert _answers_queries(index_dir), f"kill {kill}: the index does not answer"
        after = indexed_paths(index_dir)
        assert after in (sets["a"], sets["b"]), f"kill {kill}: neither old nor new"
        outcomes.append("new" if after == sets[target] else "old")
    # A run that is not killed still brings the index exactly to the folder's posts, even
    # when a kill fell between the index's commit and the crawl state's save.
    final = "b" if indexed_paths(index_dir) == sets["a"] else "a"
    _fill(live, tmp_path / final)
    _reindex(live, index_dir, full=False)
    assert indexed_paths(index_dir) == sets[final]
    print(f"\nSIGKILL outcomes ({duration:.2f} s per reindex): {outcomes}")


class _KilledAroundCommit(WhooshPostStore):
    """A real store whose process is killed (SIGKILL) just before or just after its commit."""

    def __init__(self, *args, after: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.after = after

    def __exit__(self, *exc) -> None:
        if self.after:
            super().__exit__(*exc)  # committed; the crawl state is not saved yet
        os.kill(os.getpid(), signal.SIGKILL)


def _killed_run(site: str, index_dir: str, after: bool) -> None:
    store = _KilledAroundCommit(Path(index_dir), lock_timeout=5, rebuild=True, after=after)
    index_sources([Path(site)], store, options=IndexOptions(workers=1, allow_mass_delete=True))


@pytest.mark.slow
@pytest.mark.parametrize("after", [True, False], ids=["after-commit", "before-commit"])
def test_the_run_after_a_kill_around_the_commit_brings_the_index_to_the_folder(tmp_path, after):
    copy_corpus(tmp_path / "a", posts=6)
    copy_corpus(tmp_path / "b", posts=6, offset=7)
    live, index_dir = tmp_path / "live", tmp_path / "index"
    _fill(live, tmp_path / "a")
    _reindex(live, index_dir, full=False)
    first = indexed_paths(index_dir)
    _fill(live, tmp_path / "b")
    child = multiprocessing.get_context("fork").Process(
        target=_killed_run, args=(str(live), str(index_dir), after)
    )
    child.start()
    child.join()
    assert child.exitcode == -signal.SIGKILL
    killed = indexed_paths(index_dir)
    assert killed != first if after else killed == first  # the commit landed, or did not
    _fill(live, tmp_path / "a")
    _reindex(live, index_dir, full=False)
    assert indexed_paths(index_dir) == first  # no post of the killed run is left behind


QUERIER = """
import json, sys, time
from pathlib import Path
from searchweb.engine.backend import WhooshSearchBackend
from searchweb.records import SearchRequest
index_dir, stop, queries = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
backend = WhooshSearchBackend(index_dir)
queries = [q for q in queries if backend.search(SearchRequest(q, 1, 10)).total > 0]
done = errors = empty = 0
problems = []
while not stop.exists():
    for query in queries:
        try:
            if backend.search(SearchRequest(query, 1, 10)).total == 0:
                empty += 1
                problems.append(f"empty: {query}")
        except Exception as error:
            errors += 1
            problems.append(f"{type(error).__name__}: {error}")
        done += 1
report = {"checked": queries, "queries": done, "errors": errors, "empty": empty}
print(json.dumps({**report, "problems": problems[:5]}))
"""


def test_queries_from_another_process_never_fail_during_full_rebuilds(tmp_path):
    site, index_dir = tmp_path / "site", tmp_path / "index"
    copy_sowrey(site, posts=10)
    _reindex(site, index_dir, full=True)
    queries = ["canada", "family", "computer", "music", "work", "time", "year", "people"]
    stop = tmp_path / "stop"
    querier = subprocess.Popen(
        [sys.executable, "-c", QUERIER, str(index_dir), str(stop), json.dumps(queries)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.0)
        for _ in range(3):
            store = WhooshPostStore(index_dir, rebuild=True)
            index_sources([site], store, options=IndexOptions(allow_mass_delete=True))
    finally:
        stop.touch()
        out, _ = querier.communicate(timeout=60)
    report = json.loads(out)
    assert len(report["checked"]) >= 3 and report["queries"] > 0
    assert report["errors"] == 0 and report["empty"] == 0, report


def test_every_file_of_a_commit_is_synced_before_the_toc_is_renamed(tmp_path, monkeypatch):
    """A commit's new files (its segment, then its TOC under the temporary name) are flushed
    to the disk while only the old TOC is in place, and the folder once the new one is.

    The flushes are seen by wrapping the storage's one fsync function (it still flushes),
    each noted with the TOCs on disk at that moment; the rest is what is on disk and what a
    searcher finds afterwards.
    """
    site, index_dir = tmp_path / "site", tmp_path / "index"
    copy_corpus(site, posts=3)
    _reindex(site, index_dir, full=True)
    before = {path.name for path in index_dir.iterdir()}
    [old_toc] = [name for name in before if name.endswith(".toc")]
    flushed: list[tuple[str, set[str]]] = []  # (what was flushed, the TOCs on disk then)

    def noting_fsync(path: Path) -> None:
        flushed.append((Path(path).name, {toc.name for toc in index_dir.glob("*.toc")}))
        real_fsync(path)

    real_fsync = storage_module.fsync_path
    monkeypatch.setattr(storage_module, "fsync_path", noting_fsync)
    new_page = sorted(CORPUS_SITE.glob("*/*/*/index.html"))[-1]  # the newest, not yet indexed
    post = extract(read_file_page(new_page)).post
    with WhooshPostStore(index_dir) as store:
        store.replace(post)

    after = {path.name for path in index_dir.iterdir()}
    [new_toc] = [name for name in after if name.endswith(".toc")]
    segment_files = {name for name in after - before if name != new_toc}
    assert new_toc != old_toc and segment_files  # the commit wrote a segment and a TOC
    before_rename = {name for name, tocs in flushed if tocs == {old_toc}}
    assert segment_files <= before_rename
    assert [name for name in before_rename if name.startswith(new_toc + ".")]  # its temp name
    assert (index_dir.name, {new_toc}) in flushed  # the folder, once the rename is made
    assert not [name for name in after if ".toc." in name]  # no temporary TOC left behind
    with open_existing(index_dir).searcher() as searcher:
        urls = {fields["url"] for fields in searcher.all_stored_fields()}
    assert post.url in urls and len(urls) == 4  # a searcher sees the commit
