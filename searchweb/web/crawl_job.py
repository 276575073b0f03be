"""The server's background crawl: "reindex everything" without a shell on the machine.

`POST /api/admin/crawl` (see searchweb.web.admin) starts an incremental crawl of the
configured `site_url` in a thread of the server and answers at once; `GET` reports how far
it got. One crawl at a time per server: a second request while one runs gets the running
one's progress. The crawl itself is the indexer's (through searchweb.indexing), one
transaction under the index's write lock, so a publish webhook waits for it (or answers 503)
and a `postsearch index` from cron waits or gives up with a message.

What the crawl did is also written beside the index (`<index>.crawl.json`), so the state
survives a restart: a crawl whose server stopped before it finished is reported as
"interrupted". Nothing of it was committed (a crawl commits once, at its end), so the index
served is the one the previous run left, whole.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from searchweb.config import Settings
from searchweb.indexing import crawl_site

# A background crawl may wait this long for another indexer (cron, a webhook) to finish.
CRAWL_LOCK_TIMEOUT = 120.0
# How many failures the report names (the counts are always complete).
MAX_FAILURES_SHOWN = 20
INTERRUPTED = (
    "the server stopped before this crawl finished; nothing of it was committed, so the "
    "index is the one the previous run left"
)


@dataclass(frozen=True)
class CrawlProgress:
    """Where a background crawl stands; `state` is idle, running, done, failed or interrupted."""

    state: str = "idle"
    site_url: str = ""
    started_at: str | None = None
    finished_at: str | None = None
    pages: int = 0  # pages read so far: indexed + unchanged + skipped + failed
    indexed: int = 0
    unchanged: int = 0
    skipped: int = 0
    deleted: int = 0
    failed: int = 0
    failures: tuple[dict[str, str], ...] = ()  # the first few: {"url", "reason"}
    summary: str | None = None  # one line when done
    error: str | None = None  # why it could not be done at all
    pid: int | None = None  # the server process that runs (or ran) it

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["failures"] = list(self.failures)
        data.pop("pid")
        return data


def status_path(settings: Settings) -> Path:
    """`<index>.crawl.json` beside (never inside) the index directory."""
    index_dir = Path(settings.index_dir)
    return index_dir.parent / f"{index_dir.name}.crawl.json"


class SiteCrawl:
    """The one background crawl of a server process, and what the last one did."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.path = status_path(settings)
        self._lock = threading.Lock()
        self._progress = _recovered(_read(self.path))
        self._thread: threading.Thread | None = None

    def progress(self) -> CrawlProgress:
        with self._lock:
            return self._current()

    def _current(self) -> CrawlProgress:
        """This process's crawl, or (when another server process runs one) the file's word."""
        if self._progress.state == "running" and self._progress.pid != os.getpid():
            self._progress = _recovered(_read(self.path))
        return self._progress

    def start(self) -> tuple[bool, CrawlProgress]:
        """Start a crawl unless one is running; (started, the progress to report)."""
        with self._lock:
            if self._current().state == "running":
                return False, self._progress
            self._progress = CrawlProgress(
                state="running", site_url=self.settings.site_url, started_at=_now(), pid=os.getpid()
            )
            _write(self.path, self._progress)
            self._thread = threading.Thread(target=self._run, name="postsearch-crawl", daemon=True)
            self._thread.start()
            return True, self._progress

    def wait(self, timeout: float | None = None) -> CrawlProgress:
        """Block until the running crawl ends (for tests and a clean shutdown)."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.progress()

    def _run(self) -> None:
        try:
            summary = crawl_site(self.settings, CRAWL_LOCK_TIMEOUT, self._update)
        except Exception as error:  # a typed PostsearchError, or a bug: say it, keep serving
            self._finish(state="failed", error=str(error) or type(error).__name__)
            return
        self._update(summary)
        self._finish(state="done", summary=_one_line(summary))

    def _update(self, summary: Any) -> None:
        """The indexer's progress callback: copy the counts (the summary keeps changing)."""
        failures = tuple(
            {"url": failure.location, "reason": failure.reason}
            for failure in summary.failed[:MAX_FAILURES_SHOWN]
        )
        with self._lock:
            self._progress = replace(
                self._progress,
                pages=summary.pages,
                indexed=len(summary.indexed),
                unchanged=summary.unchanged,
                skipped=len(summary.skipped),
                deleted=len(summary.deleted),
                failed=len(summary.failed),
                failures=failures,
            )

    def _finish(self, **fields: Any) -> None:
        with self._lock:
            self._progress = replace(self._progress, finished_at=_now(), **fields)
            _write(self.path, self._progress)


def _one_line(summary: Any) -> str:
    line = (
        f"read {summary.pages} pages: {len(summary.indexed)} indexed, {summary.unchanged} "
        f"unchanged, {len(summary.deleted)} deleted, {len(summary.skipped)} not posts, "
        f"{len(summary.failed)} failed"
    )
    if summary.mass_delete_message:
        line += f"; {summary.mass_delete_message}"
    return line


def _recovered(progress: CrawlProgress) -> CrawlProgress:
    """A crawl the file calls running, whose process is gone, was interrupted."""
    if progress.state != "running" or _alive(progress.pid):
        return progress
    return replace(progress, state="interrupted", error=INTERRUPTED)


def _alive(pid: int | None) -> bool:
    if not pid or pid == os.getpid():
        return False  # this process has just started: its own old pid cannot be running it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read(path: Path) -> CrawlProgress:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["failures"] = tuple(data.get("failures", ()))
        return CrawlProgress(**data)
    except (OSError, ValueError, TypeError):
        return CrawlProgress()  # never crawled here, or a file we cannot read: nothing to say


def _write(path: Path, progress: CrawlProgress) -> None:
    """Save the state beside the index; a failure to save never stops the crawl."""
    data = progress.to_dict() | {"pid": progress.pid}
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(json.dumps(data, indent=1), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        pass  # a read-only or full disk: the progress is still reported from memory


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
