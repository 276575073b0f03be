"""The body rules, one class of page furniture per row: (page html, expected body).

Every row is a general pattern, written for the test (no corpus page is copied): a
container found by content where no class names it, the chrome inside a post found by
its markup or its words in several languages, and what must stay.
"""

from __future__ import annotations

import pytest

from indexer.api import RawPage, extract
from indexer.extract.dates import is_dateline

ONE = "The post's own words, long enough to be the body of a real post here."
TWO = "A second paragraph of the post, with more of what the author had to say."
POST = f"<p>{ONE}</p><p>{TWO}</p>"
BODY = f"{ONE}\n\n{TWO}"
MENU = "<ul>" + "".join(f"<li><a href='/s{n}/'>Section {n}</a></li>" for n in range(6)) + "</ul>"


def _body(html: str, url: str = "https://site.example/2021/04/05/a-post/") -> str:
    page = RawPage("t.html", url, f"<html><body>{html}</body></html>".encode())
    return extract(page).post.body


MODULE = "<div class='m{n}'><h2>Part {n}</h2><p>{text}</p></div>"
MODULAR_TEXT = [
    "The first part of the service, explained in a sentence or two for a visitor.",
    "Ingredients: two eggs, flour, sugar and a little milk, mixed in a bowl.",
    "The last part, with the opening hours and what to bring along on the day.",
]

