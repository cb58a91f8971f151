"""`hoso add`: places a PDF at its path with a transliterated slug, stages it, never overwrites.

Test files: make_pdf() and HTML_AS_PDF from conftest.py, written outside the repository
(tmp_path / "tai-ve") as a teacher's downloads folder would hold them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import GV, GV_ONE_YEAR, HTML_AS_PDF, YEAR, School, cli, make_pdf

from hoso.errors import ExitCode
from hoso.records import make_slug


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    folder = tmp_path / "tai-ve"
    folder.mkdir()
    return folder


def staged(school: School) -> dict[str, str]:
    out = school.git("ls-files", "--stage", "-z", "--", "records").stdout
    result = {}
    for rec in out.split("\0"):
        if rec:
            meta, path = rec.split("\t", 1)
            result[path] = meta.split()[1]
    return result


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Kế hoạch bài dạy Tuần 5 – Toán 6A", "ke-hoach-bai-day-tuan-5-toan-6a"),
        ("Đường", "duong"),
        ("ĐỀ KIỂM TRA giữa kỳ I — Ngữ văn 7", "de-kiem-tra-giua-ky-i-ngu-van-7"),
        ("  Sổ   chủ nhiệm (lớp 6A1)  ", "so-chu-nhiem-lop-6a1"),
        ("Nguyễn Thị Hương Giang: phiếu đánh giá", "nguyen-thi-huong-giang-phieu-danh-gia"),
    ],
)
def test_make_slug_transliterates_vietnamese(title: str, slug: str) -> None:
    assert make_slug(title) == slug


def test_add_places_and_stages(school_repo: School, downloads: Path, capsys) -> None:
    src = downloads / "giao an tuan 5.pdf"
    src.write_bytes(make_pdf())
    title = "Kế hoạch bài dạy Tuần 5 – Toán 6A"
    run = cli(
        capsys, "add", str(src), "--type", "ke-hoach-bai-day", "--owner", GV, "--year", YEAR, "--title", title
    )
    assert run.code == ExitCode.OK, run.text
    rel = f"records/{YEAR}/gv/{GV}/ke-hoach-bai-day/ke-hoach-bai-day-tuan-5-toan-6a.pdf"
    assert run.out.strip() == rel  # stdout: the new path, nothing else
    assert (school_repo.root / rel).read_bytes() == make_pdf()
    assert rel in staged(school_repo)
    assert "git commit" in run.err
    # what add wrote passes check, staged and on disk
    assert cli(capsys, "check", "--staged").code == ExitCode.OK
    assert cli(capsys, "check", rel).code == ExitCode.OK
    assert src.exists()  # a copy: the teacher's file stays where it was


def test_add_without_title_uses_the_file_name(school_repo: School, downloads: Path, capsys) -> None:
    src = downloads / "Sổ chủ nhiệm 6A.pdf"
    src.write_bytes(make_pdf())
    run = cli(capsys, "add", str(src), "--type", "so-chu-nhiem", "--owner", GV, "--year", YEAR)
    assert run.code == ExitCode.OK, run.text
    assert run.out.strip() == f"records/{YEAR}/gv/{GV}/so-chu-nhiem/so-chu-nhiem-6a.pdf"


def test_add_school_level_record_needs_no_owner(school_repo: School, downloads: Path, capsys) -> None:
    src = downloads / "x.pdf"
    src.write_bytes(make_pdf())
    run = cli(capsys, "add", str(src), "--type", "so-dang-bo", "--year", YEAR, "--title", "Sổ đăng bộ khối 6")
    assert run.code == ExitCode.OK, run.text
    assert run.out.strip() == f"records/{YEAR}/truong/so-dang-bo/so-dang-bo-khoi-6.pdf"


def test_add_no_stage(school_repo: School, downloads: Path, capsys) -> None:
    src = downloads / "x.pdf"
    src.write_bytes(make_pdf())
    run = cli(
        capsys, "add", str(src), "--type", "so-dang-bo", "--year", YEAR, "--title", "Khối 7", "--no-stage"
    )
    assert run.code == ExitCode.OK
    assert (school_repo.root / run.out.strip()).is_file()
    assert staged(school_repo) == {}


def test_add_refuses_to_overwrite(school_repo: School, downloads: Path, capsys) -> None:
    first, second = downloads / "a.pdf", downloads / "b.pdf"
    first.write_bytes(make_pdf())
    second.write_bytes(make_pdf("Kế hoạch bài dạy Tuần 6"))
    args = ["--type", "ke-hoach-bai-day", "--owner", GV, "--year", YEAR, "--title", "Tuần 5"]
    assert cli(capsys, "add", str(first), *args).code == ExitCode.OK
    rel = f"records/{YEAR}/gv/{GV}/ke-hoach-bai-day/tuan-5.pdf"
    before = (school_repo.root / rel).read_bytes()

    run = cli(capsys, "add", str(second), *args)
    assert run.code == ExitCode.EXISTS == 11
    assert rel in run.err and "không bao giờ ghi đè" in run.err
    assert (school_repo.root / rel).read_bytes() == before == make_pdf()
    assert _leftovers(school_repo.root / rel) == []


def test_add_refuses_to_overwrite_a_symlink(school_repo: School, downloads: Path, capsys) -> None:
    target = school_repo.root / f"records/{YEAR}/truong/so-dang-bo/khoi-6.pdf"
    target.parent.mkdir(parents=True)
    target.symlink_to(downloads / "khong-co.pdf")  # dangling: lexists, not exists
    src = downloads / "x.pdf"
    src.write_bytes(make_pdf())
    run = cli(capsys, "add", str(src), "--type", "so-dang-bo", "--year", YEAR, "--title", "Khối 6")
    assert run.code == ExitCode.EXISTS
    assert target.is_symlink() and not (downloads / "khong-co.pdf").exists()


def _leftovers(dest: Path) -> list[str]:
    return [p.name for p in dest.parent.iterdir() if p.name.startswith(".hoso-") or p.suffix == ".tmp"]


@pytest.mark.parametrize(
    ("data", "rule"), [(HTML_AS_PDF, "format.not-pdf"), (b"", "format.empty")], ids=["html", "empty"]
)
def test_add_refuses_a_fake_pdf_and_writes_nothing(
    school_repo: School, downloads: Path, capsys, data: bytes, rule: str
) -> None:
    src = downloads / "ke-hoach.pdf"
    src.write_bytes(data)
    run = cli(capsys, "add", str(src), "--type", "ke-hoach-bai-day", "--owner", GV, "--year", YEAR)
    assert run.code == ExitCode.FORMAT
    assert rule in run.err and "Chưa đưa" in run.err
    assert run.out == ""
    folder = school_repo.root / f"records/{YEAR}/gv/{GV}/ke-hoach-bai-day"
    assert not folder.exists() or list(folder.iterdir()) == []
    assert sorted(p.name for p in (school_repo.root / "records").iterdir()) == []
    assert staged(school_repo) == {}


def test_add_refuses_a_good_file_in_the_wrong_place(school_repo: School, downloads: Path, capsys) -> None:
    src = downloads / "x.pdf"
    src.write_bytes(make_pdf())
    run = cli(
        capsys, "add", str(src), "--type", "ke-hoach-bai-day", "--owner", GV_ONE_YEAR, "--year", "2025-2026"
    )
    assert run.code == ExitCode.MISPLACED
    assert "placement.owner-role" in run.err
    assert list((school_repo.root / "records").iterdir()) == []


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["--type", "khong-co"], ExitCode.USAGE, "khong-co"),
        (["--type", "ke-hoach-bai-day", "--year", YEAR], ExitCode.USAGE, "--owner"),
        (["--type", "so-dang-bo", "--year", "2024-2026"], ExitCode.USAGE, "2024-2026"),
        (["--type", "so-dang-bo", "--year", YEAR, "--title", "!!!"], ExitCode.USAGE, "--title"),
        (
            ["--type", "ke-hoach-bai-day", "--owner", "khong-co-ai", "--year", YEAR],
            ExitCode.MISPLACED,
            "khong-co-ai",
        ),
    ],
)
def test_add_usage_errors(
    school_repo: School, downloads: Path, capsys, args: list[str], code: ExitCode, fragment: str
) -> None:
    src = downloads / "x.pdf"
    src.write_bytes(make_pdf())
    run = cli(capsys, "add", str(src), *args)
    assert run.code == code, run.text
    assert fragment in run.err
    assert "Traceback" not in run.text
    assert list((school_repo.root / "records").iterdir()) == []


def test_add_missing_source(school_repo: School, capsys) -> None:
    run = cli(capsys, "add", "khong-co.pdf", "--type", "so-dang-bo")
    assert run.code == ExitCode.NOT_FOUND
    assert "khong-co.pdf" in run.err
