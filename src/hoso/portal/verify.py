"""What the portal checks before it shows a school's numbers as the school's.

- A repository: the index.json's `commit` must be the tip of its protected branch in the portal's
  mirror of it (else "dữ liệu cũ"), and every record's `blob` must be an object of the mirror with
  the size index.json gives (one `git cat-file --batch-check` for the whole school).
- A site folder (a repository's built site too): every listed PDF must be a regular file whose
  bytes hash to the record's git blob id. Hashes are remembered in the store by (path, size,
  mtime, inode, ctime), so a rebuild hashes only files that changed: mtime is whatever the file's
  owner sets, ctime is not (any write, chmod or new link moves it to the present; not compared in
  a site the portal built, see `_seen`); new files are hashed in a few threads (hashlib releases
  the GIL).
- A published site (`url:`): a sample of its PDFs (schools.yml `verify_sample`, default 20) is
  downloaded, each within its declared size and never more than MAX_RECORD_BYTES (the largest PDF
  a catalog may allow), and hashed as it arrives (fetch.stream): a few at a time, none held in
  memory. The sample is drawn at random at every build, so the school's server cannot know which
  PDFs will be asked for and serve only those. A file that hashed to its blob is not drawn again
  for schools.yml's `resample_days` (default 7; same address, blob and size): the draws go to
  what was not checked lately, and a small site is not downloaded again every day; a mismatch is
  never remembered, so it may be drawn at every build.
- Every source: a record declared larger than MAX_RECORD_BYTES does not verify (index.py), nor
  does a record listed without its file (`download`), which the checks above could not reach: a
  hoso site lists the file of every record it shows, and a public edition leaves confidential
  records out altogether (the portal drops any of a confidential type before they are stored).
"""

from __future__ import annotations

import hashlib
import os
import random
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
_DRAW = random.SystemRandom()  # the OS's randomness: no seed the school could work out
# A published site's sample: a download not started this long after the first is not made (and
# the school does not verify), so a server serving every PDF just within its deadline
# (fetch.deadline) holds one school's check minutes, not hours (1,000 PDFs, 4 at a time)
SAMPLE_SECONDS = 300.0


# a row of the `sampled` table naming a school, not a PDF: the index.json its last passing draw was over
SCHOOL_MARK = "school:"


def check(got: Got, commit: str, store: Store, slug: str) -> list[Problem]:
    problems = _too_large(store, slug)
    if got.kind == REPO and got.repo is not None:
        if commit != got.head:  # the mirror's protected branch moved since the site shown was built
            params = {"commit": commit[:10], "head": (got.head or "")[:10], "branch": got.branch}
            problems.append(Problem(STALE, "portal.stale", params))
        problems += _blobs(got.repo, store, slug)
    if got.site_dir is not None:
        problems += _files(got.site_dir, store, slug)
    elif got.kind == URL and got.base_url is not None:
        source = got.source
        problems += _sample(
            got.base_url, store, slug, source.verify_sample, source.resample_days, got.raw_sha256
        )
    return problems


def _bad(key: str, paths: list[str], checked: int, **extra: object) -> Problem:
    shown = ", ".join(paths[:EXAMPLES]) + (f" (+{len(paths) - EXAMPLES})" if len(paths) > EXAMPLES else "")
    return Problem(UNVERIFIED, key, {"count": len(paths), "checked": checked, "paths": shown, **extra})


def _too_large(store: Store, slug: str) -> list[Problem]:
    """Records no hoso site lists, whatever their file: declared larger than any catalog may
    allow, or listed without a file (which no file check would ever look at)."""
    rows = list(store.blobs_of(slug))
    bad = sorted(path for _, size, path in rows if size > MAX_RECORD_BYTES)
    limit = MAX_RECORD_BYTES // (1024 * 1024)
    problems = [_bad("portal.record-too-large", bad, len(rows), limit=limit)] if bad else []
    no_file = store.without_file(slug)
    if no_file:
        problems.append(_bad("portal.record-no-file", no_file, len(rows)))
    return problems


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


Seen = tuple[int, int, int, int]  # size, mtime_ns, inode, ctime_ns: a file unchanged since hashed


def _seen(info: os.stat_result, own: bool) -> Seen:
    # ctime catches a school's edit in place with its mtime put back. A site the portal built in
    # its cache is written by nobody else, and each rebuild (daily) hard-links its unchanged PDFs,
    # which moves their ctime: compared there, every PDF of every repository would be hashed daily.
    return (info.st_size, info.st_mtime_ns, info.st_ino, 0 if own else info.st_ctime_ns)


def _file_blob(path: Path, size: int, oid: str, own: bool) -> tuple[str, Seen | None]:
    """(blob id or "", what the file looked like before it was read) of a regular file, never
    following a symlink."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return "", None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            return "", None
        if info.st_size != size:
            return "size", _seen(info, own)
        return hash_blob(fh, size, sha256=len(oid) != 40), _seen(info, own)


def _files(site: Path, store: Store, slug: str) -> list[Problem]:
    rows = list(store.files_of(slug))
    root = os.fspath(site)
    own = site.resolve().is_relative_to(store.folder)
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
        if hashed is None or hashed[0] != _seen(info, own):
            todo.append((Path(path), oid, size, rec))
        elif hashed[1] != oid:
            bad.append(rec)
    learned: list[tuple[str, Seen, str]] = []
    with ThreadPoolExecutor(WORKERS) as pool:
        results = pool.map(lambda item: _file_blob(item[0], item[2], item[1], own), todo)
        for (file, oid, _, rec), (blob, seen) in zip(todo, results, strict=True):
            if seen is not None and blob not in ("", "size"):
                learned.append((str(file), seen, blob))
            if blob != oid:
                bad.append(rec)
    if learned:
        store.remember_hashes(learned)
    return [_bad("portal.file-mismatch", sorted(bad), len(rows))] if bad else []


def _sample(base: str, store: Store, slug: str, count: int, days: int, index: str) -> list[Problem]:
    """`count` PDFs drawn at random among those not matched in the last `days` days, checked —
    unless a draw over this very index.json (`index`, its digest) passed within `days`: a daily
    build of a province downloads for the sites that changed, and each site is drawn again weekly."""
    if count <= 0:
        return []
    started = time.time()
    since = started - days * 86400
    marker = SCHOOL_MARK + slug
    if days and index and store.sampled_one(marker, since) == (index, 0):
        return []
    fresh = store.sampled(base, since) if days else set()

    def url(row: tuple[str, str, int, str]) -> str:
        return base + row[0].split("#", 1)[0]

    due = [row for row in store.files_of(slug) if (url(row), row[1], row[2]) not in fresh]
    rows = _DRAW.sample(due, min(count, len(due)))
    if not rows:  # every PDF matched within `days`
        if index:
            store.remember_sampled([(marker, index, 0, started)])
        return []

    stop = time.monotonic() + SAMPLE_SECONDS

    def one(row: tuple[str, str, int, str]) -> bool:
        if time.monotonic() > stop:
            return False  # not checked in time: not verified
        _, oid, size, _ = row
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
        (url(row), row[1], row[2], started) for row, good in zip(rows, results, strict=True) if good
    )
    bad = [row[3] for row, good in zip(rows, results, strict=True) if not good]
    if not bad and index:
        store.remember_sampled([(marker, index, 0, started)])
    return [_bad("portal.file-mismatch", bad, len(rows))] if bad else []


def worst(problems: Iterable[Problem], has_data: bool) -> str:
    from hoso.portal.sources import ERROR, OK, STATES

    states = [p.state for p in problems]
    if not has_data:
        return ERROR
    return max(states, key=STATES.index) if states else OK
