"""Build the "Riverside Notes" demo blog used to exercise postsearch.

The generator reads post sources from ``posts/*.md`` next to this file. Each
source is a small front-matter header (``title:``, ``slug:``, ``date:``,
``author:``, ``categories:``, ``tags:``, ``excerpt:``, optional ``lang:`` and
``time:`` (HH:MM, otherwise derived from the slug)),
a blank line, and a body written in a tiny Markdown subset: paragraphs
separated by blank lines, ``## `` headings (optionally ending in ``{#id}``),
``- `` lists, ``> `` blockquotes, ``*em*``, ``**strong**``, ```code``` and
``[text](url)`` links. ``about.md`` uses the same format for the About page
and ``comments.json`` holds reader comments keyed by post slug.

The output is a static copy of a WordPress site (Twenty Twenty-style markup,
Jetpack sharing, related posts, comments, sidebar widgets) written to
``../demo-site/``, which is deleted and recreated on every run. A list of
post and non-post pages is written to ``expected.json`` for the tests.

Run from the repository root::

    python3 data/demo_site_src/build.py

The build is deterministic: inputs are sorted, publish times are derived
from a CRC of the slug, and the current time is never used. Standard library
only.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

SRC_DIR = Path(__file__).resolve().parent
POSTS_DIR = SRC_DIR / "posts"
OUT_DIR = SRC_DIR.parent / "demo-site"
EXPECTED_FILE = SRC_DIR / "expected.json"

BASE_URL = "https://demo.postsearch.test"
SITE_NAME = "Riverside Notes"
TAGLINE = "Neighbourhood news, projects and small obsessions from Millbrook-on-Wend"
SITE_ABOUT = (
    "Riverside Notes is written by a handful of neighbours in Millbrook-on-Wend. "
    "We write about what we grow, fix, bake, find and watch, and new "
    "contributors are always welcome."
)
COPYRIGHT_YEARS = "2019–2025"
DEFAULT_LANG = "en-GB"
LANGS = {"en-GB": "en_GB", "en-US": "en_US", "es": "es_ES"}
PER_PAGE = 10
RECENT_COUNT = 5
RELATED_COUNT = 3
FEED_COUNT = 10
MAX_TAGS = 4
WP_VERSION = "6.4.3"
THEME_VERSION = "1.4"
THEME_DIR = "/wp-content/themes/riverside"
ABOUT_PAGE_ID = 2
FIRST_COMMENT_ID = 2

AUTHORS = {
    "Maya Okafor": (
        "Maya keeps two beehives, one unruly allotment plot and a notebook of "
        "every bird that has landed on her washing line. She volunteers with "
        "the Millbrook Green Spaces group."
    ),
    "Tomasz Wierzbicki": (
        "Tomasz fixes bicycles, kettles and occasionally his own mistakes. He "
        "co-founded the Millbrook Repair Café and rides to work all year round."
    ),
    "Eleanor Hartley": (
        "Eleanor is a retired librarian who spends her days in the local "
        "history collection and her evenings baking for anyone who will sit "
        "still long enough."
    ),
    "Priya Raman": (
        "Priya writes software for a living and points cameras and telescopes "
        "at the sky for fun. She also looks after the technical side of this "
        "blog."
    ),
    "Lucía Fernández": (
        "Lucía moved to Millbrook from Valladolid in 2015. She leads the "
        "monthly riverside walk and bakes far more bread than one household "
        "needs."
    ),
}

CATEGORY_DESCRIPTIONS = {
    "Community": "The library, the repair café, volunteering and neighbourhood events.",
    "Cycling": "Getting around Millbrook on two wheels, in every season.",
    "Food & Baking": "Bread, butter and recipes from Millbrook kitchens.",
    "Gardening": "Allotments, compost, bees and everything that grows by the river.",
    "Home & Repair": "Fixing things, making things and keeping them out of landfill.",
    "Local History": "Stories from the archives, the parish registers and the people who remember.",
    "Outdoors": "Walks, wildlife and the night sky above the Wend valley.",
    "Technology": "Small programs and gadgets that make community life a little easier.",
}

MONTHS = (
    "January February March April May June July August September October November December"
).split()

REQUIRED_KEYS = ("title", "slug", "date", "author", "categories", "tags", "excerpt")

esc = html.escape


# --------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------


@dataclass
class Comment:
    """A reader comment shown under a post."""

    comment_id: int
    author: str
    when: datetime
    text: str


@dataclass
class Post:
    """A blog post parsed from a source file."""

    title: str
    slug: str
    published: datetime
    updated: datetime
    author: str
    categories: list[str]
    tags: list[str]
    lang: str
    excerpt: str
    body_html: str
    post_id: int = 0
    comments: list[Comment] = field(default_factory=list)

    @property
    def path(self) -> str:
        """Return the WordPress-style permalink path of the post."""
        day = self.published
        return f"/{day:%Y}/{day:%m}/{day:%d}/{self.slug}/"


@dataclass
class Term:
    """A category, tag or author archive with its posts (newest first)."""

    kind: str
    name: str
    slug: str
    term_id: int
    posts: list[Post]

    @property
    def path(self) -> str:
        """Return the archive path of the term."""
        return f"/{self.kind}/{self.slug}/"


@dataclass
class Site:
    """Everything the page renderers need to know about the whole blog."""

    posts: list[Post]
    categories: dict[str, Term]
    tags: dict[str, Term]
    authors: dict[str, Term]
    sidebar: str = ""


@dataclass
class Page:
    """Per-page information used to build the document shell."""

    path: str
    title: str
    headline: str
    description: str
    body_class: str
    lang: str = DEFAULT_LANG
    og_type: str = "website"
    canonical: bool = True
    is_home: bool = False
    extra_meta: list[str] = field(default_factory=list)
    schema: list[dict] = field(default_factory=list)


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------


def slugify(text: str) -> str:
    """Turn a name into an ASCII URL slug, as WordPress does."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.decode().lower()).strip("-")


def stable_number(text: str) -> int:
    """Return a deterministic number derived from ``text``."""
    return zlib.crc32(text.encode("utf-8"))


def long_date(moment: datetime) -> str:
    """Format a date the en-GB way, e.g. ``4 March 2021``."""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def clock(moment: datetime) -> str:
    """Format a time of day as WordPress does, e.g. ``6:40 pm``."""
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}:{moment.minute:02d} {suffix}"


def absolute(path: str) -> str:
    """Return the absolute URL of a site path."""
    return BASE_URL + path


def avatar_url(name: str, size: int) -> str:
    """Return a Gravatar-style avatar URL for a name."""
    digest = hashlib.md5(name.lower().encode("utf-8")).hexdigest()
    return f"https://secure.gravatar.com/avatar/{digest}?s={size}&d=mm&r=g"


