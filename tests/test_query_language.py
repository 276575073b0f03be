"""The visitor's query language, parsed: tables of (typed text, what we act on)."""

from __future__ import annotations

from datetime import date

import pytest

from searchweb.query.dates import DateRange, parse_date_range
from searchweb.query.syntax import Item, parse_visitor_query, with_synonyms


def _groups(text: str) -> list[list[str]]:
    return [[item.text for item in group] for group in parse_visitor_query(text).groups]


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("solar panels", [["solar"], ["panels"]]),
        ("bread OR bike", [["bread", "bike"]]),
        ("bread OR bike OR boat tea", [["bread", "bike", "boat"], ["tea"]]),
        ("OR bread", [["bread"]]),  # a leading OR joins nothing
        ("bread OR", [["bread"]]),
        ("bread or bike", [["bread"], ["or"], ["bike"]]),  # lowercase "or" is a word
        ("AND", [["AND"]]),  # a stop word: nothing to search, not an error
        ("re:subject 10:30", [["re:subject"], ["10:30"]]),  # not our fields: literal
        ('"unbalanced', [["unbalanced"]]),
        ("? * - ((( 🍞", []),
    ],
)
def test_words_and_or_groups(text, groups):
    assert _groups(text) == groups


def test_phrases_fields_exclusions_and_prefixes():
    parsed = parse_visitor_query('"sourdough starter" -rye -"white bread" title:garden gard*')
    assert parsed.required == [
        Item("sourdough starter", phrase=True),
        Item("garden", field="title"),
    ]
    assert parsed.excluded == [Item("rye"), Item("white bread", phrase=True)]
    assert parsed.groups == [[Item("gard", prefix=True)]]
    assert parsed.words == []  # prefixes and fields are not spell-checked


def test_field_values_may_be_quoted():
    parsed = parse_visitor_query('author:"Maya Okafor" category:baking tag:')
    assert parsed.required == [
        Item("Maya Okafor", phrase=True, field="author"),
        Item("baking", field="category"),
    ]
    assert _groups("tag:") == [["tag:"]]  # nothing after the colon: literal text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023", DateRange(date(2023, 1, 1), date(2023, 12, 31))),
        ("2024-02", DateRange(date(2024, 2, 1), date(2024, 2, 29))),
        ("2023-05-04", DateRange(date(2023, 5, 4), date(2023, 5, 4))),
        ("2021..2023", DateRange(date(2021, 1, 1), date(2023, 12, 31))),
        ("..2020", DateRange(None, date(2020, 12, 31))),
        ("2020..", DateRange(date(2020, 1, 1), None)),
        ("yesterday", None),
        ("2023-13", None),
        ("2023-02-30", None),
        ("..", None),
        ("20231", None),
    ],
)
def test_date_ranges(text, expected):
    assert parse_date_range(text) == expected


def test_date_in_the_query_is_a_filter_and_bad_dates_are_words():
    parsed = parse_visitor_query("garden date:2021..2022 date:2022")
    assert parsed.dates == DateRange(date(2022, 1, 1), date(2022, 12, 31))
    assert _groups("garden date:yesterday") == [["garden"], ["date:yesterday"]]


def test_long_pastes_are_bounded():
    parsed = parse_visitor_query("word " * 5000)
    assert len(parsed.groups) == 64


def test_synonyms_work_both_ways_and_span_words():
    pairs = (("colour", "color"), ("nk", "north korea"))
    assert [
        [i.text for i in g] for g in with_synonyms(parse_visitor_query("colour"), pairs).groups
    ] == [["colour", "color"]]
    assert [
        [i.text for i in g] for g in with_synonyms(parse_visitor_query("color"), pairs).groups
    ] == [["color", "colour"]]
    spanned = with_synonyms(parse_visitor_query("north korea news"), pairs)
    assert spanned.groups[0] == [Item("north korea", phrase=True), Item("nk")]
    assert spanned.groups[1] == [Item("news")]
