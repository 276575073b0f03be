"""Runs a Whoosh query over whole posting lists at once, with numpy, instead of post by post.

Whoosh scores a query by walking its matchers one posting at a time in Python: about a
microsecond per posting per term. A three-word query of common words at 100,000 posts walks
a few hundred thousand postings, so it took hundreds of milliseconds (docs/benchmarks.md).
Here the same query tree is evaluated list by list:

- a `Term` reads its posting list as two arrays (document numbers and term frequencies),
  kept in a byte-bounded LRU cache, and scores it with the searcher's BM25 formula in one
  vector expression, with the same idf, average length and per-field B as Whoosh;
- `Or` adds its children's scores over the union, `And` over the intersection, `AndNot`
  drops the excluded posts, as Whoosh's union and intersection matchers do;
- a `Phrase` is the intersection of its words, kept where their positions line up
  (searchweb.engine.phrases);
- anything else is run by Whoosh's own matcher, bounded by the search's deadline.

Matches and scores come out equal to Whoosh's when it scores every match
(tests/test_evaluate.py compares the two on real posts). Whoosh's own top-N collector is
not used: it loses matches of queries with an excluded word (Cranfield query 8: 344 of
1,203). The filter (facets, date ranges) becomes a boolean mask per segment, read from
the sortable columns (searchweb.engine.columns).
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass

import numpy as np
from whoosh import query as q
from whoosh import scoring
from whoosh.searching import Searcher
from whoosh.util.times import datetime_to_long

from indexer.index import bm25_parameters, deleted_docnums, is_null_query, segment_key
from searchweb.engine.columns import NO_DATE, segment_columns
from searchweb.engine.phrases import phrase_filter
from searchweb.engine.postings import field_lengths, postings
from searchweb.engine.ranking import RecencyWeighting

# idf values kept per searcher (about 200 bytes each).
_IDF_CACHE_SIZE = 50_000
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True)
class Matches:
    """Posts matching a query: sorted unique document numbers and their scores."""

    ids: np.ndarray  # int32 or int64
    scores: np.ndarray  # float64, aligned with ids

    @classmethod
    def empty(cls) -> Matches:
        return cls(_EMPTY_IDS, _EMPTY_SCORES)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Evaluation:
    """The matches of a query over a whole index, in global document numbers."""

    matches: Matches
    timed_out: bool = False


@dataclass
class _Segment:
    """What evaluating a query over one segment needs."""

    searcher: Searcher  # the segment's own searcher
    parent: Searcher  # the whole index's searcher: idf and average lengths are global
    base: scoring.WeightingModel  # BM25 without any per-post factor
    deadline: float
    key: str = ""
    posts: int = 0
    timed_out: bool = False

    def __post_init__(self) -> None:
        self.key = segment_key(self.searcher.reader())
        self.posts = self.searcher.reader().doc_count_all()


def evaluate(
    searcher: Searcher,
    query: q.Query,
    restrict: q.Query | None = None,
    deadline: float = float("inf"),
) -> Evaluation:
    """Every post matching `query` (and `restrict`, if given), with its score."""
    weighting = searcher.weighting
    fresh = isinstance(weighting, RecencyWeighting)  # when the site asks for freshness
    base = weighting.base if fresh else weighting
    ids, scores, timed_out = [], [], False
    for leaf, offset in searcher.leaf_searchers():
        segment = _Segment(leaf, searcher, base, deadline)
        found = _matches(query, segment)
        keep = _live(leaf.reader(), found.ids)
        if restrict is not None:
            keep &= _mask(restrict, segment)[found.ids]
        found = Matches(found.ids[keep], found.scores[keep])
        if fresh and len(found):
            factors = weighting.factors_for(leaf.reader())
            found = Matches(found.ids, found.scores * factors[found.ids])
        ids.append(found.ids + offset)
        scores.append(found.scores)
        timed_out = timed_out or segment.timed_out
    if not ids:
        return Evaluation(Matches.empty())
    return Evaluation(Matches(np.concatenate(ids), np.concatenate(scores)), timed_out)


def _live(reader, ids: np.ndarray) -> np.ndarray:
    """Which of `ids` are not deleted."""
    if not reader.has_deletions():
        return np.ones(len(ids), dtype=bool)
    return ~np.isin(ids, deleted_docnums(reader))


def _matches(node: q.Query, segment: _Segment) -> Matches:
    """`node`'s matches in one segment (deleted posts not yet removed)."""
    kind = type(node)
    if is_null_query(node):
        return Matches.empty()
    if kind is q.Term and isinstance(segment.base, scoring.BM25F):
        found = _term(node, segment)
    elif kind is q.Phrase and isinstance(segment.base, scoring.BM25F):
        found = _phrase(node, segment)
    elif kind is q.Or:
        children = [_matches(child, segment) for child in node.subqueries]
        found = _union(children, segment.posts)
    elif kind is q.And:
        found = _intersection([_matches(child, segment) for child in node.subqueries])
    elif kind is q.AndNot:
        found = _difference(_matches(node.a, segment), _mask(node.b, segment))
    elif kind is q.Every and not node.fieldname:  # browsing by filter alone
        found = Matches(np.arange(segment.posts, dtype=np.int64), np.ones(segment.posts))
    else:
        found = _by_whoosh(node, segment)
    if node.boost != 1 and len(found):
        found = Matches(found.ids, found.scores * node.boost)
    return found


