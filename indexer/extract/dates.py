"""Published dates from the strings a page offers: extract → metadata → here.

The extractor finds candidate strings (a `<time datetime>`, JSON-LD `datePublished`,
`article:published_time`, a byline, the URL) and the metadata cascade asks this module to
turn each one into a `datetime.date`. Every function here takes whatever junk real pages
contain and answers `None` rather than raising, so the cascade can simply try the next
source. Regexes are compiled once at import and written without nested quantifiers,
because they run on every page of sites with thousands of posts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from urllib.parse import urlsplit

# Dates outside these years are template placeholders ("0000-00-00"), epoch zeroes or
# typos, never a real publication date.
MIN_YEAR = 1970
MAX_YEAR = 2100
# A four-digit URL segment before 1990 is far more often an id than a year (no blogs yet).
MIN_URL_YEAR = 1990

# Month names and their usual abbreviations, already lowercased and without accents
# (the text is folded the same way before matching). Shared spellings across languages
# ("mar", "set", "ago", "mai") always mean the same month, so one table serves all.
_MONTH_NAMES: dict[int, str] = {
    1: "january jan enero ene janvier janv januar janner gennaio gen janeiro januari",
    2: "february feb febr febrero fevrier fevr fev februar febbraio fevereiro februari",
    3: "march mar marzo mars marz maerz mrz marco maart mrt",
    4: "april apr abril abr avril avr aprile",
    5: "may mayo mai maggio mag maio mei",
    6: "june jun junio juin juni giugno giu junho",
    7: "july jul julio juillet juil juli luglio lug julho",
    8: "august aug agosto ago aout augustus",
    9: "september sep sept septiembre setiembre set septembre settembre sett setembro",
    10: "october oct octubre octobre oktober okt ottobre ott outubro out",
    11: "november nov noviembre novembre novembro",
    12: "december dec diciembre dic decembre dezember dez dicembre dezembro",
}
MONTHS: dict[str, int] = {
    name: number for number, names in _MONTH_NAMES.items() for name in names.split()
}

# Longest first, so "sept" is tried before "sep"; the lookarounds keep "mar" out of "market".
# The leading (?=[a-z]) is for speed: it lets the engine skip non-letters cheaply instead of
# trying the lookbehind and a hundred alternatives at every space and digit.
_MONTH_ALTERNATIVES = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH = r"(?=[a-z])(?<![a-z])(?P<month>" + _MONTH_ALTERNATIVES + r")(?![a-z])"
_DAY = r"(?<!\d)(?P<day>\d{1,2})(?!\d)"
_YEAR = r"(?<!\d)(?P<year>\d{4})(?!\d)"

# Machine dates, matched against the whole (stripped, lowercased) value. The time and zone
# are allowed but ignored: the date as written is the author's local publication date,
# which is what a reader of the post saw, so no timezone conversion is done.
_TIME_TAIL = (
    r"(?:(?:t|\s+)\d{1,2}:?\d{2}(?::?\d{2})?(?:[.,]\d+)?)?"  # "T10:22:00.123", " 10:22"
    r"\s*(?:z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?"  # "Z", "+00:00", "-0500"
)
_ISO_SEPARATED = re.compile(
    r"(?P<year>\d{4})([-/.])(?P<month>\d{1,2})\2(?P<day>\d{1,2})" + _TIME_TAIL
)
_ISO_COMPACT = re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})" + _TIME_TAIL)

# Dates written for people, searched for anywhere in a (folded) byline. Separator runs are
# possessive (*+): what follows them never starts with a separator, so giving characters
# back could not help a match and would only make long runs of spaces quadratic.
_VISIBLE_YMD = re.compile(
    r"(?<!\d)(?P<year>\d{4})([-/.])(?P<month>\d{1,2})\2(?P<day>\d{1,2})(?!\d)"
)
_VISIBLE_NUMERIC = re.compile(r"(?<!\d)(?P<first>\d{1,2})([-/.])(?P<second>\d{1,2})\2" + _YEAR)
# "10 February 2003", "1er mai 2023", "4. Mai 2023", "4 de mayo de 2023", "4th of July, 2019".
_VISIBLE_DMY = re.compile(
    _DAY
    + r"(?:st|nd|rd|th|er|o|°)?\.?[\s\-/]*+(?:(?:de|of)\s+)?"
    + _MONTH
    + r"\.?[\s,\-/]*+(?:(?:de|del)\s+)?"
    + _YEAR
)
# "May 10th, 2005", "Sept. 9, 2010", "Jan 5 2012".
_VISIBLE_MDY = re.compile(_MONTH + r"\.?[\s\-/]*+" + _DAY + r"(?:st|nd|rd|th)?[\s,\-/]*+" + _YEAR)

# URL path pieces: a dashed date at the start of a segment ("2023-05-04-slug"), or the
# "/2023/05/04/" archive layout where the day segment may be missing (month precision).
_URL_DASHED = re.compile(r"(?P<year>\d{4})[-_](?P<month>\d{1,2})[-_](?P<day>\d{1,2})(?![^-_.])")
_URL_YEAR = re.compile(r"\d{4}")
_URL_NUMBER = re.compile(r"\d{1,2}")
_URL_DAY = re.compile(r"(?P<day>\d{1,2})(?:\.[a-z]{2,5})?", re.IGNORECASE)


def parse_iso_date(value: str) -> date | None:
    """Parse a machine-readable date such as `<time datetime>` or JSON-LD `datePublished`.

    Accepts year-first dates with "-", "/" or "." separators ("2023-05-04", "2016-1-4",
    "2023/05/04"), the compact "20230504", each optionally followed by a time and a zone,
    which are ignored. The whole value must be a date: templates that leaked unrendered
    ("{{ date }}", "article.date.isoformat()"), impossible days and implausible years all
    give None, so the cascade falls through to its next source.
    """
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    match = _ISO_SEPARATED.fullmatch(text) or _ISO_COMPACT.fullmatch(text)
    if match is None:
        return None
    return _make_date(match["year"], match["month"], match["day"])


def parse_visible_date(text: str) -> date | None:
    """Return the first date written for people in a short text such as a byline.

    Understands day-month-year and month-day-year with month names in English, Spanish,
    French, German, Italian, Portuguese and Dutch (full or abbreviated, any case, accents
    optional, ordinal suffixes), year-first numeric dates, and numeric day/month/year only
    when it cannot be misread: "12/25/2019" is a date, "03/04/2019" is not, because guessing
    between the US and European order would silently date posts a few months wrong.
    Candidates that are not real calendar dates are skipped, not returned.
    """
    if not isinstance(text, str) or not text:
        return None
    folded = _fold(text)
    found = [
        hit
        for hit in (
            _first(_VISIBLE_YMD, folded, _ymd_from),
            _first(_VISIBLE_NUMERIC, folded, _numeric_from),
            _first(_VISIBLE_DMY, folded, _named_from),
            _first(_VISIBLE_MDY, folded, _named_from),
        )
        if hit is not None
    ]
    return min(found)[1] if found else None


def date_from_url(url: str) -> date | None:
    """Read the date many blog engines put in a post's URL path.

    "/2023/05/04/slug/" gives 2023-05-04, "/2023/05/slug/" gives 2023-05-01 (the URL only
    knows the month, so the day is 1), and "/2023-05-04-slug" works too. Only the path is
    read: hosts and query strings carry ids and page numbers, not dates. The year must be
    from MIN_URL_YEAR to MAX_YEAR, which keeps "/page/2/" and "/p/1234/" out.
    """
    if not isinstance(url, str):
        return None
    try:
        path = urlsplit(url.strip()).path
    except ValueError:  # e.g. an unbalanced "[" in the host part
        return None
    segments = [segment for segment in path.split("/") if segment]
    for index, segment in enumerate(segments):
        found = _date_from_segments(segment, segments[index + 1 : index + 3])
        if found is not None:
            return found
    return None


def to_iso(value: date | None) -> str | None:
    """Format a date as "YYYY-MM-DD" (the stored form), or None for no date.

    Built by hand rather than with isoformat() so a datetime passed by mistake still
    yields a plain date string instead of leaking its time into the index.
    """
    if value is None:
        return None
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _make_date(year: str | int, month: str | int, day: str | int) -> date | None:
    """Build a date from parts, or None when the year is implausible or the day impossible."""
    year, month, day = int(year), int(month), int(day)
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:  # 2023-02-30, month 13, day 0
        return None


def _fold(text: str) -> str:
    """Lowercase and drop accents, so "Août", "aout" and "AOÛT" all read as "aout".

    NFKD also turns "º" into "o", "ᵉʳ" into "er" and no-break spaces into spaces, which
    the patterns rely on.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def _first(
    pattern: re.Pattern[str], text: str, convert: Callable[[re.Match[str]], date | None]
) -> tuple[int, date] | None:
    """Return (position, date) of the first match of `pattern` that is a real date."""
    for match in pattern.finditer(text):
        found = convert(match)
        if found is not None:
            return match.start(), found
    return None


