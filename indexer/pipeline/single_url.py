"""One page at a time, for the publish webhook: reindex a URL of the site, or delete a post.

The same run as a crawl (indexer.pipeline.run), cut down to one page: the page is fetched
with the crawler's bounds and robots.txt, extracted with the site's saved template (one
page is no sample to learn from), and written in one batch; its crawl state is updated so
the next crawl does not redo it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from indexer.index.store import PostStore
from indexer.pipeline.batch import writing
from indexer.pipeline.run import IndexOptions, Run
from indexer.pipeline.site import source_id
from indexer.pipeline.workers import Extractor
from indexer.records import IndexSummary
from indexer.sources.crawl import Crawler, CrawlOptions
from indexer.sources.events import PageGone
from indexer.sources.state import CrawlState, save_states
from indexer.urls import normalize_url


def reindex_url(
    url: str,
    store: PostStore,
    crawl: CrawlOptions,
    site_url: str,
    overrides: dict[str, Any] | None = None,
    include_pages: bool = True,
) -> IndexSummary:
    """Fetch one page of the site and index it with the saved template: a post is
    replaced, a page that answers 404/410 has its post deleted."""
    run = Run(store, IndexOptions(crawl=crawl, overrides=overrides, include_pages=include_pages))
    run.template_learned = True  # one page is no sample: use the saved template or none
    event = Crawler(replace(crawl, start_url=site_url), None).fetch_one(url)
    with writing(store):
        state = run.state_for(source_id(site_url))
        with Extractor(1, reading=run.reading) as extractor:
            run.handle(event, extractor, state)
        if isinstance(event, PageGone) and not run.gone:
            run.gone[event.key] = (None, event.key)  # not crawled before: its URL is the key
        run.apply_deletions()
        run.before_commit()
    run.after_commit(keep_template=False)  # nothing learnt: template.json stays as it is
    return run.summary


def delete_url(url: str, store: PostStore, site_url: str | None = None) -> IndexSummary:
    """Remove the post stored under `url` (`summary.deleted` names it if there was one)."""
    summary = IndexSummary()
    with writing(store):
        if store.contains(url):
            summary.deleted.append(url)
        store.delete(url)
        state_dir = store.state_dir
        known = state_dir is not None and site_url
        states = [CrawlState(state_dir, source_id(site_url), store.generation)] if known else []
    for state in states:
        keys = set(state.keys_for_doc(url))
        if state.get(normalize_url(url)):
            keys.add(normalize_url(url))
        for key in keys:
            state.forget(key)
    if store.state_dir is not None:
        save_states(store.state_dir, states, store.generation)
    summary.warnings.extend(store.after_commit())
    return summary