def split_list(value: str) -> list[str]:
    """Split a comma-separated front-matter value."""
    return [item.strip() for item in value.split(",") if item.strip()]


def json_for_script(data: object) -> str:
    """Serialise JSON so that it is safe inside a ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    return text


def page_path(base: str, number: int) -> str:
    """Return the path of page ``number`` of a paginated listing."""
    return base if number == 1 else f"{base}page/{number}/"


def file_for(path: str) -> str:
    """Map a URL path to the output file, relative to the site root."""
    if path.endswith(".html"):
        return path.lstrip("/")
    return (path.lstrip("/") + "index.html") if path != "/" else "index.html"


# --------------------------------------------------------------------------
# Markdown subset
# --------------------------------------------------------------------------

INLINE_RULES = (
    (re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)"), r'<a href="\2">\1</a>'),
    (re.compile(r"\*\*(.+?)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"\*(.+?)\*"), r"<em>\1</em>"),
)
HEADING_ID = re.compile(r"^(.*?)\s*\{#([a-z0-9-]+)\}$")


def render_inline(text: str) -> str:
    """Escape text and apply the inline markup rules."""
    parts = text.split("`")
    if len(parts) % 2 == 0:
        raise ValueError(f"unbalanced backtick in: {text!r}")
    out = []
    for index, part in enumerate(parts):
        escaped = esc(part)
        if index % 2:
            out.append(f"<code>{escaped}</code>")
            continue
        for pattern, replacement in INLINE_RULES:
            escaped = pattern.sub(replacement, escaped)
        out.append(escaped)
    return "".join(out)


def render_heading(text: str) -> str:
    """Render a ``## `` heading, with an optional ``{#id}`` anchor."""
    match = HEADING_ID.match(text)
    anchor = ""
    if match:
        text, anchor = match.group(1), f' id="{match.group(2)}"'
    return f'<h2{anchor} class="wp-block-heading">{render_inline(text)}</h2>'


def render_block(block: str) -> str:
    """Render one blank-line separated block."""
    lines = [line.strip() for line in block.strip().splitlines()]
    if lines[0].startswith("## "):
        if len(lines) != 1:
            raise ValueError(f"heading must be a single line: {block!r}")
        return render_heading(lines[0][3:])
    if all(line.startswith("- ") for line in lines):
        items = "".join(f"<li>{render_inline(line[2:])}</li>" for line in lines)
        return f"<ul>{items}</ul>"
    if all(line.startswith(">") for line in lines):
        quote = " ".join(line[1:].strip() for line in lines)
        return f'<blockquote class="wp-block-quote"><p>{render_inline(quote)}</p></blockquote>'
    return f"<p>{render_inline(' '.join(lines))}</p>"


def render_markdown(text: str) -> str:
    """Render a body written in the Markdown subset to HTML."""
    blocks = [block for block in re.split(r"\n[ \t]*\n", text) if block.strip()]
    return "\n".join(render_block(block) for block in blocks)


# --------------------------------------------------------------------------
# Loading sources
# --------------------------------------------------------------------------


def parse_source(path: Path) -> tuple[dict[str, str], str]:
    """Split a source file into its front matter and body."""
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n\n")
    meta = {}
    for line in head.splitlines():
        key, colon, value = line.partition(":")
        if not colon:
            raise ValueError(f"{path.name}: bad front-matter line {line!r}")
        meta[key.strip()] = value.strip()
    missing = [key for key in REQUIRED_KEYS if key not in meta]
    if missing and path.parent == POSTS_DIR:
        raise ValueError(f"{path.name}: missing {', '.join(missing)}")
    return meta, body


