"""Writing a built site: the PDFs, JSON files, and the final swap into place.

A warm rebuild hard-links the PDFs the previous site already holds, but a file of the previous
site is only a candidate: anyone who can write into the site folder could have edited it. It is
reused only when it is a regular file (not a symlink) whose bytes hash to the record's git blob
id (`sha1("blob <size>\\0" + bytes)`, or SHA-256 in a SHA-256 repository); otherwise the blob is
copied fresh from git.

The swap renames the last good site aside (`.<name>.old-<pid>`) and the new one into place. If
the process is stopped between the two renames (Ctrl-C, a cron job's timeout, a power cut), the
place is empty: `swap` puts the old folder back on any exception, and `recover`, run before the
next build decides anything, puts back a folder left aside when the place is still empty — an
empty place would otherwise read as "no site here", which any audience may fill. (An atomic
exchange of the two folders exists on Linux only, behind a system call Python does not expose;
the two renames and the recovery work on every system hoso runs on, Windows included.)
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

from hoso.git.objects import BlobReader, Entry, hash_blob
from hoso.site.model import Site

BUILD_INFO = "build-info.json"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def not_a_site(target: Path) -> bool:
    """True when `target` exists and is neither empty nor a site this command built."""
    if not target.exists():
        return False
    if not target.is_dir():
        return True
    return not (target / BUILD_INFO).is_file() and any(target.iterdir())


def _previous_blobs(target: Path) -> dict[str, str]:
    """path -> blob id of the PDFs the last good site claims to hold (candidates to link)."""
    try:
        data = json.loads((target / "index.json").read_text(encoding="utf-8"))
        return {str(r["path"]): str(r["blob"]) for r in data.get("records", [])}
    except (OSError, ValueError, RecursionError, KeyError, TypeError, AttributeError):
        return {}  # JSON nested 100,000 deep is as unreadable as any other: nothing to link


def holds_blob(path: Path, oid: str, size: int) -> bool:
    """Is `path` a regular file (not a symlink) whose content is the git blob `oid`?"""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size != size:
            return False
        return hash_blob(fh, size, sha256=len(oid) != 40) == oid


def copy_pdfs(root: Path, site: Site, tmp: Path, target: Path) -> tuple[int, int]:
    """Publish every shown record's PDF under tep/, byte for byte the repository blob."""
    before = _previous_blobs(target)
    linked = written = 0
    reader: BlobReader | None = None
    try:
        for r in site.records:
            dest = tmp / r.file
            dest.parent.mkdir(parents=True, exist_ok=True)
            old = target / r.file
            if before.get(r.path) == r.oid and holds_blob(old, r.oid, r.size):
                try:
                    os.link(old, dest, follow_symlinks=False)
                    linked += 1
                    continue
                except OSError:
                    pass
            if reader is None:
                reader = BlobReader(root)
            dest.write_bytes(reader.read(Entry(r.path, "100644", r.oid, r.size)))
            written += 1
    finally:
        if reader is not None:
            reader.close()
    return linked, written


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8")


def swap(tmp: Path, target: Path) -> None:
    """Put `tmp` in place of `target`; on any exception (an interrupt included) the last good
    folder is put back."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    remove(old)
    try:
        if target.exists():
            target.rename(old)
        tmp.rename(target)
    except BaseException:
        # `old` was emptied above: if it exists, it is the last good site this call set aside
        if old.is_dir() and not target.exists() and not target.is_symlink():
            old.rename(target)
        raise
    remove(old)


def recover(target: Path) -> Path | None:
    """When `target` is missing but a site was set aside by an interrupted `swap`, put the most
    recent one back (returned); the next build then sees what the place held."""
    if target.exists() or target.is_symlink():
        return None
    try:
        named = target.parent.glob(f".{glob.escape(target.name)}.old-*")
        left = [p for p in named if p.is_dir() and not p.is_symlink()]
    except OSError:
        return None
    for found in sorted(left, key=_changed, reverse=True):
        try:
            found.rename(target)
        except OSError:
            continue
        return found
    return None


def _changed(path: Path) -> int:
    try:
        return path.stat().st_ctime_ns  # a rename changes it (POSIX): the last one set aside first
    except OSError:
        return 0


def remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
