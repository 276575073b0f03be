"""Read a post's metadata: title, date, author, categories, tags, language, description.

Each field is an ordered cascade of small functions, most trustworthy first, and the first
that returns a valid value wins. For the title, author and taxonomy that is the page's
visible post markup (what the reader sees), then JSON-LD and <meta>; for the date it is
the machine-written dates (JSON-LD, <meta>, <time datetime>), then the visible byline,
then the URL. Runs before `indexer.extract.body` prunes the tree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from lxml import etree

from indexer.extract.dates import date_from_url, parse_iso_date, parse_visible_date
from indexer.extract.jsonld import json_ld_articles, ld_list, ld_name
from indexer.extract.parse import Document, Element, Vocabulary, spaced_text, visible_text, words_of
from indexer.index.analysis import normalize_language

MAX_TITLE_CHARS = 400
MAX_NAME_CHARS = 100

POST_SCOPE_SELECTORS = ("[data-pagefind-body]", "article.post", ".hentry", ".h-entry", "article")
_BY_PREFIX = re.compile(r"^\s*(?:posted\s+)?(?:by|written by|author:?|von|por|par)\s+", re.I)
_CONTENT_LANGUAGE = re.compile("^content-language$", re.I)
_TITLE_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ", " » ", " · ")


@dataclass
class PageFacts:
    """What the metadata cascade reads from one parsed page, gathered once."""

    document: Document
    url: str
    vocabulary: Vocabulary
    meta: dict[str, str] = field(default_factory=dict)
    json_ld: list[dict] = field(default_factory=list)
    _scope: Element | None = None
    # The heading the title was read from, if any: bylines and dates sit next to it, and
    # the body extractor removes it (and a small header block around it) from the body.
    title_element: Element | None = None

    @classmethod
    def read(cls, document: Document, url: str) -> PageFacts:
        facts = cls(document=document, url=url, vocabulary=Vocabulary.of(document.root))
        for tag in document.root.iter("meta"):
            key = tag.get("property") or tag.get("name") or tag.get("itemprop")
            value = tag.get("content")
            if isinstance(key, str) and isinstance(value, str) and value.strip():
                facts.meta.setdefault(key.strip().lower(), value.strip())
        facts.json_ld = list(json_ld_articles(document.json_ld))
        return facts

    @property
    def root(self) -> Element:
        """The page's `<html>` element."""
        return self.document.root

    def ld(self, key: str) -> object:
        """The first value of `key` among the page's JSON-LD article objects."""
        for item in self.json_ld:
            if item.get(key):
                return item[key]
        return None

    def select(self, selector: str, scope: Element | None = None) -> list[Element]:
        """Elements matching `selector` in `scope` (default: the whole page)."""
        return self.vocabulary.select(self.root if scope is None else scope, selector)

    def post_scope(self) -> Element:
        """The element that holds this post and its own meta (not the sidebar's lists)."""
        if self._scope is None:
            self._scope = self.root
            for selector in POST_SCOPE_SELECTORS:
                found = self.select(selector)
                if len(found) == 1:
                    self._scope = found[0]
                    break
        return self._scope


# --- title ---------------------------------------------------------------------------

