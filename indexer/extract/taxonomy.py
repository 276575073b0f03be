"""A post's categories and tags: the theme's own taxonomy markup, the links to its term
archives, then `<meta>` and JSON-LD.

Taxonomy is links to archive pages whose address names the kind ("/category/garden/",
"/tags/compost/", Blogger's "/search/label/Roses"), so links read by address find it on
themes whose class names no list foresees, inside the post or, as Hugo themes print it,
after `</main>`. Menus, sidebars and tag clouds list the whole site's terms, not the post's,
and are left out. The same test finds the taxonomy blocks the body extractor removes
(a "Tags: a, b" line at the end of a post is not its text).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

from indexer.extract.chrome import TAXONOMY_PATHS, TAXONOMY_QUERY_KEYS
from indexer.extract.facts import MAX_NAME_CHARS, PageFacts, unique
from indexer.extract.jsonld import ld_list
from indexer.extract.parse import Element, classes, text_length, visible_text, words_of

CATEGORY_SELECTORS = (
    "a[rel~=category]",
    ".cat-links a",
    ".entry-categories a",
    ".post-categories a",
    ".categories a",
    "a.category",
    ".taxonomy-category a",  # WordPress block themes (their links say rel="tag")
)
TAG_SELECTORS = (
    ".tags-links a",
    ".tag-links a",
    ".post-tags a",
    ".entry-tags a",
    "a.tag",
    ".taxonomy-post_tag a",
)
# A block listing more terms than this is the site's tag cloud, not a post's tags.
MAX_POST_TERMS = 25
# Elements whose taxonomy links are the site's, not the post's (unless inside the post).
SITE_CHROME_TAGS = frozenset(("nav", "aside", "form"))
SITE_CHROME_WORDS = frozenset(("sidebar", "widget", "widgets", "menu", "navigation", "cloud"))
# `article:section` values that name a part of the site rather than a subject.
SECTION_WORDS = frozenset(("post", "posts", "blog", "article", "articles", "entry", "entries"))
_KIND_OF_WORD = {word: kind for kind, words in TAXONOMY_PATHS.items() for word in words.split()}
_MAY_NAME_A_TERM = re.compile(
    "/(" + "|".join(_KIND_OF_WORD) + ")/|[?&](" + "|".join(TAXONOMY_QUERY_KEYS) + ")=", re.I
)


def taxonomy_kind(href: str | None, page_url: str = "") -> str | None:
    """ "category" or "tag" when `href` is the archive of one term on this site, else None."""
    if not href or not _MAY_NAME_A_TERM.search(href):
        return None  # most links name no taxonomy word at all: told without parsing them
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    if parts.netloc and not _same_host(parts.netloc, page_url):
        return None
    segments = [unquote(s).lower() for s in parts.path.split("/") if s]
    for index, segment in enumerate(segments[:-1]):
        if segment in _KIND_OF_WORD and segments[index + 1] != "page":
            return _KIND_OF_WORD[segment]
    query = parse_qs(parts.query)
    return next((kind for key, kind in TAXONOMY_QUERY_KEYS.items() if key in query), None)


def _same_host(netloc: str, page_url: str) -> bool:
    page_host = urlsplit(page_url).netloc if page_url.startswith("http") else ""
    if not page_host:
        return True  # a page read from a file: its site is unknown, its links decide
    return _bare(netloc) == _bare(page_host)


def _bare(host: str) -> str:
    host = host.lower().split(":")[0]
    return host[4:] if host.startswith("www.") else host


def is_taxonomy_link(link: Element, page_url: str) -> bool:
    """A link to a term archive, by its address or its rel ("tag", "category")."""
    rel = words_of(link, "rel")
    return "tag" in rel or "category" in rel or bool(taxonomy_kind(link.get("href"), page_url))


# --- the cascade steps -----------------------------------------------------------------


def categories_from_links(facts: PageFacts) -> list[str]:
    return _link_texts(facts, CATEGORY_SELECTORS)


def categories_from_taxonomy_links(facts: PageFacts) -> list[str]:
    return _terms(facts, "category")


def categories_from_meta(facts: PageFacts) -> list[str]:
    section = facts.meta.get("article:section")
    names = [section] if section else ld_list(facts.ld("articleSection"))
    return [name for name in names if not _names_a_site_section(name, facts.url)]


def _names_a_site_section(name: str, url: str) -> bool:
    """Hugo and others put the section ("post", "blog") where a category belongs."""
    folded = name.strip().casefold()
    segments = {unquote(s).casefold() for s in urlsplit(url).path.split("/") if s}
    return folded in SECTION_WORDS or folded in segments


def tags_from_links(facts: PageFacts) -> list[str]:
    scope = facts.post_scope()
    rel_tags = [a for a in scope.iterdescendants("a") if words_of(a, "rel") == ["tag"]]
    names = [visible_text(a) for a in rel_tags]
    return unique([n for n in names if n]) or _link_texts(facts, TAG_SELECTORS)


def tags_from_taxonomy_links(facts: PageFacts) -> list[str]:
    return _terms(facts, "tag")


def tags_from_meta(facts: PageFacts) -> list[str]:
    tags = [
        tag.get("content", "").strip()
        for tag in facts.root.iter("meta")
        if tag.get("property") == "article:tag" and tag.get("content")
    ]
    return unique(tags) or ld_list(facts.ld("keywords"))


def _link_texts(facts: PageFacts, selectors: tuple[str, ...]) -> list[str]:
    for selector in selectors:
        names = [visible_text(a) for a in facts.select(selector, facts.post_scope())]
        names = [n for n in names if n and len(n) <= MAX_NAME_CHARS]
        if names:
            return unique(names)
    return []


def _terms(facts: PageFacts, kind: str) -> list[str]:
    """The texts of the post's links to term archives of `kind`: in the post's own element,
    else anywhere on the page but the site's menus, sidebars and clouds."""
    scope = facts.post_scope()
    names = _terms_in(scope, scope is facts.root, kind, facts.url)
    if not names and scope is not facts.root:
        names = _terms_in(facts.root, True, kind, facts.url)
    return names


