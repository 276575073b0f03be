"""Debian's nginx in front of a `postsearch serve`, configured with deploy/nginx.conf itself.

The test config wraps the deploy file in a minimal main config (no daemon, pid, logs and
temp paths under a temporary folder) and changes only what a machine needs: the
upstream's port and each server's `listen 80` (in order: the own-hostname server, then
the path-prefix server) to a free port on 127.0.0.1. The master runs in its own process
group and is stopped with SIGQUIT, then SIGKILL.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

from helpers import REPO, free_port, wait_for_http

DEPLOY_CONF = REPO / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
UPSTREAM = "server 127.0.0.1:8000;"

MAIN = """daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log {root}/access.log;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    include {root}/postsearch.conf;
}}
"""


def missing_nginx() -> str | None:
    if not Path(NGINX).exists():
        return "Debian's nginx is not installed (apt-get install nginx-light)"
    return None


class NginxProxy:
    """nginx with deploy/nginx.conf; `root_url` and `prefix_url` are its two servers."""

    def __init__(self, root: Path, backend_port: int) -> None:
        self.root = root
        self.ports = [free_port(), free_port()]
        self.root_url = f"http://127.0.0.1:{self.ports[0]}/"
        self.prefix_url = f"http://127.0.0.1:{self.ports[1]}/search/"
        self.backend_port = backend_port
        self.process: subprocess.Popen | None = None
        self.started_in = 0.0

    def config(self) -> str:
        """deploy/nginx.conf with this machine's ports (and nothing else changed)."""
        text = DEPLOY_CONF.read_text(encoding="utf-8")
        assert text.count(UPSTREAM) == 1 and text.count("listen 80;") == len(self.ports)
        text = text.replace(UPSTREAM, f"server 127.0.0.1:{self.backend_port};")
        ports = iter(self.ports)
        return re.sub(r"listen 80;", lambda _: f"listen 127.0.0.1:{next(ports)};", text)

    def __enter__(self) -> NginxProxy:
        started = time.monotonic()
        (self.root / "postsearch.conf").write_text(self.config(), encoding="utf-8")
        (self.root / "nginx.conf").write_text(MAIN.format(root=self.root), encoding="utf-8")
        command = [NGINX, "-p", str(self.root), "-c", str(self.root / "nginx.conf")]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
        if check.returncode != 0:
            raise RuntimeError(f"nginx refused the config: {check.stderr}")
        self.process = subprocess.Popen(
            [*command, "-e", str(self.root / "error.log")],
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for url in (self.root_url, self.prefix_url):
            wait_for_http(url + "health", timeout=20)
        self.started_in = time.monotonic() - started
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGQUIT)  # graceful: the master stops its workers
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
