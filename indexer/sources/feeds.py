"""Read RSS 2.0 and Atom feeds into the links of their items.

A feed names the newest posts, which is what a crawler after "what changed since last
time" wants first, and it is often there when a site has no sitemap. Parsed like a sitemap:
lxml with entities and network off.
"""

from __future__ import annotations

import re

from lxml import etree

from indexer.sources.sitemaps import xml_root

FEED_TYPES = ("application/rss+xml", "application/atom+xml")
_FEED_LINK = re.compile(
    rb"<link\b[^>]*type=[\"'](?:application/(?:rss|atom)\+xml)[\"'][^>]*>", re.IGNORECASE
)
_HREF = re.compile(rb"href=[\"']([^\"']+)[\"']", re.IGNORECASE)


def feed_links(content: bytes) -> list[str] | None:
    """The item links of an RSS or Atom feed; None when the bytes are not a feed."""
    root = xml_root(content)
    if root is None:
        return None
    kind = etree.QName(root).localname
    if kind == "rss":
        return [link.text.strip() for link in root.iter("link") if (link.text or "").strip()]
    if kind == "feed":
        return [
            node.get("href")
            for node in root.iter("{http://www.w3.org/2005/Atom}link")
            if node.get("href") and node.get("rel", "alternate") == "alternate"
        ]
    return None


def advertised_feeds(html: bytes) -> list[str]:
    """Feed URLs a page announces with <link rel=alternate type=application/rss+xml>."""
    found = []
    for tag in _FEED_LINK.findall(html[:200_000]):
        href = _HREF.search(tag)
        if href:
            found.append(href.group(1).decode("utf-8", "replace"))
    return found
