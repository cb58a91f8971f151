"""Shared fixtures: an isolated environment, a school repository, test files made at test time.

Where every test file comes from (nothing binary is checked in; all of it is generated here,
at test time, deterministically):

* ``make_pdf()``: a one-page A4 PDF drawn with reportlab (``invariant=1``, so the bytes are the
  same on every run), Vietnamese text set in ``src/hoso/data/fonts/DejaVuSans.ttf``.
* ``encrypted_pdf()``: ``make_pdf()`` re-written by pypdf's ``PdfWriter.encrypt`` (user password).
* ``truncated_pdf()``: the first half of ``make_pdf()``, so the ``%%EOF`` trailer is gone.
* ``zero_page_pdf()``: a hand-written PDF whose page tree is ``/Type /Pages /Kids [] /Count 0``,
  with a correct cross-reference table and ``%%EOF``.
* ``HTML_AS_PDF``: a small HTML page (what a browser saves when a download link has expired).
* ``LFS_POINTER``: the text of a Git LFS pointer file (what a clone without git-lfs contains).
* ``PEOPLE_YML``: a small people.yml written for these tests (2 tổ, a hiệu trưởng, a tổ
  trưởng, 2 teachers, a seal). Certificate fingerprints are SHA-256 digests of fixed strings:
  they look like real fingerprints but belong to no certificate.
* ``catalog.yml``, ``locks.yml`` and the rest come from the real ``hoso init --level thcs``.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from hoso.cli import main

REPO_ROOT = Path(__file__).resolve().parents[1]
FONT = REPO_ROOT / "src" / "hoso" / "data" / "fonts" / "DejaVuSans.ttf"
VENV_BIN = Path(sys.executable).parent

YEAR = "2024-2025"
HIEU_TRUONG = "tran-thi-binh"
TO_TRUONG = "le-van-cuong"
GV_ONE_YEAR = "pham-thi-dung"  # giáo viên only from 2024-08-15 to 2025-07-31 (năm học 2024-2025)
GV = "nguyen-van-an"  # giáo viên since 2022
GROUP_TN = "to-khoa-hoc-tu-nhien"
GROUP_XH = "to-khoa-hoc-xa-hoi"


def fingerprint(label: str) -> str:
    """A 64-hex string shaped like a certificate's SHA-256 fingerprint (no certificate behind it)."""
    return hashlib.sha256(label.encode()).hexdigest()


PEOPLE_YML = f"""\
# people.yml written by tests/conftest.py
version: 1
groups:
  - id: {GROUP_TN}
    name: Tổ Khoa học Tự nhiên
    kind: chuyen-mon
    from: 2015-08-01
  - id: {GROUP_XH}
    name: Tổ Khoa học Xã hội
    kind: chuyen-mon
people:
  - id: {HIEU_TRUONG}
    name: Trần Thị Bình
    roles:
      - role: hieu-truong
        from: 2020-08-01
    certificates:
      - sha256: "{fingerprint("hieu-truong")}"
        label: USB token
  - id: {TO_TRUONG}
    name: Lê Văn Cường
    roles:
      - role: to-truong
        group: {GROUP_TN}
        from: 2021-08-01
    certificates:
      - sha256: "{fingerprint("to-truong")}"
  - id: {GV_ONE_YEAR}
    name: Phạm Thị Dung
    roles:
      - role: giao-vien
        group: {GROUP_XH}
        from: 2024-08-15
        until: 2025-07-31
    certificates:
      - sha256: "{fingerprint("gv-dung")}"
  - id: {GV}
    name: Nguyễn Văn An
    roles:
      - role: giao-vien
        group: {GROUP_TN}
        from: 2022-08-01
      - role: gvcn
        class: 6A
        from: 2024-09-05
        until: 2025-05-31
    certificates:
      - sha256: "{fingerprint("gv-an")}"
seal:
  name: Trường THCS Thử Nghiệm
  certificates:
    - sha256: "{fingerprint("con-dau")}"
      label: Chứng thư số của nhà trường
"""

HTML_AS_PDF = (
    b"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>H\xe1\xbb\x93 s\xc6\xa1</title></head>"
    b"<body><p>Phi\xc3\xaan \xc4\x91\xc4\x83ng nh\xe1\xba\xadp \xc4\x91\xc3\xa3 h\xe1\xba\xbft h\xe1\xba\xa1n"
    b"</p></body></html>\n"
)
LFS_POINTER = (
    b"version https://git-lfs.github.com/spec/v1\n"
    b"oid sha256:" + fingerprint("lfs-object").encode() + b"\n"
    b"size 48213\n"
)


