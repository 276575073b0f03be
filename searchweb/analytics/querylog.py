"""The private query log: what visitors searched for, how many results they got, what they clicked.

It sits beside the search, never in its way. A search hands its entry to a bounded queue and
returns; one background thread writes batches to SQLite (stdlib). When the queue is full,
the database is locked or the disk is full, the entry is dropped and counted in `dropped`:
logging can lose a line, it cannot slow or break a search. Nothing identifies a visitor: no
IP address, no cookie, no user agent, only the normalised query, its filters, the result
count, the page, the latency, a UTC timestamp and the clicks on its results. The table is
bounded (`query_log_max_rows`, oldest rows deleted in batches) and the whole log can be
switched off (`query_log = false`).
"""

from __future__ import annotations

import json
import queue
import secrets
import sqlite3
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from searchweb.config import Settings

QUEUE_SIZE = 2000  # entries waiting for the writer; beyond this a burst is dropped, not queued
BATCH_SIZE = 200  # entries written per transaction
# The writer gathers entries this long before it writes them: one transaction a quarter
# second under load instead of one per search, and no wake-up of the writer per search.
BATCH_WAIT_S = 0.25
BUSY_TIMEOUT_S = 0.1  # how long the writer waits on a locked database before dropping a batch
MAX_FILTERS = 10
MAX_FILTER_CHARS = 200
MAX_QUERY_CHARS = 500
MAX_URL_CHARS = 2048
SEARCH_ID_CHARS = 16

Filters = dict[str, str | list[str]]

SCHEMA = """
CREATE TABLE IF NOT EXISTS searches (
    id INTEGER PRIMARY KEY,
    sid TEXT NOT NULL UNIQUE,
    ts REAL NOT NULL,
    query TEXT NOT NULL,
    filters TEXT NOT NULL DEFAULT '{}',
    results INTEGER NOT NULL,
    page INTEGER NOT NULL,
    latency_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS searches_ts ON searches (ts);
CREATE TABLE IF NOT EXISTS clicks (
    id INTEGER PRIMARY KEY,
    sid TEXT NOT NULL,
    ts REAL NOT NULL,
    url TEXT NOT NULL,
    rank INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS clicks_sid ON clicks (sid);
"""


def normalise_query(text: str) -> str:
    """Lowercase with whitespace collapsed, so "Sourdough  Starter" and "sourdough starter"
    count as one query in the report."""
    return " ".join(text.lower().split())[:MAX_QUERY_CHARS]


def new_search_id() -> str:
    """A random id for one logged search: it ties clicks to the search without a cookie."""
    return secrets.token_hex(SEARCH_ID_CHARS // 2)


def is_search_id(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) == SEARCH_ID_CHARS
        and all(c in "0123456789abcdef" for c in value)
    )


def log_path(settings: Settings) -> Path:
    """`query_log_path`, else `<index>.querylog.sqlite3` beside (never inside) the index dir."""
    if settings.query_log_path is not None:
        return Path(settings.query_log_path)
    index_dir = Path(settings.index_dir)
    return index_dir.parent / f"{index_dir.name}.querylog.sqlite3"


def clean_filters(args: Mapping[str, str], ignore: frozenset[str]) -> Filters:
    """The request's other parameters (category, year, sort…), bounded, for the log."""
    kept: Filters = {}
    for name in sorted(args):
        if name in ignore or name.startswith("utm_") or len(kept) >= MAX_FILTERS:
            continue
        values = args.getlist(name) if hasattr(args, "getlist") else [args[name]]
        values = [str(v)[:MAX_FILTER_CHARS] for v in values[:MAX_FILTERS] if str(v).strip()]
        if values:
            kept[name[:MAX_FILTER_CHARS]] = values[0] if len(values) == 1 else values
    return kept


@dataclass(frozen=True)
class SearchEntry:
    """One search as logged: nothing in it identifies the visitor."""

    sid: str
    ts: float
    query: str
    filters: Filters
    results: int
    page: int
    latency_ms: float

    def write(self, conn: sqlite3.Connection) -> int:
        cursor = conn.execute(
            "INSERT OR IGNORE INTO searches (sid, ts, query, filters, results, page, latency_ms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                self.sid,
                self.ts,
                self.query,
                json.dumps(self.filters, sort_keys=True, ensure_ascii=False),
                self.results,
                self.page,
                self.latency_ms,
            ),
        )
        return cursor.rowcount


@dataclass(frozen=True)
class ClickEntry:
    """A click on the result at `rank` of a logged search; kept only if that search is."""

    sid: str
    ts: float
    url: str
    rank: int

    def write(self, conn: sqlite3.Connection) -> int:
        conn.execute(
            "INSERT INTO clicks (sid, ts, url, rank) SELECT ?, ?, ?, ?"
            " WHERE EXISTS (SELECT 1 FROM searches WHERE sid = ?)",
            (self.sid, self.ts, self.url, self.rank, self.sid),
        )
        return 0  # clicks do not count towards the searches' row bound


@dataclass
class _Flush:
    done: threading.Event = field(default_factory=threading.Event)


_STOP = object()


