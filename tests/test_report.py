"""The report: a replay of a few hundred visitor requests against a real server must come back
as exactly the counts the replay implies, in every format and on the admin page."""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from helpers import LiveServer as _LiveServer

from searchweb.analytics.querylog import QueryLog, normalise_query
from searchweb.analytics.report import answer_counts, build_report, to_csv
from searchweb.cli import report as report_command
from searchweb.cli.options import shared_options
from searchweb.config import load_settings
from searchweb.records import SearchRequest
from searchweb.web.app import create_app
from searchweb.web.report_page import svg_chart


class LiveServer(_LiveServer):
    """conftest's server, but its worker threads finish before it closes: otherwise a worker
    that has just answered can write to the closed trigger socket (EBADF in a thread)."""

    def __exit__(self, *exc) -> None:
        self.server.task_dispatcher.shutdown()
        super().__exit__(*exc)


ZERO_RESULT_QUERIES = ["xylophone quartet", "zzqx", "Faucet", "kombucha  SCOBY"]
TOKEN = "correct horse battery staple"


def logged_app(index_dir: Path, log_file: Path, **config):
    """The app with its query log, as create_app() wires it; no rate limit (replays are fast)."""
    app = create_app(
        {"index_dir": str(index_dir), "query_log_path": str(log_file), "rate_limit": "", **config}
    )
    app.testing = True
    assert "querylog" in app.extensions  # create_app() starts the log itself
    return app


@dataclass(frozen=True)
class Step:
    query: str
    page: int
    html: bool  # the results page, else the JSON API
    click: str | None  # "redirect", "beacon" or None


def plan(demo_queries: list[dict], count: int = 240) -> list[Step]:
    """A seeded mix: known queries in several spellings, misses, later pages and clicks."""
    rng = random.Random(9)
    known = [entry["query"] for entry in demo_queries]
    spellings = known + [q.upper() for q in known[:5]] + [f"  {q}  " for q in known[5:8]]
    steps = []
    for _ in range(count):
        query = rng.choice(ZERO_RESULT_QUERIES if rng.random() < 0.15 else spellings)
        page = 2 if rng.random() < 0.1 else 1
        click = rng.choice([None, None, "redirect", "beacon"]) if page == 1 else None
        steps.append(Step(query, page, rng.random() < 0.2, click))
    return steps


@dataclass
class Expected:
    searches: Counter
    zero: Counter
    clicks: Counter
    later_pages: int = 0


