"""When blobs reached the records: cached with the commit it covers, extended in steps, and
never answered from history the asked-for commit does not have."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from conftest import git

from hoso.blob_arrival import KIND, TIP, UNDER, Arrivals, blob_arrivals
from hoso.evidence import EvidenceCache
from hoso.git.objects import blob_id


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "kho"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    return root


def _commit(root: Path, path: str, data: bytes, when: str) -> str:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    git(root, "add", path)
    env = {"GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        git(root, "commit", "-q", "--no-verify", "-m", path)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return git(root, "rev-parse", "HEAD").stdout.strip()


def _tip(root: Path) -> str | None:
    cache = EvidenceCache(root)
    try:
        row = cache.get(TIP, "tip", UNDER)
        return str(row["commit"]) if row else None
    finally:
        cache.close()


def _lookup(root: Path, oid: str, rev: str = "HEAD") -> datetime | None:
    cache = EvidenceCache(root)
    try:
        return Arrivals(root, rev, cache)(oid)
    finally:
        cache.close()


def test_cached_in_steps_equals_a_cold_reading(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    a, b, c = b"a" * 10, b"b" * 10, b"c" * 10
    _commit(root, "records/x.pdf", a, "2024-09-10T08:00:00+07:00")
    _commit(root, "records/y.pdf", b, "2024-09-11T08:00:00+07:00")
    assert _lookup(root, blob_id(a)) == datetime.fromisoformat("2024-09-10T08:00:00+07:00")
    first_tip = _tip(root)
    assert first_tip == git(root, "rev-parse", "HEAD").stdout.strip()

    # new commits: only they are read, and the answers are those of a cold reading
    _commit(root, "records/z.pdf", c, "2024-09-12T08:00:00+07:00")
    _commit(root, "records/y2.pdf", b, "2024-09-13T08:00:00+07:00")  # b again, later: stays the 11th
    assert _lookup(root, blob_id(c)) == datetime.fromisoformat("2024-09-12T08:00:00+07:00")
    assert _tip(root) != first_tip
    cold = blob_arrivals(root)
    for data in (a, b, c):
        assert _lookup(root, blob_id(data)) == cold[blob_id(data)]
    # a blob arriving again with an earlier (claimed) date takes the earliest, warm as cold
    _commit(root, "records/a-again.pdf", a, "2024-09-01T08:00:00+07:00")
    assert _lookup(root, blob_id(a)) == blob_arrivals(root)[blob_id(a)]
    assert _lookup(root, blob_id(a)) == datetime.fromisoformat("2024-09-01T08:00:00+07:00")


def test_a_file_from_outside_reads_no_history(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    _commit(root, "records/x.pdf", b"x" * 10, "2024-09-10T08:00:00+07:00")
    assert _lookup(root, blob_id(b"never committed")) is None
    assert _tip(root) is None  # git does not hold the blob: nothing was walked or cached


def test_outside_records_does_not_count(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    data = b"d" * 10
    _commit(root, "nhap/d.pdf", data, "2024-09-10T08:00:00+07:00")
    assert _lookup(root, blob_id(data)) is None
    _commit(root, "records/d.pdf", data, "2024-09-20T08:00:00+07:00")
    assert _lookup(root, blob_id(data)) == datetime.fromisoformat("2024-09-20T08:00:00+07:00")


def test_rewritten_history_forgets_what_it_no_longer_has(tmp_path: Path) -> None:
    # a blob cached from a line of history that was then rewritten away must not keep an arrival
    root = _repo(tmp_path)
    base = _commit(root, "records/x.pdf", b"x" * 10, "2024-09-10T08:00:00+07:00")
    gone = b"gone" * 4
    _commit(root, "records/gone.pdf", gone, "2024-09-11T08:00:00+07:00")
    assert _lookup(root, blob_id(gone)) is not None
    git(root, "reset", "-q", "--hard", base)
    _commit(root, "records/other.pdf", b"o" * 10, "2024-09-12T08:00:00+07:00")
    assert _lookup(root, blob_id(gone)) is None  # git still holds it, history does not
    assert _tip(root) == git(root, "rev-parse", "HEAD").stdout.strip()


def test_an_older_commit_is_read_without_the_cache(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    old = _commit(root, "records/x.pdf", b"x" * 10, "2024-09-10T08:00:00+07:00")
    later = b"later" * 3
    _commit(root, "records/later.pdf", later, "2024-09-11T08:00:00+07:00")
    assert _lookup(root, blob_id(later)) is not None
    tip = _tip(root)
    assert _lookup(root, blob_id(later), rev=old) is None  # not in that commit's history
    assert _tip(root) == tip  # and the cache of the newer history is left as it was


def test_without_a_cache_the_answer_is_the_same(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    data = b"n" * 10
    _commit(root, "records/n.pdf", data, "2024-09-10T08:00:00+07:00")
    assert Arrivals(root, "HEAD", None)(blob_id(data)) == blob_arrivals(root)[blob_id(data)]
    cache = EvidenceCache(root)
    try:
        assert cache.get(KIND, blob_id(data), UNDER) is None  # nothing written without one
    finally:
        cache.close()
