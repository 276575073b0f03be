"""The write side of the index, behind a small interface: replace a post, delete a post.

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

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.writing import IndexWriter

from indexer.errors import IndexLockedError, IndexMissingError
from indexer.records import Post
from indexer.schema import (
    body_field,
    build_schema,
    check_manifest,
    read_manifest,
    title_field,
    write_manifest,
)


class PostStore(Protocol):
    """What the indexing pipeline needs from an index backend (used as a context manager)."""

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


def post_document(post: Post) -> dict:
    """The Whoosh document for a post (see `indexer.schema` for what each field is for)."""
    taxonomy = [*post.categories, *post.tags]
    document = {
        "url": post.url,
        "summary": post.summary,
        "display": {
            "title": post.title,
            "author": post.author,
            "categories": list(post.categories),
            "tags": list(post.tags),
        },
        "language": post.language,
        "content": post.body,
        "category": ",".join(_keyword(c) for c in post.categories),
        "tag": ",".join(_keyword(t) for t in post.tags),
        "taxonomy": " ".join(taxonomy),
        title_field(post.language): post.title,
        body_field(post.language): post.body,
    }
    if post.author:
        document["author"] = post.author
    if post.date:
        document["date"] = datetime.combine(post.date, time())
    return document


def _keyword(value: str) -> str:
    # Commas separate keywords in the index; a name holding one must not split in two.
    return value.replace(",", " ").strip()


def open_or_create(index_dir: Path) -> whoosh_index.Index:
    """Open the index at `index_dir`, creating it (and its manifest) when there is none."""
    if whoosh_index.exists_in(str(index_dir)):
        check_manifest(index_dir)
        return whoosh_index.open_dir(str(index_dir))
    index_dir.mkdir(parents=True, exist_ok=True)
    created = whoosh_index.create_in(str(index_dir), build_schema())
    write_manifest(index_dir, languages=[])
    return created


def open_existing(index_dir: Path) -> whoosh_index.Index:
    """Open an index that must already exist (for searching)."""
    if not whoosh_index.exists_in(str(index_dir)):
        raise IndexMissingError(
            f"no index at {index_dir}: build one with `postsearch index SOURCE --index {index_dir}`"
        )
    check_manifest(index_dir)
    return whoosh_index.open_dir(str(index_dir))


class WhooshPostStore:
    """A PostStore over a Whoosh index directory; one batch of writes per `with` block."""

    def __init__(self, index_dir: Path, lock_timeout: float = 0.0) -> None:
        self.index_dir = Path(index_dir)
        self.lock_timeout = lock_timeout
        self._writer: IndexWriter | None = None
        self._languages: set[str] = set()

    def __enter__(self) -> WhooshPostStore:
        index = open_or_create(self.index_dir)
        try:
            self._writer = index.writer(timeout=self.lock_timeout, limitmb=128)
        except LockError as error:
            raise IndexLockedError(
                f"{self.index_dir} is being written by another indexer "
                f"(waited {self.lock_timeout:g} s); try again when it has finished"
            ) from error
        manifest = read_manifest(self.index_dir, missing_ok=True) or {}
        self._languages = set(manifest.get("languages", []))
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
        if exc_type is not None:
            writer.cancel()
            return
        writer.commit()
        with open_existing(self.index_dir).searcher() as searcher:
            write_manifest(
                self.index_dir,
                languages=sorted(self._languages),
                doc_count=searcher.doc_count(),
            )

    def replace(self, post: Post) -> None:
        self._require_writer().update_document(**post_document(post))
        self._languages.add(post.language)

    def delete(self, url: str) -> None:
        self._require_writer().delete_by_term("url", url)

    def _require_writer(self) -> IndexWriter:
        if self._writer is None:
            raise RuntimeError("use WhooshPostStore inside a `with` block")
        return self._writer
