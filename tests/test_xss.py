"""XSS tripwire in a real browser: hostile posts are shown as text, and nothing of them runs.

tests/fixtures/xss-site holds five posts whose titles, bodies, authors, categories, tags,
JSON-LD and canonical URLs carry payloads: script tags, event handlers, `javascript:` and
`data:` URLs, broken and mutation-prone markup, entity tricks (`&lt;script&gt;`, double-
escaped, numeric, hex) and payloads that straddle a highlight (`</mark><script>`, a search
word inside an attribute-looking string). Every payload sets `window.__xss` if it ever runs.

The site is indexed with the real pipeline and served by waitress; Chromium then searches
for words that land inside the payloads on the results page, with search-as-you-type, in
the autocomplete and in the widget embedded in a page of another origin. The browser
contexts bypass the app's Content-Security-Policy, so what is tested is the escaping
itself, not the CSP that would otherwise hide a slip (the CSP is tested in test_api.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import FIXTURES, HostSite, LiveServer, build_index
from playwright.sync_api import expect

from searchweb.web.app import create_app

pytestmark = pytest.mark.browser

XSS_SITE = FIXTURES / "xss-site"
BASE_URL = "https://xss.example/"
RESULT = "#results li.result"
# Words of the payloads themselves, so highlights fall inside them, and one word per post.
PAYLOAD_WORDS = ("script", "window.__xss", "onerror", "mark", "javascript", "img", "svg")
POST_WORDS = ("zucchini", "quince", "kohlrabi", "parsnip", "rutabaga")
# Text that must be seen as written (the payload is displayed, not dropped or run).
VISIBLE = {
    "zucchini": "<script>window.__xss=1</script> Zucchini <img src=x onerror=window.__xss=1>",
    "quince": 'Quince "></mark><script>window.__xss=1</script> jelly',
    "parsnip": "Parsnip <scr<script>ipt>window.__xss=1</script> broken markup",
    "kohlrabi": "javascript:window.__xss=1",
    "rutabaga": "<svg onload=window.__xss=1>Walter",
}
# Counts every way a payload could come alive in a rendered page: any element a payload
# names, any on* attribute, any link whose scheme is not http(s) or relative.
INSPECT = """(root) => {
  const bad = [];
  const payloadTags = new Set(["SCRIPT","IMG","SVG","IFRAME","OBJECT","EMBED","STYLE","LINK",
    "META","MATH","NOSCRIPT","TEXTAREA","FORM","INPUT","BASE","TEMPLATE","B","I","TITLE"]);
  for (const el of (root || document).querySelectorAll("*")) {
    if (payloadTags.has(el.tagName)) bad.push("element " + el.tagName);
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) bad.push("attribute " + attr.name + " on " + el.tagName);
      if ((attr.name === "href" || attr.name === "src") &&
          /^\\s*(javascript|data|vbscript):/i.test(attr.value)) bad.push("url " + attr.value);
    }
  }
  return bad;
}"""
# Set before any page script: alert/confirm/prompt from a payload would also trip the wire.
TRIPWIRE_INIT = """
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = () => { window.__xss = "dialog:" + name; };
}
"""


@dataclass(frozen=True)
class XssServers:
    search: LiveServer
    host: LiveServer  # another origin embedding /widget.js, allowed by CORS


@pytest.fixture(scope="module")
def xss_index(tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("xss-index")
    summary = build_index(index_dir, XSS_SITE, base_url=BASE_URL)
    assert len(summary.indexed) == 5, summary
    return index_dir


@pytest.fixture(scope="module")
def xss_servers(xss_index) -> Iterator[XssServers]:
    host_site = HostSite()
    with LiveServer(host_site) as host:
        app = create_app(
            {
                "index_dir": str(xss_index),
                "site_name": "XSS blog",
                "cors_origins": [host.url],
                "rate_limit": "",  # every keystroke of every test asks the API
            }
        )
        with LiveServer(app) as search:
            host_site.search_url = search.url
            yield XssServers(search, host)


@pytest.fixture()
def xss_page(chromium_browser):
    """A page with the CSP bypassed (so escaping alone is tested) and the tripwire set."""
    context = chromium_browser.new_context(bypass_csp=True)
    context.add_init_script(TRIPWIRE_INIT)
    context.route(  # result links point at the fixture's fictional host
        BASE_URL + "**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>post</p>"),
    )
    browser_page = context.new_page()
    errors: list[str] = []
    browser_page.on("pageerror", lambda e: errors.append(str(e)))
    browser_page.page_errors = errors
    yield browser_page
    context.close()


def _assert_no_trip(page, where: str) -> None:
    page.wait_for_timeout(150)  # let any (wrong) handler or deferred payload fire first
    tripped = page.evaluate("typeof window.__xss === 'undefined' ? null : String(window.__xss)")
    assert tripped is None, f"{where}: a payload ran (window.__xss = {tripped})"
    frames = [f for f in page.frames if f != page.main_frame]
    assert frames == [], f"{where}: a payload made frames {[f.url for f in frames]}"
    assert page.page_errors == [], (where, page.page_errors)


def _assert_inert(page, selector: str, where: str) -> None:
    for root in page.locator(selector).all():
        bad = root.evaluate(INSPECT)
        assert bad == [], f"{where}: live markup from a page: {bad}"


def _hover_everything(page, selector: str) -> None:
    """Fire the events a visitor's pointer and keyboard would on every rendered part, so an
    on* handler that slipped through would run."""
    page.locator(selector).first.evaluate(
        """(root) => {
          for (const el of root.querySelectorAll("*")) {
            for (const type of ["mouseover", "mouseenter", "focus", "pointerover", "load"]) {
              el.dispatchEvent(new Event(type));
            }
          }
        }"""
    )


def test_results_page_shows_every_payload_as_text(xss_page, xss_servers):
    page = xss_page
    tried = 0
    for word in POST_WORDS + PAYLOAD_WORDS:
        page.goto(f"{xss_servers.search.url}/search?q={word}")
        expect(page.locator(RESULT).first).to_be_visible()
        tried += page.locator(RESULT).count()
        _assert_inert(page, "#results", f"results page for {word}")
        _assert_no_trip(page, f"results page for {word}")
        if word in VISIBLE:
            expect(page.locator("#results")).to_contain_text(VISIBLE[word])
    _hover_everything(page, "#results")
    _assert_no_trip(page, "results page after hovering")
    assert tried >= len(POST_WORDS) + len(PAYLOAD_WORDS)


def test_search_as_you_type_shows_payloads_as_text(xss_page, xss_servers):
    page = xss_page
    page.goto(xss_servers.search.url + "/")
    page.evaluate("window.__same_document = true")
    box = page.get_by_label("Search XSS blog")
    for word in ("quince", "zucchini", "parsnip"):
        box.fill("")
        box.press_sequentially(word, delay=15)
        expect(page.locator("#result-count")).to_contain_text(f"for {word}")
        expect(page.locator("#results")).to_contain_text(VISIBLE[word])
        _assert_inert(page, "#results", f"search-as-you-type {word}")
        _assert_no_trip(page, f"search-as-you-type {word}")
    # Drawn by search.js from /api/search (the tested path), not by the server's template.
    assert page.evaluate("window.__same_document") is True
    _hover_everything(page, "#results")
    _assert_no_trip(page, "search-as-you-type after hovering")


def test_autocomplete_shows_payload_titles_as_text(xss_page, xss_servers):
    page = xss_page
    page.goto(xss_servers.search.url + "/")
    box = page.get_by_role("combobox", name="Search XSS blog")
    listbox = page.get_by_role("listbox", name="Suggestions")
    for prefix, title in (("zucch", VISIBLE["zucchini"]), ("quin", VISIBLE["quince"])):
        box.fill("")
        box.press_sequentially(prefix, delay=15)
        expect(listbox.get_by_role("option").filter(has_text=title)).to_have_count(1)
        _assert_inert(page, "#q-suggestions", f"suggestions for {prefix}")
        _assert_no_trip(page, f"suggestions for {prefix}")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # the title suggestion opens that post, on its http(s) URL
    expect(page).to_have_url(re.compile(r"^https://xss\.example/2024/05/02/quince-split/$"))
    _assert_no_trip(page, "after choosing a payload title")


def test_widget_on_another_origin_shows_payloads_as_text(xss_page, xss_servers):
    page = xss_page
    page.goto(xss_servers.host.url + "/")
    box = page.get_by_role("combobox", name="Search this blog")
    listbox = page.get_by_role("listbox", name="Search results")
    for word in ("zucchini", "quince", "parsnip", "rutabaga", "script", "onerror"):
        box.fill("")
        box.press_sequentially(word, delay=15)
        expect(listbox).to_be_visible()
        expect(listbox.get_by_role("option").first.locator("mark").first).to_have_text(
            re.compile(word, re.I)
        )
        if word in VISIBLE and word != "rutabaga":  # the widget shows titles, not authors
            expect(listbox).to_contain_text(VISIBLE[word])
        _assert_inert(page, "[role=listbox]", f"widget for {word}")
        _assert_no_trip(page, f"widget for {word}")
    _hover_everything(page, "[role=listbox]")
    _assert_no_trip(page, "widget after hovering")


@pytest.mark.parametrize("word", POST_WORDS + PAYLOAD_WORDS)
def test_json_api_html_fields_hold_only_mark_tags(xss_servers, word):
    import httpx

    data = httpx.get(f"{xss_servers.search.url}/api/search", params={"q": word}).json()
    assert data["results"], word
    for hit in data["results"]:
        for field in ("title_html", "snippet_html"):
            tags = re.findall(r"<\s*/?\s*([a-zA-Z][\w-]*)", hit[field])
            assert set(tags) <= {"mark"}, (word, field, hit[field])
            assert re.sub(r"</?mark>", "", hit[field]).count("<") == 0, hit[field]
        assert hit["url"].startswith(BASE_URL), hit["url"]  # never javascript: or data:


def test_the_tripwire_fires_when_a_payload_is_rendered_as_markup(xss_page, xss_servers):
    """The control: the same payload text, put in as HTML rather than text, trips the wire,
    so the passing tests above are not passing for want of a working tripwire."""
    page = xss_page
    page.goto(f"{xss_servers.search.url}/search?q=zucchini")
    title = page.locator(RESULT).first.locator("h2 a").inner_text()
    page.locator("#results").evaluate("(root, html) => { root.innerHTML = html; }", title)
    page.wait_for_function("window.__xss === 1", timeout=3000)
    assert page.locator("#results").evaluate(INSPECT) != []
