"""The query log's web side: which searches are logged, click-through links and the beacon.

`init_querylog(app)` wraps the app's backend so that a visitor's search (the results page or
`/api/search`, not a search-as-you-type fetch) is handed to the log. The `clicks` blueprint
holds `/click` (a redirect that only goes to posts in the index, so it is no open redirect)
and the `/api/click` beacon.
"""

from __future__ import annotations

import atexit
from collections.abc import Mapping
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, g, has_request_context, redirect, url_for
from flask import request as flask_request

from searchweb.analytics.querylog import (
    MAX_URL_CHARS,
    QueryLog,
    clean_filters,
    is_search_id,
    log_path,
)
from searchweb.config import Settings
from searchweb.engine.backend import RELATED_LIMIT, SUGGEST_LIMIT, SearchBackend
from searchweb.records import Completion, RelatedPost, SearchRequest, SearchResults
from searchweb.web import context
from searchweb.web.errors import error_response
from searchweb.web.view import with_highlight

# The routes whose searches are a visitor's searches (others, e.g. a report, are not logged).
LOGGED_ENDPOINTS = frozenset({"web.results_page", "api.search"})
# Sent by a script for as-you-type requests, so "s", "so", "sou"… are not logged as searches:
# the header `X-Postsearch-Log: no`, or `log=0` in the URL (no CORS preflight for the widget).
NO_LOG_HEADER = "X-Postsearch-Log"
# Request parameters that are not filters: the query itself, paging, the click link's own.
NOT_FILTERS = frozenset(
    {"q", "s", "page", "per_page", "sid", "url", "rank", "token", "log", "partial"}
)

clicks = Blueprint("clicks", __name__)


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

    def suggest(self, prefix: str, limit: int = SUGGEST_LIMIT) -> list[Completion]:
        return self.inner.suggest(prefix, limit)

    def has_url(self, url: str) -> bool:
        return self.inner.has_url(url)

    def doc_count(self) -> int:
        return self.inner.doc_count()

    def warm_up(self) -> float:
        return self.inner.warm_up()

    def related(self, url: str, limit: int = RELATED_LIMIT) -> list[RelatedPost] | None:
        return self.inner.related(url, limit)


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
    """Start the log, unless switched off, and route visitors' searches through it.

    Call from create_app() once the backend is in the app's extensions.
    """
    settings: Settings = app.config[context.SETTINGS_KEY]
    log = None
    if settings.query_log:
        log = QueryLog(log_path(settings), max_rows=settings.query_log_max_rows)
        plain = app.extensions[context.PLAIN_BACKEND_KEY]
        app.extensions[context.BACKEND_KEY] = LoggedBackend(plain, log)
        atexit.register(log.close, 2.0)
    app.extensions[context.QUERYLOG_KEY] = log
    app.add_template_global(click_href)
    app.after_request(_search_id_header)
    return log


def click_href(url: str, rank: int) -> str:
    """The href of a result link: through /click when this search was logged, else straight
    to the post with the words to mark on it (see `with_highlight`)."""
    sid = g.get("search_id")
    query = flask_request.args.get("q") or flask_request.args.get("s") or ""
    if not sid:
        return _marked(url, query)
    return url_for("clicks.click", q=query, url=url, rank=rank, sid=sid)


def _marked(url: str, query: str) -> str:
    return with_highlight(url, query) if context.settings().highlight_links else url


def _search_id_header(response: Response) -> Response:
    """X-Search-Id on a logged search's answer, for the widget's click beacon."""
    sid = g.get("search_id")
    if sid:
        response.headers["X-Search-Id"] = sid
        response.headers.add("Access-Control-Expose-Headers", "X-Search-Id")
    return response


def _known_result(url: object) -> bool:
    """Only a post in the index may be a click's target: /click is not an open redirect."""
    return (
        isinstance(url, str)
        and 0 < len(url) <= MAX_URL_CHARS
        and urlsplit(url).scheme in ("http", "https")
        and bool(context.plain_backend().has_url(url))
    )


def _rank(value: object) -> int | None:
    try:
        rank = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return rank if 1 <= rank <= 100_000 else None


@clicks.get("/click")
def click():
    """Record a click on a result, then send the visitor on to it."""
    url = flask_request.args.get("url", "")
    post = url.split("#", 1)[0]  # a deep link names a section of a post
    if not _known_result(post):
        return Response("Not a result of this search.", 404, mimetype="text/plain")
    log, sid = context.querylog(), flask_request.args.get("sid", "")
    rank = _rank(flask_request.args.get("rank"))
    if log is not None and rank is not None:
        log.record_click(sid, post, rank)
    response = redirect(_marked(url, flask_request.args.get("q", "")), code=302)
    response.headers["Cache-Control"] = "no-store"
    return response


@clicks.post("/api/click")
def api_click():
    """The beacon of the page's or the widget's script: {search_id, url, rank}; 204."""
    data = flask_request.get_json(force=True, silent=True)  # sendBeacon sends text/plain
    if not isinstance(data, dict):
        return error_response("invalid_click", "send a JSON object {search_id, url, rank}", 400)
    sid, url, rank = data.get("search_id"), data.get("url"), _rank(data.get("rank"))
    if not is_search_id(sid) or rank is None:
        return error_response("invalid_click", "search_id and rank (1 or more) are required", 400)
    if not _known_result(url):
        return error_response("unknown_url", "url is not a result of this search", 404)
    log = context.querylog()
    if log is not None:
        log.record_click(sid, url, rank)
    return Response(status=204)
