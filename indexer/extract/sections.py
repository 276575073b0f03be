"""A post's headings, and where each section of its body starts: the deep links of a result.

A reader of a long post who searched for one of its topics wants the part that holds it, so
a result can link straight to the heading a match sits under. This reads the post's
headings from the parsed page after its body has been cut out: a heading is a section of
the post when its text stands as a line of the body (the chrome's headings are not in it),
in order. Its anchor is the `id` the page gives it (on the heading, or on a link inside it),
else the slug of its text, the same slug the widget adds to the heading on the post's page.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import islice

from indexer.extract.parse import Element, visible_text
from indexer.records import Section

HEADING_TAGS = ("h2", "h3", "h4")
MAX_HEADING_CHARS = 200
MAX_SECTIONS = 64
_NOT_SLUG = re.compile(r"[^\w\s-]")
_SPACES = re.compile(r"[\s_-]+")


def slug(text: str) -> str:
    """A heading's text as an anchor: lower case, accents and punctuation dropped, words
    joined by hyphens ("Don't skip the tyre!" → "dont-skip-the-tyre")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SPACES.sub("-", _NOT_SLUG.sub("", plain.lower())).strip("-")


def read_sections(root: Element, body: str) -> tuple[Section, ...]:
    """The sections of `body`: each heading of the page (`root`, as the body's extraction
    left it) that stands as a line of it."""
    found: list[Section] = []
    at = 0
    for heading in root.iter(*HEADING_TAGS):
        text = visible_text(heading)
        if not text or len(text) > MAX_HEADING_CHARS:
            continue
        offset = _line_at(body, text, at)
        if offset < 0:
            continue
        anchor = _own_id(heading) or slug(text)
        if anchor:
            found.append(Section(offset, text, anchor))
        at = offset + len(text)
        if len(found) == MAX_SECTIONS:
            break
    return tuple(found)


def _line_at(body: str, line: str, start: int) -> int:
    """Where `line` stands as a whole line of `body`, at or after `start`; -1 if nowhere."""
    at = body.find(line, start)
    while at >= 0:
        end = at + len(line)
        if (at == 0 or body[at - 1] == "\n") and (end == len(body) or body[end] == "\n"):
            return at
        at = body.find(line, at + 1)
    return -1


def _own_id(heading: Element) -> str | None:
    """The heading's id, else one an anchor inside it carries (`<a id>`, `<a name>`)."""
    candidates = [heading.get("id")]
    for inner in islice(heading.iterdescendants("a", "span"), 3):
        candidates += [inner.get("id"), inner.get("name") if inner.tag == "a" else None]
    return next((c.strip() for c in candidates if isinstance(c, str) and c.strip()), None)
