"""The token-protected /admin/report page, with its chart of searches per day.

The chart is an SVG drawn here, on the server (no chart library in the browser), styled by
class only so the strict Content-Security-Policy holds.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from markupsafe import Markup, escape

from searchweb.analytics.querylog import log_path
from searchweb.analytics.report import (
    DEFAULT_SINCE_DAYS,
    MAX_SINCE_DAYS,
    PeriodStat,
    answer_counts,
    build_report,
)
from searchweb.web import context
from searchweb.web.auth import supplied_token, token_matches

report = Blueprint("report", __name__)


CHART_W, CHART_H = 720, 240
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 44, 44, 12, 30


def svg_chart(days: list[PeriodStat]) -> Markup:
    """Bars: searches per day (left axis). Line: share of them with no result (right axis).

    Drawn here so the page needs no script; every text is escaped, styling is by class
    (the CSP allows no inline style), and each bar carries a <title> as its tooltip.
    """
    plot_w, plot_h = CHART_W - PAD_LEFT - PAD_RIGHT, CHART_H - PAD_TOP - PAD_BOTTOM
    peak = max((d.searches for d in days), default=0)
    parts = [
        f'<svg class="chart" viewBox="0 0 {CHART_W} {CHART_H}" role="img" '
        'aria-labelledby="chart-title"><title id="chart-title">Searches per day and the '
        "share with no results</title>",
        _axes(plot_w, plot_h, peak, days),
    ]
    if not peak:
        parts.append(f'<text class="chart-empty" x="{CHART_W / 2}" y="{CHART_H / 2}">'
                     "No searches in this period</text>")  # fmt: skip
    step = plot_w / max(len(days), 1)
    points = []
    for n, day in enumerate(days):
        x = PAD_LEFT + n * step
        if day.searches:
            height = plot_h * day.searches / peak
            tip = escape(
                f"{day.period}: {day.searches} searches, "
                f"{day.zero_result_searches} with no results ({day.zero_rate:.0%})"
            )
            parts.append(
                f'<rect class="chart-bar" x="{x + step * 0.1:.1f}" '
                f'y="{PAD_TOP + plot_h - height:.1f}" width="{step * 0.8:.1f}" '
                f'height="{height:.1f}"><title>{tip}</title></rect>'
            )
            points.append(f"{x + step / 2:.1f},{PAD_TOP + plot_h * (1 - day.zero_rate):.1f}")
    if points:
        parts.append(f'<polyline class="chart-rate" points="{" ".join(points)}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _axes(plot_w: float, plot_h: float, peak: int, days: list[PeriodStat]) -> str:
    bottom, right = PAD_TOP + plot_h, PAD_LEFT + plot_w
    labels = [
        (PAD_LEFT - 6, PAD_TOP + 10, "end", str(peak)),
        (PAD_LEFT - 6, bottom, "end", "0"),
        (right + 6, PAD_TOP + 10, "start", "100%"),
        (right + 6, bottom, "start", "0%"),
    ]
    if days:
        labels.append((PAD_LEFT, bottom + 20, "start", days[0].period))
        labels.append((right, bottom + 20, "end", days[-1].period))
    texts = "".join(
        f'<text class="chart-label chart-{anchor}" x="{x}" y="{y}">{escape(text)}</text>'
        for x, y, anchor, text in labels
    )
    return (
        f'<line class="chart-axis" x1="{PAD_LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}"/>'
        f'<line class="chart-axis" x1="{PAD_LEFT}" y1="{PAD_TOP}" x2="{PAD_LEFT}" y2="{bottom}"/>'
        f"{texts}"
    )


# The admin page: 404 unless an admin_token is set; the token in an Authorization: Bearer
# header (scripts) or posted from the page's small form (a browser); no cookie either way.


@report.route("/admin/report", methods=["GET", "POST"])
def admin_report():
    settings = context.settings()
    if not settings.admin_token:
        abort(404)
    supplied = supplied_token(allow_form=True)
    if not token_matches(supplied, settings.admin_token):
        failed = bool(supplied)
        body = render_template("report.html", settings=settings, login=True, failed=failed)
        response = _private(Response(body, 403 if failed else 401))
        response.headers["WWW-Authenticate"] = 'Bearer realm="postsearch admin"'
        return response
    since = _since_days(request.values.get("since"))
    answers = answer_counts(context.plain_backend())
    found = build_report(log_path(settings), since_days=since, answers=answers)
    body = render_template(
        "report.html",
        settings=settings,
        login=False,
        report=found,
        chart=svg_chart(found.days),
        log_on=context.querylog() is not None,
        token=supplied if request.method == "POST" else "",
    )
    return _private(Response(body))


def _since_days(raw: str | None) -> int:
    try:
        days = int(raw or DEFAULT_SINCE_DAYS)
    except ValueError:
        return DEFAULT_SINCE_DAYS
    return min(max(days, 1), MAX_SINCE_DAYS)


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
