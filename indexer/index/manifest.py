"""The manifest beside every index: which schema version wrote it, and what it holds.

`postsearch.json` is read before the index is opened (before Whoosh unpickles anything), so
an index written under a schema version this postsearch cannot read is refused with the
command that rebuilds it, instead of being served with wrong results. It also records the
languages present (a query is analysed for each) and the post count of the last commit.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from indexer import __version__
from indexer.errors import SchemaMismatchError

# The version a new index (or a rebuilt one) is written in.
SCHEMA_VERSION = 3
# The versions read and written: an index keeps its version until it is rebuilt. Version 2
# keeps the words "did you mean" offers as a spelling field's postings, version 3 in a
# vocabulary file per segment (indexer.index.wordfiles).
READABLE_SCHEMA_VERSIONS = (2, 3)
MANIFEST_NAME = "postsearch.json"
REBUILD_HINT = "rebuild it with `postsearch index SOURCE --full`"


def write_manifest(index_dir: Path, schema_version: int | None = None, **facts: object) -> None:
    """Write the manifest atomically (temp file + rename) so a reader never sees half of it.

    The schema version is `schema_version` when given (a new or rebuilt index), else the
    one already recorded.
    """
    manifest = read_manifest(index_dir, missing_ok=True) or {}
    manifest.update(facts)
    manifest.update(
        schema_version=schema_version or manifest.get("schema_version") or SCHEMA_VERSION,
        postsearch_version=__version__,
        updated=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    manifest.setdefault("created", manifest["updated"])
    handle, tmp_name = tempfile.mkstemp(dir=index_dir, prefix=".manifest-", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as tmp:
        json.dump(manifest, tmp, indent=2, sort_keys=True)
        tmp.flush()
        os.fsync(tmp.fileno())
    os.replace(tmp_name, index_dir / MANIFEST_NAME)


def read_manifest(index_dir: Path, missing_ok: bool = False) -> dict | None:
    """The manifest's contents, or None when absent and `missing_ok`."""
    path = index_dir / MANIFEST_NAME
    if not path.exists():
        if missing_ok:
            return None
        raise SchemaMismatchError(
            f"{index_dir} has no {MANIFEST_NAME}: it was not written by postsearch; " + REBUILD_HINT
        )
    return json.loads(path.read_text(encoding="utf-8"))


def check_manifest(index_dir: Path) -> dict:
    """Return the manifest, or raise if the index needs rebuilding for this version."""
    manifest = read_manifest(index_dir)
    assert manifest is not None
    found = manifest.get("schema_version")
    if found not in READABLE_SCHEMA_VERSIONS:
        readable = " or ".join(map(str, READABLE_SCHEMA_VERSIONS))
        raise SchemaMismatchError(
            f"{index_dir} has schema version {found}, this postsearch reads {readable}: "
            + REBUILD_HINT
        )
    return manifest
