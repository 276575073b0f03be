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
from conftest import REPO
from test_crawl import copy_sowrey, indexed_paths

from indexer.index.schema import title_field
from indexer.index.store import DurableFileStorage, WhooshPostStore, open_existing
from indexer.pipeline.run import IndexOptions, index_sources

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


def test_sigkill_at_random_moments_leaves_the_old_or_the_new_index(tmp_path):
    sets = {}
    copy_sowrey(tmp_path / "a", posts=6)
    copy_sowrey(tmp_path / "b", posts=6, offset=7)  # six other posts
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


@pytest.mark.parametrize("after", [True, False], ids=["after-commit", "before-commit"])
def test_the_run_after_a_kill_around_the_commit_brings_the_index_to_the_folder(tmp_path, after):
    copy_sowrey(tmp_path / "a", posts=6)
    copy_sowrey(tmp_path / "b", posts=6, offset=7)
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
from searchweb.engine.search import SearchRequest
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


def test_every_file_of_a_commit_is_synced_before_the_toc_is_renamed(tmp_path):
    site = tmp_path / "site"
    copy_sowrey(site, posts=3)
    _reindex(site, tmp_path / "index", full=True)
    storage = DurableFileStorage(tmp_path / "index")
    index = storage.open_index()
    writer = index.writer()
    writer.delete_by_term("url", "nothing")
    writer.commit()
    assert storage._unsynced == set()  # the storage synced all it created, TOC included
    leftovers = [p.name for p in (tmp_path / "index").iterdir() if ".toc." in p.name]
    assert leftovers == []
