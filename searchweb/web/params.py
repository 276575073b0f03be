"""Validate a search's query-string parameters, once, for the page and the API alike.

The API answers a bad parameter with a 400 in the one error shape; the HTML page uses the
same validation but forgives (it falls back to the plain query) since a person is reading it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from searchweb.config import Settings
from searchweb.query.dates import DateRange, parse_day
from searchweb.records import SORTS, TYPES, Filters, SearchRequest

# Bounds on what one request may ask for: values per filter and characters per value.
MAX_FILTER_VALUES = 10
MAX_FILTER_CHARS = 200
MAX_SUGGEST_LIMIT = 20
MAX_RELATED_LIMIT = 20
MAX_URL_CHARS = 2000


@dataclass
class ParameterError(Exception):
    """A request parameter is missing or invalid; `code` is stable, `message` is for people."""

    code: str
    message: str
    status: int = 400


def _int_param(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ParameterError(f"invalid_{name}", f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise ParameterError(f"invalid_{name}", f"{name} must be between {low} and {high}")
    return value


def _values(args: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Every non-empty value of a repeatable parameter (`?tag=a&tag=b`), validated."""
    raw = args.getlist(name) if hasattr(args, "getlist") else [args.get(name) or ""]
    if len(raw) > MAX_FILTER_VALUES:
        raise ParameterError("invalid_filter", f"at most {MAX_FILTER_VALUES} values of {name}")
    values = tuple(dict.fromkeys(v.strip() for v in raw if v and v.strip()))
    if len(values) > MAX_FILTER_VALUES:
        raise ParameterError("invalid_filter", f"at most {MAX_FILTER_VALUES} values of {name}")
    if any(len(v) > MAX_FILTER_CHARS for v in values):
        raise ParameterError("invalid_filter", f"a {name} value is over {MAX_FILTER_CHARS} chars")
    return values


def query_text(args: Mapping[str, str]) -> str:
    """The visitor's query: `q`, or WordPress's `s` so a theme's search form can point here."""
    return (args.get("q") or args.get("s") or "").strip()


def filters_from(args: Mapping[str, str]) -> Filters:
    """The year, category, author, tag, type and from/to filters of a request."""
    years = _values(args, "year")
    for year in years:
        if not (year.isdigit() and len(year) == 4):
            raise ParameterError("invalid_filter", f"year must be four digits, not {year!r}")
    types = _values(args, "type")
    if not set(types) <= set(TYPES):
        raise ParameterError("invalid_filter", f"type must be one of {', '.join(TYPES)}")
    start, end = _day(args, "from", last=False), _day(args, "to", last=True)
    dates = DateRange(start, end) if start or end else None
    return Filters(
        year=years,
        category=_values(args, "category"),
        author=_values(args, "author"),
        tag=_values(args, "tag"),
        dates=dates,
        type=types,
    )


def _day(args: Mapping[str, str], name: str, last: bool) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    day = parse_day(raw, last=last)
    if day is None:
        raise ParameterError("invalid_date", f"{name} must be YYYY, YYYY-MM or YYYY-MM-DD")
    return day


def search_request(
    args: Mapping[str, str], settings: Settings, require_query: bool = True
) -> tuple[SearchRequest, list[str]]:
    """A validated SearchRequest and any notices for the visitor (e.g. a truncated query).

    A request with filters but no text is a browse (newest first), so `q` is only required
    when there is nothing else to go on.
    """
    text = query_text(args)
    filters = filters_from(args)
    if require_query and not text and filters.is_empty():
        raise ParameterError("missing_query", "the q parameter is required")
    notices = []
    if len(text) > settings.max_query_chars:
        text = text[: settings.max_query_chars]
        notices.append(
            f"Your search was shortened to its first {settings.max_query_chars} characters."
        )
    page = _int_param(args, "page", 1, 1, settings.max_page)
    per_page = _int_param(args, "per_page", settings.per_page, 1, settings.max_per_page)
    sort = (args.get("sort") or "relevance").strip().lower()
    if sort not in SORTS:
        raise ParameterError("invalid_sort", f"sort must be one of {', '.join(SORTS)}")
    partial = (args.get("partial") or "0").strip().lower()
    if partial not in ("0", "1", "true", "false"):
        raise ParameterError("invalid_partial", "partial must be 1 or 0")
    request = SearchRequest(
        text, page, per_page, sort=sort, filters=filters, partial=partial in ("1", "true")
    )
    return request, notices


def suggest_params(args: Mapping[str, str], settings: Settings) -> tuple[str, int]:
    """The prefix and limit of an autocomplete request."""
    prefix = (args.get("q") or "")[: settings.max_query_chars]
    limit = _int_param(args, "limit", 8, 1, MAX_SUGGEST_LIMIT)
    return prefix, limit


def related_params(args: Mapping[str, str]) -> tuple[str, int]:
    """The post's URL and how many related posts a `/api/related` request asks for."""
    url = (args.get("url") or "").strip()
    if not url:
        raise ParameterError("missing_url", "the url parameter is required")
    if len(url) > MAX_URL_CHARS or not url.startswith(("http://", "https://")):
        raise ParameterError("invalid_url", "url must be an http(s) address of a post")
    return url, _int_param(args, "limit", 5, 1, MAX_RELATED_LIMIT)
