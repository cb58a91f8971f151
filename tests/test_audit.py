"""`hoso audit`: fixity (git fsck, blob ids, SHA-256 baseline), signatures re-judged, changes.

Test files, all made at test time:

* the school: the real `hoso init --level thcs`, `PEOPLE_YML` below and `trust/test-root.pem`
  (root + intermediate of the test PKI of tests/sigfixtures.py, `TestPKI.trust`), committed.
* `short_lived()`: one more person certificate from that intermediate, for the tổ trưởng, valid
  from 2024-01-01 to 2025-06-30 only: it covers the signing time (`sigfixtures.SIGNED_AT`,
  2024-09-12) and has expired by the second audit's "today" (HOSO_TEST_TODAY=2025-09-01).
* the records: `sigfixtures.source_pdf()` signed by that tổ trưởng (a tổ record whose only
  signer is its owner, the tổ trưởng), and `make_pdf()` unsigned (chờ duyệt, allowed on main
  by `pending_on_main: true`).
* the damaged object: a record written with `git hash-object -w` and committed, so its object
  is a loose zlib file under .git/objects/xx/…; one byte in its middle is then flipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
import sigfixtures as F
from conftest import School, cli, make_pdf

from hoso.cli import main
from hoso.errors import ExitCode
from hoso.evidence import cache_dir
from hoso.pdf import pki

YEAR = "2024-2025"
SINH_HOAT = f"records/{YEAR}/to/toan-tin/so-sinh-hoat-chuyen-mon/thang-09.pdf"  # signer: the tổ trưởng
UNSIGNED = f"records/{YEAR}/gv/nguyen-van-an/ke-hoach-bai-day/tuan-01.pdf"
LOOSE = f"records/{YEAR}/gv/nguyen-van-an/ke-hoach-bai-day/tuan-02.pdf"


@cache
def short_lived() -> pki.Issued:
    return pki.make_person_cert(
        "Lê Văn Cường",
        "le-van-cuong",
        F.pki_fixture().inter,
        not_before=datetime(2024, 1, 1, tzinfo=UTC),
        not_after=datetime(2025, 6, 30, tzinfo=UTC),
    )


@cache
def signed_record() -> bytes:
    return F.sign(F.source_pdf(), short_lived(), "Sig1-to-truong")


@cache
def people_yml() -> str:
    p = F.pki_fixture()
    return f"""\
version: 1
groups:
  - id: toan-tin
    name: Tổ Toán – Tin
people:
  - id: nguyen-van-an
    name: Nguyễn Văn An
    roles:
      - role: giao-vien
        group: toan-tin
        from: 2015-08-15
    certificates:
      - sha256: "{p.teacher.fingerprint}"
  - id: le-van-cuong
    name: Lê Văn Cường
    roles:
      - role: to-truong
        group: toan-tin
        from: 2021-08-15
    certificates:
      - sha256: "{short_lived().fingerprint}"
  - id: tran-thi-binh
    name: Trần Thị Bình
    roles:
      - role: hieu-truong
        from: 2018-08-01
    certificates:
      - sha256: "{p.hieu_truong.fingerprint}"
seal:
  name: Trường THCS Thử Nghiệm
  certificates:
    - sha256: "{p.seal.fingerprint}"
