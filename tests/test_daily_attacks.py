"""A hostile colleague against the daily flow of issue 12 (submit, approve, reject, status, trail,
visible placement): each attack, whether the code resists it or not, as a test.

The school: a new tiểu học school founded by `hoso init`, a bare server with hoso's hooks
(`hoso install-server-hook`, with or without an authenticated pusher), one clone per person.
Authority comes from the state before a change (people.yml on the server's main, the server's
settings); what a commit or a title says is a claim. An attack that still succeeds because its
fix lies outside this change is a strict xfail naming the file where the fix belongs.

Test files, all made at test time: a test PKI (hoso.pdf.pki: a root CA, one certificate per
person, a second certificate for the tổ trưởng, the school's seal), PDFs drawn with ReportLab
(conftest.make_pdf, tests/sigfixtures.py), signatures made by `hoso sign` / `hoso approve` with
PKCS#12 files written at test time, or by pyHanko through tests/sigattacks.py.
"""

from __future__ import annotations

import io
import json
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest
from conftest import Run, cli, make_pdf
from servers import git, push

from hoso.errors import ExitCode
from hoso.pdf import pki
from hoso.records import school_year_of

PASS = "mat-khau-thu"
SCHOOL = "Trường Tiểu học Thử Thách"
TEACHER, COLLEAGUE, HEAD, DEPUTY = "tran-thi-hoa", "do-thi-mai", "le-van-nam", "hoang-van-duc"
OTHER_HEAD, OTHER_DEPUTY, PRINCIPAL, FORMER = "pham-thi-lan", "ngo-thi-thu", "vo-van-minh", "bui-van-tuan"
NAMES = {
    TEACHER: "Trần Thị Hoa",
    COLLEAGUE: "Đỗ Thị Mai",
    HEAD: "Lê Văn Nam",
    DEPUTY: "Hoàng Văn Đức",
    OTHER_HEAD: "Phạm Thị Lan",
    OTHER_DEPUTY: "Ngô Thị Thu",
    PRINCIPAL: "Võ Văn Minh",
    FORMER: "Bùi Văn Tuấn",
}
TYPE = "ke-hoach-bai-day"
ENGLISH_WORDS = ("Traceback", "fatal:", "error:", "Error", "not a valid", "ambiguous")


@dataclass(frozen=True)
class Staff:
    root: pki.Issued
    issued: dict[str, pki.Issued]
    head_second: pki.Issued  # a second certificate of the tổ trưởng (a new USB token)
    seal: pki.Issued


@cache
def staff() -> Staff:
    root = pki.make_root_ca("Test Root CA", key_type="rsa2048")
    people = {pid: pki.make_person_cert(name, pid, root) for pid, name in NAMES.items()}
    second = pki.make_person_cert(NAMES[HEAD], HEAD, root)
    return Staff(root, people, second, pki.make_seal_cert(SCHOOL, root, org_id="79000003"))


def people_yml(s: Staff) -> str:
    last_year = date.today().year - 1

    def person(pid: str, roles: str, *extra: pki.Issued) -> str:
        certs = "".join(f'      - sha256: "{c.fingerprint}"\n' for c in (s.issued[pid], *extra))
        return (
            f"  - id: {pid}\n    name: {NAMES[pid]}\n    email: {pid}@truong-thu.edu.vn\n"
            f"    certificates:\n{certs}    roles:\n{roles}"
        )

    def role(name: str, group: str | None = None, until: str | None = None) -> str:
        text = f"      - role: {name}\n"
        if group:
            text += f"        group: {group}\n"
        text += "        from: 2019-08-15\n"
        if until:
            text += f"        until: {until}\n"
        return text

    gv1, gv2 = role("giao-vien", "to-khoi-1"), role("giao-vien", "to-khoi-2")
    return (
        "version: 1\ngroups:\n  - id: to-khoi-1\n    name: Tổ khối 1\n"
        "  - id: to-khoi-2\n    name: Tổ khối 2\npeople:\n"
        + person(TEACHER, gv1)
        + person(COLLEAGUE, gv1)
        + person(HEAD, gv1 + role("to-truong", "to-khoi-1"), s.head_second)
        + person(DEPUTY, gv1 + role("to-pho", "to-khoi-1"))
        + person(OTHER_HEAD, gv2 + role("to-truong", "to-khoi-2"))
        + person(OTHER_DEPUTY, gv2 + role("to-pho", "to-khoi-2"))
        + person(PRINCIPAL, role("hieu-truong"))
        + person(FORMER, gv1 + role("to-truong", "to-khoi-1", f"{last_year}-01-31"))
        + f'seal:\n  name: {SCHOOL}\n  certificates:\n    - sha256: "{s.seal.fingerprint}"\n'
    )


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSO_P12_PASSPHRASE", PASS)


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commits dated now: signatures are made with the real clock and may not postdate them."""
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
    monkeypatch.setenv("GIT_AUTHOR_DATE", stamp)
    monkeypatch.setenv("GIT_COMMITTER_DATE", stamp)


def found_school(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], hook_args: tuple[str, ...] = ()
) -> dict[str, Path]:
    s = staff()
    bare = tmp_path / "truong.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    assert cli(capsys, "install-server-hook", str(bare), *hook_args).code == 0
    seed = tmp_path / "khoi-tao"
    run = cli(capsys, "init", str(seed), "--level", "tieu-hoc", "--name", SCHOOL)
    assert run.code == 0, run.text
    (seed / "people.yml").write_text(people_yml(s), encoding="utf-8")
    pki.write_cert_pem(seed / "trust" / "test-root.pem", s.root.cert)
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "--no-verify", "-m", "Khởi tạo kho hồ sơ")
    git(seed, "remote", "add", "origin", str(bare))
    proc = push(seed, env={"GL_USER": PRINCIPAL})
    assert proc.returncode == 0, proc.stderr
    clones = {"server": bare, "downloads": tmp_path / "Tải về"}
    clones["downloads"].mkdir()
    for pid in NAMES:
        work = tmp_path / pid
        git(tmp_path, "clone", "-q", str(bare), str(work))
        git(work, "config", "user.name", NAMES[pid])
        git(work, "config", "user.email", f"{pid}@truong-thu.edu.vn")
        pki.write_pkcs12(tmp_path / f"{pid}.p12", s.issued[pid], chain=[s.root.cert], passphrase=PASS)
        clones[pid] = work
    pki.write_pkcs12(tmp_path / "head-second.p12", s.head_second, chain=[s.root.cert], passphrase=PASS)
    pki.write_pkcs12(tmp_path / "con-dau.p12", s.seal, chain=[s.root.cert], passphrase=PASS)
    return clones


@pytest.fixture
def school(tmp_path: Path, now: None, capsys: pytest.CaptureFixture[str]) -> dict[str, Path]:
    """The server does not know who pushes (a plain SSH account shared by the school)."""
    return found_school(tmp_path, capsys)


@pytest.fixture
def gitolite_school(
    tmp_path: Path, now: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> dict[str, Path]:
    """The server authenticates each pusher (gitolite's GL_USER, set per push by `as_user`)."""
    clones = found_school(tmp_path, capsys, ("--pusher", "gitolite"))
    monkeypatch.delenv("GL_USER", raising=False)
    return clones


def hoso(capsys: pytest.CaptureFixture[str], where: Path, *args: str) -> Run:
    run = cli(capsys, "-C", str(where), *args)
    assert "Traceback" not in run.text, run.text
    return run


def p12(work: Path, name: str | None = None) -> str:
    return str(work.parent / f"{name or work.name}.p12")


def year() -> str:
    return school_year_of(date.today())


def gv_rel(person: str, slug: str) -> str:
    return f"records/{year()}/gv/{person}/{TYPE}/{slug}.pdf"


def signed_plan(capsys: pytest.CaptureFixture[str], work: Path, name: str, text: str) -> Path:
    """A plan in the downloads folder, signed by the owner of `work` as giáo viên."""
    plan = work.parent / "Tải về" / name
    plan.write_bytes(make_pdf(text))
    run = hoso(capsys, work, "sign", str(plan), "--role", "giao-vien", "--p12", p12(work))
    assert run.code == 0, run.text
    return plan


def submit(capsys: pytest.CaptureFixture[str], work: Path, plan: Path, title: str, *extra: str) -> Run:
    return hoso(capsys, work, "submit", str(plan), "--type", TYPE, "--year", year(), "--title", title, *extra)


def state(work: Path) -> tuple[str, str, str]:
    """Refs, status (with untracked files) and the checked-out branch of a clone."""
    return (
        git(work, "for-each-ref", "--format=%(refname) %(objectname)").stdout,
        git(work, "status", "--porcelain", "--untracked-files=all").stdout,
        git(work, "branch", "--show-current").stdout.strip(),
    )


def server_refs(school: dict[str, Path]) -> str:
    return git(school["server"], "for-each-ref", "--format=%(refname) %(objectname)").stdout


def blob(repo: Path, spec: str) -> bytes:
    import subprocess

    return subprocess.run(["git", "cat-file", "blob", spec], cwd=repo, capture_output=True, check=True).stdout


def plain(text: str) -> bool:
    return not any(word in text for word in ENGLISH_WORDS)


# ---- the baseline: the flow works in this school ------------------------------------------------


def test_baseline_submit_and_approve(school: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    plan = signed_plan(capsys, school[TEACHER], "tuan-1.pdf", "Tuần 1 – Toán 1A")
    run = submit(capsys, school[TEACHER], plan, "Tuần 1 – Toán 1A")
    assert run.code == 0, run.text
    branch = run.out.strip()
    run = hoso(capsys, school[HEAD], "approve", branch, "--role", "to-truong", "--p12", p12(school[HEAD]))
    assert run.code == 0, run.text


# ---- hoso submit: paths, names, files -----------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    ["../../../people", "a/b\\c/../d", "records/2024-2025/gv/le-van-nam/x", "C:\\Users\\hoa\\bai.pdf"],
)
def test_title_with_path_tricks_stays_in_the_teachers_folder(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str], title: str
) -> None:
    teacher = school[TEACHER]
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 2 – Toán 1A")
    run = submit(capsys, teacher, plan, title)
    assert run.code == 0, run.text
    branch = run.out.strip()
    assert branch.startswith(f"nop/{TEACHER}/") and ".." not in branch and "\\" not in branch
    files = git(school["server"], "diff", "--name-only", f"main...{branch}").stdout.split()
    assert len(files) == 1 and files[0].startswith(f"records/{year()}/gv/{TEACHER}/{TYPE}/"), files
    assert ".." not in files[0] and files[0].count("/") == 5
    assert state(teacher)[1:] == ("", "main")


