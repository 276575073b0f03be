"""The JSON API's one error shape, and the handlers that answer every failure with it.

`{"error": {"code": "...", "message": "..."}}` with a 4xx or 5xx status: `code` is stable
for programs, `message` is for people. A page that does not exist is the site's own 404
page (`templates/404.html`, which a deployment may replace through `templates_dir`), with a
search box; a bug never leaks a traceback to either.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, NotFound

from indexer.errors import BackendUnavailableError
from searchweb.web.params import ParameterError

# A search engine cluster that stopped answering: the client may try again shortly.
RETRY_AFTER_SECONDS = "5"


def error_response(
    code: str, message: str, status: int, headers: dict | None = None, **context: object
):
    """The one error answer of the JSON API; `context` adds fields beside `error` (e.g. the
    running crawl's progress when another is refused)."""
    body = {"error": {"code": code, "message": message}, **context}
    return jsonify(body), status, headers or {}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ParameterError)
    def parameter_error(problem: ParameterError):
        return error_response(problem.code, problem.message, problem.status)

    @app.errorhandler(BackendUnavailableError)
    def backend_unavailable(problem: BackendUnavailableError):
        app.logger.error("search backend unavailable: %s", problem)
        headers = {"Retry-After": RETRY_AFTER_SECONDS}
        if request.path.startswith("/api/") or request.path == "/health":
            message = "the search engine is not answering; try again in a moment"
            return error_response("backend_unavailable", message, 503, headers)
        return "Search is unavailable for a moment; please try again.", 503, headers

    @app.errorhandler(HTTPException)
    def http_error(problem: HTTPException):
        if request.path.startswith("/api/"):
            code = (problem.name or "error").lower().replace(" ", "_")
            return error_response(code, problem.description or "", problem.code or 500)
        if isinstance(problem, NotFound):
            return render_template("404.html", settings=app.config["SETTINGS"]), 404
        return problem

    @app.errorhandler(Exception)
    def unexpected_error(problem: Exception):
        # A bug must not leak a traceback or an HTML page to an API client.
        app.logger.exception("unexpected error on %s", request.path)
        if request.path.startswith("/api/"):
            return error_response("internal_error", "the search failed unexpectedly", 500)
        return "Internal server error", 500
