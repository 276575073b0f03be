"""Run an indexing job: sources → (learn the theme) → extract → store, incrementally.

The one module that knows the order of the stages. A source (a folder, a single page, a
live site, a WordPress export) becomes a stream of events (indexer.sources.events): a
page's bytes, "unchanged", "gone", "skipped", "failed". Unchanged pages (same hash, a 304,
an unmoved sitemap `lastmod`) cost no extraction; changed pages are extracted in a process
pool (parse once, bs4 on lxml, both cores) and written by the one writer; gone pages are
deleted, unless that would remove more than a tenth of the index in one run
(indexer.pipeline.deletions). A page met twice in one run is read once.

Every page ends up in exactly one list or count of the IndexSummary. A failing page never
stops the run; an exception from the store cancels the batch so the served index stays as
it was, and the per-page state (indexer.sources.state) is only saved after the index
committed. The pipeline talks to the index only through the PostStore interface.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from indexer.errors import SourceError
from indexer.extract.learn import learn_template
from indexer.extract.template import load_template, save_template
from indexer.index.store import PostStore
from indexer.pipeline.batch import Gone, apply_deletions, posts_after, writing
from indexer.pipeline.progress import Progress, plural
from indexer.pipeline.workers import Extractor, overrides_from
from indexer.records import (
    MAX_PAGE_BYTES,
    UNKNOWN_SKIP_REASON,
    Failure,
    IndexSummary,
    NotFound,
    Post,
    RawPage,
    Skip,
)
from indexer.sources.crawl import Crawler, CrawlOptions
from indexer.sources.events import (
    PageFailed,
    PageFetched,
    PageGone,
    PagesExpected,
    PageSkipped,
    PageUnchanged,
    PostReady,
)
from indexer.sources.folder import file_events, folder_events, html_files, single_page_url
from indexer.sources.state import (
    CrawlState,
    PageState,
    content_hash,
    save_pending,
    save_states,
    validators_of,
)
from indexer.sources.wxr import is_wxr, wxr_events
from indexer.urls import normalize_url

TEMPLATE_SAMPLE = 60
# A folder run extracts its first pages inline and starts worker processes only past this
# many: one new post is then extracted without forking a pool for it.
POOL_AFTER = 8
# The skip reason of a page met a second time in one run (an export listing an item twice).
LISTED_TWICE = "listed twice (same address as an earlier page)"


@dataclass(frozen=True)
class IndexOptions:
    """How a run behaves; the CLI fills it from arguments and the site's TOML config."""

    base_url: str | None = None
    progress: bool = False
    allow_mass_delete: bool = False
    workers: int = 0  # 0: one per CPU
    overrides: dict[str, Any] | None = None  # the config's *_selector settings
    crawl: CrawlOptions | None = None  # limits for URL sources (start_url is replaced)
    # Called with the run's summary so far after each page (from the run's own thread), for
    # callers that report progress elsewhere (the server's background crawl).
    on_progress: Callable[[IndexSummary], None] | None = None


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
    run = Run(store, options)
    with writing(store):
        for source in sources:
            run.index_source(source)
        run.apply_deletions()
        run.count_posts()
        run.progress.step(f"Committing the index ({run.changes()})")
        run.before_commit()
    run.after_commit()
    return run.summary


def _check_source(source: str | Path) -> str | Path:
    text = str(source)
    if text.startswith(("http://", "https://")):
        return text
    if not Path(source).exists():
        raise SourceError(f"{source}: no such file or folder")
    return Path(source)


