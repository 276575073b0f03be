"""Parse a page's bytes into a tree, and turn parts of the tree back into readable text.

Stage two of the flow (sources → parse → extract). Pages are parsed exactly once, by lxml
(libxml2's HTML parser: fast, and lenient with the broken markup real blogs ship), with
the encoding Beautiful Soup's detector picks (a byte-order mark, then the declared charset,
then UTF-8, then Windows-1252; UTF-16 without a byte-order mark is recognised too, see
`encodings`). Every later stage reads or prunes that one tree, through lxml's own
machinery: compiled XPath for selectors and text lengths, its C iterators for walks. The
JSON-LD blocks are kept aside; then scripts, styles and templates are emptied, since a
reader never sees their text and every length below counts what a reader sees.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from lxml import etree

from indexer.errors import PageError
from indexer.extract.encodings import encodings_to_try, utf16_with_bom
from indexer.records import MAX_PAGE_BYTES, RawPage

Element = etree._Element

# libxml2 stops nesting elements a little deeper than this (without its "huge" option) and
# drops the rest of the page: a page that deep is an attack, refused rather than read in part.
MAX_DEPTH = 250

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
# Elements whose content is never text; emptied once parsed (their tails stay). A ruby
# annotation (`rt`, `rp`) is a reading aid printed above the text, not a word of it.
NEVER_TEXT = ("script", "style", "template", "rt", "rp")
JSON_LD_TYPE = "application/ld+json"
# A `noscript` with this many characters of paragraphs may be the only copy of the post; the
# first characters of them, looked for in the rest of the page, tell.
NOSCRIPT_POST_CHARS = 300
NOSCRIPT_SAMPLE_CHARS = 80

_ASCII_SPACES = " \n\t\f\r"
_HAS_PRESERVED = etree.XPath("boolean(//pre | //textarea)")
_PRESERVED = etree.XPath("//pre/descendant-or-self::* | //textarea/descendant-or-self::*")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# A soft hyphen marks where a word may break; a reader sees (and searches) the whole word.
_SOFT_HYPHEN = "\u00ad"
_TEXT_LENGTH = etree.XPath("string-length()")
_TOO_DEEP = etree.XPath(f"boolean(//*[count(ancestor::*) >= {MAX_DEPTH}])")
_TEXT = etree.XPath("string()", smart_strings=False)
_OUTSIDE_NOSCRIPT = etree.XPath("//body//text()[not(ancestor::noscript)]", smart_strings=False)
_STRINGS = etree.XPath(".//text()", smart_strings=False)
_VISIBLE_STRINGS = etree.XPath(
    ".//text()[not(parent::script or parent::style or parent::noscript or parent::template"
    " or parent::head or parent::title or parent::meta or parent::link)]",
    smart_strings=False,
)


@dataclass(frozen=True)
class Document:
    """A parsed page: its `<html>` element, and the texts of its JSON-LD blocks."""

    root: Element
    json_ld: tuple[str, ...] = ()

    def first(self, tag: str) -> Element | None:
        """The first element named `tag` anywhere in the page."""
        return next(self.root.iter(tag), None)


def parse_page(page: RawPage) -> Document:
    """Parse a page, or raise PageError saying why it is not an HTML page we can read."""
    content = page.content
    if not content.strip():
        raise PageError(page.location, "empty file")
    if len(content) > MAX_PAGE_BYTES:
        raise PageError(page.location, f"larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB")
    content = utf16_with_bom(content)
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PageError(page.location, "binary content, not HTML")
    root = _parse_bytes(content)
    if root is None or not isinstance(root.tag, str):
        raise PageError(page.location, "no HTML elements")
    if _TOO_DEEP(root):
        raise PageError(page.location, f"elements nested deeper than {MAX_DEPTH} levels")
    json_ld = _json_ld_texts(root)
    _reveal_noscript_posts(root)
    _fold_blank_texts(root)
    return Document(root, json_ld)


def parse_html(markup: str | bytes) -> Document:
    """Parse markup that is not a page of a source (a WXR post's content, a test's table)."""
    if isinstance(markup, str):
        markup = markup.encode("utf-8")
    return parse_page(RawPage("<markup>", "", markup))


def _parse_bytes(content: bytes) -> Element | None:
    """The page's root, read with the first encoding the parser accepts."""
    markup, encodings = encodings_to_try(content)
    for encoding in encodings:
        try:
            parser = _parser(encoding)
            parser.feed(markup)
            root = parser.close()
        except (UnicodeDecodeError, LookupError, etree.ParserError):
            continue
        except etree.XMLSyntaxError:
            return None
        return root
    return None


