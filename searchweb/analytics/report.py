"""What visitors search for, read back from the query log: the report behind
`postsearch report` and the token-protected /admin/report page (searchweb.web.report_page).

It reads the SQLite log written by searchweb.analytics.querylog (read-only, so it never blocks the
writer) and counts per normalised query: searches (first result pages only, so paging
through results is not counted as searching again), searches with no result, and clicks.
From those come the top queries, the zero-result queries (with how many results each finds
now, so a fix by synonym or a new post shows), the queries whose results are never
clicked, and weekly trends. It imports nothing from Flask, so the CLI starts quickly.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from indexer.errors import PostsearchError
from searchweb.engine.backend import SearchBackend
from searchweb.records import SearchRequest

DEFAULT_SINCE_DAYS = 30
MAX_SINCE_DAYS = 3650
DEFAULT_LIMIT = 20
DAY_S = 86_400


def answer_counts(backend: SearchBackend) -> Callable[[str], int]:
    """`answers(query)`: how many results a query finds now, with today's index and
    synonyms (for the zero-result list); such a search is not itself logged."""

    def answers(query: str) -> int:
        return backend.search(SearchRequest(query, 1, 1)).total

    return answers


class QueryLogError(PostsearchError):
    """The query log exists but cannot be read (corrupt, or not a postsearch log)."""


@dataclass(frozen=True)
class QueryStat:
    """One normalised query over the report's period."""

    query: str
    searches: int
    zero_result_searches: int
    clicks: int
    last_results: int  # the result count of its latest search
    results_now: int | None = None  # what it finds today, for zero-result queries


@dataclass(frozen=True)
class PeriodStat:
    """Searches, zero-result searches, clicks and distinct queries in one day or ISO week."""

    period: str
    searches: int = 0
    zero_result_searches: int = 0
    clicks: int = 0
    queries: int = 0

    @property
    def zero_rate(self) -> float:
        return self.zero_result_searches / self.searches if self.searches else 0.0


@dataclass(frozen=True)
class Report:
    since_days: int | None
    start: str
    end: str
    searches: int
    zero_result_searches: int
    clicks: int
    later_pages: int  # requests for result pages after the first
    distinct_queries: int
    top_queries: list[QueryStat] = field(default_factory=list)
    zero_result_queries: list[QueryStat] = field(default_factory=list)
    never_clicked: list[QueryStat] = field(default_factory=list)
    weeks: list[PeriodStat] = field(default_factory=list)
    days: list[PeriodStat] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Tally:
    searches: int = 0
    zero: int = 0
    clicks: int = 0
    last_ts: float = -1.0
    last_results: int = 0
    queries: set[str] = field(default_factory=set)

    def stat(self, query: str) -> QueryStat:
        return QueryStat(query, self.searches, self.zero, self.clicks, self.last_results)

    def period(self, label: str) -> PeriodStat:
        return PeriodStat(label, self.searches, self.zero, self.clicks, len(self.queries))


def build_report(
    path: Path,
    since_days: int | None = DEFAULT_SINCE_DAYS,
    limit: int = DEFAULT_LIMIT,
    now: float | None = None,
    answers: Callable[[str], int] | None = None,
) -> Report:
    """The report over the last `since_days` days (None: everything in the log).

    `answers(query)` says how many results a query finds now; each listed zero-result
    query gets it as `results_now`, so the maintainer sees which ones a synonym fixed.
    """
    now = time.time() if now is None else now
    start = now - since_days * DAY_S if since_days else 0.0
    per_query: dict[str, _Tally] = defaultdict(_Tally)
    per_day: dict[date, _Tally] = defaultdict(_Tally)
    later_pages = 0
    for ts, query, results, page, clicks in _rows(path, start):
        day = per_day[datetime.fromtimestamp(ts, UTC).date()]
        tally = per_query[query]
        tally.clicks += clicks
        day.clicks += clicks
        if page > 1:
            later_pages += 1
            continue
        for counted in (tally, day):
            counted.searches += 1
            counted.zero += results == 0
        day.queries.add(query)
        if ts >= tally.last_ts:
            tally.last_ts, tally.last_results = ts, results
    stats = [tally.stat(query) for query, tally in per_query.items() if tally.searches]
    first_day = _first_day(start, per_day, now)
    days = _days(per_day, first_day, datetime.fromtimestamp(now, UTC).date())
    return Report(
        since_days=since_days,
        start=first_day.isoformat(),
        end=datetime.fromtimestamp(now, UTC).date().isoformat(),
        searches=sum(s.searches for s in stats),
        zero_result_searches=sum(s.zero_result_searches for s in stats),
        clicks=sum(tally.clicks for tally in per_query.values()),
        later_pages=later_pages,
        distinct_queries=len(stats),
        top_queries=_top(stats, lambda s: s.searches, limit),
        zero_result_queries=_with_answers(
            _top(stats, lambda s: s.zero_result_searches, limit), answers
        ),
        never_clicked=_top(
            [s for s in stats if s.clicks == 0 and s.searches > s.zero_result_searches],
            lambda s: s.searches,
            limit,
        ),
        weeks=_weeks(per_day),
        days=days,
    )


