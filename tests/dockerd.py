"""Debian's dockerd for the container test, on a private socket and data root.

No image registry is reachable, so the base image is made from Debian's archive with
debootstrap (the mirror apt already uses here, read from /etc/apt/sources.list*), kept as a
tarball under CACHE between runs on the same machine, and imported into the private dockerd.
At the end dockerd is stopped by PID and what it left on the host is removed: the docker0
bridge and the iptables chains it made (only those that were not there before it started).
The FORWARD policy it sets to DROP is put back as it was.
A lock file keeps two test runs on one machine from sharing docker0 at the same time.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

CACHE = Path("/var/cache/postsearch-tests")
SUITE = "bookworm"
BASE_TAG = f"local/debian:{SUITE}"
PACKAGES = "docker.io debootstrap"
CHAINS = {
    "filter": ("DOCKER", "DOCKER-ISOLATION-STAGE-1", "DOCKER-ISOLATION-STAGE-2", "DOCKER-USER"),
    "nat": ("DOCKER",),
}


def missing_docker() -> str | None:
    for program in ("dockerd", "docker", "debootstrap", "iptables"):
        if shutil.which(program) is None and not Path("/usr/sbin", program).exists():
            return f"{program} is not installed (apt-get install {PACKAGES})"
    if os.geteuid() != 0:
        return "dockerd needs root"
    return None


def debian_mirror() -> str:
    """The Debian mirror apt uses on this machine (deb822 or one-line sources)."""
    sources = sorted(Path("/etc/apt").glob("sources.list.d/*.sources"))
    sources += [Path("/etc/apt/sources.list"), *Path("/etc/apt").glob("sources.list.d/*.list")]
    for path in sources:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        for stanza in re.split(r"\n\s*\n", text):
            uri = re.search(r"^URIs:\s*(\S+)", stanza, re.M)
            suites = re.search(r"^Suites:\s*(.+)$", stanza, re.M)
            if uri and suites and SUITE in suites.group(1).split():
                return uri.group(1)
        for line in re.findall(rf"^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+{SUITE}\s", text, re.M):
            return line
    raise RuntimeError(f"no Debian {SUITE} mirror in /etc/apt/sources.list*")


class Dockerd:
    """A private dockerd; `docker(...)` runs the docker CLI against it."""

    def __init__(self) -> None:
        # Short paths: containerd's sockets live under the exec root (108-byte limit).
        self.root = Path(tempfile.mkdtemp(prefix="psd-", dir="/tmp"))
        self.socket = self.root / "docker.sock"
        self.process: subprocess.Popen | None = None
        self.timings: dict[str, float] = {}
        self._lock = None
        self._chains_before: dict[str, set[str]] = {}
        self._forward_policy = "ACCEPT"
        self._bridge_before = False

    def __enter__(self) -> Dockerd:
        self._lock = (Path(tempfile.gettempdir()) / "postsearch-dockerd.lock").open("w")
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        self._chains_before = {table: _chains(table) for table in CHAINS}
        self._forward_policy = _policy("FORWARD")  # dockerd sets it to DROP
        self._bridge_before = Path("/sys/class/net/docker0").exists()
        started = time.monotonic()
        try:
            self._start()
            self.timings["dockerd"] = time.monotonic() - started
            self._import_base()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _start(self) -> None:
        with (self.root / "dockerd.log").open("wb") as log:
            self.process = subprocess.Popen(
                [
                    shutil.which("dockerd") or "/usr/sbin/dockerd",
                    f"--host=unix://{self.socket}",
                    f"--data-root={self.root / 'data'}",
                    f"--exec-root={self.root / 'exec'}",
                    f"--pidfile={self.root / 'dockerd.pid'}",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while self.docker("info", check=False).returncode != 0:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((self.root / "dockerd.log").read_text(errors="replace"))
            time.sleep(0.2)

    def _import_base(self) -> None:
        """The debootstrapped base, from the machine's cache or made now (and cached)."""
        started = time.monotonic()
        tarball = CACHE / f"debian-{SUITE}-minbase.tar"
        if not tarball.exists():
            _debootstrap(tarball)
            self.timings["debootstrap"] = time.monotonic() - started
        started = time.monotonic()
        with tarball.open("rb") as rootfs:
            subprocess.run(
                [*self._cli(), "import", "-", BASE_TAG],
                stdin=rootfs,
                check=True,
                capture_output=True,
            )
        self.timings["import"] = time.monotonic() - started

    def _cli(self) -> list[str]:
        return [shutil.which("docker") or "docker", f"--host=unix://{self.socket}"]

    def docker(self, *args: str, check: bool = True, timeout: float = 900, **options):
        """Run `docker ARGS` against this daemon (classic builder: no BuildKit needed)."""
        env = os.environ | {"DOCKER_BUILDKIT": "0"}
        done = subprocess.run(
            [*self._cli(), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            check=False,
            **options,
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"docker {' '.join(args[:3])} failed: {done.stdout}{done.stderr}")
        return done

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # dockerd stops its containers first
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self._clean_host()
        subprocess.run(["umount", "-R", str(self.root)], capture_output=True, check=False)
        shutil.rmtree(self.root, ignore_errors=True)
        if self._lock is not None:
            self._lock.close()

    def _clean_host(self) -> None:
        """Remove the bridge and the iptables chains dockerd made (and the jumps to them)."""
        if not self._bridge_before and Path("/sys/class/net/docker0").exists():
            subprocess.run(["ip", "link", "delete", "docker0"], capture_output=True, check=False)
        for table, names in CHAINS.items():
            made = [name for name in names if name not in self._chains_before[table]]
            bridge_gone = not self._bridge_before
            for rule in _rules(table):
                if any(f"-j {name}" in rule for name in made) or (
                    bridge_gone and "docker0" in rule
                ):
                    _iptables(table, *rule.replace("-A ", "-D ", 1).split())
            for name in made:
                _iptables(table, "-F", name)
            for name in made:
                _iptables(table, "-X", name)
        _iptables("filter", "-P", "FORWARD", self._forward_policy)


def _debootstrap(tarball: Path) -> None:
    rootfs = Path(tempfile.mkdtemp(prefix="psd-rootfs-", dir="/tmp"))
    try:
        subprocess.run(
            ["debootstrap", "--variant=minbase", SUITE, str(rootfs), debian_mirror()],
            check=True,
            capture_output=True,
        )
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = tarball.with_suffix(".partial")
        subprocess.run(["tar", "-C", str(rootfs), "-cf", str(partial), "."], check=True)
        partial.replace(tarball)
    finally:
        shutil.rmtree(rootfs, ignore_errors=True)


def _iptables(table: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["iptables", "-t", table, *args], capture_output=True, text=True)


def _chains(table: str) -> set[str]:
    listing = _iptables(table, "-S").stdout
    return set(re.findall(r"^-N (\S+)", listing, re.M))


def _policy(chain: str) -> str:
    found = re.search(rf"^-P {chain} (\S+)", _iptables("filter", "-S").stdout, re.M)
    return found.group(1) if found else "ACCEPT"


def _rules(table: str) -> list[str]:
    return [line for line in _iptables(table, "-S").stdout.splitlines() if line.startswith("-A ")]
