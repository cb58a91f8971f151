"""Bounded HTTP(S) reads of a published school site (its index.json and a sample of its PDFs).

The address comes from schools.yml and the answer from a server nobody here controls: every read
has a timeout, a size cap checked while reading (a Content-Length is a claim), no redirect to
another scheme than http(s), and no cookies or credentials. A PDF is read with `stream` and hashed
as it arrives, never held whole.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

from hoso import __version__

TIMEOUT = 20.0  # seconds, per connection and per read
CHUNK = 1 << 16
# Past the first TIMEOUT, an answer must keep coming at this average rate (a slow rural line
# gives far more): a server dripping bytes inside the per-read timeout cannot hold the build.
MIN_RATE = 16 * 1024  # bytes per second


@dataclass(frozen=True)
class FetchError(Exception):
    """Why an address could not be read, in words for the portal's page (no traceback)."""

    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.url}: {self.reason}"


class _SafeRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_SafeRedirects)


def fetch(url: str, limit: int, timeout: float = TIMEOUT) -> bytes:
    """The body of `url`, at most `limit` bytes; FetchError otherwise."""
    body = bytearray()
    for chunk in stream(url, limit, timeout):
        body += chunk
    return bytes(body)


def stream(url: str, limit: int, timeout: float = TIMEOUT) -> Iterator[bytes]:
    """The body of `url` in pieces as they arrive (at most `limit` bytes in all, at MIN_RATE past
    the first `timeout`), for a reader that hashes it without holding it; FetchError otherwise,
    raised while iterating."""
    request = urllib.request.Request(url, headers={"User-Agent": f"hoso-portal/{__version__}"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise FetchError(url, f"> {limit} bytes")
            got = 0
            started = time.monotonic()
            while chunk := response.read1(CHUNK):  # what has arrived: the rate is checked as it comes
                got += len(chunk)
                if got > limit:
                    raise FetchError(url, f"> {limit} bytes")
                elapsed = time.monotonic() - started
                if elapsed > timeout and got < MIN_RATE * elapsed:
                    raise FetchError(url, f"< {MIN_RATE // 1024} KiB/s")
                yield chunk
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        raise FetchError(url, f"HTTP {exc.code}") from exc
    except urllib.error.URLError as exc:
        raise FetchError(url, str(exc.reason)) from exc
    except (OSError, ValueError) as exc:  # timeouts, resets, a malformed answer
        raise FetchError(url, f"{type(exc).__name__}: {exc}") from exc
