"""`hoso report`: the school's report upward, in every format, from a real history; the PDF
signed by the hiệu trưởng with `hoso sign` and committed through the real pre-commit hook; the
refusals (an existing record, an existing file, a year without records, a bad học kỳ).

Test files, all made at test time: the school of tests/test_timeliness.py (the real `hoso init
--level thcs`, a people.yml mapping the test PKI of tests/sigfixtures.py) with its history
(a teacher's plan approved on time through a submission branch, a lesson plan 4 days late, one
on time), plus: the tổ's plan 3 days late, signed by the tổ trưởng and the hiệu trưởng; the
tổ trưởng's own plan on time but altered after he signed it (its signature is broken); the
school's plan waiting on a submission branch, 15 days late. PDFs are drawn by conftest.make_pdf
and signed by sigfixtures.sign before the commits that bring them; the hiệu trưởng's PKCS#12
file for `hoso sign` is written from the same test PKI.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import poppler
import pytest
import sigfixtures as F
from conftest import VENV_BIN, Run, cli, make_pdf
from test_timeliness import (
    GROUP,
    GV,
    GV_NONE,
    KHGD,
    LATE,
    ON_TIME,
    TO_TRUONG,
    YEAR,
    at,
    commit,
    found_school,
    git,
    head_signed,
    pin_git,
    teacher_signed,
    write,
)

from hoso.errors import ExitCode

TODAY = "2024-11-01"
SCHOOL_NAME = "Trường THCS Thử Nghiệm"
TO_PLAN = f"records/{YEAR}/to/{GROUP}/ke-hoach-giao-duc-cua-to/ke-hoach-to-toan-tin.pdf"  # due 05/10
BROKEN = f"records/{YEAR}/gv/{TO_TRUONG}/ke-hoach-giao-duc-cua-giao-vien/ke-hoach-giao-duc-toan-9.pdf"
SCHOOL_PLAN = f"records/{YEAR}/truong/ke-hoach-giao-duc-nha-truong/ke-hoach-giao-duc-nha-truong.pdf"
KHGD_GV = "ke-hoach-giao-duc-cua-giao-vien"
COLS = (
    "required",
    "submitted",
    "approved",
    "signed",
    "on_time",
    "late",
    "missing",
    "not_due",
    "pending",
    "invalid",
)


def counts(*values: int) -> dict[str, int]:
    return dict(zip(COLS, values, strict=True))


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """test_timeliness's school and history, and the three records described above."""
    root = tmp_path_factory.mktemp("report") / "truong"
    mp = pytest.MonkeyPatch()
    pin_git(mp, root)
    p = F.pki_fixture()
    try:
        found_school(root)
        branch = f"nop/{GV}/ke-hoach-giao-duc-mon-toan-6"
        git(root, "switch", "-q", "-c", branch)
        plan = teacher_signed("Kế hoạch giáo dục môn Toán 6", "2024-09-20")
        write(root, KHGD, plan)
        commit(root, "2024-09-20T09:00:00+07:00", "Nộp kế hoạch giáo dục môn Toán 6")
        plan = F.sign(head_signed(plan, "2024-09-25"), p.hieu_truong, "Sig3", when=at("2024-09-25", 9))
        write(root, KHGD, plan)
        commit(root, "2024-09-25T09:30:00+07:00", "Ký duyệt")
        git(root, "switch", "-q", "main")
        message = f"Duyệt kế hoạch giáo dục\n\nDuyet-boi: {TO_TRUONG}"
        git(root, "merge", "-q", "--no-ff", branch, "-m", message, when="2024-09-25T10:00:00+07:00")
        own = F.sign(make_pdf("Kế hoạch giáo dục môn Toán 9"), p.to_truong, "Sig1", when=at("2024-09-30", 8))
        write(root, BROKEN, F.change_content(own))  # the text changed after he signed
        commit(root, "2024-09-30T09:00:00+07:00", "Kế hoạch giáo dục môn Toán 9")
        write(root, LATE, head_signed(teacher_signed("Kế hoạch bài dạy Tuần 5", "2024-10-02"), "2024-10-03"))
        commit(root, "2024-10-03T10:00:00+07:00", "Kế hoạch bài dạy tuần 5")
        to_plan = F.sign(
            make_pdf("Kế hoạch giáo dục tổ Toán – Tin"), p.to_truong, "Sig1", when=at("2024-10-08", 8)
        )
        write(root, TO_PLAN, F.sign(to_plan, p.hieu_truong, "Sig2", when=at("2024-10-08", 9)))
        commit(root, "2024-10-08T10:00:00+07:00", "Kế hoạch giáo dục của tổ")
        write(
            root, ON_TIME, head_signed(teacher_signed("Kế hoạch bài dạy Tuần 8", "2024-10-09"), "2024-10-10")
        )
        commit(root, "2024-10-10T10:00:00+07:00", "Kế hoạch bài dạy tuần 8")
        git(root, "switch", "-q", "-c", "nop/tran-thi-binh/ke-hoach-giao-duc-nha-truong")
        school_plan = F.sign(
            make_pdf("Kế hoạch giáo dục nhà trường"), p.hieu_truong, "Sig1", when=at("2024-10-20", 8)
        )
        write(root, SCHOOL_PLAN, school_plan)  # awaiting the seal
        commit(root, "2024-10-20T09:00:00+07:00", "Nộp kế hoạch giáo dục nhà trường")
        git(root, "switch", "-q", "main")
    finally:
        mp.undo()
    return root


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder to write reports in, as the current folder."""
    folder = tmp_path / "bao-cao"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def report(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> Run:
    return cli(capsys, "-C", str(root), "report", "--year", YEAR, "--today", TODAY, *args)


def pdf_text(path: Path) -> str:
    return poppler.run("pdftotext", "-layout", str(path), "-")


def pdffonts(path: Path) -> set[str]:
    """The embedded fonts' names, as poppler lists them (subset prefix dropped)."""
    rows = [line.split() for line in poppler.run("pdffonts", str(path)).splitlines()[2:]]
    return {row[0].split("+")[-1] for row in rows if len(row) > 4 and row[-5] == "yes"}


