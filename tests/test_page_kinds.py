"""What a page is, as (html, address, expected) tables of general patterns: a post, a
static page (indexed as a page), or neither, with the reason; and which address a page
found in a folder is indexed under when its canonical link names another.
"""

from __future__ import annotations

import pytest
from helpers import build_index

from indexer.api import IndexOptions, RawPage, WhooshPostStore, extract, index_sources

BODY = "<p>" + "Words of the page's own text, enough of them to be read as a body. " * 4 + "</p>"
DATED = "<meta property='article:published_time' content='2021-04-05T10:00:00+00:00'>"
ARTICLE = "<meta property='og:type' content='article'>"


def _page(head: str, body: str, body_class: str = "") -> bytes:
    return (
        f"<html><head><title>T</title>{head}</head><body class='{body_class}'>{body}</body></html>"
    ).encode()


def _read(html: bytes, url: str):
    return extract(RawPage("t.html", url, html))


KINDS = [
    # WordPress says so on <body>
    (
        _page("", f"<h1>Contact</h1>{BODY}", "page-template-default page page-id-7"),
        "/contact/",
        "page",
    ),
    # no date and no post markup: a page of the site
    (_page("", f"<main><h1>Services</h1>{BODY}</main>"), "/services/", "page"),
    # a Hugo theme marks every page as an article, with a date: the address names an about page
    (_page(DATED + ARTICLE, f"<article><h1>About</h1>{BODY}</article>"), "/about/", "page"),
    # ... but a post whose slug is "about" is a post
    (_page(DATED + ARTICLE, f"<article><h1>About</h1>{BODY}</article>"), "/post/about/", "post"),
    # a date in the address makes a post whatever the rest says
    (_page("", f"<h1>Notes</h1>{BODY}", "page"), "/2021/04/05/notes/", "post"),
    (_page(DATED, f"<article><h1>A post</h1>{BODY}</article>"), "/notes/a-post/", "post"),
]


@pytest.mark.parametrize(("html", "url", "kind"), KINDS)
def test_a_page_of_the_site_is_told_from_a_post(html, url, kind):
    result = _read(html, "https://site.example" + url)
    assert result.skip_reason is None
    assert result.post.kind == kind


CHILDREN = "".join(f"<li><a href='/lists/{n}/'>The list of {n} things</a></li>" for n in range(5))
DATED_LINES = (
    "<ul>"
    + "".join(
        f"<li><span>{n + 1} March 2022</span> <a href='/notes/{n}/'>Entry number {n}</a></li>"
        for n in range(6)
    )
    + "</ul>"
)
LOREM = (
    "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud "
    "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.</p>"
)

SKIPPED = [
    # a section's index: links to the pages below it, hardly a word of its own
    (_page("", f"<main><h1>Lists</h1><ul>{CHILDREN}</ul></main>"), "/lists/", "section index"),
    # an archive with a date on every entry, whatever its theme calls it
    (_page("", f"<main><h1>Archive</h1>{DATED_LINES}</main>"), "/history/", "listing page"),
    # archives in other languages
    (_page("", f"<main><h1>Arquivo</h1>{BODY}</main>"), "/arquivo/", "archive page"),
    # an undated page whose <main> holds only its title
    (
        _page("", "<main><h1>Series</h1><ul></ul></main><footer>" + BODY + "</footer>"),
        "/series/",
        "nothing in <main>",
    ),
    # Hugo and Jekyll file a post without a date under the zero date
    (_page("", f"<article><h1>Draft</h1>{BODY}</article>"), "/post/0001/01/01/draft/", "draft"),
    (_page("", f"<article><h1>Draft</h1>{BODY}</article>"), "/post/1/01/01/draft/", "draft"),
    # a theme's demo content
    (
        _page(DATED, f"<article><h1>Markdown test</h1>{LOREM * 3}</article>"),
        "/posts/test/",
        "placeholder",
    ),
]


@pytest.mark.parametrize(("html", "url", "reason"), SKIPPED)
def test_indexes_archives_drafts_and_demos_are_skipped_with_a_reason(html, url, reason):
    result = _read(html, "https://site.example" + url)
    assert result.skip_reason and reason in result.skip_reason


