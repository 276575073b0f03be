"""A parsed visitor query and its filters → Typesense's `q`, `filter_by` and `sort_by`.

The visitor's text is parsed by the same `searchweb.query.syntax` as for Whoosh, and every
word is analysed the way the collection's `*_terms` fields were (stemmed, stop words out,
accents folded), so both backends read the same query language. What Typesense 0.24 can
and cannot say decides the mapping (the README's feature table lists it):

- plain words go into `q`; Typesense ranks posts with all of them first and, with a high
  `drop_tokens_threshold`, also finds posts that lack words at either end of the query;
- `"phrases"` and `-exclusions` go into `q` as Typesense writes them;
- `a OR b` has no equivalent in `q`: its words are searched as plain words, so posts with
  either are found through dropped words, with posts holding both first;
- `title:`, `author:`, `category:` and `tag:` become filters on that field's words (a
  phrase there needs its words in the field, in any order);
- `word*` and the unfinished last word become Typesense's prefix search, which applies to
  the last word of `q` only (one prefix per search);
- dates, years, categories, authors and tags from the request become `filter_by`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from indexer.index import name_terms, query_terms
from searchweb.query.dates import DateRange
from searchweb.query.syntax import Item, VisitorQuery
from searchweb.records import Filters

# Body first: Typesense weighs earlier fields more; the body holds the title's words too.
QUERY_BY = "body_terms,title_terms,taxonomy_terms,author_terms"
QUERY_BY_WEIGHTS = "3,2,1,1"
# Keep dropping words from the query's ends until this many posts are found: a visitor can
# page through at most max_page times max_per_page results (100 x 50).
DROP_TOKENS_THRESHOLD = 5000
_FIELD_TERMS = {
    "title": "title_terms",
    "author": "author_terms",
    "category": "category_terms",
    "tag": "tag_terms",
}
SORTS = {
    "relevance": "_text_match:desc,dated:desc,date:desc",
    "newest": "dated:desc,date:desc,_text_match:desc",
    "oldest": "dated:desc,date:asc,_text_match:desc",
}


@dataclass(frozen=True)
class TypesenseQuery:
    """One search as Typesense parameters, and the analysed words to mark in the hits."""

    q: str
    filter_by: str
    prefix: str  # the word Typesense completes (the last of `q`), or ""
    terms: frozenset[str]
    has_phrase: bool = False
    empty: bool = False  # nothing to search for: no results, no request

    def params(self, sort: str, fuzzy: bool = False) -> dict:
        """The search parameters; `fuzzy` lets words match close spellings (1-2 typos)."""
        if sort == "relevance" and self.q == "*":
            sort = "newest"  # browsing by filters alone: newest first
        params = {
            "q": self.q,
            "query_by": QUERY_BY,
            "query_by_weights": QUERY_BY_WEIGHTS,
            "prefix": "true" if self.prefix else "false",
            "sort_by": SORTS[sort],
            "drop_tokens_threshold": 0 if self.has_phrase else DROP_TOKENS_THRESHOLD,
            "num_typos": 2 if fuzzy else 0,
            "typo_tokens_threshold": 1 if fuzzy else 0,
            "min_len_1typo": 4,
            "min_len_2typo": 8,
        }
        if self.filter_by:
            params["filter_by"] = self.filter_by
        return params


def translate(parsed: VisitorQuery, filters: Filters, language: str = "en") -> TypesenseQuery:
    """`parsed` (and the request's filters) as one Typesense search."""
    conditions = request_filters(filters, parsed.dates)
    words, prefix_word, terms = _words(parsed, language)
    phrases, fields = [], 0
    for item in parsed.required:
        found = _field_terms(item, language)
        if found and item.field:
            conditions.append(f"{_FIELD_TERMS[item.field]}:{_quoted(' '.join(found))}")
            fields += 1
        elif found:
            phrases.append(_phrase(found))
            terms.update(found)
    positive = [*phrases, *words, *([prefix_word] if prefix_word else [])]
    if not positive and not fields and not (parsed.is_empty() and conditions):
        return TypesenseQuery("", "", "", frozenset(), empty=True)
    excluded = [text for text in (_excluded(item, language) for item in parsed.excluded) if text]
    return TypesenseQuery(
        q=" ".join([*positive, *excluded]) if positive else "*",
        filter_by=" && ".join(conditions),
        prefix=prefix_word,
        terms=frozenset(terms),
        has_phrase=bool(phrases),
    )


def _words(parsed: VisitorQuery, language: str) -> tuple[list[str], str, set[str]]:
    """The plain words of the groups (analysed), the one prefix, and every term to mark.

    Typesense completes only the last word of `q`, so the last prefix item goes there;
    an earlier one is searched as a whole word.
    """
    words: list[str] = []
    prefix_word = ""
    terms: set[str] = set()
    for group in parsed.groups:
        for item in group:
            found = query_terms(item.text, language)
            terms.update(found)
            if item.prefix and not item.field:
                if prefix_word:
                    words.append(prefix_word)
                prefix_word = _prefix_text(item, language)
            else:
                words.extend(found)
    words = [word for word in dict.fromkeys(words) if word != prefix_word]
    return words, prefix_word, terms


def _prefix_text(item: Item, language: str) -> str:
    """A prefix as the index spells its words: stemmed when it can be ("gardens" →
    "garden"), else lowercased as typed (a stop word's start: "th")."""
    found = query_terms(item.text, language)
    return found[-1] if found else item.text.lower()


def _field_terms(item: Item, language: str) -> list[str]:
    if item.field == "author":
        return name_terms(item.text)
    return query_terms(item.text, language if item.field in (None, "title") else "en")


def _phrase(words: list[str]) -> str:
    return f'"{" ".join(words)}"' if len(words) > 1 else words[0]


def _excluded(item: Item, language: str) -> str:
    found = _field_terms(item, language)
    return f"-{_phrase(found)}" if found else ""


def _quoted(value: str) -> str:
    """A filter value in backticks (Typesense 0.24 has no escape for a backtick itself)."""
    return "`" + value.replace("`", "") + "`"


def request_filters(filters: Filters, extra_dates: DateRange | None = None) -> list[str]:
    """The request's filters as `filter_by` conditions (joined with &&)."""
    conditions = []
    if filters.year:
        conditions.append(f"year:[{','.join(str(int(year)) for year in filters.year)}]")
    for name, field in (("category", "categories"), ("tag", "tags"), ("author", "author")):
        values = getattr(filters, name)
        if values:
            conditions.append(f"{field}:=[{','.join(_quoted(v) for v in values)}]")
    for dates in (filters.dates, extra_dates):
        if dates:
            conditions.append(_date_condition(dates))
    return conditions


def _date_condition(dates: DateRange) -> str:
    if dates.is_empty():
        return "dated:=1 && date:<0"  # matches nothing, as the empty range should
    parts = ["dated:=1"]
    if dates.start:
        parts.append(f"date:>={dates.start.toordinal()}")
    if dates.end:
        parts.append(f"date:<={dates.end.toordinal()}")
    return " && ".join(parts)


def iso_day(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()
