"""Print every extraction table in one run, with the command behind each.

`make eval` runs this. Every figure is measured in the run, never copied from a file:
  1.  answer-key checks per site (../shared/bench/extraction/score_gold.py, via `extract-json`);
  1b. the same checks with each site's template learnt first, as the indexer reads pages;
  1c. each corpus's posts/ folder indexed from scratch, and a copy of it under another path;
  2.  post detection page by page over posts/ and nonpost/, and each corpus indexed as a
      site (posts/ and nonpost/ together, include_pages on): its static pages become
      pages, nothing else from nonpost/ is indexed;
  3.  the Zyte article benchmark and trafilatura's evaluation set, postsearch beside
      trafilatura 2.3.1 (quality, and pages per CPU-second on one pinned CPU);
  4.  extraction speed on the sowrey corpus, single pages and with its template.

`python bench/eval_extraction.py extract-json PATH...` prints the same JSON Lines as
`postsearch extract --json`, so the answer-key scorer can be run without the web package.
`python bench/eval_extraction.py TABLE` prints one table (gold, learned, folders, detect,
peers, speed).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval_peers import run_trafilatura, score  # noqa: E402

from indexer.api import IndexOptions, WhooshPostStore, index_sources  # noqa: E402
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
CORPORA = ("sowrey", "wasp", "artsy", "brunomiguel", "bulimov")
GOLD_SITES = ("fixtures/seed-site", *(f"corpora/{corpus}" for corpus in CORPORA))
ZYTE = BENCH / "article-extraction-benchmark"
TRAFILATURA = BENCH / "trafilatura-eval"
PYTHON = sys.executable
# The static pages among each corpus's nonpost/ pages, as read by hand: a page of its own
# text (about, a résumé, a colophon, a member's profile, a privacy note, a review list).
# Everything else there is a listing, an archive, a search page, a soft-404, a redirect,
# an undated draft or a theme's demo.
STATIC_PAGES = {
    "sowrey": ("/about/", "/about/resume/"),
    "wasp": (
        "/about/",
        "/about/colophon/",
        "/about/members/",
        "/about/members/adactio/",
        "/action/",
        "/learn/",
        "/press/",
    ),
    "artsy": ("/open-source/",),
    "brunomiguel": ("/about/", "/privacidade/"),
    "bulimov": (
        "/about/",
        "/etc/",
        "/lists/",
        "/lists/diy/",
        "/reviews/",
        "/reviews/books/",
        "/video-games/",
    ),
}
TARGETS = {"trafilatura-eval": 0.930, "article-extraction-benchmark": 0.965}


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


def verdict(page: RawPage, template: SiteTemplate | None = None) -> tuple[str | None, str]:
    """("post" | "page" | None, why not), for one page read on its own."""
    try:
        result = extract(page, template=template)
    except PageError as error:
        return None, error.reason
    return (result.post.kind if result.is_post else None), result.skip_reason or ""


def _index(sources: list[Path], where: Path):
    return index_sources(sources, WhooshPostStore(where), options=IndexOptions(workers=2))


def folders_table() -> None:
    """Each corpus's posts/ indexed from scratch, then a copy of it under another path."""
    _heading("1c. posts/ indexed from scratch, and copied under another path", [])
    print(f"{'corpus':<13}{'posts':>7}{'posts/':>16}{'a copy elsewhere':>20}")
    for corpus in CORPORA:
        posts = SHARED / "corpora" / corpus / "posts"
        files = len(html_files(posts))
        with tempfile.TemporaryDirectory() as scratch:
            first = _index([posts], Path(scratch) / "a")
            copy = Path(scratch) / "old-mirror" / "site" / "posts"
            shutil.copytree(posts, copy)
            second = _index([Path(scratch) / "old-mirror"], Path(scratch) / "b")
        cells = [
            f"{len(run.indexed)}/{files} {_pct(len(run.indexed), files)}" for run in (first, second)
        ]
        print(f"{corpus:<13}{files:>7}{cells[0]:>16}{cells[1]:>20}")
        for run in (first, second):
            for skip in run.skipped:
                print(f"   not indexed: {skip.location}: {skip.reason}")


def detection_table(show: bool) -> None:
    _heading("2. Post detection, page by page (posts/ as posts; nonpost/: pages or skipped)", [])
    print(f"{'corpus':<13}{'template':<9}{'posts':>15}{'static pages':>16}{'others skipped':>18}")
    for corpus in CORPORA:
        folder = SHARED / "corpora" / corpus
        learnt = learn_template(site_pages(folder))
        for label, template in (("none", None), ("learnt", learnt)):
            _detection_row(corpus, label, template, show)
    _site_runs()