def test_a_dated_post_with_an_empty_main_is_still_a_post():
    html = _page(DATED, "<div><h1><span class='title'>A photo</span></h1></div><main></main>")
    result = _read(html, "https://site.example/post/2021/04/05/a-photo/")
    assert result.skip_reason is None and result.post.kind == "post"


def test_a_banner_sentence_in_the_only_h1_is_not_the_title():
    banner = "We build things in the open and share them with everyone, " * 3
    html = (
        "<html><head><title>Open Source - Example Engineering</title></head><body>"
        f"<h1>{banner}</h1>{BODY}</body></html>"
    ).encode()
    assert _read(html, "https://site.example/open-source/").post.title == "Open Source"


# --- canonical links in a folder ---------------------------------------------------------


def _post(canonical: str, title: str = "A moved post") -> str:
    links = "".join(f"<a href='https://site.example/p{n}/'>p{n}</a>" for n in range(3))
    return (
        f"<html><head><title>{title}</title><link rel='canonical' href='{canonical}'>{DATED}"
        f"</head><body><nav>{links}</nav><article><h1>{title}</h1>{BODY}</article></body></html>"
    )


def _write(root, relative: str, html: str) -> None:
    path = root / relative / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")


def test_a_page_under_another_path_is_indexed_under_its_canonical_url(tmp_path):
    site = tmp_path / "site"
    # a one-segment address, exported under a subfolder: no other page is that address
    _write(site, "archive/story", _post("https://site.example/story/"))
    summary = build_index(tmp_path / "index", site)
    assert summary.indexed == ["https://site.example/story/"], summary.skipped


def test_a_mirror_s_shortlink_canonical_is_ignored_for_the_folder_path(tmp_path):
    site = tmp_path / "site"
    _write(site, "2005/05/10/a-post", _post("../../../index.html%3Fp=2452.html"))
    _write(site, "2005/05/11/b-post", _post("https://site.example/?p=2453", "B post"))
    summary = build_index(tmp_path / "index", site)
    assert sorted(summary.indexed) == ["/2005/05/10/a-post/", "/2005/05/11/b-post/"]


def test_a_lone_page_in_a_subfolder_is_indexed(tmp_path):
    site = tmp_path / "site"
    _write(site, "saved/copy", _post("https://site.example/2021/04/05/a-post/"))
    summary = build_index(tmp_path / "index", site)
    assert summary.indexed == ["https://site.example/2021/04/05/a-post/"]


def test_a_copy_is_a_page_whose_canonical_names_another_page_of_the_folder(tmp_path):
    site = tmp_path / "site"
    _write(site, "2021/04/05/a-post", _post("https://site.example/2021/04/05/a-post/"))
    _write(site, "blog/page/2", _post("https://site.example/2021/04/05/a-post/"))
    summary = build_index(tmp_path / "index", site)
    assert summary.indexed == ["https://site.example/2021/04/05/a-post/"]
    copies = [skip.reason for skip in summary.skipped]
    assert copies == ["copy of https://site.example/2021/04/05/a-post/"]


# --- include_pages -------------------------------------------------------------------------


def _site_with_a_page(root) -> None:
    _write(root, "2021/04/05/a-post", _post("https://site.example/2021/04/05/a-post/"))
    page = _page(
        "<link rel='canonical' href='https://site.example/contact/'>", f"<h1>Contact</h1>{BODY}"
    )
    (root / "contact").mkdir(parents=True)
    (root / "contact" / "index.html").write_bytes(page)


def test_static_pages_are_indexed_as_pages_unless_include_pages_is_off(tmp_path):
    site = tmp_path / "site"
    _site_with_a_page(site)
    summary = build_index(tmp_path / "on", site)
    assert summary.indexed == ["https://site.example/2021/04/05/a-post/"]
    assert summary.static_pages == ["https://site.example/contact/"]
    off = index_sources(
        [site], WhooshPostStore(tmp_path / "off"), options=IndexOptions(include_pages=False)
    )
    assert off.static_pages == []
    assert [(s.url, s.reason) for s in off.skipped] == [
        ("https://site.example/contact/", "static page")
    ]
