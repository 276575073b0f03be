"""A post as a Typesense document: the collection's fields, and the analysis both sides share.

The contract between `TypesensePostStore` (which writes these documents) and the search
side's Typesense backend (which queries them), as `schema.py` is for Whoosh. Typesense
0.24 has no stemming and no stop words, so the text fields hold what postsearch's own
analyzer makes of the post (`indexer.index.analysis`: tokenize, lowercase, stop words,
Snowball stem, fold accents), and a query is analysed the same way before it is sent:
"gardens" finds "garden" on either backend. The post's own words, unstemmed, go into
`words` for "did you mean" and autocomplete; the text as written is stored (not indexed)
for snippets and titles, which postsearch marks itself, as it does for Whoosh.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cache

from whoosh.analysis import Analyzer

from indexer.index.analysis import name_analyzer, normalize_language, text_analyzer
from indexer.records import POST_KIND, Post

# Bump when FIELDS change: the store refuses a collection of another schema until `--full`.
TYPESENSE_SCHEMA_VERSION = 2

# Indexed fields (what Typesense keeps in memory). The rest of a document is only stored.
FIELDS: tuple[dict, ...] = (
    {"name": "body_terms", "type": "string"},  # the title and body, analysed
    {"name": "title_terms", "type": "string"},
    {"name": "taxonomy_terms", "type": "string"},  # categories and tags as prose
    {"name": "author_terms", "type": "string"},  # the author's name, lowercased and folded
    {"name": "category_terms", "type": "string[]"},  # each category, analysed (category:)
    {"name": "tag_terms", "type": "string[]"},  # each tag, analysed (tag:)
    {"name": "categories", "type": "string[]", "facet": True},  # as written: facets, filters
    {"name": "tags", "type": "string[]", "facet": True},
    {"name": "author", "type": "string", "facet": True, "optional": True},
    {"name": "year", "type": "int32", "facet": True, "optional": True},
    {"name": "date", "type": "int64"},  # the day's ordinal; 0 when undated
    {"name": "dated", "type": "int32"},  # 1 or 0: undated posts sort last either way
    {"name": "language", "type": "string", "facet": True},
    {"name": "kind", "type": "string", "facet": True},  # "post", or "page" (a static page)
    {"name": "words", "type": "string[]", "facet": True},  # distinct unstemmed words
)
# Indexed fields a search never needs back (left out of every answer).
INDEX_ONLY_FIELDS = tuple(
    spec["name"] for spec in FIELDS if spec["name"].endswith("_terms") or spec["name"] == "words"
)
# Keys of a field's description that must match between a collection and FIELDS.
_COMPARED = ("type", "facet", "optional")


def collection_schema(name: str) -> dict:
    """The `collections.create` body of a versioned collection of posts."""
    return {"name": name, "fields": [dict(spec) for spec in FIELDS]}


def schema_differences(fields: list[dict]) -> list[str]:
    """How a collection's fields (as Typesense describes them) differ from FIELDS."""
    found = {spec["name"]: spec for spec in fields}
    problems = []
    for spec in FIELDS:
        have = found.get(spec["name"])
        if have is None:
            problems.append(f"field {spec['name']} is missing")
            continue
        for key in _COMPARED:
            wanted = spec.get(key, False if key != "type" else None)
            if have.get(key, False) != wanted:
                problems.append(f"field {spec['name']}: {key} is {have.get(key)!r}, not {wanted!r}")
    return problems


def document_id(url: str) -> str:
    """A post's document id: a hash of its URL, so upserts and deletes go by URL."""
    return hashlib.blake2b(url.encode("utf-8"), digest_size=16).hexdigest()


def post_document(post: Post) -> dict:
    """The Typesense document for a post (see FIELDS for what each field is for). A static
    page is timeless, as in the Whoosh index: it is stored undated, so never in date order."""
    language = normalize_language(post.language)
    taxonomy = [*post.categories, *post.tags]
    dated = post.date if post.kind == POST_KIND else None
    document = {
        "id": document_id(post.url),
        "url": post.url,
        "title": post.title,
        "body": post.body,
        "summary": post.summary,
        "language": language,
        "kind": post.kind,
        "body_terms": " ".join(index_terms(f"{post.title}\n{post.body}", language)),
        "title_terms": " ".join(index_terms(post.title, language)),
        "taxonomy_terms": " ".join(index_terms(" ".join(taxonomy))),
        "author_terms": " ".join(name_terms(post.author or "")),
        "category_terms": [" ".join(index_terms(name)) for name in post.categories],
        "tag_terms": [" ".join(index_terms(name)) for name in post.tags],
        "categories": list(post.categories),
        "tags": list(post.tags),
        "date": dated.toordinal() if dated else 0,
        "dated": 1 if dated else 0,
        "words": sorted(set(plain_words(f"{post.title}\n{post.body}", language))),
        # Stored, not indexed: where each heading starts in `body`, for deep links.
        "sections": [[s.offset, s.title, s.anchor] for s in post.sections],
    }
    if post.author:
        document["author"] = post.author
    if dated:
        document["year"] = dated.year
    return document


def document_date(document: dict) -> date | None:
    """The post's date back from a document (None when undated)."""
    return date.fromordinal(document["date"]) if document.get("dated") else None


@cache
def analyzer_for(language: str) -> Analyzer:
    """The prose analyzer of `language` (the one the Whoosh index uses too)."""
    return text_analyzer(normalize_language(language))


def index_terms(text: str, language: str = "en") -> list[str]:
    """What `text` is indexed as, in order: stemmed, without stop words, accents folded."""
    return [token.text for token in analyzer_for(language)(text)]


def query_terms(text: str, language: str = "en") -> list[str]:
    """What a visitor's `text` is searched for: the same analysis as `index_terms`."""
    return [token.text for token in analyzer_for(language)(text, mode="query")]


def plain_words(text: str, language: str = "en") -> list[str]:
    """The words of `text` lowercased and folded but not stemmed (stop words left out)."""
    return [token.text for token in analyzer_for(language)(text, no_morph=True)]


def name_terms(text: str) -> list[str]:
    """A person's name as indexed: lowercased and folded, never stemmed."""
    return [token.text for token in _names()(text)]


@cache
def _names() -> Analyzer:
    return name_analyzer()
