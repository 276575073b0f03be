"""The JSON API described as an OpenAPI 3.1 document, served at /api/openapi.json.

Written as data next to the code it documents, with the bounds taken from the deployment's
Settings, so the document states the limits this server actually enforces.
"""

from __future__ import annotations

from indexer import __version__
from searchweb.config import Settings
from searchweb.records import FACET_NAMES, SORTS, TYPES
from searchweb.web.params import MAX_FILTER_VALUES, MAX_RELATED_LIMIT, MAX_SUGGEST_LIMIT


def _param(name: str, description: str, schema: dict, repeat: bool = False) -> dict:
    param = {"name": name, "in": "query", "description": description, "schema": schema}
    if repeat:
        param.update(schema={"type": "array", "items": schema, "maxItems": MAX_FILTER_VALUES})
        param.update(style="form", explode=True)
    return param


def _search_parameters(settings: Settings) -> list[dict]:
    text = {"type": "string", "maxLength": 200}
    return [
        _param(
            "q",
            'The query: words, "phrases", -excluded, OR, title:/author:/category:/tag:, '
            f"date:2023 or date:2021..2023, prefix*. Longer than {settings.max_query_chars} "
            "characters is cut, with a notice. `s` is accepted as a synonym (WordPress).",
            {"type": "string"},
        ),
        _param(
            "page",
            "Page of results.",
            {"type": "integer", "minimum": 1, "maximum": settings.max_page, "default": 1},
        ),
        _param(
            "per_page",
            "Results per page.",
            {
                "type": "integer",
                "minimum": 1,
                "maximum": settings.max_per_page,
                "default": settings.per_page,
            },
        ),
        _param(
            "sort",
            "Order of results.",
            {"type": "string", "enum": list(SORTS), "default": "relevance"},
        ),
        _param(
            "partial",
            "1 while the visitor is still typing: the last word also matches longer words "
            '("gard" finds "garden").',
            {"type": "string", "enum": ["0", "1", "true", "false"], "default": "0"},
        ),
        _param(
            "year",
            "Only posts of these years.",
            {"type": "string", "pattern": r"^\d{4}$"},
            repeat=True,
        ),
        _param("category", "Only posts in these categories (exact names).", text, repeat=True),
        _param("author", "Only posts by these authors (exact names).", text, repeat=True),
        _param("tag", "Only posts with these tags (exact names).", text, repeat=True),
        _param(
            "type",
            'Only posts, or only the site\'s static pages ("page": about, contact...).',
            {"type": "string", "enum": list(TYPES)},
            repeat=True,
        ),
        _param("from", "Posts dated on or after: YYYY, YYYY-MM or YYYY-MM-DD.", {"type": "string"}),
        _param("to", "Posts dated on or before: YYYY, YYYY-MM or YYYY-MM-DD.", {"type": "string"}),
    ]


_FACET_LIST = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["value", "count"],
        "properties": {"value": {"type": "string"}, "count": {"type": "integer"}},
    },
}
_STRINGS = {"type": "array", "items": {"type": "string"}}

