"""The write side of the index, behind a small interface: replace a post, delete a post.

The pipeline only ever talks to a `PostStore`, so a second backend (a distributed engine
for sites that outgrow one machine) can be added without touching extraction or the web
layer. `WhooshPostStore` is the one we ship: a batch is one Whoosh writer, committed on
success and cancelled on error, so a failed run leaves the previous index as it was.

Whoosh never fsyncs, so a power cut after a commit could leave a TOC that names segment
files whose blocks never reached the disk. `DurableFileStorage` fsyncs every file the
writer created (segments, then the new TOC) before the TOC's rename, and the directory
after it: at any moment the index on disk is the previous commit or the new one.
"""

from __future__ import annotations

import os
from datetime import datetime, time
from pathlib import Path
from types import TracebackType
from typing import Protocol

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.writing import CLEAR, IndexWriter

from indexer.errors import IndexLockedError, IndexMissingError, ListFilesError
from indexer.index.listfiles import write_missing_lists
from indexer.index.schema import (
    MANIFEST_NAME,
    body_field,
    build_schema,
    check_manifest,
    pack_text,
    read_manifest,
    title_field,
    write_manifest,
)
from indexer.records import Post

# Memory for the writer's postings pool before it sorts runs out to disk; at 128 MB the
# spills took a third of a 1,200-post build (profiled with py-spy, bench/build.py).
WRITER_MEMORY_MB = 512


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
        "content": pack_text(post.body),
        "category": ",".join(_keyword(c) for c in post.categories),
        "tag": ",".join(_keyword(t) for t in post.tags),
        "taxonomy": " ".join(taxonomy),
        title_field(post.language): post.title,
        # The title is part of the post's text too: a word in the title and the body is one
        # word said twice, as a reader sees it (the title field adds its own small bonus).
        body_field(post.language): f"{post.title}\n{post.body}",
    }
    if post.author:
        document["author"] = post.author
        document["author_name"] = post.author
    if post.date:
        document["date"] = datetime.combine(post.date, time())
    return document


def _keyword(value: str) -> str:
    # Commas separate keywords in the index; a name holding one must not split in two.
    return value.replace(",", " ").strip()


def fsync_path(path: Path) -> None:
    """Flush one file, or a directory's entries, to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class DurableFileStorage(FileStorage):
    """A Whoosh FileStorage whose commits survive a crash or a power cut.

    Whoosh writes a commit as new segment files, then a TOC under a temporary name that
    it renames into place; the rename is the commit. We remember every file created and
    fsync them all (the TOC last) just before that rename, then fsync the directory so
    the rename itself is on disk.
    """

    def __init__(self, path: str | Path) -> None:
        super().__init__(str(path))
        self._unsynced: set[str] = set()

    def create_file(self, name, excl=False, mode="wb", **kwargs):
        self._unsynced.add(name)
        return super().create_file(name, excl=excl, mode=mode, **kwargs)

    def rename_file(self, oldname, newname, safe=False):
        if ".toc" in newname:
            self.sync_created(last=oldname)
        super().rename_file(oldname, newname, safe=safe)
        fsync_path(Path(self.folder))

    def sync_created(self, last: str | None = None) -> None:
        """fsync every file this storage created that still exists, `last` at the end."""
        names = sorted(self._unsynced - {last}) + ([last] if last else [])
        for name in names:
            path = Path(self._fpath(name))
            if path.exists():
                fsync_path(path)
        self._unsynced.clear()


def open_or_create(index_dir: Path) -> whoosh_index.Index:
    """Open the index at `index_dir` for writing, creating it (and its manifest) if absent."""
    storage = DurableFileStorage(index_dir)
    if whoosh_index.exists_in(str(index_dir)):
        check_manifest(index_dir)
        return storage.open_index()
    index_dir.mkdir(parents=True, exist_ok=True)
    created = storage.create_index(build_schema())
    write_manifest(index_dir, languages=[])
    _sync_manifest(index_dir)
    return created


def _sync_manifest(index_dir: Path) -> None:
    # schema.write_manifest renames without fsync; flush it so a power cut keeps it whole.
    fsync_path(index_dir / MANIFEST_NAME)
    fsync_path(index_dir)


def open_existing(index_dir: Path) -> whoosh_index.Index:
    """Open an index that must already exist (for searching)."""
    if not whoosh_index.exists_in(str(index_dir)):
        raise IndexMissingError(
            f"no index at {index_dir}: build one with `postsearch index SOURCE --index {index_dir}`"
        )
    check_manifest(index_dir)
    # No mmap: Whoosh copies each mmapped compound segment into the heap, once per searcher,
    # so a server with 8 threads held ~1 GB at 10k posts; plain reads measured as fast.
    return FileStorage(str(index_dir), supports_mmap=False, readonly=True).open_index()


class WhooshPostStore:
    """A PostStore over a Whoosh index directory; one batch of writes per `with` block.

    With `rebuild=True` the batch replaces the whole index: the one writer commits with
    Whoosh's CLEAR merge, which drops every earlier segment in the same TOC rename that
    publishes the new one, so searchers see the old index or the new, never an empty one.
    """

    def __init__(self, index_dir: Path, lock_timeout: float = 0.0, rebuild: bool = False) -> None:
        self.index_dir = Path(index_dir)
        self.lock_timeout = lock_timeout
        self.rebuild = rebuild
        self._writer: IndexWriter | None = None
        self._languages: set[str] = set()
        self.doc_count_before = 0
        self.generation_before: int | None = None
        self.generation: int | None = None
        self._before = None

    def __enter__(self) -> WhooshPostStore:
        index = open_or_create(self.index_dir)
        try:
            self._writer = index.writer(timeout=self.lock_timeout, limitmb=WRITER_MEMORY_MB)
        except LockError as error:
            raise IndexLockedError(
                f"{self.index_dir} is being written by another indexer "
                f"(waited {self.lock_timeout:g} s); try again when it has finished"
            ) from error
        manifest = read_manifest(self.index_dir, missing_ok=True) or {}
        self._languages = set() if self.rebuild else set(manifest.get("languages", []))
        self.generation_before = index.latest_generation()
        self._before = self._writer.reader()
        self.doc_count_before = self._before.doc_count()
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
                languages=sorted(self._languages),
                doc_count=searcher.doc_count(),
            )
        _sync_manifest(self.index_dir)

    def write_list_files(self) -> None:
        """Write the list files of segments that lack one (indexer.postinglists).

        Called by the pipeline after a batch and its crawl state are saved. Searches read
        long lists from these files; until they exist (a moment after the commit, or never
        for an older index) they read Whoosh's blocks, just slower.
        """
        try:
            if write_missing_lists(open_existing(self.index_dir)):
                fsync_path(self.index_dir)
        except OSError as error:
            raise ListFilesError(
                f"{self.index_dir}: the posts are indexed and searchable, but the list files "
                f"that speed up searching could not be written ({error}); the next "
                "`postsearch index` run writes them"
            ) from error

    def replace(self, post: Post) -> None:
        self._require_writer().update_document(**post_document(post))
        self._languages.add(post.language)

    def delete(self, url: str) -> None:
        self._require_writer().delete_by_term("url", url)

    def contains(self, url: str) -> bool:
        """Whether the committed index holds a post under `url` (for delete counts)."""
        self._require_writer()
        return self._before is not None and self._before.doc_frequency("url", url) > 0

    def _require_writer(self) -> IndexWriter:
        if self._writer is None:
            raise RuntimeError("use WhooshPostStore inside a `with` block")
        return self._writer
