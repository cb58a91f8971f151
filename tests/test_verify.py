"""Signature verification: hoso.pdf.verify (library), `hoso verify` in-process and as a process.

Test files are made at test time by tests/sigfixtures.py (its docstring says how); the demo
school's records under records/ are checked as they are, and against poppler's pdfsig.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sigfixtures as F
from poppler import pdfsig

from hoso.cli import main
from hoso.errors import ExitCode
from hoso.pdf.verify import FileVerdict, verify_pdf

REPO_ROOT = Path(__file__).resolve().parents[1]
DEMO_RECORDS = sorted((REPO_ROOT / "records").rglob("*.pdf"))
VENV_BIN = Path(sys.executable).parent


def check(data: bytes, **kwargs: Any) -> FileVerdict:
    p = F.pki_fixture()
    kwargs.setdefault("trust_roots", p.trust)
    kwargs.setdefault("people", F.people())
    return verify_pdf(data, **kwargs)


# ---- good files ----------------------------------------------------------------------------


def test_signed_file_is_valid() -> None:
    verdict = check(F.signed())
    assert (verdict.status, verdict.integrity, verdict.trusted, verdict.reasons) == ("valid", True, True, [])
    (sig,) = verdict.signatures
    p = F.pki_fixture()
    assert sig.signer == "Nguyễn Văn An"
    assert sig.fingerprint == p.teacher.fingerprint
    assert sig.person == "nguyen-van-an"
    assert [r.role for r in sig.roles] == ["giao-vien"]
    assert sig.claimed_time == "2024-09-12T08:05:00+07:00"
    assert sig.timestamp_time is None
    assert sig.coverage == "entire-file" and sig.covers_file and sig.intact
    assert [link.subject for link in sig.chain] == ["Nguyễn Văn An", "Test Sub CA", "Test Root CA"]
    assert sig.chain_trusted and sig.valid_at_signing
    assert sig.digest_algorithm == "sha256" and sig.key == "RSA 2048"
    assert {"digital_signature", "non_repudiation"} <= set(sig.key_usage)


def test_counter_signed_file_is_valid_with_roles_and_seal() -> None:
    verdict = check(F.counter_signed())
    assert verdict.status == "valid", verdict.reasons
    people = [s.person for s in verdict.signatures]
    assert people == ["nguyen-van-an", "le-van-cuong", "tran-thi-binh", "seal"]
    assert [s.coverage for s in verdict.signatures] == ["entire-revision"] * 3 + ["entire-file"]
    assert {r.role for r in verdict.signatures[1].roles} == {"giao-vien", "to-truong"}
    assert verdict.signatures[0].modifications == "form-filling"  # signatures with appearances only


def test_intermediate_may_come_from_trust_instead_of_the_pdf() -> None:
    p = F.pki_fixture()
    data = F.sign(F.source_pdf(), p.teacher, "S", chain=())
    assert check(data).status == "valid"
    only_root = [F.pki.cert_pem(p.root.cert)]
    verdict = check(data, trust_roots=only_root)
    assert verdict.reasons == ["sig.untrusted-chain", "sig.missing-issuer"]
    assert "sig.missing-issuer: Test Sub CA" in verdict.signatures[0].details


def test_json_contract() -> None:
    data = check(F.counter_signed(), path="x.pdf").as_json()
    json.dumps(data)
    assert {"path", "integrity", "trusted", "status", "reasons", "signatures"} <= set(data)
    sig = data["signatures"][1]
    assert sig["roles"][0].keys() == {"role", "group", "class"}
    for key in ("signer", "fingerprint", "person", "claimed_time", "timestamp_time", "coverage", "chain"):
        assert key in sig


def test_without_people_roles_are_not_judged() -> None:
    p = F.pki_fixture()
    verdict = check(F.sign(F.source_pdf(), p.unknown, "S"), people=None)
    assert verdict.status == "valid"
    assert verdict.signatures[0].person is None


def test_an_empty_update_after_signing_is_harmless() -> None:
    assert check(F.add_empty_update(F.signed())).status == "valid"


# ---- attacks: each ends in its own reason ----------------------------------------------------

ATTACKS = {
    "content changed": (F.change_content, "sig.forbidden-modification"),
    "page added": (F.add_page, "sig.forbidden-modification"),
    "annotation added": (F.add_annotation, "sig.forbidden-modification"),
    "form value added": (F.fill_form, "sig.forbidden-modification"),
    "visible empty field over the text": (F.add_overlay_field, "sig.not-last-covers-file"),
    "data appended": (F.append_garbage, "file.bytes-after-end"),
    "byte range short of the file": (F.shorten_byte_range, "sig.byte-range"),
    "contents truncated": (F.truncate_contents, "sig.contents-unreadable"),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
@pytest.mark.parametrize("base", ["signed", "counter_signed"])
def test_tampering_breaks_integrity(name: str, base: str) -> None:
    attack, reason = ATTACKS[name]
    verdict = check(attack(getattr(F, base)()))
    assert verdict.status == "invalid"
    assert verdict.integrity is False
    assert reason in verdict.reasons, verdict.reasons


def test_pyhanko_default_policy_accepts_form_filling_but_hoso_does_not() -> None:
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel

    data = F.fill_form(F.signed())
    reader = PdfFileReader(io.BytesIO(data))
    result = DEFAULT_DIFF_POLICY.review_file(reader, 1)
    assert result.modification_level == ModificationLevel.FORM_FILLING
    assert "sig.forbidden-modification" in check(data).reasons


def test_digest_mismatch_in_page_text() -> None:
    data = F.signed()
    # reportlab writes compressed content: flip one byte inside the first stream
    start = data.index(b"stream\n") + 20
    tampered = data[:start] + bytes([data[start] ^ 0x01]) + data[start + 1 :]
    verdict = check(tampered)
    assert "sig.digest-mismatch" in verdict.reasons
    assert verdict.integrity is False


def test_foreign_root_is_untrusted_but_intact() -> None:
    p = F.pki_fixture()
    verdict = check(F.sign(F.source_pdf(), p.foreign_teacher, "S", chain=(p.foreign_root.cert,)))
    assert (verdict.status, verdict.integrity, verdict.trusted) == ("untrusted", True, False)
    assert verdict.reasons == ["sig.untrusted-chain"]


def test_foreign_root_can_still_be_judged_for_tampering() -> None:
    p = F.pki_fixture()
    data = F.change_content(F.sign(F.source_pdf(), p.foreign_teacher, "S", chain=()))
    verdict = check(data)
    assert {"sig.untrusted-chain", "sig.forbidden-modification"} <= set(verdict.reasons)
    assert verdict.integrity is False and verdict.status == "invalid"


CERT_DEFECTS = {
    "expired": ("sig.expired-at-signing", None),
    "sha1": ("sig.weak-chain", None),
    "wrong_usage": ("sig.key-usage", None),
    "weak_key": ("sig.weak-key", None),
    "self_signed": ("sig.self-signed", ()),
    "unknown": ("sig.no-role-at-signing", None),
}


@pytest.mark.parametrize("cert", sorted(CERT_DEFECTS))
def test_certificate_defects_make_a_signature_untrusted(cert: str) -> None:
    reason, chain = CERT_DEFECTS[cert]
    issued = getattr(F.pki_fixture(), cert)
    verdict = check(F.sign(F.source_pdf(), issued, "S", chain=chain))
    assert (verdict.status, verdict.integrity, verdict.trusted) == ("untrusted", True, False)
    assert verdict.reasons == [reason]


def test_expired_certificate_is_fine_for_a_signature_made_while_valid() -> None:
    p = F.pki_fixture()
    from datetime import datetime

    verdict = check(F.sign(F.source_pdf(), p.expired, "S", when=datetime(2021, 3, 1, 9, 0)))
    assert verdict.status == "valid", verdict.reasons


def test_sha1_signature_digest_is_refused() -> None:
    verdict = check(F.sign_sha1(F.source_pdf(), F.pki_fixture().teacher, "S"))
    assert verdict.integrity is True
    assert verdict.reasons == ["sig.weak-digest"]


def test_signer_missing_from_people_yml() -> None:
    p = F.pki_fixture()
    verdict = check(F.signed(), people=F.people_without(p.teacher.fingerprint))
    assert verdict.reasons == ["sig.unknown-signer"]


def test_unsigned_and_unreadable() -> None:
    assert check(F.source_pdf()).reasons == ["file.unsigned"]
    signed = F.signed()
    for junk in (b"", b"%PDF-1.7\nnot really", b"<html></html>", signed[:2000], signed[:-200]):
        verdict = check(junk)
        assert (verdict.status, verdict.reasons) == ("unreadable", ["file.unreadable"]), junk[:20]
        assert verdict.integrity is False and verdict.trusted is False


# ---- the demo school ---------------------------------------------------------------------


def _demo_people() -> Any:
    from hoso.config import load_config

    return load_config(REPO_ROOT).people


def _demo_trust() -> list[bytes]:
    return [p.read_bytes() for p in sorted((REPO_ROOT / "trust").glob("*.pem"))]


def test_every_demo_record_verifies() -> None:
    assert len(DEMO_RECORDS) >= 70
    people, trust = _demo_people(), _demo_trust()
    for path in DEMO_RECORDS:
        verdict = verify_pdf(path.read_bytes(), trust_roots=trust, people=people, path=str(path))
        assert (verdict.integrity, verdict.trusted) == (True, True), (path, verdict.reasons, verdict.details)


def test_pdfsig_agrees_on_integrity_of_every_demo_record(tmp_path: Path) -> None:
    people, trust = _demo_people(), _demo_trust()
    for n, path in enumerate(DEMO_RECORDS):
        verdict = verify_pdf(path.read_bytes(), trust_roots=trust, people=people)
        assert verdict.integrity
        said = pdfsig(path.read_bytes(), tmp_path, str(n))
        assert len(said) == len(verdict.signatures), path
        assert set(said.values()) == {"Signature is Valid."}, (path, said)


def test_pdfsig_agrees_on_a_broken_digest(tmp_path: Path) -> None:
    data = F.signed()
    start = data.index(b"stream\n") + 20
    said = pdfsig(data[:start] + bytes([data[start] ^ 0x01]) + data[start + 1 :], tmp_path, "t")
    assert said and "Signature is Valid." not in said.values()


# ---- the command ---------------------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["-C", str(REPO_ROOT), "verify", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_valid_demo_record_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, str(DEMO_RECORDS[0]))
    assert code == 0, out
    assert "Chữ ký 1" in out and "hợp lệ" in out and "chuỗi chứng thư" in out
    assert "1/1" in err


def test_cli_json_and_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    p = F.pki_fixture()
    files = {
        "tampered.pdf": F.change_content(DEMO_RECORDS[0].read_bytes()),
        "untrusted.pdf": F.signed(),  # the test PKI is not in the demo school's trust/
        "unsigned.pdf": F.source_pdf(),
        "garbage.pdf": b"%PDF-1.4 garbage",
        "self.pdf": F.sign(F.source_pdf(), p.self_signed, "S", chain=()),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    expected = {
        "tampered.pdf": ExitCode.SIGNATURE_INVALID,
        "untrusted.pdf": ExitCode.UNTRUSTED,
        "unsigned.pdf": ExitCode.UNSIGNED,
        "garbage.pdf": ExitCode.FORMAT,
        "missing.pdf": ExitCode.NOT_FOUND,
    }
    for name, want in expected.items():
        code, out, _ = run_cli(capsys, str(tmp_path / name), "--format", "json")
        assert code == want, (name, out)
        data = json.loads(out)
        assert len(data["files"]) == 1
    code, out, _ = run_cli(capsys, str(DEMO_RECORDS[0]), str(tmp_path / "untrusted.pdf"), "--format", "json")
    assert code == ExitCode.UNTRUSTED
    statuses = [f["status"] for f in json.loads(out)["files"]]
    assert statuses == ["valid", "untrusted"]


def test_cli_text_names_reasons(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "t.pdf"
    target.write_bytes(F.add_annotation(DEMO_RECORDS[0].read_bytes()))
    code, out, err = run_cli(capsys, str(target))
    assert code == ExitCode.SIGNATURE_INVALID
    assert "KHÔNG HỢP LỆ" in out
    assert "sau khi ký" in out
    assert "Traceback" not in err


def test_cli_help_lists_verify(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--help"]) == 0
    assert "--format" in capsys.readouterr().out


@pytest.mark.slow
def test_subprocess_verify(tmp_path: Path) -> None:
    proc = subprocess.run(
        [str(VENV_BIN / "hoso"), "-C", str(REPO_ROOT), "verify", "--format", "json", str(DEMO_RECORDS[-1])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["files"][0]["status"] == "valid"
