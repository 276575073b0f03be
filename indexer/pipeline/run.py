"""Run an indexing job: sources → (learn the theme) → extract → store, incrementally.

The one module that knows the order of the stages. A source (a folder, a single page, a
live site, a WordPress export) becomes a stream of events (indexer.sources.events): a
page's bytes, "unchanged", "gone", "skipped", "failed". Unchanged pages (same hash, a 304,
an unmoved sitemap `lastmod`) cost no extraction; changed pages are extracted in a process
pool (parse once with lxml, both cores) and written by the one writer; gone pages are
deleted, unless that would remove more than a tenth of the index in one run.

Every page ends up in exactly one list or count of the IndexSummary. A failing page never
stops the run; an exception from the store cancels the batch so the served index stays as
it was, and the per-page state (indexer.sources.state) is only saved after the index
committed. The pipeline talks to the index only through the PostStore interface.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tqdm import tqdm

from indexer.errors import IndexWriteError, SourceError
from indexer.extract.address import SitePaths
from indexer.extract.learn import learn_template
from indexer.extract.template import load_template, save_template
from indexer.index.store import PostStore
from indexer.pipeline.site import folder_site, spread
from indexer.pipeline.workers import Extractor, Reading, overrides_from
from indexer.records import (
    MAX_PAGE_BYTES,
    POST_KIND,
    Failure,
    IndexSummary,
    Post,
    RawPage,
    Skip,
)
from indexer.sources.crawl import Crawler, CrawlOptions
from indexer.sources.events import (
    PageFailed,
    PageFetched,
    PageGone,
    PageSkipped,
    PageUnchanged,
    PostReady,
)
from indexer.sources.folder import (
    file_events,
    folder_events,
    html_files,
    single_page_url,
)
from indexer.sources.state import CrawlState, content_hash, save_pending, save_states
from indexer.sources.wxr import is_wxr, wxr_events
from indexer.urls import normalize_url

MASS_DELETE_SHARE = 0.10
TEMPLATE_SAMPLE = 60
# A folder run extracts its first pages inline and starts worker processes only past this
# many: one new post is then extracted without forking a pool for it.
POOL_AFTER = 8


@dataclass(frozen=True)
class IndexOptions:
    """How a run behaves; the CLI fills it from arguments and the site's TOML config."""

    base_url: str | None = None
    progress: bool = False
    allow_mass_delete: bool = False
    workers: int = 0  # 0: one per CPU
    overrides: dict[str, Any] | None = None  # the config's *_selector settings
    crawl: CrawlOptions | None = None  # limits for URL sources (start_url is replaced)
    include_pages: bool = True  # static pages (about, contact) are indexed as pages


def index_sources(
    sources: Iterable[str | Path],
    store: PostStore,
    base_url: str | None = None,
    progress: bool = False,
    options: IndexOptions | None = None,
) -> IndexSummary:
    """Index every source into `store` in one batch (one commit), incrementally unless
    the store rebuilds (`store.rebuild`, i.e. `--full`)."""
    options = options or IndexOptions(base_url=base_url, progress=progress)
    sources = [_check_source(source) for source in sources]
    run = Run(store, options, site=folder_site(sources, options.base_url))
    with writing(store):
        for source in sources:
            run.index_source(source)
        run.apply_deletions()
        run.before_commit()
    run.after_commit()
    return run.summary


@contextmanager
def writing(store: PostStore) -> Iterator[PostStore]:
    """`with store:` where an OSError (a full disk, a read-only mount) becomes one clear
    IndexWriteError saying the last complete commit is still the index served."""
    try:
        with store:
            yield store
    except OSError as error:
        where = error.filename or store.state_dir or "the index"
        raise IndexWriteError(
            f"cannot write the index ({error.strerror or error} at {where}); the last "
            "complete commit is still the index served"
        ) from error


def _check_source(source: str | Path) -> str | Path:
    text = str(source)
    if text.startswith(("http://", "https://")):
        return text
    if not Path(source).exists():
        raise SourceError(f"{source}: no such file or folder")
    return Path(source)


