"""`hoso log`: the audit trail read from one pass over history.

Test repositories are built here: a small one with real `git commit`/`git merge --no-ff`/
`git notes` (pinned author and dates per commit), and synthetic histories of 200 and 2,000
commits written by one `git fast-import` stream (bench/gen_history.py, which also says what
`hoso log` must report). Records are small PDF-looking blobs: `hoso log` never reads them.
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO_ROOT, Run, cli

from hoso.errors import ExitCode

sys.path.insert(0, str(REPO_ROOT / "bench"))
from gen_history import HIEU_TRUONG, TO_TRUONG, Expected, generate, record_path

pytestmark = pytest.mark.slow

GV_AN = "nguyen-van-an"
PEOPLE = f"""version: 1
people:
  - id: {GV_AN}
    name: Nguyễn Văn An
    email: an@truong.edu.vn
    roles: [{{role: giao-vien, from: 2020-08-01}}]
  - id: tran-thi-binh
    name: Trần Thị Bình
    roles: [{{role: hieu-truong, from: 2020-08-01}}]
"""
REC = "records/2024-2025/gv/nguyen-van-an/ke-hoach-bai-day/tuan-01.pdf"
REC2 = "records/2024-2025/gv/nguyen-van-an/ke-hoach-bai-day/tuan-02.pdf"
REC3 = "records/2024-2025/gv/nguyen-van-an/ke-hoach-bai-day/tuan-03.pdf"
OLD = "records/2023-2024/gv/nguyen-van-an/ke-hoach-bai-day/tuan-09.pdf"


def log_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    run = cli(capsys, "log", *args, "--format", "json")
    assert run.code == 0, run.text
    data = json.loads(run.out)
    assert data["version"] == 2
    events: list[dict[str, object]] = data["events"]
    return events


def kinds(events: list[dict[str, object]]) -> dict[str, int]:
    return dict(collections.Counter(str(e["kind"]) for e in events))


# ---- a small history made with real git commands ----------------------------------------------


class Repo:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.minute = 0

    def git(self, *args: str, who: tuple[str, str] = ("Văn Thư", "vanthu@truong.edu.vn")) -> str:
        self.minute += 1
        stamp = f"2024-09-05T{8 + self.minute // 60:02d}:{self.minute % 60:02d}:00+07:00"
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": who[0],
            "GIT_AUTHOR_EMAIL": who[1],
            "GIT_COMMITTER_NAME": who[0],
            "GIT_COMMITTER_EMAIL": who[1],
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
        }
        proc = subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip()

    def write(self, rel: str, data: bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


AN = ("Nguyễn Văn An", "an@truong.edu.vn")
BINH = ("Trần Thị Bình", "binh@truong.edu.vn")  # no email in people.yml: matched by name
PDF = b"%PDF-1.4\n% ke hoach bai day\n%%EOF\n"


@pytest.fixture
def small(tmp_path: Path) -> Repo:
    """init (config) -> An submits REC on a branch -> Bình counter-signs -> approval merge ->
    correction with Ly-do -> deletion with Quyet-dinh-huy -> rejected branch (empty commit)
    -> rejected branch (git note)."""
    repo = Repo(tmp_path / "truong")
    repo.root.mkdir()
    repo.git("init", "-q", "-b", "main")
    repo.write("catalog.yml", b"version: 1\n")
    repo.write("people.yml", PEOPLE.encode())
    repo.write(OLD, PDF + b"% 2023\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Khởi tạo")
    repo.git("checkout", "-q", "-b", "nop/nguyen-van-an/tuan-01")
    repo.write(REC, PDF)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Nộp kế hoạch bài dạy tuần 1", who=AN)
    repo.write(REC, PDF + b"% chu ky hieu truong\n%%EOF\n")
    repo.git("commit", "-qam", "Ký bổ sung", who=BINH)
    repo.git("checkout", "-q", "main")
    repo.git(
        "merge",
        "-q",
        "--no-ff",
        "nop/nguyen-van-an/tuan-01",
        "-m",
        "Duyệt tuần 1\n\nDuyet-boi: tran-thi-binh",
        who=BINH,
    )
    repo.write(REC, b"%PDF-1.4\n% ke hoach bai day (sua)\n%%EOF\n")
    repo.git("commit", "-qam", "Sửa tuần 1\n\nLy-do: sai tên bài")
    repo.git("rm", "-q", OLD)
    repo.git("commit", "-qm", "Hủy hồ sơ cũ\n\nQuyet-dinh-huy: 15/QĐ-THCS\nLy-do: hết hạn bảo quản")
    repo.git("checkout", "-q", "-b", "nop/nguyen-van-an/tuan-02")
    repo.write(REC2, PDF + b"% 2\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Nộp tuần 2", who=AN)
    repo.git(
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "Từ chối\n\nTu-choi-boi: tran-thi-binh\nLy-do: thiếu mục tiêu",
        who=BINH,
    )
    repo.git("checkout", "-q", "-b", "nop/nguyen-van-an/tuan-03", "main")
    repo.write(REC3, PDF + b"% 3\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Nộp tuần 3", who=AN)
    repo.git("notes", "add", "-m", "Tu-choi-boi: tran-thi-binh\nLy-do: sai mẫu", "HEAD", who=BINH)
    repo.git("checkout", "-q", "main")
    return repo


def test_small_history_every_kind(small: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    root = str(small.root)
    main_events = log_json(capsys, "-C", root)
    assert [e["kind"] for e in main_events] == ["nop", "cau-hinh", "nop", "ky-bo-sung", "duyet", "sua", "xoa"]
    nop, config, submitted, signed, approved, corrected, deleted = main_events
    assert nop["paths"] == [OLD] and config["paths"] == ["catalog.yml", "people.yml"]
    assert submitted["author"] == GV_AN and submitted["paths"] == [REC]  # mapped by email
    assert signed["author"] == "tran-thi-binh"  # mapped by name
    assert approved["people"] == ["tran-thi-binh"] and approved["paths"] == [REC]
    assert approved["trailers"] == {"Duyet-boi": ["tran-thi-binh"]}
    assert corrected["reason"] == "sai tên bài"
    assert deleted["trailers"]["Quyet-dinh-huy"] == ["15/QĐ-THCS"]  # type: ignore[index]
    assert deleted["reason"] == "hết hạn bảo quản" and deleted["paths"] == [OLD]
    assert set(approved) == {
        "commit",
        "date",
        "kind",
        "author",
        "author_name",
        "people",
        "names",
        "paths",
        "reason",
        "trailers",
        "evidence",
        "claimed_only",
        "via_note",
    }
    # the approver is only named by a trailer: the trail says so
    assert approved["evidence"] == [] and approved["claimed_only"] == ["tran-thi-binh"]
    assert str(approved["date"]).startswith("2024-09-05T") and str(approved["date"]).endswith("+07:00")
    assert approved["names"]["tran-thi-binh"] == "Trần Thị Bình"  # type: ignore[index]

    every = log_json(capsys, "-C", root, "--all")
    rejections = [e for e in every if e["kind"] == "tu-choi"]
    assert len(rejections) == 2
    by_note, by_commit = sorted(rejections, key=lambda e: str(e["reason"]))
    assert by_commit["paths"] == [REC2] and by_commit["reason"] == "thiếu mục tiêu"  # the branch's record
    assert by_note["paths"] == [REC3] and by_note["reason"] == "sai mẫu"
    assert by_note["author"] == "tran-thi-binh"  # who wrote the note, from the notes ref

    text = cli(capsys, "-C", root, "log", "--all")
    assert text.code == 0
    lines = text.out.splitlines()
    assert len(lines) == len(every)
    assert any("duyệt" in line and REC in line for line in lines)
    assert any("từ chối" in line and "lý do: thiếu mục tiêu" in line for line in lines)
    assert any("xóa" in line and "lý do: hết hạn bảo quản" in line and "15/QĐ-THCS" in line for line in lines)
    assert "sự kiện" in text.err


def test_small_history_filters(
    small: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = str(small.root)
    only = log_json(capsys, "-C", root, REC)
    assert kinds(only) == {"nop": 1, "ky-bo-sung": 1, "duyet": 1, "sua": 1}
    gone = log_json(capsys, "-C", root, OLD)  # deleted: still known to history
    assert [e["kind"] for e in gone] == ["nop", "xoa"]
    assert kinds(log_json(capsys, "-C", root, "--person", GV_AN)) == {"nop": 1}
    assert kinds(log_json(capsys, "-C", root, "--all", "--person", GV_AN)) == {"nop": 3}
    assert kinds(log_json(capsys, "-C", root, "--person", "an@truong.edu.vn")) == {"nop": 1}
    binh = log_json(capsys, "-C", root, "--all", "--person", "tran-thi-binh")
    assert kinds(binh) == {"ky-bo-sung": 1, "duyet": 1, "tu-choi": 2}
    assert log_json(capsys, "-C", root, "--since", "2024-09-06") == []
    assert len(log_json(capsys, "-C", root, "--since", "2024-09-05")) == 7
    # a path relative to the current folder
    monkeypatch.chdir(small.root / "records" / "2024-2025")
    assert kinds(log_json(capsys, "gv/nguyen-van-an")) == {"nop": 1, "ky-bo-sung": 1, "duyet": 1, "sua": 1}


def test_bad_input_is_a_message_not_a_traceback(
    small: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(small.root)
    cases: list[tuple[list[str], ExitCode, str]] = [
        (["--since", "05/09/2024"], ExitCode.USAGE, "YYYY-MM-DD"),
        (["--since", "2024-02-30"], ExitCode.USAGE, "YYYY-MM-DD"),
        (["records/khong-co.pdf"], ExitCode.NOT_FOUND, "records/khong-co.pdf"),
        (["/etc"], ExitCode.USAGE, "/etc"),
    ]
    for args, code, text in cases:
        run: Run = cli(capsys, "-C", root, "log", *args)
        assert run.code == code, (args, run.text)
        assert text in run.err and "Traceback" not in run.text
    outside = tmp_path / "khong-phai-kho"
    outside.mkdir()
    run = cli(capsys, "-C", str(outside), "log")
    assert run.code == ExitCode.USAGE and "không phải kho Git" in run.err
    empty = tmp_path / "rong"
    subprocess.run(["git", "init", "-q", str(empty)], check=True)
    run = cli(capsys, "-C", str(empty), "log")
    assert run.code == 0 and run.out == "" and "không có sự kiện" in run.err


# ---- synthetic histories (git fast-import) ------------------------------------------------------


@pytest.fixture(scope="module")
def histories(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, tuple[Path, Expected]]]:
    """Repositories of about 200 and 2,000 commits, built once for this module (read-only)."""
    base = tmp_path_factory.mktemp("histories")
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith("GIT_"):
                mp.delenv(name)
        mp.setenv("HOME", str(base))
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        mp.setenv("GIT_CONFIG_GLOBAL", str(base / ".gitconfig"))
        built = {n: (base / f"h{n}", generate(base / f"h{n}", n)) for n in (200, 2000)}
    yield built


def test_fast_import_history_events(
    histories: dict[int, tuple[Path, Expected]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, exp = histories[2000]
    assert exp.commits >= 2000
    assert kinds(log_json(capsys, "-C", str(root))) == dict(exp.main)
    every = log_json(capsys, "-C", str(root), "--all")
    assert kinds(every) == dict(exp.all)
    dates = [str(e["date"]) for e in every]
    assert dates == sorted(dates)  # oldest first (one time zone here)
    rejected = {p for e in every if e["kind"] == "tu-choi" for p in e["paths"]}  # type: ignore[attr-defined]
    assert rejected == set(exp.rejected)
    text = cli(capsys, "-C", str(root), "log")
    assert text.code == 0 and len(text.out.splitlines()) == sum(exp.main.values())


def test_fast_import_history_filters(
    histories: dict[int, tuple[Path, Expected]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, exp = histories[2000]
    r = str(root)
    # a deleted record: submitted (or in the first commit), approved, deleted with its decision
    gone = exp.deleted[-1]
    events = log_json(capsys, "-C", r, gone)
    assert events[-1]["kind"] == "xoa" and "Quyet-dinh-huy" in events[-1]["trailers"]  # type: ignore[operator]
    assert all(e["paths"] == [gone] for e in events)
    # a corrected record
    fixed = exp.corrected[0]
    assert "sua" in kinds(log_json(capsys, "-C", r, fixed))
    # a folder: every path under it
    folder = "records/2024-2025/gv/giao-vien-0003"
    for e in log_json(capsys, "-C", r, folder):
        assert all(str(p).startswith(folder + "/") for p in e["paths"])  # type: ignore[attr-defined]
    # a person: an odd teacher (matched by name), an even one (by email), a trailer-only approver
    odd = log_json(capsys, "-C", r, "--person", "giao-vien-0001")
    assert odd and kinds(odd) == {"nop": len(odd)} and {e["author"] for e in odd} == {"giao-vien-0001"}
    assert log_json(capsys, "-C", r, "--person", "gv0002@truong.edu.vn") == log_json(
        capsys, "-C", r, "--person", "giao-vien-0002"
    )
    to_truong = kinds(log_json(capsys, "-C", r, "--all", "--person", TO_TRUONG[0]))
    assert to_truong["duyet"] == exp.all["duyet"] - exp.all["cau-hinh"] + 1  # every record approval
    assert to_truong["tu-choi"] == exp.all["tu-choi"] and to_truong["ky-bo-sung"] > 0
    assert kinds(log_json(capsys, "-C", r, "--person", HIEU_TRUONG[0]))["duyet"] == exp.main["duyet"]
    # since: exactly the events from that day on
    everything = log_json(capsys, "-C", r)
    later = log_json(capsys, "-C", r, "--since", "2024-09-12")
    assert later == [e for e in everything if str(e["date"]) >= "2024-09-12"]
    assert 0 < len(later) < len(everything)
    assert record_path(0) in {p for e in everything for p in e["paths"]}  # type: ignore[attr-defined]


def _git_processes(root: Path, trace: Path, *args: str) -> int:
    """Git processes started by `hoso log` (GIT_TRACE to a file: hoso captures git's stderr)."""
    trace.unlink(missing_ok=True)
    env = {**os.environ, "GIT_TRACE": str(trace)}
    proc = subprocess.run(
        [sys.executable, "-m", "hoso", "log", *args], cwd=root, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = trace.read_text(encoding="utf-8", errors="replace").splitlines()
    return sum(1 for line in lines if "trace: built-in: git" in line or "trace: run_command" in line)


def test_git_processes_do_not_grow_with_history(
    histories: dict[int, tuple[Path, Expected]], tmp_path: Path
) -> None:
    (small_root, small_exp), (big_root, big_exp) = histories[200], histories[2000]
    assert big_exp.commits >= 9 * small_exp.commits
    trace = tmp_path / "git-trace.log"
    for args in (
        (),
        ("--all",),
        ("--format", "json", "--since", "2024-09-06"),
        ("--person", "giao-vien-0001"),
    ):
        # with the cache empty, then with it holding what that reading kept: the same state for
        # both histories, since what is cached decides which readers start
        for root in (small_root, big_root):
            for stale in (root / ".git" / "hoso").glob("cache.sqlite*"):
                stale.unlink()
        for state in ("cold", "warm"):
            few, many = _git_processes(small_root, trace, *args), _git_processes(big_root, trace, *args)
            # equal up to the lazily started readers
            assert abs(few - many) <= 2, (args, state, few, many)
            # rev-list, log and cat-file for the commits not cached, sizes, notes refs, the push
            # log, verdicts: a constant handful, whatever the length of the history
            assert 2 <= many <= 12, (args, state, many)


def test_khoa_so_only_when_a_lock_is_added(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty locks.yml (what hoso init writes) or an edit that removes a lock is configuration;
    a change that adds a lock is khóa sổ. A locks.yml that cannot be parsed locks nothing."""
    root = tmp_path / "kho"
    root.mkdir()

    def commit(text: str, message: str) -> None:
        (root / "locks.yml").write_text(text, encoding="utf-8")
        subprocess.run(["git", "add", "-A"], cwd=root, check=True)
        subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, check=True)

    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    commit("version: 1\nlocks: []\n", "khởi tạo")
    lock = "  - year: 2023-2024\n    since: 2024-08-20\n    by: nguyen-van-hai\n"
    commit("version: 1\nlocks:\n" + lock, "khóa sổ 2023-2024")
    commit("version: 1\nlocks: [&a [*a]]\n", "hỏng")
    kinds = [e["kind"] for e in log_json(capsys, "-C", str(root))]
    assert kinds == ["cau-hinh", "khoa-so", "cau-hinh"], kinds
