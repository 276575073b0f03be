"""`TypesensePostStore`: the PostStore of a Typesense cluster, behind an alias.

The posts live in a versioned collection (`posts_1765…`) that the alias (`posts`) points
at; searches go through the alias. What a batch does with it:

- **Incremental** (the default): upserts and deletes go by URL id. They are kept in a spool
  file until the batch ends, then sent; an error inside the batch sends nothing, so the
  cluster stays as it was. Typesense has no multi-document transaction, so while the
  batch is being sent (a second or two for a few hundred posts) searches may see part of
  it, never a post half-written.
- **Rebuild** (`--full`, or the first run): the posts go into a new collection that no
  search sees; once it is complete the alias is switched to it in one step, and the old
  collection is dropped. Searches see the old posts or the new ones, never an empty or
  half-built index. An error drops the new collection and leaves the alias as it was.

Writes are retried while the cluster refuses them (no leader after a node died) and
never reported done until acknowledged (`typesense_cluster.retrying`). A commit ends by
bumping a generation in a small meta collection and waiting until every reachable node
has applied it, so the next search, wherever it goes, sees the commit. The crawl state
and the site template stay in a local state directory, locked against a second indexer.
"""

from __future__ import annotations

import fcntl
import json
import tempfile
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from types import TracebackType
from typing import IO

from typesense import exceptions as ts

from indexer.errors import IndexLockedError, IndexWriteError, SchemaMismatchError
from indexer.index.typesense_cluster import (
    TypesenseCluster,
    alias_target,
    read_generation,
    retrying,
    wait_for_nodes,
    write_generation,
)
from indexer.index.typesense_docs import (
    collection_schema,
    document_id,
    post_document,
    query_terms,
    schema_differences,
)
from indexer.records import Post

IMPORT_BATCH = 100  # documents per import request (a few MB of post text at most)
LOCK_NAME = "typesense.lock"
# After the alias has moved, searches already under way on the old collection finish.
DROP_GRACE = 1.0


