"""Learn a site's template while indexing it: a block whose text recurs on many posts is chrome.

No list of class names foresees every theme's "Recent Posts", "Subscribe to Blog", sidebar
biography or disclaimer, but each of them says the same thing on every post of its site,
while the post's own paragraphs are unique. So before indexing a site, the pipeline shows
a sample of its pages to a TemplateLearner (only the pages that read as posts count: a
listing repeats its posts' excerpts), freezes it into a SiteTemplate, and passes that to
`indexer.extract.extract_post(page, template=...)`, which drops those blocks before it
looks for the body. A SiteTemplate holds only fingerprints of text, pickles, and saves as
JSON beside the index so a later incremental run extracts pages the same way.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag

from indexer.errors import PageError
from indexer.extract.parse import parse_page
from indexer.records import Failure, RawPage

# Blocks whose text is compared across pages.
TEMPLATE_BLOCK_TAGS = (
    "div section aside header footer nav ul ol li p h1 h2 h3 h4 h5 h6 table dl dd dt "
    "blockquote form address figure small"
).split()
# Longer blocks are page-wide wrappers, unique to each page anyway; not worth hashing.
MAX_BLOCK_CHARS = 4000
# A text must recur on at least this many posts, and this share of the posts seen.
MIN_RECURRENCES = 3
RECUR_SHARE = 0.5
# With fewer posts seen, nothing can be told apart from chance: the template is empty.
MIN_PAGES = 4
DEFAULT_SAMPLE = 60
# A recurring heading whose section is this link-heavy takes the section with it (a
# "Recent Posts" widget whose links change from post to post).
SECTION_LINK_SHARE = 0.5
TEMPLATE_VERSION = 1


def fingerprint(text: str) -> str:
    """A short stable hash of a block's text, whitespace and case folded."""
    folded = " ".join(text.split()).casefold()
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=8).hexdigest()


def page_blocks(soup: BeautifulSoup) -> dict[str, list[Tag]]:
    """The page's text blocks grouped by fingerprint."""
    blocks: dict[str, list[Tag]] = {}
    scope = soup.body or soup
    for tag in scope.find_all(TEMPLATE_BLOCK_TAGS):
        text = tag.get_text(" ")
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

    def strip(self, soup: BeautifulSoup, keep: Tag | None = None) -> int:
        """Remove this site's recurring blocks from `soup`, in place; returns how many.

        `keep` (the post's title heading) and its ancestors are never removed.
        """
        if not self.chrome:
            return 0
        protected = {id(keep), *(id(p) for p in keep.parents)} if keep is not None else set()
        removed = 0
        for key, tags in page_blocks(soup).items():
            if key not in self.chrome:
                continue
            for tag in tags:
                if tag.decomposed or id(tag) in protected:
                    continue
                _section_of(tag, protected).decompose()
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


def _section_of(tag: Tag, protected: set[int]) -> Tag:
    """A recurring heading's link-heavy section ("Recent Posts" and its list), else the tag."""
    parent = tag.parent
    if tag.name not in ("h1", "h2", "h3", "h4", "h5", "h6") or parent is None:
        return tag
    if id(parent) in protected or parent.name in ("body", "html", "[document]"):
        return tag
    text = len(parent.get_text())
    linked = sum(len(a.get_text()) for a in parent.find_all("a"))
    return parent if text and linked >= SECTION_LINK_SHARE * text else tag


class TemplateLearner:
    """Counts, over the posts it is shown, on how many each block's text appears."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._pages = 0
        self._pagefind = False

    @property
    def pages(self) -> int:
        return self._pages

    def observe(self, page: RawPage) -> bool:
        """Learn from one page; returns False for a page that is not a post (not counted)."""
        from indexer.extract.page import extract  # the extractor uses templates: import late

        try:
            if not extract(page).is_post:
                return False
            soup = parse_page(page)
        except PageError:
            return False
        self._pages += 1
        self._pagefind = self._pagefind or soup.find(attrs={"data-pagefind-body": True}) is not None
        self._counts.update(page_blocks(soup).keys())
        return True

    def freeze(self) -> SiteTemplate:
        """The template learnt so far (empty when too few posts were seen)."""
        if self._pages < MIN_PAGES:
            return SiteTemplate(pages=self._pages, uses_pagefind_body=self._pagefind)
        need = max(MIN_RECURRENCES, RECUR_SHARE * self._pages)
        chrome = frozenset(key for key, count in self._counts.items() if count >= need)
        return SiteTemplate(pages=self._pages, chrome=chrome, uses_pagefind_body=self._pagefind)


def learn_template(
    pages: Iterable[RawPage | Failure], limit: int = DEFAULT_SAMPLE, seed: int = 0
) -> SiteTemplate:
    """Learn a site's template from up to `limit` pages spread over `pages`.

    The sample is a seeded reservoir sample, so it spreads over the whole site (old and new
    themes alike) and the same site always yields the same template.
    """
    chosen: list[RawPage] = []
    rng = random.Random(seed)
    pages = (page for page in pages if isinstance(page, RawPage))  # sources yield Failures too
    for seen, page in enumerate(pages):
        if len(chosen) < limit:
            chosen.append(page)
        elif (slot := rng.randrange(seen + 1)) < limit:
            chosen[slot] = page
    learner = TemplateLearner()
    for page in chosen:
        learner.observe(page)
    return learner.freeze()
