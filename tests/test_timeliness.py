"""Timeliness from history: on time, late, missing and not yet due, on the built site, in index.json
(validated against its JSON Schema) and through the library API; and a submitter who backdates
a commit, caught by the server's push log.

Test files, all made at test time: the school from the real `hoso init --level thcs`, a
people.yml mapping the test PKI of tests/sigfixtures.py (teacher, tổ trưởng, hiệu trưởng) plus a
teacher with no record; PDFs drawn by conftest.make_pdf and signed by sigfixtures.sign with
signing times before the commits that bring them. Commits are placed in time with
GIT_AUTHOR_DATE / GIT_COMMITTER_DATE; the push log's times are the server hook's real clock.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sigfixtures as F
from conftest import VENV_BIN, make_pdf, run_subprocess

from hoso import timeliness
from hoso.cli import main
from hoso.config import load_config
from hoso.site import index_json, pages
from hoso.site.model import collect
from hoso.trail import VN_TIME

YEAR = "2024-2025"
TODAY = "2024-11-01"
GV, GV_NONE, TO_TRUONG, HIEU_TRUONG = "nguyen-van-an", "pham-thi-dung", "le-van-cuong", "tran-thi-binh"
GROUP = "toan-tin"
KHGD = f"records/{YEAR}/gv/{GV}/ke-hoach-giao-duc-cua-giao-vien/ke-hoach-giao-duc-mon-toan-6.pdf"
LATE = f"records/{YEAR}/gv/{GV}/ke-hoach-bai-day/tuan-05-toan-6a.pdf"  # due 29/09/2024
ON_TIME = f"records/{YEAR}/gv/{GV}/ke-hoach-bai-day/tuan-08-toan-6a.pdf"  # due 20/10/2024


def people_yml() -> str:
    p = F.pki_fixture()

    def person(pid: str, name: str, fp: str, roles: str) -> str:
        return (
            f'  - id: {pid}\n    name: {name}\n    certificates:\n      - sha256: "{fp}"\n    roles:\n{roles}'
        )

    teaches = f"      - role: giao-vien\n        group: {GROUP}\n        from: 2015-08-15\n"
    return (
        f"version: 1\ngroups:\n  - id: {GROUP}\n    name: Tổ Toán – Tin\npeople:\n"
        + person(GV, "Nguyễn Văn An", p.teacher.fingerprint, teaches)
        + person(
            GV_NONE,
            "Phạm Thị Dung",
            p.expired.fingerprint,
            teaches.replace("2015-08-15", "2024-08-15") + "        until: 2025-07-31\n",
        )
        + person(
            TO_TRUONG,
            "Lê Văn Cường",
            p.to_truong.fingerprint,
            f"      - role: to-truong\n        group: {GROUP}\n        from: 2021-08-15\n",
        )
        + person(
            HIEU_TRUONG,
            "Trần Thị Bình",
            p.hieu_truong.fingerprint,
            "      - role: hieu-truong\n        from: 2018-08-01\n",
        )
        + f'seal:\n  name: Trường THCS Thử Nghiệm\n  certificates:\n    - sha256: "{p.seal.fingerprint}"\n'
    )


def git(root: Path, *args: str, when: str | None = None) -> str:
    env = dict(os.environ)
    if when:
        env.update({"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when})
    proc = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def write(root: Path, rel: str, data: bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def commit(root: Path, when: str, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", message, when=when)


def at(day: str, hour: int) -> datetime:
    """A signing time: naive, Vietnam time (as sigfixtures.sign takes it)."""
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00")


def teacher_signed(title: str, day: str) -> bytes:
    return F.sign(make_pdf(title), F.pki_fixture().teacher, "Sig1-giao-vien", when=at(day, 8))


def head_signed(data: bytes, day: str) -> bytes:
    return F.sign(data, F.pki_fixture().to_truong, "Sig2-to-truong", when=at(day, 8))


def found_school(root: Path) -> None:
    assert main(["init", str(root), "--level", "thcs", "--name", "Trường THCS Thử Nghiệm"]) == 0
    (root / "people.yml").write_text(people_yml(), encoding="utf-8")
    (root / "trust" / "test-root.pem").write_bytes(F.pki_fixture().trust[0])
    commit(root, "2024-08-20T08:00:00+07:00", "Khởi tạo kho hồ sơ")


def pin_git(mp: pytest.MonkeyPatch, root: Path) -> None:
    """The office's git identity and configuration only, whatever the machine's."""
    for name, value in {
        "GIT_AUTHOR_NAME": "Văn Thư",
        "GIT_AUTHOR_EMAIL": "vanthu@example.edu.vn",
        "GIT_COMMITTER_NAME": "Văn Thư",
        "GIT_COMMITTER_EMAIL": "vanthu@example.edu.vn",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": str(root.parent / "gitconfig"),
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "init.defaultBranch",
        "GIT_CONFIG_VALUE_0": "main",
    }.items():
        mp.setenv(name, value)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A school whose 2024-2025 holds: the teacher's kế hoạch giáo dục submitted on a submission
    branch 20/09 and approved by a merge 25/09 (due 05/10: on time); the week-5 lesson plan
    committed 03/10 (due 29/09: 4 days late); the week-8 plan committed 10/10 (due 20/10)."""
    root = tmp_path_factory.mktemp("timely") / "truong"
    mp = pytest.MonkeyPatch()
    pin_git(mp, root)
    try:
        found_school(root)
        git(root, "switch", "-q", "-c", f"nop/{GV}/ke-hoach-giao-duc-mon-toan-6")
        plan = teacher_signed("Kế hoạch giáo dục môn Toán 6", "2024-09-20")
        write(root, KHGD, plan)
        commit(root, "2024-09-20T09:00:00+07:00", "Nộp kế hoạch giáo dục môn Toán 6")
        plan = F.sign(
            head_signed(plan, "2024-09-25"), F.pki_fixture().hieu_truong, "Sig3", when=at("2024-09-25", 9)
        )
        write(root, KHGD, plan)
        commit(root, "2024-09-25T09:30:00+07:00", "Ký duyệt")
        git(root, "switch", "-q", "main")
        git(
            root,
            "merge",
            "-q",
            "--no-ff",
            f"nop/{GV}/ke-hoach-giao-duc-mon-toan-6",
            "-m",
            f"Duyệt kế hoạch giáo dục\n\nDuyet-boi: {TO_TRUONG}",
            when="2024-09-25T10:00:00+07:00",
        )
        write(root, LATE, head_signed(teacher_signed("Kế hoạch bài dạy Tuần 5", "2024-10-02"), "2024-10-03"))
        commit(root, "2024-10-03T10:00:00+07:00", "Kế hoạch bài dạy tuần 5")
        write(
            root, ON_TIME, head_signed(teacher_signed("Kế hoạch bài dạy Tuần 8", "2024-10-09"), "2024-10-10")
        )
        commit(root, "2024-10-10T10:00:00+07:00", "Kế hoạch bài dạy tuần 8")
    finally:
        mp.undo()
    return root


