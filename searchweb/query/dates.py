"""Date ranges as visitors write them: `2023`, `2023-05`, `2023-05-04`, `2021..2023`, `..2020`.

One parser serves both `date:` in the query text and the `from`/`to` parameters, so the two
cannot disagree about what "2023" covers (the whole year, both ends inclusive).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of days; either end may be open (None)."""

    start: date | None = None
    end: date | None = None

    def intersect(self, other: DateRange) -> DateRange:
        starts = [d for d in (self.start, other.start) if d]
        ends = [d for d in (self.end, other.end) if d]
        return DateRange(max(starts) if starts else None, min(ends) if ends else None)

    def is_empty(self) -> bool:
        return bool(self.start and self.end and self.start > self.end)

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """The range as datetimes covering whole days, for the index's date field."""
        start = datetime.combine(self.start, time.min) if self.start else None
        end = datetime.combine(self.end, time.max) if self.end else None
        return start, end


def parse_day(text: str, last: bool = False) -> date | None:
    """`2023` / `2023-05` / `2023-05-04` → its first day (or its last day when `last`)."""
    match = _PARTIAL.match(text.strip())
    if not match:
        return None
    year = int(match[1])
    month = int(match[2]) if match[2] else (12 if last else 1)
    if not (EARLIEST_YEAR <= year <= LATEST_YEAR and 1 <= month <= 12):
        return None
    days_in_month = calendar.monthrange(year, month)[1]
    day = int(match[3]) if match[3] else (days_in_month if last else 1)
    if not 1 <= day <= days_in_month:
        return None
    return date(year, month, day)


def parse_date_range(text: str, today: date | None = None) -> DateRange | None:
    """`2023`, `2021..2023`, `..2020`, `2020..` → a DateRange; None when it is not a date."""
    del today  # reserved for relative ranges ("last-year"); none are accepted yet
    text = text.strip()
    if ".." not in text:
        start, end = parse_day(text), parse_day(text, last=True)
        return DateRange(start, end) if start and end else None
    low, _, high = text.partition("..")
    start = parse_day(low) if low else None
    end = parse_day(high, last=True) if high else None
    if (low and not start) or (high and not end) or not (start or end):
        return None
    return DateRange(start, end)