@cache
def _parser(encoding: str) -> etree.HTMLParser:
    return etree.HTMLParser(encoding=encoding, recover=True)


def _json_ld_texts(root: Element) -> tuple[str, ...]:
    """Keep the JSON-LD blocks' texts, then empty every element that is never text."""
    found = []
    for element in list(root.iter(*NEVER_TEXT)):
        if element.tag == "script" and element.get("type") == JSON_LD_TYPE and len(element) == 0:
            found.append(element.text or "")
        element.text = None
        for child in list(element):
            element.remove(child)
    return tuple(found)


def _reveal_noscript_posts(root: Element) -> None:
    """A `noscript` holding paragraphs found nowhere else on the page is the only copy of
    the post (its script renders it): read it as a visible block. One that repeats the
    page's text, or only asks to turn scripts on, stays hidden."""
    for element in list(root.iter("noscript")):
        paragraphs = " ".join(" ".join(p.itertext()) for p in element.iter("p"))
        if len(paragraphs) < NOSCRIPT_POST_CHARS:
            continue
        sample = " ".join(paragraphs.split())[:NOSCRIPT_SAMPLE_CHARS]
        if sample not in " ".join(" ".join(_OUTSIDE_NOSCRIPT(root)).split()):
            element.tag = "div"


def _fold_blank_texts(root: Element) -> None:
    """Fold each run of layout whitespace between elements into one newline or space, as
    Beautiful Soup does (outside `pre` and `textarea`): what is left is what a reader
    could see, and every text length below counts that."""
    kept = set(_PRESERVED(root)) if _HAS_PRESERVED(root) else ()
    for node in root.iter():
        if isinstance(node.tag, str) and node not in kept:
            text = node.text
            if text and not text.strip(_ASCII_SPACES):
                node.text = "\n" if "\n" in text else " "
        tail = node.tail
        if tail and not tail.strip(_ASCII_SPACES) and node.getparent() not in kept:
            node.tail = "\n" if "\n" in tail else " "


# --- text ------------------------------------------------------------------------------


def text_length(node: Element) -> int:
    """Characters of text below `node` (what a reader could read, markup aside)."""
    return int(_TEXT_LENGTH(node))


def linked_length(node: Element) -> int:
    """Characters of text inside the links below `node`."""
    return sum(int(_TEXT_LENGTH(a)) for a in node.iterdescendants("a"))


def text_of(node: Element) -> str:
    """All the text below `node`, run together."""
    return _TEXT(node)


def spaced_text(node: Element) -> str:
    """All the text below `node`, one space between the texts of neighbouring elements."""
    return " ".join(_STRINGS(node))


def stripped_text(node: Element) -> str:
    """Every non-blank text below `node`, stripped, joined by single spaces."""
    return " ".join(text.strip() for text in _STRINGS(node) if text.strip())


def visible_text(node: Element | None) -> str:
    """The text of `node` on one line, whitespace collapsed (for titles, names, dates)."""
    if node is None:
        return ""
    text = " ".join(_VISIBLE_STRINGS(node)).replace(_SOFT_HYPHEN, "")
    return _composed(_SPACES.sub(" ", text).strip())


def block_text(node: Element) -> str:
    """The text of `node` as a reader sees it: one paragraph per block, inline runs joined."""
    parts: list[str] = []
    _collect(node, parts)
    text = "".join(parts).replace(_SOFT_HYPHEN, "")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _composed(_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip())


def _composed(text: str) -> str:
    """`text` in Unicode's composed form (NFC): one spelling of each letter, as typed, so
    a word matches the query that types it whichever way the page encoded it."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _collect(node: Element, parts: list[str]) -> None:
    if node.text:
        parts.append(node.text.replace("\n", " "))
    for child in node:
        tag = child.tag
        if isinstance(tag, str) and tag not in INVISIBLE_TAGS:
            block = tag in BLOCK_TAGS
            if block:
                parts.append("\n")
            _collect(child, parts)
            if block:
                parts.append("\n")
        if child.tail:
            parts.append(child.tail.replace("\n", " "))


def first_text(node: Element) -> str | None:
    """The first text below `node`, if any."""
    texts = _STRINGS(node)
    return texts[0] if texts else None


# --- the tree ----------------------------------------------------------------------------


def children(node: Element, tags: frozenset[str] | tuple[str, ...]) -> list[Element]:
    """The element children of `node` named one of `tags`."""
    return [child for child in node if child.tag in tags]


def remove(node: Element) -> None:
    """Take `node` and everything in it out of the tree; the text after it stays."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail
    if tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)


