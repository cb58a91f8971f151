"""A new tiểu học school's daily work, between real clones and a real server with hoso's hook.

init (branch main) → a teacher signs and adds a plan on her own branch → submits a file from
her downloads folder → the tổ trưởng reviews and rejects it with a reason → the teacher sees
why → resubmits from main → a tổ trưởng of another tổ cannot approve it and leaves nothing →
her tổ trưởng approves with a visible counter-signature → the server accepts the merge → the
record is đã duyệt, with its Vietnamese title, in index.json, on its page and in the bundle,
and `hoso log --format json` names the approver in Vietnam time. Then self-approval: the tổ
trưởng's own plan needs another approver.

Test files: staff certificates from a test PKI made at test time (tests/sigfixtures.py's
pki helpers); PDFs drawn with ReportLab (conftest.make_pdf) in a "Tải về" folder outside every
repository; signatures made by `hoso sign` with PKCS#12 files written at test time.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from conftest import Run, cli, make_pdf
from servers import git, push

from hoso.errors import ExitCode
from hoso.pdf import pki
from hoso.records import school_year_of

PASS = "mat-khau-thu"
SCHOOL = "Trường Tiểu học Thử Nghiệm"
TITLE = "Tuần 5 – Tiếng Việt 1A"
SLUG = "tuan-5-tieng-viet-1a"
REASON = "Thiếu mục tiêu bài học"
TEACHER, HEAD, OTHER_HEAD, PRINCIPAL = "tran-thi-hoa", "le-van-nam", "pham-thi-lan", "vo-van-minh"
NAMES = {
    TEACHER: "Trần Thị Hoa",
    HEAD: "Lê Văn Nam",
    OTHER_HEAD: "Phạm Thị Lan",
    PRINCIPAL: "Võ Văn Minh",
}
# English a library or git would print; none may reach a Vietnamese message
ENGLISH = re.compile(
    r"\b(error|fatal|invalid|not found|failed|Traceback|overwritten|expected|Illegal|local changes)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Staff:
    root: pki.Issued
    issued: dict[str, pki.Issued]
    seal: pki.Issued


@cache
def staff() -> Staff:
    root = pki.make_root_ca("Test Root CA", key_type="rsa2048")
    people = {pid: pki.make_person_cert(name, pid, root) for pid, name in NAMES.items()}
    return Staff(root, people, pki.make_seal_cert(SCHOOL, root, org_id="79000002"))


def people_yml(s: Staff) -> str:
    def person(pid: str, roles: str) -> str:
        return (
            f"  - id: {pid}\n    name: {NAMES[pid]}\n    email: {pid}@truong-thu.edu.vn\n"
            f'    certificates:\n      - sha256: "{s.issued[pid].fingerprint}"\n    roles:\n{roles}'
        )

    teaches = "      - role: giao-vien\n        group: {g}\n        from: 2020-08-15\n"
    heads = "      - role: to-truong\n        group: {g}\n        from: 2020-08-15\n"
    return (
        "version: 1\ngroups:\n  - id: to-khoi-1\n    name: Tổ khối 1\n"
        "  - id: to-khoi-2\n    name: Tổ khối 2\npeople:\n"
        + person(TEACHER, teaches.format(g="to-khoi-1"))
        + person(HEAD, teaches.format(g="to-khoi-1") + heads.format(g="to-khoi-1"))
        + person(OTHER_HEAD, teaches.format(g="to-khoi-2") + heads.format(g="to-khoi-2"))
        + person(PRINCIPAL, "      - role: hieu-truong\n        from: 2019-08-01\n")
        + f'seal:\n  name: {SCHOOL}\n  certificates:\n    - sha256: "{s.seal.fingerprint}"\n'
    )


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commits dated now: signatures are made with the real clock and may not postdate them."""
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
    monkeypatch.setenv("GIT_AUTHOR_DATE", stamp)
    monkeypatch.setenv("GIT_COMMITTER_DATE", stamp)


