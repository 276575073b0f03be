""" "Reindex everything": the background crawl through the real app, a real site server, and
a real `postsearch serve` killed in the middle of a crawl."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from helpers import (
    ServeProcess,
    SiteServer,
    add_post,
    copy_sowrey,
    crawl,
    edit_post,
)

from searchweb.config import load_settings
from searchweb.web.admin import CRAWL_KEY
from searchweb.web.app import create_app
from searchweb.web.crawl_job import status_path

TOKEN = "crawl-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _client(index_dir, site_url: str, **config):
    settings = {"index_dir": str(index_dir), "site_url": site_url, "admin_token": TOKEN}
    app = create_app(settings | config)
    app.testing = True
    return app, app.test_client()


@pytest.fixture()
def site(tmp_path):
    """A site of eight posts, crawled once: the server needs an index to start."""
    root = tmp_path / "site"
    posts = copy_sowrey(root, posts=8)
    with SiteServer(root) as server:
        crawl(server, tmp_path / "index")
        yield server, posts, tmp_path / "index"


def test_a_crawl_runs_in_the_background_and_reports_its_progress(site):
    server, posts, index_dir = site
    app, client = _client(index_dir, server.url, crawl_delay=0)  # its own loopback site
    assert client.get("/api/admin/crawl", headers=AUTH).get_json()["crawl"]["state"] == "idle"
    edit_post(server.root, posts[3], "quillbramble")
    add_post(server.root, "2030/01/zephyr/", "Zephyrquill arrives", posts[0])
    started = client.post("/api/admin/crawl", headers=AUTH)
    assert started.status_code == 202
    assert started.get_json()["crawl"]["state"] == "running"
    done = app.extensions[CRAWL_KEY].wait(60)
    assert done.state == "done", done
    report = client.get("/api/admin/crawl", headers=AUTH).get_json()["crawl"]
    assert report["indexed"] == 2 and report["failed"] == 0 and report["error"] is None
    assert report["unchanged"] >= len(posts) - 1 and report["pages"] >= len(posts) + 2
    assert report["started_at"] <= report["finished_at"]
    assert "2 indexed" in report["summary"]
    for word in ("quillbramble", "zephyrquill"):
        assert client.get("/api/search", query_string={"q": word}).get_json()["total"] == 1


def test_one_crawl_at_a_time_and_only_with_the_token(site):
    server, _posts, index_dir = site
    app, client = _client(index_dir, server.url, crawl_delay=0.05)
    for token in (None, "wrong"):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for method in (client.get, client.post):
            refused = method("/api/admin/crawl", headers=headers)
            assert refused.status_code == 401
            assert refused.get_json()["error"]["code"] == "unauthorized"
    assert client.post("/api/admin/crawl", headers=AUTH).status_code == 202
    second = client.post("/api/admin/crawl", headers=AUTH)
    assert second.status_code == 409
    body = second.get_json()
    assert body["error"]["code"] == "crawl_running" and body["crawl"]["state"] == "running"
    assert app.extensions[CRAWL_KEY].wait(120).state == "done"
    _app, off = _client(index_dir, server.url, admin_token="")
    assert off.post("/api/admin/crawl").status_code == 404
    _app, nowhere = _client(index_dir, "")
    assert nowhere.post("/api/admin/crawl", headers=AUTH).get_json()["error"]["code"] == (
        "no_site_url"
    )


@pytest.mark.slow
def test_a_server_killed_mid_crawl_keeps_its_index_and_says_so(site, tmp_path):
    """kill -9 during a crawl: the index is the previous one, whole; the restarted server
    reports the crawl as interrupted and can run the next one."""
    server, posts, index_dir = site
    config = tmp_path / "postsearch.toml"
    config.write_text(
        f'site_url = "{server.url}"\nindex_dir = "{index_dir}"\nadmin_token = "{TOKEN}"\n'
        'rate_limit = ""\ncrawl_delay = 0.05\n',
        encoding="utf-8",
    )
    for post in posts:
        edit_post(server.root, post, "quillbramble")
    with ServeProcess(config) as served:
        _post(served, "/api/admin/crawl")
        _wait_for(lambda: _get(served, "/api/admin/crawl")["crawl"]["pages"] >= 3)
        served.kill()
    assert json.loads(status_path_for(index_dir).read_text())["state"] == "running"
    with ServeProcess(config) as restarted:
        crawl = _get(restarted, "/api/admin/crawl")["crawl"]
        assert crawl["state"] == "interrupted" and "nothing of it was committed" in crawl["error"]
        assert _get(restarted, "/api/search?q=quillbramble")["total"] == 0
        assert _get(restarted, "/health")["posts"] == len(posts)
        _post(restarted, "/api/admin/crawl")
        assert _wait_state(restarted, "done", timeout=120)["indexed"] == len(posts)
        assert _get(restarted, "/api/search?q=quillbramble")["total"] == len(posts)


def status_path_for(index_dir):
    return status_path(load_settings(overrides={"index_dir": str(index_dir)}, environ={}))


def _get(served: ServeProcess, path: str) -> dict:
    return httpx.get(served.url + path, headers=AUTH, timeout=10).json()


def _post(served: ServeProcess, path: str) -> dict:
    answer = httpx.post(served.url + path, headers=AUTH, timeout=10)
    assert answer.status_code == 202, answer.text
    return answer.json()


def _wait_state(served: ServeProcess, state: str, timeout: float = 60) -> dict:
    _wait_for(lambda: _get(served, "/api/admin/crawl")["crawl"]["state"] != "running", timeout)
    crawl = _get(served, "/api/admin/crawl")["crawl"]
    assert crawl["state"] == state, crawl
    return crawl


def _wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
