"""The writer postsearch indexes with writes Whoosh's index, and keeps the vocabulary right.

`PostWriter` (indexer.index.whoosh_writer) changes two steps of Whoosh's SegmentWriter: the
post lengths its postings writer reads, and the words "did you mean" offers, counted into a
vocabulary file per segment instead of written as a spelling field's postings; the body
fields are analysed in one pass (indexer.index.analysis.analyse_positions). These tests
hold it to Whoosh's own writer and Whoosh's own spelling field on the project's corpus of
real posts, then follow the vocabulary through what a maintainer does: posts deleted,
segments merged, a vocabulary file lost or damaged.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from functools import partialmethod
from pathlib import Path

import pytest
from helpers import CORPUS_SITE, DEMO_SITE, build_index, copy_corpus

from indexer.api import Post, WhooshPostStore, extract, read_file_page
from indexer.index import open_existing, segment_words
from indexer.index import schema as schema_module
from indexer.index.storage import open_or_create
from indexer.index.store import post_document
from searchweb.web.app import create_app


@pytest.fixture(scope="module")
def corpus_posts() -> list[Post]:
    """The corpus's posts and the demo blog's (one of them Spanish), as the extractor reads
    them."""
    posts = []
    for file in sorted([*CORPUS_SITE.rglob("index.html"), *DEMO_SITE.rglob("index.html")]):
        extraction = extract(read_file_page(file))
        if extraction.is_post:
            posts.append(extraction.post)
    assert len(posts) >= 300 and {post.language for post in posts} == {"en", "es"}
    return posts


def _ours(where: Path, posts: list[Post], spelling_field: bool = False) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        if spelling_field:  # the layout of schema version 2
            body_text = schema_module.BodyText
            patch.setattr(body_text, "__init__", partialmethod(body_text.__init__, spelling=True))
        with WhooshPostStore(where) as store:
            for post in posts:
                store.replace(post)
    return where


def _whooshs(where: Path, posts: list[Post]) -> Path:
    """The same posts written by Whoosh's own SegmentWriter, into the same schema."""
    index = open_or_create(where)
    with index.writer() as writer:
        for post in posts:
            writer.update_document(**post_document(post))
    return where


@pytest.fixture()
def readers():
    opened = []

    def open_reader(index_dir: Path):
        opened.append(open_existing(index_dir).reader())
        return opened[-1]

    yield open_reader
    for reader in opened:
        reader.close()


def test_postings_term_statistics_lengths_and_stored_fields_are_whooshs(
    tmp_path, corpus_posts, readers
):
    ours = readers(_ours(tmp_path / "ours", corpus_posts))
    theirs = readers(_whooshs(tmp_path / "whoosh", corpus_posts))
    assert sorted(ours.indexed_field_names()) == sorted(theirs.indexed_field_names())
    assert {"body", "body_es", "title"} <= set(ours.indexed_field_names())
    assert list(ours.iter_postings()) == list(theirs.iter_postings())
    for name, term in theirs.all_terms():
        mine, whoosh = ours.term_info(name, term), theirs.term_info(name, term)
        stats = ("doc_frequency", "weight", "min_length", "max_length", "max_weight")
        assert [getattr(mine, s)() for s in stats] == [getattr(whoosh, s)() for s in stats]
    assert list(ours.iter_docs()) == list(theirs.iter_docs())
    for name in ours.schema.scorable_names():
        for docnum in range(ours.doc_count_all()):
            assert ours.doc_field_length(docnum, name) == theirs.doc_field_length(docnum, name)
        assert ours.field_length(name) == theirs.field_length(name)


def test_the_vocabulary_is_the_words_and_counts_of_whooshs_spelling_field(
    tmp_path, corpus_posts, readers
):
    ours = readers(_ours(tmp_path / "ours", corpus_posts))
    theirs = readers(_ours(tmp_path / "v2", corpus_posts, spelling_field=True))
    assert "spell_body" in theirs.schema and "spell_body" not in ours.schema
    ((leaf, _),) = ours.leaf_readers()
    checked = 0
    for body in ("body", "body_es"):
        words, counts = segment_words(leaf, body)
        expected = [
            (term.decode(), theirs.doc_frequency(f"spell_{body}", term))
            for term in theirs.lexicon(f"spell_{body}")
        ]
        assert list(zip(words, counts.tolist(), strict=True)) == expected, body
        checked += len(expected)
    assert checked > 3000


def _client(index_dir: Path):
    return create_app({"index_dir": str(index_dir), "query_log": False}).test_client()


def _suggestion(index_dir: Path, query: str) -> str | None:
    found = _client(index_dir).get("/api/search", query_string={"q": query}).json["suggestion"]
    return found and found["text"]


def _write(index_dir: Path, posts: list[Post], deleted: tuple[str, ...] = ()) -> None:
    with WhooshPostStore(index_dir) as store:
        for url in deleted:
            store.delete(url)
        for post in posts:
            store.replace(post)


def _words(index_dir: Path) -> tuple[list[str], list[int]]:
    with open_existing(index_dir).reader() as reader:
        ((leaf, _),) = reader.leaf_readers()
        words, counts = segment_words(leaf, "body")
    return words, counts.tolist()


def test_a_deleted_posts_words_leave_the_vocabulary_when_its_segment_is_merged(
    tmp_path, corpus_posts
):
    index_dir = tmp_path / "index"
    marked = replace(corpus_posts[0], body=f"Quokkaberry jam. {corpus_posts[0].body}")
    _write(index_dir, [marked])
    assert _suggestion(index_dir, "quokaberry") == "quokkaberry"
    for post in corpus_posts[1:4]:  # a post a run, a segment each
        _write(index_dir, [post])
    _write(index_dir, [corpus_posts[4]], deleted=(marked.url,))
    # The sixth run finds five small segments, and Whoosh merges them into its own.
    _write(index_dir, [corpus_posts[5]])
    merged = _words(index_dir)
    assert "quokkaberry" not in merged[0]
    _write(tmp_path / "fresh", corpus_posts[1:6])
    assert merged == _words(tmp_path / "fresh")
    assert _suggestion(index_dir, "quokaberry") is None


@pytest.mark.parametrize("damage", ["lost", "truncated", "another file"])
def test_a_lost_or_damaged_vocabulary_file_is_counted_again_from_the_posts(tmp_path, damage):
    root, index_dir = tmp_path / "site", tmp_path / "index"
    copy_corpus(root, posts=40)
    build_index(index_dir, root)
    with open_existing(index_dir).reader() as reader:
        before = segment_words(reader.leaf_readers()[0][0], "body")
    (words_file,) = index_dir.glob("*.pswords")
    if damage == "lost":
        words_file.unlink()
    elif damage == "truncated":
        words_file.write_bytes(words_file.read_bytes()[:100])
    else:
        shutil.copy(next(index_dir.glob("_MAIN_*.toc")), words_file)
    with open_existing(index_dir).reader() as reader:
        after = segment_words(reader.leaf_readers()[0][0], "body")
    assert len(before[0]) > 1000
    assert after[0] == before[0] and after[1].tolist() == before[1].tolist()
