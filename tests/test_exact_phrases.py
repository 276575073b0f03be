"""Quoted phrases with stop words find exactly the posts that hold them.

Such a phrase is checked in each candidate post's own text (searchweb.engine.exact), which
is read lowercased, and folded for accents only when that could matter. Every phrase
below, cut from the demo blog's own sentences around a stop word, must find exactly the
posts whose title and text hold it, as a reader would find them by reading every post.
"""

from __future__ import annotations

import random
import re

import pytest
from whoosh.lang import stopwords_for_language
from whoosh.support.charset import accent_map

from indexer.index import open_existing, stored_text
from searchweb.engine.backend import WhooshSearchBackend
from searchweb.records import SearchOptions, SearchRequest

_WORD = re.compile(r"\w+")
STOP_WORDS = frozenset(stopwords_for_language("en"))


def _folded(text: str) -> str:
    return text.lower().translate(accent_map)


@pytest.fixture(scope="module")
def demo_texts(demo_index) -> dict[str, str]:
    """Each demo post's title and text, lowercased and folded."""
    with open_existing(demo_index[0]).searcher() as searcher:
        stored = list(searcher.all_stored_fields())
    return {
        fields["url"]: _folded(f"{fields['display']['title']}\n{stored_text(fields['content'])}")
        for fields in stored
    }


def _phrases(texts: dict[str, str], count: int) -> list[str]:
    """Two to four neighbouring words, one of them a stop word, from the posts' text."""
    rng, found = random.Random(7), []
    for text in sorted(texts.values()) * 10:
        words = _WORD.findall(text)
        at = rng.randrange(len(words) - 4)
        window = words[at : at + rng.randint(2, 4)]
        if STOP_WORDS.intersection(window):
            found.append(" ".join(window))
    return sorted(set(found))[:count]


def test_a_phrase_finds_exactly_the_posts_that_hold_it(demo_index, demo_texts):
    backend = WhooshSearchBackend(demo_index[0], SearchOptions(time_limit=60))
    phrases = _phrases(demo_texts, 120)
    assert len(phrases) >= 100
    for phrase in phrases:
        pattern = re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, phrase.split())) + r"(?!\w)")
        holding = {url for url, text in demo_texts.items() if pattern.search(text)}
        found = backend.search(SearchRequest(f'"{phrase}"', per_page=50))
        assert holding  # cut from a post: at least that one
        assert {hit.url for hit in found.hits} == holding, phrase
