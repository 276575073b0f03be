"""What the metadata cascades read from one page, gathered once: its tree, `<meta>` values,
JSON-LD article objects, the vocabulary of its markup, and the element that holds the post.

Each field's cascade (`indexer.extract.metadata` for the title and author,
`indexer.extract.published` for the date, `indexer.extract.taxonomy` for categories and
tags) is a list of small functions of one PageFacts. Runs before `indexer.extract.body`
prunes the tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice

from lxml import etree

from indexer.extract.jsonld import json_ld_articles
from indexer.extract.parse import Document, Element, Vocabulary, visible_text

MAX_NAME_CHARS = 100
POST_SCOPE_SELECTORS = ("[data-pagefind-body]", "article.post", ".hentry", ".h-entry", "article")


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


def nearby_lines(facts: PageFacts, limit: int = 4, anchor: Element | None = None) -> list[str]:
    """Short texts right after the title heading (or `anchor`, the block that holds it):
    where bylines and dates usually are."""
    heading = facts.title_element if anchor is None else anchor
    if heading is None:
        return []
    lines = []
    for sibling in islice(heading.itersiblings(etree.Element), limit):
        text = visible_text(sibling)
        if text and len(text) <= 300:
            lines.append(text)
    return lines


def unique(values: list[str]) -> list[str]:
    """`values` without repeats, in their first order."""
    return list(dict.fromkeys(values))
