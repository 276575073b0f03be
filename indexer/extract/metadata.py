"""Read a post's metadata: title, date, author, categories, tags, language, description.

Each field is an ordered cascade of small functions, most trustworthy first, and the first
that returns a valid value wins. For the title, author and taxonomy that is the page's
visible post markup (what the reader sees), then JSON-LD and <meta>; for the date
(`indexer.extract.published`) it is the machine-written dates, then the visible ones,
with the URL as a check. Categories and tags are read by `indexer.extract.taxonomy`.
Runs before `indexer.extract.body` prunes the tree.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from indexer.extract import taxonomy
from indexer.extract.dates import parse_visible_date
from indexer.extract.facts import MAX_NAME_CHARS, PageFacts, nearby_lines

__all__ = ["PageFacts", "read_date"]  # the cascades' input, and the date's own cascade
from indexer.extract.jsonld import ld_name
from indexer.extract.parse import Element, spaced_text, visible_text
from indexer.extract.published import read_date
from indexer.extract.titles import clean_title
from indexer.index.analysis import normalize_language

MAX_TITLE_CHARS = 400
# A page's only h1, when longer than this, is a banner's sentence rather than its name.
MAX_LONE_H1_CHARS = 150

_BY_PREFIX = re.compile(r"^\s*(?:posted\s+)?(?:by|written by|author:?|von|por|par)\s+", re.I)
_CONTENT_LANGUAGE = re.compile("^content-language$", re.I)
_TITLE_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ", " » ", " · ")


# --- title ---------------------------------------------------------------------------

TITLE_SELECTORS = (
    "h1.entry-title",
    "h1.post-title",
    "h1.wp-block-post-title",
    "[itemprop=headline]",
    ".entry-title",
    ".post-title",
    "h1.p-name",
)
FALLBACK_TITLE_SELECTORS = ("article h1", "main h1")


def title_from_heading(facts: PageFacts) -> str | None:
    """The post's own heading: a themed title element, else the heading that the page's
    <title> names (minus the site name), else the only h1."""
    for selector in TITLE_SELECTORS:
        if (found := _first_with_text(facts.select(selector))) is not None:
            return _remember_title(facts, found)
    if (found := _heading_named_by_title_tag(facts)) is not None:
        return _remember_title(facts, found)
    for selector in FALLBACK_TITLE_SELECTORS:
        if (found := _first_with_text(facts.select(selector))) is not None:
            return _remember_title(facts, found)
    headings = list(facts.root.iter("h1"))
    if len(headings) == 1 and 0 < len(visible_text(headings[0])) <= MAX_LONE_H1_CHARS:
        return _remember_title(facts, headings[0])
    return None


def _first_with_text(tags: list[Element]) -> Element | None:
    return next((tag for tag in tags if visible_text(tag)), None)


def _remember_title(facts: PageFacts, heading: Element) -> str:
    facts.title_element = heading
    return visible_text(heading)


def _heading_named_by_title_tag(facts: PageFacts) -> Element | None:
    wanted = _comparable(title_from_title_tag(facts) or "")
    if len(wanted) < 3:
        return None
    for heading in facts.root.iter("h1", "h2", "h3"):
        if _comparable(visible_text(heading)) == wanted:
            return heading
    return None


def _comparable(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def title_from_meta(facts: PageFacts) -> str | None:
    """og:title, else the JSON-LD headline: both carry the title's markup (see titles)."""
    title = clean_title(facts.meta.get("og:title") or "")
    return title or clean_title(ld_name(facts.ld("headline")) or "") or None


def title_from_title_tag(facts: PageFacts) -> str | None:
    """<title>, less the site's name; WordPress writes the title's markup into it escaped."""
    title = facts.document.first("title")
    text = clean_title(spaced_text(title)) if title is not None else ""
    site = facts.meta.get("og:site_name")
    for separator in _TITLE_SEPARATORS:
        head, sep, tail = text.rpartition(separator)
        if sep and head and (not site or tail.strip() == site or len(tail) < len(head)):
            return head.strip()
    return text or None


# --- author --------------------------------------------------------------------------

AUTHOR_SELECTORS = (
    ".byline .author .fn",
    ".byline .fn",
    ".author.vcard .fn",
    ".vcard .fn",
    "[rel=author]",
    "[itemprop=author] [itemprop=name]",
    ".byline .author",
    ".wp-block-post-author__name",  # WordPress block themes
    ".wp-block-post-author-name",
    ".post-author",
    ".entry-author",
    ".byline",
)


def author_from_byline(facts: PageFacts) -> str | None:
    scope = facts.post_scope()
    for selector in AUTHOR_SELECTORS:
        for tag in facts.select(selector, scope):
            name = clean_name(visible_text(tag))
            if name:
                return name
    return None


def author_near_title(facts: PageFacts) -> str | None:
    for line in nearby_lines(facts):
        if _BY_PREFIX.match(line):
            return clean_name(line)
    return None


def author_from_meta(facts: PageFacts) -> str | None:
    name = ld_name(facts.ld("author")) or facts.meta.get("author")
    article_author = facts.meta.get("article:author", "")
    if not name and article_author and "://" not in article_author:
        name = article_author
    return clean_name(name or "")


def clean_name(text: str) -> str | None:
    """A person's name from a byline: no "By", no trailing date or separators."""
    name = _BY_PREFIX.sub("", text).strip(" |,;:-–—·")
    name = name.split(" | ")[0].strip()
    if not name or len(name) > MAX_NAME_CHARS or parse_visible_date(name):
        return None
    return name


# --- language and description --------------------------------------------------------


def declared_language(facts: PageFacts) -> str | None:
    """The language the page says it is in (`<html lang>`, og:locale, Content-Language)."""
    html = facts.document.first("html")
    tag = html.get("lang") if html is not None else None
    tag = tag or facts.meta.get("og:locale") or facts.meta.get("content-language")
    if not tag:
        metas = facts.root.iter("meta")
        equiv = next((m for m in metas if _CONTENT_LANGUAGE.match(m.get("http-equiv", ""))), None)
        tag = equiv.get("content") if equiv is not None else None
    return tag.strip() if isinstance(tag, str) and tag.strip() else None


def language_of(facts: PageFacts) -> str:
    """The declared language as a supported code (the body's detection is in extract)."""
    return normalize_language(declared_language(facts))


def description_of(facts: PageFacts) -> str | None:
    return facts.meta.get("description") or facts.meta.get("og:description")


# --- the cascades ----------------------------------------------------------------------

TITLE_CASCADE: tuple[Callable[[PageFacts], str | None], ...] = (
    title_from_heading,
    title_from_meta,
    title_from_title_tag,
)
AUTHOR_CASCADE: tuple[Callable[[PageFacts], str | None], ...] = (
    author_from_byline,
    author_near_title,
    author_from_meta,
)
CATEGORY_CASCADE: tuple[Callable[[PageFacts], list[str]], ...] = (
    taxonomy.categories_from_links,
    taxonomy.categories_from_taxonomy_links,
    taxonomy.categories_from_meta,
)
TAG_CASCADE: tuple[Callable[[PageFacts], list[str]], ...] = (
    taxonomy.tags_from_links,
    taxonomy.tags_from_taxonomy_links,
    taxonomy.tags_from_meta,
)


def first_of(cascade, facts: PageFacts):
    """The first truthy answer of a cascade's functions, else None."""
    for step in cascade:
        value = step(facts)
        if value:
            return value
    return None


def read_title(facts: PageFacts) -> str | None:
    title = first_of(TITLE_CASCADE, facts)
    return title[:MAX_TITLE_CHARS] if title else None
