"""`hoso check`: which bytes are judged (staged blob vs disk), --all, --summary, the demo school.

Test files: make_pdf() and HTML_AS_PDF from conftest.py, written into the school repository;
the demo school is the repository root itself (its records/ are produced by scripts/).
"""

from __future__ import annotations

import shutil

from conftest import GV, HTML_AS_PDF, REPO_ROOT, YEAR, School, cli, gv_path, make_pdf, run_subprocess

from hoso.errors import ExitCode


def test_staged_blob_vs_disk(school_repo: School, capsys) -> None:
    rel = gv_path(GV)
    school_repo.write(rel, make_pdf())
    school_repo.stage(rel)
    school_repo.write(rel, b"\x00garbage after git add\x00")  # the working tree changes afterwards

    staged = cli(capsys, "check", "--staged")
    assert staged.code == ExitCode.OK, staged.text  # the commit would contain the good PDF
    assert cli(capsys, "check", "--staged", rel).code == ExitCode.OK

    disk = cli(capsys, "check", rel)
    assert disk.code == ExitCode.FORMAT
    assert f"{rel}: format.not-pdf: " in disk.out


def test_staged_garbage_vs_good_disk(school_repo: School, capsys) -> None:
    rel = gv_path(GV)
    school_repo.write(rel, HTML_AS_PDF)
    school_repo.stage(rel)
    school_repo.write(rel, make_pdf())
    assert cli(capsys, "check", "--staged").code == ExitCode.FORMAT
    assert cli(capsys, "check", rel).code == ExitCode.OK


def test_staged_ignores_files_outside_records(school_repo: School, capsys) -> None:
    school_repo.write("ghi-chu.txt", b"notes")
    school_repo.write("tai-lieu/khong-phai-pdf.pdf", HTML_AS_PDF)
    school_repo.stage("ghi-chu.txt", "tai-lieu/khong-phai-pdf.pdf")
    run = cli(capsys, "check", "--staged")
    assert run.code == ExitCode.OK
    assert "0" in run.err


def test_all_sees_untracked_and_committed(school_repo: School, capsys) -> None:
    committed, untracked = gv_path(GV), gv_path(GV, slug="bai-2")
    school_repo.write(committed, make_pdf())
    school_repo.stage(committed)
    school_repo.commit()
    school_repo.write(untracked, HTML_AS_PDF)  # dropped into records/ without git add
    school_repo.write(f"records/{YEAR}/.DS_Store", b"\x00\x00\x00\x01Bud1")
    run = cli(capsys, "check", "--all")
    assert run.code == ExitCode.MISPLACED  # the stray file outranks the bad format
    assert f"{untracked}: format.not-pdf" in run.out
    assert f"records/{YEAR}/.DS_Store: hygiene.stray-file" in run.out
    # the committed record is unsigned: only a warning here (pending_on_main, see conftest)
    assert [line.split(": ")[1] for line in run.out.splitlines() if line.startswith(committed)] == [
        "signatures.missing"
    ]
    assert "Đã kiểm tra 3 tệp: 2 tệp có lỗi (2 lỗi)." in run.err


def test_check_a_folder(school_repo: School, capsys) -> None:
    school_repo.write(gv_path(GV), make_pdf())
    school_repo.write(gv_path(GV, slug="bai-2"), b"")
    run = cli(capsys, "check", f"records/{YEAR}")
    assert run.code == ExitCode.FORMAT
    assert run.out.count("format.empty") == 1
    assert "Đã kiểm tra 2 tệp" in run.err


def test_summary(school_repo: School, capsys) -> None:
    school_repo.write(gv_path(GV), make_pdf())
    school_repo.write(gv_path(GV, year="2023-2024"), make_pdf())
    school_repo.write(f"records/{YEAR}/truong/so-dang-bo/khoi-6.pdf", b"")
    run = cli(capsys, "check", "--all", "--summary")
    assert run.code == ExitCode.FORMAT
    assert "Tổng hợp hồ sơ — Trường THCS Thử Nghiệm" in run.out
    rows = [line.split() for line in run.out.splitlines()]
    assert rows[rows.index(["Tổng", "3", "0", "2", "1"]) - 1][0].startswith("-")
    assert [
        "Năm",
        "học",
        "Cấp",
        "Số",
        "hồ",
        "sơ",
        "Đã",
        "duyệt",
        "Chờ",
        "duyệt",
        "Không",
        "hợp",
        "lệ",
    ] in rows
    assert ["2023-2024", "Giáo", "viên", "1", "0", "1", "0"] in rows  # unsigned: chờ duyệt


def test_cache_does_not_change_verdicts(school_repo: School, capsys) -> None:
    rel = gv_path(GV)
    school_repo.write(rel, HTML_AS_PDF)
    first = cli(capsys, "check", rel)
    second = cli(capsys, "check", rel)  # from .git/hoso/cache.sqlite
    third = cli(capsys, "check", "--no-cache", rel)
    assert first.out == second.out == third.out
    assert first.code == second.code == third.code == ExitCode.FORMAT
    assert (school_repo.root / ".git" / "hoso" / "cache.sqlite").exists()  # never in the work tree
    assert "!!" not in school_repo.git("status", "--porcelain", "--ignored").stdout  # nothing to ignore
    assert not (school_repo.root / ".hoso").exists()


def test_outside_git(tmp_path, capsys) -> None:
    root = tmp_path / "khong-git"
    assert cli(capsys, "init", str(root), "--level", "thcs").code == 0
    shutil.rmtree(root / ".git")
    rel = f"records/{YEAR}/truong/so-dang-bo/khoi-6.pdf"
    (root / rel).parent.mkdir(parents=True)
    (root / rel).write_bytes(make_pdf())
    # outside git there is no submission branch: judged as the protected branch, unless told
    unsigned = cli(capsys, "-C", str(root), "check", "--all")
    assert unsigned.code == ExitCode.UNSIGNED and f"{rel}: signatures.missing" in unsigned.out
    assert cli(capsys, "-C", str(root), "check", "--all", "--branch", "nop/gv/bai-1").code == ExitCode.OK
    run = cli(capsys, "-C", str(root), "check", "--staged")
    assert run.code == ExitCode.USAGE


def test_demo_school_passes() -> None:
    """The demo school at the repository root: every record it ships passes `check --all`."""
    run = run_subprocess(["-C", str(REPO_ROOT), "check", "--all", "--no-cache"], cwd=REPO_ROOT)
    assert "Traceback" not in run.text
    assert run.code == ExitCode.OK, run.text
    assert "tất cả hợp lệ" in run.err
