"""Fetch one page over HTTP(S), bounded, for `postsearch extract URL`.

Uses httpx (well kept, strict about redirects and timeouts) rather than hand-written HTTP.
Every limit is explicit: time, redirects, size and content type; each refusal is a
PageError that names the URL and the reason.
"""

from __future__ import annotations

import httpx

from indexer import __version__
from indexer.errors import PageError
from indexer.extract.parse import MAX_PAGE_BYTES
from indexer.records import RawPage

USER_AGENT = f"postsearch/{__version__} (+self-hosted site search)"
TIMEOUT_SECONDS = 20.0
MAX_REDIRECTS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")


def fetch_page(url: str, client: httpx.Client | None = None) -> RawPage:
    """GET `url` and return it as a RawPage under its final URL, or raise PageError."""
    own_client = client is None
    client = client or httpx.Client(
        headers={"User-Agent": USER_AGENT},
        timeout=TIMEOUT_SECONDS,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
    )
    try:
        with client.stream("GET", url) as response:
            _check_response(url, response)
            content = _read_bounded(url, response)
            return RawPage(location=url, url=str(response.url), content=content)
    except httpx.TooManyRedirects as error:
        raise PageError(url, f"more than {MAX_REDIRECTS} redirects") from error
    except httpx.TimeoutException as error:
        raise PageError(url, f"no answer within {TIMEOUT_SECONDS:g} s") from error
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise PageError(url, f"cannot fetch: {error}") from error
    finally:
        if own_client:
            client.close()


def _check_response(url: str, response: httpx.Response) -> None:
    if response.status_code >= 400:
        raise PageError(url, f"HTTP {response.status_code}")
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind and kind not in HTML_TYPES:
        raise PageError(url, f"not an HTML page ({kind})")


def _read_bounded(url: str, response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_PAGE_BYTES:
            raise PageError(url, f"larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB")
        chunks.append(chunk)
    return b"".join(chunks)
