"""JSON-LD: the structured data most blog platforms embed, read for the metadata cascade.

Yoast, Jetpack, Ghost and most static-site themes describe a post as a schema.org
`BlogPosting` (or `Article`, `NewsArticle`), often inside an `@graph` with the site and its
breadcrumbs. Only the article objects matter here; broken JSON is skipped, not fatal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

ARTICLE_TYPES = frozenset({"Article", "BlogPosting", "NewsArticle", "Report", "TechArticle"})


def json_ld_articles(blocks: Iterable[str]) -> Iterator[dict]:
    """The article objects of a page's JSON-LD blocks (their texts, as parsing kept them)."""
    for block in blocks:
        try:
            data = json.loads(block)
        except (json.JSONDecodeError, TypeError):
            continue
        yield from (item for item in _walk_ld(data) if _is_article(item))


def _walk_ld(data: object) -> Iterator[dict]:
    if isinstance(data, list):
        for item in data:
            yield from _walk_ld(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _walk_ld(data["@graph"])


def _is_article(item: dict) -> bool:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(k in ARTICLE_TYPES for k in kinds if isinstance(k, str))


def ld_name(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return value.strip() if isinstance(value, str) and value.strip() else None


def ld_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return []
