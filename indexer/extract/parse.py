"""Parse a page's bytes into a tree, and turn parts of the tree back into readable text.

Stage two of the flow (sources → parse → extract). Pages are parsed exactly once, with bs4
on the lxml builder (fast, and lenient with the broken markup real blogs ship); every later
stage reads or prunes that one tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag

from indexer.errors import PageError
from indexer.records import MAX_PAGE_BYTES, RawPage

# Real themes nest a few dozen elements deep; past this a page is an attack, and the later
# stages (bs4 searches per element, recursive text collection) would take hours on it.
MAX_DEPTH = 512

# Elements whose end starts a new line of text for a reader.
BLOCK_TAGS = frozenset(
    (
        "address article aside blockquote br dd details div dl dt figcaption figure footer "
        "form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody "
        "td tfoot th thead tr ul"
    ).split()
)
# Elements whose text a reader never sees.
INVISIBLE_TAGS = frozenset(
    ["script", "style", "noscript", "template", "head", "title", "meta", "link"]
)

_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def parse_page(page: RawPage) -> BeautifulSoup:
    """Parse a page, or raise PageError saying why it is not an HTML page we can read."""
    content = page.content
    if not content.strip():
        raise PageError(page.location, "empty file")
    if len(content) > MAX_PAGE_BYTES:
        raise PageError(page.location, f"larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB")
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PageError(page.location, "binary content, not HTML")
    soup = BeautifulSoup(content, "lxml")
    if soup.find(True) is None:
        raise PageError(page.location, "no HTML elements")
    if _deeper_than(soup, MAX_DEPTH):
        raise PageError(page.location, f"elements nested deeper than {MAX_DEPTH} levels")
    return soup


def _deeper_than(soup: BeautifulSoup, limit: int) -> bool:
    """Whether any element sits more than `limit` levels down (an iterative walk: a
    recursive one would itself fail on the pages this guards against)."""
    stack: list[tuple[Tag, int]] = [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in node.contents if isinstance(child, Tag))
    return False


def visible_text(node: Tag | None) -> str:
    """The text of `node` on one line, whitespace collapsed (for titles, names, dates)."""
    if node is None:
        return ""
    return _SPACES.sub(" ", " ".join(_strings(node))).strip()


def block_text(node: Tag) -> str:
    """The text of `node` as a reader sees it: one paragraph per block, inline runs joined."""
    parts: list[str] = []
    _collect(node, parts)
    text = "".join(parts)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _collect(node: Tag, parts: list[str]) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, Comment | Doctype):
                parts.append(str(child).replace("\n", " "))
        elif isinstance(child, Tag) and child.name not in INVISIBLE_TAGS:
            block = child.name in BLOCK_TAGS
            if block:
                parts.append("\n")
            _collect(child, parts)
            if block:
                parts.append("\n")


def _strings(node: Tag):
    for text in node.find_all(string=True):
        if isinstance(text, Comment | Doctype):
            continue
        if text.parent is not None and text.parent.name in INVISIBLE_TAGS:
            continue
        yield str(text)


_SELECTOR_CLASS = re.compile(r"\.([\w-]+)")
_SELECTOR_ID = re.compile(r"#([\w-]+)")
_SIMPLE_SELECTOR = re.compile(r"([a-zA-Z][\w-]*)?(?:\.([\w-]+))?")
_SELECTOR_ATTRIBUTE = re.compile(r"\[\s*([\w-]+)")
_SELECTOR_NAME = re.compile(r"(?:^|[\s>+~,(])([a-zA-Z][\w-]*)")


@dataclass(frozen=True)
class Vocabulary:
    """The tag names, classes and ids present in a page, gathered in one walk.

    A CSS selector naming a class, id or tag the page does not have cannot match, so it
    is skipped without walking the tree again: most of the many selectors the extraction
    rules hold never match a given theme, and soupsieve walks the whole tree per call.
    """

    names: frozenset[str]
    classes: frozenset[str]
    ids: frozenset[str]
    attributes: frozenset[str] = frozenset()

    @classmethod
    def of(cls, soup: BeautifulSoup) -> Vocabulary:
        names: set[str] = set()
        classes: set[str] = set()
        ids: set[str] = set()
        attributes: set[str] = set()
        for tag in soup.find_all(True):
            names.add(tag.name)
            attributes.update(tag.attrs)
            found = tag.get("class")
            if found:
                classes.update(found)
            tag_id = tag.get("id")
            if isinstance(tag_id, str):
                ids.add(tag_id)
        return cls(frozenset(names), frozenset(classes), frozenset(ids), frozenset(attributes))

    def may_match(self, selector: str) -> bool:
        """False when `selector` (one selector, not a list) cannot match this page."""
        bare = re.sub(r"\[[^\]]*\]", " ", selector)
        wanted = (name.lower() for name in _SELECTOR_ATTRIBUTE.findall(selector))
        return (
            all(name in self.attributes for name in wanted)
            and all(c in self.classes for c in _SELECTOR_CLASS.findall(bare))
            and all(i in self.ids for i in _SELECTOR_ID.findall(bare))
            and all(n.lower() in self.names for n in _SELECTOR_NAME.findall(bare))
        )

    def select(self, scope: Tag, selector: str) -> list[Tag]:
        """`scope.select(selector)`, skipped when the page cannot match it."""
        if not selector or not self.may_match(selector):
            return []
        simple = _SIMPLE_SELECTOR.fullmatch(selector)
        if simple is None:
            return scope.select(selector)
        # "tag", ".class", "tag.class": bs4's own search is several times faster than
        # soupsieve's general matcher, and these are most of the rules.
        name, css_class = simple.group(1) or True, simple.group(2)
        found = scope.find_all(name, class_=css_class) if css_class else scope.find_all(name)
        return found
