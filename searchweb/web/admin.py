"""The maintainer's webhook: reindex or remove one post the moment the site changes.

`POST /api/admin/reindex` with `Authorization: Bearer <admin_token>` and a JSON body,
`{"url": "https://site/2024/05/new-post/"}` (fetch it again and index it with the saved
site template) or `{"delete": "https://site/..."}` (remove it). A WordPress site calls it
on publish, update and trash. The endpoint does not exist (404) unless `admin_token` is
set; the token is compared in constant time. The work itself is the indexer's
(`indexer.pipeline.reindex_url` / `delete_url`): one writer, waiting for the lock at most
ADMIN_LOCK_TIMEOUT seconds, so a running full crawl answers 503 rather than a hung request.
The searchers of this process pick the commit up on their next query.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, request

from indexer.errors import IndexLockedError, PostsearchError
from indexer.index.store import WhooshPostStore
from indexer.pipeline.run import delete_url, reindex_url
from indexer.sources.crawl import crawl_key
from searchweb.cli.main import crawl_options, selector_overrides
from searchweb.config import Settings

admin = Blueprint("admin", __name__)
ADMIN_LOCK_TIMEOUT = 10.0
MAX_URL_CHARS = 2000


def _error(code: str, message: str, status: int, headers: dict | None = None):
    """The API's one error shape (as searchweb.app.error_response, without importing the
    app module, which registers this blueprint)."""
    return jsonify(error={"code": code, "message": message}), status, headers or {}


@admin.post("/api/admin/reindex")
def reindex():
    settings: Settings = current_app.config["SETTINGS"]
    if not settings.admin_token:
        return _error("not_found", "the admin API is off (no admin_token configured)", 404)
    if not _authorized(settings.admin_token):
        return _error(
            "unauthorized", "a valid bearer token is required", 401, {"WWW-Authenticate": "Bearer"}
        )
    action, target = _read_body()
    if action is None:
        return _error("invalid_body", 'send {"url": URL} or {"delete": URL}', 400)
    if not _on_site(target, settings):
        return _error("off_site", f"{target} is not on {settings.site_url or 'the site'}", 400)
    store = WhooshPostStore(settings.index_dir, lock_timeout=ADMIN_LOCK_TIMEOUT)
    try:
        if action == "delete":
            found = delete_url(crawl_key(target), store, settings.site_url)
            return jsonify(status="deleted" if found else "absent", url=crawl_key(target))
        return _reindexed(target, store, settings)
    except IndexLockedError as error:
        return _error("index_busy", str(error), 503, {"Retry-After": "30"})
    except PostsearchError as error:
        return _error("reindex_failed", str(error), 502)


def _reindexed(url: str, store: WhooshPostStore, settings: Settings):
    options = crawl_options(settings, start_url=settings.site_url)
    summary = reindex_url(url, store, options, settings.site_url, selector_overrides(settings))
    if summary.indexed:
        return jsonify(status="indexed", url=summary.indexed[0])
    if summary.deleted:
        return jsonify(status="deleted", url=summary.deleted[0], reason="gone from the site")
    if summary.skipped:
        skip = summary.skipped[0]
        return jsonify(status="skipped", url=skip.url, reason=skip.reason)
    if summary.failed:
        return _error("fetch_failed", f"{url}: {summary.failed[0].reason}", 502)
    return jsonify(status="unchanged", url=url)


def _authorized(token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode("utf-8"), token.encode("utf-8")
    )


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
