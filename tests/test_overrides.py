"""A maintainer's selectors and the Pagefind attributes beat the automatic rules."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from indexer.extract.overrides import ExtractionOverrides, OverrideError
from indexer.extract.page import extract
from indexer.records import RawPage

# An odd theme: the post lives in <div class="txt">, its title in <div class="hd">, the
# date and author in spans no rule knows, a promo box inside the body.
ODD = """<html><head><title>Odd blog</title></head><body>
<div class="hd">The real title</div>
<span class="when">3 March 2020</span><span class="who">Ana Ruiz</span>
<div class="kw"><b>Gardening</b><b>Soil</b></div><div class="lbl"><i>worms</i></div>
<div class="side"><p>A sidebar that is long enough to be mistaken for the body of the post,
with many words in it, more words than the post itself has, and then some more words.</p>
<p>And another paragraph of sidebar text to outweigh the real post in the density test.</p>
</div>
<div class="txt"><p>The post's own first paragraph is short.</p>
<div class="promo">Buy my book about worms now.</div><p>And its last line.</p></div>
</body></html>"""

OVERRIDES = ExtractionOverrides(
    content_selector=".txt",
    ignore_selectors=(".promo",),
    title_selector=".hd",
    date_selector=".when",
    author_selector=".who",
    category_selector=".kw b",
    tag_selector=".lbl i",
)


def _extract(html: str, overrides: ExtractionOverrides | None = None):
    page = RawPage("odd.html", "https://odd.example/2020/odd/", html.encode("utf-8"))
    return extract(page, overrides=overrides or ExtractionOverrides()).post


# What the selectors of OVERRIDES read from ODD, field by field.
FIELDS = [
    ("title", "The real title"),
    ("date", date(2020, 3, 3)),
    ("author", "Ana Ruiz"),
    ("categories", ("Gardening", "Soil")),
    ("tags", ("worms",)),
    ("body", "The post's own first paragraph is short.\n\nAnd its last line."),
]


@pytest.mark.parametrize(("field", "expected"), FIELDS)
def test_without_overrides_the_odd_theme_is_misread(field, expected):
    """The automatic rules get each of these fields wrong, so each selector test below
    shows its selector at work."""
    assert getattr(_extract(ODD), field) != expected


def test_without_overrides_the_sidebar_is_read_as_the_start_of_the_body():
    """No rule finds the post's container, so the whole page is read: the sidebar comes
    first, as if the post began with it (content_selector is what fixes it)."""
    body = _extract(ODD).body
    assert "A sidebar that is long enough" in body
    assert body.index("A sidebar that is long enough") < body.index("The post's own first")


@pytest.mark.parametrize(("field", "expected"), FIELDS)
def test_each_selector_sets_its_field(field, expected):
    assert getattr(_extract(ODD, OVERRIDES), field) == expected


def test_a_selector_that_matches_nothing_falls_back_to_the_automatic_rules():
    html = "<html><body><article><h1>Plain title</h1><p>Body text here.</p></article></body></html>"
    post = _extract(html, ExtractionOverrides(title_selector=".hd", content_selector=".txt"))
    assert post.title == "Plain title"
    assert post.body == "Body text here."


def test_an_invalid_selector_is_refused_up_front():
    with pytest.raises(OverrideError, match="content_selector"):
        ExtractionOverrides(content_selector="div[")


def test_overrides_are_built_from_the_site_settings_fields():
    settings = SimpleNamespace(
        content_selector=".txt",
        ignore_selectors=[".promo"],
        title_selector="",
        date_selector="",
        author_selector="",
        category_selector="",
        tag_selector="",
    )
    built = ExtractionOverrides.from_settings(settings)
    assert built == ExtractionOverrides(content_selector=".txt", ignore_selectors=(".promo",))
    assert ExtractionOverrides.from_settings(SimpleNamespace()).empty


@pytest.mark.parametrize(
    ("html", "body"),
    [
        (  # data-pagefind-body names the body, even inside a page-wide wrapper
            "<main><div class='x'><p>Menu text that is long, long, long and longer.</p></div>"
            "<div data-pagefind-body><p>The body.</p></div></main>",
            "The body.",
        ),
        (  # data-pagefind-ignore drops an element inside it
            "<article><p>Kept text.</p><div data-pagefind-ignore><p>Dropped.</p></div></article>",
            "Kept text.",
        ),
        (  # data-pagefind-ignore="all" too
            "<article><p>Kept.</p><aside data-pagefind-ignore='all'><p>Gone.</p></aside></article>",
            "Kept.",
        ),
    ],
)
def test_pagefind_attributes_are_honoured(html, body):
    assert _extract(f"<html><body>{html}</body></html>").body == body
