"""Talking to a Typesense cluster: the client, clear errors, retried writes, each node's view.

Both sides of postsearch use this module: the store to write, the search backend to read,
`postsearch doctor` to report. The official client (`typesense`) spreads requests over
every configured node and moves on from a node that fails; on top of it:

- errors become one typed error each, naming the nodes and what to do (unreachable, wrong
  key), instead of a client exception or a stack trace;
- a write is retried until it is acknowledged or a deadline passes: while the cluster has
  no leader every node refuses writes, and a write that was refused is never reported as
  done;
- a writer that finds the leader gone asks a live node to hold an election at once (see
  `NodeRing.ask_for_election`), so writes resume in about 6 s instead of up to 10;
- a node can be asked directly what it holds, because followers apply a write a moment
  after the leader acknowledged it: the store waits until every reachable node has
  applied a commit before it returns, so what it wrote is what the next search sees.
"""

from __future__ import annotations

import logging
import threading
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

# A node that does not answer within this is taken as down (the next one is tried).
CONNECTION_TIMEOUT = 2.0
# How long a read goes round the nodes before it fails, and how long a node that failed
# is tried after the others.
READ_DEADLINE = 3.0
DOWN_FOR = 2.0
# How long a write may keep being refused (an election, a restart) before the run fails.
WRITE_DEADLINE = 60.0
RETRY_PAUSE = 0.25
# How often a writer may ask for an election (an asked-for one took 5.5-6.3 s).
ELECTION_ASKED_EVERY = 10.0
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
# A node that raised one of these did not answer at all (down, unreachable, stopped). A
# follower that cannot reach the leader does answer a write: with a status of 0 or 500.
_SILENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadTimeout, ts.Timeout)

LOG = logging.getLogger(__name__)


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

    def ring(self) -> NodeRing:
        """The process's clients of these nodes (see NodeRing)."""
        if not self.api_key:
            raise BackendUnavailableError(f"no Typesense API key: set {self.key_source}")
        return _ring(self.nodes, self.api_key)

    def read(self, doing: str, request: Callable[[typesense.Client], T]) -> T:
        """`request(client)` on the first node that answers; a node that fails is skipped
        and the next tried at once, for up to READ_DEADLINE (an election, a dead node)."""
        with cluster_errors(self, doing):
            return self.ring().call(request, READ_DEADLINE)

    def describe(self) -> str:
        return ", ".join(self.nodes)


