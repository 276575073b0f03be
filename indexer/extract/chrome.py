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
# ("^word": only as the first word; "word*" and "*word": any word it begins or ends, for
# run-together names such as "cookiebar" and "entryfooter"),
# for themes whose exact class names no list can foresee ("content-replies",
# "post-share-bar", "yarpp-related-widget"). A match holding most of the body is kept.
CHROME_NAME_WORDS: dict[str, frozenset[str]] = {
    "comments": frozenset(
        "comments commentlist comment-list replies respond disqus trackbacks pingbacks".split()
    ),
    "customer reviews": frozenset("reviews".split()),
    "sharing": frozenset("share sharing sharedaddy addtoany a2a social socials".split()),
    "related posts": frozenset(
        "related yarpp recommended recommendation recommendations upsell crosssell "
        "affiliatelinks".split()
    ),
    # A teaser that links to another page; one without a link is the post's own lead.
    "teasers": frozenset("teaser teasers *teaser *teasers".split()),
    "term lists": frozenset("tags taglist tagcloud".split()),
    "announcements": frozenset("notice notices".split()),
    "author box": frozenset("authorbox author-bio".split()),
    "navigation": frozenset(
        "breadcrumb breadcrumbs pagination pager navigation navbar prev previous".split()
    ),
    "controls": frozenset("button buttons btn icon icons toolbar rating ratings".split()),
    "page chrome": frozenset("footer masthead topbar *footer".split()),
    "subscription and ads": frozenset(
        "newsletter subscribe subscription signup advert advertisement ads promo sponsor "
        "sponsored affiliate disclosure disclaimer copyright buybox".split()
    ),
    # Page builders wrap the post itself in "elementor-widget": only a leading word counts.
    "sidebars and widgets": frozenset("^sidebar ^widget ^widgets".split()),
    "captions": frozenset("caption captions credit credits legend".split()),
    # The post's date, author and terms: read as metadata, never as the body's words.
    "post metadata": frozenset("meta metadata postmeta postmetadata entrymeta".split()),
    "notices": frozenset("cookie cookies consent gdpr cookie* gdpr*".split()),
    "overlays": frozenset(
        "paywall modal dialog popup overlay lightbox login registration pop-up".split()
    ),
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
    "newsletter and support": (
        r"(sign up|subscribe)( to| for)? .*newsletter.*|newsletter|subscribe( to .*)?"
        r"|follow us( on .*)?|(support|donate to) .*|become a (member|supporter)"
        r"|(did you )?(like|enjoy) (this|it)\?.*|like it\? share it!?"
    ),
    "tags and topics": (
        r"(tags?|topics?|keywords?|categories|filed under)|schlagw[oö]rte?( zum thema)?"
        r"|stichw[oö]rter?|mots[- ]cl[ée]s|etiquetas|palabras clave|parole chiave|tagi"
    ),
    "tables of contents": (
        r"(table of )?contents|inhaltsverzeichnis|inhalt|sommaire|índice|indice|spis treści"
    ),
    "sources and notes": (
        r"quellen(angaben)?|quellenverzeichnis|originalpublikation|zusatzinformationen"
        r"|literatur|references|sources|further reading|notes"
    ),
    "further": r"explore further|further information|more information|contact",
    # The same sections in the other languages the stemmers cover most often.
    "comments, other languages": (
        r"(\d+ )?(kommentare?|commentaires?|comentarios?|commenti|reacties|kommentarer"
        r"|komentarze?|kommentit)( \(\d+\))?|(deja|dejar|escribe) un comentario"
        r"|laisser un commentaire|lascia un commento|schreibe einen kommentar|deixe um comentário"
        r"|kommentieren( sie)?|(ihre|deine) meinung( zu diesem thema)?|diskussion"
        r"|diskutieren sie mit"
    ),
    "related posts, other languages": (
        r"mehr zum thema|das (könnte|dürfte) (sie|dich) (auch )?interessieren!?|auch interessant"
        r"|ähnliche (artikel|beiträge|themen)|weitere (artikel|beiträge|nachrichten|news|themen"
        r"|informationen|infos)( zum thema)?|weiterführende (informationen|links|artikel)"
        r"|verwandte (artikel|beiträge|themen|themenbereiche)|empfehlungen( aus der redaktion)?"
        r"|empfohlene (artikel|beiträge)|meist(gelesene|diskutierte|kommentierte)( artikel)?"
        r"|(aktuelle|neueste|beliebte) (artikel|beiträge|nachrichten|news)|top[- ]?themen"
        r"|lesen sie (auch|mehr|weiter)|lesetipps?|mehr (von|aus|zu|interessantes|artikel) ?.*"
        r"|noch mehr .*|das könnte dich .*|news|aktuelles|nachrichten und pressemeldungen"
        r"|(zum )?weiterlesen|lesetipp|mehr zum lesen"
        r"|sur le même sujet|à lire aussi|(articles|publications) similaires|lire aussi"
        r"|les plus (lus|populaires)|(les )?dernières (nouvelles|actualités)|vidéos sur le sujet"
        r"|(artículos|entradas|publicaciones|noticias) relacionad[ao]s"
        r"|(también )?te puede interesar"
        r"|lo (último|más leído|más visto)|más noticias|contexto de la noticia"
        r"|(você|voce) (pode|também pode) gostar.*|leia também|veja também|artigos relacionados"
        r"|articoli correlati|potrebbe interessarti|(i )?più letti|leggi anche"
        r"|gerelateerde (artikelen|berichten)|zobacz (też|także)|czytaj (też|także)|polecamy"
        r"|najczęściej czytane|najnowsze"
    ),
    "sharing, other languages": (
        r"(jetzt |diesen (artikel|beitrag) )?teilen!?|artikel teilen|partager( cet article)?"
        r"|compartir|condividi|udostępnij|dieser artikel gefällt ihnen\??"
        r"|hat ihnen (dieser|der) (artikel|beitrag) gefallen\??"
    ),
    "tags, author and sources, other languages": (
        r"(schlagworte?|schlagwörter|stichworte?|themen( in diesem artikel)?|kategorien|tags"
        r"|etiquetas|temas|mots-clés|tagi|über (den autor|die autorin)|zum autor|autor(in)?"
        r"|quellen?( ausblenden)?|bildnachweis|kontakt|newsletter( abonnieren)?"
        r"|abonniere unseren newsletter|spenden?|unterstützen sie .*)"
    ),
}

