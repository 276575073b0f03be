"""Folders and single files of rendered HTML: the pages, their URLs, and what changed.

A source is a folder (walked recursively, in a stable order) or a single page. A page's URL
is derived from its path relative to the folder (`x/index.html` → `x/`), joined to
`--base-url` when given, so that results link to the live site; the extractor later prefers
the page's own <link rel=canonical>.

As events (indexer.sources.events), a file's modification time and size are its ETag: the
same pair as last run means the same bytes, so the file is not even read. A known file that
is no longer in the folder is gone, since a folder is always read completely.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urljoin

from indexer.errors import PageError, SourceError
from indexer.records import MAX_PAGE_BYTES, Failure, RawPage
from indexer.sources.events import (
    PageFailed,
    PageFetched,
    PageGone,
    PagesExpected,
    PageUnchanged,
)
from indexer.sources.state import CrawlState

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_TOO_LARGE = f"larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB"


def page_url(relative: Path, base_url: str | None) -> str:
    """The URL of a page at `relative` (a path inside its source folder)."""
    parts = list(relative.parts)
    if parts and parts[-1].lower() in ("index.html", "index.htm"):
        parts[-1] = ""
    path = "/".join(quote(part) for part in parts)
    if base_url:
        return urljoin(base_url.rstrip("/") + "/", path)
    return "/" + path


def single_page_url(path: Path, base_url: str | None) -> str:
    """A page given on its own has no site folder around it: with --base-url its URL is the
    base joined with its file name, else its file URI (its canonical link usually wins)."""
    if base_url:
        return urljoin(base_url.rstrip("/") + "/", quote(path.name))
    return path.resolve().as_uri()


def html_files(folder: Path) -> list[Path]:
    """Every HTML file below `folder`, skipping hidden folders and files, in a stable order.

    One `os.walk` (directory entries carry their type, so no `stat` per file), with hidden
    folders pruned before they are entered: listing the folder is much of what an
    incremental run with nothing to do spends after starting up.
    """
    found = []
    for top, folders, names in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found.extend(
            Path(top, name)
            for name in names
            if not name.startswith(".") and Path(name).suffix.lower() in HTML_SUFFIXES
        )
    return sorted(found)


def read_file_page(path: Path, base_url: str | None = None) -> RawPage:
    """One HTML file as a RawPage (`postsearch extract FILE`), or PageError saying why not."""
    try:
        if path.stat().st_size > MAX_PAGE_BYTES:
            raise PageError(str(path), _TOO_LARGE)
        return RawPage(str(path), single_page_url(path, base_url), path.read_bytes())
    except OSError as error:
        raise PageError(str(path), f"cannot read: {error.strerror}") from error


def iter_pages(source: str | Path, base_url: str | None = None) -> Iterator[RawPage | Failure]:
    """Yield the pages of one source (a Failure for a file that cannot be read).

    Raises SourceError when the source itself does not exist.
    """
    path = Path(source)
    if path.is_dir():
        for file in html_files(path):
            yield _read(file, page_url(file.relative_to(path), base_url))
    elif path.is_file():
        yield _read(path, single_page_url(path, base_url))
    else:
        raise SourceError(f"{source}: no such file or folder")


def _read(file: Path, url: str) -> RawPage | Failure:
    try:
        return RawPage(location=str(file), url=url, content=file.read_bytes())
    except OSError as error:
        return Failure(location=str(file), reason=f"cannot read: {error.strerror}")


def folder_events(folder: Path, base_url: str | None, state: CrawlState | None) -> Iterator:
    """A folder as source events; every known page not found in it is gone."""
    files = [(file, page_url(file.relative_to(folder), base_url)) for file in html_files(folder)]
    yield from file_events(files, state, known=set(state.known_keys()) if state else set())


def file_events(
    files: list[tuple[Path, str]], state: CrawlState | None, known: set[str]
) -> Iterator:
    """Files as source events: a file's URL is its key, its stamp says if it changed, and
    a page of `known` that is not among `files` is gone."""
    yield PagesExpected(len(files))
    present = set()
    for file, url in files:
        present.add(url)
        try:
            status = file.stat()
            if status.st_size > MAX_PAGE_BYTES:  # refused unread: memory stays bounded
                yield PageFailed(str(file), _TOO_LARGE)
                continue
            # Reading and hashing the bytes again was most of a no-change run on a
            # 2,000-post folder; the (mtime, size) pair says the same for free.
            stamp = f"{status.st_mtime_ns}:{status.st_size}"
            before = state.get(url) if state else None
            if before is not None and before.etag == stamp:
                yield PageUnchanged(url)
                continue
            content = file.read_bytes()
        except OSError as error:
            yield PageFailed(str(file), f"cannot read: {error.strerror}")
            continue
        yield PageFetched(url, RawPage(location=str(file), url=url, content=content), etag=stamp)
    for key in sorted(known - present):
        yield PageGone(key, "no longer in the folder")
