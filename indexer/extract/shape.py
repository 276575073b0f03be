"""The shape of a page, measured before its body is cut out: what the classifier needs to
tell an index of other pages from a page with its own content.

A section's index ("/posts/", "/reviews/") links to the pages below its own address; a
listing's text is mostly those links. A page whose `<main>` holds nothing but its title
(an empty list of series, a search form) has nothing to search. Both are measured on the
whole page, outside the site's menus, before the body extractor prunes the tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from indexer.extract.facts import PageFacts
from indexer.extract.parse import Element, text_length, visible_text

_NOT_PAGES = ("#", "mailto:", "javascript:", "tel:")
ENTRY_SELECTORS = ("article", ".hentry", ".h-entry", ".post")
# Links in these belong to the site's menus, not to what the page lists.
MENU_TAGS = frozenset(("nav", "header", "footer", "aside"))


@dataclass(frozen=True)
class PageShape:
    """The texts of the links to pages below this one, how much text the page's `<main>`
    holds besides its title (None: the page has no `<main>`), how many post-like entries
    it has, and how many lines of the post's container were a date (the body extractor
    counts them before it strips them)."""

    child_links: tuple[str, ...] = ()
    main_chars: int | None = None
    entries: int = 0  # post-like entries (articles, hentries) with a heading and a link
    datelines: int = 0  # short lines of the post's container that were only a date

    @property
    def child_link_words(self) -> int:
        return sum(len(text.split()) for text in self.child_links)


def measure(facts: PageFacts) -> PageShape:
    """The shape of the page `facts` read (call before the body is cut out)."""
    below = _children(facts)
    main = facts.document.first("main")
    main_chars = None
    if main is not None:
        title = facts.title_element
        inside = title is not None and any(a is main for a in title.iterancestors())
        main_chars = text_length(main) - (text_length(title) if inside else 0)
    return PageShape(tuple(below.values()), main_chars, _headed_entries(facts))


def _headed_entries(facts: PageFacts) -> int:
    """Entries that look like posts of a listing: each an article with a heading and a link."""
    entries = {e for selector in ENTRY_SELECTORS for e in facts.select(selector)}
    return sum(
        1
        for entry in entries
        if next(entry.iterdescendants("h1", "h2", "h3"), None) is not None
        and next(entry.iterdescendants("a"), None) is not None
    )


def _children(facts: PageFacts) -> dict[str, str]:
    """Distinct pages below this page's own path that it links to with text: path → text."""
    base = _folder_of(urlsplit(facts.url).path)
    found: dict[str, str] = {}
    for link in facts.root.iter("a"):
        path = _path_below(link.get("href"), base, facts.url)
        if path is None or path in found or _in_menu(link):
            continue
        if text := visible_text(link):
            found[path] = text
    return found


def _folder_of(path: str) -> str:
    path = unquote(path or "/")
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


def _path_below(href: str | None, base: str, page_url: str) -> str | None:
    if not href or href.startswith(_NOT_PAGES):
        return None
    if base != "/" and base not in unquote(href) and href.startswith(("/", "http")):
        return None  # an address that cannot be below this page (most links: cheap to tell)
    try:
        target = urlsplit(urljoin(page_url, href))
        own = urlsplit(page_url)
    except ValueError:
        return None
    if target.netloc and own.netloc and target.netloc.lower() != own.netloc.lower():
        return None
    path = unquote(target.path)
    return path if path.startswith(base) and len(path.strip("/")) > len(base.strip("/")) else None


def _in_menu(link: Element) -> bool:
    return any(ancestor.tag in MENU_TAGS for ancestor in link.iterancestors())
