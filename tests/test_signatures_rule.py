"""The "signatures" rule of `hoso check`: required signers present, in order, intact and trusted.

Test files, all made at test time (nothing binary is checked in):

* the school: the real `hoso init --level thcs` (its catalog.yml as shipped: `pending_on_main:
  false`, protected branch `main`), then `PEOPLE_YML` below, which maps the certificates of the
  test PKI of tests/sigfixtures.py (`pki_fixture()`, `other_group_head()`) to people and dated
  roles, and `trust/test-root.pem` = that PKI's root and intermediate (`TestPKI.trust`);
  committed on `main` with the pinned environment of conftest's `isolated_env`.
* the records: `sigfixtures.source_pdf()` signed with `hoso.pdf.sign` (through
  `sigfixtures.sign`, deterministic for a fixed time) in the orders described by `RECORDS`;
  the tampered one is `sigfixtures.change_content()` of the fully signed one; the unsigned one
  is `source_pdf()` itself.

Unlike the schools of conftest.py (placement / format / hygiene tests, `pending_on_main: true`),
a record awaiting signatures is an error on main here.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sigfixtures as F
from conftest import REPO_ROOT, VENV_BIN, Run, School, cli, git, run_subprocess

from hoso.cli import main
from hoso.config import load_config
from hoso.errors import ExitCode
from hoso.evidence import cache_dir
from hoso.messages import vi
from hoso.pdf import pki

YEAR = "2024-2025"
TEACHER = "nguyen-van-an"  # giáo viên, tổ Toán – Tin
FOREIGN_TEACHER = "ngo-van-khanh"  # in people.yml, but certified by a root the school does not trust
KHBD = f"records/{YEAR}/gv/{TEACHER}/ke-hoach-bai-day/bai-1.pdf"  # signers: owner, owner's tổ trưởng
SO_DANG_BO = f"records/{YEAR}/truong/so-dang-bo/khoi-6.pdf"  # signers: hiệu trưởng, con dấu
HEAD_OF_OWNERS_GROUP = "Tổ trưởng của người lập"
SEAL = "Con dấu (chứng thư số của nhà trường)"
HEAD_SIGNED_AT = datetime(2024, 9, 14, 11, 22)


def _cert(issued: pki.Issued) -> str:
    return f'    certificates:\n      - sha256: "{issued.fingerprint}"\n'


@functools.cache
def teacher_certificates() -> str:
    """The teacher's certificate block of PEOPLE_YML (the cache tests remove it)."""
    return _cert(F.pki_fixture().teacher)


@functools.cache
def people_yml() -> str:
    p = F.pki_fixture()
    return f"""\
# people.yml written by tests/test_signatures_rule.py (certificates of tests/sigfixtures.py)
version: 1
groups:
  - id: toan-tin
    name: Tổ Toán – Tin
  - id: ngu-van
    name: Tổ Ngữ văn
people:
  - id: {TEACHER}
    name: Nguyễn Văn An
    roles:
      - role: giao-vien
        group: toan-tin
        from: 2015-08-15
{teacher_certificates()}\
  - id: le-van-cuong
    name: Lê Văn Cường
    roles:
      - role: giao-vien
        group: toan-tin
        from: 2015-08-15
      - role: to-truong
        group: toan-tin
        from: 2024-08-15
{_cert(p.to_truong)}\
  - id: dang-thi-ngoc
    name: Đặng Thị Ngọc
    roles:
      - role: to-truong
        group: ngu-van
        from: 2019-08-15
{_cert(F.other_group_head())}\
  - id: tran-thi-binh
    name: Trần Thị Bình
    roles:
      - role: hieu-truong
        from: 2018-08-01
{_cert(p.hieu_truong)}\
  - id: {FOREIGN_TEACHER}
    name: Ngô Văn Khánh
    roles:
      - role: giao-vien
        group: toan-tin
        from: 2015-08-15
{_cert(p.foreign_teacher)}\
seal:
  name: Trường THCS Thử Nghiệm
  certificates:
    - sha256: "{p.seal.fingerprint}"
"""


# ---- the records ---------------------------------------------------------------------------


def _signed_by(*steps: tuple[pki.Issued, str, datetime]) -> bytes:
    data = F.source_pdf()
    for issued, field, when in steps:
        data = F.sign(data, issued, field, when=when)
    return data