def publish_time(day: date, slug: str, clock_time: str = "") -> datetime:
    """Return the publication time: ``clock_time`` (HH:MM) or one derived from the slug."""
    if clock_time:
        hour, minute = (int(part) for part in clock_time.split(":"))
    else:
        number = stable_number(slug)
        hour, minute = 7 + number % 13, (number // 13) % 12 * 5
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def update_time(published: datetime, slug: str) -> datetime:
    """Derive a stable "last modified" time a little after publication."""
    number = stable_number(slug[::-1])
    return published + timedelta(
        days=number % 21, hours=1 + (number // 21) % 9, minutes=(number // 200) % 60
    )


def validate_meta(name: str, meta: dict[str, str]) -> None:
    """Check a post's front matter against the site's vocabulary."""
    if meta["author"] not in AUTHORS:
        raise ValueError(f"{name}: unknown author {meta['author']!r}")
    categories = split_list(meta["categories"])
    if not 1 <= len(categories) <= 2:
        raise ValueError(f"{name}: a post needs one or two categories")
    unknown = [cat for cat in categories if cat not in CATEGORY_DESCRIPTIONS]
    if unknown:
        raise ValueError(f"{name}: unknown categories {unknown}")
    if len(split_list(meta["tags"])) > MAX_TAGS:
        raise ValueError(f"{name}: too many tags")
    if meta.get("lang", DEFAULT_LANG) not in LANGS:
        raise ValueError(f"{name}: unsupported lang {meta['lang']!r}")


def load_post(path: Path) -> Post:
    """Parse and validate one post source."""
    meta, body = parse_source(path)
    validate_meta(path.name, meta)
    day = date.fromisoformat(meta["date"])
    published = publish_time(day, meta["slug"], meta.get("time", ""))
    return Post(
        title=meta["title"],
        slug=meta["slug"],
        published=published,
        updated=update_time(published, meta["slug"]),
        author=meta["author"],
        categories=split_list(meta["categories"]),
        tags=split_list(meta["tags"]),
        lang=meta.get("lang", DEFAULT_LANG),
        excerpt=meta["excerpt"],
        body_html=render_markdown(body),
    )


def load_posts() -> list[Post]:
    """Load all posts, oldest first, and assign WordPress-like IDs."""
    posts = sorted(
        (load_post(path) for path in sorted(POSTS_DIR.glob("*.md"))),
        key=lambda post: (post.published, post.slug),
    )
    slugs = [post.slug for post in posts]
    days = [post.published.date() for post in posts]
    if len(set(slugs)) != len(slugs) or len(set(days)) != len(days):
        raise ValueError("post slugs and publication days must be unique")
    for index, post in enumerate(posts):
        post.post_id = 10 + 7 * index + stable_number(post.slug) % 5
    return posts


def load_comments(posts: list[Post]) -> None:
    """Attach the comments from ``comments.json`` to their posts."""
    data = json.loads((SRC_DIR / "comments.json").read_text(encoding="utf-8"))
    by_slug = {post.slug: post for post in posts}
    unknown = sorted(set(data) - set(by_slug))
    if unknown:
        raise ValueError(f"comments for unknown posts: {unknown}")
    next_id = FIRST_COMMENT_ID
    for post in posts:
        entries = sorted(data.get(post.slug, []), key=lambda entry: entry["date"])
        for entry in entries:
            when = datetime.fromisoformat(entry["date"]).replace(tzinfo=UTC)
            if when <= post.published:
                raise ValueError(f"comment on {post.slug} predates the post")
            post.comments.append(Comment(next_id, entry["author"], when, entry["text"]))
            next_id += 1


def build_terms(
    kind: str,
    names: list[str],
    posts: list[Post],
    first_id: int,
    pick: Callable[[Post], list[str]],
) -> dict[str, Term]:
    """Group posts (newest first) by category, tag or author name."""
    terms = {}
    for offset, name in enumerate(sorted(set(names), key=str.casefold)):
        members = [post for post in posts if name in pick(post)]
        terms[name] = Term(kind, name, slugify(name), first_id + offset, members)
    return terms


def build_site(posts: list[Post]) -> Site:
    """Assemble the site model from the loaded posts."""
    newest = sorted(posts, key=lambda post: post.published, reverse=True)
    all_cats = [cat for post in posts for cat in post.categories]
    all_tags = [tag for post in posts for tag in post.tags]
    site = Site(
        posts=newest,
        categories=build_terms("category", all_cats, newest, 3, lambda p: p.categories),
        tags=build_terms("tag", all_tags, newest, 20, lambda p: p.tags),
        authors=build_terms("author", list(AUTHORS), newest, 2, lambda p: [p.author]),
    )
    site.sidebar = render_sidebar(site)
    return site


# --------------------------------------------------------------------------
# Document shell: head, header, sidebar, footer
# --------------------------------------------------------------------------


def website_schema() -> list[dict]:
    """Return the JSON-LD nodes shared by every page."""
    return [
        {
            "@type": "WebSite",
            "@id": f"{BASE_URL}/#website",
            "url": f"{BASE_URL}/",
            "name": SITE_NAME,
            "description": TAGLINE,
            "publisher": {"@id": f"{BASE_URL}/#organization"},
            "potentialAction": [
                {
                    "@type": "SearchAction",
                    "target": {
                        "@type": "EntryPoint",
                        "urlTemplate": f"{BASE_URL}/?s={{search_term_string}}",
                    },
                    "query-input": "required name=search_term_string",
                }
            ],
            "inLanguage": DEFAULT_LANG,
        },
        {
            "@type": "Organization",
            "@id": f"{BASE_URL}/#organization",
            "name": SITE_NAME,
            "url": f"{BASE_URL}/",
        },
    ]


def render_inline_assets() -> list[str]:
    """Return the inline style and script blocks WordPress prints in <head>."""
    settings = {
        "baseUrl": "https://s.w.org/images/core/emoji/14.0.0/72x72/",
        "ext": ".png",
        "source": {"concatemoji": f"/wp-includes/js/wp-emoji-release.min.js?ver={WP_VERSION}"},
    }
    return [
        "<script>window._wpemojiSettings = " + json_for_script(settings) + ";\n"
        "(function (w, d) { var s = d.createElement('script');"
        " s.src = w._wpemojiSettings.source.concatemoji; s.defer = true;"
        " d.head.appendChild(s); })(window, document);</script>",
        '<style id="riverside-inline-css">\n'
        ".screen-reader-text{clip:rect(1px,1px,1px,1px);position:absolute!important;"
        "height:1px;width:1px;overflow:hidden}\n"
        ".site-title a{color:#1b4d3e;text-decoration:none}\n"
        '.sd-title:before{content:"\\2014\\00a0";}\n'
        "</style>",
    ]


def render_head(page: Page) -> str:
    """Render the <head> element."""
    url = absolute(page.path)
    lines = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(page.title)}</title>",
        f'<meta name="description" content="{esc(page.description)}">',
    ]
    robots = "noindex, follow" if not page.canonical else "index, follow"
    lines.append(f'<meta name="robots" content="{robots}">')
    if page.canonical:
        lines.append(f'<link rel="canonical" href="{esc(url)}">')
    lines += [
        f'<meta property="og:locale" content="{LANGS[page.lang]}">',
        f'<meta property="og:type" content="{page.og_type}">',
        f'<meta property="og:title" content="{esc(page.headline)}">',
        f'<meta property="og:description" content="{esc(page.description)}">',
        f'<meta property="og:url" content="{esc(url)}">',
        f'<meta property="og:site_name" content="{esc(SITE_NAME)}">',
        *page.extra_meta,
        '<meta name="twitter:card" content="summary_large_image">',
    ]
    graph = {"@context": "https://schema.org", "@graph": website_schema() + page.schema}
    lines.append(
        '<script type="application/ld+json" class="yoast-schema-graph">'
        + json_for_script(graph)
        + "</script>"
    )
    lines += [
        f'<link rel="alternate" type="application/rss+xml" title="{esc(SITE_NAME)} '
        f'&raquo; Feed" href="{BASE_URL}/feed/">',
        *render_inline_assets(),
        f'<link rel="stylesheet" id="riverside-style-css" href="{THEME_DIR}/style.css'
        f'?ver={THEME_VERSION}" media="all">',
        f'<link rel="https://api.w.org/" href="{BASE_URL}/wp-json/">',
        f'<meta name="generator" content="WordPress {WP_VERSION}">',
    ]
    return "<head>\n" + "\n".join(lines) + "\n</head>"


def render_search_form(number: int) -> str:
    """Render a WordPress search form; ``number`` keeps element ids unique."""
    field_id = f"search-form-{number}"
    return (
        f'<form role="search" method="get" class="search-form" action="/">'
        f'<label for="{field_id}"><span class="screen-reader-text">Search for:</span>'
        f'<input type="search" id="{field_id}" class="search-field" '
        f'placeholder="Search &hellip;" value="" name="s"></label>'
        f'<input type="submit" class="search-submit" value="Search"></form>'
    )


def render_primary_menu(site: Site) -> str:
    """Render the primary navigation menu."""
    sub = "".join(
        f'<li class="menu-item menu-item-object-category">'
        f'<a href="{term.path}">{esc(term.name)}</a></li>'
        for term in site.categories.values()
    )
    return (
        '<nav class="primary-menu-wrapper primary-menu" aria-label="Primary">'
        '<ul class="primary-menu reset-list-style">'
        '<li class="menu-item menu-item-home"><a href="/">Home</a></li>'
        '<li class="menu-item menu-item-type-post_type"><a href="/about/">About</a></li>'
        '<li class="menu-item menu-item-has-children"><a href="#">Categories</a>'
        f'<ul class="sub-menu">{sub}</ul></li>'
        '<li class="menu-item"><a href="/about/#contact">Contact</a></li>'
        "</ul></nav>"
    )


