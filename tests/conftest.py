"""Shared fixtures: real indexes built from real HTML, the real app, a real server.

Nothing here is mocked: an index is built by the same pipeline the CLI runs, into a
temporary directory; the app is `create_app()` over that index; the live server is
waitress on 127.0.0.1 in a thread, as `postsearch serve` runs it. The helpers these
fixtures use are in helpers.py.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import (
    CHROMIUM,
    DEMO_SITE,
    DEMO_SOURCE,
    FIXTURES,
    SEED_SITE,
    HostSite,
    LiveServer,
    build_index,
    needs_shared,
)
from wordpress import wordpress_site  # noqa: F401  (a session fixture)

from indexer.api import IndexSummary
from searchweb.web.app import create_app


@pytest.fixture(scope="session")
def demo_index(tmp_path_factory) -> tuple[Path, IndexSummary]:
    index_dir = tmp_path_factory.mktemp("demo-index")
    return index_dir, build_index(index_dir, DEMO_SITE)


@pytest.fixture(scope="session")
def demo_expected() -> dict:
    return json.loads((DEMO_SOURCE / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def demo_queries() -> list[dict]:
    return json.loads((DEMO_SOURCE / "queries.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def demo_app(demo_index):
    # No rate limit here: the browser and API tests share this app and type fast.
    app = create_app({"index_dir": str(demo_index[0]), "site_name": "Demo blog", "rate_limit": ""})
    app.testing = True
    return app


@pytest.fixture()
def demo_client(demo_app):
    return demo_app.test_client()


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    needs_shared(SEED_SITE)
    index_dir = tmp_path_factory.mktemp("seed-index")
    build_index(index_dir, SEED_SITE)
    return index_dir


@pytest.fixture(scope="session")
def hostile_index(tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("hostile-index")
    build_index(index_dir, FIXTURES / "hostile")
    return index_dir


@pytest.fixture(scope="session")
def demo_server(demo_app) -> Iterator[LiveServer]:
    with LiveServer(demo_app) as server:
        yield server


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium (see .ci/run)")
        pytest.skip("Debian's chromium is not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture()
def page(chromium_browser):
    context = chromium_browser.new_context()
    browser_page = context.new_page()
    errors: list[str] = []
    browser_page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    browser_page.on("pageerror", lambda e: errors.append(str(e)))
    browser_page.console_errors = errors
    yield browser_page
    context.close()


@pytest.fixture()
def site_copy(tmp_path) -> Path:
    """A writable copy of the demo site, for tests that change pages."""
    target = tmp_path / "site"
    shutil.copytree(DEMO_SITE, target)
    return target


@dataclass(frozen=True)
class WidgetServers:
    search: LiveServer
    allowed: LiveServer  # its origin is in the search server's cors_origins
    refused: LiveServer  # its origin is not


@pytest.fixture(scope="session")
def widget_servers(demo_index) -> Iterator[WidgetServers]:
    """The search server and two stand-in blogs embedding its widget (other origins)."""
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
