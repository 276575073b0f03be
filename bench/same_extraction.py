"""Record what extraction reads from every page of the shared corpora and benchmarks, and
compare two such records.

A change meant to leave extraction's output alone (a speed-up, a refactor) is checked by
dumping every page before and after it and comparing, field by field: the URL, the verdict
and its reason, title, date, author, categories, tags, language, summary and body. The
pages are the seed page, every page of each corpus (posts/ and nonpost/, read on their own
and again with the site's learnt template), the Zyte article benchmark and
trafilatura's evaluation set.

    python bench/same_extraction.py dump OUT.jsonl [--only corpora|zyte|trafilatura]
    python bench/same_extraction.py compare before.jsonl after.jsonl

`compare` prints the pages whose output differs (the first differing field of each) and
exits 1 if any does.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval_extraction import (  # noqa: E402
    CORPORA,
    SHARED,
    TRAFILATURA,
    ZYTE,
    corpus_pages,
    site_pages,
)

from indexer.errors import PageError  # noqa: E402
from indexer.extract.learn import learn_template  # noqa: E402
from indexer.extract.page import extract  # noqa: E402
from indexer.extract.template import SiteTemplate  # noqa: E402
from indexer.records import RawPage  # noqa: E402

FIELDS = ("url", "skip", "title", "date", "author", "categories", "tags", "language")
FIELDS += ("summary", "body")


def record(key: str, page: RawPage, template: SiteTemplate | None = None) -> dict:
    """Everything extraction reads from `page`, as one JSON-ready dict."""
    try:
        result = extract(page, template=template)
    except PageError as error:
        return {"key": key, "error": error.reason}
    post = result.post
    return {
        "key": key,
        "url": post.url,
        "skip": result.skip_reason,
        "title": post.title,
        "date": post.date.isoformat() if post.date else None,
        "author": post.author,
        "categories": list(post.categories),
        "tags": list(post.tags),
        "language": post.language,
        "summary": post.summary,
        "body": post.body,
    }


def corpus_records() -> Iterator[dict]:
    seed = SHARED / "fixtures" / "seed-site"
    for page in corpus_pages(seed):
        yield record(f"seed{page.url}", page)
    for corpus in CORPORA:
        folder = SHARED / "corpora" / corpus
        template = learn_template(site_pages(folder))
        for part in ("posts", "nonpost"):
            for page in corpus_pages(folder / part):
                yield record(f"{corpus}/{part}{page.url}", page)
                yield record(f"{corpus}/{part}{page.url} +template", page, template)


def zyte_records() -> Iterator[dict]:
    truth = json.loads((ZYTE / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id, gold in truth.items():
        html = gzip.decompress((ZYTE / "html" / f"{page_id}.html.gz").read_bytes())
        url = gold.get("url") or "https://example.invalid/"
        yield record(f"zyte/{page_id}", RawPage(page_id, url, html))


def trafilatura_records() -> Iterator[dict]:
    data = json.loads((TRAFILATURA / "evaldata.json").read_text(encoding="utf-8"))
    for url, entry in data.items():
        html = gzip.decompress((TRAFILATURA / "html" / f"{entry['file']}.gz").read_bytes())
        yield record(f"trafilatura/{entry['file']}", RawPage(entry["file"], url, html))


SETS = {"corpora": corpus_records, "zyte": zyte_records, "trafilatura": trafilatura_records}


def dump(out: Path, only: str | None) -> None:
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for name, records in SETS.items():
            if only and name != only:
                continue
            for item in records():
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
                count += 1
    print(f"{count} pages → {out}")


def compare(before: Path, after: Path) -> int:
    old = _load(before)
    new = _load(after)
    differing = 0
    for key in old.keys() | new.keys():
        first, second = old.get(key), new.get(key)
        if first == second:
            continue
        differing += 1
        if first is None or second is None:
            print(f"{key}: only in {'after' if first is None else 'before'}")
            continue
        field = next(f for f in ("error", *FIELDS) if first.get(f) != second.get(f))
        print(f"{key}: {field}: {_short(first.get(field))} → {_short(second.get(field))}")
    print(f"{len(old)} pages before, {len(new)} after, {differing} differ")
    return 1 if differing else 0


def _load(path: Path) -> dict[str, dict]:
    lines = [line for line in path.read_text(encoding="utf-8").split("\n") if line]
    return {item["key"]: item for item in map(json.loads, lines)}


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 160 else text[:157] + "..."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    dumping = commands.add_parser("dump")
    dumping.add_argument("out", type=Path)
    dumping.add_argument("--only", choices=sorted(SETS))
    comparing = commands.add_parser("compare")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out, args.only)
    else:
        sys.exit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
