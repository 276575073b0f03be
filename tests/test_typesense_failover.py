"""Past one machine: a leader killed mid-reindex, and a full rebuild under searches.

On the session's real 3-node cluster (127.0.0.1), with the product's own doors: Settings →
`open_store` → `index_sources` to write, `backend_for(settings)` to search, as
`postsearch index` and `postsearch serve` do. While a client searches at a steady 20 per
second, the leader is killed with SIGKILL during an incremental reindex: no search may
fail, writes must resume within 10 s, the run must end with exactly the site's posts, and
the killed node, restarted, must catch up. A `--full` rebuild under searches must never
answer with an error nor with nothing. The measured figures go to the run's summary.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from helpers import DEMO_SITE, build_index, copy_corpus, edit_post
from typesense_cluster import Cluster, app_config

from indexer.api import (
    BackendUnavailableError,
    TypesenseCluster,
    TypesensePostStore,
    extract,
    index_sources,
    read_file_page,
)
from indexer.index import open_existing
from indexer.index import typesense_cluster as module
from indexer.index.typesense_cluster import NodeRing
from searchweb.config import load_settings
from searchweb.engine.backend import backend_for, cluster_for
from searchweb.indexing import open_store
from searchweb.records import SearchRequest

pytestmark = [
    pytest.mark.slow,
    # A node killed in the middle of a request leaves httpx's pooled socket to it for the
    # garbage collector to close; Python reports that as an unraisable ResourceWarning.
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

RATE = 20  # searches per second
MARKER = "quokkafailover"


@pytest.fixture(autouse=True)
def every_node_running(typesense_cluster):
    """A test that fails after killing or stopping a node leaves the session's cluster
    whole for the tests after it."""
    yield
    dead = [node for node in typesense_cluster.nodes if not node.alive()]
    for node in dead:
        typesense_cluster.start(node)
    if dead:
        typesense_cluster.wait_healthy()


@dataclass
class SteadySearches:
    """A client searching at a fixed rate in a thread, recording every answer."""

    backend: object
    queries: list[str]
    rate: float = RATE
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> SteadySearches:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        start, sent = time.monotonic(), 0
        while not self._stop.is_set():
            query = self.queries[sent % len(self.queries)]
            began = time.monotonic()
            try:
                found = self.backend.search(SearchRequest(query, per_page=5))
                if found.total == 0:
                    self.empty.append(query)
            except Exception as error:
                self.failures.append(f"{query}: {type(error).__name__}: {error}")
            self.latencies.append(time.monotonic() - began)
            sent += 1
            self._stop.wait(max(0.0, start + sent / self.rate - time.monotonic()))

    @property
    def longest(self) -> float:
        return max(self.latencies, default=0.0)


def _settings(cluster: Cluster, alias: str, state: Path):
    return load_settings(overrides=app_config(cluster, alias, state), environ={})


def _site_urls(site: Path, scratch: Path) -> set[str]:
    """The site's posts as the extractor reads them (through a Whoosh index of it)."""
    build_index(scratch, site)
    with open_existing(scratch).searcher() as searcher:
        return {fields["url"] for fields in searcher.all_stored_fields()}


def _node_urls(cluster: Cluster, node, alias: str) -> set[str]:
    """Every post's URL as one node holds it (asked directly, not through the others)."""
    urls, page = set(), 1
    while True:
        answer = httpx.get(
            f"{node.url}/collections/{alias}/documents/search",
            params={
                "q": "*",
                "query_by": "body_terms",
                "per_page": 250,
                "page": page,
                "include_fields": "url",
            },
            headers={"X-TYPESENSE-API-KEY": cluster.api_key},
            timeout=5,
        ).json()
        urls.update(hit["document"]["url"] for hit in answer["hits"])
        if page * 250 >= answer["found"]:
            return urls
        page += 1


def _queries(backend, words: list[str]) -> list[str]:
    found = [word for word in words if backend.search(SearchRequest(word)).total]
    assert len(found) >= 3, words
    return found[:6]


class WriteProbe:
    """Measures how long writes are refused: from `start(since)`, a small upsert every
    0.1 s into a collection of its own, each tried on every node, until one is acknowledged."""

    def __init__(self, cluster: Cluster, name: str) -> None:
        self.ring = NodeRing(tuple(cluster.urls), cluster.api_key)
        self.name = name
        schema = {"name": name, "fields": [{"name": "n", "type": "int32"}]}
        self.ring.call(lambda client: client.collections.create(schema), 10)
        self.resumed: float | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self, since: float) -> None:
        self.since = since
        self._thread.start()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        deadline = self.since + 60
        document = {"id": "p", "n": 1}
        while self.resumed is None and time.monotonic() < deadline:
            try:
                self.ring.call(
                    lambda client: client.collections[self.name].documents.upsert(document), 0
                )
                self.resumed = time.monotonic() - self.since
            except Exception:
                time.sleep(0.1)


