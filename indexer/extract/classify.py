"""Decide what a page is: a post, a static page, or neither (and then say what it is).

Home pages, pagination, archives of tags, categories, dates and authors, section indexes,
soft-404s, redirect stubs, undated drafts and theme demos all look like posts to a naive
crawler and would flood the results with duplicates. Each skip rule returns a reason, or
None; the first reason found is reported in the indexer's summary. What no rule skips is
a static page (about, contact, a campaign page: no date, no post markup, or the theme or
the address says so) or a post.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from indexer.extract.dates import parse_visible_date, url_date
from indexer.extract.facts import PageFacts
from indexer.extract.parse import Document, classes, stripped_text
from indexer.extract.shape import PageShape
from indexer.records import Post

MIN_BODY_WORDS = 15
POST, PAGE = "post", "page"
# A `<main>` with less text than this besides the title holds nothing to search.
MIN_MAIN_CHARS = 20
# A listing: at least this many short lines that carry a date, and this share of the lines.
LISTING_DATE_LINES = 5
LISTING_DATE_SHARE = 0.25
LISTING_LINE_CHARS = 80
# A section's index: this many text links to pages below it, more words than its body.
SECTION_CHILD_LINKS = 3
# Placeholder text ("lorem ipsum") making up this share of the words is a theme's demo.
PLACEHOLDER_SHARE = 0.2
# The first segment of a static page's address, in the languages themes are translated into.
STATIC_PAGE_SLUGS = frozenset(
    (
        "about about-me about-us contact contact-us contacts imprint impressum legal "
        "legal-notice privacy privacy-policy cookie-policy cookies terms terms-of-service "
        "terms-and-conditions disclaimer colophon faq donate support services accessibility "
        "sobre sobre-mim sobre-nos acerca acerca-de contacto contato privacidade privacidad "
        "politica-de-privacidade politica-de-privacidad aviso-legal a-propos apropos "
        "mentions-legales confidentialite ueber-uns uber-uns ueber-mich uber-mich kontakt "
        "datenschutz chi-siamo contatti informativa-privacy over-ons om-oss om-mig "
        "yhteystiedot kapcsolat iletisim hakkimizda o-nas o-mnie polityka-prywatnosci"
    ).split()
)
_PLACEHOLDER_WORDS = frozenset(
    (
        "lorem ipsum dolor sit amet consectetur adipiscing adipisicing elit sed do eiusmod "
        "tempor incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud "
        "exercitation ullamco laboris nisi aliquip ex ea commodo consequat duis aute irure "
        "reprehenderit voluptate velit esse cillum fugiat nulla pariatur excepteur sint "
        "occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est "
        "laborum"
    ).split()
)
# Hugo and Jekyll file a post without a date under the zero date ("/0001/01/01/slug/").
_ZERO_DATE_PATH = re.compile(r"/0*1/0?1/0?1(/|$)")

_NOT_FOUND = re.compile(
    r"\b(page not found|not found|404|nothing (was )?found|no encontrada|introuvable)\b", re.I
)
_ARCHIVE_PATH = re.compile(
    r"/(page|tag|tags|category|categories|author|authors|archives?|search|label|sitemap"
    r"|arquivo|archivo|archivio|archiv|archief|arkiv|arkisto|archiwum)(/|$)",
    re.I,
)
_REFRESH = re.compile("^refresh$", re.I)
_DATE_ARCHIVE_PATH = re.compile(r"^/(\d{4})(/\d{1,2}){0,2}/?$")

# WordPress (and many themes that copy it) label every page's <body> with its kind.
_BODY_CLASS_REASONS = (
    ("error404", "not found page"),
    ("search-results", "search results"),
    ("home", "home page"),
    ("blog", "home page"),
    ("paged", "pagination"),
    ("category", "category archive"),
    ("tag", "tag archive"),
    ("author", "author archive"),
    ("date", "date archive"),
    ("archive", "archive page"),
)
_POST_BODY_CLASSES = frozenset({"single", "single-post", "postid", "post-template-default"})


def redirect_stub(facts: PageFacts, post: Post) -> str | None:
    refresh = next(
        (m for m in facts.root.iter("meta") if _REFRESH.match(m.get("http-equiv", ""))), None
    )
    if refresh is not None and len(post.body.split()) < 50:
        return "redirect stub"
    return None


def not_found_page(facts: PageFacts, post: Post) -> str | None:
    title = facts.document.first("title")
    title_text = stripped_text(title) if title is not None else ""
    heading = facts.document.first("h1")
    heading_text = stripped_text(heading) if heading is not None else ""
    says_not_found = _NOT_FOUND.search(title_text) or _NOT_FOUND.search(heading_text)
    if says_not_found and len(post.body.split()) < 150:
        return "not found page"
    return None


def body_class_kind(facts: PageFacts, post: Post) -> str | None:
    if _theme_says_single_post(facts):
        return None
    found = _body_classes(facts.document)
    for css_class, reason in _BODY_CLASS_REASONS:
        if css_class in found:
            return reason
    return None


def archive_url(facts: PageFacts, post: Post) -> str | None:
    if _theme_says_single_post(facts):
        return None  # trust the theme over the URL's shape
    path = urlsplit(facts.url).path
    if path in ("", "/", "/index.html"):
        return "home page"
    if _DATE_ARCHIVE_PATH.match(path):
        return "date archive"
    if _ARCHIVE_PATH.search(path):
        return "archive page"
    return None


def listing_markup(facts: PageFacts, post: Post, shape: PageShape) -> str | None:
    if shape.entries >= 3 and not _looks_like_single_post(facts):
        return "listing page"
    return None


def zero_date_draft(facts: PageFacts, post: Post) -> str | None:
    if _ZERO_DATE_PATH.search(urlsplit(facts.url).path):
        return "draft without a date (the zero date in its address)"
    return None


def dated_listing(facts: PageFacts, post: Post, shape: PageShape) -> str | None:
    """Short lines that each carry a date: an archive of posts, whatever its theme."""
    lines = [line for line in post.body.split("\n") if line.strip()][:400]
    dated = sum(1 for line in lines if len(line) <= LISTING_LINE_CHARS and parse_visible_date(line))
    dated = max(dated, shape.datelines)  # the dates the body extractor stripped as furniture
    if dated >= LISTING_DATE_LINES and dated >= LISTING_DATE_SHARE * len(lines):
        return "listing page (a date on every entry)"
    return None


def section_index(facts: PageFacts, post: Post, shape: PageShape) -> str | None:
    """Links to the pages below it, with fewer words of its own: a section's index."""
    if len(shape.child_links) < SECTION_CHILD_LINKS:
        return None
    own = post.body
    for text in shape.child_links:
        own = own.replace(text, " ", 1)
    if 2 * len(own.split()) < shape.child_link_words:
        return "section index (links to the pages below it)"
    return None


