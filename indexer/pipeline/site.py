"""What a run knows of the site it reads besides its pages' bytes: the addresses of every
page of its folder sources (so a canonical link can be told to name a page of the run or
not), and samples spread evenly over a site (to learn its template from old and new
posts alike).
"""

from __future__ import annotations

from pathlib import Path

from indexer.extract.address import SitePaths
from indexer.sources.folder import html_files, page_url


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
