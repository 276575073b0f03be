"""Benchmark re-indexing after small changes on an indexed 2,000-post site.

The maintainer's real loop: the site is re-rendered with one post added, one edited or one
deleted (its file removed), and they run the same command as for the first build,
`postsearch index SITE --index DIR`. Each change is timed through that command, and the index
is then read back to check that the change really landed (a fast run that missed the change
would be no result). For scale, the same runs with nothing changed, the single-file command
(`postsearch index NEW_PAGE.html`) and Pagefind's full rebuild (it has no incremental mode)
are timed too. Then `postsearch serve` runs on that index and new posts are published
through its webhook (bench/webhook.py): the time until `/api/search` finds each.

    python bench/incremental.py [--posts 2000] [--no-peer] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import webhook
from build import BenchError, pagefind_binary, postsearch_index, run_measured
from generate_site import SiteGenerator, generate
from whoosh import index as whoosh_index


def _index_state(index_dir: Path, url: str) -> tuple[int, str | None]:
    """(posts in the index, stored title of `url` or None when it is absent)."""
    ix = whoosh_index.open_dir(str(index_dir))
    with ix.searcher() as searcher:
        fields = searcher.document(url=url)
        title = None
        if fields is not None:
            display = fields.get("display") or {}
            title = display.get("title") if isinstance(display, dict) else fields.get("title")
        return searcher.doc_count(), title


def _step(name: str, site: Path, index_dir: Path, url: str, check) -> dict:
    stats = postsearch_index(site, index_dir)
    count, title = _index_state(index_dir, url)
    landed, note = check(count, title)
    return {
        "step": name,
        "wall_s": stats.wall_s,
        "cpu_s": stats.cpu_s,
        "posts_after": count,
        "landed": landed,
        "note": note,
        "command": stats.command,
    }


def run(posts: int, peer: bool, seed: int = 7) -> dict:
    work = Path(tempfile.mkdtemp(prefix="postsearch-bench-incr-"))
    try:
        return _run(work, posts, peer, seed)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(work: Path, posts: int, peer: bool, seed: int) -> dict:
    site, index_dir = work / "site", work / "index"
    generator: SiteGenerator = generate(posts, site, seed)
    full = postsearch_index(site, index_dir)
    base, _ = _index_state(index_dir, "")
    steps = [_step("no change", site, index_dir, "", lambda c, t: (c == base, f"{c} posts"))]

    new = generator.write(site, posts)  # post number `posts` is one the site did not have
    steps.append(
        _step("add 1 post", site, index_dir, new.url, lambda c, t: (t is not None, f"{c} posts"))
    )
    edited = generator.write(site, 1, variant=1)  # same URL, new title and body
    steps.append(
        _step(
            "edit 1 post",
            site,
            index_dir,
            edited.url,
            lambda c, t: (bool(t and t.endswith("(updated)")), f"title now {t!r}"),
        )
    )
    gone = generator.post(2)
    (site / gone.path).unlink()
    steps.append(
        _step(
            "delete 1 post",
            site,
            index_dir,
            gone.url,
            lambda c, t: (t is None, "removed" if t is None else "still in the index"),
        )
    )
    # Indexing only the new page, as a maintainer can by hand.
    single = generator.write(site, posts + 1)
    one = postsearch_index(site / single.path, index_dir)
    published = webhook.run(site, index_dir, generator, posts + 100, rounds=10)
    result = {
        "posts": posts,
        "full_build": {"wall_s": full.wall_s, "cpu_s": full.cpu_s, "command": full.command},
        "steps": steps,
        "single_file": {"wall_s": one.wall_s, "cpu_s": one.cpu_s, "command": one.command},
        "webhook": published,
    }
    if peer:
        rebuild = run_measured(
            [str(pagefind_binary()), "--site", str(site), "--output-path", str(work / "pf")]
        )
        result["pagefind_rebuild"] = {
            "wall_s": rebuild.wall_s,
            "cpu_s": rebuild.cpu_s,
            "command": rebuild.command,
        }
    return result


def print_result(result: dict) -> None:
    full = result["full_build"]
    print(f"Incremental re-index on a {result['posts']}-post generated site")
    print(f"  full build first: {full['wall_s']} s wall, {full['cpu_s']} s CPU")
    print(f"  {'change':<15}{'wall s':>8}{'cpu s':>8}  landed  note")
    for step in result["steps"]:
        landed = "yes" if step["landed"] else "NO"
        print(f"  {step['step']:<15}{step['wall_s']:>8}{step['cpu_s']:>8}", end="")
        print(f"  {landed:<6}  {step['note']}")
    one = result["single_file"]
    print(f"  index 1 file by hand: {one['wall_s']} s  $ {one['command']}")
    webhook.print_result(result["webhook"])
    if "pagefind_rebuild" in result:
        pf = result["pagefind_rebuild"]
        print(f"  pagefind full rebuild: {pf['wall_s']} s  $ {pf['command']}")
    print(f"  $ {result['steps'][0]['command']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--no-peer", action="store_true", help="skip Pagefind")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    try:
        result = run(args.posts, peer=not args.no_peer)
    except BenchError as error:
        print(f"incremental: {error}", file=sys.stderr)
        return 1
    print_result(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
