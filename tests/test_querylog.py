"""The query log: private, bounded, off the hot path, and never a reason for a search to fail.

Every test runs the real app over the demo index and a real SQLite file; the failure tests
lock that file with a real exclusive transaction, or fill a real (tiny tmpfs) disk.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from helpers import LiveServer as _LiveServer

from searchweb.analytics.querylog import QueryLog, log_path, normalise_query
from searchweb.web.app import create_app


class LiveServer(_LiveServer):
    """conftest's server, but its worker threads finish before it closes: otherwise a worker
    that has just answered can write to the closed trigger socket (EBADF in a thread)."""

    def __exit__(self, *exc) -> None:
        self.server.task_dispatcher.shutdown()
        super().__exit__(*exc)


SEARCHES = ["bread", "garden", "meteor", "sourdough starter", "bike", "river", "tap washer"]


def logged_app(index_dir: Path, log_file: Path | None, **config):
    """The app with its query log, as create_app() wires it; no rate limit (replays are fast)."""
    settings = {"index_dir": str(index_dir), "rate_limit": "", **config}
    if log_file is not None:
        settings["query_log_path"] = str(log_file)
    app = create_app(settings)
    app.testing = True
    assert "querylog" in app.extensions  # create_app() starts the log itself
    return app


@pytest.fixture()
def app(demo_index, tmp_path):
    app = logged_app(demo_index[0], tmp_path / "log.sqlite3")
    yield app
    app.extensions["querylog"].close()


def rows(log_file: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(log_file)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def first_hit(client, query: str) -> tuple[str, str]:
    """(search id, url of the first result) of a logged API search."""
    response = client.get("/api/search", query_string={"q": query})
    return response.headers["X-Search-Id"], response.get_json()["results"][0]["url"]


@pytest.mark.parametrize(
    ("typed", "logged"),
    [("Sourdough  Starter", "sourdough starter"), ("  BIKE\tlane\n", "bike lane"), ("é", "é")],
)
def test_queries_are_normalised(typed, logged):
    assert normalise_query(typed) == logged


def test_the_default_log_sits_beside_the_index_not_inside_it(demo_index):
    app = create_app({"index_dir": str(demo_index[0])})
    path = log_path(app.config["SETTINGS"])
    assert path.parent == demo_index[0].parent
    assert path.name == f"{demo_index[0].name}.querylog.sqlite3"


def test_a_search_is_logged_without_anything_that_identifies_the_visitor(app, tmp_path):
    client = app.test_client()
    response = client.get(
        "/api/search?q=Sourdough++STARTER&category=Baking",
        headers={"User-Agent": "SecretBrowser/1.0", "Cookie": "session=secret-cookie"},
        environ_base={"REMOTE_ADDR": "203.0.113.77"},
    )
    assert response.status_code == 200
    assert app.extensions["querylog"].flush()
    (row,) = rows(
        tmp_path / "log.sqlite3", "SELECT sid, query, filters, results, page FROM searches"
    )
    assert row[0] == response.headers["X-Search-Id"]
    assert row[1:] == ("sourdough starter", '{"category": "Baking"}', response.json["total"], 1)
    stored = (tmp_path / "log.sqlite3").read_bytes()
    for secret in (b"203.0.113.77", b"SecretBrowser", b"secret-cookie"):
        assert secret not in stored
    assert "Set-Cookie" not in response.headers


def test_the_results_page_is_logged_once_per_request(app, tmp_path):
    client = app.test_client()
    assert client.get("/search?q=garden&page=2").status_code == 200
    assert client.get("/search").status_code == 200  # no query: nothing to log
    assert app.extensions["querylog"].flush()
    assert rows(tmp_path / "log.sqlite3", "SELECT query, page FROM searches") == [("garden", 2)]


def test_as_you_type_requests_can_opt_out(app, tmp_path):
    client = app.test_client()
    client.get("/api/search?q=sou", headers={"X-Postsearch-Log": "no"})
    client.get("/api/search?q=sourd&log=0")
    client.get("/api/search?q=sourdough")
    assert app.extensions["querylog"].flush()
    assert rows(tmp_path / "log.sqlite3", "SELECT query FROM searches") == [("sourdough",)]


def test_click_redirects_to_an_indexed_post_and_is_recorded(app, tmp_path):
    client = app.test_client()
    sid, url = first_hit(client, "sourdough starter")
    response = client.get("/click", query_string={"q": "x", "url": url, "rank": 1, "sid": sid})
    assert response.status_code == 302
    assert response.headers["Location"] == url + "?highlight=x"  # the words to mark on it
    assert app.extensions["querylog"].flush()
    assert rows(tmp_path / "log.sqlite3", "SELECT sid, url, rank FROM clicks") == [(sid, url, 1)]


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "javascript:alert(1)",
        "https://demo.postsearch.test/not-a-post/",
        "",
    ],
)
def test_click_is_not_an_open_redirect(app, target):
    response = app.test_client().get("/click", query_string={"url": target, "rank": 1})
    assert response.status_code == 404
    assert "Location" not in response.headers


def test_the_results_page_helper_links_through_click(app):
    with app.test_request_context("/search?q=bread"):
        from flask import g

        direct = app.jinja_env.globals["click_href"]("https://a.test/p/", 3)
        assert direct == "https://a.test/p/?highlight=bread"
        g.search_id = "0123456789abcdef"
        href = app.jinja_env.globals["click_href"]("https://a.test/p/", 3)
    params = parse_qs(urlsplit(href).query)
    assert urlsplit(href).path == "/click"
    assert params == {"q": ["bread"], "url": ["https://a.test/p/"], "rank": ["3"],
                      "sid": ["0123456789abcdef"]}  # fmt: skip


def test_click_beacon_records_a_click(app, tmp_path):
    client = app.test_client()
    sid, url = first_hit(client, "perseid meteor")
    beacon = {"search_id": sid, "url": url, "rank": 2}
    assert client.post("/api/click", json=beacon).status_code == 204
    # navigator.sendBeacon sends a string body as text/plain: accepted too.
    text_body = client.post("/api/click", data=json.dumps(beacon), content_type="text/plain")
    assert text_body.status_code == 204
    bad = client.post("/api/click", json={"search_id": "nope", "url": url, "rank": 1})
    assert bad.status_code == 400 and bad.json["error"]["code"] == "invalid_click"
    elsewhere = client.post("/api/click", json={**beacon, "url": "https://evil.example/"})
    assert elsewhere.status_code == 404 and elsewhere.json["error"]["code"] == "unknown_url"
    assert app.extensions["querylog"].flush()
    assert rows(tmp_path / "log.sqlite3", "SELECT sid, rank FROM clicks") == [(sid, 2), (sid, 2)]


def test_a_click_on_an_unknown_search_is_not_stored(app, tmp_path):
    client = app.test_client()
    _, url = first_hit(client, "bread")
    beacon = {"search_id": "0" * 16, "url": url, "rank": 1}
    assert client.post("/api/click", json=beacon).status_code == 204
    assert app.extensions["querylog"].flush()
    assert rows(tmp_path / "log.sqlite3", "SELECT count(*) FROM clicks") == [(0,)]


def test_the_log_can_be_switched_off(demo_index, tmp_path):
    log_file = tmp_path / "off.sqlite3"
    app = logged_app(demo_index[0], log_file, query_log=False)
    client = app.test_client()
    response = client.get("/api/search?q=bread")
    assert response.status_code == 200 and response.json["total"] > 0
    assert "X-Search-Id" not in response.headers
    url = response.json["results"][0]["url"]
    assert client.get("/click", query_string={"url": url, "rank": 1}).status_code == 302
    assert not log_file.exists()


def test_the_log_is_bounded_and_keeps_the_newest(tmp_path):
    log = QueryLog(tmp_path / "bounded.sqlite3", max_rows=100)
    sids = [log.record_search(f"query {n}", n % 4) for n in range(1000)]
    log.record_click(sids[-1], "https://a.test/", 1)
    log.record_click(sids[0], "https://a.test/", 1)  # its search is long gone
    assert log.flush()
    log.close()
    found = rows(tmp_path / "bounded.sqlite3", "SELECT query FROM searches ORDER BY id")
    assert 0 < len(found) <= 100
    assert found[-1] == ("query 999",)
    assert rows(tmp_path / "bounded.sqlite3", "SELECT sid FROM clicks") == [(sids[-1],)]
    assert (log.written, log.dropped) == (1002, 0)


def test_searches_reach_the_file_soon_without_a_flush(tmp_path):
    # The writer gathers entries for a moment (one transaction, not one per search), but
    # nothing waits for a flush: a search reaches the file within about a second.
    log_file = tmp_path / "batched.sqlite3"
    log = QueryLog(log_file)
    try:
        for n in range(50):
            log.record_search(f"query {n}", n)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and log.written < 50:
            time.sleep(0.05)
        assert log.written == 50
        assert rows(log_file, "SELECT count(*) FROM searches") == [(50,)]
    finally:
        log.close()


def test_a_burst_beyond_the_queue_is_dropped_and_counted(tmp_path):
    # Lock the database so the writer cannot drain the queue, then overfill it.
    log_file = tmp_path / "burst.sqlite3"
    log = QueryLog(log_file, queue_size=10, busy_timeout=0.05)
    log.record_search("first", 1)
    assert log.flush()
    locker = sqlite3.connect(log_file, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        accepted = [log.record_search(f"q{n}", 1) for n in range(100)]
        assert log.flush()
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    log.close()
    refused = accepted.count(None)
    # How many the writer took off the queue before the lock stopped it depends on timing;
    # that the queue overflowed, and that every entry is counted as dropped, does not.
    assert refused > 0
    assert log.dropped == 100  # refused at the queue + the rest dropped on the locked file
    assert log.written == 1


def _search_many(server: LiveServer, count: int) -> list[httpx.Response]:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        return [
            http.get("/api/search", params={"q": SEARCHES[n % len(SEARCHES)]}) for n in range(count)
        ]


def _assert_answered(responses: list[httpx.Response]) -> None:
    for response in responses:
        assert response.status_code == 200
        assert response.json()["total"] > 0


def test_a_locked_database_drops_log_lines_not_searches(demo_index, tmp_path):
    log_file = tmp_path / "locked.sqlite3"
    app = logged_app(demo_index[0], log_file)
    log = app.extensions["querylog"]
    with LiveServer(app) as server:
        _assert_answered(_search_many(server, 1))
        assert log.flush() and log.written == 1
        locker = sqlite3.connect(log_file, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
        try:
            locked = _search_many(server, 30)
            assert log.flush(timeout=10)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        _assert_answered(locked)
        assert (log.written, log.dropped) == (1, 30)
        assert "locked" in (log.last_error or "")
        _assert_answered(_search_many(server, 1))  # the lock is gone: logging resumes
        assert log.flush() and (log.written, log.dropped) == (2, 30)
    log.close()


@pytest.fixture()
def tiny_disk(tmp_path):
    """A 256 KiB tmpfs mounted for this test (needs root); else a read-only directory."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k,mode=0777", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        if os.geteuid() == 0:
            pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.decode().strip()}")
        mount_point.chmod(0o555)
        yield mount_point, False
        mount_point.chmod(0o755)
        return
    try:
        yield mount_point, True
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _fill(directory: Path) -> Path:
    filler = directory / "filler"
    with filler.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return filler


def test_a_full_disk_drops_log_lines_not_searches(demo_index, tiny_disk):
    directory, is_tmpfs = tiny_disk
    log_file = directory / "full.sqlite3"
    app = logged_app(demo_index[0], log_file)
    log = app.extensions["querylog"]
    with LiveServer(app) as server:
        if is_tmpfs:
            _assert_answered(_search_many(server, 1))
            assert log.flush() and log.written == 1
            filler = _fill(directory)
        answered = _search_many(server, 60)
        assert log.flush(timeout=10)
        _assert_answered(answered)
        assert log.dropped > 0
        assert log.written + log.dropped == 61 if is_tmpfs else log.dropped == 60
        if is_tmpfs:
            assert "full" in (log.last_error or "")  # SQLITE_FULL: database or disk is full
            filler.unlink()  # space again: the next search is logged
            before = log.written
            _assert_answered(_search_many(server, 1))
            assert log.flush() and log.written == before + 1
    log.close()
