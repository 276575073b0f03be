"""Opening an index directory, and writing it so that a crash or power cut cannot break it.

Whoosh never fsyncs, so a power cut after a commit could leave a TOC that names segment
files whose blocks never reached the disk. `DurableFileStorage` fsyncs every file the
writer created (segments, then the new TOC) before the TOC's rename, and the directory
after it: at any moment the index on disk is the previous commit or the new one.

Every open checks the manifest first (indexer.index.manifest) and the installed Whoosh
(indexer.index.whoosh_internals), so an index this version cannot read is refused with
the command that rebuilds it, before anything is unpickled.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from indexer.errors import IndexMissingError, SchemaMismatchError
from indexer.index.manifest import MANIFEST_NAME, REBUILD_HINT, check_manifest, write_manifest
from indexer.index.pickled_names import register_pickled_names
from indexer.index.schema import build_schema
from indexer.index.whoosh_internals import check_whoosh, index_exists, storage_path


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
            path = Path(storage_path(self, name))
            if path.exists():
                fsync_path(path)
        self._unsynced.clear()


def open_or_create(index_dir: Path) -> whoosh_index.Index:
    """Open the index at `index_dir` for writing, creating it (and its manifest) if absent."""
    check_whoosh()
    storage = DurableFileStorage(index_dir)
    if index_exists(index_dir):
        check_manifest(index_dir)
        return _opened(index_dir, storage)
    index_dir.mkdir(parents=True, exist_ok=True)
    created = storage.create_index(build_schema())
    write_manifest(index_dir, languages=[])
    sync_manifest(index_dir)
    return created


def sync_manifest(index_dir: Path) -> None:
    """Flush the manifest and its rename to the disk, so a power cut keeps it whole."""
    fsync_path(index_dir / MANIFEST_NAME)
    fsync_path(index_dir)


def open_existing(index_dir: Path | str) -> whoosh_index.Index:
    """Open an index that must already exist (for searching)."""
    index_dir = Path(index_dir)
    check_whoosh()
    if not index_exists(index_dir):
        raise IndexMissingError(
            f"no index at {index_dir}: build one with `postsearch index SOURCE --index {index_dir}`"
        )
    check_manifest(index_dir)
    # No mmap: Whoosh copies each mmapped compound segment into the heap, once per searcher,
    # so a server with 8 threads held ~1 GB at 10k posts; plain reads measured as fast.
    return _opened(index_dir, FileStorage(str(index_dir), supports_mmap=False, readonly=True))


def _opened(index_dir: Path, storage: FileStorage) -> whoosh_index.Index:
    """The index in `storage`; one whose schema names classes that cannot be loaded (a
    foreign or damaged TOC) is refused with the rebuild command, not a traceback."""
    register_pickled_names()
    try:
        return storage.open_index()
    except (pickle.UnpicklingError, ImportError, AttributeError, EOFError) as error:
        raise SchemaMismatchError(
            f"{index_dir}: its schema cannot be read by this postsearch ({error}); " + REBUILD_HINT
        ) from error
