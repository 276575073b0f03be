"""Each query feature on the demo site, checked the way a visitor would check it.

Expectations come from other searches or from the results themselves (a filter's count must
equal the facet count that offered it), never from a hard-coded list of posts.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import build_index
from whoosh import index as whoosh_index
from whoosh.fields import TEXT
from whoosh.lang import stopwords_for_language

from indexer.index import schema as schema_module
from searchweb.query.spelling import close_words, spelling_fields
from searchweb.web.app import create_app

MARK = re.compile(r"</?mark>")


def _search(client, **params) -> dict:
    params.setdefault("per_page", 50)
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _urls(client, **params) -> set[str]:
    return {hit["url"] for hit in _search(client, **params)["results"]}


def test_a_phrase_needs_its_words_together_and_in_order(engine_client):
    data = _search(engine_client, q='"sourdough starter"')
    assert data["total"] >= 1
    for hit in data["results"]:
        shown = MARK.sub("", hit["title_html"] + " " + hit["snippet_html"]).lower()
        assert "sourdough starter" in shown
    loose = _urls(engine_client, q="sourdough starter")
    assert {hit["url"] for hit in data["results"]} <= loose
    assert _search(engine_client, q='"starter sourdough"')["total"] < len(loose)


def test_excluded_words_remove_exactly_their_posts(engine_client):
    garden, tomato = _urls(engine_client, q="garden"), _urls(engine_client, q="tomato")
    assert garden & tomato  # otherwise the test shows nothing
    assert _urls(engine_client, q="garden -tomato") == garden - tomato


def test_or_is_the_union(engine_client):
    bread, bike = _urls(engine_client, q="bread"), _urls(engine_client, q="bike")
    assert _urls(engine_client, q="bread OR bike") == bread | bike


def test_field_searches(engine_client):
    titled = _search(engine_client, q="title:garden")
    assert titled["total"] >= 1
    assert all("garden" in hit["title"].lower() for hit in titled["results"])
    assert titled["total"] < _search(engine_client, q="garden")["total"]

    author = _search(engine_client, q="bread")["results"][0]["author"]
    by_author = _search(engine_client, q=f'author:"{author}"')
    assert by_author["total"] >= 1
    assert {hit["author"] for hit in by_author["results"]} == {author}

    category = _search(engine_client, q="bread")["results"][0]["categories"][0]
    in_category = _search(engine_client, q=f'category:"{category}"')
    assert all(category in hit["categories"] for hit in in_category["results"])


def test_date_ranges_in_the_query_and_as_parameters(engine_client):
    data = _search(engine_client, q="date:2021..2022")  # a date alone browses that range
    assert data["total"] >= 1
    assert all("2021-01-01" <= hit["date"] <= "2022-12-31" for hit in data["results"])
    everything = _search(engine_client, **{"from": "1900"})
    in_range = {h["url"] for h in everything["results"] if "2021" <= h["date"][:4] <= "2022"}
    assert {hit["url"] for hit in data["results"]} == in_range
    assert _urls(engine_client, **{"from": "2021", "to": "2022"}) == in_range
    garden = {h["url"] for h in _search(engine_client, q="garden")["results"]}
    assert _urls(engine_client, q="garden date:2021..2022") == garden & in_range


def test_prefix_expands_to_whole_words(engine_client):
    assert _urls(engine_client, q="gard*") >= _urls(engine_client, q="garden")


def test_did_you_mean_offers_the_real_word_and_following_it_finds_posts(engine_client):
    hit = _search(engine_client, q="hedgehog")["results"][0]
    data = _search(engine_client, q="hedgehgo")
    assert data["suggestion"]["text"] == "hedgehog"
    assert data["suggestion"]["html"] == "<mark>hedgehog</mark>"
    followed = _search(engine_client, q=data["suggestion"]["text"])
    assert hit["url"] in {h["url"] for h in followed["results"]}


def test_did_you_mean_for_an_unknown_word_among_known_ones(engine_client):
    data = _search(engine_client, q="sourdugh bread")
    assert data["total"] > 0 and not data["fuzzy"]
    assert data["suggestion"]["text"] == "sourdough bread"


def test_typo_fallback_says_so_and_finds_the_post(engine_client):
    exact = _urls(engine_client, q="hedgehog")
    data = _search(engine_client, q="hedgehgo")
    assert data["fuzzy"] is True
    assert any("close spellings" in notice for notice in data["notices"])
    assert {hit["url"] for hit in data["results"]} == exact
    assert _search(engine_client, q="hedgehog")["fuzzy"] is False


def test_a_stop_word_is_not_taken_for_a_typo(demo_client, demo_index):
    # Stop words are left out of the index, so they look unknown; "have" must not become
    # "did you mean hive". Checked on the stop words that do have a close word here.
    index = whoosh_index.open_dir(str(demo_index[0]))
    with index.reader() as reader:
        fields = spelling_fields(reader, ("en",))
        close = [w for w in sorted(stopwords_for_language("en")) if close_words(reader, fields, w)]
    assert len(close) >= 5, close
    for word in close:
        for text in (word, f"hedgehog {word}"):
            assert _search(demo_client, q=text)["suggestion"] is None, text


def test_partial_completes_the_last_word_while_typing(engine_client):
    whole = _urls(engine_client, q="hedgehog")
    assert whole
    as_typed = _search(engine_client, q="hedgeh")  # a finished word: nothing, or close spellings
    assert as_typed["total"] == 0 or as_typed["fuzzy"]
    typed = _search(engine_client, q="hedgeh", partial=1)
    assert not typed["fuzzy"]
    assert {hit["url"] for hit in typed["results"]} >= whole
    assert all("<mark>" in h["title_html"] + h["snippet_html"] for h in typed["results"])
    # Only the last word is unfinished; earlier words, phrases and fields are as typed.
    assert _urls(engine_client, q="sourdough bre", partial=1) >= _urls(
        engine_client, q="sourdough bread"
    )
    phrase = '"sourdough starter"'
    assert _urls(engine_client, q=phrase, partial=1) == _urls(engine_client, q=phrase)
    bad = engine_client.get("/api/search", query_string={"q": "x", "partial": "maybe"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_partial"


def test_nonsense_gets_no_results_and_no_suggestion(engine_client):
    data = _search(engine_client, q="qzxv")
    assert data["total"] == 0 and data["results"] == [] and data["suggestion"] is None


@pytest.mark.parametrize("facet", ["category", "author", "tag", "year"])
def test_facet_counts_match_the_filtered_results(engine_client, facet):
    data = _search(engine_client, q="garden")
    assert data["facets"][facet], f"no {facet} facet for 'garden'"
    for entry in data["facets"][facet][:5]:
        narrowed = _search(engine_client, q="garden", **{facet: entry["value"]})
        assert narrowed["total"] == entry["count"], (facet, entry)
        assert narrowed["filters"][facet] == [entry["value"]]
    if facet == "year":  # every demo post is dated, so years partition the results
        assert sum(e["count"] for e in data["facets"]["year"]) == data["total"]


def test_removing_a_filter_restores_the_results(engine_client):
    everything = _urls(engine_client, q="garden")
    category = _search(engine_client, q="garden")["facets"]["category"][0]["value"]
    narrowed = _urls(engine_client, q="garden", category=category)
    assert narrowed < everything
    assert _urls(engine_client, q="garden") == everything


def test_filters_alone_browse_newest_first(engine_client):
    data = _search(engine_client, category="Gardening")
    assert data["total"] >= 2
    dates = [hit["date"] for hit in data["results"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(("sort", "newest_first"), [("newest", True), ("oldest", False)])
def test_sort_by_date(engine_client, sort, newest_first):
    relevance = _search(engine_client, q="garden")
    by_date = _search(engine_client, q="garden", sort=sort)
    dates = [hit["date"] for hit in by_date["results"]]
    assert dates == sorted(dates, reverse=newest_first)
    assert dates != [hit["date"] for hit in relevance["results"]]
    assert {h["url"] for h in by_date["results"]} == {h["url"] for h in relevance["results"]}
    assert by_date["sort"] == sort


def test_synonyms_answer_a_query_without_reindexing(demo_index):
    index_dir = demo_index[0]
    plain = create_app(config={"index_dir": index_dir}).test_client()
    assert _search(plain, q="veggies")["total"] == 0
    with_synonym = create_app(
        config={"index_dir": index_dir, "synonyms": [("veggies", "vegetables")]}
    ).test_client()
    assert _search(with_synonym, q="veggies")["total"] == _search(plain, q="vegetables")["total"]
    assert _search(plain, q="vegetables")["total"] > 0


def test_autocomplete_offers_titles_then_words(engine_client):
    title = _search(engine_client, q="hedgehog")["results"][0]["title"]
    data = engine_client.get("/api/suggest", query_string={"q": "hedgeh"}).get_json()
    kinds = [s["kind"] for s in data["suggestions"]]
    assert kinds == sorted(kinds, key=lambda kind: kind != "title")
    assert title in [s["text"] for s in data["suggestions"] if s["kind"] == "title"]
    assert "hedgehog" in [s["text"] for s in data["suggestions"] if s["kind"] == "term"]
    assert engine_client.get("/api/suggest?q=").get_json()["suggestions"] == []
    assert engine_client.get("/api/suggest?q=a&limit=99").status_code == 400


def test_openapi_document_describes_the_api(demo_client):
    document = demo_client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    params = {p["name"] for p in document["paths"]["/api/search"]["get"]["parameters"]}
    assert params >= {"q", "page", "per_page", "sort", "year", "category", "author", "tag"}
    shape = document["components"]["schemas"]["SearchResults"]["required"]
    assert set(shape) == set(_search(demo_client, q="garden"))


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"q": "x", "sort": "random"}, "invalid_sort"),
        ({"q": "x", "year": "23"}, "invalid_filter"),
        ({"q": "x", "from": "2023-13"}, "invalid_date"),
        ({"q": "x", "tag": ["t"] * 11}, "invalid_filter"),
    ],
)
def test_bad_filters_are_400s_in_the_error_shape(demo_client, params, code):
    response = demo_client.get("/api/search", query_string=params)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


def test_recency_boost_lifts_recent_posts_when_switched_on(demo_index):
    index_dir = demo_index[0]
    plain = create_app(config={"index_dir": index_dir, "query_log": False}).test_client()
    fresh = create_app(
        config={"index_dir": index_dir, "query_log": False, "recency_boost": 1000.0}
    ).test_client()
    by_relevance = _search(plain, q="garden")
    newest = _search(plain, q="garden", sort="newest")["results"][0]
    assert by_relevance["results"][0]["url"] != newest["url"]  # else the test shows nothing
    boosted = _search(fresh, q="garden")
    assert boosted["results"][0]["url"] == newest["url"]
    assert {h["url"] for h in boosted["results"]} == {h["url"] for h in by_relevance["results"]}


def _undated_copy(site: Path) -> str:
    """A copy of the hedgehog post at a URL without a date, with every date taken out of it."""
    source = site / "2023" / "07" / "08" / "hedgehog-highways-between-gardens" / "index.html"
    soup = BeautifulSoup(source.read_text(encoding="utf-8"), "lxml")
    for tag in soup.select('time, script[type="application/ld+json"], meta[property^="article:"]'):
        tag.decompose()
    new_url = "https://demo.postsearch.test/notes/hedgehog-doors/"
    for tag in soup.select('link[rel="canonical"], meta[property="og:url"]'):
        tag["href" if tag.name == "link" else "content"] = new_url
    target = site / "notes" / "hedgehog-doors" / "index.html"
    target.parent.mkdir(parents=True)
    target.write_text(str(soup), encoding="utf-8")
    return new_url


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_an_undated_post_sorts_last_by_date_either_way(site_copy, tmp_path, sort):
    undated = _undated_copy(site_copy)
    build_index(tmp_path / "index", site_copy)
    client = create_app(config={"index_dir": str(tmp_path / "index"), "rate_limit": ""})
    data = _search(client.test_client(), q="garden", sort=sort)
    hits = data["results"]
    assert len(hits) == data["total"] >= 3  # the undated copy and dated posts about gardens
    assert sum(year["count"] for year in data["facets"]["year"]) == data["total"] - 1
    assert hits[-1]["url"] == undated
    assert not hits[-1]["date"]
    dates = [hit["date"] for hit in hits[:-1]]
    assert all(dates)
    assert dates == sorted(dates, reverse=sort == "newest")


def test_an_index_built_with_whooshs_own_spelling_field_still_grows_and_corrects(
    site_copy, tmp_path, monkeypatch
):
    # Indexes built before the spelling field kept only document ids used Whoosh's TEXT,
    # whose spelling field also keeps frequencies. Such an index keeps its pickled schema.
    index_dir = tmp_path / "index"
    with monkeypatch.context() as patch:
        patch.setattr(schema_module, "BodyText", partial(TEXT, spelling=True))
        build_index(index_dir, site_copy)
    old_format = type(whoosh_index.open_dir(str(index_dir)).schema["spell_body"].format)
    assert old_format.__name__ == "Frequency"

    undated = _undated_copy(site_copy)  # one more post, with words of its own below
    page = site_copy / "notes" / "hedgehog-doors" / "index.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace("<p>", "<p>Quokkaberry doors. ", 1),
        encoding="utf-8",
    )
    build_index(index_dir, site_copy)
    client = create_app(config={"index_dir": str(index_dir), "rate_limit": ""}).test_client()
    assert undated in _urls(client, q="quokkaberry")
    assert _search(client, q="quokaberry")["suggestion"]["text"] == "quokkaberry"
    assert _search(client, q="hedgehgo")["suggestion"]["text"] == "hedgehog"