# Whole short lines that are chrome wherever they stand (last lines of comment forms,
# "back to top" links), lower-case, whitespace collapsed.
CHROME_LINES = (
    r"(return|back|go|jump) to (the )?top|comments are closed\.?|skip to (comment|content).*"
    r"|(leave|post|write|add) a (reply|comment)|you must be logged in to post a comment\.?"
    r"|comments (are )?(closed|disabled)\.?|\d+ comments?|no comments( yet)?\.?"
    r"|kommentare? (sind )?geschlossen|kommentar (hinzufügen|schreiben|verfassen)"
    r"|(derzeit )?(noch )?keine kommentare( vorhanden)?\.?|permalink|(nach )?oben|zurück"
    r"|(read|continue) (more|reading)( »| \u203a| →)?|weiterlesen|mehr lesen|lire la suite"
    r"|leer más|leia mais|leggi (tutto|di più)|czytaj (dalej|więcej)|(print|drucken|imprimer"
    r"|imprimir|stampa|drukuj)( (this|article|recipe|artikel|rezept|seite|page))?"
    r"|share( this( article| post)?)?|(artikel )?teilen|partager|compartir|condividi"
    r"|((diesen|den) )?(artikel|beitrag|seite) (teilen|empfehlen)|mit freunden teilen"
    r"|(\d[\d.,]* )?(views|aufrufe|zugriffe|visites|visualizzazioni|visualizaciones)( ?: ?[\d.,]*)?"
    r"|.{0,40}\b(als|as|en|in) pdf( herunterladen| download(en)?)?|pdf[- ]?(version|download)"
    r"|udostępnij|-? ?(advertisement|anzeige|werbung|publicidad|publicité|pubblicità"
    r"|reklama) ?-?"
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

# Short blocks that open with these are a pointer to other posts ("Read also: ...", with a
# link), or a picture's credit ("Photo: ..."): lowercase, matched at the start.
CHROME_LEADS: dict[str, str] = {
    "related posts": (
        r"(read|see) (more|also|next)|see also|also read|related( (articles?|posts?|stories))?:"
        r"|recommended:|more on |lesen sie (auch|hier|mehr|weiter)|mehr zum thema|auch interessant"
        r"|das (thema )?könnte (sie|dich) auch interessieren|weiterführende?r? links?"
        r"|à lire aussi|lire aussi|voir aussi|lee también|te puede interesar|vea también"
        r"|leggi anche|leia também|veja também|czytaj (też|także|również|więcej)"
        r"|zobacz (też|także|również)|dowiedz się więcej|polecamy|lust auf mehr|zum weiterlesen"
        r"|kommentierte artikel|le puede interesar|puedes ver:|mira:|ver también|te recomendamos"
        r"|más información:|lee también"
    ),
    # Appeals to the reader: subscribe, follow, support (no link needed).
    "appeals": (
        r"(jetzt )?(unterstütze|unterstützen sie|abonniere|abonnieren sie|spende|spenden sie)\b"
        r"|werde (mitglied|unterstützer)|subscribe (now|to|for)|sign up (for|to)|follow us"
        r"|for the latest (stories|news)|support (us|our)|become a (member|patron|supporter)"
        r"|donate (now|to|today)|s[ií]guenos|hazte (miembro|socio)|suscr[ií]bete"
        r"|tú también puedes|nos siga|inscreva-se|abonnez-vous|soutenez|schon gelesen\?"
        r"|gefällt (dir|ihnen) (unser|dieser|der) .*\?|verraten sie (gerne )?in den kommentaren"
        r"|if you (enjoyed|liked) (reading )?this|(all|alle) (rights reserved|angaben ohne gewähr)"
        r"|video verfügbar bis|bild anzeigen|last modified:|dieser text entspricht"
    ),
    # Contact details closing a press release or a service page ("Telefon: ...").
    "contact": (
        r"(telefon|tel\.?|phone|fax|e-?mail|ansprechpartner(in)?|pressekontakt|pressesprecher"
        r"(\*?in)?|kontakt|contact|press contact|media contact)\s?:"
    ),
    # A byline's or a dateline's label leading a short line ("Autoren: ...", "Erschienen in").
    "bylines": (
        r"(autor(en|in)?|von|by|text|fotos?|redaktion|stand|release date|publicado) ?:"
        r"|(erschienen in|veröffentlicht (am|in)|zuletzt (aktualisiert|geändert)|posted in"
        r"|filed under|última (modificación|actualización)|ultima modifica|aggiornato)\b"
    ),
    "captions": (
        r"(foto|fotos|photo|photos|image|bild|bildquelle|titelbild|credit|credits|crédits?"
        r"|abbildung|abb\.|grafik|illustration"
        r"|quelle|source|fuente|fonte|źródło)\s?:|(photo|photograph|image) by |fot\. |© |\(c\) "
        r"|.{0,60}(/|\||©) ?(getty images|dpa|afp|reuters|ap|shutterstock|istock|imago|wenn\.com"
        r"|picture alliance|unsplash|pixabay|keystone)$"
    ),
}
# Words in a class or id naming a post's lead (standfirst) when it stands before the body,
# in the post's header rather than its content element.
LEAD_NAME_WORDS = frozenset(
    "lead lede intro standfirst excerpt abstract dek deck chapo chapeau teaser vorspann "
    "bajada entradilla sottotitolo subtitle subheadline".split()
)
# Class names that are an author's box or biography, whatever their other words.
AUTHOR_BOX_NAME = (
    r"author.*(box|bio|info|desc|card|section|intro|detail|about|profile|note|wrap)"
    r"|about.?(the.?)?author|autor.*(box|info|bio)"
)
# Class names that are a picture's caption or credit ("image-subtitle", "c-picture__source",
# "img-metadata"), whatever their other words.
CAPTION_NAME = (
    r"(image|img|picture|photo|bild|foto|figure)[-_]*(subtitle|source|credits?|caption"
    r"|metadata|copyright|untertitel|unterschrift|quelle)"
)

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
        ".wp-embedded-content",
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
    "page chrome": ("#colophon", ".site-footer", ".site-header", "#masthead", "footer", "aside"),
}