@pytest.fixture
def school(tmp_path: Path, now: None, capsys: pytest.CaptureFixture[str]) -> dict[str, Path]:
    """A bare server with hoso's hooks, founded by `hoso init --level tieu-hoc`; one clone each."""
    s = staff()
    bare = tmp_path / "truong.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    assert cli(capsys, "install-server-hook", str(bare)).code == 0
    seed = tmp_path / "khoi-tao"
    run = cli(capsys, "init", str(seed), "--level", "tieu-hoc", "--name", SCHOOL)
    assert run.code == 0, run.text
    (seed / "people.yml").write_text(people_yml(s), encoding="utf-8")
    pki.write_cert_pem(seed / "trust" / "test-root.pem", s.root.cert)
    assert git(seed, "symbolic-ref", "--short", "HEAD").stdout.strip() == "main"
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "--no-verify", "-m", "Khởi tạo kho hồ sơ")
    git(seed, "remote", "add", "origin", str(bare))
    proc = push(seed)
    assert proc.returncode == 0, proc.stderr
    clones = {"server": bare, "downloads": tmp_path / "Tải về"}
    clones["downloads"].mkdir()
    for pid in NAMES:
        work = tmp_path / pid
        git(tmp_path, "clone", "-q", str(bare), str(work))
        git(work, "config", "user.name", NAMES[pid])
        git(work, "config", "user.email", f"{pid}@truong-thu.edu.vn")  # whoami: people.yml's e-mail
        p12 = tmp_path / f"{pid}.p12"
        pki.write_pkcs12(p12, s.issued[pid], chain=[s.root.cert], passphrase=PASS)
        clones[pid] = work
    return clones


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSO_P12_PASSPHRASE", PASS)


def hoso(capsys: pytest.CaptureFixture[str], where: Path, *args: str) -> Run:
    run = cli(capsys, "-C", str(where), *args)
    assert "Traceback" not in run.text, run.text
    return run


def p12(work: Path) -> str:
    return str(work.parent / f"{work.name}.p12")


def refs_and_status(work: Path) -> tuple[str, str]:
    return git(work, "for-each-ref").stdout, git(work, "status", "--porcelain").stdout