# ---- environment -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME, git config and pre-commit's store in a temp folder; author and dates pinned."""
    base = tmp_path_factory.mktemp("env")
    home = base / "home"
    template = base / "git-template"  # empty: no sample hooks, no description file
    home.mkdir()
    template.mkdir()
    for name in list(os.environ):
        if name.startswith("GIT_") or name.startswith("HOSO_"):
            monkeypatch.delenv(name)
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
        "GIT_TEMPLATE_DIR": str(template),
        "GIT_AUTHOR_NAME": "Trần Thị Bình",
        "GIT_AUTHOR_EMAIL": "hieutruong@example.edu.vn",
        "GIT_AUTHOR_DATE": "2025-09-05T08:00:00+07:00",
        "GIT_COMMITTER_NAME": "Trần Thị Bình",
        "GIT_COMMITTER_EMAIL": "hieutruong@example.edu.vn",
        "GIT_COMMITTER_DATE": "2025-09-05T08:00:00+07:00",
        # quiet `git init` hints; no signing whatever the machine's config says
        "GIT_CONFIG_COUNT": "2",
        "GIT_CONFIG_KEY_0": "init.defaultBranch",
        "GIT_CONFIG_VALUE_0": "main",
        "GIT_CONFIG_KEY_1": "commit.gpgSign",
        "GIT_CONFIG_VALUE_1": "false",
        "PRE_COMMIT_HOME": str(base / "pre-commit-home"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    # The venv's executables (hoso, pre-commit) first: the hook's `entry: hoso check --staged`
    # is looked up on PATH by pre-commit (language: system).
    monkeypatch.setenv("PATH", f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    return base


# ---- running hoso --------------------------------------------------------------------------


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    """In-process CLI: hoso.cli.main([...]) with stdout/stderr captured."""
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def run_subprocess(
    args: Sequence[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    python_flags: Sequence[str] = (),
    *,
    stdin: int | None = None,
    timeout: float = 120,
) -> Run:
    """`python -m hoso ...` in a child process, as a user would run it (`stdin`: a file
    descriptor such as a pseudo-terminal, or subprocess.DEVNULL; None inherits ours)."""
    proc = subprocess.run(
        [sys.executable, *python_flags, "-m", "hoso", *args],
        cwd=cwd,
        env=env,
        stdin=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=check, timeout=120)


# ---- test files ------------------------------------------------------------------------------


@functools.cache
def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    return "DejaVuSans"


@functools.cache
def make_pdf(title: str = "Kế hoạch bài dạy Tuần 5 – Toán 6A") -> bytes:
    """One A4 page of Vietnamese text in DejaVu Sans; identical bytes on every run."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _register_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(title)
    c.setFont(font, 14)
    lines = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập – Tự do – Hạnh phúc",
        title,
        "Giáo viên: Nguyễn Văn An — Tổ Khoa học Tự nhiên",
        "Mục tiêu: học sinh hiểu phép cộng phân số; vận dụng được vào bài tập.",
    ]
    y = 800.0
    for line in lines:
        c.drawString(60, y, line)
        y -= 24
    c.showPage()
    c.save()
    return buf.getvalue()


@functools.cache
def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    writer.encrypt(user_password="mat-khau", owner_password="mat-khau-chu", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf() -> bytes:
    data = make_pdf()
    return data[: len(data) // 2]


def zero_page_pdf() -> bytes:
    """A syntactically valid PDF with an empty page tree (/Count 0, no /Kids)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# ---- a school repository ----------------------------------------------------------------------


def gv_path(person: str, type_id: str = "ke-hoach-bai-day", slug: str = "bai-1", year: str = YEAR) -> str:
    return f"records/{year}/gv/{person}/{type_id}/{slug}.pdf"


@dataclass
class School:
    root: Path

    def write(self, rel: str, data: bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def edit(self, rel: str, old: str, new: str) -> None:
        text = self.read(rel)
        assert old in text, f"{old!r} not in {rel}"
        (self.root / rel).write_text(text.replace(old, new, 1), encoding="utf-8")

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return git(self.root, *args, check=check)

    def stage(self, *rels: str) -> None:
        self.git("add", "--", *rels)

    def commit(self, message: str = "thêm hồ sơ") -> None:
        self.git("commit", "-q", "--no-verify", "-m", message)

    def add_type_for_other_level(self) -> str:
        """Append a mầm non record type to this THCS catalog (init left it out on purpose)."""
        text = self.read("catalog.yml")
        text += (
            "  - id: ho-so-quan-ly-tre\n"
            "    name: Hồ sơ quản lý trẻ em\n"
            "    owner: truong\n"
            "    period: nam-hoc\n"
            "    levels: [mam-non]\n"
            "    retention:\n"
            "      keep: 10\n"
            "      source: Thông tư 08/2025/TT-BGDĐT\n"
            "    signers: [hieu-truong]\n"
        )
        (self.root / "catalog.yml").write_text(text, encoding="utf-8")
        return "ho-so-quan-ly-tre"


def make_school(root: Path, level: str = "thcs") -> School:
    assert main(["init", str(root), "--level", level, "--name", "Trường THCS Thử Nghiệm"]) == 0
    (root / "people.yml").write_text(PEOPLE_YML, encoding="utf-8")
    # These schools test placement, format and hygiene with unsigned PDFs: a record awaiting
    # signatures is a warning here, not an error. Signatures are tested in test_signatures_rule.py
    # and test_verify.py with PDFs signed by a test PKI.
    catalog = root / "catalog.yml"
    text = catalog.read_text(encoding="utf-8")
    assert "pending_on_main: false" in text
    catalog.write_text(text.replace("pending_on_main: false", "pending_on_main: true", 1), encoding="utf-8")
    school = School(root)
    school.git("add", "-A")
    school.git("commit", "-q", "--no-verify", "-m", "hoso init --level " + level)
    return school


_TEMPLATES: dict[str, Path] = {}  # one pristine school per level and test process, copied per test


@pytest.fixture
def school_repo(
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    isolated_env: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[School]:
    """A committed THCS school repository from `hoso init --level thcs`, cwd set to it.

    The first test of a process builds it for real (init, people.yml, commit, all with the pinned
    environment); later tests get a copy of that repository, which is byte-for-byte what a new
    build would give, in a fraction of the time.
    """
    template = _TEMPLATES.get("thcs")
    if template is None:
        template = make_school(tmp_path_factory.mktemp("template") / "truong").root
        _TEMPLATES["thcs"] = template
    root = tmp_path / "truong"
    shutil.copytree(template, root, symlinks=True)
    school = School(root)
    monkeypatch.chdir(school.root)
    yield school
