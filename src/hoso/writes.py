"""Writing files so that nothing is ever half-written or silently overwritten.

Data goes to a temporary file in the same folder, is flushed to disk, then moved into place:
a reader (or a crash) sees either the old state or the whole new file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def new_file_mode() -> int:
    """0o666 minus the umask: the mode a plain open() would give, unlike mkstemp's 0o600."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _temp_copy(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".hoso-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, new_file_mode())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp


def write_atomic(path: Path, data: bytes) -> None:
    """Create or replace `path` in one step."""
    tmp = _temp_copy(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_new(path: Path, data: bytes) -> None:
    """Create `path` only if nothing is there; raise FileExistsError otherwise."""
    if os.path.lexists(path):
        raise FileExistsError(str(path))
    tmp = _temp_copy(path, data)
    try:
        try:
            # link() fails if `path` exists: no window in which another writer could be overwritten
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:
            if os.path.lexists(path):
                raise FileExistsError(str(path)) from None
            os.replace(tmp, path)  # file systems without hard links
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