def _not_a_rename_note(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("Deprecation warning")


# The client logs a note on each API renamed in Typesense v30, onto the terminal of every
# command; postsearch keeps to what 0.24 and current releases share on purpose (collection
# synonyms among them), so the notes say nothing a user can act on.
logging.getLogger("typesense").addFilter(_not_a_rename_note)


class NodeRing:
    """One official client per node, and the rotation between them.

    The client's own rotation marks a node unhealthy for a couple of seconds after any
    5xx, and when all are marked it keeps returning one node (the dead one, in a fail-over
    measured here): searches then failed for seconds while two nodes were up. So each
    node gets a client of its own (no retries), requests start at the next node in turn,
    nodes that failed in the last DOWN_FOR seconds are tried last, and a transient failure
    moves on to the next node at once. Shared by the threads of a process (httpx is
    thread-safe; the bookkeeping is a lock and two lists).
    """

    def __init__(self, nodes: tuple[str, ...], api_key: str) -> None:
        self.clients = [
            typesense.Client(
                {
                    "nodes": [_node(url)],
                    "api_key": api_key,
                    "connection_timeout_seconds": CONNECTION_TIMEOUT,
                    "num_retries": 0,
                }
            )
            for url in nodes
        ]
        self.nodes, self.api_key = nodes, api_key
        self._down_until = [0.0] * len(nodes)
        self._election_asked = float("-inf")
        self._turn = 0
        self._lock = threading.Lock()

    def order(self) -> list[int]:
        """Node indexes to try: from the next in turn, nodes that failed lately last."""
        with self._lock:
            start, self._turn = self._turn, (self._turn + 1) % len(self.clients)
        now = time.monotonic()
        turn = [(start + i) % len(self.clients) for i in range(len(self.clients))]
        return sorted(turn, key=lambda i: self._down_until[i] > now)

    def call(
        self, request: Callable[[typesense.Client], T], within: float, *, write: bool = False
    ) -> T:
        """`request(client)` on each node in `order()` until one answers; rounds again
        after RETRY_PAUSE until `within` seconds have passed, then raises the last error.
        For a write, a round in which some nodes did not answer and the others refused
        asks for an election (the leader is among the silent ones)."""
        deadline = time.monotonic() + within
        while True:
            silent, refusing = [], []
            for index in self.order():
                try:
                    result = request(self.clients[index])
                except Exception as error:
                    if not is_transient(error):
                        raise
                    self._down_until[index] = time.monotonic() + DOWN_FOR
                    (silent if isinstance(error, _SILENT) else refusing).append(index)
                    last = error
                    continue
                self._down_until[index] = 0.0
                return result
            if write and silent and refusing:
                self.ask_for_election(min(refusing), silent)
            if time.monotonic() >= deadline:
                raise last
            time.sleep(RETRY_PAUSE)

    def ask_for_election(self, candidate: int, silent: list[int]) -> bool:
        """Ask node `candidate` to stand for leader now; whether it was asked.

        Typesense 0.24 elects a new leader only when a follower's election timer fires
        (every 5-6 s, fixed) after the old leader's lease ran out: writes came back
        5.9-10.0 s after a SIGKILL of the leader on loopback. A node asked through
        `POST /operations/vote` stands when its timer next fires: 5.5-6.3 s
        (bench/typesense_failover.py). It is asked only when no node
        that answers says it is the leader, at most once per ELECTION_ASKED_EVERY, and
        always the first such node in the configured order, so that several writers ask
        the same one.
        """
        now = time.monotonic()
        with self._lock:
            if now < self._election_asked + ELECTION_ASKED_EVERY:
                return False
            self._election_asked = now
        answering = [i for i in range(len(self.nodes)) if i not in silent]
        if any(_node_state(self.nodes[i], self.api_key) == "LEADER" for i in answering):
            return False
        try:
            self.clients[candidate].operations.perform("vote")
        except Exception as error:  # a node in trouble: the engine still elects on its own
            LOG.info("asking %s for an election failed: %s", self.nodes[candidate], error)
            return False
        LOG.warning(
            "no Typesense leader answers (%s silent); asked %s to hold an election",
            ", ".join(self.nodes[i] for i in silent),
            self.nodes[candidate],
        )
        return True


def _node_state(url: str, api_key: str) -> str | None:
    """What one node says it is (LEADER, FOLLOWER, CANDIDATE...), or None if it is silent."""
    try:
        answer = httpx.get(
            f"{url.rstrip('/')}/status",
            headers={"X-TYPESENSE-API-KEY": api_key},
            timeout=CONNECTION_TIMEOUT,
        )
        return answer.json().get("state") if answer.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        return None


@lru_cache(maxsize=16)
def _ring(nodes: tuple[str, ...], api_key: str) -> NodeRing:
    return NodeRing(nodes, api_key)


def _node(url: str) -> dict:
    parts = urlsplit(url)
    return {"host": parts.hostname, "port": str(parts.port), "protocol": parts.scheme}


def is_transient(error: BaseException) -> bool:
    """Whether `error` may pass by itself (a node down, an election), so a retry may work."""
    if isinstance(error, _TRANSIENT):
        return True
    # The client's words when every node is marked unhealthy, or when a node answered an
    # import with an empty body (seen from 0.24 under load): an upsert may be sent again.
    return type(error) is ts.TypesenseClientError and (
        "unhealthy" in str(error) or "Invalid response" in str(error)
    )


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


def retrying(cluster: TypesenseCluster, doing: str, write: Callable[[typesense.Client], T]) -> T:
    """`write(client)` until a node acknowledges it; while every node refuses (no leader,
    an election), rounds again until WRITE_DEADLINE, then raises
    BackendUnavailableError saying the write was not done."""
    try:
        with cluster_errors(cluster, doing):
            return cluster.ring().call(write, WRITE_DEADLINE, write=True)
    except BackendUnavailableError as error:
        if not is_transient(error.__cause__):
            raise
        raise BackendUnavailableError(
            f"{error}; writes were refused for {WRITE_DEADLINE:g} s: not done"
        ) from error.__cause__


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
    try:
        health = httpx.get(f"{url.rstrip('/')}/health", timeout=CONNECTION_TIMEOUT)
    except httpx.HTTPError as error:
        return {"ok": False, "state": None, "error": f"{type(error).__name__}: {error}"}
    ok = health.status_code == 200 and health.json().get("ok") is True
    return {"ok": ok, "state": _node_state(url, cluster.api_key)}


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
