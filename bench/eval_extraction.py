"""Print every extraction table in one run, with the command behind each.

`make eval` runs this. Four tables, each measured, never copied from a file:
  1. answer-key checks per site (../shared/bench/extraction/score_gold.py, via `extract-json`);
  2. post detection over the corpora's posts/ and nonpost/ folders;
  3. the Zyte article benchmark (single pages, no site learning), scored by score.py;
  4. extraction speed in pages per CPU-second on the sowrey corpus.

`python bench/eval_extraction.py extract-json PATH...` prints the same JSON Lines as
`postsearch extract --json`, so the answer-key scorer can be run without the web package.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.errors import PageError  # noqa: E402
from indexer.extract.dates import to_iso  # noqa: E402
from indexer.extract.learn import learn_template  # noqa: E402
from indexer.extract.page import extract  # noqa: E402
from indexer.extract.template import SiteTemplate  # noqa: E402
from indexer.records import RawPage  # noqa: E402
from indexer.sources.folder import html_files, page_url, single_page_url  # noqa: E402
from searchweb.cli.extract import extraction_record  # noqa: E402

SHARED = ROOT.parent / "shared"
BENCH = SHARED / "bench" / "extraction"
GOLD_SITES = ("fixtures/seed-site", "corpora/sowrey", "corpora/wasp", "corpora/artsy")
CORPORA = ("sowrey", "wasp", "artsy", "brunomiguel", "bulimov")
ZYTE = BENCH / "article-extraction-benchmark"
TRAFILATURA = BENCH / "trafilatura-eval"
PYTHON = sys.executable


def extract_json(paths: list[str]) -> None:
    """`postsearch extract --json`, in this process (score_gold.py runs it once per site)."""
    for path in paths:
        try:
            record = extraction_record(path)
        except PageError as error:
            record = {"location": path, "error": error.reason}
        print(json.dumps(record, ensure_ascii=False), flush=True)


def gold_table() -> None:
    cmd = f"{shlex.quote(PYTHON)} {shlex.quote(str(Path(__file__)))} extract-json"
    sites = [str(SHARED / site) for site in GOLD_SITES]
    argv = [PYTHON, str(BENCH / "score_gold.py"), *sites, "--cmd", cmd]
    _heading("1. Answer keys (score_gold.py)", argv)
    subprocess.run(argv, check=False)


def gold_learned_table() -> None:
    """The same checks with each site's template learnt first (as the indexer will run)."""
    _heading("1b. Answer keys with the site template learnt (learn_template + check())", [])
    scorer = _load_scorer()
    print(f"{'site':<16}{'passed':>12}{'template blocks':>18}{'posts seen':>12}")
    for site in GOLD_SITES:
        folder = SHARED / site
        template = learn_template(site_pages(folder))
        golds = [json.loads(line) for line in (folder / "gold.jsonl").read_text().splitlines()]
        passed = total = 0
        for gold in golds:
            path = folder / gold["path"]
            page = RawPage(str(path), single_page_url(path, None), path.read_bytes())
            post = extract(page, template=template).post
            record = {"title": post.title, "date": to_iso(post.date), "author": post.author}
            record |= {"body": post.body, "categories": list(post.categories)}
            record["tags"] = list(post.tags)
            for ok in scorer.check(gold, record).values():
                passed += bool(ok)
                total += ok is not None
        blocks = f"{len(template.chrome)}"
        print(f"{Path(site).name:<16}{passed:>7}/{total:<4}{blocks:>18}{template.pages:>12}")


def site_pages(folder: Path) -> Iterator[RawPage]:
    """A site's pages at their URLs (corpora keep posts/ and nonpost/ apart)."""
    parts = [folder / "posts", folder / "nonpost"]
    for part in [p for p in parts if p.is_dir()] or [folder]:
        yield from corpus_pages(part)


