"""Find a post's body in its page and strip the chrome around and inside it.

Runs after metadata has been read (this stage prunes the tree). The rules themselves are
data in `indexer.extract.chrome`; this module only applies them, in this order: drop the site's
learnt template blocks (`indexer.extract.template`), pick the content container (a maintainer's
selector, `data-pagefind-body`, the known container classes, else the densest run of
paragraphs, widened over its siblings), then strip the chrome inside it: known selectors,
class words ("post-share-bar"), sections opened by a chrome heading ("Leave a Reply"),
chrome lines ("Return to top"), and link-dense lists.
"""

from __future__ import annotations

import re

from lxml import etree

from indexer.extract.chrome import (
    CHROME_HEADINGS,
    CHROME_LINES,
    CHROME_NAME_WORDS,
    CHROME_SELECTORS,
    CHROME_TAGS,
    CONTENT_SELECTORS,
    INVISIBLE,
)
from indexer.extract.overrides import (
    NO_OVERRIDES,
    ExtractionOverrides,
    remove_ignored,
    select_content,
)
from indexer.extract.parse import (
    Document,
    Element,
    Vocabulary,
    attached,
    block_text,
    children,
    classes,
    css_select,
    elements,
    is_inside,
    linked_length,
    remove,
    text_length,
    text_of,
    visible_text,
)
from indexer.extract.template import SiteTemplate

# A container with less text than this is a teaser or an empty wrapper, not the body.
MIN_CONTAINER_CHARS = 20
# Page-wide containers (main, #content) also hold comment and reply sections; step down
# into the child block that holds this share of the container's unlinked text.
DESCEND_SHARE = 0.95
PAGEFIND_BODY = "[data-pagefind-body]"
# Selectors from this one on name page-wide wrappers, not the post's own container.
FIRST_WRAPPER_SELECTOR = "[role=main]"
SUMMARY_CHARS = 280
# A selector's best candidate with less prose than this share of the densest block's is a
# teaser or a widget (Elementor grids of related posts are `<article>`s too).
SELECTOR_MIN_SHARE = 0.5
# Widen the densest block to its parent while at least this share of what the parent adds
# is paragraph prose.
CLIMB_PROSE_SHARE = 0.6

# A chrome-named element or chrome-headed section holding more than this share of the body
# is a misnamed wrapper, not chrome (comment sections are exempt: they can outgrow a post).
CHROME_MAX_SHARE = 0.5
# A chrome heading may have this much text before it in its section (a "back to top" link).
HEADING_LEAD_CHARS = 40
CHROME_LINE_MAX_CHARS = 80

_CHROME = tuple(sel for group in CHROME_SELECTORS.values() for sel in group)
_NAME_WORDS = {word: concept for concept, words in CHROME_NAME_WORDS.items() for word in words}
_HEADINGS = [(concept, re.compile(rx)) for concept, rx in CHROME_HEADINGS.items()]
_LINES = re.compile(CHROME_LINES)
# A list or box with this many links making up this share of its text is navigation.
LINK_BLOCK_TAGS = ("ul", "ol", "div", "section", "table", "dl", "p")
LINK_BLOCK_MIN_LINKS = 3
LINK_BLOCK_DENSITY = 0.7
_WORD_SPLIT = re.compile(r"[-_]")
# A class naming a layout wrapper ("content-sidebar-wrap") names no chrome, whatever its words.
# Nor does a state flag ("has-sidebar", "no-comments", "with-ads").
_LAYOUT_NAME = re.compile(r"wrap|container|layout|main|^(has|with|no|is|show|hide)-")
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_DESCEND_TAGS = ("div", "section", "article", "main")
# A walk in document order that sees the text after comments too.
_WALK_EVENTS = ("start", "end", "comment", "pi")
_LINE_TAGS = ("p", "div", "li", "a", "span", "small", "em", "strong", "dt", "dd", *_HEADING_TAGS)


