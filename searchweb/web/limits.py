"""Per-client rate limiting of the JSON API, with Flask-Limiter (a well-kept library).

One client hammering `/api/search` must not starve everyone else. The limit is per client
address, counted in this process's memory (each worker counts its own), and only on
`/api/*`: the HTML page is cheap to cache at the proxy and a person types slowly. A client
over the limit gets a 429 in the API's error shape, with a Retry-After header.
"""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def init_rate_limit(app: Flask, limit: str) -> Limiter | None:
    """Limit `/api/*` to `limit` (e.g. "120 per minute") per client; "" turns it off."""
    if not limit.strip():
        return None
    limiter = Limiter(
        key_func=get_remote_address,
        app=app,
        default_limits=[limit],
        default_limits_exempt_when=lambda: not request.path.startswith("/api/"),
        storage_uri="memory://",
        headers_enabled=True,
    )
    app.extensions["postsearch_limiter"] = limiter
    return limiter