# ---- the numbers ---------------------------------------------------------------------------------


def test_json_counts_paths_and_indicators(history: Path, work: Path, capsys) -> None:
    run = report(capsys, history, "--format", "json")
    assert run.code == ExitCode.OK, run.text
    assert run.out.strip() == f"bao-cao-{YEAR}.json"
    data = json.loads((work / f"bao-cao-{YEAR}.json").read_text(encoding="utf-8"))
    head = git(history, "rev-parse", "HEAD").strip()
    assert (data["format"], data["version"], data["commit"], data["today"]) == ("hoso-report", 1, head, TODAY)
    assert data["school"]["name"] == SCHOOL_NAME and data["hoc_ky"] is None
    types = {line["id"]: line for line in data["types"]}
    #                                  req sub app sig on  late mis ndue pend inv
    assert types[KHGD_GV]["counts"] == counts(3, 2, 1, 1, 2, 0, 1, 0, 0, 1)
    assert types["ke-hoach-bai-day"]["counts"] == counts(0, 2, 2, 2, 1, 1, 0, 0, 0, 0)
    assert types["ke-hoach-giao-duc-cua-to"]["counts"] == counts(1, 1, 1, 1, 0, 1, 0, 0, 0, 0)
    assert types["ke-hoach-giao-duc-nha-truong"]["counts"] == counts(1, 1, 0, 0, 0, 1, 0, 0, 1, 0)
    assert types["so-ghi-dau-bai"]["counts"] == counts(2, 0, 0, 0, 0, 0, 0, 2, 0, 0)
    assert types["bao-cao"]["counts"] == counts(*[0] * 10)
    assert data["total"]["counts"] == counts(7, 6, 4, 4, 3, 3, 1, 2, 1, 1)
    groups = {line["id"]: line for line in data["groups"]}
    assert groups[GROUP]["counts"] == counts(4, 5, 4, 4, 3, 2, 1, 0, 0, 1)

    # every count is its list: record paths, or the expected slots
    khgd = types[KHGD_GV]
    assert khgd["paths"]["submitted"] == sorted([KHGD, BROKEN])
    assert khgd["paths"]["approved"] == [KHGD] and khgd["paths"]["invalid"] == [BROKEN]
    assert BROKEN not in khgd["paths"]["signed"]  # a broken signature is not a signature
    assert [s["owner"]["id"] for s in khgd["slots"]["missing"]] == [GV_NONE]
    assert khgd["slots"]["missing"][0]["deadline"] == "2024-10-05"
    filled = {s["owner"]["id"]: s["paths"] for s in khgd["slots"]["required"]}
    assert filled == {GV: [KHGD], GV_NONE: [], TO_TRUONG: [BROKEN]}
    for line in [*data["types"], *data["groups"], data["total"]]:
        for column, n in line["counts"].items():
            listed = line["paths"].get(column, line["slots"].get(column))
            assert len(listed) == n, (line["id"], column)
    assert types["ke-hoach-giao-duc-nha-truong"]["paths"]["pending"] == [SCHOOL_PLAN]
    records = {r["path"]: r for r in data["records"]}
    assert (
        records[SCHOOL_PLAN]["in_commit"] is False and records[SCHOOL_PLAN]["timeliness"]["days_late"] == 15
    )
    assert records[BROKEN]["status"] == "khong-hop-le" and records[BROKEN]["signed"] is False
    assert records[TO_PLAN]["timeliness"]["days_late"] == 3

    # 4 hồ sơ chuyên môn owed (3 teachers' plans, the tổ's plan); the broken one is not signed
    indicators = {i["id"]: i for i in data["indicators"]}
    assert {k: (i["numerator"], i["denominator"], i["value"]) for k, i in indicators.items()} == {
        "ky-so": (2, 4, 0.5),
        "da-duyet": (2, 4, 0.5),
        "dung-han": (2, 4, 0.5),
    }
    assert indicators["ky-so"]["numerator_paths"] == sorted([KHGD, TO_PLAN])
    assert indicators["dung-han"]["numerator_paths"] == sorted([KHGD, BROKEN])
    assert "Hồ sơ chuyên môn đã số hóa và ký số: 50,0 % (2/4)" in run.err


