"""The admin token: who may call the admin endpoints and read the query report.

One token (`admin_token`, best set as POSTSEARCH_ADMIN_TOKEN), sent as
`Authorization: Bearer <token>` by scripts, or posted from the report page's small form by a
browser; no cookie either way. Compared in constant time. Without a token configured, the
admin endpoints do not exist.
"""

from __future__ import annotations

import hmac

from flask import request


def supplied_token(allow_form: bool = False) -> str:
    """The token the request carries: its bearer header, else (if allowed) a posted form's."""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return given.strip()
    if allow_form and request.method == "POST":
        return request.form.get("token", "")
    return ""


def token_matches(supplied: str, expected: str) -> bool:
    """Whether `supplied` is the configured token (never true when none is configured)."""
    return bool(expected) and hmac.compare_digest(
        supplied.encode("utf-8"), expected.encode("utf-8")
    )
