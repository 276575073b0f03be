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

# Words in a class or id (split at "-" and "_") that name chrome wherever they appear
# ("^word": only as the first word),
# for themes whose exact class names no list can foresee ("content-replies",
# "post-share-bar", "yarpp-related-widget"). A match holding most of the body is kept.
CHROME_NAME_WORDS: dict[str, frozenset[str]] = {
    "comments": frozenset(
        "comments commentlist comment-list replies respond disqus trackbacks pingbacks".split()
    ),
    "sharing": frozenset("share sharing sharedaddy addtoany a2a social socials".split()),
    "related posts": frozenset("related yarpp recommended".split()),
    "author box": frozenset("authorbox author-bio".split()),
    "navigation": frozenset("breadcrumb breadcrumbs pagination pager navigation".split()),
    "subscription and ads": frozenset(
        "newsletter subscribe subscription signup advert advertisement ads promo sponsor "
        "sponsored affiliate disclosure disclaimer copyright".split()
    ),
    # Page builders wrap the post itself in "elementor-widget": only a leading word counts.
    "sidebars and widgets": frozenset("^sidebar ^widget ^widgets".split()),
    "captions": frozenset("caption captions credit credits".split()),
    "notices": frozenset("cookie cookies consent gdpr paywall".split()),
}

# Headings that open a chrome section: the block they head is removed, or, when they head
# nothing smaller than the body, everything after them (which must be shorter than the
# text before). Lower-case, whitespace collapsed, trailing ":" dropped.
CHROME_HEADINGS: dict[str, str] = {
    "comments": (
        r"(\d+ |no |one |two |\w+ )?(comments?|responses?|replies|reactions|trackbacks?|pingbacks?)"
        r"( \(\d+\))?( so far)?|your (replies|comments)|(leave|post|add|write|submit) an? "
        r"(reply|comment|response)|(\w+ )?(thoughts?|responses?|comments?|replies) (on|to) .*"
        r"|join the discussion|comments are closed\.?|what do you think\??"
    ),
    "related posts": (
        r"related( posts| articles| stories| reading| content)?|(you )?(may|might) also "
        r"(like|enjoy)|more (posts|stories|articles) from .*|recommended( for you)?"
        r"|read (more|next)"
        r"|more from .*|(most )?popular( posts| articles| stories| videos| now)?|recent posts"
        r"|most (read|viewed|shared|popular .*)|top (stories|videos?|news)|trending( now)?"
        r"|(more|latest|related) (news|headlines|videos)( from .*)?|editor'?s'? picks"
        r"|don'?t miss|in pictures|read (also|this next)|see also|also read|keep reading"
    ),
    "sharing": r"share( this)?( post| article| story| page)?|like this|spread the word",
    "author box": r"about the author|about (\w+ ){0,2}author",
    # The same sections in the other languages the stemmers cover most often.
    "comments, other languages": (
        r"(\d+ )?(kommentare?|commentaires?|comentarios?|commenti|reacties|kommentarer)"
        r"( \(\d+\))?|(deja|dejar|escribe) un comentario|laisser un commentaire"
        r"|lascia un commento|schreibe einen kommentar|deixe um comentário"
    ),
    "related posts, other languages": (
        r"mehr zum thema|das könnte sie auch interessieren|ähnliche (artikel|beiträge)"
        r"|weitere (artikel|beiträge|nachrichten)|verwandte (artikel|beiträge)"
        r"|sur le même sujet|à lire aussi|(articles|publications) similaires|lire aussi"
        r"|(artículos|entradas|publicaciones) relacionad[ao]s|(también )?te puede interesar"
        r"|(você|voce) (pode|também pode) gostar.*|leia também|veja também|artigos relacionados"
        r"|articoli correlati|potrebbe interessarti|gerelateerde (artikelen|berichten)"
    ),
}

# Whole short lines that are chrome wherever they stand (last lines of comment forms,
# "back to top" links), lower-case, whitespace collapsed.
CHROME_LINES = (
    r"(return|back|go|jump) to (the )?top|comments are closed\.?|skip to (comment|content).*"
    r"|(leave|post) a (reply|comment)|you must be logged in to post a comment\.?"
    r"|comments (are )?(closed|disabled)\.?|\d+ comments?|no comments( yet)?\.?"
)

# URL path words naming the archive of a taxonomy term ("/category/garden/", "/tags/x/",
# Blogger's "/search/label/x"), by kind, in the languages themes are translated into.
TAXONOMY_PATHS: dict[str, str] = {
    "category": (
        "category categories cat categorie categorieen categoria categorias kategorie "
        "kategorien kategoria kategorier kategori rubrique rubriques rubrik rubriken rubrica"
    ),
    "tag": (
        "tag tags tagged label labels topic topics schlagwort schlagworte stichwort stichworte "
        "etiqueta etiquetas etichetta etichette etiquette etiquettes trefwoord emneord"
    ),
}
# Query keys of the same archives on sites without pretty permalinks ("/?cat=12").
TAXONOMY_QUERY_KEYS: dict[str, str] = {"cat": "category", "category_name": "category", "tag": "tag"}

# Elements that are never the post's container, nor hold it.
CHROME_TAGS = frozenset(("footer", "aside", "nav", "header", "form"))

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
    # Captions and photo credits describe a picture, not the post (the article benchmark's
    # gold leaves them out; a search for the post's words should not hit them).
    "captions": ("figcaption", ".wp-caption-text", ".caption", ".image-caption", ".credit"),
    "tables of contents": ("#toc_container", ".ez-toc-container", ".table-of-contents"),
    "page chrome": ("#colophon", ".site-footer", ".site-header", "#masthead"),
}
