"""Faults: a disk that fills up during a full reindex.

The index lives on a small tmpfs the test mounts (it must run as root; it skips, saying
why, when it cannot mount). The demo site is indexed onto it, a WhooshSearchBackend opens
that index as the server would, the disk is then filled to within a few hundred kB, and
`postsearch index --full` runs: it must fail with a non-zero status and one stderr line
naming the problem, and the backend opened before the run, as well as one opened after,
must answer the same queries with the same results. Once space is freed the next run
succeeds again (nothing was left locked or half-written in the way).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import DEMO_SITE, REPO

from searchweb.engine.backend import WhooshSearchBackend
from searchweb.records import SearchRequest

POSTSEARCH = Path(sys.executable).with_name("postsearch")
DISK_MB = 8  # the demo index takes about 1.3 MB
LEFT_FREE_KB = 200
QUERIES = ("bread", "garden", "hedgehog", "sourdough starter", "rye")


@pytest.fixture()
def small_disk(tmp_path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_MB}m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def postsearch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(POSTSEARCH), *args], capture_output=True, text=True, timeout=180, cwd=REPO
    )


def answers(backend: WhooshSearchBackend) -> dict[str, list[str]]:
    """Each query's result URLs, in order: what a visitor would see."""
    return {
        query: [hit.url for hit in backend.search(SearchRequest(query=query)).hits]
        for query in QUERIES
    }


def fill(disk: Path, leave_kb: int) -> Path:
    """Fill `disk` with one file until only `leave_kb` kB are free."""
    free_kb = shutil.disk_usage(disk).free // 1024
    filler = disk / "filler"
    with filler.open("wb") as out:
        out.truncate(0)
        block = b"\0" * 1024
        for _ in range(max(0, free_kb - leave_kb)):
            out.write(block)
    return filler


@pytest.mark.slow  # three indexer runs in subprocesses, one of them failing
def test_a_full_disk_during_a_reindex_fails_clearly_and_the_served_index_survives(small_disk):
    index = small_disk / "index"
    first = postsearch("index", str(DEMO_SITE), "--index", str(index), "--quiet")
    assert first.returncode == 0, first.stderr
    served = WhooshSearchBackend(index)
    before = answers(served)
    assert all(before.values()), before  # every query had results to lose

    filler = fill(small_disk, LEFT_FREE_KB)
    run = postsearch("index", str(DEMO_SITE), "--index", str(index), "--full", "--quiet")
    last_line = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
    assert run.returncode != 0, run.stdout
    assert last_line.startswith("postsearch: cannot write the index"), run.stderr[-3000:]
    assert "No space left on device" in last_line, last_line
    assert "Traceback" not in run.stderr, run.stderr[-3000:]

    assert answers(served) == before  # the server's open backend, after the failed run
    assert answers(WhooshSearchBackend(index)) == before  # and a server started afterwards

    filler.unlink()  # space is back: the next run works, nothing was left in its way
    again = postsearch("index", str(DEMO_SITE), "--index", str(index), "--full", "--quiet")
    assert again.returncode == 0, again.stderr[-3000:]
    assert answers(WhooshSearchBackend(index)) == before
    print(f"\nfull-disk run: exit {run.returncode}; {last_line}")
