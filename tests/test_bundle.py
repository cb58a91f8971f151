"""`hoso bundle`: one PDF of a school year's records for printing and binding.

Built from a copy of the demo school (catalog.yml, people.yml, locks.yml, trust/, records/ of
this repository) committed in a temporary git repository, then read back with pypdf and with
poppler (pdfinfo, pdftotext, pdftoppm). A missing poppler tool fails the test.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import poppler as P
import pytest
from conftest import REPO_ROOT, cli, encrypted_pdf, make_pdf, run_subprocess, truncated_pdf

YEAR = "2024-2025"
PRINT_DATE = "2025-06-05"
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
STATUS_WORDS = ("Đã duyệt", "Chờ duyệt", "Không hợp lệ")
TOC_ROW = re.compile(r"^\s*(\d+)\.\s+.*?(Đã duyệt|Chờ duyệt|Không hợp lệ)\s+(\d+|—)\s*$")


poppler = P.run


def page_text(pdf: Path, page: int, layout: bool = False) -> str:
    return poppler(
        "pdftotext", *(["-layout"] if layout else []), "-f", str(page), "-l", str(page), str(pdf), "-"
    )


def git_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "HOSO_"))}
    env.update(
        {
            "HOME": str(home),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
            "GIT_AUTHOR_NAME": "Trần Thị Bình",
            "GIT_AUTHOR_EMAIL": "hieutruong@example.edu.vn",
            "GIT_AUTHOR_DATE": "2025-06-01T08:00:00+07:00",
            "GIT_COMMITTER_NAME": "Trần Thị Bình",
            "GIT_COMMITTER_EMAIL": "hieutruong@example.edu.vn",
            "GIT_COMMITTER_DATE": "2025-06-01T08:00:00+07:00",
        }
    )
    return env


def sh(root: Path, env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, check=True, timeout=120)
    return proc.stdout.decode()


def blob_hashes(root: Path, env: dict[str, str]) -> dict[str, str]:
    """sha256 of every committed record blob and of every work-tree record file."""
    found: dict[str, str] = {}
    for line in sh(root, env, "ls-tree", "-r", "HEAD", "records").splitlines():
        meta, path = line.split("\t", 1)
        data = subprocess.run(
            ["git", "cat-file", "blob", meta.split()[2]], cwd=root, env=env, capture_output=True, check=True
        ).stdout
        found["blob:" + path] = hashlib.sha256(data).hexdigest()
        found["file:" + path] = hashlib.sha256((root / path).read_bytes()).hexdigest()
    return found


@dataclass
class Demo:
    root: Path
    env: dict[str, str]
    commit: str
    pdf: Path  # the bundle of the whole year 2024-2025
    run: subprocess.CompletedProcess[str]
    before: dict[str, str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    base = tmp_path_factory.mktemp("bundle")
    home = base / "home"
    home.mkdir()
    env = git_env(home)
    root = base / "truong"
    root.mkdir()
    for name in ("catalog.yml", "people.yml", "locks.yml"):
        shutil.copy2(REPO_ROOT / name, root / name)
    shutil.copytree(REPO_ROOT / "trust", root / "trust")
    shutil.copytree(REPO_ROOT / "records", root / "records")
    sh(root, env, "init", "-q", "-b", "main")
    sh(root, env, "add", "-A")
    sh(root, env, "commit", "-q", "--no-verify", "-m", "trường mẫu")
    commit = sh(root, env, "rev-parse", "HEAD").strip()
    before = blob_hashes(root, env)
    out = base / "so-2024-2025.pdf"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "hoso",
            "bundle",
            "--year",
            YEAR,
            "--out",
            str(out),
            "--print-date",
            PRINT_DATE,
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    yield Demo(root, env, commit, out, run, before)


def expected_records(demo: Demo, type_id: str | None = None) -> list[tuple[str, int]]:
    """(path, page count) of the year's records in bundle order: catalog type order, owner, path."""
    from pypdf import PdfReader
    from ruamel.yaml import YAML

    catalog = YAML(typ="safe").load((demo.root / "catalog.yml").read_text(encoding="utf-8"))
    order = {rt["id"]: i for i, rt in enumerate(catalog["record_types"])}
    rows = []
    for path in sh(demo.root, demo.env, "ls-tree", "-r", "--name-only", "HEAD", f"records/{YEAR}").split(
        "\n"
    ):
        if not path:
            continue
        parts = path.split("/")
        type_id_of, owner = parts[-2], (parts[3] if parts[2] != "truong" else "")
        if type_id is not None and type_id_of != type_id:
            continue
        data = subprocess.run(
            ["git", "show", f"HEAD:{path}"], cwd=demo.root, env=demo.env, capture_output=True, check=True
        ).stdout
        rows.append(((order[type_id_of], owner, path), path, len(PdfReader(io.BytesIO(data)).pages)))
    rows.sort()
    return [(path, pages) for _, path, pages in rows]


def toc_pages(pdf: Path) -> list[int]:
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    found = []
    for n in range(2, len(reader.pages) + 1):
        if "MỤC LỤC" not in (reader.pages[n - 1].extract_text() or ""):
            break
        found.append(n)
    return found


