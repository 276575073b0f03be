"""What a visitor typed → a parsed query, never through Whoosh's own query syntax.

Visitors type prose with a little syntax, not a query language: `?` is not a wildcard, a
stray quote or `AND` at the end is not an error. The syntax we do read is small and forgiving:

    plain words             posts with all of them rank first, then posts with some
    "exact phrase"          required, in that order
    -word, -"phrase"        excluded
    a OR b                  either (joins the items on both sides)
    title: author: category: tag:   a word or "quoted value" in that field only (required)
    date:2023  date:2021..2023  date:2023-05  date:..2020   the post's date (required)
    garden*                 words starting with "garden" (a bounded expansion)

Anything that does not fit, such as `title:` with nothing after it, a lone `-`, `OR` at the
start or end, or `date:yesterday`, is taken as literal words. Parsing cannot raise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from searchweb.query.dates import DateRange, parse_date_range

FIELD_NAMES = ("title", "author", "category", "tag")
MAX_ITEMS = 64  # a 5,000-character paste stops mattering long before this

# One piece of the query: an optional "-", an optional "name:", then "a phrase" or a word.
_PIECE = re.compile(r'(?P<neg>-)?(?:(?P<name>[A-Za-z]+):)?(?:"(?P<quoted>[^"]*)"|(?P<word>\S+))')
_HAS_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Item:
    """One searchable piece: a word, a phrase, or a word/phrase in one field."""

    text: str
    phrase: bool = False  # "quoted": the words must appear together, in order
    prefix: bool = False  # garden*: any word starting with the text
    field: str | None = None  # title/author/category/tag, or None for everywhere


@dataclass
class VisitorQuery:
    """A visitor's text, split into what we act on.

    `groups` are the optional-but-ranking parts: each group is one item or several joined by
    OR. `required` must all match (phrases, field matches), `excluded` must not.
    """

    groups: list[list[Item]] = field(default_factory=list)
    required: list[Item] = field(default_factory=list)
    excluded: list[Item] = field(default_factory=list)
    dates: DateRange | None = None

    @property
    def items(self) -> list[Item]:
        """Every positive item, for highlighting."""
        return [*(item for group in self.groups for item in group), *self.required]

    @property
    def words(self) -> list[str]:
        """The plain words (not phrases, fields or prefixes), in order: what spelling checks."""
        return [
            item.text
            for group in self.groups
            for item in group
            if not (item.phrase or item.prefix or item.field)
        ]

    def is_empty(self) -> bool:
        return not (self.groups or self.required)


def parse_visitor_query(text: str, today: date | None = None) -> VisitorQuery:
    """Split `text` into groups, required and excluded items and a date range."""
    if text.count('"') % 2:  # an unbalanced quote is just a character
        text = text.replace('"', " ")
    parsed = VisitorQuery()
    pending_or = False
    for match in list(_PIECE.finditer(text))[: MAX_ITEMS * 2]:
        if match["word"] == "OR" and not match["neg"] and not match["name"]:
            pending_or = bool(parsed.groups)
            continue
        joined = _add_piece(parsed, match, pending_or, today)
        pending_or = pending_or and not joined
    parsed.groups = parsed.groups[:MAX_ITEMS]
    return parsed


def _add_piece(parsed: VisitorQuery, match: re.Match, after_or: bool, today: date | None) -> bool:
    """Add one matched piece to `parsed`; True if it was joined to the group before it."""
    negated, name = bool(match["neg"]), (match["name"] or "").lower()
    quoted, word = match["quoted"], match["word"]
    value = quoted if quoted is not None else word
    if name == "date" and not negated and word:
        found = parse_date_range(word, today)
        if found:
            parsed.dates = found if parsed.dates is None else parsed.dates.intersect(found)
            return False
    if name and name not in FIELD_NAMES:
        # "re:", "http:", "10:30" ... are text, not a field: keep the whole piece as words.
        value = f"{match['name']}:{value}"
        name = ""
    item = _item(value, phrase=quoted is not None, field=name or None)
    if item is None:
        return False
    if negated:
        parsed.excluded.append(item)
    elif item.field or (item.phrase and not after_or):
        parsed.required.append(item)
    elif after_or:
        parsed.groups[-1].append(item)
        return True
    else:
        parsed.groups.append([item])
    return False


def _item(value: str, phrase: bool, field: str | None) -> Item | None:
    """An Item for `value`, or None when it holds no word character at all."""
    value = value.strip()
    if not _HAS_WORD.search(value):
        return None
    prefix = not phrase and value.endswith("*") and len(value.rstrip("*")) >= 2
    if prefix:
        value = value.rstrip("*")
    return Item(text=value, phrase=phrase and " " in value, prefix=prefix, field=field)


def with_synonyms(parsed: VisitorQuery, pairs: tuple[tuple[str, str], ...]) -> VisitorQuery:
    """Add the maintainer's synonyms as alternatives: `colour = color` works both ways.

    A synonym may be several words ("nk = north korea"); typed words that spell one out
    side by side become one group, matched as a phrase or as any of its synonyms.
    """
    if not pairs or not parsed.groups:
        return parsed
    alternatives: dict[str, set[str]] = {}
    for left, right in pairs:
        alternatives.setdefault(left, set()).add(right)
        alternatives.setdefault(right, set()).add(left)
    longest = max(len(key.split()) for key in alternatives)
    groups, index = [], 0
    while index < len(parsed.groups):
        size, key = _synonym_at(parsed.groups, index, alternatives, longest)
        if not key:
            groups.append(parsed.groups[index])
            index += 1
            continue
        own = [_phrase_or_word(key)] if size > 1 else list(parsed.groups[index])
        groups.append(own + [_phrase_or_word(alt) for alt in sorted(alternatives[key])])
        index += size
    return VisitorQuery(groups, parsed.required, parsed.excluded, parsed.dates)


def _synonym_at(
    groups: list[list[Item]], index: int, alternatives: dict[str, set[str]], longest: int
) -> tuple[int, str | None]:
    """The longest synonym key spelled by the plain single-word groups starting at `index`."""
    for size in range(min(longest, len(groups) - index), 0, -1):
        window = groups[index : index + size]
        if not all(len(g) == 1 and not (g[0].phrase or g[0].prefix or g[0].field) for g in window):
            continue
        key = " ".join(g[0].text.lower() for g in window)
        if key in alternatives:
            return size, key
    return 0, None


def _phrase_or_word(text: str) -> Item:
    return Item(text=text, phrase=" " in text)


def completing_last_word(parsed: VisitorQuery, text: str) -> VisitorQuery:
    """`parsed` with its last word also matching longer words: "sourdough sta" finds "starter".

    For searches made while the visitor is still typing: the last word may be unfinished.
    It is matched as typed or as the start of a word, so "did you mean" still reads it as
    typed. Only a plain word that ends the text is completed (not a phrase or a field).
    """
    tokens = text.split()
    if not tokens or not parsed.groups or len(parsed.groups[-1]) != 1:
        return parsed
    last = parsed.groups[-1][0]
    if last.phrase or last.prefix or last.field or len(last.text) < 2:
        return parsed
    if tokens[-1].lower() != last.text.lower():
        return parsed
    groups = [*parsed.groups[:-1], [last, Item(last.text, prefix=True)]]
    return VisitorQuery(groups, parsed.required, parsed.excluded, parsed.dates)
