"""Attacks on the history caches (issue 13): the audit trail read warm must be the trail read
cold, whatever the clone went through, and a damaged cache is read again, never trusted or
crashed on.

Every test compares a reading with the evidence cache (`.git/hoso/cache.sqlite`) against a
fresh one (the cache deleted), on real git repositories.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from conftest import School, cli, git, gv_path, make_pdf

from hoso.blob_arrival import TIP, Arrivals, blob_arrivals
from hoso.evidence import CACHE_FILE, EvidenceCache, cache_dir
from hoso.git.history import commits, messages
from hoso.gitlog import COMMIT

RECORD = gv_path("nguyen-van-an")
OTHER = gv_path("nguyen-van-an", slug="bai-2")


def _log(capsys: pytest.CaptureFixture[str], root: Path, *extra: str) -> list[dict]:
    run = cli(capsys, "-C", str(root), "log", "--format", "json", *extra)
    assert run.code == 0, run.text
    return json.loads(run.out)["events"]


def _fresh_log(capsys: pytest.CaptureFixture[str], root: Path, *extra: str) -> list[dict]:
    shutil.rmtree(cache_dir(root), ignore_errors=True)
    return _log(capsys, root, *extra)


def _brief(events: list[dict]) -> list[tuple]:
    return [(e["commit"][:10], e["kind"], e["author"], tuple(e["paths"])) for e in events]


def _env(date: str, name: str = "Nguyễn Văn An") -> dict[str, str]:
    return {
        **os.environ,
        "GIT_AUTHOR_NAME": name,
        "GIT_COMMITTER_NAME": name,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }


def _commit_at(root: Path, date: str, message: str, *args: str, name: str = "Nguyễn Văn An") -> None:
    subprocess.run(
        ["git", "commit", "-q", "--no-verify", "-m", message, *args],
        cwd=root, env=_env(date, name), check=True, capture_output=True,
    )  # fmt: skip


def _submission_and_approval(school: School) -> None:
    """A teacher's submission branch with two records, merged with a `Duyet-boi` trailer."""
    school.git("checkout", "-q", "-b", "nop/nguyen-van-an/bai-1")
    school.write(RECORD, make_pdf("bài 1"))
    school.write(OTHER, make_pdf("bài 2"))
    school.stage(RECORD, OTHER)
    _commit_at(school.root, "2025-09-10T08:00:00+07:00", "Nộp 2 tệp")
    school.git("checkout", "-q", "main")
    subprocess.run(
        ["git", "merge", "-q", "--no-ff", "--no-verify", "-m", "Duyệt\n\nDuyet-boi: tran-thi-binh",
         "nop/nguyen-van-an/bai-1"],
        cwd=school.root, env=_env("2025-09-11T08:00:00+07:00", "Trần Thị Bình"), check=True,
        capture_output=True,
    )  # fmt: skip


# ---- 1. a commit's parents are not fixed by its id: shallow clones --------------------------


