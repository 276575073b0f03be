"""A real WordPress 6.1 site in its default block theme (Twenty Twenty-Three), read by
postsearch as a visitor's browser reads it: over HTTP, page by page and by a crawl.

The block theme marks a post up with `wp-block-post-*` blocks only: the title, the date,
the author as "by Name", categories (`taxonomy-category`) and tags (`taxonomy-post_tag`)
as two lists of `rel="tag"` links. Each must land in its own field; a static page is
indexed as a page; archives stay out. The site is the session's shared WordPress (see
tests/wordpress.py), where other tests publish posts too: the crawl is checked against
what WordPress itself says is published.
"""

from __future__ import annotations

import urllib.request
from datetime import date
from urllib.parse import urlsplit

import pytest

from indexer.api import (
    CrawlOptions,
    IndexOptions,
    RawPage,
    WhooshPostStore,
    extract,
    index_sources,
)
from indexer.index.storage import open_existing

pytestmark = pytest.mark.deploy

POST_TEXT = (
    "Prune the roses in early spring, just above an outward-facing bud, and feed them"
    " with compost once the soil has warmed."
)
PAGE_TEXT = "Write to the editors at letters@example.org, or call the office on weekdays."
# Inserts a post or page with WordPress's own function; its address comes back.
INSERT = (
    "$id = wp_insert_post($args['fields'], true);"
    " if (is_wp_error($id)) { throw new Exception($id->get_error_message()); }"
    " $result = get_permalink($id);"
)
PUBLISHED = (
    "$result = array_map(fn($id) => [get_permalink($id), get_post_type($id)],"
    " get_posts(['post_type' => ['post', 'page'], 'post_status' => 'publish',"
    " 'numberposts' => -1, 'fields' => 'ids']));"
)


@pytest.fixture(scope="module")
def blog(wordpress_stack) -> dict[str, str]:
    """A post with a category, two tags and an author with a display name; a page."""
    site = wordpress_stack.site
    author = site.php(
        "$result = wp_insert_user(['user_login' => 'jane', 'user_pass' => wp_generate_password(),"
        " 'display_name' => 'Jane Gardener', 'role' => 'author']);"
    )
    category = site.php("$result = wp_create_category('Gardening');")
    post = site.php(
        INSERT,
        fields={
            "post_title": "Pruning roses in spring",
            "post_content": f"<!-- wp:paragraph --><p>{POST_TEXT}</p><!-- /wp:paragraph -->",
            "post_status": "publish",
            "post_author": author,
            "post_date": "2023-04-05 10:00:00",
            "post_category": [category],
            "tags_input": ["roses", "pruning"],
        },
    )
    page = site.php(
        INSERT,
        fields={
            "post_title": "Contact",
            "post_content": f"<!-- wp:paragraph --><p>{PAGE_TEXT}</p><!-- /wp:paragraph -->",
            "post_status": "publish",
            "post_type": "page",
            "post_author": author,
        },
    )
    return {"post": post, "page": page}


def _read(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return extract(RawPage(url, url, response.read()))


def test_a_block_theme_post_reads_into_its_fields(blog):
    reading = _read(blog["post"])
    post = reading.post
    assert reading.skip_reason is None
    assert post.kind == "post"
    assert post.title == "Pruning roses in spring"
    assert post.author == "Jane Gardener"
    assert post.date == date(2023, 4, 5)
    assert post.categories == ("Gardening",)
    assert set(post.tags) == {"roses", "pruning"}
    assert POST_TEXT in post.body
    assert "Gardening" not in post.body and "pruning\n" not in post.body


def test_a_block_theme_page_is_a_page(blog):
    reading = _read(blog["page"])
    assert reading.skip_reason is None
    assert reading.post.kind == "page"
    assert reading.post.title == "Contact"
    assert PAGE_TEXT in reading.post.body


def test_a_crawl_indexes_the_posts_and_the_pages_and_no_archive(blog, wordpress_stack, tmp_path):
    site = wordpress_stack.site
    crawl = CrawlOptions(start_url=site.url, delay=0.0, concurrency=2, retries=1, backoff=0.01)
    summary = index_sources(
        [site.url], WhooshPostStore(tmp_path), options=IndexOptions(crawl=crawl)
    )
    with open_existing(tmp_path).searcher() as searcher:
        kinds = {urlsplit(f["url"]).path: f.get("kind") for f in searcher.all_stored_fields()}
    # What WordPress says it publishes: every post and page, no archive, no home page.
    published = {urlsplit(url).path: kind for url, kind in site.php(PUBLISHED)}
    assert {urlsplit(blog["post"]).path: "post", urlsplit(blog["page"]).path: "page"}.items() <= (
        published.items()
    )
    assert kinds == published
    pages = sorted(urlsplit(url).path for url in summary.static_pages)
    assert pages == sorted(path for path, kind in published.items() if kind == "page")
