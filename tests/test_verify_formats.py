"""Signature formats other applications produce: integrity is judged for every genuine file,
trust separately (Thông tư 15/2025/TT-BKHCN: RSA ≥ 2048 or ECDSA ≥ 256 bits, no SHA-1).

Every file is made at test time by tests/sigformats.py (its docstring says how).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
import sigfixtures as F
import sigformats as S

from hoso.pdf import pki
from hoso.pdf.verify import FileVerdict, verify_pdf

WEAK_DIGEST = "sig.weak-digest"
WEAK_KEY = "sig.weak-key"
DIGEST = "sig.digest-mismatch"

# fixture → (the file's reasons, the signer's key description); None: valid
EXPECTED: dict[str, tuple[list[str], str]] = {
    "cades-ed25519": ([WEAK_KEY], "ED25519 256"),  # EdDSA is not in TT 15/2025's list
    "cades-ed448": ([WEAK_KEY], "ED448 448"),
    "cades-p256": ([], "EC 256"),
    "cades-p384": ([], "EC 384"),
    "cades-brainpoolP256r1": ([], "EC 256"),  # ECDSA ≥ 256 bits, whatever the curve
    "cades-brainpoolP384r1": ([], "EC 384"),
    "pkcs7-detached-rsa": ([], "RSA 2048"),
    "pkcs7-detached-p256": ([], "EC 256"),
    "direct-dictionary": ([], "RSA 2048"),
    "direct-dictionary-countersigned": ([], "RSA 2048"),
    "pades-sha1": ([WEAK_DIGEST], "RSA 2048"),
    "rsa_sha1-cert-string": ([WEAK_DIGEST], "RSA 2048"),
    "rsa_sha1-cert-array": ([WEAK_DIGEST], "RSA 2048"),
    "rsa_sha1-countersigned": ([WEAK_DIGEST], "RSA 2048"),
    "pkcs7_sha1": ([WEAK_DIGEST], "RSA 2048"),
    "pkcs7_sha1-countersigned": ([WEAK_DIGEST], "RSA 2048"),
}


def check(data: bytes, **kwargs: Any) -> FileVerdict:
    kwargs.setdefault("trust_roots", F.pki_fixture().trust)
    kwargs.setdefault("people", None)  # the new-key signers are not in people.yml
    return verify_pdf(data, **kwargs)


def test_every_intact_fixture_has_an_expected_verdict() -> None:
    assert set(EXPECTED) == set(S.INTACT)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_genuine_format_is_judged_for_integrity_and_trust(name: str) -> None:
    reasons, key = EXPECTED[name]
    verdict = check(S.INTACT[name]())
    assert verdict.integrity is True, (
        verdict.reasons,
        verdict.details,
        [s.details for s in verdict.signatures],
    )
    assert verdict.reasons == reasons, [s.details for s in verdict.signatures]
    assert (verdict.status, verdict.trusted) == (("untrusted", False) if reasons else ("valid", True))
    first = verdict.signatures[0]
    assert first.intact and first.chain_trusted and first.valid_at_signing
    assert first.key == key
    assert first.reasons == reasons
    if reasons:  # refused on the algorithm alone: no proof it was strong enough when made
        assert (first.indication, first.sub_indication) == (
            "INDETERMINATE",
            "CRYPTO_CONSTRAINTS_FAILURE_NO_POE",
        )
    else:
        assert first.indication == "TOTAL_PASSED"
    if name.endswith("countersigned"):  # the hoso signature after it is judged on its own
        assert [s.reasons for s in verdict.signatures[1:]] == [[]]
        assert first.coverage == "entire-revision" and first.modifications == "form-filling"
    else:
        assert first.coverage == "entire-file"


@pytest.mark.parametrize(
    ("name", "subfilter"),
    [
        ("pkcs7-detached-rsa", "/adbe.pkcs7.detached"),
        ("direct-dictionary", "/ETSI.CAdES.detached"),
        ("rsa_sha1-cert-string", "/adbe.x509.rsa_sha1"),
        ("pkcs7_sha1", "/adbe.pkcs7.sha1"),
    ],
)
def test_teacher_signed_formats_are_matched_to_people(name: str, subfilter: str) -> None:
    verdict = check(S.INTACT[name](), people=F.people())
    (sig,) = verdict.signatures
    assert sig.subfilter == subfilter
    assert (sig.person, [r.role for r in sig.roles]) == ("nguyen-van-an", ["giao-vien"])
    assert sig.time_source == "claimed" and sig.claimed_time is not None
    if name != "pkcs7-detached-rsa":  # made by hand, at sigfixtures.SIGNED_AT (a CMS says it in UTC)
        assert datetime.fromisoformat(sig.claimed_time) == datetime.fromisoformat("2024-09-12T08:05:00+07:00")
    assert verdict.reasons == EXPECTED[name][0]


def test_sha1_formats_name_their_digest() -> None:
    for name in ("pades-sha1", "rsa_sha1-cert-string", "rsa_sha1-cert-array", "pkcs7_sha1"):
        (sig,) = check(S.INTACT[name]()).signatures
        assert (sig.digest_algorithm, sig.signature_algorithm) == ("sha1", "sha1_rsa"), name


def test_rsa_sha1_takes_the_chain_from_cert_or_trust() -> None:
    p = F.pki_fixture()
    only_root = [pki.cert_pem(p.root.cert)]
    # /Cert [signer, intermediate]: the path is built from the signature's own certificates
    assert check(S.rsa_sha1(True), trust_roots=only_root).reasons == [WEAK_DIGEST]
    # /Cert with the signer alone: the intermediate must come from trust/
    verdict = check(S.rsa_sha1(), trust_roots=only_root)
    assert verdict.integrity and {"sig.untrusted-chain", WEAK_DIGEST} <= set(verdict.reasons)


# ---- tampered copies: one byte changed inside the signed range -----------------------------

TAMPERED: dict[str, Callable[[], bytes]] = {
    "direct-dictionary": S.direct_dictionary,
    "pades-sha1": S.sha1_pades,
    "rsa_sha1-cert-string": S.rsa_sha1,
    "rsa_sha1-cert-array": lambda: S.rsa_sha1(True),
    "pkcs7_sha1": S.pkcs7_sha1,
    "cades-ed25519": lambda: S.pyhanko_signed("ed25519"),
    "cades-brainpoolP256r1": lambda: S.pyhanko_signed("brainpoolP256r1"),
}


@pytest.mark.parametrize("name", sorted(TAMPERED))
def test_tampered_copy_breaks_integrity(name: str) -> None:
    verdict = check(S.tampered(TAMPERED[name]()))
    assert (verdict.status, verdict.integrity) == ("invalid", False)
    assert verdict.reasons == [DIGEST, *EXPECTED[name][0]], verdict.details
    (sig,) = verdict.signatures
    assert sig.intact is False
    assert (sig.indication, sig.sub_indication) == ("TOTAL_FAILED", "HASH_FAILURE")


# ---- defective legacy signatures -----------------------------------------------------------


def test_rsa_sha1_by_another_key_is_an_invalid_signature() -> None:
    verdict = check(S.rsa_sha1(wrong_key=True))
    assert verdict.integrity is False
    assert verdict.reasons[0] == "sig.signature-invalid"


def test_rsa_sha1_without_certificate_is_unreadable() -> None:
    verdict = check(S.rsa_sha1(no_cert=True))
    assert verdict.integrity is False
    assert verdict.reasons == ["sig.contents-unreadable"]


def test_pkcs7_sha1_must_encapsulate_the_digest() -> None:
    verdict = check(S.pkcs7_sha1(detached=True))
    assert verdict.integrity is False
    assert verdict.reasons[0] == "sig.contents-unreadable"


def test_other_subfilters_still_refuse_encapsulated_content() -> None:
    """The adbe.pkcs7.sha1 exemption is its own: the same CMS labelled PAdES is refused."""
    verdict = check(S.pkcs7_sha1(subfilter="/ETSI.CAdES.detached"))
    assert verdict.integrity is False
    assert verdict.reasons[0] == "sig.encapsulated-content"


@pytest.mark.xfail(
    strict=True,
    reason="pyHanko's SigFieldModificationRule (in policy.hoso_diff_policy) calls a direct /V "
    "added in a later revision a suspicious modification of the earlier signatures",
)
def test_direct_dictionary_after_another_signature() -> None:
    verdict = check(S.direct_dictionary(after=True))
    assert verdict.integrity is True, [s.details for s in verdict.signatures]


# ---- key strength --------------------------------------------------------------------------


def test_key_strength_never_raises_and_follows_the_circular() -> None:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    from hoso.pdf.verify.chain import key_strength

    found = {}
    for kind in [*S.KEY_KINDS, "rsa2048"]:
        der = S.person(kind).cert.public_bytes(serialization.Encoding.DER)
        found[kind] = key_strength(asn1_x509.Certificate.load(der).public_key)
    assert found == {
        "ed25519": ("ED25519 256", False),
        "ed448": ("ED448 448", False),
        "p256": ("EC 256", True),
        "p384": ("EC 384", True),
        "brainpoolP256r1": ("EC 256", True),
        "brainpoolP384r1": ("EC 384", True),
        "rsa2048": ("RSA 2048", True),
    }


def test_eddsa_refusal_says_why() -> None:
    (sig,) = check(S.pyhanko_signed("ed25519")).signatures
    assert sig.details == ["sig.weak-key: ED25519 256: not RSA or ECDSA"]
    from hoso.messages import vi

    assert "Ed25519" in vi.MESSAGES["sig.weak-key"] and "Thông tư 15/2025" in vi.MESSAGES["sig.weak-key"]
