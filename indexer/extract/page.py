"""Turn one raw page into a Post, or say why it is not one.

The only module that knows the order of the extraction stages: parse once, read metadata
from the whole page, then cut out and clean the body, then classify. `postsearch extract`
prints exactly what this returns, so a maintainer sees what the index will see.

Two optional inputs refine a page's reading: the site's learnt template (blocks that
recur on its posts are chrome; see `indexer.extract.template`) and a maintainer's overrides (CSS
selectors; see `indexer.extract.overrides`). Without them a page is read on its own, as
`postsearch extract` and the article benchmark do.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from indexer.errors import PageError
from indexer.extract import body as content
from indexer.extract import metadata
from indexer.extract import overrides as by_selector
from indexer.extract.address import SitePaths, resolve_address
from indexer.extract.classify import classify
from indexer.extract.facts import PageFacts
from indexer.extract.language import choose_language
from indexer.extract.overrides import NO_OVERRIDES, ExtractionOverrides
from indexer.extract.parse import parse_page
from indexer.extract.sections import read_sections
from indexer.extract.shape import measure
from indexer.extract.template import SiteTemplate
from indexer.records import PAGE_KIND, Post, RawPage, Skip

PAGEFIND_BODY = "[data-pagefind-body]"
PAGEFIND_UNMARKED = "no data-pagefind-body on a site whose posts carry it"
STATIC_PAGE = "static page"  # skipped: include_pages is off


@dataclass(frozen=True)
class Extraction:
    """Everything read from a page, post or not (the `extract` command shows all of it)."""

    post: Post
    skip_reason: str | None

    @property
    def is_post(self) -> bool:
        """Whether the page is indexed (as a post, or as a page: see `post.kind`)."""
        return self.skip_reason is None


@dataclass(frozen=True)
class Fields:
    """The metadata fields of one page, before the body is cut out."""

    title: str
    date: date | None
    author: str | None
    categories: tuple[str, ...]
    tags: tuple[str, ...]


def read_fields(facts: PageFacts, overrides: ExtractionOverrides) -> Fields:
    """Each field from the maintainer's selector when it finds something, else the cascade."""
    root = facts.root
    title = by_selector.text_of(root, overrides.title_selector) or metadata.read_title(facts) or ""
    published = by_selector.date_of(root, overrides.date_selector) or metadata.read_date(facts)
    author = by_selector.text_of(root, overrides.author_selector)
    author = metadata.clean_name(author) if author else None
    author = author or metadata.first_of(metadata.AUTHOR_CASCADE, facts)
    categories = by_selector.texts_of(root, overrides.category_selector) or (
        metadata.first_of(metadata.CATEGORY_CASCADE, facts) or []
    )
    tags = by_selector.texts_of(root, overrides.tag_selector) or (
        metadata.first_of(metadata.TAG_CASCADE, facts) or []
    )
    tags = [tag for tag in tags if tag not in categories]
    return Fields(
        title[: metadata.MAX_TITLE_CHARS], published, author, tuple(categories), tuple(tags)
    )


def extract(
    page: RawPage,
    template: SiteTemplate | None = None,
    overrides: ExtractionOverrides | None = None,
    site: SitePaths | None = None,
) -> Extraction:
    """Read a page fully; raises PageError if it is not readable HTML.

    `site` is the addresses of every page a folder run reads: a page is a copy of the page
    its canonical link names only when that page is one of them.
    """
    overrides = overrides or NO_OVERRIDES
    document = parse_page(page)
    address = resolve_address(document.root, page.url, site)
    facts = PageFacts.read(document, address.url)
    fields = read_fields(facts, overrides)
    shape = measure(facts)
    declared = metadata.declared_language(facts)
    description = metadata.description_of(facts)
    unmarked = template is not None and template.uses_pagefind_body and not _pagefind_marked(facts)
    reading = content.extract_body(
        document, facts.vocabulary, facts.title_element, template, overrides, address.url
    )
    body = content.without_title(reading.text, fields.title)
    sections = read_sections(document.root, body)
    post = Post(
        url=address.url,
        title=fields.title,
        body=body,
        summary=content.make_summary(body, description),
        date=fields.date,
        author=fields.author,
        categories=fields.categories,
        tags=fields.tags,
        language=choose_language(declared, body),
        sections=sections,
    )
    kind, reason = classify(facts, post, replace(shape, datelines=reading.datelines))
    copied = f"copy of {address.copy_of}" if address.copy_of else None
    reason = copied or (PAGEFIND_UNMARKED if unmarked else None) or reason
    return Extraction(post=replace(post, kind=kind), skip_reason=reason)


def _pagefind_marked(facts: PageFacts) -> bool:
    return bool(facts.select(PAGEFIND_BODY))


def extract_post(
    page: RawPage,
    template: SiteTemplate | None = None,
    overrides: ExtractionOverrides | None = None,
    site: SitePaths | None = None,
    include_pages: bool = True,
) -> Post | Skip:
    """The indexer's view: a Post to store (a post, or a static page when `include_pages`),
    or a Skip with the reason."""
    result = extract(page, template=template, overrides=overrides, site=site)
    reason = result.skip_reason
    if reason is None and result.post.kind == PAGE_KIND and not include_pages:
        reason = STATIC_PAGE
    if reason:
        return Skip(location=page.location, url=result.post.url, reason=reason)
    if not result.post.title:
        raise PageError(page.location, "post has no title")
    return result.post