@functools.cache
def record(name: str) -> bytes:
    p = F.pki_fixture()
    owner = (p.teacher, "Sig1-nguoi-lap", F.SIGNED_AT)
    head = (p.to_truong, "Sig2-to-truong", HEAD_SIGNED_AT)
    principal = (p.hieu_truong, "Sig1-hieu-truong", F.SIGNED_AT)
    seal = (p.seal, "Sig2-con-dau", F.COUNTER_SIGNED_AT)
    builders: dict[str, Callable[[], bytes]] = {
        "unsigned": F.source_pdf,
        "full": lambda: _signed_by(owner, head),
        # the same signers, the tổ trưởng a day later: other bytes, same verdict
        "full-later": lambda: _signed_by(owner, (p.to_truong, "Sig2-to-truong", F.COUNTER_SIGNED_AT)),
        "owner-only": lambda: _signed_by(owner),
        "head-first": lambda: _signed_by((p.to_truong, "Sig1-to-truong", F.SIGNED_AT), owner),
        "other-head": lambda: _signed_by(owner, (F.other_group_head(), "Sig2-to-truong", HEAD_SIGNED_AT)),
        "unknown-signer": lambda: _signed_by(owner, (p.unknown, "Sig2-to-truong", HEAD_SIGNED_AT)),
        "changed": lambda: F.change_content(record("full")),
        "foreign": lambda: F.sign(
            F.source_pdf(), p.foreign_teacher, "Sig1-nguoi-lap", chain=(p.foreign_root.cert,)
        ),
        "sealed": lambda: _signed_by(principal, seal),
        "principal-twice": lambda: _signed_by(
            principal, (p.hieu_truong, "Sig2-con-dau", F.COUNTER_SIGNED_AT)
        ),
        "seal-first": lambda: _signed_by((p.seal, "Sig1-con-dau", F.SIGNED_AT), principal),
    }
    return builders[name]()


# ---- the school ----------------------------------------------------------------------------


_TEMPLATE: list[Path] = []  # one pristine signed school per test process, copied per test


def _make_school(root: Path) -> Path:
    assert main(["init", str(root), "--level", "thcs", "--name", "Trường THCS Thử Nghiệm"]) == 0
    defaults = load_config(root).catalog.defaults  # as shipped: chờ duyệt refused on main
    assert (defaults.pending_on_main, defaults.protected_branch) == (False, "main")
    (root / "people.yml").write_text(people_yml(), encoding="utf-8")
    (root / "trust" / "test-root.pem").write_bytes(F.pki_fixture().trust[0])
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", "trường ký số thử nghiệm")
    assert git(root, "symbolic-ref", "--short", "HEAD").stdout.strip() == "main"
    return root


@pytest.fixture
def school(
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    isolated_env: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[School]:
    """A committed THCS school on `main` whose people.yml and trust/ know the test PKI; cwd set."""
    if not _TEMPLATE:
        _TEMPLATE.append(_make_school(tmp_path_factory.mktemp("signed-template") / "truong"))
    root = tmp_path / "truong"
    shutil.copytree(_TEMPLATE[0], root, symlinks=True)
    monkeypatch.chdir(root)
    yield School(root)


def check_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]]]:
    run = cli(capsys, "check", *args, "--format", "json")
    data = json.loads(run.out)
    assert data["exit_code"] == run.code
    return run.code, data["findings"]


def rules(findings: list[dict[str, object]]) -> list[tuple[object, object, object]]:
    return [(f["path"], f["rule"], f["severity"]) for f in findings]


def hoso_process(root: Path, *args: str, python_flags: tuple[str, ...] = ()) -> Run:
    return run_subprocess(args, root, python_flags=python_flags)


# ---- required signers, their order -----------------------------------------------------------


def test_fully_signed_in_order_is_approved(school: School, capsys) -> None:
    school.write(KHBD, record("full"))
    code, findings = check_json(capsys, "--all")
    assert code == ExitCode.OK
    assert [f for f in findings if f["severity"] == "error"] == []
    assert findings == []  # đã duyệt: nothing to say, not even a warning

    run = cli(capsys, "check", "--all", "--summary")
    assert run.code == ExitCode.OK, run.text
    rows = [line.split() for line in run.out.splitlines()]
    header = ["Năm", "học", "Cấp", "Số", "hồ", "sơ", "Đã", "duyệt", "Chờ", "duyệt", "Không", "hợp", "lệ"]
    assert header in rows
    assert [YEAR, "Giáo", "viên", "1", "1", "0", "0"] in rows  # 1 record: 1 đã duyệt
    assert ["Tổng", "1", "1", "0", "0"] in rows
    assert "tất cả hợp lệ" in run.err


