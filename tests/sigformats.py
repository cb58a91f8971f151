"""Signature formats other signing applications produce, all made at test time.

Provenance (the source PDF and the test PKI come from tests/sigfixtures.py):

- `pyhanko_signed(key_kind, subfilter)`: pyHanko's PdfSigner, with a person certificate
  issued at test time by the test intermediate for a fresh Ed25519, Ed448, P-256, P-384,
  brainpoolP256r1 or brainpoolP384r1 key (or the teacher's RSA key).
- by hand, where pyHanko cannot write the structure: `_prepare` adds an invisible signature
  field in an incremental update (pyHanko's writer) whose signature dictionary holds a
  fixed-width /ByteRange placeholder and a zeroed /Contents; `_fill` computes the byte range
  and writes the signature into /Contents. Used for
  - `direct_dictionary()`: the field's /V is an inline dictionary; the CMS is pyHanko's
    `Signer.async_sign` over the SHA-256 digest of the byte range;
  - `rsa_sha1(cert_array)`: SubFilter adbe.x509.rsa_sha1, /Contents a DER OCTET STRING holding
    the PKCS#1 v1.5 signature (`cryptography`, SHA-1) of the byte range, the certificates in
    /Cert (one string, or an array of strings: signer then intermediate);
  - `pkcs7_sha1()`: SubFilter adbe.pkcs7.sha1, a CMS (pyHanko's
    `Signer.async_sign_general_data`, not detached) whose encapsulated content is the SHA-1
    digest of the byte range.
- `tampered(data)`: one byte of the first page's content stream (inside every signed range)
  changed.

Every fixture is cached per process: keys and signatures are made once.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import io
import re
from collections.abc import Callable
from functools import cache
from typing import Any

import sigfixtures as F
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa

from hoso.pdf import pki
from hoso.pdf.sign import signer_from_keys

SIGNED_M = "D:20240912080500+07'00'"  # /M of the hand-made signatures: sigfixtures.SIGNED_AT
CONTENTS_BYTES = 8192  # room for the signature in /Contents (before hex encoding)
_PLACEHOLDER = 9_999_999_999  # ten digits: any real offset fits in its place
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*0\s+%d\s+%d\s+%d\s*\]" % ((_PLACEHOLDER,) * 3))

# key kind → (a new private key, the digest pyHanko signs with)
KEY_KINDS: dict[str, tuple[Callable[[], Any], str]] = {
    "ed25519": (ed25519.Ed25519PrivateKey.generate, "sha512"),  # RFC 8419: SHA-512
    "ed448": (ed448.Ed448PrivateKey.generate, "shake256"),  # RFC 8419: SHAKE256
    "p256": (lambda: ec.generate_private_key(ec.SECP256R1()), "sha256"),
    "p384": (lambda: ec.generate_private_key(ec.SECP384R1()), "sha384"),
    "brainpoolP256r1": (lambda: ec.generate_private_key(ec.BrainpoolP256R1()), "sha256"),
    "brainpoolP384r1": (lambda: ec.generate_private_key(ec.BrainpoolP384R1()), "sha384"),
}


@cache
def person(key_kind: str) -> pki.Issued:
    """A person certificate from the trusted test intermediate for a fresh key of `key_kind`."""
    if key_kind == "rsa2048":
        return F.pki_fixture().teacher
    make_key, _ = KEY_KINDS[key_kind]
    return pki.make_person_cert(
        f"Người ký {key_kind}", f"nguoi-ky-{key_kind.lower()}", F.pki_fixture().inter, key=make_key()
    )


def _signer(issued: pki.Issued) -> Any:
    return signer_from_keys(issued.cert, issued.key, [F.pki_fixture().inter.cert])


# ---- pyHanko's own signatures --------------------------------------------------------------


@cache
def pyhanko_signed(key_kind: str, subfilter: str = "ETSI.CAdES.detached") -> bytes:
    """pyHanko's PdfSigner; `subfilter`: ETSI.CAdES.detached or adbe.pkcs7.detached."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    md = KEY_KINDS[key_kind][1] if key_kind in KEY_KINDS else "sha256"
    meta = signers.PdfSignatureMetadata(
        field_name="Sig1", md_algorithm=md, subfilter=fields.SigSeedSubFilter(f"/{subfilter}")
    )
    out = io.BytesIO()
    writer = IncrementalPdfFileWriter(io.BytesIO(F.source_pdf()))
    pdf_signer = signers.PdfSigner(meta, signer=_signer(person(key_kind)))
    asyncio.run(pdf_signer.async_sign_pdf(writer, output=out))
    return out.getvalue()


