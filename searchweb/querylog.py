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

import atexit
import json
import queue
import secrets
import sqlite3
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    has_request_context,
    jsonify,
    redirect,
    url_for,
)
from flask import request as flask_request

from searchweb.config import Settings
from searchweb.engine import SearchBackend
from searchweb.search import SearchRequest, SearchResults

QUEUE_SIZE = 2000  # entries waiting for the writer; beyond this a burst is dropped, not queued
BATCH_SIZE = 200  # entries written per transaction
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
        return marker.done.wait(timeout) if self._thread.is_alive() else False

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued, then stop the writer and close the database."""
        if self._thread.is_alive():
            try:
                self._queue.put(_STOP, timeout=timeout)
            except queue.Full:
                return
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < BATCH_SIZE:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
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

# The routes whose searches are a visitor's searches (others, e.g. a report, are not logged).
LOGGED_ENDPOINTS = frozenset({"web.results_page", "api_search"})
# Sent by a script for as-you-type requests, so "s", "so", "sou"… are not logged as searches:
# the header `X-Postsearch-Log: no`, or `log=0` in the URL (no CORS preflight for the widget).
NO_LOG_HEADER = "X-Postsearch-Log"
# Request parameters that are not filters: the query itself, paging, the click link's own.
NOT_FILTERS = frozenset({"q", "s", "page", "per_page", "sid", "url", "rank", "token", "log"})

querylog_bp = Blueprint("querylog", __name__)


class LoggedBackend:
    """The app's SearchBackend with logging added around `search()`.

    Wrapping the backend, rather than editing each route, logs the results page and the
    JSON API the same way and cannot drift from them. Only the first search of a request
    made by one of LOGGED_ENDPOINTS is logged; its id goes to `g.search_id`.
    """

    def __init__(self, inner: SearchBackend, log: QueryLog) -> None:
        self.inner = inner
        self.log = log

    def search(self, request: SearchRequest, notices: list[str] | None = None) -> SearchResults:
        results = self.inner.search(request, notices)
        if _is_visitor_search() and "search_id" not in g:
            g.search_id = log_search(self.log, flask_request.args, results)
        return results

    def __getattr__(self, name: str):  # suggest, doc_count, has_url… pass through
        return getattr(self.inner, name)


def _is_visitor_search() -> bool:
    return (
        has_request_context()
        and flask_request.endpoint in LOGGED_ENDPOINTS
        and flask_request.headers.get(NO_LOG_HEADER, "").lower() != "no"
        and flask_request.args.get("log") != "0"
    )


def log_search(log: QueryLog, args: Mapping[str, str], results: SearchResults) -> str | None:
    """Queue one search for the log; the id to put in click links, or None."""
    return log.record_search(
        results.query,
        results.total,
        page=results.page,
        latency_ms=results.took_ms,
        filters=clean_filters(args, NOT_FILTERS),
    )


def init_querylog(app: Flask) -> QueryLog | None:
    """Register the click and report routes and, unless switched off, start the log.

    Call from create_app() once the backend is in app.extensions["postsearch"].
    """
    settings: Settings = app.config["SETTINGS"]
    log = None
    if settings.query_log:
        log = QueryLog(log_path(settings), max_rows=settings.query_log_max_rows)
        app.extensions["postsearch"] = LoggedBackend(app.extensions["postsearch"], log)
        atexit.register(log.close, 2.0)
    app.extensions["querylog"] = log
    from searchweb.report import report_bp  # the report reads this module's log

    app.register_blueprint(querylog_bp)
    app.register_blueprint(report_bp)
    app.add_template_global(click_href)
    app.after_request(_search_id_header)
    return log


def click_href(url: str, rank: int) -> str:
    """The href of a result link: through /click when this search was logged."""
    sid = g.get("search_id")
    if not sid:
        return url
    query = flask_request.args.get("q") or flask_request.args.get("s") or ""
    return url_for("querylog.click", q=query, url=url, rank=rank, sid=sid)


def _search_id_header(response: Response) -> Response:
    """X-Search-Id on a logged search's answer, for the widget's click beacon."""
    sid = g.get("search_id")
    if sid:
        response.headers["X-Search-Id"] = sid
        response.headers.add("Access-Control-Expose-Headers", "X-Search-Id")
    return response


def search_backend() -> SearchBackend:
    """The app's backend without the logging wrapper (for searches that are not a visitor's)."""
    backend = current_app.extensions["postsearch"]
    return backend.inner if isinstance(backend, LoggedBackend) else backend


def _querylog() -> QueryLog | None:
    return current_app.extensions.get("querylog")


def _known_result(url: object) -> bool:
    """Only a post in the index may be a click's target: /click is not an open redirect."""
    return (
        isinstance(url, str)
        and 0 < len(url) <= MAX_URL_CHARS
        and urlsplit(url).scheme in ("http", "https")
        and bool(search_backend().has_url(url))
    )


def _rank(value: object) -> int | None:
    try:
        rank = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return rank if 1 <= rank <= 100_000 else None


@querylog_bp.get("/click")
def click():
    """Record a click on a result, then send the visitor on to it."""
    url = flask_request.args.get("url", "")
    if not _known_result(url):
        return Response("Not a result of this search.", 404, mimetype="text/plain")
    log, sid = _querylog(), flask_request.args.get("sid", "")
    rank = _rank(flask_request.args.get("rank"))
    if log is not None and rank is not None:
        log.record_click(sid, url, rank)
    response = redirect(url, code=302)
    response.headers["Cache-Control"] = "no-store"
    return response


@querylog_bp.post("/api/click")
def api_click():
    """The beacon of the page's or the widget's script: {search_id, url, rank}; 204."""
    data = flask_request.get_json(force=True, silent=True)  # sendBeacon sends text/plain
    if not isinstance(data, dict):
        return _error("invalid_click", "send a JSON object {search_id, url, rank}")
    sid, url, rank = data.get("search_id"), data.get("url"), _rank(data.get("rank"))
    if not is_search_id(sid) or rank is None:
        return _error("invalid_click", "search_id and rank (1 or more) are required")
    if not _known_result(url):
        return _error("unknown_url", "url is not a result of this search", 404)
    log = _querylog()
    if log is not None:
        log.record_click(sid, url, rank)
    return Response(status=204)


def _error(code: str, message: str, status: int = 400):
    return jsonify(error={"code": code, "message": message}), status