"""


@pytest.fixture
def school(tmp_path: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> School:
    root = tmp_path / "truong"
    assert main(["init", str(root), "--level", "thcs", "--name", "Trường THCS Thử Nghiệm"]) == 0
    catalog = root / "catalog.yml"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("pending_on_main: false", "pending_on_main: true", 1), encoding="utf-8")
    (root / "people.yml").write_text(people_yml(), encoding="utf-8")
    (root / "trust" / "test-root.pem").write_bytes(F.pki_fixture().trust[0])
    school = School(root)
    school.write(SINH_HOAT, signed_record())
    school.write(UNSIGNED, make_pdf())
    school.git("add", "-A")
    school.commit("trường thử nghiệm")
    monkeypatch.chdir(root)
    return school


def audit(capsys: pytest.CaptureFixture[str], today: str = "2025-06-01") -> tuple[int, dict]:
    """`hoso audit --format json` on the day `today` (HOSO_TEST_TODAY, the test hook)."""
    os.environ["HOSO_TEST_TODAY"] = today  # restored by the monkeypatch of _pin_today
    capsys.readouterr()
    code = main(["audit", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["exit_code"] == code
    return code, data


def kinds(data: dict) -> list[tuple[str, str, str]]:
    return [(n["kind"], n["severity"], n["path"]) for n in data["notes"]]


@pytest.fixture(autouse=True)
def _pin_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSO_TEST_TODAY", "2025-06-01")


def test_clean_run_then_incremental(school: School, capsys) -> None:
    code, data = audit(capsys, "2025-06-01")
    assert code == ExitCode.OK, data["notes"]
    assert data["previous"] is None and data["fsck_ok"] is True
    assert data["counts"]["records"] == 2
    assert data["counts"]["verified"] == 2 and data["counts"]["cached"] == 0
    assert data["counts"]["statuses"] == {"da-duyet": 1, "cho-duyet": 1}
    assert data["notes"] == []
    state = json.loads((cache_dir(school.root) / "audit.json").read_text(encoding="utf-8"))
    assert set(state["records"]) == {SINH_HOAT, UNSIGNED}
    oid = school.git("rev-parse", f"HEAD:{SINH_HOAT}").stdout.strip()
    assert state["blobs"][oid] == hashlib.sha256(signed_record()).hexdigest()

    # nothing changed: every blob re-read and re-hashed, no signature verified again
    code, data = audit(capsys, "2025-06-01")
    assert code == ExitCode.OK
    assert data["previous"]["today"] == "2025-06-01"
    assert data["counts"]["records"] == 2 and data["counts"]["bytes"] > 0
    assert data["counts"]["verified"] == 0 and data["counts"]["cached"] == 2
    assert data["notes"] == []

    # a new record and a removed one are reported as information
    school.write(LOOSE, make_pdf("Tuần 2"))
    school.git("rm", "-q", UNSIGNED)
    school.git("add", "-A")
    school.commit("thay hồ sơ")
    code, data = audit(capsys, "2025-06-01")
    assert code == ExitCode.OK
    assert sorted(kinds(data)) == [("new", "info", LOOSE), ("removed", "info", UNSIGNED)]
    assert data["counts"]["verified"] == 1


def test_text_output_in_vietnamese(school: School, capsys) -> None:
    run = cli(capsys, "audit")
    assert run.code == ExitCode.OK, run.text
    assert "lần kiểm tra đầu tiên" in run.err
    assert "2 hồ sơ" in run.err and "không phát hiện vấn đề" in run.err
    run = cli(capsys, "audit")
    assert "so với lần kiểm tra trước ngày 2025-06-01" in run.err
    assert "0 xác minh mới, 2 dùng kết quả đã lưu" in run.err


def _loose_object(school: School, rel: str, data: bytes) -> Path:
    """Write `data` as a loose object with `git hash-object -w`, commit it at `rel`."""
    src = school.root / "tmp-input.pdf"
    src.write_bytes(data)
    oid = school.git("hash-object", "-w", str(src)).stdout.strip()
    src.unlink()
    school.git("update-index", "--add", "--cacheinfo", f"100644,{oid},{rel}")
    school.commit("hồ sơ mới")
    school.git("checkout", "--", rel)  # the work tree agrees with the index
    path = school.root / ".git" / "objects" / oid[:2] / oid[2:]
    assert path.is_file()  # loose, not packed
    return path


def test_flipped_byte_in_a_loose_object_is_reported(school: School, capsys) -> None:
    obj = _loose_object(school, LOOSE, make_pdf("Tuần 2 – bản gốc"))
    code, _ = audit(capsys)
    assert code == ExitCode.OK
    os.chmod(obj, stat.S_IRUSR | stat.S_IWUSR)
    raw = bytearray(obj.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    obj.write_bytes(bytes(raw))

    code, data = audit(capsys)
    assert code == ExitCode.FAILED
    assert data["fsck_ok"] is False
    assert any(k == "fsck" and sev == "error" for k, sev, _ in kinds(data))
    assert ("corrupt", "error", LOOSE) in kinds(data)
    assert data["counts"]["records"] == 2  # the others were still read after cat-file died
    # the text form names the file and says what to do, never a traceback
    run = cli(capsys, "audit")
    assert run.code == ExitCode.FAILED
    assert f"[LỖI] {LOOSE}: nội dung đọc lại không khớp mã blob" in run.out
    assert "Traceback" not in run.text and "hoso-crash" not in run.text
    assert "vấn đề cần xử lý" in run.err
    # the baseline of the damaged record is kept for the next comparison
    state = json.loads((cache_dir(school.root) / "audit.json").read_text(encoding="utf-8"))
    assert LOOSE in state["records"]


def test_missing_object_is_reported(school: School, capsys) -> None:
    obj = _loose_object(school, LOOSE, make_pdf("Tuần 2 – sẽ mất"))
    os.chmod(obj, stat.S_IRUSR | stat.S_IWUSR)
    obj.unlink()
    code, data = audit(capsys)
    assert code == ExitCode.FAILED
    assert ("missing", "error", LOOSE) in kinds(data)


def test_certificate_expired_since_last_audit_is_information(school: School, capsys) -> None:
    code, data = audit(capsys, "2025-06-01")  # the tổ trưởng's certificate is still valid
    assert code == ExitCode.OK and data["notes"] == []

    code, data = audit(capsys, "2025-09-01")  # it ended on 2025-06-30
    assert code == ExitCode.OK, data["notes"]
    assert kinds(data) == [("cert-expired", "info", SINH_HOAT)]
    note = data["notes"][0]
    assert "đã hết hạn từ lần kiểm tra trước" in note["message"]
    assert "Lê Văn Cường" in note["message"] and "2025-06-30" in note["message"]
    assert "vẫn hợp lệ" in note["message"]
    assert data["counts"]["statuses"]["da-duyet"] == 1  # valid at signing time: still approved
    assert data["counts"]["verified"] == 0

    # reported once: the next audit has nothing new to say
    code, data = audit(capsys, "2025-10-01")
    assert code == ExitCode.OK and data["notes"] == []


def test_trust_anchor_removed_is_reported(school: School, capsys) -> None:
    assert audit(capsys)[0] == ExitCode.OK
    school.git("rm", "-q", "trust/test-root.pem")
    school.commit("gỡ CA thử nghiệm")

    code, data = audit(capsys)
    assert code == ExitCode.UNTRUSTED
    found = kinds(data)
    assert ("verdict-worse", "error", SINH_HOAT) in found
    assert [k for k in found if k[0] == "anchor-removed"] == [
        ("anchor-removed", "info", "trust/test-root.pem"),
        ("anchor-removed", "info", "trust/test-root.pem"),
    ]  # root and intermediate
    worse = next(n for n in data["notes"] if n["kind"] == "verdict-worse")
    assert "«Đã duyệt»" in worse["message"] and "«Không hợp lệ»" in worse["message"]
    assert data["counts"]["verified"] == 2  # another trust store: everything judged again

    # still wrong at the next run, said once more as a plain problem
    code, data = audit(capsys)
    assert code == ExitCode.UNTRUSTED
    assert kinds(data) == [("invalid", "error", SINH_HOAT)]


def test_bad_test_date_and_no_repo(school: School, capsys, tmp_path: Path) -> None:
    os.environ["HOSO_TEST_TODAY"] = "hôm nay"
    run = cli(capsys, "audit")
    assert run.code == ExitCode.USAGE and "YYYY-MM-DD" in run.err
    run = cli(capsys, "audit", "-C", str(tmp_path))
    assert run.code != ExitCode.OK and "Traceback" not in run.err