def test_year_bundle_structure_and_page_numbers(demo: Demo) -> None:
    from pypdf import PdfReader

    assert demo.run.returncode == 0, demo.run.stderr
    assert "Traceback" not in demo.run.stderr
    assert "đã ghi" in demo.run.stderr
    records = expected_records(demo)
    assert len(records) >= 30
    toc = toc_pages(demo.pdf)
    assert toc and toc == list(range(2, 2 + len(toc)))
    total = 1 + len(toc) + sum(pages for _, pages in records)

    reader = PdfReader(str(demo.pdf))
    assert not reader.is_encrypted
    assert len(reader.pages) == total
    info = poppler("pdfinfo", str(demo.pdf))
    assert re.search(rf"^Pages:\s+{total}$", info, re.M), info
    assert "Form:            none" in info  # no signature fields in the copy: it is not signed

    # the table of contents: every record, in order, with its status and first page
    rows = []
    for n in toc:
        for line in page_text(demo.pdf, n, layout=True).splitlines():
            m = TOC_ROW.match(line)
            if m:
                rows.append((int(m.group(1)), m.group(2), m.group(3)))
    assert [r[0] for r in rows] == list(range(1, len(records) + 1))
    toc_text = "".join("".join(page_text(demo.pdf, n).split()) for n in toc)
    start = 1 + len(toc) + 1
    for (number, status, page), (path, pages) in zip(rows, records, strict=True):
        assert path in toc_text, path
        assert status == "Đã duyệt", (number, path)  # every record of the demo school is approved
        assert page == str(start), (number, path, page, start)
        # the footer of the record's first page names it, its version, its page 1/N, the bundle page
        footer = page_text(demo.pdf, start)
        assert path in footer, (path, footer[-400:])
        assert f"trang 1/{pages}" in footer
        assert "Đã duyệt" in footer and "phiên bản " in footer
        assert re.search(rf"^{start}$", footer, re.M), footer[-300:]
        start += pages
    assert start == total + 1


def test_cover_and_footers_speak_vietnamese(demo: Demo) -> None:
    cover = page_text(demo.pdf, 1)
    assert "Trường THCS Hòa Bình" in cover
    assert "Ngày in: 05/06/2025" in cover
    assert "Năm học 2024-2025" in cover
    assert "Bản in từ hồ sơ điện tử — không phải bản gốc có chữ ký số" in cover
    flat = "".join(cover.split())
    assert f"@{demo.commit}" in flat
    assert str(demo.root).replace(" ", "") in flat
    assert "Đã duyệt" in cover
    last = page_text(demo.pdf, int(poppler("pdfinfo", str(demo.pdf)).split("Pages:")[1].split()[0]))
    assert "trang " in last and "Đã duyệt" in last and "không phải bản gốc" in last


def test_poppler_renders_and_artifacts(demo: Demo) -> None:
    out = demo.pdf.parent / "png"
    out.mkdir(exist_ok=True)
    poppler("pdftoppm", "-r", "30", "-f", "1", "-l", "4", "-png", str(demo.pdf), str(out / "p"))
    assert len(list(out.glob("p-*.png"))) == 4
    # a cover and a stamped page to look at (tests/artifacts/ is git-ignored)
    ARTIFACTS.mkdir(exist_ok=True)
    first_record = toc_pages(demo.pdf)[-1] + 1
    poppler(
        "pdftoppm",
        "-r",
        "80",
        "-f",
        "1",
        "-l",
        "1",
        "-png",
        "-singlefile",
        str(demo.pdf),
        str(ARTIFACTS / "bundle-cover"),
    )
    poppler(
        "pdftoppm", "-r", "80", "-f", str(first_record), "-l", str(first_record), "-png", "-singlefile",
        str(demo.pdf), str(ARTIFACTS / "bundle-page"),
    )  # fmt: skip
    assert (ARTIFACTS / "bundle-cover.png").stat().st_size > 0
    assert (ARTIFACTS / "bundle-page.png").stat().st_size > 0


def test_originals_untouched(demo: Demo) -> None:
    assert demo.run.returncode == 0
    assert blob_hashes(demo.root, demo.env) == demo.before
    assert sh(demo.root, demo.env, "status", "--porcelain", "--untracked-files=all") == ""