def _term(node: q.Term, segment: _Segment) -> Matches:
    """A term's posting list, scored with BM25 (or its frequencies, if not scorable)."""
    name, text = node.fieldname, node.text
    reader = segment.searcher.reader()
    if name not in reader.schema:
        return Matches.empty()
    ids, weights = postings(reader, segment.key, name, text)
    if not len(ids):
        return Matches.empty()
    if not reader.schema[name].scorable:
        return Matches(ids, weights.astype(np.float64))
    b, k1 = bm25_parameters(segment.base, name)
    idf = _idf(segment, name, text)
    average = segment.parent.avg_field_length(name) or 1
    lengths = field_lengths(reader, segment.key, name)[ids]
    tf = weights.astype(np.float64)
    scores = idf * (tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * lengths / average))
    return Matches(ids, scores)


def _phrase(node: q.Phrase, segment: _Segment) -> Matches:
    """Posts with the words in order within the slop, scored as the sum of the words."""
    reader = segment.searcher.reader()
    if node.fieldname not in reader.schema:
        return Matches.empty()
    field = reader.schema[node.fieldname]
    if not field.format or not field.format.supports("positions"):
        return _by_whoosh(node, segment)  # Whoosh says why it cannot
    words = [_text(word) for word in node.words]
    together = _intersection([_term(q.Term(node.fieldname, word), segment) for word in words])
    if not len(together):
        return together
    keep = phrase_filter(reader, node.fieldname, words, together.ids, node.slop)
    return Matches(together.ids[keep], together.scores[keep])


def _text(word: bytes | str) -> str:
    return word.decode("utf-8") if isinstance(word, bytes) else word


# idf values per searcher, for as long as the searcher lives (a commit brings a new one).
_idf_by_searcher: weakref.WeakKeyDictionary[Searcher, dict] = weakref.WeakKeyDictionary()
_idf_lock = threading.Lock()


def _idf(segment: _Segment, name: str, text: str) -> float:
    """The model's own idf, kept per searcher.

    Not Searcher.idf: that asks the searcher's model, which may be a wrapper (freshness).
    """
    with _idf_lock:
        known = _idf_by_searcher.setdefault(segment.parent, {})
    found = known.get((name, text))
    if found is None:
        if len(known) >= _IDF_CACHE_SIZE:
            known.clear()  # a long-lived searcher meets endless new words: stay bounded
        found = known[(name, text)] = segment.base.idf(segment.parent, name, text)
    return found


def _union(children: list[Matches], posts: int) -> Matches:
    """Posts matching any child; a post's score is the sum of its children's scores."""
    children = [child for child in children if len(child)]
    if not children:
        return Matches.empty()
    if len(children) == 1:
        return children[0]
    total = sum(len(child) for child in children)
    if total * 8 > posts:
        # Long lists (common words): add into one array per post, no sorting at all.
        scores = np.zeros(posts)
        matched = np.zeros(posts, dtype=bool)
        for child in children:
            scores[child.ids] += child.scores  # ids are unique within a child
            matched[child.ids] = True
        ids = np.flatnonzero(matched)
        return Matches(ids, scores[ids])
    ids = np.concatenate([child.ids for child in children])
    scores = np.concatenate([child.scores for child in children])
    unique, where = np.unique(ids, return_inverse=True)
    return Matches(unique, np.bincount(where, weights=scores, minlength=len(unique)))


def _intersection(children: list[Matches]) -> Matches:
    """Posts matching every child, scored as the sum: the shortest list probes the others."""
    if not children or any(not len(child) for child in children):
        return Matches.empty()
    ids = min(children, key=len).ids
    for child in children:
        at = np.minimum(np.searchsorted(child.ids, ids), len(child.ids) - 1)
        ids = ids[child.ids[at] == ids]
        if not len(ids):
            return Matches.empty()
    scores = np.zeros(len(ids))
    for child in children:
        scores += child.scores[np.searchsorted(child.ids, ids)]
    return Matches(ids, scores)


def _difference(found: Matches, excluded: np.ndarray) -> Matches:
    if not len(found):
        return found
    keep = ~excluded[found.ids]
    return Matches(found.ids[keep], found.scores[keep])


def _mask(node: q.Query, segment: _Segment) -> np.ndarray:
    """Which posts of the segment `node` matches, as a boolean array (for filters)."""
    count = segment.posts
    kind = type(node)
    if isinstance(node, q.DateRange) and node.fieldname == "date":
        dates = segment_columns(segment.searcher.reader()).dates
        mask = dates != NO_DATE
        if node.startdate is not None:
            start = datetime_to_long(node.startdate)
            mask &= dates > start if node.startexcl else dates >= start
        if node.enddate is not None:
            end = datetime_to_long(node.enddate)
            mask &= dates < end if node.endexcl else dates <= end
        return mask
    if kind is q.Or:
        mask = np.zeros(count, dtype=bool)
        for child in node.subqueries:
            mask |= _mask(child, segment)
        return mask
    if kind is q.And:
        mask = np.ones(count, dtype=bool)
        for child in node.subqueries:
            mask &= _mask(child, segment)
        return mask
    mask = np.zeros(count, dtype=bool)
    mask[_matches(node, segment).ids] = True
    return mask


def _by_whoosh(node: q.Query, segment: _Segment) -> Matches:
    """Run `node` with Whoosh's own matcher (phrases and anything else), until the deadline."""
    searcher = segment.searcher
    matcher = node.matcher(searcher, searcher.context(weighting=segment.base))
    ids: list[int] = []
    scores: list[float] = []
    while matcher.is_active():
        ids.append(matcher.id())
        scores.append(matcher.score())
        matcher.next()
        if not len(ids) % 256 and time.perf_counter() > segment.deadline:
            segment.timed_out = True  # keep what was found; the search says so
            break
    return Matches(np.array(ids, dtype=np.int64), np.array(scores, dtype=np.float64))
