"""The common mistakes, as a user makes them, through the real command in a child process: every
message is Vietnamese (no English from a library or from git leaks through), names the file
concerned, and exits with its documented code; HOSO_LANG=en gives the same messages in English.

Test files: a copy of the demo school's configuration (catalog.yml, people.yml, locks.yml,
trust/) and of one demo record, signed with the demo PKI in scripts/demo_pki/ (demo-only keys,
passphrase "demo"); HTML_AS_PDF from conftest.py (what a browser saves from an expired download
link); configuration mistakes are made here by editing that copy; for the server hook, a school
written by `hoso init --level tieu-hoc` pushed to a new bare repository with hoso's hooks.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import HTML_AS_PDF, REPO_ROOT, Run, git, run_subprocess

from hoso.errors import ExitCode
from hoso.pdf.verify import verify_pdf

pytestmark = pytest.mark.slow

RECORD = "records/2024-2025/truong/ke-hoach-giao-duc-nha-truong/ke-hoach-giao-duc-nha-truong-2024-2025.pdf"
DEMO_KEYS = REPO_ROOT / "scripts/demo_pki/people"
PRINCIPAL_P12 = DEMO_KEYS / "nguyen-van-hai.p12"  # hiệu trưởng of the demo school
TEACHER_P12 = DEMO_KEYS / "pham-quoc-tuan.p12"
DEMO_TRUST = sorted((REPO_ROOT / "trust").glob("*.pem"))

# What a library or git says in English; none of it may reach a Vietnamese user.
ENGLISH = (
    "invalid",
    "password",
    "expected",
    "illegal",
    "header",
    "traceback",
    "error:",
    "fatal:",
    "your local changes",
    "not found",
    "could not",
    "cannot",
    "malformed",
    "mapping values",
    "block end",
    "pkcs12 data",
    "exception",
)
VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


def plain_vietnamese(run: Run, *names: str) -> None:
    """No English fragment, Vietnamese with diacritics, and every name in `names` mentioned."""
    lowered = run.text.lower()
    leaked = [word for word in ENGLISH if word in lowered]
    assert not leaked, f"English {leaked} in:\n{run.text}"
    assert VIETNAMESE.search(run.err), run.err
    for name in names:
        assert name in run.text, f"{name!r} not named in:\n{run.text}"


def hoso(cwd: Path, *args: str, lang: str = "vi", **env: str) -> Run:
    """`python -m hoso ARGS` in `cwd`, without a terminal (nothing can prompt)."""
    full = {**os.environ, **env}
    if lang == "en":
        full["HOSO_LANG"] = "en"
    return run_subprocess(list(args), cwd, full, stdin=subprocess.DEVNULL)


def sign(cwd: Path, file: str, role: str, p12: Path, passphrase: str = "demo", lang: str = "vi") -> Run:
    return hoso(
        cwd, "sign", file, "--role", role, "--p12", str(p12), lang=lang, HOSO_P12_PASSPHRASE=passphrase
    )


@pytest.fixture
def school(tmp_path: Path) -> Path:
    """The demo school's configuration and one signed record, committed in a new repository."""
    root = tmp_path / "truong"
    root.mkdir()
    for name in ("catalog.yml", "people.yml", "locks.yml"):
        shutil.copy(REPO_ROOT / name, root / name)
    shutil.copytree(REPO_ROOT / "trust", root / "trust")
    (root / RECORD).parent.mkdir(parents=True)
    shutil.copy(REPO_ROOT / RECORD, root / RECORD)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", "Trường mẫu")
    return root


@pytest.fixture
def fake_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "tai-ve" / "giao-an-tuan-5.pdf"
    path.parent.mkdir()
    path.write_bytes(HTML_AS_PDF)
    return path


def _signatures(path: Path) -> int:
    return len(verify_pdf(path.read_bytes(), trust_roots=[], people=None).signatures)


# ---- hoso sign --------------------------------------------------------------------------------


