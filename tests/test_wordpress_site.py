"""A real WordPress 6.1 site in its default block theme (Twenty Twenty-Three), read by
postsearch as a visitor's browser reads it: over HTTP, page by page and by a crawl.

The block theme marks a post up with `wp-block-post-*` blocks only: the title, the date,
the author as "by Name", categories (`taxonomy-category`) and tags (`taxonomy-post_tag`)
as two lists of `rel="tag"` links. Each must land in its own field; a static page is
indexed as a page; archives stay out.
"""

from __future__ import annotations

import urllib.request
from datetime import date
from urllib.parse import urlsplit

import pytest
from wordpress import WordPressSite

from indexer.api import (
    CrawlOptions,
    IndexOptions,
    RawPage,
    WhooshPostStore,
    extract,
    index_sources,
)
from indexer.index.storage import open_existing

POST_TEXT = (
    "Prune the roses in early spring, just above an outward-facing bud, and feed them"
    " with compost once the soil has warmed."
)
PAGE_TEXT = "Write to the editors at letters@example.org, or call the office on weekdays."


@pytest.fixture(scope="module")
def blog(wordpress_site: WordPressSite) -> dict[str, str]:
    """A post with a category, two tags and an author with a display name; a page."""
    site = wordpress_site
    site.php(
        "wp_update_user(['ID' => 1, 'display_name' => 'Jane Gardener']);\n"
        "wp_create_category('Gardening');\n"
    )
    category = site.php("echo get_cat_ID('Gardening');").strip()
    post = site.insert_post(
        post_title="Pruning roses in spring",
        post_content=f"<!-- wp:paragraph --><p>{POST_TEXT}</p><!-- /wp:paragraph -->",
        post_status="publish",
        post_author=1,
        post_date="2023-04-05 10:00:00",
        post_category=[int(category)],
        tags_input=["roses", "pruning"],
    )
    page = site.insert_post(
        post_title="Contact",
        post_content=f"<!-- wp:paragraph --><p>{PAGE_TEXT}</p><!-- /wp:paragraph -->",
        post_status="publish",
        post_type="page",
        post_author=1,
    )
    return {"post": post, "page": page, "category": f"{site.url}/category/gardening/"}


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


def test_a_crawl_indexes_the_post_and_the_page_and_no_archive(blog, wordpress_site, tmp_path):
    options = IndexOptions(
        crawl=CrawlOptions(start_url=wordpress_site.url, concurrency=2, retries=1, backoff=0.01)
    )
    summary = index_sources([wordpress_site.url], WhooshPostStore(tmp_path), options=options)
    with open_existing(tmp_path).searcher() as searcher:
        kinds = {urlsplit(f["url"]).path: f.get("kind") for f in searcher.all_stored_fields()}
    # WordPress's own sample post and page are there too; no archive, no home page
    sample_post = next(path for path in kinds if path.endswith("/hello-world/"))
    assert kinds == {
        urlsplit(blog["post"]).path: "post",
        sample_post: "post",
        urlsplit(blog["page"]).path: "page",
        "/sample-page/": "page",
    }
    assert sorted(summary.static_pages) == sorted(
        [blog["page"], f"{wordpress_site.url}/sample-page/"]
    )