# ---- the library API ----------------------------------------------------------------------------


def test_compute_rows_missing_and_counts(history: Path) -> None:
    config = load_config(history)
    found = timeliness.compute(history, "HEAD", config, today=date.fromisoformat(TODAY))
    plan, late, on_time = found.by_path[KHGD], found.by_path[LATE], found.by_path[ON_TIME]
    assert plan.as_json() == {
        "deadline": "2024-10-05",
        "submitted": "2024-09-20T09:00:00+07:00",
        "submitted_source": "commit",
        "approved": "2024-09-25T10:00:00+07:00",
        "approved_source": "commit",
        "state": "dung-han",
        "days_late": None,
        "reason": None,
    }
    assert (late.deadline, late.state, late.days_late, late.week) == (date(2024, 9, 29), "tre-han", 4, 5)
    assert late.approved is not None and late.approved.time == "2024-10-03T10:00:00+07:00"
    assert (on_time.state, on_time.deadline) == ("dung-han", date(2024, 10, 20))
    missing = {(s.expected.type_id, s.expected.owner_id): s.days_overdue for s in found.missing}
    assert missing == {
        ("ke-hoach-giao-duc-cua-giao-vien", GV_NONE): 27,
        ("ke-hoach-giao-duc-cua-giao-vien", TO_TRUONG): 27,
        ("ke-hoach-giao-duc-cua-to", GROUP): 27,
        ("ke-hoach-giao-duc-nha-truong", None): 27,
    }
    assert {(s.expected.type_id, s.expected.hoc_ky) for s in found.upcoming} == {
        ("so-ghi-dau-bai", 1),
        ("so-ghi-dau-bai", 2),
    }
    assert found.year_counts(YEAR) == {
        "dung-han": 2,
        "tre-han": 1,
        "chua-nop": 4,
        "chua-den-han": 2,
        "khong-xac-dinh": 0,
    }
    assert found.by_type(YEAR)["ke-hoach-bai-day"] == {
        "dung-han": 1,
        "tre-han": 1,
        "chua-nop": 0,
        "chua-den-han": 0,
        "khong-xac-dinh": 0,
    }
    assert found.by_group(config, YEAR)[GROUP] == {
        "dung-han": 2,
        "tre-han": 1,
        "chua-nop": 3,
        "chua-den-han": 0,
        "khong-xac-dinh": 0,
    }
    # before the deadlines: nothing is missing yet, the same records are judged the same way
    early = timeliness.compute(history, "HEAD", config, today=date(2024, 10, 1))
    assert early.missing == [] and early.by_path[LATE].state == "tre-han"
    assert early.year_counts(YEAR)["chua-den-han"] == 6