def render_header(site: Site, is_home: bool) -> str:
    """Render the site header with title, tagline, menu and search form."""
    tag = "h1" if is_home else "div"
    return (
        '<header id="site-header" class="header-footer-group" role="banner">\n'
        '<div class="header-inner section-inner">\n'
        '<div class="header-titles-wrapper"><div class="header-titles">'
        f'<{tag} class="site-title"><a href="/">{esc(SITE_NAME)}</a></{tag}>'
        f'<div class="site-description">{esc(TAGLINE)}</div></div></div>\n'
        f"{render_primary_menu(site)}\n"
        f'<div class="header-search">{render_search_form(1)}</div>\n'
        "</div>\n</header>"
    )


def widget(widget_id: str, classes: str, title: str, inner: str) -> str:
    """Wrap a sidebar widget."""
    heading = f'<h2 class="widget-title">{esc(title)}</h2>' if title else ""
    return f'<section id="{widget_id}" class="widget {classes}">{heading}{inner}</section>'


def subscription_widget() -> str:
    """Render the Jetpack "Subscribe to Blog via Email" widget."""
    form = (
        '<form action="#" method="post" accept-charset="utf-8" '
        'id="subscribe-blog-blog_subscription-2">'
        '<p id="subscribe-email"><label class="screen-reader-text" '
        'for="subscribe-field-2">Email Address</label>'
        '<input type="email" name="email" required value="" id="subscribe-field-2" '
        'placeholder="Email Address"></p>'
        '<p id="subscribe-submit"><input type="hidden" name="action" value="subscribe">'
        '<button type="submit" name="jetpack_subscriptions_widget">Subscribe</button>'
        "</p></form>"
    )
    text = (
        "<p>Enter your email address to subscribe to this blog and receive "
        "notifications of new posts by email.</p>"
    )
    return widget(
        "blog_subscription-2",
        "jetpack_subscription_widget",
        "Subscribe to Blog via Email",
        text + form,
    )


def tag_cloud_widget(site: Site) -> str:
    """Render the tag cloud, font size scaled by post count."""
    counts = [len(term.posts) for term in site.tags.values()]
    low, high = min(counts), max(counts)
    links = []
    for term in site.tags.values():
        count = len(term.posts)
        size = 8 + (count - low) * 14 / max(high - low, 1)
        items = "item" if count == 1 else "items"
        links.append(
            f'<a href="{term.path}" class="tag-cloud-link tag-link-{term.term_id}" '
            f'style="font-size: {size:.1f}pt;" '
            f'aria-label="{esc(term.name)} ({count} {items})">{esc(term.name)}</a>'
        )
    return widget(
        "tag_cloud-2", "widget_tag_cloud", "Tags", f'<div class="tagcloud">{" ".join(links)}</div>'
    )


def render_sidebar(site: Site) -> str:
    """Render the sidebar, which is identical on every page."""
    recent = "".join(
        f'<li><a href="{post.path}">{esc(post.title)}</a></li>'
        for post in site.posts[:RECENT_COUNT]
    )
    categories = "".join(
        f'<li class="cat-item cat-item-{term.term_id}"><a href="{term.path}">'
        f"{esc(term.name)}</a> ({len(term.posts)})</li>"
        for term in site.categories.values()
    )
    years = sorted({post.published.year for post in site.posts}, reverse=True)
    archives = "".join(
        f'<li><a href="/{year}/">{year}</a>&nbsp;'
        f"({sum(post.published.year == year for post in site.posts)})</li>"
        for year in years
    )
    widgets = [
        widget("search-2", "widget_search", "Search", render_search_form(2)),
        widget("recent-posts-2", "widget_recent_entries", "Recent Posts", f"<ul>{recent}</ul>"),
        subscription_widget(),
        widget("categories-2", "widget_categories", "Categories", f"<ul>{categories}</ul>"),
        widget("archives-2", "widget_archive", "Archives", f"<ul>{archives}</ul>"),
        tag_cloud_widget(site),
        widget(
            "text-2",
            "widget_text",
            "About this blog",
            f'<div class="textwidget"><p>{esc(SITE_ABOUT)}</p></div>',
        ),
    ]
    return (
        '<aside id="secondary" class="widget-area" role="complementary" '
        'aria-label="Sidebar">\n' + "\n".join(widgets) + "\n</aside>"
    )


def render_footer() -> str:
    """Render the site footer and the scripts WordPress prints before </body>."""
    menu = "".join(
        f'<li class="menu-item"><a href="{href}">{label}</a></li>'
        for href, label in (
            ("/about/", "About"),
            ("/about/#contact", "Contact"),
            ("/feed/", "RSS Feed"),
            ("/sitemap.xml", "Sitemap"),
        )
    )
    extra = json_for_script(
        {
            "ajaxUrl": "/wp-admin/admin-ajax.php",
            "i18n": {"close": "Close menu", "searchPlaceholder": "Search …"},
        }
    )
    return (
        '<footer id="colophon" class="site-footer header-footer-group" role="contentinfo">\n'
        f'<nav class="footer-menu-wrapper" aria-label="Footer"><ul class="footer-menu">'
        f"{menu}</ul></nav>\n"
        '<div class="footer-credits">'
        f'<p class="footer-copyright">&copy; {COPYRIGHT_YEARS} '
        f'<a href="/">{esc(SITE_NAME)}</a></p>'
        '<p class="powered-by-wordpress"><a href="https://wordpress.org/">'
        "Proudly powered by WordPress</a></p></div>\n"
        '<a class="to-the-top" href="#site-header">To the top <span aria-hidden="true">'
        "&uarr;</span></a>\n</footer>\n"
        f'<script id="riverside-js-extra">var riversideData = {extra};</script>\n'
        f'<script src="{THEME_DIR}/assets/js/index.js?ver={THEME_VERSION}" '
        'id="riverside-js-js"></script>'
    )


