"""Verify the signatures of a PDF offline, with pyHanko, under hoso's strict policy.

`verify_pdf(data, trust_roots=…, people=…)` returns a `FileVerdict`: per signature the signer,
the person and roles it maps to in people.yml at the signing time, the claimed and timestamped
signing times, integrity, coverage, the certificate chain, validity at signing time, key usage
and algorithm strength, each problem a stable reason id (``sig.digest-mismatch``…).

Two separate judgements, so a file signed under a foreign CA can still be judged for tampering:

- integrity: the bytes only. Every signature intact and covering its revision; after the
  first signature a record may only gain signatures (fields + appearances), DSS validation
  data and document timestamps; the last signature covers the whole file (only DSS data and
  document timestamps may follow it).
- trust: chain to a self-signed root among `trust_roots` (intermediates from the PDF, its
  DSS or `trust_roots`), certificate valid at the signing time and not revoked by embedded
  revocation data, a signing key usage, strong algorithms (Thông tư 15/2025/TT-BKHCN: SHA-256
  or stronger, RSA ≥ 2048, ECDSA ≥ 256), and a signer known to people.yml holding a role then.

Nothing is fetched from the network. pyHanko is imported inside the functions: a git hook
that checks no signature must not pay for the import.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hoso.config.models import People

VN_TZ = timezone(timedelta(hours=7), "ICT")
WEAK_DIGESTS = frozenset({"md2", "md4", "md5", "sha1"})
MIN_RSA_BITS = 2048
MIN_EC_BITS = 256
# A stored verdict depends on this: bump it whenever the policy changes.
POLICY_VERSION = 1

# ---- reason ids (stable: rules, caches and scripts act on them) ----------------------------
# integrity: the bytes
R_UNREADABLE = "file.unreadable"
R_UNSIGNED = "file.unsigned"
R_NOT_FOUND = "file.not-found"
R_CONTENTS = "sig.contents-unreadable"
R_DIGEST = "sig.digest-mismatch"
R_SIGNATURE = "sig.signature-invalid"
R_BYTE_RANGE = "sig.byte-range"
R_FORBIDDEN = "sig.forbidden-modification"
R_NOT_LAST = "sig.not-last-covers-file"
R_TIMESTAMP_BROKEN = "sig.timestamp-invalid"
# trust: chains, validity, roles, algorithms
R_UNTRUSTED = "sig.untrusted-chain"
R_SELF_SIGNED = "sig.self-signed"
R_EXPIRED = "sig.expired-at-signing"
R_NOT_YET_VALID = "sig.not-yet-valid-at-signing"
R_REVOKED = "sig.revoked"
R_KEY_USAGE = "sig.key-usage"
R_WEAK_DIGEST = "sig.weak-digest"
R_WEAK_KEY = "sig.weak-key"
R_WEAK_CHAIN = "sig.weak-chain"
R_UNKNOWN_SIGNER = "sig.unknown-signer"
R_NO_ROLE = "sig.no-role-at-signing"
R_NO_TIME = "sig.no-signing-time"
R_TIMESTAMP_UNTRUSTED = "sig.timestamp-untrusted"

INTEGRITY_REASONS = frozenset(
    {
        R_UNREADABLE,
        R_CONTENTS,
        R_DIGEST,
        R_SIGNATURE,
        R_BYTE_RANGE,
        R_FORBIDDEN,
        R_NOT_LAST,
        R_TIMESTAMP_BROKEN,
    }
)


# ---- the verdict tree (serialises to the JSON contract) ------------------------------------


@dataclass
class RoleHeld:
    role: str
    group: str | None = None
    class_: str | None = None


@dataclass
class ChainLink:
    subject: str  # common name (or the full DN when there is none)
    fingerprint: str  # SHA-256, "AB:CD:…"
    not_before: str
    not_after: str


class _Reasons:
    """Reason ids (stable, translated by the CLI) and pyHanko's technical detail for each."""

    reasons: list[str]
    details: list[str]

    def add(self, reason: str, detail: str | None = None) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
        if detail:
            self.details.append(f"{reason}: {detail}")


