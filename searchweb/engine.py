"""The read side of the index, behind a small interface: search and suggest.

The web layer and the CLI only talk to a `SearchBackend`. `WhooshSearchBackend` opens the
index read-only, checks the manifest's schema version at start-up, keeps one searcher per
thread (Whoosh searchers are not thread-safe) and swaps in a fresh one when a reindex has
committed, so the server picks up new posts without a restart and never sees half a write.
"""

from __future__ import annotations

import threading
from itertools import islice
from pathlib import Path
from typing import Protocol

from whoosh.index import Index
from whoosh.searching import Searcher

from indexer.schema import read_manifest
from indexer.store import open_existing
from searchweb.search import SearchRequest, SearchResults, SnippetSettings, search

SUGGEST_LIMIT = 8
# How many lexicon entries a prefix may expand to before ranking (bounds a one-letter prefix).
SUGGEST_SCAN = 2000


class SearchBackend(Protocol):
    """What the web layer needs from an index backend."""

    def search(self, request: SearchRequest, notices: list[str] | None = None) -> SearchResults:
        """One page of results for `request`."""

    def suggest(self, prefix: str, limit: int = SUGGEST_LIMIT) -> list[str]:
        """Index terms starting with `prefix`, most frequent first."""

    def doc_count(self) -> int:
        """How many posts the index holds."""


class WhooshSearchBackend:
    """A SearchBackend over a Whoosh index directory."""

    def __init__(self, index_dir: Path, snippets: SnippetSettings | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.snippets = snippets or SnippetSettings()
        self._index: Index = open_existing(self.index_dir)
        self._local = threading.local()

    def searcher(self) -> Searcher:
        """This thread's searcher, refreshed if the index has a newer commit."""
        current: Searcher | None = getattr(self._local, "searcher", None)
        if current is None:
            current = self._index.searcher()
            self._local.languages = self._languages()
        elif not current.up_to_date():
            current = current.refresh()
            self._local.languages = self._languages()
        self._local.searcher = current
        return current

    def search(self, request: SearchRequest, notices: list[str] | None = None) -> SearchResults:
        searcher = self.searcher()
        return search(searcher, request, self._local.languages, self.snippets, notices)

    def suggest(self, prefix: str, limit: int = SUGGEST_LIMIT) -> list[str]:
        prefix = prefix.strip().lower()
        if not prefix:
            return []
        reader = self.searcher().reader()
        terms = [
            (reader.doc_frequency("body", term), term.decode("utf-8"))
            for term in islice(reader.expand_prefix("body", prefix), SUGGEST_SCAN)
        ]
        terms.sort(key=lambda item: (-item[0], item[1]))
        return [term for _, term in terms[:limit]]

    def doc_count(self) -> int:
        return self.searcher().doc_count()

    def _languages(self) -> list[str]:
        manifest = read_manifest(self.index_dir, missing_ok=True) or {}
        return list(manifest.get("languages") or ["en"])