def test_hoc_ky_limits_records_and_slots(history: Path, work: Path, capsys) -> None:
    run = report(capsys, history, "--hoc-ky", "2", "--format", "json")
    assert run.code == ExitCode.OK, run.text
    data = json.loads((work / f"bao-cao-{YEAR}-hk2.json").read_text(encoding="utf-8"))
    assert data["hoc_ky"] == 2 and data["records"] == []  # everything so far was due in học kỳ I
    assert data["total"]["counts"] == counts(1, 0, 0, 0, 0, 0, 0, 1, 0, 0)  # the sổ ghi đầu bài of HK II
    assert [i["value"] for i in data["indicators"]] == [None, None, None]
    run = report(capsys, history, "--hoc-ky", "1", "--format", "json")
    data = json.loads((work / f"bao-cao-{YEAR}-hk1.json").read_text(encoding="utf-8"))
    assert data["total"]["counts"] == counts(6, 6, 4, 4, 3, 3, 1, 1, 1, 1)


def test_csv_one_file_with_a_table_column(history: Path, work: Path, capsys) -> None:
    run = report(capsys, history, "--out", "so-lieu.csv")
    assert run.code == ExitCode.OK, run.text
    raw = (work / "so-lieu.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the Vietnamese only with the BOM
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    head = rows[0]
    assert head[:5] == ["Bảng", "Mã", "Tên", "Phải nộp", "Đã nộp"] and head[-3:] == [
        "Đạt",
        "Trên tổng số",
        "Tỷ lệ",
    ]
    by = {(r[0], r[1]): r for r in rows[1:]}
    assert by[("thong-tin", "commit")][2] == git(history, "rev-parse", "HEAD").strip()
    assert by[("loai", KHGD_GV)][2:13] == [
        "Kế hoạch giáo dục của giáo viên",
        "3",
        "2",
        "1",
        "1",
        "2",
        "0",
        "1",
        "0",
        "0",
        "1",
    ]
    assert by[("to", GROUP)][3:13] == ["4", "5", "4", "4", "3", "2", "1", "0", "0", "1"]
    assert by[("tong", "tong")][3:13] == ["7", "6", "4", "4", "3", "3", "1", "2", "1", "1"]
    assert by[("chi-so", "ky-so")][-3:] == ["2", "4", "50.0"]


def test_xlsx_one_sheet_per_table(history: Path, work: Path, capsys) -> None:
    import openpyxl

    run = report(capsys, history, "--format", "xlsx", "--out", "bao-cao.xlsx")
    assert run.code == ExitCode.OK, run.text
    book = openpyxl.load_workbook(work / "bao-cao.xlsx")
    assert book.sheetnames == ["Báo cáo", "Theo loại hồ sơ", "Theo tổ", "Hồ sơ"]
    types = {row[0]: row for row in book["Theo loại hồ sơ"].iter_rows(min_row=2, values_only=True)}
    assert types[KHGD_GV][1:] == ("Kế hoạch giáo dục của giáo viên", 3, 2, 1, 1, 2, 0, 1, 0, 0, 1)
    assert types["tong"][2:] == (7, 6, 4, 4, 3, 3, 1, 2, 1, 1)
    groups = {row[0]: row for row in book["Theo tổ"].iter_rows(min_row=2, values_only=True)}
    assert groups[GROUP][1:4] == ("Tổ Toán – Tin", 4, 5)
    info = [row for row in book["Báo cáo"].iter_rows(values_only=True) if row[0] == "ky-so"]
    assert info[0][2:] == (2, 4, 0.5)
    paths = [row[0] for row in book["Hồ sơ"].iter_rows(min_row=2, values_only=True)]
    assert sorted(paths) == sorted([KHGD, BROKEN, LATE, ON_TIME, TO_PLAN, SCHOOL_PLAN])
    assert report(capsys, history, "--out", "lan-hai.xlsx").code == ExitCode.OK
    assert (work / "lan-hai.xlsx").read_bytes() == (work / "bao-cao.xlsx").read_bytes()  # no clock inside


def test_pdf_vietnamese_reproducible_and_room_to_sign(history: Path, work: Path, capsys) -> None:
    from pypdf import PdfReader

    from hoso.pdf.placement import place

    run = report(capsys, history)
    assert run.code == ExitCode.OK, run.text
    path = work / f"bao-cao-{YEAR}.pdf"
    data = path.read_bytes()
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata is not None and SCHOOL_NAME in str(reader.metadata.title)
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.1)  # A4
    text = pdf_text(path)
    expected = [SCHOOL_NAME.upper(), "BÁO CÁO", "Kính gửi: Phòng", "Kế hoạch giáo dục của giáo viên"]
    expected += ["Hồ sơ chuyên môn đã số hóa và ký số", "50,0 %", "Tổ Toán – Tin", "HIỆU TRƯỞNG"]
    expected += ["ngày 01 tháng 11 năm 2024", git(history, "rev-parse", "HEAD").strip()[:10]]
    for words in expected:
        assert words in text, words
    fonts = pdffonts(path)
    assert "DejaVuSans" in fonts and "DejaVuSans-Bold" in fonts  # embedded subsets: Vietnamese anywhere
    # the first visible signature lands on blank paper right under "HIỆU TRƯỞNG"
    box = place(data)
    assert box.page == len(reader.pages) - 1 and box.box == (339, 36, 559, 106)

    again = report(capsys, history, "--out", "lan-hai.pdf")
    assert again.code == ExitCode.OK
    assert (work / "lan-hai.pdf").read_bytes() == data  # same commit and day: same bytes