class Run:
    """The state of one indexing run across its sources."""

    def __init__(self, store: PostStore, options: IndexOptions, site: SitePaths | None = None):
        self.store = store
        self.options = options
        self.site = site  # the folder sources' pages, for their canonical links
        self.state_dir = Path(store.state_dir) if store.state_dir else None
        self.full = store.rebuild
        self.summary = IndexSummary()
        self.states: list[CrawlState] = []
        self.template = None if self.full else load_template(self.state_dir)
        self.overrides = overrides_from(options.overrides)
        self.template_learned = False
        self.gone: dict[str, tuple[CrawlState | None, str]] = {}  # doc url → (state, key)
        self._indexed: set[str] = set()
        self._bar: tqdm | None = None
        self._crawler: Crawler | None = None
        self.reading = Reading(None, options.include_pages)

    # -- one source ---------------------------------------------------------------

    def index_source(self, source: str | Path) -> None:
        if isinstance(source, Path) and source.is_dir() and self._needs_template():
            self._learn_from_folder(source)
        state = self.state_for(source_id(source))
        events = self._events(source, state)
        folder = isinstance(source, Path) and source.is_dir()
        self.reading = Reading(self.site if folder else None, self.options.include_pages)
        if self.options.progress:
            self._bar = tqdm(unit="page", desc=str(source)[:40], file=sys.stderr)
        try:
            # A crawl starts threads, so its pool must fork first; a folder's pool may wait
            # until there is enough to extract to be worth the processes.
            self._consume(events, state, pool_after=0 if isinstance(source, str) else POOL_AFTER)
        finally:
            if self._bar is not None:
                self._bar.close()
                self._bar = None
        if self._crawler is not None and self._crawler.truncated:
            limit = self._crawler.options.max_pages
            self.summary.truncated.append(f"{source}: stopped at crawl_max_pages ({limit})")
        self._crawler = None

    def _learn_from_folder(self, folder: Path) -> None:
        """Learn the theme from pages taken evenly across the folder (old and new posts)."""
        sample = []
        for file in spread(html_files(folder), TEMPLATE_SAMPLE):
            try:
                if file.stat().st_size > MAX_PAGE_BYTES:
                    continue
                sample.append(RawPage(str(file), file.resolve().as_uri(), file.read_bytes()))
            except OSError:
                continue
        self.template = learn_template(sample, limit=TEMPLATE_SAMPLE)
        self.template_learned = True

    def state_for(self, source_id: str) -> CrawlState | None:
        """The saved state of one source (None for a store that keeps no state)."""
        if self.state_dir is None:
            return None
        state = CrawlState(self.state_dir, source_id, self.store.generation)
        if self.full:
            state.forget_all()
        self.states.append(state)
        return state

    def _events(self, source: str | Path, state: CrawlState | None) -> Iterator[Any]:
        if isinstance(source, str):
            crawl = self.options.crawl or CrawlOptions(start_url=source)
            self._crawler = Crawler(replace(crawl, start_url=source), state)
            return self._crawler.events()
        if source.is_dir():
            return folder_events(source, self.options.base_url, state)
        if source.suffix.lower() == ".xml" and is_wxr(source):
            return wxr_events(source, state)
        url = single_page_url(source, self.options.base_url)
        return file_events([(source, url)], state, known=set())

    def _consume(self, events: Iterator[Any], state: CrawlState | None, pool_after: int) -> None:
        buffered: list[PageFetched] = []
        with Extractor(self.options.workers, pool_after, self.reading) as extractor:
            for event in events:
                self._tick()
                if isinstance(event, PageFetched) and self._unchanged(event, state):
                    continue
                if isinstance(event, PageFetched) and self._needs_template():
                    buffered.append(event)
                    if len(buffered) >= TEMPLATE_SAMPLE:
                        self._learn_and_flush(buffered, extractor, state)
                    continue
                self.handle(event, extractor, state)
            self._learn_and_flush(buffered, extractor, state)
            for event, outcome in extractor.drain():
                self._record(event, outcome, state)

    def _tick(self) -> None:
        if self._bar is None:
            return
        self._bar.update(1)
        if self._crawler is not None:
            counters = self._crawler.counters
            self._bar.set_postfix(
                fetched=counters.fetched,
                queued=counters.queued,
                skipped=counters.skipped,
                failed=counters.failed,
                refresh=False,
            )

    def _needs_template(self) -> bool:
        return self.template is None and not self.template_learned

    def _learn_and_flush(self, buffered: list[PageFetched], extractor, state) -> None:
        if self._needs_template() and buffered:
            pages = [e.page for e in spread(buffered, TEMPLATE_SAMPLE)]
            self.template = learn_template(pages, limit=TEMPLATE_SAMPLE)
        self.template_learned = True
        for event in buffered:
            self.handle(event, extractor, state)
        buffered.clear()

    def _unchanged(self, event: PageFetched, state: CrawlState | None) -> bool:
        """Same bytes as last time: note the new validators, skip the extraction."""
        known = state.get(event.key) if state else None
        if known is None or known.content_hash != content_hash(event.page.content):
            return False
        state.seen(
            event.key,
            etag=event.etag,
            last_modified=event.last_modified,
            lastmod=event.lastmod,
            in_sitemap=event.in_sitemap,
        )
        self.summary.unchanged += 1
        return True

    def handle(self, event: Any, extractor: Extractor, state: CrawlState | None) -> None:
        """Act on one source event: extract, count, or note a page as gone."""
        if isinstance(event, PageFetched):
            for done, outcome in extractor.submit(event, self.template, self.overrides):
                self._record(done, outcome, state)
        elif isinstance(event, PostReady):
            known = state.get(event.key) if state else None
            if known and known.content_hash == event.fingerprint:
                state.seen(event.key)
                self.summary.unchanged += 1
            else:
                self._record(event, event.post, state)
        elif isinstance(event, PageUnchanged):
            self.summary.unchanged += 1
            if state and state.get(event.key):
                state.seen(event.key, lastmod=event.lastmod, in_sitemap=event.in_sitemap)
        elif isinstance(event, PageGone):
            self._gone_page(event.key, state)
        elif isinstance(event, PageSkipped):
            self.summary.skipped.append(Skip(event.key, event.key, event.reason))
        elif isinstance(event, PageFailed):
            self.summary.failed.append(Failure(event.key, event.reason))

    def _gone_page(self, key: str, state: CrawlState | None) -> None:
        known = state.get(key) if state else None
        if known and known.doc_url:
            self.gone[known.doc_url] = (state, key)
        elif state and known:
            state.forget(key)

    def _record(self, event: Any, outcome: Post | Skip | Failure, state) -> None:
        if isinstance(outcome, Failure):
            self.summary.failed.append(outcome)
            return
        known = state.get(event.key) if state else None
        doc_url = outcome.url if isinstance(outcome, Post) else None
        if isinstance(outcome, Post):
            if outcome.url not in self._indexed:
                self.store.replace(outcome)
                self._indexed.add(outcome.url)
                pages = self.summary.static_pages
                (self.summary.indexed if outcome.kind == POST_KIND else pages).append(outcome.url)
            else:
                self.summary.skipped.append(Skip(event.key, outcome.url, "same canonical URL"))
        else:
            self.summary.skipped.append(outcome)
        if known and known.doc_url and known.doc_url != doc_url:
            self.gone.setdefault(known.doc_url, (None, event.key))
        if state is not None:
            state.seen(event.key, doc_url=doc_url, **_validators(event))

    # -- end of the run -------------------------------------------------------------

    def apply_deletions(self) -> None:
        """Delete posts whose pages are gone, unless that is a mass deletion."""
        doomed = [url for url in self.gone if url not in self._indexed]
        present = [url for url in doomed if self.store.contains(url)]
        before = self.store.doc_count()
        limit = max(1, int(before * MASS_DELETE_SHARE))
        if len(present) > limit and not self.options.allow_mass_delete and not self.full:
            self.summary.refused_deletes = sorted(present)
            self.summary.mass_delete_message = (
                f"refused to delete {len(present)} of {before} indexed posts and pages (more than "
                f"{MASS_DELETE_SHARE:.0%}) in one run: if the site really lost them, run again "
                "with --allow-mass-delete; if not, check the site (a broken deploy or a "
                "missing folder looks like this)"
            )
            return
        for url in doomed:
            self.store.delete(url)
            if url in present:
                self.summary.deleted.append(url)
            state, key = self.gone[url]
            if state is not None:
                state.forget(key)

    def before_commit(self) -> None:
        """The batch is complete: the state learns its pages, as pending, before the commit."""
        if self.state_dir is not None:
            save_pending(self.state_dir, self.states)

    def after_commit(self, keep_template: bool = True) -> None:
        """The index has committed: now the state and the template may say so. Last, the
        store's own after-commit work (it only speeds searching up, and the moment between
        a commit and the state's save must stay as short as it can be)."""
        if self.state_dir is not None:
            save_states(self.state_dir, self.states, self.store.generation, reset=self.full)
            if keep_template and self.template is not None:
                save_template(self.template, self.state_dir)
        self.summary.warnings.extend(self.store.after_commit())


def source_id(source: str | Path) -> str:
    """The name a source's pages are kept under in the crawl state."""
    if isinstance(source, str):
        return "site:" + normalize_url(source)
    kind = "folder" if source.is_dir() else "file"
    return f"{kind}:{source.resolve()}"


def _validators(event: Any) -> dict[str, Any]:
    if isinstance(event, PageFetched):
        return {
            "etag": event.etag,
            "last_modified": event.last_modified,
            "content_hash": content_hash(event.page.content),
            "lastmod": event.lastmod,
            "in_sitemap": event.in_sitemap,
        }
    if isinstance(event, PostReady):
        return {"content_hash": event.fingerprint}
    return {}
