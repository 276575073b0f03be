"""Find a post's body in its page and strip the chrome around and inside it.

Runs after metadata has been read (this stage prunes the tree), and is the one place that
knows the order: drop the site's learnt template blocks (`indexer.extract.template`), pick
the content container (`indexer.extract.container`), then strip the chrome inside it
(`indexer.extract.strip`): known selectors, taxonomy blocks, class words
("post-share-bar"), sections opened by a chrome heading ("Leave a Reply"), chrome lines
("Return to top"), and link-dense lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from lxml import etree

from indexer.extract.chrome import LEAD_NAME_WORDS
from indexer.extract.container import find_content_root
from indexer.extract.dates import is_dateline, parse_visible_date
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
    block_text,
    remove,
    text_of,
    visible_text,
)
from indexer.extract.strip import (
    chrome_concept,
    strip_chrome,
    strip_chrome_lines,
    strip_headed_chrome,
    strip_link_blocks,
    strip_named_chrome,
    strip_teaser_grids,
    strip_title_block,
)
from indexer.extract.taxonomy import taxonomy_blocks
from indexer.extract.template import SiteTemplate

SUMMARY_CHARS = 280
# A standfirst is a paragraph: this many words at least, this many characters at most,
# found before the content element or before its ancestors up to this many levels.
LEAD_MIN_WORDS = 12
LEAD_MAX_CHARS = 700
LEAD_LEVELS = 3
_NAME_WORD = re.compile(r"[a-z]+")
# The short texts with a digit below an element: the candidates for a dateline.
_SHORT_DIGIT_TEXTS = etree.XPath(
    ".//text()[string-length(normalize-space()) <= 40 and translate(., '0123456789', '') != .]"
)
# The elements an archive's entry is: a date and a link inside one of these.
_ENTRY_TAGS = frozenset(("li", "tr", "article", "dd", "dt", "p", "div", "section"))


@dataclass(frozen=True)
class Body:
    """A post's body text, and how many of its container's short lines were a date before
    the chrome went (an archive dates every entry; a post, its byline)."""

    text: str
    datelines: int = 0


def extract_body(
    document: Document,
    vocabulary: Vocabulary,
    title: Element | None = None,
    template: SiteTemplate | None = None,
    overrides: ExtractionOverrides | None = None,
    page_url: str = "",
) -> Body:
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
    lead = lead_before(root)
    strip_title_block(root, title)
    strip_chrome(root, vocabulary)
    for block in taxonomy_blocks(root, page_url):
        remove(block)
    strip_named_chrome(root)
    strip_headed_chrome(root)
    strip_teaser_grids(root)
    datelines = count_dated_entries(root)
    strip_chrome_lines(root)
    strip_link_blocks(root)
    text = block_text(root)
    if lead and " ".join(lead.split()) not in " ".join(text.split()):
        text = f"{lead}\n\n{text}"
    return Body(text, datelines)


def lead_before(root: Element) -> str | None:
    """The post's standfirst, when its theme puts it in the header before the content
    element ("entry-excerpt", "article-lead"): a paragraph of the post, not chrome."""
    for block in (root, *islice(root.iterancestors(), LEAD_LEVELS)):
        for sibling in block.itersiblings(etree.Element, preceding=True):
            for element in (sibling, *sibling.iterdescendants(etree.Element)):
                if _names_a_lead(element) and chrome_concept(element) is None:
                    text = visible_text(element)
                    if len(text.split()) >= LEAD_MIN_WORDS and len(text) <= LEAD_MAX_CHARS:
                        return text
        if block.tag in ("article", "main", "body"):
            break
    return None


def _names_a_lead(element: Element) -> bool:
    names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return bool(LEAD_NAME_WORDS.intersection(_NAME_WORD.findall(names)))


def count_dated_entries(root: Element) -> int:
    """How many entries below `root` are a date on its own beside a link: the lines of an
    archive ("2024/01/27 <a>A post</a>"), which the chrome lines will strip as furniture."""
    count = 0
    for text in _SHORT_DIGIT_TEXTS(root):
        owner = text.getparent()  # the element whose text (or tail) it is
        full = owner.tag != "a" and is_dateline(text) and parse_visible_date(text) is not None
        if full and _beside_a_link(owner):
            count += 1
    return count


def _beside_a_link(element: Element | None) -> bool:
    while element is not None and element.tag not in _ENTRY_TAGS:
        element = element.getparent()
    return element is not None and any(text_of(a).strip() for a in element.iter("a"))


def without_title(body: str, title: str) -> str:
    """The body without a first line that only repeats the title (a second title heading
    the container held, which the title block's removal did not reach)."""
    first, _, rest = body.partition("\n")
    if title and _comparable(first) == _comparable(title):
        return rest.lstrip("\n")
    return body


def _comparable(text: str) -> str:
    return " ".join(text.casefold().split())


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