def replay(server: LiveServer, steps: list[Step], totals: dict[str, int]) -> Expected:
    """Play the steps as a visitor would; count what the report must then say."""
    expected = Expected(Counter(), Counter(), Counter())
    with httpx.Client(base_url=server.url, timeout=10) as http:
        for step in steps:
            params = {"q": step.query, "page": step.page}
            response = http.get("/search" if step.html else "/api/search", params=params)
            total = totals[step.query]
            past_the_last = step.html and total and step.page > -(-total // 10)
            assert response.status_code == (302 if past_the_last else 200)  # to the last page
            key = normalise_query(step.query)
            if step.page > 1:
                expected.later_pages += 1
                continue
            expected.searches[key] += 1
            expected.zero[key] += totals[step.query] == 0
            if step.click and not step.html and totals[step.query]:
                url = response.json()["results"][0]["url"]
                sid = response.headers["X-Search-Id"]
                if step.click == "redirect":
                    click = http.get("/click", params={"url": url, "rank": 1, "sid": sid})
                    assert click.status_code == 302 and click.headers["location"] == url
                else:
                    beacon = {"search_id": sid, "url": url, "rank": 1}
                    assert http.post("/api/click", json=beacon).status_code == 204
                expected.clicks[key] += 1
    return expected


@pytest.fixture(scope="module")
def replayed(demo_index, demo_queries, tmp_path_factory):
    log_file = tmp_path_factory.mktemp("replay") / "log.sqlite3"
    app = logged_app(demo_index[0], log_file, admin_token=TOKEN)
    steps = plan(demo_queries)
    backend = app.extensions["postsearch"]  # outside a request: these searches are not logged
    totals = {q: backend.search(SearchRequest(q, 1, 1)).total for q in {s.query for s in steps}}
    with LiveServer(app) as server:
        expected = replay(server, steps, totals)
        assert app.extensions["querylog"].flush(timeout=20)
    assert app.extensions["querylog"].dropped == 0
    yield app, log_file, expected, len(steps)
    app.extensions["querylog"].close()


def test_replay_counts_exactly(replayed):
    _, log_file, expected, played = replayed
    report = build_report(log_file, since_days=None, limit=10_000)
    assert played >= 200
    assert report.searches == sum(expected.searches.values())
    assert report.later_pages == expected.later_pages
    assert report.searches + report.later_pages == played
    assert report.zero_result_searches == sum(expected.zero.values()) > 0
    assert report.clicks == sum(expected.clicks.values()) > 0
    assert report.distinct_queries == len(expected.searches)
    got = {s.query: (s.searches, s.zero_result_searches, s.clicks) for s in report.top_queries}
    assert got == {
        q: (expected.searches[q], expected.zero[q], expected.clicks[q]) for q in expected.searches
    }
    ranked = [s.searches for s in report.top_queries]
    assert ranked == sorted(ranked, reverse=True)
    assert {s.query: s.zero_result_searches for s in report.zero_result_queries} == {
        q: n for q, n in expected.zero.items() if n
    }
    assert {s.query for s in report.never_clicked} == {
        q for q, n in expected.searches.items() if n > expected.zero[q] and not expected.clicks[q]
    }
    assert sum(w.searches for w in report.weeks) == report.searches
    assert sum(w.clicks for w in report.weeks) == report.clicks
    assert sum(d.searches for d in report.days) == report.searches


def test_report_limit_and_period(replayed):
    _, log_file, expected, _ = replayed
    top = build_report(log_file, since_days=7, limit=3).top_queries
    assert [s.query for s in top] == [
        q for q, _ in sorted(expected.searches.items(), key=lambda i: (-i[1], i[0]))[:3]
    ]
    far_future = build_report(log_file, since_days=1, now=4_000_000_000.0)
    assert far_future.searches == 0 and len(far_future.days) == 2


def _cli(args: list[str], log_file: Path, index_dir: Path, capsys) -> str:
    parser = argparse.ArgumentParser()
    report_command.add_command(parser.add_subparsers(), shared_options(for_command=True))
    parsed = parser.parse_args(["report", *args])
    settings = load_settings(
        overrides={"index_dir": str(index_dir), "query_log_path": str(log_file)}, environ={}
    )
    assert report_command.run_report(parsed, settings) == 0
    return capsys.readouterr().out


def test_cli_formats_agree(replayed, demo_index, capsys):
    _, log_file, expected, _ = replayed
    common = ["--since", "0", "--limit", "1000"]
    data = json.loads(_cli(["--format", "json", *common], log_file, demo_index[0], capsys))
    assert data["searches"] == sum(expected.searches.values())
    assert data["clicks"] == sum(expected.clicks.values())
    zero = {row["query"]: row for row in data["zero_result_queries"]}
    assert set(zero) == {q for q, n in expected.zero.items() if n}
    assert all(row["results_now"] == 0 for row in zero.values())  # nothing has changed
    table = list(csv.DictReader(io.StringIO(_cli(["--format", "csv", *common], log_file,
                                                  demo_index[0], capsys))))  # fmt: skip
    top = {row["label"]: int(row["searches"]) for row in table if row["section"] == "top"}
    assert top == dict(expected.searches)
    (total,) = [row for row in table if row["section"] == "total"]
    assert int(total["zero_result_searches"]) == sum(expected.zero.values())
    text = _cli(["--format", "text", *common], log_file, demo_index[0], capsys)
    assert f"{sum(expected.searches.values())} searches" in text


def test_admin_page_needs_the_token(replayed):
    app, _, expected, _ = replayed
    client = app.test_client()
    asked = client.get("/admin/report")
    assert asked.status_code == 401 and 'name="token"' in asked.text
    assert client.get("/admin/report", headers={"Authorization": "Bearer nope"}).status_code == 403
    assert client.get(f"/admin/report?token={TOKEN}").status_code == 401  # not in URLs/logs
    page = client.get("/admin/report", headers={"Authorization": f"Bearer {TOKEN}"})
    posted = client.post("/admin/report", data={"token": TOKEN, "since": "30"})
    for response in (page, posted):
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        searches = re.search(r'data-stat="searches">(\d+)<', response.text)
        assert int(searches.group(1)) == sum(expected.searches.values())
        assert "<svg" in response.text and 'class="chart-bar"' in response.text
        assert " style=" not in response.text  # the CSP forbids inline styles


def test_admin_page_is_absent_without_a_token(demo_index, tmp_path):
    app = logged_app(demo_index[0], tmp_path / "log.sqlite3")
    response = app.test_client().get("/admin/report", headers={"Authorization": "Bearer "})
    assert response.status_code == 404
    app.extensions["querylog"].close()


def test_queries_are_escaped_on_the_page_and_defused_in_csv(demo_index, tmp_path):
    app = logged_app(demo_index[0], tmp_path / "log.sqlite3", admin_token=TOKEN)
    client = app.test_client()
    for query in ('<script>alert("x")</script>', '=HYPERLINK("http://evil")'):
        client.get("/api/search", query_string={"q": query})
    assert app.extensions["querylog"].flush()
    page = client.get("/admin/report", headers={"Authorization": f"Bearer {TOKEN}"}).text
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    rows = list(csv.reader(io.StringIO(to_csv(build_report(tmp_path / "log.sqlite3")))))
    labels = [row[1] for row in rows if row[0] == "top"]
    assert '\'=hyperlink("http://evil")' in labels
    app.extensions["querylog"].close()


def test_a_zero_result_query_is_answered_once_a_synonym_is_added(demo_index, tmp_path):
    log_file = tmp_path / "log.sqlite3"
    before = logged_app(demo_index[0], log_file)
    missed = before.test_client().get("/api/search?q=faucet")
    assert missed.json["total"] == 0
    assert before.extensions["querylog"].flush()
    before.extensions["querylog"].close()

    after = logged_app(demo_index[0], log_file, synonyms=[("faucet", "tap")], admin_token=TOKEN)
    page = after.test_client().get("/admin/report", headers={"Authorization": f"Bearer {TOKEN}"})
    row = re.search(r'<tr class="answered">\s*<td>faucet</td><td>1</td>\s*<td>(\d+) ', page.text)
    assert row, "the report should mark 'faucet' as answered now"
    report = build_report(log_file, answers=answer_counts(after.extensions["postsearch_plain"]))
    (faucet,) = report.zero_result_queries
    assert faucet.query == "faucet" and faucet.results_now == int(row.group(1)) > 0
    after.extensions["querylog"].close()


def test_an_answer_that_fails_is_shown_as_unknown(tmp_path):
    log = QueryLog(tmp_path / "log.sqlite3")
    log.record_search("broken", 0)
    assert log.flush()
    log.close()

    def failing(query: str) -> int:
        raise RuntimeError(query)

    (stat,) = build_report(tmp_path / "log.sqlite3", answers=failing).zero_result_queries
    assert stat.results_now is None


def test_the_chart_draws_one_bar_per_day_with_searches(replayed):
    _, log_file, _, _ = replayed
    report = build_report(log_file, since_days=10)
    svg = str(svg_chart(report.days))
    assert svg.count('class="chart-bar"') == sum(1 for d in report.days if d.searches)
    assert svg.count("<polyline") == 1
    assert report.days[-1].period in svg
    missing = Path("/nonexistent/postsearch-log.sqlite3")
    empty = str(svg_chart(build_report(missing).days))
    assert "No searches in this period" in empty and "chart-bar" not in empty
