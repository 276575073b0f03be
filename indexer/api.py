"""The indexer's public API: what the command line and the webhook may call.

Everything else in `indexer` is its own business and may change; import-linter checks that
`searchweb` goes through here (or through `indexer.index` to read the index).

- A run: `index_sources(sources, store, options=IndexOptions(...))` → IndexSummary.
- One page, for the publish webhook: `reindex_url`, `delete_url`.
- What the extractor reads from a page: `extract(read_page(...))`.
"""

from typing import TYPE_CHECKING

from indexer import index as _index
from indexer.errors import (
    BackendUnavailableError,
    IndexLockedError,
    IndexMissingError,
    IndexWriteError,
    PageError,
    PostsearchError,
    SchemaMismatchError,
    SourceError,
    WhooshInternalsError,
)
from indexer.extract.page import Extraction, extract
from indexer.index.store import PostStore, WhooshPostStore
from indexer.pipeline.run import IndexOptions, index_sources
from indexer.pipeline.single_url import delete_url, reindex_url
from indexer.records import IndexSummary, Post, RawPage, Skip
from indexer.sources.crawl import CrawlOptions
from indexer.sources.folder import read_file_page
from indexer.sources.http import fetch_page
from indexer.urls import normalize_url

if TYPE_CHECKING:
    from indexer.index import TypesenseCluster, TypesensePostStore


def __getattr__(name: str) -> object:
    """The Typesense store and cluster, loaded on first use as `indexer.index` loads them."""
    if name in ("TypesenseCluster", "TypesensePostStore"):
        return getattr(_index, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BackendUnavailableError",
    "CrawlOptions",
    "Extraction",
    "IndexLockedError",
    "IndexMissingError",
    "IndexOptions",
    "IndexSummary",
    "IndexWriteError",
    "PageError",
    "Post",
    "PostStore",
    "PostsearchError",
    "RawPage",
    "SchemaMismatchError",
    "Skip",
    "SourceError",
    "TypesenseCluster",
    "TypesensePostStore",
    "WhooshInternalsError",
    "WhooshPostStore",
    "delete_url",
    "extract",
    "fetch_page",
    "index_sources",
    "normalize_url",
    "read_file_page",
    "reindex_url",
]
