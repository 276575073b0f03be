"""Talking to a Typesense cluster: the client, clear errors, retried writes, each node's view.

Both sides of postsearch use this module: the store to write, the search backend to read,
`postsearch doctor` to report. The official client (`typesense`) spreads requests over
every configured node and moves on from a node that fails; on top of it:

- errors become one typed error each, naming the nodes and what to do (unreachable, wrong
  key), instead of a client exception or a stack trace;
- a write is retried until it is acknowledged or a deadline passes: while a new leader is
  elected (5-9 s after a leader dies) every node refuses writes, and a write that was
  refused is never reported as done;
- a node can be asked directly what it holds, because followers apply a write a moment
  after the leader acknowledged it: the store waits until every reachable node has
  applied a commit before it returns, so what it wrote is what the next search sees.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar
from urllib.parse import urlsplit

import httpx
import typesense
from typesense import exceptions as ts

from indexer.errors import BackendUnavailableError

T = TypeVar("T")

# A node that does not answer within this is taken as down (the client tries the next).
CONNECTION_TIMEOUT = 2.0
# How long a write may keep being refused (an election, a restart) before the run fails.
WRITE_DEADLINE = 60.0
RETRY_PAUSE = 0.25
# How long a commit waits for each reachable node to have applied it.
CATCH_UP_TIMEOUT = 15.0
META_ID = "state"

_TRANSIENT = (
    ts.ServerError,
    ts.ServiceUnavailable,
    ts.HTTPStatus0Error,
    ts.Timeout,
    httpx.TransportError,
)
_REFUSED_KEY = (ts.RequestUnauthorized, ts.RequestForbidden)


@dataclass(frozen=True)
class TypesenseCluster:
    """Where the cluster is and which alias holds the posts: all a client needs."""

    nodes: tuple[str, ...]
    api_key: str
    alias: str = "posts"
    key_source: str = "the API key"  # how messages name where the key came from

    @property
    def meta_name(self) -> str:
        """The small collection holding the generation of the posts behind the alias."""
        return f"{self.alias}_meta"

    def client(self) -> typesense.Client:
        """The process's client of these nodes: requests go round the healthy ones."""
        if not self.api_key:
            raise BackendUnavailableError(f"no Typesense API key: set {self.key_source}")
        return _client(self.nodes, self.api_key)

    def describe(self) -> str:
        return ", ".join(self.nodes)


