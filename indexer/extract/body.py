"""Find a post's body in its page and strip the chrome around and inside it.

Runs after metadata has been read (this stage prunes the tree), and is the one place that
knows the order: drop the site's learnt template blocks (`indexer.extract.template`), pick
the content container (`indexer.extract.container`), then strip the chrome inside it
(`indexer.extract.strip`): known selectors, taxonomy blocks, class words
("post-share-bar"), sections opened by a chrome heading ("Leave a Reply"), chrome lines
("Return to top"), and link-dense lists.
"""

from __future__ import annotations

from indexer.extract.container import find_content_root
from indexer.extract.overrides import (
    NO_OVERRIDES,
    ExtractionOverrides,
    remove_ignored,
    select_content,
)
from indexer.extract.parse import Document, Element, Vocabulary, block_text, remove
from indexer.extract.strip import (
    strip_chrome,
    strip_chrome_lines,
    strip_headed_chrome,
    strip_link_blocks,
    strip_named_chrome,
    strip_title_block,
)
from indexer.extract.taxonomy import taxonomy_blocks
from indexer.extract.template import SiteTemplate

SUMMARY_CHARS = 280


def extract_body(
    document: Document,
    vocabulary: Vocabulary,
    title: Element | None = None,
    template: SiteTemplate | None = None,
    overrides: ExtractionOverrides | None = None,
    page_url: str = "",
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
    for block in taxonomy_blocks(root, page_url):
        remove(block)
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