def test_missing_group_head_is_an_error_on_main(school: School, capsys) -> None:
    school.write(KHBD, record("owner-only"))
    code, findings = check_json(capsys, KHBD)
    assert code == ExitCode.UNSIGNED
    assert rules(findings) == [(KHBD, "signatures.missing", "error")]
    assert findings[0]["exit_code"] == ExitCode.UNSIGNED
    message = str(findings[0]["message"])
    assert message.endswith(f"còn thiếu chữ ký của {HEAD_OF_OWNERS_GROUP}")  # only the missing one
    assert "Người lập" not in message

    run = cli(capsys, "check", KHBD)
    assert run.code == ExitCode.UNSIGNED
    line = f"{KHBD}: signatures.missing: chờ duyệt: còn thiếu chữ ký của {HEAD_OF_OWNERS_GROUP}"
    assert run.out.startswith(line)


def test_missing_signer_is_a_warning_off_the_protected_branch(school: School, capsys) -> None:
    school.write(KHBD, record("owner-only"))
    # on main, told it is for a submission branch (what CI does for a pull request)
    code, findings = check_json(capsys, KHBD, "--branch", "nop/gv/bai-1")
    assert code == ExitCode.OK
    assert rules(findings) == [(KHBD, "signatures.missing", "warning")]
    assert HEAD_OF_OWNERS_GROUP in str(findings[0]["message"])

    # checked out on a submission branch
    school.git("switch", "-q", "-c", "nop/gv/bai-1")
    run = cli(capsys, "check", KHBD)
    assert run.code == ExitCode.OK, run.text
    assert run.out.startswith(f"{KHBD}: signatures.missing: ")
    assert "không có lỗi; 1 tệp chờ duyệt" in run.err
    # the branch named on the command line wins over the one checked out
    assert cli(capsys, "check", KHBD, "--branch", "main").code == ExitCode.UNSIGNED


def test_head_signing_before_the_owner_is_out_of_order(school: School, capsys) -> None:
    school.write(KHBD, record("head-first"))
    code, findings = check_json(capsys, "--all")
    assert code == ExitCode.UNSIGNED
    assert rules(findings) == [(KHBD, "signatures.order", "error")]
    assert HEAD_OF_OWNERS_GROUP in str(findings[0]["message"])


def test_head_of_another_group_does_not_fill_the_slot(school: School, capsys) -> None:
    school.write(KHBD, record("other-head"))
    code, findings = check_json(capsys, "--all")
    assert code == ExitCode.UNSIGNED  # a valid, trusted signature, but not the one required
    assert rules(findings) == [(KHBD, "signatures.missing", "error")]
    assert str(findings[0]["message"]).endswith(f"còn thiếu chữ ký của {HEAD_OF_OWNERS_GROUP}")


def test_seal_slot_takes_only_the_seal_certificate(school: School, capsys) -> None:
    principal_twice = SO_DANG_BO.replace("khoi-6", "khoi-7")
    seal_first = SO_DANG_BO.replace("khoi-6", "khoi-8")
    school.write(SO_DANG_BO, record("sealed"))
    school.write(principal_twice, record("principal-twice"))
    school.write(seal_first, record("seal-first"))
    code, findings = check_json(capsys, "--all")
    assert code == ExitCode.UNSIGNED
    assert sorted(rules(findings)) == [
        (principal_twice, "signatures.missing", "error"),
        (seal_first, "signatures.order", "error"),
    ]  # SO_DANG_BO (hiệu trưởng, then the seal) is approved: no finding
    by_path = {f["path"]: str(f["message"]) for f in findings}
    assert by_path[principal_twice].endswith(f"còn thiếu chữ ký của {SEAL}")
    assert SEAL in by_path[seal_first]


# ---- integrity and trust -------------------------------------------------------------------


def test_unknown_signer_is_untrusted(school: School, capsys) -> None:
    school.write(KHBD, record("unknown-signer"))
    code, findings = check_json(capsys, "--all")
    assert code == ExitCode.UNTRUSTED
    assert rules(findings) == [(KHBD, "signatures.untrusted", "error")]
    assert vi.MESSAGES["sig.unknown-signer"] in str(findings[0]["message"])


def test_content_changed_after_signing_is_invalid(school: School, capsys) -> None:
    school.write(KHBD, record("changed"))
    code, findings = check_json(capsys, "--all")
    assert code == ExitCode.SIGNATURE_INVALID
    assert rules(findings) == [(KHBD, "signatures.invalid", "error")]


