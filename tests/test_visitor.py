"""What a visitor meets: the phone layout, deep links into long posts, the words marked on
the post they open, related posts, and searching while they type.

The demo blog's pages stand at a fictional address; where a test follows a result to its
post, the browser is given the post's real file from data/demo-site, with the widget's
script tag added as a site that installed it would have.
"""

from __future__ import annotations

import json
import re

import httpx
import pytest
from helpers import DEMO_SITE, DEMO_SOURCE
from playwright.sync_api import expect

DEMO_HOST = "https://demo.postsearch.test"
LONG_POST = "/2025/04/12/walking-the-wend-valley-way/"
PHONE = {"width": 390, "height": 844}
RESULT = "#results li.result"


def _serve_demo_posts(page, search_url: str) -> None:
    """Answer the demo blog's address with its real files, each post embedding the widget,
    which the site serves from its own host (as a reverse proxy in front of postsearch
    does: a public page may not load scripts from a loopback address)."""

    def fulfil(route) -> None:
        path = route.request.url.removeprefix(DEMO_HOST).split("?")[0].split("#")[0]
        if path == "/widget.js":
            widget = httpx.get(search_url + "/widget.js")
            route.fulfill(status=200, content_type="text/javascript", body=widget.content)
            return
        file = DEMO_SITE / path.lstrip("/")
        file = file / "index.html" if file.is_dir() else file
        if not file.is_file():
            route.fulfill(status=404, body="not found")
        elif file.suffix != ".html":
            route.fulfill(status=200, body=file.read_bytes())
        else:
            html = file.read_text(encoding="utf-8").replace(
                "</body>", '<script src="/widget.js" defer></script></body>'
            )
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    page.route(f"{DEMO_HOST}/**", fulfil)


def _lines(locator) -> float:
    """How many lines of text an element shows."""
    return locator.evaluate(
        "e => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)"
    )


# -- the phone layout ---------------------------------------------------------------------


def test_on_a_phone_the_first_result_and_the_filters_are_above_the_fold(page, demo_server):
    page.set_viewport_size(PHONE)
    page.goto(demo_server.url + "/search?q=garden&category=Gardening")
    title = page.locator(RESULT).first.locator(".result-title")
    filters = page.locator("#facets > summary")
    expect(filters).to_have_text("Filters (1)")
    for element in (title, filters):
        box = element.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    snippets = page.locator(f"{RESULT} > .snippet")
    assert snippets.count() >= 3
    for index in range(snippets.count()):
        assert _lines(snippets.nth(index)) <= 3.05
    assert page.console_errors == []


def test_on_a_desktop_snippets_keep_to_four_lines_and_the_filters_stand_open(page, demo_server):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(demo_server.url + "/search?q=garden")
    snippets = page.locator(f"{RESULT} > .snippet")
    assert snippets.count() == 10
    assert max(_lines(snippets.nth(i)) for i in range(10)) <= 4.05
    expect(page.locator('#facets [data-facet="year"] a').first).to_be_visible()
    expect(page.locator("#facets > summary")).to_be_hidden()


def test_on_a_phone_the_filters_open_and_apply_without_javascript(chromium_browser, demo_server):
    context = chromium_browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(demo_server.url + "/search?q=garden")
        year = page.locator('#facets [data-facet="year"] a').first
        expect(year).to_be_hidden()  # closed until asked for
        page.locator("#facets > summary").click()
        expect(year).to_be_visible()
        chosen = year.locator(".facet-value").inner_text()
        year.click()
        expect(page).to_have_url(re.compile(rf"year={chosen}"))
        expect(page.locator("#facets > summary")).to_have_text("Filters (1)")
        expect(page.locator(".active-filters")).to_contain_text(f"Year: {chosen}")
        dates = page.locator(f"{RESULT} time").all_inner_texts()
        assert dates and all(date.startswith(chosen) for date in dates)
    finally:
        context.close()


# -- deep links into long posts -----------------------------------------------------------


def test_a_match_under_a_heading_gets_a_deep_link_to_it(engine_client):
    found = engine_client.get("/api/search?q=ferryman").json
    (hit,) = [hit for hit in found["results"] if hit["url"].endswith(LONG_POST)]
    assert [sub["title"] for sub in hit["sub_results"]] == ["Day two: Hatherley to Combe St Anne"]
    (sub,) = hit["sub_results"]
    assert sub["url"] == DEMO_HOST + LONG_POST + "#day-two"
    assert "<mark>ferryman</mark>" in sub["snippet_html"]
    page = (DEMO_SITE / LONG_POST.strip("/") / "index.html").read_text(encoding="utf-8")
    assert 'id="day-two"' in page
    # A short post has no deep links, and every hit says so in the same shape.
    short = engine_client.get("/api/search?q=puncture").json["results"]
    assert short and all(hit["sub_results"] == [] for hit in short)


def test_deep_links_come_in_the_posts_order_at_most_three(engine_client):
    found = engine_client.get("/api/search?q=tide+abbey+river+ferry").json["results"]
    (hit,) = [hit for hit in found if hit["url"].endswith(LONG_POST)]
    titles = [sub["title"] for sub in hit["sub_results"]]
    assert 1 <= len(titles) <= 3
    order = [line for line in (DEMO_SOURCE / "posts" / "2025-04-12-wend-valley-way.md")
             .read_text(encoding="utf-8").splitlines() if line.startswith("## ")]  # fmt: skip
    positions = [next(i for i, line in enumerate(order) if title in line) for title in titles]
    assert positions == sorted(positions)


