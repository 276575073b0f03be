"""Related posts: the posts most like one post, from the index's own words.

A post's key words are the words of its title and text that say the most about it: frequent
in it, rare in the site (tf-idf over the post's own analysed words, the title counted
several times). The related posts are those that hold most of those words (BM25 over the
body and title, the same scoring as a search), with a bonus for sharing a category or a
tag, as a reader expects of "related". The post itself is never among them, nor is a static
page (an "About" page is not a post to read next).
"""

from __future__ import annotations

from collections import Counter
from math import log

import numpy as np
from whoosh import query as q
from whoosh.searching import Searcher

from indexer.index import KIND_FIELD, body_field, stored_text, title_field
from searchweb.engine.evaluate import evaluate
from searchweb.records import RelatedPost

KEY_WORDS = 25  # how many of the post's words make its query
TITLE_WEIGHT = 3  # a title word counts as this many words of the text
MIN_WORD_CHARS = 3
CATEGORY_BOOST = 2.0
TAG_BOOST = 3.0  # a shared tag says more of a topic than a shared category
# A word in more than this share of the posts says little about any one post.
MAX_DOC_SHARE = 0.25


def related_posts(searcher: Searcher, url: str, limit: int) -> list[RelatedPost] | None:
    """Up to `limit` posts like the post at `url`, best first; None if no post is there."""
    docnum = searcher.document_number(url=url)
    if docnum is None:
        return None
    stored = searcher.stored_fields(docnum)
    query = _query_for(searcher, stored)
    if query is None:
        return []
    matches = evaluate(searcher, query).matches
    keep = (matches.ids != docnum) & ~np.isin(matches.ids, _static_pages(searcher))
    ids, scores = matches.ids[keep], matches.scores[keep]
    best = np.lexsort((ids, -scores))[:limit]
    return [_related(searcher.stored_fields(int(ids[i]))) for i in best]


def _static_pages(searcher: Searcher) -> np.ndarray:
    """The document numbers of the static pages (an index holds a handful, if any)."""
    if KIND_FIELD not in searcher.schema:
        return np.empty(0, dtype=np.int64)
    return np.fromiter(searcher.docs_for_query(q.Term(KIND_FIELD, "page")), dtype=np.int64)


def _query_for(searcher: Searcher, stored: dict) -> q.Query | None:
    language = stored.get("language") or "en"
    body, title = body_field(language), title_field(language)
    display = stored.get("display") or {}
    words = _key_words(
        searcher, body, display.get("title") or "", stored_text(stored.get("content"))
    )
    if not words:
        return None
    parts: list[q.Query] = [q.Term(body, word, boost=weight) for word, weight in words]
    parts += [
        q.Term(title, word, boost=weight) for word, weight in words if title in searcher.schema
    ]
    for name, boost, values in (
        ("category", CATEGORY_BOOST, display.get("categories") or ()),
        ("tag", TAG_BOOST, display.get("tags") or ()),
    ):
        parts += [
            q.Term(name, value.replace(",", " ").strip().lower(), boost=boost) for value in values
        ]
    return q.Or(parts)


def _key_words(searcher: Searcher, field: str, title: str, text: str) -> list[tuple[str, float]]:
    """The post's KEY_WORDS most telling words with weights that sum to KEY_WORDS."""
    analyzer = searcher.schema[field].analyzer
    counts: Counter[str] = Counter()
    for token in analyzer(text):
        counts[token.text] += 1
    for token in analyzer(title):
        counts[token.text] += TITLE_WEIGHT
    posts = max(1, searcher.doc_count())
    scored = []
    for word, count in counts.items():
        found = searcher.doc_frequency(field, word)
        if len(word) < MIN_WORD_CHARS or not found or found > MAX_DOC_SHARE * posts + 1:
            continue
        scored.append((count * log(posts / found), word))
    top = sorted(scored, reverse=True)[:KEY_WORDS]
    total = sum(score for score, _ in top) or 1.0
    return [(word, KEY_WORDS * score / total) for score, word in top]


def _related(stored: dict) -> RelatedPost:
    display = stored.get("display") or {}
    published = stored.get("date")
    return RelatedPost(
        url=stored["url"],
        title=display.get("title") or stored["url"],
        date=published.date().isoformat() if published else None,
        summary=stored.get("summary") or "",
    )
