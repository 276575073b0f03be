"""Find the element that holds a post's own content in its page.

A maintainer's selector or `data-pagefind-body` first, then the known container classes
(`indexer.extract.chrome.CONTENT_SELECTORS`), else the element with the most content net
of chrome (`indexer.extract.scoring`). A candidate inside chrome (a comment, a footer, a
related-posts box) is never the post; a page-wide wrapper is narrowed to the block that
holds the post.
"""

from __future__ import annotations

from functools import cache

from lxml import etree

from indexer.extract.chrome import CHROME_TAGS, CONTENT_SELECTORS
from indexer.extract.parse import (
    Element,
    Vocabulary,
    children,
    is_inside,
    linked_length,
    text_length,
)
from indexer.extract.scoring import best_scoring
from indexer.extract.strip import (
    ALWAYS_CHROME,
    CHROME_MAX_SHARE,
    chrome_concept,
    headed_by_chrome,
    strip_headed_chrome,
    strip_named_chrome,
)

# A container with less text than this is a teaser or an empty wrapper, not the body.
MIN_CONTAINER_CHARS = 20
# Page-wide containers (main, #content) also hold comment and reply sections; step down
# into the child block that holds this share of the container's unlinked text.
DESCEND_SHARE = 0.95
PAGEFIND_BODY = "[data-pagefind-body]"
# Selectors from this one on name page-wide wrappers, not the post's own container.
FIRST_WRAPPER_SELECTOR = "[role=main]"
# A selector's best candidate with less prose than this share of the densest block's is a
# teaser or a widget (Elementor grids of related posts are `<article>`s too).
SELECTOR_MIN_SHARE = 0.5
_DESCEND_TAGS = ("div", "section", "article", "main")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_NET_OF_TAGS = ("form", "nav", "aside", "footer", "select")
# The paragraphs of a page that may be prose: one inside a link is a card's teaser.
_PROSE_PARAGRAPHS = etree.XPath(".//p[not(ancestor::a)]")
# Sibling candidates holding this share of the best one's prose are parts of the post; one
# with a linked heading and at most this much text besides links is a teaser beside it.
TEASER_MAX_CHARS = 300
SIBLING_PARTS_SHARE = 0.5


def find_content_root(root: Element, vocabulary: Vocabulary) -> Element:
    """The element holding the post's own content (see CONTENT_SELECTORS for the order).

    The first selector with a real candidate wins, unless its best candidate holds far
    less prose than the densest run of paragraphs of the page: then it is a teaser in a
    grid of related posts, or a widget. Page-wide wrappers (`main`, `#content`) are narrowed
    to the block that holds the post's paragraphs. Without a selector, the element with
    the most content net of chrome (`indexer.extract.scoring`) is the body.
    """
    wrappers = CONTENT_SELECTORS[CONTENT_SELECTORS.index(FIRST_WRAPPER_SELECTOR) :]
    page_size = text_length(root)
    densest = densest_block(root, page_size)
    floor = SELECTOR_MIN_SHARE * _own_paragraph_prose(densest)

    @cache
    def best_scored() -> Element:  # computed only when a selector's answer needs a check
        found = best_scoring(root, page_size, _chrome_or_headed_so)
        if found is None or prose_length(found) < _own_paragraph_prose(densest):
            return densest  # a paragraph run with chrome beside it still outweighs a widget
        return found

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
        fallback = best_scored() if prose < floor or selector in wrappers else None
        if prose < floor and not is_inside(fallback, best) and best is not fallback:
            continue
        if selector not in wrappers:
            return _with_sibling_parts(best, found)
        narrowed = _descend_without_chrome(best)
        if narrowed is fallback or not is_inside(fallback, narrowed):
            return narrowed
        return fallback
    return best_scored()


def _with_sibling_parts(best: Element, found: list[Element]) -> Element:
    """The parent of `best` when the post is split over sibling candidates (a page built
    of `<article>` modules, a forum thread's posts) rather than teasers beside it."""
    parent = best.getparent()
    parts = [tag for tag in found if tag.getparent() is parent and not _is_teaser(tag)]
    if parent is None or len(parts) < 2 or best not in parts:
        return best
    others = sum(_net_prose(tag) for tag in parts if tag is not best)
    return parent if others >= SIBLING_PARTS_SHARE * _net_prose(best) else best


def _net_prose(tag: Element) -> int:
    """Unlinked text of `tag` outside its forms, menus and other chrome tags."""
    inner = set(tag.iterdescendants(*_NET_OF_TAGS))
    chrome = sum(
        text_length(element)
        for element in inner
        if not any(parent in inner for parent in element.iterancestors(*_NET_OF_TAGS))
    )
    return max(0, prose_length(tag) - chrome)


def _is_teaser(tag: Element) -> bool:
    """A card: a heading that links elsewhere, with a little text."""
    heading = next(tag.iterdescendants(*_HEADINGS), None)
    if heading is None or next(heading.iter("a"), None) is None:
        return False
    return prose_length(tag) <= TEASER_MAX_CHARS


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
    return sum(_unlinked_length(p) for p in _PROSE_PARAGRAPHS(tag))


def _own_paragraph_prose(tag: Element) -> int:
    return sum(_unlinked_length(p) for p in children(tag, ("p",)))


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
        if concept in ALWAYS_CHROME:
            return True
        if concept and text_length(node) <= CHROME_MAX_SHARE * page_size:
            return True
    return False


def _chrome_or_headed_so(tag: Element, page_size: int) -> bool:
    return in_chrome(tag, page_size) or headed_by_chrome(tag)


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
    for paragraph in _PROSE_PARAGRAPHS(root):
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