def test_wrong_p12_passphrase(school: Path) -> None:
    before = (school / RECORD).read_bytes()
    run = sign(school, RECORD, "hieu-truong", PRINCIPAL_P12, passphrase="sai")
    assert run.code == ExitCode.USAGE, run.text
    plain_vietnamese(run, "nguyen-van-hai.p12", "HOSO_P12_PASSPHRASE")
    assert "sai mật khẩu" in run.err
    assert (school / RECORD).read_bytes() == before


def test_p12_that_is_not_pkcs12(school: Path, fake_pdf: Path) -> None:
    run = sign(school, RECORD, "hieu-truong", fake_pdf)
    assert run.code == ExitCode.USAGE, run.text
    plain_vietnamese(run, "giao-an-tuan-5.pdf", "PKCS#12")


@pytest.mark.parametrize("where", ["school", "anywhere"])
def test_sign_a_file_that_is_not_a_pdf(school: Path, fake_pdf: Path, where: str) -> None:
    cwd = school if where == "school" else fake_pdf.parent
    run = sign(cwd, str(fake_pdf), "hieu-truong", PRINCIPAL_P12)
    assert run.code == ExitCode.FORMAT, run.text
    plain_vietnamese(run, str(fake_pdf), "%PDF-")
    assert "không phải tệp PDF" in run.err and "HTML" in run.err
    assert fake_pdf.read_bytes() == HTML_AS_PDF


