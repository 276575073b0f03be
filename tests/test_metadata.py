"""The metadata cascade, field by field, as (html, expected) tables."""

from __future__ import annotations

from datetime import date

import pytest

from indexer.extract import metadata
from indexer.extract.page import extract
from indexer.extract.parse import parse_html
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


SPANISH_BODY = (
    "<p>" + "El perro de mi vecino es muy grande y siempre ladra cuando paso por la calle, "
    "pero nunca me ha mordido porque es un animal bueno que solo quiere jugar. " * 3 + "</p>"
)


def test_language_comes_from_the_html_element():
    assert _extract(f"<html lang='es-ES'><body>{SPANISH_BODY}</body></html>").post.language == "es"


def test_language_is_detected_when_the_page_declares_none():
    assert _extract(f"<html><body>{SPANISH_BODY}</body></html>").post.language == "es"


def test_a_theme_default_of_english_is_overruled_by_clearly_spanish_text():
    # WordPress themes ship lang="en-US" whatever the author writes in.
    assert _extract(f"<html lang='en-US'><body>{SPANISH_BODY}</body></html>").post.language == "es"


def test_a_declared_language_stands_when_the_text_is_too_short_to_tell():
    html = "<html lang='es'><body><article><h1>Hola</h1><p>Drip.</p></article></body></html>"
    assert _extract(html).post.language == "es"


# --- each cascade function on its own: (function, html, url, expected) ----------------

URL = "https://blog.example/posts/x/"
LD = '<script type="application/ld+json">{}</script>'


def _facts(html: str, url: str = URL) -> metadata.PageFacts:
    return metadata.PageFacts.read(parse_html(html), url)


CASCADE_TABLE = [
    # title
    (metadata.title_from_heading, "<h1 class='entry-title'>Own heading</h1>", URL, "Own heading"),
    (
        metadata.title_from_heading,
        "<title>Two h1 | Site</title><h1>A</h1><h1>Two h1</h1>",
        URL,
        "Two h1",
    ),
    (metadata.title_from_heading, "<h2>Not a title</h2>", URL, None),
    (metadata.title_from_meta, "<meta property='og:title' content='OG title'>", URL, "OG title"),
    (
        metadata.title_from_meta,
        LD.format('{"@type": "BlogPosting", "headline": "LD headline"}'),
        URL,
        "LD headline",
    ),
    (metadata.title_from_title_tag, "<title>Post name | My Blog</title>", URL, "Post name"),
    (
        metadata.title_from_title_tag,
        "<title>Post - with dash - Blog</title><meta property='og:site_name' content='Blog'>",
        URL,
        "Post - with dash",
    ),
    # date
    (
        metadata.date_from_meta,
        LD.format(
            '{"@graph": [{"@type": "Article", "datePublished": "2019-03-02T10:00:00Z",'
            ' "dateModified": "2020-01-01"}]}'
        ),
        URL,
        date(2019, 3, 2),
    ),
    (
        metadata.date_from_meta,
        "<meta property='article:published_time' content='2018-07-09T08:00:00+00:00'>"
        "<meta property='article:modified_time' content='2020-07-09'>",
        URL,
        date(2018, 7, 9),
    ),
    (
        metadata.date_from_meta,
        "<meta name='date' content='10 February 2003'>",
        URL,
        date(2003, 2, 10),
    ),
    (
        metadata.date_from_time_element,
        "<time datetime='2016-1-4'>Jan</time>",
        URL,
        date(2016, 1, 4),
    ),
    (
        metadata.date_from_time_element,  # a theme that printed its template code
        "<time datetime='article.date.isoformat()'>x</time>",
        URL,
        None,
    ),
    (
        metadata.date_from_visible_text,
        "<span class='posted-on'>May 10th, 2005</span>",
        URL,
        date(2005, 5, 10),
    ),
    (
        metadata.date_from_visible_text,
        "<div class='date'>Wed 19 December 2012</div>",
        URL,
        date(2012, 12, 19),
    ),
    (
        metadata.date_from_visible_text,
        "<p class='meta'>Wednesday, April 11, 2007</p>",
        URL,
        date(2007, 4, 11),
    ),
    (
        metadata.date_from_visible_text,
        "<p class='meta'>4 de mayo de 2021</p>",
        URL,
        date(2021, 5, 4),
    ),
    (metadata.date_from_page_url, "<p></p>", "https://b.example/2023/05/04/x/", date(2023, 5, 4)),
    (metadata.date_from_page_url, "<p></p>", "https://b.example/about/", None),
    # author
    (
        metadata.author_from_byline,
        "<span class='byline'>By <a rel='author'>Ann Lee</a></span>",
        URL,
        "Ann Lee",
    ),
    (
        metadata.author_from_byline,
        "<div class='hentry'><span class='author vcard'><span class='fn'>Bo Ek</span></span></div>",
        URL,
        "Bo Ek",
    ),
    (metadata.author_from_meta, "<meta name='author' content='Cy Twombly'>", URL, "Cy Twombly"),
    (
        metadata.author_from_meta,
        LD.format('{"@type": "NewsArticle", "author": {"@type": "Person", "name": "Di Fox"}}'),
        URL,
        "Di Fox",
    ),
    (
        metadata.author_from_meta,  # a profile URL is not a name
        "<meta property='article:author' content='https://facebook.com/x'>",
        URL,
        None,
    ),
    # categories and tags
    (
        metadata.categories_from_links,
        "<a rel='category tag' href='/c/a'>Alpha</a><a rel='category tag' href='/c/b'>Beta</a>",
        URL,
        ["Alpha", "Beta"],
    ),
    (
        metadata.categories_from_links,
        "<span class='cat-links'><a href='/c'>Gamma</a></span>",
        URL,
        ["Gamma"],
    ),
    (
        metadata.categories_from_meta,
        "<meta property='article:section' content='Sport'>",
        URL,
        ["Sport"],
    ),
    (
        metadata.tags_from_links,
        "<a rel='tag' href='/t/x'>xray</a><a rel='tag' href='/t/y'>yak</a>",
        URL,
        ["xray", "yak"],
    ),
    (
        metadata.tags_from_links,
        "<span class='tags-links'><a href='/t'>zed</a></span>",
        URL,
        ["zed"],
    ),
    (
        metadata.tags_from_meta,
        "<meta property='article:tag' content='one'><meta property='article:tag' content='two'>",
        URL,
        ["one", "two"],
    ),
]


@pytest.mark.parametrize(
    ("step", "html", "url", "expected"),
    CASCADE_TABLE,
    ids=[f"{row[0].__name__}-{i}" for i, row in enumerate(CASCADE_TABLE)],
)
def test_each_cascade_function(step, html, url, expected):
    found = step(_facts(f"<html><head></head><body>{html}</body></html>", url))
    assert (found or None) == (expected or None)
