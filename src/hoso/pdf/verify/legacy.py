"""Genuine signatures pyHanko's `EmbeddedPdfSignature` cannot read as they stand.

- a signature dictionary written directly in the field (/V an inline dictionary, allowed by
  ISO 32000): pyHanko looks up the revision of /V's object reference, which a direct
  dictionary has none of. The dictionary belongs to the revision that last wrote the field
  object holding it;
- SubFilter adbe.x509.rsa_sha1: /Contents is a DER OCTET STRING holding a PKCS#1 v1.5 RSA
  signature of the byte range (SHA-1, or the digest its DigestInfo names), the certificates
  are in /Cert. It is wrapped in a CMS SignedData made up here (no signed attributes), so that
  coverage, difference analysis, chains and algorithms run as for any other signature; its
  integrity is checked here with `cryptography` (`check_rsa_sha1`);
- SubFilter adbe.pkcs7.sha1: the CMS signs, as encapsulated content, the SHA-1 digest of the
  byte range; that content must equal the digest of the bytes (`check_pkcs7_sha1`).

Both subfilters digest with SHA-1, refused by `chain.check_algorithms` (Thông tư
15/2025/TT-BKHCN): integrity is judged, trust is not given. This module imports pyHanko at
the top: import it inside functions.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from asn1crypto import algos, cms
from asn1crypto import core as asn1_core
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils
from pyhanko.pdf_utils import generic, misc
from pyhanko.sign.general import CMSStructuralError, extract_signer_info
from pyhanko.sign.validation.generic_cms import validate_sig_integrity
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature, extract_contents

from hoso.pdf.verify.policy import PKCS7_SHA1
from hoso.pdf.verify.report import R_CONTENTS, R_DIGEST, R_SIGNATURE, SignatureVerdict

RSA_SHA1 = "/adbe.x509.rsa_sha1"
# digests a PKCS#1 DigestInfo may name in adbe.x509.rsa_sha1 (PDF 1.6 allowed more than SHA-1)
_RSA_DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


def embedded_signature(reader: Any, sig_field: Any, fq_name: str) -> EmbeddedPdfSignature:
    """The signature of a filled field: pyHanko's own reader unless it cannot read it."""
    field = sig_field.get_object()
    value = field.raw_get("/V")
    sig_object = value.get_object()
    subfilter = sig_object.get("/SubFilter") if isinstance(sig_object, generic.DictionaryObject) else None
    if isinstance(value, generic.IndirectObject) and subfilter != RSA_SHA1:
        return EmbeddedPdfSignature(reader, sig_field, fq_name)
    return LegacyPdfSignature(reader, sig_field, fq_name)


class LegacyPdfSignature(EmbeddedPdfSignature):
    """An `EmbeddedPdfSignature` for a direct signature dictionary or adbe.x509.rsa_sha1.

    Sets what `EmbeddedPdfSignature.__init__` (pyHanko 0.38) sets; everything else
    (coverage, difference analysis, DocMDP, certificates) is pyHanko's.
    """

    def __init__(self, reader: Any, sig_field: Any, fq_name: str) -> None:
        self.reader = reader
        field_ref = sig_field
        self.sig_field = sig_field = field_ref.get_object()  # a direct object returns itself
        value = sig_field.raw_get("/V")
        self.sig_object = sig_object = value.get_object()
        if not isinstance(sig_object, generic.DictionaryObject):
            raise misc.PdfReadError("signature value is not a dictionary")
        try:
            self.byte_range = sig_object.raw_get("/ByteRange")
        except KeyError:
            raise misc.PdfReadError("Could not read /ByteRange entry in signature") from None
        self.pkcs7_content = contents = extract_contents(sig_object)
        if sig_object.get("/SubFilter") == RSA_SHA1:
            signed_data = _rsa_sha1_signed_data(sig_object, contents)
        else:
            signed_data = cms.ContentInfo.load(contents)["content"]
        self.signed_data = signed_data
        self.signer_info = extract_signer_info(signed_data)
        self._sd_cert_info = None
        self.md_algorithm = self.signer_info["digest_algorithm"]["algorithm"].native.lower()
        self.external_md_algorithm = self.md_algorithm
        eci = signed_data["encap_content_info"]
        if eci["content_type"].native == "tst_info":
            mi = eci["content"].parsed["message_imprint"]
            self.external_md_algorithm = mi["hash_algorithm"]["algorithm"].native
        # a direct dictionary is part of the field object: it was signed in the revision
        # that last wrote that object (pyHanko's coverage check then proves it is covered)
        holder = value if isinstance(value, generic.IndirectObject) else field_ref
        if not isinstance(holder, generic.IndirectObject):
            raise misc.PdfReadError("signature field is not an indirect object")
        self.signed_revision = reader.xrefs.get_last_change(holder.reference)
        self.coverage = None
        self.external_digests = {}
        self._docmdp = None
        self._fieldmdp = None
        self._docmdp_queried = self._fieldmdp_queried = False
        self.tst_signature_digest = None
        self.diff_result = None
        self._integrity_checked = False
        self.fq_name = fq_name


# ---- adbe.x509.rsa_sha1 --------------------------------------------------------------------


