"""Trust: certificate paths to a trusted root, validity at the signing time, key usage and
algorithm strength (Thông tư 15/2025/TT-BKHCN), all offline.

Roots are the self-signed certificates among the trust anchors; every other certificate (from
trust/, the PDF, its DSS) only helps build paths. Revocation is judged from the data embedded
in the PDF; nothing is fetched.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from hoso.pdf.verify.report import (
    R_EXPIRED,
    R_KEY_USAGE,
    R_MISSING_ISSUER,
    R_NOT_YET_VALID,
    R_REVOKED,
    R_SELF_SIGNED,
    R_UNTRUSTED,
    R_WEAK_CHAIN,
    R_WEAK_DIGEST,
    R_WEAK_KEY,
    ChainLink,
    SignatureVerdict,
)

WEAK_DIGESTS = frozenset({"md2", "md4", "md5", "sha1"})
MIN_RSA_BITS = 2048
MIN_EC_BITS = 256


# ---- trust anchors -------------------------------------------------------------------------


def load_pem_certs(data: bytes) -> list[Any]:
    """Every certificate in a PEM (or a single DER) file, as asn1crypto certificates."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    if not pem.detect(data):
        return [asn1_x509.Certificate.load(data)]
    return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]


def _as_asn1(cert: Any) -> Any:
    from asn1crypto import x509 as asn1_x509

    if isinstance(cert, asn1_x509.Certificate):
        return cert
    if isinstance(cert, bytes):
        return load_pem_certs(cert)
    from cryptography.hazmat.primitives import serialization

    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def split_trust(trust_roots: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """Self-signed certificates are roots; the others are intermediates usable for paths."""
    roots: list[Any] = []
    intermediates: list[Any] = []
    for item in trust_roots:
        parsed = _as_asn1(item)
        for cert in parsed if isinstance(parsed, list) else [parsed]:
            (roots if self_signed(cert) else intermediates).append(cert)
    return roots, intermediates


def dss_revinfo(dss: Any) -> tuple[list[Any], list[Any]]:
    """The CRLs and OCSP responses of a PDF's DSS (none without one, or when it is unreadable);
    read once per file, used by every ValidationContext of its signatures."""
    if dss is None:
        return [], []
    try:
        # its own anchors do not matter, only what it read: none, not the system's trust list
        dss_context = dss.as_validation_context({"trust_roots": []})
        return list(dss_context.revinfo_manager.crls), list(dss_context.revinfo_manager.ocsps)
    except Exception:  # an unreadable DSS: validate without its revocation data
        return [], []


def validation_context(
    roots: list[Any], others: list[Any], revinfo: tuple[list[Any], list[Any]], moment: datetime | None
) -> Any:
    """A ValidationContext at `moment`: `roots` trusted, `others` for paths, `revinfo` (CRLs
    and OCSP responses, `dss_revinfo`) the only revocation data; nothing fetched."""
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.policy_decl import AcceptAllAlgorithms

    from hoso.pdf.verify import caches

    kwargs: dict[str, Any] = {
        "trust_manager": caches.trust_manager(roots),  # the anchors, built once per process
        "other_certs": others,
        "allow_fetching": False,
        "revocation_mode": "soft-fail",  # use embedded revocation data, never require it
        "retroactive_revinfo": True,
        "algorithm_usage_policy": AcceptAllAlgorithms(),  # hoso judges algorithms itself
    }
    if moment is not None:
        kwargs["moment"] = moment
        kwargs["best_signature_time"] = moment
    crls, ocsps = revinfo
    if crls or ocsps:
        kwargs["crls"] = list(crls)
        kwargs["ocsps"] = list(ocsps)
    return ValidationContext(**kwargs)


# ---- the path ------------------------------------------------------------------------------


async def check_chain(sig: SignatureVerdict, cert: Any, context: Any, known: list[Any]) -> list[Any]:
    """Validate a path to a trusted root at the signing time; return its certificates.

    `known`: every certificate a path may use; when none issued a link of the chain, the
    verdict names that issuer (`sig.missing-issuer`), so a school knows what to add.
    """
    from pyhanko_certvalidator import errors as cv_errors

    from hoso.pdf.verify.caches import validate_path

    try:
        paths = await context.path_builder.async_build_paths(cert)
    except Exception as exc:
        sig.chain = [link(cert)]
        sig.add(R_SELF_SIGNED if self_signed(cert) else R_UNTRUSTED, f"{type(exc).__name__}: {exc}")
        _name_missing_issuer(sig, cert, known)
        check_validity_alone(sig, cert, context.moment)
        return [cert]
    first_error: tuple[str, str] | None = None
    chain_certs: list[Any] = [cert]
    for candidate in paths:
        try:
            await validate_path(context, candidate)
        except cv_errors.ExpiredError as exc:
            first_error = first_error or (R_EXPIRED, str(exc))
        except cv_errors.NotYetValidError as exc:
            first_error = first_error or (R_NOT_YET_VALID, str(exc))
        except cv_errors.RevokedError as exc:
            first_error = first_error or (R_REVOKED, str(exc))
        except Exception as exc:
            first_error = first_error or (R_UNTRUSTED, f"{type(exc).__name__}: {exc}")
        else:
            certs = list(reversed(list(candidate.iter_certs(include_root=True))))
            sig.chain = [link(c) for c in certs]
            sig.chain_trusted = True
            sig.valid_at_signing = True
            return certs
        if not sig.chain:
            chain_certs = list(reversed(list(candidate.iter_certs(include_root=True))))
            sig.chain = [link(c) for c in chain_certs]
    if first_error is None:  # no candidate path at all
        first_error = (R_SELF_SIGNED if self_signed(cert) else R_UNTRUSTED, "no path to a trusted root")
    reason, detail = first_error
    sig.add(reason, detail)
    if reason in (R_UNTRUSTED, R_SELF_SIGNED):
        _name_missing_issuer(sig, cert, known)
        check_validity_alone(sig, cert, context.moment)
    else:  # the path leads to a trusted root, but a certificate was not valid then
        sig.chain_trusted = True
        sig.valid_at_signing = False
    return chain_certs


def _name_missing_issuer(sig: SignatureVerdict, cert: Any, known: list[Any]) -> None:
    from hoso.pdf.issuer import missing_issuer

    name = missing_issuer(cert, known)
    if name is not None:
        sig.add(R_MISSING_ISSUER, name)


def check_validity_alone(sig: SignatureVerdict, cert: Any, moment: datetime) -> None:
    """Validity of the signer's certificate when no path to a root could be validated."""
    validity = cert["tbs_certificate"]["validity"]
    not_before = validity["not_before"].native
    not_after = validity["not_after"].native
    if moment < not_before:
        sig.valid_at_signing = False
        sig.add(R_NOT_YET_VALID)
    elif moment > not_after:
        sig.valid_at_signing = False
        sig.add(R_EXPIRED)
    else:
        sig.valid_at_signing = True


# ---- the certificate itself ----------------------------------------------------------------


def check_key_usage(sig: SignatureVerdict, cert: Any, *, timestamp: bool) -> None:
    usage = cert.key_usage_value
    sig.key_usage = sorted(usage.native) if usage is not None else []
    if timestamp:
        return  # a TSA certificate is judged by its extended key usage (checked by pyHanko)
    if not {"digital_signature", "non_repudiation"} & set(sig.key_usage):
        sig.add(R_KEY_USAGE, f"key usage: {', '.join(sig.key_usage) or 'none'}")


def key_strength(public_key: Any) -> tuple[str, bool]:
    """A description of an asn1crypto public key ("RSA 2048", "EC 256", "ED25519 256") and
    whether Thông tư 15/2025/TT-BKHCN accepts it: RSA ≥ 2048 bits or ECDSA ≥ 256 bits, on any
    curve `cryptography` can verify (NIST or brainpool). Its list has no EdDSA, DSA or other
    algorithm: those are refused whatever their size."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    algo = str(public_key.algorithm)
    try:
        key: Any = serialization.load_der_public_key(public_key.dump())
    except (ValueError, UnsupportedAlgorithm):  # e.g. an EC key on a curve nothing can verify
        key = None
    if algo == "rsa" and isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size}", key.key_size >= MIN_RSA_BITS
    if algo == "ec":
        if isinstance(key, ec.EllipticCurvePublicKey):
            return f"EC {key.curve.key_size}", key.curve.key_size >= MIN_EC_BITS
        return "EC, unsupported curve", False
    # asn1crypto's bit_size raises UnboundLocalError for EdDSA keys: their sizes are fixed
    bits = {"ed25519": 256, "ed448": 448}.get(algo)
    if bits is None:
        try:
            bits = int(public_key.bit_size)
        except Exception:  # an algorithm asn1crypto cannot size: described without a size
            return algo.upper(), False
    return f"{algo.upper()} {bits}", False


def check_algorithms(sig: SignatureVerdict, cert: Any, chain_certs: list[Any]) -> None:
    from hoso.pdf.verify.policy import PKCS7_SHA1

    digest = (sig.digest_algorithm or "").lower()
    sig_algo = sig.signature_algorithm or ""
    if digest in WEAK_DIGESTS or any(sig_algo.startswith(w + "_") for w in WEAK_DIGESTS):
        sig.add(R_WEAK_DIGEST, f"{digest} / {sig_algo}")
    elif sig.subfilter == PKCS7_SHA1:  # the bytes are digested with SHA-1 whatever the CMS uses
        sig.add(R_WEAK_DIGEST, f"sha1 (adbe.pkcs7.sha1) / {digest} / {sig_algo}")
    description, strong = key_strength(cert.public_key)
    sig.key = description
    if not strong:
        listed = description.startswith(("RSA ", "EC "))  # else not in TT 15/2025's list at all
        sig.add(R_WEAK_KEY, description if listed else f"{description}: not RSA or ECDSA")
    # the certificates of the chain (a root's own self-signature proves nothing: skipped)
    for link_cert in chain_certs:
        name = link_cert.subject.human_friendly
        hash_algo = link_cert["signature_algorithm"].hash_algo
        if hash_algo in WEAK_DIGESTS and not self_signed(link_cert):
            sig.add(R_WEAK_CHAIN, f"{name}: signed with {hash_algo}")
        if link_cert is not cert:
            issuer_desc, issuer_strong = key_strength(link_cert.public_key)
            if not issuer_strong:
                sig.add(R_WEAK_CHAIN, f"{name}: {issuer_desc}")


# ---- describing certificates ---------------------------------------------------------------


def fingerprint(cert: Any) -> str:
    return ":".join(f"{b:02X}" for b in hashlib.sha256(cert.dump()).digest())


def common_name(cert: Any) -> str:
    subject = cert.subject.native
    cn = subject.get("common_name")
    if isinstance(cn, list):
        cn = cn[-1] if cn else None
    return str(cn) if cn else str(cert.subject.human_friendly)


def link(cert: Any) -> ChainLink:
    validity = cert["tbs_certificate"]["validity"]
    return ChainLink(
        subject=common_name(cert),
        fingerprint=fingerprint(cert),
        not_before=iso(validity["not_before"].native),
        not_after=iso(validity["not_after"].native),
    )


def describe_cert(sig: SignatureVerdict, cert: Any) -> None:
    sig.signer = common_name(cert)
    sig.subject = str(cert.subject.human_friendly)
    sig.fingerprint = fingerprint(cert)


def iso(when: datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.isoformat()


def self_signed(cert: Any) -> bool:
    """asn1crypto answers "yes", "maybe" (issuer = subject, no key ids) or "no" — a truthy string."""
    return bool(cert.self_signed in ("yes", "maybe"))