def attached(node: Element, root: Element) -> bool:
    """Whether `node` is still below `root` (nothing above it was removed)."""
    return any(ancestor is root for ancestor in node.iterancestors())


def is_inside(node: Element, ancestor: Element) -> bool:
    """Whether `ancestor` holds `node`."""
    return any(parent is ancestor for parent in node.iterancestors())


def classes(node: Element) -> list[str]:
    """The words of an element's class attribute."""
    value = node.get("class")
    return value.split() if value else []


def words_of(node: Element, attribute: str) -> list[str]:
    """The space-separated words of an attribute (`rel`, `class`)."""
    value = node.get(attribute)
    return value.split() if value else []


def elements(node: Element) -> Iterator[Element]:
    """Every element below `node` (not `node` itself), in document order."""
    return node.iterdescendants(etree.Element)


# --- selectors -----------------------------------------------------------------------------

_SELECTOR_CLASS = re.compile(r"\.([\w-]+)")
_SELECTOR_ID = re.compile(r"#([\w-]+)")
_SELECTOR_ATTRIBUTE = re.compile(r"\[\s*([\w-]+)")
_SELECTOR_NAME = re.compile(r"(?:^|[\s>+~,(])([a-zA-Z][\w-]*)")
_CLASS_VALUES = etree.XPath("//@class", smart_strings=False)
_ID_VALUES = etree.XPath("//@id", smart_strings=False)


@cache
def compiled(selector: str, include_self: bool = False) -> etree.XPath:
    """A CSS selector as compiled XPath, translated once per process (cssselect raises
    its SelectorError for a selector it cannot read)."""
    from cssselect import HTMLTranslator

    prefix = "descendant-or-self::" if include_self else "descendant::"
    return etree.XPath(HTMLTranslator().css_to_xpath(selector, prefix=prefix))


def css_select(scope: Element, selector: str) -> list[Element]:
    """Elements matching a CSS selector, below `scope` (and the page's root itself when
    `scope` is the root, as a selector applied to a whole page would)."""
    return compiled(selector, scope.getparent() is None)(scope)


@dataclass(frozen=True)
class Vocabulary:
    """The tag names, classes, ids and attribute names present in a page, gathered once.

    A CSS selector naming a class, id or tag the page does not have cannot match, so it
    is skipped without walking the tree: most of the many selectors the extraction rules
    hold never match a given theme.
    """

    names: frozenset[str]
    classes: frozenset[str]
    ids: frozenset[str]
    attributes: frozenset[str] = frozenset()

    @classmethod
    def of(cls, root: Element) -> Vocabulary:
        names: set[str] = set()
        attributes: set[str] = set()
        for element in root.iter(etree.Element):
            names.add(element.tag)
            if element.attrib:
                attributes.update(element.keys())
        found = {word for value in _CLASS_VALUES(root) for word in value.split()}
        ids = frozenset(_ID_VALUES(root))
        return cls(frozenset(names), frozenset(found), ids, frozenset(attributes))

    def may_match(self, selector: str) -> bool:
        """False when `selector` (one selector, not a list) cannot match this page."""
        return _may_match(self, selector)

    def select(self, scope: Element, selector: str) -> list[Element]:
        """`css_select(scope, selector)`, skipped when the page cannot match it."""
        if not selector or not self.may_match(selector):
            return []
        return css_select(scope, selector)


def _may_match(vocabulary: Vocabulary, selector: str) -> bool:
    needs = _needs(selector)
    return (
        needs[0] <= vocabulary.attributes
        and needs[1] <= vocabulary.classes
        and needs[2] <= vocabulary.ids
        and needs[3] <= vocabulary.names
    )


@cache
def _needs(selector: str) -> tuple[frozenset[str], ...]:
    """What a page must have for `selector` to match: attribute names, classes, ids, tags."""
    bare = re.sub(r"\[[^\]]*\]", " ", selector)
    return (
        frozenset(name.lower() for name in _SELECTOR_ATTRIBUTE.findall(selector)),
        frozenset(_SELECTOR_CLASS.findall(bare)),
        frozenset(_SELECTOR_ID.findall(bare)),
        frozenset(name.lower() for name in _SELECTOR_NAME.findall(bare)),
    )