def test_a_log_read_in_a_shallow_clone_does_not_outlive_the_unshallow(
    school_repo: School, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A clone made with --depth 1 (CI's default checkout) sees the approval merge as a root
    # commit: no parents, every file "added" by it. The cache keeps that under the merge's id;
    # once the clone is deepened the id is the same, but the commit is a merge again.
    _submission_and_approval(school_repo)
    clone = tmp_path / "nong"
    git(tmp_path, "clone", "-q", "--depth", "1", school_repo.root.as_uri(), str(clone))
    shallow = _log(capsys, clone)
    assert [e["kind"] for e in shallow] == ["nop", "cau-hinh"]  # what a depth-1 clone can know
    git(clone, "fetch", "-q", "--unshallow")
    warm = _log(capsys, clone)
    cold = _fresh_log(capsys, clone)
    assert any(e["kind"] == "duyet" for e in cold)
    # warm: the approval is gone, and the hiệu trưởng "submitted" the teacher's records and
    # changed every configuration file
    assert _brief(warm) == _brief(cold)


def test_commit_rows_from_a_shallow_reading_are_not_reused(school_repo: School, tmp_path: Path) -> None:
    # the same at the level of `cached_commits`: parents as git gives them now
    from hoso.gitlog import cached_commits

    _submission_and_approval(school_repo)
    clone = tmp_path / "nong"
    git(tmp_path, "clone", "-q", "--depth", "1", school_repo.root.as_uri(), str(clone))
    cache = EvidenceCache(clone)
    try:
        cached_commits(clone, ["HEAD"], cache, merge_changes=True)
        git(clone, "fetch", "-q", "--unshallow")
        warm = cached_commits(clone, ["HEAD"], cache, merge_changes=True)
    finally:
        cache.close()
    plain = commits(clone, ["HEAD"], merge_changes=True)
    assert [(c.oid, c.parents, len(c.changes)) for c in warm] == [
        (c.oid, c.parents, len(c.changes)) for c in plain
    ]


# ---- 2. a damaged cache is read again ---------------------------------------------------------


@pytest.mark.parametrize("data", ["'khong phai json'", "'{}'", "'null'", "'[1, 2]'", "12"])
def test_a_damaged_commit_row_is_read_again(
    school_repo: School, capsys: pytest.CaptureFixture[str], data: str
) -> None:
    _submission_and_approval(school_repo)
    fresh = _fresh_log(capsys, school_repo.root)
    db = sqlite3.connect(cache_dir(school_repo.root) / CACHE_FILE)
    assert db.execute(f"UPDATE evidence SET data={data} WHERE kind=?", (COMMIT,)).rowcount > 0
    db.commit()
    db.close()
    run = cli(capsys, "log", "--format", "json")
    assert run.code == 0, run.text  # was: exit 70, "Chi tiết lỗi đã ghi vào: /tmp/hoso-crash-…"
    assert json.loads(run.out)["events"] == fresh


def _arrival_history(root: Path) -> str:
    """records/x.pdf brought by a side branch (dated June) and, the same bytes, by main
    (dated October); the side branch merged after. Returns the blob id."""
    git(root, "init", "-q", "-b", "main")
    (root / "records").mkdir()
    (root / "records/a.pdf").write_bytes(b"%PDF-1.7 a")
    git(root, "add", "-A")
    _commit_at(root, "2025-01-01T08:00:00+07:00", "init")
    git(root, "checkout", "-q", "-b", "side")
    (root / "records/x.pdf").write_bytes(b"%PDF-1.7 x")
    git(root, "add", "-A")
    _commit_at(root, "2025-06-01T08:00:00+07:00", "side adds x")
    git(root, "checkout", "-q", "main")
    (root / "records/x.pdf").write_bytes(b"%PDF-1.7 x")
    git(root, "add", "-A")
    _commit_at(root, "2025-10-01T08:00:00+07:00", "main adds x")
    subprocess.run(
        ["git", "merge", "-q", "--no-ff", "-m", "merge side", "side"],
        cwd=root, env=_env("2025-10-02T08:00:00+07:00"), check=True, capture_output=True,
    )  # fmt: skip
    return git(root, "rev-parse", "HEAD:records/x.pdf").stdout.strip()


@pytest.mark.parametrize(
    ("kind", "oid", "data"),
    [(TIP, "tip", "'{}'"), (TIP, "tip", "'khong phai json'"), ("arrival", None, '\'{"t": "hom qua"}\'')],
    ids=["empty-tip-control", "tip-not-json", "arrival-not-a-date"],
)
def test_a_damaged_arrival_row_is_read_again(tmp_path: Path, kind: str, oid: str | None, data: str) -> None:
    root = tmp_path / "kho"
    root.mkdir()
    blob = _arrival_history(root)
    cold = blob_arrivals(root, "HEAD")[blob]
    cache = EvidenceCache(root)
    Arrivals(root, "HEAD", cache)(blob)
    cache.close()
    db = sqlite3.connect(cache_dir(root) / CACHE_FILE)
    where = "kind=? AND oid=?" if oid else "kind=?"
    params = (kind, oid) if oid else (kind,)
    assert db.execute(f"UPDATE evidence SET data={data} WHERE {where}", params).rowcount > 0
    db.commit()
    db.close()
    cache = EvidenceCache(root)
    try:
        assert Arrivals(root, "HEAD", cache)(blob) == cold  # was: KeyError / JSONDecodeError / ValueError
    finally:
        cache.close()


# ---- 3. arrivals: warm equals cold -----------------------------------------------------------


def test_an_arrival_does_not_depend_on_the_branch_that_filled_the_cache(tmp_path: Path) -> None:
    # `git log -- records/` simplifies history: a merge TREESAME to its first parent hides the
    # side branch from a cold walk from the merge, but a cache first filled at the side branch
    # keeps the side commit's (earlier) date, and the step from there keeps the minimum.
    root = tmp_path / "kho"
    root.mkdir()
    blob = _arrival_history(root)
    cold = blob_arrivals(root, "HEAD")[blob]
    cache = EvidenceCache(root)
    try:
        Arrivals(root, "side", cache)(blob)  # e.g. a record verified while the side branch was out
        warm = Arrivals(root, "HEAD", cache)(blob)
    finally:
        cache.close()
    # warm: 2025-06-01 (the side commit), cold: 2025-10-01. An earlier arrival lets a claimed
    # signing time keep a role that had ended before the later one.
    assert warm == cold, (warm, cold)
    assert isinstance(cold, datetime)


# ---- 4. one reading of a message --------------------------------------------------------------


def _raw_commit(root: Path, message: bytes, extra_header: bytes = b"") -> str:
    tree = git(root, "rev-parse", "HEAD^{tree}").stdout.strip()
    parent = git(root, "rev-parse", "HEAD").stdout.strip()
    raw = (
        (
            f"tree {tree}\nparent {parent}\n"
            "author Nguyễn Văn An <an@truong.invalid> 1757034000 +0700\n"
            "committer Nguyễn Văn An <an@truong.invalid> 1757034000 +0700\n"
        ).encode()
        + extra_header
        + b"\n"
        + message
    )
    proc = subprocess.run(
        ["git", "hash-object", "-w", "-t", "commit", "--stdin"],
        cwd=root, input=raw, capture_output=True, check=True,
    )  # fmt: skip
    oid = proc.stdout.decode().strip()
    git(root, "update-ref", "refs/heads/main", oid)
    return oid


@pytest.mark.parametrize(
    ("message", "header"),
    [
        # NUL: `git log %B` stops there; the raw object goes on (git fsck only warns: nulInCommit)
        (b"Xoa\n\x00\nQuyet-dinh-huy: QD 12/2025\n", b""),
        # an `encoding` header: `git log` re-encodes (EBCDIC bytes become a trailer), the raw
        # reading of the server's merge check does not
        ("Xoa\n\nQuyet-dinh-huy: QD 12/2025\n".encode("cp037"), b"encoding IBM037\n"),
        (b"Xoa\n\nQuyet-dinh-huy: QD 12/2025\n", b"encoding IBM037\n"),
    ],
    ids=["nul-hides-the-rest", "ebcdic-shows-a-trailer", "ascii-under-ibm037-hides-one"],
)
def test_the_trail_and_the_server_read_the_same_message(
    school_repo: School, message: bytes, header: bytes
) -> None:
    root = school_repo.root
    oid = _raw_commit(root, message, header)
    read_by_trail = commits(root, ["-1", oid])[0].message  # hoso log, and the server per commit
    read_by_merge_check = messages(root, ["-1", oid])[0]  # the server, for what a merge brings
    assert read_by_trail == read_by_merge_check


# ---- 5. a signature check that could not run is not an answer to keep --------------------------


def test_a_failed_signature_check_is_not_kept_as_unsigned(
    school_repo: School, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import HIEU_TRUONG

    key = tmp_path / "ht.key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ht", "-f", str(key)], check=True)
    public = key.with_suffix(".key.pub").read_text(encoding="utf-8").strip()
    marker = f"  - id: {HIEU_TRUONG}\n"
    school_repo.edit("people.yml", marker, marker + f'    ssh_keys: ["{public}"]\n')
    school_repo.stage("people.yml")
    school_repo.commit("khóa ssh")
    school_repo.write(RECORD, make_pdf("bài 1"))
    school_repo.stage(RECORD)
    school_repo.git("-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", "commit", "-q", "--no-verify",
                    "-S", "-m", "nộp, có ký")  # fmt: skip
    signed = school_repo.git("rev-parse", "HEAD").stdout.strip()

    def proofs(events: list[dict]) -> list[dict]:
        return [p for e in events if e["commit"] == signed for p in e["evidence"]]

    # ssh-keygen failing once (killed, a full /tmp, a broken install being repaired): git says B
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", "'gpg.ssh.program=/bin/false'")
    assert proofs(_log(capsys, school_repo.root)) == []
    monkeypatch.delenv("GIT_CONFIG_PARAMETERS")
    warm = proofs(_log(capsys, school_repo.root))
    cold = proofs(_fresh_log(capsys, school_repo.root))
    assert {"kind": "commit-ky", "person": HIEU_TRUONG} in cold
    assert warm == cold  # warm: the good signature stays unseen until the cache is deleted
