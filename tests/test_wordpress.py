"""The WordPress plugin against a real WordPress (Debian's, on MariaDB), a real `postsearch
serve` and a real Chromium: what a site's author, visitor and administrator would check."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import httpx
import pytest
from helpers import DEMO_SOURCE, indexed_paths
from wordpress import ADMIN_PASSWORD, ADMIN_USER, POST_SOURCES, TOKEN, markdown_html

pytestmark = pytest.mark.deploy

# A post of the demo blog's text, with a word no other post has.
BODY = markdown_html(
    (DEMO_SOURCE / "posts" / "2024-03-30-spring-walk-pike-stone.md")
    .read_text(encoding="utf-8")
    .split("\n\n", 1)[1]
)


def _published(site, types: tuple[str, ...] = ("post",)) -> set[str]:
    return set(
        site.php(
            "$result = array_map('get_permalink', get_posts(['post_type' => $args['types'],"
            " 'post_status' => 'publish', 'numberposts' => -1, 'fields' => 'ids']));",
            types=list(types),
        )
    )


def _publish(site, title: str, word: str) -> int:
    return site.php(
        "$result = wp_insert_post(['post_title' => $args['title'], 'post_status' => 'publish',"
        " 'post_content' => $args['html']], true);",
        title=title,
        html=f"<p>The {word} was seen at dawn.</p>{BODY}",
    )


def _search(stack, query: str) -> dict:
    return httpx.get(f"{stack.search.url}/api/search", params={"q": query}, timeout=10).json()


def _wait_for_search(stack, query: str, check, within: float) -> dict:
    """Poll /api/search until `check(answer)` holds; fail after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        answer = _search(stack, query)
        if check(answer):
            return answer
        assert time.monotonic() < deadline, f"{query!r}: {answer['total']} results"
        time.sleep(0.1)


def _log_in(page, site) -> None:
    page.goto(f"{site.url}/wp-login.php")
    page.fill("#user_login", ADMIN_USER)
    page.fill("#user_pass", ADMIN_PASSWORD)
    page.click("#wp-submit")
    page.wait_for_url(f"{site.url}/wp-admin/**")


def test_the_crawl_indexed_every_published_post_and_page_and_no_archive(wordpress_stack):
    site = wordpress_stack.site
    sitemap = httpx.get(f"{site.url}/wp-sitemap.xml", timeout=10).text
    for kind in ("posts-post", "posts-page", "taxonomies-category", "users"):
        assert f"wp-sitemap-{kind}-1.xml" in sitemap  # archives and pages were offered
    posts = {urlsplit(url).path.lstrip("/") for url in _published(site)}
    assert len(posts) == len(POST_SOURCES)
    # Static pages (WordPress's sample page) are indexed too, as pages (include_pages).
    published = {urlsplit(url).path.lstrip("/") for url in _published(site, ("post", "page"))}
    assert published > posts
    assert indexed_paths(wordpress_stack.index_dir, pages=True) == published


def test_publish_edit_and_trash_reach_the_index_within_seconds(wordpress_stack):
    site = wordpress_stack.site
    started = time.monotonic()
    post_id = _publish(site, "Marsh harriers over the reed beds", "harrierwatch")
    found = _wait_for_search(wordpress_stack, "harrierwatch", lambda a: a["total"] == 1, 5)
    assert time.monotonic() - started < 5
    assert found["results"][0]["title"] == "Marsh harriers over the reed beds"
    site.php(
        "wp_update_post(['ID' => $args['id'], 'post_title' => $args['title']]);",
        id=post_id,
        title="Bitterns boom in the reed beds",
    )
    renamed = _wait_for_search(
        wordpress_stack,
        "harrierwatch",
        lambda a: a["total"] == 1 and a["results"][0]["title"].startswith("Bitterns"),
        5,
    )
    assert _search(wordpress_stack, "bitterns")["total"] == 1
    assert renamed["results"][0]["url"] == site.php(
        "$result = get_permalink($args['id']);", id=post_id
    )
    site.php("wp_trash_post($args['id']);", id=post_id)
    _wait_for_search(wordpress_stack, "harrierwatch", lambda a: a["total"] == 0, 5)


def test_unpublish_slug_change_and_delete_reach_the_index(wordpress_stack):
    site = wordpress_stack.site
    post_id = _publish(site, "Grebes dancing on the lake", "grebedance")
    first = _wait_for_search(wordpress_stack, "grebedance", lambda a: a["total"] == 1, 5)
    old_url = first["results"][0]["url"]
    site.php("wp_update_post(['ID' => $args['id'], 'post_name' => 'grebes']);", id=post_id)
    moved = _wait_for_search(
        wordpress_stack,
        "grebedance",
        lambda a: a["total"] == 1 and a["results"][0]["url"] != old_url,
        5,
    )
    assert moved["results"][0]["url"].endswith("/grebes/")  # the old address is gone
    site.php("wp_update_post(['ID' => $args['id'], 'post_status' => 'draft']);", id=post_id)
    _wait_for_search(wordpress_stack, "grebedance", lambda a: a["total"] == 0, 5)
    site.php("wp_publish_post($args['id']);", id=post_id)
    _wait_for_search(wordpress_stack, "grebedance", lambda a: a["total"] == 1, 5)
    site.php("wp_delete_post($args['id'], true);", id=post_id)  # deleted, trash skipped
    _wait_for_search(wordpress_stack, "grebedance", lambda a: a["total"] == 0, 5)


