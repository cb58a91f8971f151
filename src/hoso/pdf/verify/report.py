"""The verdict of a PDF's signatures: reason ids, the verdict tree and its ETSI indication.

The tree serialises to the JSON contract of `hoso verify --format json` and is what the
evidence cache stores. Every problem is a stable reason id (``sig.digest-mismatch``…), split
into two families: integrity (the bytes) and trust (chains, validity, algorithms, roles, times).

Each signature also carries an indication in the vocabulary of ETSI EN 319 102-1
(TOTAL_PASSED, TOTAL_FAILED, INDETERMINATE and a sub-indication), so a result can be compared
with EU DSS or any other validator that speaks it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import timedelta, timezone
from typing import Any

from hoso.pdf.policy_version import POLICY_VERSION as POLICY_VERSION  # re-exported

VN_TZ = timezone(timedelta(hours=7), "ICT")

# ---- reason ids (stable: rules, caches and scripts act on them) ----------------------------
# integrity: the bytes
R_UNREADABLE = "file.unreadable"
R_UNSIGNED = "file.unsigned"
R_NOT_FOUND = "file.not-found"
R_BYTES_AFTER_END = "file.bytes-after-end"
R_CONTENTS = "sig.contents-unreadable"
R_DIGEST = "sig.digest-mismatch"
R_SIGNATURE = "sig.signature-invalid"
R_BYTE_RANGE = "sig.byte-range"
R_FORBIDDEN = "sig.forbidden-modification"
R_NOT_LAST = "sig.not-last-covers-file"
R_TIMESTAMP_BROKEN = "sig.timestamp-invalid"
R_ENCAPSULATED = "sig.encapsulated-content"
R_OVERLAY = "sig.appearance-covers-content"
R_METADATA = "sig.metadata-changed"
# trust: chains, validity, roles, algorithms, times
R_UNTRUSTED = "sig.untrusted-chain"
R_MISSING_ISSUER = "sig.missing-issuer"  # detail: the name of the issuer nobody supplied
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
R_TIME_AFTER_ARRIVAL = "sig.time-after-arrival"
R_TIME_BEFORE_PREVIOUS = "sig.time-before-previous"
R_ROLE_ENDED = "sig.role-ended-before-arrival"

INTEGRITY_REASONS = frozenset(
    {
        R_UNREADABLE,
        R_BYTES_AFTER_END,
        R_CONTENTS,
        R_DIGEST,
        R_SIGNATURE,
        R_BYTE_RANGE,
        R_FORBIDDEN,
        R_NOT_LAST,
        R_TIMESTAMP_BROKEN,
        R_ENCAPSULATED,
        R_OVERLAY,
        R_METADATA,
    }
)

# ETSI EN 319 102-1 sub-indications, by reason (the first reason in this order decides).
_ETSI_FAILED = (
    (R_UNREADABLE, "FORMAT_FAILURE"),
    (R_CONTENTS, "FORMAT_FAILURE"),
    (R_ENCAPSULATED, "FORMAT_FAILURE"),
    (R_BYTE_RANGE, "FORMAT_FAILURE"),
    (R_BYTES_AFTER_END, "FORMAT_FAILURE"),
    (R_DIGEST, "HASH_FAILURE"),
    (R_SIGNATURE, "SIG_CRYPTO_FAILURE"),
    (R_TIMESTAMP_BROKEN, "SIG_CRYPTO_FAILURE"),
    (R_FORBIDDEN, "FORMAT_FAILURE"),
    (R_NOT_LAST, "FORMAT_FAILURE"),
    (R_OVERLAY, "FORMAT_FAILURE"),
    (R_METADATA, "FORMAT_FAILURE"),
    (R_REVOKED, "REVOKED"),
    (R_KEY_USAGE, "SIG_CONSTRAINTS_FAILURE"),
    (R_UNKNOWN_SIGNER, "SIG_CONSTRAINTS_FAILURE"),
    (R_NO_ROLE, "SIG_CONSTRAINTS_FAILURE"),
    (R_TIME_AFTER_ARRIVAL, "SIG_CONSTRAINTS_FAILURE"),
    (R_TIME_BEFORE_PREVIOUS, "SIG_CONSTRAINTS_FAILURE"),
)
_ETSI_INDETERMINATE = (
    (R_SELF_SIGNED, "NO_CERTIFICATE_CHAIN_FOUND"),
    (R_UNTRUSTED, "NO_CERTIFICATE_CHAIN_FOUND"),
    (R_MISSING_ISSUER, "NO_CERTIFICATE_CHAIN_FOUND"),
    (R_EXPIRED, "OUT_OF_BOUNDS_NO_POE"),
    (R_NOT_YET_VALID, "NOT_YET_VALID"),
    (R_WEAK_DIGEST, "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"),
    (R_WEAK_KEY, "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"),
    (R_WEAK_CHAIN, "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"),
    (R_TIMESTAMP_UNTRUSTED, "TIMESTAMP_ORDER_FAILURE"),
    (R_ROLE_ENDED, "NO_POE"),
    (R_NO_TIME, "NO_POE"),
)

# What a report says was not checked (ids; the CLI translates them).
NOT_CHECKED_REVOCATION = "revocation-offline"  # no revocation data embedded, nothing fetched
NOT_CHECKED_PEOPLE = "people-skipped"  # no school repository: persons and roles not judged


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
    subfilter: str | None = None  # /SubFilter, e.g. "/ETSI.CAdES.detached"
    signer: str | None = None  # CN of the signer's certificate
    subject: str | None = None  # full distinguished name
    fingerprint: str | None = None  # SHA-256 of the certificate, "AB:CD:…"
    person: str | None = None  # person id in people.yml, or "seal"
    person_name: str | None = None
    roles: list[RoleHeld] = field(default_factory=list)
    claimed_time: str | None = None  # ISO 8601, as claimed by the signer
    timestamp_time: str | None = None  # from a trusted RFC 3161 token, when present
    signing_time: str | None = None  # the time everything was judged at
    time_source: str = "none"  # timestamp | claimed | none: where signing_time comes from
    arrival_time: str | None = None  # when the signature reached the repository (upper bound)
    digest_algorithm: str | None = None
    signature_algorithm: str | None = None
    key: str | None = None  # e.g. "RSA 2048", "EC 256", "ED25519 256"
    byte_range: list[int] = field(default_factory=list)
    coverage: str = "unknown"  # entire-file, entire-revision, partial, unclear
    covers_file: bool = False
    modifications: str | None = None  # none, lta-updates, form-filling (signatures only), forbidden
    intact: bool = False
    chain: list[ChainLink] = field(default_factory=list)
    chain_trusted: bool = False
    valid_at_signing: bool | None = None
    key_usage: list[str] = field(default_factory=list)
    revocation_checked: bool = False  # embedded revocation data (CRL/OCSP) was found and used
    not_checked: list[str] = field(default_factory=list)  # NOT_CHECKED_* ids
    integrity: bool = False
    trusted: bool = False
    status: str = "invalid"  # valid, invalid, untrusted
    indication: str = "INDETERMINATE"  # ETSI: TOTAL_PASSED, TOTAL_FAILED, INDETERMINATE
    sub_indication: str | None = None
    reasons: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # technical detail (pyHanko's words), English

    def conclude(self) -> None:
        self.integrity = not any(r in INTEGRITY_REASONS for r in self.reasons)
        self.trusted = not any(r not in INTEGRITY_REASONS for r in self.reasons)
        self.status = (
            "valid" if self.integrity and self.trusted else ("untrusted" if self.integrity else "invalid")
        )
        self.indication, self.sub_indication = etsi_indication(self.reasons)


def etsi_indication(reasons: list[str]) -> tuple[str, str | None]:
    """ETSI EN 319 102-1 main and sub-indication for a signature's reasons."""
    for reason, sub in _ETSI_FAILED:
        if reason in reasons:
            return "TOTAL_FAILED", sub
    for reason, sub in _ETSI_INDETERMINATE:
        if reason in reasons:
            return "INDETERMINATE", sub
    if reasons:  # a reason this table does not know yet: never pass it
        return "INDETERMINATE", "GENERIC"
    return "TOTAL_PASSED", None