TITLE_SELECTORS = (
    "h1.entry-title",
    "h1.post-title",
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
    if len(headings) == 1 and visible_text(headings[0]):
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


def nearby_lines(facts: PageFacts, limit: int = 4) -> list[str]:
    """Short texts right after the title heading: where bylines and dates usually are."""
    heading = facts.title_element
    if heading is None:
        return []
    lines = []
    for sibling in islice(heading.itersiblings(etree.Element), limit):
        text = visible_text(sibling)
        if text and len(text) <= 300:
            lines.append(text)
    return lines


def title_from_meta(facts: PageFacts) -> str | None:
    return facts.meta.get("og:title") or ld_name(facts.ld("headline"))


def title_from_title_tag(facts: PageFacts) -> str | None:
    title = facts.document.first("title")
    text = " ".join(spaced_text(title).split()) if title is not None else ""
    site = facts.meta.get("og:site_name")
    for separator in _TITLE_SEPARATORS:
        head, sep, tail = text.rpartition(separator)
        if sep and head and (not site or tail.strip() == site or len(tail) < len(head)):
            return head.strip()
    return text or None


# --- date ----------------------------------------------------------------------------

VISIBLE_DATE_SELECTORS = (
    ".published",
    ".entry-date",
    ".post-date",
    ".posted-on",
    ".entry-meta",
    ".post-meta",
    ".byline",
    ".date",
    ".meta",
)


def date_from_time_element(facts: PageFacts) -> date | None:
    scope = facts.post_scope()
    for selector in ("time.published", "time.entry-date", "[itemprop=datePublished]", "time"):
        for tag in facts.select(selector, scope):
            value = tag.get("datetime") or tag.get("content")
            found = parse_iso_date(value) if isinstance(value, str) else None
            if found:
                return found
    return None


def date_from_meta(facts: PageFacts) -> date | None:
    """JSON-LD datePublished, then <meta> dates: machine-written, else written for people."""
    published = facts.ld("datePublished")
    if isinstance(published, list):
        published = published[0] if published else None
    candidates = [published if isinstance(published, str) else ""]
    for key in ("article:published_time", "datepublished", "date", "pubdate", "dc.date"):
        candidates.append(facts.meta.get(key, ""))
    for value in filter(None, candidates):
        found = parse_iso_date(value) or parse_visible_date(value[:100])
        if found:
            return found
    return None


def date_from_visible_text(facts: PageFacts) -> date | None:
    scope = facts.post_scope()
    for selector in VISIBLE_DATE_SELECTORS:
        for tag in facts.select(selector, scope):
            found = parse_visible_date(visible_text(tag)[:300])
            if found:
                return found
    return None


def date_near_title(facts: PageFacts) -> date | None:
    return next(filter(None, map(parse_visible_date, nearby_lines(facts))), None)


def date_from_page_url(facts: PageFacts) -> date | None:
    return date_from_url(facts.url)


# --- author --------------------------------------------------------------------------

AUTHOR_SELECTORS = (
    ".byline .author .fn",
    ".byline .fn",
    ".author.vcard .fn",
    ".vcard .fn",
    "[rel=author]",
    "[itemprop=author] [itemprop=name]",
    ".byline .author",
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


# --- categories and tags -------------------------------------------------------------

CATEGORY_SELECTORS = (
    "a[rel~=category]",
    ".cat-links a",
    ".entry-categories a",
    ".categories a",
    "a.category",
)
TAG_SELECTORS = (".tags-links a", ".tag-links a", ".post-tags a", ".entry-tags a", "a.tag")


def categories_from_links(facts: PageFacts) -> list[str]:
    return _link_texts(facts, CATEGORY_SELECTORS)


def categories_from_meta(facts: PageFacts) -> list[str]:
    section = facts.meta.get("article:section")
    return [section] if section else ld_list(facts.ld("articleSection"))


def tags_from_links(facts: PageFacts) -> list[str]:
    scope = facts.post_scope()
    rel_tags = [a for a in scope.iterdescendants("a") if words_of(a, "rel") == ["tag"]]
    names = [visible_text(a) for a in rel_tags]
    return _unique([n for n in names if n]) or _link_texts(facts, TAG_SELECTORS)


def tags_from_meta(facts: PageFacts) -> list[str]:
    tags = [
        tag.get("content", "").strip()
        for tag in facts.root.iter("meta")
        if tag.get("property") == "article:tag" and tag.get("content")
    ]
    return _unique(tags) or ld_list(facts.ld("keywords"))


def _link_texts(facts: PageFacts, selectors: tuple[str, ...]) -> list[str]:
    for selector in selectors:
        names = [visible_text(a) for a in facts.select(selector, facts.post_scope())]
        names = [n for n in names if n and len(n) <= MAX_NAME_CHARS]
        if names:
            return _unique(names)
    return []


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return list(seen)


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
DATE_CASCADE: tuple[Callable[[PageFacts], date | None], ...] = (
    date_from_meta,
    date_from_time_element,
    date_from_visible_text,
    date_near_title,
    date_from_page_url,
)
AUTHOR_CASCADE: tuple[Callable[[PageFacts], str | None], ...] = (
    author_from_byline,
    author_near_title,
    author_from_meta,
)
CATEGORY_CASCADE: tuple[Callable[[PageFacts], list[str]], ...] = (
    categories_from_links,
    categories_from_meta,
)
TAG_CASCADE: tuple[Callable[[PageFacts], list[str]], ...] = (tags_from_links, tags_from_meta)


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