@dataclass
class SignatureVerdict(_Reasons):
    field_name: str
    kind: str  # "signature" or "doc-timestamp"
    revision: int | None = None  # 0-based revision the signature belongs to
    signer: str | None = None  # CN of the signer's certificate
    subject: str | None = None  # full distinguished name
    fingerprint: str | None = None  # SHA-256 of the certificate, "AB:CD:…"
    person: str | None = None  # person id in people.yml, or "seal"
    person_name: str | None = None
    roles: list[RoleHeld] = field(default_factory=list)
    claimed_time: str | None = None  # ISO 8601, as claimed by the signer
    timestamp_time: str | None = None  # from an RFC 3161 token, when present
    signing_time: str | None = None  # the time everything was judged at
    digest_algorithm: str | None = None
    signature_algorithm: str | None = None
    key: str | None = None  # e.g. "RSA 2048", "EC 256"
    byte_range: list[int] = field(default_factory=list)
    coverage: str = "unknown"  # entire-file, entire-revision, partial, unclear
    covers_file: bool = False
    modifications: str | None = None  # none, lta-updates, form-filling (signatures only), forbidden
    intact: bool = False
    chain: list[ChainLink] = field(default_factory=list)
    chain_trusted: bool = False
    valid_at_signing: bool | None = None
    key_usage: list[str] = field(default_factory=list)
    integrity: bool = False
    trusted: bool = False
    status: str = "invalid"  # valid, invalid, untrusted
    reasons: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # technical detail (pyHanko's words), English

    def conclude(self) -> None:
        self.integrity = not any(r in INTEGRITY_REASONS for r in self.reasons)
        self.trusted = not any(r not in INTEGRITY_REASONS for r in self.reasons)
        self.status = (
            "valid" if self.integrity and self.trusted else ("untrusted" if self.integrity else "invalid")
        )


@dataclass
class FileVerdict(_Reasons):
    path: str
    integrity: bool = False
    trusted: bool = False
    status: str = "invalid"  # valid, invalid, untrusted, unsigned, unreadable, not-found
    reasons: list[str] = field(default_factory=list)
    signatures: list[SignatureVerdict] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    def conclude(self) -> None:
        if R_NOT_FOUND in self.reasons:
            self.integrity = self.trusted = False
            self.status = "not-found"
            return
        if R_UNREADABLE in self.reasons:
            self.integrity = self.trusted = False
            self.status = "unreadable"
            return
        if not self.signatures:
            self.integrity = self.trusted = False
            self.add(R_UNSIGNED)
            self.status = "unsigned"
            return
        for sig in self.signatures:
            sig.conclude()
        file_integrity = not any(r in INTEGRITY_REASONS for r in self.reasons)
        self.integrity = file_integrity and all(s.integrity for s in self.signatures)
        self.trusted = all(s.trusted for s in self.signatures)
        for sig in self.signatures:
            for reason in sig.reasons:
                if reason not in self.reasons:
                    self.reasons.append(reason)
        self.status = (
            "valid" if self.integrity and self.trusted else ("untrusted" if self.integrity else "invalid")
        )

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for sig in data["signatures"]:
            for role in sig["roles"]:
                role["class"] = role.pop("class_")
        return data


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


