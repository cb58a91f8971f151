"""History rules and the server hook: a real bare repository with the pre-receive hook that
`hoso install-server-hook` installs, and real `git push` from clones.

Test files: the demo school's catalog.yml, people.yml, trust/ and records/ (signed with the demo
PKI, scripts/demo_pki/), copied into a new repository in tmp_path; locks.yml written here (khóa
sổ of 2023-2024); counter-signatures and the change request signed at test time with the demo
keys (passphrase "demo"); the fake record is an HTML page named .pdf.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import HTML_AS_PDF, REPO_ROOT, make_pdf
from servers import APPROVED, LOCKED, clone_as, commit, countersign, demo_server, git, push

from hoso.cli import main
from hoso.errors import ExitCode

pytestmark = pytest.mark.slow

LOCKS = """version: 1
locks:
  - year: 2023-2024
    since: 2024-06-01
    by: nguyen-van-hai
    reason: Khóa sổ cuối năm học 2023-2024
"""


@pytest.fixture
def server(tmp_path: Path, isolated_env: Path) -> Path:
    """A bare repository holding the demo school (with 2023-2024 locked) and hoso's hooks."""
    return demo_server(tmp_path, locks=LOCKS)


@pytest.fixture
def clone(server: Path, tmp_path: Path) -> Path:
    return clone_as(server, tmp_path / "van-thu")


@pytest.fixture(autouse=True)
def demo_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSO_P12_PASSPHRASE", "demo")


def test_bad_record_committed_with_no_verify_is_refused_at_push(clone: Path) -> None:
    (clone / "records/2024-2025/truong/so-quan-ly-van-ban/gia-mao.pdf").write_bytes(HTML_AS_PDF)
    commit(clone, "thêm hồ sơ")
    proc = push(clone)
    assert proc.returncode != 0
    assert "format.not-pdf" in proc.stderr and "pre-receive hook declined" in proc.stderr


def test_approved_record_rewritten_is_refused_countersigned_is_accepted(clone: Path) -> None:
    original = (clone / APPROVED).read_bytes()
    (clone / APPROVED).write_bytes((clone / LOCKED).read_bytes())  # other, validly signed bytes
    commit(clone, "thay hồ sơ\n\nLy-do: thử")
    proc = push(clone)
    assert proc.returncode != 0 and "history.rewrite-approved" in proc.stderr

    git(clone, "reset", "-q", "--hard", "origin/main")
    countersign(clone, APPROVED)
    assert (clone / APPROVED).read_bytes().startswith(original)
    commit(clone, "Hiệu trưởng ký bổ sung")
    proc = push(clone)
    assert proc.returncode == 0, proc.stderr


def test_locked_year_needs_a_signed_change_request(clone: Path) -> None:
    countersign(clone, LOCKED)
    commit(clone, "ký bổ sung sổ đã khóa")
    proc = push(clone)
    assert proc.returncode != 0 and "history.locked" in proc.stderr

    request = clone / "de-nghi-sua/de-nghi-sua-01.pdf"
    request.parent.mkdir()
    request.write_bytes(make_pdf("Đề nghị sửa hồ sơ năm học 2023-2024"))
    git(clone, "reset", "-q", "--soft", "HEAD~1")
    git(clone, "add", "-A")
    git(
        clone,
        "commit",
        "-q",
        "--no-verify",
        "-m",
        "ký bổ sung\n\nDe-nghi-sua: de-nghi-sua/de-nghi-sua-01.pdf",
    )
    proc = push(clone)
    assert proc.returncode != 0 and "history.request-unsigned" in proc.stderr  # not signed yet

    countersign(clone, "de-nghi-sua/de-nghi-sua-01.pdf")
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "--no-verify", "--amend", "--no-edit")
    proc = push(clone)
    assert proc.returncode == 0, proc.stderr


def test_deletion_before_retention_and_force_push_and_branch_deletion_are_refused(clone: Path) -> None:
    git(clone, "rm", "-q", APPROVED)
    git(clone, "commit", "-q", "-m", "xóa\n\nLy-do: nhầm")
    proc = push(clone)
    assert proc.returncode != 0 and "history.retention" in proc.stderr

    git(clone, "reset", "-q", "--hard", "origin/main")
    countersign(clone, APPROVED)
    commit(clone, "Hiệu trưởng ký bổ sung")
    assert push(clone).returncode == 0
    proc = push(clone, "--force", "HEAD~1:main")
    assert proc.returncode != 0 and "force-push" in proc.stderr
    proc = push(clone, ":main")
    assert proc.returncode != 0


