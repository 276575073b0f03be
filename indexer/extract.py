"""Turn one raw page into a Post, or say why it is not one.

The only module that knows the order of the extraction stages: parse once, read metadata
from the whole page, then cut out and clean the body, then classify. `postsearch extract`
prints exactly what this returns, so a maintainer sees what the index will see.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer import content, metadata
from indexer.classify import not_a_post_reason
from indexer.errors import PageError
from indexer.parse import parse_page
from indexer.records import Post, RawPage, Skip
from indexer.urls import resolve_address


@dataclass(frozen=True)
class Extraction:
    """Everything read from a page, post or not (the `extract` command shows all of it)."""

    post: Post
    skip_reason: str | None

    @property
    def is_post(self) -> bool:
        return self.skip_reason is None


def extract(page: RawPage) -> Extraction:
    """Read a page fully; raises PageError if it is not readable HTML."""
    soup = parse_page(page)
    address = resolve_address(soup, page.url)
    facts = metadata.PageFacts.read(soup, address.url)
    title = metadata.read_title(facts) or ""
    published = metadata.first_of(metadata.DATE_CASCADE, facts)
    author = metadata.first_of(metadata.AUTHOR_CASCADE, facts)
    categories = metadata.first_of(metadata.CATEGORY_CASCADE, facts) or []
    tags = [t for t in metadata.first_of(metadata.TAG_CASCADE, facts) or [] if t not in categories]
    language = metadata.language_of(facts)
    description = metadata.description_of(facts)
    body = content.extract_body(soup, facts.vocabulary, facts.title_element)
    post = Post(
        url=address.url,
        title=title,
        body=body,
        summary=content.make_summary(body, description),
        date=published,
        author=author,
        categories=tuple(categories),
        tags=tuple(tags),
        language=language,
    )
    reason = f"copy of {address.copy_of}" if address.copy_of else None
    return Extraction(post=post, skip_reason=reason or not_a_post_reason(facts, post))


def extract_post(page: RawPage) -> Post | Skip:
    """The indexer's view: a Post to store, or a Skip with the reason."""
    result = extract(page)
    if result.skip_reason:
        return Skip(location=page.location, url=result.post.url, reason=result.skip_reason)
    if not result.post.title:
        raise PageError(page.location, "post has no title")
    return result.post
