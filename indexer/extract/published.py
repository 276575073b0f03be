"""A post's publication date: an ordered cascade of the places pages keep it, and the URL.

Most trustworthy first: JSON-LD and `<meta>`, `<time datetime>`, the microformats of old
themes (hAtom's `abbr.published` with the date in its title, the value-class pattern),
the visible byline, Blogger's date header, the lines after the title, theme date classes
(`y2019 m04 d23`), and last hAtom's `updated`. Each step yields every date it finds.

The URL is read apart: a date in the path ("/2019/04/23/slug/", "/2019/04/slug/") picks,
among the page's dates, the first that falls on it, and names the day itself only when
the page shows none and the path has all three parts. A path with only a year and month
never invents a day.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from itertools import chain

from indexer.extract.dates import parse_iso_date, parse_visible_date, url_date
from indexer.extract.facts import PageFacts, nearby_lines
from indexer.extract.parse import Element, classes, visible_text

META_DATE_KEYS = ("article:published_time", "datepublished", "date", "pubdate", "dc.date")
TIME_SELECTORS = (
    "time.published",
    "time.entry-date",
    ".wp-block-post-date time",
    "[itemprop=datePublished]",
    "time",
)
# hAtom and microformats2: the date in an attribute, or in a "value" part inside.
PUBLISHED_SELECTORS = (".published", ".dt-published")
UPDATED_SELECTORS = (".updated", ".dt-updated")
VALUE_SELECTORS = (".value-title", ".value")
DATE_ATTRIBUTES = ("datetime", "title", "content")
VISIBLE_DATE_SELECTORS = (
    ".published",
    ".entry-date",
    ".post-date",
    ".wp-block-post-date",
    ".posted-on",
    ".entry-meta",
    ".post-meta",
    ".byline",
    ".date",
    ".meta",
)
# Blogger prints the day once, above the post and outside it ("Tuesday, March 4, 2008").
DATE_HEADER_SELECTOR = ".date-header"
VISIBLE_CHARS = 300
# Theme classes: "y2019 m04 d23" on the post; on <body>, "s-y2019 s-m04 s-d23" is the single
# post's date (plain y/m/d there is when the page was made, the weakest of hints).
_THEME_DATE_CLASS = re.compile(r"(s-)?([ymd])(\d{1,4})")


def _meta_dates(facts: PageFacts) -> Iterator[date]:
    """JSON-LD datePublished, then <meta> dates: machine-written, else written for people."""
    published = facts.ld("datePublished")
    if isinstance(published, list):
        published = published[0] if published else None
    candidates = [published if isinstance(published, str) else ""]
    candidates += [facts.meta.get(key, "") for key in META_DATE_KEYS]
    for value in filter(None, candidates):
        found = parse_iso_date(value) or parse_visible_date(value[:100])
        if found:
            yield found


def _time_dates(facts: PageFacts) -> Iterator[date]:
    scope = facts.post_scope()
    for selector in TIME_SELECTORS:
        for tag in facts.select(selector, scope):
            value = tag.get("datetime") or tag.get("content")
            found = parse_iso_date(value) if isinstance(value, str) else None
            if found:
                yield found


def _microformat_dates(facts: PageFacts, selectors: tuple[str, ...]) -> Iterator[date]:
    scope = facts.post_scope()
    for selector in selectors:
        for tag in facts.select(selector, scope):
            yield from machine_dates(facts, tag)


def machine_dates(facts: PageFacts, tag: Element) -> Iterator[date]:
    """The machine-readable dates an element carries: in its attributes, else in its
    value-class parts (`<span class="value-title" title="2008-03-04">`)."""
    for part in (tag, *(p for s in VALUE_SELECTORS for p in facts.select(s, tag))):
        for attribute in DATE_ATTRIBUTES:
            value = part.get(attribute)
            if value and (found := parse_iso_date(value)):
                yield found
        if part is not tag and (found := parse_iso_date(visible_text(part))):
            yield found


def _published_dates(facts: PageFacts) -> Iterator[date]:
    return _microformat_dates(facts, PUBLISHED_SELECTORS)


def _updated_dates(facts: PageFacts) -> Iterator[date]:
    return _microformat_dates(facts, UPDATED_SELECTORS)


def _visible_dates(facts: PageFacts) -> Iterator[date]:
    scope = facts.post_scope()
    for selector in VISIBLE_DATE_SELECTORS:
        for tag in facts.select(selector, scope):
            found = parse_visible_date(visible_text(tag)[:VISIBLE_CHARS])
            if found:
                yield found


def _date_header_dates(facts: PageFacts) -> Iterator[date]:
    headers = facts.select(DATE_HEADER_SELECTOR)
    if len(headers) == 1 and (found := parse_visible_date(visible_text(headers[0]))):
        yield found


def _near_title_dates(facts: PageFacts) -> Iterator[date]:
    """Dates in the lines after the title, or after the header block the title sits in."""
    lines = nearby_lines(facts)
    heading = facts.title_element
    if heading is not None and heading.getparent() is not None and len(lines) == 0:
        lines = nearby_lines(facts, anchor=heading.getparent())
    yield from filter(None, map(parse_visible_date, lines))


def _theme_class_dates(facts: PageFacts) -> Iterator[date]:
    scope = facts.post_scope()
    body = facts.document.first("body")
    if scope is not facts.root and (found := _date_from_classes(classes(scope), "")):
        yield found
    if body is not None:
        for prefix in ("s-", ""):
            if found := _date_from_classes(classes(body), prefix):
                yield found


def _date_from_classes(names: list[str], prefix: str) -> date | None:
    parts: dict[str, str] = {}
    for name in names:
        match = _THEME_DATE_CLASS.fullmatch(name)
        if match and (match[1] or "") == prefix:
            parts.setdefault(match[2], match[3])
    if len(parts) < 3 or len(parts["y"]) != 4:
        return None
    return parse_iso_date(f"{parts['y']}-{parts['m']}-{parts['d']}")


DATE_STEPS: tuple[Callable[[PageFacts], Iterator[date]], ...] = (
    _meta_dates,
    _time_dates,
    _published_dates,
    _visible_dates,
    _date_header_dates,
    _near_title_dates,
    _theme_class_dates,
    _updated_dates,
)


def _first(step: Callable[[PageFacts], Iterator[date]]) -> Callable[[PageFacts], date | None]:
    def first(facts: PageFacts) -> date | None:
        return next(step(facts), None)

    first.__name__ = "date_from" + step.__name__.removesuffix("_dates")
    first.__doc__ = step.__doc__
    return first


# Each step on its own, first date only (the table tests call these).
date_from_meta = _first(_meta_dates)
date_from_time_element = _first(_time_dates)
date_from_microformats = _first(_published_dates)
date_from_visible_text = _first(_visible_dates)
date_from_date_header = _first(_date_header_dates)
date_near_title = _first(_near_title_dates)
date_from_theme_classes = _first(_theme_class_dates)
date_from_updated = _first(_updated_dates)


def date_from_page_url(facts: PageFacts) -> date | None:
    """The day the URL names, when it names one."""
    found = url_date(facts.url)
    return found.full if found is not None else None


def read_date(facts: PageFacts) -> date | None:
    """The page's first date, or its first date on the day or month its URL names; else
    the URL's own date when it names a day."""
    in_url = url_date(facts.url)
    first = None
    for found in chain.from_iterable(step(facts) for step in DATE_STEPS):
        if in_url is None or in_url.agrees(found):
            return found
        first = first or found
    if first is not None:
        return first
    return in_url.full if in_url is not None else None
