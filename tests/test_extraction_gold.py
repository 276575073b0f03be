"""Quality gate: extraction against the answer keys of real blogs in ../shared.

Runs the checks of `../shared/bench/extraction/score_gold.py` (its own `check()`, imported,
so the gate and the scorer cannot disagree) on the pages of each answer key, and fails if a
site scores below its recorded floor. Raise a floor when extraction improves; never lower it
to make a change pass.
"""

from __future__ import annotations

import importlib.util
import json

import pytest
from conftest import SHARED, needs_shared

from indexer.dates import to_iso
from indexer.extract import extract
from indexer.records import RawPage
from indexer.sources import single_page_url

pytestmark = pytest.mark.corpus

SCORER = SHARED / "bench" / "extraction" / "score_gold.py"
# site folder -> checks that must pass (of 7 per page; taxonomy only where the key has some)
FLOORS = {
    "fixtures/seed-site": 7,
    "corpora/sowrey": 70,
    "corpora/wasp": 64,
    "corpora/artsy": 70,
}


def _scorer():
    spec = importlib.util.spec_from_file_location("score_gold", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _record(path) -> dict:
    post = extract(RawPage(str(path), single_page_url(path, None), path.read_bytes())).post
    return {
        "title": post.title,
        "date": to_iso(post.date),
        "author": post.author,
        "body": post.body,
        "categories": list(post.categories),
        "tags": list(post.tags),
    }


@pytest.mark.parametrize("site", sorted(FLOORS))
def test_extraction_meets_the_recorded_floor(site):
    needs_shared(SCORER)
    folder = SHARED / site
    scorer = _scorer()
    passed = 0
    misses = []
    for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        for check, ok in scorer.check(gold, _record(folder / gold["path"])).items():
            passed += bool(ok)
            if ok is False:
                misses.append(f"{check}: {gold['path']}")
    assert passed >= FLOORS[site], misses
