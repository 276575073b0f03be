"""What a maintainer watching a run sees on stderr: a bar of pages, then each step after it.

The bar counts pages as the run settles them (indexed, skipped, failed or unchanged: the
same count as the summary's "Read N pages"), not the events sources send, so a crawl's
broken links and a folder's deleted files do not inflate it. Its total is known for a
folder (its files) and an export (its items); for a crawl it starts at the pages the
sitemaps list and grows with the links found. The work after the last page (learning the
theme, committing, writing list files, saving the crawl state) can take a while on a big
site, so each step is announced before it starts: the run is never silent and busy.
"""

from __future__ import annotations

import sys

from tqdm import tqdm

from indexer.records import IndexSummary
from indexer.sources.crawl import Crawler


class Progress:
    """The bar of one source at a time, and step announcements; silent when not `enabled`."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar: tqdm | None = None

    def start(self, label: str) -> None:
        """A new bar for one source, at 0 pages of an unknown total."""
        if self.enabled:
            self._bar = tqdm(unit=" pages", desc=label[:40], file=sys.stderr, total=None)

    def show(self, pages: int, total: int | None = None, **figures: int) -> None:
        """Bring the bar to `pages` settled, of `total` when known, with `figures` beside."""
        bar = self._bar
        if bar is None:
            return
        if total is not None and total != bar.total:
            bar.total = max(total, pages)
        if figures:
            bar.set_postfix(figures, refresh=False)
        bar.update(pages - bar.n)

    def show_run(
        self, pages: int, expected: int | None, summary: IndexSummary, crawler: Crawler | None
    ) -> None:
        """The bar of a run's source: a crawl's total grows with the links it finds."""
        if self._bar is None:
            return
        if crawler is None:
            self.show(pages, expected, posts=len(summary.indexed))
            return
        counters = crawler.counters
        self.show(
            pages,
            max(counters.listed, pages + counters.queued),
            posts=len(summary.indexed),
            queued=counters.queued,
            not_found=len(summary.not_found),
        )

    def finish(self, complete: bool) -> None:
        """Close the bar; a `complete` source ends at its total (every page it had is
        settled, a crawl's broken links and a sitemap's missing pages aside)."""
        bar, self._bar = self._bar, None
        if bar is None:
            return
        if complete and bar.total is not None:
            bar.total = bar.n
        bar.close()

    def step(self, message: str) -> None:
        """Announce what the run does next, on its own line."""
        if self.enabled:
            print(f"{message}…", file=sys.stderr, flush=True)


def plural(count: int, noun: str, many: str | None = None) -> str:
    """ "1 post", "2 posts"; `many` for a noun that is not made plural with an s."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"
