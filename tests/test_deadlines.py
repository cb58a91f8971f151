"""The school calendar (hoso.calendar), each deadline kind (hoso.deadlines) and their validation in
catalog.yml by `hoso validate-config`.

Test files: the catalog.yml of the real `hoso init --level thcs` (conftest.school_repo), edited
here line by line; the record types are read from that catalog.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import School, cli

from hoso.calendar import school_year
from hoso.config import load_config
from hoso.config.models import Calendar, CalendarYear, Deadline, RecordType
from hoso.deadlines import due, expected, hoc_ky_in, record_due, week_in

YEAR = "2024-2025"


def test_default_year_follows_the_ministrys_frame() -> None:
    sy = school_year(YEAR)
    assert (sy.opening, sy.hoc_ky_1_end, sy.end, sy.weeks) == (
        date(2024, 9, 5),
        date(2025, 1, 17),
        date(2025, 5, 30),
        35,
    )
    # 05/09/2024 is a Thursday: week 1 starts on its Monday
    assert sy.first_monday == date(2024, 9, 2)
    assert sy.week_start(1) == date(2024, 9, 2)
    assert sy.week_start(5) == date(2024, 9, 30)
    assert sy.week_of(date(2024, 9, 5)) == 1
    assert sy.week_of(date(2024, 10, 6)) == 5
    assert sy.week_of(date(2024, 8, 30)) is None
    assert sy.hoc_ky_of(date(2024, 8, 20)) == 1  # the summer before the opening plans học kỳ I
    assert sy.hoc_ky_of(date(2025, 1, 17)) == 1
    assert sy.hoc_ky_of(date(2025, 1, 18)) == 2
    assert sy.hoc_ky_of(date(2025, 6, 15)) is None
    assert sy.hoc_ky_of(date(2023, 12, 1)) is None


def test_calendar_defaults_and_a_years_own_dates() -> None:
    spec = Calendar(
        opening="03/09",
        hoc_ky_1_end="10/01",
        year_end="25/05",
        weeks=34,
        years=[
            CalendarYear(year=YEAR, opening="2024-09-06", hoc_ky_1_end="2025-01-15", year_end="2025-05-28")
        ],
    )
    own = school_year(YEAR, spec)
    assert (own.opening, own.hoc_ky_1_end, own.end, own.weeks) == (
        date(2024, 9, 6),
        date(2025, 1, 15),
        date(2025, 5, 28),
        34,
    )
    other = school_year("2025-2026", spec)
    assert (other.opening, other.hoc_ky_1_end, other.end) == (
        date(2025, 9, 3),
        date(2026, 1, 10),
        date(2026, 5, 25),
    )


def test_each_deadline_kind() -> None:
    sy = school_year(YEAR)
    assert due(Deadline(kind="sau-khai-giang", days=30), sy) == date(2024, 10, 5)
    assert due(Deadline(kind="sau-khai-giang", week=3), sy) == date(2024, 9, 15)  # before week 3
    assert due(Deadline(kind="cuoi-hoc-ky"), sy, hoc_ky=1) == date(2025, 1, 17)
    assert due(Deadline(kind="cuoi-hoc-ky"), sy, hoc_ky=2) == date(2025, 5, 30)
    assert due(Deadline(kind="cuoi-nam", days=7), sy) == date(2025, 6, 6)
    assert due(Deadline(kind="truoc-tuan"), sy, week=5) == date(2024, 9, 29)  # the Sunday before
    assert due(Deadline(kind="truoc-tuan", days=-2), sy, week=5) == date(2024, 9, 27)
    assert due(Deadline(kind="truoc-tuan"), sy, week=None) is None
    assert due(Deadline(kind="truoc-tuan"), sy, week=36) is None  # beyond the year's 35 weeks


def test_week_and_hoc_ky_from_slug_or_title() -> None:
    assert week_in("tuan-05-toan-6a") == 5
    assert week_in("bai-1", "Tuần 12 – Ngữ văn 7B") == 12
    assert week_in("ke-hoach-giao-duc-mon-toan-6") is None
    assert hoc_ky_in("so-ghi-dau-bai-6a-hk1") == 1
    assert hoc_ky_in("so-ghi-dau-bai-lop-6a-hoc-ky-2") == 2
    assert hoc_ky_in("x", "Sổ ghi đầu bài học kỳ II") == 2
    assert hoc_ky_in("so-ghi-dau-bai-6a") is None


@pytest.mark.parametrize(
    "title",
    [
        "Kế hoạch bài dạy Tuầ\u200bn 5",  # zero width space
        "Kế hoạch bài dạy Tuầ\u200dn 5",  # zero width joiner
        "Kế hoạch bài dạy Tu\u200cần 5",  # zero width non-joiner
        "Kế hoạch bài dạy Tuầ\u2060n 5",  # word joiner
        "Kế hoạch bài dạy Tu\u00adần 5",  # soft hyphen
        "Kế hoạch bài dạy \ufeffTuần\u200e 5",  # byte order mark, left-to-right mark
        "Kế hoạch bài dạy Tu\u034fần 5",  # combining grapheme joiner (a combining mark)
        "Kế hoạch bài dạy Tuầ\ufe0fn 5",  # variation selector
        "Kế hoạch bài dạy Tua\u0302\u0300n 5",  # "ầ" as a letter and two combining marks (NFD)
        "Ke\u0302\u0301 hoa\u0323ch ba\u0300i da\u0323y Tua\u0302\u0300n 5",  # a whole NFD title
        "Kế hoạch bài dạy Tuần ５",  # fullwidth digit
        "Kế hoạch bài dạy Tuần\u00a0\u200b5",  # no-break space, zero width space
    ],
)
def test_an_invisible_trick_in_a_title_hides_no_week(title: str) -> None:
    """What a reader sees decides: the week the title shows is the week hoso reads, and the title
    hoso shows is that text, without the invisible characters."""
    from hoso.deadlines import weeks_named
    from hoso.titles import clean

    assert weeks_named("tuan-35-toan-6a", title) == [35, 5]
    assert clean(title) == "Kế hoạch bài dạy Tuần 5"


def test_record_due_places_a_record(school_repo: School) -> None:
    config = load_config(school_repo.root)
    sy = school_year(YEAR)
    plan = config.catalog.type_by_id("ke-hoach-bai-day")
    book = config.catalog.type_by_id("so-ghi-dau-bai")
    assert isinstance(plan, RecordType) and isinstance(book, RecordType)
    assert record_due(plan, sy, "tuan-05-toan-6a", "", None).deadline == date(2024, 9, 29)
    assert record_due(plan, sy, "giao-an", "", None).deadline is None  # no week: no deadline
    named = record_due(book, sy, "so-ghi-dau-bai-6a-hk2", "", date(2024, 12, 1))
    assert (named.hoc_ky, named.deadline) == (2, date(2025, 5, 30))
    by_day = record_due(book, sy, "so-ghi-dau-bai-6a", "", date(2025, 2, 1))
    assert (by_day.hoc_ky, by_day.deadline) == (2, date(2025, 5, 30))


def test_a_slug_and_title_that_disagree_leave_the_deadline_undetermined(school_repo: School) -> None:
    """The file name is typed by the author, the title is what the signed PDF says: neither alone
    moves a deadline. Disagreeing, or a week outside the calendar: the earliest valid one is
    named, and the record is flagged (never silently without a deadline)."""
    config = load_config(school_repo.root)
    sy = school_year(YEAR)
    plan = config.catalog.type_by_id("ke-hoach-bai-day")
    book = config.catalog.type_by_id("so-ghi-dau-bai")
    assert isinstance(plan, RecordType) and isinstance(book, RecordType)
    agree = record_due(plan, sy, "tuan-05-toan-6a", "Kế hoạch bài dạy Tuần 5", None)
    assert (agree.week, agree.deadline, agree.problem) == (5, date(2024, 9, 29), None)
    moved = record_due(plan, sy, "tuan-35-toan-6a", "Kế hoạch bài dạy Tuần 5", None)
    assert (moved.week, moved.deadline, moved.problem, moved.named) == (
        5,
        date(2024, 9, 29),
        "tuan-khac-nhau",
        (35, 5),
    )
    outside = record_due(plan, sy, "tuan-99-toan-6a", "Kế hoạch bài dạy Tuần 5", None)
    assert (outside.week, outside.problem) == (5, "tuan-ngoai-lich")
    alone = record_due(plan, sy, "tuan-99-toan-6a", "", None)
    assert (alone.deadline, alone.problem) == (None, "tuan-ngoai-lich")
    terms = record_due(book, sy, "so-ghi-dau-bai-6a-hk2", "Sổ ghi đầu bài học kỳ I", None)
    assert (terms.hoc_ky, terms.deadline, terms.problem) == (1, date(2025, 1, 17), "hoc-ky-khac-nhau")


def test_expected_records_come_from_catalog_and_people(school_repo: School) -> None:
    config = load_config(school_repo.root)
    found = expected(config, YEAR, school_year(YEAR))
    keys = {(e.type_id, e.owner_id, e.hoc_ky) for e in found}
    # one school plan; one per tổ chuyên môn; one per teacher of the year; sổ ghi đầu bài per học kỳ
    assert ("ke-hoach-giao-duc-nha-truong", None, None) in keys
    assert ("ke-hoach-giao-duc-cua-to", "to-khoa-hoc-tu-nhien", None) in keys
    assert ("ke-hoach-giao-duc-cua-giao-vien", "pham-thi-dung", None) in keys
    assert ("so-ghi-dau-bai", None, 1) in keys and ("so-ghi-dau-bai", None, 2) in keys
    # a hiệu trưởng teaches nothing; lesson plans are never expected (no list of weeks)
    assert ("ke-hoach-giao-duc-cua-giao-vien", "tran-thi-binh", None) not in keys
    assert not any(e.type_id == "ke-hoach-bai-day" for e in found)
    # pham-thi-dung taught only in 2024-2025
    earlier = expected(config, "2023-2024", school_year("2023-2024"))
    assert not any(e.owner_id == "pham-thi-dung" for e in earlier)


# ---- catalog.yml mistakes: a line-numbered Vietnamese error, exit 3, never a traceback --------


def _line(school: School, needle: str) -> int:
    return next(i for i, line in enumerate(school.read("catalog.yml").splitlines(), 1) if needle in line)


BAD = [
    (
        "    deadline: {kind: truoc-tuan}  #",
        "    deadline: {kind: truoc-ngay}  #",
        "truoc-ngay",
        "chọn một trong",
    ),
    (
        "    deadline: {kind: cuoi-hoc-ky}  #",
        "    deadline: {kind: cuoi-hoc-ky, week: 3}  #",
        "week",
        "chỉ dùng với kind: sau-khai-giang",
    ),
    (
        "    deadline: {kind: sau-khai-giang, days: 30}  # 30",
        "    deadline: {kind: sau-khai-giang, week: 40}  # 30",
        "tuần 40",
        "chọn tuần từ 1 đến 35",
    ),
    (
        "    deadline: {kind: sau-khai-giang, days: 30}  # 30",
        "    deadline: {kind: sau-khai-giang, days: 340}  # 30",
        "ngoài năm học",
        "giảm 'days'",
    ),
    (
        "    deadline: {kind: sau-khai-giang, days: 30}  # 30",
        "    deadline: {kind: sau-khai-giang}  # 30",
        "đúng một trong hai",
        "days",
    ),
]


@pytest.mark.parametrize(("old", "new", "word", "fix"), BAD)
def test_bad_deadline_is_a_config_error(
    school_repo: School, capsys: pytest.CaptureFixture[str], old: str, new: str, word: str, fix: str
) -> None:
    school_repo.edit("catalog.yml", old, new)
    line = _line(school_repo, new.strip().split("#")[0].strip())
    run = cli(capsys, "validate-config")
    assert run.code == 3, run.text
    assert "Traceback" not in run.text
    assert f"catalog.yml:{line}: lỗi:" in run.text, run.text
    assert word in run.text and fix in run.text, run.text


def _years(year: str, opening: str) -> str:
    rest = "hoc_ky_1_end: 2025-01-17, year_end: 2025-05-30"
    return f"  years:\n    - {{year: {year}, opening: {opening}, {rest}}}"


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("  opening: 05/09", '  opening: "31/02"', ("calendar.opening", "31/02", "ví dụ 05/09")),
        ("  opening: 05/09", "  opening: 5 tháng 9", ("calendar.opening", "ngày/tháng")),
        ("  year_end: 30/05", '  year_end: "10/01"', ("khai giảng", "theo đúng thứ tự")),
        (
            "  years: []",
            _years("2024-2025", "2023-09-05"),
            ("lịch năm học 2024-2025", "05/09/2023", "01/8 – 31/7"),
        ),
        (
            "  years: []",
            _years("2024-2026", "2024-09-05"),
            ("2024-2026", "YYYY-YYYY"),
        ),
        (
            "  years: []",
            _years("2024-2025", "2024-09-31"),
            ("opening", "2024-09-31"),
        ),
    ],
)
def test_bad_calendar_is_a_config_error(
    school_repo: School, capsys: pytest.CaptureFixture[str], old: str, new: str, words: tuple[str, ...]
) -> None:
    school_repo.edit("catalog.yml", old, new)
    run = cli(capsys, "validate-config")
    assert run.code == 3, run.text
    assert "Traceback" not in run.text
    assert "catalog.yml:" in run.text
    for word in words:
        assert word in run.text, run.text


def test_errors_in_english(
    school_repo: School, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    school_repo.edit(
        "catalog.yml",
        "    deadline: {kind: sau-khai-giang, days: 30}  # 30",
        "    deadline: {kind: sau-khai-giang, week: 40}  # 30",
    )
    monkeypatch.setenv("HOSO_LANG", "en")
    run = cli(capsys, "validate-config")
    assert run.code == 3 and "week 40 is outside the school year" in run.text, run.text


def test_init_catalog_validates_with_its_calendar(
    school_repo: School, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "validate-config")
    assert run.code == 0, run.text
    config = load_config(school_repo.root)
    assert config.catalog.calendar.weeks == 35
    rt = config.catalog.type_by_id("ke-hoach-bai-day")
    assert rt is not None and rt.deadline is not None and rt.deadline.kind == "truoc-tuan"