def test_english(history: Path, work: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("HOSO_LANG", "en")
    run = report(capsys, history, "--format", "csv")
    assert run.code == ExitCode.OK, run.text
    assert "wrote bao-cao-2024-2025.csv" in run.err and "Required" in (
        work / "bao-cao-2024-2025.csv"
    ).read_text(encoding="utf-8-sig")


# ---- refusals ----------------------------------------------------------------------------------------


def test_never_over_a_record_nor_an_existing_file_without_force(
    history: Path, work: Path, tmp_path: Path, capsys
) -> None:
    record = history / LATE
    before = record.read_bytes()
    for out in (str(record), str(history / "records" / YEAR / "bao-cao.pdf")):
        for extra in ((), ("--force",)):
            run = report(capsys, history, "--out", out, *extra)
            assert run.code == ExitCode.USAGE and "records/" in run.err and "hoso sign" in run.err, run.text
    link = work / "lien-ket.pdf"  # a name here that leads into records/
    link.symlink_to(record)
    run = report(capsys, history, "--out", "lien-ket.pdf", "--force")
    assert run.code == ExitCode.USAGE and "records/" in run.err, run.text
    link.unlink()
    assert record.read_bytes() == before and not (history / "records" / YEAR / "bao-cao.pdf").exists()

    outside = tmp_path / "noi-khac" / "bao-cao.pdf"  # another folder (a desktop, a USB stick)
    outside.parent.mkdir()
    assert report(capsys, history, "--out", str(outside)).code == ExitCode.OK
    assert outside.read_bytes().startswith(b"%PDF")

    existing = work / "cu.pdf"
    existing.write_bytes(b"ban cu")
    run = report(capsys, history, "--out", "cu.pdf")
    assert run.code == ExitCode.EXISTS and "cu.pdf" in run.err and "--force" in run.err
    assert existing.read_bytes() == b"ban cu"
    assert report(capsys, history, "--out", "cu.pdf", "--force").code == ExitCode.OK
    assert existing.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in work.iterdir()) == ["cu.pdf"]  # no temporary file left


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (("--year", "2030-2031"), ExitCode.NOT_FOUND, "năm học 2030-2031 không có hồ sơ nào"),
        (("--year", "2024"), ExitCode.USAGE, "'2024' không phải năm học"),
        (("--year", YEAR, "--hoc-ky", "3"), ExitCode.USAGE, "--hoc-ky"),
        (("--year", YEAR, "--today", "01/11/2024"), ExitCode.USAGE, "01/11/2024"),
        (("--year", YEAR, "--out", "khong-co/bao-cao.pdf"), ExitCode.USAGE, "thư mục"),
        (("--year", YEAR, "--out", "/proc/bao-cao.pdf", "--force"), ExitCode.FAILED, "/proc/bao-cao.pdf"),
    ],
)
def test_bad_input_is_said_cleanly(history: Path, work: Path, capsys, args, code, needle) -> None:
    run = cli(capsys, "-C", str(history), "report", *args)
    assert run.code == code and needle in run.err, run.text
    assert "Traceback" not in run.text and "Error" not in run.text
    assert list(work.iterdir()) == []
    if code == ExitCode.NOT_FOUND:
        assert YEAR in run.err  # the years that have records are named


