"""Learn a site's template while indexing it: a block whose text recurs on many posts is chrome.

Before indexing a site, the pipeline shows a sample of its pages to a TemplateLearner. Only
the pages that read as posts count (a listing repeats its posts' excerpts; static pages
have layouts of their own), each read on its own by the extractor; the blocks whose text
recurs on enough of them become the SiteTemplate (indexer.extract.template) that every
page of the site is then extracted with.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable

from lxml import etree

from indexer.errors import PageError
from indexer.extract.page import extract
from indexer.extract.parse import parse_page
from indexer.extract.template import SiteTemplate, page_blocks
from indexer.records import POST_KIND, Failure, RawPage

# A text must recur on at least this many posts, and this share of the posts seen.
MIN_RECURRENCES = 3
RECUR_SHARE = 0.5
# With fewer posts seen, nothing can be told apart from chance: the template is empty.
MIN_PAGES = 4
DEFAULT_SAMPLE = 60
_PAGEFIND_BODY = etree.XPath("//*[@data-pagefind-body]")


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
        try:
            result = extract(page)
            if not result.is_post or result.post.kind != POST_KIND:
                return False
            root = parse_page(page).root
        except PageError:
            return False
        self._pages += 1
        self._pagefind = self._pagefind or bool(_PAGEFIND_BODY(root))
        self._counts.update(page_blocks(root).keys())
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
