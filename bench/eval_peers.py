"""postsearch beside trafilatura on the outside benchmarks, in one run (`make eval`, table 3).

postsearch's predictions are written by this repository's extractor, one page at a time,
each timed in CPU seconds (`time.process_time`) after one warm-up page, in a process pinned
to one CPU. trafilatura 2.3.1 runs through the shared runner
(`../shared/bench/extraction/run_peers.py`) in a scratch virtualenv, pinned to the same
CPU, timed the same way. The shared scorer then prints both on each benchmark: quality,
and pages per CPU-second. postsearch reads the page's bytes (decoding included);
trafilatura is handed text the runner decoded outside its timing.

    python bench/eval_peers.py predict BENCH OUT_DIR   # postsearch's predictions and timing
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.errors import PageError  # noqa: E402
from indexer.extract.page import extract  # noqa: E402
from indexer.records import RawPage  # noqa: E402

BENCH = ROOT.parent / "shared" / "bench" / "extraction"
BENCHES = ("article-extraction-benchmark", "trafilatura-eval")
PEER_VENV = Path("/tmp/postsearch-trafilatura-venv")
# run_peers.py imports every reference extractor it knows, so its venv needs them all.
PEER_PACKAGES = (
    "trafilatura==2.3.1",
    "readability-lxml",
    "justext",
    "beautifulsoup4",
    "lxml",
    "lxml_html_clean",
    "html-text",
)
CPU = 0


def bench_pages(bench: str) -> list[tuple[str, str, bytes]]:
    """(page id, URL, bytes) of a benchmark, in the runner's order (sorted file names)."""
    root = BENCH / bench
    if bench == "trafilatura-eval":
        data = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
        urls = {entry["file"]: url for url, entry in data.items()}
    else:
        truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
        urls = {f"{key}.html": gold.get("url") for key, gold in truth.items()}
    pages = []
    for path in sorted((root / "html").glob("*.gz")):
        name = path.name[:-3]
        page_id = name if bench == "trafilatura-eval" else name[:-5]
        url = urls.get(name) or "https://example.invalid/"
        pages.append((page_id, url, gzip.decompress(path.read_bytes())))
    return pages


def body_of(page_id: str, url: str, html: bytes) -> str:
    try:
        return extract(RawPage(page_id, url, html)).post.body
    except PageError:
        return ""


def predict(bench: str, out_dir: Path) -> None:
    """postsearch's predictions and timing for one benchmark, in the runner's file layout."""
    os.sched_setaffinity(0, {CPU})
    pages = bench_pages(bench)
    body_of(*pages[0])  # warm-up: lazy imports, compiled selectors
    target = out_dir / bench
    target.mkdir(parents=True, exist_ok=True)
    spent: list[float] = []
    with (target / "postsearch.jsonl").open("w", encoding="utf-8") as handle:
        for page_id, url, html in pages:
            started = time.process_time()
            text = body_of(page_id, url, html)
            spent.append(time.process_time() - started)
            handle.write(json.dumps({"id": page_id, "text": text}, ensure_ascii=False) + "\n")
    total = sum(spent)
    timing = {
        "pages": len(pages),
        "seconds": total,
        "pages_per_s": len(pages) / total,
        "median_ms": 1000 * sorted(spent)[len(spent) // 2],
        "version": "this checkout",
        "cpu": [CPU],
    }
    (target / "postsearch.timing.json").write_text(json.dumps(timing, indent=1))


def peer_python() -> Path:
    """The scratch venv's python, made (or brought to trafilatura 2.3.1) when needed."""
    python = PEER_VENV / "bin" / "python"
    check = [
        str(python),
        "-c",
        "import trafilatura, html_text, justext, readability, bs4; print(trafilatura.__version__)",
    ]
    found = subprocess.run(check, capture_output=True, text=True) if python.exists() else None
    if found is None or found.returncode or found.stdout.strip() != "2.3.1":
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        pip = [str(python), "-m", "pip", "install", "--quiet"]
        # The venv's own pip trips over lxml's doubled extra ("html-clean"); a current one not.
        for packages in (["--upgrade", "pip"], list(PEER_PACKAGES)):
            done = subprocess.run([*pip, *packages], capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"pip install {' '.join(packages)} failed:\n{done.stderr[-3000:]}")
    return python


def run_trafilatura(out_dir: Path) -> list[str]:
    """trafilatura on both benchmarks through the shared runner; returns its command."""
    argv = [
        str(peer_python()),
        str(BENCH / "run_peers.py"),
        "--bench",
        *BENCHES,
        "--extractors",
        "trafilatura",
        "--out-dir",
        str(out_dir),
        "--cpu",
        str(CPU),
        "--no-score",
    ]
    subprocess.run(argv, check=True)
    return argv


def score(out_dir: Path) -> list[str]:
    """The shared runner's tables over every prediction file in `out_dir`."""
    argv = [
        sys.executable,
        str(BENCH / "run_peers.py"),
        "--score-only",
        "--bench",
        *BENCHES,
        "--out-dir",
        str(out_dir),
        "--n-bootstrap",
        "200",
        "--results-json",
        str(out_dir / "results.json"),
    ]
    subprocess.run(argv, check=True)
    return argv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["predict"])
    parser.add_argument("bench", choices=BENCHES)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args()
    predict(args.bench, args.out_dir)


if __name__ == "__main__":
    main()