# ---- the whole loop: sign, place, commit through the hook ----------------------------------------------


def _principal_p12(folder: Path) -> Path:
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    p = F.pki_fixture()
    data = pkcs12.serialize_key_and_certificates(
        b"hieu-truong",
        p.hieu_truong.key,
        p.hieu_truong.cert,
        [p.inter.cert],
        BestAvailableEncryption(b"mat-khau"),
    )
    path = folder / "hieu-truong.p12"
    path.write_bytes(data)
    return path


def test_signed_report_is_committed_through_the_hook(
    history: Path, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hoso.commands.init import precommit_text

    school = tmp_path / "truong"
    git(tmp_path, "clone", "-q", str(history), str(school))
    for name in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):  # the report reaches the school now
        monkeypatch.delenv(name)
    (school / ".pre-commit-config.yaml").write_text(precommit_text("system"), encoding="utf-8")
    git(school, "commit", "-q", "--no-verify", "-am", "pre-commit: hoso trên máy")
    proc = subprocess.run(
        [str(VENV_BIN / "pre-commit"), "install"], cwd=school, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    monkeypatch.chdir(school)

    run = report(capsys, school)
    assert run.code == ExitCode.OK, run.text
    name = f"bao-cao-{YEAR}.pdf"
    assert "hoso sign" in run.err and "--type bao-cao" in run.err
    unsigned = cli(capsys, "add", name, "--type", "bao-cao", "--year", YEAR)
    assert unsigned.code == ExitCode.UNSIGNED, unsigned.text  # main takes it only once signed
    monkeypatch.setenv("HOSO_P12_PASSPHRASE", "mat-khau")
    signed = cli(
        capsys, "sign", name, "--role", "hieu-truong", "--p12", str(_principal_p12(tmp_path)), "--visible"
    )
    assert signed.code == ExitCode.OK, signed.text
    assert "Trần Thị Bình" in pdf_text(school / name)  # the appearance names the signer
    added = cli(capsys, "add", name, "--type", "bao-cao", "--year", YEAR)
    assert added.code == ExitCode.OK, added.text
    rel = f"records/{YEAR}/truong/bao-cao/bao-cao-{YEAR}.pdf"
    assert added.out.strip() == rel
    proc = subprocess.run(
        ["git", "commit", "-m", "Báo cáo năm học"], cwd=school, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "hoso check" in proc.stderr and "Passed" in proc.stderr  # the hook judged the signed report
    assert rel in git(school, "ls-tree", "-r", "--name-only", "HEAD")

    after = report(capsys, school, "--format", "json", "--out", "sau.json")
    assert after.code == ExitCode.OK, after.text
    data = json.loads((school / "sau.json").read_text(encoding="utf-8"))
    bao_cao = next(line for line in data["types"] if line["id"] == "bao-cao")
    assert bao_cao["paths"]["approved"] == [rel] and bao_cao["paths"]["signed"] == [rel]
    os.unlink(school / "sau.json")
