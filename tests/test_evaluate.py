"""The fast paths find exactly what Whoosh finds: the numpy evaluator, with the same scores.

searchweb.engine.evaluate replaces Whoosh's post-by-post matchers for speed; these tests hold it to
Whoosh's own answers on real posts (the project's own corpus, tests/fixtures/corpus): for
every query shape the visitor's language produces (words, several words with their bonuses,
phrases, exclusions, OR, fields, prefixes) and filters, over an index that has been
reindexed (several segments, deleted posts, lists of more than one 128-posting block). The
queries are drawn from the index's own vocabulary, not from a list of expected posts.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from functools import partialmethod
from itertools import pairwise
from pathlib import Path

import pytest
from helpers import copy_corpus
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from indexer.api import WhooshPostStore, index_sources
from indexer.index import open_existing, stored_text
from indexer.index import schema as schema_module
from indexer.index.listfiles import write_missing_lists
from searchweb.engine.backend import WhooshSearchBackend
from searchweb.engine.evaluate import evaluate
from searchweb.engine.snippets import _matches as snippet_matches
from searchweb.query.matching import MatchContext, build_query, filter_query
from searchweb.query.spelling import close_words, max_edits, spelling_fields
from searchweb.query.syntax import parse_visitor_query
from searchweb.query.vocabulary import most_common, vocabularies
from searchweb.records import Filters, SearchRequest

# Whoosh stores a posting list in blocks of up to this many postings.
WHOOSH_BLOCK = 128


def _reindex(root: Path, index_dir: Path) -> None:
    first = copy_corpus(root, posts=180)
    index_sources([root], WhooshPostStore(index_dir))
    copy_corpus(root, posts=260)  # the first 180 again, unchanged, and 80 newer posts
    for post in first[:8]:
        shutil.rmtree(root / post)
    index_sources([root], WhooshPostStore(index_dir))


@pytest.fixture(scope="module")
def spelling_field_reader(tmp_path_factory):
    """The same posts, written the same way, into an index that keeps the words before
    stemming as Whoosh's spelling field (as schema version 2 does): Whoosh's own answers
    for "did you mean" and completions."""
    root = tmp_path_factory.mktemp("site")
    index_dir = tmp_path_factory.mktemp("index")
    body_text = schema_module.BodyText
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(body_text, "__init__", partialmethod(body_text.__init__, spelling=True))
        _reindex(root, index_dir)
    index = open_existing(index_dir)
    assert "spell_body" in index.schema
    with index.reader() as reader:
        yield reader


@pytest.fixture(scope="module", params=["list files", "Whoosh blocks"])
def reindexed(request, tmp_path_factory) -> Path:
    """The corpus's 180 older posts indexed, then its 80 newer ones added and 8 of the first
    removed, as a maintainer would: two segments, deleted posts, and lists longer than a block.

    Our side reads each posting list either from the list files beside the segments (here
    every list of two posts or more, not only the long ones the store writes) or, where a
    segment has none, from Whoosh's blocks: the comparisons run once for each. Each way gets
    an index of its own, so no list read one way is cached for the other (by segment id).
    """
    root = tmp_path_factory.mktemp("site")
    index_dir = tmp_path_factory.mktemp("index")
    _reindex(root, index_dir)
    for path in index_dir.glob("*.pslists"):
        path.unlink()
    if request.param == "list files":
        assert write_missing_lists(open_existing(index_dir), min_postings=2)
    return index_dir


@pytest.fixture(scope="module")
def backend(reindexed) -> WhooshSearchBackend:
    return WhooshSearchBackend(reindexed)


def _vocabulary(searcher: Searcher) -> list[str]:
    """Unstemmed words of the posts, most widespread first."""
    counts: Counter[str] = Counter()
    for part in vocabularies(searcher.reader(), "spell_body"):
        counts.update(dict(zip(part.words, part.counts.tolist(), strict=True)))
    words = [(n, w) for w, n in counts.items()]
    return [w for n, w in sorted(words, reverse=True) if w.isalpha() and len(w) > 3 and n > 1]


def _adjacent_pairs(searcher: Searcher, vocabulary: list[str], wanted: int) -> list[str]:
    """Pairs of widespread words that stand side by side in some post, as typed."""
    known = set(vocabulary[:300])
    pairs: list[str] = []
    for docnum in searcher.reader().all_doc_ids():
        text = stored_text(searcher.stored_fields(docnum).get("content")).lower()
        for left, right in pairwise(re.findall(r"\w+", text)):
            pair = f"{left} {right}"
            if left in known and right in known and left != right and pair not in pairs:
                pairs.append(pair)
                break
        if len(pairs) == wanted:
            break
    return pairs


def _queries(searcher: Searcher) -> list[str]:
    words = _vocabulary(searcher)
    common, middling, rare = words[:6], words[len(words) // 4 :][:6], words[-6:]
    pairs = _adjacent_pairs(searcher, words, 4)
    title = re.findall(r"[a-z]{4,}", str(searcher.stored_fields(0).get("title", "")).lower())
    return [
        *common[:3],
        *rare[:3],
        f"{common[0]} {common[1]}",
        f"{common[2]} {middling[0]} {rare[0]}",
        f"{middling[1]} {middling[2]}",
        " ".join(middling[:4] + common[:3]),  # long: plain BM25, no bonuses
        *(f'"{pair}"' for pair in pairs),  # phrases
        *pairs,  # the same words unquoted: nearness bonus where they stand close
        f"{common[0]} -{middling[0]}",
        f"{rare[1]} OR {rare[2]} OR {middling[5]}",
        f"title:{title[0] if title else common[1]}",
        f"{middling[0][:4]}*",
        f'{common[3]} "{pairs[0]}"',
    ]


def _whoosh(searcher: Searcher, query, restrict) -> dict[int, float]:
    results = searcher.search(query, limit=None, filter=restrict)
    return {hit.docnum: hit.score for hit in results}


def _ours(searcher: Searcher, query, restrict) -> dict[int, float]:
    found = evaluate(searcher, query, restrict).matches
    return dict(zip(found.ids.tolist(), found.scores.tolist(), strict=True))


def test_the_index_under_test_has_segments_deleted_posts_and_long_lists(backend):
    reader = backend.searcher().reader()
    assert reader.doc_count() == 260 - 8
    assert reader.doc_count_all() == 260  # the 8 removed posts are deleted, not yet merged
    segments = [leaf for leaf, _ in reader.leaf_readers()]
    assert sorted(leaf.doc_count_all() for leaf in segments) == [80, 180]
    # The commonest words of the larger segment span two or more of Whoosh's blocks.
    larger = max(segments, key=lambda leaf: leaf.doc_count_all())
    longest = max(larger.doc_frequency("body", term) for term in larger.lexicon("body"))
    assert longest > WHOOSH_BLOCK


def test_every_query_shape_matches_and_scores_as_whoosh(backend):
    searcher = backend.searcher()
    context = MatchContext(searcher.schema, searcher.reader())
    checked = 0
    for text in _queries(searcher):
        query = build_query(parse_visitor_query(text), context)
        theirs = _whoosh(searcher, query, None)
        ours = _ours(searcher, query, None)
        assert ours.keys() == theirs.keys(), text
        for docnum, score in theirs.items():
            assert ours[docnum] == pytest.approx(score, rel=1e-6), text
        checked += bool(theirs)
    assert checked >= 20  # the queries found posts: the comparison was not of empty sets


def test_filters_keep_what_whoosh_keeps(backend):
    searcher = backend.searcher()
    context = MatchContext(searcher.schema, searcher.reader())
    facets = backend.search(SearchRequest(query=_vocabulary(searcher)[0])).facets.counts
    year = facets["year"][0].value
    category = facets["category"][0].value
    for filters in (
        Filters(year=(year,)),
        Filters(category=(category,)),
        Filters(year=(year,), category=(category,)),
    ):
        restrict = filter_query(filters)
        for text in _queries(searcher)[:8]:
            query = build_query(parse_visitor_query(text), context)
            assert (
                _ours(searcher, query, restrict).keys() == _whoosh(searcher, query, restrict).keys()
            )


def test_page_order_is_score_then_document(backend):
    searcher = backend.searcher()
    word = _vocabulary(searcher)[0]
    first = backend.search(SearchRequest(query=word, per_page=10))
    second = backend.search(SearchRequest(query=word, per_page=10, page=2))
    scores = [hit.score for hit in first.hits + second.hits]
    assert scores == sorted(scores, reverse=True)
    assert not {h.url for h in first.hits} & {h.url for h in second.hits}
    context = MatchContext(searcher.schema, searcher.reader())
    query = build_query(parse_visitor_query(word), context)
    best = sorted(_whoosh(searcher, query, None).items(), key=lambda kv: (-kv[1], kv[0]))
    expected = [searcher.stored_fields(docnum)["url"] for docnum, _ in best[:20]]
    assert [hit.url for hit in first.hits + second.hits] == expected


def test_did_you_mean_finds_the_words_whoosh_finds(backend, spelling_field_reader):
    """close_words (rapidfuzz over the vocabulary files' words) against Whoosh's own
    terms_within over a spelling field of the same posts, with the same counts.

    IndexReader's: Whoosh's single-segment reader swaps in an automaton that counts a swap
    of two letters as two edits, so its answer would depend on how many segments there are.
    """
    reader = backend.searcher().reader()
    fields = spelling_fields(reader, ("en",))
    assert fields == ["spell_body"] and "spell_body" not in reader.schema
    vocabulary = _vocabulary(backend.searcher())
    # Typos made from the index's own words: a letter dropped, doubled, swapped, replaced.
    typos = []
    for word in vocabulary[:40:4] + vocabulary[-40::4]:
        typos += [word[:2] + word[3:], word[:3] + word[2:], word[:1] + word[2] + word[1] + word[3:]]
        typos.append(word[:-1] + ("x" if word[-1] != "x" else "y"))
    compared = 0
    for typo in typos:
        ours = close_words(reader, fields, typo)
        theirs: dict[str, int] = {}
        whoosh = spelling_field_reader
        for name in fields:
            for word in IndexReader.terms_within(whoosh, name, typo, max_edits(typo), prefix=1):
                if word != typo:
                    theirs[word] = theirs.get(word, 0) + whoosh.doc_frequency(name, word)
        assert {w: n for n, w in ours} == theirs, typo
        compared += bool(theirs)
    assert compared >= len(typos) // 2


def test_snippet_words_are_the_words_the_analyzer_finds(backend):
    """The snippet's fast word finder marks exactly the words Whoosh's analyzer turns into
    the query's terms, with the same character offsets, on real posts."""
    searcher = backend.searcher()
    analyzer = searcher.schema["body"].analyzer
    vocabulary = _vocabulary(searcher)
    checked = 0
    for docnum in list(searcher.reader().all_doc_ids())[:40]:
        text = stored_text(searcher.stored_fields(docnum).get("content"))
        tokens = [t.text for t in analyzer(text)]
        for words in (vocabulary[:3], vocabulary[100:103], tokens[5:8]):
            terms = frozenset(t.text for w in words for t in analyzer(w, mode="query"))
            expected = [
                (t.startchar, t.endchar) for t in analyzer(text, chars=True) if t.text in terms
            ]
            found = [(m.start, m.end) for m in snippet_matches(text, terms, analyzer)]
            assert found == expected, (docnum, sorted(terms))
            checked += bool(expected)
    assert checked >= 40


def test_completions_are_the_most_widespread_words_whoosh_lists(backend, spelling_field_reader):
    """Prefix expansion from the in-memory word lists against Whoosh's lexicon walk (for
    the words before stemming, over the spelling field of the same posts)."""
    reader = backend.searcher().reader()
    prefixes = sorted({word[:n] for word in _vocabulary(backend.searcher())[:60] for n in (2, 3)})
    for name in ("spell_body", "title", "body"):
        whoosh = spelling_field_reader if name == "spell_body" else reader
        for prefix in prefixes:
            words = [
                w.decode() if isinstance(w, bytes) else w
                for w in whoosh.expand_prefix(name, prefix)
            ]
            counted = sorted(
                ((whoosh.doc_frequency(name, w), w) for w in words), key=lambda p: (-p[0], p[1])
            )
            assert most_common(reader, name, prefix, 8) == counted[:8], (name, prefix)


def test_snippet_words_with_accents_and_typographic_punctuation(backend):
    """Accented words fold to the query's terms wherever they stand, among curly quotes,
    dashes, ellipses and no-break spaces, as the analyzer finds them."""
    analyzer = backend.searcher().schema["body"].analyzer
    text = (
        "Their élan \u2014 \u201cCafé\u201d naïvely\u2026 Ärger\u2019s\u00a0Über-cafés, "
        "node.js and ÉLAN\u2019s."
    )
    for words in (["elan"], ["cafe", "naive"], ["uber", "arger"], ["node.js"]):
        terms = frozenset(t.text for w in words for t in analyzer(w, mode="query"))
        expected = [(t.startchar, t.endchar) for t in analyzer(text, chars=True) if t.text in terms]
        found = [(m.start, m.end) for m in snippet_matches(text, terms, analyzer)]
        assert found == expected, words
        assert expected, words  # otherwise the check shows nothing