def test_governance_needs_proof_not_a_merge_with_a_claimed_approver(clone: Path) -> None:
    people = clone / "people.yml"
    people.write_text(people.read_text(encoding="utf-8") + "# ghi chú\n", encoding="utf-8")
    commit(clone, "sửa people.yml")
    proc = push(clone)
    assert proc.returncode != 0 and "history.governance-unproven" in proc.stderr

    git(clone, "branch", "-q", "nop/quan-tri/people", "HEAD")
    git(clone, "reset", "-q", "--hard", "origin/main")
    assert push(clone, "nop/quan-tri/people").returncode == 0  # a submission branch: allowed
    approval = "Duyệt thay đổi people.yml\n\nDuyet-boi: nguyen-van-hai"
    git(clone, "merge", "-q", "--no-ff", "-m", approval, "nop/quan-tri/people")
    proc = push(clone)  # a merge whose approver is only typed in a trailer proves nothing
    assert proc.returncode != 0 and "history.governance-unproven" in proc.stderr

    # the principal's signed decision, added by the same change and named: proof
    decision = clone / "quyet-dinh/qd-01-sua-people.pdf"
    decision.parent.mkdir()
    decision.write_bytes(make_pdf("Quyết định sửa danh sách nhân sự"))
    countersign(clone, "quyet-dinh/qd-01-sua-people.pdf")
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "--amend", "-m", approval + "\nQuyet-dinh: quyet-dinh/qd-01-sua-people.pdf")
    proc = push(clone)
    assert proc.returncode == 0, proc.stderr


def test_check_range_in_ci_matches_the_hook(clone: Path, capsys) -> None:
    (clone / "records/2024-2025/truong/so-quan-ly-van-ban/gia-mao.pdf").write_bytes(HTML_AS_PDF)
    commit(clone, "thêm hồ sơ")
    code = main(["-C", str(clone), "check", "--range", "origin/main..HEAD", "--ref", "main"])
    out = capsys.readouterr().out
    assert code == ExitCode.FORMAT and "format.not-pdf" in out
    assert main(["-C", str(clone), "check", "--range", "nonsense"]) == ExitCode.USAGE


TEACHER, HEAD = "pham-quoc-tuan", "nguyen-van-an"  # giáo viên and tổ trưởng of toan-tin in 2024-2025
PLAN = f"records/2024-2025/gv/{TEACHER}/ke-hoach-bai-day/tuan-20-toan-7a.pdf"


def _person_clone(server: Path, tmp_path: Path, name: str, person: str) -> Path:
    work = tmp_path / name
    git(tmp_path, "clone", "-q", str(server), str(work))
    git(work, "config", "user.name", person)
    git(work, "config", "user.email", f"{person}@truong-mau.invalid")
    return work


def _sign_as(work: Path, rel: str, person: str, role: str) -> None:
    p12 = REPO_ROOT / f"scripts/demo_pki/people/{person}.p12"
    assert main(["-C", str(work), "sign", str(work / rel), "--role", role, "--p12", str(p12)]) == 0


