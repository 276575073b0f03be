"""Tests for indexer.dates: published dates from machine strings, bylines and URLs."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime

import pytest

from indexer.extract.dates import (
    MAX_YEAR,
    MIN_YEAR,
    UrlDate,
    date_from_url,
    parse_iso_date,
    parse_visible_date,
    to_iso,
    url_date,
)

ISO_CASES = [
    # Forms seen in <time datetime>, JSON-LD, article:published_time and <meta name=date>.
    ("2023-05-04", date(2023, 5, 4)),
    ("2023-05-04T10:22:00+00:00", date(2023, 5, 4)),
    ("2023-05-04T10:22:00Z", date(2023, 5, 4)),
    ("2023-05-04 10:22", date(2023, 5, 4)),
    ("20230504", date(2023, 5, 4)),
    ("2016-1-4", date(2016, 1, 4)),
    ("2023/05/04", date(2023, 5, 4)),
    ("2023.05.04", date(2023, 5, 4)),
    ("2023-05-04T10:22:00.000+0000", date(2023, 5, 4)),
    ("2023-05-04T10:22:00.123456-05:00", date(2023, 5, 4)),
    # Go's default time format, which Hugo themes print with {{ .Date }}.
    ("2023-01-01 10:28:10 +0800 +0800", date(2023, 1, 1)),
    ("2024-08-18 13:34:54 +0200 CEST", date(2024, 8, 18)),
    ("20230504T102200Z", date(2023, 5, 4)),
    ("  2023-05-04\n", date(2023, 5, 4)),
    # The local date as written is kept: no conversion to UTC moves it to the next day.
    ("2023-05-04T23:30:00-05:00", date(2023, 5, 4)),
    (f"{MIN_YEAR}-01-01", date(MIN_YEAR, 1, 1)),
    (f"{MAX_YEAR}-12-31", date(MAX_YEAR, 12, 31)),
    # Garbage: unrendered templates, placeholders, impossible or implausible dates.
    ("article.date.isoformat()", None),
    ("{{ date }}", None),
    ("", None),
    ("   ", None),
    ("0000-00-00", None),
    ("2023-02-30", None),
    ("2023-13-01", None),
    ("2023-00-10", None),
    (f"{MIN_YEAR - 1}-12-31", None),
    (f"{MAX_YEAR + 1}-01-01", None),
    ("2023-05-04x", None),
    ("2023-05/04", None),
    ("04/05/2023", None),
    ("May 4, 2023", None),
    ("1683195720", None),
    ("10:30", None),
    ("2.7.4", None),
]

VISIBLE_CASES = [
    # English bylines.
    ("By Ian Lloyd | May 10th, 2005 | Filed in CSS", date(2005, 5, 10)),
    ("10 February 2003", date(2003, 2, 10)),
    ("Wed 19 December 2012", date(2012, 12, 19)),
    ("Wednesday, April 11, 2007", date(2007, 4, 11)),
    ("Posted on March 3rd 2019", date(2019, 3, 3)),
    ("2016-1-4", date(2016, 1, 4)),
    ("4 March 2021", date(2021, 3, 4)),
    ("Sept. 9, 2010", date(2010, 9, 9)),
    ("Jan 5 2012", date(2012, 1, 5)),
    ("1st June 2020", date(2020, 6, 1)),
    ("June 22nd, 2020", date(2020, 6, 22)),
    ("4th of July, 2019", date(2019, 7, 4)),
    ("04-May-2019", date(2019, 5, 4)),
    ("DECEMBER 31, 1999", date(1999, 12, 31)),
    ("Updated: 2023-05-04T10:22 by admin", date(2023, 5, 4)),
    # Numeric day/month/year: only when one order is impossible (or both agree).
    ("12/25/2019", date(2019, 12, 25)),
    ("25/12/2019", date(2019, 12, 25)),
    ("25.12.2019", date(2019, 12, 25)),
    ("05/05/2019", date(2019, 5, 5)),
    ("03/04/2019", None),
    ("10.12.2019", None),
    # Spanish, French, German, Italian, Portuguese, Dutch.
    ("4 de mayo de 2023", date(2023, 5, 4)),
    ("lunes, 4 de mayo de 2023", date(2023, 5, 4)),
    ("4 de mayo del 2023", date(2023, 5, 4)),
    ("4 mai 2023", date(2023, 5, 4)),
    ("1er mai 2023", date(2023, 5, 1)),
    ("1ᵉʳ août 2023", date(2023, 8, 1)),
    ("le 3 févr. 2021", date(2021, 2, 3)),
    ("4. Mai 2023", date(2023, 5, 4)),
    ("4. März 2023", date(2023, 3, 4)),
    ("4. Maerz 2023", date(2023, 3, 4)),
    ("4 maggio 2023", date(2023, 5, 4)),
    ("martedì 12 dicembre 2023", date(2023, 12, 12)),
    ("4 de maio de 2023", date(2023, 5, 4)),
    ("1º de maio de 2023", date(2023, 5, 1)),
    ("7 de março de 2022", date(2022, 3, 7)),
    ("4 mei 2023", date(2023, 5, 4)),
    ("4 mrt. 2023", date(2023, 3, 4)),
    ("17 OKTOBER 2018", date(2018, 10, 17)),
    ("4 DE MAYO DE 2023", date(2023, 5, 4)),
    ("4 agosto 2023", date(2023, 8, 4)),
    ("31 de março de 2022", date(2022, 3, 31)),
    # Genitive month names (Slavic, Finnish), year-first names (Hungarian), CJK.
    ("27 января 2024 г.", date(2024, 1, 27)),
    ("15 września 2021", date(2021, 9, 15)),
    ("3. května 2019", date(2019, 5, 3)),
    ("12. toukokuuta 2020", date(2020, 5, 12)),
    ("2022. március 31.", date(2022, 3, 31)),
    ("3 Mayıs 2021", date(2021, 5, 3)),
    ("2024年1月27日", date(2024, 1, 27)),
    ("２０２４年１月２７日", date(2024, 1, 27)),
    ("2024년 1월 27일", date(2024, 1, 27)),
    ("Tuesday, March 4, 2008", date(2008, 3, 4)),
    # Common abbreviations, with or without their dot.
    ("3 janv. 2021", date(2021, 1, 3)),
    ("3 Dez. 2021", date(2021, 12, 3)),
    ("3 dic 2021", date(2021, 12, 3)),
    ("3 out. 2021", date(2021, 10, 3)),
    ("3 okt 2021", date(2021, 10, 3)),
    ("3 giu 2021", date(2021, 6, 3)),
    ("3 set. 2021", date(2021, 9, 3)),
    # The first real date wins; impossible ones are skipped rather than returned.
    ("Posted 1 March 2019, updated 5 April 2020", date(2019, 3, 1)),
    ("Updated April 5, 2020; first posted 1 March 2019", date(2020, 4, 5)),
    ("31 February 2019 or 1 March 2019", date(2019, 3, 1)),
    # No date in there.
    ("", None),
    ("10:30", None),
    ("Released version 2.7.4 today", None),
    ("Call +1 (555) 123-4567", None),
    ("555-123-4567", None),
    ("404", None),
    ("1/2", None),
    ("May", None),
    ("May 2019", None),
    ("Page 2 of 10", None),
    ("Read more about the market on March", None),
    ("You may 4 ever", None),
    ("5 May 1969", None),
    ("5 May 20190", None),
    ("32 May 2019", None),
    ("2019-13-45", None),
    ("article.date.isoformat()", None),
]

URL_CASES = [
    ("/2023/05/04/slug/", date(2023, 5, 4)),
    ("/2023/05/slug/", None),  # a month, not a day: the URL never invents the day
    ("/blog/2014/06/17/x", date(2014, 6, 17)),
    ("/2023-05-04-slug", date(2023, 5, 4)),
    ("https://example.com/2023/05/04/slug/", date(2023, 5, 4)),
    ("https://example.com/archives/2019/1/9.html", date(2019, 1, 9)),
    ("https://example.com/2023/05/", None),
    ("https://example.com/2023/05/10-things-i-learned/", None),
    ("https://example.com/2023/05/45/", None),
    ("/posts/2021_12_24_holidays.html", date(2021, 12, 24)),
    ("example.com/2023/05/04/slug", date(2023, 5, 4)),
    ("/2023/05/04/slug/?page=2#comments", date(2023, 5, 4)),
    ("/page/2/", None),
    ("/p/1234/", None),
    ("/2023/", None),
    ("/2023/slug/", None),
    ("/2023/13/01/", None),
    ("/1989/05/04/", None),
    ("/2023-13-45-slug", None),
    ("/10-things/", None),
    ("https://2019.example.com/?date=2019/05/04", None),
    ("", None),
    ("http://[broken/2023/05/04/", None),
]

URL_PARTS_CASES = [
    ("/2023/05/04/slug/", UrlDate(2023, 5, 4)),
    ("/2023/05/slug/", UrlDate(2023, 5)),
    ("https://example.com/2023/05/45/", UrlDate(2023, 5)),
    ("/2008/03/first-post.html", UrlDate(2008, 3)),
    ("/1/01/01/draft/", None),  # Hugo's zero date: no year at all
    ("/2023/13/slug/", None),
    ("/about/", None),
]

TO_ISO_CASES = [
    (date(2023, 5, 4), "2023-05-04"),
    (date(1999, 12, 31), "1999-12-31"),
    (datetime(2023, 5, 4, 10, 22), "2023-05-04"),
    (None, None),
]

# Month names per language, January first: every one must be understood on its own.
MONTH_NAMES = {
    "en": "January February March April May June July August September October November December",
    "es": "enero febrero marzo abril mayo junio "
    "julio agosto septiembre octubre noviembre diciembre",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "it": "gennaio febbraio marzo aprile maggio giugno "
    "luglio agosto settembre ottobre novembre dicembre",
    "pt": "janeiro fevereiro março abril maio junho "
    "julho agosto setembro outubro novembro dezembro",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "sv": "januari februari mars april maj juni juli augusti september oktober november december",
    "da": "januar februar marts april maj juni juli august september oktober november december",
    "no": "januar februar mars april mai juni juli august september oktober november desember",
    "fi": "tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kesäkuuta heinäkuuta "
    "elokuuta syyskuuta lokakuuta marraskuuta joulukuuta",
    "hu": "január február március április május június július augusztus szeptember október "
    "november december",
    "ro": "ianuarie februarie martie aprilie mai iunie iulie august septembrie octombrie "
    "noiembrie decembrie",
    "tr": "Ocak Şubat Mart Nisan Mayıs Haziran Temmuz Ağustos Eylül Ekim Kasım Aralık",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "ru-nominative": "Январь Февраль Март Апрель Май Июнь Июль Август Сентябрь Октябрь Ноябрь "
    "Декабрь",
    "uk": "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
    "pl": "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października "
    "listopada grudnia",
    "cs": "ledna února března dubna května června července srpna září října listopadu prosince",
}


@pytest.mark.parametrize(("value", "expected"), ISO_CASES)
def test_parse_iso_date(value: str, expected: date | None) -> None:
    assert parse_iso_date(value) == expected


@pytest.mark.parametrize(("text", "expected"), VISIBLE_CASES)
def test_parse_visible_date(text: str, expected: date | None) -> None:
    assert parse_visible_date(text) == expected


@pytest.mark.parametrize(("url", "expected"), URL_CASES)
def test_date_from_url(url: str, expected: date | None) -> None:
    assert date_from_url(url) == expected


@pytest.mark.parametrize(("url", "expected"), URL_PARTS_CASES)
def test_url_date_keeps_what_the_url_knows(url: str, expected: UrlDate | None) -> None:
    assert url_date(url) == expected


def test_a_url_month_confirms_a_page_date_of_that_month_only() -> None:
    month = UrlDate(2008, 3)
    assert month.agrees(date(2008, 3, 4))
    assert not month.agrees(date(2008, 4, 3))
    assert UrlDate(2008, 3, 4).agrees(date(2008, 3, 4))
    assert not UrlDate(2008, 3, 4).agrees(date(2008, 3, 5))


@pytest.mark.parametrize(("value", "expected"), TO_ISO_CASES)
def test_to_iso(value: date | None, expected: str | None) -> None:
    assert to_iso(value) == expected


@pytest.mark.parametrize("language", sorted(MONTH_NAMES))
def test_every_month_name_is_understood(language: str) -> None:
    names = MONTH_NAMES[language].split()
    found = [parse_visible_date(f"15 {name} 2020") for name in names]
    assert found == [date(2020, month, 15) for month in range(1, 13)]


@pytest.mark.parametrize("junk", [None, 20230504, ["2023-05-04"], {"@value": "2023-05-04"}])
@pytest.mark.parametrize("parse", [parse_iso_date, parse_visible_date, date_from_url])
def test_non_strings_give_none_instead_of_raising(
    parse: Callable[[str], date | None], junk: object
) -> None:
    # JSON-LD happily puts lists, numbers and objects where a date string belongs.
    assert parse(junk) is None


def _long_text_without_a_date() -> str:
    """100 KB of the digits, separators and month-ish words that make regexes backtrack."""
    chunk = (
        "version 2.7.4 at 10:30 call 555-123-4567 page 2 of 10 error 404 may 1/2 "
        "12/12/12 2023/2023 4 de mai 20230 septembers 3rd  ,  -- 1111111111 "
    )
    return (chunk * (100_000 // len(chunk) + 1))[:100_000]


@pytest.mark.parametrize(
    "text",
    [
        _long_text_without_a_date(),
        "1" * 100_000,
        "4" + " " * 100_000 + "x",
        "may 5" + " " * 100_000,
        "/".join(["2023"] * 20_000),
    ],
    ids=["mixed", "digits", "day-then-spaces", "month-day-then-spaces", "year-segments"],
)
@pytest.mark.parametrize("parse", [parse_iso_date, parse_visible_date, date_from_url])
def test_long_input_is_fast(parse: Callable[[str], date | None], text: str) -> None:
    started = time.perf_counter()
    assert parse(text) is None
    assert time.perf_counter() - started < 0.5
