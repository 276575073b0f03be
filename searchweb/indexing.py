"""Where the server and the command line meet the indexer: Settings in, indexer calls out.

A deployment's Settings say where the index is, how the crawler may behave and which CSS
selectors override extraction; the indexer knows nothing of Settings. These functions turn
one into the other and call the indexer's public API (`indexer.api`), for the CLI's
`index` command, the publish webhook and the server's background crawl.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from indexer.api import (
    CrawlOptions,
    IndexOptions,
    IndexSummary,
    PostStore,
    WhooshPostStore,
    delete_url,
    index_sources,
    normalize_url,
    reindex_url,
)
from searchweb.config import Settings
from searchweb.engine.backend import cluster_for

SELECTOR_SETTINGS = (
    "content_selector",
    "ignore_selectors",
    "title_selector",
    "date_selector",
    "author_selector",
    "category_selector",
    "tag_selector",
)


def open_store(settings: Settings, lock_timeout: float, rebuild: bool = False) -> PostStore:
    """The PostStore of the deployment's index (one batch of writes per `with`): the one
    place the engine is chosen for writing. With Typesense, index_dir keeps only the crawl
    state, the site template and the writer's lock."""
    if settings.backend_engine == "typesense":
        from indexer.api import TypesensePostStore  # the client, loaded for Typesense only

        return TypesensePostStore(
            cluster_for(settings),
            settings.index_dir,
            lock_timeout=lock_timeout,
            rebuild=rebuild,
            synonyms=settings.synonyms,
        )
    return WhooshPostStore(settings.index_dir, lock_timeout=lock_timeout, rebuild=rebuild)


def selector_overrides(settings: Settings) -> dict[str, Any]:
    """The config's extraction selectors that are set, as the extractor's overrides."""
    return {name: getattr(settings, name) for name in SELECTOR_SETTINGS if getattr(settings, name)}


def crawl_options(settings: Settings, start_url: str | None = None) -> CrawlOptions:
    """The crawler's bounds from the site's config (the start URL is the source given)."""
    return CrawlOptions(
        start_url=start_url or settings.site_url or "http://localhost/",
        allowed_hosts=settings.allowed_hosts,
        delay=settings.crawl_delay,
        concurrency=settings.crawl_concurrency,
        max_pages=settings.crawl_max_pages,
        max_page_bytes=settings.crawl_max_page_bytes,
        timeout=settings.crawl_timeout,
    )


def reindex_page(url: str, settings: Settings, lock_timeout: float) -> IndexSummary:
    """Fetch one page of the site again and index it (or delete it, if it is gone)."""
    return reindex_url(
        url,
        open_store(settings, lock_timeout),
        crawl_options(settings, start_url=settings.site_url),
        settings.site_url,
        selector_overrides(settings),
        include_pages=settings.include_pages,
    )


def delete_page(url: str, settings: Settings, lock_timeout: float) -> IndexSummary:
    """Remove the post stored under `url` (its normal spelling)."""
    return delete_url(normalize_url(url), open_store(settings, lock_timeout), settings.site_url)


def crawl_site(
    settings: Settings,
    lock_timeout: float,
    on_progress: Callable[[IndexSummary], None] | None = None,
) -> IndexSummary:
    """An incremental crawl of `site_url` in one transaction, as `postsearch index` runs it.

    Extraction stays in the calling thread (one worker): the server calls this from a
    thread of a threaded process, where forking a pool is unsafe, and it leaves the other
    cores to the searches the server goes on answering.
    """
    options = IndexOptions(
        base_url=settings.site_url,
        workers=1,
        overrides=selector_overrides(settings),
        crawl=crawl_options(settings),
        on_progress=on_progress,
    )
    return index_sources([settings.site_url], open_store(settings, lock_timeout), options=options)