def _load_scorer():
    spec = importlib.util.spec_from_file_location("score_gold", BENCH / "score_gold.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def corpus_pages(folder: Path) -> Iterator[RawPage]:
    """The pages of a corpus folder, each at the URL it has on the site."""
    for file in html_files(folder):
        yield RawPage(str(file), page_url(file.relative_to(folder), None), file.read_bytes())


def is_post(page: RawPage, template: SiteTemplate | None = None) -> tuple[bool, str]:
    try:
        result = extract(page, template=template)
    except PageError as error:
        return False, error.reason
    return result.is_post, result.skip_reason or ""


def detection_table(show: bool) -> None:
    _heading("2. Post detection (posts/ indexed, nonpost/ skipped)", ["eval_extraction.py"])
    print(f"{'corpus':<10}{'template':<10}{'posts indexed':>18}{'nonpost skipped':>20}")
    for corpus in CORPORA:
        folder = SHARED / "corpora" / corpus
        learnt = learn_template(site_pages(folder))
        for label, template in (("none", None), ("learnt", learnt)):
            posts = [(p, *is_post(p, template)) for p in corpus_pages(folder / "posts")]
            other = [(p, *is_post(p, template)) for p in corpus_pages(folder / "nonpost")]
            hit = sum(ok for _, ok, _ in posts)
            skipped = sum(not ok for _, ok, _ in other)
            print(
                f"{corpus:<10}{label:<10}{hit:>8}/{len(posts):<5}{_pct(hit, len(posts)):>7}"
                f"{skipped:>9}/{len(other):<5}{_pct(skipped, len(other)):>7}"
            )
            if show:
                for page, ok, why in posts:
                    if not ok:
                        print(f"   post skipped: {page.location}: {why}")
                for page, ok, _ in other:
                    if ok:
                        print(f"   nonpost kept: {page.location}")


def zyte_predictions(out: Path) -> None:
    truth = json.loads((ZYTE / "ground-truth.json").read_text(encoding="utf-8"))
    with out.open("w", encoding="utf-8") as handle:
        for page_id, gold in truth.items():
            html = gzip.decompress((ZYTE / "html" / f"{page_id}.html.gz").read_bytes())
            page = RawPage(page_id, gold.get("url") or "https://example.invalid/", html)
            try:
                text = extract(page).post.body
            except PageError:
                text = ""
            handle.write(json.dumps({"id": page_id, "text": text}, ensure_ascii=False) + "\n")


def zyte_table(keep: Path | None = None) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        preds = (keep or Path(scratch)) / "postsearch.jsonl"
        zyte_predictions(preds)
        argv = [PYTHON, str(BENCH / "score.py"), str(ZYTE), str(preds), "--n-bootstrap", "200"]
        if keep:
            argv += ["--per-doc", str(keep / "per-doc.jsonl")]
        _heading("3. Zyte article benchmark (single pages, no site learning)", argv)
        subprocess.run(argv, check=False)


def speed_table() -> None:
    folder = SHARED / "corpora" / "sowrey" / "posts"
    pages = list(corpus_pages(folder))
    _heading("4. Extraction speed (sowrey posts/, one process, CPU time)", ["eval_extraction.py"])
    start = time.process_time()
    template = learn_template(pages)
    learning = time.process_time() - start
    for label, used in (("single pages", None), ("with the site template", template)):
        start = time.process_time()
        for page in pages:
            is_post(page, used)
        seconds = time.process_time() - start
        print(
            f"{label:<24}{len(pages)} pages in {seconds:5.1f} CPU-s: "
            f"{len(pages) / seconds:5.1f} pages/CPU-s"
        )
    print(f"{'learning the template':<24}{template.pages} posts in {learning:5.1f} CPU-s")


def _heading(title: str, argv: list[str]) -> None:
    print(f"\n== {title}\n$ {' '.join(shlex.quote(a) for a in argv)}", flush=True)


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", nargs="?", default="all")
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--show", action="store_true", help="list misdetected pages")
    parser.add_argument("--keep", type=Path, help="keep Zyte predictions in this folder")
    args = parser.parse_args()
    if args.what == "extract-json":
        extract_json(args.paths)
        return
    tables = {
        "gold": gold_table,
        "learned": gold_learned_table,
        "zyte": lambda: zyte_table(args.keep),
        "speed": speed_table,
    }
    for name in ("gold", "learned", "detect", "zyte", "speed"):
        if args.what in ("all", name):
            detection_table(args.show) if name == "detect" else tables[name]()


if __name__ == "__main__":
    main()
