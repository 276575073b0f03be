"""Quoted phrases that hold stop words, checked against each post's own text.

The index leaves stop words out ("to", "be", "by"), so a phrase is matched on its other
words: `"posted by"` would find every post with "post", and `"to be"` nothing at all. A
visitor who quotes a phrase means those words, in that order, stop words included. So a
quoted phrase with a word the index leaves out is matched in two steps: its indexed words
(if any) pick the candidates, then each candidate's title and text are read and kept only
if the phrase is there as typed (case and accents aside). An excluded phrase (`-"to be"`)
drops the posts that hold it. Reading text costs more than reading the index (about 0.6
ms a post at 10,000 posts), so the best-scored candidates are read first and the reading stops
after EXACT_CHECK_SECONDS (or at the search's deadline, if sooner): a phrase of common
words among many posts shows its best matches within a third of a second, and says its
results may be incomplete, rather than make the visitor wait for every candidate. A rare
phrase whose indexed word is common may then show none of its posts.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from whoosh.searching import Searcher
from whoosh.support.charset import accent_map

from indexer.index import stored_text
from searchweb.engine.evaluate import Matches
from searchweb.query.matching import MatchContext, needs_exact_check
from searchweb.query.syntax import VisitorQuery

_WORD = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
_NOT_ASCII_WORD_CHAR = re.compile(r"[^\W\x00-\x7f]")
EXACT_CHECK_SECONDS = 0.3


@dataclass(frozen=True)
class ExactPhrases:
    """The phrases of a query to find as typed: those required and those excluded (over
    folded text), and the required ones again for marking the page's own text."""

    required: tuple[re.Pattern, ...] = ()
    excluded: tuple[re.Pattern, ...] = ()
    marks: tuple[re.Pattern, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.required or self.excluded)


def exact_phrases(parsed: VisitorQuery, context: MatchContext) -> ExactPhrases:
    """The quoted phrases of `parsed` that hold a word the index leaves out."""
    required = [item.text for item in parsed.required if needs_exact_check(item, context)]
    excluded = [item.text for item in parsed.excluded if needs_exact_check(item, context)]
    return ExactPhrases(
        tuple(_words_pattern(_fold(text)) for text in required),
        tuple(_words_pattern(_fold(text)) for text in excluded),
        tuple(_pattern(text, re.IGNORECASE) for text in required),
    )


def _fold(text: str) -> str:
    """Lowercased, accents folded. ASCII text needs only the lowercasing (the accent map
    changes no lowercase ASCII letter), and other text is folded character by character
    only where it is not ASCII: translating a whole post through the map costs a few
    milliseconds, more than the rest of the check."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    return _NOT_ASCII.sub(_fold_char, lowered)


def _fold_char(match: re.Match) -> str:
    char = match.group()
    return accent_map.get(ord(char), char)


def _pattern(phrase: str, flags: int = 0) -> re.Pattern:
    """The phrase's words in order, separated by anything but a word character."""
    words = [re.escape(word) for word in _WORD.findall(phrase)]
    return re.compile(r"(?<!\w)" + r"\W+".join(words) + r"(?!\w)", flags)


def _words_pattern(phrase: str) -> re.Pattern:
    """As `_pattern` without the look-behind, which would keep the regex engine from
    jumping to its first word's letters: `_holds` checks where a match starts instead,
    several times faster over a long post."""
    words = [re.escape(word) for word in _WORD.findall(phrase)]
    return re.compile(r"\W+".join(words) + r"(?!\w)")


def _holds(pattern: re.Pattern, text: str) -> bool:
    """Whether `pattern` (from `_words_pattern`) matches `text` at the start of a word."""
    at = pattern.search(text)
    while at is not None:
        start = at.start()
        if start == 0 or not _WORD_CHAR.match(text, start - 1):
            return True
        at = pattern.search(text, start + 1)
    return False


class _PostText:
    """A post's title and text, lowercased, and folded only when that could matter.

    A phrase (folded, lowercase) found in the lowercased text is in the folded text too:
    folding changes only characters outside ASCII, and the match holds none that are
    letters. So the text is folded only for a phrase not found as it is, and only if
    the text has a letter outside ASCII: most candidates are never folded.
    """

    def __init__(self, text: str) -> None:
        self.lowered = text.lower()

    @cached_property
    def folded(self) -> str | None:
        """The text folded for accents; None when no letter is outside ASCII (folding
        would then change no word)."""
        if _NOT_ASCII_WORD_CHAR.search(self.lowered) is None:
            return None
        return _fold(self.lowered)

    def holds(self, pattern: re.Pattern) -> bool:
        if _holds(pattern, self.lowered):
            return True
        return self.folded is not None and _holds(pattern, self.folded)


def keep_exact(
    searcher: Searcher, matches: Matches, phrases: ExactPhrases, deadline: float
) -> tuple[Matches, bool]:
    """The matches whose text holds every required phrase and no excluded one; and whether
    the time allowed stopped the reading (the rest are then left out). The best-scored
    are read first, so a search stopped early still shows the best of them."""
    deadline = min(deadline, time.perf_counter() + EXACT_CHECK_SECONDS)
    keep = np.zeros(len(matches), dtype=bool)
    for at in np.argsort(-matches.scores, kind="stable").tolist():
        if time.perf_counter() > deadline:
            return Matches(matches.ids[keep], matches.scores[keep]), True
        text = _PostText(_text_of(searcher, int(matches.ids[at])))
        keep[at] = all(text.holds(p) for p in phrases.required) and not any(
            text.holds(p) for p in phrases.excluded
        )
    return Matches(matches.ids[keep], matches.scores[keep]), False


def _text_of(searcher: Searcher, docnum: int) -> str:
    stored = searcher.stored_fields(docnum)
    title = (stored.get("display") or {}).get("title") or ""
    return f"{title}\n{stored_text(stored.get('content'))}"
