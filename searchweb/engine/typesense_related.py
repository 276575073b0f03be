"""Related posts on a Typesense collection: the posts that share most of a post's key words.

Typesense 0.24 has no "more like this" and gives no word statistics to weigh words by, so a
post's key words are its title's words and its most frequent words (index terms: stemmed,
stop words out), and the related posts are those Typesense ranks first for them, dropping
words from the query until enough posts hold the rest. The post itself is left out, and so
are static pages. On
Whoosh the words are weighed by tf-idf and a shared category or tag counts too
(searchweb.engine.related); this is the nearest one request to Typesense can do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from typesense import exceptions as ts

from indexer.index import document_date, document_id
from searchweb.records import RelatedPost

RELATED_LIMIT = 5  # as on the Whoosh backend
KEY_WORDS = 12  # the post's words a query holds (title words first)
MIN_WORD_CHARS = 3

# (what is being done, the call on a client) → its answer, through the cluster's retries.
Read = Callable[[str, Callable], dict]


def related_posts(read: Read, alias: str, url: str, limit: int) -> list[RelatedPost] | None:
    """Up to `limit` posts like the post at `url`, best first; None if it is not indexed."""
    try:
        post = read(
            "reading a post", lambda c: c.collections[alias].documents[document_id(url)].retrieve()
        )
    except ts.ObjectNotFound:
        return None
    words = key_words(post.get("title_terms") or "", post.get("body_terms") or "")
    if not words or limit < 1:
        return []
    params = {
        "q": " ".join(words),
        "query_by": "title_terms,body_terms",
        "query_by_weights": "2,1",
        "per_page": limit + 1,  # the post itself is among them
        "filter_by": "kind:=post",  # a static page is not a post to read next
        "drop_tokens_threshold": limit + 1,
        "typo_tokens_threshold": 0,
        "num_typos": 0,
        "exclude_fields": "body,body_terms,title_terms,words",
    }
    answer = read("finding related posts", lambda c: c.collections[alias].documents.search(params))
    found = [hit["document"] for hit in answer.get("hits") or []]
    return [_related(document) for document in found if document["url"] != post["url"]][:limit]


def key_words(title_terms: str, body_terms: str) -> list[str]:
    """The title's words, then the body's most frequent ones, KEY_WORDS in all."""
    words = list(dict.fromkeys(w for w in title_terms.split() if len(w) >= MIN_WORD_CHARS))
    counts = Counter(w for w in body_terms.split() if len(w) >= MIN_WORD_CHARS)
    for word, _ in counts.most_common():
        if len(words) >= KEY_WORDS:
            break
        if word not in words:
            words.append(word)
    return words[:KEY_WORDS]


def _related(document: dict) -> RelatedPost:
    published = document_date(document)
    return RelatedPost(
        url=document["url"],
        title=document.get("title") or document["url"],
        date=published.isoformat() if published else None,
        summary=document.get("summary") or "",
    )
