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

import numpy as np
from whoosh.analysis import Analyzer
from whoosh.support.charset import accent_map

from indexer.index import TOKEN_PATTERN

ELLIPSIS = " … "
_WORD = re.compile(TOKEN_PATTERN)
# A word and its stem share their first letters (after folding), up to the stem's last,
# which the stemmer may have changed ("trying" → "tri"); three are enough to skip most words.
_PREFIX = 3
_FIRST_SCAN_CHARS = 3000
# A window opens this far before its first match (a few words of lead-in), so the match
# is on the first line of a snippet that the page shows three or four lines of.
LEAD_CHARS = 30


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
    prefixes = frozenset(term[: max(1, min(_PREFIX, len(term) - 1))] for term in terms)
    lengths = {len(prefix) for prefix in prefixes}
    found = []
    for start, word_match in sorted(_candidate_words(text, prefixes).items()):
        word = word_match.group().lower()
        folded = word.translate(accent_map)
        if not any(folded[:n] in prefixes for n in lengths):
            continue
        term = normalise(word)
        if term in terms:
            found.append(_Match(start, word_match.end(), term))
    return found


def _candidate_words(text: str, prefixes: frozenset[str]) -> dict[int, re.Match]:
    """The words of `text` that may analyse to a term with one of `prefixes`, by start.

    Found with `str.find` on the lowercased text, which runs in C and skips every other
    word: a regex with the word-start conditions cost 0.25 ms on a 7,000-character post,
    this about 0.03. Words with a non-ASCII letter among their first three (which may fold
    to a prefix: "élan") are added from the positions of non-ASCII characters.
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare letter that lowercases to two: plain scan
        return {m.start(): m for m in _WORD.finditer(text)}
    words: dict[int, re.Match] = {}
    for prefix in prefixes:
        at = lowered.find(prefix)
        while at != -1:
            if at not in words and _starts_word(text, at):
                words[at] = _WORD.match(text, at)
            at = lowered.find(prefix, at + 1)
    if not text.isascii():
        for at in _non_ascii_positions(text):
            for start in range(at, max(-1, at - _PREFIX), -1):
                if not _is_word_char(text[start]):
                    break
                if start not in words and _starts_word(text, start):
                    words[start] = _WORD.match(text, start)
    return words


def _starts_word(text: str, at: int) -> bool:
    """Whether the tokenizer would begin a word at `at`: a word character that neither
    follows one nor follows a word character and a dot ("node.js" is one word)."""
    if not _is_word_char(text[at]):
        return False
    if at == 0:
        return True
    before = text[at - 1]
    if _is_word_char(before):
        return False
    return not (before == "." and at >= 2 and _is_word_char(text[at - 2]))


def _is_word_char(char: str) -> bool:
    # What `\w` matches in a str pattern (the same Unicode test), without a regex call.
    return char.isalnum() or char == "_"


def _non_ascii_positions(text: str) -> list[int]:
    """Where `text` holds a character outside ASCII that may be a word character, in order.

    numpy compares the code points in one pass: three times faster than a regular
    expression over a 3,000-character opening, which was a tenth of a snippet's time. The
    no-break space and the General Punctuation block (curly quotes, dashes, ellipses: most
    of a blog post's non-ASCII characters) hold no word character, so they are left out.
    """
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    punctuation = (codes == 0xA0) | ((codes >= 0x2000) & (codes <= 0x206F))
    return np.flatnonzero((codes > 0x7F) & ~punctuation).tolist()


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
    """Up to `fragments` non-overlapping windows, best first by distinct terms then hits
    (the page shows the snippet's first lines, so the best passage leads)."""
    candidates = []
    for index, first in enumerate(matches):
        start = max(0, first.start - min(context, LEAD_CHARS))
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
    return [_to_word_edges(text, start, end) for start, end in chosen]


def _to_word_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen or narrow a window so it neither starts nor ends inside a word."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and end - start > 1:
        end -= 1
    return start, end


def find_matches(
    text: str, terms: frozenset[str], analyzer: Analyzer, phrases: tuple[re.Pattern, ...] = ()
) -> list[_Match]:
    """Every word of `text` that analyses to one of `terms`, and every phrase of `phrases`
    (exact phrases with stop words), in order; a word inside a phrase counts once, as it."""
    found = _matches(text, terms, analyzer)
    if not phrases:
        return found
    spans = [_Match(m.start(), m.end(), p.pattern) for p in phrases for m in p.finditer(text)]
    words = [m for m in found if not any(s.start <= m.start < s.end for s in spans)]
    return sorted(words + spans, key=lambda match: match.start)


def snippet_html(
    text: str,
    terms: frozenset[str],
    analyzer: Analyzer,
    fragments: int = 2,
    context_chars: int = 90,
    fallback: str = "",
    phrases: tuple[re.Pattern, ...] = (),
) -> str:
    """The best passages of `text` with `terms` and `phrases` marked, or the escaped
    `fallback`."""
    # The opening of a long post usually holds every term; read the rest only if not. It
    # ends at a space, so no word is cut in two and the rest is read on its own.
    opening = text.rfind(" ", 0, _FIRST_SCAN_CHARS) if len(text) > _FIRST_SCAN_CHARS else -1
    matches = find_matches(text[:opening] if opening > 0 else text, terms, analyzer, phrases)
    if opening > 0 and len({m.term for m in matches}) < len(terms) + len(phrases):
        rest = find_matches(text[opening:], terms, analyzer, phrases)
        matches += [_Match(m.start + opening, m.end + opening, m.term) for m in rest]
    if not matches:
        return escape(fallback, quote=True)
    return passages_html(text, matches, fragments, context_chars)


def passages_html(text: str, matches: list[_Match], fragments: int, context_chars: int) -> str:
    """The best windows of `text` around `matches`, escaped, the matches marked."""
    pieces = []
    for start, end in _windows(text, matches, fragments, context_chars):
        piece = _mark(text, start, end, matches).strip()
        lead = "… " if start > 0 else ""
        tail = " …" if end < len(text) else ""
        pieces.append(f"{lead}{piece}{tail}")
    return " ".join(pieces).replace("… …", "…")


def title_html(
    title: str, terms: frozenset[str], analyzer: Analyzer, phrases: tuple[re.Pattern, ...] = ()
) -> str:
    """The whole title, escaped, with matched words marked."""
    return _mark(title, 0, len(title), find_matches(title, terms, analyzer, phrases))
