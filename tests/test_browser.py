"""A visitor in a real browser: Debian's Chromium, driven by Playwright, on a real server."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_type_a_query_submit_and_see_highlighted_results(page, demo_server, demo_queries):
    case = next(c for c in demo_queries if "expected_first" in c)
    page.goto(demo_server.url + "/")
    box = page.get_by_label("Search Demo blog")
    box.fill(case["query"])
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    results = page.locator("li.result")
    assert results.count() >= 1
    first_link = results.first.locator("h2 a")
    assert first_link.get_attribute("href").endswith(case["expected_first"])
    assert results.first.locator("mark").count() >= 1
    assert "result" in page.locator(".result-count").inner_text()
    assert page.console_errors == []


def test_results_page_works_with_javascript_disabled(chromium_browser, demo_server):
    context = chromium_browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(demo_server.url + "/search?q=bread")
        assert page.locator("li.result").count() >= 1
    finally:
        context.close()