def signature_rects(data: bytes) -> list[tuple[float, float, float, float]]:
    from pypdf import PdfReader

    rects = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            field = annot.get("/Parent", annot).get_object() if "/FT" not in annot else annot
            if field.get("/FT") == "/Sig" and annot.get("/Rect"):
                x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
                if x2 - x1 > 1 and y2 - y1 > 1:  # a visible widget
                    rects.append((min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)))
    return rects


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_submit_reject_resubmit_approve_as_a_new_school(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    year = school_year_of(datetime.now().date())
    teacher, head, other = school[TEACHER], school[HEAD], school[OTHER_HEAD]
    downloads = school["downloads"]
    rel = f"records/{year}/gv/{TEACHER}/ke-hoach-bai-day/{SLUG}.pdf"

    # a plan awaiting its tổ trưởng: normal on her own branch, refused on main with the way forward
    draft = downloads / "giao an nhap.pdf"
    draft.write_bytes(make_pdf("Bản nháp tuần 4"))
    assert hoso(capsys, teacher, "sign", str(draft), "--role", "giao-vien", "--p12", p12(teacher)).code == 0
    add = ("add", str(draft), "--type", "ke-hoach-bai-day", "--owner", TEACHER, "--year", year)
    run = hoso(capsys, teacher, *add, "--no-stage")
    assert run.code == ExitCode.UNSIGNED and "hoso submit" in run.err, run.text
    assert not list((teacher / "records").rglob("*.pdf"))  # nothing half-written
    git(teacher, "switch", "-q", "-c", "soan-bai")
    run = hoso(capsys, teacher, *add, "--title", "Bản nháp tuần 4")
    assert run.code == 0 and "signatures.missing" in run.err, run.text
    git(teacher, "commit", "-q", "--no-verify", "-m", "nháp")
    git(teacher, "switch", "-q", "main")

    # she signs (visibly) the plan in her downloads folder and submits it from there
    plan = downloads / "giao-an.pdf"
    plan.write_bytes(_untitled_pdf("Tuần 5 – Tiếng Việt 1A, bản 1"))
    sign = ("sign", str(plan), "--role", "giao-vien", "--p12", p12(teacher), "--visible")
    assert hoso(capsys, teacher, *sign).code == 0
    submit = ("submit", str(plan), "--type", "ke-hoach-bai-day", "--year", year, "--title", TITLE)
    run = hoso(capsys, teacher, *submit)
    assert run.code == 0, run.text
    branch = run.out.strip()
    assert branch == f"nop/{TEACHER}/{SLUG}"
    assert (
        refs_and_status(teacher)[1] == ""
        and git(teacher, "branch", "--show-current").stdout.strip() == "main"
    )
    assert git(school["server"], "cat-file", "-e", f"{branch}:{rel}", check=False).returncode == 0

    # the tổ trưởng reviews and sends it back with a reason
    run = hoso(capsys, head, "review")
    assert branch in run.out and "Chờ duyệt" in run.out, run.text
    assert hoso(capsys, head, "reject", branch, "--ly-do", REASON).code == 0

    # the teacher sees why, and resubmits a new version from main
    run = hoso(capsys, teacher, "status")
    assert REASON in run.out and NAMES[HEAD] in run.out, run.text
    plan.write_bytes(_untitled_pdf("Tuần 5 – Tiếng Việt 1A, bản 2: có mục tiêu bài học"))
    assert hoso(capsys, teacher, *sign).code == 0
    run = hoso(capsys, teacher, *submit)
    assert run.code == 0 and run.out.strip() == branch, run.text
    assert REASON in run.err  # she is told the new version answers that rejection
    assert not ENGLISH.search(run.err), run.err
    assert (
        refs_and_status(teacher)[1] == ""
        and git(teacher, "branch", "--show-current").stdout.strip() == "main"
    )
    run = hoso(capsys, teacher, "status")
    assert REASON not in run.out, run.text  # the answer supersedes the rejection

    # a tổ trưởng of another tổ is told plainly, and nothing is left behind
    before = refs_and_status(other)
    server_before = git(school["server"], "for-each-ref").stdout
    run = hoso(capsys, other, "approve", branch, "--role", "to-truong", "--p12", p12(other), "--visible")
    assert run.code == ExitCode.UNTRUSTED, run.text
    assert "không phải tổ trưởng của" in run.err and NAMES[TEACHER] in run.err and "Tổ khối 1" in run.err
    assert not ENGLISH.search(run.err), run.err
    assert refs_and_status(other)[1] == before[1]
    assert {r for r in refs_and_status(other)[0].splitlines() if "refs/heads" in r} == {
        r for r in before[0].splitlines() if "refs/heads" in r
    }
    assert git(school["server"], "for-each-ref").stdout == server_before

    # her tổ trưởng approves with a visible counter-signature; the server's hook accepts it
    run = hoso(capsys, head, "approve", branch, "--role", "to-truong", "--p12", p12(head), "--visible")
    assert run.code == 0, run.text
    data = _blob(school["server"], f"main:{rel}")
    rects = signature_rects(data)
    assert len(rects) == 2 and not overlap(rects[0], rects[1]), rects
    assert "Duyet-boi: " + HEAD in git(school["server"], "log", "-1", "--format=%B", "main").stdout

    # what an inspector sees: status, the title with its diacritics, who signed as what
    git(head, "switch", "-q", "main")
    git(head, "pull", "-q", "--ff-only")
    site = tmp_path / "site"
    run = hoso(capsys, head, "site", "build", "--out", str(site))
    assert run.code == 0, run.text
    index = json.loads((site / "index.json").read_text(encoding="utf-8"))
    record = next(r for r in index["records"] if r["path"] == rel)
    assert record["status"] == "da-duyet" and record["title"] == TITLE
    assert [s["capacity"] for s in record["signers"]] == ["chu-so-huu", "to-truong-cua-chu-so-huu"]
    assert [s["capacity_name"] for s in record["signers"]] == ["Người lập", "Tổ trưởng Tổ khối 1"]
    page = _page_holding(site, rel)
    assert TITLE in page and "Người lập" in page and "Tổ trưởng Tổ khối 1" in page
    assert "to-khoi-1" not in _signature_tables(page)

    out = tmp_path / "so.pdf"
    assert hoso(capsys, head, "bundle", "--year", year, "--out", str(out)).code == 0
    assert TITLE in _pdf_text(out.read_bytes())

    # the audit trail: in order, in words, with names and Vietnam time
    run = hoso(capsys, head, "log", "--format", "json")
    events = [e for e in json.loads(run.out)["events"] if rel in e["paths"]]
    kinds = [e["kind"] for e in events]
    assert kinds[:1] == ["nop"] and "nop-lai" in kinds and kinds[-1] == "duyet", kinds
    assert kinds.index("nop-lai") < kinds.index("ky-bo-sung") < kinds.index("duyet"), kinds
    approval = events[-1]
    assert approval["names"][HEAD] == NAMES[HEAD] and approval["date"].endswith("+07:00")
    assert all(e["date"].endswith("+07:00") for e in events)
    run = hoso(capsys, head, "log")
    assert (
        NAMES[HEAD] in run.out and "nộp lại" in run.out and "ký bổ sung" not in _line_of(run.out, "nộp lại")
    )


def test_self_approval_is_refused_by_default(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    year = school_year_of(datetime.now().date())
    head, principal = school[HEAD], school[PRINCIPAL]
    plan = school["downloads"] / "ke-hoach-cua-to-truong.pdf"
    plan.write_bytes(make_pdf("Tuần 6 – Toán 1A"))
    assert hoso(capsys, head, "sign", str(plan), "--role", "giao-vien", "--p12", p12(head)).code == 0
    run = hoso(capsys, head, "submit", str(plan), "--type", "ke-hoach-bai-day", "--year", year)
    assert run.code == 0, run.text
    branch = run.out.strip()

    # a teacher may not send a colleague's work back: rejecting is an approver's act
    run = hoso(capsys, school[TEACHER], "reject", branch, "--ly-do", "không thích")
    assert run.code == ExitCode.UNTRUSTED and NAMES[TEACHER] in run.err, run.text

    before = refs_and_status(head)
    run = hoso(capsys, head, "approve", branch, "--role", "to-truong", "--p12", p12(head))
    assert run.code == ExitCode.UNSIGNED and "tự duyệt" in run.err, run.text
    assert refs_and_status(head) == before  # nothing signed, nothing committed

    # the hiệu trưởng stands in for the tổ trưởng who wrote the plan
    run = hoso(capsys, principal, "approve", branch, "--role", "hieu-truong", "--p12", p12(principal))
    assert run.code == 0, run.text


def test_self_signed_record_is_refused_on_main_unless_the_catalog_allows_it(
    school: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The attack: the tổ trưởng signs his own plan twice (as author and as tổ trưởng) and
    commits it straight to main: the hook refuses it; `self_approval: true` lets it through."""
    year = school_year_of(datetime.now().date())
    head = school[HEAD]
    rel = f"records/{year}/gv/{HEAD}/ke-hoach-bai-day/tuan-7.pdf"
    (head / rel).parent.mkdir(parents=True)
    (head / rel).write_bytes(make_pdf("Tuần 7 – Toán 1A"))
    for role in ("giao-vien", "to-truong"):
        assert hoso(capsys, head, "sign", str(head / rel), "--role", role, "--p12", p12(head)).code == 0
    run = hoso(capsys, head, "check", str(head / rel), "--branch", "main")
    assert run.code == ExitCode.UNSIGNED and "signatures.self-approval" in run.out + run.err, run.text
    git(head, "add", "-A")
    git(head, "commit", "-q", "--no-verify", "-m", "tự duyệt")
    proc = push(head)
    assert proc.returncode != 0 and "signatures.self-approval" in proc.stderr

    catalog = head / "catalog.yml"
    text = catalog.read_text(encoding="utf-8")
    assert "  self_approval: false" in text
    catalog.write_text(text.replace("  self_approval: false", "  self_approval: true", 1), encoding="utf-8")
    run = hoso(capsys, head, "check", str(head / rel), "--branch", "main")
    assert run.code == 0, run.text


# ---- helpers ------------------------------------------------------------------------------------


def _untitled_pdf(text: str) -> bytes:
    """A PDF whose metadata names no title (ReportLab writes "untitled"): the title must come
    from what the teacher typed."""
    from conftest import _register_font
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setFont(_register_font(), 14)
    c.drawString(60, 800, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def _blob(repo: Path, spec: str) -> bytes:
    import subprocess

    return subprocess.run(["git", "cat-file", "blob", spec], cwd=repo, capture_output=True, check=True).stdout


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _page_holding(site: Path, rel: str) -> str:
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if f'data-hoso-record="{rel}"' in text:
            return text
    raise AssertionError(f"no page holds {rel}")


def _signature_tables(page: str) -> str:
    return " ".join(re.findall(r'<table class="hoso-signature.*?</table>', page, re.S))


def _line_of(text: str, word: str) -> str:
    return next((line for line in text.splitlines() if word in line), "")
