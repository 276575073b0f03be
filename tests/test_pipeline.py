"""The indexing pipeline: re-indexing replaces, a failed run changes nothing, URLs resolve."""

from __future__ import annotations

import pytest
from helpers import DEMO_SITE, FIXTURES, build_index

from indexer.errors import IndexLockedError, SourceError
from indexer.extract.address import resolve_address
from indexer.extract.parse import Element, parse_html
from indexer.index import WhooshPostStore, open_existing
from indexer.pipeline.run import IndexOptions, index_sources
from indexer.sources.folder import page_url
from indexer.urls import normalize_url


def _count(index_dir) -> int:
    with open_existing(index_dir).searcher() as searcher:
        return searcher.doc_count()


def test_reindexing_the_same_pages_replaces_them(tmp_path):
    build_index(tmp_path, FIXTURES / "hostile")
    build_index(tmp_path, FIXTURES / "hostile")
    assert _count(tmp_path) == 1


def test_a_failed_run_leaves_the_index_as_it_was(tmp_path):
    build_index(tmp_path, FIXTURES / "hostile")
    with pytest.raises(SourceError):
        build_index(tmp_path, DEMO_SITE, tmp_path / "no-such-folder")
    assert _count(tmp_path) == 1  # the demo posts read before the error were not committed


def _urls_in_index_order(index_dir) -> list[str]:
    with open_existing(index_dir).searcher() as searcher:
        return [fields["url"] for fields in searcher.all_stored_fields()]


def test_the_same_folder_makes_the_same_index_whatever_finishes_first(tmp_path):
    """Posts are written in the order the folder lists them, not the order worker processes
    finish them, so posts whose scores tie are listed the same way after every build."""
    orders = []
    for name, workers in (("inline", 1), ("pool", 2), ("pool-again", 2)):
        store = WhooshPostStore(tmp_path / name)
        index_sources([DEMO_SITE], store, options=IndexOptions(workers=workers))
        orders.append(_urls_in_index_order(tmp_path / name))
    assert len(orders[0]) > 40
    assert orders[1] == orders[0] and orders[2] == orders[0]


def test_a_second_writer_is_refused_with_a_clear_error(tmp_path):
    build_index(tmp_path, FIXTURES / "hostile")
    with WhooshPostStore(tmp_path), pytest.raises(IndexLockedError, match="another indexer"):
        index_sources([FIXTURES / "hostile"], WhooshPostStore(tmp_path, lock_timeout=0.2))


@pytest.mark.parametrize(
    ("relative", "base", "url"),
    [
        ("2023/05/x/index.html", None, "/2023/05/x/"),
        ("2023/05/x/index.html", "https://b.example/blog", "https://b.example/blog/2023/05/x/"),
        ("about.html", "https://b.example/", "https://b.example/about.html"),
        ("a b/index.html", None, "/a%20b/"),
    ],
)
def test_page_url_from_folder_path(relative, base, url):
    from pathlib import Path

    assert page_url(Path(relative), base) == url


def _page(canonical: str, links: int = 0) -> Element:
    anchors = "".join(f"<a href='https://site.example/p{i}'>p</a>" for i in range(links))
    return parse_html(f"<link rel=canonical href='{canonical}'>{anchors}").root


@pytest.mark.parametrize(
    ("canonical", "own", "links", "url", "copy"),
    [
        # the same page, seen from a folder: the canonical URL names it
        ("https://site.example/2023/x/", "/2023/x/", 0, "https://site.example/2023/x/", False),
        ("index.html", "/2023/x/", 0, "/2023/x/", False),
        # another page of the same site: this one is a copy
        ("https://site.example/2008/10/post/", "/blog/page/2/", 5, None, True),
        ("https://site.example/2008/10/post/", "https://site.example/blog/page/2/", 0, None, True),
        # a cross-post whose original is elsewhere: index this site's copy
        ("https://medium.example/story", "/blog/2021/story/", 5, "/blog/2021/story/", False),
        # every page canonical to the home page: a misconfiguration, ignored
        ("https://site.example/", "/2023/x/", 5, "/2023/x/", False),
        # not a web address: never becomes the result's link
        (" JavaScript:alert(1)", "/2023/x/", 0, "/2023/x/", False),
        ("data:text/html,<b>x</b>", "/2023/x/", 0, "/2023/x/", False),
    ],
)
def test_canonical_links_name_the_page_or_mark_a_copy(canonical, own, links, url, copy):
    address = resolve_address(_page(canonical, links), own)
    assert (address.copy_of is not None) == copy
    if url:
        assert address.url == url


def test_normalize_url_drops_fragments_and_index_files():
    assert normalize_url("https://B.example/x/index.html#top") == "https://b.example/x/"
