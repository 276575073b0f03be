"""The contract every index backend keeps: `PostStore` writes, `SearchBackend` reads.

Each test runs once per backend in BACKENDS, through the two interfaces only, so a second
backend (a distributed engine for sites that outgrow one machine) joins by adding its two
factories here; the tests do not change. The posts are the demo blog's, read from its real
HTML by the real extractor.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from html import unescape
from pathlib import Path

import pytest
from helpers import DEMO_SITE, typesense_alias
from typesense_cluster import Cluster

from indexer.api import (
    Post,
    PostStore,
    TypesenseCluster,
    TypesensePostStore,
    WhooshPostStore,
    extract,
    read_file_page,
)
from indexer.index import stem_terms
from searchweb.engine.backend import SearchBackend, WhooshSearchBackend
from searchweb.engine.typesense_backend import TypesenseSearchBackend
from searchweb.records import Filters, SearchRequest


@dataclass(frozen=True)
class Backend:
    """How to open one kind of index for writing and for searching, at a place of its own."""

    store: Callable[[Path, bool], PostStore]  # (where, rebuild) → a store
    searcher: Callable[[Path], SearchBackend]


def _whoosh(request) -> Backend:
    return Backend(
        store=lambda where, rebuild: WhooshPostStore(where, rebuild=rebuild),
        searcher=WhooshSearchBackend,
    )


def _typesense(request) -> Backend:
    """The shared 3-node cluster; each place gets an alias (and collections) of its own, and
    keeps its crawl state and lock in the place itself."""
    cluster: Cluster = request.getfixturevalue("typesense_cluster")

    def at(where: Path) -> TypesenseCluster:
        return TypesenseCluster(tuple(cluster.urls), cluster.api_key, typesense_alias(where))

    return Backend(
        store=lambda where, rebuild: TypesensePostStore(at(where), where, rebuild=rebuild),
        searcher=lambda where: TypesenseSearchBackend(at(where)),
    )


# Each backend's factories, made for a test (a backend may need a session fixture).
BACKENDS: dict[str, Callable[[pytest.FixtureRequest], Backend]] = {
    "whoosh": _whoosh,
    "typesense": _typesense,
}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request) -> Backend:
    return BACKENDS[request.param](request)


@pytest.fixture(scope="module")
def demo_posts() -> list[Post]:
    """Every post of the demo blog, as the extractor reads it."""
    posts = []
    for file in sorted(DEMO_SITE.rglob("index.html")):
        extraction = extract(read_file_page(file))
        if extraction.is_post:
            posts.append(extraction.post)
    assert len(posts) > 40
    return posts


def _write(backend: Backend, where: Path, posts: list[Post], rebuild: bool = False) -> None:
    with backend.store(where, rebuild) as store:
        for post in posts:
            store.replace(post)


def _urls(found) -> list[str]:
    return [hit.url for hit in found.hits]


def _search(reader: SearchBackend, query: str, **request) -> list[str]:
    return _urls(reader.search(SearchRequest(query, per_page=50, **request)))


# -- PostStore ----------------------------------------------------------------------------


def test_written_posts_are_found_and_counted(backend, tmp_path, demo_posts):
    posts = demo_posts[:12]
    _write(backend, tmp_path, posts)
    reader = backend.searcher(tmp_path)
    assert reader.doc_count() == 12
    for post in posts:
        assert reader.has_url(post.url)
        assert post.url in _search(reader, f'"{post.title}"'), post.title
    assert not reader.has_url("https://demo.postsearch.test/never/written/")


def test_replacing_a_url_keeps_one_post_with_the_new_text(backend, tmp_path, demo_posts):
    post = demo_posts[0]
    _write(backend, tmp_path, demo_posts[:5])
    _write(backend, tmp_path, [replace(post, title="Zyzzyva season", body="zyzzyva " * 20)])
    reader = backend.searcher(tmp_path)
    assert reader.doc_count() == 5
    assert _search(reader, "zyzzyva") == [post.url]
    assert post.url not in _search(reader, f'"{post.title}"')


def test_contains_and_doc_count_answer_for_the_index_as_committed(backend, tmp_path, demo_posts):
    first, second, third = demo_posts[:3]
    _write(backend, tmp_path, [first, second])
    with backend.store(tmp_path, False) as store:
        assert store.doc_count() == 2
        assert store.contains(first.url) and not store.contains(third.url)
        store.delete(first.url)
        store.replace(third)
        assert store.contains(first.url) and not store.contains(third.url)  # not yet committed
        store.replace(second)
        assert store.doc_count() == 2  # the count as committed, whatever the batch does
    reader = backend.searcher(tmp_path)
    assert (reader.has_url(first.url), reader.has_url(third.url)) == (False, True)
    assert reader.doc_count() == 2


def test_a_batch_that_fails_leaves_the_index_as_it_was(backend, tmp_path, demo_posts):
    _write(backend, tmp_path, demo_posts[:4])
    store = backend.store(tmp_path, False)
    with pytest.raises(RuntimeError, match="the extractor broke"), store:
        generation = store.generation
        store.replace(demo_posts[10])
        store.delete(demo_posts[0].url)
        raise RuntimeError("the extractor broke")
    reader = backend.searcher(tmp_path)
    assert reader.doc_count() == 4
    assert reader.has_url(demo_posts[0].url) and not reader.has_url(demo_posts[10].url)
    assert store.generation == generation  # nothing was committed


def test_each_commit_has_a_new_generation(backend, tmp_path, demo_posts):
    store = backend.store(tmp_path, False)
    with store:
        store.replace(demo_posts[0])
    first = store.generation
    with store:
        assert store.generation == first  # inside a batch: the committed index
        store.replace(demo_posts[1])
    assert store.generation is not None and first is not None and store.generation != first


def test_a_rebuild_replaces_every_post_at_once(backend, tmp_path, demo_posts):
    _write(backend, tmp_path, demo_posts[:10])
    kept = demo_posts[20:23]
    _write(backend, tmp_path, kept, rebuild=True)
    reader = backend.searcher(tmp_path)
    assert reader.doc_count() == 3
    assert [reader.has_url(post.url) for post in demo_posts[:10]] == [False] * 10
    assert all(reader.has_url(post.url) for post in kept)


def test_after_commit_work_reports_no_warning_on_a_healthy_index(backend, tmp_path, demo_posts):
    store = backend.store(tmp_path, False)
    with store:
        store.replace(demo_posts[0])
    assert store.after_commit() == []
    assert store.state_dir is None or store.state_dir.is_dir()


def test_writing_outside_a_batch_is_refused(backend, tmp_path, demo_posts):
    store = backend.store(tmp_path, False)
    with pytest.raises(RuntimeError, match="with"):
        store.replace(demo_posts[0])


# -- SearchBackend --------------------------------------------------------------------------


@pytest.fixture(scope="module", params=sorted(BACKENDS))
def demo_reader(request, tmp_path_factory, demo_posts) -> SearchBackend:
    """Every demo post written through the backend's store, then opened for searching."""
    kind = BACKENDS[request.param](request)
    where = tmp_path_factory.mktemp(f"contract-{request.param}")
    _write(kind, where, demo_posts)
    return kind.searcher(where)


