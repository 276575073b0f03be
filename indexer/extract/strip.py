"""Strip the chrome inside and around a post's body: the rules of `indexer.extract.chrome`
applied to a tree, in place.

Known selectors ("marked by the site", sharing, comments...), class and id words that name
chrome ("post-share-bar"), sections a chrome heading opens ("Leave a Reply"), short chrome
lines ("Return to top"), link-dense lists, and the post's own title block. The order they
run in is `indexer.extract.body`'s.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from indexer.extract.chrome import (
    AUTHOR_BOX_NAME,
    CAPTION_NAME,
    CHROME_HEADINGS,
    CHROME_LEADS,
    CHROME_LINES,
    CHROME_NAME_WORDS,
    CHROME_SELECTORS,
    INVISIBLE,
)
from indexer.extract.dates import is_dateline
from indexer.extract.parse import (
    BLOCK_TAGS,
    Element,
    Vocabulary,
    attached,
    css_select,
    elements,
    is_inside,
    remove,
    text_length,
    text_of,
    visible_text,
)

# A chrome-named element or chrome-headed section holding more than this share of the body
# is a misnamed wrapper, not chrome (comment sections are exempt: they can outgrow a post;
# so are cookie and login dialogs, whose legal text can outweigh it).
CHROME_MAX_SHARE = 0.5
ALWAYS_CHROME = frozenset(("comments", "notices"))
# ...unless it is a list and the rest of the body is a post of this many characters.
CHROME_REST_CHARS = 1000
_LIST_TAGS = ("ul", "ol", "dl")
# Chrome that some themes wrap the whole post in (a shop's product form, an <aside> or a
# "widget-area" column around the post): chrome only when it holds less than that share.
_WRAPPING_CHROME = frozenset(("form", "aside", *CHROME_SELECTORS["sidebars and widgets"]))
# A chrome heading may have this much text before it in its section (a "back to top" link).
HEADING_LEAD_CHARS = 40
CHROME_LINE_MAX_CHARS = 80
# A list or box with this many links making up this share of its text is navigation.
LINK_BLOCK_TAGS = ("ul", "ol", "div", "section", "dl", "p")
LINK_BLOCK_MIN_LINKS = 3
LINK_BLOCK_DENSITY = 0.7
# The post's header (title, byline, a repeated excerpt) is at most this much besides the title.
TITLE_BLOCK_CHARS = 400
# A paragraph this long in the post's header block is a standfirst, not a byline.
LEAD_MIN_WORDS = 15

_CHROME = tuple(sel for group in CHROME_SELECTORS.values() for sel in group)
_NAME_WORDS = {word: concept for concept, words in CHROME_NAME_WORDS.items() for word in words}
_NAME_PREFIXES = tuple(
    (word.rstrip("*"), concept) for word, concept in _NAME_WORDS.items() if word.endswith("*")
)
_NAME_SUFFIXES = tuple(
    (word.lstrip("*"), concept) for word, concept in _NAME_WORDS.items() if word[0] == "*"
)
_HEADINGS = [(concept, re.compile(rx)) for concept, rx in CHROME_HEADINGS.items()]
_LINES = re.compile(CHROME_LINES)
_LEADS = [(concept, re.compile(rx)) for concept, rx in CHROME_LEADS.items()]
_AUTHOR_BOX = re.compile(AUTHOR_BOX_NAME)
_CAPTION = re.compile(CAPTION_NAME)
# A pointer to other posts is at most this long; a picture's credit, this.
LEAD_MAX_CHARS = 200
CREDIT_MAX_CHARS = 150
DATELINE_MAX_CHARS = 60
# Three or more siblings alike, each a heading and a link: a grid of teasers.
TEASER_MIN_CARDS = 3
_WORD_SPLIT = re.compile(r"[-_]")
# A teaser-named block is chrome when it links elsewhere (a card); else it is the lead.
TEASERS = "teasers"
_LINKS_ELSEWHERE = etree.XPath("boolean(.//a[@href and not(starts-with(@href, '#'))])")
_UNLINKED_TEXTS = etree.XPath(".//text()[not(ancestor::a)]", smart_strings=False)
# Where a camel-cased name starts a word ("relatedItems", "shareInfo").
_CAMEL_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
# A class naming a layout wrapper ("content-sidebar-wrap") names no chrome, whatever its words.
# Nor does a state flag ("has-sidebar", "no-comments", "with-ads", "paywall-on"), nor a
# term's class.
_LAYOUT_NAME = re.compile(
    r"wrap|container|layout|main|^(has|with|no|is|show|hide)-|-(on|off|enabled|active)$"
    r"|^(category|tag|term)-"
)
# WordPress's post_class(): an element carrying these is the post itself, and its other
# classes name the post's terms ("category-no-newsletter", "topic-ads"), not chrome.
_POST_ITSELF = re.compile(r"hentry|(type|status|format)-[\w-]+|post-\d+")
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# A walk in document order that sees the text after comments too.
_WALK_EVENTS = ("start", "end", "comment", "pi")
_LINE_TAGS = (
    "p",
    "div",
    "li",
    "a",
    "span",
    "small",
    "em",
    "strong",
    "dt",
    "dd",
    "time",
    "figcaption",
    *_HEADING_TAGS,
)
_GRID_TAGS = ("div", "section", "ul", "ol", "aside")
# Short blocks that stand as headings where a theme styles them so ("<div class=boxhead>").
_HEADING_LIKE = (*_HEADING_TAGS, "p", "div", "strong", "b", "span", "dt")
HEADING_LIKE_CHARS = 60


def strip_chrome(root: Element, vocabulary: Vocabulary) -> None:
    """Remove scripts and every chrome element inside `root`, in place."""
    for tag in list(root.iterdescendants(INVISIBLE)):
        remove(tag)
    present = [selector for selector in _CHROME if vocabulary.may_match(selector)]
    if not present:
        return
    total = text_length(root)
    for selector in present:  # each match goes, whatever the order
        for tag in css_select(root, selector):
            if tag is root or not attached(tag, root):
                continue
            if selector in _WRAPPING_CHROME and text_length(tag) > CHROME_MAX_SHARE * total:
                continue
            remove(tag)


def chrome_concept(tag: Element) -> str | None:
    """The chrome concept a tag's class or id words name ("comments", "sharing"...), if any."""
    names, tag_id = tag.get("class"), tag.get("id")
    if not names and not tag_id:
        return None
    concept = _concept_of(names, tag_id)
    if concept == TEASERS and not _LINKS_ELSEWHERE(tag):
        return None
    return concept