def _terms_in(scope: Element, whole_page: bool, kind: str, page_url: str) -> list[str]:
    links = [a for a in scope.iterdescendants("a") if taxonomy_kind(a.get("href"), page_url)]
    per_block: dict[Element, int] = {}
    for link in links:
        for ancestor in link.iterancestors():
            if ancestor is scope:
                break
            per_block[ancestor] = per_block.get(ancestor, 0) + 1
    names = []
    for link in links:
        if taxonomy_kind(link.get("href"), page_url) != kind:
            continue
        name = visible_text(link)
        if not name or len(name) > MAX_NAME_CHARS:
            continue
        if not _site_wide(link, scope, whole_page, per_block):
            names.append(name)
    return unique(names)


def _site_wide(link: Element, scope: Element, whole_page: bool, per_block: dict) -> bool:
    """Whether a term link belongs to the site's menus, sidebars or clouds."""
    for ancestor in link.iterancestors():
        if ancestor is scope:
            return False
        if per_block.get(ancestor, 0) > MAX_POST_TERMS:
            return True
        if whole_page and _site_chrome(ancestor):
            return True
    return False


def _site_chrome(element: Element) -> bool:
    if element.tag in SITE_CHROME_TAGS:
        return True
    if element.tag in ("header", "footer"):  # the page's, not a post's entry header
        return not any(a.tag in ("main", "article") for a in element.iterancestors())
    return bool(SITE_CHROME_WORDS & _class_words(element))


def _class_words(element: Element) -> set[str]:
    names = [*classes(element), element.get("id") or ""]
    return {word for name in names for word in name.lower().replace("_", "-").split("-")}


# --- taxonomy blocks in the body ---------------------------------------------------------

# The text besides the links of a taxonomy block: a label and separators ("Tags: a, b").
TAXONOMY_LABEL_CHARS = 40
TAXONOMY_BLOCK_TAGS = frozenset(("p", "div", "ul", "ol", "li", "dl", "dd", "section", "footer"))


def taxonomy_blocks(root: Element, page_url: str) -> list[Element]:
    """The blocks below `root` that hold only term links and a short label."""
    found: list[Element] = []
    for link in root.iterdescendants("a"):
        if not is_taxonomy_link(link, page_url):
            continue
        block = _largest_taxonomy_block(link, root, page_url)
        if block is not None and all(block is not other for other in found):
            found.append(block)
    return found


def _largest_taxonomy_block(link: Element, root: Element, page_url: str) -> Element | None:
    best = None
    for ancestor in link.iterancestors():
        if ancestor is root or not _only_terms(ancestor, page_url):
            break
        if ancestor.tag in TAXONOMY_BLOCK_TAGS:
            best = ancestor
    return best


def _only_terms(block: Element, page_url: str) -> bool:
    links = list(block.iterdescendants("a"))
    if not all(is_taxonomy_link(a, page_url) for a in links):
        return False
    label = text_length(block) - sum(text_length(a) for a in links)
    return label <= TAXONOMY_LABEL_CHARS
