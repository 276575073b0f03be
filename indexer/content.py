"""Find a post's body in its page and strip the chrome around and inside it.

Runs after metadata has been read (this stage prunes the tree). The rules themselves are
data in `indexer.chrome`; this module only applies them: pick the content container, drop
the chrome inside it, fall back to paragraph density when no container is recognised.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from indexer.chrome import CHROME_SELECTORS, CONTENT_SELECTORS, INVISIBLE
from indexer.parse import Vocabulary, block_text, visible_text

# A container with less text than this is a teaser or an empty wrapper, not the body.
MIN_CONTAINER_CHARS = 20
# Page-wide containers (main, #content) also hold comment and reply sections; step down
# into the child block that holds this share of the container's paragraph text.
DESCEND_SHARE = 0.95
# Selectors from this one on name page-wide wrappers, not the post's own container.
FIRST_WRAPPER_SELECTOR = "[role=main]"
SUMMARY_CHARS = 280

_CHROME = tuple(sel for group in CHROME_SELECTORS.values() for sel in group)


def find_content_root(soup: BeautifulSoup, vocabulary: Vocabulary) -> Tag:
    """The element holding the post's own content (see CONTENT_SELECTORS for the order)."""
    wrappers = CONTENT_SELECTORS[CONTENT_SELECTORS.index(FIRST_WRAPPER_SELECTOR) :]
    for selector in CONTENT_SELECTORS:
        sized = [(len(visible_text(tag)), tag) for tag in vocabulary.select(soup, selector)]
        sized = [(size, tag) for size, tag in sized if size >= MIN_CONTAINER_CHARS]
        if sized:
            best = max(sized, key=lambda pair: pair[0])[1]
            return descend_to_post(best) if selector in wrappers else best
    return descend_to_post(densest_block(soup))


def descend_to_post(container: Tag) -> Tag:
    """The innermost block of `container` that still holds nearly all its paragraphs."""
    current, total = container, _paragraph_length(container)
    while total:
        blocks = current.find_all(("div", "section", "article", "main"), recursive=False)
        sized = ((_paragraph_length(block), block) for block in blocks)
        size, child = max(sized, key=lambda pair: pair[0], default=(0, None))
        if child is None or size < DESCEND_SHARE * total:
            break
        current, total = child, size
    return current


def _paragraph_length(tag: Tag) -> int:
    return sum(len(p.get_text()) for p in tag.find_all("p"))


def densest_block(soup: BeautifulSoup) -> Tag:
    """Fallback container: the element whose own paragraphs hold the most unlinked text."""
    best: Tag | None = None
    best_score = 0
    for tag in soup.find_all(("div", "section", "td", "body")):
        score = sum(_unlinked_length(p) for p in tag.find_all("p", recursive=False))
        if score > best_score:
            best, best_score = tag, score
    return best or soup.body or soup


def _unlinked_length(paragraph: Tag) -> int:
    linked = sum(len(a.get_text()) for a in paragraph.find_all("a"))
    return max(0, len(paragraph.get_text()) - linked)


def strip_chrome(root: Tag, vocabulary: Vocabulary) -> None:
    """Remove scripts and every chrome element inside `root`, in place."""
    for tag in root.find_all(INVISIBLE):
        tag.decompose()
    present = [selector for selector in _CHROME if vocabulary.may_match(selector)]
    if not present:
        return
    for tag in root.select(", ".join(present)):
        if tag is not root and not tag.decomposed:
            tag.decompose()


def strip_title_block(root: Tag, title: Tag | None) -> None:
    """Remove the post's title heading from the body, with the small header around it.

    Many themes put the title, the byline and sometimes a repeated excerpt in one block
    just above the body, inside the same container; that block is the post's header.
    """
    if title is None or title.decomposed or root not in title.parents:
        return
    block = title.parent
    if block is not None and block is not root and _own_text_length(block, title) <= 400:
        block.decompose()
    else:
        title.decompose()


def _own_text_length(block: Tag, title: Tag) -> int:
    return len(visible_text(block)) - len(visible_text(title))


def extract_body(soup: BeautifulSoup, vocabulary: Vocabulary, title: Tag | None = None) -> str:
    """The post's body text, paragraphs separated by blank lines, chrome removed."""
    root = find_content_root(soup, vocabulary)
    strip_title_block(root, title)
    strip_chrome(root, vocabulary)
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
