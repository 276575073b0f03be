"""The demo site: every post indexed, no listing page indexed, queries find the right posts."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from searchweb.engine.backend import WhooshSearchBackend
from searchweb.engine.search import SearchRequest


def _paths(urls) -> set[str]:
    return {urlsplit(url).path for url in urls}


def test_every_post_is_indexed_and_nothing_failed(demo_index, demo_expected):
    _, summary = demo_index
    assert summary.failed == []
    assert _paths(summary.indexed) == set(demo_expected["posts"])


def test_no_listing_or_static_page_is_indexed(demo_index, demo_expected):
    _, summary = demo_index
    skipped = {skip.location.split("demo-site/", 1)[1] for skip in summary.skipped}
    assert skipped == set(demo_expected["nonposts"])
    reasons = summary.skip_reasons()
    assert reasons.get("home page", 0) >= 1
    assert reasons.get("tag archive", 0) >= 1 and reasons.get("category archive", 0) >= 1


def test_indexed_posts_carry_their_metadata(demo_index):
    backend = WhooshSearchBackend(demo_index[0])
    hits = (
        backend.search(SearchRequest("the", per_page=50)).hits
        or backend.search(SearchRequest("garden", per_page=50)).hits
    )
    for hit in hits:
        assert hit.title and hit.date and hit.author and hit.categories, hit


def test_expected_post_ranks_first(demo_index, demo_queries):
    backend = WhooshSearchBackend(demo_index[0])
    cases = [case for case in demo_queries if "expected_first" in case]
    assert len(cases) >= 10
    for case in cases:
        results = backend.search(SearchRequest(case["query"]))
        assert results.hits, case
        assert urlsplit(results.hits[0].url).path == case["expected_first"], case
        assert "<mark>" in results.hits[0].snippet_html + results.hits[0].title_html


def test_queries_with_several_answers_find_exactly_those(demo_index, demo_queries):
    backend = WhooshSearchBackend(demo_index[0])
    cases = [case for case in demo_queries if "expected_all" in case]
    assert cases
    for case in cases:
        results = backend.search(SearchRequest(f'"{case["query"]}"', per_page=50))
        assert _paths(hit.url for hit in results.hits) == set(case["expected_all"]), case


@pytest.mark.parametrize("word", ["Subscribe", "Proudly powered by WordPress", "Leave a Reply"])
def test_chrome_words_are_not_in_any_post(demo_index, word):
    results = WhooshSearchBackend(demo_index[0]).search(SearchRequest(f'"{word}"'))
    assert results.total == 0, [hit.url for hit in results.hits]


def test_spanish_post_is_found_by_another_form_of_its_words(demo_index):
    backend = WhooshSearchBackend(demo_index[0])
    languages = backend.searcher().reader().indexed_field_names()
    assert "body_es" in languages
