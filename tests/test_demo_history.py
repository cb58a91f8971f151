"""The demo school with its history (scripts/demo_history.py): two school years as hoso records them.

Test files: the repository root's demo school (catalog.yml, people.yml, mkdocs.yml, trust/,
site_src/ and records/, made by scripts/make_demo.py with the demo PKI in scripts/demo_pki/),
turned into a repository with history by scripts/demo_history.py in a temporary folder. The
few PDFs it adds (a rejected draft, a decision, a change request, a correction note, an open
submission) are drawn and signed there with the demo keys at fixed times.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from conftest import REPO_ROOT, cli

from hoso.cli import main
from hoso.git.objects import blob_id
from hoso.messages import vi

sys.path.insert(0, str(REPO_ROOT / "scripts"))
import demo_history

# the demo school's files the history must end with, as at the repository root
SCHOOL = ("catalog.yml", "people.yml", "mkdocs.yml", "trust", "site_src", "records")


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return proc.stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated repository, every version of every record verified on the way."""
    out = tmp_path_factory.mktemp("demo") / "truong-mau"
    assert demo_history.main(["--out", str(out)]) == 0
    return out


def _first_parent(repo: Path, subject_start: str) -> str:
    for line in git(repo, "log", "--first-parent", "--format=%H %s", "main").splitlines():
        oid, subject = line.split(" ", 1)
        if subject.startswith(subject_start):
            return oid
    raise AssertionError(f"no commit on main starts with {subject_start!r}")


def test_same_commits_when_generated_again_and_only_its_own_output_is_replaced(
    demo: Path, tmp_path: Path
) -> None:
    before = git(demo, "for-each-ref", "--format=%(objectname) %(refname)")
    assert "refs/heads/main" in before and before.count("refs/heads/nop/") > 70
    assert demo_history.main(["--out", str(demo), "--no-verify"]) == 0  # an earlier output: replaced
    assert git(demo, "for-each-ref", "--format=%(objectname) %(refname)") == before
    assert git(demo, "status", "--porcelain") == ""

    foreign = tmp_path / "khac"
    foreign.mkdir()
    (foreign / "ghi-chu.txt").write_text("của người khác")
    assert demo_history.main(["--out", str(foreign)]) == 2
    assert [p.name for p in foreign.iterdir()] == ["ghi-chu.txt"]


def test_main_ends_with_the_demo_school_but_for_the_documented_changes(demo: Path) -> None:
    tree = {}
    for line in git(demo, "ls-tree", "-r", "main").splitlines():
        meta, path = line.split("\t")
        tree[path] = meta.split()[2]
    root = {}
    for name in SCHOOL:
        top = REPO_ROOT / name
        for path in [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file()):
            root[path.relative_to(REPO_ROOT).as_posix()] = blob_id(path.read_bytes())
    school = {p: oid for p, oid in tree.items() if p.split("/")[0] in SCHOOL}
    assert {p for p in root if school.get(p) != root[p]} == {demo_history.RETURNED, demo_history.CORRECTED}
    assert set(school) <= set(root)
    others = set(tree) - set(school)
    assert others == {"locks.yml", ".gitignore", demo_history.LOCK_DECISION, demo_history.CHANGE_REQUEST}
    assert "since: 2024-08-20" in git(demo, "show", "main:locks.yml")
    corrected = subprocess.run(
        ["git", "cat-file", "blob", f"main:{demo_history.CORRECTED}"],
        cwd=demo,
        capture_output=True,
        check=True,
    ).stdout
    approved = (REPO_ROOT / demo_history.CORRECTED).read_bytes()
    assert corrected.startswith(approved) and len(corrected) > len(approved)  # appended, not rewritten


def test_check_all_is_green_and_one_submission_awaits_review(demo: Path, capsys) -> None:
    assert main(["-C", str(demo), "check", "--all"]) == 0
    run = cli(capsys, "-C", str(demo), "review")
    assert run.code == 0
    assert "nop/pham-quoc-tuan/ke-hoach-giao-duc-mon-toan-6" in run.out and "chờ duyệt" in run.out