def test_pending_submission_is_not_missing(history: Path, tmp_path: Path) -> None:
    work = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(history), str(work))
    git(work, "switch", "-q", "-c", f"nop/{GV_NONE}/ke-hoach-giao-duc")
    rel = f"records/{YEAR}/gv/{GV_NONE}/ke-hoach-giao-duc-cua-giao-vien/ke-hoach-giao-duc-mon-toan-7.pdf"
    write(work, rel, make_pdf("Kế hoạch giáo dục môn Toán 7"))
    commit(work, "2024-10-20T09:00:00+07:00", "Nộp kế hoạch giáo dục")
    git(work, "switch", "-q", "main")
    found = timeliness.compute(work, "HEAD", load_config(work), today=date.fromisoformat(TODAY))
    assert ("ke-hoach-giao-duc-cua-giao-vien", GV_NONE) not in {
        (s.expected.type_id, s.expected.owner_id) for s in found.missing
    }
    assert rel not in found.by_path  # not on main: no row of its own


# ---- the built site and index.json ----------------------------------------------------------------


class Rows(HTMLParser):
    """Every table row of a page as its cells' text; and all the text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def read_page(path: Path) -> Rows:
    parser = Rows()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@dataclass
class Built:
    out: Path
    index: dict[str, object]


@pytest.fixture(scope="module")
def built(history: Path) -> Built:
    out = history.parent / "site"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "HOSO_"))}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    run = run_subprocess(["site", "build", "--out", str(out), "--today", TODAY], history, env, timeout=300)
    assert run.code == 0, run.text
    return Built(out, json.loads((out / "index.json").read_text(encoding="utf-8")))


def test_index_json_fields_and_schema(built: Built) -> None:
    import jsonschema

    schema = json.loads((built.out / "index.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(built.index, schema, format_checker=jsonschema.FormatChecker())
    assert built.index["schema_version"] == 2 and built.index["today"] == TODAY
    records = {r["path"]: r for r in built.index["records"]}  # type: ignore[attr-defined]
    assert records[LATE]["timeliness"] == {
        "deadline": "2024-09-29",
        "submitted": "2024-10-03T10:00:00+07:00",
        "submitted_source": "commit",
        "approved": "2024-10-03T10:00:00+07:00",
        "approved_source": "commit",
        "state": "tre-han",
        "days_late": 4,
        "reason": None,
    }
    assert records[KHGD]["timeliness"]["state"] == "dung-han"
    counts = built.index["counts"][YEAR]  # type: ignore[index]
    assert counts["timeliness"] == {
        "dung-han": 2,
        "tre-han": 1,
        "chua-nop": 4,
        "chua-den-han": 2,
        "khong-xac-dinh": 0,
    }
    missing = built.index["missing"]
    assert {
        "year": YEAR,
        "type": "ke-hoach-giao-duc-cua-giao-vien",
        "owner": {"level": "giao-vien", "id": GV_NONE, "name": "Phạm Thị Dung"},
        "hoc_ky": None,
        "deadline": "2024-10-05",
        "days_overdue": 27,
    } in missing  # type: ignore[operator]
    types = {t["id"]: t for t in built.index["record_types"]}  # type: ignore[attr-defined]
    assert types["ke-hoach-bai-day"]["deadline"] == {"kind": "truoc-tuan"}


def test_record_entry_shows_deadline_state_and_claimed_times(built: Built) -> None:
    page = read_page(built.out / "ho-so" / YEAR / f"gv-{GV}.html")
    labels = [cells[0] for cells in page.rows if len(cells) == 2]
    assert labels.count("Hạn nộp") == 3
    values = [cells[1] for cells in page.rows if len(cells) == 2 and cells[0] == "Hạn nộp"]
    assert "29/09/2024 — Trễ 4 ngày (tuần 5)" in values
    assert "20/10/2024 — Đúng hạn (tuần 8)" in values
    assert "05/10/2024 — Đúng hạn" in values
    submitted = [cells[1] for cells in page.rows if len(cells) == 2 and cells[0] == "Nộp lần đầu"]
    assert "03/10/2024 10:00 theo ngày commit (tự khai, không phải bằng chứng)" in submitted
    approved = [cells[1] for cells in page.rows if len(cells) == 2 and cells[0] == "Duyệt"]
    assert any(v.startswith("25/09/2024 10:00") for v in approved)


def test_person_type_group_and_year_pages(built: Built) -> None:
    person = read_page(built.out / "nguoi" / f"{GV_NONE}.html")
    text = " ".join("".join(person.text).split())
    assert "Chưa nộp, đã quá hạn: 1" in text
    assert ["Kế hoạch giáo dục của giáo viên", "05/10/2024", "27"] in person.rows
    teacher = " ".join("".join(read_page(built.out / "nguoi" / f"{GV}.html").text).split())
    assert "Đúng hạn: 2 · Trễ hạn: 1 · Chưa nộp (quá hạn): 0" in teacher
    assert "tự khai" in teacher  # times from commit dates are said to be claims
    plans = " ".join("".join(read_page(built.out / "loai" / "ke-hoach-bai-day.html").text).split())
    assert "Đúng hạn: 1 · Trễ hạn: 1" in plans
    assert "không liệt kê bài chưa nộp" in plans  # lesson plans are never invented as missing
    group = read_page(built.out / "to" / f"{GROUP}.html")
    assert ["Kế hoạch giáo dục của tổ chuyên môn", "Tổ Toán – Tin", "05/10/2024", "27"] in group.rows
    year = read_page(built.out / "nam-hoc" / f"{YEAR}.html")
    assert ["Kế hoạch bài dạy (giáo án)", "1", "1", "0"] in year.rows
    assert ["Kế hoạch giáo dục của giáo viên", "1", "0", "2"] in year.rows


def test_same_commit_and_day_same_index(history: Path, built: Built) -> None:
    site = collect(history, today=date.fromisoformat(TODAY))
    again = index_json.build(site)
    assert json.dumps(again, sort_keys=True) == json.dumps(built.index, sort_keys=True)
    later = index_json.build(collect(history, today=date(2025, 2, 1)))
    assert later["counts"][YEAR]["timeliness"]["chua-nop"] == 5  # học kỳ I's sổ ghi đầu bài now overdue


# ---- the attack: a backdated commit, and the server's push log ------------------------------------


def test_backdated_submission_is_late_by_the_push_log(tmp_path: Path) -> None:
    bare = tmp_path / "truong.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    assert main(["install-server-hook", str(bare)]) == 0
    seed = tmp_path / "khoi-tao"
    found_school(seed)
    # the founding commit registers the server's push-log key (trust/may-chu/): clones trust the log
    from servers import register_server_key, server_public_key

    register_server_key(seed, server_public_key(bare))
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "--amend", "--no-edit", "--no-verify", when="2024-08-20T08:00:00+07:00")
    git(seed, "remote", "add", "origin", str(bare))
    git(seed, "push", "-q", "origin", "main")
    teacher = tmp_path / "giao-vien"
    git(tmp_path, "clone", "-q", str(bare), str(teacher))
    branch = f"nop/{GV}/tuan-05-toan-6a"
    git(teacher, "switch", "-q", "-c", branch)
    plan = teacher_signed("Kế hoạch bài dạy Tuần 5", "2024-09-20")
    write(teacher, LATE, plan)
    # the commit claims 20/09/2024, before the deadline of 29/09; the push happens now
    commit(teacher, "2024-09-20T09:00:00+07:00", "Kế hoạch bài dạy tuần 5")
    git(teacher, "push", "-q", "origin", branch)
    write(teacher, LATE, head_signed(plan, "2024-09-21"))
    commit(teacher, "2024-09-21T09:00:00+07:00", "Ký duyệt")
    git(teacher, "switch", "-q", "main")
    git(
        teacher,
        "merge",
        "-q",
        "--no-ff",
        branch,
        "-m",
        f"Duyệt\n\nDuyet-boi: {TO_TRUONG}",
        when="2024-09-21T10:00:00+07:00",
    )
    git(teacher, "push", "-q", "origin", "main", branch)
    today = date.fromisoformat(TODAY)

    # where only commit dates exist (a clone without the log): on time, and said to be a claim
    claimed = timeliness.compute(teacher, "HEAD", load_config(teacher), today=today)
    row_claimed = claimed.by_path[LATE]
    assert not claimed.push_log
    assert (row_claimed.state, row_claimed.submitted and row_claimed.submitted.source) == (
        "dung-han",
        "commit",
    )
    site = collect(teacher, today=today)
    entry = pages.render(site)[f"ho-so/{YEAR}/gv-{GV}.md"]
    assert "hoso-claim" in entry and "tự khai" in entry

    # an inspector's clone with the server's push log: the push time is the evidence
    inspector = tmp_path / "thanh-tra"
    git(tmp_path, "clone", "-q", str(bare), str(inspector))
    git(inspector, "fetch", "-q", "origin", "+refs/hoso/*:refs/hoso/*")
    found = timeliness.compute(inspector, "HEAD", load_config(inspector), today=today)
    late = found.by_path[LATE]
    assert found.push_log
    assert late.submitted is not None and late.submitted.source == "push-log"
    assert late.approved is not None and late.approved.source == "push-log"
    pushed_day = late.submitted.moment.astimezone(VN_TIME).date()
    assert pushed_day >= date.today().replace(year=date.today().year - 1)  # the server's clock, not 2024
    assert late.state == "tre-han" and late.days_late == (pushed_day - date(2024, 9, 29)).days
    record = next(
        r for r in index_json.build(collect(inspector, today=today))["records"] if r["path"] == LATE
    )
    assert record["timeliness"]["state"] == "tre-han"
    assert record["timeliness"]["submitted_source"] == "push-log"
    entry = pages.render(collect(inspector, today=today))[f"ho-so/{YEAR}/gv-{GV}.md"]
    assert "theo nhật ký đẩy của máy chủ (bằng chứng)" in entry


# ---- a submission is dated by its content ----------------------------------------------------------


@pytest.fixture
def school(tmp_path: Path) -> Path:
    root = tmp_path / "truong"
    found_school(root)
    return root


def row_at(root: Path, path: str = LATE) -> timeliness.Row:
    return timeliness.compute(root, "HEAD", load_config(root), today=date.fromisoformat(TODAY)).by_path[path]


def test_appended_signatures_and_a_rename_keep_the_submission(school: Path) -> None:
    """Signed on 20/09 under a wrong name, counter-signed (an append) and renamed on 03/10: the
    content signed on 20/09 is the record's, so it was submitted on 20/09."""
    first = LATE.replace("tuan-05-toan-6a", "tuan-05-toan-6a-ban-dau")
    plan = teacher_signed("Kế hoạch bài dạy Tuần 5", "2024-09-20")
    write(school, first, plan)
    commit(school, "2024-09-20T09:00:00+07:00", "Kế hoạch bài dạy tuần 5")
    (school / first).unlink()
    write(school, LATE, head_signed(plan, "2024-10-03"))
    commit(school, "2024-10-03T10:00:00+07:00", "Ký duyệt, đổi tên")
    row = row_at(school)
    assert row.submitted is not None and row.submitted.time == "2024-09-20T09:00:00+07:00"
    assert row.state == "dung-han"


