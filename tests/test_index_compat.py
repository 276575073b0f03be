"""An index written by an earlier postsearch is served, or refused with the rebuild command.

`tests/fixtures/index-0.1.0/` is a real index written by postsearch 0.1.0, whose modules
lived at other paths (`indexer.analysis`, `indexer.schema`): Whoosh pickled those names into
its TOC. It holds five demo posts, one of them Spanish. It must open, answer searches and
take new posts; an index this version cannot read must be refused, before anything is
unpickled, with the command that rebuilds it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import DEMO_SITE, FIXTURES

from indexer.api import WhooshPostStore, index_sources
from indexer.index import MANIFEST_NAME, SCHEMA_VERSION
from searchweb.engine.backend import WhooshSearchBackend
from searchweb.records import SearchRequest
from searchweb.web.app import create_app

OLD_INDEX = FIXTURES / "index-0.1.0"
REBUILD = "rebuild it with `postsearch index SOURCE --full`"
NEW_POST = DEMO_SITE / "2020" / "08" / "30" / "our-first-honey-harvest"


@pytest.fixture()
def old_index(tmp_path) -> Path:
    copy = tmp_path / "index"
    shutil.copytree(OLD_INDEX, copy)
    return copy


def _urls(backend: WhooshSearchBackend, query: str) -> list[str]:
    return [hit.url for hit in backend.search(SearchRequest(query)).hits]


def test_the_old_index_names_the_modules_of_its_time():
    toc = (OLD_INDEX / "_MAIN_1.toc").read_bytes()
    assert b"indexer.analysis" in toc and b"indexer.schema" in toc
    assert b"indexer.index" not in toc


def test_an_index_of_the_previous_layout_is_served(old_index):
    backend = WhooshSearchBackend(old_index)
    assert backend.doc_count() == 5
    assert _urls(backend, "sourdough starter")[0].endswith("/waking-up-a-sourdough-starter/")
    # Spanish posts are analysed with the Spanish stemmer the old index pickled.
    assert _urls(backend, "verbenas")[0].endswith("/cronica-de-la-verbena-junto-al-rio/")
    client = create_app({"index_dir": str(old_index), "query_log": False}).test_client()
    page = client.get("/search?q=puncture")
    assert page.status_code == 200 and "/2019/04/30/fixing-a-slow-puncture/" in page.text
    assert client.get("/health").json["posts"] == 5


def test_the_previous_layout_takes_new_posts_and_then_names_todays_modules(old_index, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(NEW_POST, site / NEW_POST.relative_to(DEMO_SITE))
    summary = index_sources([site], WhooshPostStore(old_index))
    assert len(summary.indexed) == 1 and not summary.failed
    backend = WhooshSearchBackend(old_index)
    assert backend.doc_count() == 6
    assert _urls(backend, "honey harvest")[0].endswith("/our-first-honey-harvest/")
    assert _urls(backend, "leaf mould")[0].endswith("/leaf-mould-the-laziest-compost/")
    (toc,) = old_index.glob("_MAIN_*.toc")
    assert b"indexer.index.analysis" in toc.read_bytes()
    # It keeps its schema version and its spelling field, which learns the new post's words.
    assert json.loads((old_index / MANIFEST_NAME).read_text())["schema_version"] == 2
    assert "spell_body" in backend.searcher().schema and not list(old_index.glob("*.pswords"))
    assert _suggestion(old_index, "ferrment") == "ferment"


def _suggestion(index_dir: Path, query: str) -> str | None:
    client = create_app({"index_dir": str(index_dir), "query_log": False}).test_client()
    found = client.get("/api/search", query_string={"q": query}).json["suggestion"]
    return found and found["text"]


def test_a_rebuild_writes_the_current_schema(old_index):
    assert _suggestion(old_index, "sourdogh") == "sourdough"
    summary = index_sources([DEMO_SITE], WhooshPostStore(old_index, rebuild=True))
    assert len(summary.indexed) > 40 and not summary.failed
    manifest = json.loads((old_index / MANIFEST_NAME).read_text())
    assert manifest["schema_version"] == SCHEMA_VERSION > 2
    backend = WhooshSearchBackend(old_index)
    assert "spell_body" not in backend.searcher().schema
    assert len(list(old_index.glob("*.pswords"))) == 1
    assert _suggestion(old_index, "sourdogh") == "sourdough"
    assert _suggestion(old_index, "ferrment") == "ferment"
    (toc,) = old_index.glob("_MAIN_*.toc")
    assert b"indexer.schema" not in toc.read_bytes()


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "searchweb.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_an_index_of_another_schema_version_is_refused_with_the_rebuild_command(old_index):
    manifest = json.loads((old_index / MANIFEST_NAME).read_text())
    manifest["schema_version"] = 1
    (old_index / MANIFEST_NAME).write_text(json.dumps(manifest))
    run = _cli("search", "sourdough", "--index", str(old_index))
    assert run.returncode == 2 and run.stdout == ""
    assert "schema version 1" in run.stderr and REBUILD in run.stderr
    assert "Traceback" not in run.stderr


def test_an_index_whose_schema_cannot_be_loaded_is_refused_with_the_rebuild_command(old_index):
    # A TOC naming a module no postsearch has: an index from a foreign or damaged writer.
    toc = old_index / "_MAIN_1.toc"
    toc.write_bytes(toc.read_bytes().replace(b"indexer.schema", b"indexer.schemx"))
    run = _cli("serve", "--index", str(old_index), "--port", "9")
    assert run.returncode == 2
    assert "its schema cannot be read" in run.stderr and REBUILD in run.stderr
    assert "Traceback" not in run.stderr


def test_doctor_serves_an_earlier_readable_version_and_says_how_to_upgrade(old_index, tmp_path):
    earlier = _cli("doctor", "--index", str(old_index))
    assert earlier.returncode == 0, earlier.stdout + earlier.stderr
    assert f"schema      2 (this postsearch: {SCHEMA_VERSION})" in earlier.stdout
    assert "note        schema version 2 is served as it is" in earlier.stdout
    assert "--full" in earlier.stdout and "problem" not in earlier.stdout
    current = tmp_path / "current"
    index_sources([NEW_POST], WhooshPostStore(current))
    now = _cli("doctor", "--index", str(current))
    assert now.returncode == 0 and "note" not in now.stdout and "all well" in now.stdout
