"""The container image as a user runs it: built from the Dockerfile on a Debian base made
from Debian's archive, the demo site indexed into a volume, the server searched over the
published port, as a non-root user with a working healthcheck."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import tomllib

import httpx
import pytest
from dockerd import BASE_TAG
from helpers import DEMO_SITE, REPO, free_port

pytestmark = [pytest.mark.deploy, pytest.mark.slow]

IMAGE, VOLUME, NAME = "postsearch-test", "postsearch-test-data", "postsearch-test"
BUILD_REQUIRES = tomllib.loads((REPO / "pyproject.toml").read_text())["build-system"]["requires"]
DEBIAN_PYTHON = "/usr/bin/python3"
CONTEXT = ("Dockerfile", ".dockerignore", "pyproject.toml", "README.md", "LICENSE")


def _context(tmp_path):
    """The build context: the repo's files the image needs, and wheels of postsearch and its
    dependencies made here (containers cannot reach PyPI on this machine; apt works)."""
    context = tmp_path / "context"
    context.mkdir()
    for name in CONTEXT:
        shutil.copy(REPO / name, context / name)
    for package in ("indexer", "searchweb"):
        shutil.copytree(
            REPO / package, context / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    # Wheels for the image's Python: Debian bookworm's, which is this machine's python3.
    subprocess.run([DEBIAN_PYTHON, "-m", "venv", str(tmp_path / "venv")], check=True)
    wheels, pip = str(context / "wheels"), [str(tmp_path / "venv" / "bin" / "pip"), "--quiet"]
    subprocess.run([*pip, "wheel", "--wheel-dir", wheels, str(context)], check=True)
    # The build backend too: pip builds /src in the image with --no-index.
    subprocess.run([*pip, "download", "--dest", wheels, *BUILD_REQUIRES], check=True)
    return context


def test_the_image_indexes_into_a_volume_and_serves_it(docker_daemon, tmp_path):
    docker = docker_daemon.docker
    started = time.monotonic()
    docker(
        "build",
        "--tag", IMAGE,
        "--build-arg", f"BASE={BASE_TAG}",
        "--build-arg", "PIP_OPTIONS=--no-index --find-links /src/wheels",
        str(_context(tmp_path)),
    )  # fmt: skip
    docker_daemon.timings["build"] = time.monotonic() - started
    docker("volume", "create", VOLUME)
    try:
        indexed = docker(
            "run", "--rm", "-v", f"{VOLUME}:/var/lib/postsearch", "-v", f"{DEMO_SITE}:/site:ro",
            IMAGE, "index", "/site", "--quiet",
        )  # fmt: skip
        posts = re.search(r"indexed\s+(\d+) posts\n", indexed.stdout)
        assert posts and int(posts[1]) > 40, indexed.stdout
        assert f"The index holds {posts[1]} posts." in indexed.stdout
        port = free_port()
        docker(
            "run", "--detach", "--name", NAME, "--publish", f"127.0.0.1:{port}:8000",
            "--health-interval", "1s", "--health-start-period", "0s",
            "-v", f"{VOLUME}:/var/lib/postsearch", "-e", "POSTSEARCH_SITE_NAME=Riverside Notes",
            IMAGE,
        )  # fmt: skip
        health = _wait_healthy(docker)
        assert health == "healthy"
        found = httpx.get(f"http://127.0.0.1:{port}/api/search", params={"q": "sourdough"})
        assert found.status_code == 200 and found.json()["total"] >= 1
        page = httpx.get(f"http://127.0.0.1:{port}/search", params={"q": "garden"})
        assert "Riverside Notes" in page.text and "result-title" in page.text
        assert docker("exec", NAME, "id", "-u").stdout.strip() == "10001"
    finally:
        docker("rm", "--force", NAME, check=False)
        docker("volume", "rm", VOLUME, check=False)
        docker("image", "rm", "--force", IMAGE, check=False)


def _wait_healthy(docker, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while True:
        state = docker("inspect", "--format", "{{.State.Health.Status}}", NAME).stdout.strip()
        if state != "starting" or time.monotonic() > deadline:
            return state
        time.sleep(0.5)
