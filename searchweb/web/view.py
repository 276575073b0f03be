"""The results page's view: every link a visitor can follow, built from the request's own
parameters (sort, facet, filter chip, page, "did you mean"), so the page works completely
without JavaScript. `static/search.js` builds the same links when it redraws the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import url_for
from markupsafe import escape
from werkzeug.datastructures import MultiDict

from searchweb.config import Settings
from searchweb.query.syntax import parse_visitor_query
from searchweb.web.params import query_text

FACETS = (
    ("type", "Type"),
    ("year", "Year"),
    ("category", "Category"),
    ("author", "Author"),
    ("tag", "Tag"),
)
# How a facet value is shown, where it is a code rather than a name.
VALUE_LABELS = {"type": {"post": "Posts", "page": "Pages"}}
RANGES = (("from", "From"), ("to", "To"))
SORTS = (("relevance", "Relevance"), ("newest", "Newest"), ("oldest", "Oldest"))
# Parameters carried from one results page to the next, in the order their URLs show them.
KEPT = ("q", "sort", *(name for name, _ in FACETS), *(name for name, _ in RANGES), "per_page")
PAGE_WINDOW = 2  # numbered page links shown either side of the current page
# The parameter of a result link that names the words to mark on the post (static/widget.js).
HIGHLIGHT_PARAM = "highlight"

Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Link:
    """One link the page offers: a facet value, a filter chip, a sort or a page number."""

    label: str
    href: str
    current: bool = False
    count: int | None = None


@dataclass(frozen=True)
class FacetGroup:
    """One facet (e.g. Year) with a link per value that adds or removes that filter."""

    name: str
    label: str
    links: list[Link]


@dataclass(frozen=True)
class ResultsView:
    """What the results template shows; `data` is the API's JSON for the same search."""

    query: str
    kept: Pairs  # the filters and sort a new query keeps (hidden fields of the form)
    data: dict[str, Any] | None
    error: str | None
    filters: list[Link]
    facets: list[FacetGroup]
    sorts: list[Link]
    pages: list[Link]
    previous: str | None
    next: str | None
    suggestion: Link | None
    clear_filters: str | None


def visitor_params(args: MultiDict[str, str]) -> Pairs:
    """The request's search parameters, normalised (`s` → `q`, defaults and blanks dropped)."""
    pairs: list[tuple[str, str]] = []
    text = query_text(args)
    if text:
        pairs.append(("q", text))
    for name in KEPT[1:]:
        for value in args.getlist(name):
            value = value.strip()
            if value and not (name == "sort" and value == "relevance"):
                pairs.append((name, value))
    return tuple(dict.fromkeys(pairs))  # a repeated filter counts once


def build_view(
    pairs: Pairs, data: dict[str, Any] | None, error: str | None, settings: Settings
) -> ResultsView:
    """Every link of the page, each computed from the visitor's current parameters."""
    query = next((value for name, value in pairs if name == "q"), "")
    data = data or None
    page, pages = (data["page"], min(data["pages"], settings.max_page)) if data else (1, 0)
    has_filters = any(name in _FILTER_NAMES for name, _ in pairs)
    return ResultsView(
        query=query,
        kept=_drop(pairs, "q"),
        data=data,
        error=error,
        filters=filter_chips(pairs),
        facets=facet_groups(data.get("facets") or {}, pairs) if data else [],
        sorts=sort_links(pairs, _current(pairs, "sort"), browsing=not query),
        pages=page_links(pairs, page, pages),
        previous=results_url(_with(pairs, "page", str(page - 1))) if page > 1 else None,
        next=results_url(_with(pairs, "page", str(page + 1))) if page < pages else None,
        suggestion=_suggestion(data, pairs),
        clear_filters=results_url(_without_filters(pairs)) if has_filters and query else None,
    )


_FILTER_NAMES = frozenset(name for name, _ in (*FACETS, *RANGES))
_LABELS = dict((*FACETS, *RANGES))


