"""Verify the signatures of a PDF offline, with pyHanko, under hoso's strict policy.

`examine_pdf(data, trust_roots)` judges what the bytes and the certificates say — integrity
(`policy`, `appearance`), trust (`chain`), signing times — and is what the evidence cache
keeps by blob id. `assess(verdict, people, arrival)` then judges persons, roles and claimed
times against a people.yml and the moment the file reached the repository (`roles`): cheap,
and done again on every read. `verify_pdf` does both.

Nothing is fetched from the network. pyHanko is imported inside the functions: a git hook
that checks no signature must not pay for the import.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hoso.pdf.verify import appearance, chain, policy
from hoso.pdf.verify.report import (
    NOT_CHECKED_REVOCATION,
    R_CONTENTS,
    R_DIGEST,
    R_FORBIDDEN,
    R_NO_TIME,
    R_OVERLAY,
    R_SIGNATURE,
    R_TIMESTAMP_BROKEN,
    R_TIMESTAMP_UNTRUSTED,
    R_UNREADABLE,
    FileVerdict,
    SignatureVerdict,
)
from hoso.pdf.verify.roles import assess

if TYPE_CHECKING:
    from hoso.config.models import People


def _quiet_pyhanko() -> None:
    """pyHanko logs every refused modification with a traceback; the verdict already says it.
    (Also where its hex-string reader is replaced by a fast one, `fasthex`, and asn1crypto's
    name comparison memoised, `caches`.)"""
    import logging

    from hoso.pdf.verify import caches, fasthex

    fasthex.install()
    caches.install()

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
    arrival: datetime | Callable[[], datetime | None] | None = None,
) -> FileVerdict:
    """Verify every signature of `data` (a PDF); never raises for a bad or hostile file.

    `trust_roots`: certificates (PEM/DER bytes, asn1crypto or `cryptography` objects) from
    trust/; the self-signed ones are the roots, the others intermediates. `people`: who may
    sign; None skips the person and role checks. `arrival`: when the file reached the
    repository (see `roles.assess`); None is now.
    """
    return assess(examine_pdf(data, trust_roots=trust_roots, path=path), people, arrival)


def examine_pdf(data: bytes, *, trust_roots: Sequence[Any], path: str = "") -> FileVerdict:
    """Integrity, chains, algorithms and times of every signature; no person, no role."""
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
    roots, intermediates = chain.split_trust(trust_roots)
    dss = _read_dss(reader)
    revinfo = chain.dss_revinfo(dss)
    diff_policy = policy.hoso_diff_policy()
    last = max(
        (i for i, (s, e) in enumerate(embedded) if e is not None and s.kind == "signature"), default=-1
    )

    async def verify_all() -> None:
        for index, (sig, emb) in enumerate(embedded):
            verdict.signatures.append(sig)
            if emb is None:
                continue
            later_timestamps = frozenset(
                s.field_name for s, _ in embedded[index + 1 :] if s.kind == "doc-timestamp"
            )
            try:
                await _verify_one(
                    sig,
                    emb,
                    roots=roots,
                    intermediates=intermediates,
                    dss=dss,
                    revinfo=revinfo,
                    diff_policy=diff_policy,
                    is_last_signature=index == last,
                    later_timestamps=later_timestamps,
                )
            except Exception as exc:  # a hostile structure must give a verdict, not a crash
                sig.add(R_CONTENTS, f"{type(exc).__name__}: {exc}")

    asyncio.run(verify_all())
    if embedded:
        _whole_file_checks(data, reader, verdict, embedded)
    verdict.conclude()
    return verdict


def _whole_file_checks(
    data: bytes, reader: Any, verdict: FileVerdict, embedded: list[tuple[SignatureVerdict, Any]]
) -> None:
    try:
        policy.check_file_end(data, reader, verdict)
    except Exception as exc:
        verdict.add(R_UNREADABLE, f"{type(exc).__name__}: {exc}")
        return
    first = next((e for _, e in embedded if e is not None), None)
    if first is None:
        return
    first_signed = int(first.signed_revision)
    try:
        policy.check_metadata(reader, verdict, first_signed)
    except Exception as exc:
        verdict.add(R_UNREADABLE, f"{type(exc).__name__}: {exc}")
    try:
        policy.check_revisions(data, reader, verdict, first_signed)
    except Exception as exc:
        verdict.add(R_UNREADABLE, f"{type(exc).__name__}: {exc}")
    found = appearance.Survey()
    try:
        found = appearance.survey(reader, first_signed)
        problems = appearance.hidden_content(data, _covered_end(first), found)
    except Exception as exc:  # cannot render: cannot say the pages are unchanged
        problems = [f"{type(exc).__name__}: {exc}"]
    first_later = min((w.revision for w in found.widgets), default=first_signed + 1)
    for reason, items in ((R_FORBIDDEN, found.problems), (R_OVERLAY, problems)):
        for problem in items:
            verdict.add(reason, problem)
            for sig in verdict.signatures:  # those who signed the pages before they changed
                if sig.revision is not None and sig.revision < max(first_later, first_signed + 1):
                    sig.add(reason, problem)


def _open(data: bytes, verdict: FileVerdict) -> tuple[Any, list[tuple[SignatureVerdict, Any]]]:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    from hoso.pdf.verify import legacy

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    if reader.encrypted:
        verdict.add(R_UNREADABLE, "encrypted PDF")
        return None, []
    found: list[tuple[SignatureVerdict, Any]] = []
    for fq_name, sig_obj, sig_field in enumerate_sig_fields(reader, filled_status=True):
        try:
            # pyHanko's reader, or `legacy`'s for a direct dictionary or adbe.x509.rsa_sha1
            emb = legacy.embedded_signature(reader, sig_field, fq_name)
        except Exception as exc:
            sig = SignatureVerdict(field_name=str(fq_name), kind="signature")
            sig.add(R_CONTENTS, f"{type(exc).__name__}: {exc}")
            try:
                obj = sig_obj.get_object()
                if obj.get("/Type") == "/DocTimeStamp":
                    sig.kind = "doc-timestamp"
                sig.byte_range = [int(x) for x in obj.get("/ByteRange", [])]
            except Exception:
                pass
            found.append((sig, None))
            continue
        kind = "doc-timestamp" if emb.sig_object_type == "/DocTimeStamp" else "signature"
        sig = SignatureVerdict(field_name=str(fq_name), kind=kind)
        sig.revision = int(emb.signed_revision)
        subfilter = emb.sig_object.get("/SubFilter")
        sig.subfilter = str(subfilter) if subfilter is not None else None
        found.append((sig, emb))
    # the order of signing: by revision (unparseable ones keep their place at the end)
    found.sort(key=lambda pair: pair[1].signed_revision if pair[1] is not None else 1 << 30)
    return reader, found


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
    revinfo: tuple[list[Any], list[Any]],
    diff_policy: Any,
    is_last_signature: bool,
    later_timestamps: frozenset[str],
) -> None:
    sig.byte_range = [int(x) for x in emb.byte_range]
    cert = emb.signer_cert
    chain.describe_cert(sig, cert)
    signer_info = emb.signer_info
    sig.digest_algorithm = str(signer_info["digest_algorithm"]["algorithm"].native)
    sig.signature_algorithm = str(signer_info["signature_algorithm"]["algorithm"].native)

    policy.check_integrity(
        sig, emb, diff_policy, is_last_signature=is_last_signature, later_timestamps=later_timestamps
    )

    embedded_certs = list(emb.other_embedded_certs)
    dss_certs = list(dss.load_certs()) if dss is not None else []

    def context(moment: datetime | None) -> Any:
        return chain.validation_context(roots, [*intermediates, *embedded_certs, *dss_certs], revinfo, moment)

    # the signing time: a trusted timestamp token, else the time the signer claims
    when: datetime | None = None
    if sig.kind == "doc-timestamp":
        when = await _check_doc_timestamp(sig, emb, context)
        sig.time_source = "timestamp" if when is not None else "none"
    else:
        claimed = emb.self_reported_timestamp
        if claimed is not None:
            sig.claimed_time = chain.iso(claimed)
            when = claimed
            sig.time_source = "claimed"
        tst_time = await _check_signature_timestamp(sig, emb, context)
        if tst_time is not None:
            when = tst_time
            sig.time_source = "timestamp"
    if when is None:
        sig.add(R_NO_TIME)
    sig.signing_time = chain.iso(when) if when is not None else None

    validation = context(when)
    sig.revocation_checked = bool(validation.revinfo_manager.crls or validation.revinfo_manager.ocsps)
    if not sig.revocation_checked:
        sig.not_checked.append(NOT_CHECKED_REVOCATION)
    known = [*roots, *intermediates, *embedded_certs, *dss_certs]
    chain_certs = await chain.check_chain(sig, cert, validation, known)
    chain.check_key_usage(sig, cert, timestamp=sig.kind == "doc-timestamp")
    chain.check_algorithms(sig, cert, chain_certs)


async def _check_signature_timestamp(sig: SignatureVerdict, emb: Any, context: Any) -> datetime | None:
    """The time of a signature timestamp token, if present and trustworthy."""
    from pyhanko.sign.validation.generic_cms import (
        extract_tst_data_iter,
        message_imprint_checker,
        validate_tst_signed_data,
    )

    for tst_signed_data in extract_tst_data_iter(emb.signer_info, signed=False):
        gen_time = _tst_time(tst_signed_data)
        status = await validate_tst_signed_data(
            tst_signed_data, context(gen_time), message_imprint_checker(emb.signer_info)
        )
        if not (status.get("intact") and status.get("valid")):
            sig.add(R_TIMESTAMP_BROKEN)
            return None
        if status.get("trust_problem_indic") is not None or status.get("validation_path") is None:
            sig.add(R_TIMESTAMP_UNTRUSTED)
            return None
        sig.timestamp_time = chain.iso(gen_time) if gen_time is not None else None
        return gen_time
    return None


async def _check_doc_timestamp(sig: SignatureVerdict, emb: Any, context: Any) -> datetime | None:
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data

    gen_time = _tst_time(emb.signed_data)
    status = await validate_tst_signed_data(emb.signed_data, context(gen_time), emb.compute_digest)
    sig.intact = bool(status.get("intact"))
    if not sig.intact:
        sig.add(R_DIGEST)
        return None
    if not status.get("valid"):
        sig.add(R_SIGNATURE)
        return None
    sig.timestamp_time = chain.iso(gen_time) if gen_time is not None else None
    return gen_time


def _tst_time(tst_signed_data: Any) -> datetime | None:
    try:
        value = tst_signed_data["encap_content_info"]["content"].parsed["gen_time"].native
    except Exception:
        return None
    return value if isinstance(value, datetime) else None


def _covered_end(emb: Any) -> int:
    """Where the bytes a signature covers end: its revision, a PDF on its own."""
    start, length = (int(x) for x in list(emb.byte_range)[2:4])
    return start + length