class Run:
    """The state of one indexing run across its sources."""

    def __init__(self, store: PostStore, options: IndexOptions) -> None:
        self.store = store
        self.options = options
        self.state_dir = Path(store.state_dir) if store.state_dir else None
        self.full = store.rebuild
        self.summary = IndexSummary()
        self.states: list[CrawlState] = []
        self.template = None if self.full else load_template(self.state_dir)
        self.overrides = overrides_from(options.overrides)
        self.template_learned = False
        self.gone: Gone = {}
        self._indexed: set[str] = set()
        self._met: set[str] = set()  # page keys met in this run
        self.progress = Progress(options.progress)
        self._expected: int | None = None  # pages the current source said it holds
        self._pages_before = 0  # pages settled before the current source
        self._crawler: Crawler | None = None

    # -- one source ---------------------------------------------------------------

    def index_source(self, source: str | Path) -> None:
        if isinstance(source, Path) and source.is_dir() and self._needs_template():
            self.progress.step(f"Learning the theme of {source} from up to {TEMPLATE_SAMPLE} pages")
            self._learn_from_folder(source)
        state = self.state_for(source_id(source))
        events = self._events(source, state)
        self._expected, self._pages_before = None, self.summary.pages
        self.progress.start(str(source))
        complete = False
        try:
            # A crawl starts threads, so its pool must fork first; a folder's pool may wait
            # until there is enough to extract to be worth the processes.
            self._consume(events, state, pool_after=0 if isinstance(source, str) else POOL_AFTER)
            complete = True
        finally:
            self.progress.finish(complete)
        if self._crawler is not None and self._crawler.truncated:
            limit = self._crawler.options.max_pages
            self.summary.truncated.append(f"{source}: stopped at crawl_max_pages ({limit})")
        self._crawler = None

    def _learn_from_folder(self, folder: Path) -> None:
        """Learn the theme from pages taken evenly across the folder (old and new posts)."""
        sample = []
        for file in _spread(html_files(folder), TEMPLATE_SAMPLE):
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
        elif next(state.known_keys(), None) is not None:
            self.summary.incremental = True  # there is a last run to compare with
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
        with Extractor(self.options.workers, pool_after) as extractor:
            for event in events:
                self._take(event, buffered, extractor, state)
                self._tick()
            self._learn_and_flush(buffered, extractor, state)
            self._tick()
            for event, outcome in extractor.drain():
                self._record(event, outcome, state)
                self._tick()
        self._report()

    def _report(self) -> None:
        if self.options.on_progress is not None:
            self.options.on_progress(self.summary)

    def _take(self, event: Any, buffered: list[PageFetched], extractor, state) -> None:
        """One event of the source: counted, compared with the last run, or extracted."""
        if isinstance(event, PagesExpected):
            self._expected = event.count
            return
        if self._repeated(event, state) or self._unchanged(event, state):
            return
        if isinstance(event, PageFetched) and self._needs_template():
            buffered.append(event)
            if len(buffered) >= TEMPLATE_SAMPLE:
                self._learn_and_flush(buffered, extractor, state)
            return
        self.handle(event, extractor, state)

    def _repeated(self, event: Any, state: CrawlState | None) -> bool:
        """A page met twice in one run (an export that lists an item twice) is read once;
        a post listed after something else at the same address is still indexed."""
        if not isinstance(event, PageFetched | PageUnchanged | PostReady):
            return False
        if event.key not in self._met:
            self._met.add(event.key)
            return False
        if isinstance(event, PostReady) and isinstance(event.post, Post):
            self._record(event, event.post, state)
        else:
            self.summary.skipped.append(Skip(event.key, event.key, LISTED_TWICE))
        return True

    def _tick(self) -> None:
        """The bar: pages of this source settled so far, of how many."""
        self._report()
        pages = self.summary.pages - self._pages_before
        self.progress.show_run(pages, self._expected, self.summary, self._crawler)

    def _needs_template(self) -> bool:
        return self.template is None and not self.template_learned

    def _learn_and_flush(self, buffered: list[PageFetched], extractor, state) -> None:
        if self._needs_template() and buffered:
            pages = [e.page for e in _spread(buffered, TEMPLATE_SAMPLE)]
            self.template = learn_template(pages, limit=TEMPLATE_SAMPLE)
        self.template_learned = True
        for event in buffered:
            self.handle(event, extractor, state)
        buffered.clear()

    def _unchanged(self, event: Any, state: CrawlState | None) -> bool:
        """A page's bytes, the same as last time: note the new validators, skip the
        extraction."""
        if not isinstance(event, PageFetched):
            return False
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
        self._count_unchanged(known)
        return True

    def _count_unchanged(self, known: PageState | None) -> None:
        """One more unchanged page: a post, or not one for the reason the last run found."""
        self.summary.unchanged += 1
        if known is not None and known.doc_url:
            self.summary.unchanged_posts += 1
            return
        reason = (known.skip_reason if known else None) or UNKNOWN_SKIP_REASON
        self.summary.unchanged_skips[reason] = self.summary.unchanged_skips.get(reason, 0) + 1

    def handle(self, event: Any, extractor: Extractor, state: CrawlState | None) -> None:
        """Act on one source event: extract, count, or note a page as gone."""
        if isinstance(event, PageFetched):
            for done, outcome in extractor.submit(event, self.template, self.overrides):
                self._record(done, outcome, state)
        elif isinstance(event, PostReady):
            known = state.get(event.key) if state else None
            if known and known.content_hash == event.fingerprint:
                state.seen(event.key)
                self._count_unchanged(known)
            else:
                self._record(event, event.post, state)
        elif isinstance(event, PageUnchanged):
            known = state.get(event.key) if state else None
            self._count_unchanged(known)
            if known:
                state.seen(event.key, lastmod=event.lastmod, in_sitemap=event.in_sitemap)
        elif isinstance(event, PageGone):
            self._gone_page(event, state)
        elif isinstance(event, PageSkipped):
            self.summary.skipped.append(Skip(event.key, event.key, event.reason))
        elif isinstance(event, PageFailed):
            self.summary.failed.append(Failure(event.key, event.reason))

    def _gone_page(self, event: PageGone, state: CrawlState | None) -> None:
        """A post whose page is gone is deleted at the end; an address that never held an
        indexed post and answers 404 or 410 is a broken link, counted for the summary."""
        known = state.get(event.key) if state else None
        if known and known.doc_url:
            self.gone[known.doc_url] = (state, event.key)
            return
        if event.status is not None:
            self.summary.not_found.append(NotFound(event.key, event.reason, event.linked_from))
        if state and known:
            state.forget(event.key)

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
                self.summary.indexed.append(outcome.url)
            else:
                self.summary.skipped.append(Skip(event.key, outcome.url, "same canonical URL"))
        else:
            self.summary.skipped.append(outcome)
        if known and known.doc_url and known.doc_url != doc_url:
            self.gone.setdefault(known.doc_url, (None, event.key))
        if state is not None:
            reason = outcome.reason if isinstance(outcome, Skip) else None
            state.seen(event.key, doc_url=doc_url, skip_reason=reason, **validators_of(event))

    # -- end of the run -------------------------------------------------------------

    def apply_deletions(self) -> None:
        """Delete posts whose pages are gone, unless that is a mass deletion."""
        allowed = self.options.allow_mass_delete or self.full
        apply_deletions(self.gone, self._indexed, self.store, self.summary, allowed)

    def count_posts(self) -> None:
        self.summary.posts_in_index = posts_after(
            self.store, self._indexed, self.summary, self.full
        )

    def changes(self) -> str:
        """What the commit writes, for the step's announcement."""
        written, deleted = len(self.summary.indexed), len(self.summary.deleted)
        return f"{plural(written, 'post')} written, {deleted} deleted"

    def before_commit(self) -> None:
        """The batch is complete: the state learns its pages, as pending, before the commit."""
        if self.state_dir is not None:
            save_pending(self.state_dir, self.states)

    def after_commit(self, keep_template: bool = True) -> None:
        """The index has committed: now the state and the template may say so. Last, the
        store's own after-commit work (it only speeds searching up, and the moment between
        a commit and the state's save must stay as short as it can be)."""
        if self.state_dir is not None:
            self.progress.step("Saving what this run saw, for the next run")
            save_states(self.state_dir, self.states, self.store.generation, reset=self.full)
            if keep_template and self.template is not None:
                save_template(self.template, self.state_dir)
        self.progress.step("Writing the list files that speed up searching")
        self.summary.warnings.extend(self.store.after_commit())


def source_id(source: str | Path) -> str:
    """The name a source's pages are kept under in the crawl state."""
    if isinstance(source, str):
        return "site:" + normalize_url(source)
    kind = "folder" if source.is_dir() else "file"
    return f"{kind}:{source.resolve()}"


def _spread(items: list, limit: int) -> list:
    """Up to `limit` items taken evenly across `items` (a sample of the whole site)."""
    if len(items) <= limit:
        return list(items)
    return [items[i * len(items) // limit] for i in range(limit)]
