"""The embeddable widget on another origin: results where CORS allows it, nothing where not.

Two stand-in blogs run on their own ports of 127.0.0.1 (so their pages are other origins
than the search server), each page embedding `/widget.js` with one script tag. The search
server lists only the first in `cors_origins`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from conftest import LiveServer
from playwright.sync_api import expect

from searchweb.web.app import create_app

WIDGET_BUDGET_BYTES = 10 * 1024
DEMO_POSTS = "https://demo.postsearch.test/**"

HOST_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>A blog that embeds postsearch</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<header><p>The host blog</p></header>
<main>
  <h1>The host blog</h1>
  <form role="search" action="/elsewhere">
    <label for="site-search">Search this blog</label>
    <input id="site-search" name="s" type="search">
  </form>
  <p>Some post text on the host page.</p>
</main>
<script src="{search}/widget.js" data-postsearch-input="#site-search" defer></script>
</body>
</html>
"""


class HostSite:
    """A stand-in blog: a WSGI app whose one page embeds the widget of `search_url`."""

    def __init__(self) -> None:
        self.search_url = ""

    def __call__(self, environ, start_response):
        body = HOST_PAGE.format(search=self.search_url).encode("utf-8")
        start_response(
            "200 OK",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]


@dataclass(frozen=True)
class WidgetServers:
    search: LiveServer
    allowed: LiveServer  # its origin is in the search server's cors_origins
    refused: LiveServer  # its origin is not


@pytest.fixture(scope="session")
def widget_servers(demo_index) -> Iterator[WidgetServers]:
    allowed_site, refused_site = HostSite(), HostSite()
    with LiveServer(allowed_site) as allowed, LiveServer(refused_site) as refused:
        app = create_app(
            {
                "index_dir": str(demo_index[0]),
                "site_name": "Demo blog",
                "cors_origins": [allowed.url],
                "rate_limit": "",  # the widget asks the API on the keystrokes of every test
            }
        )
        with LiveServer(app) as search:
            allowed_site.search_url = refused_site.search_url = search.url
            yield WidgetServers(search, allowed, refused)


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
def test_widget_shows_results_on_an_allowed_origin(page, widget_servers):
    servers = widget_servers
    page.route(  # a result link points at the demo blog's fictional address: answer it here
        "https://demo.postsearch.test/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Post</title>"
        ),
    )
    page.goto(servers.allowed.url + "/")
    box = page.get_by_role("combobox", name="Search this blog")
    box.press_sequentially("bread", delay=20)
    listbox = page.get_by_role("listbox", name="Search results")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options.first.locator("mark").first).to_have_text(re.compile("bread", re.I))
    assert options.count() >= 2  # results, then "See all … results"
    expect(options.last).to_contain_text("See all")
    expect(page.get_by_role("status")).to_contain_text("results")
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
    page.route(
        "https://demo.postsearch.test/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Post</title>"
        ),
    )
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
