"""What the last runs saw of each page, so the next run only redoes what changed.

A small SQLite file in the index directory (Whoosh ignores files it does not name) holds,
per source and page key (a crawled URL, a file's URL): the URL its post is indexed under
(or why the page is not a post, so that a run which finds it unchanged can still say what
it is), the validators the server gave (ETag, Last-Modified), a hash of the bytes, the sitemap's
`lastmod`, and when it was last seen. Changes are staged in memory during a run and
written in one transaction only after the index has committed, so the state never claims
a page is indexed when the index does not hold it. Just before the commit, the pages the
run met are added to the file as pending (`save_pending`), with a generation no commit
has. If the process dies between the two, the state does not match the index: the file
records the index generation it matches, and a state that does not match is loaded
without its validators and hashes, so that run fetches and extracts every page again, and
knows the pages of both runs, so whatever is no longer there is deleted.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from indexer.sources.events import PageFetched, PostReady

STATE_NAME = "crawlstate.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    source TEXT NOT NULL,
    key TEXT NOT NULL,
    doc_url TEXT,
    etag TEXT,
    last_modified TEXT,
    content_hash TEXT,
    lastmod TEXT,
    in_sitemap INTEGER NOT NULL DEFAULT 0,
    last_seen REAL NOT NULL,
    skip_reason TEXT,
    kind TEXT,
    PRIMARY KEY (source, key)
);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)
"""
# Columns added since the first state files; an older file gets them when it is opened.
_ADDED_COLUMNS = (("skip_reason", "TEXT"), ("kind", "TEXT"))


def content_hash(content: bytes) -> str:
    """A page's fingerprint: equal bytes mean nothing to reindex."""
    return hashlib.blake2b(content, digest_size=16).hexdigest()


def validators_of(event: PageFetched | PostReady | object) -> dict[str, object]:
    """What the state keeps of a page read in this run, to know it unchanged next time."""
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


@dataclass(frozen=True)
class PageState:
    """One page as the last run left it. `doc_url` is None for a page that is not a post,
    and `skip_reason` then says why (None in a state saved before reasons were kept).
    `kind` is what the page was indexed as ("post" or "page"; None when not indexed, or in
    a state saved before pages were indexed, whose documents are all posts)."""

    key: str
    doc_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    lastmod: str | None = None
    in_sitemap: bool = False
    last_seen: float = 0.0
    skip_reason: str | None = None
    kind: str | None = None