def _rsa_sha1_signed_data(sig_object: Any, contents: bytes) -> cms.SignedData:
    """A CMS SignedData standing for an adbe.x509.rsa_sha1 signature (never serialised)."""
    try:
        raw_certs = sig_object["/Cert"]
    except KeyError:
        raise misc.PdfReadError("adbe.x509.rsa_sha1 signature without /Cert") from None
    items = list(raw_certs) if isinstance(raw_certs, generic.ArrayObject) else [raw_certs]
    certs = []
    for item in items:
        if not isinstance(item, (generic.ByteStringObject, generic.TextStringObject)):
            raise misc.PdfReadError("/Cert entries must be strings")
        certs.append(asn1_x509.Certificate.load(item.original_bytes, strict=True))
    if not certs:
        raise misc.PdfReadError("adbe.x509.rsa_sha1 signature with an empty /Cert")
    signer = certs[0]  # ISO 32000-1 12.8.3.2: the signer's certificate comes first
    signature = _octet_string(contents)
    recovered = _recover_digest_info(_public_key(signer), signature)
    # the DigestInfo names the digest; when it cannot be read the check reports why
    digest = recovered[0] if recovered is not None else "sha1"
    signer_info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                name="issuer_and_serial_number",
                value=cms.IssuerAndSerialNumber(
                    {"issuer": signer.issuer, "serial_number": signer.serial_number}
                ),
            ),
            "digest_algorithm": {"algorithm": digest},
            "signature_algorithm": {"algorithm": f"{digest}_rsa"},
            "signature": signature,
        }
    )
    return cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [{"algorithm": digest}],
            "encap_content_info": {"content_type": "data"},
            "certificates": certs,
            "signer_infos": [signer_info],
        }
    )


def _octet_string(contents: bytes) -> bytes:
    """The DER OCTET STRING at the start of /Contents (zero padding may follow it)."""
    value = asn1_core.OctetString.load(contents, strict=False)
    if value.contents is None or len(value.dump()) > len(contents) or any(contents[len(value.dump()) :]):
        raise misc.PdfReadError("/Contents is not a DER OCTET STRING")
    return bytes(value.native)


def _public_key(cert: asn1_x509.Certificate) -> Any:
    try:
        return serialization.load_der_public_key(cert.public_key.dump())
    except (ValueError, UnsupportedAlgorithm):
        return None


def _recover_digest_info(public_key: Any, signature: bytes) -> tuple[str, bytes] | None:
    """(digest name, digest) from a PKCS#1 v1.5 signature, or None if it is not one by this
    RSA key or names a digest adbe.x509.rsa_sha1 cannot use."""
    if not isinstance(public_key, rsa.RSAPublicKey):
        return None
    try:
        recovered = public_key.recover_data_from_signature(signature, padding.PKCS1v15(), None)
        info = algos.DigestInfo.load(recovered, strict=True)
        name = str(info["digest_algorithm"]["algorithm"].native)
        digest = bytes(info["digest"].native)
    except (InvalidSignature, ValueError):
        return None
    return (name, digest) if name in _RSA_DIGESTS else None


def check_rsa_sha1(sig: SignatureVerdict, emb: Any) -> None:
    """The PKCS#1 v1.5 signature in /Contents: its digest is that of the byte range, and it
    verifies with the key of the first /Cert certificate."""
    public_key = _public_key(emb.signer_cert)
    if not isinstance(public_key, rsa.RSAPublicKey):
        sig.add(R_CONTENTS, "adbe.x509.rsa_sha1 needs an RSA certificate")
        return
    signature = bytes(emb.signer_info["signature"].native)
    recovered = _recover_digest_info(public_key, signature)
    if recovered is None:
        sig.add(R_SIGNATURE, "not a PKCS#1 v1.5 signature by the /Cert certificate's key")
        return
    name, claimed = recovered
    actual = emb.compute_digest(name)
    sig.intact = hmac.compare_digest(claimed, actual)
    if not sig.intact:
        sig.add(R_DIGEST)
        return
    try:  # the recovered block must also be the one canonical encoding of that digest
        public_key.verify(signature, actual, padding.PKCS1v15(), utils.Prehashed(_RSA_DIGESTS[name]()))
    except InvalidSignature:
        sig.add(R_SIGNATURE, "non-canonical PKCS#1 v1.5 DigestInfo")


# ---- adbe.pkcs7.sha1 -----------------------------------------------------------------------


def check_pkcs7_sha1(sig: SignatureVerdict, emb: Any) -> None:
    """The encapsulated content is SHA-1(byte range), and the CMS signs that content."""
    encap = emb.signed_data["encap_content_info"]
    content = encap["content"].native if encap["content_type"].native == "data" else None
    if not isinstance(content, bytes):
        sig.add(R_CONTENTS, f"{PKCS7_SHA1[1:]} without the SHA-1 digest as encapsulated data")
        return
    sig.intact = hmac.compare_digest(content, emb.compute_digest("sha1"))
    if not sig.intact:
        sig.add(R_DIGEST, "encapsulated digest differs from SHA-1 of the byte range")
        return
    signer_info = emb.signer_info
    try:
        md = signer_info["digest_algorithm"]["algorithm"].native
        content_digest = hashlib.new(str(md), content).digest()
        intact, valid = validate_sig_integrity(signer_info, emb.signer_cert, "data", content_digest)
    except (CMSStructuralError, ValueError, KeyError) as exc:
        sig.add(R_CONTENTS, f"{type(exc).__name__}: {exc}")
        return
    sig.intact = bool(intact)
    if not intact:
        sig.add(R_DIGEST, "message digest attribute differs from the encapsulated content's")
    elif not valid:
        sig.add(R_SIGNATURE)
