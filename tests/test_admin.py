"""The reindex webhook through the real app: token, one URL in, one URL out, lock."""

from __future__ import annotations

import time

import pytest
from helpers import SiteServer, add_post, copy_sowrey, crawl, edit_post

from indexer.api import WhooshPostStore
from searchweb.web import admin as admin_module
from searchweb.web.admin import admin
from searchweb.web.app import create_app

TOKEN = "s3cret-token-for-tests"


def _app(index_dir, site_url: str, token: str = TOKEN, crawl_delay: float = 0):
    config = {"index_dir": str(index_dir), "site_url": site_url, "admin_token": token}
    app = create_app(config | {"crawl_delay": crawl_delay})
    if "admin" not in app.blueprints:  # until app.py registers it itself
        app.register_blueprint(admin)
    app.testing = True
    return app.test_client()


def _post(client, body, token: str | None = TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/admin/reindex", json=body, headers=headers)


def _total(client, query: str) -> int:
    return client.get("/api/search", query_string={"q": query}).get_json()["total"]


@pytest.fixture()
def site(tmp_path):
    root = tmp_path / "site"
    posts = copy_sowrey(root, posts=8)
    with SiteServer(root) as server:
        crawl(server, tmp_path / "index")
        yield server, posts, tmp_path / "index"


def test_the_webhook_is_off_without_a_token_and_refuses_a_wrong_one(site):
    server, posts, index_dir = site
    off = _post(_app(index_dir, server.url, token=""), {"url": server.url + posts[0]})
    assert off.status_code == 404 and off.get_json()["error"]["code"] == "not_found"
    client = _app(index_dir, server.url)
    for token in (None, "wrong", TOKEN + "x"):
        refused = _post(client, {"url": server.url + posts[0]}, token=token)
        assert refused.status_code == 401
        assert refused.get_json()["error"]["code"] == "unauthorized"
    assert _post(client, {"url": "https://elsewhere.example/x/"}).status_code == 400
    assert _post(client, {"nothing": 1}).get_json()["error"]["code"] == "invalid_body"


def test_reindex_one_url_then_delete_it(site):
    server, posts, index_dir = site
    client = _app(index_dir, server.url)
    edit_post(server.root, posts[2], "quillbramble")
    assert _total(client, "quillbramble") == 0
    done = _post(client, {"url": server.url + posts[2]})
    assert done.status_code == 200, done.get_json()
    assert done.get_json() == {"status": "indexed", "url": server.url + posts[2]}
    assert _total(client, "quillbramble") == 1  # the running app sees it at once

    new = add_post(server.root, "2021/01/brand-new-post/", "Fresh", posts[3])
    assert _post(client, {"url": server.url + new}).get_json()["status"] == "indexed"

    gone = _post(client, {"delete": server.url + posts[2]})
    assert gone.get_json() == {"status": "deleted", "url": server.url + posts[2]}
    assert _total(client, "quillbramble") == 0


def test_the_webhook_does_not_wait_out_the_crawl_delay(site):
    """The crawl delay spaces a crawl's requests; one page the site asks for is fetched
    right after its robots.txt."""
    server, posts, index_dir = site
    client = _app(index_dir, server.url, crawl_delay=10)
    edit_post(server.root, posts[4], "brindlewort")
    started = time.monotonic()
    assert _post(client, {"url": server.url + posts[4]}).get_json()["status"] == "indexed"
    assert time.monotonic() - started < 10
    assert _total(client, "brindlewort") == 1


def test_a_page_that_is_gone_is_removed_by_its_url(site):
    server, posts, index_dir = site
    client = _app(index_dir, server.url)
    (server.root / posts[1] / "index.html").unlink()
    answer = _post(client, {"url": server.url + posts[1]}).get_json()
    assert answer["status"] == "deleted"


def test_a_busy_index_answers_503(site, monkeypatch):
    server, posts, index_dir = site
    monkeypatch.setattr(admin_module, "ADMIN_LOCK_TIMEOUT", 0.2)
    client = _app(index_dir, server.url)
    with WhooshPostStore(index_dir):
        busy = _post(client, {"url": server.url + posts[0]})
    assert busy.status_code == 503 and busy.get_json()["error"]["code"] == "index_busy"