def _post(demo_posts, url: str) -> Post:
    return next(post for post in demo_posts if post.url == url)


def test_words_find_the_posts_that_hold_them_all_first(demo_reader, demo_posts):
    found = demo_reader.search(SearchRequest("sourdough starter", per_page=50))
    assert found.total >= 1 and found.hits
    both = [p.url for p in demo_posts if "sourdough" in p.body.lower() and "starter" in p.body]
    assert set(_urls(found)[: len(both)]) == set(both)


def test_a_phrase_finds_posts_with_those_words_in_order(demo_reader, demo_posts):
    sentence = demo_posts[5].body.split(".")[0].split()
    phrase = " ".join(sentence[2:5])
    urls = _search(demo_reader, f'"{phrase}"')
    assert demo_posts[5].url in urls
    wanted = stem_terms(phrase)
    for url in urls:
        post = _post(demo_posts, url)
        words = stem_terms(f"{post.title}\n{post.body}")
        starts = range(len(words) - len(wanted) + 1)
        assert any(words[i : i + len(wanted)] == wanted for i in starts), (url, phrase)


def test_an_excluded_word_removes_its_posts(demo_reader, demo_posts):
    with_garden = set(_search(demo_reader, "garden"))
    without_bread = set(_search(demo_reader, "garden -bread"))
    assert without_bread and without_bread < with_garden
    for url in without_bread:
        assert "bread" not in _post(demo_posts, url).body.lower()


def test_a_field_finds_only_that_field(demo_reader, demo_posts):
    author = Counter(p.author for p in demo_posts if p.author).most_common(1)[0][0]
    urls = _search(demo_reader, f'author:"{author}"')
    assert sorted(urls) == sorted(p.url for p in demo_posts if p.author == author)


