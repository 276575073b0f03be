"""How matches are scored: BM25F with our parameters, and an optional freshness bonus.

BM25F's two knobs are set here, once, for every searcher the server opens. Freshness is off
unless the deployment asks for it (`recency_boost`): a news site may want this week's story
above a better-matching one from 2012, a blog of evergreen how-tos usually does not, and
the relevance benchmarks are run without it.
"""

from __future__ import annotations

from datetime import datetime
from math import log

import numpy as np
from whoosh import scoring
from whoosh.searching import Searcher
from whoosh.util.times import datetime_to_long

from indexer.index import SNOWBALL_LANGUAGES, SegmentCache, segment_key, title_field
from searchweb.engine.columns import NO_DATE, segment_columns

# Term-frequency saturation and length normalisation, measured with bench/relevance.py:
# B 0.6 beat 0.75 and 0.5 on the two collections together; K1 0.9 lost on both.
BM25_K1 = 1.2
BM25_B = 0.6
# Length normalisation of titles, which are short and alike in length (None: BM25_B).
TITLE_B: float | None = None
# A post this many days old gets half the freshness bonus of one published today.
RECENCY_HALF_LIFE_DAYS = 365.0
_CACHE_SIZE = 64


class BM25(scoring.BM25F):
    """Whoosh's BM25F with the usual BM25 idf, log(1 + (N - n + 0.5) / (n + 0.5)).

    Whoosh's own idf, log(N / (n + 1)) + 1, never falls below about 1, so a word found in
    most posts ("study", "using") still weighs a good share of a rare one; in a long query
    such words then outvote the few that matter. Measured with bench/relevance.py.
    """

    def idf(self, searcher: Searcher, fieldname: str, text: bytes) -> float:
        parent = searcher.get_parent()
        found = parent.doc_frequency(fieldname, text)
        posts = parent.doc_count_all()
        return log(1 + (posts - found + 0.5) / (found + 0.5))


def weighting(recency_boost: float = 0.0, now: datetime | None = None) -> scoring.WeightingModel:
    """The scoring model for a searcher: BM25, times a freshness factor when asked for."""
    per_field = {}
    if TITLE_B is not None:
        per_field = {f"{title_field(lang)}_B": TITLE_B for lang in SNOWBALL_LANGUAGES}
    base = BM25(B=BM25_B, K1=BM25_K1, **per_field)
    if recency_boost <= 0:
        return base
    return RecencyWeighting(base, recency_boost, now)


class RecencyWeighting(scoring.WeightingModel):
    """Multiplies each match's score by 1 + boost x 0.5^(age / half-life).

    Every term's score is scaled by the same per-post factor, so the sum that ranks a post is
    scaled by it too. Factors are read once per segment from the date column.
    """

    def __init__(
        self, base: scoring.WeightingModel, boost: float, now: datetime | None = None
    ) -> None:
        self.base = base
        self.boost = boost
        self.now = now
        self._factors: SegmentCache[np.ndarray] = SegmentCache(_CACHE_SIZE)

    def supports_block_quality(self) -> bool:
        return False

    def scorer(self, searcher: Searcher, fieldname: str, text: bytes, qf: int = 1):
        inner = self.base.scorer(searcher, fieldname, text, qf=qf)
        return _ScaledScorer(inner, self.factors_for(searcher.reader()), 1.0 + self.boost)

    def factors_for(self, reader) -> np.ndarray:  # a Whoosh leaf reader
        """Each post's freshness factor in one segment (the evaluator multiplies by it)."""
        return self._factors.get(segment_key(reader), lambda: self._read_factors(reader))

    def _read_factors(self, reader) -> np.ndarray:  # a Whoosh leaf reader
        now = datetime_to_long(self.now or datetime.now())
        dates = segment_columns(reader).dates
        undated = dates == NO_DATE
        age_days = np.maximum(0, now - np.where(undated, now, dates)) / 86_400_000_000
        factors = 1.0 + self.boost * 0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS)
        return np.where(undated, 1.0, factors)


class _ScaledScorer(scoring.BaseScorer):
    def __init__(self, inner: scoring.BaseScorer, factors: np.ndarray, most: float) -> None:
        self.inner = inner
        self.factors = factors
        self.most = most

    def supports_block_quality(self) -> bool:
        return False

    def score(self, matcher) -> float:  # a Whoosh matcher
        return self.inner.score(matcher) * float(self.factors[matcher.id()])

    def max_quality(self) -> float:
        return self.inner.max_quality() * self.most
