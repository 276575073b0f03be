"""axe-core in the real browser: no serious or critical WCAG violation on the pages a visitor sees.

axe-core is not a Python package; it comes from npm (`npm pack`, a pinned version) the first
time the test runs and is cached in pytest's cache directory (.pytest_cache, ignored by git).
The results page is checked in both colour schemes, with the search-as-you-type results and
the autocomplete listbox open, and the widget page with its dropdown open, since those are
what JavaScript adds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AXE_VERSION = "4.10.3"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = {"serious", "critical"}


def fetch_axe(cache_dir: Path) -> Path:
    """axe.min.js of AXE_VERSION, from npm on first use, then from the cache."""
    target = cache_dir / f"axe-core-{AXE_VERSION}.min.js"
    if target.exists():
        return target
    npm = shutil.which("npm")
    if npm is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install npm to fetch axe-core (see .ci/run)")
        pytest.skip("npm is not installed, so axe-core cannot be fetched: apt-get install npm")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [npm, "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", tmp, "--silent"],
            check=True,
            capture_output=True,
            timeout=180,
        )
        with tarfile.open(next(Path(tmp).glob("axe-core-*.tgz"))) as archive:
            member = archive.extractfile("package/axe.min.js")
            target.write_bytes(member.read())
    return target


@pytest.fixture(scope="session")
def axe_source(request, tmp_path_factory) -> str:
    cache = getattr(request.config, "cache", None)
    cache_dir = cache.mkdir("axe-core") if cache else tmp_path_factory.mktemp("axe-core")
    return fetch_axe(Path(cache_dir)).read_text(encoding="utf-8")


@pytest.fixture()
def axe_page(request, chromium_browser):
    scheme = getattr(request, "param", "light")
    # axe is injected as an inline script, which the app's CSP rightly forbids: bypass the
    # CSP for the audit only (the other browser tests run with it in force).
    context = chromium_browser.new_context(bypass_csp=True, color_scheme=scheme)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    yield page
    context.close()


def audit(page, axe_source: str) -> list[str]:
    """Serious and critical violations on the page as it is now, one readable line each."""
    page.add_script_tag(content=axe_source)
    report = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in report["violations"]
        if v["impact"] in BLOCKING
    ]


# Contrast differs between the palettes; the other pages share the results page's palette, and
# the widget follows its host page's colours, not the visitor's scheme.
@pytest.mark.parametrize("axe_page", ["light", "dark"], indirect=True)
def test_results_page_has_no_serious_violations(axe_page, demo_server, axe_source):
    axe_page.goto(demo_server.url + "/search?q=garden&year=2023")
    box = axe_page.get_by_role("combobox", name="Search Demo blog")
    box.fill("")
    box.press_sequentially("garden", delay=30)  # results redrawn by search.js, suggestions open
    expect(axe_page.get_by_role("listbox", name="Suggestions")).to_be_visible()
    expect(axe_page.locator("#results li.result").first).to_be_visible()
    assert audit(axe_page, axe_source) == []
    assert axe_page.console_errors == []


def test_zero_results_page_has_no_serious_violations(axe_page, demo_server, axe_source):
    axe_page.goto(demo_server.url + "/search?q=zzxqvw+kwyjibo&category=Gardening")
    expect(axe_page.locator(".zero-results")).to_be_visible()
    assert audit(axe_page, axe_source) == []
    assert axe_page.console_errors == []


def test_widget_page_has_no_serious_violations(axe_page, widget_servers, axe_source):
    axe_page.goto(widget_servers.allowed.url + "/")
    axe_page.get_by_role("combobox", name="Search this blog").press_sequentially("bread", delay=20)
    expect(axe_page.get_by_role("listbox", name="Search results")).to_be_visible()
    axe_page.keyboard.press("ArrowDown")
    assert audit(axe_page, axe_source) == []
    assert axe_page.console_errors == []


def test_related_posts_on_a_post_have_no_serious_violations(axe_page, widget_servers, axe_source):
    axe_page.goto(widget_servers.allowed.url + "/post/")
    related = axe_page.get_by_role("region", name="Related posts")
    expect(related.get_by_role("link")).to_have_count(5)
    assert audit(axe_page, axe_source) == []
    assert axe_page.console_errors == []


def test_results_page_on_a_phone_with_filters_open_has_no_serious_violations(
    axe_page, demo_server, axe_source
):
    axe_page.set_viewport_size({"width": 390, "height": 844})
    axe_page.goto(demo_server.url + "/search?q=walking+river")
    axe_page.locator("#facets > summary").click()
    expect(axe_page.locator('#facets [data-facet="year"] a').first).to_be_visible()
    expect(axe_page.locator("#results .sub-results a").first).to_be_visible()
    assert audit(axe_page, axe_source) == []
    assert axe_page.console_errors == []


def test_the_audit_reports_a_page_that_breaks_the_rules(page, axe_source):
    page.set_content(
        '<html lang="en"><title>Bad</title><main><input type="search">'
        '<button></button><p style="color:#eee;background:#fff">faint text</p></main></html>'
    )
    found = " ".join(audit(page, axe_source))
    assert "button-name" in found and "label" in found
