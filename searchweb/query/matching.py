"""A parsed visitor query and its filters → Whoosh query objects, built directly.

Each item is analysed with the analyzer of every field it is matched against (taken from the
index's own schema), so stemming, stop words and accent folding agree with what was indexed.
Ranking choices live here as named constants: field weights, the "all words" bonus for short
queries, the nearness bonus for words typed next to each other, and the prefix bound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import islice, pairwise

from whoosh import query as q
from whoosh.fields import Schema
from whoosh.reading import IndexReader

from indexer.index import body_field, title_field
from searchweb.query.dates import DateRange
from searchweb.query.syntax import Item, VisitorQuery
from searchweb.query.vocabulary import most_common
from searchweb.records import Filters

# Relative weight of a match in each kind of field. The body field holds the title too, so
# the title's own weight is a bonus on top: 0.3 was best on both relevance benchmarks
# (bench/relevance.py; 0.2-0.5 were within 0.003 nDCG@10), where 1.0 and above lost 0.02-0.1.
FIELD_BOOSTS = {"title": 0.3, "taxonomy": 1.0, "author": 1.0, "body": 1.0}
# Up to this many words, posts containing all of them rank first.
ALL_WORDS_BONUS_MAX_WORDS = 5
# In short queries, words typed next to each other score extra where they stand close.
NEAR_BONUS_BOOST = 0.5
NEAR_BONUS_SLOP = 3
NEAR_BONUS_MAX_PAIRS = 4
# ... unless both words are in more than this share of the posts (see _rare_enough).
NEAR_BONUS_MAX_SHARE = 0.05
NEAR_BONUS_MIN_DOCS = 50
# In short queries, the typed words side by side in a title score this much extra (a post
# remembered by its title). Measured with bench/known_item.py and bench/relevance.py.
TITLE_PHRASE_BOOST = 4.0
TITLE_PHRASE_SLOP = 1
# garden* expands to at most this many index terms per field, the most frequent first.
PREFIX_MAX_TERMS = 32
# category:/tag: look through at most this many names for a near match.
KEYWORD_SCAN_TERMS = 5000
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class MatchContext:
    """What building a query needs from the index: its schema, a reader, its languages."""

    schema: Schema
    reader: IndexReader
    languages: tuple[str, ...] = ("en",)

    def text_fields(self) -> dict[str, float]:
        """Fields a plain word is matched against, with their boosts."""
        fields = {"taxonomy": FIELD_BOOSTS["taxonomy"], "author": FIELD_BOOSTS["author"]}
        for language in self.languages or ("en",):
            fields[title_field(language)] = FIELD_BOOSTS["title"]
            fields[body_field(language)] = FIELD_BOOSTS["body"]
        return {name: boost for name, boost in fields.items() if name in self.schema}

    def fields_for(self, item: Item) -> dict[str, float]:
        """Fields an item is matched against: everywhere, or the one field it names."""
        if item.field == "title":
            return {title_field(lang): 1.0 for lang in self.languages or ("en",)}
        if item.field in ("author", "category", "tag"):
            return {item.field: 1.0}
        return self.text_fields()

    def body_fields(self) -> list[str]:
        """The body field of each language (each holds its posts' titles too)."""
        names = [body_field(lang) for lang in self.languages or ("en",)]
        return [name for name in names if name in self.schema]


def build_query(parsed: VisitorQuery, context: MatchContext) -> q.Query:
    """The Whoosh query for `parsed` (q.NullQuery when nothing in it is searchable).

    A quoted phrase holding stop words (which the index leaves out) becomes a query for
    the posts that may hold it; searchweb.engine.exact then reads them to be sure. Such a
    phrase excluded is left to that check alone: its other words would exclude too much.
    """
    groups = [g for g in (_group_query(group, context) for group in parsed.groups) if g]
    required = [r for r in (_required_query(item, context) for item in parsed.required) if r]
    left_out = [item for item in parsed.excluded if not needs_exact_check(item, context)]
    excluded = [e for e in (item_query(item, context) for item in left_out) if e]
    if not groups and not required:
        return q.NullQuery
    parts = list(required)
    if groups:
        parts.append(_ranked_words(groups, parsed, context))
    combined = parts[0] if len(parts) == 1 else q.And(parts)
    if excluded:
        combined = q.AndNot(combined, q.Or(excluded))
    return combined


def _ranked_words(groups: list[q.Query], parsed: VisitorQuery, context: MatchContext) -> q.Query:
    """Any of the words, with bonuses for having all of them and for having them close."""
    core: q.Query = groups[0] if len(groups) == 1 else q.Or(groups)
    bonuses = []
    if 1 < len(groups) <= ALL_WORDS_BONUS_MAX_WORDS:
        # Short queries name a topic: all of its words, and those words side by side, win.
        # Long natural-language queries are bags of words; nearness there was measured to
        # hurt (bench/relevance.py), so they get plain BM25. The bonuses read the body
        # fields only (which hold the title too): one posting list per word, not one per
        # field, which halved the time of a common-word search.
        bonuses.extend(_all_words(parsed, context))
        bonuses.extend(_near_pairs(parsed, context))
        bonuses.extend(_title_phrase(parsed, context))
    if not bonuses:
        return core
    # Each bonus matches only posts the core matches too, so the Or adds to their scores
    # without widening the results. (AndMaybe would say so more directly, but Whoosh's
    # AndMaybe matcher skips blocks by quality and was measured to drop good posts.)
    return q.Or([core, *bonuses])


def _plain_words(parsed: VisitorQuery) -> list[Item]:
    return [g[0] for g in parsed.groups if len(g) == 1 and not (g[0].prefix or g[0].field)]


def _all_words(parsed: VisitorQuery, context: MatchContext) -> list[q.Query]:
    """Per language, the body holding every plain word typed."""
    words = _plain_words(parsed)
    if len(words) < 2:
        return []
    bonuses = []
    for name in context.body_fields():
        parts = [analysed_query(name, item.text, context.schema) for item in words]
        if all(parts):
            bonuses.append(q.And(parts))
    return bonuses


def _title_phrase(parsed: VisitorQuery, context: MatchContext) -> list[q.Query]:
    """The typed words side by side in a title: the post a visitor remembers by its title.

    Two or three words of a title are how people look for a post they have read; a title
    holding them, in that order, is almost always the one (bench/known_item.py).
    """
    words = _plain_words(parsed)
    if len(words) < 2:
        return []
    phrases = []
    for language in context.languages or ("en",):
        name = title_field(language)
        if name not in context.schema:
            continue
        analyzer = context.schema[name].analyzer
        tokens = [t.text for item in words for t in analyzer(item.text, mode="query")]
        if len(tokens) >= 2:
            phrases.append(q.Phrase(name, tokens, slop=TITLE_PHRASE_SLOP, boost=TITLE_PHRASE_BOOST))
    return phrases


def _near_pairs(parsed: VisitorQuery, context: MatchContext) -> list[q.Query]:
    """Sloppy phrases of adjacent typed words: "solar panel" near each other beats apart."""
    words = _plain_words(parsed)
    pairs = []
    for name in context.body_fields():
        analyzer = context.schema[name].analyzer
        tokens = [t.text for item in words for t in analyzer(item.text, mode="query")]
        for left, right in islice(pairwise(tokens), NEAR_BONUS_MAX_PAIRS):
            if left != right and _rare_enough(context, name, left, right):
                pairs.append(
                    q.Phrase(name, [left, right], slop=NEAR_BONUS_SLOP, boost=NEAR_BONUS_BOOST)
                )
    return pairs


def _rare_enough(context: MatchContext, name: str, left: str, right: str) -> bool:
    """Whether checking where two words stand is cheap enough: one of them is not common.

    A phrase reads the positions of every post holding both words; for two words found in
    most posts that cost more than the whole rest of the search (measured at 10k posts).
    """
    reader = context.reader
    fewest = min(reader.doc_frequency(name, left), reader.doc_frequency(name, right))
    return fewest <= max(NEAR_BONUS_MIN_DOCS, NEAR_BONUS_MAX_SHARE * reader.doc_count())


def _group_query(group: list[Item], context: MatchContext) -> q.Query | None:
    alternatives = [a for a in (item_query(item, context) for item in group) if a]
    if not alternatives:
        return None
    return alternatives[0] if len(alternatives) == 1 else q.Or(alternatives)


def needs_exact_check(item: Item, context: MatchContext) -> bool:
    """Whether `item` is a quoted phrase with a word some body field leaves out."""
    if not item.phrase or item.field:
        return False
    words = _WORD.findall(item.text)
    for name in context.body_fields():
        analyzer = context.schema[name].analyzer
        if sum(1 for word in words for _ in analyzer(word, mode="query")) < len(words):
            return True
    return False


def _required_query(item: Item, context: MatchContext) -> q.Query | None:
    if not needs_exact_check(item, context):
        return item_query(item, context)
    return _exact_candidates(item, context)


def _exact_candidates(item: Item, context: MatchContext) -> q.Query:
    """Every post that may hold the phrase: in each language, the posts with its indexed
    words side by side, or every post of that language when it has none ("to be")."""
    per_language = []
    for language in context.languages or ("en",):
        names = [n for n in (title_field(language), body_field(language)) if n in context.schema]
        found = [query for n in names if (query := analysed_query(n, item.text, context.schema))]
        per_language.extend(found or [q.Term("language", language)])
    return per_language[0] if len(per_language) == 1 else q.Or(per_language)


def item_query(item: Item, context: MatchContext) -> q.Query | None:
    """One item matched in its fields: a term, a phrase, an exact keyword or a prefix."""
    alternatives = []
    for name, boost in context.fields_for(item).items():
        if item.prefix:
            found = _prefix_query(name, item.text, context, boost)
        elif item.field in ("category", "tag"):
            found = _keyword_query(name, item.text, context, boost)
        else:
            found = analysed_query(name, item.text, context.schema, boost)
        if found:
            alternatives.append(found)
    if not alternatives:
        return None
    return alternatives[0] if len(alternatives) == 1 else q.Or(alternatives)


def analysed_query(name: str, text: str, schema: Schema, boost: float = 1.0) -> q.Query | None:
    """`text` in field `name`: a term, or a phrase where it analyses to several tokens."""
    field = schema[name]
    tokens = [t.text for t in field.analyzer(text, mode="query")]
    if not tokens:
        return None
    if len(tokens) == 1:
        return q.Term(name, tokens[0], boost=boost)
    if field.format.supports("positions"):
        return q.Phrase(name, tokens, boost=boost)
    return q.And([q.Term(name, token) for token in tokens], boost=boost)


def _keyword_query(name: str, text: str, context: MatchContext, boost: float) -> q.Query | None:
    """category:/tag: values: the exact name, else names sharing its stemmed words.

    `tag:compost` should find the tag "composting", and `category:baking` the category
    "Food & Baking"; the keyword lexicon is small, so a bounded scan of it is cheap.
    """
    exact = text.lower().strip()
    if context.reader.doc_frequency(name, exact):
        return q.Term(name, exact, boost=boost)
    analyzer = context.schema["taxonomy"].analyzer
    wanted = {t.text for t in analyzer(text, mode="query")}
    if not wanted:
        return None
    matches = []
    for term in islice(context.reader.lexicon(name), KEYWORD_SCAN_TERMS):
        value = _text(term)
        if wanted <= {t.text for t in analyzer(value, mode="query")}:
            matches.append(q.Term(name, value, boost=boost))
    return q.Or(matches) if matches else q.NullQuery


def _prefix_query(name: str, text: str, context: MatchContext, boost: float) -> q.Query | None:
    """garden* → the field's most frequent terms starting with "garden", bounded."""
    field = context.schema[name]
    # Lowercase and fold accents like the index did, but do not stem a partial word.
    tokens = [t.text for t in field.analyzer(text, mode="query", no_morph=True)]
    if len(tokens) != 1:
        return analysed_query(name, text, context.schema, boost)
    terms = expand_prefix(context.reader, name, tokens[0])
    if not terms:
        return None
    return q.Or([q.Term(name, term, boost=boost) for term in terms])


def expand_prefix(reader: IndexReader, name: str, prefix: str) -> list[str]:
    """Up to PREFIX_MAX_TERMS index terms of `name` starting with `prefix`, most frequent first."""
    return [word for _, word in most_common(reader, name, prefix, PREFIX_MAX_TERMS)]


def _text(term: bytes | str) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


def highlight_terms(parsed: VisitorQuery, context: MatchContext, name: str) -> frozenset[str]:
    """The index terms the visitor's positive items produce in field `name`, for highlighting."""
    analyzer = context.schema[name].analyzer
    terms: set[str] = set()
    for item in parsed.items:
        if item.field and name not in context.fields_for(item):
            continue
        if item.prefix:
            terms.update(expand_prefix(context.reader, name, item.text.lower()))
        else:
            terms.update(t.text for t in analyzer(item.text, mode="query"))
    return frozenset(terms)


def filter_query(filters: Filters, extra_dates: DateRange | None = None) -> q.Query | None:
    """The Whoosh query that keeps only posts passing every filter (None: no filter)."""
    parts: list[q.Query] = []
    years = [_year_range(year) for year in filters.year]
    if years:
        parts.append(q.Or(years))
    for name, key in (("category", "category"), ("tag", "tag"), ("author", "author_name")):
        values = getattr(filters, name)
        if values:
            lowered = name != "author"  # keyword fields are lowercased in the index
            terms = [q.Term(key, v.lower() if lowered else v) for v in values]
            parts.append(q.Or(terms))
    for dates in (filters.dates, extra_dates):
        if dates:
            parts.append(_date_range(dates))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else q.And(parts)


def _year_range(year: str) -> q.Query:
    return _date_range(DateRange(date(int(year), 1, 1), date(int(year), 12, 31)))


def _date_range(dates: DateRange) -> q.Query:
    if dates.is_empty():
        return q.NullQuery
    start, end = dates.bounds()
    return q.DateRange("date", start, end)
