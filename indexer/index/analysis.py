"""Text analysis shared by indexing and querying: tokenize | lowercase | stop | stem | fold.

The indexer writes with these analyzers and the search side parses queries with the very
same objects, because Whoosh pickles them into the index's schema. That is also why the
stemmer is a small module-level class: a pickled analyzer must be importable by name when
the server opens the index, and must not drag an NLTK stemmer object (or its cache) along.
"""

from __future__ import annotations

from functools import cache, lru_cache

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang import has_stopwords, stopwords_for_language
from whoosh.support.charset import accent_map

# Words are runs of word characters, optionally joined by single dots ("node.js", "3.11").
# Set explicitly: the maintained Whoosh forks changed the default to keep "*" inside words.
TOKEN_PATTERN = r"\w+(\.?\w+)*"

DEFAULT_LANGUAGE = "en"

# ISO 639-1 code -> NLTK Snowball stemmer name. Every one of these works without
# nltk.download(); Whoosh ships a Snowball stop list for each of them too.
SNOWBALL_LANGUAGES: dict[str, str] = {
    "ar": "arabic",
    "da": "danish",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "it": "italian",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}

# Longer "words" are hashes, base64 or run-together junk; they only bloat the lexicon.
MAX_TOKEN_LENGTH = 40


def normalize_language(tag: str | None) -> str:
    """Map a page's language tag ("en-GB", "es_ES", "ES") to a supported code, else English."""
    if not tag:
        return DEFAULT_LANGUAGE
    code = tag.strip().replace("_", "-").split("-")[0].lower()
    return code if code in SNOWBALL_LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=1 << 18)
def _stem(language: str, word: str) -> str:
    # NLTK's stemmers are slow (about 15x a cache hit) and blog vocabularies are Zipfian,
    # so one shared cache across all analyzers pays for itself within a few pages.
    return _stemmer(language).stem(word)


@cache
def _stemmer(language: str):  # -> nltk.stem.snowball.SnowballStemmer
    # Imported on first use: importing nltk costs ~0.15 s, which an incremental run that
    # finds nothing changed, or the CLI's other commands, need not pay.
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer(SNOWBALL_LANGUAGES[language])


class SnowballStem:
    """A picklable stem function for one language: pickles as its language code only."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, word: str) -> str:
        return _stem(self.language, word)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SnowballStem) and other.language == self.language

    def __hash__(self) -> int:
        return hash(("SnowballStem", self.language))


def _stop_words(language: str) -> frozenset[str]:
    # Whoosh ships Snowball stop lists for every language here but Arabic.
    return frozenset(stopwords_for_language(language)) if has_stopwords(language) else frozenset()


def text_analyzer(language: str = DEFAULT_LANGUAGE) -> Analyzer:
    """The analyzer for prose in `language`: titles, bodies and taxonomy names.

    Accents are folded after stemming (the Snowball rules expect them) so that a visitor
    typing "cancion" still finds "canción".
    """
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | StopFilter(
            stoplist=_stop_words(language),
            minsize=1,
            maxsize=MAX_TOKEN_LENGTH,
        )
        | StemFilter(stemfn=SnowballStem(language), cachesize=None)
        | CharsetFilter(accent_map)
    )


def name_analyzer() -> Analyzer:
    """Analyzer for people's names: no stemming or stop words ("Will", "May" are names)."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)


def stem_terms(text: str, language: str = DEFAULT_LANGUAGE) -> list[str]:
    """The index terms `text` produces in `language`, in order; used by tests and tools."""
    return [token.text for token in text_analyzer(language)(text)]
