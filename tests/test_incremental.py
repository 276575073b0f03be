"""Reindexing redoes only what changed: over HTTP (validators, sitemap lastmod) and from a
folder (a hash per file); gone pages are deleted, a mass deletion is refused."""

from __future__ import annotations

import shutil

import pytest
from helpers import NONPOSTS, SiteServer, copy_sowrey, crawl, edit_post, folder_posts, indexed_paths

from indexer.api import IndexOptions, WhooshPostStore, index_sources
from indexer.index import body_field, open_existing


def _hits(index_dir, word: str) -> int:
    from whoosh.qparser import QueryParser

    index = open_existing(index_dir)
    with index.searcher() as searcher:
        return len(searcher.search(QueryParser(body_field("en"), index.schema).parse(word)))


@pytest.fixture()
def small_site(tmp_path):
    root = tmp_path / "site"
    posts = copy_sowrey(root, posts=16)
    with SiteServer(root) as server:
        yield server, posts


def test_a_recrawl_with_no_changes_downloads_no_page_bodies(small_site, tmp_path):
    server, posts = small_site
    first = crawl(server, tmp_path / "index")
    assert len(first.indexed) == len(posts)
    server.log.clear()
    second = crawl(server, tmp_path / "index")
    assert second.indexed == [] and second.failed == []
    assert server.page_bodies() == []
    assert indexed_paths(tmp_path / "index") == set(posts)


def test_editing_one_page_reindexes_only_it(small_site, tmp_path):
    server, posts = small_site
    crawl(server, tmp_path / "index")
    edit_post(server.root, posts[3], "zanzibarquokka")
    server.log.clear()
    again = crawl(server, tmp_path / "index")
    assert [path.split(server.url)[-1] for path in again.indexed] == [posts[3]]
    assert server.page_bodies() == ["/" + posts[3]]
    assert _hits(tmp_path / "index", "zanzibarquokka") == 1


def test_removing_one_page_deletes_it_and_removing_half_trips_the_guard(small_site, tmp_path):
    server, posts = small_site
    index_dir = tmp_path / "index"
    crawl(server, index_dir)
    shutil.rmtree(server.root / posts[0])
    assert crawl(server, index_dir).deleted == [server.url + posts[0]]
    assert indexed_paths(index_dir) == set(posts[1:])

    for post in posts[1:9]:
        shutil.rmtree(server.root / post)
    refused = crawl(server, index_dir)
    assert refused.deleted == [] and len(refused.refused_deletes) == 8
    assert "--allow-mass-delete" in refused.mass_delete_message
    assert indexed_paths(index_dir) == set(posts[1:])  # nothing was deleted

    allowed = crawl(server, index_dir, allow_mass_delete=True)
    assert len(allowed.deleted) == 8
    assert indexed_paths(index_dir) == set(posts[9:])


def test_a_page_that_answers_404_is_deleted(small_site, tmp_path):
    server, posts = small_site
    index_dir = tmp_path / "index"
    crawl(server, index_dir)
    (server.root / posts[5] / "index.html").unlink()
    # Still listed in the sitemap (its folder is there) but the page answers 404.
    (server.root / posts[5] / "index.html").mkdir()
    result = crawl(server, index_dir)
    assert result.deleted == [server.url + posts[5]]


def test_folder_ingestion_is_incremental(tmp_path):
    root = tmp_path / "site"
    posts = copy_sowrey(root, posts=12)
    index_dir = tmp_path / "index"
    first = index_sources([root], WhooshPostStore(index_dir))
    assert {url.rsplit("sowrey.org/", 1)[-1] for url in first.indexed} == folder_posts(posts)
    again = index_sources([root], WhooshPostStore(index_dir))
    assert again.indexed == [] and again.unchanged == len(posts) + len(NONPOSTS)
    edit_post(root, posts[2], "wobblefrost")
    shutil.rmtree(root / posts[4])
    third = index_sources([root], WhooshPostStore(index_dir))
    assert [url.rsplit("sowrey.org/", 1)[-1] for url in third.indexed] == [posts[2]]
    assert [url.rsplit("sowrey.org/", 1)[-1] for url in third.deleted] == [posts[4]]
    assert _hits(index_dir, "wobblefrost") == 1


def test_full_rebuild_holds_exactly_the_new_set(tmp_path):
    root = tmp_path / "site"
    posts = copy_sowrey(root, posts=10)
    index_dir = tmp_path / "index"
    index_sources([root], WhooshPostStore(index_dir))
    for post in posts[:6]:
        shutil.rmtree(root / post)
    full = index_sources([root], WhooshPostStore(index_dir, rebuild=True), options=IndexOptions())
    assert len(full.indexed) == len(folder_posts(posts[6:]))
    assert indexed_paths(index_dir) == folder_posts(posts[6:])