# ---- hand-made signatures ------------------------------------------------------------------


def _prepare(data: bytes, field: str, subfilter: str, *, direct: bool, extra: dict[str, Any]) -> bytes:
    """`data` plus an incremental update: a signature field whose signature dictionary has
    placeholders for /ByteRange and /Contents (direct in the field, or an indirect object)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields

    w = IncrementalPdfFileWriter(io.BytesIO(data))
    fields.append_signature_field(w, fields.SigFieldSpec(field))
    form = w.root["/AcroForm"]
    # as signing applications do: signatures exist, append only
    form[generic.pdf_name("/SigFlags")] = generic.NumberObject(3)  # type: ignore[no-untyped-call]
    w.update_container(form)
    number: Any = generic.NumberObject  # pyHanko's constructors are untyped
    sig = generic.DictionaryObject(  # type: ignore[no-untyped-call]
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Sig"),
            generic.pdf_name("/Filter"): generic.pdf_name("/Adobe.PPKLite"),
            generic.pdf_name("/SubFilter"): generic.pdf_name(subfilter),
            generic.pdf_name("/M"): generic.TextStringObject(SIGNED_M),
            generic.pdf_name("/ByteRange"): generic.ArrayObject([number(0)] + [number(_PLACEHOLDER)] * 3),
            generic.pdf_name("/Contents"): generic.ByteStringObject(bytes(CONTENTS_BYTES)),
            **{generic.pdf_name(k): v for k, v in extra.items()},
        }
    )
    for _, _, field_ref in fields.enumerate_sig_fields(w, with_name=field):
        field_ref.get_object()[generic.pdf_name("/V")] = sig if direct else w.add_object(sig)
        w.mark_update(field_ref)
        break
    else:  # pragma: no cover
        raise AssertionError(f"no field {field}")
    out = io.BytesIO()
    w.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def _fill(prepared: bytes, sign: Callable[[bytes], bytes]) -> bytes:
    """Write the real /ByteRange, then `sign(signed bytes)` (DER) into /Contents."""
    match = _BYTE_RANGE.search(prepared)
    assert match is not None, "no /ByteRange placeholder"
    hole = b"<" + b"0" * (2 * CONTENTS_BYTES) + b">"
    start = prepared.index(hole, match.end() if prepared.find(hole, match.end()) >= 0 else 0)
    end = start + len(hole)
    ranges = b"/ByteRange [0 %d %d %d]" % (start, end, len(prepared) - end)
    data = prepared[: match.start()] + ranges.ljust(len(match.group(0))) + prepared[match.end() :]
    signature = sign(data[:start] + data[end:])
    assert len(signature) <= CONTENTS_BYTES
    return data[: start + 1] + signature.hex().encode().ljust(2 * CONTENTS_BYTES, b"0") + data[end - 1 :]


def _attrs() -> Any:
    """Signed attributes with the signing time pinned (sigfixtures.SIGNED_AT, Vietnam time)."""
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    from hoso.pdf.sign import VN_TZ

    return PdfCMSSignedAttributes(signing_time=F.SIGNED_AT.replace(tzinfo=VN_TZ))


@cache
def direct_dictionary(after: bool = False) -> bytes:
    """The CMS (ETSI.CAdES.detached) in a signature dictionary inline in the field: the
    teacher's on the source, or (`after`) the tổ trưởng's after the teacher's hoso signature."""
    p = F.pki_fixture()
    base, issued = (F.signed(), p.to_truong) if after else (F.source_pdf(), p.teacher)
    prepared = _prepare(base, "Sig2" if after else "Sig1", "/ETSI.CAdES.detached", direct=True, extra={})
    signer = _signer(issued)

    def sign(signed: bytes) -> bytes:
        digest = hashlib.sha256(signed).digest()
        info = signer.async_sign(digest, "sha256", use_pades=True, signed_attr_settings=_attrs())
        return bytes(asyncio.run(info).dump())

    return _fill(prepared, sign)


