"""The Flask app factory: one backend, two renderings of the same search.

`create_app()` loads Settings (defaults → TOML → environment → the caller's dict), opens the
index once, and registers the HTML pages and the JSON API. Both call the backend's one
`search()`, so the page and the API always agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from indexer import __version__
from searchweb.config import Settings, load_settings
from searchweb.engine.backend import SearchBackend, backend_for
from searchweb.web.admin import admin
from searchweb.web.clicks import init_querylog
from searchweb.web.limits import init_rate_limit
from searchweb.web.openapi import openapi_document
from searchweb.web.pages import bp as web_pages
from searchweb.web.params import ParameterError, search_request, suggest_params


def create_app(
    config: dict[str, Any] | None = None,
    config_file: str | Path | None = None,
    backend: SearchBackend | None = None,
) -> Flask:
    """Build the app; `config` overrides every other layer of configuration."""
    settings = load_settings(config_file=config_file, overrides=config)
    app = Flask(__name__)
    app.config["SETTINGS"] = settings
    app.extensions["postsearch"] = backend or backend_for(settings)
    init_rate_limit(app, settings.rate_limit)
    init_querylog(app)  # wraps the backend to log searches; adds /click and /admin/report
    _register_pages(app)
    _register_api(app)
    _register_errors(app)
    app.after_request(_security_headers)
    app.after_request(_cors_headers)
    return app


def _backend() -> SearchBackend:
    return current_app.extensions["postsearch"]


def _settings() -> Settings:
    return current_app.config["SETTINGS"]


def _register_pages(app: Flask) -> None:
    # The results page, /widget.js and /opensearch.xml: searchweb/web.py.
    app.register_blueprint(web_pages)


def _register_api(app: Flask) -> None:
    app.register_blueprint(admin)  # POST /api/admin/reindex (needs the admin token)

    @app.get("/api/search")
    def api_search():
        search, notices = search_request(request.args, _settings())
        data = _backend().search(search, notices).to_dict()
        data["search_id"] = g.get("search_id")  # for the click beacon; None when not logged
        return jsonify(data)

    @app.get("/api/suggest")
    def api_suggest():
        prefix, limit = suggest_params(request.args, _settings())
        found = _backend().suggest(prefix, limit) if prefix.strip() else []
        return jsonify(query=prefix, suggestions=[s.to_dict() for s in found])

    @app.get("/api/openapi.json")
    def api_openapi():
        return jsonify(openapi_document(_settings(), request.host_url))

    @app.get("/health")
    def health():
        return jsonify(status="ok", version=__version__, posts=_backend().doc_count())


def _register_errors(app: Flask) -> None:
    @app.errorhandler(ParameterError)
    def parameter_error(problem: ParameterError):
        return error_response(problem.code, problem.message, problem.status)

    @app.errorhandler(HTTPException)
    def http_error(problem: HTTPException):
        if request.path.startswith("/api/"):
            code = (problem.name or "error").lower().replace(" ", "_")
            return error_response(code, problem.description or "", problem.code or 500)
        return problem

    @app.errorhandler(Exception)
    def unexpected_error(problem: Exception):
        # A bug must not leak a traceback or an HTML page to an API client.
        app.logger.exception("unexpected error on %s", request.path)
        if request.path.startswith("/api/"):
            return error_response("internal_error", "the search failed unexpectedly", 500)
        return "Internal server error", 500


def error_response(code: str, message: str, status: int):
    """The one error shape of the JSON API: {"error": {"code", "message"}}."""
    return jsonify(error={"code": code, "message": message}), status


def _cors_headers(response):
    """Let the origins on the allow-list call the JSON API from a browser; no one else.

    Only GETs of public data are cross-origin (no credentials), so the answer names the
    caller's origin when it is allowed and says nothing otherwise: the browser then refuses.
    """
    origin = request.headers.get("Origin")
    if not request.path.startswith("/api/") or request.path.startswith("/api/admin/"):
        return response
    response.vary.add("Origin")
    if origin and origin in _settings().cors_origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
    return response


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
    )
    return response