class QueryLog:
    """A bounded, lossy, off-the-hot-path writer of search and click entries to SQLite."""

    def __init__(
        self,
        path: Path,
        max_rows: int = 200_000,
        queue_size: int = QUEUE_SIZE,
        busy_timeout: float = BUSY_TIMEOUT_S,
    ) -> None:
        self.path = Path(path)
        self.max_rows = max_rows
        self.busy_timeout = busy_timeout
        self.written = 0
        self.dropped = 0
        self.last_error: str | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=queue_size)
        self._hurry = threading.Event()  # set by flush() and close(): write without waiting
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._rows: int | None = None
        self._thread = threading.Thread(target=self._run, name="postsearch-querylog", daemon=True)
        self._thread.start()

    # The request side: never blocks, never raises.

    def record_search(
        self,
        query: str,
        results: int,
        page: int = 1,
        latency_ms: float = 0.0,
        filters: Filters | None = None,
    ) -> str | None:
        """Queue a search; return its id for click links, or None if it was not logged."""
        text = normalise_query(query)
        if not text:
            return None
        entry = SearchEntry(
            new_search_id(), time.time(), text, dict(filters or {}), results, page, latency_ms
        )
        return entry.sid if self._offer(entry) else None

    def record_click(self, sid: str, url: str, rank: int) -> bool:
        """Queue a click on a logged search's result; False if it was dropped."""
        if not is_search_id(sid):
            return False
        return self._offer(ClickEntry(sid, time.time(), url[:MAX_URL_CHARS], rank))

    def _offer(self, entry: SearchEntry | ClickEntry) -> bool:
        try:
            self._queue.put_nowait(entry)
        except queue.Full:
            self._count_drop(1, "queue full")
            return False
        return True

    def _count_drop(self, count: int, reason: str) -> None:
        with self._lock:
            self.dropped += count
            self.last_error = reason

    # The writer side: one thread, batches, errors become drops.

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued so far is written or dropped (for tests, shutdown)."""
        marker = _Flush()
        try:
            self._queue.put(marker, timeout=timeout)
        except queue.Full:
            return False
        self._hurry.set()
        return marker.done.wait(timeout) if self._thread.is_alive() else False

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued, then stop the writer and close the database."""
        if self._thread.is_alive():
            try:
                self._queue.put(_STOP, timeout=timeout)
            except queue.Full:
                return
            self._hurry.set()
            self._thread.join(timeout)

    def _next_batch(self) -> list:
        """Wait for an entry, let more gather for BATCH_WAIT_S, then take up to BATCH_SIZE."""
        batch = [self._queue.get()]
        if isinstance(batch[0], SearchEntry | ClickEntry):
            self._hurry.wait(BATCH_WAIT_S)
        self._hurry.clear()
        while len(batch) < BATCH_SIZE:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        while True:
            batch = self._next_batch()
            entries = [item for item in batch if isinstance(item, SearchEntry | ClickEntry)]
            if entries:
                self._write(entries)
            for item in batch:
                if isinstance(item, _Flush):
                    item.done.set()
            if _STOP in batch:
                if self._conn is not None:
                    self._conn.close()
                return

    def _write(self, entries: list[SearchEntry | ClickEntry]) -> None:
        try:
            conn = self._connection()
            with conn:
                added = sum(entry.write(conn) for entry in entries)
        except (sqlite3.Error, OSError) as error:
            self._count_drop(len(entries), f"{type(error).__name__}: {error}")
            self._reset_if_broken(error)
            return
        with self._lock:
            self.written += len(entries)
        self._bound(conn, added)

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.executescript(SCHEMA)
                conn.isolation_level = "DEFERRED"
            except sqlite3.Error:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _reset_if_broken(self, error: Exception) -> None:
        """A locked or full database stays open; anything else reconnects next time."""
        text = str(error).lower()
        if self._conn is not None and not ("locked" in text or "full" in text):
            self._conn.close()
            self._conn = None

    def _bound(self, conn: sqlite3.Connection, added: int) -> None:
        """Keep at most max_rows searches: past the bound, delete the oldest in one batch
        (a tenth of the bound, at most 1000 rows) so deletes are rare and cheap."""
        try:
            if self._rows is None:
                self._rows = conn.execute("SELECT count(*) FROM searches").fetchone()[0]
            else:
                self._rows += added
            if self._rows <= self.max_rows:
                return
            with conn:
                self._rows = conn.execute("SELECT count(*) FROM searches").fetchone()[0]
                excess = self._rows - self.max_rows
                if excess <= 0:
                    return
                excess += min(1000, self.max_rows // 10)
                conn.execute(
                    "DELETE FROM searches WHERE id IN"
                    " (SELECT id FROM searches ORDER BY id LIMIT ?)",
                    (excess,),
                )
                conn.execute(
                    "DELETE FROM clicks WHERE ts < (SELECT coalesce(min(ts), 0) FROM searches)"
                )
                self._rows -= min(excess, self._rows)
        except sqlite3.Error as error:  # pruning waits for the next batch
            with self._lock:
                self.last_error = f"pruning: {error}"
            self._rows = None


# The web side: wiring into the app, the click endpoints and the admin report page.
