"""The metadata cascade, field by field, as (html, expected) tables."""

from __future__ import annotations

from datetime import date

import pytest

from indexer.extract import metadata, published, taxonomy
from indexer.extract.facts import PageFacts
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
        # a URL with only a year and a month never invents the day
        (BODY, "https://b.example/2008/03/slug.html", None),
        # ... and the day shown on the page stands, even where a cascade step finds it late
        (
            "<h2 class='date-header'>Tuesday, March 4, 2008</h2><div class='post hentry'>"
            "<h3 class='post-title entry-title'>T</h3>" + BODY + "</div>",
            "https://b.example/2008/03/slug.html",
            date(2008, 3, 4),
        ),
        # the URL narrows: of the page's dates, the one in the URL's month
        (
            "<article><p class='post-meta'>Updated 5 April 2020</p><time datetime='2008-03-04'>"
            "x</time>" + BODY + "</article>",
            "https://b.example/2008/03/slug/",
            date(2008, 3, 4),
        ),
        # a page date that the URL cannot confirm still beats the URL's day
        (
            "<meta property='article:published_time' content='2018-11-04T23:30:00-05:00'>" + BODY,
            "https://b.example/2018/11/05/slug/",
            date(2018, 11, 4),
        ),
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


def _facts(html: str, url: str = URL) -> PageFacts:
    return PageFacts.read(parse_html(html), url)


