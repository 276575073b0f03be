"""The embeddable widget on another origin: results where CORS allows it, nothing where not.

Two stand-in blogs run on their own ports of 127.0.0.1 (so their pages are other origins
than the search server), each page embedding `/widget.js` with one script tag. The search
server lists only the first in `cors_origins`.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

WIDGET_BUDGET_BYTES = 10 * 1024
WIDGET_RESULTS = 5  # how many results the widget shows, unless its tag says otherwise
DEMO_POSTS = "https://demo.postsearch.test/**"


def _fake_post(route) -> None:
    """Answer for the demo blog's fictional host, so following a result needs no network."""
    route.fulfill(status=200, content_type="text/html", body="<title>A post</title>")


def test_widget_script_is_small_and_cacheable(demo_client):
    response = demo_client.get("/widget.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert len(response.data) < WIDGET_BUDGET_BYTES, len(response.data)
    assert "max-age" in response.headers["Cache-Control"]


@pytest.mark.browser
def test_widget_shows_results_on_an_allowed_origin(page, widget_servers, demo_client):
    servers = widget_servers
    # What the JSON API answers for the same words, as the widget asks (partial: typing).
    api = demo_client.get(
        "/api/search", query_string={"q": "bread", "partial": 1, "per_page": WIDGET_RESULTS}
    ).get_json()
    titles = [hit["title"] for hit in api["results"]]
    assert len(titles) >= 2
    page.route(DEMO_POSTS, _fake_post)  # result links point at the demo blog's fictional host
    page.goto(servers.allowed.url + "/")
    box = page.get_by_role("combobox", name="Search this blog")
    box.press_sequentially("bread", delay=20)
    listbox = page.get_by_role("listbox", name="Search results")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    # The API's results, each led by its title, then "See all … results".
    expect(options.locator("div:first-child")).to_have_text(
        [*titles, f"See all {api['total']} results →"]
    )
    expect(options.first.locator("mark").first).to_have_text(re.compile("bread", re.I))
    expect(page.get_by_role("status")).to_have_text(f"{api['total']} results")
    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")  # no option chosen: the full results page, on the search server
    expect(page).to_have_url(servers.search.url + "/search?q=bread")
    expect(page.locator("#results li.result").first).to_be_visible()
    assert page.console_errors == []


@pytest.mark.browser
def test_widget_enter_on_a_result_opens_that_post(page, widget_servers):
    page.route(DEMO_POSTS, _fake_post)
    page.goto(widget_servers.allowed.url + "/")
    box = page.get_by_role("combobox", name="Search this blog")
    box.press_sequentially("hedgehog", delay=20)
    first = page.get_by_role("listbox", name="Search results").get_by_role("option").first
    # Wait for the answer to the whole word, not to a prefix typed on the way.
    expect(first).to_contain_text("Hedgehog", ignore_case=True)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"^https://demo\.postsearch\.test/.*hedgehog"))
    assert page.console_errors == []


@pytest.mark.browser
def test_widget_marks_a_static_page(page, widget_servers):
    page.goto(widget_servers.allowed.url + "/")
    box = page.get_by_role("combobox", name="Search this blog")
    box.press_sequentially("editors", delay=20)  # a word only the About page has
    first = page.get_by_role("listbox", name="Search results").get_by_role("option").first
    expect(first.locator("div")).to_have_text([re.compile("About"), "Page", re.compile("editors")])
    assert page.console_errors == []


@pytest.mark.browser
def test_widget_is_refused_on_an_origin_not_allowed(page, widget_servers):
    page.goto(widget_servers.refused.url + "/")
    box = page.get_by_role("combobox", name="Search this blog")  # the script itself loaded
    with page.expect_event(
        "requestfailed", predicate=lambda request: "/api/search" in request.url
    ) as failed:
        box.press_sequentially("bread", delay=20)
    assert failed.value.url.startswith(widget_servers.search.url + "/api/search")
    page.wait_for_timeout(300)  # let any (wrong) rendering happen before looking
    expect(page.get_by_role("listbox", name="Search results")).to_be_hidden()
    assert page.locator("[role=option]").count() == 0
    # The one console error expected is the browser's own CORS refusal; nothing else.
    cors = [e for e in page.console_errors if "blocked by CORS policy" in e]
    assert cors, page.console_errors
    unexpected = [e for e in page.console_errors if e not in cors and "net::ERR_FAILED" not in e]
    assert unexpected == []
