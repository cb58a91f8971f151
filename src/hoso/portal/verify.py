"""What the portal checks before it shows a school's numbers as the school's.

- A repository: the index.json's `commit` must be the repository's HEAD (else "dữ liệu cũ"), and
  every record's `blob` must be an object of the repository with the size index.json gives
  (one `git cat-file --batch-check` for the whole school).
- A site folder (a repository's built site too): every listed PDF must be a regular file whose
  bytes hash to the record's git blob id. Hashes are remembered in the store by (path, size,
  mtime, inode), so a rebuild hashes only files that changed; new files are hashed in a few
  threads (hashlib releases the GIL).
- A published site (`url:`): a sample of its PDFs (schools.yml `verify_sample`, default 20,
  chosen by blob id so every build checks the same ones) is downloaded, each within its declared
  size and never more than MAX_RECORD_BYTES (the largest PDF a catalog may allow), and hashed as
  it arrives (fetch.stream): a few at a time, none held in memory. A file that hashed to its blob
  is not downloaded again for schools.yml's `resample_days` (default 7; same address, blob and
  size): a daily rebuild of a province downloads what changed, not 20 files of each of 1,000
  schools; a mismatch is never remembered, so it is checked again at every build.
- Every source: a record declared larger than MAX_RECORD_BYTES does not verify (index.py).
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hoso.errors import HosoError
from hoso.git.objects import BlobReader, hash_blob
from hoso.portal.fetch import FetchError
from hoso.portal.fetch import stream as fetch  # a sampled PDF is hashed as it arrives
from hoso.portal.index import MAX_RECORD_BYTES
from hoso.portal.sources import REPO, STALE, UNVERIFIED, URL, Got, Problem
from hoso.portal.store import Store

WORKERS = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 2))
EXAMPLES = 3  # files named in a problem; the count says how many more
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def check(got: Got, commit: str, store: Store, slug: str) -> list[Problem]:
    problems = _too_large(store, slug)
    if got.kind == REPO and got.repo is not None:
        if commit != got.head:
            problems.append(
                Problem(STALE, "portal.stale", {"commit": commit[:10], "head": (got.head or "")[:10]})
            )
        problems += _blobs(got.repo, store, slug)
    if got.site_dir is not None:
        problems += _files(got.site_dir, store, slug)
    elif got.kind == URL and got.base_url is not None:
        problems += _sample(got.base_url, store, slug, got.source.verify_sample, got.source.resample_days)
    return problems


def _bad(key: str, paths: list[str], checked: int, **extra: object) -> Problem:
    shown = ", ".join(paths[:EXAMPLES]) + (f" (+{len(paths) - EXAMPLES})" if len(paths) > EXAMPLES else "")
    return Problem(UNVERIFIED, key, {"count": len(paths), "checked": checked, "paths": shown, **extra})


def _too_large(store: Store, slug: str) -> list[Problem]:
    """Records declared larger than any catalog may allow: not hoso's, whatever their file."""
    rows = list(store.blobs_of(slug))
    bad = sorted(path for _, size, path in rows if size > MAX_RECORD_BYTES)
    limit = MAX_RECORD_BYTES // (1024 * 1024)
    return [_bad("portal.record-too-large", bad, len(rows), limit=limit)] if bad else []


def _blobs(root: Path, store: Store, slug: str) -> list[Problem]:
    rows = list(store.blobs_of(slug))
    reader = BlobReader(root)
    try:
        sizes = reader.sizes(sorted({oid for oid, _, _ in rows}))
    except HosoError as exc:
        return [Problem(UNVERIFIED, "portal.repo-unreadable", {"path": str(root), "error": exc.render()})]
    finally:
        reader.close()
    bad = [path for oid, size, path in rows if sizes.get(oid) != size]
    return [_bad("portal.blob-missing", bad, len(rows))] if bad else []


def _file_blob(path: Path, size: int, oid: str) -> tuple[str, tuple[int, int, int] | None]:
    """(blob id or "", (size, mtime_ns, inode)) of a regular file, never following a symlink."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return "", None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            return "", None
        if info.st_size != size:
            return "size", (info.st_size, info.st_mtime_ns, info.st_ino)
        return hash_blob(fh, size, sha256=len(oid) != 40), (info.st_size, info.st_mtime_ns, info.st_ino)


def _files(site: Path, store: Store, slug: str) -> list[Problem]:
    rows = list(store.files_of(slug))
    root = os.fspath(site)
    known = store.known_hashes(root + os.sep)  # one query per school, not one per file
    todo: list[tuple[Path, str, int, str]] = []
    bad: list[str] = []
    for download, oid, size, rec in rows:
        path = os.path.join(root, download.split("#", 1)[0])
        try:
            info = os.lstat(path)
        except OSError:
            bad.append(rec)
            continue
        if not stat.S_ISREG(info.st_mode):
            bad.append(rec)
            continue
        hashed = known.get(path)
        if hashed is None or hashed[:3] != (info.st_size, info.st_mtime_ns, info.st_ino):
            todo.append((Path(path), oid, size, rec))
        elif hashed[3] != oid:
            bad.append(rec)
    learned: list[tuple[str, int, int, int, str]] = []
    with ThreadPoolExecutor(WORKERS) as pool:
        results = pool.map(lambda item: _file_blob(item[0], item[2], item[1]), todo)
        for (file, oid, _, rec), (blob, seen) in zip(todo, results, strict=True):
            if seen is not None and blob not in ("", "size"):
                learned.append((str(file), seen[0], seen[1], seen[2], blob))
            if blob != oid:
                bad.append(rec)
    if learned:
        store.remember_hashes(learned)
    return [_bad("portal.file-mismatch", sorted(bad), len(rows))] if bad else []


def _sample(base: str, store: Store, slug: str, count: int, days: int) -> list[Problem]:
    rows = sorted(store.files_of(slug), key=lambda row: row[1])[:count]
    if not rows:
        return []
    started = time.time()
    fresh = store.sampled(base, started - days * 86400) if days else set()

    def url(row: tuple[str, str, int, str]) -> str:
        return base + row[0].split("#", 1)[0]

    def one(row: tuple[str, str, int, str]) -> bool:
        _, oid, size, _ = row
        if (url(row), oid, size) in fresh:
            return True
        digest = hashlib.sha1() if len(oid) == 40 else hashlib.sha256()
        digest.update(b"blob %d\0" % size)
        got = 0
        try:
            for chunk in fetch(url(row), min(size, MAX_RECORD_BYTES)):
                digest.update(chunk)
                got += len(chunk)
        except FetchError:
            return False
        return got == size and digest.hexdigest() == oid

    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(one, rows))
    store.remember_sampled(
        (url(row), row[1], row[2], started)
        for row, good in zip(rows, results, strict=True)
        if good and (url(row), row[1], row[2]) not in fresh
    )
    bad = [row[3] for row, good in zip(rows, results, strict=True) if not good]
    return [_bad("portal.file-mismatch", bad, len(rows))] if bad else []


def worst(problems: Iterable[Problem], has_data: bool) -> str:
    from hoso.portal.sources import ERROR, OK, STATES

    states = [p.state for p in problems]
    if not has_data:
        return ERROR
    return max(states, key=STATES.index) if states else OK
