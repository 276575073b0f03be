"""Which URL a page is indexed under, and whether it is a copy of another page.

A page's own <link rel=canonical> usually names it better than the place it was found
(a folder path, a crawled URL). But canonical links also mark copies (a static export's
/blog/page/2/ that is one post again) and cross-posts (a post whose original lives on
another site). This module tells the three apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from indexer.extract.parse import Element, words_of
from indexer.urls import normalize_url

# A page linking this often to the canonical link's host is on that host's site.
SAME_SITE_MIN_LINKS = 3


@dataclass(frozen=True)
class PageAddress:
    """The URL to index a page under, and whether it merely copies another page."""

    url: str
    copy_of: str | None = None


def canonical_link(root: Element, base: str) -> str | None:
    """The page's canonical URL resolved against `base`, if it declares a usable one."""
    for link in root.iter("link"):
        if link.get("href") is None:
            continue
        rel = [r.lower() for r in words_of(link, "rel")]
        href = link.get("href").strip()
        if "canonical" not in rel or not href:
            continue
        resolved = urljoin(base, href)
        # Only web addresses: a "javascript:" or "data:" canonical must never become a link.
        if urlsplit(resolved).scheme in ("http", "https", ""):
            return normalize_url(resolved)
    return None


def resolve_address(root: Element, own_url: str) -> PageAddress:
    """Decide the page's URL from where it was found and what its canonical link says."""
    own = normalize_url(own_url) if not own_url.startswith("file:") else own_url
    canonical = canonical_link(root, own_url)
    if canonical is None or own_url.startswith("file:"):
        return PageAddress(canonical or own)
    if same_page(own, canonical):
        return PageAddress(canonical)
    if urlsplit(canonical).path in ("", "/"):
        return PageAddress(own)  # every page "canonical" to the home page: a misconfiguration
    if same_site(root, own, canonical):
        return PageAddress(canonical, copy_of=canonical)
    return PageAddress(own)  # a cross-post: index this site's copy, where visitors are


def same_page(own: str, canonical: str) -> bool:
    """True when both name one page, allowing for a folder above or below the site root.

    Paths must be equal, or one must end with the other at a segment boundary with at
    least two segments in common (`/posts/2023/x/` and `/2023/x/`), which a one-word path
    such as `/story` is too short to prove.
    """
    mine = unquote(urlsplit(own).path).strip("/").split("/")
    theirs = unquote(urlsplit(canonical).path).strip("/").split("/")
    if mine == theirs:
        return True
    shorter, longer = sorted((mine, theirs), key=len)
    return len(shorter) >= 2 and longer[-len(shorter) :] == shorter


def same_site(root: Element, own: str, canonical: str) -> bool:
    """Whether the canonical link points into this page's own site."""
    host = _bare_host(canonical)
    own_host = _bare_host(own)
    if own_host:
        return own_host == host
    links = (_bare_host(a.get("href")) for a in root.iter("a") if a.get("href") is not None)
    return sum(1 for link_host in links if link_host == host) >= SAME_SITE_MIN_LINKS


def _bare_host(url: str) -> str:
    host = urlsplit(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host
