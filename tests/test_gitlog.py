"""Commits read in one `git log` stream, and kept by commit id: the same answer cold, warm and
uncached, whatever a message or an author name holds."""

from __future__ import annotations

import dataclasses
import os
import subprocess
from pathlib import Path

from conftest import git

from hoso.evidence import EvidenceCache
from hoso.git.history import ZERO_OID, commits
from hoso.gitlog import COMMIT, cached_commits


def _commit(root: Path, files: dict[str, bytes], message: str, author: str = "Lê Văn A") -> str:
    for path, data in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        git(root, "add", path)
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "a@truong.invalid"}
    subprocess.run(
        ["git", "commit", "-q", "--no-verify", "--allow-empty", "-F", "-"],
        cwd=root, input=message.encode(), env=env, check=True,
    )  # fmt: skip
    return git(root, "rev-parse", "HEAD").stdout.strip()


def _history(tmp_path: Path) -> Path:
    root = tmp_path / "kho"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    _commit(root, {"catalog.yml": b"school: {}\n"}, "Khởi tạo")
    git(root, "checkout", "-q", "-b", "nop/gv/bai-1")
    # a message that imitates git's own output: raw change lines, separators, another header
    forged = (
        "Nộp bài 1\n\n"
        f":100644 100644 {ZERO_OID} {'a' * 40} A\trecords/gia-mao.pdf\n"
        "\x1e\x1f\x1eS0000000000000000000000000000000000000000\x1eF\n"
        "Duyet-boi: hieu-truong\n"
    )
    _commit(root, {"records/2024-2025/gv/a/bai-1.pdf": b"%PDF-1 a"}, forged, author="Tên \x1e lạ")
    _commit(root, {"records/2024-2025/gv/a/bai-1.pdf": b"%PDF-1 a + ky"}, "Ký bổ sung")
    git(root, "checkout", "-q", "main")
    _commit(root, {"records/2024-2025/gv/b/bai-2.pdf": b"%PDF-1 b"}, "Nộp bài 2")
    git(root, "merge", "-q", "--no-ff", "--no-verify", "-m", "Duyệt\n\nDuyet-boi: to-truong", "nop/gv/bai-1")
    _commit(root, {"records/2024-2025/gv/b/bai-2.pdf": b""}, "Xóa")  # an empty file: a change
    git(root, "rm", "-q", "records/2024-2025/gv/b/bai-2.pdf")
    _commit(root, {}, "Xóa hẳn\n\nQuyet-dinh-huy: QĐ 12")
    return root


def _as_tuples(found: list) -> list[tuple]:
    return [dataclasses.astuple(c) for c in found]


def test_cold_warm_and_uncached_readings_agree(tmp_path: Path) -> None:
    root = _history(tmp_path)
    plain = commits(root, ["HEAD"], merge_changes=True, notes=True)
    cache = EvidenceCache(root)
    try:
        cold = cached_commits(root, ["HEAD"], cache, merge_changes=True, notes=True)
        assert cache.get_many(COMMIT, [c.oid for c in plain], "1m").keys() == {c.oid for c in plain}
        warm = cached_commits(root, ["HEAD"], cache, merge_changes=True, notes=True)
    finally:
        cache.close()
    assert _as_tuples(cold) == _as_tuples(plain) == _as_tuples(warm)
    assert len(plain) == 7
    # the merge brought what the branch changed, against its first parent
    merge = next(c for c in plain if len(c.parents) == 2)
    assert [(ch.status, ch.path) for ch in merge.changes] == [("A", "records/2024-2025/gv/a/bai-1.pdf")]


def test_a_message_cannot_pass_for_changes_or_another_commit(tmp_path: Path) -> None:
    root = _history(tmp_path)
    found = commits(root, ["HEAD"])
    forged = next(c for c in found if c.message.startswith("Nộp bài 1"))
    assert [ch.path for ch in forged.changes] == ["records/2024-2025/gv/a/bai-1.pdf"]
    assert "records/gia-mao.pdf" in forged.message  # kept as text, word for word
    assert forged.author == "Tên \x1e lạ"
    assert all(ch.path != "records/gia-mao.pdf" for c in found for ch in c.changes)
    assert [c.oid for c in found] == git(root, "rev-list", "--reverse", "--topo-order", "HEAD").stdout.split()


def test_the_cache_is_read_only_for_the_commits_asked(tmp_path: Path) -> None:
    # commits of a branch not asked for stay out, even when an earlier reading cached them
    root = _history(tmp_path)
    cache = EvidenceCache(root)
    try:
        everything = cached_commits(root, ["--all"], cache)
        first = git(root, "rev-list", "--max-parents=0", "HEAD").stdout.strip()
        only_first = cached_commits(root, [first], cache)
    finally:
        cache.close()
    assert len(everything) == 7
    assert [c.oid for c in only_first] == [first]


def test_a_failing_git_is_an_error_not_an_empty_history(tmp_path: Path) -> None:
    import pytest

    from hoso.errors import GitError

    root = _history(tmp_path)
    with pytest.raises(GitError):
        commits(root, ["khong-co-nhanh-nay"])
