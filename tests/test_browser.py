"""A visitor in a real browser: Debian's Chromium, driven by Playwright, on a real server.

Every test drives the demo blog's index through the real app under waitress on 127.0.0.1,
with the app's strict CSP in force, and ends by checking the console stayed clean.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

RESULT = "#results li.result"


def _result_count(page) -> int:
    text = page.locator("#result-count").inner_text()
    found = re.match(r"([\d,]+) results?", text)
    return int(found.group(1).replace(",", "")) if found else 0


def test_typing_a_query_shows_highlighted_results_and_updates_the_url(page, engine_server):
    """On each backend (Whoosh, Typesense): the same page, the same highlights."""
    page.goto(engine_server.url + "/")
    page.evaluate("window.__same_document = true")
    page.get_by_label("Search Demo blog").press_sequentially("bread", delay=30)
    expect(page.locator(RESULT).first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/search\?q=bread$"))
    first = page.locator(RESULT).first
    expect(first.locator("h2 a mark").first).to_have_text(re.compile("bread", re.I))
    assert first.locator(".snippet mark").count() >= 1
    expect(page.locator("#result-count")).to_contain_text("for bread")
    expect(page.locator('#facets [data-facet="year"] a').first).to_be_visible()
    # Drawn by search.js from /api/search, not by reloading the page.
    assert page.evaluate("window.__same_document") is True
    assert page.console_errors == []


def test_a_half_typed_word_already_shows_results(page, demo_server):
    page.goto(demo_server.url + "/")
    page.get_by_label("Search Demo blog").press_sequentially("hedgeh", delay=30)
    first = page.locator(RESULT).first
    expect(first).to_be_visible()
    expect(first.locator("mark").first).to_have_text(re.compile("^hedgehog", re.I))
    expect(page).to_have_url(re.compile(r"/search\?q=hedgeh$"))
    assert page.console_errors == []


def test_submitting_the_form_and_going_back_restores_the_earlier_search(page, demo_server):
    page.goto(demo_server.url + "/")
    box = page.get_by_label("Search Demo blog")
    box.fill("bread")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"q=bread"))
    expect(page.locator(RESULT).first).to_be_visible()
    box.fill("garden")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"q=garden"))
    expect(page.locator("#result-count")).to_contain_text("for garden")
    page.go_back()
    expect(page).to_have_url(re.compile(r"q=bread"))
    expect(box).to_have_value("bread")
    expect(page.locator("#result-count")).to_contain_text("for bread")
    assert page.console_errors == []


def test_when_the_api_fails_the_form_still_submits_to_the_server(page, demo_server):
    page.route("**/api/**", lambda route: route.fulfill(status=503, body="down"))
    page.goto(demo_server.url + "/")
    box = page.get_by_label("Search Demo blog")
    box.fill("bread")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=bread$"))
    expect(page.locator(RESULT).first.locator("mark").first).to_be_visible()
    # The browser reports the failed API calls; nothing else may go wrong.
    assert [e for e in page.console_errors if "503" not in e] == []


def test_the_page_can_be_used_with_the_keyboard_only(page, demo_server):
    page.goto(demo_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["x"] >= 0  # the skip link shows itself when focused
    page.keyboard.press("Tab")
    box = page.get_by_role("combobox", name="Search Demo blog")
    expect(box).to_be_focused()
    page.keyboard.type("gard")
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    words = listbox.get_by_role("option").filter(has_text=re.compile(r"word$"))
    expect(words.first).to_be_visible()
    titles = listbox.get_by_role("option").count() - words.count()
    for _ in range(titles + 1):  # arrow past the post titles to the first word
        page.keyboard.press("ArrowDown")
    chosen = listbox.get_by_role("option").nth(titles)
    expect(chosen).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", chosen.get_attribute("id"))
    word = chosen.locator("span").first.inner_text()
    page.keyboard.press("Enter")
    expect(box).to_have_value(word)
    expect(listbox).to_be_hidden()
    expect(page).to_have_url(re.compile(rf"q={word}$"))
    expect(page.locator(RESULT).first).to_be_visible()
    # Tab on to the first result: it gets focus, and the focus ring is visible.
    first_link = page.locator(RESULT).first.locator("h2 a")
    for _ in range(10):
        page.keyboard.press("Tab")
        if first_link.evaluate("a => a === document.activeElement"):
            break
    expect(first_link).to_be_focused()
    style, width = first_link.evaluate(
        "a => [getComputedStyle(a).outlineStyle, getComputedStyle(a).outlineWidth]"
    )
    assert style == "solid" and width != "0px", (style, width)
    assert page.console_errors == []


def test_filter_by_a_facet_then_remove_the_filter(page, demo_server):
    page.goto(demo_server.url + "/search?q=garden")
    everything = _result_count(page)
    facet = page.locator('#facets [data-facet="category"] a').first
    category = facet.locator(".facet-value").inner_text()
    facet_count = int(facet.locator(".count").inner_text().split()[0])
    facet.click()
    expect(page).to_have_url(re.compile(r"category="))
    chip = page.locator(".active-filters a.chip-remove")
    expect(chip).to_contain_text(f"Category: {category}")
    assert _result_count(page) == facet_count <= everything
    for result in page.locator(RESULT).all():
        expect(result.locator(".categories")).to_contain_text(category)
    chip.click()
    expect(page).not_to_have_url(re.compile(r"category="))
    expect(page.locator(".active-filters")).to_have_count(0)
    assert _result_count(page) == everything
    assert page.console_errors == []


def test_sort_by_newest_orders_results_by_date(page, demo_server):
    page.goto(demo_server.url + "/search?q=garden")
    page.get_by_role("navigation", name="Sort results").get_by_role("link", name="Newest").click()
    expect(page).to_have_url(re.compile(r"sort=newest"))
    dates = page.locator(f"{RESULT} time").evaluate_all("ts => ts.map(t => t.dateTime)")
    assert len(dates) >= 2 and dates == sorted(dates, reverse=True)
    assert page.console_errors == []


def test_follow_did_you_mean(page, demo_server):
    page.goto(demo_server.url + "/search?q=" + "sourdouhg")
    suggestion = page.locator("#suggestion")
    expect(suggestion).to_be_visible()
    corrected = suggestion.inner_text()
    suggestion.click()
    expect(page.get_by_label("Search Demo blog")).to_have_value(corrected)
    expect(page.locator(RESULT).first.locator("mark").first).to_be_visible()
    assert page.console_errors == []


def test_zero_results_page_helps_and_says_so_once(page, demo_server):
    page.goto(demo_server.url + "/search?q=zzxqvw+kwyjibo")
    expect(page.locator("#result-count")).to_have_text("No results for zzxqvw kwyjibo.")
    expect(page.locator(".zero-results")).to_contain_text("Check the spelling")
    assert page.locator(RESULT).count() == 0
    assert page.locator("main").inner_text().count("No results") == 1
    # Typed into the box (the script redraws the page): still said once.
    page.get_by_label("Search Demo blog").fill("qqxzvw")
    expect(page.locator("#result-count")).to_have_text("No results for qqxzvw.")
    assert page.locator("main").inner_text().count("No results") == 1
    assert page.console_errors == []


def test_results_page_works_with_javascript_disabled(chromium_browser, demo_server):
    context = chromium_browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(demo_server.url + "/?s=garden")  # WordPress's parameter
        assert page.locator(RESULT).count() >= 1
        page.locator('#facets [data-facet="year"] a').first.click()
        expect(page.locator(".active-filters a.chip-remove")).to_contain_text("Year: ")
        page.get_by_role("link", name=re.compile("Sort by Oldest")).click()
        expect(page).to_have_url(re.compile(r"year=.*sort=oldest|sort=oldest.*year="))
        assert page.locator(RESULT).count() >= 1
    finally:
        context.close()


def test_phone_width_dark_mode_has_no_sideways_scrolling(chromium_browser, demo_server):
    context = chromium_browser.new_context(
        viewport={"width": 360, "height": 740}, color_scheme="dark"
    )
    try:
        page = context.new_page()
        page.goto(demo_server.url + "/search?q=garden&per_page=20")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(21, 22, 26)"  # the dark palette, from prefers-color-scheme
    finally:
        context.close()


def test_browsers_can_discover_the_opensearch_description(page, demo_server):
    page.goto(demo_server.url + "/")
    link = page.locator('link[rel="search"][type="application/opensearchdescription+xml"]')
    response = page.request.get(demo_server.url + link.get_attribute("href"))
    assert response.headers["content-type"].startswith("application/opensearchdescription+xml")
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    root = ET.fromstring(response.body())
    template = root.find("os:Url[@type='text/html']", ns).get("template")
    assert template == demo_server.url + "/search?q={searchTerms}"
    page.goto(template.replace("{searchTerms}", "bread"))
    assert page.locator(RESULT).count() >= 1
    assert page.console_errors == []
