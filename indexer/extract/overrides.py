"""A maintainer's corrections for an odd theme: CSS selectors that beat the automatic rules.

Read from the site config (the `[extraction]` settings of `searchweb.config.Settings`, same
field names) and handed to `indexer.extract.page.extract(page, overrides=...)`. Every selector is
optional; an empty one means "automatic". A selector that matches nothing on a page falls
back to the automatic rules for that page, so one odd page does not empty a field.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from cssselect import SelectorError

from indexer.errors import PostsearchError
from indexer.extract.dates import parse_iso_date, parse_visible_date
from indexer.extract.parse import (
    Element,
    attached,
    compiled,
    css_select,
    remove,
    text_length,
    visible_text,
)


class OverrideError(PostsearchError):
    """An override selector is not valid CSS; raised once, before any page is read."""


@dataclass(frozen=True)
class ExtractionOverrides:
    """CSS selectors naming where a site keeps its body and fields (empty: automatic)."""

    content_selector: str = ""
    ignore_selectors: tuple[str, ...] = ()
    title_selector: str = ""
    date_selector: str = ""
    author_selector: str = ""
    category_selector: str = ""
    tag_selector: str = ""

    def __post_init__(self) -> None:
        for name, selector in self._selectors():
            try:
                compiled(selector)
            except SelectorError as error:
                raise OverrideError(f"{name}: not a valid CSS selector: {selector!r}") from error

    @classmethod
    def from_settings(cls, settings: object) -> ExtractionOverrides:
        """Build from any object with attributes of these names (e.g. searchweb Settings)."""
        values = {}
        for spec in fields(cls):
            value = getattr(settings, spec.name, None)
            if value:
                values[spec.name] = tuple(value) if spec.name == "ignore_selectors" else value
        return cls(**values)

    def _selectors(self):
        for spec in fields(self):
            value = getattr(self, spec.name)
            for selector in value if isinstance(value, tuple) else (value,):
                if selector:
                    yield spec.name, selector

    @property
    def empty(self) -> bool:
        return not any(True for _ in self._selectors())


NO_OVERRIDES = ExtractionOverrides()


def select_content(root: Element, overrides: ExtractionOverrides) -> Element | None:
    """The element the content selector names (the largest when several match)."""
    if not overrides.content_selector:
        return None
    found = css_select(root, overrides.content_selector)
    return max(found, key=text_length, default=None)


def remove_ignored(root: Element, overrides: ExtractionOverrides) -> None:
    """Remove what the maintainer said to ignore, in place."""
    for selector in overrides.ignore_selectors:
        for tag in css_select(root, selector):
            if tag is not root and attached(tag, root):
                remove(tag)


def text_of(root: Element, selector: str) -> str | None:
    """The visible text of the first element `selector` names that has any."""
    if not selector:
        return None
    return next((text for tag in css_select(root, selector) if (text := visible_text(tag))), None)


def texts_of(root: Element, selector: str) -> list[str]:
    """The visible text of every element `selector` names, each once, in page order."""
    if not selector:
        return []
    seen: dict[str, None] = {}
    for tag in css_select(root, selector):
        if text := visible_text(tag):
            seen.setdefault(text, None)
    return list(seen)


def date_of(root: Element, selector: str) -> date | None:
    """The date in the element `selector` names: its machine attribute, else its text."""
    if not selector:
        return None
    for tag in css_select(root, selector):
        for attribute in ("datetime", "content", "title"):
            value = tag.get(attribute)
            if isinstance(value, str) and (found := parse_iso_date(value)):
                return found
        if found := parse_visible_date(visible_text(tag)):
            return found
    return None
