"""The README's screenshot of the WordPress plugin's settings page, taken from a real site.

Starts Debian's WordPress on MariaDB with the plugin and a `postsearch serve` that crawled
it (the same stack the tests use, tests/wordpress.py), asks the server to reindex
everything, logs in with Debian's Chromium and photographs Settings → postsearch once the
crawl is done:

    .venv/bin/python docs/make_plugin_screenshot.py  # docs/screenshots/wordpress-settings.png

Needs the packages .ci/run installs (wordpress, php-cli, php-mysql, mariadb-server, ...).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from wordpress import ADMIN_PASSWORD, ADMIN_USER, WordPressSite, start_stack  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
OUT = REPO / "docs" / "screenshots" / "wordpress-settings.png"


def shoot(site_url: str, out: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(f"{site_url}/wp-login.php")
        page.fill("#user_login", ADMIN_USER)
        page.fill("#user_pass", ADMIN_PASSWORD)
        page.click("#wp-submit")
        page.wait_for_url(f"{site_url}/wp-admin/**")
        page.goto(f"{site_url}/wp-admin/options-general.php?page=postsearch")
        page.click("#postsearch-postsearch_reindex_all")
        done = page.locator('#postsearch-crawl td[data-field="state"]', has_text="done")
        done.wait_for(timeout=120_000)
        page.screenshot(path=str(out), full_page=True)
        browser.close()


def main() -> int:
    with (
        tempfile.TemporaryDirectory(prefix="postsearch-wp-") as root,
        WordPressSite(Path(root)) as site,
    ):
        stack = start_stack(site, Path(root))
        try:
            shoot(site.url, OUT)
        finally:
            stack.search.stop()
    print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
