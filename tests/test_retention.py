"""`hoso retention`: keep-until dates, legal sources, confirmed flags, the disposal list.

Test files: conftest's `school_repo` (the real `hoso init --level thcs` catalog, whose
retention values are the shipped ones: sổ ghi đầu bài 5 năm confirmed, kế hoạch bài dạy 5 năm
not confirmed, hồ sơ sức khỏe 10 năm not confirmed, sổ cấp phát văn bằng vĩnh viễn, học bạ
trả học sinh) and `make_pdf()` (reportlab, unsigned) written at the paths below.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import School, cli, make_pdf

from hoso.ops import retention as ops

YEAR = "2020-2021"  # the school year ends 31/07/2021
DAU_BAI = f"records/{YEAR}/truong/so-ghi-dau-bai/lop-6a.pdf"  # 5 năm, confirmed → 31/07/2026
GIAO_AN = f"records/{YEAR}/gv/nguyen-van-an/ke-hoach-bai-day/tuan-01.pdf"  # 5 năm, unconfirmed
SUC_KHOE = f"records/{YEAR}/truong/ho-so-suc-khoe-hoc-sinh/kham-dinh-ky.pdf"  # 10 năm → 31/07/2031
VAN_BANG = f"records/{YEAR}/truong/so-quan-ly-cap-phat-van-bang/so-goc.pdf"  # vĩnh viễn
HOC_BA = f"records/{YEAR}/truong/hoc-ba/hoc-sinh-001.pdf"  # trả học sinh
ALL = [DAU_BAI, GIAO_AN, SUC_KHOE, VAN_BANG, HOC_BA]


@pytest.fixture
def school(school_repo: School) -> School:
    for i, rel in enumerate(ALL):
        school_repo.write(rel, make_pdf(f"Hồ sơ {i}"))
    school_repo.git("add", "-A")
    school_repo.commit("hồ sơ năm học 2020-2021")
    return school_repo


def by_path(data: dict[str, object]) -> dict[str, dict[str, object]]:
    return {r["path"]: r for r in data["records"]}  # type: ignore[attr-defined, index]


def test_library_dates_states_and_sources(school: School) -> None:
    rep = ops.report(school.root, date(2026, 7, 31))
    items = {i.path: i for i in rep.items}
    assert sorted(items) == sorted(ALL)
    assert items[DAU_BAI].until == date(2026, 7, 31)
    assert items[DAU_BAI].state == ops.KEPT  # the last day is still kept
    assert items[DAU_BAI].confirmed is True
    assert items[GIAO_AN].confirmed is False
    assert items[SUC_KHOE].until == date(2031, 7, 31)
    assert items[VAN_BANG].state == ops.FOREVER
    assert items[HOC_BA].state == ops.EVENT
    assert rep.due() == []
    later = ops.report(school.root, date(2026, 8, 1))
    assert [i.path for i in later.due()] == sorted([DAU_BAI, GIAO_AN])


def test_json_cites_source_and_confirmed(school: School, capsys) -> None:
    run = cli(capsys, "retention", "--as-of", "2026-08-01", "--format", "json")
    assert run.code == 0, run.text
    data = json.loads(run.out)
    assert data["as_of"] == "2026-08-01" and data["due_only"] is False
    rows = by_path(data)
    assert rows[DAU_BAI]["state"] == "het-han"
    assert rows[DAU_BAI]["until"] == "2026-07-31"
    assert rows[DAU_BAI]["confirmed"] is True
    assert "mục 58" in str(rows[DAU_BAI]["source"])
    assert rows[GIAO_AN]["confirmed"] is False
    assert rows[SUC_KHOE]["state"] == "con-han"
    assert rows[VAN_BANG]["keep"] == "vinh-vien" and rows[VAN_BANG]["until"] is None
    assert rows[HOC_BA]["keep"] == "tra-hoc-sinh" and rows[HOC_BA]["state"] == "su-kien"
    assert data["counts"] == {"het-han": 2, "con-han": 1, "su-kien": 1, "vinh-vien": 1, "khong-ro": 0}


def test_text_table_in_vietnamese(school: School, capsys) -> None:
    run = cli(capsys, "retention", "--as-of", "2026-07-31")
    assert run.code == 0, run.text
    assert "Bảo quản đến" in run.out and "Tình trạng" in run.out
    lines = {line.split()[-1]: line for line in run.out.splitlines() if line.strip().endswith(".pdf")}
    assert "31/07/2026" in lines[DAU_BAI] and "còn hạn" in lines[DAU_BAI] and "đã đối chiếu" in lines[DAU_BAI]
    assert "chưa đối chiếu" in lines[GIAO_AN]
    assert "vĩnh viễn" in lines[VAN_BANG]
    assert "theo sự kiện" in lines[HOC_BA] and "sau 31/07/2021" in lines[HOC_BA]
    assert "Trả cho học sinh" in run.out  # the event, in the sources table
    assert "Thông tư 08/2025/TT-BGDĐT" in run.out
    assert "5 hồ sơ trên HEAD, tính đến 31/07/2026: 0 hết hạn" in run.err
    assert "chưa đối chiếu (confirmed: false)" in run.err


@pytest.mark.parametrize(
    ("as_of", "due"),
    [("2026-07-31", []), ("2026-08-01", [DAU_BAI, GIAO_AN]), ("2031-08-01", [DAU_BAI, GIAO_AN, SUC_KHOE])],
)
def test_due_lists_only_ended_and_deletes_nothing(school: School, capsys, as_of: str, due: list[str]) -> None:
    before = school.git("ls-files", "-s").stdout
    run = cli(capsys, "retention", "--due", "--as-of", as_of, "--format", "json")
    assert run.code == 0, run.text
    data = json.loads(run.out)
    assert data["due_only"] is True
    assert sorted(by_path(data)) == sorted(due)
    assert all(r["state"] == "het-han" for r in data["records"])
    text = cli(capsys, "retention", "--due", "--as-of", as_of)
    assert text.code == 0
    listed = [line.split()[-1] for line in text.out.splitlines() if line.strip().endswith(".pdf")]
    assert sorted(listed) == sorted(due)
    if due:
        assert "Hội đồng xác định giá trị tài liệu" in text.err
        assert "không xóa" in text.err
    else:
        assert "không có hồ sơ nào hết thời hạn bảo quản" in text.err
    assert "trả học sinh" in text.err  # học bạ: returned, never on the disposal list
    # nothing deleted, nothing staged, nothing committed
    assert school.git("ls-files", "-s").stdout == before
    assert school.git("status", "--porcelain").stdout == ""
    assert all((school.root / rel).is_file() for rel in ALL)


def test_unknown_type_and_bad_date(school: School, capsys) -> None:
    rel = f"records/{YEAR}/truong/loai-khong-co/x.pdf"
    school.write(rel, make_pdf("lạ"))
    school.git("add", "-A")
    school.commit("loại lạ")
    data = json.loads(cli(capsys, "retention", "--format", "json").out)
    assert by_path(data)[rel]["state"] == "khong-ro"
    run = cli(capsys, "retention", "--as-of", "31/07/2026")
    assert run.code == 2 and "YYYY-MM-DD" in run.err


def test_english(school: School, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSO_LANG", "en")
    run = cli(capsys, "retention", "--as-of", "2026-08-01", "--due")
    assert run.code == 0
    assert "Kept until" in run.out and "2026-07-31" in run.out
    assert "disposal council" in run.err