def empty_main(facts: PageFacts, post: Post, shape: PageShape) -> str | None:
    """An undated page whose `<main>` holds only its title (a dated one is a post all the
    same: a title and a date, a photo perhaps)."""
    if post.date is None and shape.main_chars is not None and shape.main_chars < MIN_MAIN_CHARS:
        return "nothing in <main> but its title"
    return None


def placeholder_text(facts: PageFacts, post: Post) -> str | None:
    words = re.findall(r"[a-z]+", post.body.lower())
    if len(words) >= 20 and sum(w in _PLACEHOLDER_WORDS for w in words) >= PLACEHOLDER_SHARE * len(
        words
    ):
        return "placeholder text (a theme's demo page)"
    return None


def is_static_page(facts: PageFacts, post: Post) -> bool:
    """A page of the site rather than a post: the theme says so, or the address names a
    static page, or it has neither a date nor any post markup."""
    if _theme_says_single_post(facts):
        return False
    if url_date(facts.url) is not None:
        return False
    if "page" in _body_classes(facts.document):  # WordPress
        return True
    segments = [part for part in urlsplit(facts.url).path.lower().split("/") if part]
    if segments and segments[0] in STATIC_PAGE_SLUGS:
        return True
    return post.date is None and not _looks_like_single_post(facts)


def too_short(facts: PageFacts, post: Post) -> str | None:
    # A real post may be one photo and a caption, or "Drip."; a page is refused for being
    # short only when it has neither post markup nor both a title and a date.
    short = len(post.body.split()) < MIN_BODY_WORDS
    if short and not (post.title and post.date) and not _looks_like_single_post(facts):
        return f"too little text (under {MIN_BODY_WORDS} words) and no post markup"
    return None


def _looks_like_single_post(facts: PageFacts) -> bool:
    """Any post markup: article structured data, og:type article, or the theme's classes."""
    if facts.json_ld or facts.meta.get("og:type") == "article":
        return True
    return _theme_says_single_post(facts)


def _theme_says_single_post(facts: PageFacts) -> bool:
    found = _body_classes(facts.document)
    return bool(found & _POST_BODY_CLASSES) or any(c.startswith("postid-") for c in found)


def _body_classes(document: Document) -> set[str]:
    body = document.first("body")
    return set(classes(body)) if body is not None else set()


RULES: tuple[Callable[[PageFacts, Post], str | None], ...] = (
    redirect_stub,
    not_found_page,
    zero_date_draft,
    body_class_kind,
    archive_url,
)
SHAPE_RULES: tuple[Callable[[PageFacts, Post, PageShape], str | None], ...] = (
    listing_markup,
    dated_listing,
    section_index,
    empty_main,
)


def classify(facts: PageFacts, post: Post, shape: PageShape) -> tuple[str, str | None]:
    """The page's kind ("post" or "page") and why it is not to be indexed (None: it is)."""
    reason = next(filter(None, (rule(facts, post) for rule in RULES)), None)
    reason = reason or next(filter(None, (rule(facts, post, shape) for rule in SHAPE_RULES)), None)
    reason = reason or placeholder_text(facts, post)
    if reason:
        return POST, reason
    if is_static_page(facts, post):
        return PAGE, None if post.body.strip() else "empty page"
    return POST, too_short(facts, post)
