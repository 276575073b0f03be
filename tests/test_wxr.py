"""`postsearch index export.xml`: a WordPress export read into posts and indexed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from helpers import WXR_EXPORT, indexed_paths, needs_shared

from indexer.api import Post, Skip, WhooshPostStore, index_sources
from indexer.pipeline.run import LISTED_TWICE
from indexer.sources.wxr import read_wxr, wpautop


def _records(path: Path) -> tuple[dict[str, Post], list[Skip]]:
    needs_shared(path)
    records = list(read_wxr(path))
    posts = {r.url: r for r in records if isinstance(r, Post)}
    return posts, [r for r in records if isinstance(r, Skip)]


def test_only_published_posts_are_read_with_their_metadata():
    posts, skipped = _records(WXR_EXPORT)
    reasons = {skip.url: skip.reason for skip in skipped}
    base = "https://wpthemetestdata.wordpress.com"
    assert reasons[f"{base}/2020/01/01/scheduled/"] == "post not published (future)"
    assert reasons[f"{base}/2012/01/04/template-password-protected/"] == "password-protected post"
    assert reasons[f"{base}/about/"] == "WordPress page, not a post"
    assert not any(url.startswith(f"{base}/2010/09/10/post-format-gallery/d") for url in posts)
    widgets = posts[f"{base}/wp-6-1-widgets-block-category/"]
    assert widgets.title == "WP 6.1 Widgets block category"
    assert widgets.author == "Theme Reviewer"  # the display name, not the login
    assert widgets.categories == ("6.1", "Block")
    assert widgets.tags == ("Sample", "tags", "test tag")
    assert widgets.date == date(2023, 1, 13)
    assert len(posts) == 55


def test_the_body_gets_paragraphs_and_loses_shortcodes():
    posts, _ = _records(WXR_EXPORT)
    more = next(post for post in posts.values() if post.title == "Template: More Tag")
    assert more.body.startswith("This content is before the more tag.\n\nRight after")
    assert "<!--more-->" not in more.body and "[" not in more.body[:200]
    assert wpautop('one\ntwo\n\nthree [gallery ids="1"]') == "<p>one<br>\ntwo</p>\n<p>three</p>"


def test_an_export_indexes_incrementally(tmp_path):
    needs_shared(WXR_EXPORT)
    index_dir = tmp_path / "index"
    first = index_sources([WXR_EXPORT], WhooshPostStore(index_dir))
    assert len(first.indexed) == 55 and not first.failed
    assert "2018/10/20/keyboard-navigation/" in indexed_paths(index_dir)
    again = index_sources([WXR_EXPORT], WhooshPostStore(index_dir))
    assert again.indexed == [] and again.unchanged == 168 and again.unchanged_posts == 55
    # The export lists 18 menu items twice: read once, the repeats skipped every run.
    assert {skip.reason for skip in again.skipped} == {LISTED_TWICE} and len(again.skipped) == 18
