"""What a run knows of the sources it reads besides their pages' bytes: whether each is
there, the name its pages are kept under in the crawl state, the addresses of every page
of its folder sources (so a canonical link can be told to name a page of the run or not),
and samples spread evenly over a site (to learn its template from old and new posts
alike).
"""

from __future__ import annotations

from pathlib import Path

from indexer.errors import SourceError
from indexer.extract.address import SitePaths
from indexer.records import MAX_PAGE_BYTES, RawPage
from indexer.sources.folder import html_files, page_url
from indexer.urls import normalize_url


def check_source(source: str | Path) -> str | Path:
    """A site's address as it is, or a path that exists; else a SourceError naming it."""
    text = str(source)
    if text.startswith(("http://", "https://")):
        return text
    if not Path(source).exists():
        raise SourceError(f"{source}: no such file or folder")
    return Path(source)


def source_id(source: str | Path) -> str:
    """The name a source's pages are kept under in the crawl state."""
    if isinstance(source, str):
        return "site:" + normalize_url(source)
    kind = "folder" if source.is_dir() else "file"
    return f"{kind}:{source.resolve()}"


def folder_site(sources: list[str | Path], base_url: str | None) -> SitePaths | None:
    """The addresses of every page of the run's folder sources (None: no folder)."""
    folders = [source for source in sources if isinstance(source, Path) and source.is_dir()]
    if not folders:
        return None
    return SitePaths(
        page_url(file.relative_to(folder), base_url)
        for folder in folders
        for file in html_files(folder)
    )


def spread(items: list, limit: int) -> list:
    """Up to `limit` items taken evenly across `items` (a sample of the whole site)."""
    if len(items) <= limit:
        return list(items)
    return [items[i * len(items) // limit] for i in range(limit)]


def folder_sample(folder: Path, limit: int) -> list[RawPage]:
    """Up to `limit` readable pages taken evenly across `folder` (old and new posts)."""
    sample = []
    for file in spread(html_files(folder), limit):
        try:
            if file.stat().st_size > MAX_PAGE_BYTES:
                continue
            sample.append(RawPage(str(file), file.resolve().as_uri(), file.read_bytes()))
        except OSError:
            continue
    return sample
