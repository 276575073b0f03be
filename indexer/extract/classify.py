"""Decide whether a page is a post, and if not, say what it is.

Home pages, pagination, archives of tags, categories, dates and authors, static pages,
soft-404s and redirect stubs all look like posts to a naive crawler and would flood the
results with duplicates. Each rule returns a reason to skip, or None; the first reason
found is reported in the indexer's summary.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from indexer.extract.facts import PageFacts
from indexer.extract.parse import Document, classes, stripped_text
from indexer.records import Post

MIN_BODY_WORDS = 15

_NOT_FOUND = re.compile(
    r"\b(page not found|not found|404|nothing (was )?found|no encontrada|introuvable)\b", re.I
)
_ARCHIVE_PATH = re.compile(
    r"/(page|tag|tags|category|categories|author|authors|archives?|search|label)(/|$)", re.I
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
    ("page", "static page"),
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


def listing_markup(facts: PageFacts, post: Post) -> str | None:
    entries = {
        id(e): e for s in ("article", ".hentry", ".h-entry", ".post") for e in facts.select(s)
    }
    headed = [e for e in entries.values() if _has(e, "h1", "h2", "h3") and _has(e, "a")]
    if len(headed) >= 3 and not _looks_like_single_post(facts):
        return "listing page"
    return None


def undated_page(facts: PageFacts, post: Post) -> str | None:
    if post.date is None and not _looks_like_single_post(facts):
        return "no publication date and no post markup (a static page?)"
    return None


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


def _has(element, *tags: str) -> bool:
    return next(element.iterdescendants(*tags), None) is not None


RULES: tuple[Callable[[PageFacts, Post], str | None], ...] = (
    redirect_stub,
    not_found_page,
    body_class_kind,
    archive_url,
    listing_markup,
    undated_page,
    too_short,
)


def not_a_post_reason(facts: PageFacts, post: Post) -> str | None:
    """Why this page is not a post, or None when it is one."""
    for rule in RULES:
        reason = rule(facts, post)
        if reason:
            return reason
    return None