def test_history_rules_pass_over_the_whole_history_and_each_step_of_the_story(demo: Path) -> None:
    founding = git(demo, "rev-list", "--max-parents=0", "main").strip()
    assert main(["-C", str(demo), "check", "--range", f"{founding}..main", "--ref", "main"]) == 0
    # the server judges each push by main's configuration before it: the lock is in force for
    # the correction, which passes only with its signed change request
    for subject in ("Duyệt nop/phan-thi-thuy/tra-hoc-ba-lop-9a", "Khóa sổ", "Đính chính"):
        step = _first_parent(demo, subject)
        assert main(["-C", str(demo), "check", "--range", f"{step}^..{step}", "--ref", "main"]) == 0, subject

    step = _first_parent(demo, "Đính chính")
    unproved = git(demo, "commit-tree", f"{step}^{{tree}}", "-p", f"{step}^", "-m", "Đính chính").strip()
    assert main(["-C", str(demo), "check", "--range", f"{step}^..{unproved}", "--ref", "main"]) != 0


def test_log_reads_like_a_school_year(demo: Path, capsys) -> None:
    run = cli(capsys, "-C", str(demo), "log", "--format", "json")
    assert run.code == 0
    events = json.loads(run.out)["events"]
    kinds = {e["kind"] for e in events}
    assert {"nop", "tu-choi", "nop-lai", "ky-bo-sung", "duyet", "xoa", "khoa-so", "cau-hinh", "sua"} <= kinds
    assert all(e["date"].endswith("+07:00") for e in events)
    moments = [datetime.fromisoformat(e["date"]) for e in events]
    assert moments == sorted(moments)
    assert moments[0].year == 2023 and moments[-1].year == 2025

    rejected = [e for e in events if e["kind"] == "tu-choi"]
    assert len(rejected) == 1 and demo_history.REJECTED in rejected[0]["paths"]
    assert rejected[0]["reason"].startswith("Thiếu mục tiêu bài học")
    story = [e["kind"] for e in events if demo_history.REJECTED in e["paths"]]
    assert story == ["nop", "tu-choi", "nop-lai", "ky-bo-sung", "duyet"]
    (deleted,) = [e for e in events if e["kind"] == "xoa"]
    assert (
        deleted["paths"] == [demo_history.RETURNED]
        and "18/QĐ-THCSHB" in deleted["trailers"]["Quyet-dinh-huy"][0]
    )
    names = {e["author_name"] for e in events}
    assert {"Nguyễn Văn Hải", "Phan Thị Thủy", "Đỗ Thị Lan", "Phạm Quốc Tuấn"} <= names


def test_site_shows_a_record_sent_back_and_resubmitted(demo: Path) -> None:
    assert main(["-C", str(demo), "site", "build"]) == 0
    index = json.loads((demo / "site" / "index.json").read_text(encoding="utf-8"))
    records = {r["path"]: r for r in index["records"]}
    kinds = [e["kind"] for e in records[demo_history.REJECTED]["events"]]
    assert kinds[:3] == ["nop", "tu-choi", "nop-lai"] and "duyet" in kinds
    assert "khoa-so" in kinds  # its year is locked
    assert "sua" in [e["kind"] for e in records[demo_history.CORRECTED]["events"]]
    assert demo_history.RETURNED not in records


def test_commit_messages_are_those_hoso_writes() -> None:
    assert vi.MESSAGES["reject.subject"] == demo_history.REJECT
    assert vi.MESSAGES["approve.subject"] == demo_history.APPROVE
    assert vi.MESSAGES["approve.countersign"] == demo_history.COUNTERSIGN
    assert vi.MESSAGES["submit.resubject"] == demo_history.RESUBMIT


def test_the_authority_view_works_on_the_demo(demo: Path, tmp_path: Path, capsys) -> None:
    """`hoso report` and `hoso portal build` on the demo school, as the README shows them."""
    out = tmp_path / "bao-cao.json"
    run = cli(capsys, "-C", str(demo), "report", "--year", "2024-2025", "--format", "json",
              "--today", "2025-06-30", "--out", str(out))  # fmt: skip
    assert run.code == 0, run.text
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["commit"] == git(demo, "rev-parse", "HEAD").strip()
    # the demo's catalog has deadlines: something is required; each count is its list of records
    total = report["total"]
    assert total["counts"]["required"] > 0
    assert total["counts"]["submitted"] == len(total["paths"]["submitted"]) > 0
    assert total["counts"]["invalid"] == 0

    schools = tmp_path / "schools.yml"
    schools.write_text(f"schools:\n  - path: {demo}\n", encoding="utf-8")
    portal = tmp_path / "cong"
    run = cli(capsys, "-C", str(demo), "portal", "build", "--schools", str(schools), "--out", str(portal))
    assert run.code == 0, run.text
    pages = [p.read_text(encoding="utf-8") for p in (portal / "truong").rglob("*.html")]
    assert any("Trường THCS Hòa Bình" in page and "Đã xác minh" in page for page in pages)
