"""The page this project started from: extraction matches its answer key, search finds it."""

from __future__ import annotations

import json
import unicodedata

from helpers import SEED_SITE, needs_shared

from indexer.extract.page import extract
from indexer.records import RawPage
from indexer.sources.folder import single_page_url
from searchweb.engine.backend import WhooshSearchBackend
from searchweb.records import SearchRequest


def _norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return " ".join(text.replace("\u2019", "'").replace("\u201c", '"').split())


def _seed():
    needs_shared(SEED_SITE)
    gold = json.loads((SEED_SITE / "gold.jsonl").read_text(encoding="utf-8").splitlines()[0])
    path = SEED_SITE / gold["path"]
    return gold, extract(RawPage(str(path), single_page_url(path, None), path.read_bytes()))


def test_seed_page_metadata_matches_the_answer_key():
    gold, result = _seed()
    post = result.post
    assert result.is_post
    assert _norm(post.title) == _norm(gold["title"])
    assert post.date.isoformat() == "2023-05-04"
    assert post.author == gold["author"]
    assert list(post.categories) == ["News"]
    assert post.url == gold["url"]  # from <link rel=canonical>


def test_seed_page_body_starts_and_ends_where_the_key_says_without_chrome():
    gold, result = _seed()
    body = _norm(result.post.body)
    assert body.startswith(_norm(gold["body_first_sentence"]))
    assert body.endswith(_norm(gold["body_last_sentence"]))
    for phrase in gold["body_must_contain"]:
        assert _norm(phrase) in body
    for chrome in gold["chrome_samples"]:
        assert _norm(chrome) not in body, chrome


def test_search_finds_the_seed_page_first_with_marked_snippet(seed_index):
    results = WhooshSearchBackend(seed_index).search(SearchRequest("appalling human rights record"))
    assert results.total >= 1
    first = results.hits[0]
    assert first.url.endswith("/responding-to-korea-futures-new-report-on-north-korea/")
    assert "<mark>appalling</mark>" in first.snippet_html
    assert "<mark>" in first.title_html


def test_chrome_text_does_not_find_the_seed_page(seed_index):
    backend = WhooshSearchBackend(seed_index)
    assert backend.search(SearchRequest("Subscribe to Blog")).total == 0
    # As a phrase: the body does use "address" (as a verb), but never this widget's sentence.
    phrase = SearchRequest('"Enter your email address to subscribe"')
    assert backend.search(phrase).total == 0
