"""Typed errors of the indexer.

Every error names what went wrong and where, so the CLI can print one clear line per
problem and the web layer can refuse to serve an index it does not understand.
"""

from __future__ import annotations


class PostsearchError(Exception):
    """Base of every error postsearch raises on purpose."""


class PageError(PostsearchError):
    """A single page could not be read or parsed; the run records it and goes on."""

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason


class SourceError(PostsearchError):
    """A source given on the command line does not exist or cannot be read."""


class IndexMissingError(PostsearchError):
    """There is no index at the given directory yet."""


class SchemaMismatchError(PostsearchError):
    """The index was written by an incompatible version of postsearch; rebuild it."""


class IndexLockedError(PostsearchError):
    """Another indexer holds the index's write lock."""


class IndexWriteError(PostsearchError):
    """The store could not write (no space left, a read-only or failing disk)."""


class WhooshInternalsError(PostsearchError):
    """The installed Whoosh is not the one whose internals postsearch reads; the index
    cannot be read or written safely."""


class BackendUnavailableError(PostsearchError):
    """The search engine's cluster could not be reached, refused the key, or kept refusing
    a write past the retry deadline; nothing after the last commit is reported as done."""
