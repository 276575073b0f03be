"""Relevance benchmark: nDCG@10 of postsearch itself on an outside test collection.

Outside the product's flow, but through all of it. Each document of a collection becomes a
small blog post page (HTML, canonical URL, a publication date), so the real indexer reads,
classifies and analyses it exactly as it would a real site's post; every query then goes
through the search the JSON API calls. A shortcut into Whoosh would measure Whoosh, not
postsearch. The run is written in TREC format and scored by the shared scorer
(../shared/bench/relevance/score.py), so the figure is comparable with the peer engines'.

    .venv/bin/python bench/relevance.py ../shared/bench/relevance/cranfield

The last line printed is `ndcg@10: 0.xxxx`. See bench/README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import inspect
import json
import math
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SCORER = REPO.parent / "shared" / "bench" / "relevance" / "score.py"
BASE_URL = "https://bench.postsearch.test/"
# Fixed, so every run renders byte-identical pages.
PUBLISHED = "2024-03-05"
PUBLISHED_HUMAN = "5 March 2024"
SITE_NAME = "Bench Notes"
# Top-k per query, as the peers fetch (run_peers.py K = 100). The API caps per_page at 50
# for visitors; the bench builds its request directly, so it may ask for more.
TOP_K = 100
RUN_TAG = "postsearch"
PARAGRAPH_WORDS = 80
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class BenchError(Exception):
    """A collection, index or scorer problem that stops the benchmark, with the reason."""


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    text: str


@dataclass(frozen=True)
class Query:
    id: str
    text: str


@dataclass(frozen=True)
class Collection:
    """One test collection: documents, judged queries and the qrels file the scorer reads."""

    name: str
    documents: list[Document]
    queries: list[Query]
    qrels: Path


@dataclass(frozen=True)
class Site:
    """The rendered blog: where its pages are, and which document each URL stands for."""

    folder: Path
    doc_of_url: dict[str, str]
    empty: list[str]


@dataclass(frozen=True)
class IndexReport:
    """What the real indexer made of the site, and how long it took."""

    indexed: int
    skipped: dict[str, int]
    skipped_docs: list[str]
    failed: list[str]
    wall_s: float
    cpu_s: float


@dataclass(frozen=True)
class QueryRun:
    """Ranked doc ids per query plus the per-query latencies (wall ms, and search's took_ms)."""

    ranked: dict[str, list[tuple[str, float]]]
    latency_ms: list[float]
    cpu_ms: list[float]
    took_ms: list[float]
    unmapped_urls: int
    options: dict[str, bool]


# ---------------------------------------------------------------- the collection


def _read_jsonl(path: Path) -> Iterator[dict]:
    if not path.is_file():
        raise BenchError(f"{path}: missing (a collection holds corpus.jsonl, queries.jsonl, ...)")
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def load_collection(folder: Path) -> Collection:
    """Read a collection in the shared layout (see ../shared/bench/relevance/README.md)."""
    documents = [
        Document(str(d["id"]), d.get("title") or "", d.get("text") or "")
        for d in _read_jsonl(folder / "corpus.jsonl")
    ]
    queries = [Query(str(q["id"]), q["text"]) for q in _read_jsonl(folder / "queries.jsonl")]
    qrels = folder / "qrels.tsv"
    if not qrels.is_file():
        raise BenchError(f"{qrels}: missing")
    return Collection(folder.resolve().name, documents, queries, qrels)


# ---------------------------------------------------------------- the blog


def doc_url(doc_id: str) -> str:
    return f"{BASE_URL}doc/{quote(doc_id, safe='')}/"


def _paragraphs(text: str) -> list[str]:
    """The text cut at sentence ends into paragraphs of about PARAGRAPH_WORDS words, as a
    post's body would be; the words and their order are unchanged."""
    paragraphs, current = [], []
    for sentence in _SENTENCE_END.split(text.strip()):
        current.append(sentence)
        if sum(len(s.split()) for s in current) >= PARAGRAPH_WORDS:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return [p for p in paragraphs if p.strip()]


def render_post(doc: Document) -> str:
    """One document as a realistic single-post page of a small blog theme."""
    title, url = html.escape(doc.title.strip()), html.escape(doc_url(doc.id))
    json_ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "BlogPosting",
            "headline": doc.title.strip(),
            "datePublished": PUBLISHED,
            "mainEntityOfPage": doc_url(doc.id),
        }
    ).replace("</", "<\\/")
    body = "\n".join(f"      <p>{html.escape(p)}</p>" for p in _paragraphs(doc.text))
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title} – {SITE_NAME}</title>
  <link rel="canonical" href="{url}">
  <meta property="og:type" content="article">
  <meta property="og:title" content="{title}">
  <meta property="article:published_time" content="{PUBLISHED}T09:00:00+00:00">
  <script type="application/ld+json">{json_ld}</script>