_SCHEMAS = {
    "Hit": {
        "type": "object",
        "required": [
            "url",
            "title",
            "title_html",
            "snippet_html",
            "date",
            "author",
            "categories",
            "tags",
            "score",
            "sub_results",
            "type",
        ],
        "properties": {
            "url": {"type": "string"},
            "title": {"type": "string", "description": "Plain text."},
            "title_html": {"type": "string", "description": "Escaped HTML; only <mark> tags."},
            "snippet_html": {"type": "string", "description": "Escaped HTML; only <mark> tags."},
            "date": {"type": ["string", "null"], "format": "date"},
            "author": {"type": ["string", "null"]},
            "categories": _STRINGS,
            "tags": _STRINGS,
            "score": {"type": "number"},
            "sub_results": {
                "type": "array",
                "description": "Up to 3 sections of a long post holding the words, in order.",
                "maxItems": 3,
                "items": {"$ref": "#/components/schemas/SubResult"},
            },
            "type": {
                "type": "string",
                "enum": list(TYPES),
                "description": "A post, or a static page of the site (it has no date).",
            },
        },
    },
    "SubResult": {
        "type": "object",
        "required": ["title", "url", "snippet_html"],
        "properties": {
            "title": {"type": "string", "description": "The section's heading, plain text."},
            "url": {"type": "string", "description": "The post's URL with the heading's #anchor."},
            "snippet_html": {"type": "string", "description": "Escaped HTML; only <mark> tags."},
        },
    },
    "Related": {
        "type": "object",
        "required": ["url", "related"],
        "properties": {
            "url": {"type": "string"},
            "related": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["url", "title", "date", "summary"],
                    "properties": {
                        "url": {"type": "string"},
                        "title": {"type": "string"},
                        "date": {"type": ["string", "null"], "format": "date"},
                        "summary": {"type": "string"},
                    },
                },
            },
        },
    },
    "SearchResults": {
        "type": "object",
        "required": [
            "query",
            "total",
            "page",
            "per_page",
            "pages",
            "took_ms",
            "sort",
            "filters",
            "facets",
            "suggestion",
            "fuzzy",
            "notices",
            "search_id",
            "results",
        ],
        "properties": {
            "query": {"type": "string"},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "pages": {"type": "integer"},
            "took_ms": {"type": "number"},
            "sort": {"type": "string", "enum": list(SORTS)},
            "filters": {
                "type": "object",
                "properties": {
                    "year": _STRINGS,
                    "category": _STRINGS,
                    "author": _STRINGS,
                    "tag": _STRINGS,
                    "type": _STRINGS,
                    "from": {"type": ["string", "null"]},
                    "to": {"type": ["string", "null"]},
                },
            },
            "facets": {
                "type": "object",
                "description": "Counts over the whole (filtered) result set, at most 20 each.",
                "properties": {name: _FACET_LIST for name in FACET_NAMES},
            },
            "suggestion": {
                "description": '"Did you mean": a better-spelled query, when results are few.',
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "properties": {"text": {"type": "string"}, "html": {"type": "string"}},
                    },
                ],
            },
            "fuzzy": {
                "type": "boolean",
                "description": "True when no exact match was found and the results "
                "are for close spellings of the words.",
            },
            "notices": _STRINGS,
            "search_id": {
                "type": ["string", "null"],
                "description": "Id of this search in the query log, for POST /api/click; "
                "null when the log is off.",
            },
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
        },
    },
    "Suggestions": {
        "type": "object",
        "properties": {
            "query": {"type": "string"},
            "suggestions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["kind", "text"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["title", "term"]},
                        "text": {"type": "string"},
                        "url": {"type": "string"},
                    },
                },
            },
        },
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            }
        },
    },
}


def _json(ref: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


def openapi_document(settings: Settings, server_url: str) -> dict:
    """The OpenAPI 3.1 description of this server's JSON API."""
    error = _json(
        "Error",
        "A parameter is missing or invalid (codes: missing_query, invalid_page, "
        "invalid_per_page, invalid_sort, invalid_filter, invalid_date, invalid_partial, "
        "invalid_limit, missing_url, invalid_url).",
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.site_name} search API (postsearch)",
            "version": __version__,
            "description": "Full-text search over the posts of a site.",
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": {
            "/api/search": {
                "get": {
                    "summary": "Search posts",
                    "operationId": "search",
                    "parameters": _search_parameters(settings),
                    "responses": {
                        "200": _json("SearchResults", "One page of results."),
                        "400": error,
                    },
                }
            },
            "/api/suggest": {
                "get": {
                    "summary": "Autocomplete: titles and words for a prefix",
                    "operationId": "suggest",
                    "parameters": [
                        _param("q", "What the visitor has typed so far.", {"type": "string"}),
                        _param(
                            "limit",
                            "Most suggestions.",
                            {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": MAX_SUGGEST_LIMIT,
                                "default": 8,
                            },
                        ),
                    ],
                    "responses": {
                        "200": _json("Suggestions", "Suggestions, titles first."),
                        "400": error,
                    },
                }
            },
            "/api/related": {
                "get": {
                    "summary": "Posts like one post, best first",
                    "operationId": "related",
                    "parameters": [
                        _param("url", "The post's URL, as the index has it.", {"type": "string"}),
                        _param(
                            "limit",
                            "Most related posts.",
                            {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": MAX_RELATED_LIMIT,
                                "default": 5,
                            },
                        ),
                    ],
                    "responses": {
                        "200": _json("Related", "The related posts."),
                        "400": error,
                        "404": _json("Error", "The URL is not a post of this index."),
                    },
                }
            },
            "/health": {
                "get": {
                    "summary": "Liveness and the number of posts",
                    "operationId": "health",
                    "responses": {"200": {"description": "{status, version, posts}"}},
                }
            },
        },
        "components": {"schemas": _SCHEMAS},
    }