def test_one_type_and_owner_deterministic(
    demo: Demo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from pypdf import PdfReader

    root = str(demo.root)
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    args = ["bundle", "-C", root, "--year", YEAR, "--type", "ke-hoach-bai-day", "--print-date", PRINT_DATE]
    assert cli(capsys, *args, "--out", str(a)).code == 0
    assert cli(capsys, *args, "--out", str(b)).code == 0
    assert a.read_bytes() == b.read_bytes()
    records = expected_records(demo, "ke-hoach-bai-day")
    reader = PdfReader(str(a))
    assert len(reader.pages) == 1 + 1 + sum(p for _, p in records)
    cover = page_text(a, 1)
    assert "KẾ HOẠCH BÀI DẠY" in cover and "Ngày in: 05/06/2025" in cover
    toc = "".join(page_text(a, 2).split())
    assert all(path in toc for path, _ in records)

    one = tmp_path / "an.pdf"
    run = cli(capsys, *args, "--owner", "nguyen-van-an", "--out", str(one))
    assert run.code == 0, run.text
    mine = [r for r in records if "/gv/nguyen-van-an/" in r[0]]
    assert mine and len(PdfReader(str(one)).pages) == 2 + sum(p for _, p in mine)
    assert "Nguyễn Văn An" in page_text(one, 1)


@pytest.mark.parametrize(
    ("extra", "code", "words"),
    [
        (["--type", "khong-co-loai-nay"], 10, "không có trong catalog.yml"),
        (["--owner", "khong-co-ai"], 10, "không phải mã người hay mã tổ"),
        (["--type", "so-dang-bo", "--owner", "nguyen-van-an"], 10, "không có hồ sơ nào khớp"),
        (["--print-date", "05/06/2025"], 2, "không phải ngày"),
    ],
)
def test_errors_are_clear_and_write_nothing(
    demo: Demo, capsys: pytest.CaptureFixture[str], tmp_path: Path, extra: list[str], code: int, words: str
) -> None:
    out = tmp_path / "x.pdf"
    run = cli(capsys, "bundle", "-C", str(demo.root), "--year", YEAR, "--out", str(out), *extra)
    assert run.code == code, run.text
    assert words in run.err
    assert "Traceback" not in run.text
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("year", "code"), [("2030-2031", 10), ("2024", 2)])
def test_unknown_year(
    demo: Demo, capsys: pytest.CaptureFixture[str], tmp_path: Path, year: str, code: int
) -> None:
    out = tmp_path / "x.pdf"
    run = cli(capsys, "bundle", "-C", str(demo.root), "--year", year, "--out", str(out))
    assert run.code == code, run.text
    assert "năm học" in run.err and "Traceback" not in run.text
    assert not out.exists()


def test_empty_selection_subprocess_has_no_traceback(demo: Demo, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    args = ["bundle", "--year", "2023-2024", "--type", "so-chu-nhiem", "--owner", "truong", "--out", str(out)]
    run = run_subprocess(args, demo.root, demo.env)
    assert run.code != 0
    assert "không có hồ sơ nào khớp" in run.err and "Traceback" not in run.err
    assert not out.exists()


def test_not_into_records(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    out = demo.root / "records" / "so.pdf"
    run = cli(capsys, "bundle", "-C", str(demo.root), "--year", YEAR, "--out", str(out))
    assert run.code == 2 and "records/" in run.err
    assert not out.exists()


def rotated_cropped_pdf() -> bytes:
    """make_pdf() turned a quarter (/Rotate 90) with a crop box around its text."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import RectangleObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf("Trang xoay ngang – Toán 6A"))))
    page = writer.pages[0]
    page.cropbox = RectangleObject((40, 600, 560, 830))
    page.rotation = 90
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_rotated_cropped_encrypted_broken(
    demo: Demo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from pypdf import PdfReader

    root = tmp_path / "truong"
    shutil.copytree(demo.root, root)
    folder = root / "records" / YEAR / "gv" / "nguyen-van-an" / "ke-hoach-bai-day"
    files = {
        "xoay.pdf": rotated_cropped_pdf(),
        "ma-hoa.pdf": encrypted_pdf(),
        "hong.pdf": truncated_pdf(),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    sh(root, demo.env, "add", "-A")
    sh(root, demo.env, "commit", "-q", "--no-verify", "-m", "tệp thử: xoay, mã hóa, hỏng")
    before = blob_hashes(root, demo.env)
    out = tmp_path / "so.pdf"
    run = cli(
        capsys, "bundle", "-C", str(root), "--year", YEAR, "--type", "ke-hoach-bai-day",
        "--owner", "nguyen-van-an", "--print-date", PRINT_DATE, "--out", str(out),
    )  # fmt: skip
    assert run.code == 0, run.text
    assert "Traceback" not in run.text
    assert "ma-hoa.pdf" in run.err and "bị mã hóa" in run.err

    reader = PdfReader(str(out))
    toc = page_text(out, 2, layout=True)
    flat = "".join(toc.split())
    assert "khôngin:tệpPDFbịmãhóa" in flat
    for name in files:
        assert name in flat
    # the rotated, cropped page is upright, as large as its crop box turned, and its text kept
    printed = [p for p in range(3, len(reader.pages) + 1) if "xoay.pdf" in page_text(out, p)]
    assert len(printed) == 1
    page = reader.pages[printed[0] - 1]
    assert page.rotation == 0
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (230, 520)
    assert "Trang xoay ngang" in page_text(out, printed[0])
    statuses = [m.group(2) for line in toc.splitlines() if (m := TOC_ROW.match(line))]
    assert "Không hợp lệ" in statuses and "Chờ duyệt" in statuses
    # hong.pdf: printed if pypdf can still read it, else left out with a note: never a crash
    assert blob_hashes(root, demo.env) == before