def test_killing_the_leader_mid_reindex_loses_no_search_and_no_post(
    typesense_cluster, tmp_path, figures, caplog
):
    cluster, alias = typesense_cluster, "failover"
    site = tmp_path / "site"
    posts = copy_corpus(site, 160)
    settings = _settings(cluster, alias, tmp_path / "state")
    index_sources([site], open_store(settings, lock_timeout=0))
    backend = backend_for(settings)
    words = [w for p in posts[:40] for w in p.split("/")[-2].split("-") if len(w) >= 6]
    queries = _queries(backend, list(dict.fromkeys(words)))

    # The change the incremental run must carry: edits, deletions and new pages.
    edited = posts[::4]
    for post in edited:
        edit_post(site, post, MARKER)
    for post in posts[1::20]:
        shutil.rmtree(site / post)
    copy_corpus(site, 100, offset=160)  # posts the site did not have
    expected = _site_urls(site, tmp_path / "expected")

    leader = cluster.leader()
    probe = WriteProbe(cluster, f"{alias}_probe")
    with SteadySearches(backend, queries) as searches:
        time.sleep(2)
        outcome: dict = {}
        run = threading.Thread(
            target=lambda: outcome.update(
                summary=index_sources([site], open_store(settings, lock_timeout=0))
            ),
            daemon=True,
        )
        run.start()
        time.sleep(0.5)
        killed_at = time.monotonic()
        cluster.kill(leader, signal.SIGKILL)
        probe.start(killed_at)
        run.join(timeout=180)
        probe.join(timeout=60)
        time.sleep(2)
    assert "summary" in outcome, "the incremental run did not finish"
    summary = outcome["summary"]
    figures["fail-over: searches"] = f"{len(searches.latencies)} at {RATE}/s"
    figures["fail-over: failed searches"] = str(len(searches.failures))
    figures["fail-over: longest search (s)"] = f"{searches.longest:.3f}"
    resumed = probe.resumed
    figures["fail-over: writes resumed after (s)"] = f"{resumed:.1f}" if resumed else "never"
    asked = [r.getMessage() for r in caplog.records if "hold an election" in r.getMessage()]
    figures["fail-over: the indexer asked for an election"] = "yes" if asked else "no"
    assert searches.failures == []
    assert resumed is not None and resumed <= 10.0, resumed

    survivors = [node for node in cluster.nodes if node is not leader]
    for node in survivors:
        held = _node_urls(cluster, node, alias)
        lost = expected - held
        figures["fail-over: posts lost"] = str(len(lost))
        assert held == expected, (len(lost), len(held - expected))
    assert set(summary.indexed) <= expected and not summary.failed
    marked = {hit.url for hit in backend.search(SearchRequest(MARKER, per_page=100)).hits}
    assert marked == {url for url in expected if any(url.endswith(p) for p in edited)}

    started = time.monotonic()
    cluster.start(leader)
    cluster.wait_healthy([leader])
    while _safe_urls(cluster, leader, alias) != expected:
        assert time.monotonic() - started < 60, "the restarted node did not catch up"
        time.sleep(0.2)
    figures["fail-over: restarted node caught up in (s)"] = f"{time.monotonic() - started:.1f}"


def _safe_urls(cluster, node, alias) -> set[str]:
    try:
        return _node_urls(cluster, node, alias)
    except (httpx.HTTPError, KeyError, ValueError):
        return set()


def test_a_full_rebuild_under_searches_never_answers_empty_or_fails(
    typesense_cluster, tmp_path, figures
):
    cluster, alias = typesense_cluster, "swap"
    site = tmp_path / "site"
    posts = copy_corpus(site, 120)
    settings = _settings(cluster, alias, tmp_path / "state")
    index_sources([site], open_store(settings, lock_timeout=0))
    backend = backend_for(settings)
    before = _behind(settings, alias)
    words = [w for p in posts[:40] for w in p.split("/")[-2].split("-") if len(w) >= 6]
    queries = _queries(backend, list(dict.fromkeys(words)))
    with SteadySearches(backend, queries, rate=40) as searches:
        time.sleep(1)
        summary = index_sources([site], open_store(settings, lock_timeout=0, rebuild=True))
        time.sleep(2)
    figures["alias swap: searches"] = f"{len(searches.latencies)} at 40/s"
    figures["alias swap: failed, empty"] = f"{len(searches.failures)}, {len(searches.empty)}"
    assert searches.failures == [] and searches.empty == []
    after = _behind(settings, alias)
    assert after != before and len(summary.indexed) == len(posts)
    names = {c["name"] for c in cluster_for(settings).read("", lambda c: c.collections.retrieve())}
    assert before not in names and after in names  # the old collection is gone
    assert backend.doc_count() == len(posts)


def _behind(settings, alias: str) -> str:
    """The collection the alias points at."""
    return cluster_for(settings).read("", lambda c: c.aliases[alias].retrieve())["collection_name"]


def test_a_write_the_cluster_keeps_refusing_is_never_reported_done(
    typesense_cluster, tmp_path, monkeypatch, demo_posts_for_writes, caplog
):
    """Every node stops answering (SIGSTOP) between a batch's writes and its commit: the
    store retries until its deadline, then the batch fails; nothing says it was done, and
    no node was asked for an election (none answered)."""
    cluster = typesense_cluster
    at = TypesenseCluster(tuple(cluster.urls), cluster.api_key, "refused")
    first, second = demo_posts_for_writes[:2]
    with TypesensePostStore(at, tmp_path) as store:
        store.replace(first)
    committed = store.generation
    monkeypatch.setattr(module, "WRITE_DEADLINE", 3.0)
    try:
        refused = pytest.raises(BackendUnavailableError, match="not done")
        with refused, TypesensePostStore(at, tmp_path) as store:
            store.replace(second)
            for node in cluster.nodes:
                os.kill(node.pid, signal.SIGSTOP)
    finally:
        for node in cluster.nodes:
            os.kill(node.pid, signal.SIGCONT)
    cluster.wait_healthy()
    assert store.generation == committed
    backend = backend_for(
        load_settings(overrides=app_config(cluster, "refused", tmp_path), environ={})
    )
    assert backend.has_url(first.url) and not backend.has_url(second.url)
    assert not [r for r in caplog.records if "hold an election" in r.getMessage()]


@pytest.fixture(scope="module")
def demo_posts_for_writes():
    posts = []
    for file in sorted(DEMO_SITE.rglob("index.html"))[:20]:
        extraction = extract(read_file_page(file))
        if extraction.is_post:
            posts.append(extraction.post)
    return posts
