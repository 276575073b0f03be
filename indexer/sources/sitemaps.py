"""Read sitemaps (plain, index, WordPress's wp-sitemap.xml) into URLs with their lastmod.

The crawler's first source of page addresses: a sitemap lists every post, and its
`lastmod` lets a recrawl skip a page without even asking the server. Parsing is defensive
(a sitemap is untrusted input): lxml with entity resolution and network access off, and
a cap on how many nested sitemaps one walk follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

MAX_SITEMAPS = 200
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


@dataclass(frozen=True)
class SitemapEntry:
    """One <url> of a sitemap: where the page is and when it last changed (as written)."""

    url: str
    lastmod: str | None = None


@dataclass(frozen=True)
class Sitemap:
    """One parsed sitemap document: pages it lists and the sitemaps it points to."""

    entries: tuple[SitemapEntry, ...] = ()
    children: tuple[str, ...] = ()


def xml_root(content: bytes) -> etree._Element | None:
    """The root element of an XML document (sitemap, feed), safely parsed; None if not XML.

    No entities are resolved and nothing is fetched, so a hostile file cannot expand or
    reach out.
    """
    try:
        return etree.fromstring(content.strip(), _PARSER)
    except etree.XMLSyntaxError:
        return None


def parse_sitemap(content: bytes) -> Sitemap | None:
    """Parse a sitemap or sitemap index; None when the bytes are not one."""
    root = xml_root(content)
    if root is None:
        return None
    kind = etree.QName(root).localname
    if kind == "sitemapindex":
        return Sitemap(children=tuple(_locs(root, "sitemap")))
    if kind == "urlset":
        entries = [
            SitemapEntry(loc, _child_text(node, "lastmod"))
            for node in _children(root, "url")
            if (loc := _child_text(node, "loc"))
        ]
        return Sitemap(entries=tuple(entries))
    return None


def _children(node, name: str):
    return [child for child in node if _local(child) == name]


def _local(node) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _child_text(node, name: str) -> str | None:
    for child in _children(node, name):
        text = (child.text or "").strip()
        if text:
            return text
    return None


def _locs(root, name: str) -> list[str]:
    return [loc for node in _children(root, name) if (loc := _child_text(node, "loc"))]
