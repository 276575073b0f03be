"""The read side of the index, behind one interface: `SearchBackend`.

The web layer and the CLI only talk to a `SearchBackend`. `WhooshSearchBackend` opens the
index read-only, checks the manifest's schema version at start-up, keeps one searcher per
thread (Whoosh searchers are not thread-safe) and swaps in a fresh one when a reindex has
committed, so the server picks up new posts without a restart and never sees half a write.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from whoosh.index import Index
from whoosh.searching import Searcher

from indexer.index import (
    body_field,
    open_existing,
    read_manifest,
    segment_key,
    title_field,
)
from searchweb.config import Settings
from searchweb.engine.columns import segment_columns
from searchweb.engine.postings import field_lengths
from searchweb.engine.ranking import weighting
from searchweb.engine.related import related_posts
from searchweb.engine.search import search
from searchweb.engine.suggest import suggest
from searchweb.query.spelling import spelling_fields
from searchweb.query.vocabulary import vocabularies

if TYPE_CHECKING:
    from indexer.index import TypesenseCluster
from searchweb.records import (
    Completion,
    RelatedPost,
    SearchOptions,
    SearchRequest,
    SearchResults,
    SnippetSettings,
)

SUGGEST_LIMIT = 8
RELATED_LIMIT = 5
# Every this many searches, hand the allocator's free memory back to the system.
TRIM_EVERY = 64


def release_free_memory() -> None:
    """Return freed heap memory to the OS (glibc's malloc_trim; a no-op elsewhere).

    Decoding posting blocks makes and frees many objects, and glibc keeps the freed pages:
    at 100k posts one trim after 1,200 searches gave back 69 MB, and trimming as it goes
    kept a 4-thread process at 350 MB instead of 378 (the rest is memory Python's own
    allocator keeps). A trim takes about 0.2 ms.
    """
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _load_libc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


_LIBC = _load_libc()


class SearchBackend(Protocol):
    """What the web layer and the CLI need from an index backend. Safe to call from the
    threads of a server at once; every call sees the latest commit of the index."""

    def search(self, request: SearchRequest, notices: list[str] | None = None) -> SearchResults:
        """One page of results for `request`; `notices` are shown with them."""

    def suggest(self, prefix: str, limit: int = SUGGEST_LIMIT) -> list[Completion]:
        """Post titles and index words completing `prefix`, best first."""

    def has_url(self, url: str) -> bool:
        """Whether a post with this URL is in the index (click-through links check it)."""

    def doc_count(self) -> int:
        """How many posts the index holds."""

    def warm_up(self) -> float:
        """Load now what the first searches would otherwise wait for; the seconds it took."""

    def related(self, url: str, limit: int = RELATED_LIMIT) -> list[RelatedPost] | None:
        """Up to `limit` posts like the post at `url`, best first; None if it is not indexed."""


class WhooshSearchBackend:
    """A SearchBackend over a Whoosh index directory."""

    def __init__(self, index_dir: Path, options: SearchOptions | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.options = options or SearchOptions()
        self._index: Index = open_existing(self.index_dir)
        self._local = threading.local()
        self._searches = 0  # not exact across threads; only paces release_free_memory()

    def searcher(self) -> Searcher:
        """This thread's searcher, refreshed if the index has a newer commit."""
        current: Searcher | None = getattr(self._local, "searcher", None)
        if current is None:
            current = self._index.searcher(weighting=weighting(self.options.recency_boost))
            self._local.options = self._options()
        elif not current.up_to_date():
            current = current.refresh()
            self._local.options = self._options()
        self._local.searcher = current
        return current

    def warm_up(self) -> float:
        """Load what searches read from every segment now, not on a visitor's first query.

        The per-post columns, field lengths and word lists are read once per segment and
        shared by all threads (about a second at 100k posts), and each language's stemmer
        is loaded. Returns the seconds it took.
        """
        started = time.perf_counter()
        searcher = self.searcher()
        reader = searcher.reader()
        languages = self._local.options.languages
        text_fields = ["taxonomy", "author"]
        for language in languages:
            text_fields += [title_field(language), body_field(language)]
        for leaf, _ in reader.leaf_readers():
            segment_columns(leaf)
            for name in text_fields:
                if name in reader.schema:
                    field_lengths(leaf, segment_key(leaf), name)
        for name in [title_field(lang) for lang in languages] + spelling_fields(reader, languages):
            vocabularies(reader, name)
        for language in languages:  # loads NLTK and the stemmers: 0.2 s the first search paid
            if body_field(language) in reader.schema:
                list(reader.schema[body_field(language)].analyzer("warming"))
        release_free_memory()  # reading the columns made and dropped many objects
        return time.perf_counter() - started

    def search(self, request: SearchRequest, notices: list[str] | None = None) -> SearchResults:
        searcher = self.searcher()
        results = search(searcher, request, self._local.options, notices)
        self._searches += 1
        if not self._searches % TRIM_EVERY:
            release_free_memory()
        return results

    def suggest(self, prefix: str, limit: int = SUGGEST_LIMIT) -> list[Completion]:
        searcher = self.searcher()
        return suggest(searcher, prefix, self._local.options.languages, limit)

    def related(self, url: str, limit: int = RELATED_LIMIT) -> list[RelatedPost] | None:
        return related_posts(self.searcher(), url, limit)

    def has_url(self, url: str) -> bool:
        return self.searcher().document_number(url=url) is not None

    def doc_count(self) -> int:
        return self.searcher().doc_count()

    def _options(self) -> SearchOptions:
        # The manifest says which languages the index holds; a reindex may add one.
        manifest = read_manifest(self.index_dir, missing_ok=True) or {}
        languages = tuple(manifest.get("languages") or ["en"])
        return replace(self.options, languages=languages)


def backend_for(settings: Settings) -> SearchBackend:
    """The backend a deployment's Settings configure: the one place the engine is chosen
    for searching (`searchweb.indexing.open_store` is the one for writing)."""
    options = SearchOptions(
        snippets=SnippetSettings(settings.snippet_fragments, settings.snippet_context_chars),
        synonyms=settings.synonyms,
        recency_boost=settings.recency_boost,
        time_limit=settings.query_time_limit,
    )
    if settings.backend_engine == "typesense":
        from searchweb.engine.typesense_backend import TypesenseSearchBackend

        return TypesenseSearchBackend(cluster_for(settings), options)
    return WhooshSearchBackend(settings.index_dir, options)


def cluster_for(settings: Settings) -> TypesenseCluster:
    """The Typesense cluster of the Settings' [backend] table (its key from the environment)."""
    from indexer.index import TypesenseCluster  # the client, loaded for Typesense only

    return TypesenseCluster(
        nodes=settings.backend_nodes,
        api_key=settings.backend_api_key,
        alias=settings.backend_collection,
        key_source=f"the environment variable {settings.backend_api_key_env}",
    )