def render_document(site: Site, page: Page, main_html: str) -> str:
    """Wrap a page's main content in the full WordPress document shell."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{page.lang}" class="no-js">\n'
        f"{render_head(page)}\n"
        f'<body class="{page.body_class}">\n'
        '<a class="skip-link screen-reader-text" href="#site-content">'
        "Skip to the content</a>\n"
        f"{render_header(site, page.is_home)}\n"
        '<div id="page" class="site"><div class="content-area">\n'
        f'<main id="site-content" role="main">\n{main_html}\n</main>\n'
        f"{site.sidebar}\n"
        "</div></div>\n"
        f"{render_footer()}\n"
        "</body>\n</html>\n"
    )


# --------------------------------------------------------------------------
# Post fragments shared by single posts and listings
# --------------------------------------------------------------------------


def post_classes(post: Post) -> str:
    """Return the WordPress post_class() string for a post."""
    classes = [
        f"post-{post.post_id}",
        "post",
        "type-post",
        "status-publish",
        "format-standard",
        "hentry",
    ]
    classes += [f"category-{slugify(cat)}" for cat in post.categories]
    classes += [f"tag-{slugify(tag)}" for tag in post.tags]
    return " ".join(classes)


def comments_link_text(count: int) -> str:
    """Return the text of the comments link in the byline."""
    if count == 0:
        return "Leave a comment"
    return "1 Comment" if count == 1 else f"{count} Comments"


def render_post_meta(post: Post) -> str:
    """Render the byline: author, dates and comments link."""
    author_slug = slugify(post.author)
    anchor = "#comments" if post.comments else "#respond"
    return (
        '<div class="post-meta">'
        '<span class="byline">By <span class="author vcard">'
        f'<a class="url fn n" href="/author/{author_slug}/">{esc(post.author)}</a>'
        "</span></span> "
        '<span class="posted-on">'
        f'<time class="entry-date published" datetime="{post.published.isoformat()}">'
        f"{long_date(post.published)}</time>"
        f'<time class="updated" datetime="{post.updated.isoformat()}">'
        f"{long_date(post.updated)}</time></span> "
        f'<span class="comments-link"><a href="{post.path}{anchor}">'
        f"{comments_link_text(len(post.comments))}</a></span>"
        "</div>"
    )


def render_entry_header(post: Post, single: bool) -> str:
    """Render the entry header: categories, title and byline."""
    cats = " ".join(
        f'<a href="/category/{slugify(cat)}/" rel="category tag">{esc(cat)}</a>'
        for cat in post.categories
    )
    if single:
        title = f'<h1 class="entry-title">{esc(post.title)}</h1>'
    else:
        title = (
            f'<h2 class="entry-title heading-size-1"><a href="{post.path}">'
            f"{esc(post.title)}</a></h2>"
        )
    return (
        '<header class="entry-header has-text-align-center">\n'
        '<div class="entry-categories"><span class="screen-reader-text">Categories'
        f'</span><div class="entry-categories-inner">{cats}</div></div>\n'
        f"{title}\n{render_post_meta(post)}\n</header>"
    )


# --------------------------------------------------------------------------
# Single post page
# --------------------------------------------------------------------------


def render_share(post: Post) -> str:
    """Render the Jetpack sharing and likes blocks."""
    services = (
        ("facebook", "Facebook", "Click to share on Facebook"),
        ("x", "X", "Click to share on X"),
        ("email", "Email", "Click to email a link to a friend"),
    )
    items = "".join(
        f'<li class="share-{key}"><a rel="nofollow noopener noreferrer" '
        f'data-shared="sharing-{key}-{post.post_id}" class="share-{key} sd-button '
        f'share-icon" href="{esc(absolute(post.path))}?share={key}&amp;nb=1" '
        f'target="_blank" title="{title}"><span>{label}</span></a></li>'
        for key, label, title in services
    )
    return (
        '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent '
        'sd-block sd-social sd-social-icon-text sd-sharing">'
        '<h3 class="sd-title">Share This</h3><div class="sd-content"><ul>'
        f'{items}<li class="share-end"></li></ul></div></div></div>\n'
        '<div class="sharedaddy sd-block sd-like jetpack-likes-widget-wrapper">'
        '<h3 class="sd-title">Like this:</h3><div class="likes-widget-placeholder">'
        '<span class="button"><span>Like</span></span> '
        '<span class="loading">Loading&hellip;</span></div></div>'
    )


def render_tags_line(post: Post) -> str:
    """Render the "Tagged ..." line, or nothing for an untagged post."""
    if not post.tags:
        return ""
    links = ", ".join(
        f'<a href="/tag/{slugify(tag)}/" rel="tag">{esc(tag)}</a>' for tag in post.tags
    )
    return (
        f'<div class="tags-links"><span class="screen-reader-text">Tags</span>Tagged {links}</div>'
    )


def render_author_bio(post: Post) -> str:
    """Render the author box shown under every post."""
    slug = slugify(post.author)
    return (
        '<div class="author-bio"><div class="author-title-wrapper">'
        f'<div class="author-avatar vcard"><img alt="" src="{esc(avatar_url(post.author, 160))}" '
        'class="avatar avatar-160 photo" height="160" width="160" loading="lazy"></div>'
        f'<h2 class="author-title heading-size-4">Written by {esc(post.author)}</h2></div>'
        f'<p class="author-description">{esc(AUTHORS[post.author])}</p>'
        f'<a class="author-link" href="/author/{slug}/" rel="author">View all posts by '
        f'{esc(post.author)} <span aria-hidden="true">&rarr;</span></a></div>'
    )


def render_post_navigation(older: Post | None, newer: Post | None) -> str:
    """Render the previous/next post links."""
    parts = []
    for css, rel, label, target in (
        ("nav-previous", "prev", "Previous post:", older),
        ("nav-next", "next", "Next post:", newer),
    ):
        if target is not None:
            parts.append(
                f'<div class="{css}"><a href="{target.path}" rel="{rel}">'
                f'<span class="meta-nav">{label}</span> '
                f'<span class="post-title">{esc(target.title)}</span></a></div>'
            )
    return (
        '<nav class="navigation post-navigation" aria-label="Posts">'
        '<h2 class="screen-reader-text">Post navigation</h2>'
        f'<div class="nav-links">{"".join(parts)}</div></nav>'
    )


def related_posts(post: Post, posts: list[Post]) -> list[Post]:
    """Pick related posts by shared tags and categories, then closeness in time."""

    def rank(other: Post) -> tuple[int, int, str]:
        shared_tags = len(set(post.tags) & set(other.tags))
        shared_cats = len(set(post.categories) & set(other.categories))
        distance = abs((other.published - post.published).days)
        return (-(3 * shared_tags + 2 * shared_cats), distance, other.slug)

    return sorted((other for other in posts if other is not post), key=rank)[:RELATED_COUNT]


def render_related_item(other: Post, index: int) -> str:
    """Render one entry of the related posts block."""
    context = esc(f'In "{other.categories[0]}"')
    return (
        f'<p class="jp-relatedposts-post jp-relatedposts-post{index}" '
        f'data-post-id="{other.post_id}"><span class="jp-relatedposts-post-title">'
        f'<a class="jp-relatedposts-post-a" href="{other.path}" rel="nofollow" '
        f'data-position="{index}">{esc(other.title)}</a></span> '
        f'<span class="jp-relatedposts-post-date">{long_date(other.published)}</span> '
        f'<span class="jp-relatedposts-post-context">{context}</span></p>'
    )


def render_related(post: Post, posts: list[Post]) -> str:
    """Render the Jetpack "Related posts" block."""
    items = "".join(
        render_related_item(other, index) for index, other in enumerate(related_posts(post, posts))
    )
    return (
        '<div id="jp-relatedposts" class="jp-relatedposts">'
        '<h3 class="jp-relatedposts-headline"><em>Related posts</em></h3>'
        f'<div class="jp-relatedposts-items jp-relatedposts-items-minimal">{items}'
        "</div></div>"
    )


def render_comment(post: Post, comment: Comment, index: int) -> str:
    """Render one comment as an <li> of the comment list."""
    parity = "even" if index % 2 == 0 else "odd"
    classes = f"comment {parity} thread-{parity} depth-1"
    badge = ""
    if comment.author == post.author:
        classes += f" byuser comment-author-{slugify(comment.author)} bypostauthor"
        badge = ' <span class="by-post-author">Post author</span>'
    cid = comment.comment_id
    return (
        f'<li id="comment-{cid}" class="{classes}">'
        f'<article id="div-comment-{cid}" class="comment-body">'
        '<footer class="comment-meta"><div class="comment-author vcard">'
        f'<img alt="" src="{esc(avatar_url(comment.author, 50))}" '
        'class="avatar avatar-50 photo" height="50" width="50" loading="lazy">'
        f'<b class="fn">{esc(comment.author)}</b> <span class="says">says:</span>'
        f"{badge}</div>"
        f'<div class="comment-metadata"><a href="{post.path}#comment-{cid}">'
        f'<time datetime="{comment.when.isoformat()}">{long_date(comment.when)} at '
        f"{clock(comment.when)}</time></a></div></footer>"
        f'<div class="comment-content"><p>{esc(comment.text)}</p></div>'
        f'<div class="reply"><a rel="nofollow" class="comment-reply-link" '
        f'href="{post.path}?replytocom={cid}#respond" data-commentid="{cid}" '
        f'data-postid="{post.post_id}" aria-label="Reply to {esc(comment.author)}">'
        "Reply</a></div></article></li>"
    )


def render_comment_form(post_id: int) -> str:
    """Render the "Leave a Reply" comment form."""
    fields = "".join(
        f'<p class="comment-form-{name}"><label for="{name}">{label}</label> '
        f'<input id="{name}" name="{name}" type="{kind}" value="" size="30"></p>'
        for name, label, kind in (
            ("author", "Name", "text"),
            ("email", "Email", "email"),
            ("url", "Website", "url"),
        )
    )
    return (
        '<div id="respond" class="comment-respond">'
        '<h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>'
        '<form action="/wp-comments-post.php" method="post" id="commentform" '
        'class="comment-form" novalidate>'
        '<p class="comment-notes"><span id="email-notes">Your email address will not '
        "be published.</span> Required fields are marked "
        '<span class="required">*</span></p>'
        '<p class="comment-form-comment"><label for="comment">Comment '
        '<span class="required">*</span></label> <textarea id="comment" name="comment" '
        'cols="45" rows="8" maxlength="65525" required></textarea></p>'
        f"{fields}"
        '<p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" '
        'name="wp-comment-cookies-consent" type="checkbox" value="yes"> '
        '<label for="wp-comment-cookies-consent">Save my name, email, and website in '
        "this browser for the next time I comment.</label></p>"
        '<p class="form-submit"><input name="submit" type="submit" id="submit" '
        'class="submit" value="Post Comment"> <input type="hidden" '
        f'name="comment_post_ID" value="{post_id}" id="comment_post_ID"></p>'
        "</form></div>"
    )


def render_comments(post: Post) -> str:
    """Render the comments area: existing comments and the reply form."""
    parts = ['<div id="comments" class="comments-area">']
    count = len(post.comments)
    if count:
        prefix = "One thought" if count == 1 else f"{count} thoughts"
        heading = f"{prefix} on “{post.title}”"
        items = "\n".join(
            render_comment(post, comment, index) for index, comment in enumerate(post.comments)
        )
        parts.append(f'<h2 class="comments-title">{esc(heading)}</h2>')
        parts.append(f'<ol class="comment-list">\n{items}\n</ol>')
    parts.append(render_comment_form(post.post_id))
    parts.append("</div>")
    return "\n".join(parts)


def post_schema(post: Post) -> list[dict]:
    """Return the JSON-LD nodes for a single post."""
    url = absolute(post.path)
    author_slug = slugify(post.author)
    words = len(re.sub(r"<[^>]+>", " ", post.body_html).split())
    article = {
        "@type": "BlogPosting",
        "@id": f"{url}#article",
        "isPartOf": {"@id": url},
        "mainEntityOfPage": {"@id": url},
        "headline": post.title,
        "datePublished": post.published.isoformat(),
        "dateModified": post.updated.isoformat(),
        "author": {
            "@type": "Person",
            "@id": f"{BASE_URL}/#/schema/person/{author_slug}",
            "name": post.author,
            "url": f"{BASE_URL}/author/{author_slug}/",
        },
        "publisher": {"@id": f"{BASE_URL}/#organization"},
        "wordCount": words,
        "commentCount": len(post.comments),
        "articleSection": post.categories,
        "inLanguage": post.lang,
    }
    if post.tags:
        article["keywords"] = post.tags
    webpage = {
        "@type": "WebPage",
        "@id": url,
        "url": url,
        "name": f"{post.title} – {SITE_NAME}",
        "isPartOf": {"@id": f"{BASE_URL}/#website"},
        "datePublished": post.published.isoformat(),
        "dateModified": post.updated.isoformat(),
        "inLanguage": post.lang,
    }
    return [webpage, article]


def post_page(post: Post) -> Page:
    """Return the page metadata of a single post."""
    body_class = (
        f"post-template-default single single-post postid-{post.post_id} "
        "single-format-standard singular missing-post-thumbnail show-avatars"
    )
    if post.comments:
        body_class += " showing-comments"
    extra = [
        f'<meta property="article:published_time" content="{post.published.isoformat()}">',
        f'<meta property="article:modified_time" content="{post.updated.isoformat()}">',
        f'<meta name="author" content="{esc(post.author)}">',
        '<meta name="twitter:label1" content="Written by">',
        f'<meta name="twitter:data1" content="{esc(post.author)}">',
    ]
    return Page(
        path=post.path,
        title=f"{post.title} – {SITE_NAME}",
        headline=post.title,
        description=post.excerpt,
        body_class=body_class,
        lang=post.lang,
        og_type="article",
        extra_meta=extra,
        schema=post_schema(post),
    )


def render_post_main(post: Post, site: Site, older: Post | None, newer: Post | None) -> str:
    """Render the <main> content of a single post."""
    return (
        f'<article class="{post_classes(post)}" id="post-{post.post_id}">\n'
        f"{render_entry_header(post, single=True)}\n"
        '<div class="post-inner thin"><div class="entry-content">\n'
        f"{post.body_html}\n"
        "</div></div>\n"
        f"{render_share(post)}\n"
        f"{render_tags_line(post)}\n"
        f"{render_author_bio(post)}\n"
        f"{render_post_navigation(older, newer)}\n"
        f"{render_related(post, site.posts)}\n"
        f"{render_comments(post)}\n"
        "</article>"
    )


# --------------------------------------------------------------------------
# Listings: home, archives
# --------------------------------------------------------------------------


def render_excerpt(post: Post) -> str:
    """Render a post summary as shown on listing pages."""
    return (
        f'<article class="{post_classes(post)}" id="post-{post.post_id}">\n'
        f"{render_entry_header(post, single=False)}\n"
        '<div class="post-inner thin"><div class="entry-content">'
        f"<p>{esc(post.excerpt)}</p>"
        f'<div class="more-link-wrapper"><a class="more-link" href="{post.path}">'
        f'Continue reading <span class="screen-reader-text">{esc(post.title)}</span>'
        "</a></div></div></div>\n</article>\n"
        '<hr class="post-separator styled-separator is-style-wide section-inner" '
        'aria-hidden="true">'
    )


def render_pagination(base: str, current: int, total: int) -> str:
    """Render numbered pagination links, or nothing for a single page."""
    if total == 1:
        return ""
    links = []
    if current > 1:
        links.append(
            f'<a class="prev page-numbers" href="{page_path(base, current - 1)}">'
            "&larr; Newer Posts</a>"
        )
    for number in range(1, total + 1):
        if number == current:
            links.append(f'<span aria-current="page" class="page-numbers current">{number}</span>')
        else:
            links.append(f'<a class="page-numbers" href="{page_path(base, number)}">{number}</a>')
    if current < total:
        links.append(
            f'<a class="next page-numbers" href="{page_path(base, current + 1)}">'
            "Older Posts &rarr;</a>"
        )
    return (
        '<nav class="navigation pagination" aria-label="Posts">'
        '<h2 class="screen-reader-text">Posts navigation</h2>'
        f'<div class="nav-links">{" ".join(links)}</div></nav>'
    )


def render_archive_header(label: str, name: str, description: str) -> str:
    """Render the heading block of an archive page."""
    subtitle = (
        f'<div class="archive-subtitle section-inner thin max-percentage intro-text">'
        f"<p>{esc(description)}</p></div>"
        if description
        else ""
    )
    return (
        '<header class="archive-header has-text-align-center header-footer-group">'
        '<div class="archive-header-inner section-inner medium">'
        f'<h1 class="archive-title"><span class="color-accent">{esc(label)}:</span> '
        f"{esc(name)}</h1>{subtitle}</div></header>"
    )


@dataclass
class Listing:
    """A paginated list of posts: the home page or an archive."""

    base: str
    posts: list[Post]
    label: str
    headline: str
    description: str
    body_class: str
    header_html: str = ""
    is_home: bool = False


def listing_title(listing: Listing, number: int, total: int) -> str:
    """Return the <title> of one page of a listing."""
    if listing.is_home:
        return f"{SITE_NAME} – {TAGLINE}" if number == 1 else f"Page {number} – {SITE_NAME}"
    suffix = "" if number == 1 else f" – Page {number} of {total}"
    return f"{listing.label}{suffix} – {SITE_NAME}"


def render_listing(site: Site, listing: Listing) -> list[tuple[str, str]]:
    """Render every page of a listing; return (path, html) pairs."""
    chunks = [
        listing.posts[start : start + PER_PAGE] for start in range(0, len(listing.posts), PER_PAGE)
    ]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        path = page_path(listing.base, number)
        body_class = listing.body_class
        if number > 1:
            body_class += f" paged paged-{number}"
        page = Page(
            path=path,
            title=listing_title(listing, number, len(chunks)),
            headline=listing.headline,
            description=listing.description,
            body_class=body_class,
            is_home=listing.is_home and number == 1,
            schema=[
                {
                    "@type": "CollectionPage",
                    "@id": absolute(path),
                    "url": absolute(path),
                    "name": listing_title(listing, number, len(chunks)),
                    "isPartOf": {"@id": f"{BASE_URL}/#website"},
                    "inLanguage": DEFAULT_LANG,
                }
            ],
        )
        main = "\n".join(
            part
            for part in (
                listing.header_html,
                "\n".join(render_excerpt(post) for post in chunk),
                render_pagination(listing.base, number, len(chunks)),
            )
            if part
        )
        pages.append((path, render_document(site, page, main)))
    return pages


def term_listing(term: Term) -> Listing:
    """Describe the archive listing of a category, tag or author."""
    if term.kind == "category":
        label, description = "Category", CATEGORY_DESCRIPTIONS[term.name]
        title = f"{term.name} Archives"
        body = f"archive category category-{term.slug} category-{term.term_id}"
    elif term.kind == "tag":
        label, description = "Tag", f"Posts tagged “{term.name}” on {SITE_NAME}."
        title = f"{term.name} Archives"
        body = f"archive tag tag-{term.slug} tag-{term.term_id}"
    else:
        label, description = "Author", AUTHORS[term.name]
        title = f"Posts by {term.name}"
        body = f"archive author author-{term.slug} author-{term.term_id}"
    return Listing(
        base=term.path,
        posts=term.posts,
        label=title,
        headline=f"{term.name} Archives",
        description=description,
        body_class=body,
        header_html=render_archive_header(label, term.name, description),
    )


def all_listings(site: Site) -> list[Listing]:
    """Return the home page and every archive listing."""
    listings = [
        Listing(
            base="/",
            posts=site.posts,
            label="",
            headline=SITE_NAME,
            description=TAGLINE,
            body_class="home blog",
            is_home=True,
        )
    ]
    for terms in (site.categories, site.tags, site.authors):
        listings += [term_listing(term) for term in terms.values()]
    for year in sorted({post.published.year for post in site.posts}):
        listings.append(
            Listing(
                base=f"/{year}/",
                posts=[post for post in site.posts if post.published.year == year],
                label=f"{year} Archives",
                headline=f"{year} Archives",
                description=f"Everything published on {SITE_NAME} in {year}.",
                body_class="archive date",
                header_html=render_archive_header("Year", str(year), ""),
            )
        )
    return listings


# --------------------------------------------------------------------------
# About page and 404
# --------------------------------------------------------------------------


def render_about(site: Site) -> tuple[str, str]:
    """Render the About page, a WordPress "page" rather than a post."""
    meta, body = parse_source(SRC_DIR / "about.md")
    page = Page(
        path="/about/",
        title=f"{meta['title']} – {SITE_NAME}",
        headline=meta["title"],
        description=meta["excerpt"],
        body_class=f"page-template-default page page-id-{ABOUT_PAGE_ID} singular",
        schema=[
            {
                "@type": "WebPage",
                "@id": absolute("/about/"),
                "url": absolute("/about/"),
                "name": f"{meta['title']} – {SITE_NAME}",
                "isPartOf": {"@id": f"{BASE_URL}/#website"},
                "inLanguage": DEFAULT_LANG,
            }
        ],
    )
    main = (
        f'<article class="post-{ABOUT_PAGE_ID} page type-page status-publish hentry" '
        f'id="post-{ABOUT_PAGE_ID}">\n'
        '<header class="entry-header has-text-align-center">'
        f'<h1 class="entry-title">{esc(meta["title"])}</h1></header>\n'
        '<div class="post-inner thin"><div class="entry-content">\n'
        f"{render_markdown(body)}\n</div></div>\n</article>"
    )
    return page.path, render_document(site, page, main)


def render_not_found(site: Site) -> tuple[str, str]:
    """Render the 404 page."""
    page = Page(
        path="/404.html",
        title=f"Page not found – {SITE_NAME}",
        headline="Page not found",
        description="Page not found",
        body_class="error404",
        canonical=False,
    )
    main = (
        '<div class="section-inner thin error404-content">'
        '<h1 class="entry-title">Page not found</h1>'
        '<div class="intro-text"><p>The page you were looking for could not be found. '
        "It might have been removed, renamed, or did not exist in the first place."
        f"</p></div>{render_search_form(3)}</div>"
    )
    return page.path, render_document(site, page, main)


# --------------------------------------------------------------------------
# Feed, sitemap and stylesheet
# --------------------------------------------------------------------------


def render_feed_item(post: Post) -> str:
    """Render one RSS <item>."""
    categories = "".join(
        f"<category>{esc(name)}</category>" for name in post.categories + post.tags
    )
    return (
        "<item>\n"
        f"<title>{esc(post.title)}</title>\n"
        f"<link>{absolute(post.path)}</link>\n"
        f"<dc:creator>{esc(post.author)}</dc:creator>\n"
        f"<pubDate>{format_datetime(post.published)}</pubDate>\n"
        f"{categories}\n"
        f'<guid isPermaLink="false">{BASE_URL}/?p={post.post_id}</guid>\n'
        f"<description>{esc(post.excerpt)}</description>\n"
        f"<content:encoded><![CDATA[{post.body_html}]]></content:encoded>\n"
        f"<slash:comments>{len(post.comments)}</slash:comments>\n"
        "</item>"
    )


def render_feed(site: Site) -> str:
    """Render the RSS 2.0 feed of the latest posts."""
    latest = site.posts[:FEED_COUNT]
    build_date = max(post.updated for post in site.posts)
    items = "\n".join(render_feed_item(post) for post in latest)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:slash="http://purl.org/rss/1.0/modules/slash/">\n<channel>\n'
        f"<title>{esc(SITE_NAME)}</title>\n"
        f'<atom:link href="{BASE_URL}/feed/" rel="self" type="application/rss+xml"/>\n'
        f"<link>{BASE_URL}/</link>\n"
        f"<description>{esc(TAGLINE)}</description>\n"
        f"<lastBuildDate>{format_datetime(build_date)}</lastBuildDate>\n"
        f"<language>{DEFAULT_LANG}</language>\n"
        f"<generator>https://wordpress.org/?v={WP_VERSION}</generator>\n"
        f"{items}\n</channel>\n</rss>\n"
    )


def render_sitemap(site: Site) -> str:
    """Render sitemap.xml listing every post with its last modification."""
    urls = "\n".join(
        f"<url><loc>{absolute(post.path)}</loc><lastmod>{post.updated.isoformat()}</lastmod></url>"
        for post in site.posts
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}\n</urlset>\n"
    )


STYLESHEET = """/*
Theme Name: Riverside
Description: Demo theme for the postsearch test site (modelled on Twenty Twenty).
Version: 1.4
License: CC0-1.0
*/
body { font-family: Georgia, serif; margin: 0; color: #1f2a24; }
.content-area { display: flex; gap: 2rem; max-width: 70rem; margin: 0 auto; }
#site-content { flex: 3; }
#secondary { flex: 1; font-size: 0.9rem; }
.entry-title a, .site-title a { color: inherit; }
.screen-reader-text { position: absolute; left: -9999px; }
"""


# --------------------------------------------------------------------------
# Writing the site
# --------------------------------------------------------------------------


def write_output(relative: str, text: str) -> None:
    """Write one output file below the site root."""
    target = OUT_DIR / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="\n")


def render_post_pages(site: Site) -> list[tuple[str, str]]:
    """Render every single-post page; return (path, html) pairs."""
    oldest_first = list(reversed(site.posts))
    pages = []
    for index, post in enumerate(oldest_first):
        older = oldest_first[index - 1] if index > 0 else None
        newer = oldest_first[index + 1] if index + 1 < len(oldest_first) else None
        main = render_post_main(post, site, older, newer)
        pages.append((post.path, render_document(site, post_page(post), main)))
    return pages


def write_expected(
    post_pages: list[tuple[str, str]],
    static_pages: list[tuple[str, str]],
    other_pages: list[tuple[str, str]],
) -> None:
    """Record which generated HTML files are posts, static pages, and neither."""
    expected = {
        "posts": sorted(path for path, _ in post_pages),
        "pages": sorted(path for path, _ in static_pages),
        "nonposts": sorted(file_for(path) for path, _ in other_pages),
    }
    EXPECTED_FILE.write_text(json.dumps(expected, indent=2) + "\n", encoding="utf-8", newline="\n")


def main() -> None:
    """Regenerate the whole demo site."""
    posts = load_posts()
    load_comments(posts)
    site = build_site(posts)
    post_pages = render_post_pages(site)
    static_pages = [render_about(site)]
    other_pages = [render_not_found(site)]
    for listing in all_listings(site):
        other_pages += render_listing(site, listing)
    if OUT_DIR.exists():
        shutil.rmtree(OUT_DIR)
    for path, text in post_pages + static_pages + other_pages:
        write_output(file_for(path), text)
    write_output("feed/index.xml", render_feed(site))
    write_output("sitemap.xml", render_sitemap(site))
    write_output("wp-content/themes/riverside/style.css", STYLESHEET)
    write_expected(post_pages, static_pages, other_pages)
    print(
        f"{len(post_pages)} posts, {len(static_pages) + len(other_pages)} other pages -> {OUT_DIR}"
    )


if __name__ == "__main__":
    main()
