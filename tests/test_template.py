"""Site template learning: text that recurs on a site's posts is chrome, unique text is body."""

from __future__ import annotations

import json
import pickle

import pytest
from helpers import SHARED, extraction_record, gold_scorer, needs_shared

from indexer.extract.learn import MIN_PAGES, TemplateLearner, learn_template
from indexer.extract.page import PAGEFIND_UNMARKED, extract, extract_post
from indexer.extract.template import SiteTemplate
from indexer.records import RawPage, Skip
from indexer.sources.folder import iter_pages

# A sidebar biography and a disclaimer with no class names any rule knows: only their
# recurrence across the site gives them away.
BIO = "Jane grows old roses in Kent and has written about them every Sunday since 2009."
NOTICE = "Opinions here are mine alone and not those of the Royal Horticultural Society."
TOPICS = ("roses", "compost", "tulips", "hedges", "ponds", "orchards", "dahlias", "ferns")


def post_html(n: int, topic: str, pagefind: bool = False) -> str:
    marker = " data-pagefind-body" if pagefind else ""
    paragraphs = "".join(
        f"<p>Paragraph {i} of the post about {topic}: the {topic} did well this year "
        f"after a wet spring, number {n}-{i}.</p>"
        for i in range(4)
    )
    return (
        "<html lang='en'><head><title>On " + topic + "</title></head><body class='single'>"
        f"<div class='wrap'><div class='col'{marker}><h1>On {topic}</h1>"
        f"<p>Posted on 2021-0{1 + n % 9}-1{n % 10}</p>{paragraphs}"
        f"<div class='note'><p>{NOTICE}</p></div></div>"
        f"<div class='col2'><h3>From the author</h3><p>{BIO}</p></div></div>"
        "</body></html>"
    )


def site(count: int = 8, pagefind: bool = False) -> list[RawPage]:
    return [
        RawPage(
            f"p{n}.html",
            f"https://blog.example/2021/0{1 + n % 9}/{topic}/",
            post_html(n, topic, pagefind).encode(),
        )
        for n, topic in enumerate(TOPICS[:count])
    ]


def test_without_a_template_recurring_blocks_leak_into_the_body():
    # The premise of learning: no rule alone removes these blocks.
    body = extract(site()[0]).post.body
    assert NOTICE in body


def test_a_learnt_template_removes_recurring_blocks_and_keeps_the_post():
    pages = site()
    template = learn_template(pages)
    post = extract(pages[0], template=template).post
    assert NOTICE not in post.body
    assert BIO not in post.body
    assert "Paragraph 0 of the post about roses" in post.body
    assert "Paragraph 3 of the post about roses" in post.body
    assert post.title == "On roses"


def test_the_template_survives_json_and_pickle():
    template = learn_template(site())
    assert template.chrome
    assert SiteTemplate.from_json(template.to_json()) == template
    assert pickle.loads(pickle.dumps(template)) == template
    assert json.loads(template.to_json())["pages"] == len(TOPICS)


def test_too_few_posts_teach_nothing():
    template = learn_template(site(MIN_PAGES - 1))
    assert template.chrome == frozenset()
    assert NOTICE in extract(site()[0], template=template).post.body


def test_listing_pages_are_not_learnt_from():
    learner = TemplateLearner()
    home = RawPage(
        "index.html", "https://blog.example/", b"<html><body><h1>Blog</h1></body></html>"
    )
    assert learner.observe(home) is False
    assert learner.observe(site()[0]) is True
    assert learner.pages == 1


def test_the_sample_is_limited_and_reproducible():
    pages = site()
    first = learn_template(pages, limit=5)
    assert first.pages == 5
    assert learn_template(pages, limit=5) == first


def test_a_site_marked_for_pagefind_skips_its_unmarked_pages():
    pages = site(pagefind=True)
    template = learn_template(pages)
    assert template.uses_pagefind_body
    unmarked = RawPage("x.html", "https://blog.example/x/", post_html(1, "moss").encode())
    outcome = extract_post(unmarked, template=template)
    assert isinstance(outcome, Skip) and outcome.reason == PAGEFIND_UNMARKED
    assert not isinstance(extract_post(pages[0], template=template), Skip)


def test_an_unknown_template_version_is_relearnt_not_misapplied():
    saved = json.loads(learn_template(site()).to_json())
    saved["version"] = 999
    assert SiteTemplate.from_json(json.dumps(saved)) == SiteTemplate()


@pytest.mark.corpus
def test_a_real_site_keeps_every_answer_key_check_with_its_template():
    """wasp: learning on its pages must not cost one answer-key check."""
    folder = SHARED / "corpora" / "wasp"
    needs_shared(folder / "gold.jsonl")
    files = sorted((folder / "posts").rglob("index.html"))[::50]
    template = learn_template(
        RawPage(str(f), "/" + str(f.relative_to(folder / "posts").parent) + "/", f.read_bytes())
        for f in files
    )
    assert template.chrome
    scorer = gold_scorer()
    for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        record = extraction_record(folder / gold["path"], template=template)
        assert all(ok is not False for ok in scorer.check(gold, record).values()), gold["path"]


def test_the_pipeline_can_learn_straight_from_a_source_folder(tmp_path):
    for n, topic in enumerate(TOPICS):
        folder = tmp_path / "2021" / topic
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(post_html(n, topic), encoding="utf-8")
    (tmp_path / "broken.html").write_bytes(b"")  # a page the source cannot read as HTML
    template = learn_template(iter_pages(tmp_path))
    assert template.pages == len(TOPICS)
    assert template == learn_template(site())
