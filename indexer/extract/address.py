"""Which URL a page is indexed under, and whether it is a copy of another page.

A page's own <link rel=canonical> usually names it better than the place it was found
(a folder path, a crawled URL). But canonical links also mark copies (a static export's
/blog/page/2/ that is one post again) and cross-posts (a post whose original lives on
another site), and mirrors rewrite them into shortlinks ("../index.html%3Fp=2452.html").
This module tells them apart.

In a folder, a page is a copy only when the page its canonical link names is in the
folder too; otherwise the folder's path simply differs from the live URL (a mirror, an
export under another path), and the canonical URL is the page's address, unless it is a
shortlink or a relative link, which say nothing about the live address: then the folder
path stands.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from indexer.extract.parse import Element, words_of
from indexer.urls import normalize_url

# A page linking this often to the canonical link's host is on that host's site.
SAME_SITE_MIN_LINKS = 3
# Query keys of a CMS's shortlinks ("/?p=2452"): an id, not the page's address.
SHORTLINK_KEYS = frozenset(("p", "page_id", "post", "id"))


class SitePaths:
    """The URL paths of the pages a folder run reads, to tell a copy from a moved page.

    A canonical URL names one of them when its path is one of theirs, or when one path
    ends with the other over at least two segments (the folder may sit above or below the
    site's root).
    """

    def __init__(self, urls: Iterable[str]) -> None:
        self._by_last: dict[str, list[list[str]]] = {}
        for url in urls:
            segments = _segments(url)
            self._by_last.setdefault(segments[-1] if segments else "", []).append(segments)

    def __contains__(self, url: str) -> bool:
        wanted = _segments(url)
        candidates = self._by_last.get(wanted[-1] if wanted else "", [])
        return any(_same_segments(wanted, known) for known in candidates)


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


def resolve_address(root: Element, own_url: str, site: SitePaths | None = None) -> PageAddress:
    """Decide the page's URL from where it was found and what its canonical link says.

    `site` is the folder run's pages (None for a crawl, whose canonical links are the live
    site's own).
    """
    own = normalize_url(own_url) if not own_url.startswith("file:") else own_url
    canonical = canonical_link(root, own_url)
    if canonical is None or own_url.startswith("file:"):
        return PageAddress(canonical or own)
    if same_page(own, canonical):
        return PageAddress(canonical)
    if urlsplit(canonical).path in ("", "/") or is_shortlink(canonical):
        return PageAddress(own)  # every page "canonical" to the home page: a misconfiguration
    if site is not None:
        return _in_folder(root, own, canonical, site)
    if same_site(root, own, canonical):
        return PageAddress(canonical, copy_of=canonical)
    return PageAddress(own)  # a cross-post: index this site's copy, where visitors are


def _in_folder(root: Element, own: str, canonical: str, site: SitePaths) -> PageAddress:
    if not urlsplit(canonical).netloc:
        return PageAddress(own)  # a relative canonical names a file of the mirror, not a URL
    if canonical in site:
        return PageAddress(canonical, copy_of=canonical)
    if same_site(root, own, canonical):
        return PageAddress(canonical)  # the live address of a page found under another path
    return PageAddress(own)


def is_shortlink(url: str) -> bool:
    """A CMS's id link ("/?p=2452", a mirror's "index.html%3Fp=2452.html"), not an address."""
    parts = urlsplit(url)
    query = parts.query or unquote(parts.path.rsplit("/", 1)[-1]).partition("?")[2]
    return bool(SHORTLINK_KEYS & parse_qs(query).keys())


def same_page(own: str, canonical: str) -> bool:
    """True when both name one page, allowing for a folder above or below the site root.

    Paths must be equal, or one must end with the other at a segment boundary with at
    least two segments in common (`/posts/2023/x/` and `/2023/x/`), which a one-word path
    such as `/story` is too short to prove.
    """
    return _same_segments(_segments(own), _segments(canonical))


def _segments(url: str) -> list[str]:
    return unquote(urlsplit(url).path).strip("/").split("/")


def _same_segments(mine: list[str], theirs: list[str]) -> bool:
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
