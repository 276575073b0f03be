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

from bs4 import BeautifulSoup, Comment, Tag

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
from indexer.extract.parse import Vocabulary, block_text, visible_text
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
_LINE_TAGS = ("p", "div", "li", "a", "span", "small", "em", "strong", "dt", "dd", *_HEADING_TAGS)


def find_content_root(soup: BeautifulSoup, vocabulary: Vocabulary) -> Tag:
    """The element holding the post's own content (see CONTENT_SELECTORS for the order).

    The first selector with a real candidate wins, unless its best candidate holds far
    less prose than the densest block of the page: then it is a teaser in a grid of
    related posts, or a widget, and the densest block is the body. Page-wide wrappers
    (`main`, `#content`) are narrowed to the block that holds the post's paragraphs.
    """
    wrappers = CONTENT_SELECTORS[CONTENT_SELECTORS.index(FIRST_WRAPPER_SELECTOR) :]
    page_size = len(soup.get_text())
    fallback = densest_block(soup, page_size)
    floor = SELECTOR_MIN_SHARE * _own_paragraph_prose(fallback)
    marked = vocabulary.select(soup, PAGEFIND_BODY)
    if marked:  # the site's own word: no second guess
        return max(marked, key=lambda tag: len(tag.get_text()))
    for selector in CONTENT_SELECTORS:
        found = [t for t in vocabulary.select(soup, selector) if not in_chrome(t, page_size)]
        found = _without_listings(found)
        sized = [(paragraph_prose(tag), len(tag.get_text()), tag) for tag in found]
        sized = [item for item in sized if item[1] >= MIN_CONTAINER_CHARS]
        if not sized:
            continue
        prose, _, best = max(sized, key=lambda item: item[:2])
        if prose < floor and best not in fallback.parents and best is not fallback:
            continue
        if selector not in wrappers:
            return best
        narrowed = _descend_without_chrome(best)
        if narrowed is fallback or narrowed not in fallback.parents:
            return narrowed
        return _climb(fallback, narrowed)
    return _climb(fallback, soup)


def _without_listings(found: list[Tag]) -> list[Tag]:
    """Drop candidates holding two or more other candidates: an `<article>` wrapping the
    post and a grid of related `<article>`s is a listing, the inner one is the post."""
    if len(found) < 3:
        return found
    return [tag for tag in found if sum(tag in other.parents for other in found) < 2]


def prose_length(tag: Tag) -> int:
    """Characters of text not inside links: what a container holds besides menus."""
    linked = sum(len(a.get_text()) for a in tag.find_all("a"))
    return max(0, len(tag.get_text()) - linked)


def paragraph_prose(tag: Tag) -> int:
    """Characters of unlinked text in the paragraphs below `tag`: the post's prose."""
    return sum(_unlinked_length(p) for p in tag.find_all("p"))


def _own_paragraph_prose(tag: Tag) -> int:
    return sum(_unlinked_length(p) for p in tag.find_all("p", recursive=False))


def _climb(block: Tag, limit: Tag) -> Tag:
    """Widen the densest block to the ancestors that add mostly more paragraphs.

    Articles split by ad slots or pull quotes spread their paragraphs over sibling
    blocks; a parent that adds mostly menus and teasers is the page, not the post.
    """
    current, prose, size = block, paragraph_prose(block), len(block.get_text())
    while (
        current is not limit and current.parent is not None and current.parent.name != "[document]"
    ):
        parent = current.parent
        parent_prose, parent_size = paragraph_prose(parent), len(parent.get_text())
        if parent_size > size and parent_prose - prose < CLIMB_PROSE_SHARE * (parent_size - size):
            break
        current, prose, size = parent, parent_prose, parent_size
    return current


def in_chrome(tag: Tag, page_size: int) -> bool:
    """True when `tag` is, or sits inside, a comment list, a footer, a related-posts box...

    A comment is often an `<article>` with its own `.entry-content`; it must not win over
    the post it comments on. An ancestor holding most of the page ("ad-off-canvas-pusher")
    is a layout wrapper whatever its name says.
    """
    for node in (tag, *tag.parents):
        if node.name in ("body", "html"):
            return False
        concept = "tag" if node.name in CHROME_TAGS else chrome_concept(node)
        if concept == "comments":
            return True
        if concept and len(node.get_text()) <= CHROME_MAX_SHARE * page_size:
            return True
    return False


def _descend_without_chrome(container: Tag) -> Tag:
    # Comments can outweigh a short post: drop them before weighing the children.
    strip_named_chrome(container)
    strip_headed_chrome(container)
    return descend_to_post(container)


def descend_to_post(container: Tag) -> Tag:
    """The innermost block of `container` that still holds nearly all its unlinked text."""
    current, total = container, prose_length(container)
    while total:
        blocks = current.find_all(("div", "section", "article", "main"), recursive=False)
        sized = ((prose_length(block), block) for block in blocks)
        size, child = max(sized, key=lambda pair: pair[0], default=(0, None))
        if child is None or size < DESCEND_SHARE * total:
            break
        current, total = child, size
    return current