BODY_TABLE = [
    (  # no class names the content: the block with most text and least chrome is it,
        # modules and all (a recipe's parts, a service page's sections)
        f"<div class='top'>{MENU}</div><div class='x'>"
        + "".join(MODULE.format(n=n, text=text) for n, text in enumerate(MODULAR_TEXT))
        + "</div><div class='bottom'>{MENU}</div>",
        "\n\n".join(f"Part {n}\n\n{text}" for n, text in enumerate(MODULAR_TEXT)),
    ),
    (  # text in <div>s and <br>s, with no <p> at all, is a body too
        f"<div class='nav'>{MENU}</div><div class='story'><div>{ONE}<br>{TWO}</div></div>",
        BODY,
    ),
    (  # a grid of teasers below the post: headings that link elsewhere
        f"<article>{POST}<div class='more'>"
        + "".join(
            f"<div class='card'><h3><a href='/p{n}/'>Another story {n}</a></h3>"
            "<p>A line about it.</p></div>"
            for n in range(3)
        )
        + "</div></article>",
        BODY,
    ),
    (  # a date alone on its line is furniture; a sentence with a date is not
        f"<article><p>05.02.2020</p><p><time>05:28 Uhr</time></p>{POST}"
        "<p>On 4 March 2008 the river rose over the path.</p></article>",
        f"{BODY}\n\nOn 4 March 2008 the river rose over the path.",
    ),
    (  # a pointer to other posts, in several languages, with its link
        f"<article>{POST}<p>Read also: <a href='/x/'>A story</a></p>"
        "<p>Lesen Sie auch: <a href='/y/'>Ein Artikel</a></p>"
        "<p>Czytaj też: <a href='/z/'>Artykuł</a></p></article>",
        BODY,
    ),
    (  # a picture's credit, however it is written
        f"<article>{POST}<p>Photo: Jane Doe</p><p>Foto: Max Mustermann</p>"
        "<p>Harbour at dawn / Getty Images</p></article>",
        BODY,
    ),
    (  # appeals to the reader: subscribe, support, follow
        f"<article>{POST}<p>Subscribe now to our newsletter for the latest stories.</p>"
        "<p>Unterstützen Sie unabhängigen Journalismus.</p></article>",
        BODY,
    ),
    (  # contact details closing a press release
        f"<article>{POST}<p>Telefon: 030 1234567</p><p>E-Mail: presse@example.org</p></article>",
        BODY,
    ),
    (  # a section heading in another language opens a related-posts block
        f"<article>{POST}<h3>Das könnte Sie auch interessieren</h3>"
        "<p>Ein anderer Artikel</p></article>",
        BODY,
    ),
    (  # the same heading, styled as a bold line rather than a heading
        f"<article>{POST}<div><b>Weitere Artikel zum Thema:</b>"
        "<p>Ein anderer Artikel</p></div></article>",
        BODY,
    ),
    (  # an author's box is named so, whatever the theme's other words
        f"<article>{POST}<div class='post-author__bio-box'><p>Jane writes about rivers "
        "and the people who live beside them.</p></div></article>",
        BODY,
    ),
    (  # footers, asides, buttons, ratings inside the post's own element
        f"<article>{POST}<aside><p>A box beside the text</p></aside>"
        "<div class='share-button'><span>Share</span></div><div class='post-ratings'>"
        "<span>Rate this</span></div><footer><p>Filed in a footer</p></footer></article>",
        BODY,
    ),
    (  # a cookie dialog is chrome, however long its legal text
        f"<div class='cookie-banner'><p>{'We use cookies to measure and improve. ' * 30}</p>"
        f"</div><div class='page'><div class='text'>{POST}</div></div>",
        BODY,
    ),
    (  # a post split over sibling <article> modules is read whole
        "<main><article class='part'><p>" + ONE + "</p></article>"
        "<article class='part'><p>" + TWO + "</p></article></main>",
        BODY,
    ),
    (  # a standfirst named so in the header, before the content element, is the post's lead
        "<article><header><h1 class='entry-title'>A title</h1><p>By Jane Doe</p>"
        "<p class='entry-excerpt'>A standfirst that sums up the post in a single long sentence"
        f" for its readers.</p></header><div class='entry-content'>{POST}</div></article>",
        "A standfirst that sums up the post in a single long sentence for its readers.\n\n" + BODY,
    ),
    (  # a word's soft hyphens are where it may break, not part of the word
        "<article><p>Im Mit\u00adtel\u00adal\u00adter war der Wein das Aushängeschild der"
        " Region, weithin gelobt.</p></article>",
        "Im Mittelalter war der Wein das Aushängeschild der Region, weithin gelobt.",
    ),
    (  # ruby annotations (furigana) are a reading aid above the text, not its words
        "<article><p><ruby>子<rt>こ</rt></ruby>どもへの<ruby>虐待<rp>(</rp><rt>ぎゃくたい</rt>"
        "<rp>)</rp></ruby>をなくすための<ruby>法律<rt>ほうりつ</rt></ruby>ができました。</p></article>",
        "子どもへの虐待をなくすための法律ができました。",
    ),
    (  # text is given in composed form (NFC), whichever form the page wrote it in
        "<article><p>Ein Beitrag u\u0308ber den Fru\u0308hling, lang genug fu\u0308r einen"
        " Absatz.</p></article>",
        "Ein Beitrag über den Frühling, lang genug für einen Absatz.",
    ),
    (  # a post whose only copy is a noscript (a script renders it) is read from there
        f"<div class='post-body'><noscript>{POST}{POST}{POST}</noscript></div>",
        "\n\n".join([BODY] * 3),
    ),
    (  # a noscript repeating the page's text, or asking for scripts, stays hidden
        f"<article>{POST}<noscript><p>Please turn on JavaScript to see the comments.</p>"
        f"</noscript><noscript>{POST}{POST}{POST}</noscript></article>",
        BODY,
    ),
    (  # a widget is not chosen over a run of paragraphs that has menus beside it
        f"<div class='story'>{POST * 3}<nav>{MENU * 10}</nav></div>"
        "<div class='bar'><div class='content'>We use cookies and analytics to improve this"
        " site and show fitting ads.</div></div>",
        "\n\n".join([BODY] * 3),
    ),
    (  # a block whose name runs a chrome word into another ("cookiebar") is that chrome
        f"<article>{POST}<div class='cookiebar'><p>{ONE}</p></div></article>",
        BODY,
    ),
    (  # a state flag ("paywall-on") names no chrome: the article is the post
        f"<div class='x'>{MENU}</div><article class='node article paywall-on'>{POST}</article>"
        f"<div class='box'><p>{TWO} {ONE} {TWO}</p></div>",
        BODY,
    ),
    (  # paragraphs inside links are cards' teasers, not the post's prose
        "<article class='more'><h3>More</h3>"
        + "".join(
            f"<div class='m'><a href='/p{n}/'><h3>Card {n}</h3><p>A teaser paragraph for"
            f" another post, number {n}, long enough to count.</p></a></div>"
            for n in range(8)
        )
        + f"</article><article class='post'><div class='text'>{POST}</div></article>",
        BODY,
    ),
    (  # a block headed "N comments" is the comments, however long
        f"<div class='page'><div class='texte'>{POST * 2}</div><div class='side'>{MENU * 8}"
        "<div class='forum'><h2>27 comments</h2>"
        + "".join(f"<div class='c'><p>A reader's comment {n}, {ONE}</p></div>" for n in range(6))
        + "</div></div></div>",
        "\n\n".join([BODY] * 2),
    ),
    (  # a long list of related posts, excerpts and all, beside a post of its own goes
        f"<div class='entry'>{POST * 8}<ul class='related_post'>"
        + "".join(
            f"<li><a href='/r{n}/'>Related {n}</a><small>{TWO} {ONE}</small></li>"
            for n in range(12)
        )
        + "</ul></div>",
        "\n\n".join([BODY] * 8),
    ),
    (  # a forum thread's messages, each with its author's linked name, are read whole
        "<div class='thread'>"
        + "".join(
            f"<article class='message'><h4><a href='/members/u{n}/'>User {n}</a></h4>"
            f"<div class='bb'>{ONE} {TWO} {ONE} {TWO} {ONE}<br>{TWO} {ONE} {TWO}</div></article>"
            for n in range(3)
        )
        + "</div>",
        "\n\n".join(
            f"User {n}\n\n{ONE} {TWO} {ONE} {TWO} {ONE}\n\n{TWO} {ONE} {TWO}" for n in range(3)
        ),
    ),
    (  # camel-cased names are read word by word ("relatedItems", "shareInfo")
        f"<article>{POST}<div class='relatedItems'><p>{ONE}</p></div>"
        "<div class='shareInfo'><p>Share this on your feeds</p></div></article>",
        BODY,
    ),
    (  # ...and a camel-cased state flag ("isPaywall") names no chrome
        f"<div class='x'>{MENU}</div><div id='article' class='isPaywall'><div class='content'>"
        f"{POST}</div></div><div class='box'><p>{TWO} {ONE} {TWO}</p></div>",
        BODY,
    ),
    (  # a teaser that links elsewhere is a card; one that links nowhere is the post's lead
        "<article><div class='teaser'><p>The lead of the post, in a block its theme calls a"
        f" teaser.</p></div>{POST}<div class='teaser'><p><a href='/other/'>Another post</a>"
        " and a line about it.</p></div></article>",
        f"The lead of the post, in a block its theme calls a teaser.\n\n{BODY}",
    ),
    (  # a run-together footer ("entryfooter") and the post's metadata block are chrome
        f"<article><div class='postmeta'><p>Posted on Tuesday by Jane</p></div>{POST}"
        "<div class='entryfooter'><p>Filed under things, comments closed</p></div></article>",
        BODY,
    ),
    (  # a "Write a comment" button before the post heads no comments section
        "<article><div class='row'><div class='left'><div class='comment-link'>"
        "<a href='#discussion'>Write a comment</a></div></div>"
        f"<div class='main'>{POST}</div></div></article>",
        BODY,
    ),
    *(  # short lines that are chrome in any language: sharing, view counts, PDF downloads
        (f"<article>{POST}{line}</article>", BODY)
        for line in (
            "<p>Aufrufe: 1.204</p>",
            "<p><a href='/a.pdf'>Pressemitteilung als PDF</a></p>",
            "<p>PDF version</p>",
            "<p>Dieses Skript als PDF herunterladen</p>",
        )
    ),
    (  # sections headed "Weiterlesen" or "Schlagworte zum Thema" are chrome
        f"<article>{POST}<div><h3>Zum Weiterlesen:</h3><p><a href='/x/'>Ein anderer Beitrag</a>"
        "</p></div><div><h4>Schlagworte zum Thema</h4><p>Recht, Arbeit</p></div></article>",
        BODY,
    ),
    (  # a picture's caption or credit by its name ("image-subtitle", "c-picture__source"),
        # or by its words ("Abbildung: ...")
        f"<article>{POST}<div class='image-subtitle'>The building in spring</div>"
        "<span class='c-picture__source'>Agency</span><p>Abbildung: Vergleich der Jahre</p>"
        "</article>",
        BODY,
    ),
    (  # a standfirst in a plain div beside the title stays with the post
        "<div class='text'><div class='box'><h1>A title</h1><div class='intro'>"
        f"{ONE} {TWO}</div></div><p>{ONE}</p></div>",
        f"{ONE} {TWO}\n\n{ONE}",
    ),
    (  # a form, an aside or a "widget-area" wrapping the post is no chrome; a small one is
        f"<article><form class='product'><div class='desc'>{POST}</div><select><option>S"
        "</option></select></form><aside><p>Related things</p></aside></article>",
        BODY,
    ),
    (  # tag lists, announcements, buy boxes and embedded cards of other posts are chrome
        f"<article>{POST}<div class='taglist'>Recht, Arbeit</div><div class='community-notice'>"
        "This post is from the community.</div><div class='buybox'>Buy access now</div>"
        "<blockquote class='wp-embedded-content'><a href='/other/'>Another post</a>"
        "</blockquote><div class='newsteaser'><a href='/n/'>More news</a></div></article>",
        BODY,
    ),
    (  # customer reviews beside a product description are not the page's text
        f"<div class='product'><div class='description'>{POST * 3}</div>"
        "<div id='product_reviews'>"
        + "".join(
            f"<div class='r'><p>{TWO} {ONE} Five stars, review {n}.</p></div>" for n in range(2)
        )
        + "</div></div>",
        "\n\n".join([BODY] * 3),
    ),
    (  # sibling parts are weighed net of their forms: a recipe's header with its rating
        # forms does not outweigh its ingredients beside it
        "<main>"
        f"<article class='head'><p>{ONE}</p>"
        + "".join(f"<form><label>{TWO} {ONE}</label></form>" for _ in range(6))
        + "</article><article class='ingredients'><ul><li>200 g flour, sifted</li>"
        "<li>100 g butter, soft</li></ul></article></main>",
        f"{ONE}\n\n200 g flour, sifted\n\n100 g butter, soft",
    ),
    (  # a short teaser line before the content element is not a lead
        "<article><header><h1>A title</h1><p class='lead'>Read on.</p></header>"
        f"<div class='entry-content'>{POST}</div></article>",
        BODY,
    ),
]


@pytest.mark.parametrize(("html", "body"), BODY_TABLE)
def test_body_rules(html, body):
    assert _body(html) == body


def test_a_second_title_heading_is_not_the_body():
    html = (
        "<html><head><title>A title | Site</title></head><body><div class='x'>"
        f"<h2>A title</h2>{POST}</div></body></html>"
    )
    page = RawPage("t.html", "https://site.example/a-title/", html.encode())
    assert extract(page).post.body == BODY


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        ("05.02.2020", True),
        ("05:28 Uhr", True),
        ("Posted on March 4, 2008", True),
        ("Nov. 19, 2019 8:03 am ET", True),
        ("2019", True),
        ("I went there on March 4, 2008", False),
        ("Version 2.0", False),
        ("3", False),
        ("Page 2 of 10", False),
    ],
)
def test_a_dateline_is_a_date_or_a_time_on_its_own(text, dateline):
    assert is_dateline(text) is dateline
