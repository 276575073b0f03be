"""The files in deploy/ as a user installs them: systemd units that systemd-analyze accepts,
a crontab line that runs, and the README showing each file exactly as it is."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, SiteServer, copy_sowrey, indexed_paths

DEPLOY = REPO / "deploy"
INSTALLED = "/opt/postsearch/bin/postsearch"
UNITS = ("postsearch.service", "postsearch-reindex.service", "postsearch-reindex.timer")


def _postsearch() -> str:
    return shutil.which("postsearch") or str(Path(sys.executable).parent / "postsearch")


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    for unit in UNITS:  # the same units, with the program where this machine has it
        text = (DEPLOY / unit).read_text(encoding="utf-8")
        (tmp_path / unit).write_text(text.replace(INSTALLED, _postsearch()), encoding="utf-8")
    verify = subprocess.run(
        [analyze, "verify", *(str(tmp_path / unit) for unit in UNITS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0 and verify.stderr == "", verify.stderr


def test_the_server_unit_runs_as_a_user_with_hardening():
    unit = (DEPLOY / "postsearch.service").read_text(encoding="utf-8")
    for line in (
        "User=postsearch",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "StateDirectory=postsearch",
        "CapabilityBoundingSet=",
        f"ExecStart={INSTALLED} serve --host 127.0.0.1 --port 8000",
    ):
        assert f"\n{line}\n" in unit
    reindex = (DEPLOY / "postsearch-reindex.service").read_text(encoding="utf-8")
    assert f"\nExecStart={INSTALLED} index --quiet\n" in reindex and "\nType=oneshot\n" in reindex
    timer = (DEPLOY / "postsearch-reindex.timer").read_text(encoding="utf-8")
    assert "\nOnCalendar=*-*-* 03:15\n" in timer and "\nPersistent=true\n" in timer


def test_the_crontab_line_crawls_the_configured_site(tmp_path):
    """The cron.d line, run by sh as cron would (paths moved under a temporary folder),
    crawls the config's site_url into the index."""
    line = next(
        text
        for text in (DEPLOY / "postsearch.cron").read_text(encoding="utf-8").splitlines()
        if text and not text.startswith("#")
    )
    minute, hour, day, month, weekday, user, command = line.split(None, 6)
    assert (minute, hour, day, month, weekday, user) == ("15", "3", "*", "*", "*", "postsearch")
    posts = copy_sowrey(tmp_path / "site", posts=4)
    with SiteServer(tmp_path / "site") as server:
        config = tmp_path / "postsearch.toml"
        config.write_text(
            f'site_url = "{server.url}"\nindex_dir = "{tmp_path / "index"}"\n', encoding="utf-8"
        )
        command = (
            command.replace("/etc/postsearch/postsearch.toml", str(config))
            .replace(INSTALLED, _postsearch())
            .replace("/var/log/postsearch", str(tmp_path))
        )
        done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, check=False)
    assert done.returncode == 0, (tmp_path / "reindex.log").read_text()
    log = (tmp_path / "reindex.log").read_text()
    assert re.search(r"indexed\s+4 posts\n", log) and "The index holds 4 posts." in log, log
    assert indexed_paths(tmp_path / "index") == set(posts)


def _readme_blocks() -> dict[str, str]:
    """The README's fenced blocks that say which file they show: `<!-- file: PATH -->`."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.findall(r"<!-- file: (\S+) -->\n```[a-z]*\n(.*?)```", readme, re.S)
    return dict(found)


def test_the_readme_shows_the_deploy_files_exactly_as_they_are():
    blocks = _readme_blocks()
    for name in ("deploy/nginx.conf", *(f"deploy/{unit}" for unit in UNITS)):
        assert name in blocks, f"the README does not show {name}"
    for name in ("deploy/postsearch.cron", "Dockerfile", "compose.yaml"):
        assert name in blocks, f"the README does not show {name}"
    for name, shown in blocks.items():
        assert shown == (REPO / name).read_text(encoding="utf-8"), f"{name} differs in the README"