def find_content_root(root: Element, vocabulary: Vocabulary) -> Element:
    """The element holding the post's own content (see CONTENT_SELECTORS for the order).

    The first selector with a real candidate wins, unless its best candidate holds far
    less prose than the densest block of the page: then it is a teaser in a grid of
    related posts, or a widget, and the densest block is the body. Page-wide wrappers
    (`main`, `#content`) are narrowed to the block that holds the post's paragraphs.
    """
    wrappers = CONTENT_SELECTORS[CONTENT_SELECTORS.index(FIRST_WRAPPER_SELECTOR) :]
    page_size = text_length(root)
    fallback = densest_block(root, page_size)
    floor = SELECTOR_MIN_SHARE * _own_paragraph_prose(fallback)
    marked = vocabulary.select(root, PAGEFIND_BODY)
    if marked:  # the site's own word: no second guess
        return max(marked, key=text_length)
    for selector in CONTENT_SELECTORS:
        found = [t for t in vocabulary.select(root, selector) if not in_chrome(t, page_size)]
        found = _without_listings(found)
        sized = [(paragraph_prose(tag), text_length(tag), tag) for tag in found]
        sized = [item for item in sized if item[1] >= MIN_CONTAINER_CHARS]
        if not sized:
            continue
        prose, _, best = max(sized, key=lambda item: item[:2])
        if prose < floor and not is_inside(fallback, best) and best is not fallback:
            continue
        if selector not in wrappers:
            return best
        narrowed = _descend_without_chrome(best)
        if narrowed is fallback or not is_inside(fallback, narrowed):
            return narrowed
        return _climb(fallback, narrowed)
    return _climb(fallback, root)


def _without_listings(found: list[Element]) -> list[Element]:
    """Drop candidates holding two or more other candidates: an `<article>` wrapping the
    post and a grid of related `<article>`s is a listing, the inner one is the post."""
    if len(found) < 3:
        return found
    return [tag for tag in found if sum(is_inside(other, tag) for other in found) < 2]


def prose_length(tag: Element) -> int:
    """Characters of text not inside links: what a container holds besides menus."""
    return max(0, text_length(tag) - linked_length(tag))


def paragraph_prose(tag: Element) -> int:
    """Characters of unlinked text in the paragraphs below `tag`: the post's prose."""
    return sum(_unlinked_length(p) for p in tag.iterdescendants("p"))


def _own_paragraph_prose(tag: Element) -> int:
    return sum(_unlinked_length(p) for p in children(tag, ("p",)))


def _climb(block: Element, limit: Element) -> Element:
    """Widen the densest block to the ancestors that add mostly more paragraphs.

    Articles split by ad slots or pull quotes spread their paragraphs over sibling
    blocks; a parent that adds mostly menus and teasers is the page, not the post.
    """
    current, prose, size = block, paragraph_prose(block), text_length(block)
    while current is not limit and current.getparent() is not None:
        parent = current.getparent()
        parent_prose, parent_size = paragraph_prose(parent), text_length(parent)
        if parent_size > size and parent_prose - prose < CLIMB_PROSE_SHARE * (parent_size - size):
            break
        current, prose, size = parent, parent_prose, parent_size
    return current


def in_chrome(tag: Element, page_size: int) -> bool:
    """True when `tag` is, or sits inside, a comment list, a footer, a related-posts box...

    A comment is often an `<article>` with its own `.entry-content`; it must not win over
    the post it comments on. An ancestor holding most of the page ("ad-off-canvas-pusher")
    is a layout wrapper whatever its name says.
    """
    for node in (tag, *tag.iterancestors()):
        if node.tag in ("body", "html"):
            return False
        concept = "tag" if node.tag in CHROME_TAGS else chrome_concept(node)
        if concept == "comments":
            return True
        if concept and text_length(node) <= CHROME_MAX_SHARE * page_size:
            return True
    return False


def _descend_without_chrome(container: Element) -> Element:
    # Comments can outweigh a short post: drop them before weighing the children.
    strip_named_chrome(container)
    strip_headed_chrome(container)
    return descend_to_post(container)


def descend_to_post(container: Element) -> Element:
    """The innermost block of `container` that still holds nearly all its unlinked text."""
    current, total = container, prose_length(container)
    while total:
        blocks = children(current, _DESCEND_TAGS)
        sized = ((prose_length(block), block) for block in blocks)
        size, child = max(sized, key=lambda pair: pair[0], default=(0, None))
        if child is None or size < DESCEND_SHARE * total:
            break
        current, total = child, size
    return current


def densest_block(root: Element, page_size: int) -> Element:
    """Fallback container: the element whose own paragraphs hold the most unlinked text."""
    scores: dict[Element, int] = {}
    chrome: dict[Element, bool] = {}
    for paragraph in root.iter("p"):
        parent = paragraph.getparent()
        if parent is None:
            continue
        if parent not in chrome:
            chrome[parent] = in_chrome(parent, page_size)
        if chrome[parent]:
            continue
        scores[parent] = scores.get(parent, 0) + _unlinked_length(paragraph)
    if not scores:
        return next(root.iter("body"), root)
    return max(scores, key=scores.__getitem__)


def _unlinked_length(paragraph: Element) -> int:
    return max(0, text_length(paragraph) - linked_length(paragraph))