def test_new_content_restarts_the_clock_and_a_colleagues_copy_dates_nothing(school: Path) -> None:
    """A plan signed on 20/09, replaced on 03/10 by a newly made and signed file (not an append):
    the record is the new content, submitted on 03/10. A colleague's earlier copy of the same
    bytes, in the colleague's folder, is another record: it does not date this one."""
    write(school, LATE, teacher_signed("Kế hoạch bài dạy Tuần 5 (bản cũ)", "2024-09-20"))
    commit(school, "2024-09-20T09:00:00+07:00", "Bản đầu")
    plan = teacher_signed("Kế hoạch bài dạy Tuần 5", "2024-10-03")
    write(school, LATE.replace(GV, GV_NONE), plan)
    commit(school, "2024-09-21T09:00:00+07:00", "Bản của đồng nghiệp")
    write(school, LATE, plan)
    commit(school, "2024-10-03T10:00:00+07:00", "Bản mới")
    row = row_at(school)
    assert row.submitted is not None and row.submitted.time == "2024-10-03T10:00:00+07:00"
    assert (row.state, row.days_late) == ("tre-han", 4)


def test_history_is_read_with_a_constant_number_of_git_processes(
    school: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every record's times come from a fixed number of git processes, whatever their number."""
    for week in range(1, 13):
        path = LATE.replace("tuan-05", f"tuan-{week:02d}")
        write(school, path, teacher_signed(f"Kế hoạch bài dạy Tuần {week}", "2024-09-20"))
        commit(school, f"2024-09-{week + 8:02d}T09:00:00+07:00", f"Tuần {week}")
    row_at(school, LATE)  # fills the evidence cache
    config = load_config(school)
    calls: list[str] = []

    class Popen(subprocess.Popen):  # type: ignore[type-arg]  # subprocess.run starts one too
        def __init__(self, args: list[str], *rest: object, **kw: object) -> None:
            calls.append(" ".join(map(str, args[:2])))
            super().__init__(args, *rest, **kw)  # type: ignore[call-overload]

    monkeypatch.setattr(subprocess, "Popen", Popen)
    found = timeliness.compute(school, "HEAD", config, today=date.fromisoformat(TODAY))
    assert len([r for r in found.rows if r.type_id == "ke-hoach-bai-day"]) == 12
    # for-each-ref, the push log's git log, the history's git log and its cat-file, rev-list
    # --first-parent, ls-tree: the signature values come from the cache
    assert len(calls) <= 6, "\n".join(calls)
