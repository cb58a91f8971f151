"""Bounded HTTP(S) reads of a published school site (its index.json and a sample of its PDFs).

The address comes from schools.yml and the answer from a server nobody here controls: every read
has a timeout, a size cap checked while reading (a Content-Length is a claim), and every request
one deadline from connecting to its last byte, redirects included (`deadline`): a watchdog shuts
the connection when it passes, so a server dripping its headers or trickling its body just above
MIN_RATE costs at most a few timeouts, never hours. Redirects are followed by `stream` itself, at
most REDIRECTS of them and only on the host schools.yml names (http to https of that host too): a
school's server cannot send the portal to another machine (an intranet page, a metadata
address). No cookies or credentials are sent. A PDF is read with `stream` and hashed as it
arrives, never held whole.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hoso import __version__
from hoso.messages import t

TIMEOUT = 20.0  # seconds, per connection and per read
CHUNK = 1 << 16
# Past the first TIMEOUT, an answer must keep coming at this average rate (a slow rural line
# gives far more): a server dripping bytes inside the per-read timeout cannot hold the build.
MIN_RATE = 16 * 1024  # bytes per second
# The rate bounds the average, not the time (512 MiB at MIN_RATE is 9 hours): no request may take
# more than this many timeouts, whatever its cap — 80 s with TIMEOUT, which a 10 MB PDF (a
# catalog's default cap) needs only 1 Mbit/s for, and a 30 MB index.json 3 Mbit/s.
MAX_TIMEOUTS = 4
REDIRECTS = 5  # hops per request, each on the host schools.yml names
_REDIRECT_CODES = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class FetchError(Exception):
    """Why an address could not be read, in words for the portal's page (no traceback)."""

    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.url}: {self.reason}"


def deadline(limit: int, timeout: float = TIMEOUT) -> float:
    """Seconds one request of at most `limit` bytes may take in all: the first timeout and the cap
    at MIN_RATE (a small file gets little more than the timeout), never above MAX_TIMEOUTS."""
    return min(timeout + limit / MIN_RATE, MAX_TIMEOUTS * timeout)


class _Watchdog:
    """One request's deadline: the sockets it opened are shut down when it passes, which ends a
    read blocked on a server that sends a byte now and then."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._fired = False
        self._socks: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    @property
    def expired(self) -> bool:
        return self._fired or time.monotonic() >= self.end

    def bounded(self, timeout: float | None) -> float:
        """`timeout`, cut to what is left: a connection and its TLS handshake end by the deadline."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError("deadline")
        return left if timeout is None else min(timeout, left)

    def track(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if not self._fired:
                self._socks.append(sock)
                return
        _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self._fired = True
            socks, self._socks = self._socks, []
        for sock in socks:
            _shut(sock)

    def stop(self) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    # shutdown, not close: it wakes a recv blocked in another thread and frees no descriptor that
    # thread could then find reused; the base class's, so an SSL socket's TLS state is left alone
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _WatchedHTTP(http.client.HTTPConnection):
    def __init__(self, *args: Any, watch: _Watchdog, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watch = watch

    def connect(self) -> None:
        self.timeout = self._watch.bounded(self.timeout)
        super().connect()
        self._watch.track(self.sock)


class _WatchedHTTPS(http.client.HTTPSConnection):
    def __init__(self, *args: Any, watch: _Watchdog, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watch = watch

    def connect(self) -> None:
        self.timeout = self._watch.bounded(self.timeout)  # the handshake too: one socket timeout
        super().connect()
        self._watch.track(self.sock)


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, watch: _Watchdog) -> None:
        super().__init__()
        self._watch = watch

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_WatchedHTTP, watch=self._watch), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, watch: _Watchdog) -> None:
        super().__init__()
        self._watch = watch

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_WatchedHTTPS, watch=self._watch), req)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect comes back as an HTTPError, its body unread: `_open` decides whether to follow."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


def _port(parts: urllib.parse.SplitResult) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def _same_site(first: str, new: str) -> bool:
    """`new` is on the host of `first`, same scheme and port, or http upgraded to https (443)."""
    a, b = urllib.parse.urlsplit(first), urllib.parse.urlsplit(new)
    try:
        if b.scheme not in ("http", "https") or b.username or b.password:
            return False
        if not b.hostname or (a.hostname or "").lower() != b.hostname.lower():
            return False
        if a.scheme == b.scheme:
            return _port(a) == _port(b)
        return a.scheme == "http" and b.scheme == "https" and _port(b) == 443
    except ValueError:  # a port that is not a number
        return False


def _open(url: str, timeout: float, watch: _Watchdog) -> http.client.HTTPResponse:
    """The response to GET `url`, after at most REDIRECTS redirects on its host."""
    current = url
    for _ in range(REDIRECTS + 1):
        opener = urllib.request.build_opener(_NoRedirects, _HTTPHandler(watch), _HTTPSHandler(watch))
        request = urllib.request.Request(current, headers={"User-Agent": f"hoso-portal/{__version__}"})
        try:
            response: http.client.HTTPResponse = opener.open(request, timeout=watch.bounded(timeout))
            return response
        except urllib.error.HTTPError as exc:
            location = exc.headers.get("Location") if exc.code in _REDIRECT_CODES else None
            exc.close()  # the body of a redirect is never read
            if location is None:
                raise
            target = urllib.parse.urljoin(current, location.strip())
            if not _same_site(url, target):
                shown = urllib.parse.urlsplit(target)
                where = f"{shown.scheme}://{shown.netloc}" if shown.netloc else target
                raise FetchError(url, t("portal.fetch-redirect", target=where[:80])) from None
            current = target
    raise FetchError(url, t("portal.fetch-redirects", count=REDIRECTS))


def fetch(url: str, limit: int, timeout: float = TIMEOUT) -> bytes:
    """The body of `url`, at most `limit` bytes; FetchError otherwise."""
    body = bytearray()
    for chunk in stream(url, limit, timeout):
        body += chunk
    return bytes(body)


def stream(url: str, limit: int, timeout: float = TIMEOUT) -> Iterator[bytes]:
    """The body of `url` in pieces as they arrive (at most `limit` bytes in all, at MIN_RATE past
    the first `timeout`, all within `deadline`), for a reader that hashes it without holding it;
    FetchError otherwise, raised while iterating."""
    watch = _Watchdog(deadline(limit, timeout))
    try:
        with _open(url, timeout, watch) as response:
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
                if watch.expired:
                    break
                yield chunk
            if watch.expired:  # a shut connection reads as the end of the body: it is not
                raise TimeoutError("deadline")
    except FetchError:
        raise
    # timeouts, resets, a malformed answer (more than 100 headers, a line over 64 KiB)
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise _failure(url, exc, watch) from exc
    finally:
        watch.stop()


def _failure(url: str, exc: Exception, watch: _Watchdog) -> FetchError:
    if watch.expired:  # whatever the shut connection raised, the deadline is why
        return FetchError(url, t("portal.fetch-deadline", seconds=round(watch.seconds)))
    if isinstance(exc, urllib.error.HTTPError):
        return FetchError(url, f"HTTP {exc.code}")
    if isinstance(exc, urllib.error.URLError):
        return FetchError(url, str(exc.reason))
    return FetchError(url, f"{type(exc).__name__}: {exc}")