def _detection_row(corpus: str, label: str, template, show: bool) -> None:
    folder = SHARED / "corpora" / corpus
    wanted = set(STATIC_PAGES[corpus])
    posts = [(p, *verdict(p, template)) for p in corpus_pages(folder / "posts")]
    other = [(p, *verdict(p, template)) for p in corpus_pages(folder / "nonpost")]
    hit = sum(kind == "post" for _, kind, _ in posts)
    pages = sum(kind == "page" for p, kind, _ in other if p.url in wanted)
    skipped = sum(kind is None for p, kind, _ in other if p.url not in wanted)
    rest = len(other) - len(wanted)
    print(
        f"{corpus:<13}{label:<9}{hit:>6}/{len(posts):<4}{_pct(hit, len(posts)):>5}"
        f"{pages:>8}/{len(wanted):<3}{_pct(pages, len(wanted)):>5}"
        f"{skipped:>10}/{rest:<3}{_pct(skipped, rest):>5}"
    )
    if show:
        for page, kind, why in posts:
            if kind != "post":
                print(f"   post read as {kind or why}: {page.location}")
        for page, kind, why in other:
            if kind != ("page" if page.url in wanted else None):
                print(f"   nonpost read as {kind or why}: {page.location}")


def _site_runs() -> None:
    """Each corpus indexed as one site: posts/ and nonpost/ together, include_pages on."""
    print("\nEach corpus indexed as a site (posts/ + nonpost/, include_pages on, the pipeline):")
    print(f"{'corpus':<13}{'posts':>12}{'pages':>12}{'unexpected':>12}")
    for corpus in CORPORA:
        folder = SHARED / "corpora" / corpus
        with tempfile.TemporaryDirectory() as scratch:
            run = _index([folder / "posts", folder / "nonpost"], Path(scratch))
        files = len(html_files(folder / "posts"))
        pages = {urlsplit(url).path for url in run.static_pages}
        wanted = set(STATIC_PAGES[corpus])
        unexpected = sorted(pages - wanted) + run.failed
        print(
            f"{corpus:<13}{len(run.indexed):>7}/{files:<4}{len(pages & wanted):>7}/"
            f"{len(wanted):<4}{len(unexpected):>8}"
        )
        for item in unexpected:
            print(f"   unexpected: {item}")


def peers_table(keep: Path | None) -> None:
    """postsearch and trafilatura 2.3.1 on both benchmarks, side by side in one run."""
    with tempfile.TemporaryDirectory() as scratch:
        out = keep or Path(scratch)
        argv = [PYTHON, str(Path(__file__).with_name("eval_peers.py")), "predict"]
        for bench in ("article-extraction-benchmark", "trafilatura-eval"):
            subprocess.run([*argv, bench, str(out)], check=True)
        peer = run_trafilatura(out)
        scoring = [PYTHON, str(BENCH / "run_peers.py"), "--score-only", "--out-dir", str(out)]
        _heading("3. Zyte article benchmark and trafilatura-eval, beside trafilatura", peer)
        print(f"$ {' '.join(shlex.quote(a) for a in scoring)}")
        score(out)
        _verdicts(json.loads((out / "results.json").read_text()))


def _verdicts(results: dict) -> None:
    print()
    for bench, target in TARGETS.items():
        rows = results[bench]
        key = "shingle4.macro.f1" if bench == "article-extraction-benchmark" else "f1"
        ours, theirs = rows["postsearch"], rows["trafilatura"]
        f1, peer_f1 = ours["metrics"][key], theirs["metrics"][key]
        speed = ours["timing"]["pages_per_s"]
        peer_speed = theirs["timing"]["pages_per_s"]
        print(
            f"{bench}: F1 {f1:.3f} (target {target:.3f}: {'met' if f1 >= target else 'MISSED'}; "
            f"trafilatura {peer_f1:.3f}); {speed:.1f} pages/CPU-s against trafilatura's "
            f"{peer_speed:.1f} ({speed / peer_speed:.2f}x)"
        )


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
            verdict(page, used)
        seconds = time.process_time() - start
        print(
            f"{label:<24}{len(pages)} pages in {seconds:5.1f} CPU-s: "
            f"{len(pages) / seconds:5.1f} pages/CPU-s"
        )
    print(f"{'learning the template':<24}{template.pages} posts in {learning:5.1f} CPU-s")


def _heading(title: str, argv: list[str]) -> None:
    print(f"\n== {title}\n$ {' '.join(shlex.quote(a) for a in argv)}", flush=True)


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.0f}%" if whole else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", nargs="?", default="all")
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--show", action="store_true", help="list misdetected pages")
    parser.add_argument("--keep", type=Path, help="keep the benchmarks' predictions here")
    args = parser.parse_args()
    if args.what == "extract-json":
        extract_json(args.paths)
        return
    tables = {
        "gold": gold_table,
        "learned": gold_learned_table,
        "folders": folders_table,
        "detect": lambda: detection_table(args.show),
        "peers": lambda: peers_table(args.keep),
        "speed": speed_table,
    }
    for name, table in tables.items():
        if args.what in ("all", name):
            table()
            sys.stdout.flush()


if __name__ == "__main__":
    main()