class TypesensePostStore:
    """A PostStore over a Typesense alias; `state_dir` keeps the crawl state and the lock."""

    def __init__(
        self,
        cluster: TypesenseCluster,
        state_dir: Path,
        lock_timeout: float = 0.0,
        rebuild: bool = False,
        synonyms: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.cluster = cluster
        self.state_dir: Path | None = Path(state_dir)
        self.lock_timeout = lock_timeout
        self.rebuild = rebuild
        self.synonyms = synonyms
        self.generation: int | None = None
        self._committed: str | None = None  # the collection behind the alias at the start
        self._building: str | None = None  # a new collection, swapped in at the commit
        self._spool: IO[str] | None = None
        self._count = 0
        self._lock: IO[bytes] | None = None
        self._lagging: list[str] = []

    # -- the batch ---------------------------------------------------------------------

    def __enter__(self) -> TypesensePostStore:
        self._lock = _take_lock(self.state_dir, self.lock_timeout)
        try:
            self._begin()
        except BaseException:
            self._release()
            raise
        return self

    def _begin(self) -> None:
        read = self.cluster.read
        self._committed = read("opening the collection", self._alias_target)
        self.generation = read("opening the collection", self._read_generation)
        if self._committed and not self.rebuild:
            described = read(
                "opening the collection", lambda c: c.collections[self._committed].retrieve()
            )
            self._check_schema(self._committed, described["fields"])
            self._count = described["num_documents"]
        if self._committed is None or self.rebuild:
            self._building = f"{self.cluster.alias}_{time.time_ns()}"
            retrying(self.cluster, "creating a collection", self._create_building)
        # Closed in __exit__: the spool lives as long as the batch.
        self._spool = tempfile.TemporaryFile("w+", encoding="utf-8", dir=self.state_dir)  # noqa: SIM115

    def _alias_target(self, client) -> str | None:
        return alias_target(client, self.cluster.alias)

    def _read_generation(self, client) -> int:
        return read_generation(client, self.cluster)

    def _create_building(self, client) -> None:
        with suppress(ts.ObjectAlreadyExists):  # made by an attempt whose answer was lost
            client.collections.create(collection_schema(self._building))

    def _check_schema(self, name: str, fields: list[dict]) -> None:
        problems = schema_differences(fields)
        if problems:
            raise SchemaMismatchError(
                f"the Typesense collection {name} (alias {self.cluster.alias}) has another "
                f"schema than this postsearch writes ({'; '.join(problems[:3])}); rebuild it "
                "with `postsearch index SOURCE --full`"
            )

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self._commit()
            else:
                self._abandon()
        finally:
            if self._spool is not None:
                self._spool.close()
                self._spool = None
            self._release()

    def _commit(self) -> None:
        target = self._building or self._committed
        self._send_spool(target)
        self._send_synonyms(target)
        if self._building:
            alias = {"collection_name": self._building}
            retrying(
                self.cluster,
                "switching the alias",
                lambda client: client.aliases.upsert(self.cluster.alias, alias),
            )
        generation = (self.generation or 0) + 1
        retrying(
            self.cluster,
            "recording the commit",
            lambda client: write_generation(client, self.cluster, generation),
        )
        self.generation = generation
        self._lagging = wait_for_nodes(self.cluster, generation)
        if self._building and self._committed:
            time.sleep(DROP_GRACE)
            self._drop(self._committed)
        self._building = None

    def _abandon(self) -> None:
        if self._building:
            self._drop(self._building)
            self._building = None

    def _drop(self, name: str) -> None:
        with suppress(Exception):  # a leftover collection is harmless; never fail a commit
            retrying(
                self.cluster,
                f"dropping collection {name}",
                lambda client: client.collections[name].delete(),
            )

    def _release(self) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    # -- writes -------------------------------------------------------------------------

    def replace(self, post: Post) -> None:
        self._require_batch().write(json.dumps(["upsert", post_document(post)]) + "\n")

    def delete(self, url: str) -> None:
        self._require_batch().write(json.dumps(["delete", document_id(url)]) + "\n")

    def contains(self, url: str) -> bool:
        self._require_batch()
        if self._committed is None:
            return False
        return self.cluster.read(
            "looking up a post", lambda client: has_document(client, self._committed, url)
        )

    def doc_count(self) -> int:
        self._require_batch()
        return self._count

    def after_commit(self) -> list[str]:
        """Nodes that had not applied the commit when it returned (they catch up)."""
        lagging, self._lagging = self._lagging, []
        return [
            f"Typesense node {url} had not applied the commit after waiting; it will catch "
            "up by itself (check it with `postsearch doctor`)"
            for url in lagging
        ]

    def _require_batch(self) -> IO[str]:
        if self._spool is None:
            raise RuntimeError("use TypesensePostStore inside a `with` block")
        return self._spool

    def _send_spool(self, collection: str) -> None:
        """Send the batch's writes in order: runs of upserts as imports, deletes one by one."""
        for kind, items in _runs(self._spool):
            if kind == "upsert":
                for start in range(0, len(items), IMPORT_BATCH):
                    self._import(collection, items[start : start + IMPORT_BATCH])
            else:
                for doc_id in items:
                    self._delete_id(collection, doc_id)

    def _import(self, collection: str, documents: list[dict]) -> None:
        pending = documents
        while pending:
            results = retrying(
                self.cluster,
                "writing posts",
                lambda client, batch=pending: client.collections[collection].documents.import_(
                    batch, {"action": "upsert"}
                ),
            )
            refused = [(d, r) for d, r in zip(pending, results, strict=True) if not r["success"]]
            for document, result in refused:
                if int(result.get("code", 500)) < 500:
                    raise IndexWriteError(
                        f"Typesense refused the post {document['url']}: {result.get('error')}"
                    )
            pending = [document for document, _ in refused]
            if pending:
                time.sleep(0.25)  # refused by a node in trouble: try those again

    def _delete_id(self, collection: str, doc_id: str) -> None:
        def delete(client) -> None:
            with suppress(ts.ObjectNotFound):  # already gone: the outcome wanted
                client.collections[collection].documents[doc_id].delete()

        retrying(self.cluster, "deleting a post", delete)

    def _send_synonyms(self, collection: str) -> None:
        """The config's synonyms, on the collection searches will use (see sync_synonyms)."""
        retrying(
            self.cluster,
            "sending synonyms",
            lambda client: sync_synonyms(
                client, collection, self.synonyms, fresh=collection == self._building
            ),
        )


def sync_synonyms(
    client, collection: str, pairs: tuple[tuple[str, str], ...], fresh: bool = False
) -> None:
    """Make the collection's synonyms the config's: each pair a multi-way synonym of the
    analysed words (the index holds stems), named `postsearch-…`; stale ones removed. A
    `fresh` collection has none yet (and a follower may not know it yet: not read)."""
    wanted = {}
    for left, right in pairs:
        words = [" ".join(query_terms(side)) for side in (left, right)]
        if all(words) and words[0] != words[1]:
            wanted[f"postsearch-{document_id(left + '=' + right)[:16]}"] = words
    synonyms = client.collections[collection].synonyms
    existing = set() if fresh else {s["id"] for s in synonyms.retrieve().get("synonyms", [])}
    for name in existing - set(wanted):
        if name.startswith("postsearch-"):
            synonyms[name].delete()
    for name, words in wanted.items():
        if name not in existing:
            synonyms.upsert(name, {"synonyms": words})


def has_document(client, collection: str, url: str) -> bool:
    """Whether `collection` (or the collection behind an alias) holds a post under `url`."""
    try:
        client.collections[collection].documents[document_id(url)].retrieve()
    except ts.ObjectNotFound:
        return False
    return True


def _runs(spool: IO[str]) -> Iterator[tuple[str, list]]:
    """The spooled writes as runs of one kind, in the order they were made."""
    spool.seek(0)
    kind, items = None, []
    for line in spool:
        op, item = json.loads(line)
        if op != kind and items:
            yield kind, items
            items = []
        kind = op
        items.append(item)
    if items:
        yield kind, items


def _take_lock(state_dir: Path, timeout: float) -> IO[bytes]:
    """The local writer's lock (one indexer per state directory), waiting up to `timeout`."""
    state_dir.mkdir(parents=True, exist_ok=True)
    handle = open(state_dir / LOCK_NAME, "ab")  # noqa: SIM115 (held for the whole batch)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError as error:
            if time.monotonic() >= deadline:
                handle.close()
                raise IndexLockedError(
                    f"{state_dir} is being written by another indexer (waited {timeout:g} s); "
                    "try again when it has finished"
                ) from error
            time.sleep(0.1)