class CrawlState:
    """The state of one source (a folder, a site, an export) inside one index's state file."""

    def __init__(self, index_dir: Path, source: str, generation: int | None = None) -> None:
        """Load the state of `source`; `generation` is the index's current commit, and a
        state saved for another one is not trusted (see the module docstring)."""
        self.path = Path(index_dir) / STATE_NAME
        self.source = source
        self._pages: dict[str, PageState] = {}
        self._staged: dict[str, PageState | None] = {}
        self.stale = False
        if self.path.exists():
            self._load(generation)

    def _connect(self) -> sqlite3.Connection:
        return _connect(self.path)

    def _load(self, generation: int | None) -> None:
        connection = self._connect()
        try:
            rows = connection.execute(
                "SELECT key, doc_url, etag, last_modified, content_hash, lastmod, in_sitemap,"
                " last_seen, skip_reason, kind FROM pages WHERE source = ?",
                (self.source,),
            ).fetchall()
            saved = connection.execute(
                "SELECT value FROM meta WHERE name = 'generation'"
            ).fetchone()
        finally:
            connection.close()
        self.stale = generation is not None and (saved is None or int(saved[0]) != generation)
        for row in rows:
            page = PageState(*row[:6], bool(row[6]), row[7], row[8], row[9])
            if self.stale:
                page = PageState(
                    page.key,
                    page.doc_url,
                    in_sitemap=page.in_sitemap,
                    skip_reason=row[8],
                    kind=row[9],
                )
            self._pages[row[0]] = page

    def read_again(self, wanted: Callable[[PageState], bool]) -> None:
        """Forget what tells the pages `wanted` picks unchanged (validators, hash, lastmod),
        so this run reads them again; what they held is kept."""
        for key, page in self._pages.items():
            if wanted(page):
                self._pages[key] = PageState(
                    key,
                    page.doc_url,
                    in_sitemap=page.in_sitemap,
                    skip_reason=page.skip_reason,
                    kind=page.kind,
                )

    def get(self, key: str) -> PageState | None:
        """The page as currently known (including this run's staged changes)."""
        if key in self._staged:
            return self._staged[key]
        return self._pages.get(key)

    def known_keys(self) -> Iterator[str]:
        """Every page key the previous runs knew for this source."""
        return iter(list(self._pages))

    def doc_urls(self) -> set[str]:
        """URLs of every post this source put in the index."""
        return {page.doc_url for page in self._pages.values() if page.doc_url}

    def seen(self, key: str, **changes: object) -> None:
        """Record that `key` was met in this run, with whatever changed about it."""
        current = self.get(key) or PageState(key=key)
        self._staged[key] = replace(current, last_seen=time.time(), **changes)

    def forget(self, key: str) -> None:
        """Stage the removal of a page that is gone."""
        self._staged[key] = None

    def forget_all(self) -> None:
        """Treat every known page as unknown (a full rebuild starts over); with
        `reset_state` the file itself is emptied once the rebuilt index has committed."""
        self._staged.update({key: None for key in self._pages})

    def keys_for_doc(self, doc_url: str) -> list[str]:
        """Page keys whose post is `doc_url` (an admin delete names the post, not the page)."""
        merged = {**self._pages, **{k: v for k, v in self._staged.items() if v}}
        return [key for key, page in merged.items() if page.doc_url == doc_url]

    def write(self, connection: sqlite3.Connection, pending: bool = False) -> None:
        """Write this run's changes into an open transaction; `pending` writes only the
        pages met, keeping the gone ones too (see `save_pending`)."""
        for key, page in self._staged.items():
            if page is None:
                if not pending:
                    connection.execute(
                        "DELETE FROM pages WHERE source = ? AND key = ?", (self.source, key)
                    )
            else:
                connection.execute(
                    "INSERT OR REPLACE INTO pages (source, key, doc_url, etag, last_modified,"
                    " content_hash, lastmod, in_sitemap, last_seen, skip_reason, kind)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        self.source,
                        key,
                        page.doc_url,
                        page.etag,
                        page.last_modified,
                        page.content_hash,
                        page.lastmod,
                        int(page.in_sitemap),
                        page.last_seen,
                        page.skip_reason,
                        page.kind,
                    ),
                )

    def _committed(self) -> None:
        for key, page in self._staged.items():
            if page is None:
                self._pages.pop(key, None)
            else:
                self._pages[key] = page
        self._staged.clear()


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=30)
    connection.executescript(_SCHEMA)
    present = {row[1] for row in connection.execute("PRAGMA table_info(pages)")}
    for name, kind in _ADDED_COLUMNS:
        if name not in present:
            connection.execute(f"ALTER TABLE pages ADD COLUMN {name} {kind}")
    return connection


# Written as the generation while a commit is under way: no commit has it, so a state
# left with it by a kill is stale (see `save_pending`).
PENDING_GENERATION = -1


def save_pending(index_dir: Path, states: list[CrawlState]) -> None:
    """Just before a commit: add the pages this run met to the saved state, marked pending.

    Without it, a kill between the commit and `save_states` would leave a state that does
    not know the pages the commit added, so the next incremental run would never see them
    as gone and they would stay searchable. A state caught here knows the old pages and
    the new, and is stale, so the next run reads every page again and deletes whatever is
    not there.
    """
    connection = _connect(Path(index_dir) / STATE_NAME)
    try:
        with connection:
            for state in states:
                state.write(connection, pending=True)
            connection.execute(
                "INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(PENDING_GENERATION),)
            )
    finally:
        connection.close()


def save_states(
    index_dir: Path, states: list[CrawlState], generation: int | None, reset: bool = False
) -> None:
    """Save every source's changes and the index generation they match, in one
    transaction, after the index committed. `reset` first forgets everything (--full)."""
    connection = _connect(Path(index_dir) / STATE_NAME)
    try:
        with connection:
            if reset:
                connection.execute("DELETE FROM pages")
            for state in states:
                state.write(connection)
            if generation is not None:
                connection.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(generation),)
                )
    finally:
        connection.close()
    for state in states:
        state._committed()