def results_url(pairs: Iterable[tuple[str, str]]) -> str:
    """The results page's URL for these parameters."""
    query = urlencode(list(pairs))
    return url_for("web.results_page") + (f"?{query}" if query else "")


def filter_chips(pairs: Pairs) -> list[Link]:
    """The active filters, each a link that removes just that one."""
    return [
        Link(
            f"{_LABELS[name]}: {_shown(name, value)}", results_url(_drop(pairs, name, value)), True
        )
        for name, value in pairs
        if name in _FILTER_NAMES
    ]


def _shown(name: str, value: str) -> str:
    return VALUE_LABELS.get(name, {}).get(value, value)


def facet_groups(facets: dict[str, list[dict[str, Any]]], pairs: Pairs) -> list[FacetGroup]:
    """A group per facet with values; a value's link toggles that filter."""
    groups = []
    for name, label in FACETS:
        links = []
        for item in facets.get(name) or []:
            value = str(item["value"])
            chosen = (name, value) in pairs
            target = _drop(pairs, name, value) if chosen else (*_drop(pairs, "page"), (name, value))
            links.append(Link(_shown(name, value), results_url(target), chosen, int(item["count"])))
        if links:
            groups.append(FacetGroup(name, label, links))
    return groups


def sort_links(pairs: Pairs, current: str | None, browsing: bool = False) -> list[Link]:
    """Relevance, newest, oldest: each keeps the query and filters, and starts at page 1.

    Browsing by filter alone (no query) has no relevance to sort by: newest is the default.
    """
    default = "newest" if browsing else "relevance"
    current = current or default
    base = _drop(_drop(pairs, "sort"), "page")
    return [
        Link(
            label,
            results_url(base if name == default else _with(base, "sort", name)),
            current=name == current,
        )
        for name, label in SORTS
        if not (browsing and name == "relevance")
    ]


def page_links(pairs: Pairs, page: int, pages: int) -> list[Link]:
    """Numbered links around the current page, plus the first and the last."""
    if pages <= 1:
        return []
    shown = {1, pages, *range(max(1, page - PAGE_WINDOW), min(pages, page + PAGE_WINDOW) + 1)}
    return [
        Link(str(number), results_url(_with(pairs, "page", str(number))), number == page)
        for number in sorted(shown)
    ]


def _suggestion(data: dict[str, Any] | None, pairs: Pairs) -> Link | None:
    suggestion = (data or {}).get("suggestion")
    if not suggestion or not suggestion.get("text"):
        return None
    target = (("q", suggestion["text"]), *_drop(_drop(pairs, "q"), "page"))
    return Link(suggestion.get("html") or str(escape(suggestion["text"])), results_url(target))


def _current(pairs: Pairs, name: str) -> str | None:
    return next((value for key, value in pairs if key == name), None)


def _drop(pairs: Iterable[tuple[str, str]], name: str, value: str | None = None) -> Pairs:
    """`pairs` without `name` (or without just `name=value`), and back on page 1."""
    return tuple(
        (key, val)
        for key, val in pairs
        if key != "page" and not (key == name and (value is None or val == value))
    )


def _with(pairs: Pairs, name: str, value: str) -> Pairs:
    return (*_drop(pairs, name), (name, value))


def _without_filters(pairs: Pairs) -> Pairs:
    return tuple((key, value) for key, value in pairs if key not in _FILTER_NAMES and key != "page")


def with_highlight(url: str, query: str) -> str:
    """`url` with `highlight=` the words of `query` (its syntax left out), which the widget
    on the post's page marks; a deep link's `#anchor` stays last. Unchanged without words."""
    words = " ".join(item.text for item in parse_visitor_query(query).items if not item.field)
    if not words.strip():
        return url
    page, hash_mark, anchor = url.partition("#")
    joiner = "&" if "?" in page else "?"
    return f"{page}{joiner}{urlencode({HIGHLIGHT_PARAM: words})}{hash_mark}{anchor}"
