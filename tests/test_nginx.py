"""postsearch behind Debian's nginx with deploy/nginx.conf, at a root and under /search/:
every route the page and the widget use works, and links name the public address."""

from __future__ import annotations

from urllib.parse import urljoin

import httpx
import pytest

pytestmark = [pytest.mark.deploy, pytest.mark.browser]

POST = "https://demo.postsearch.test/"


@pytest.fixture(params=["root", "prefix"])
def public(request, nginx_proxy) -> str:
    """The public address of the search page: a host's root, or /search/ on the site."""
    proxy = nginx_proxy.proxy
    return proxy.root_url if request.param == "root" else proxy.prefix_url


def test_search_and_click_a_result_through_the_proxy(public, page):
    page.goto(public)
    page.fill("#q", "sourdough")
    page.press("#q", "Enter")  # searched through /api/search by the page's script
    page.locator(".result-title a").first.wait_for()
    assert page.url == urljoin(public, "search?q=sourdough")
    page.reload()  # the server's own rendering: its result links go through /click
    link = page.locator(".result-title a").first
    href = urljoin(page.url, link.get_attribute("href"))
    assert href.startswith(urljoin(public, "click?"))
    # The click goes through nginx to /click; its redirect names the post, on the demo
    # blog's fictional host, so the browser is shown the answer instead of following it.
    clicks: list[tuple[int, str]] = []

    def through_click(route):
        answer = route.fetch(max_redirects=0)
        clicks.append((answer.status, answer.headers.get("location", "")))
        route.fulfill(status=200, body="redirected", content_type="text/plain")

    page.route("**/click?**", through_click)
    link.click()
    page.wait_for_load_state()
    assert clicks and clicks[0][0] == 302 and clicks[0][1].startswith(POST)
    assert "sourdough" in clicks[0][1]
    assert page.console_errors == []


def test_the_opensearch_link_and_every_route_name_the_public_address(public, page):
    page.goto(public)
    described = page.locator('link[rel="search"]').get_attribute("href")
    description = httpx.get(urljoin(public, described), timeout=10)
    assert description.status_code == 200
    assert f'template="{urljoin(public, "search")}?q={{searchTerms}}"' in description.text
    for path in ("widget.js", "static/style.css", "static/search.js", "theme.css", "health"):
        answer = httpx.get(urljoin(public, path), timeout=10)
        assert answer.status_code in (200, 404) if path == "theme.css" else answer.is_success
    api = httpx.get(urljoin(public, "api/search"), params={"q": "garden"}, timeout=10)
    assert api.status_code == 200 and api.json()["total"] > 0
    openapi = httpx.get(urljoin(public, "api/openapi.json"), timeout=10).json()
    assert openapi["servers"] == [{"url": public.rstrip("/")}]
    suggest = httpx.get(urljoin(public, "api/suggest"), params={"q": "gard"}, timeout=10)
    assert suggest.status_code == 200 and suggest.json()["suggestions"]


def test_the_widget_reads_the_api_under_the_public_address(nginx_proxy, page):
    """The widget loaded from /search/widget.js asks /search/api/... and links /search/search."""
    public = nginx_proxy.proxy.prefix_url
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(nginx_proxy.blog.url)
    page.locator("#site-search").press_sequentially("garden", delay=30)
    page.locator("[role=option]").first.wait_for(timeout=5000)
    assert any(url.startswith(urljoin(public, "api/search?")) for url in asked)
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.locator("#site-search").press("Enter")
    assert page.url == urljoin(public, "search?q=garden")


def test_a_forged_forwarded_header_is_not_believed(nginx_proxy):
    """One trusted proxy: a visitor's own X-Forwarded-Host is replaced by nginx's."""
    public = nginx_proxy.proxy.root_url
    answer = httpx.get(
        urljoin(public, "opensearch.xml"),
        headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Prefix": "/evil"},
        timeout=10,
    )
    assert "evil" not in answer.text and public.rstrip("/") in answer.text
