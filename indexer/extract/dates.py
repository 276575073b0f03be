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
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

# Dates outside these years are template placeholders ("0000-00-00"), epoch zeroes or
# typos, never a real publication date.
MIN_YEAR = 1970
MAX_YEAR = 2100
# A four-digit URL segment before 1990 is far more often an id than a year (no blogs yet).
MIN_URL_YEAR = 1990

# Month names and their usual abbreviations in the languages the stemmers cover, and a few
# more, as written (they are folded like the text before matching: lowercase, no accents).
# A spelling shared across languages ("mar", "set", "mai", "listopad") always means the
# same month, so one table serves all.
_MONTH_NAMES: dict[int, str] = {
    1: "january jan enero ene janvier janv januar janner jänner gennaio gen janeiro januari "
    "januar janúar január ianuarie ocak tammikuu tammikuuta stycznia styczeń styczen ledna "
    "leden января январь янв січня",
    2: "february feb febr febrero fevrier fevr fev februar febbraio fevereiro februari "
    "február februarie şubat subat helmikuu helmikuuta lutego luty února unora unor únor "
    "февраля февраль фев лютого",
    3: "march mar marzo mars marz märz maerz mrz marco março maart mrt marts március marc "
    "martie mart maaliskuu maaliskuuta marca marzec března brezna brezen březen марта март "
    "мар березня",
    4: "april apr abril abr avril avr aprile április aprilie nisan huhtikuu huhtikuuta kwietnia "
    "kwiecień kwiecien dubna duben апреля апрель апр квітня",
    5: "may mayo mai maggio mag maio mei maj május mayıs mayis toukokuu toukokuuta maja května "
    "kvetna květen kveten мая май травня",
    6: "june jun junio juin juni giugno giu junho június iunie haziran kesäkuu kesäkuuta "
    "czerwca czerwiec června cervna červen cerven июня июнь июн червня",
    7: "july jul julio juillet juil juli luglio lug julho július iulie temmuz heinäkuu "
    "heinäkuuta lipca lipiec července cervence červenec cervenec июля июль июл липня",
    8: "august aug agosto ago aout août augustus augusti augusztus ağustos agustos elokuu "
    "elokuuta sierpnia sierpień sierpien srpna srpen августа август авг серпня",
    9: "september sep sept septiembre setiembre set septembre settembre sett setembro "
    "szeptember szept septembrie eylül eylul syyskuu syyskuuta września wrzesnia wrzesień "
    "wrzesien září zari сентября сентябрь сен сент вересня",
    10: "october oct octubre octobre oktober okt ottobre ott outubro out október octombrie ekim "
    "lokakuu lokakuuta października pazdziernika październik pazdziernik října rijna říjen "
    "rijen октября октябрь окт жовтня",
    11: "november nov noviembre novembre novembro noiembrie kasım kasim marraskuu marraskuuta "
    "listopada listopad listopadu ноября ноябрь ноя нояб листопада",
    12: "december dec diciembre dic decembre décembre dezember dez dicembre dezembro desember "
    "decembrie aralık aralik joulukuu joulukuuta grudnia grudzień grudzien prosince prosinec "
    "декабря декабрь дек грудня",
}