def test_sign_a_truncated_pdf(school: Path, tmp_path: Path) -> None:
    data = (REPO_ROOT / RECORD).read_bytes()
    cut = tmp_path / "tai-do-dang.pdf"
    cut.write_bytes(data[: len(data) // 2])
    run = sign(school, str(cut), "hieu-truong", PRINCIPAL_P12)
    assert run.code == ExitCode.FORMAT, run.text
    plain_vietnamese(run, "tai-do-dang.pdf")


def test_sign_outside_any_repository_succeeds(tmp_path: Path) -> None:
    """A teacher signs in a folder of their own: no school, no `hoso init`. The certificate's
    holder names the signature; one line says the role was not checked against a people.yml."""
    folder = tmp_path / "may-ca-nhan"
    folder.mkdir()
    pdf = folder / "giao-an.pdf"
    shutil.copy(REPO_ROOT / RECORD, pdf)
    before = _signatures(pdf)
    run = sign(folder, "giao-an.pdf", "giao-vien", TEACHER_P12)
    assert run.code == ExitCode.OK, run.text
    plain_vietnamese(run, "giao-an.pdf", "people.yml")
    assert "hoso init" not in run.text
    assert "chưa được đối chiếu" in run.err and "Giáo viên" in run.err
    notes = [line for line in run.err.splitlines() if "people.yml" in line]
    assert len(notes) == 1, run.err  # said once, on one line
    assert _signatures(pdf) == before + 1
    trust = [arg for pem in DEMO_TRUST for arg in ("--trust", str(pem))]
    verified = hoso(folder, "verify", *trust, "giao-an.pdf")
    assert verified.code == ExitCode.OK, verified.text
    assert "Phạm Quốc Tuấn" in verified.out  # the certificate holder's name labels the signature


def test_sign_in_a_school_still_checks_the_role(school: Path) -> None:
    run = sign(school, RECORD, "to-truong", PRINCIPAL_P12)
    assert run.code == ExitCode.UNTRUSTED, run.text
    plain_vietnamese(run, "people.yml")
    assert "chưa được đối chiếu" not in run.text


# ---- hoso verify, hoso add -------------------------------------------------------------------


def test_verify_a_file_that_is_not_a_pdf(school: Path, fake_pdf: Path) -> None:
    for cwd in (school, fake_pdf.parent):
        run = hoso(cwd, "verify", str(fake_pdf))
        assert run.code == ExitCode.FORMAT, run.text
        plain_vietnamese(run, str(fake_pdf))


def test_add_a_file_that_is_not_a_pdf(school: Path, fake_pdf: Path) -> None:
    run = hoso(
        school,
        "add",
        str(fake_pdf),
        "--type",
        "ke-hoach-bai-day",
        "--owner",
        "pham-quoc-tuan",
        "--year",
        "2024-2025",
    )
    assert run.code == ExitCode.FORMAT, run.text
    plain_vietnamese(run, str(fake_pdf), "giao-an-tuan-5.pdf")
    assert "format.not-pdf" in run.text
    assert git(school, "status", "--porcelain").stdout == ""  # nothing staged, nothing written


def test_add_an_unknown_type(school: Path, fake_pdf: Path) -> None:
    run = hoso(school, "add", str(fake_pdf), "--type", "khong-co", "--year", "2024-2025")
    assert run.code == ExitCode.USAGE, run.text
    plain_vietnamese(run, "khong-co", "catalog.yml")


# ---- configuration files ----------------------------------------------------------------------

# (file, text replaced, replacement, line of the mistake, words the message must use)
YAML_MISTAKES = [
    ("catalog.yml", "\n  level: thcs\n", "\n    level: thcs\n", "level: thcs", "dấu hai chấm"),
    ("people.yml", "\n  - id: nguyen-van-hai\n", "\n\t- id: nguyen-van-hai\n", "id: nguyen-van-hai", "Tab"),
    (
        "people.yml",
        "\n    name: Nguyễn Văn Hải\n",
        "\n    name Nguyễn Văn Hải\n",
        "name Nguyễn Văn Hải",
        "thiếu dấu hai chấm",
    ),
    ("catalog.yml", "\n  level: thcs\n", "\n level: thcs\n", "level: thcs", "thụt lề"),
]


@pytest.mark.parametrize(
    ("name", "old", "new", "at", "words"), YAML_MISTAKES, ids=["colon", "tab", "missing-colon", "indent"]
)
@pytest.mark.parametrize("command", [["validate-config"], ["check", "--all"]], ids=["validate", "check"])
def test_malformed_configuration(
    school: Path, command: list[str], name: str, old: str, new: str, at: str, words: str
) -> None:
    path = school / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = next(i for i, row in enumerate(new.join(text.split(old, 1)).splitlines(), 1) if at in row)
    run = hoso(school, *command)
    assert run.code == ExitCode.CONFIG, run.text
    plain_vietnamese(run, f"{name}:{line}: lỗi: sai cú pháp YAML", "cột ")
    assert words in run.err


# ---- submitting and approving -----------------------------------------------------------------


def test_approve_reject_submit_misuse(school: Path) -> None:
    p12 = ["--p12", str(PRINCIPAL_P12)]
    who = ["--person", "nguyen-van-hai"]
    cases: list[tuple[list[str], ExitCode, str]] = [
        (
            ["approve", "nop/pham-quoc-tuan/khong-co", "--role", "hieu-truong", *p12, *who],
            ExitCode.NOT_FOUND,
            "nop/pham-quoc-tuan/khong-co",
        ),
        (
            ["reject", "nop/pham-quoc-tuan/khong-co", "--ly-do", "Thiếu mục tiêu", *who],
            ExitCode.NOT_FOUND,
            "nop/pham-quoc-tuan/khong-co",
        ),
        (["reject", "main", "--ly-do", "Thiếu mục tiêu", *who], ExitCode.USAGE, "main"),
        (["reject", "nop/pham-quoc-tuan/bai-1", *who], ExitCode.USAGE, "--ly-do"),
        (["submit", "khong-co.pdf", "--person", "pham-quoc-tuan"], ExitCode.NOT_FOUND, "khong-co.pdf"),
    ]
    for args, code, named in cases:
        run = hoso(school, *args, HOSO_P12_PASSPHRASE="demo")
        assert run.code == code, (args, run.text)
        plain_vietnamese(run, named)


def test_approve_with_uncommitted_changes(school: Path) -> None:
    with (school / "people.yml").open("a", encoding="utf-8") as f:
        f.write("# ghi chú\n")
    key = ["--role", "hieu-truong", "--p12", str(PRINCIPAL_P12)]
    run = hoso(school, "approve", "nop/pham-quoc-tuan/bai-1", *key, "--person", "nguyen-van-hai")
    assert run.code == ExitCode.FAILED, run.text
    plain_vietnamese(run, "git stash")


def test_submit_a_file_that_is_not_a_pdf(school: Path, fake_pdf: Path) -> None:
    what = ["--type", "ke-hoach-bai-day", "--title", "Tuần 5", "--year", "2024-2025"]
    run = hoso(school, "submit", str(fake_pdf), *what, "--person", "pham-quoc-tuan")
    assert run.code == ExitCode.FORMAT, run.text
    plain_vietnamese(run, "format.not-pdf")
    assert git(school, "branch", "--list").stdout.split() == ["*", "main"]  # no submission branch left


# ---- English --------------------------------------------------------------------------------


def test_english_when_asked(school: Path, fake_pdf: Path, tmp_path: Path) -> None:
    run = sign(school, RECORD, "hieu-truong", PRINCIPAL_P12, passphrase="sai", lang="en")
    assert run.code == ExitCode.USAGE and "wrong .p12 passphrase" in run.err, run.text
    assert "nguyen-van-hai.p12" in run.err and not VIETNAMESE.search(run.err.replace("Trường", ""))

    run = sign(school, str(fake_pdf), "hieu-truong", PRINCIPAL_P12, lang="en")
    assert run.code == ExitCode.FORMAT and "not a PDF file" in run.err and "%PDF-" in run.err, run.text

    people = school / "people.yml"
    text = people.read_text(encoding="utf-8")
    people.write_text(text.replace("\n  - id:", "\n\t- id:", 1), encoding="utf-8")
    run = hoso(school, "validate-config", lang="en")
    assert run.code == ExitCode.CONFIG and "YAML syntax error (column 1: a Tab character" in run.err, run.text

    folder = tmp_path / "rieng"
    folder.mkdir()
    shutil.copy(REPO_ROOT / RECORD, folder / "plan.pdf")
    run = sign(folder, "plan.pdf", "giao-vien", TEACHER_P12, lang="en")
    assert run.code == ExitCode.OK, run.text
    assert "the role was not checked against any school's people.yml" in run.err


# ---- hoso init --------------------------------------------------------------------------------


def test_init_where_a_file_is_in_the_way(tmp_path: Path) -> None:
    blocker = tmp_path / "truong-moi"
    blocker.write_text("một tệp, không phải thư mục\n", encoding="utf-8")
    run = hoso(tmp_path, "init", str(blocker / "kho"), "--level", "tieu-hoc")
    assert run.code == ExitCode.FAILED, run.text
    plain_vietnamese(run, str(blocker / "kho"), "hoso init")
    assert not (blocker.parent / "kho").exists()


# ---- the server hook ------------------------------------------------------------------------


def test_first_push_says_what_it_accepted_as_information(tmp_path: Path) -> None:
    """The founding push and a configuration change on a submission branch are accepted: the
    lines about them read as information, never in a refusal's `path: rule: …` shape."""
    work = tmp_path / "truong"
    assert hoso(tmp_path, "init", str(work), "--level", "tieu-hoc").code == ExitCode.OK
    git(work, "add", "-A")
    git(work, "commit", "-q", "--no-verify", "-m", "hoso init")
    bare = tmp_path / "truong.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    assert hoso(tmp_path, "install-server-hook", str(bare)).code == ExitCode.OK

    founding = git(work, "push", str(bare), "HEAD:main", check=False)
    assert founding.returncode == 0, founding.stderr
    notes = [line for line in founding.stderr.splitlines() if "history.governance" in line]
    assert notes and all(line.startswith("remote: ℹ thông tin: ") for line in notes), founding.stderr
    assert "lần push đầu tiên" in founding.stderr and "được nhận" in founding.stderr

    with (work / "people.yml").open("a", encoding="utf-8") as f:
        f.write("# thêm tổ khối 6 vào năm sau\n")
    git(work, "commit", "-q", "--no-verify", "-am", "Sửa people.yml")
    branch = git(work, "push", str(bare), "HEAD:refs/heads/nop/ho-ten-giao-vien/sua-cau-hinh", check=False)
    assert branch.returncode == 0, branch.stderr
    (note,) = [line for line in branch.stderr.splitlines() if "history.governance" in line]
    assert note.startswith("remote: ℹ thông tin: people.yml: ") and "được nhận trên nhánh" in note, note
    assert "nop/ho-ten-giao-vien/sua-cau-hinh" in note
