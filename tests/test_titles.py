"""A post's title is plain text wherever it was read, and a WordPress post without one gets
one made from its first words."""

from __future__ import annotations

import pytest
from helpers import WXR_EXPORT, needs_shared

from indexer.api import Post, Skip
from indexer.extract.page import extract
from indexer.extract.titles import clean_title, title_from_words
from indexer.records import RawPage
from indexer.sources.wxr import read_wxr

BODY = "<p>" + "Plenty of words in the body of this post so it reads as one. " * 5 + "</p>"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Markup: Title <em>With</em> <b>Mark<sup>up</sup></b>", "Markup: Title With Markup"),
        ("Title &lt;em&gt;With&lt;/em&gt; Markup", "Title With Markup"),
        ('<span class="kicker">Breaking:</span> rain', "Breaking: rain"),
        ("Line one<br>line two<br/>three", "Line one line two three"),
        ("<!-- more -->Commented", "Commented"),
        ("Fish &amp; Chips", "Fish & Chips"),
        ("  Spaced \n\t out  ", "Spaced out"),
        # Text that only looks like markup stays: a post about HTML, comparisons, symbols.
        ("Why I stopped using <div> for layout", "Why I stopped using <div> for layout"),
        ("a < b and c > d", "a < b and c > d"),
        ("1<2 but 3>2", "1<2 but 3>2"),
        ("Special ~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>", "Special ~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>"),
        ("AT&T rates", "AT&T rates"),
        ("", ""),
    ],
)
def test_clean_title(raw, clean):
    assert clean_title(raw) == clean


@pytest.mark.parametrize(
    ("body", "title"),
    [
        (
            "This post has no title, but it still must link to the single post view somehow.",
            "This post has no title, but it still must link…",
        ),
        ("Short and sweet.", "Short and sweet."),
        (
            "Ten words are here so nothing at all is cut",
            "Ten words are here so nothing at all is cut",
        ),
        (
            "\n\nFirst paragraph, three.\n\nSecond paragraph",
            "First paragraph, three. Second paragraph",
        ),
        ("Supercalifragilistic" * 6 + " word", "Supercalifragilistic" * 3 + "…"),
        ("", ""),
    ],
)
def test_title_from_words(body, title):
    made = title_from_words(body)
    assert made == title
    assert len(made) <= 61  # bounded: 60 characters and the ellipsis


def _page(head: str, body: str = BODY) -> str:
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"


@pytest.mark.parametrize(
    ("html", "title"),
    [
        # og:title's content is the title's HTML, tags and all.
        (
            _page('<meta property="og:title" content="Title &lt;em&gt;With&lt;/em&gt; OG">'),
            "Title With OG",
        ),
        # JSON-LD headline with the tags escaped once more.
        (
            _page(
                '<script type="application/ld+json">{"@type": "BlogPosting", '
                '"headline": "Title &lt;em&gt;With&lt;/em&gt; JSON-LD"}</script>'
            ),
            "Title With JSON-LD",
        ),
        (_page("<title>A &lt;b&gt;Bold&lt;/b&gt; Title | Blog</title>"), "A Bold Title"),
        # The heading is text already: what its readers see, tags written as text and all.
        (
            _page("", f"<h1 class='entry-title'>Heading <em>With</em> Markup</h1>{BODY}"),
            "Heading With Markup",
        ),
        (
            _page("", f"<h1 class='entry-title'>Why I stopped using &lt;div&gt;</h1>{BODY}"),
            "Why I stopped using <div>",
        ),
        # Markup in <title> helps find the heading it names.
        (
            _page(
                "<title>A &lt;em&gt;Named&lt;/em&gt; Heading | Blog</title>",
                f"<h2>Related</h2><h2>A <em>Named</em> Heading</h2>{BODY}",
            ),
            "A Named Heading",
        ),
    ],
)
def test_every_title_reader_gives_text(html, title):
    page = RawPage("test.html", "https://blog.example/post/", html.encode("utf-8"))
    assert extract(page).post.title == title


def test_wordpress_titles_lose_their_markup_and_a_post_without_one_is_kept():
    needs_shared(WXR_EXPORT)
    records = {record.url: record for record in read_wxr(WXR_EXPORT)}
    base = "https://wpthemetestdata.wordpress.com"
    markup = records[f"{base}/2013/01/05/markup-title-with-markup/"]
    assert isinstance(markup, Post) and markup.title == "Markup: Title With Markup"
    untitled = records[f"{base}/2009/09/05/edge-case-no-title/"]
    assert isinstance(untitled, Post)
    assert untitled.title == "This post has no title, but it still must link…"
    assert not any(isinstance(r, Skip) and "without a title" in r.reason for r in records.values())
