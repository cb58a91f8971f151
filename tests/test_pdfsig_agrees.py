"""poppler's pdfsig agrees on integrity for every file hoso accepts that pdfsig can judge.

The files are tests/sigformats.py's (made at test time). pdfsig (poppler 22.12, NSS) cannot
judge some of them; each is named below with why, and is skipped inside the loop. Where it
cannot judge a signature value, OpenSSL does instead (`test_openssl_judges_what_pdfsig_cannot`).
These tests fail, never skip, when pdfsig or openssl is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sigfixtures as F
import sigformats as S
from poppler import pdfsig

from hoso.pdf.verify import verify_pdf

# (fixture name part, field) → what pdfsig says instead of judging, and why
PDFSIG_CANNOT_JUDGE: dict[tuple[str, str], tuple[str, str]] = {
    ("ed25519", "Sig1"): ("Document isn't signed or corrupted data.", "NSS reads no EdDSA in CMS"),
    ("ed448", "Sig1"): ("Unknown Validation Failure.", "NSS knows no SHAKE256 nor Ed448"),
    ("rsa_sha1", "Sig1"): ("Signature has not yet been verified.", "poppler validates CMS only"),
}
# pdfsig checks the digest of a brainpool signature (a tampered copy is a Digest Mismatch) but
# NSS has no brainpool curves: it calls every brainpool signature value invalid
BRAINPOOL_VALUE = "Signature is Invalid."


def cannot_judge(name: str, field: str) -> tuple[str, str] | None:
    return next((v for (part, f), v in PDFSIG_CANNOT_JUDGE.items() if part in name and f == field), None)


def test_pdfsig_agrees_on_every_intact_format(tmp_path: Path) -> None:
    disagreements: list[str] = []
    judged = 0
    for name, make in sorted(S.INTACT.items()):
        data = make()
        verdict = verify_pdf(data, trust_roots=F.pki_fixture().trust, people=None)
        assert verdict.integrity, (name, verdict.reasons)
        said = pdfsig(data, tmp_path, name)
        assert sorted(said) == sorted(s.field_name for s in verdict.signatures), (name, said)
        for field, text in said.items():
            excuse = cannot_judge(name, field)
            if excuse is not None:
                # pdfsig cannot judge this format: it must still say so, not call it broken
                assert text == excuse[0], (name, field, text, excuse[1])
                continue
            if "brainpool" in name and field == "Sig1":
                # the digest is judged (no mismatch), the signature value is left to OpenSSL
                if text not in (BRAINPOOL_VALUE, "Signature is Valid."):
                    disagreements.append(f"{name} {field}: {text}")
                continue
            judged += 1
            if text != "Signature is Valid.":  # "Digest Mismatch.", "Signature is Invalid."…
                disagreements.append(f"{name} {field}: {text}")
    assert not disagreements
    assert judged >= 12  # most formats are judged by pdfsig itself


def test_pdfsig_finds_the_tampered_copies_broken(tmp_path: Path) -> None:
    for name, make in sorted(S.INTACT.items()):
        data = S.tampered(make())
        assert verify_pdf(data, trust_roots=F.pki_fixture().trust, people=None).integrity is False, name
        for field, text in pdfsig(data, tmp_path, name).items():
            if cannot_judge(name, field) is not None:
                continue  # see PDFSIG_CANNOT_JUDGE
            assert text == "Digest Mismatch.", (name, field, text)


# ---- a second opinion where pdfsig has none ------------------------------------------------

_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def _first_signature(data: bytes) -> tuple[bytes, bytes]:
    """The bytes the first signature covers and its /Contents (DER, padding removed)."""
    from asn1crypto import core

    match = _BYTE_RANGE.search(data)
    assert match is not None
    a, b, c, d = (int(x) for x in match.groups())
    raw = bytes.fromhex(data[a + b + 1 : c - 1].decode())
    value = core.Asn1Value.load(raw, strict=False)
    return data[a : a + b] + data[c : c + d], value.dump()


def _openssl(*args: str) -> bool:
    exe = shutil.which("openssl")
    assert exe is not None, "openssl is required"
    return subprocess.run([exe, *args], capture_output=True, check=False, timeout=60).returncode == 0


@pytest.mark.parametrize("name", ["cades-brainpoolP256r1", "cades-brainpoolP384r1", "rsa_sha1-cert-string"])
def test_openssl_judges_what_pdfsig_cannot(name: str, tmp_path: Path) -> None:
    from asn1crypto import core
    from cryptography.hazmat.primitives import serialization

    for label, data in (("intact", S.INTACT[name]()), ("tampered", S.tampered(S.INTACT[name]()))):
        signed, der = _first_signature(data)
        (tmp_path / "signed.bin").write_bytes(signed)
        if name.startswith("rsa_sha1"):
            cert = F.pki_fixture().teacher.cert
            key = cert.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            (tmp_path / "key.pem").write_bytes(key)
            (tmp_path / "sig.bin").write_bytes(core.OctetString.load(der).native)
            args = ["dgst", "-sha1", "-verify", str(tmp_path / "key.pem"), "-signature"]
            ok = _openssl(*args, str(tmp_path / "sig.bin"), str(tmp_path / "signed.bin"))
        else:
            (tmp_path / "sig.p7").write_bytes(der)
            ok = _openssl(
                "cms", "-verify", "-binary", "-noverify", "-inform", "DER",
                "-in", str(tmp_path / "sig.p7"), "-content", str(tmp_path / "signed.bin"),
                "-out", str(tmp_path / "out.bin"),
            )  # fmt: skip
        assert ok is (label == "intact"), (name, label)
