"""One run's batch of writes: the transaction, the deletions at its end, what it leaves.

A run writes in one batch (`writing`): it commits whole or not at all, and a full disk or
a read-only mount becomes one clear error. At its end, the posts whose pages are gone are
deleted (`apply_deletions`) and the posts the index will hold are counted (`posts_after`).

A page that answered 404 or 410, left a sitemap read in full, a folder or an export, had
its post noted as gone during the run (unless the run indexed that post again under the
same URL). Deleting them all is right when the site lost them and wrong when a deploy
broke, a folder was half copied or a proxy answered 404 for everything; the two look the
same from here, so a run that would delete more than a tenth of the index deletes
nothing and says why, unless the maintainer allows it (`--allow-mass-delete`) or the run
rebuilds the index anyway (`--full`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from indexer.errors import IndexWriteError
from indexer.index.store import PostStore
from indexer.records import IndexSummary
from indexer.sources.state import CrawlState

MASS_DELETE_SHARE = 0.10

# A post's URL → the crawl state and page key that held it (state None: not crawled before).
Gone = dict[str, tuple[CrawlState | None, str]]


@contextmanager
def writing(store: PostStore) -> Iterator[PostStore]:
    """`with store:` where an OSError (a full disk, a read-only mount) becomes one clear
    IndexWriteError saying the last complete commit is still the index served."""
    try:
        with store:
            yield store
    except OSError as error:
        where = error.filename or store.state_dir or "the index"
        raise IndexWriteError(
            f"cannot write the index ({error.strerror or error} at {where}); the last "
            "complete commit is still the index served"
        ) from error


def apply_deletions(
    gone: Gone, indexed: set[str], store: PostStore, summary: IndexSummary, allowed: bool
) -> None:
    """Delete the gone posts not indexed again in this run, unless that is a mass deletion
    and not `allowed`; `summary` says which were deleted, or which were not and why."""
    doomed = [url for url in gone if url not in indexed]
    present = [url for url in doomed if store.contains(url)]
    before = store.doc_count()
    limit = max(1, int(before * MASS_DELETE_SHARE))
    if len(present) > limit and not allowed:
        summary.refused_deletes = sorted(present)
        summary.mass_delete_message = (
            f"refused to delete {len(present)} of {before} indexed posts and pages (more than "
            f"{MASS_DELETE_SHARE:.0%}) in one run: if the site really lost them, run again "
            "with --allow-mass-delete; if not, check the site (a broken deploy or a "
            "missing folder looks like this)"
        )
        return
    for url in doomed:
        store.delete(url)
        if url in present:
            summary.deleted.append(url)
        state, key = gone[url]
        if state is not None:
            state.forget(key)


def posts_after(store: PostStore, indexed: set[str], summary: IndexSummary, full: bool) -> int:
    """How many posts the index holds once this batch commits. Before the commit the store
    answers for the index as it was; a rebuild holds exactly what it indexed."""
    if full:
        return len(indexed)
    added = sum(1 for url in indexed if not store.contains(url))
    return store.doc_count() + added - len(summary.deleted)
