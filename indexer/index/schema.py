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

    "Did you mean" and the typo fallback read only the words and how many posts hold each
    (the term index keeps that count); Whoosh's own spelling field also wrote every post's
    frequency of every word. Its postings were a third of the postings file, most of that
    the frequencies. With every weight 1, Whoosh writes no weights at all. An index built
    before keeps its pickled schema and reads as before.
    """

    def __init__(self, analyzer) -> None:
        super().__init__(analyzer)
        self.format = formats.Existence()


class BodyText(TEXT):
    """A body field whose unstemmed words go into a `SpellingWords` field."""

    def subfields(self):
        yield "", self
        if self.separate_spelling():
            yield self.spelling_prefix, SpellingWords(self.analyzer)


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
        # spelling=True: Whoosh also indexes the unstemmed words (spell_body...), which
        # is the vocabulary "did you mean" and the typo fallback choose from.
        fields[body_field(language)] = BodyText(analyzer=analyzer, phrase=True, spelling=True)
    return Schema(**fields)


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