def _fold(text: str) -> str:
    """Lowercase and drop accents, so "Août", "aout" and "AOÛT" all read as "aout".

    NFKD also turns "º" into "o", "ᵉʳ" into "er" and no-break spaces into spaces, which
    the patterns rely on.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


MONTHS: dict[str, int] = {
    _fold(name): number for number, names in _MONTH_NAMES.items() for name in names.split()
}

# Longest first, so "sept" is tried before "sep"; the lookarounds keep "mar" out of "market".
# The leading lookahead is for speed: it lets the engine skip non-letters cheaply instead of
# trying the lookbehind and a few hundred alternatives at every space and digit.
_LETTER = r"[^\W\d_]"
_MONTH_ALTERNATIVES = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH = rf"(?={_LETTER})(?<!{_LETTER})(?P<month>{_MONTH_ALTERNATIVES})(?!{_LETTER})"
_DAY = r"(?<!\d)(?P<day>\d{1,2})(?!\d)"
_YEAR = r"(?<!\d)(?P<year>\d{4})(?!\d)"

# Machine dates, matched against the whole (stripped, lowercased) value. The time and zone
# are allowed but ignored: the date as written is the author's local publication date,
# which is what a reader of the post saw, so no timezone conversion is done.
_TIME_TAIL = (
    r"(?:(?:t|\s+)\d{1,2}:?\d{2}(?::?\d{2})?(?:[.,]\d+)?)?"  # "T10:22:00.123", " 10:22"
    r"\s*(?:z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?"  # "Z", "+00:00", "-0500"
    r"(?:\s+[a-z]{3,5}|\s+[+-]\d{2}:?\d{2})?"  # Go's "+0200 CEST", "+0800 +0800" (Hugo)
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
# "2022. március 31." (Hungarian), "2019 May 5".
_VISIBLE_YEAR_NAMED = re.compile(_YEAR + r"\.?\s*+" + _MONTH + r"\.?\s*+" + _DAY + r"\.?(?!\d)")
# "2024年1月27日" (Chinese, Japanese), "2024년 1월 27일" (Korean).
# (Matched against folded text, where each Korean syllable is decomposed into its letters.)
_VISIBLE_CJK = re.compile(
    rf"(?<!\d)(?P<year>\d{{4}})\s*(?:年|{_fold('년')})\s*(?P<month>\d{{1,2}})\s*"
    rf"(?:月|{_fold('월')})\s*(?P<day>\d{{1,2}})\s*(?:日|{_fold('일')})"
)

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

    Understands day-month-year, month-day-year and year-month-day with month names in the
    languages of MONTHS (full or abbreviated, any case, accents optional, ordinal suffixes,
    genitive forms), Chinese, Japanese and Korean year-month-day dates, year-first numeric
    dates, and numeric day/month/year only
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
            _first(_VISIBLE_YEAR_NAMED, folded, _named_from),
            _first(_VISIBLE_CJK, folded, _ymd_from),
        )
        if hit is not None
    ]
    return min(found)[1] if found else None


@dataclass(frozen=True)
class UrlDate:
    """The date a post's URL path carries: a year and month, and a day when it has one."""

    year: int
    month: int
    day: int | None = None

    @property
    def full(self) -> date | None:
        """The date, when the URL names the day too."""
        return date(self.year, self.month, self.day) if self.day is not None else None

    def agrees(self, found: date) -> bool:
        """Whether a date read from the page falls on what the URL says."""
        same_month = (found.year, found.month) == (self.year, self.month)
        return same_month and self.day in (None, found.day)


def url_date(url: str) -> UrlDate | None:
    """Read the date many blog engines put in a post's URL path.

    "/2023/05/04/slug/" and "/2023-05-04-slug" name a day; "/2023/05/slug/" only a month,
    and the URL never invents the day. Only the path is read: hosts and query strings carry
    ids and page numbers, not dates. The year must be from MIN_URL_YEAR to MAX_YEAR, which
    keeps "/page/2/" and "/p/1234/" out.
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


# Words that may stand beside a date in a dateline ("Posted on Tuesday, 4 March 2008 at 10:22").
_DATELINE_WORDS = frozenset(
    (
        "posted published updated modified on at am pm by uhr um am veroffentlicht aktualisiert "
        "publie le mis a jour publicado actualizado el de del pubblicato il opublikowano "
        "gmt utc cet cest est edt pst pdt bst ist et ct mt pt "
        "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun "
        "montag dienstag mittwoch donnerstag freitag samstag sonntag lundi mardi mercredi jeudi "
        "vendredi samedi dimanche lunes martes miercoles jueves viernes sabado domingo lunedi "
        "martedi mercoledi giovedi venerdi sabato domenica segunda terca quarta quinta sexta"
    ).split()
)
_DATELINE_WORD = re.compile(r"[^\W_]+")
# What makes a line a date or a time, not just a number: a year, a time, or d.m / m/d parts.
_DATE_OR_TIME = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)|\d:\d\d|\d[./-]\d")


def is_dateline(text: str) -> bool:
    """Whether a short text is only a date or a time ("05.02.2020", "05:28 Uhr", "Posted on
    March 4, 2008"): page furniture, not a sentence of the post."""
    folded = _fold(text)
    words = _DATELINE_WORD.findall(folded)
    if not words or len(words) > 10 or not _DATE_OR_TIME.search(folded):
        return False
    return all(w.isdigit() or w in MONTHS or w in _DATELINE_WORDS or _is_ordinal(w) for w in words)


def _is_ordinal(word: str) -> bool:
    return word[:-2].isdigit() and word[-2:] in ("st", "nd", "rd", "th", "er")


def date_from_url(url: str) -> date | None:
    """The day a URL path names ("/2023/05/04/slug/"); None when it names only a month."""
    found = url_date(url)
    return found.full if found is not None else None


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


def _date_from_segments(segment: str, following: list[str]) -> UrlDate | None:
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
    return _make_url_date(segment, following[0], None)


def _make_url_date(year: str, month: str, day: str | None) -> UrlDate | None:
    """A URL's date, if its year is plausible for a blog and its month (and day) real."""
    if not MIN_URL_YEAR <= int(year) <= MAX_YEAR or _make_date(year, month, day or 1) is None:
        return None
    return UrlDate(int(year), int(month), int(day) if day is not None else None)