@cache
def rsa_sha1(cert_array: bool = False, *, wrong_key: bool = False, no_cert: bool = False) -> bytes:
    """adbe.x509.rsa_sha1 by the teacher: /Cert one string, or [signer, intermediate].

    Defective variants: `wrong_key` (signed by the tổ trưởng's key, the teacher's /Cert),
    `no_cert` (no /Cert at all)."""
    from asn1crypto import core
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils import generic

    p = F.pki_fixture()
    der = [c.public_bytes(serialization.Encoding.DER) for c in (p.teacher.cert, p.inter.cert)]
    certs: Any = (
        generic.ArrayObject([generic.ByteStringObject(d) for d in der])
        if cert_array
        else generic.ByteStringObject(der[0])
    )
    extra = {} if no_cert else {"/Cert": certs}
    prepared = _prepare(F.source_pdf(), "Sig1", "/adbe.x509.rsa_sha1", direct=False, extra=extra)
    key = (p.to_truong if wrong_key else p.teacher).key
    assert isinstance(key, rsa.RSAPrivateKey)

    def sign(signed: bytes) -> bytes:
        value = key.sign(signed, padding.PKCS1v15(), hashes.SHA1())
        return bytes(core.OctetString(value).dump())

    return _fill(prepared, sign)


@cache
def pkcs7_sha1(*, detached: bool = False, subfilter: str = "/adbe.pkcs7.sha1") -> bytes:
    """adbe.pkcs7.sha1 by the teacher: a CMS encapsulating SHA-1(byte range), signed with SHA-1.

    Defective variants: `detached` (the CMS carries no content: the SHA-1 digest is only in
    its message-digest attribute); another `subfilter` (the same CMS mislabelled)."""
    prepared = _prepare(F.source_pdf(), "Sig1", subfilter, direct=False, extra={})
    signer = _signer(F.pki_fixture().teacher)

    def sign(signed: bytes) -> bytes:
        content = hashlib.sha1(signed).digest()
        info = signer.async_sign_general_data(
            content, "sha1", detached=detached, signed_attr_settings=_attrs()
        )
        return bytes(asyncio.run(info).dump())

    return _fill(prepared, sign)


def tampered(data: bytes) -> bytes:
    """One byte of the first page's content stream changed: inside every signed range."""
    start = data.index(b"stream\n") + 20
    return data[:start] + bytes([data[start] ^ 0x01]) + data[start + 1 :]


def sha1_pades() -> bytes:
    """PAdES (ETSI.CAdES.detached) whose CMS digests with SHA-1: sigfixtures.sign_sha1."""
    return F.sign_sha1(F.source_pdf(), F.pki_fixture().teacher, "Sig1")


def countersigned(data: bytes) -> bytes:
    """`data` signed again by the tổ trưởng with hoso's own signing (SHA-256 PAdES)."""
    return F.sign(data, F.pki_fixture().to_truong, "Sig2", when=F.COUNTER_SIGNED_AT)


# ---- every format hoso accepts as intact -----------------------------------------------------

# name → the file; each is judged intact by hoso (tests/test_verify_formats.py says with which
# reasons) and compared with pdfsig by tests/test_pdfsig_agrees.py
INTACT: dict[str, Callable[[], bytes]] = {
    **{f"cades-{kind}": functools.partial(pyhanko_signed, kind) for kind in KEY_KINDS},
    "pkcs7-detached-rsa": lambda: pyhanko_signed("rsa2048", "adbe.pkcs7.detached"),
    "pkcs7-detached-p256": lambda: pyhanko_signed("p256", "adbe.pkcs7.detached"),
    "direct-dictionary": direct_dictionary,
    "direct-dictionary-countersigned": lambda: countersigned(direct_dictionary()),
    "pades-sha1": sha1_pades,
    "rsa_sha1-cert-string": rsa_sha1,
    "rsa_sha1-cert-array": lambda: rsa_sha1(True),
    "rsa_sha1-countersigned": lambda: countersigned(rsa_sha1()),
    "pkcs7_sha1": pkcs7_sha1,
    "pkcs7_sha1-countersigned": lambda: countersigned(pkcs7_sha1()),
}