@pytest.mark.parametrize("title", ["!!! ??? …", "ʼ̀́", "   ", "..", "../.."])
def test_title_without_letters_is_refused_plainly(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str], title: str
) -> None:
    teacher = school[TEACHER]
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 2 – Toán 1A")
    before, server = state(teacher), server_refs(school)
    run = submit(capsys, teacher, plan, title)
    if run.code == 0:  # a title of spaces is no title: the file's name gives the slug
        assert title.strip() == "" and run.out.strip() == f"nop/{TEACHER}/bai"
        return
    assert run.code == ExitCode.USAGE and plain(run.err), run.text
    assert state(teacher) == before and server_refs(school) == server


def test_very_long_title_gives_a_bounded_name_in_seconds(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    teacher = school[TEACHER]
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 2 – Toán 1A")
    started = time.monotonic()
    run = submit(capsys, teacher, plan, "Kế hoạch bài dạy tuần hai môn Toán lớp một A " * 400)
    assert time.monotonic() - started < 30
    assert run.code == 0, run.text
    branch = run.out.strip()
    assert len(branch) < 120, branch
    message = git(school["server"], "log", "-1", "--format=%B", branch).stdout
    assert all(len(line) <= 400 for line in message.splitlines()), message[:500]


def test_lookalike_letters_in_a_title_give_an_ascii_name(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    teacher = school[TEACHER]
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 2 – Toán 1A")
    run = submit(capsys, teacher, plan, "Тuần 2 – Тоán 1А")  # Cyrillic Т, о, А
    assert run.code == 0, run.text
    assert run.out.strip().isascii(), run.out


@pytest.mark.parametrize("value", ["2024-2026", "2024", "../2024-2025", "1800-1801", "2024-2025/../../x"])
def test_odd_school_years_are_refused(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str], value: str
) -> None:
    teacher = school[TEACHER]
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 2 – Toán 1A")
    before, server = state(teacher), server_refs(school)
    run = hoso(capsys, teacher, "submit", str(plan), "--type", TYPE, "--year", value, "--title", "Tuần 2")
    assert run.code == ExitCode.USAGE and plain(run.err), run.text
    assert state(teacher) == before and server_refs(school) == server


def test_a_symlink_submits_the_bytes_it_points_to_never_a_link(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    teacher = school[TEACHER]
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 2 – Toán 1A")
    link = school["downloads"] / "lien-ket.pdf"
    link.symlink_to(plan)
    run = submit(capsys, teacher, link, "Tuần 2")
    assert run.code == 0, run.text
    tree = git(school["server"], "ls-tree", "-r", run.out.strip(), "records").stdout
    assert tree.startswith("100644 blob "), tree  # a file, never a 120000 link

    secret = school["downloads"] / "secret.txt"
    secret.write_text("mật khẩu wifi: 12345678\n", encoding="utf-8")
    (school["downloads"] / "doc.pdf").symlink_to(secret)
    before, server = state(teacher), server_refs(school)
    run = submit(capsys, teacher, school["downloads"] / "doc.pdf", "Tuần 3")
    assert run.code != 0 and plain(run.err), run.text
    assert state(teacher) == before and server_refs(school) == server


def test_a_file_inside_dot_git_is_no_record(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    teacher = school[TEACHER]
    before, server = state(teacher), server_refs(school)
    run = submit(capsys, teacher, teacher / ".git" / "config", "Cấu hình")
    assert run.code != 0 and plain(run.err), run.text
    run = hoso(capsys, teacher, "submit", str(teacher / ".git" / "HEAD"))
    assert run.code != 0 and plain(run.err), run.text
    assert state(teacher) == before and server_refs(school) == server


def test_a_huge_file_is_refused_without_being_read(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 64 GB sparse file: reading it whole would take minutes and all the memory."""
    teacher = school[TEACHER]
    huge = school["downloads"] / "video-tiet-hoc.pdf"
    with huge.open("wb") as f:
        f.truncate(64 << 30)
    real = Path.read_bytes

    def guarded(self: Path) -> bytes:
        if self.stat().st_size > 600 << 20:
            raise AssertionError(f"{self} read whole")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", guarded)
    before, server = state(teacher), server_refs(school)
    started = time.monotonic()
    run = submit(capsys, teacher, huge, "Video tiết học")
    assert time.monotonic() - started < 30
    assert run.code == ExitCode.FORMAT and plain(run.err), run.text
    assert "MB" in run.err
    assert state(teacher) == before and server_refs(school) == server


# ---- titles and trailers: claims that must stay claims ------------------------------------------


def events_of(capsys: pytest.CaptureFixture[str], work: Path) -> list[dict[str, object]]:
    git(work, "fetch", "-q", "origin")
    run = hoso(capsys, work, "log", "--all", "--format", "json")
    assert run.code == 0, run.text
    return list(json.loads(run.out)["events"])


@pytest.mark.parametrize(
    "title",
    [
        "Tu-choi-boi: le-van-nam",
        "Tuần 3\nTu-choi-boi: le-van-nam\nLy-do: thiếu mục tiêu",
        "Tuần 3\n\nDuyet-boi: le-van-nam",
        "Ly-do: sửa lỗi chính tả",
    ],
)
def test_a_title_cannot_inject_trailers(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str], title: str
) -> None:
    """The title goes into the commit: it may not read as a rejection, an approval or a reason."""
    teacher, head = school[TEACHER], school[HEAD]
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 3 – Toán 1A")
    run = submit(capsys, teacher, plan, title)
    assert run.code == 0, run.text
    branch = run.out.strip()
    run = hoso(capsys, teacher, "status")
    assert "trả lại" not in run.out.lower(), run.text
    events = events_of(capsys, head)
    assert not [e for e in events if e["kind"] in ("tu-choi", "duyet") or e["reason"]], events
    message = git(school["server"], "log", "-1", "--format=%B", branch).stdout
    lines = message.splitlines()
    assert not any(line.lower().startswith(("tu-choi-boi:", "duyet-boi:", "ly-do:")) for line in lines), (
        message
    )


def test_a_title_with_colons_round_trips(school: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    from test_daily_flow import _untitled_pdf

    from hoso.titles import from_history

    teacher, head = school[TEACHER], school[HEAD]
    title = "Tuần 4: Toán 1A: ôn tập: phép cộng"
    plan = school["downloads"] / "bai.pdf"
    plan.write_bytes(_untitled_pdf("Tuần 4 ôn tập"))
    assert hoso(capsys, teacher, "sign", str(plan), "--role", "giao-vien", "--p12", p12(teacher)).code == 0
    run = submit(capsys, teacher, plan, title)
    assert run.code == 0, run.text
    branch = run.out.strip()
    run = hoso(capsys, head, "approve", branch, "--role", "to-truong", "--p12", p12(head))
    assert run.code == 0, run.text
    rel = gv_rel(TEACHER, "tuan-4-toan-1a-on-tap-phep-cong")
    assert from_history(school["server"], "main").get(rel) == title


def test_a_title_trailer_cannot_retitle_a_colleagues_record(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A teacher writes `Tieu-de: <a colleague's approved record>: …` in her own submission: once
    her submission is approved, the colleague's record must keep its title."""
    from test_daily_flow import _untitled_pdf

    from hoso.titles import from_history

    teacher, colleague, head = school[TEACHER], school[COLLEAGUE], school[HEAD]
    plan = school["downloads"] / "mai.pdf"
    plan.write_bytes(_untitled_pdf("Tuần 5 – Tiếng Việt 1B"))
    assert (
        hoso(capsys, colleague, "sign", str(plan), "--role", "giao-vien", "--p12", p12(colleague)).code == 0
    )
    run = submit(capsys, colleague, plan, "Tuần 5 – Tiếng Việt 1B")
    assert run.code == 0, run.text
    assert hoso(capsys, head, "approve", run.out.strip(), "--role", "to-truong", "--p12", p12(head)).code == 0
    theirs = gv_rel(COLLEAGUE, "tuan-5-tieng-viet-1b")
    assert from_history(school["server"], "main")[theirs] == "Tuần 5 – Tiếng Việt 1B"

    # the teacher's own submission, with a second trailer naming the colleague's record
    plan = signed_plan(capsys, teacher, "hoa.pdf", "Tuần 5 – Toán 1A")
    run = submit(capsys, teacher, plan, "Tuần 5 – Toán 1A", "--no-push")
    assert run.code == 0, run.text
    branch = run.out.strip()
    git(teacher, "switch", "-q", branch)
    git(
        teacher,
        "commit",
        "-q",
        "--no-verify",
        "--amend",
        "-m",
        "Tuần 5 – Toán 1A",
        "--trailer",
        f"Tieu-de: {theirs}: Bài chép mạng, không đạt yêu cầu",
    )
    assert push(teacher, f"{branch}:{branch}").returncode == 0
    git(teacher, "switch", "-q", "main")
    run = hoso(capsys, head, "approve", branch, "--role", "to-truong", "--p12", p12(head))
    assert run.code == 0, run.text
    assert from_history(school["server"], "main")[theirs] == "Tuần 5 – Tiếng Việt 1B"


# ---- whose submission: --owner, --person, the server's pusher ------------------------------------


def test_a_teacher_cannot_submit_into_a_colleagues_folder(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """`--owner` of another teacher: a teacher submits her own work, never a colleague's."""
    teacher = school[TEACHER]
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 6 – Toán 1A")
    before, server = state(teacher), server_refs(school)
    run = submit(capsys, teacher, plan, "Tuần 6", "--owner", COLLEAGUE)
    assert run.code == ExitCode.UNTRUSTED and NAMES[COLLEAGUE] in run.err and plain(run.err), run.text
    assert state(teacher) == before and server_refs(school) == server


def test_the_server_refuses_a_record_in_a_colleagues_folder_on_my_submission(
    gitolite_school: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    school = gitolite_school
    teacher = school[TEACHER]
    # the colleague's own signed draft, which she once e-mailed to the teacher
    draft = signed_plan(capsys, school[COLLEAGUE], "nhap-cua-mai.pdf", "Bản nháp của Mai")
    rel = gv_rel(COLLEAGUE, "ban-nhap")
    git(teacher, "switch", "-q", "-c", f"nop/{TEACHER}/ban-nhap")
    (teacher / rel).parent.mkdir(parents=True)
    (teacher / rel).write_bytes(draft.read_bytes())
    git(teacher, "add", "-A")
    git(teacher, "commit", "-q", "--no-verify", "-m", "Nộp hộ")
    proc = push(teacher, f"nop/{TEACHER}/ban-nhap", env={"GL_USER": TEACHER})
    assert proc.returncode != 0 and "hook.colleagues-folder" in proc.stderr, proc.stderr


def test_hoso_person_does_not_let_a_teacher_rewrite_a_colleagues_submission(
    gitolite_school: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """HOSO_PERSON is what the teacher says; the server knows who pushes. The teacher puts back
    an older version the colleague signed (a replay) onto the colleague's rejected submission."""
    school = gitolite_school
    teacher, colleague, head = school[TEACHER], school[COLLEAGUE], school[HEAD]
    old = signed_plan(capsys, colleague, "ban-1.pdf", "Tuần 7 – bản 1")
    old_copy = school["downloads"] / "ban-1-ban-sao.pdf"
    old_copy.write_bytes(old.read_bytes())
    monkeypatch.setenv("GL_USER", COLLEAGUE)
    run = submit(capsys, colleague, old, "Tuần 7")
    assert run.code == 0, run.text
    branch = run.out.strip()
    monkeypatch.setenv("GL_USER", HEAD)
    assert hoso(capsys, head, "reject", branch, "--ly-do", "Thiếu mục tiêu").code == 0
    monkeypatch.setenv("GL_USER", COLLEAGUE)
    new = signed_plan(capsys, colleague, "ban-2.pdf", "Tuần 7 – bản 2, có mục tiêu")
    assert submit(capsys, colleague, new, "Tuần 7").code == 0
    tip = git(school["server"], "rev-parse", branch).stdout

    monkeypatch.setenv("GL_USER", TEACHER)
    monkeypatch.setenv("HOSO_PERSON", COLLEAGUE)
    run = submit(capsys, teacher, old_copy, "Tuần 7")
    assert run.code != 0, run.text
    assert git(school["server"], "rev-parse", branch).stdout == tip  # the server refused it
    assert "hook.pusher-not-owner" in run.err or NAMES[TEACHER] in run.err or TEACHER in run.err, run.text


def test_a_new_submission_never_reuses_a_merged_branch(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    teacher, head = school[TEACHER], school[HEAD]
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 8 – Toán 1A")
    run = submit(capsys, teacher, plan, "Tuần 8")
    assert run.code == 0 and run.out.strip() == f"nop/{TEACHER}/tuan-8", run.text
    assert (
        hoso(capsys, head, "approve", f"nop/{TEACHER}/tuan-8", "--role", "to-truong", "--p12", p12(head)).code
        == 0
    )
    merged = git(school["server"], "rev-parse", f"refs/heads/nop/{TEACHER}/tuan-8").stdout.strip()
    # the same title for last year's plan: the same branch name, another record
    last = f"{int(year()[:4]) - 1}-{year()[:4]}"
    plan = signed_plan(capsys, teacher, "bai-2.pdf", "Tuần 8 – năm trước")
    args = ("submit", str(plan), "--type", TYPE, "--year", last, "--title", "Tuần 8")
    run = hoso(capsys, teacher, *args)
    assert run.code == 0 and run.out.strip() == f"nop/{TEACHER}/tuan-8-2", run.text
    assert git(school["server"], "rev-parse", f"refs/heads/nop/{TEACHER}/tuan-8").stdout.strip() == merged


def test_a_submission_the_server_refuses_leaves_nothing(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A new version of an approved record under the same title passes the local checks but not
    the server's history rules: the teacher is told why, and nothing stays on her machine (a
    refused commit kept on a local branch would be the parent of every later attempt)."""
    teacher, head = school[TEACHER], school[HEAD]
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 12 – Toán 1A")
    branch = submit(capsys, teacher, plan, "Tuần 12").out.strip()
    assert hoso(capsys, head, "approve", branch, "--role", "to-truong", "--p12", p12(head)).code == 0
    git(teacher, "fetch", "-q", "origin")
    plan = signed_plan(capsys, teacher, "bai-sua.pdf", "Tuần 12 – Toán 1A, bản sửa")
    before, server = state(teacher), server_refs(school)
    run = submit(capsys, teacher, plan, "Tuần 12")
    assert run.code != 0 and "history.rewrite-approved" in run.err, run.text
    assert "kiểm tra mạng" not in run.err, run.text
    assert state(teacher) == before and server_refs(school) == server


# ---- hoso approve / reject: who, what, and what is left behind -----------------------------------


def test_approve_on_a_dirty_tree_names_the_files(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    teacher, head = school[TEACHER], school[HEAD]
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 9 – Toán 1A")
    branch = submit(capsys, teacher, plan, "Tuần 9").out.strip()
    (head / "catalog.yml").write_text(
        (head / "catalog.yml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    run = hoso(capsys, head, "approve", branch, "--role", "to-truong", "--p12", p12(head))
    assert run.code != 0 and "catalog.yml" in run.err and "{" not in run.err, run.text


def test_approving_twice_is_refused_and_changes_nothing(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    teacher, head, principal = school[TEACHER], school[HEAD], school[PRINCIPAL]
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 10 – Toán 1A")
    branch = submit(capsys, teacher, plan, "Tuần 10").out.strip()
    assert hoso(capsys, head, "approve", branch, "--role", "to-truong", "--p12", p12(head)).code == 0
    before, server = state(principal), server_refs(school)
    run = hoso(capsys, principal, "approve", branch, "--role", "hieu-truong", "--p12", p12(principal))
    assert run.code != 0 and "đã được duyệt" in run.err, run.text
    assert state(principal)[1:] == before[1:] and server_refs(school) == server


def test_a_former_to_truong_may_neither_approve_nor_reject(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    teacher, former = school[TEACHER], school[FORMER]
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 11 – Toán 1A")
    branch = submit(capsys, teacher, plan, "Tuần 11").out.strip()
    server = server_refs(school)
    run = hoso(capsys, former, "reject", branch, "--ly-do", "không đạt")
    assert run.code == ExitCode.UNTRUSTED and NAMES[FORMER] in run.err, run.text
    run = hoso(capsys, former, "approve", branch, "--role", "to-truong", "--p12", p12(former))
    assert run.code == ExitCode.UNTRUSTED and NAMES[FORMER] in run.err, run.text
    assert server_refs(school) == server


# ---- names that shadow other names: tags against remote-tracking branches ------------------------


def _promote_myself(work: Path) -> str:
    """A commit on top of the server's main that makes the teacher tổ trưởng in people.yml."""
    git(work, "fetch", "-q", "origin")
    git(work, "switch", "-q", "-c", "tu-phong", "origin/main")
    people = work / "people.yml"
    text = people.read_text(encoding="utf-8")
    marker = f"  - id: {TEACHER}\n"
    at = text.index("    roles:\n", text.index(marker)) + len("    roles:\n")
    extra = "      - role: to-truong\n        group: to-khoi-1\n        from: 2019-08-15\n"
    people.write_text(text[:at] + extra + text[at:], encoding="utf-8")
    git(work, "commit", "-q", "--no-verify", "-am", "Cập nhật danh sách")
    commit = git(work, "rev-parse", "HEAD").stdout.strip()
    git(work, "switch", "-q", "main")
    return commit


def test_a_tag_named_like_the_servers_main_is_never_taken_for_it(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The teacher pushes her people.yml change on her own submission branch (a proposal, which
    the server lets through) and a tag `origin/main` on it: in every clone that fetches it, the
    name origin/main now means her commit (git prefers refs/tags/ to refs/remotes/). Neither a
    submission nor an approval may build on it."""
    teacher, colleague, head = school[TEACHER], school[COLLEAGUE], school[HEAD]
    forged = _promote_myself(teacher)
    assert push(teacher, f"{forged}:refs/heads/nop/{TEACHER}/de-xuat").returncode == 0
    assert push(teacher, f"{forged}:refs/tags/origin/main").returncode == 0

    plan = signed_plan(capsys, colleague, "bai.pdf", "Tuần 13 – Tiếng Việt 1B")
    run = submit(capsys, colleague, plan, "Tuần 13")
    assert run.code == 0, run.text
    branch = run.out.strip()
    assert (
        git(colleague, "rev-parse", "-q", "--verify", "refs/tags/origin/main", check=False).stdout.strip()
        == forged
    )
    assert git(school["server"], "merge-base", "--is-ancestor", forged, branch, check=False).returncode != 0

    run = hoso(capsys, head, "approve", branch, "--role", "to-truong", "--p12", p12(head))
    assert run.code == 0, run.text
    assert git(school["server"], "merge-base", "--is-ancestor", forged, "main", check=False).returncode != 0
    assert git(head, "merge-base", "--is-ancestor", forged, "main", check=False).returncode != 0


def test_a_tag_named_like_a_submission_is_never_merged_for_it(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """`hoso approve BRANCH` without signing merges what the server's branch holds, never a tag
    named `origin/<branch>` that points elsewhere: here the teacher's commit adding a copy of an
    approved record under a new name (one more approved plan that nobody reviewed)."""
    teacher, head = school[TEACHER], school[HEAD]
    plan = signed_plan(capsys, teacher, "a.pdf", "Tuần 14 – Toán 1A")
    first = submit(capsys, teacher, plan, "Tuần 14").out.strip()
    assert hoso(capsys, head, "approve", first, "--role", "to-truong", "--p12", p12(head)).code == 0
    approved = blob(school["server"], f"main:{gv_rel(TEACHER, 'tuan-14')}")

    plan = signed_plan(capsys, teacher, "b.pdf", "Tuần 15 – Toán 1A")
    branch = submit(capsys, teacher, plan, "Tuần 15").out.strip()
    # the head counter-signs on the branch himself (as hoso approve --p12 would), and pushes
    git(head, "fetch", "-q", "origin")
    git(head, "switch", "-q", "-c", branch, f"refs/remotes/origin/{branch}")
    rel = gv_rel(TEACHER, "tuan-15")
    assert hoso(capsys, head, "sign", str(head / rel), "--role", "to-truong", "--p12", p12(head)).code == 0
    git(head, "commit", "-q", "--no-verify", "-am", "Ký duyệt")
    assert push(head, f"{branch}:{branch}").returncode == 0
    git(head, "switch", "-q", "main")
    reviewed = git(school["server"], "rev-parse", branch).stdout.strip()

    # the teacher: the reviewed tip plus a copy of the approved plan, under a tag of that name
    git(teacher, "fetch", "-q", "origin")
    git(teacher, "switch", "-q", "-c", "khac", reviewed)
    sneaked = gv_rel(TEACHER, "tuan-16")
    (teacher / sneaked).write_bytes(approved)
    git(teacher, "add", "-A")
    git(teacher, "commit", "-q", "--no-verify", "-m", "Bổ sung")
    sneak = git(teacher, "rev-parse", "HEAD").stdout.strip()
    git(teacher, "switch", "-q", "main")
    assert push(teacher, f"{sneak}:refs/heads/nop/{TEACHER}/khac").returncode == 0
    assert push(teacher, f"{sneak}:refs/tags/origin/{branch}").returncode == 0

    run = hoso(capsys, head, "approve", branch)
    assert run.code == 0, run.text
    assert git(school["server"], "rev-parse", "main^2").stdout.strip() == reviewed
    assert sneaked not in git(school["server"], "ls-tree", "-r", "--name-only", "main").stdout


# ---- the teacher's own clone: nothing of hers is lost -------------------------------------------


def test_a_local_commit_on_the_submission_branch_is_never_dropped(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """She committed (not yet pushed) on her submission branch; meanwhile it was rejected on the
    server. Resubmitting from main must not move her branch past her commit."""
    teacher, head = school[TEACHER], school[HEAD]
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 17 – Toán 1A")
    branch = submit(capsys, teacher, plan, "Tuần 17").out.strip()
    assert hoso(capsys, head, "reject", branch, "--ly-do", "Thiếu mục tiêu").code == 0
    # her own commit on the branch, from before she fetched the rejection
    git(teacher, "switch", "-q", branch)
    notes = signed_plan(capsys, teacher, "phu-luc.pdf", "Phụ lục tuần 17")
    extra = gv_rel(TEACHER, "tuan-17-phu-luc")
    (teacher / extra).write_bytes(notes.read_bytes())
    git(teacher, "add", extra)
    git(teacher, "commit", "-q", "--no-verify", "-m", "Phụ lục")
    mine = git(teacher, "rev-parse", "HEAD").stdout.strip()
    git(teacher, "switch", "-q", "main")

    plan = signed_plan(capsys, teacher, "bai-2.pdf", "Tuần 17 – Toán 1A, bản 2")
    run = submit(capsys, teacher, plan, "Tuần 17")
    local = git(teacher, "rev-parse", f"refs/heads/{branch}").stdout.strip()
    assert git(teacher, "merge-base", "--is-ancestor", mine, local, check=False).returncode == 0, run.text
    if run.code != 0:  # refused: told what to do, in words
        assert "git pull" in run.err and plain(run.err), run.text


def test_submitting_while_standing_on_the_branch_keeps_the_index_true(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """She stands on her submission branch, behind the server (the tổ trưởng counter-signed one of
    its two records there), and submits a new version of the other from her work tree. Her
    index may not end up staging the removal of the tổ trưởng's signature."""
    teacher, head = school[TEACHER], school[HEAD]
    a, b = gv_rel(TEACHER, "tuan-18-a"), gv_rel(TEACHER, "tuan-18-b")
    for rel, text in ((a, "Tuần 18 – phần A"), (b, "Tuần 18 – phần B")):
        (teacher / rel).parent.mkdir(parents=True, exist_ok=True)
        (teacher / rel).write_bytes(signed_plan(capsys, teacher, f"{text[-1]}.pdf", text).read_bytes())
    run = hoso(capsys, teacher, "submit", str(teacher / a), str(teacher / b), "--title", "Tuần 18")
    assert run.code == 0, run.text
    branch = run.out.strip()
    # the tổ trưởng counter-signs b on the branch
    git(head, "fetch", "-q", "origin")
    git(head, "switch", "-q", "-c", branch, f"refs/remotes/origin/{branch}")
    assert hoso(capsys, head, "sign", str(head / b), "--role", "to-truong", "--p12", p12(head)).code == 0
    git(head, "commit", "-q", "--no-verify", "-am", "Ký duyệt phần B")
    assert push(head, f"{branch}:{branch}").returncode == 0

    git(teacher, "switch", "-q", branch)  # her branch, before that signature
    new_a = signed_plan(capsys, teacher, "a2.pdf", "Tuần 18 – phần A, bản 2")
    (teacher / a).write_bytes(new_a.read_bytes())
    run = hoso(capsys, teacher, "submit", str(teacher / a))
    staged = git(teacher, "diff", "--cached", "--name-only").stdout.split()
    assert staged == [], (staged, run.text)
    if run.code != 0:
        assert "git pull" in run.err and plain(run.err), run.text
        assert (teacher / a).read_bytes() == new_a.read_bytes()  # her new version is still there


def test_a_branch_moved_meanwhile_is_never_overwritten(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another `hoso submit` (or git) moves her local branch between the choice and the update:
    the update is compare-and-swap, so the other commit stays and she is told in words."""
    import hoso.commands.submit as submit_command

    teacher, head = school[TEACHER], school[HEAD]
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 19 – Toán 1A")
    branch = submit(capsys, teacher, plan, "Tuần 19").out.strip()
    assert hoso(capsys, head, "reject", branch, "--ly-do", "Thiếu mục tiêu").code == 0
    git(teacher, "fetch", "-q", "origin")
    git(teacher, "update-ref", f"refs/heads/{branch}", f"refs/remotes/origin/{branch}")
    real = submit_command.make_commit
    other: list[str] = []

    def racing(root: Path, parent: str, items: list[object], message: str) -> str:
        commit = real(root, parent, items, message)  # type: ignore[arg-type]
        tree = git(teacher, "rev-parse", f"{parent}^{{tree}}").stdout.strip()
        other.append(git(teacher, "commit-tree", tree, "-p", parent, "-m", "khác").stdout.strip())
        git(teacher, "update-ref", f"refs/heads/{branch}", other[0])
        return commit

    monkeypatch.setattr(submit_command, "make_commit", racing)
    plan = signed_plan(capsys, teacher, "bai-2.pdf", "Tuần 19 – Toán 1A, bản 2")
    run = submit(capsys, teacher, plan, "Tuần 19", "--no-push")
    assert run.code != 0 and "lệnh khác" in run.err and plain(run.err), run.text
    assert git(teacher, "rev-parse", f"refs/heads/{branch}").stdout.strip() == other[0]


def test_approving_a_plan_never_carries_a_hidden_change_of_people_yml(
    gitolite_school: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The teacher's submission holds her plan and, in a second commit, people.yml making her tổ
    trưởng. The hiệu trưởng approves "a plan": his authenticated push must not be what proves
    the people.yml change. `hoso approve` names what is not a record and stops."""
    school = gitolite_school
    teacher, principal = school[TEACHER], school[PRINCIPAL]
    monkeypatch.setenv("GL_USER", TEACHER)
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 20 – Toán 1A")
    branch = submit(capsys, teacher, plan, "Tuần 20").out.strip()
    git(teacher, "switch", "-q", branch)
    people = teacher / "people.yml"
    text = people.read_text(encoding="utf-8")
    at = text.index("    roles:\n", text.index(f"  - id: {TEACHER}\n")) + len("    roles:\n")
    extra = "      - role: to-truong\n        group: to-khoi-1\n        from: 2019-08-15\n"
    people.write_text(text[:at] + extra + text[at:], encoding="utf-8")
    git(teacher, "commit", "-q", "--no-verify", "-am", "Bổ sung phụ lục")
    assert push(teacher, f"{branch}:{branch}", env={"GL_USER": TEACHER}).returncode == 0

    # the tổ trưởng counter-signs the plan on the branch; the hiệu trưởng merges
    head = school[HEAD]
    git(head, "fetch", "-q", "origin")
    git(head, "switch", "-q", "-c", branch, f"refs/remotes/origin/{branch}")
    rel = gv_rel(TEACHER, "tuan-20")
    assert hoso(capsys, head, "sign", str(head / rel), "--role", "to-truong", "--p12", p12(head)).code == 0
    git(head, "commit", "-q", "--no-verify", "-am", "Ký duyệt")
    assert push(head, f"{branch}:{branch}", env={"GL_USER": HEAD}).returncode == 0
    monkeypatch.setenv("GL_USER", PRINCIPAL)
    server = server_refs(school)
    run = hoso(capsys, principal, "approve", branch)
    assert run.code != 0 and "people.yml" in run.err and plain(run.err), run.text
    assert server_refs(school) == server
    assert state(principal)[1:] == ("", "main")


# ---- self-approval and stand-ins (src/hoso/status.py), on main ----------------------------------

# (who signs, with which key file, in which role), in order
Signing = tuple[str, str, str]


def signed_on_main(
    capsys: pytest.CaptureFixture[str],
    school: dict[str, Path],
    owner: str,
    slug: str,
    signings: list[Signing],
) -> tuple[Path, str, Run]:
    """A plan of `owner` in the tổ trưởng's clone, signed in turn, judged by `hoso check`."""
    work = school[HEAD]
    rel = gv_rel(owner, slug)
    (work / rel).parent.mkdir(parents=True, exist_ok=True)
    (work / rel).write_bytes(make_pdf(f"Kế hoạch {slug}"))
    for _who, key, role in signings:
        run = hoso(capsys, work, "sign", str(work / rel), "--role", role, "--p12", p12(work, key))
        assert run.code == 0, run.text
    return work, rel, hoso(capsys, work, "check", str(work / rel), "--branch", "main")


def not_approved(run: Run) -> bool:
    """Refused on main, for a reason about who signed (never a crash or a format problem)."""
    text = run.out + run.err
    reasons = ("signatures.missing", "signatures.self-approval", "signatures.order", "signatures.untrusted")
    return run.code in (ExitCode.UNSIGNED, ExitCode.UNTRUSTED) and any(r in text for r in reasons)


def test_two_certificates_of_one_person_are_one_person(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The tổ trưởng signs his own plan with his old token as author and his new one as tổ
    trưởng: one person, whatever the certificates. Refused by check and by the server."""
    work, rel, run = signed_on_main(
        capsys, school, HEAD, "hai-the", [(HEAD, HEAD, "giao-vien"), (HEAD, "head-second", "to-truong")]
    )
    assert not_approved(run), run.text
    git(work, "add", rel)
    git(work, "commit", "-q", "--no-verify", "-m", "Kế hoạch")
    proc = push(work)
    assert proc.returncode != 0 and "signatures.self-approval" in proc.stderr, proc.stderr


@pytest.mark.parametrize(
    ("owner", "signings"),
    [
        # the seal is no person: it fills no tổ trưởng's slot
        (TEACHER, [(TEACHER, TEACHER, "giao-vien"), ("seal", "con-dau", "con-dau")]),
        # a stand-in only for a tổ trưởng's own plan: not for a teacher whose tổ trưởng is there
        (TEACHER, [(TEACHER, TEACHER, "giao-vien"), (DEPUTY, DEPUTY, "to-pho")]),
        (TEACHER, [(TEACHER, TEACHER, "giao-vien"), (PRINCIPAL, PRINCIPAL, "hieu-truong")]),
        # the tổ phó of another tổ stands in for nobody here
        (HEAD, [(HEAD, HEAD, "giao-vien"), (OTHER_DEPUTY, OTHER_DEPUTY, "to-pho")]),
        # the tổ trưởng of another tổ is not this teacher's tổ trưởng
        (TEACHER, [(TEACHER, TEACHER, "giao-vien"), (OTHER_HEAD, OTHER_HEAD, "to-truong")]),
        # out of order: the tổ trưởng before the plan was the teacher's
        (TEACHER, [(HEAD, HEAD, "to-truong"), (TEACHER, TEACHER, "giao-vien")]),
        # the author twice
        (TEACHER, [(TEACHER, TEACHER, "giao-vien"), (TEACHER, TEACHER, "giao-vien")]),
    ],
    ids=[
        "seal",
        "deputy-for-teacher",
        "principal-for-teacher",
        "other-deputy",
        "other-head",
        "order",
        "twice",
    ],
)
def test_fewer_people_than_required_never_approve(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str], owner: str, signings: list[Signing]
) -> None:
    _, _, run = signed_on_main(capsys, school, owner, "thu", signings)
    assert not_approved(run), run.text


@pytest.mark.parametrize("stand_in", [DEPUTY, PRINCIPAL])
def test_the_deputy_or_the_principal_stands_in_for_the_heads_own_plan(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str], stand_in: str
) -> None:
    role = "to-pho" if stand_in == DEPUTY else "hieu-truong"
    _, _, run = signed_on_main(
        capsys, school, HEAD, "thay", [(HEAD, HEAD, "giao-vien"), (stand_in, stand_in, role)]
    )
    assert run.code == 0, run.text


def test_a_role_that_ended_grants_nothing_even_with_a_claimed_time_inside_it(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The former tổ trưởng (until 31 January last year) signs today's plan claiming a signing
    time inside his former term (his own clock): a claim, no role."""
    from hoso.pdf.sign import sign_pdf, signer_from_keys

    s = staff()
    work = school[HEAD]
    rel = gv_rel(TEACHER, "cu")
    (work / rel).parent.mkdir(parents=True, exist_ok=True)
    in_term = datetime(date.today().year - 1, 1, 10, 9, 0)
    data = make_pdf("Kế hoạch cũ")
    for pid, role, when in (
        (TEACHER, "giao-vien", in_term),
        (FORMER, "to-truong", in_term + timedelta(days=5)),
    ):
        issued = s.issued[pid]
        signer = signer_from_keys(issued.cert, issued.key, [s.root.cert])
        data = sign_pdf(data, signer, field_name=f"Sig-{pid}-{role}", signing_time=when)
    (work / rel).write_bytes(data)
    run = hoso(capsys, work, "check", str(work / rel), "--branch", "main")
    assert not_approved(run), run.text


# ---- the trail: a rejection is a claim, and a claim about someone else's record is no event -------


def _approved_plan(capsys: pytest.CaptureFixture[str], school: dict[str, Path], owner: str, slug: str) -> str:
    work, head = school[owner], school[HEAD]
    plan = signed_plan(capsys, work, f"{slug}.pdf", f"Kế hoạch {slug}")
    branch = submit(capsys, work, plan, slug).out.strip()
    assert hoso(capsys, head, "approve", branch, "--role", "to-truong", "--p12", p12(head)).code == 0
    return gv_rel(owner, slug)


def test_a_forged_rejection_on_a_side_branch_changes_no_other_records_history(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    teacher, head, principal = school[TEACHER], school[HEAD], school[PRINCIPAL]
    theirs = _approved_plan(capsys, school, COLLEAGUE, "tuan-21")
    # the teacher, on a branch of her own, "rejects" her colleague's approved plan
    git(teacher, "fetch", "-q", "origin")
    tree = git(teacher, "rev-parse", "refs/remotes/origin/main^{tree}").stdout.strip()
    message = f"Trả lại\n\nTu-choi-boi: {HEAD}\nLy-do: Chép bài trên mạng\nTu-choi: {theirs}\n"
    forged = git(teacher, "commit-tree", tree, "-p", "refs/remotes/origin/main", "-m", message).stdout.strip()
    assert push(teacher, f"{forged}:refs/heads/nop/{TEACHER}/ghi-chu").returncode == 0
    # the principal stamps the approved plan with the seal on main (a counter-signature)
    git(principal, "pull", "-q", "--ff-only")
    assert (
        hoso(
            capsys,
            principal,
            "sign",
            str(principal / theirs),
            "--role",
            "con-dau",
            "--p12",
            p12(principal, "con-dau"),
        ).code
        == 0
    )
    git(principal, "commit", "-q", "--no-verify", "-am", "Đóng dấu")
    assert push(principal, env={"GL_USER": PRINCIPAL}).returncode == 0

    events = [e for e in events_of(capsys, head) if theirs in e["paths"]]
    kinds = [e["kind"] for e in events]
    assert "tu-choi" not in kinds and "nop-lai" not in kinds, kinds


def test_a_git_author_name_does_not_make_a_commit_someone_elses(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    teacher, head = school[TEACHER], school[HEAD]
    monkeypatch.setenv("GIT_AUTHOR_NAME", NAMES[HEAD])
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "ai-do@example.invalid")
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 22 – Toán 1A")
    assert submit(capsys, teacher, plan, "Tuần 22").code == 0
    events = [e for e in events_of(capsys, head) if e["kind"] == "nop"]
    assert events and all(e["author"] != HEAD and HEAD not in e["people"] for e in events), events


# ---- visible signatures: a later box may not hide an earlier signer's box --------------------------


def _two_visible_signatures() -> tuple[bytes, tuple[int, int, int, int]]:
    """The teacher, then the tổ trưởng, sign visibly (boxes placed by hoso on blank paper)."""
    import sigfixtures as F
    from test_placement import _sign, _widgets

    p = F.pki_fixture()
    data = _sign(F.source_pdf(), p.teacher, "Sig1-nguyen-van-an", 0)
    data = _sign(data, p.to_truong, "Sig2-le-van-cuong", 1)
    x1, y1, x2, y2 = _widgets(data)["Sig2-le-van-cuong"]
    return data, (round(x1), round(y1), round(x2), round(y2))


@pytest.mark.parametrize("cover", ["whole", "left-third"])
def test_a_later_box_may_not_hide_the_to_truongs_box(cover: str) -> None:
    """The first signer's page is protected pixel by pixel; the tổ trưởng's box, added later on
    paper that was blank then, was not: a third signer could draw white over it (and write
    another name) and the file still verified. Now refused, as any cover of signed content."""
    import sigattacks as A
    import sigfixtures as F

    from hoso.pdf.verify import verify_pdf

    data, (x1, y1, x2, y2) = _two_visible_signatures()
    box = (x1, y1, x2, y2) if cover == "whole" else (x1 - 40, y1, x1 + (x2 - x1) // 3, y2)
    forged = A.opaque_overlay(data, F.pki_fixture().hieu_truong, "Sig3-tran-thi-binh", box=box)
    verdict = verify_pdf(forged, trust_roots=F.pki_fixture().trust, people=F.people())
    assert verdict.status == "invalid", (verdict.reasons, verdict.details)
    assert "sig.appearance-covers-content" in verdict.reasons


def test_the_seal_over_the_left_third_of_a_later_signature_still_verifies() -> None:
    """NĐ 30/2020: the seal stamped over the left third of the hiệu trưởng's signature (both
    added after the first signature) is not a cover: the signature's ink stays visible."""
    import sigfixtures as F
    from test_placement import _assert_valid, _seal_png, _sign, _widgets

    p = F.pki_fixture()
    data, _ = _two_visible_signatures()
    data = _sign(data, p.hieu_truong, "Sig3-tran-thi-binh", 2)
    data = _sign(data, p.seal, "Sig4-con-dau", 3, seal=True, image=_seal_png())
    boxes = _widgets(data)
    head, seal = boxes["Sig3-tran-thi-binh"], boxes["Sig4-con-dau"]
    assert seal[0] < head[0] < seal[2] < head[2]
    _assert_valid(data, 4)


@pytest.mark.xfail(
    strict=True,
    reason="src/hoso/pdf/sign.py (not in this change): a seal image without transparency (a JPEG "
    "scan, white around the ring) is stamped over the hiệu trưởng's left third and hides part "
    "of it, which the verifier now refuses; placement does not know the image, so the seal "
    "should be drawn with its white made transparent (or placed beside)",
)
def test_an_opaque_seal_image_is_stamped_where_it_verifies() -> None:
    import sigfixtures as F
    from PIL import Image, ImageDraw
    from test_placement import _assert_valid, _sign

    scan = Image.new("RGB", (200, 200), (255, 255, 255))
    ImageDraw.Draw(scan).ellipse((8, 8, 192, 192), outline=(200, 20, 20), width=10)
    buf = io.BytesIO()
    scan.save(buf, "JPEG")
    p = F.pki_fixture()
    data, _ = _two_visible_signatures()
    data = _sign(data, p.hieu_truong, "Sig3-tran-thi-binh", 2)
    data = _sign(data, p.seal, "Sig4-con-dau", 3, seal=True, image=buf.getvalue())
    _assert_valid(data, 4)


# ---- hoso init: where the pre-commit hook comes from (PEP 610 direct_url.json) -------------------


class _Installed:
    def __init__(self, record: dict[str, object]) -> None:
        self.record = record

    def read_text(self, name: str) -> str | None:
        return json.dumps(self.record) if name == "direct_url.json" else None


def _precommit_from(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    record: dict[str, object],
) -> tuple[Run, str]:
    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: _Installed(record))
    root = tmp_path / "truong"
    run = cli(capsys, "init", str(root), "--level", "thcs")
    return run, (root / ".pre-commit-config.yaml").read_text(encoding="utf-8")


def test_a_git_url_and_commit_from_direct_url_json_name_the_hook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ruamel.yaml import YAML

    commit = "0123456789abcdef0123456789abcdef01234567"
    record = {"url": "https://git.truong.edu.vn/hoso.git", "vcs_info": {"vcs": "git", "commit_id": commit}}
    run, text = _precommit_from(tmp_path, capsys, monkeypatch, record)
    assert run.code == 0, run.text
    repos = YAML(typ="safe").load(text)["repos"]
    assert repos == [{"repo": record["url"], "rev": commit, "hooks": [{"id": "hoso-check"}]}]


@pytest.mark.parametrize(
    "record",
    [
        {
            "url": "https://git.truong.edu.vn/hoso.git\n    rev: v1\n    hooks: [{id: hoso-check}]\n"
            "  - repo: local\n    hooks: [{id: x, name: x, entry: 'curl evil', language: system}]\n"
            "  - repo: https://x",
            "vcs_info": {"vcs": "git", "commit_id": "0123456789abcdef0123456789abcdef01234567"},
        },
        {
            "url": "https://thu-ky:glpat-SECRET@git.truong.edu.vn/hoso.git",
            "vcs_info": {"vcs": "git", "commit_id": "0123456789abcdef0123456789abcdef01234567"},
        },
    ],
    ids=["line-break", "credentials"],
)
def test_a_hostile_direct_url_json_adds_no_hook_and_leaks_no_token(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    record: dict[str, object],
) -> None:
    from ruamel.yaml import YAML

    run, text = _precommit_from(tmp_path, capsys, monkeypatch, record)
    assert run.code == 0, run.text
    repos = YAML(typ="safe").load(text)["repos"]
    assert len(repos) == 1 and [h["id"] for h in repos[0]["hooks"]] == ["hoso-check"], repos
    assert "SECRET" not in text


# ---- approve / reject: what is signed, who may send back, what a failure leaves ----------------


@pytest.mark.xfail(
    strict=True,
    reason="src/hoso/commands/review.py / approve.py contract: `hoso approve BRANCH` signs the "
    "branch's tip at that moment; a version pushed after the approver's review is signed "
    "unseen (needs the reviewed commit on the command line, e.g. BRANCH@commit, or review "
    "recording what it showed — a change of the daily flow)",
)
def test_a_version_pushed_after_the_review_is_not_signed_unseen(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    teacher, head = school[TEACHER], school[HEAD]
    plan = signed_plan(capsys, teacher, "v1.pdf", "Tuần 23 – bản được xem")
    branch = submit(capsys, teacher, plan, "Tuần 23").out.strip()
    assert hoso(capsys, head, "review").code == 0
    reviewed = git(school["server"], "rev-parse", branch).stdout.strip()
    swapped = signed_plan(capsys, teacher, "v2.pdf", "Tuần 23 – bản chưa ai xem")
    assert submit(capsys, teacher, swapped, "Tuần 23").code == 0
    run = hoso(capsys, head, "approve", branch, "--role", "to-truong", "--p12", p12(head))
    if run.code == 0:
        first = git(school["server"], "rev-list", "--first-parent", "main^2").stdout.split()
        assert reviewed in first[:2], "the approval signed a version pushed after the review"


def test_the_head_of_another_to_cannot_send_a_plan_back(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    teacher = school[TEACHER]
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 24 – Toán 1A")
    branch = submit(capsys, teacher, plan, "Tuần 24").out.strip()
    server = server_refs(school)
    run = hoso(capsys, school[OTHER_HEAD], "reject", branch, "--ly-do", "Không đạt")
    assert run.code == ExitCode.UNTRUSTED, run.text
    assert server_refs(school) == server


def test_an_approval_the_server_refuses_leaves_the_approvers_clone_as_it_was(
    gitolite_school: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tổ trưởng approves from the teacher's computer (the server authenticates the teacher's
    account, which may not move main): no merge, no signed commit on any local branch, the
    tổ trưởng back on the branch he was on."""
    school = gitolite_school
    teacher, head = school[TEACHER], school[HEAD]
    monkeypatch.setenv("GL_USER", TEACHER)
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 25 – Toán 1A")
    branch = submit(capsys, teacher, plan, "Tuần 25").out.strip()
    git(head, "switch", "-q", "-c", "soan-bai")
    before = state(head)
    main_before = git(school["server"], "rev-parse", "main").stdout
    run = hoso(capsys, head, "approve", branch, "--role", "to-truong", "--p12", p12(head), "--visible")
    assert run.code != 0 and plain(run.err.split("remote:")[0]), run.text
    after = state(head)
    heads = lambda refs: {r for r in refs.splitlines() if r.startswith("refs/heads/")}  # noqa: E731
    assert heads(after[0]) == heads(before[0]) and after[1:] == before[1:]
    assert git(school["server"], "rev-parse", "main").stdout == main_before


def test_submitting_never_loses_unsaved_work(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """From main: a different draft at the record's place stays; a staged version changed again
    in the work tree keeps the change. On the branch: a newer draft in the work tree stays."""
    teacher = school[TEACHER]
    rel = gv_rel(TEACHER, "tuan-26")
    (teacher / rel).parent.mkdir(parents=True, exist_ok=True)
    draft = make_pdf("Tuần 26 – bản nháp đang soạn")
    (teacher / rel).write_bytes(draft)  # untracked, not the file submitted
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 26 – Toán 1A")
    branch = submit(capsys, teacher, plan, "Tuần 26").out.strip()
    assert (teacher / rel).read_bytes() == draft

    # staged, then changed again before submitting what is staged
    other = gv_rel(TEACHER, "tuan-27")
    (teacher / other).write_bytes(signed_plan(capsys, teacher, "b.pdf", "Tuần 27").read_bytes())
    git(teacher, "add", other)
    newer = make_pdf("Tuần 27 – đang sửa tiếp")
    (teacher / other).write_bytes(newer)
    run = hoso(capsys, teacher, "submit", "--title", "Tuần 27")
    assert run.code == 0, run.text
    assert (teacher / other).read_bytes() == newer
    assert git(teacher, "diff", "--cached", "--name-only").stdout == ""

    # on her branch, a newer draft in the work tree while a version from Tải về is submitted
    (teacher / rel).unlink()
    git(teacher, "switch", "-q", branch)
    git(teacher, "pull", "-q", "--ff-only")
    mine = make_pdf("Tuần 26 – bản 3 chưa xong")
    (teacher / rel).write_bytes(mine)
    plan = signed_plan(capsys, teacher, "bai-2.pdf", "Tuần 26 – bản 2")
    run = submit(capsys, teacher, plan, "Tuần 26")
    assert run.code == 0, run.text
    assert (teacher / rel).read_bytes() == mine
    assert (
        git(teacher, "rev-parse", "HEAD").stdout
        == git(teacher, "rev-parse", f"refs/remotes/origin/{branch}").stdout
    )


def test_a_staged_deletion_is_not_submitted_as_a_record(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """`git rm` of an approved plan, then `hoso submit` (what is staged): a deletion is no
    submission; told in words, nothing written."""
    teacher = school[TEACHER]
    rel = _approved_plan(capsys, school, TEACHER, "tuan-28")
    git(teacher, "pull", "-q", "--ff-only")
    git(teacher, "rm", "-q", rel)
    server = server_refs(school)
    run = hoso(capsys, teacher, "submit", "--title", "Xoá")
    assert run.code != 0 and plain(run.err), run.text
    assert server_refs(school) == server
    assert (
        git(teacher, "diff", "--cached", "--name-only").stdout.strip() == rel
    )  # still staged, as she left it


def test_a_people_yml_changed_in_ones_own_clone_approves_nothing(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A colleague commits, in her own clone's main, people.yml making her tổ trưởng, and
    approves the teacher's plan: `hoso approve` takes authority from the server's main, not from
    her clone, so she is no approver; nothing is signed onto the teacher's branch."""
    teacher, colleague = school[TEACHER], school[COLLEAGUE]
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 29 – Toán 1A")
    branch = submit(capsys, teacher, plan, "Tuần 29").out.strip()
    people = colleague / "people.yml"
    text = people.read_text(encoding="utf-8")
    at = text.index("    roles:\n", text.index(f"  - id: {COLLEAGUE}\n")) + len("    roles:\n")
    extra = "      - role: to-truong\n        group: to-khoi-1\n        from: 2019-08-15\n"
    people.write_text(text[:at] + extra + text[at:], encoding="utf-8")
    git(colleague, "commit", "-q", "--no-verify", "-am", "Cập nhật")
    main_before = git(school["server"], "rev-parse", "main").stdout
    run = hoso(capsys, colleague, "approve", branch, "--role", "to-truong", "--p12", p12(colleague))
    assert run.code != 0, run.text
    assert git(school["server"], "rev-parse", "main").stdout == main_before
    record = gv_rel(TEACHER, "tuan-29")
    server_copy = blob(school["server"], f"{branch}:{record}")
    assert server_copy == plan.read_bytes()  # nobody's signature was added on the server


def test_an_approver_whose_main_diverged_is_told_and_left_where_he_was(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    teacher, head = school[TEACHER], school[HEAD]
    _approved_plan(capsys, school, COLLEAGUE, "tuan-30")  # the server's main moves on…
    git(head, "reset", "-q", "--hard", "HEAD~1")  # (as if approved from another computer)
    (head / ".gitignore").write_text("*.tmp\n", encoding="utf-8")
    git(head, "commit", "-q", "--no-verify", "-am", "ghi chú riêng")  # …and so does his, unpushed
    git(head, "switch", "-q", "-c", "xem-lai")
    plan = signed_plan(capsys, teacher, "bai.pdf", "Tuần 30 – Toán 1A")
    branch = submit(capsys, teacher, plan, "Tuần 30").out.strip()
    before, server = state(head), server_refs(school)
    run = hoso(capsys, head, "approve", branch, "--role", "to-truong", "--p12", p12(head))
    assert run.code != 0 and "git pull --rebase" in run.err and plain(run.err), run.text
    after = state(head)
    heads = lambda refs: {r for r in refs.splitlines() if r.startswith("refs/heads/")}  # noqa: E731
    assert heads(after[0]) == heads(before[0]) and after[1:] == before[1:]
    assert server_refs(school) == server
