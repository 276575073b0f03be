"""The maintainer's webhook: reindex or remove one post the moment the site changes.

`POST /api/admin/reindex` with `Authorization: Bearer <admin_token>` and a JSON body,
`{"url": "https://site/2024/05/new-post/"}` (fetch it again and index it with the saved
site template) or `{"delete": "https://site/..."}` (remove it). A WordPress site calls it
on publish, update and trash. The endpoint does not exist (404) unless `admin_token` is
set. The work itself is the indexer's, through searchweb.indexing: one writer, waiting for
the lock at most ADMIN_LOCK_TIMEOUT seconds, so a running full crawl answers 503 rather
than a hung request. The searchers of this process pick the commit up on their next query.

`POST /api/admin/crawl` starts an incremental crawl of the whole site in the background
("reindex everything", searchweb.web.crawl_job) and answers 202 at once; `GET` says how far
it got. A second POST while one runs answers 409 with the running crawl's progress.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, request

from indexer.api import IndexLockedError, IndexSummary, PostsearchError, normalize_url
from searchweb.config import Settings
from searchweb.indexing import delete_page, reindex_page
from searchweb.web import context
from searchweb.web.auth import supplied_token, token_matches
from searchweb.web.crawl_job import SiteCrawl
from searchweb.web.errors import error_response

admin = Blueprint("admin", __name__)
ADMIN_LOCK_TIMEOUT = 10.0
MAX_URL_CHARS = 2000


CRAWL_KEY = "postsearch_crawl"


@admin.record_once
def _init_crawl(state) -> None:
    settings = state.app.config[context.SETTINGS_KEY]
    state.app.extensions[CRAWL_KEY] = SiteCrawl(settings)


@admin.before_request
def _admin_only():
    """Every admin route: off without a configured token, 401 without the right one."""
    settings = context.settings()
    if not settings.admin_token:
        return error_response("not_found", "the admin API is off (no admin_token configured)", 404)
    if not token_matches(supplied_token(), settings.admin_token):
        return error_response(
            "unauthorized", "a valid bearer token is required", 401, {"WWW-Authenticate": "Bearer"}
        )
    return None


@admin.post("/api/admin/crawl")
def start_crawl():
    settings = context.settings()
    if not settings.site_url:
        return error_response("no_site_url", "set site_url to the site's address first", 400)
    started, progress = current_app.extensions[CRAWL_KEY].start()
    if not started:
        message = f"a crawl of {progress.site_url} is running (started {progress.started_at})"
        return error_response("crawl_running", message, 409, crawl=progress.to_dict())
    return jsonify(crawl=progress.to_dict()), 202


@admin.get("/api/admin/crawl")
def crawl_progress():
    return jsonify(crawl=current_app.extensions[CRAWL_KEY].progress().to_dict())


@admin.post("/api/admin/reindex")
def reindex():
    settings = context.settings()
    action, target = _read_body()
    if action is None:
        return error_response("invalid_body", 'send {"url": URL} or {"delete": URL}', 400)
    if not _on_site(target, settings):
        site = settings.site_url or "the site"
        return error_response("off_site", f"{target} is not on {site}", 400)
    try:
        if action == "delete":
            summary = delete_page(target, settings, ADMIN_LOCK_TIMEOUT)
            status = "deleted" if summary.deleted else "absent"
            return _answer(summary, status=status, url=normalize_url(target))
        return _reindexed(target, reindex_page(target, settings, ADMIN_LOCK_TIMEOUT))
    except IndexLockedError as error:
        return error_response("index_busy", str(error), 503, {"Retry-After": "30"})
    except PostsearchError as error:
        return error_response("reindex_failed", str(error), 502)


def _reindexed(url: str, summary: IndexSummary):
    if summary.indexed:
        return _answer(summary, status="indexed", url=summary.indexed[0])
    if summary.deleted:
        url, reason = summary.deleted[0], "gone from the site"
        return _answer(summary, status="deleted", url=url, reason=reason)
    if summary.skipped:
        skip = summary.skipped[0]
        return _answer(summary, status="skipped", url=skip.url, reason=skip.reason)
    if summary.failed:
        return error_response("fetch_failed", f"{url}: {summary.failed[0].reason}", 502)
    return _answer(summary, status="unchanged", url=url)


def _answer(summary: IndexSummary, **fields: object):
    """The webhook's answer; a warning (the posts are indexed, an accelerator is not) rides
    along without changing the status."""
    if summary.warnings:
        fields["warnings"] = summary.warnings
    return jsonify(fields)


def _read_body() -> tuple[str | None, str]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or len(body) != 1:
        return None, ""
    action, target = next(iter(body.items()))
    if action not in ("url", "delete") or not isinstance(target, str):
        return None, ""
    if not target.startswith(("http://", "https://")) or len(target) > MAX_URL_CHARS:
        return None, ""
    return action, target


def _on_site(url: str, settings: Settings) -> bool:
    if not settings.site_url:
        return False
    hosts = {urlsplit(settings.site_url).netloc.lower()}
    hosts.update(host.lower() for host in settings.allowed_hosts)
    return urlsplit(url).netloc.lower() in hosts