def densest_block(soup: BeautifulSoup, page_size: int) -> Tag:
    """Fallback container: the element whose own paragraphs hold the most unlinked text."""
    scores: dict[int, int] = {}
    parents: dict[int, Tag] = {}
    chrome: dict[int, bool] = {}
    for paragraph in soup.find_all("p"):
        parent = paragraph.parent
        if parent is None:
            continue
        if id(parent) not in chrome:
            chrome[id(parent)] = in_chrome(parent, page_size)
        if chrome[id(parent)]:
            continue
        scores[id(parent)] = scores.get(id(parent), 0) + _unlinked_length(paragraph)
        parents[id(parent)] = parent
    if not scores:
        return soup.body or soup
    return parents[max(scores, key=scores.__getitem__)]


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


def chrome_concept(tag: Tag) -> str | None:
    """The chrome concept a tag's class or id words name ("comments", "sharing"...), if any."""
    names = list(tag.get("class") or ())
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


def strip_named_chrome(root: Tag) -> None:
    """Remove elements whose class or id names chrome (see CHROME_NAME_WORDS)."""
    total = len(root.get_text())
    for tag in root.find_all(True):
        if tag.decomposed or (concept := chrome_concept(tag)) is None:
            continue
        if concept == "comments" or len(tag.get_text()) <= CHROME_MAX_SHARE * total:
            tag.decompose()


def heading_concept(text: str) -> str | None:
    """The chrome concept a heading's text names ("Leave a Reply" -> comments), if any."""
    text = " ".join(text.lower().split()).rstrip(":").strip()
    if not text or len(text) > 60:
        return None
    return next((concept for concept, rx in _HEADINGS if rx.fullmatch(text)), None)


def strip_headed_chrome(root: Tag) -> None:
    """Remove the sections that a chrome heading opens ("Comments", "Related posts")."""
    total = len(root.get_text())
    for heading in root.find_all(_HEADING_TAGS):
        if heading.decomposed or (concept := heading_concept(heading.get_text())) is None:
            continue
        section = _headed_section(heading, root)
        if section is not None and (
            concept == "comments" or len(section.get_text()) <= CHROME_MAX_SHARE * total
        ):
            section.decompose()
        else:
            _strip_from(heading, root)


def _headed_section(heading: Tag, root: Tag) -> Tag | None:
    """The largest block below `root` that `heading` opens (little or no text before it)."""
    section = None
    candidate = heading.parent
    while candidate is not None and candidate is not root:
        if _text_before(heading, candidate) > HEADING_LEAD_CHARS:
            break
        section, candidate = candidate, candidate.parent
    return section


def _text_before(heading: Tag, scope: Tag) -> int:
    first = heading.find(string=True)
    size = 0
    for text in scope.find_all(string=True):
        if text is first:
            return size
        if not isinstance(text, Comment):
            size += len(text.strip())
    return size


def _strip_from(heading: Tag, root: Tag) -> None:
    """Remove `heading` and what follows it in its block, when that is the smaller part."""
    following = list(heading.find_next_siblings())
    after = sum(len(tag.get_text()) for tag in following)
    if after <= _text_before(heading, root):
        for tag in (heading, *following):
            tag.decompose()


def strip_link_blocks(root: Tag) -> None:
    """Remove lists and boxes that are mostly links: menus, teasers, tag clouds."""
    total = len(root.get_text())
    for tag in root.find_all(LINK_BLOCK_TAGS):
        if tag.decomposed:
            continue
        links = tag.find_all("a")
        if len(links) < LINK_BLOCK_MIN_LINKS:
            continue
        size = len(tag.get_text())
        linked = sum(len(a.get_text()) for a in links)
        if linked >= LINK_BLOCK_DENSITY * size and size <= CHROME_MAX_SHARE * total:
            tag.decompose()


def strip_chrome_lines(root: Tag) -> None:
    """Remove short blocks that are chrome wherever they stand ("Return to top")."""
    for tag in root.find_all(_LINE_TAGS):
        if tag.decomposed:
            continue
        text = tag.get_text()
        if len(text) <= CHROME_LINE_MAX_CHARS and _LINES.fullmatch(" ".join(text.lower().split())):
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


def extract_body(
    soup: BeautifulSoup,
    vocabulary: Vocabulary,
    title: Tag | None = None,
    template: SiteTemplate | None = None,
    overrides: ExtractionOverrides | None = None,
) -> str:
    """The post's body text, paragraphs separated by blank lines, chrome removed.

    A maintainer's content selector wins; else the site's learnt template blocks go first
    (so they can mislead neither the container choice nor the density fallback), then the
    container is found and the chrome inside it stripped.
    """
    overrides = overrides or NO_OVERRIDES
    root = select_content(soup, overrides)
    if root is None:
        if template is not None:
            template.strip(soup, keep=title)
        root = find_content_root(soup, vocabulary)
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
