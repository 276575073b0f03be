"""List files hold the same posting lists as Whoosh's blocks, and a bad one costs only speed.

The store writes each segment's long posting lists a second time, in a form numpy reads
directly (indexer.index.listfiles). These tests build real indexes from the project's own
corpus (tests/fixtures/corpus) and hold every list in those files to Whoosh's own, follow
the files through a rebuild, damage them to check that searches still read the right lists
from Whoosh and that the next run writes them again, and check that writing them never
fails a run: an empty index, a failure after the commit, two writers at once.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
from helpers import DEMO_SITE, SiteServer, copy_corpus, edit_post

from indexer.api import IndexOptions, index_sources
from indexer.index import WhooshPostStore, open_existing
from indexer.index.listfiles import (
    LONG_LIST,
    MAGIC,
    SegmentLists,
    lists_path,
    read_list,
    read_positions,
    select_positions,
    write_missing_lists,
    write_segment_lists,
)
from indexer.index.whoosh_internals import read_whoosh_list, read_whoosh_positions
from searchweb.engine.backend import WhooshSearchBackend
from searchweb.records import SearchRequest
from searchweb.web.app import create_app


def _build(tmp_path: Path, posts: int, offset: int = 0) -> Path:
    root, index_dir = tmp_path / "site", tmp_path / "index"
    root.mkdir(parents=True)
    copy_corpus(root, posts=posts, offset=offset)
    # One worker: posts are numbered in the folder's order, so two builds of one folder tie
    # equal scores the same way (a pool hands posts back as they finish).
    index_sources([root], WhooshPostStore(index_dir), options=IndexOptions(workers=1))
    return index_dir


def _segment_ids(index_dir: Path) -> set[str]:
    with open_existing(index_dir).reader() as reader:
        return {leaf.segment().segment_id() for leaf, _ in reader.leaf_readers()}


def _list_files(index_dir: Path) -> set[str]:
    return {path.name.removesuffix(".pslists") for path in index_dir.glob("*.pslists")}


def _most_common_terms(leaf, name: str, count: int) -> list[str]:
    field = leaf.schema[name]
    terms = sorted(leaf.iter_field(name), key=lambda item: -item[1].doc_frequency())
    return [field.from_bytes(text) for text, _ in terms[:count]]


def test_list_files_hold_every_list_as_whoosh_does(tmp_path):
    index_dir = _build(tmp_path, posts=260)
    compared = positions_compared = 0
    with open_existing(index_dir).reader() as reader:
        for leaf, _ in reader.leaf_readers():
            segment = leaf.segment()
            path = tmp_path / "all.pslists"
            write_segment_lists(path, leaf, segment.segid, min_postings=1)
            lists = SegmentLists(path, segment.segid, leaf.doc_count_all())
            for name in leaf.schema.scorable_names():
                if name not in leaf.indexed_field_names():
                    continue
                for text_bytes, _ in leaf.iter_field(name):
                    text = leaf.schema[name].from_bytes(text_bytes)
                    ids, weights = lists.get(name, text)
                    expected_ids, expected_weights = read_whoosh_list(leaf, name, text)
                    assert np.array_equal(ids, expected_ids), (name, text)
                    assert np.array_equal(weights, expected_weights), (name, text)
                    compared += 1
                    if name == "body":
                        positions_compared += _same_positions(leaf, lists, text, ids)
    assert compared > 1500  # every word of the corpus, not a handful
    assert positions_compared > 500, positions_compared


def _same_positions(leaf, lists: SegmentLists, text: str, ids: np.ndarray) -> bool:
    """Every other post's positions of `text` are Whoosh's (a phrase asks for some posts)."""
    counts = lists.get("body", text)[1]
    places = lists.positions("body", text, counts)
    at = np.arange(0, len(ids), 2)
    owners, found = select_positions(counts, places, at)
    expected_owners, expected = read_whoosh_positions(leaf, "body", text, ids[at].astype(np.int64))
    assert np.array_equal(owners, expected_owners) and np.array_equal(found, expected), text
    return True


def test_each_segment_gets_its_file_and_a_rebuild_retires_the_old_ones(tmp_path):
    index_dir = _build(tmp_path, posts=LONG_LIST + 10)  # enough posts for a long list
    before = _segment_ids(index_dir)
    assert _list_files(index_dir) == before
    root = tmp_path / "site"
    copy_corpus(root, posts=LONG_LIST + 5, offset=5)
    index_sources([root], WhooshPostStore(index_dir, rebuild=True))
    after = _segment_ids(index_dir)
    assert not before & after
    assert _list_files(index_dir) == after  # Whoosh's clean-up took the retired files
    assert not list(index_dir.glob("*.tmp"))


def test_a_damaged_list_is_read_from_whoosh_instead(tmp_path):
    index_dir = _build(tmp_path, posts=60)
    index = open_existing(index_dir)
    with index.reader() as reader:
        (leaf, _), *_ = reader.leaf_readers()
        path = lists_path(index_dir, leaf.segment().segment_id())
        path.unlink(missing_ok=True)  # the store writes none for so few posts
        write_missing_lists(index, min_postings=2)  # most lists of 60 posts are in it now
        lists = SegmentLists(path, leaf.segment().segid, leaf.doc_count_all())
        word = _most_common_terms(leaf, "body", 1)[0]
        offset, size, *_ = lists.lists["body"][word]
        data = bytearray(path.read_bytes())
        start = lists.start + offset
        data[start + size // 2 : start + size // 2 + 8] = b"\x00" * 8
        path.write_bytes(bytes(data))
        with pytest.raises(zlib.error):
            SegmentLists(path, leaf.segment().segid, leaf.doc_count_all()).get("body", word)
        ids, weights = read_list(leaf, "body", word)
        expected_ids, expected_weights = read_whoosh_list(leaf, "body", word)
        assert np.array_equal(ids, expected_ids) and np.array_equal(weights, expected_weights)


def _damaged(data: bytes, how: str, tmp_path: Path) -> bytes:
    if how == "bad-magic":
        return b"not a list file" + data[15:]
    if how == "cut-short":
        return data[:40]
    # Another index's file under this segment's name: right format, other posts' lists.
    other_dir = _build(tmp_path / "other", posts=40, offset=2)
    (other,) = write_missing_lists(open_existing(other_dir), min_postings=2)
    return other.read_bytes()


@pytest.mark.parametrize("how", ["bad-magic", "cut-short", "another-segment"])
def test_searches_with_a_bad_list_file_find_what_they_would_without_one(tmp_path, how):
    words = ["library", "time", "people", "meadow"]
    plain = WhooshSearchBackend(_build(tmp_path / "plain", posts=40, offset=1))
    expected = {word: _urls_and_total(plain, word) for word in words}
    assert any(total for _, total in expected.values())
    damaged_dir = _build(tmp_path / "damaged", posts=40, offset=1)  # same posts, new names
    assert not list(damaged_dir.glob("*.pslists"))  # too few posts for a long list
    (path,) = write_missing_lists(open_existing(damaged_dir), min_postings=2)
    path.write_bytes(_damaged(path.read_bytes(), how, tmp_path))
    backend = WhooshSearchBackend(damaged_dir)
    assert {word: _urls_and_total(backend, word) for word in words} == expected


def _urls_and_total(backend: WhooshSearchBackend, word: str) -> tuple[list[str], int]:
    results = backend.search(SearchRequest(query=word))
    return [hit.url for hit in results.hits], results.total


def test_a_searcher_open_before_the_list_file_reads_it_once_written(tmp_path):
    index_dir = _build(tmp_path, posts=40)
    assert not list(index_dir.glob("*.pslists"))  # the commit landed; its file is not there yet
    backend = WhooshSearchBackend(index_dir)
    before = _urls_and_total(backend, "library")
    reader = backend.searcher().reader()
    (leaf, _), *_ = reader.leaf_readers()
    word = _most_common_terms(leaf, "body", 1)[0]
    counts = read_whoosh_list(leaf, "body", word)[1]
    assert read_positions(leaf, "body", word, counts) is None
    write_missing_lists(open_existing(index_dir), min_postings=2)
    assert read_positions(leaf, "body", word, counts) is not None  # same reader, from the file
    assert _urls_and_total(backend, "library") == before


# -- writing them never fails a run ------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "searchweb.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_a_run_that_indexes_no_post_ends_with_its_summary(tmp_path):
    pages = tmp_path / "pages"  # archives: nothing to index among them
    for relative in ("category/gardening", "tag/bees", "2021", "page/2"):
        (pages / relative).mkdir(parents=True)
        shutil.copyfile(DEMO_SITE / relative / "index.html", pages / relative / "index.html")
    index_dir = tmp_path / "index"
    for _ in range(2):  # a new index, then an incremental run over it
        run = _cli("index", str(pages), "--index", str(index_dir), "--quiet")
        assert run.returncode == 0, run.stderr
        assert "Traceback" not in run.stderr and "warning" not in run.stdout
        assert re.search(r"indexed\s+0 posts", run.stdout)
        assert re.search(r"skipped\s+\d+ not posts", run.stdout)
    assert WhooshSearchBackend(index_dir).doc_count() == 0
    assert not list(index_dir.glob("*.pslists*"))


def _corpus_index(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """A site of 139 corpus posts (one segment with a long list) and its index."""
    site, index_dir = tmp_path / "site", tmp_path / "index"
    posts = copy_corpus(site, posts=LONG_LIST + 10)
    index_sources([site], WhooshPostStore(index_dir))
    return site, index_dir, posts


def test_list_files_that_cannot_be_written_are_a_warning_not_a_failure(tmp_path):
    site, index_dir, posts = _corpus_index(tmp_path)
    (path,) = index_dir.glob("*.pslists")
    path.unlink()
    path.mkdir()  # something in the way: the file cannot be written where it belongs
    edit_post(site, posts[0], "zyzzyva")
    run = _cli("index", str(site), "--index", str(index_dir), "--quiet")
    assert run.returncode == 0, run.stderr
    assert re.search(r"indexed\s+1 post\b", run.stdout)
    assert "warning" in run.stdout and "list files" in run.stdout and "warning" in run.stderr
    found = WhooshSearchBackend(index_dir).search(SearchRequest("zyzzyva"))
    assert [urlsplit(hit.url).path.lstrip("/") for hit in found.hits] == [posts[0]]
    path.rmdir()
    again = _cli("index", str(site), "--index", str(index_dir), "--quiet")
    assert again.returncode == 0 and "warning" not in again.stdout
    assert _whole(path, index_dir)


def test_the_webhook_answers_indexed_with_a_warning_when_list_files_fail(tmp_path):
    site, index_dir, posts = _corpus_index(tmp_path)
    (path,) = index_dir.glob("*.pslists")
    path.unlink()
    path.mkdir()
    edit_post(site, posts[1], "zyzzyva")
    with SiteServer(site) as server:
        app = create_app(
            {
                "index_dir": str(index_dir),
                "site_url": server.url,
                "admin_token": "t0ken",
                "crawl_delay": 0,  # its own loopback server
            }
        )
        answer = app.test_client().post(
            "/api/admin/reindex",
            json={"url": server.url + posts[1]},
            headers={"Authorization": "Bearer t0ken"},
        )
    assert answer.status_code == 200, answer.json
    assert answer.json["status"] == "indexed" and "list files" in answer.json["warnings"][0]
    assert app.test_client().get("/api/search?q=zyzzyva").json["total"] == 1


def _whole(path: Path, index_dir: Path) -> bool:
    with open_existing(index_dir).reader() as reader:
        leaf = next(leaf for leaf, _ in reader.leaf_readers() if leaf.doc_count_all() > 1)
        lists = SegmentLists(path, leaf.segment().segid, leaf.doc_count_all())
        word = _most_common_terms(leaf, "body", 1)[0]
        return np.array_equal(lists.get("body", word)[0], read_whoosh_list(leaf, "body", word)[0])


def test_a_damaged_list_file_is_written_again_by_the_next_run(tmp_path):
    site, index_dir, _ = _corpus_index(tmp_path)
    (path,) = index_dir.glob("*.pslists")
    good = path.read_bytes()
    for damaged in (
        b"PSLISTS1" + good[len(MAGIC) :],  # an older format
        good[: len(good) // 2],  # cut short
        b"<html>not a list file</html>",
    ):
        path.write_bytes(damaged)
        summary = index_sources([site], WhooshPostStore(index_dir))
        assert summary.indexed == [] and summary.unchanged == LONG_LIST + 10 + 1  # + home page
        assert path.read_bytes() == good  # the same segment, encoded the same way again


def test_two_writers_of_the_list_files_never_mix_their_bytes(tmp_path):
    site, index_dir = tmp_path / "site", tmp_path / "index"
    copy_corpus(site, posts=260)
    index_sources([site], WhooshPostStore(index_dir))
    (path,) = index_dir.glob("*.pslists")
    good = path.read_bytes()
    go = tmp_path / "go"
    write = (  # both writers start at one moment: a file appears
        "import time\n"
        "from pathlib import Path\n"
        "from indexer.index import open_existing\n"
        "from indexer.index.listfiles import write_missing_lists\n"
        f"index = open_existing({str(index_dir)!r})\n"
        f"while not Path({str(go)!r}).exists():\n"
        "    time.sleep(0.001)\n"
        "write_missing_lists(index)\n"
    )
    for _ in range(4):
        path.unlink()
        go.unlink(missing_ok=True)
        writers = [
            subprocess.Popen([sys.executable, "-c", write], stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        time.sleep(2)  # both have imported and opened the index
        go.touch()
        errors = [writer.communicate(timeout=120)[1] for writer in writers]
        assert [writer.returncode for writer in writers] == [0, 0], errors
        assert path.read_bytes() == good
        assert not list(index_dir.glob("*.tmp"))