@lru_cache(maxsize=8192)
def _concept_of(class_attribute: str | None, tag_id: str | None) -> str | None:
    """chrome_concept for one class attribute and id: sites repeat them on every page."""
    names = class_attribute.split() if class_attribute else []
    if any(_POST_ITSELF.fullmatch(name) for name in names):
        return None
    if tag_id:
        names.append(tag_id)
    for name in names:
        name = name.split("--")[0]  # a BEM modifier ("Section--Ads") hosts, not is
        name = _CAMEL_HUMP.sub("-", name).lower()
        words = _WORD_SPLIT.split(name)
        if _LAYOUT_NAME.search(name):
            continue
        if _AUTHOR_BOX.search(name):
            return "author box"
        if _CAPTION.search(name):
            return "captions"
        for word in (name, "^" + name, "^" + words[0], *words):
            if word in _NAME_WORDS:
                return _NAME_WORDS[word]
        for prefix, concept in _NAME_PREFIXES:
            if any(word.startswith(prefix) for word in words):
                return concept
        for suffix, concept in _NAME_SUFFIXES:
            if any(word.endswith(suffix) for word in words):
                return concept
    return None


def strip_named_chrome(root: Element) -> None:
    """Remove elements whose class or id names chrome (see CHROME_NAME_WORDS)."""
    total = text_length(root)
    for tag in list(elements(root)):
        if (concept := chrome_concept(tag)) is None or not attached(tag, root):
            continue
        size = text_length(tag)
        if concept in ALWAYS_CHROME or size <= CHROME_MAX_SHARE * total:
            remove(tag)
        elif total - size >= CHROME_REST_CHARS and tag.tag in _LIST_TAGS:
            remove(tag)  # a long list of related posts beside a post of its own


def heading_concept(text: str) -> str | None:
    """The chrome concept a heading's text names ("Leave a Reply" -> comments), if any."""
    text = " ".join(text.lower().split()).rstrip(":").strip()
    if not text or len(text) > 60:
        return None
    return next((concept for concept, rx in _HEADINGS if rx.fullmatch(text)), None)


def strip_headed_chrome(root: Element) -> None:
    """Remove the sections that a chrome heading opens ("Comments", "Related posts")."""
    total = text_length(root)
    for heading in list(root.iterdescendants(_HEADING_LIKE)):
        styled = heading.tag not in _HEADING_TAGS
        if styled and text_length(heading) > HEADING_LIKE_CHARS:
            continue
        if (concept := heading_concept(text_of(heading))) is None or not attached(heading, root):
            continue
        if styled and concept.startswith("comments") and _is_link(heading):
            continue  # a button to the comment form ("Write a comment"), heading nothing
        section = _headed_section(heading, root)
        if section is not None and (
            concept == "comments" or text_length(section) <= CHROME_MAX_SHARE * total
        ):
            remove(section)
        else:
            _strip_from(heading, root)


def headed_by_chrome(block: Element) -> bool:
    """True when `block` opens with a heading naming comments or related posts ("27
    comments", "Read next"): it is that section, however much text it holds."""
    heading = next(block.iterdescendants(_HEADING_TAGS), None)
    if heading is None:
        return False
    concept = heading_concept(text_of(heading)) or ""
    if not concept.startswith(("comments", "related posts")):
        return False
    return _text_before(heading, block) <= HEADING_LEAD_CHARS


