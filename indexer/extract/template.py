"""A site's template: the blocks whose text recurs on many of its posts, which are chrome.

No list of class names foresees every theme's "Recent Posts", "Subscribe to Blog", sidebar
biography or disclaimer, but each of them says the same thing on every post of its site,
while the post's own paragraphs are unique. A SiteTemplate (learnt by indexer.extract.learn)
holds only fingerprints of those blocks' text; `indexer.extract.page.extract(page,
template=...)` strips them before it looks for the body. It pickles (for the extraction
workers) and is saved as `template.json` beside the index, so that later incremental runs
and the webhook extract pages the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from indexer.extract.parse import (
    Element,
    attached,
    linked_length,
    remove,
    spaced_text,
    text_length,
)

# Blocks whose text is compared across pages.
TEMPLATE_BLOCK_TAGS = (
    "div section aside header footer nav ul ol li p h1 h2 h3 h4 h5 h6 table dl dd dt "
    "blockquote form address figure small"
).split()
# Longer blocks are page-wide wrappers, unique to each page anyway; not worth hashing.
MAX_BLOCK_CHARS = 4000
# A recurring heading whose section is this link-heavy takes the section with it (a
# "Recent Posts" widget whose links change from post to post).
SECTION_LINK_SHARE = 0.5
TEMPLATE_VERSION = 1
TEMPLATE_FILE = "template.json"


def fingerprint(text: str) -> str:
    """A short stable hash of a block's text, whitespace and case folded."""
    folded = " ".join(text.split()).casefold()
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=8).hexdigest()


def page_blocks(root: Element) -> dict[str, list[Element]]:
    """The page's text blocks grouped by fingerprint."""
    blocks: dict[str, list[Element]] = {}
    scope = next(root.iter("body"), root)
    for tag in scope.iterdescendants(TEMPLATE_BLOCK_TAGS):
        text = spaced_text(tag)
        if len(text) > MAX_BLOCK_CHARS or not any(ch.isalnum() for ch in text):
            continue
        blocks.setdefault(fingerprint(text), []).append(tag)
    return blocks


@dataclass(frozen=True)
class SiteTemplate:
    """What a site's pages share: fingerprints of chrome blocks, and its Pagefind marking."""

    pages: int = 0
    chrome: frozenset[str] = field(default_factory=frozenset)
    uses_pagefind_body: bool = False

    def strip(self, root: Element, keep: Element | None = None) -> int:
        """Remove this site's recurring blocks from the page, in place; returns how many.

        `keep` (the post's title heading) and its ancestors are never removed.
        """
        if not self.chrome:
            return 0
        protected = {keep, *keep.iterancestors()} if keep is not None else set()
        removed = 0
        for key, tags in page_blocks(root).items():
            if key not in self.chrome:
                continue
            for tag in tags:
                if tag in protected or not attached(tag, root):
                    continue
                remove(_section_of(tag, protected))
                removed += 1
        return removed

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": TEMPLATE_VERSION,
                "pages": self.pages,
                "uses_pagefind_body": self.uses_pagefind_body,
                "chrome": sorted(self.chrome),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> SiteTemplate:
        data = json.loads(text)
        if data.get("version") != TEMPLATE_VERSION:
            return cls()  # written by another version: relearn rather than misapply
        return cls(
            pages=int(data["pages"]),
            chrome=frozenset(data["chrome"]),
            uses_pagefind_body=bool(data["uses_pagefind_body"]),
        )


EMPTY_TEMPLATE = SiteTemplate()


def _section_of(tag: Element, protected: set[Element]) -> Element:
    """A recurring heading's link-heavy section ("Recent Posts" and its list), else the tag."""
    parent = tag.getparent()
    if tag.tag not in ("h1", "h2", "h3", "h4", "h5", "h6") or parent is None:
        return tag
    if parent in protected or parent.tag in ("body", "html"):
        return tag
    text = text_length(parent)
    linked = linked_length(parent)
    return parent if text and linked >= SECTION_LINK_SHARE * text else tag


def load_template(folder: Path | None) -> SiteTemplate | None:
    """The template a previous run saved in `folder` (beside the index), if any."""
    path = Path(folder or "") / TEMPLATE_FILE
    if folder is None or not path.exists():
        return None
    return SiteTemplate.from_json(path.read_text(encoding="utf-8"))


def save_template(template: SiteTemplate, folder: Path) -> None:
    """Save the template atomically (temp file + rename)."""
    tmp = Path(folder) / (TEMPLATE_FILE + ".tmp")
    tmp.write_text(template.to_json(), encoding="utf-8")
    os.replace(tmp, Path(folder) / TEMPLATE_FILE)