def _date_after_title(facts: PageFacts):
    """The title is read first, as extraction does: the date is looked for after it."""
    metadata.read_title(facts)
    return published.date_near_title(facts)


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
        published.date_from_meta,
        LD.format(
            '{"@graph": [{"@type": "Article", "datePublished": "2019-03-02T10:00:00Z",'
            ' "dateModified": "2020-01-01"}]}'
        ),
        URL,
        date(2019, 3, 2),
    ),
    (
        published.date_from_meta,
        "<meta property='article:published_time' content='2018-07-09T08:00:00+00:00'>"
        "<meta property='article:modified_time' content='2020-07-09'>",
        URL,
        date(2018, 7, 9),
    ),
    (
        published.date_from_meta,
        "<meta name='date' content='10 February 2003'>",
        URL,
        date(2003, 2, 10),
    ),
    (
        published.date_from_time_element,
        "<time datetime='2016-1-4'>Jan</time>",
        URL,
        date(2016, 1, 4),
    ),
    (
        published.date_from_time_element,  # a theme that printed its template code
        "<time datetime='article.date.isoformat()'>x</time>",
        URL,
        None,
    ),
    (
        published.date_from_visible_text,
        "<span class='posted-on'>May 10th, 2005</span>",
        URL,
        date(2005, 5, 10),
    ),
    (
        published.date_from_visible_text,
        "<div class='date'>Wed 19 December 2012</div>",
        URL,
        date(2012, 12, 19),
    ),
    (
        published.date_from_visible_text,
        "<p class='meta'>Wednesday, April 11, 2007</p>",
        URL,
        date(2007, 4, 11),
    ),
    (
        published.date_from_visible_text,
        "<p class='meta'>4 de mayo de 2021</p>",
        URL,
        date(2021, 5, 4),
    ),
    (published.date_from_page_url, "<p></p>", "https://b.example/2023/05/04/x/", date(2023, 5, 4)),
    (published.date_from_page_url, "<p></p>", "https://b.example/about/", None),
    # a URL with a year and a month only knows no day
    (published.date_from_page_url, "<p></p>", "https://b.example/2023/05/x/", None),
    # hAtom: the ISO date in an abbr's title, the visible text for people
    (
        published.date_from_microformats,
        "<div class='hentry'><abbr class='published' title='2008-03-04T10:00:00+01:00'>"
        "Tuesday</abbr></div>",
        URL,
        date(2008, 3, 4),
    ),
    # the value-class pattern: the date in a part of the element
    (
        published.date_from_microformats,
        "<span class='published'>on <span class='value-title' title='2011-06-07'></span>"
        "the seventh</span>",
        URL,
        date(2011, 6, 7),
    ),
    (
        published.date_from_microformats,
        "<time class='dt-published'><span class='value'>2015-10-21</span> at noon</time>",
        URL,
        date(2015, 10, 21),
    ),
    # hAtom's updated, the weakest of the machine dates (used when nothing else is there)
    (
        published.date_from_updated,
        "<abbr class='updated' title='2009-12-01'>December</abbr>",
        URL,
        date(2009, 12, 1),
    ),
    # Blogger prints the day once, above the post
    (
        published.date_from_date_header,
        "<h2 class='date-header'><span>Tuesday, March 4, 2008</span></h2>"
        "<div class='post hentry'><h3 class='post-title'>A</h3></div>",
        URL,
        date(2008, 3, 4),
    ),
    # on a listing the date headers are many: none of them is this page's date
    (
        published.date_from_date_header,
        "<h2 class='date-header'>March 4, 2008</h2><h2 class='date-header'>March 3, 2008</h2>",
        URL,
        None,
    ),
    # theme classes: the post's own, then the single post's on <body>
    (
        published.date_from_theme_classes,
        "<div class='hentry post y2019 m04 d23 h10'><p>x</p></div>",
        URL,
        date(2019, 4, 23),
    ),
    (published.date_from_theme_classes, "<div class='m3 d4 p-2'>x</div>", URL, None),
    # text dates in other languages, with nothing machine-readable on the page
    (
        published.date_from_visible_text,
        "<div class='post-meta'><span></span>31 de março de 2022</div>",
        URL,
        date(2022, 3, 31),
    ),
    (published.date_from_visible_text, "<h2 class='date'>2024/01/27</h2>", URL, date(2024, 1, 27)),
    (
        published.date_from_visible_text,
        "<div class='post-meta'>27 января 2024 г.</div>",
        URL,
        date(2024, 1, 27),
    ),
    # the line after the block that holds the title
    (
        _date_after_title,
        "<header><h1 class='entry-title'>T</h1></header><p>15 września 2021</p>",
        URL,
        date(2021, 9, 15),
    ),
    # WordPress block themes: the post date block's <time>, before any other <time>
    (
        published.date_from_time_element,
        "<time datetime='2001-01-01'>x</time><div class='wp-block-post-date'>"
        "<time datetime='2022-11-01T10:00:00+00:00'>November 1, 2022</time></div>",
        URL,
        date(2022, 11, 1),
    ),
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
    # WordPress block themes: "by Name"
    (
        metadata.author_from_byline,
        "<div class='wp-block-post-author'><div class='wp-block-post-author__content'>"
        "<p class='wp-block-post-author__byline'>by</p>"
        "<p class='wp-block-post-author__name'>Jo Dee</p></div></div>",
        URL,
        "Jo Dee",
    ),
    (
        metadata.author_from_byline,
        "<div class='wp-block-post-author-name'><a href='/author/jo/'>Jo Dee</a></div>",
        URL,
        "Jo Dee",
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
        taxonomy.categories_from_links,
        "<a rel='category tag' href='/c/a'>Alpha</a><a rel='category tag' href='/c/b'>Beta</a>",
        URL,
        ["Alpha", "Beta"],
    ),
    (
        taxonomy.categories_from_links,
        "<span class='cat-links'><a href='/c'>Gamma</a></span>",
        URL,
        ["Gamma"],
    ),
    (
        taxonomy.categories_from_meta,
        "<meta property='article:section' content='Sport'>",
        URL,
        ["Sport"],
    ),
    (
        taxonomy.tags_from_links,
        "<a rel='tag' href='/t/x'>xray</a><a rel='tag' href='/t/y'>yak</a>",
        URL,
        ["xray", "yak"],
    ),
    (
        taxonomy.tags_from_links,
        "<span class='tags-links'><a href='/t'>zed</a></span>",
        URL,
        ["zed"],
    ),
    # links to term archives, by their address, where no class names them
    (
        taxonomy.tags_from_taxonomy_links,
        "<main><p>Post.</p></main><p class='terms'><b>Tags:</b> <a href='//blog.example/tags/elk/'>"
        "ELK</a> <a href='/tags/logs/'>Logs</a></p><p class='terms'><b>Categories:</b> "
        "<a href='/categories/it/'>IT</a></p>",
        URL,
        ["ELK", "Logs"],
    ),
    (
        taxonomy.categories_from_taxonomy_links,
        "<main><p>Post.</p></main><p><a href='/categories/it/'>IT</a></p>",
        URL,
        ["IT"],
    ),
    (  # Blogger labels
        taxonomy.tags_from_taxonomy_links,
        "<div class='post-footer'>Labels: <a href='/search/label/Roses'>Roses</a></div>",
        URL,
        ["Roses"],
    ),
    (  # the menu's and the sidebar's term links are the site's, not the post's
        taxonomy.categories_from_taxonomy_links,
        "<nav><a href='/category/news/'>News</a></nav><aside class='widget'>"
        "<a href='/category/sport/'>Sport</a></aside><p>Post</p>",
        URL,
        None,
    ),
    (  # a link to the list of all tags is not a term
        taxonomy.tags_from_taxonomy_links,
        "<p><a href='/tags/'>Tags</a></p>",
        URL,
        None,
    ),
    (  # a tag cloud lists the whole site's terms
        taxonomy.tags_from_taxonomy_links,
        "<div>" + "".join(f"<a href='/tag/t{i}/'>t{i}</a>" for i in range(40)) + "</div>",
        URL,
        None,
    ),
    (  # another site's tag pages are not this post's tags
        taxonomy.tags_from_taxonomy_links,
        "<p><a href='https://other.example/tag/x/'>x</a></p>",
        "https://blog.example/2020/01/post/",
        None,
    ),
    # the site's section is not a category: Hugo puts "post" in article:section
    (
        taxonomy.categories_from_meta,
        "<meta property='article:section' content='post'>",
        "https://b.example/post/slug/",
        None,
    ),
    (
        taxonomy.categories_from_meta,
        "<meta property='article:section' content='Posts'>",
        "https://b.example/posts/slug/",
        None,
    ),
    # WordPress block themes: categories are .taxonomy-category, with rel="tag" links
    (
        taxonomy.categories_from_links,
        "<div class='taxonomy-category wp-block-post-terms'><a href='/category/news/' rel='tag'>"
        "News</a></div><div class='taxonomy-post_tag wp-block-post-terms'>"
        "<a href='/tag/x/' rel='tag'>x</a></div>",
        URL,
        ["News"],
    ),
    (
        taxonomy.tags_from_links,
        "<div class='taxonomy-post_tag wp-block-post-terms'><a href='/tag/x/'>x</a></div>",
        URL,
        ["x"],
    ),
    (
        taxonomy.tags_from_meta,
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