def test_submit_reject_fix_approve_between_two_clones(server: Path, tmp_path: Path, capsys) -> None:
    teacher = _person_clone(server, tmp_path, "giao-vien", TEACHER)
    head = _person_clone(server, tmp_path, "to-truong", HEAD)

    # the teacher writes and signs a lesson plan, and submits it
    (teacher / PLAN).parent.mkdir(parents=True, exist_ok=True)
    (teacher / PLAN).write_bytes(make_pdf("Kế hoạch bài dạy tuần 20 – Toán 7A (bản 1)"))
    _sign_as(teacher, PLAN, TEACHER, "giao-vien")
    git(teacher, "add", PLAN)
    assert main(["-C", str(teacher), "submit", "--person", TEACHER, "--title", "Tuần 20 Toán 7A"]) == 0
    branch = f"nop/{TEACHER}/tuan-20-toan-7a"
    assert git(teacher, "rev-parse", "--abbrev-ref", "HEAD").stdout.strip() == "main"  # left where it was

    # the tổ trưởng sees it awaiting his signature and sends it back
    capsys.readouterr()
    assert main(["-C", str(head), "review", "--person", HEAD]) == 0
    seen = capsys.readouterr().out
    assert branch in seen and "Chờ duyệt" in seen
    assert (
        main(["-C", str(head), "reject", branch, "--person", HEAD, "--ly-do", "Thiếu mục tiêu bài học"]) == 0
    )

    # the teacher sees why
    capsys.readouterr()
    assert main(["-C", str(teacher), "status", "--person", TEACHER]) == 0
    assert "Thiếu mục tiêu bài học" in capsys.readouterr().out

    # the teacher fixes the plan on the same branch and submits again
    git(teacher, "switch", "-q", branch)
    git(teacher, "pull", "-q", "--ff-only", "origin", branch)
    (teacher / PLAN).write_bytes(make_pdf("Kế hoạch bài dạy tuần 20 – Toán 7A (bản 2, có mục tiêu)"))
    _sign_as(teacher, PLAN, TEACHER, "giao-vien")
    git(teacher, "add", PLAN)
    assert main(["-C", str(teacher), "submit", "--person", TEACHER, "--title", "Tuần 20 Toán 7A"]) == 0

    # a plain approval without the tổ trưởng's signature cannot land on main
    code = main(["-C", str(head), "approve", branch, "--person", HEAD])
    assert code == ExitCode.UNSIGNED
    assert git(head, "rev-parse", "HEAD").stdout == git(head, "rev-parse", "origin/main").stdout

    # approval with his counter-signature: merged with Duyet-boi, accepted by the server hook
    p12 = REPO_ROOT / f"scripts/demo_pki/people/{HEAD}.p12"
    assert (
        main(["-C", str(head), "approve", branch, "--person", HEAD, "--role", "to-truong", "--p12", str(p12)])
        == 0
    )
    message = git(server, "log", "-1", "--format=%B", "main").stdout
    assert f"Duyet-boi: {HEAD}" in message
    assert git(server, "cat-file", "-e", f"main:{PLAN}", check=False).returncode == 0
    capsys.readouterr()
    assert main(["-C", str(teacher), "status", "--person", TEACHER]) == 0
    assert "đã duyệt" in capsys.readouterr().out


def test_first_push_into_an_empty_server_is_accepted(tmp_path: Path, isolated_env: Path) -> None:
    """The root commit founds the repository (configuration included); later config needs a merge."""
    bare = tmp_path / "moi.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    assert main(["install-server-hook", str(bare)]) == 0
    work = tmp_path / "khoi-tao"
    assert main(["init", str(work), "--level", "thcs"]) == 0
    people = work / "people.yml"
    people.write_text((REPO_ROOT / "people.yml").read_text(encoding="utf-8"), encoding="utf-8")
    commit(work, "Khởi tạo kho hồ sơ")
    git(work, "remote", "add", "origin", str(bare))
    proc = push(work)
    assert proc.returncode == 0, proc.stderr
    assert "history.governance" in proc.stderr  # reported, as a warning
    people.write_text(people.read_text(encoding="utf-8") + "# sửa\n", encoding="utf-8")
    commit(work, "sửa people.yml")
    proc = push(work)
    assert proc.returncode != 0 and "history.governance-unproven" in proc.stderr


def test_check_range_with_an_unknown_revision(clone: Path, capsys) -> None:
    run = main(["-C", str(clone), "check", "--range", "khong-co..HEAD"])
    text = capsys.readouterr().err
    assert run == ExitCode.NOT_FOUND and "khong-co" in text and "Traceback" not in text


def test_a_proposal_in_ci_says_its_governance_change_as_information(clone: Path, capsys) -> None:
    """A pull request's trial merge changing people.yml: CI accepts it for review and says what
    approval it will need, in information's words; the same range without --proposal is refused."""
    people = clone / "people.yml"
    people.write_text(people.read_text(encoding="utf-8") + "# sửa\n", encoding="utf-8")
    commit(clone, "sửa people.yml")
    args = ["-C", str(clone), "check", "--range", "origin/main..HEAD", "--ref", "main"]
    capsys.readouterr()
    assert main([*args, "--proposal"]) == 0
    captured = capsys.readouterr()
    assert "ℹ thông tin" in captured.err and "people.yml" in captured.err
    assert "history.governance" not in captured.out  # no finding line that reads like a refusal
    assert main(args) != 0
    assert "history.governance-unproven" in capsys.readouterr().out
