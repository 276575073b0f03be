"""The one HTTP client of the indexer: bounded, polite GETs for the crawler and `extract URL`.

Built on httpx (well kept, strict about timeouts and streaming) and bounded in every way a
hostile or broken site could abuse: a timeout per request, a maximum body size read as it
streams, a redirect limit, only HTML where a page is wanted, retries with backoff on 5xx,
429 and timeouts, and an optional delay between requests shared by all threads.

Redirects are followed by hand so that every hop is checked: the caller's `may_follow`
(the crawler: on the site, allowed by robots.txt) and the address itself, since a site on
a public address must not be able to send the indexer to a private or loopback one. A
hop that is refused raises `Refused`, with the reason in words.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urljoin, urlsplit

import httpx

from indexer import __version__
from indexer.errors import PageError
from indexer.records import MAX_PAGE_BYTES, RawPage

USER_AGENT = f"postsearch/{__version__} (+self-hosted site search)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
RETRY_STATUSES = (429, 500, 502, 503, 504)


@dataclass(frozen=True)
class HttpLimits:
    """How far one client may go: time, size, redirects, retries and pace."""

    timeout: float = 20.0
    max_page_bytes: int = MAX_PAGE_BYTES
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 0.5
    delay: float = 0.0
    user_agent: str = USER_AGENT


@dataclass
class Response:
    """A finished GET: the final status and URL, the validators, the body (200 only)."""

    status: int
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""


class Refused(Exception):
    """A request or a hop the client must not make (off the site, private, too large...)."""


def is_private_host(host: str) -> bool:
    """Whether `host` is, or resolves to, a loopback, private, link-local or reserved address."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        return False
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved:
            return True
    return False


@cache
def tls_context() -> ssl.SSLContext:
    """The certificates httpx would trust, loaded once per process: reading the bundle
    takes tens of milliseconds, which every webhook call would otherwise pay."""
    return httpx.create_ssl_context()


class Throttle:
    """At most one request per `delay` seconds across all threads of a client. The delay
    may grow once requests have begun (robots.txt's Crawl-delay is read by the first)."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._lock = threading.Lock()
        self._last = float("-inf")

    def wait(self) -> None:
        if self.delay <= 0:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._last + self.delay)
            self._last = start
        time.sleep(max(0.0, start - now))


class HttpClient:
    """GETs within `limits`; private addresses only when the first one was private too.

    `may_follow(url)` names why a redirect target is refused, or returns None to follow it.
    """

    def __init__(
        self,
        start_url: str,
        limits: HttpLimits | None = None,
        may_follow: Callable[[str], str | None] | None = None,
    ) -> None:
        self.limits = limits or HttpLimits()
        self.may_follow = may_follow or (lambda url: None)
        self.throttle = Throttle(self.limits.delay)
        self.private_ok = is_private_host(urlsplit(start_url).hostname or "")
        self._host_checked: dict[str, bool] = {}
        self._client = httpx.Client(
            headers={"User-Agent": self.limits.user_agent},
            verify=tls_context(),
            timeout=self.limits.timeout,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, headers: dict | None = None, html_only: bool = False) -> Response:
        """GET with retries, following redirects by hand (each hop checked)."""
        for _hop in range(self.limits.max_redirects + 1):
            response = self._get_with_retries(url, headers or {}, html_only)
            if response.status not in REDIRECT_STATUSES:
                return response
            target = urljoin(url, response.headers.get("location", ""))
            if urlsplit(target).scheme not in ("http", "https"):
                raise Refused(f"redirects to {target}, not a web address")
            reason = self.may_follow(target)
            if reason:
                raise Refused(f"redirects to {target}: {reason}")
            url = target
        raise Refused(f"more than {self.limits.max_redirects} redirects")

    def _get_with_retries(self, url: str, headers: dict, html_only: bool) -> Response:
        self._check_host(url)
        for attempt in range(self.limits.retries + 1):
            last = attempt == self.limits.retries
            self.throttle.wait()
            try:
                response = self._get_once(url, headers, html_only)
            except (httpx.TimeoutException, httpx.TransportError):
                if last:
                    raise
            else:
                if response.status not in RETRY_STATUSES or last:
                    return response
            time.sleep(self.limits.backoff * 2**attempt)
        raise AssertionError("unreachable")

    def _get_once(self, url: str, headers: dict, html_only: bool) -> Response:
        with self._client.stream("GET", url, headers=headers) as response:
            status = response.status_code
            kept = {name: response.headers.get(name, "") for name in ("etag", "last-modified")}
            kept["location"] = response.headers.get("location", "")
            result = Response(status, str(response.url), {k: v for k, v in kept.items() if v})
            if status != 200:
                return result
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if html_only and kind and kind not in HTML_TYPES:
                raise Refused(f"not an HTML page ({kind})")
            result.content = self._read_bounded(response)
            return result

    def _read_bounded(self, response: httpx.Response) -> bytes:
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.limits.max_page_bytes:
                raise Refused(f"larger than {self.limits.max_page_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def _check_host(self, url: str) -> None:
        host = urlsplit(url).hostname or ""
        if host not in self._host_checked:
            self._host_checked[host] = self.private_ok or not is_private_host(host)
        if not self._host_checked[host]:
            raise Refused(f"{host} is a private or loopback address")


def fetch_page(url: str, limits: HttpLimits | None = None) -> RawPage:
    """GET one page (`postsearch extract URL`) as a RawPage under its final URL, or raise
    PageError naming the URL and the reason."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise PageError(url, "not an http(s) address")
    client = HttpClient(url, limits)
    try:
        response = client.get(url, html_only=True)
    except Refused as refusal:
        raise PageError(url, str(refusal)) from refusal
    except httpx.TimeoutException as error:
        raise PageError(url, f"no answer within {client.limits.timeout:g} s") from error
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise PageError(url, f"cannot fetch: {error}") from error
    finally:
        client.close()
    if response.status != 200:
        raise PageError(url, f"HTTP {response.status}")
    return RawPage(location=url, url=response.url, content=response.content)
