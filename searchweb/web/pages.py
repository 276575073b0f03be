"""The visitor's pages: the results page, the embeddable widget and the OpenSearch description.

This is the HTML end of the flow (backend → `search()` → SearchResults → page). The page
renders the same `SearchResults.to_dict()` the JSON API returns, so the server-rendered page,
`static/search.js` (which redraws it from `/api/search`) and the widget all read one shape.
The page's links are built in searchweb.web.view.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import rjsmin
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from searchweb.config import Settings
from searchweb.web import context
from searchweb.web.params import ParameterError, query_text, search_request
from searchweb.web.view import Pairs, build_view, results_url, visitor_params

pages = Blueprint("web", __name__)

CACHE_SECONDS = 3600  # how long a browser may reuse /widget.js and /theme.css
SHORT_NAME_CHARS = 16  # OpenSearch's limit for ShortName

# Escaped text whose only tags are <mark> and </mark>: what title_html, snippet_html and a
# suggestion's html promise. Anything else is shown as text, never as markup.
MARK_ONLY = re.compile(r"(?:[^<>]|</?mark>)*")


@pages.app_template_filter("mark_only")
def mark_only(html: str | None) -> Markup:
    """Trust highlighted HTML only if it really is escaped text plus <mark> tags."""
    html = html or ""
    return Markup(html) if MARK_ONLY.fullmatch(html) else escape(html)


@pages.get("/")
@pages.get("/search")
def results_page():
    """The results page (also the home page): complete without JavaScript."""
    settings = context.settings()
    pairs = visitor_params(request.args)
    data, error = _run_search(request.args, pairs, settings)
    if data and data["total"] and data["page"] > data["pages"]:
        # A page past the last (an old link, a shorter list since): go to the last page.
        last = min(data["pages"], settings.max_page)
        return redirect(results_url((*pairs, ("page", str(last)))), code=302)
    view = build_view(pairs, data, error, settings)
    return render_template("search.html", settings=settings, query=view.query, view=view)


@pages.get("/widget.js")
def widget_js():
    """The embeddable widget: one script tag on any page of the site (see static/widget.js)."""
    response = current_app.response_class(_widget_source(), mimetype="text/javascript")
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    # Pages on other origins load this script with a plain <script src>; CORP must allow it.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.add_etag()
    return response.make_conditional(request)


@cache
def _widget_source() -> bytes:
    """static/widget.js minified once (comments and indentation out: 35% of its weight)."""
    source = (Path(pages.root_path) / "static" / "widget.js").read_text(encoding="utf-8")
    return rjsmin.jsmin(source).encode("utf-8")


@pages.get("/theme.css")
def theme_css():
    """The deployment's own colours (`accent_color`, `accent_color_dark`, checked as #rrggbb
    when the settings load), over static/style.css's defaults; linked only when set."""
    settings = context.settings()
    css = f":root {{ --accent: {settings.accent_color}; }}\n" if settings.accent_color else ""
    if settings.accent_color_dark:
        dark = settings.accent_color_dark
        css += f"@media (prefers-color-scheme: dark) {{ :root {{ --accent: {dark}; }} }}\n"
    response = current_app.response_class(css, mimetype="text/css")
    response.cache_control.max_age = CACHE_SECONDS
    return response


@pages.app_context_processor
def _theme() -> dict[str, bool]:
    settings = context.settings()
    return {"has_theme": bool(settings.accent_color or settings.accent_color_dark)}


@pages.get("/opensearch.xml")
def opensearch():
    """Lets a browser add the site's search to its address bar."""
    settings = context.settings()
    body = render_template(
        "opensearch.xml",
        short_name=settings.site_name[:SHORT_NAME_CHARS],
        site_name=settings.site_name,
        # The host's root, not url_root: url_for already carries a proxy's path prefix.
        base=request.host_url.rstrip("/"),
        search_path=url_for("web.results_page"),
    )
    return body, 200, {"Content-Type": "application/opensearchdescription+xml; charset=utf-8"}


def _run_search(
    args: MultiDict[str, str], pairs: Pairs, settings: Settings
) -> tuple[dict[str, Any] | None, str | None]:
    """The API's JSON for this request, or None when there is nothing to search for yet.

    A person is reading, so a bad parameter is explained on the page and the query is still
    searched without it, rather than answered with an error document.
    """
    text = query_text(args)
    if not any(name != "sort" and name != "per_page" for name, _ in pairs):
        return None, None
    error = None
    try:
        search, notices = search_request(args, settings)
    except ParameterError as problem:
        error = problem.message
        if not text:
            return None, error
        search, notices = search_request(MultiDict({"q": text}), settings)
    return context.backend().search(search, notices).to_dict(), error
