"""What a request handler may take from the running app: its settings, backend and log.

`create_app` puts them in one place (`app.config["SETTINGS"]` and `app.extensions`); the
pages, the API, the admin endpoints and the click routes read them through these helpers,
so none of them needs to import the module that built the app.
"""

from __future__ import annotations

from flask import current_app

from searchweb.analytics.querylog import QueryLog
from searchweb.config import Settings
from searchweb.engine.backend import SearchBackend

SETTINGS_KEY = "SETTINGS"
BACKEND_KEY = "postsearch"  # the backend visitors' searches go through (logged, if on)
PLAIN_BACKEND_KEY = "postsearch_plain"  # the same backend, never logged
QUERYLOG_KEY = "querylog"


def settings() -> Settings:
    return current_app.config[SETTINGS_KEY]


def backend() -> SearchBackend:
    """The backend for a visitor's search (it logs the search when the log is on)."""
    return current_app.extensions[BACKEND_KEY]


def plain_backend() -> SearchBackend:
    """The backend for searches that are not a visitor's (a report, a click's check)."""
    return current_app.extensions[PLAIN_BACKEND_KEY]


def querylog() -> QueryLog | None:
    return current_app.extensions.get(QUERYLOG_KEY)
