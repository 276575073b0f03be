"""The index schema: the contract between the indexer and the server.

Declared once and versioned (indexer.index.manifest holds the version): the fields a post
is written to, how each is analysed, and the stored forms the results page reads back.

Prose is indexed per language: English posts go to `title`/`body`, a Spanish post to
`title_es`/`body_es`, each field with its own Snowball stemmer. A query is parsed against
every language field present, each with that field's analyzer, so "fiestas" is stemmed as
Spanish where it meets Spanish posts and as English where it meets English ones.
"""

from __future__ import annotations

import zlib

from whoosh import formats
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema, SpellField

from indexer.index.analysis import (
    DEFAULT_LANGUAGE,
    SNOWBALL_LANGUAGES,
    analyse_positions,
    name_analyzer,
    text_analyzer,
)


def title_field(language: str) -> str:
    """Name of the title field for posts in `language`."""
    return "title" if language == DEFAULT_LANGUAGE else f"title_{language}"


def body_field(language: str) -> str:
    """Name of the body field for posts in `language`."""
    return "body" if language == DEFAULT_LANGUAGE else f"body_{language}"


class SpellingWords(SpellField):
    """Whoosh's spelling field, keeping which posts hold a word but not how often.

    Only indexes of schema version 2 have one (`spell_body`...): their body fields were
    written with `spelling=True`. They still read and write it as they always did.
    """

    def __init__(self, analyzer) -> None:
        super().__init__(analyzer)
        self.format = formats.Existence()


class BodyText(TEXT):
    """A post's body: stemmed words with their positions, and its vocabulary on the side.

    The words before stemming are what "did you mean" and autocomplete offer. A field
    built by `build_schema` keeps them out of the postings: `index` leaves the distinct
    words of the last value in `words_found`, and the writer
    (indexer.index.whoosh_writer) counts them into the segment's vocabulary file
    (indexer.index.wordfiles). Writing them as a spelling field's postings, as version 2
    did, was 45% of every posting written and a fifth of the index.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.words_found: set[str] | None = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("words_found", None)  # the last post's words are no part of the schema
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.words_found = None

    def subfields(self):
        yield "", self
        if self.separate_spelling():
            yield self.spelling_prefix, SpellingWords(self.analyzer)

    def has_vocabulary(self) -> bool:
        """Whether this field's words are counted into a vocabulary file (not a spelling
        field's postings)."""
        return not self.separate_spelling()

    def index(self, value, **kwargs):
        """The terms of `value` as Whoosh's own `index` gives them (UTF-8 term, frequency,
        weight, encoded positions), from one pass over the text (`analyse_positions`)."""
        analysed = None
        if isinstance(value, str) and not kwargs and isinstance(self.format, formats.Positions):
            analysed = analyse_positions(self.analyzer, value)
        if analysed is None:
            self.words_found = None
            return super().index(value, **kwargs)
        positions, self.words_found = analysed
        boost, encode = self.format.field_boost, self.format.encode
        return [
            (term.encode("utf-8"), len(places), float(len(places)) * boost, encode(places))
            for term, places in positions.items()
        ]


KIND_FIELD = "kind"


def kind_field() -> ID:
    """What a document is: "post" or "page" (a column, for the type facet and the order)."""
    return ID(stored=True, sortable=True)


def build_schema() -> Schema:
    """The Whoosh schema of a postsearch index (see the module docstring for the layout)."""
    fields = {
        # Key: re-indexing a URL replaces its document.
        "url": ID(stored=True, unique=True),
        "summary": STORED(),
        # Display copies, kept exact (case, accents) for the results page.
        "display": STORED(),
        "date": DATETIME(stored=True, sortable=True),
        # "post", or "page" for a static page; absent (a post) in indexes written before
        # pages were indexed, which gain the field on their next write (see KIND_FIELD).
        KIND_FIELD: kind_field(),
        "language": ID(stored=True),
        "author": TEXT(analyzer=name_analyzer(), stored=True),
        # Exact values for filters and facets; commas separate, so names may hold spaces.
        # Sortable: the column keeps each post's values as written, which is what facet
        # counts read (one array lookup per hit instead of a walk over the lexicon).
        "author_name": ID(sortable=True),
        "category": KEYWORD(commas=True, lowercase=True, scorable=True, sortable=True),
        "tag": KEYWORD(commas=True, lowercase=True, scorable=True, sortable=True),
        # Categories and tags as prose, so "gardening" matches the category "Gardens".
        "taxonomy": TEXT(analyzer=text_analyzer(DEFAULT_LANGUAGE)),
        # The full body text, stored once for snippets whatever the post's language,
        # zlib-compressed (see stored_text): prose shrinks to about a third.
        "content": STORED(),
    }
    for language in SNOWBALL_LANGUAGES:
        analyzer = text_analyzer(language)
        fields[title_field(language)] = TEXT(analyzer=analyzer, stored=True, phrase=True)
        fields[body_field(language)] = BodyText(analyzer=analyzer, phrase=True)
    return Schema(**fields)


def body_value(title: str, body: str) -> str:
    """What a post's body field indexes: its title is part of its text too (a word in the
    title and the body is one word said twice, as a reader sees it)."""
    return f"{title}\n{body}"


def stored_body_value(stored: dict) -> tuple[str, str]:
    """The body field a stored post was indexed in, and the value indexed there, rebuilt
    from its stored fields."""
    language = stored.get("language") or DEFAULT_LANGUAGE
    title = (stored.get("display") or {}).get("title") or ""
    return body_field(language), body_value(title, stored_text(stored.get("content")))


def pack_text(text: str) -> bytes:
    """The stored form of a long text field: UTF-8, zlib-compressed."""
    return zlib.compress(text.encode("utf-8"), 6)


def stored_text(value: bytes | str | None) -> str:
    """A stored text field as text, whether packed by `pack_text` or not."""
    if not value:
        return ""
    if isinstance(value, bytes):
        return zlib.decompress(value).decode("utf-8")
    return value
