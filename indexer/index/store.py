"""The write side of the index, behind one interface: `PostStore`.

The pipeline only ever talks to a `PostStore`, so a second backend (a distributed engine
for sites that outgrow one machine) can be added without touching extraction or the web
layer. `WhooshPostStore` is the one we ship: a batch is one Whoosh writer, committed on
success and cancelled on error, so a failed run leaves the previous index as it was.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from types import TracebackType
from typing import Protocol

from whoosh.index import LockError
from whoosh.writing import CLEAR, IndexWriter

from indexer.errors import IndexLockedError
from indexer.index.listfiles import write_missing_lists
from indexer.index.manifest import SCHEMA_VERSION, read_manifest, write_manifest
from indexer.index.schema import (
    KIND_FIELD,
    body_field,
    body_value,
    build_schema,
    kind_field,
    pack_text,
    title_field,
)
from indexer.index.storage import fsync_path, open_existing, open_or_create, sync_manifest
from indexer.index.whoosh_writer import PostWriter
from indexer.records import POST_KIND, Post

# Memory for the writer's postings pool before it sorts runs out to disk; at 128 MB the
# spills took a third of a 1,200-post build (profiled with py-spy, bench/build.py).
WRITER_MEMORY_MB = 512


class PostStore(Protocol):
    """What the indexing pipeline needs from an index backend.

    One batch of writes per `with` block: committed when the block ends normally, cancelled
    when it raises, so searches see the index before the batch or after it, never half.
    `contains` and `doc_count` answer for the committed index as it was when the batch
    began. `generation` names that committed index while the batch runs and the new one
    after the commit (the crawl state records it, to know whether it matches the index).
    """

    rebuild: bool  # this batch replaces the whole index (`--full`)
    state_dir: Path | None  # where runs keep their crawl state and the site template
    generation: int | None

    def __enter__(self) -> PostStore: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def replace(self, post: Post) -> None:
        """Add `post`, or replace the post already stored under its URL."""

    def delete(self, url: str) -> None:
        """Remove the post stored under `url`, if any."""

    def contains(self, url: str) -> bool:
        """Whether the committed index holds a post under `url`."""

    def doc_count(self) -> int:
        """How many posts the committed index holds."""

    def after_commit(self) -> list[str]:
        """Work after the commit and the crawl state's save that only speeds searching up;
        returns warnings for what could not be done (the posts are indexed either way)."""


def post_document(post: Post) -> dict:
    """The Whoosh document for a post (see `indexer.index.schema` for each field's purpose)."""
    taxonomy = [*post.categories, *post.tags]
    document = {
        "url": post.url,
        "summary": post.summary,
        "display": {
            "title": post.title,
            "author": post.author,
            "categories": list(post.categories),
            "tags": list(post.tags),
            # Where each heading's section starts in the body, for a result's deep links.
            "sections": [[s.offset, s.title, s.anchor] for s in post.sections],
        },
        "language": post.language,
        KIND_FIELD: post.kind,
        "content": pack_text(post.body),
        "category": ",".join(_keyword(c) for c in post.categories),
        "tag": ",".join(_keyword(t) for t in post.tags),
        "taxonomy": " ".join(taxonomy),
        title_field(post.language): post.title,
        body_field(post.language): body_value(post.title, post.body),
    }
    if post.author:
        document["author"] = post.author
        document["author_name"] = post.author
    if post.date and post.kind == POST_KIND:  # a page is timeless: never in date order
        document["date"] = datetime.combine(post.date, time())
    return document


def _keyword(value: str) -> str:
    # Commas separate keywords in the index; a name holding one must not split in two.
    return value.replace(",", " ").strip()


class WhooshPostStore:
    """A PostStore over a Whoosh index directory, which also holds the crawl state.

    With `rebuild=True` the batch replaces the whole index: the one writer commits with
    Whoosh's CLEAR merge, which drops every earlier segment in the same TOC rename that
    publishes the new one, so searchers see the old index or the new, never an empty one.
    """

    def __init__(self, index_dir: Path, lock_timeout: float = 0.0, rebuild: bool = False) -> None:
        self.index_dir = Path(index_dir)
        self.state_dir: Path | None = self.index_dir
        self.lock_timeout = lock_timeout
        self.rebuild = rebuild
        self.generation: int | None = None
        self._writer: IndexWriter | None = None
        self._languages: set[str] = set()
        # A searcher of the committed index, for contains: the writer's own reader sees the
        # batch's deletions (a replaced post would look absent), and a term's document
        # frequency counts deleted posts until a merge (a deleted post would look present).
        self._before = None
        self._count_before = 0

    def __enter__(self) -> WhooshPostStore:
        index = open_or_create(self.index_dir)
        try:
            self._writer = PostWriter(
                index,
                # A rebuild writes the current schema, whatever version the index had.
                schema=build_schema() if self.rebuild else None,
                timeout=self.lock_timeout,
                limitmb=WRITER_MEMORY_MB,
            )
        except LockError as error:
            raise IndexLockedError(
                f"{self.index_dir} is being written by another indexer "
                f"(waited {self.lock_timeout:g} s); try again when it has finished"
            ) from error
        if KIND_FIELD not in self._writer.schema:  # written before pages were indexed
            self._writer.add_field(KIND_FIELD, kind_field())
        manifest = read_manifest(self.index_dir, missing_ok=True) or {}
        self._languages = set() if self.rebuild else set(manifest.get("languages", []))
        self.generation = index.latest_generation()
        self._before = index.searcher()
        self._count_before = self._before.doc_count()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        writer, self._writer = self._writer, None
        if writer is None:
            return
        if self._before is not None:
            self._before.close()
            self._before = None
        if exc_type is not None:
            writer.cancel()
            return
        if self.rebuild:
            writer.commit(mergetype=CLEAR)
        else:
            writer.commit()
        committed = open_existing(self.index_dir)
        self.generation = committed.latest_generation()
        with committed.searcher() as searcher:
            write_manifest(
                self.index_dir,
                schema_version=SCHEMA_VERSION if self.rebuild else None,
                languages=sorted(self._languages),
                doc_count=searcher.doc_count(),
            )
        sync_manifest(self.index_dir)

    def after_commit(self) -> list[str]:
        """Write the list files of segments that lack a good one (indexer.index.listfiles).

        Searches read long lists from these files; until they exist (a moment after the
        commit) they read Whoosh's blocks, just slower. A failure is a warning: the posts
        are indexed, and the next run writes the files again.
        """
        try:
            if write_missing_lists(open_existing(self.index_dir)):
                fsync_path(self.index_dir)
        except Exception as error:  # the commit stands, whatever went wrong here
            return [
                f"{self.index_dir}: the posts are indexed and searchable, but the list files "
                f"that speed up searching could not be written ({type(error).__name__}: "
                f"{error}); the next `postsearch index` run writes them"
            ]
        return []

    def replace(self, post: Post) -> None:
        self._require_writer().update_document(**post_document(post))
        self._languages.add(post.language)

    def delete(self, url: str) -> None:
        self._require_writer().delete_by_term("url", url)

    def contains(self, url: str) -> bool:
        self._require_writer()
        return self._before is not None and self._before.document_number(url=url) is not None

    def doc_count(self) -> int:
        self._require_writer()
        return self._count_before

    def _require_writer(self) -> IndexWriter:
        if self._writer is None:
            raise RuntimeError("use WhooshPostStore inside a `with` block")
        return self._writer
