"""List files hold the same posting lists as Whoosh's blocks, and a bad one costs only speed.

The store writes each segment's long posting lists a second time, in a form numpy reads
directly (indexer.postinglists). These tests build real indexes from sowrey posts and hold
every list in those files to Whoosh's own, follow the files through a rebuild, and damage
them to check that searches still read the right lists from Whoosh.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest
from test_crawl import copy_sowrey

from indexer.index.listfiles import (
    LONG_LIST,
    SegmentLists,
    lists_path,
    read_list,
    read_positions,
    select_positions,
    write_missing_lists,
    write_segment_lists,
)
from indexer.index.store import WhooshPostStore, open_existing
from indexer.index.whoosh_internals import read_whoosh_list, read_whoosh_positions
from indexer.pipeline.run import index_sources
from searchweb.engine.backend import WhooshSearchBackend
from searchweb.engine.search import SearchRequest


def _build(tmp_path: Path, posts: int, offset: int = 0) -> Path:
    root, index_dir = tmp_path / "site", tmp_path / "index"
    root.mkdir(parents=True)
    copy_sowrey(root, posts=posts, offset=offset)
    index_sources([root], WhooshPostStore(index_dir))
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
    index_dir = _build(tmp_path, posts=80)
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
    assert compared > 5000  # every word of 80 posts, not a handful
    assert positions_compared > 3000


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
    copy_sowrey(root, posts=LONG_LIST + 5, offset=5)
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
    words = ["garden", "time", "people", "church"]
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
    before = _urls_and_total(backend, "garden")
    reader = backend.searcher().reader()
    (leaf, _), *_ = reader.leaf_readers()
    word = _most_common_terms(leaf, "body", 1)[0]
    counts = read_whoosh_list(leaf, "body", word)[1]
    assert read_positions(leaf, "body", word, counts) is None
    write_missing_lists(open_existing(index_dir), min_postings=2)
    assert read_positions(leaf, "body", word, counts) is not None  # same reader, from the file
    assert _urls_and_total(backend, "garden") == before
