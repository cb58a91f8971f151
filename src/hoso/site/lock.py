"""One site build at a time per work tree: a lock file inside the git directory.

`<git dir>/hoso/site.lock` is locked with `flock` (POSIX) or `msvcrt.locking` (Windows). The
operating system releases the lock when its process ends, however it ends, so a crashed build
never leaves a stale lock behind; the file itself stays and holds the pid of the last holder,
only to tell a waiting build whom it waits for. A second build waits (saying so once) up to
`HOSO_SITE_LOCK_TIMEOUT` seconds (default 15 minutes), then stops and says why.

The git directory is per work tree (`git rev-parse --absolute-git-dir`), out of reach of a push.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from hoso.errors import ExitCode, HosoError
from hoso.evidence import cache_dir

LOCK_NAME = "site.lock"
TIMEOUT_ENV = "HOSO_SITE_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 900.0
POLL = 0.2


class SiteLockedError(HosoError):
    exit_code = ExitCode.FAILED


def lock_path(root: Path) -> Path:
    return cache_dir(root) / LOCK_NAME  # hoso's folder inside the git directory


def timeout_from_env() -> float:
    try:
        value = float(os.environ.get(TIMEOUT_ENV, ""))
    except ValueError:
        return DEFAULT_TIMEOUT
    return max(0.0, value)


@contextlib.contextmanager
def build_lock(
    root: Path, timeout: float | None = None, on_wait: Callable[[str, float], None] | None = None
) -> Iterator[Path]:
    """Hold the work tree's site lock for the block; wait for it up to `timeout` seconds.

    `on_wait(pid, timeout)` is called once when another build holds the lock.
    """
    path = lock_path(root)
    limit = timeout_from_env() if timeout is None else timeout
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        raise SiteLockedError("site.lock-failed", path=str(path), error=exc.strerror or str(exc)) from exc
    try:
        deadline = time.monotonic() + limit
        told = False
        while not _try_lock(fd):
            holder = _holder(fd)
            if time.monotonic() >= deadline:
                raise SiteLockedError("site.locked", pid=holder, path=str(path), seconds=f"{limit:g}")
            if not told and on_wait is not None:
                on_wait(holder, limit)
                told = True
            time.sleep(POLL)
        _write_pid(fd)
        try:
            yield path
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


_PID_AT = 0  # the pid is written at the start of the file; Windows locks a byte far beyond it
_WIN_LOCK_AT = 1 << 20


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WIN_LOCK_AT, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WIN_LOCK_AT, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)


def _write_pid(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.lseek(fd, _PID_AT, os.SEEK_SET)
        os.write(fd, f"{os.getpid()}\n".encode())


def _holder(fd: int) -> str:
    """The pid the holder wrote, or "?" (not written yet, or unreadable)."""
    try:
        os.lseek(fd, _PID_AT, os.SEEK_SET)
        text = os.read(fd, 32).decode("ascii", "replace").strip()
    except OSError:
        return "?"
    return text if text.isdigit() else "?"