def _rows(path: Path, start: float) -> list[tuple[float, str, int, int, int]]:
    """(ts, query, results, page, clicks) of every logged request since `start`."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as error:
        raise QueryLogError(f"cannot open the query log {path}: {error}") from error
    try:
        return conn.execute(
            "SELECT s.ts, s.query, s.results, s.page,"
            " (SELECT count(*) FROM clicks c WHERE c.sid = s.sid)"
            " FROM searches s WHERE s.ts >= ? ORDER BY s.id",
            (start,),
        ).fetchall()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            return []  # created, but nothing written yet
        raise QueryLogError(f"cannot read the query log {path}: {error}") from error
    except sqlite3.Error as error:
        raise QueryLogError(f"cannot read the query log {path}: {error}") from error
    finally:
        conn.close()


def _top(stats: list[QueryStat], key: Callable[[QueryStat], int], limit: int) -> list[QueryStat]:
    ranked = sorted((s for s in stats if key(s)), key=lambda s: (-key(s), s.query))
    return ranked[:limit]


def _with_answers(stats: list[QueryStat], answers: Callable[[str], int] | None) -> list[QueryStat]:
    if answers is None:
        return stats
    return [
        QueryStat(
            s.query,
            s.searches,
            s.zero_result_searches,
            s.clicks,
            s.last_results,
            _ask(answers, s.query),
        )
        for s in stats
    ]


def _ask(answers: Callable[[str], int], query: str) -> int | None:
    try:
        return int(answers(query))
    except Exception:  # a query the index cannot answer now is shown as unknown, not fatal
        return None


def _first_day(start: float, per_day: dict[date, _Tally], now: float) -> date:
    if start:
        return datetime.fromtimestamp(start, UTC).date()
    return min(per_day, default=datetime.fromtimestamp(now, UTC).date())


def _days(per_day: dict[date, _Tally], first: date, last: date) -> list[PeriodStat]:
    """Every day from first to last, empty days included, so the chart's x axis is time."""
    count = (last - first).days + 1
    days = (first + timedelta(days=n) for n in range(max(count, 0)))
    return [per_day.get(day, _Tally()).period(day.isoformat()) for day in days]


def _weeks(per_day: dict[date, _Tally]) -> list[PeriodStat]:
    weeks: dict[str, _Tally] = defaultdict(_Tally)
    for day, tally in per_day.items():
        year, week, _ = day.isocalendar()
        total = weeks[f"{year}-W{week:02d}"]
        total.searches += tally.searches
        total.zero += tally.zero
        total.clicks += tally.clicks
        total.queries |= tally.queries
    return [weeks[label].period(label) for label in sorted(weeks)]


# Renderings: text for a terminal, JSON and CSV for tools, an SVG chart for the page.

CSV_FIELDS = ("section", "label", "searches", "zero_result_searches", "clicks", "results_now")
# A spreadsheet runs a cell that starts with one of these as a formula: a visitor's query
# must never become one (CSV injection), so such cells get a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def to_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def to_csv(report: Report) -> str:
    """One table, a `section` column naming each part (total, top, zero, never_clicked…)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    writer.writerow(
        ["total", f"{report.start}..{report.end}", report.searches,
         report.zero_result_searches, report.clicks, ""]
    )  # fmt: skip
    for section, stats in (
        ("top", report.top_queries),
        ("zero_results", report.zero_result_queries),
        ("never_clicked", report.never_clicked),
    ):
        for s in stats:
            now = "" if s.results_now is None else s.results_now
            row = [section, _cell(s.query), s.searches, s.zero_result_searches, s.clicks, now]
            writer.writerow(row)
    for section, periods in (("week", report.weeks), ("day", report.days)):
        for p in periods:
            writer.writerow([section, p.period, p.searches, p.zero_result_searches, p.clicks, ""])
    return out.getvalue()


def _cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_text(report: Report) -> str:
    """A screen a maintainer reads in a terminal."""
    period = f"last {report.since_days} days" if report.since_days else "everything logged"
    rate = report.zero_result_searches / report.searches if report.searches else 0.0
    lines = [
        f"Searches, {period} ({report.start} to {report.end}, UTC)",
        f"  {report.searches} searches, {report.distinct_queries} distinct queries, "
        f"{report.zero_result_searches} with no results ({rate:.1%}), "
        f"{report.clicks} clicks, {report.later_pages} later result pages",
        "",
        "Top queries",
        *_query_lines(report.top_queries, show_now=False),
        "",
        "Queries with no results (now: what the query finds today)",
        *_query_lines(report.zero_result_queries, show_now=True),
        "",
        "Queries whose results are never clicked",
        *_query_lines(report.never_clicked, show_now=False),
        "",
        "By week",
        f"  {'week':<9} {'searches':>8} {'zero':>6} {'clicks':>6} {'queries':>7}",
    ]
    if not report.weeks:
        lines.append("  (none)")
    for w in report.weeks:
        lines.append(
            f"  {w.period:<9} {w.searches:>8} {w.zero_result_searches:>6} "
            f"{w.clicks:>6} {w.queries:>7}"
        )
    return "\n".join(lines) + "\n"


def _query_lines(stats: list[QueryStat], show_now: bool) -> list[str]:
    if not stats:
        return ["  (none)"]
    lines = [f"  {'searches':>8} {'zero':>6} {'clicks':>6} {'now' if show_now else '':>6}  query"]
    for s in stats:
        now = "" if not show_now or s.results_now is None else str(s.results_now)
        lines.append(
            f"  {s.searches:>8} {s.zero_result_searches:>6} {s.clicks:>6} {now:>6}  {s.query}"
        )
    return lines
