"""Highlighted snippets and titles: every highlight setting in one module.

Snippets are made only for the hits on the page shown. The output is HTML whose only tags
are <mark>: everything taken from a page is escaped here, before it reaches a template or
the JSON API, so a post titled `<script>` is shown as text everywhere.

Why not `whoosh.highlight`: it runs the field's whole analyzer chain over the whole body and
then scores every fragment, about 5 ms a post, which was a third of a search's time. Here the
words are found with one regular expression, and only words that could stem to a query term
(same first letters) are stemmed, with the very stem function and accent folding the index
used; the best window is then picked by how many different query terms it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from whoosh.analysis import Analyzer
from whoosh.support.charset import accent_map

from indexer.analysis import TOKEN_PATTERN

ELLIPSIS = " … "
_WORD = re.compile(TOKEN_PATTERN)
_PREFIX = 3  # a word and its stem share at least this many first letters (after folding)


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    term: str


def _normalise(analyzer: Analyzer):
    """The analyzer's stem function and its folding, applied to one lowercased word."""
    stem = next((item.stemfn for item in analyzer.items if hasattr(item, "stemfn")), None)
    folds = any(getattr(item, "charmap", None) is not None for item in analyzer.items)

    def normalise(word: str) -> str:
        word = stem(word) if stem else word
        return word.translate(accent_map) if folds else word

    return normalise


def _matches(text: str, terms: frozenset[str], analyzer: Analyzer) -> list[_Match]:
    """Where in `text` the words that analyse to one of `terms` stand."""
    if not text or not terms:
        return []
    normalise = _normalise(analyzer)
    prefixes = {term[:_PREFIX] for term in terms}
    lengths = {len(prefix) for prefix in prefixes}
    found = []
    for match in _WORD.finditer(text):
        word = match.group().lower()
        folded = word.translate(accent_map)
        if not any(folded[:n] in prefixes for n in lengths):
            continue
        term = normalise(word)
        if term in terms:
            found.append(_Match(match.start(), match.end(), term))
    return found


def _mark(text: str, start: int, end: int, matches: list[_Match]) -> str:
    """text[start:end], escaped, with the matches inside it wrapped in <mark>."""
    parts, at = [], start
    for match in matches:
        if match.start < start or match.end > end:
            continue
        parts.append(escape(text[at : match.start], quote=True))
        parts.append(f"<mark>{escape(text[match.start : match.end], quote=True)}</mark>")
        at = match.end
    parts.append(escape(text[at:end], quote=True))
    return "".join(parts)


def _windows(
    text: str, matches: list[_Match], fragments: int, context: int
) -> list[tuple[int, int]]:
    """Up to `fragments` non-overlapping windows, best first by distinct terms then hits."""
    candidates = []
    for index, first in enumerate(matches):
        start = max(0, first.start - context)
        end = min(len(text), first.start + 2 * context)
        inside = [m for m in matches[index:] if m.end <= end]
        candidates.append((len({m.term for m in inside}), len(inside), -start, start, end))
    candidates.sort(reverse=True)
    chosen: list[tuple[int, int]] = []
    for *_, start, end in candidates:
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
        if len(chosen) == fragments:
            break
    return [_to_word_edges(text, start, end) for start, end in sorted(chosen)]


def _to_word_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen or narrow a window so it neither starts nor ends inside a word."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and end - start > 1:
        end -= 1
    return start, end


def snippet_html(
    text: str,
    terms: frozenset[str],
    analyzer: Analyzer,
    fragments: int = 2,
    context_chars: int = 90,
    fallback: str = "",
) -> str:
    """The best passages of `text` with `terms` marked, or the escaped `fallback`."""
    matches = _matches(text, terms, analyzer)
    if not matches:
        return escape(fallback, quote=True)
    pieces = []
    for start, end in _windows(text, matches, fragments, context_chars):
        piece = _mark(text, start, end, matches).strip()
        lead = "… " if start > 0 else ""
        tail = " …" if end < len(text) else ""
        pieces.append(f"{lead}{piece}{tail}")
    return " ".join(pieces).replace("… …", "…")


def title_html(title: str, terms: frozenset[str], analyzer: Analyzer) -> str:
    """The whole title, escaped, with matched words marked."""
    return _mark(title, 0, len(title), _matches(title, terms, analyzer))
