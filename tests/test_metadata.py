"""The metadata cascade, field by field, as (html, expected) tables."""

from __future__ import annotations

from datetime import date

import pytest

from indexer.extract import extract
from indexer.records import RawPage


def _extract(html: str, url: str = "https://blog.example/post/"):
    return extract(RawPage("test.html", url, html.encode("utf-8")))


BODY = "<p>" + "Plenty of words in the body of this post so it reads as one. " * 5 + "</p>"


@pytest.mark.parametrize(
    ("html", "title"),
    [
        (
            f"<h1 class='entry-title'>Own heading</h1><div class=entry-content>{BODY}</div>",
            "Own heading",
        ),
        (
            "<title>From Title Tag | Site</title><header><h1>Site</h1></header>"
            f"<h2>From Title Tag</h2>{BODY}",
            "From Title Tag",
        ),
        (f"<head><meta property='og:title' content='From OG'></head><p>{BODY}</p>", "From OG"),
        (f"<title>Only Title – My Blog</title>{BODY}", "Only Title"),
    ],
)
def test_title_cascade(html, title):
    assert _extract(html).post.title == title


@pytest.mark.parametrize(
    ("html", "url", "published"),
    [
        (
            '<script type=\'application/ld+json\'>{"@graph": [{"@type": "BlogPosting", '
            '"datePublished": "2021-06-07T08:00:00Z"}]}</script>' + BODY,
            "https://b.example/x/",
            date(2021, 6, 7),
        ),
        (
            "<meta property='article:published_time' content='2020-01-02T10:00:00+00:00'>" + BODY,
            "https://b.example/x/",
            date(2020, 1, 2),
        ),
        (
            "<article><time datetime='article.date.isoformat()'>x</time>"
            "<p class='post-meta'>Posted on March 3rd, 2019</p>" + BODY + "</article>",
            "https://b.example/x/",
            date(2019, 3, 3),
        ),
        (BODY, "https://b.example/2018/11/05/slug/", date(2018, 11, 5)),
    ],
)
def test_date_cascade(html, url, published):
    assert _extract(html, url).post.date == published


@pytest.mark.parametrize(
    ("html", "author"),
    [
        (
            "<article><span class='byline'>By <span class='author vcard'>"
            "<a class='url fn'>Ada Lovelace</a></span></span>" + BODY + "</article>",
            "Ada Lovelace",
        ),
        ("<meta name='author' content='Grace Hopper'>" + BODY, "Grace Hopper"),
        ("<h1 class='entry-title'>T</h1><h3>By  Alan Turing</h3>" + BODY, "Alan Turing"),
    ],
)
def test_author_cascade(html, author):
    assert _extract(html).post.author == author


def test_categories_and_tags_from_wordpress_rel_links():
    html = (
        "<article><a rel='category tag' href='/c/'>Garden</a>"
        "<span class='tags-links'><a rel='tag' href='/t/a'>Roses</a>"
        "<a rel='tag' href='/t/b'>Compost</a></span>" + BODY + "</article>"
    )
    post = _extract(html).post
    assert post.categories == ("Garden",)
    assert post.tags == ("Roses", "Compost")


def test_language_comes_from_the_html_element():
    assert _extract(f"<html lang='es-ES'><body>{BODY}</body></html>").post.language == "es"
