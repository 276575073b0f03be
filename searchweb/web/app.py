"""The Flask app factory: one backend, two renderings of the same search.

`create_app()` loads Settings (defaults → TOML → environment → the caller's dict), opens the
index once, and registers the HTML pages, the JSON API, the admin webhook, the click
routes and the query report. The page and the API call the backend's one `search()`, so
they always agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, request
from jinja2 import ChoiceLoader, FileSystemLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from searchweb.config import Settings, load_settings
from searchweb.engine.backend import SearchBackend, backend_for
from searchweb.web import context
from searchweb.web.admin import admin
from searchweb.web.api import api
from searchweb.web.clicks import clicks, init_querylog
from searchweb.web.errors import register_error_handlers
from searchweb.web.limits import init_rate_limit
from searchweb.web.pages import pages
from searchweb.web.report_page import report


def create_app(
    config: dict[str, Any] | None = None,
    config_file: str | Path | None = None,
    backend: SearchBackend | None = None,
) -> Flask:
    """Build the app; `config` overrides every other layer of configuration."""
    settings = load_settings(config_file=config_file, overrides=config)
    app = Flask(__name__)
    if settings.templates_dir is not None:  # the deployment's own templates come first
        app.jinja_loader = ChoiceLoader(
            [FileSystemLoader(settings.templates_dir), app.jinja_loader]
        )
    app.config[context.SETTINGS_KEY] = settings
    plain = backend or backend_for(settings)
    app.extensions[context.PLAIN_BACKEND_KEY] = plain
    app.extensions[context.BACKEND_KEY] = plain
    init_rate_limit(app, settings.rate_limit)
    init_querylog(app)  # logs visitors' searches through the backend, when the log is on
    for blueprint in (pages, api, admin, clicks, report):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    app.after_request(_security_headers)
    app.after_request(_cors_headers)
    _trust_proxies(app, settings.trusted_proxies)
    return app


def _trust_proxies(app: Flask, count: int) -> None:
    """Believe the X-Forwarded-* headers of `count` reverse proxies, no more.

    Behind nginx the request arrives from 127.0.0.1 for a path without the public prefix;
    the proxy's headers say who the visitor is (rate limits are per client), which scheme,
    host and port they used, and under which path the server is mounted (`/search`), so
    every link, /opensearch.xml and /click carry the public address. Headers beyond the
    trusted count are ignored: a visitor cannot forge their address or the site's.
    """
    if count > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count, x_prefix=count
        )


def _cors_headers(response):
    """Let the origins on the allow-list call the JSON API from a browser; no one else.

    Only GETs of public data are cross-origin (no credentials), so the answer names the
    caller's origin when it is allowed and says nothing otherwise: the browser then refuses.
    """
    origin = request.headers.get("Origin")
    if not request.path.startswith("/api/") or request.path.startswith("/api/admin/"):
        return response
    response.vary.add("Origin")
    settings: Settings = context.settings()
    if origin and origin in settings.cors_origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
    return response


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    images = " ".join(["'self'", "data:", *_logo_origin(context.settings().logo_url)])
    response.headers.setdefault(
        "Content-Security-Policy",
        f"default-src 'self'; img-src {images}; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
    )
    return response


def _logo_origin(logo_url: str) -> list[str]:
    """The origin of a logo on another server, which the page's CSP must let it load from."""
    parts = urlsplit(logo_url)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme in ("http", "https") else []