def test_the_themes_search_form_lands_on_postsearch_results(wordpress_stack, page):
    site, search = wordpress_stack.site, wordpress_stack.search
    page.goto(f"{site.url}/no-such-page/")  # the theme's 404 template has its search form
    page.fill("form[role=search] input[name=s]", "sourdough")
    page.press("form[role=search] input[name=s]", "Enter")
    page.wait_for_url(f"{search.url}/search?q=sourdough")
    titles = page.locator(".result-title").all_inner_texts()
    assert titles and "Sourdough Starter" in titles[0]


def test_the_widget_shows_results_under_the_themes_search_box(wordpress_stack, page):
    site = wordpress_stack.site
    site.set_options(server_url=wordpress_stack.search.url, token=TOKEN, search_mode="widget")
    try:
        page.goto(f"{site.url}/no-such-page/")
        page.locator("form[role=search] input[name=s]").press_sequentially("dovetail", delay=30)
        option = page.locator("[role=listbox] [role=option]").first
        option.wait_for(timeout=5000)
        assert "Dovetail" in option.inner_text()
        # The one error the console shows is the 404 of the page itself (its template is
        # where the theme puts a search form).
        assert [error for error in page.console_errors if "404" not in error] == []
    finally:
        site.set_options(server_url=wordpress_stack.search.url, token=TOKEN, search_mode="redirect")


def test_the_settings_page_hides_the_token_and_reindexes_everything(wordpress_stack, page):
    site = wordpress_stack.site
    _log_in(page, site)
    page.goto(f"{site.url}/wp-admin/options-general.php?page=postsearch")
    assert TOKEN not in page.content()
    assert f"ending …{TOKEN[-4:]}" in page.inner_text("body")
    assert page.input_value("#postsearch-token") == ""
    page.click("#postsearch-postsearch_reindex_all")
    assert "crawling the site" in page.inner_text("#postsearch-flash")
    state = page.locator('#postsearch-crawl td[data-field="state"]')
    state.filter(has_text="done").wait_for(timeout=60_000)
    cell = lambda name: page.inner_text(f'#postsearch-crawl td[data-field="{name}"]')  # noqa: E731
    # Nothing changed since the last crawl: every page was read, none needed indexing.
    assert int(cell("unchanged")) >= len(_published(site)) and cell("indexed") == "0"
    assert cell("failed") == "0" and "0 failed" in cell("summary")
    page.click("#postsearch-postsearch_test")
    assert "accepted the token" in page.inner_text("#postsearch-flash")


def test_a_wrong_token_is_reported_and_publishing_still_works(wordpress_stack, page):
    site = wordpress_stack.site
    site.set_options(server_url=wordpress_stack.search.url, token="not-the-token")
    password = site.php(
        "$result = WP_Application_Passwords::create_new_application_password(1,"
        " ['name' => 'tests'])[0];"
    )
    answer = httpx.post(
        f"{site.url}/wp-json/wp/v2/posts",
        auth=(ADMIN_USER, password),
        json={
            "title": "Otters return",
            "content": f"<p>An ottersplash.</p>{BODY}",
            "status": "publish",
        },
        timeout=30,
    )
    assert answer.status_code == 201, answer.text  # publishing works
    assert httpx.get(answer.json()["link"], timeout=10).status_code == 200
    assert _search(wordpress_stack, "ottersplash")["total"] == 0
    _log_in(page, site)
    notice = page.inner_text("#postsearch-notice")
    assert "1 change to a post has not reached the search index" in notice
    assert "refused the admin token (401)" in notice
    # The right token, then WP-Cron's retry (made due now) sends the waiting change.
    site.set_options(server_url=wordpress_stack.search.url, token=TOKEN)
    site.php(
        "wp_clear_scheduled_hook('postsearch_retry');"
        " wp_schedule_single_event(time() - 1, 'postsearch_retry');"
    )
    assert httpx.get(f"{site.url}/wp-cron.php", timeout=30).status_code == 200
    _wait_for_search(wordpress_stack, "ottersplash", lambda a: a["total"] == 1, 10)
    page.goto(f"{site.url}/wp-admin/")
    assert page.locator("#postsearch-notice").count() == 0
