"""Quality gate: extraction against the answer keys of real blogs in ../shared.

Runs the checks of `../shared/bench/extraction/score_gold.py` (its own `check()`, imported,
so the gate and the scorer cannot disagree) on the pages of each answer key, and fails if a
site scores below its recorded floor. Raise a floor when extraction improves; never lower it
to make a change pass.
"""

from __future__ import annotations

import json

import pytest
from helpers import GOLD_SCORER, SHARED, extraction_record, gold_scorer, needs_shared

from indexer.api import RawPage, extract

pytestmark = pytest.mark.corpus

# site folder -> checks that must pass (of 7 per page; taxonomy only where the key has some)
FLOORS = {
    "fixtures/seed-site": 7,
    "corpora/sowrey": 70,
    "corpora/wasp": 70,
    "corpora/artsy": 70,
    "corpora/brunomiguel": 59,
    "corpora/bulimov": 60,
}


@pytest.mark.parametrize("site", sorted(FLOORS))
def test_extraction_meets_the_recorded_floor(site):
    needs_shared(GOLD_SCORER)
    folder = SHARED / site
    scorer = gold_scorer()
    passed = 0
    misses = []
    for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        for check, ok in scorer.check(gold, extraction_record(folder / gold["path"])).items():
            passed += bool(ok)
            if ok is False:
                misses.append(f"{check}: {gold['path']}")
    assert passed >= FLOORS[site], misses


# --- the body rules, one concept per row: (page html, expected body) --------------------

POST = "<p>The post's own words, long enough to be the body of a real post here.</p>"
LONG = "<p>" + "A long comment that outweighs the post by far, again and again. " * 8 + "</p>"

BODY_TABLE = [
    (  # a comment section named only by its heading ("Your Replies"), bigger than the post
        f"<div id='content'><div>{POST}</div><div><h3>Your Replies</h3>{LONG}</div></div>",
        "The post's own words, long enough to be the body of a real post here.",
    ),
    (  # comment form leftovers after the body
        f"<article>{POST}<div><a href='#top'>Return to top</a><h3>Post a Reply</h3>"
        "<p>Comments are closed.</p></div></article>",
        "The post's own words, long enough to be the body of a real post here.",
    ),
    (  # a class word naming chrome ("post-share-bar") inside the container
        f"<article>{POST}<div class='post-share-bar'><p>Share on Twitter</p></div></article>",
        "The post's own words, long enough to be the body of a real post here.",
    ),
    (  # a comment is an <article> too, and a big one: it must not win
        f"<article class='post'>{POST}</article><ol class='comment-list'><li>"
        f"<article class='comment-body'>{LONG}</article></li></ol>",
        "The post's own words, long enough to be the body of a real post here.",
    ),
    (  # an <article> wrapping the post and a grid of related <article>s is a listing
        f"<article class='box'><div>{POST}</div></article><article class='wrap'>"
        + "<article><h3><a href='/a'>Other post</a></h3><p>Teaser text.</p></article>" * 3
        + "</article>",
        "The post's own words, long enough to be the body of a real post here.",
    ),
    (  # a related-posts section named by its heading, shorter than the post
        f"<article>{POST}{POST}<h3>You might also like</h3><p>Another post</p></article>",
        "The post's own words, long enough to be the body of a real post here.\n\n"
        "The post's own words, long enough to be the body of a real post here.",
    ),
    (  # a list that is all links is navigation
        f"<article>{POST}<ul><li><a href='/1'>One link</a></li><li><a href='/2'>Two links</a>"
        "</li><li><a href='/3'>Three links</a></li></ul></article>",
        "The post's own words, long enough to be the body of a real post here.",
    ),
    (  # captions describe a picture, not the post
        f"<article><figure><img src='x.jpg'><figcaption>A photo</figcaption></figure>{POST}"
        "</article>",
        "The post's own words, long enough to be the body of a real post here.",
    ),
    (  # no container at all: the densest run of paragraphs, widened over its siblings
        "<div class='menu'><p><a href='/'>Home</a> <a href='/b'>Blog</a></p></div>"
        f"<div class='x'><div class='y'>{POST}</div><div class='z'>{POST}</div></div>",
        "The post's own words, long enough to be the body of a real post here.\n\n"
        "The post's own words, long enough to be the body of a real post here.",
    ),
    (  # a "Tags:" line of term links at the end of the post is taxonomy, not text
        f"<article>{POST}<p>Tags: <a href='/tag/roses/'>Roses</a>, "
        "<a href='/tag/compost/'>Compost</a></p></article>",
        "The post's own words, long enough to be the body of a real post here.",
    ),
    (  # term links run together in a box, named by no class the rules know
        f"<article>{POST}<div class='x9'><a href='/tags/a/'>Alpha</a>"
        "<a href='/categories/b/'>Beta</a></div></article>",
        "The post's own words, long enough to be the body of a real post here.",
    ),
    (  # a term link inside a sentence is part of the sentence
        "<article><p>I wrote about <a href='/tag/python/'>Python</a> before, in a post long "
        "enough to be the body.</p></article>",
        "I wrote about Python before, in a post long enough to be the body.",
    ),
    (  # WordPress names the post's terms in its classes: "newsletter" there is a term
        "<article class='post type-post status-publish category-no-newsletter'>"
        f"<div class='entry-content'>{POST}</div></article>",
        "The post's own words, long enough to be the body of a real post here.",
    ),
    (  # a headed section that holds most of the body is the body, whatever its heading
        f"<article><div><h2>Related work</h2>{POST}{POST}</div><p>Short end.</p></article>",
        "Related work\n\nThe post's own words, long enough to be the body of a real post here."
        "\n\nThe post's own words, long enough to be the body of a real post here.\n\nShort end.",
    ),
]


@pytest.mark.parametrize(("html", "body"), BODY_TABLE)
def test_body_rules(html, body):
    page = RawPage(
        "t.html", "https://blog.example/t/", f"<html><body>{html}</body></html>".encode()
    )
    assert extract(page).post.body == body
