"""Things a visitor would report as bugs: phrases with stop words, a "did you mean" that
disagrees with the results, a page past the last, and an address that does not exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import build_index

from searchweb.web.app import create_app

POST = """<!doctype html><html lang="en"><head><title>{title} – Quirks</title>
<link rel="canonical" href="https://quirks.test/{slug}/"></head>
<body><article><h1 class="entry-title">{title}</h1>
<p class="byline">by Ann Example on <time datetime="2024-0{month}-01">1 2024</time></p>
<div class="entry-content">{body}</div></article></body></html>
"""
PAGES = {
    "posted-by": ("A note posted by the editor", "This note was posted by the editor herself, "
                  "who checks every post before it goes out. " * 3),
    "post-office": ("The post office", "The post office on the corner has a new counter and a "
                    "longer queue, as every post office seems to. " * 3),
    "hamlet": ("Rehearsal notes", "To be or not to be was the line the whole cast knew, "
               "and the one the lead forgot on the night. " * 3),
    "bees": ("Bees in May", "Bees are busy in May, and the hive is loud by noon. " * 3),
    "cafe": ("Orders at the corner", "She asked for a café crème and a croissant, then "
             "another café crème with the paper. " * 3),
    "sidewalk": ("The new pavement", "The sidewalk and the kerb were relaid in June; we "
                 "walk there every morning now. " * 3),
}  # fmt: skip


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    site = tmp_path_factory.mktemp("quirks-site")
    for month, (slug, (title, body)) in enumerate(PAGES.items(), 1):
        folder = site / slug
        folder.mkdir()
        page = POST.format(title=title, slug=slug, body=f"<p>{body}</p>", month=month)
        (folder / "index.html").write_text(page, encoding="utf-8")
    index = tmp_path_factory.mktemp("quirks-index")
    assert len(build_index(index, site).indexed) == len(PAGES)
    app = create_app({"index_dir": str(index), "rate_limit": "", "query_log": False})
    return app.test_client()


def _found(client, query: str) -> list[str]:
    answer = client.get("/api/search", query_string={"q": query}).json
    return [Path(hit["url"].rstrip("/")).name for hit in answer["results"]]


def test_a_quoted_phrase_with_stop_words_matches_exactly_that_phrase(client):
    assert _found(client, '"posted by"') == ["posted-by"]  # not every post with "post"
    assert _found(client, '"to be"') == ["hamlet"]  # stop words only
    assert _found(client, '"post office"') == ["post-office"]
    assert set(_found(client, 'post -"posted by"')) == {"post-office"}


def test_a_phrase_with_stop_words_is_found_whatever_its_accents_and_at_a_word_start(client):
    assert _found(client, '"a café crème"') == ["cafe"]
    assert _found(client, '"a cafe creme"') == ["cafe"]  # accents folded on both sides
    assert _found(client, '"sidewalk and"') == ["sidewalk"]
    assert _found(client, '"walk and"') == []  # "sidewalk and" holds no "walk and"


def test_a_phrase_with_stop_words_is_marked_where_it_stands(client):
    (hit,) = client.get("/api/search", query_string={"q": '"to be"'}).json["results"]
    assert re.search(r"<mark>To be</mark> or not <mark>to be</mark>", hit["snippet_html"])


def test_did_you_mean_agrees_with_the_words_the_results_hold(demo_client):
    def answer(query: str, **extra) -> dict:
        return demo_client.get("/api/search", query_string={"q": query, **extra}).json

    # A word the index holds, with results, is not corrected away from them.
    found = answer("sourdoguh starter")
    assert found["suggestion"]["text"] == "sourdough starter"
    assert "<mark>Starter</mark>" in found["results"][0]["title_html"]
    # The closest spelling wins over a commoner one further away, as in the results.
    typo = answer("starterr")
    assert typo["fuzzy"] and typo["suggestion"]["text"] == "starter"
    assert "<mark>Starter</mark>" in typo["results"][0]["title_html"]


def test_a_page_past_the_last_goes_to_the_last_page(demo_client):
    answer = demo_client.get("/search?q=garden&page=99")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/search?q=garden&page=2")
    last = demo_client.get(answer.headers["Location"])
    assert "page 2 of 2" in last.text and "page 99" not in last.text
    api = demo_client.get("/api/search?q=garden&page=99").json
    assert api["results"] == [] and api["pages"] == 2
    assert api["notices"] == ["Page 99 is past the last page of results, page 2."]


def test_an_address_that_does_not_exist_is_the_sites_own_page(demo_client):
    page = demo_client.get("/no/such/page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "<h1>Page not found</h1>" in page.text and 'role="search"' in page.text
    assert "Demo blog" in page.text  # the site's own name, not Flask's default page
    api = demo_client.get("/api/no-such-endpoint")
    assert api.status_code == 404 and api.json["error"]["code"] == "not_found"
