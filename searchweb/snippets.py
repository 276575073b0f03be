"""Highlighted snippets and titles: every highlight setting in one module.

Snippets are made only for the hits on the page shown. The output is HTML whose only tags
are <mark>: everything taken from a page is escaped here, before it reaches a template or
the JSON API, so a post titled `<script>` is shown as text everywhere.
"""

from __future__ import annotations

from html import escape

from whoosh.analysis import Analyzer
from whoosh.highlight import ContextFragmenter, HtmlFormatter, WholeFragmenter, highlight

ELLIPSIS = " … "


class MarkFormatter(HtmlFormatter):
    """Wraps matched words in a bare <mark> and escapes all other text, quotes included."""

    template = "<mark>%(t)s</mark>"

    def __init__(self) -> None:
        super().__init__(tagname="mark", between=ELLIPSIS)

    def _text(self, text: str) -> str:
        return escape(text, quote=True)


def snippet_html(
    text: str,
    terms: frozenset[str],
    analyzer: Analyzer,
    fragments: int = 2,
    context_chars: int = 90,
    fallback: str = "",
) -> str:
    """The best passages of `text` with `terms` marked, or the escaped `fallback`."""
    if text and terms:
        fragmenter = ContextFragmenter(maxchars=context_chars * 3, surround=context_chars)
        marked = highlight(text, terms, analyzer, fragmenter, MarkFormatter(), top=fragments)
        if marked:
            return marked.strip()
    return escape(fallback, quote=True)


def title_html(title: str, terms: frozenset[str], analyzer: Analyzer) -> str:
    """The whole title, escaped, with matched words marked."""
    if title and terms:
        marked = highlight(
            title, terms, analyzer, WholeFragmenter(charlimit=None), MarkFormatter(), top=1
        )
        if marked:
            return marked
    return escape(title, quote=True)
