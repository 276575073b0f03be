"""The Flask app factory: one backend, two renderings of the same search.

`create_app()` loads Settings (defaults → TOML → environment → the caller's dict), opens the
index once, and registers the HTML pages and the JSON API. Both call the backend's one
`search()`, so the page and the API always agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer import __version__
from searchweb.config import Settings, load_settings
from searchweb.engine import SearchBackend, WhooshSearchBackend
from searchweb.params import ParameterError, query_text, search_request
from searchweb.search import SearchResults, SnippetSettings


def create_app(
    config: dict[str, Any] | None = None,
    config_file: str | Path | None = None,
    backend: SearchBackend | None = None,
) -> Flask:
    """Build the app; `config` overrides every other layer of configuration."""
    settings = load_settings(config_file=config_file, overrides=config)
    app = Flask(__name__)
    app.config["SETTINGS"] = settings
    app.extensions["postsearch"] = backend or WhooshSearchBackend(
        settings.index_dir,
        SnippetSettings(settings.snippet_fragments, settings.snippet_context_chars),
    )
    _register_pages(app)
    _register_api(app)
    _register_errors(app)
    app.after_request(_security_headers)
    return app


def _backend() -> SearchBackend:
    return current_app.extensions["postsearch"]


def _settings() -> Settings:
    return current_app.config["SETTINGS"]


def _register_pages(app: Flask) -> None:
    @app.get("/")
    @app.get("/search")
    def results_page():
        settings = _settings()
        text = query_text(request.args)
        results: SearchResults | None = None
        error = None
        if text:
            try:
                search, notices = search_request(request.args, settings)
            except ParameterError as problem:
                error = problem.message
                search, notices = search_request({"q": text}, settings)
            results = _backend().search(search, notices)
        return render_template(
            "search.html", settings=settings, query=text, results=results, error=error
        )


def _register_api(app: Flask) -> None:
    @app.get("/api/search")
    def api_search():
        search, notices = search_request(request.args, _settings())
        return jsonify(_backend().search(search, notices).to_dict())

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