</head>
<body class="post-template-default single single-post">
  <header class="site-header">
    <a class="site-title" href="{BASE_URL}">{SITE_NAME}</a>
    <nav><ul>
      <li><a href="{BASE_URL}">Home</a></li><li><a href="{BASE_URL}about/">About</a></li>
    </ul></nav>
  </header>
  <main id="main">
    <article class="post">
      <header class="entry-header">
        <h1 class="entry-title">{title}</h1>
        <time class="published" datetime="{PUBLISHED}">{PUBLISHED_HUMAN}</time>
      </header>
      <div class="entry-content">
{body}
      </div>
    </article>
  </main>
  <footer class="site-footer"><p>© {SITE_NAME}</p></footer>
</body>
</html>
"""


def write_site(documents: list[Document], folder: Path) -> Site:
    """Write one page per document at doc/<id>/index.html (the canonical URL's path).

    A document with neither title nor text has nothing a post could hold, so it is not
    rendered; it is counted and reported instead (no engine can retrieve it either).
    """
    doc_of_url: dict[str, str] = {}
    empty: list[str] = []
    for doc in documents:
        if not doc.title.strip() and not doc.text.strip():
            empty.append(doc.id)
            continue
        page = folder / "doc" / quote(doc.id, safe="") / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(render_post(doc), encoding="utf-8")
        doc_of_url[doc_url(doc.id)] = doc.id
    return Site(folder, doc_of_url, empty)


def doc_id_of(url: str, site: Site) -> str | None:
    """The document a hit's URL stands for (the product may normalise the URL's spelling)."""
    if url in site.doc_of_url:
        return site.doc_of_url[url]
    parts = urlsplit(url).path.strip("/").split("/")
    return unquote(parts[1]) if len(parts) == 2 and parts[0] == "doc" else None


# ---------------------------------------------------------------- the product


def build_index(site: Site, index_dir: Path) -> IndexReport:
    """Index the rendered site with the real pipeline and store, timed."""
    from indexer.api import WhooshPostStore, index_sources

    options = {"base_url": BASE_URL} if _accepts(index_sources, "base_url") else {}
    wall, cpu = time.perf_counter(), cpu_seconds()
    summary = index_sources([site.folder], WhooshPostStore(index_dir), **options)
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    skipped = list(summary.skipped)
    reasons: dict[str, int] = {}
    for skip in skipped:
        reasons[skip.reason] = reasons.get(skip.reason, 0) + 1
    return IndexReport(
        indexed=len(summary.indexed),
        skipped=reasons,
        skipped_docs=sorted(str(doc_id_of(s.url, site) or s.location) for s in skipped),
        failed=[f"{f.location}: {f.reason}" for f in summary.failed],
        wall_s=wall,
        cpu_s=cpu,
    )


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children: the indexer may extract
    pages in a process pool, whose work process_time() alone would miss."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _accepts(function: Callable, name: str) -> bool:
    try:
        return name in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


# Flags that search() or SearchRequest may grow to skip snippets, and the value that skips.
_SNIPPETS_OFF = {
    "snippets": False,
    "with_snippets": False,
    "make_snippets": False,
    "highlight": False,
    "skip_snippets": True,
    "no_snippets": True,
}


def _snippet_off_options(parameters: dict[str, object]) -> dict[str, bool]:
    """The snippet-skipping flags among `parameters` (name -> default): only boolean ones,
    so a `snippets: SnippetSettings` argument is left alone."""
    return {
        name: value
        for name, value in _SNIPPETS_OFF.items()
        if name in parameters and isinstance(parameters[name], bool)
    }


def open_search(
    index_dir: Path, backend: object | None = None
) -> tuple[Callable[[str], tuple[list[tuple[str, float]], float]], dict[str, bool]]:
    """The adapter to the product's search: text -> ([(url, score)], took_ms), and the
    snippet-skipping options it found and uses.

    The one place that knows searchweb's API, imported lazily, so the rest of the bench
    survives changes to it. It opens the index as the server does (WhooshSearchBackend) and
    builds the same SearchRequest the JSON API builds from `q`, `page` and `per_page`.
    `backend` is another SearchBackend to ask instead (bench/typesense_peer.py: Typesense).
    """
    from searchweb.engine.backend import WhooshSearchBackend
    from searchweb.records import SearchRequest

    backend = backend or WhooshSearchBackend(index_dir)
    call_defaults = {
        name: p.default for name, p in inspect.signature(backend.search).parameters.items()
    }
    request_defaults = {f.name: f.default for f in dataclasses.fields(SearchRequest)}
    call_options = _snippet_off_options(call_defaults)
    request_options = _snippet_off_options(request_defaults)

    def run(text: str) -> tuple[list[tuple[str, float]], float]:
        request = SearchRequest(query=text, page=1, per_page=TOP_K, **request_options)
        results = backend.search(request, **call_options)
        hits = [(_field(hit, "url"), float(_field(hit, "score") or 0.0)) for hit in results.hits]
        return hits, float(getattr(results, "took_ms", math.nan))

    return run, {**request_options, **call_options}


def _field(hit: object, name: str) -> object:
    return hit[name] if isinstance(hit, dict) else getattr(hit, name)


def run_queries(
    queries: list[Query], site: Site, index_dir: Path, backend: object | None = None
) -> QueryRun:
    """Every query once, in file order, timed one at a time (no warm-up, like the peers)."""
    search, options = open_search(index_dir, backend)
    ranked: dict[str, list[tuple[str, float]]] = {}
    latency, cpu, took = [], [], []
    unmapped = 0
    for query in queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        hits, took_ms = search(query.text)
        latency.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        took.append(took_ms)
        ranked[query.id] = []
        for url, score in hits:
            doc_id = doc_id_of(url, site)
            if doc_id is None:
                unmapped += 1
            else:
                ranked[query.id].append((doc_id, score))
    return QueryRun(ranked, latency, cpu, took, unmapped, options)


# ---------------------------------------------------------------- run file and score


def run_lines(ranked: dict[str, list[tuple[str, float]]]) -> Iterator[str]:
    """TREC run lines in the product's order.

    The scorer re-sorts by score and breaks ties by doc id, while the product shows its own
    order (and rounds scores for display); a score equal to or above the previous one is
    therefore nudged just below it, so the scorer ranks exactly what a visitor sees.
    """
    for qid, hits in ranked.items():
        previous = math.inf
        for rank, (doc_id, score) in enumerate(hits[:TOP_K], 1):
            written = min(score, previous - 1e-6)
            previous = written
            yield f"{qid} Q0 {doc_id} {rank} {written:.6f} {RUN_TAG}"


def score_run(scorer: Path, qrels: Path, run: Path) -> tuple[str, float]:
    """The shared scorer's report, and its nDCG@10."""
    if not scorer.is_file():
        raise BenchError(f"{scorer}: scorer not found (use --scorer)")
    done = subprocess.run(
        [sys.executable, str(scorer), str(qrels), str(run)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"{scorer} failed ({done.returncode}): {done.stderr.strip()}")
    match = re.search(r"^nDCG@10\s+([0-9.]+)", done.stdout, re.M)
    if match is None:
        raise BenchError(f"no nDCG@10 line in the scorer's output:\n{done.stdout}")
    return done.stdout.rstrip("\n"), float(match.group(1))


def _options_text(options: dict[str, bool]) -> str:
    if not options:
        return "with snippets: this search() has no flag to skip them"
    return "snippets off: " + ", ".join(f"{k}={v}" for k, v in options.items())


def p95(values: list[float]) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


# ---------------------------------------------------------------- command line


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("collection", type=Path, help="folder with corpus.jsonl, queries.jsonl")
    parser.add_argument("--out", type=Path, help="where to write the run and results.json")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--keep-index", type=Path, metavar="DIR", help="build into DIR, keep it")
    where.add_argument(
        "--reuse-index", type=Path, metavar="DIR", help="search an index kept by --keep-index"
    )
    parser.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    parser.add_argument(
        "--min-ndcg", type=float, help="exit with status 1 when nDCG@10 is below this floor"
    )
    return parser.parse_args(argv)


def _fresh_dir(path: Path) -> Path:
    if path.exists() and any(path.iterdir()):
        raise BenchError(f"{path} is not empty; give a new folder to --keep-index")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _reproduce(args: argparse.Namespace) -> str:
    parts = [".venv/bin/python", "bench/relevance.py", str(args.collection)]
    if args.min_ndcg is not None:
        parts += ["--min-ndcg", str(args.min_ndcg)]
    return shlex.join(parts)


def bench(args: argparse.Namespace, work: Path) -> dict:
    """Render, index, search and score one collection; print and return the figures."""
    collection = load_collection(args.collection)
    index_dir = args.reuse_index or (_fresh_dir(args.keep_index) if args.keep_index else None)
    print(
        f"collection {collection.name}: {len(collection.documents)} documents, "
        f"{len(collection.queries)} queries",
        flush=True,
    )
    site = _render(collection, work / "site")
    report = None
    if args.reuse_index:
        print(f"searching the kept index {index_dir} (not re-indexed)")
    else:
        index_dir = index_dir or work / "index"
        report = _index(site, index_dir)
    queries = run_queries(collection.queries, site, index_dir)
    out = args.out or work
    out.mkdir(parents=True, exist_ok=True)
    run_path = out / f"{collection.name}.{RUN_TAG}.run"
    run_path.write_text("".join(line + "\n" for line in run_lines(queries.ranked)), "utf-8")
    report_text, ndcg = score_run(args.scorer, collection.qrels, run_path)
    figures = _figures(collection, site, report, queries, ndcg, run_path)
    (out / f"{collection.name}.{RUN_TAG}.json").write_text(json.dumps(figures, indent=1), "utf-8")
    print(report_text)
    _print_times(report, queries, figures)
    print(f"run: {run_path}" if args.out else "run: not kept (use --out DIR to keep it)")
    print(f"reproduce: {_reproduce(args)}")
    return figures


def _render(collection: Collection, folder: Path) -> Site:
    started = time.perf_counter()
    site = write_site(collection.documents, folder)
    print(
        f"rendered {len(site.doc_of_url)} posts in {time.perf_counter() - started:.1f} s; "
        f"not rendered (no title and no text): {len(site.empty)} {site.empty}",
        flush=True,
    )
    return site


def _index(site: Site, index_dir: Path) -> IndexReport:
    report = build_index(site, index_dir)
    skipped = sum(report.skipped.values())
    print(
        f"indexed {report.indexed} posts in {report.wall_s:.1f} s (cpu {report.cpu_s:.1f} s); "
        f"skipped {skipped} {report.skipped if skipped else ''}"
        f"{' ' + str(report.skipped_docs[:20]) if skipped else ''}; "
        f"failed {len(report.failed)}",
        flush=True,
    )
    for failure in report.failed[:20]:
        print(f"  failed: {failure}")
    return report


def _figures(
    collection: Collection,
    site: Site,
    report: IndexReport | None,
    queries: QueryRun,
    ndcg: float,
    run_path: Path,
) -> dict:
    """The figures of one run, as written to <collection>.postsearch.json."""
    indexing = (
        {
            "indexed": report.indexed,
            "skipped": report.skipped,
            "skipped_docs": report.skipped_docs,
            "failed": report.failed,
            "index_s": report.wall_s,
            "index_cpu_s": report.cpu_s,
        }
        if report
        else {}
    )
    return {
        "collection": collection.name,
        "ndcg@10": ndcg,
        "documents": len(collection.documents),
        "not_rendered_empty": site.empty,
        **indexing,
        "queries": len(collection.queries),
        "query_ms_mean": statistics.fmean(queries.latency_ms),
        "query_ms_p95": p95(queries.latency_ms),
        "query_cpu_ms_mean": statistics.fmean(queries.cpu_ms),
        "took_ms_mean": statistics.fmean(queries.took_ms),
        "unmapped_hits": queries.unmapped_urls,
        "search_options": queries.options,
        "run": str(run_path),
    }


def _print_times(report: IndexReport | None, queries: QueryRun, figures: dict) -> None:
    if report:
        print(
            f"index time: {report.wall_s:.2f} s wall, {report.cpu_s:.2f} s cpu "
            f"({report.indexed} posts)"
        )
    print(
        f"query latency: mean {figures['query_ms_mean']:.2f} ms, p95 "
        f"{figures['query_ms_p95']:.2f} ms, cpu mean {figures['query_cpu_ms_mean']:.2f} ms "
        f"(search()'s took_ms mean {figures['took_ms_mean']:.2f} ms; top {TOP_K}, "
        f"{_options_text(queries.options)})"
    )
    if queries.unmapped_urls:
        print(f"warning: {queries.unmapped_urls} hits had URLs outside the bench site")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))  # the tree's own code, even without `pip install -e`
    work = Path(tempfile.mkdtemp(prefix="postsearch-relevance-"))
    try:
        figures = bench(args, work)
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)
    failed = args.min_ndcg is not None and figures["ndcg@10"] < args.min_ndcg
    if failed:
        print(f"FAIL: nDCG@10 {figures['ndcg@10']:.4f} is below the floor {args.min_ndcg}")
    print(f"ndcg@10: {figures['ndcg@10']:.4f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