def test_filters_and_dates_narrow_the_results(demo_reader, demo_posts):
    category = Counter(c for p in demo_posts for c in p.categories).most_common(1)[0][0]
    urls = _search(demo_reader, "", filters=Filters(category=(category,)))
    assert sorted(urls) == sorted(p.url for p in demo_posts if category in p.categories)
    in_2021 = _search(demo_reader, "date:2021")
    assert sorted(in_2021) == sorted(p.url for p in demo_posts if p.date and p.date.year == 2021)


def test_facets_count_the_whole_result_set(demo_reader, demo_posts):
    found = demo_reader.search(SearchRequest("the", per_page=5, with_snippets=False))
    browse = demo_reader.search(SearchRequest("", per_page=5, filters=Filters(year=("2023",))))
    years = {c.value: c.count for c in browse.facets.counts["year"]}
    assert years == {"2023": sum(1 for p in demo_posts if p.date and p.date.year == 2023)}
    assert found.total == 0 or found.facets.counts  # a stop word alone may match nothing


def test_newest_first_and_pages_that_follow_each_other(demo_reader, demo_posts):
    first = demo_reader.search(SearchRequest("", per_page=10, sort="newest", filters=_all()))
    second = demo_reader.search(
        SearchRequest("", page=2, per_page=10, sort="newest", filters=_all())
    )
    dates = [hit.date for hit in first.hits + second.hits]
    assert dates == sorted(dates, reverse=True) and len(dates) == 20
    assert not set(_urls(first)) & set(_urls(second))
    assert first.total == second.total == sum(1 for p in demo_posts if p.date)
    assert first.pages == -(-first.total // 10)


def _all() -> Filters:
    return Filters(year=tuple(str(year) for year in range(2000, 2030)))


def test_snippets_mark_the_words_and_escape_the_page(backend, tmp_path, demo_posts):
    hostile = replace(
        demo_posts[0],
        url="https://demo.postsearch.test/hostile/",
        title="Quokka <b>bold</b> title",
        body='A quokka <script>alert("x")</script> & friends.\n\nMore about the quokka.',
    )
    _write(backend, tmp_path, [hostile])
    (hit,) = backend.searcher(tmp_path).search(SearchRequest("quokka")).hits
    assert "<mark>quokka</mark>" in hit.snippet_html.lower()
    assert "<script>" not in hit.snippet_html and "&lt;script&gt;" in hit.snippet_html
    assert "<b>" not in hit.title_html and "<mark>Quokka</mark>" in hit.title_html
    assert unescape(hit.title_html.replace("<mark>", "").replace("</mark>", "")) == hit.title


def test_suggest_completes_titles_and_words(demo_reader, demo_posts):
    title = next(p.title for p in demo_posts if "sourdough" in p.title.lower())
    found = demo_reader.suggest("sourd", 8)
    assert title in [s.text for s in found if s.kind == "title"]
    assert any(s.kind == "term" and s.text.startswith("sourd") for s in found)
    assert demo_reader.suggest("zzzzqq", 8) == []


def test_warm_up_reads_the_index_before_the_first_search(demo_reader, demo_posts):
    assert demo_reader.warm_up() >= 0
    assert demo_reader.doc_count() == len(demo_posts)


def test_related_posts_leave_out_the_post_and_an_unknown_address(demo_reader, demo_posts):
    post = next(p for p in demo_posts if "sourdough" in p.title.lower())
    related = demo_reader.related(post.url, 3)
    assert related and len(related) <= 3
    assert post.url not in [r.url for r in related]
    assert all(r.title and r.url in {p.url for p in demo_posts} for r in related)
    assert demo_reader.related("https://demo.postsearch.test/no/such/post/", 3) is None


def test_related_posts_are_posts_not_static_pages(backend, tmp_path, demo_posts):
    """A static page that says what a post says (a site indexing its pages too) is found
    by a search, and is never offered as a post to read next."""
    post = next(p for p in demo_posts if "sourdough" in p.title.lower())
    page = replace(
        post, url="https://demo.postsearch.test/about-our-bread/", kind="page", date=None
    )
    _write(backend, tmp_path, [*demo_posts, page])
    reader = backend.searcher(tmp_path)
    assert page.url in _search(reader, post.title)
    related = reader.related(post.url, 5)
    assert related and page.url not in [r.url for r in related]
