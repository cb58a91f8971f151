"""Name the CA certificate a chain is missing, so that a person knows what to add to trust/.

Real PDFs (VNPT SmartCA remote signing, for one) embed only the signer's certificate: when
neither the PDF nor trust/ holds the issuing CA's certificate, no path can be built, and
"untrusted chain" alone does not say what to fetch. `missing_issuer` walks up from the signer's
certificate through the certificates that are known (embedded in the PDF, its DSS, trust/) by
subject name and returns the name of the first issuer that is not there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# A chain longer than this is not a real PKI (and a loop of cross-certificates must end).
_MAX_DEPTH = 16


def issuer_name(cert_asn1: Any) -> str:
    """The issuer of an asn1crypto certificate, for people: its CN, else the full DN."""
    return _readable(cert_asn1.issuer)


def _readable(name: Any) -> str:
    native = name.native
    cn = native.get("common_name") if isinstance(native, dict) else None
    if isinstance(cn, list):
        cn = cn[-1] if cn else None
    return str(cn) if cn else str(name.human_friendly)


def _as_asn1(cert: Any) -> list[Any]:
    """asn1crypto certificates from an asn1crypto or `cryptography` certificate or PEM/DER bytes."""
    from asn1crypto import x509 as asn1_x509

    if isinstance(cert, asn1_x509.Certificate):
        return [cert]
    if isinstance(cert, bytes | bytearray):
        from hoso.trust import asn1_certificates

        return asn1_certificates(bytes(cert))
    from cryptography.hazmat.primitives.serialization import Encoding

    return [asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))]


def missing_issuer(cert_asn1: Any, known_certs: Iterable[Any]) -> str | None:
    """The human-readable name (CN, else full DN) of the first missing CA above `cert_asn1`.

    `known_certs`: every certificate a path may use (the PDF's embedded certificates, its DSS,
    the trust roots and intermediates), as asn1crypto certificates (PEM/DER bytes and
    `cryptography` certificates are accepted too). Names are compared as RFC 5280 says (asn1crypto
    `Name.hashable`: case and spaces folded), so a PrintableString and a UTF8String of the same
    name match. Returns None when the chain of names is complete up to a self-issued certificate
    (then the failure lies elsewhere: a signature, a validity period, a root not trusted) or
    when `cert_asn1` is self-issued itself.
    """
    by_subject: dict[str, Any] = {}
    for item in known_certs:
        for cert in _as_asn1(item):
            by_subject.setdefault(cert.subject.hashable, cert)
    current = _as_asn1(cert_asn1)[0]
    seen: set[str] = set()
    for _ in range(_MAX_DEPTH):
        issuer_key = current.issuer.hashable
        if issuer_key == current.subject.hashable or issuer_key in seen:
            return None  # self-issued (a root) or a loop: nothing is missing by name
        seen.add(current.subject.hashable)
        parent = by_subject.get(issuer_key)
        if parent is None:
            return _readable(current.issuer)
        current = parent
    return None
