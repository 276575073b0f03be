"""Screenshots of the demo blog's pages for the README: the results page on a desktop and a phone,
light and dark, the phone's filters open, a long post's deep links, a branded page and the
404 page.

Indexes data/demo-site into a temporary directory (or uses --index DIR), serves it with the
real app under waitress on 127.0.0.1, and photographs the page with Debian's Chromium
(/usr/bin/chromium, driven by Playwright; never a downloaded browser):

    .venv/bin/python docs/make_screenshots.py            # writes docs/screenshots/*.png
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from waitress.server import create_server

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from indexer.api import WhooshPostStore, index_sources  # noqa: E402
from searchweb.web.app import create_app  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
OUT = REPO / "docs" / "screenshots"
# Highlighting, facets with counts and an active filter chip (removable), as a visitor sees them.
PAGE = "/search?q=garden&category=Gardening"
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}
SCHEMES = ("light", "dark")
DEEP_LINKS = "/search?q=ferry+tide+saltmarsh"
LOGO = "https://demo.postsearch.test/logo.svg"
# A made-up logo for the branded screenshot: a green circle with a wave.
LOGO_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="15" '
    'fill="#0b6e4f"/><path d="M5 19c4-4 7 4 11 0s7 4 11 0" stroke="#fff" stroke-width="2.5" '
    'fill="none"/></svg>'
)
BRANDING = {
    "site_name": "Riverside Notes",
    "logo_url": LOGO,
    "accent_color": "#0b6e4f",
    "accent_color_dark": "#7fd1b9",
}


def serve(index_dir: Path, **settings) -> tuple[str, object]:
    """The real app over `index_dir`, configured as `make demo` configures it (plus
    `settings`)."""
    config = {"index_dir": str(index_dir), **settings}
    app = create_app(config, config_file=REPO / "data" / "demo.toml")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = create_server(app, host="127.0.0.1", port=port, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


def shoot(base_url: str, branded_url: str, out: Path) -> list[Path]:
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)

        def photograph(name: str, url: str, device: str = "desktop", scheme="light", then=None):
            width, height = VIEWPORTS[device]
            context = browser.new_context(
                viewport={"width": width, "height": height}, color_scheme=scheme
            )
            page = context.new_page()
            page.route(
                LOGO, lambda route: route.fulfill(content_type="image/svg+xml", body=LOGO_SVG)
            )
            page.goto(url)
            page.wait_for_load_state("networkidle")
            if then:
                then(page)
            path = out / f"{name}.png"
            page.screenshot(path=str(path))
            written.append(path)
            context.close()

        for device in VIEWPORTS:
            for scheme in SCHEMES:
                photograph(f"results-{device}-{scheme}", base_url + PAGE, device, scheme)
        photograph(
            "results-phone-filters-open",
            base_url + PAGE,
            "phone",
            then=lambda page: page.locator("#facets > summary").click(),
        )
        photograph("results-deep-links", base_url + DEEP_LINKS)
        photograph("branding-desktop", branded_url + PAGE)
        photograph("branding-phone-dark", branded_url + PAGE, "phone", "dark")
        photograph("not-found", branded_url + "/no/such/page", "phone")
        browser.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an existing demo index (default: build one)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = args.index
        if index_dir is None:
            index_dir = Path(tmp) / "index"
            index_sources([REPO / "data" / "demo-site"], WhooshPostStore(index_dir))
        base_url, server = serve(index_dir)
        branded_url, branded = serve(index_dir, **BRANDING)
        try:
            for path in shoot(base_url, branded_url, args.out):
                print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
        finally:
            server.close()
            branded.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
