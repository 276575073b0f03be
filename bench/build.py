"""Benchmark a full build: `postsearch index` beside Pagefind on the same folder of HTML.

Both tools are run as a user would run them, as child processes, and measured from outside:
wall seconds, CPU seconds (user+sys of the child and every descendant it waited for, from
wait4's rusage), peak RSS (the largest single process, from the same rusage, and the peak of
the whole process tree summed, sampled from /proc every 50 ms, since a parallel build spreads
its memory over worker processes), and the index size on disk, also as a ratio to the extracted
text (the UTF-8 bytes of every indexed post's title and body, read back from the index).

Pagefind comes from PyPI (`pagefind-bin`), installed into a scratch venv that is created when
missing. This module also holds the helpers the other bench scripts share.

    python bench/build.py [--site ../shared/corpora/sowrey/posts] [--no-peer] [--json out.json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
POSTSEARCH = ROOT / ".venv" / "bin" / "postsearch"
SCRATCH_VENV = Path(os.environ.get("POSTSEARCH_BENCHVENV", "/tmp/postsearch-benchvenv"))
SOWREY = ROOT.parent / "shared" / "corpora" / "sowrey" / "posts"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


class BenchError(Exception):
    """A benchmarked command failed or a tool could not be set up."""


@dataclass
class RunStats:
    """How one child command ran."""

    command: str
    wall_s: float
    cpu_s: float
    max_rss_mb: float  # largest single process (rusage)
    tree_rss_mb: float  # peak sum over the process tree (sampled)
    returncode: int


def scratch_tool(name: str, package: str) -> Path:
    """The path of `name` in the scratch venv, installing `package` there first if needed."""
    binary = SCRATCH_VENV / "bin" / name
    if binary.exists():
        return binary
    if not (SCRATCH_VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(SCRATCH_VENV)], check=True)
    pip = [str(SCRATCH_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", package]
    subprocess.run(pip, check=True)
    if binary.exists():
        return binary
    if name == "pagefind":  # pagefind-bin ships the binary inside the package, not in bin/
        found = list(SCRATCH_VENV.glob("lib/python*/site-packages/pagefind_bin/pagefind"))
        if found:
            return found[0]
    raise BenchError(f"installed {package} but found no {name} in {SCRATCH_VENV}")


def pagefind_binary() -> Path:
    found = list(SCRATCH_VENV.glob("lib/python*/site-packages/pagefind_bin/pagefind"))
    return found[0] if found else scratch_tool("pagefind", "pagefind-bin")


def _descendants(pid: int) -> list[int]:
    """`pid` and every process below it, from /proc/PID/task/*/children (no walk of /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError, ValueError):
                todo.extend(int(c) for c in children.read_text().split())
    return found


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of `pid` and all its descendants, now."""
    total = 0
    for current in _descendants(pid):
        with contextlib.suppress(OSError, IndexError, ValueError):  # it may have just exited
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * PAGE_SIZE
    return total


def rss_bytes(pid: int) -> int:
    """Resident memory of one process, now."""
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE


def run_measured(argv: list[str], env: dict[str, str] | None = None) -> RunStats:
    """Run `argv` to the end, measuring time, CPU and memory of it and its descendants."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        # Every 50 ms at first, then every 250 ms: walking /proc costs CPU on a shared machine.
        ticks = 0
        while not done.wait(0.05 if ticks < 100 else 0.25):
            ticks += 1
            peak[0] = max(peak[0], tree_rss_bytes(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert process.stderr is not None
    stderr = process.stderr.read()  # drain, so a chatty child never blocks on a full pipe
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = stderr.decode(errors="replace")[-2000:]
        raise BenchError(f"{shlex.join(argv)} exited {process.returncode}:\n{tail}")
    return RunStats(
        command=shlex.join(argv),
        wall_s=round(wall, 2),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 2),
        max_rss_mb=round(usage.ru_maxrss / 1024, 1),
        tree_rss_mb=round(peak[0] / 2**20, 1),
        returncode=process.returncode,
    )


def dir_bytes(path: Path, suffixes: tuple[str, ...] | None = None) -> int:
    """Bytes of the files under `path` (only those ending in `suffixes` if given)."""
    return sum(
        p.stat().st_size
        for p in path.rglob("*")
        if p.is_file() and (suffixes is None or p.name.endswith(suffixes))
    )


def extracted_text_bytes(index_dir: Path) -> tuple[int, int]:
    """(posts, UTF-8 bytes of title + body text of every post) read back from the index."""
    from whoosh import index as whoosh_index  # the product's venv has Whoosh

    from indexer.index.schema import stored_text  # the product's own reading of stored text

    ix = whoosh_index.open_dir(str(index_dir))
    total = posts = 0
    with ix.searcher() as searcher:
        for fields in searcher.all_stored_fields():
            posts += 1
            display = fields.get("display") or {}
            title = display.get("title") if isinstance(display, dict) else ""
            title = title or fields.get("title") or ""
            total += len(stored_text(fields.get("content")).encode()) + len(title.encode())
    return posts, total


def postsearch_index(site: Path, index_dir: Path, extra: list[str] | None = None) -> RunStats:
    """Time `postsearch index SITE --index DIR --quiet` (the maintainer's real command)."""
    argv = [str(POSTSEARCH), "index", str(site), "--index", str(index_dir), "--quiet"]
    return run_measured(argv + (extra or []))


def build_postsearch(site: Path, workdir: Path, keep: Path | None = None) -> dict:
    index_dir = keep or workdir / "postsearch-index"
    if keep and keep.exists():
        shutil.rmtree(keep)  # a full build starts from nothing
    stats = postsearch_index(site, index_dir)
    posts, text = extracted_text_bytes(index_dir)
    size = dir_bytes(index_dir)
    return {
        **asdict(stats),
        "posts": posts,
        "index_bytes": size,
        "text_bytes": text,
        "index_to_text": round(size / text, 2) if text else None,
    }


def build_pagefind(site: Path, workdir: Path, text_bytes: int) -> dict:
    binary = pagefind_binary()
    output = workdir / "pagefind-out"
    argv = [str(binary), "--site", str(site), "--output-path", str(output)]
    stats = run_measured(argv)
    size = dir_bytes(output)
    # The search data only (the output also holds Pagefind's UI scripts and styles).
    data = dir_bytes(output, (".pf_index", ".pf_fragment", ".pf_filter", ".pf_meta"))
    return {
        **asdict(stats),
        "index_bytes": size,
        "data_bytes": data,
        "data_to_text": round(data / text_bytes, 2) if text_bytes else None,
    }


def run(site: Path, peer: bool, keep: Path | None = None) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="postsearch-bench-build-"))
    try:
        result = {"site": str(site), "postsearch": build_postsearch(site, workdir, keep)}
        if peer:
            text = result["postsearch"]["text_bytes"]
            try:
                result["pagefind"] = build_pagefind(site, workdir, text)
            except BenchError as error:
                # Pagefind runs out of memory on a 100k site (24 GB machine): our figures
                # still stand, and the table says why the peer's are missing.
                result["pagefind_failed"] = str(error).splitlines()[0]
                return result
            ratio = result["postsearch"]["wall_s"] / result["pagefind"]["wall_s"]
            result["wall_ratio_vs_pagefind"] = round(ratio, 2)
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def print_result(result: dict) -> None:
    ps = result["postsearch"]
    print(f"Full build of {result['site']} ({ps['posts']} posts indexed)")
    rows = [("postsearch", ps)] + (
        [("pagefind", result["pagefind"])] if "pagefind" in result else []
    )
    print(
        f"  {'tool':<11}{'wall s':>8}{'cpu s':>8}{'maxRSS MB':>11}{'treeRSS MB':>12}"
        f"{'index MB':>10}"
    )
    for name, r in rows:
        print(
            f"  {name:<11}{r['wall_s']:>8}{r['cpu_s']:>8}{r['max_rss_mb']:>11}"
            f"{r['tree_rss_mb']:>12}{r['index_bytes'] / 2**20:>10.1f}"
        )
    print(f"  extracted text {ps['text_bytes'] / 2**20:.1f} MB; index/text {ps['index_to_text']}")
    if "pagefind" in result:
        pf = result["pagefind"]
        print(
            f"  pagefind search data {pf['data_bytes'] / 2**20:.1f} MB ({pf['data_to_text']}x text)"
        )
        print(f"  postsearch wall / pagefind wall = {result['wall_ratio_vs_pagefind']}")
    if "pagefind_failed" in result:
        print(f"  pagefind FAILED: {result['pagefind_failed']}")
    for _, r in rows:
        print(f"  $ {r['command']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=SOWREY)
    parser.add_argument("--no-peer", action="store_true", help="skip Pagefind")
    parser.add_argument("--keep-index", type=Path, help="build the index here and keep it")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    try:
        result = run(args.site, peer=not args.no_peer, keep=args.keep_index)
    except BenchError as error:
        print(f"build: {error}", file=sys.stderr)
        return 1
    print_result(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
