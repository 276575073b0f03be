"""Analysis: stemming per language, stop words, a schema that survives pickling."""

from __future__ import annotations

import pickle

from indexer.index.analysis import normalize_language, stem_terms, text_analyzer
from indexer.index.schema import build_schema


def test_english_words_share_a_stem_and_stop_words_go():
    assert stem_terms("gardening gardens")[0] == stem_terms("garden")[0]
    assert stem_terms("the and of") == []


def test_spanish_is_stemmed_as_spanish_and_accents_fold():
    assert stem_terms("canciones", "es") == stem_terms("canción", "es")
    assert stem_terms("cancion", "es") == stem_terms("canción", "es")


def test_tokenizer_keeps_dotted_words_and_drops_wildcards():
    assert "node.j" in stem_terms("node.js")
    assert stem_terms("tomato*?") == stem_terms("tomato")


def test_language_tags_normalise_to_supported_codes():
    assert normalize_language("en-GB") == "en"
    assert normalize_language("es_ES") == "es"
    assert normalize_language("xx") == "en"
    assert normalize_language(None) == "en"


def test_schema_round_trips_through_pickle_with_working_analyzers():
    schema = pickle.loads(pickle.dumps(build_schema()))
    tokens = [t.text for t in schema["body_es"].analyzer("Las fiestas")]
    assert tokens == stem_terms("Las fiestas", "es")
    assert [t.text for t in text_analyzer("en")("Running")] == ["run"]
