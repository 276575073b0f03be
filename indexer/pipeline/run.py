"""Run an indexing job: sources → (learn the theme) → extract → store, incrementally.

The one module that knows the order of the stages. A source (a folder, a single page, a
live site, a WordPress export) becomes a stream of events, the crawler's types: a page's
bytes, "unchanged", "gone", "skipped", "failed". Unchanged pages (same hash, a 304, an
unmoved sitemap `lastmod`) cost no extraction; changed pages are extracted in a process
pool (parse once, bs4 on lxml, both cores) and written by the one writer; gone pages are
deleted, unless that would remove more than a tenth of the index in one run.

Every page ends up in exactly one list or count of the RunSummary. A failing page never
stops the run; an exception from the store cancels the batch so the served index stays as
it was, and the per-page state (indexer.state) is only saved after the index committed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from indexer.errors import PostsearchError, SourceError
from indexer.extract.parse import MAX_PAGE_BYTES
from indexer.extract.template import learn_template
from indexer.index.store import PostStore
from indexer.pipeline.workers import Extractor, load_template, overrides_from, save_template
from indexer.records import Failure, IndexSummary, Post, RawPage, Skip
from indexer.sources.crawl import (
    Crawler,
    CrawlEvent,
    CrawlOptions,
    PageFailed,
    PageFetched,
    PageGone,
    PageSkipped,
    PageUnchanged,
    crawl_key,
)
from indexer.sources.folder import html_files, page_url, single_page_url
from indexer.sources.state import CrawlState, content_hash, save_pending, save_states
from indexer.sources.wxr import is_wxr, wxr_events

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


@dataclass
class RunSummary(IndexSummary):
    """IndexSummary plus what an incremental run did without extracting."""

    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    refused_deletes: list[str] = field(default_factory=list)
    mass_delete_message: str | None = None
    truncated: list[str] = field(default_factory=list)  # crawls stopped by crawl_max_pages


@dataclass(frozen=True)
class PostReady:
    """An event for sources that hand over posts already read (a WordPress export)."""

    key: str
    post: Post | Skip
    fingerprint: str


def index_sources(
    sources: Iterable[str | Path],
    store: PostStore,
    base_url: str | None = None,
    progress: bool = False,
    options: IndexOptions | None = None,
) -> RunSummary:
    """Index every source into `store` in one batch (one commit), incrementally unless
    the store rebuilds (`WhooshPostStore(rebuild=True)`, i.e. `--full`)."""
    options = options or IndexOptions(base_url=base_url, progress=progress)
    sources = [_check_source(source) for source in sources]
    index_dir = getattr(store, "index_dir", None)
    full = bool(getattr(store, "rebuild", False))
    run = _Run(store, options, index_dir, full)
    try:
        with store:
            for source in sources:
                run.index_source(source)
            run.apply_deletions()
            run.before_commit()
    except OSError as error:  # a full disk, a read-only mount: one clear line, not a traceback
        where = error.filename or index_dir or "the index"
        raise IndexWriteError(
            f"cannot write the index ({error.strerror or error} at {where}); the last "
            "complete commit is still the index served"
        ) from error
    run.after_commit()
    return run.summary


class IndexWriteError(PostsearchError):
    """The store could not write (no space left, a read-only or failing disk)."""


def _check_source(source: str | Path) -> str | Path:
    text = str(source)
    if text.startswith(("http://", "https://")):
        return text
    if not Path(source).exists():
        raise SourceError(f"{source}: no such file or folder")
    return Path(source)


class _Run:
    """The state of one indexing run across its sources."""

    def __init__(self, store: PostStore, options: IndexOptions, index_dir, full: bool) -> None:
        self.store = store
        self.options = options
        self.index_dir = Path(index_dir) if index_dir else None
        self.full = full
        self.summary = RunSummary()
        self.states: list[CrawlState] = []
        self.template = None if full else load_template(self.index_dir)
        self.overrides = overrides_from(options.overrides)
        self.template_learned = False
        self._gone: dict[str, tuple[CrawlState, str]] = {}  # doc url → (state, page key)
        self._indexed: set[str] = set()
        self._bar: tqdm | None = None

    # -- one source ---------------------------------------------------------------

    def index_source(self, source: str | Path) -> None:
        if isinstance(source, Path) and source.is_dir() and self._needs_template():
            self._learn_from_folder(source)
        state = self._state_for(_source_id(source))
        events = self._events(source, state)
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
        crawler = getattr(self, "crawler", None)
        if isinstance(source, str) and crawler is not None and crawler.truncated:
            limit = crawler.options.max_pages
            self.summary.truncated.append(f"{source}: stopped at crawl_max_pages ({limit})")

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

    def _state_for(self, source_id: str) -> CrawlState | None:
        if self.index_dir is None:
            return None
        generation = getattr(self.store, "generation_before", None)
        state = CrawlState(self.index_dir, source_id, generation)
        if self.full:
            state.forget_all()
        self.states.append(state)
        return state

    def _events(self, source: str | Path, state: CrawlState | None) -> Iterator[Any]:
        if isinstance(source, str):
            crawl = self.options.crawl or CrawlOptions(start_url=source)
            self.crawler = Crawler(_with_start(crawl, source), state)
            return self.crawler.events()
        if source.is_dir():
            return _folder_events(source, self.options.base_url, state)
        if source.suffix.lower() == ".xml" and is_wxr(source):
            return wxr_events(source, state)
        url = single_page_url(source, self.options.base_url)
        return _file_events([(source, url)], state, known=set())

    def _consume(self, events: Iterator[Any], state: CrawlState | None, pool_after: int) -> None:
        buffered: list[PageFetched] = []
        with Extractor(self.options.workers, pool_after) as extractor:
            for event in events:
                self._tick(event)
                if isinstance(event, PageFetched) and self._unchanged(event, state):
                    continue
                if isinstance(event, PageFetched) and self._needs_template():
                    buffered.append(event)
                    if len(buffered) >= TEMPLATE_SAMPLE:
                        self._learn_and_flush(buffered, extractor, state)
                    continue
                self._handle(event, extractor, state)
            self._learn_and_flush(buffered, extractor, state)
            for event, outcome in extractor.drain():
                self._record(event, outcome, state)

    def _tick(self, event: Any) -> None:
        if self._bar is None:
            return
        self._bar.update(1)
        counters = getattr(getattr(self, "crawler", None), "counters", None)
        if counters is not None:
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
            pages = [e.page for e in _spread(buffered, TEMPLATE_SAMPLE)]
            self.template = learn_template(pages, limit=TEMPLATE_SAMPLE)
        self.template_learned = True
        for event in buffered:
            self._handle(event, extractor, state)
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

    def _handle(self, event: Any, extractor: Extractor, state: CrawlState | None) -> None:
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
            self._gone[known.doc_url] = (state, key)
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
                self.summary.indexed.append(outcome.url)
            else:
                self.summary.skipped.append(Skip(event.key, outcome.url, "same canonical URL"))
        else:
            self.summary.skipped.append(outcome)
        if known and known.doc_url and known.doc_url != doc_url:
            self._gone.setdefault(known.doc_url, (None, event.key))
        if state is not None:
            state.seen(event.key, doc_url=doc_url, **_validators(event))

    # -- end of the run -------------------------------------------------------------

    def apply_deletions(self) -> None:
        """Delete posts whose pages are gone, unless that is a mass deletion."""
        doomed = [url for url in self._gone if url not in self._indexed]
        present = [url for url in doomed if _store_contains(self.store, url)]
        before = getattr(self.store, "doc_count_before", 0)
        limit = max(1, int(before * MASS_DELETE_SHARE))
        if len(present) > limit and not self.options.allow_mass_delete and not self.full:
            self.summary.refused_deletes = sorted(present)
            self.summary.mass_delete_message = (
                f"refused to delete {len(present)} of {before} posts (more than "
                f"{MASS_DELETE_SHARE:.0%}) in one run: if the site really lost them, run again "
                "with --allow-mass-delete; if not, check the site (a broken deploy or a "
                "missing folder looks like this)"
            )
            return
        for url in doomed:
            self.store.delete(url)
            if url in present:
                self.summary.deleted.append(url)
            state, key = self._gone[url]
            if state is not None:
                state.forget(key)

    def before_commit(self) -> None:
        """The batch is complete: the state learns its pages, as pending, before the commit."""
        if self.index_dir is not None:
            save_pending(self.index_dir, self.states)

    def after_commit(self) -> None:
        """The index has committed: now the state and the template may say so."""
        if self.index_dir is None:
            return
        generation = getattr(self.store, "generation", None)
        save_states(self.index_dir, self.states, generation, reset=self.full)
        if self.template is not None:
            save_template(self.template, self.index_dir)
        _write_list_files(self.store)


def _write_list_files(store: PostStore) -> None:
    # Last, after the crawl state: the list files only speed searching up, and the moment
    # between a commit and the state's save (when a kill leaves the state behind the
    # index) must stay as short as it can be.
    write = getattr(store, "write_list_files", None)
    if write is not None:
        write()


def _store_contains(store: PostStore, url: str) -> bool:
    contains = getattr(store, "contains", None)
    return True if contains is None else contains(url)


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


def _with_start(options: CrawlOptions, start_url: str) -> CrawlOptions:
    from dataclasses import replace

    return replace(options, start_url=start_url)


def _source_id(source: str | Path) -> str:
    if isinstance(source, str):
        return "site:" + crawl_key(source)
    kind = "folder" if source.is_dir() else "file"
    return f"{kind}:{source.resolve()}"


def _spread(items: list, limit: int) -> list:
    """Up to `limit` items taken evenly across `items` (a sample of the whole site)."""
    if len(items) <= limit:
        return list(items)
    return [items[i * len(items) // limit] for i in range(limit)]


# -- folder sources ----------------------------------------------------------------------


def _folder_events(folder: Path, base_url: str | None, state: CrawlState | None) -> Iterator:
    files = [(file, page_url(file.relative_to(folder), base_url)) for file in html_files(folder)]
    yield from _file_events(files, state, known=set(state.known_keys()) if state else set())


def _file_events(files: list[tuple[Path, str]], state, known: set[str]) -> Iterator[CrawlEvent]:
    """A folder as crawl events: a file's URL is its key, its bytes' hash says if it changed,
    and a known file that is no longer there is gone (the folder was read completely)."""
    present = set()
    for file, url in files:
        present.add(url)
        try:
            status = file.stat()
            if status.st_size > MAX_PAGE_BYTES:  # refused unread: memory stays bounded
                yield PageFailed(str(file), f"larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB")
                continue
            # A file's modification time and size are its ETag: the same pair as last run
            # means the same bytes, so the file need not be read and hashed again (that read
            # was most of a no-change run on a 2,000-post folder).
            stamp = f"{status.st_mtime_ns}:{status.st_size}"
            before = state.get(url) if state else None
            if before is not None and before.etag == stamp:
                yield PageUnchanged(url)
                continue
            content = file.read_bytes()
        except OSError as error:
            yield PageFailed(str(file), f"cannot read: {error.strerror}")
            continue
        yield PageFetched(url, RawPage(location=str(file), url=url, content=content), etag=stamp)
    for key in sorted(known - present):
        yield PageGone(key, "no longer in the folder")


# -- one page, for the admin webhook -----------------------------------------------------


def reindex_url(
    url: str,
    store: PostStore,
    crawl: CrawlOptions,
    site_url: str,
    overrides: dict[str, Any] | None = None,
) -> RunSummary:
    """Fetch one page of the site and index it with the saved template (the webhook):
    a post is replaced, a page that answers 404/410 has its post deleted."""
    index_dir = getattr(store, "index_dir", None)
    run = _Run(store, IndexOptions(crawl=crawl, overrides=overrides), index_dir, full=False)
    run.template_learned = True  # one page is no sample: use the saved template or none
    event = Crawler(_with_start(crawl, site_url), None).fetch_one(url)
    with store:
        state = run._state_for(_source_id(site_url))
        with Extractor(1) as extractor:
            run._handle(event, extractor, state)
        if isinstance(event, PageGone) and not run._gone:
            run._gone[event.key] = (None, event.key)  # not crawled before: its URL is the key
        run.apply_deletions()
        run.before_commit()
    run.template = None  # nothing learned: leave template.json as it is
    run.after_commit()
    return run.summary


def delete_url(url: str, store: PostStore, site_url: str | None = None) -> bool:
    """Remove the post stored under `url`; True if there was one."""
    index_dir = getattr(store, "index_dir", None)
    with store:
        found = _store_contains(store, url)
        store.delete(url)
        generation = getattr(store, "generation_before", None)
        known = index_dir and site_url
        states = [CrawlState(index_dir, _source_id(site_url), generation)] if known else []
    for state in states:
        keys = set(state.keys_for_doc(url))
        if state.get(crawl_key(url)):
            keys.add(crawl_key(url))
        for key in keys:
            state.forget(key)
    if index_dir:
        save_states(index_dir, states, getattr(store, "generation", None))
    _write_list_files(store)
    return found


def print_summary(summary: IndexSummary, out: TextIO, index_dir: Path | None = None) -> None:
    """The end-of-run screen: counts, skip reasons, and every failure with its page."""
    where = f" into {index_dir}" if index_dir else ""
    unchanged = getattr(summary, "unchanged", 0)
    total = len(summary.indexed) + len(summary.skipped) + len(summary.failed) + unchanged
    print(f"Read {total} pages{where}:", file=out)
    print(f"  indexed  {len(summary.indexed):>6} posts", file=out)
    if isinstance(summary, RunSummary):
        print(f"  unchanged{summary.unchanged:>7}", file=out)
        print(f"  deleted  {len(summary.deleted):>6}", file=out)
    print(f"  skipped  {len(summary.skipped):>6} not posts", file=out)
    for reason, count in summary.skip_reasons().items():
        print(f"           {count:>6} {reason}", file=out)
    print(f"  failed   {len(summary.failed):>6}", file=out)
    for failure in summary.failed:
        print(f"           {failure.location}: {failure.reason}", file=out)
    for note in getattr(summary, "truncated", ()):
        print(f"  truncated {note}", file=out)
    message = getattr(summary, "mass_delete_message", None)
    if message:
        print(f"  NOT deleted {len(summary.refused_deletes)}: {message}", file=out)
