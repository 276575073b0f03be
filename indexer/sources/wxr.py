"""Read a WordPress export (WXR) into Post records: a source that needs no crawl.

`postsearch index export.xml` takes what WordPress's Tools → Export writes. Only published
posts count (no pages, attachments, menu items, drafts, scheduled or password-protected
posts). A post's title loses its markup (WordPress keeps `<em>` in titles), and a post
without a title is titled with its first words, as readers of the site know it. The author
is the display name declared in the export's <wp:author> list for the
item's dc:creator login; the body is content:encoded with WordPress's automatic paragraphs
(wpautop) applied and shortcodes stripped, so it reads as the theme would show it.

Parsed with lxml, entities and network off (an export is a file from elsewhere).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from lxml import etree

from indexer.errors import SourceError
from indexer.extract.body import make_summary
from indexer.extract.parse import block_text, parse_html
from indexer.extract.titles import clean_title, title_from_words
from indexer.index.analysis import normalize_language
from indexer.records import Post, Skip
from indexer.sources.events import PageGone, PagesExpected, PostReady
from indexer.sources.state import CrawlState, content_hash
from indexer.urls import normalize_url

WP = "{http://wordpress.org/export/1.2/}"
NAMESPACES = (
    "http://wordpress.org/export/1.2/",
    "https://wordpress.org/export/1.2/",
    "http://wordpress.org/export/1.1/",
    "http://wordpress.org/export/1.0/",
)
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, recover=True, huge_tree=True, strip_cdata=True
)
_SHORTCODE = re.compile(r"\[/?[a-zA-Z][\w-]*(?:\s[^\]]*)?\]")
_BLOCK_START = re.compile(
    r"^\s*<(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|hr|dl|section|!--)", re.I
)


def is_wxr(path: Path) -> bool:
    """Whether a file looks like a WordPress export (its first few KB name the namespace)."""
    with path.open("rb") as file:
        head = file.read(8192)
    return b"wordpress.org/export/" in head


def read_wxr(path: Path) -> Iterator[Post | Skip]:
    """Every item of the export: a Post for a published post, a Skip for anything else."""
    items, read_item = _items(path)
    return (read_item(item) for item in items)


def _items(path: Path) -> tuple[list, Callable[[Any], Post | Skip]]:
    """The export's items, and the function that reads one (it knows the export's authors,
    language and namespace)."""
    try:
        root = etree.parse(str(path), _PARSER).getroot()
    except (OSError, etree.XMLSyntaxError) as error:
        raise SourceError(f"{path}: not a readable WordPress export ({error})") from error
    channel = root.find("channel") if root is not None else None
    if channel is None:
        raise SourceError(f"{path}: not a WordPress export (no <channel>)")
    wp = _namespace(root)
    authors = _authors(channel, wp)
    language = normalize_language(channel.findtext("language"))
    return list(channel.iter("item")), partial(
        _item, wp=wp, authors=authors, language=language, where=str(path)
    )


def _namespace(root) -> str:
    for uri in NAMESPACES:
        if uri in (root.nsmap or {}).values():
            return "{" + uri + "}"
    return WP


def _authors(channel, wp: str) -> dict[str, str]:
    names = {}
    for author in channel.iter(wp + "author"):
        login = (author.findtext(wp + "author_login") or "").strip()
        display = (author.findtext(wp + "author_display_name") or "").strip()
        if login:
            names[login] = display or login
    return names


def _item(item, wp: str, authors: dict[str, str], language: str, where: str) -> Post | Skip:
    url = (item.findtext("link") or "").strip()
    kind = (item.findtext(wp + "post_type") or "").strip()
    status = (item.findtext(wp + "status") or "").strip()
    location = f"{where}#{url or item.findtext(wp + 'post_id')}"
    if kind != "post":
        return Skip(location, url, f"WordPress {kind or 'item'}, not a post")
    if status != "publish":
        return Skip(location, url, f"post not published ({status or 'no status'})")
    if (item.findtext(wp + "post_password") or "").strip():
        return Skip(location, url, "password-protected post")
    if not url:
        return Skip(location, url, "post without a link")
    body = html_text(wpautop(item.findtext(CONTENT) or ""))
    # WordPress shows a post without a title all the same (its date links to it).
    title = clean_title(item.findtext("title") or "") or title_from_words(body)
    if not title:
        return Skip(location, url, "post without a title or text")
    excerpt = (item.findtext("{http://wordpress.org/export/1.2/excerpt/}encoded") or "").strip()
    # Stray markup around the login happens (the theme test data has ">themereviewteam").
    login = (item.findtext(DC_CREATOR) or "").strip().strip("<>")
    return Post(
        url=url,
        title=title,
        body=body,
        summary=make_summary(body, html_text(excerpt) or None),
        date=_date(item.findtext(wp + "post_date")),
        author=authors.get(login, login) or None,
        categories=_terms(item, "category"),
        tags=_terms(item, "post_tag"),
        language=language,
    )


def _terms(item, domain: str) -> tuple[str, ...]:
    names = [
        (node.text or "").strip() for node in item.iter("category") if node.get("domain") == domain
    ]
    return tuple(dict.fromkeys(name for name in names if name))


def _date(text: str | None) -> date | None:
    try:
        return datetime.strptime((text or "").strip(), "%Y-%m-%d %H:%M:%S").date()
    except ValueError:
        return None


def wpautop(text: str) -> str:
    """WordPress's automatic paragraphs, roughly: blank-line-separated runs of text that
    are not already block markup become <p>, single newlines inside them <br>."""
    text = _SHORTCODE.sub("", text.replace("\r\n", "\n"))
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]
    wrapped = [
        block if _BLOCK_START.match(block) else "<p>" + block.replace("\n", "<br>\n") + "</p>"
        for block in blocks
    ]
    return "\n".join(wrapped)


def html_text(html: str) -> str:
    """Readable text of an HTML fragment, one paragraph per block."""
    if not html.strip():
        return ""
    document = parse_html(f"<div>{html}</div>")
    wrapper = document.first("div")
    return block_text(wrapper) if wrapper is not None else ""


def wxr_events(path: Path, state: CrawlState | None) -> Iterator:
    """The export as source events; a post that left the export is gone (it is complete)."""
    items, read_item = _items(path)
    yield PagesExpected(len(items))
    seen = set()
    for record in map(read_item, items):
        key = normalize_url(record.url) if record.url else record.location
        seen.add(key)
        yield PostReady(key, record, content_hash(repr(record).encode("utf-8")))
    for key in sorted(set(state.known_keys()) - seen if state else ()):
        yield PageGone(key, "no longer in the export")
