"""Validate a search's query-string parameters, once, for the page and the API alike.

The API answers a bad parameter with a 400 in the one error shape; the HTML page uses the
same validation but forgives (it falls back to page 1) since a person is looking at it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from searchweb.config import Settings
from searchweb.search import SearchRequest


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


def query_text(args: Mapping[str, str]) -> str:
    """The visitor's query: `q`, or WordPress's `s` so a theme's search form can point here."""
    return (args.get("q") or args.get("s") or "").strip()


def search_request(
    args: Mapping[str, str], settings: Settings, require_query: bool = True
) -> tuple[SearchRequest, list[str]]:
    """A validated SearchRequest and any notices for the visitor (e.g. a truncated query)."""
    text = query_text(args)
    if require_query and not text:
        raise ParameterError("missing_query", "the q parameter is required")
    notices = []
    if len(text) > settings.max_query_chars:
        text = text[: settings.max_query_chars]
        notices.append(
            f"Your search was shortened to its first {settings.max_query_chars} characters."
        )
    page = _int_param(args, "page", 1, 1, settings.max_page)
    per_page = _int_param(args, "per_page", settings.per_page, 1, settings.max_per_page)
    return SearchRequest(query=text, page=page, per_page=per_page), notices
