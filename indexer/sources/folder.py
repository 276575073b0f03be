"""Sources: where pages come from, and the URL each page will be shown under.

Stage one of the flow. A source is a folder of rendered HTML (walked recursively, in a
stable order) or a single page. A page's URL is derived from its path relative to the
folder (`x/index.html` → `x/`), joined to `--base-url` when given, so that results link to
the live site; the extractor later prefers the page's own <link rel=canonical>.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urljoin

from indexer.errors import SourceError
from indexer.records import Failure, RawPage

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})


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
    """Every HTML file below `folder`, skipping hidden folders, in a stable order."""
    found = [
        path
        for path in folder.rglob("*")
        if path.suffix.lower() in HTML_SUFFIXES
        and path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    ]
    return sorted(found)


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


def count_pages(source: str | Path) -> int:
    """How many pages a source holds, for the progress bar's total."""
    path = Path(source)
    return len(html_files(path)) if path.is_dir() else int(path.is_file())


def _read(file: Path, url: str) -> RawPage | Failure:
    try:
        return RawPage(location=str(file), url=url, content=file.read_bytes())
    except OSError as error:
        return Failure(location=str(file), reason=f"cannot read: {error.strerror}")