def _is_link(block: Element) -> bool:
    """True when all of `block`'s text is a link's (or `block` is inside a link)."""
    return not any(text.strip() for text in _UNLINKED_TEXTS(block))


def _headed_section(heading: Element, root: Element) -> Element | None:
    """The largest block below `root` that `heading` opens (little or no text before it)."""
    section = None
    candidate = heading.getparent()
    while candidate is not None and candidate is not root:
        if _text_before(heading, candidate) > HEADING_LEAD_CHARS:
            break
        section, candidate = candidate, candidate.getparent()
    return section


def _text_before(heading: Element, scope: Element) -> int:
    """Characters of text (spaces aside) in `scope` before `heading`."""
    size = 0
    for event, node in etree.iterwalk(scope, events=_WALK_EVENTS):
        if node is heading:
            return size
        if event == "start" and node.text:
            size += len(node.text.strip())
        elif event != "start" and node is not scope and node.tail:
            size += len(node.tail.strip())
    return size


def _strip_from(heading: Element, root: Element) -> None:
    """Remove `heading` and what follows it in its block, when that is the smaller part."""
    following = list(heading.itersiblings(etree.Element))
    after = sum(text_length(tag) for tag in following)
    if after <= _text_before(heading, root):
        for tag in (heading, *following):
            remove(tag)


def strip_link_blocks(root: Element) -> None:
    """Remove lists and boxes that are mostly links: menus, teasers, tag clouds."""
    total = text_length(root)
    for tag in list(root.iterdescendants(LINK_BLOCK_TAGS)):
        links = list(tag.iterdescendants("a"))
        if len(links) < LINK_BLOCK_MIN_LINKS or not attached(tag, root):
            continue
        size = text_length(tag)
        linked = sum(text_length(a) for a in links)
        if linked >= LINK_BLOCK_DENSITY * size and size <= CHROME_MAX_SHARE * total:
            remove(tag)


def strip_chrome_lines(root: Element) -> None:
    """Remove short blocks that are chrome wherever they stand: "Return to top", a date on
    its own, "Read also: <a link>", "Photo: a name"."""
    for tag in list(root.iterdescendants(_LINE_TAGS)):
        size = text_length(tag)
        if size > LEAD_MAX_CHARS or not attached(tag, root):
            continue
        text = " ".join(text_of(tag).lower().split())
        if _chrome_line(tag, text, size):
            remove(tag)


def _chrome_line(tag: Element, text: str, size: int) -> bool:
    if size <= CHROME_LINE_MAX_CHARS and _LINES.fullmatch(text):
        return True
    if size <= DATELINE_MAX_CHARS and is_dateline(text):
        return True
    for concept, rx in _LEADS:
        if rx.match(text):
            if concept in ("captions", "bylines", "contact"):
                return size <= CREDIT_MAX_CHARS
            if concept == "appeals":
                return True
            return next(tag.iter("a"), None) is not None
    return False


def strip_teaser_grids(root: Element) -> None:
    """Remove grids of teasers: three or more siblings alike, each a heading with a link."""
    total = text_length(root)
    for block in list(root.iterdescendants(_GRID_TAGS)):
        if not attached(block, root) or text_length(block) > CHROME_MAX_SHARE * total:
            continue
        cards: dict[tuple, int] = {}
        for child in block:
            if isinstance(child.tag, str) and _is_card(child):
                key = (child.tag, child.get("class"))
                cards[key] = cards.get(key, 0) + 1
        if cards and max(cards.values()) >= TEASER_MIN_CARDS:
            remove(block)


def _is_card(element: Element) -> bool:
    heading = next(element.iter(*_HEADING_TAGS), None)
    return heading is not None and next(element.iter("a"), None) is not None


def strip_title_block(root: Element, title: Element | None) -> None:
    """Remove the post's title heading from the body, with the small header around it.

    Many themes put the title, the byline and sometimes a repeated excerpt in one block
    just above the body, inside the same container; that block is the post's header. A
    standfirst there that the body does not repeat is the post's own lead: it stays.
    """
    if title is None or not is_inside(title, root):
        return
    block = title.getparent()
    small = block is not None and _own_text_length(block, title) <= TITLE_BLOCK_CHARS
    if small and block is not root and not _has_own_lead(block, root):
        remove(block)
    else:
        remove(title)


def _has_own_lead(block: Element, root: Element) -> bool:
    """Whether `block` holds a paragraph of prose (a `p`, or a `div` of text alone) that the
    rest of `root` does not repeat."""
    leads = [
        p
        for p in block.iter("p", "div")
        if (p.tag == "p" or not _holds_blocks(p)) and len(text_of(p).split()) >= LEAD_MIN_WORDS
    ]
    if not leads:
        return False
    rest = " ".join(text_of(root).replace(text_of(block), " ").split())
    return any(" ".join(text_of(p).split()) not in rest for p in leads)


def _holds_blocks(element: Element) -> bool:
    return any(child.tag in BLOCK_TAGS for child in element.iterdescendants())


def _own_text_length(block: Element, title: Element) -> int:
    return len(visible_text(block)) - len(visible_text(title))