def _ymd_from(match: re.Match[str]) -> date | None:
    """Convert a year-first numeric match ("2016-1-4")."""
    return _make_date(match["year"], match["month"], match["day"])


def _named_from(match: re.Match[str]) -> date | None:
    """Convert a match whose month is a name ("May 10th, 2005", "4 de mayo de 2023")."""
    return _make_date(match["year"], MONTHS[match["month"]], match["day"])


def _numeric_from(match: re.Match[str]) -> date | None:
    """Convert "12/25/2019" or "25.12.2019", refusing orders that could be either."""
    first, second = int(match["first"]), int(match["second"])
    if first > 12 >= second or first == second:
        return _make_date(match["year"], second, first)  # day first
    if second > 12 >= first:
        return _make_date(match["year"], first, second)  # month first
    return None  # both could be the month (or neither can): refuse to guess


def _date_from_segments(segment: str, following: list[str]) -> date | None:
    """Date for a path starting at `segment`, looking at up to two segments after it."""
    dashed = _URL_DASHED.match(segment)
    if dashed is not None:
        return _make_url_date(dashed["year"], dashed["month"], dashed["day"])
    if not _URL_YEAR.fullmatch(segment) or not following:
        return None
    if not _URL_NUMBER.fullmatch(following[0]):
        return None
    day_match = _URL_DAY.fullmatch(following[1]) if len(following) > 1 else None
    if day_match is not None:
        found = _make_url_date(segment, following[0], day_match["day"])
        if found is not None:
            return found
    # No day segment, or a number that cannot be a day (an id): the month is still known.
    return _make_url_date(segment, following[0], 1)


def _make_url_date(year: str, month: str, day: str | int) -> date | None:
    """Like _make_date, with the stricter lower bound for years found in URLs."""
    if int(year) < MIN_URL_YEAR:
        return None
    return _make_date(year, month, day)