def strip_chrome(root: Element, vocabulary: Vocabulary) -> None:
    """Remove scripts and every chrome element inside `root`, in place."""
    for tag in list(root.iterdescendants(INVISIBLE)):
        remove(tag)
    present = [selector for selector in _CHROME if vocabulary.may_match(selector)]
    if not present:
        return
    for selector in present:  # each match goes, whatever the order
        for tag in css_select(root, selector):
            if tag is not root and attached(tag, root):
                remove(tag)


def chrome_concept(tag: Element) -> str | None:
    """The chrome concept a tag's class or id words name ("comments", "sharing"...), if any."""
    names = classes(tag)
    tag_id = tag.get("id")
    if isinstance(tag_id, str):
        names.append(tag_id)
    for name in names:
        name = name.lower().split("--")[0]  # a BEM modifier ("Section--Ads") hosts, not is
        if _LAYOUT_NAME.search(name):
            continue
        words = _WORD_SPLIT.split(name)
        for word in (name, "^" + name, "^" + words[0], *words):
            if word in _NAME_WORDS:
                return _NAME_WORDS[word]
    return None


def strip_named_chrome(root: Element) -> None:
    """Remove elements whose class or id names chrome (see CHROME_NAME_WORDS)."""
    total = text_length(root)
    for tag in list(elements(root)):
        if (concept := chrome_concept(tag)) is None or not attached(tag, root):
            continue
        if concept == "comments" or text_length(tag) <= CHROME_MAX_SHARE * total:
            remove(tag)


def heading_concept(text: str) -> str | None:
    """The chrome concept a heading's text names ("Leave a Reply" -> comments), if any."""
    text = " ".join(text.lower().split()).rstrip(":").strip()
    if not text or len(text) > 60:
        return None
    return next((concept for concept, rx in _HEADINGS if rx.fullmatch(text)), None)


def strip_headed_chrome(root: Element) -> None:
    """Remove the sections that a chrome heading opens ("Comments", "Related posts")."""
    total = text_length(root)
    for heading in list(root.iterdescendants(_HEADING_TAGS)):
        if (concept := heading_concept(text_of(heading))) is None or not attached(heading, root):
            continue
        section = _headed_section(heading, root)
        if section is not None and (
            concept == "comments" or text_length(section) <= CHROME_MAX_SHARE * total
        ):
            remove(section)
        else:
            _strip_from(heading, root)


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
    """Remove short blocks that are chrome wherever they stand ("Return to top")."""
    for tag in list(root.iterdescendants(_LINE_TAGS)):
        if text_length(tag) > CHROME_LINE_MAX_CHARS or not attached(tag, root):
            continue
        if _LINES.fullmatch(" ".join(text_of(tag).lower().split())):
            remove(tag)


def strip_title_block(root: Element, title: Element | None) -> None:
    """Remove the post's title heading from the body, with the small header around it.

    Many themes put the title, the byline and sometimes a repeated excerpt in one block
    just above the body, inside the same container; that block is the post's header.
    """
    if title is None or not is_inside(title, root):
        return
    block = title.getparent()
    if block is not None and block is not root and _own_text_length(block, title) <= 400:
        remove(block)
    else:
        remove(title)


def _own_text_length(block: Element, title: Element) -> int:
    return len(visible_text(block)) - len(visible_text(title))


def extract_body(
    document: Document,
    vocabulary: Vocabulary,
    title: Element | None = None,
    template: SiteTemplate | None = None,
    overrides: ExtractionOverrides | None = None,
) -> str:
    """The post's body text, paragraphs separated by blank lines, chrome removed.

    A maintainer's content selector wins; else the site's learnt template blocks go first
    (so they can mislead neither the container choice nor the density fallback), then the
    container is found and the chrome inside it stripped.
    """
    overrides = overrides or NO_OVERRIDES
    root = select_content(document.root, overrides)
    if root is None:
        if template is not None:
            template.strip(document.root, keep=title)
        root = find_content_root(document.root, vocabulary)
    remove_ignored(root, overrides)
    strip_title_block(root, title)
    strip_chrome(root, vocabulary)
    strip_named_chrome(root)
    strip_headed_chrome(root)
    strip_chrome_lines(root)
    strip_link_blocks(root)
    return block_text(root)


def make_summary(body: str, description: str | None = None) -> str:
    """A short plain-text summary: the page's own description, else the body's opening."""
    if description and len(description.split()) >= 5:
        return _truncate(description.strip())
    return _truncate(" ".join(body.split()))


def _truncate(text: str) -> str:
    if len(text) <= SUMMARY_CHARS:
        return text
    cut = text[:SUMMARY_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.-–— ") + "…"
