"""One spelling per page address: the URL normaliser every stage uses.

The crawler keys its queue and its saved state by it, the extractor applies it to a page's
canonical link, and the webhook to the URL a site sends. Two spellings of one page (a
fragment, `index.html`, an upper-case host, a default port, `utm_*` and other tracking
parameters, a reordered query) must become one key, or a page is fetched twice, indexed
twice, or never found again to be deleted.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

INDEX_FILES = ("index.html", "index.htm", "index.php")
# Query parameters that name a visit, not a page (ad clicks, newsletters, reply forms).
TRACKING_PARAMS = frozenset(
    "fbclid gclid dclid msclkid mc_cid mc_eid _ga _gl igshid yclid replytocom share nb amp".split()
)
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def normalize_url(url: str) -> str:
    """The one spelling of a page's address: no fragment, no tracking or reply parameters,
    no `index.html`, no default port, a lower-case scheme and host, a sorted query; the
    path keeps its trailing slash as found."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    default_port = _DEFAULT_PORTS.get(scheme, "")
    if default_port and netloc.endswith(default_port):
        netloc = netloc[: -len(default_port)]
    path = parts.path
    for name in INDEX_FILES:
        if path.endswith("/" + name):
            path = path[: -len(name)]
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not name.lower().startswith("utm_") and name.lower() not in TRACKING_PARAMS
    ]
    return urlunsplit((scheme, netloc, path or "/", urlencode(sorted(query)), ""))


def dedupe_key(url: str) -> str:
    """The key two spellings of one page share (`/a` and `/a/` are one page on a blog)."""
    parts = urlsplit(normalize_url(url))
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") or "/"))
