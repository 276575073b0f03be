"""The post a visitor remembers by its title: the typed words, in order, in a post's title.

People look for a post they have read by typing two or three words of its title, stop words
included ("of blogging", "read on the"). The index leaves stop words out, so a title match
of those words is checked on the stored titles of the best-scored posts: a post whose title
holds every typed word, in that order, gains a share of the best score, which brings it to
the top of the page (bench/known_item.py measures it). Only short queries of plain words
are read this way, and only when results are ranked by relevance.
"""

from __future__ import annotations

import re

import numpy as np
from whoosh.searching import Searcher
from whoosh.support.charset import accent_map

from searchweb.engine.evaluate import Matches
from searchweb.query.syntax import VisitorQuery

# How many of the best-scored posts have their titles read.
RERANK_DEPTH = 20
# A title holding the typed words in order adds this share of the best score.
TITLE_MATCH_SHARE = 0.5
MIN_WORDS, MAX_WORDS = 2, 5
_WORD = re.compile(r"\w+")


def _fold(text: str) -> str:
    return text.lower().translate(accent_map)


def title_pattern(parsed: VisitorQuery) -> re.Pattern | None:
    """The typed words in order as a pattern over folded titles; None when the query is not
    a short run of plain words."""
    if parsed.required or parsed.excluded or any(len(group) != 1 for group in parsed.groups):
        return None
    words = [word for text in parsed.words for word in _WORD.findall(_fold(text))]
    if len(parsed.words) != len(parsed.groups) or not MIN_WORDS <= len(words) <= MAX_WORDS:
        return None
    return re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, words)) + r"(?!\w)")


def lift_title_matches(searcher: Searcher, matches: Matches, pattern: re.Pattern) -> Matches:
    """`matches` with the posts (among the best scored) whose title holds `pattern` lifted."""
    if not len(matches):
        return matches
    depth = min(RERANK_DEPTH, len(matches))
    best = np.argpartition(-matches.scores, depth - 1)[:depth]
    lift = TITLE_MATCH_SHARE * float(matches.scores.max())
    scores = matches.scores.copy()
    for at in best.tolist():
        title = (searcher.stored_fields(int(matches.ids[at])).get("display") or {}).get("title")
        if title and pattern.search(_fold(title)):
            scores[at] += lift
    return Matches(matches.ids, scores)