def test_foreign_root_is_untrusted(school: School, capsys) -> None:
    rel = KHBD.replace(TEACHER, FOREIGN_TEACHER)
    school.write(rel, record("foreign"))
    code, findings = check_json(capsys, "--all")
    assert code == ExitCode.UNTRUSTED
    assert rules(findings) == [(rel, "signatures.untrusted", "error")]
    message = str(findings[0]["message"])
    assert vi.MESSAGES["sig.untrusted-chain"] in message
    assert vi.MESSAGES["sig.unknown-signer"] not in message  # the signer is known; the CA is not


# ---- the verdict cache -----------------------------------------------------------------------


def _imports_pyhanko(root: Path, *args: str) -> tuple[int, bool]:
    run = hoso_process(root, "check", "--all", *args, python_flags=("-X", "importtime"))
    return run.code, "pyhanko" in run.err


def test_cached_verdicts_follow_people_and_trust(school: School, capsys) -> None:
    school.write(KHBD, record("full"))
    school.stage(KHBD)
    school.commit()
    assert cli(capsys, "check", "--all").code == ExitCode.OK  # validates, fills the cache
    assert _imports_pyhanko(school.root) == (ExitCode.OK, False)  # answered from the cache
    assert _imports_pyhanko(school.root, "--no-cache") == (ExitCode.OK, True)  # the probe works

    # the teacher's certificate leaves people.yml: the cached verdict no longer applies
    school.edit("people.yml", teacher_certificates(), "")
    code, findings = check_json(capsys, "--all")
    assert code == ExitCode.UNTRUSTED
    assert rules(findings) == [(KHBD, "signatures.untrusted", "error")]
    assert vi.MESSAGES["sig.unknown-signer"] in str(findings[0]["message"])
    (school.root / "people.yml").write_text(people_yml(), encoding="utf-8")
    assert _imports_pyhanko(school.root) == (ExitCode.OK, False)  # back to the first verdict

    # a different trust store (the foreign root instead of the school's): re-validated too
    pem = school.root / "trust" / "test-root.pem"
    pem.write_bytes(pki.cert_pem(F.pki_fixture().foreign_root.cert))
    code, findings = check_json(capsys, "--all")
    assert code == ExitCode.UNTRUSTED
    assert vi.MESSAGES["sig.untrusted-chain"] in str(findings[0]["message"])
    pem.write_bytes(F.pki_fixture().trust[0])
    assert _imports_pyhanko(school.root) == (ExitCode.OK, False)


def test_two_processes_share_an_empty_cache(school: School) -> None:
    paths = {
        KHBD: "full",
        KHBD.replace("bai-1", "bai-2"): "full-later",
        SO_DANG_BO: "sealed",
    }
    for rel, name in paths.items():
        school.write(rel, record(name))
    shutil.rmtree(cache_dir(school.root), ignore_errors=True)
    args = [sys.executable, "-m", "hoso", "check", "--all", "--format", "json"]
    procs = [
        subprocess.Popen(args, cwd=school.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    for code, out, err in results:
        assert code == ExitCode.OK, out + err
        assert "Traceback" not in err
    assert results[0] == results[1]
    data = json.loads(results[0][1])
    assert (data["checked"], data["exit_code"], data["findings"]) == (3, 0, [])
    # both wrote the cache; a third run answers from it, with the same verdict
    assert (cache_dir(school.root) / "cache.sqlite").is_file()
    again = hoso_process(school.root, "check", "--all", "--format", "json")
    assert (again.code, again.out) == (ExitCode.OK, results[0][1])


# ---- the real hook -------------------------------------------------------------------------


@pytest.mark.slow
def test_precommit_refuses_unsigned_and_accepts_fully_signed(school: School) -> None:
    shutil.copyfile(REPO_ROOT / ".pre-commit-config.yaml", school.root / ".pre-commit-config.yaml")
    school.stage(".pre-commit-config.yaml")
    if school.git("diff", "--cached", "--quiet", check=False).returncode != 0:
        school.commit("pre-commit config")
    proc = subprocess.run(
        [str(VENV_BIN / "pre-commit"), "install"],
        cwd=school.root,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr

    def head_files() -> set[str]:
        return set(school.git("ls-tree", "-r", "--name-only", "HEAD").stdout.split())

    school.write(KHBD, record("unsigned"))
    school.stage(KHBD)
    refused = school.git("commit", "-m", "thêm kế hoạch bài dạy", check=False)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert f"{KHBD}: signatures.missing" in output
    assert "Traceback" not in output
    assert KHBD not in head_files()

    school.write(KHBD, record("full"))
    school.stage(KHBD)
    accepted = school.git("commit", "-m", "thêm kế hoạch bài dạy (đã duyệt)", check=False)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert KHBD in head_files()
