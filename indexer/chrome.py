"""Chrome-stripping rules, as data: where a post's body lives and what around it is not body.

Grouped by concept so a new theme's quirk is one line in the right list, not a new branch
in code (the approach of Pagefind's REMOVE_SELECTORS and trafilatura's xpaths). The
Pagefind attributes `data-pagefind-body` and `data-pagefind-ignore` are honoured, so a site
already marked up for Pagefind is read the way its maintainer meant.
"""

from __future__ import annotations

# Where the post's own content lives, most specific first. The first selector that matches
# wins; among its matches the one with the most text is taken.
CONTENT_SELECTORS: tuple[str, ...] = (
    "[data-pagefind-body]",
    "[itemprop=articleBody]",
    ".entry-content",
    ".post-content",
    ".post-body",
    ".article-content",
    ".article-body",
    ".entry-body",
    ".post-entry",
    ".blog-post-content",
    "article",
    "[role=main]",
    "main",
    "#content",
    "#main",
    ".content",
)

# Never text, wherever they are.
INVISIBLE = ("script", "style", "noscript", "template", "svg", "iframe", "object", "canvas")

# Chrome that themes and plugins put inside or next to the post body, by concept.
CHROME_SELECTORS: dict[str, tuple[str, ...]] = {
    "marked by the site": ("[data-pagefind-ignore]", "[hidden]"),
    "forms and controls": ("form", "button", "input", "select", "textarea"),
    "navigation": (
        "nav",
        "[role=navigation]",
        ".post-navigation",
        ".navigation",
        ".nav-links",
        ".pagination",
        ".page-links",
        ".breadcrumbs",
        ".breadcrumb",
        ".skip-link",
    ),
    "sharing": (
        ".sharedaddy",
        ".sd-sharing",
        ".share-buttons",
        ".social-share",
        ".sharing",
        ".share-links",
        ".addtoany_share_save_container",
        ".a2a_kit",
        ".jp-sharing-input-touch",
        ".wp-block-jetpack-sharing-buttons",
    ),
    "related posts": (
        ".jp-relatedposts",
        ".related-posts",
        ".yarpp-related",
        ".related",
        ".crp_related",
    ),
    "author box": (
        ".author-bio",
        ".author-box",
        ".about-author",
        ".author-info",
        ".saboxplugin-wrap",
        ".author-description",
    ),
    "comments": (
        "#comments",
        ".comments-area",
        ".comment-respond",
        "#respond",
        ".comment-list",
        ".commentlist",
        "#disqus_thread",
    ),
    "post header and meta": (
        ".entry-header",
        ".entry-meta",
        ".entry-footer",
        ".post-meta",
        ".byline",
        ".cat-links",
        ".tags-links",
        ".entry-title",
        ".post-title",
    ),
    "sidebars and widgets": (
        "#secondary",
        "#sidebar",
        ".sidebar",
        ".widget-area",
        ".widget",
        "[role=complementary]",
    ),
    "subscription and ads": (
        ".jetpack_subscription_widget",
        ".newsletter-signup",
        ".advertisement",
        ".adsbygoogle",
    ),
    "tables of contents": ("#toc_container", ".ez-toc-container", ".table-of-contents"),
    "page chrome": ("#colophon", ".site-footer", ".site-header", "#masthead"),
}