@dataclass
class FileVerdict(_Reasons):
    path: str
    integrity: bool = False
    trusted: bool = False
    status: str = "invalid"  # valid, invalid, untrusted, unsigned, unreadable, not-found
    people_checked: bool = False  # persons and roles judged against a people.yml
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

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileVerdict:
        """The inverse of `as_json` (a cached verdict, to be judged again for people and times)."""
        sig_names = {f.name for f in fields(SignatureVerdict)}
        signatures = []
        for raw in data.get("signatures", []):
            values = {k: v for k, v in raw.items() if k in sig_names}
            values["roles"] = [
                RoleHeld(r["role"], r.get("group"), r.get("class")) for r in raw.get("roles", [])
            ]
            values["chain"] = [ChainLink(**link) for link in raw.get("chain", [])]
            values["reasons"] = list(raw.get("reasons", []))
            values["details"] = list(raw.get("details", []))
            values["not_checked"] = list(raw.get("not_checked", []))
            signatures.append(SignatureVerdict(**values))
        file_names = {f.name for f in fields(cls)} - {"signatures"}
        values = {k: v for k, v in data.items() if k in file_names}
        values["reasons"] = list(data.get("reasons", []))
        values["details"] = list(data.get("details", []))
        return cls(**values, signatures=signatures)
