"""Which language a post is written in, so that it is stemmed by the right Snowball stemmer.

The page's own declaration (`<html lang>`, `og:locale`, `Content-Language`) comes first,
but many blogs keep their theme's default "en-US" while writing in Spanish, and many
declare nothing. So the body is also read by a stop-word detector: the share of its words
that are the Snowball stop words of each supported language (Whoosh ships those lists,
so nothing is downloaded and there is no dependency), each word weighted by how few
languages share it. A declaration is overruled only when the text clearly says otherwise.
"""

from __future__ import annotations

import re
from functools import cache

from whoosh.lang import has_stopwords, stopwords_for_language

from indexer.index.analysis import DEFAULT_LANGUAGE, SNOWBALL_LANGUAGES, normalize_language

# Fewer words than this and stop-word counts are noise.
MIN_WORDS = 25
# Words read from the start of the body: enough for a clear signal, cheap on long posts.
MAX_WORDS = 1500
# The winner must weigh at least this share of the words...
MIN_SCORE = 0.08
# ...and, to overrule a declared language, this many times the declared one's score.
OVERRULE_RATIO = 3.0

_WORD = re.compile(r"[^\W\d_]+")
_ARABIC = re.compile(r"[\u0600-\u06ff]")


@cache
def _weights() -> dict[str, dict[str, float]]:
    """word -> {language: weight}; a stop word shared by k languages weighs 1/k in each."""
    owners: dict[str, list[str]] = {}
    for code in SNOWBALL_LANGUAGES:
        if has_stopwords(code):
            for word in stopwords_for_language(code):
                owners.setdefault(word, []).append(code)
    return {word: {code: 1.0 / len(codes) for code in codes} for word, codes in owners.items()}


def language_scores(text: str) -> dict[str, float]:
    """Each language's weighted share of stop words among the first words of `text`."""
    words = _WORD.findall(text.lower())[:MAX_WORDS]
    if len(words) < MIN_WORDS:
        return {}
    scores: dict[str, float] = dict.fromkeys(SNOWBALL_LANGUAGES, 0.0)
    weights = _weights()
    for word in words:
        for code, weight in weights.get(word, {}).items():
            scores[code] += weight
    if sum(len(_ARABIC.findall(word)) > 0 for word in words) > len(words) / 2:
        scores["ar"] = float(len(words))  # Whoosh has no Arabic stop list; the script tells
    return {code: score / len(words) for code, score in scores.items()}


def detect_language(text: str) -> str | None:
    """The supported language `text` is most clearly written in, or None if unclear."""
    scores = language_scores(text)
    if not scores:
        return None
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] >= MIN_SCORE else None


def choose_language(declared: str | None, text: str) -> str:
    """The declared language, unless the text is clearly in another; else the detected one."""
    scores = language_scores(text)
    best = max(scores, key=scores.__getitem__) if scores else None
    if best is None or scores[best] < MIN_SCORE:
        return normalize_language(declared)
    code = normalize_language(declared) if declared else None
    if code is None or (code == DEFAULT_LANGUAGE and not _declares_english(declared)):
        return best
    if best != code and scores[best] >= OVERRULE_RATIO * max(scores.get(code, 0.0), 1e-9):
        return best
    return code


def _declares_english(declared: str | None) -> bool:
    return bool(declared) and declared.strip().lower().replace("_", "-").split("-")[0] == "en"
