"""The house keeps its shape: no import cycles, small modules, Whoosh's internals in one place.

import-linter (`make lint`) checks the declared directions between the sub-packages; these
tests check what it does not: cycles between modules (imports inside functions included),
the size of each module, and that only `indexer.index.whoosh_internals` reads Whoosh's
private names. And when Whoosh is not what that module expects, postsearch stops at
start-up with a message, not with wrong results.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import DEMO_SITE, REPO, build_index

PACKAGES = ("indexer", "searchweb")
MAX_MODULE_LINES = 400
ADAPTER = "indexer.index.whoosh_internals"
# Whoosh's private names the adapter reads; nothing else may.
WHOOSH_PRIVATE = frozenset(
    "_terms _perdoc _storage _fpath _field_B _postfile _dataoffset _nextoffset _compression "
    "_blocklength _next_block _maxid _cached_reader _fixedlen _dbfile _basepos "
    "_length_byte_cache _lenfield _NullQuery _pattern".split()
)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            name = ".".join(path.relative_to(REPO).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every product module `name` imports, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found.add(target if target in modules else base)
    return {module for module in found if module in modules and module != name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_no_import_cycles_counting_imports_inside_functions():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert sum(len(targets) for targets in graph.values()) > 150  # the graph is really read
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_product_module_is_over_400_lines():
    sizes = {
        name: len(path.read_text(encoding="utf-8").splitlines())
        for name, path in _modules().items()
    }
    assert len(sizes) > 60
    assert {name: lines for name, lines in sizes.items() if lines > MAX_MODULE_LINES} == {}


def test_the_stages_are_sub_packages():
    packages = [name for name, path in _modules().items() if path.name == "__init__.py"]
    assert len([name for name in packages if name.count(".") == 1]) >= 5


def _private_whoosh_uses(path: Path) -> set[str]:
    used = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in WHOOSH_PRIVATE:
            if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                used.add(node.attr)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("getattr", "hasattr"):
            names = [arg.value for arg in node.args[1:2] if isinstance(arg, ast.Constant)]
            used.update(name for name in names if name in WHOOSH_PRIVATE)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
            used.update(alias.name for alias in node.names if alias.name.startswith("_"))
            if node.module in ("whoosh.codec.whoosh3", "whoosh.util.numeric"):
                used.add(node.module)
    return used


def test_only_the_adapter_reads_whoosh_internals():
    modules = _modules()
    assert _private_whoosh_uses(modules[ADAPTER]) >= {"_terms", "_perdoc", "_field_B"}
    others = {
        name: uses
        for name, path in modules.items()
        if name != ADAPTER and (uses := _private_whoosh_uses(path))
    }
    assert others == {}


@pytest.fixture(scope="module")
def small_index(tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("layout-index")
    build_index(index_dir, DEMO_SITE / "2019")
    return index_dir


@pytest.mark.parametrize(
    ("breakage", "said"),
    [
        ("import whoosh.codec.whoosh3 as w; del w.W3LeafMatcher._next_block", "_next_block"),
        ("import whoosh; whoosh.__version__ = (2, 7, 5)", "Whoosh 2.7.5 is installed"),
    ],
)
def test_another_whoosh_stops_the_server_at_start_up(small_index, breakage, said):
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            f"{breakage}\nfrom searchweb.cli.main import main\n"
            f"raise SystemExit(main(['serve', '--index', {str(small_index)!r}, '--port', '9']))",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2, run.stderr
    assert "internals of Whoosh 2.7.4" in run.stderr and said in run.stderr
    assert "pip install Whoosh==2.7.4" in run.stderr and "Traceback" not in run.stderr
