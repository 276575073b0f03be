"""The package as a user gets it: `python -m build` without a warning, `twine check`, and
the wheel installed in a clean venv serving pages, static files and the widget."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile

import httpx
import pytest
from helpers import REPO, ServeProcess

from indexer import __version__

pytestmark = pytest.mark.slow

SOURCES = ("pyproject.toml", "README.md", "LICENSE")
PLUGIN = REPO / "integrations" / "wordpress" / "postsearch"


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """sdist and wheel built from a copy of the sources (the checkout stays clean)."""
    root = tmp_path_factory.mktemp("packaging")
    source = root / "source"
    source.mkdir()
    for name in SOURCES:
        shutil.copy(REPO / name, source / name)
    for package in ("indexer", "searchweb"):
        ignore = shutil.ignore_patterns("__pycache__")
        shutil.copytree(REPO / package, source / package, ignore=ignore)
    # Without PYTHONDONTWRITEBYTECODE (set in some shells), whose only effect is setuptools'
    # "byte-compiling is disabled" notes.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(root / "dist"), str(source)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return root, built.stdout + built.stderr


def test_the_build_gives_no_warning_and_twine_accepts_it(dist):
    root, output = dist
    assert not re.search(r"warning", output, re.I), output
    files = sorted((root / "dist").iterdir())
    assert [f.name for f in files] == [
        f"postsearch-{__version__}-py3-none-any.whl",
        f"postsearch-{__version__}.tar.gz",
    ]
    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0 and checked.stdout.count("PASSED") == 2, checked.stdout
    with zipfile.ZipFile(files[0]) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(f"postsearch-{__version__}.dist-info/METADATA").decode()
    for packaged in ("searchweb/web/templates/search.html", "searchweb/web/static/widget.js"):
        assert packaged in names
    assert "License-Expression: MIT" in metadata and f"\nVersion: {__version__}\n" in metadata
    assert f"postsearch-{__version__}.dist-info/licenses/LICENSE" in names


def test_the_wheel_serves_from_a_clean_venv(dist, demo_index, tmp_path):
    root, _output = dist
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    wheel = next((root / "dist").glob("*.whl"))
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)], check=True)
    program = venv / "bin" / "postsearch"
    shown = subprocess.run(
        [str(program), "--version"], capture_output=True, text=True, cwd=tmp_path
    )
    assert shown.stdout.strip() == f"postsearch {__version__}"
    config = tmp_path / "postsearch.toml"
    config.write_text(f'index_dir = "{demo_index[0]}"\nsite_name = "Demo blog"\n', "utf-8")
    with ServeProcess(config, program=[str(program)], cwd=tmp_path) as served:
        page = httpx.get(f"{served.url}/search", params={"q": "garden"}, timeout=10)
        assert page.status_code == 200 and "result-title" in page.text
        for path in ("/static/style.css", "/static/search.js", "/widget.js", "/opensearch.xml"):
            assert httpx.get(served.url + path, timeout=10).status_code == 200, path


def test_the_plugin_carries_the_packages_version():
    """One version: indexer/__init__.py's, which the plugin's headers repeat."""
    header = (PLUGIN / "postsearch.php").read_text(encoding="utf-8")
    readme = (PLUGIN / "readme.txt").read_text(encoding="utf-8")
    assert f"* Version:           {__version__}\n" in header
    assert f"define( 'POSTSEARCH_VERSION', '{__version__}' );" in header
    assert f"Stable tag: {__version__}\n" in readme