def _not_a_rename_note(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("Deprecation warning")


# The client logs a note on each API renamed in Typesense v30, onto the terminal of every
# command; postsearch keeps to what 0.24 and current releases share on purpose (collection
# synonyms among them), so the notes say nothing a user can act on.
logging.getLogger("typesense").addFilter(_not_a_rename_note)


@lru_cache(maxsize=16)
def _client(nodes: tuple[str, ...], api_key: str) -> typesense.Client:
    """One client per node list and key, shared by the threads and stores of a process:
    it keeps its connections open and remembers which nodes failed (thread-safe: httpx)."""
    return typesense.Client(
        {
            "nodes": [_node(url) for url in nodes],
            "api_key": api_key,
            "connection_timeout_seconds": CONNECTION_TIMEOUT,
            "num_retries": 3,
            "retry_interval_seconds": 0.1,
            "healthcheck_interval_seconds": 2,
        }
    )


def _node(url: str) -> dict:
    parts = urlsplit(url)
    return {"host": parts.hostname, "port": str(parts.port), "protocol": parts.scheme}


def is_transient(error: BaseException) -> bool:
    """Whether `error` may pass by itself (a node down, an election), so a retry may work."""
    if isinstance(error, _TRANSIENT):
        return True
    # The client's own words when every node is marked unhealthy.
    return type(error) is ts.TypesenseClientError and "unhealthy" in str(error)


@contextmanager
def cluster_errors(cluster: TypesenseCluster, doing: str) -> Iterator[None]:
    """Turn the client's exceptions into BackendUnavailableError with a message for people."""
    try:
        yield
    except _REFUSED_KEY as error:
        raise BackendUnavailableError(
            f"Typesense refused the API key while {doing} ({cluster.describe()}): "
            f"check {cluster.key_source}"
        ) from error
    except Exception as error:
        if not is_transient(error):
            raise
        raise BackendUnavailableError(
            f"cannot reach the Typesense cluster while {doing} ({cluster.describe()}): "
            f"{type(error).__name__}: {error or 'no answer'}"
        ) from error


def retrying(cluster: TypesenseCluster, doing: str, write: Callable[[], T]) -> T:
    """`write()` until it is acknowledged; transient refusals are retried until
    WRITE_DEADLINE, then BackendUnavailableError says the write was not done."""
    deadline = time.monotonic() + WRITE_DEADLINE
    while True:
        try:
            with cluster_errors(cluster, doing):
                return write()
        except BackendUnavailableError as error:
            if not is_transient(error.__cause__) or time.monotonic() > deadline:
                raise BackendUnavailableError(
                    f"{error}; the write was refused for {WRITE_DEADLINE:g} s and is not done"
                    if is_transient(error.__cause__)
                    else str(error)
                ) from error.__cause__
        time.sleep(RETRY_PAUSE)


def alias_target(client: typesense.Client, alias: str) -> str | None:
    """The collection behind `alias`, or None when there is none yet."""
    try:
        return client.aliases[alias].retrieve()["collection_name"]
    except ts.ObjectNotFound:
        return None


def read_generation(client: typesense.Client, cluster: TypesenseCluster) -> int:
    """The generation of the posts behind the alias (0 before the first commit)."""
    try:
        return int(
            client.collections[cluster.meta_name].documents[META_ID].retrieve()["generation"]
        )
    except ts.ObjectNotFound:
        return 0


def write_generation(client: typesense.Client, cluster: TypesenseCluster, generation: int) -> None:
    """Record a commit: written last, so a node that has it has applied all before it."""
    try:
        client.collections[cluster.meta_name].retrieve()
    except ts.ObjectNotFound:
        schema = {"name": cluster.meta_name, "fields": [{"name": "generation", "type": "int64"}]}
        with suppress(ts.ObjectAlreadyExists):
            client.collections.create(schema)
    document = {"id": META_ID, "generation": generation}
    client.collections[cluster.meta_name].documents.upsert(document)


def node_health(cluster: TypesenseCluster, url: str) -> dict:
    """One node's own answer: {"ok": bool, "state": LEADER/FOLLOWER/..., "error": str}."""
    headers = {"X-TYPESENSE-API-KEY": cluster.api_key}
    try:
        health = httpx.get(f"{url.rstrip('/')}/health", timeout=CONNECTION_TIMEOUT)
        status = httpx.get(f"{url.rstrip('/')}/status", headers=headers, timeout=CONNECTION_TIMEOUT)
    except httpx.HTTPError as error:
        return {"ok": False, "state": None, "error": f"{type(error).__name__}: {error}"}
    state = status.json().get("state") if status.status_code == 200 else None
    return {"ok": health.status_code == 200 and health.json().get("ok") is True, "state": state}


def node_generation(cluster: TypesenseCluster, url: str) -> int | None:
    """The generation one node has applied, or None when it does not answer."""
    try:
        answer = httpx.get(
            f"{url.rstrip('/')}/collections/{cluster.meta_name}/documents/{META_ID}",
            headers={"X-TYPESENSE-API-KEY": cluster.api_key},
            timeout=CONNECTION_TIMEOUT,
        )
    except httpx.HTTPError:
        return None
    if answer.status_code == 404:
        return 0
    return int(answer.json()["generation"]) if answer.status_code == 200 else None


def wait_for_nodes(cluster: TypesenseCluster, generation: int) -> list[str]:
    """Wait until every node that answers has applied `generation`; the nodes that had
    not within CATCH_UP_TIMEOUT (a node that does not answer is not waited for)."""
    deadline = time.monotonic() + CATCH_UP_TIMEOUT
    lagging = list(cluster.nodes)
    while lagging and time.monotonic() < deadline:
        seen = {url: node_generation(cluster, url) for url in lagging}
        lagging = [url for url, have in seen.items() if have is not None and have < generation]
        if lagging:
            time.sleep(0.05)
    return lagging
