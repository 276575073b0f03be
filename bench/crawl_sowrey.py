"""Crawl the whole sowrey corpus over loopback, then recrawl it unchanged; print figures.

    .venv/bin/python bench/crawl_sowrey.py [--keep DIR]

Serves ../shared/corpora/sowrey (posts and non-posts merged into one site folder) with the
tests' SiteServer on 127.0.0.1 (ETag/Last-Modified, a generated sitemap with lastmod,
robots.txt), crawls it into a fresh index with the real pipeline, checks that exactly the
1,213 posts and no non-post were indexed, then crawls again with nothing changed. Exits 1
if the post count is wrong or the recrawl takes more than 10% of the first crawl's time
(the target for an unchanged recrawl).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from helpers import SOWREY, SiteServer, crawl, indexed_paths  # noqa: E402

RECRAWL_SHARE = 0.10


def site_folder(target: Path) -> set[str]:
    """Posts and non-posts in one folder, as the site serves them; returns the post paths."""
    for part in ("posts", "nonpost"):
        shutil.copytree(SOWREY / part, target, dirs_exist_ok=True)
    return {
        f.parent.relative_to(SOWREY / "posts").as_posix() + "/"
        for f in (SOWREY / "posts").rglob("index.html")
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", help="put the site and index here (default: a temp dir)")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="crawl-sowrey-"))
    posts = site_folder(work / "site")
    index_dir = work / "index"
    shutil.rmtree(index_dir, ignore_errors=True)
    with SiteServer(work / "site") as server:
        started = time.perf_counter()
        first = crawl(server, index_dir)
        first_s = time.perf_counter() - started
        requests_first = len(server.log)
        server.log.clear()
        started = time.perf_counter()
        second = crawl(server, index_dir)
        second_s = time.perf_counter() - started
        bodies = len(server.page_bodies())
        requests_second = len(server.log)
    found = indexed_paths(index_dir)
    figures = {
        "posts_expected": len(posts),
        "posts_indexed": len(found),
        "non_posts_indexed": len(found - posts),
        "posts_missing": sorted(posts - found)[:10],
        "failed": [f"{f.location}: {f.reason}" for f in first.failed][:10],
        "pages": first.pages,
        "not_found": len(first.not_found),
        "recrawl_unchanged": second.unchanged,
        "first_crawl_s": round(first_s, 2),
        "first_crawl_requests": requests_first,
        "pages_per_s": round((len(first.indexed) + len(first.skipped)) / first_s, 1),
        "recrawl_s": round(second_s, 2),
        "recrawl_requests": requests_second,
        "recrawl_page_bodies": bodies,
        "recrawl_reindexed": len(second.indexed),
        "recrawl_share": round(second_s / first_s, 4),
    }
    print(json.dumps(figures, indent=2))
    ok = (
        figures["posts_indexed"] == len(posts)
        and figures["non_posts_indexed"] == 0
        and figures["recrawl_share"] <= RECRAWL_SHARE
    )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
