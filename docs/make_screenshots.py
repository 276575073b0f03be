"""Screenshots of the demo blog's results page for the README: desktop and phone, light and dark.

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
VIEWPORTS = {"desktop": (1280, 900), "phone": (360, 780)}
SCHEMES = ("light", "dark")


def serve(index_dir: Path) -> tuple[str, object]:
    """The real app over `index_dir`, configured as `make demo` configures it."""
    app = create_app({"index_dir": str(index_dir)}, config_file=REPO / "data" / "demo.toml")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = create_server(app, host="127.0.0.1", port=port, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


def shoot(base_url: str, out: Path) -> list[Path]:
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        for device, (width, height) in VIEWPORTS.items():
            for scheme in SCHEMES:
                context = browser.new_context(
                    viewport={"width": width, "height": height}, color_scheme=scheme
                )
                page = context.new_page()
                page.goto(base_url + PAGE)
                page.wait_for_load_state("networkidle")
                path = out / f"results-{device}-{scheme}.png"
                page.screenshot(path=str(path))
                written.append(path)
                context.close()
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
        try:
            for path in shoot(base_url, args.out):
                print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
        finally:
            server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
