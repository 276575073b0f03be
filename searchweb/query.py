"""What a visitor typed → a Whoosh query, never through Whoosh's own query syntax.

Visitors type prose, not a query language: `?` and `*` are not wildcards, a stray quote or
`AND` at the end is not an error. So the text is split here into plain words, "quoted
phrases" and -excluded words, and each piece is analysed with the very analyzer of each
field it is matched against (from the index's schema), then assembled from Whoosh query
objects directly. Nothing a visitor types can raise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as q
from whoosh.fields import Schema

from indexer.schema import body_field, title_field

# Relative weight of a match in each kind of field (BM25F-style field boosts).
FIELD_BOOSTS = {"title": 3.0, "taxonomy": 1.5, "author": 1.0, "body": 1.0}
# Up to this many words, posts containing all of them rank first.
ALL_TERMS_BONUS_MAX_WORDS = 5
MAX_WORDS = 64

_PIECES = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')
_TRIM = re.compile(r"^[^\w]+|[^\w]+$")


@dataclass
class VisitorQuery:
    """A visitor's text split into the pieces we act on."""

    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)


def parse_visitor_query(text: str) -> VisitorQuery:
    """Split `text` into words, "phrases" and -excluded words; everything else is literal."""
    parsed = VisitorQuery()
    if text.count('"') % 2:  # an unbalanced quote is just a character
        text = text.replace('"', " ")
    for match in _PIECES.finditer(text):
        negated, phrase, word_negated, word = match.groups()
        if phrase is not None:
            target = parsed.excluded if negated else parsed.phrases
            if phrase.strip():
                target.append(phrase.strip())
            continue
        if word_negated and _TRIM.sub("", word):
            parsed.excluded.append(word)
        elif _TRIM.sub("", word):
            parsed.words.append(word)
    parsed.words = parsed.words[:MAX_WORDS]
    return parsed


def search_fields(languages: list[str]) -> dict[str, float]:
    """The fields a query is matched against, with their boosts, for the indexed languages."""
    fields = {"taxonomy": FIELD_BOOSTS["taxonomy"], "author": FIELD_BOOSTS["author"]}
    for language in languages or ["en"]:
        fields[title_field(language)] = FIELD_BOOSTS["title"]
        fields[body_field(language)] = FIELD_BOOSTS["body"]
    return fields


def build_query(parsed: VisitorQuery, schema: Schema, fields: dict[str, float]) -> q.Query:
    """The Whoosh query for a parsed visitor query (q.NullQuery when nothing is searchable)."""
    word_queries = [wq for wq in (_word_query(w, schema, fields) for w in parsed.words) if wq]
    phrase_queries = [pq for pq in (_word_query(p, schema, fields) for p in parsed.phrases) if pq]
    excluded = [eq for eq in (_word_query(w, schema, fields) for w in parsed.excluded) if eq]
    if not word_queries and not phrase_queries:
        return q.NullQuery
    core: q.Query | None = None
    if word_queries:
        core = q.Or(word_queries)
        if 1 < len(word_queries) <= ALL_TERMS_BONUS_MAX_WORDS:
            core = q.Or([q.And(word_queries), core])
    required = [*phrase_queries, *([core] if core else [])]
    combined = required[0] if len(required) == 1 else q.And(required)
    if excluded:
        combined = q.AndNot(combined, q.Or(excluded))
    return combined


def _word_query(text: str, schema: Schema, fields: dict[str, float]) -> q.Query | None:
    """`text` matched in any field: a term, or a phrase where it analyses to several tokens."""
    alternatives = []
    for name, boost in fields.items():
        tokens = [t.text for t in schema[name].analyzer(text, mode="query")]
        if len(tokens) == 1:
            alternatives.append(q.Term(name, tokens[0], boost=boost))
        elif len(tokens) > 1 and schema[name].format.supports("positions"):
            alternatives.append(q.Phrase(name, tokens, boost=boost))
        elif tokens:
            alternatives.append(q.And([q.Term(name, t) for t in tokens], boost=boost))
    if not alternatives:
        return None
    return alternatives[0] if len(alternatives) == 1 else q.Or(alternatives)


def highlight_terms(parsed: VisitorQuery, schema: Schema, field_name: str) -> frozenset[str]:
    """The index terms of the visitor's words and phrases in one field, for snippets."""
    analyzer = schema[field_name].analyzer
    texts = [*parsed.words, *parsed.phrases]
    return frozenset(t.text for text in texts for t in analyzer(text, mode="query"))