def _split_trust(trust_roots: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """Self-signed certificates are roots; the others are intermediates usable for paths."""
    roots: list[Any] = []
    intermediates: list[Any] = []
    for item in trust_roots:
        parsed = _as_asn1(item)
        for cert in parsed if isinstance(parsed, list) else [parsed]:
            (roots if _self_signed(cert) else intermediates).append(cert)
    return roots, intermediates


# ---- hoso's modification policy ------------------------------------------------------------


def hoso_diff_policy() -> Any:
    """pyHanko's standard diff analysis without its form-filling rule.

    Allowed after a signature: new signature fields with their appearances and widgets,
    signature values, DSS validation data, document timestamps, document info / XMP
    metadata and object/xref stream bookkeeping. Form values of other fields, content,
    pages and annotations are not explained by any rule, hence forbidden; so is replacing
    an existing appearance stream in place or reusing an existing object as a signature.
    """
    from pyhanko.sign.diff_analysis import (
        CatalogModificationRule,
        DocInfoRule,
        DSSCompareRule,
        FormUpdatingRule,
        MetadataUpdateRule,
        ModificationLevel,
        ObjectStreamRule,
        SigFieldCreationRule,
        SigFieldModificationRule,
        StandardDiffPolicy,
        XrefStreamRule,
    )

    lta = ModificationLevel.LTA_UPDATES
    return StandardDiffPolicy(
        global_rules=[
            CatalogModificationRule(),  # type: ignore[no-untyped-call]
            DocInfoRule().as_qualified(lta),
            XrefStreamRule().as_qualified(lta),
            ObjectStreamRule().as_qualified(lta),
            DSSCompareRule().as_qualified(lta),
            MetadataUpdateRule().as_qualified(lta),  # type: ignore[no-untyped-call]
        ],
        form_rule=FormUpdatingRule(
            field_rules=[
                SigFieldCreationRule(),  # type: ignore[no-untyped-call]
                SigFieldModificationRule(allow_in_place_appearance_stream_changes=False),
            ],
        ),
    )


# ---- entry point ---------------------------------------------------------------------------


def _quiet_pyhanko() -> None:
    """pyHanko logs every refused modification with a traceback; the verdict already says it."""
    import logging

    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(logging.NullHandler())
        logger.propagate = False


def verify_pdf(
    data: bytes,
    *,
    trust_roots: Sequence[Any],
    people: People | None,
    path: str = "",
) -> FileVerdict:
    """Verify every signature of `data` (a PDF); never raises for a bad or hostile file.

    `trust_roots`: certificates (PEM/DER bytes, asn1crypto or `cryptography` objects) from
    trust/; the self-signed ones are the roots, the others intermediates. `people`: who may
    sign; None skips the person and role checks.
    """
    _quiet_pyhanko()
    verdict = FileVerdict(path=path)
    try:
        reader, embedded = _open(data, verdict)
    except Exception as exc:  # a file that cannot be parsed is refused with its reason
        verdict.add(R_UNREADABLE, f"{type(exc).__name__}: {exc}")
        verdict.conclude()
        return verdict
    if reader is None:
        verdict.conclude()
        return verdict
    roots, intermediates = _split_trust(trust_roots)
    dss = _read_dss(reader)
    policy = hoso_diff_policy()
    last = max(
        (i for i, (_, e) in enumerate(embedded) if e is not None and _kind(e) == "signature"), default=-1
    )

    async def verify_all() -> None:
        for index, (sig, emb) in enumerate(embedded):
            verdict.signatures.append(sig)
            if emb is None:
                continue
            try:
                await _verify_one(
                    sig,
                    emb,
                    roots=roots,
                    intermediates=intermediates,
                    dss=dss,
                    people=people,
                    policy=policy,
                    is_last_signature=index == last,
                )
            except Exception as exc:  # a hostile structure must give a verdict, not a crash
                sig.add(R_CONTENTS, f"{type(exc).__name__}: {exc}")

    asyncio.run(verify_all())
    _check_file_end(data, verdict, embedded)
    verdict.conclude()
    return verdict


def _kind(emb: Any) -> str:
    return "doc-timestamp" if emb.sig_object_type == "/DocTimeStamp" else "signature"


def _open(data: bytes, verdict: FileVerdict) -> tuple[Any, list[tuple[SignatureVerdict, Any]]]:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    if reader.encrypted:
        verdict.add(R_UNREADABLE, "encrypted PDF")
        return None, []
    found: list[tuple[SignatureVerdict, Any]] = []
    for fq_name, sig_obj, sig_field in enumerate_sig_fields(reader, filled_status=True):
        obj = sig_obj.get_object()
        kind = "doc-timestamp" if obj.get("/Type") == "/DocTimeStamp" else "signature"
        sig = SignatureVerdict(field_name=str(fq_name), kind=kind)
        try:
            emb = EmbeddedPdfSignature(reader, sig_field, fq_name)
        except Exception as exc:
            sig.add(R_CONTENTS, f"{type(exc).__name__}: {exc}")
            with _suppress():
                sig.byte_range = [int(x) for x in obj.get("/ByteRange", [])]
            found.append((sig, None))
            continue
        sig.revision = int(emb.signed_revision)
        found.append((sig, emb))
    # the order of signing: by revision (unparseable ones keep their place at the end)
    found.sort(key=lambda pair: pair[1].signed_revision if pair[1] is not None else 1 << 30)
    return reader, found


class _suppress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return True


def _read_dss(reader: Any) -> Any:
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    try:
        return DocumentSecurityStore.read_dss(reader)
    except Exception:  # no DSS (the usual case) or an unreadable one: validate without it
        return None


# ---- one signature -------------------------------------------------------------------------


async def _verify_one(
    sig: SignatureVerdict,
    emb: Any,
    *,
    roots: list[Any],
    intermediates: list[Any],
    dss: Any,
    people: People | None,
    policy: Any,
    is_last_signature: bool,
) -> None:
    sig.byte_range = [int(x) for x in emb.byte_range]
    cert = emb.signer_cert
    _describe_cert(sig, cert)
    signer_info = emb.signer_info
    sig.digest_algorithm = str(signer_info["digest_algorithm"]["algorithm"].native)
    sig.signature_algorithm = str(signer_info["signature_algorithm"]["algorithm"].native)

    _check_integrity(sig, emb, policy, is_last_signature)

    embedded_certs = list(emb.other_embedded_certs)
    dss_certs = list(dss.load_certs()) if dss is not None else []

    def context(moment: datetime | None) -> Any:
        return _validation_context(roots, [*intermediates, *embedded_certs, *dss_certs], dss, moment)

    # the signing time: a trusted timestamp token, else the time the signer claims
    when: datetime | None = None
    if sig.kind == "doc-timestamp":
        when = await _check_doc_timestamp(sig, emb, context)
    else:
        claimed = emb.self_reported_timestamp
        if claimed is not None:
            sig.claimed_time = _iso(claimed)
            when = claimed
        tst_time = await _check_signature_timestamp(sig, emb, context)
        if tst_time is not None:
            when = tst_time
    if when is None:
        sig.add(R_NO_TIME)
    sig.signing_time = _iso(when) if when is not None else None

    chain_certs = await _check_chain(sig, cert, context(when))
    _check_key_usage(sig, cert, timestamp=sig.kind == "doc-timestamp")
    _check_algorithms(sig, cert, chain_certs)
    if sig.kind == "signature":
        _check_person(sig, cert, people, when)


def _check_integrity(sig: SignatureVerdict, emb: Any, policy: Any, is_last_signature: bool) -> None:
    from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
    from pyhanko.sign.general import CMSStructuralError
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        emb.compute_integrity_info(diff_policy=policy)
    except Exception as exc:
        sig.add(R_BYTE_RANGE, f"{type(exc).__name__}: {exc}")
        return
    coverage = emb.coverage
    sig.covers_file = coverage == SignatureCoverageLevel.ENTIRE_FILE
    sig.coverage = {
        SignatureCoverageLevel.ENTIRE_FILE: "entire-file",
        SignatureCoverageLevel.ENTIRE_REVISION: "entire-revision",
        SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START: "partial",
    }.get(coverage, "unclear")
    if coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        sig.add(R_BYTE_RANGE, f"coverage {coverage.name}")

    diff = emb.diff_result
    if isinstance(diff, DiffResult):
        level = diff.modification_level
        sig.modifications = level.name.lower().replace("_", "-")
        docmdp = emb.docmdp_level
        if docmdp is not None and level.value > docmdp.value:
            sig.modifications = "forbidden"
            sig.add(R_FORBIDDEN, f"{level.name} exceeds the DocMDP permission {docmdp.name}")
        elif is_last_signature and not sig.covers_file and level > ModificationLevel.LTA_UPDATES:
            # after the last signature only DSS data and document timestamps may follow
            sig.add(R_NOT_LAST, f"later revisions reach {level.name}")
    elif diff is not None and coverage >= SignatureCoverageLevel.ENTIRE_REVISION:
        sig.modifications = "forbidden"
        sig.add(R_FORBIDDEN, str(diff))

    if sig.kind != "signature":
        return  # a document timestamp's imprint is checked with its token
    try:
        content_type = emb.signed_data["encap_content_info"]["content_type"].native
        intact, valid = validate_sig_integrity(
            emb.signer_info, emb.signer_cert, content_type, emb.compute_digest()
        )
    except (CMSStructuralError, ValueError, KeyError) as exc:
        sig.add(R_CONTENTS, f"{type(exc).__name__}: {exc}")
        return
    sig.intact = bool(intact)
    if not intact:
        sig.add(R_DIGEST)
    elif not valid:
        sig.add(R_SIGNATURE)


async def _check_signature_timestamp(sig: SignatureVerdict, emb: Any, context: Any) -> datetime | None:
    """The time of a signature timestamp token, if present and trustworthy."""
    from pyhanko.sign.validation.generic_cms import (
        extract_tst_data_iter,
        message_imprint_checker,
        validate_tst_signed_data,
    )

    for tst_signed_data in extract_tst_data_iter(emb.signer_info, signed=False):
        gen_time = _tst_time(tst_signed_data)
        sig.timestamp_time = _iso(gen_time) if gen_time is not None else None
        status = await validate_tst_signed_data(
            tst_signed_data, context(gen_time), message_imprint_checker(emb.signer_info)
        )
        if not (status.get("intact") and status.get("valid")):
            sig.add(R_TIMESTAMP_BROKEN)
            return None
        if status.get("trust_problem_indic") is not None or status.get("validation_path") is None:
            sig.add(R_TIMESTAMP_UNTRUSTED)
            return None
        return gen_time
    return None


async def _check_doc_timestamp(sig: SignatureVerdict, emb: Any, context: Any) -> datetime | None:
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data

    gen_time = _tst_time(emb.signed_data)
    sig.timestamp_time = _iso(gen_time) if gen_time is not None else None
    status = await validate_tst_signed_data(emb.signed_data, context(gen_time), emb.compute_digest)
    sig.intact = bool(status.get("intact"))
    if not sig.intact:
        sig.add(R_DIGEST)
    elif not status.get("valid"):
        sig.add(R_SIGNATURE)
    return gen_time


def _tst_time(tst_signed_data: Any) -> datetime | None:
    try:
        value = tst_signed_data["encap_content_info"]["content"].parsed["gen_time"].native
    except Exception:
        return None
    return value if isinstance(value, datetime) else None


def _validation_context(roots: list[Any], others: list[Any], dss: Any, moment: datetime | None) -> Any:
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.policy_decl import AcceptAllAlgorithms

    kwargs: dict[str, Any] = {
        "trust_roots": roots,
        "other_certs": others,
        "allow_fetching": False,
        "revocation_mode": "soft-fail",  # use embedded revocation data, never require it
        "retroactive_revinfo": True,
        "algorithm_usage_policy": AcceptAllAlgorithms(),  # hoso judges algorithms itself
    }
    if moment is not None:
        kwargs["moment"] = moment
        kwargs["best_signature_time"] = moment
    if dss is not None:
        with _suppress():
            dss_context = dss.as_validation_context({})
            kwargs["crls"] = list(dss_context.revinfo_manager.crls)
            kwargs["ocsps"] = list(dss_context.revinfo_manager.ocsps)
    return ValidationContext(**kwargs)


async def _check_chain(sig: SignatureVerdict, cert: Any, context: Any) -> list[Any]:
    """Validate a path to a trusted root at the signing time; return its certificates."""
    from pyhanko_certvalidator import errors as cv_errors
    from pyhanko_certvalidator.validate import async_validate_path

    try:
        paths = await context.path_builder.async_build_paths(cert)
    except Exception as exc:
        sig.chain = [_link(cert)]
        sig.add(R_SELF_SIGNED if _self_signed(cert) else R_UNTRUSTED, f"{type(exc).__name__}: {exc}")
        _check_validity_alone(sig, cert, context.moment)
        return [cert]
    first_error: tuple[str, str] | None = None
    chain_certs: list[Any] = [cert]
    for candidate in paths:
        try:
            await async_validate_path(context, candidate)
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
            sig.chain = [_link(c) for c in certs]
            sig.chain_trusted = True
            sig.valid_at_signing = True
            return certs
        if not sig.chain:
            chain_certs = list(reversed(list(candidate.iter_certs(include_root=True))))
            sig.chain = [_link(c) for c in chain_certs]
    if first_error is None:  # no candidate path at all
        first_error = (R_SELF_SIGNED if _self_signed(cert) else R_UNTRUSTED, "no path to a trusted root")
    reason, detail = first_error
    sig.add(reason, detail)
    if reason in (R_UNTRUSTED, R_SELF_SIGNED):
        _check_validity_alone(sig, cert, context.moment)
    else:  # the path leads to a trusted root, but a certificate was not valid then
        sig.chain_trusted = True
        sig.valid_at_signing = False
    return chain_certs


def _check_validity_alone(sig: SignatureVerdict, cert: Any, moment: datetime) -> None:
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


def _check_key_usage(sig: SignatureVerdict, cert: Any, *, timestamp: bool) -> None:
    usage = cert.key_usage_value
    sig.key_usage = sorted(usage.native) if usage is not None else []
    if timestamp:
        return  # a TSA certificate is judged by its extended key usage (checked by pyHanko)
    if not {"digital_signature", "non_repudiation"} & set(sig.key_usage):
        sig.add(R_KEY_USAGE, f"key usage: {', '.join(sig.key_usage) or 'none'}")


def _key_strength(public_key: Any) -> tuple[str, bool]:
    algo = public_key.algorithm
    bits = int(public_key.bit_size)
    if algo == "rsa":
        return f"RSA {bits}", bits >= MIN_RSA_BITS
    if algo == "ec":
        return f"EC {bits}", bits >= MIN_EC_BITS
    return f"{algo.upper()} {bits}", False  # Thông tư 15/2025: RSA or ECDSA only


def _check_algorithms(sig: SignatureVerdict, cert: Any, chain_certs: list[Any]) -> None:
    digest = (sig.digest_algorithm or "").lower()
    sig_algo = sig.signature_algorithm or ""
    if digest in WEAK_DIGESTS or any(sig_algo.startswith(w + "_") for w in WEAK_DIGESTS):
        sig.add(R_WEAK_DIGEST, f"{digest} / {sig_algo}")
    description, strong = _key_strength(cert.public_key)
    sig.key = description
    if not strong:
        sig.add(R_WEAK_KEY, description)
    # the certificates of the chain (a root's own self-signature proves nothing: skipped)
    for link_cert in chain_certs:
        name = link_cert.subject.human_friendly
        hash_algo = link_cert["signature_algorithm"].hash_algo
        if hash_algo in WEAK_DIGESTS and not _self_signed(link_cert):
            sig.add(R_WEAK_CHAIN, f"{name}: signed with {hash_algo}")
        if link_cert is not cert:
            issuer_desc, issuer_strong = _key_strength(link_cert.public_key)
            if not issuer_strong:
                sig.add(R_WEAK_CHAIN, f"{name}: {issuer_desc}")


def _check_person(sig: SignatureVerdict, cert: Any, people: People | None, when: datetime | None) -> None:
    if people is None or sig.fingerprint is None:
        return
    wanted = sig.fingerprint.replace(":", "").lower()
    if people.seal is not None and any(c.normalized == wanted for c in people.seal.certificates):
        sig.person = "seal"
        sig.person_name = people.seal.name
        return
    for person in people.people:
        if any(c.normalized == wanted for c in person.certificates):
            sig.person = person.id
            sig.person_name = person.name
            day = when.astimezone(VN_TZ).date() if when is not None else None
            held = [r for r in person.roles if day is not None and r.active_on(day)]
            sig.roles = [RoleHeld(r.role, r.group, r.class_) for r in held]
            if not held:
                sig.add(R_NO_ROLE, f"{person.id} on {day}")
            return
    sig.add(R_UNKNOWN_SIGNER, sig.fingerprint)


# ---- the end of the file -------------------------------------------------------------------


def _check_file_end(data: bytes, verdict: FileVerdict, embedded: list[tuple[SignatureVerdict, Any]]) -> None:
    """Nothing may follow the last revision (a covering signature's bytes or a later update)."""
    if not embedded:
        return
    tail = data[-1024:].rstrip(b"\r\n\t\f\x00 ")
    if not tail.endswith(b"%%EOF"):
        verdict.add(R_NOT_LAST, "data after the last %%EOF")


# ---- describing certificates ---------------------------------------------------------------


def _fingerprint(cert: Any) -> str:
    return ":".join(f"{b:02X}" for b in hashlib.sha256(cert.dump()).digest())


def _common_name(cert: Any) -> str:
    subject = cert.subject.native
    cn = subject.get("common_name")
    if isinstance(cn, list):
        cn = cn[-1] if cn else None
    return str(cn) if cn else str(cert.subject.human_friendly)


def _link(cert: Any) -> ChainLink:
    validity = cert["tbs_certificate"]["validity"]
    return ChainLink(
        subject=_common_name(cert),
        fingerprint=_fingerprint(cert),
        not_before=_iso(validity["not_before"].native),
        not_after=_iso(validity["not_after"].native),
    )


def _describe_cert(sig: SignatureVerdict, cert: Any) -> None:
    sig.signer = _common_name(cert)
    sig.subject = str(cert.subject.human_friendly)
    sig.fingerprint = _fingerprint(cert)


def _iso(when: datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.isoformat()


def _self_signed(cert: Any) -> bool:
    """asn1crypto answers "yes", "maybe" (issuer = subject, no key ids) or "no" — a truthy string."""
    return bool(cert.self_signed in ("yes", "maybe"))