def test_following_a_deep_link_lands_on_its_heading_with_the_words_marked(page, demo_server):
    _serve_demo_posts(page, demo_server.url)
    page.goto(demo_server.url + "/search?q=saltmarsh+causeway")
    sub = page.locator(f"{RESULT} .sub-results a").filter(has_text="Day five")
    expect(sub).to_have_text("Day five: Wendmouth Abbey to the sea")
    sub.click()
    anchor = "day-five-wendmouth-abbey-to-the-sea"  # no id in the page: the widget adds it
    expect(page).to_have_url(re.compile(rf"{LONG_POST}\?highlight=saltmarsh\+causeway#{anchor}$"))
    heading = page.locator(f"#{anchor}")
    expect(heading).to_have_text("Day five: Wendmouth Abbey to the sea")
    expect(heading).to_be_in_viewport()
    marks = page.locator("main mark")
    assert {text.lower() for text in marks.all_inner_texts()} == {"saltmarsh", "causeway"}


def test_the_words_of_highlight_are_marked_on_the_post_and_nothing_else(page, demo_server):
    _serve_demo_posts(page, demo_server.url)
    hostile = "<img src=x onerror=alert(1)>"
    page.goto(f"{DEMO_HOST}{LONG_POST}?highlight=ferryman+{hostile}")
    expect(page.locator("main mark").first).to_have_text("ferryman")
    expect(page.locator("main mark").first).to_be_in_viewport()
    assert page.locator("main img[src=x]").count() == 0
    text = page.locator("main").inner_text()
    assert "the ferryman, Mr Pask" in text  # the words are marked, the text is unchanged
    # The demo pages name theme files the demo site does not ship: those 404s aside, none.
    assert [e for e in page.console_errors if "Failed to load resource" not in e] == []


# -- related posts ------------------------------------------------------------------------


def _judged() -> tuple[dict[str, list[str]], dict[str, str]]:
    judged = json.loads((DEMO_SOURCE / "related.json").read_text(encoding="utf-8"))["judged"]
    posts = json.loads((DEMO_SOURCE / "expected.json").read_text(encoding="utf-8"))["posts"]
    return judged, {path.strip("/").split("/")[-1]: DEMO_HOST + path for path in posts}


def test_related_posts_hold_what_a_reader_marked_as_related(demo_client):
    judged, urls = _judged()
    precision = []
    for slug, related in judged.items():
        answer = demo_client.get("/api/related", query_string={"url": urls[slug], "limit": 5})
        got = [post["url"].rstrip("/").split("/")[-1] for post in answer.json["related"]]
        assert len(got) == 5 and slug not in got
        precision.append(sum(post in related for post in got) / 5)
    mean = sum(precision) / len(precision)
    print(f"\nrelated posts: precision@5 {mean:.2f} over {len(precision)} judged posts")
    assert len(precision) == 20 and mean >= 0.8


def test_related_posts_answer_with_title_url_date_and_summary(demo_client):
    _, urls = _judged()
    answer = demo_client.get(
        "/api/related", query_string={"url": urls["waking-up-a-sourdough-starter"]}
    )
    first = answer.json["related"][0]
    assert set(first) == {"title", "url", "date", "summary"} and first["title"] and first["date"]
    assert demo_client.get("/api/related").json["error"]["code"] == "missing_url"
    unknown = demo_client.get("/api/related?url=https://elsewhere.test/post/")
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "not_found"
    too_many = demo_client.get("/api/related", query_string={"url": first["url"], "limit": 99})
    assert too_many.json["error"]["code"] == "invalid_limit"


def test_the_widget_lists_related_posts_on_a_post(page, widget_servers):
    page.goto(widget_servers.allowed.url + "/post/")
    box = page.get_by_role("region", name="Related posts")
    expect(box.get_by_role("link")).to_have_count(5)
    titles = box.get_by_role("link").all_inner_texts()
    assert "Leaf Mould: The Laziest Compost There Is" not in titles  # not the post itself
    assert page.console_errors == []


# -- searching while typing ----------------------------------------------------------------


def test_an_unfinished_word_finds_its_posts_while_typing(page, demo_server):
    page.goto(demo_server.url + "/search")
    page.get_by_label("Search Demo blog").press_sequentially("hedg", delay=40)
    expect(page.locator(RESULT).first.locator(".result-title")).to_contain_text("Hedgehog")
    expect(page.locator("#result-count")).not_to_contain_text("No results")
    assert page.console_errors == []


@pytest.mark.parametrize(
    ("typed", "unfinished"), [("sourdough starte", "starte"), ("hedgeho", "hedgeho")]
)
def test_an_unfinished_word_is_not_corrected_while_typing(demo_client, typed, unfinished):
    found = demo_client.get("/api/search", query_string={"q": typed, "partial": "1"}).json
    assert found["total"] > 0
    suggestion = found["suggestion"]
    assert suggestion is None or unfinished in suggestion["text"]
