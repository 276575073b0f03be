"""The JSON API: search, autocomplete, related posts, its OpenAPI description, and health.

The same `search()` as the results page, through the same backend; the answers are the
records of searchweb.records as JSON. A bad parameter is a 400 in the one error shape
(searchweb.web.errors), raised by the shared validation in searchweb.web.params.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from indexer import __version__
from searchweb.web import context
from searchweb.web.errors import error_response
from searchweb.web.openapi import openapi_document
from searchweb.web.params import related_params, search_request, suggest_params

api = Blueprint("api", __name__)


@api.get("/api/search")
def search():
    found, notices = search_request(request.args, context.settings())
    data = context.backend().search(found, notices).to_dict()
    data["search_id"] = g.get("search_id")  # for the click beacon; None when not logged
    return jsonify(data)


@api.get("/api/suggest")
def suggest():
    prefix, limit = suggest_params(request.args, context.settings())
    found = context.backend().suggest(prefix, limit) if prefix.strip() else []
    return jsonify(query=prefix, suggestions=[s.to_dict() for s in found])


@api.get("/api/related")
def related():
    url, limit = related_params(request.args)
    found = context.plain_backend().related(url, limit)
    if found is None:
        return error_response("not_found", f"{url} is not a post of this index", 404)
    return jsonify(url=url, related=[post.to_dict() for post in found])


@api.get("/api/openapi.json")
def openapi():
    return jsonify(openapi_document(context.settings(), request.url_root))


@api.get("/health")
def health():
    return jsonify(status="ok", version=__version__, posts=context.backend().doc_count())
