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
    CompositeAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang import has_stopwords, stopwords_for_language
from whoosh.support.charset import accent_map

# Words are runs of word characters, optionally joined by single dots ("node.js", "3.11").
# Set explicitly: the maintained Whoosh forks changed the default to keep "*" inside words.
TOKEN_PATTERN = r"\w+(?:\.\w+)*"

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


def vocabulary_words(analyzer: Analyzer, text: str) -> set[str]:
    """The distinct words of `text` as `analyzer` indexes them but unstemmed: lowercased,
    stop words dropped, accents folded. "Did you mean" offers these words.

    The same set as Whoosh's `spellable_words` (the analyzer run with `no_morph`).
    """
    chain = _Chain.of(analyzer)
    if chain is None:
        return {token.text for token in analyzer(text, no_morph=True)}
    return {word.translate(chain.charmap) for word in set(chain.kept(text)[1])}


def analyse_positions(
    analyzer: Analyzer, text: str
) -> tuple[dict[str, list[int]], set[str]] | None:
    """Each term of `text` with its positions, and its vocabulary words, in one pass; or
    None when `analyzer` is not a chain `text_analyzer` builds.

    The terms and positions are exactly those Whoosh's Positions format collects from
    the analyzer's tokens (a stop word takes no position, the first word kept keeps its
    own), found without a Token object and five generators per word: the distinct words
    are stemmed and folded once each. The vocabulary words are `vocabulary_words`.
    """
    chain = _Chain.of(analyzer)
    if chain is None:
        return None
    first, kept = chain.kept(text)
    distinct = set(kept)
    stem, ignore, charmap = chain.stem, chain.ignore, chain.charmap
    terms = {word: (word if word in ignore else stem(word)).translate(charmap) for word in distinct}
    positions: dict[str, list[int]] = {}
    for position, word in enumerate(kept, first):
        term = terms[word]
        if term in positions:
            positions[term].append(position)
        else:
            positions[term] = [position]
    return positions, {word.translate(charmap) for word in distinct}


class _Chain:
    """The parts of a tokenize | lowercase | stop | stem | fold analyzer."""

    KINDS = (RegexTokenizer, LowercaseFilter, StopFilter, StemFilter, CharsetFilter)

    def __init__(self, tokenizer, stop, stemmer, fold) -> None:
        self.pattern = tokenizer.expression
        self.stops, self.minsize, self.maxsize = stop.stops, stop.min, stop.max
        self.renumber = stop.renumber
        self.stem, self.ignore = stemmer._stem, stemmer.ignore
        self.charmap = fold.charmap

    @classmethod
    def of(cls, analyzer: Analyzer) -> _Chain | None:
        items = analyzer.items if isinstance(analyzer, CompositeAnalyzer) else None
        if items is None or len(items) != len(cls.KINDS):
            return None
        if not all(type(item) is kind for item, kind in zip(items, cls.KINDS, strict=True)):
            return None
        tokenizer, _, stop, stemmer, fold = items
        if tokenizer.gaps or not stop.renumber:
            return None
        return cls(tokenizer, stop, stemmer, fold)

    def kept(self, text: str) -> tuple[int, list[str]]:
        """The lowercased words that are not stop words, in order, and the position of
        the first of them among all the words."""
        if self.pattern.groups:  # findall would return the groups, not the words
            words = [match.group() for match in self.pattern.finditer(text)]
        else:
            words = self.pattern.findall(text)
        stops, minsize, maxsize = self.stops, self.minsize, self.maxsize
        if maxsize is None:
            maxsize = len(text)
        lowered = [word.lower() for word in words]
        kept = [w for w in lowered if minsize <= len(w) <= maxsize and w not in stops]
        if not kept:
            return 0, kept
        first = 0
        while lowered[first] != kept[0]:
            first += 1
        return first, kept
