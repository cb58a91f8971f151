"""Signatures: every required signer present, in order, each signature intact and trusted.

The verdict of pdf/verify is evidence cached by blob id, keyed also by the digests of trust/
and people.yml and hoso's policy version: a changed trust store or staff list re-validates
exactly the records it could affect, and nothing else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from hoso.config.vocab import SIGNER_TOKENS, role_name
from hoso.errors import ExitCode
from hoso.messages import lang, t
from hoso.rules.base import Context, Finding, Severity, Subject
from hoso.status import CHO_DUYET, KHONG_HOP_LE, compute


def _context_key(ctx: Context) -> str:
    key = ctx.memo.get("signature-context")
    if key is None:
        from hoso.pdf.verify import POLICY_VERSION
        from hoso.trust import digest as trust_digest

        snapshot = ctx.config.snapshot
        people_digest = hashlib.sha256(snapshot.read("people.yml") or b"").hexdigest()
        key = f"verify-{POLICY_VERSION}:{trust_digest(snapshot)}:{people_digest}"
        ctx.memo["signature-context"] = key
    return str(key)


def trust_roots(ctx: Context) -> list[Any]:
    roots = ctx.memo.get("trust-roots")
    if roots is None:
        from hoso.trust import certificates

        roots = certificates(ctx.config.snapshot)
        ctx.memo["trust-roots"] = roots
    return list(roots)


def verdict_for(subject: Subject, ctx: Context) -> dict[str, Any]:
    entry = subject.entry
    context = _context_key(ctx)
    cached = ctx.cache.get("verify", entry.oid, context)
    if cached is not None:
        return cached
    from hoso.pdf.verify import verify_pdf

    verdict = verify_pdf(
        ctx.read(entry), trust_roots=trust_roots(ctx), people=ctx.config.people, path=entry.path
    ).as_json()
    ctx.cache.put("verify", entry.oid, context, verdict)
    return verdict


def _reasons(verdict: dict[str, Any], integrity: bool) -> str:
    from hoso.pdf.verify import INTEGRITY_REASONS

    picked = [r for r in verdict.get("reasons", []) if (r in INTEGRITY_REASONS) == integrity]
    return "; ".join(t(r) for r in picked) or t("signatures.no-detail")


def signer_label(spec: str) -> str:
    names = []
    for token in spec.split(" | "):
        pair = SIGNER_TOKENS.get(token)
        names.append((pair[1] if lang() == "en" else pair[0]) if pair else role_name(token))
    return t("signatures.or").join(names)


def check(subject: Subject, ctx: Context) -> Iterator[Finding]:
    rt, record = subject.record_type, subject.record
    if rt is None or record is None:
        return  # misplaced: placement said why; there is no catalog entry to judge against
    verdict = verdict_for(subject, ctx)
    status = compute(verdict, rt, record, ctx.config.people)
    subject.facts["verdict"] = verdict
    subject.facts["status"] = status
    path = subject.entry.path
    if status.status == KHONG_HOP_LE:
        if verdict.get("status") == "unreadable":
            yield Finding(path, "signatures.unreadable", ExitCode.FORMAT)
        elif not verdict.get("integrity"):
            yield Finding(
                path, "signatures.invalid", ExitCode.SIGNATURE_INVALID, {"reasons": _reasons(verdict, True)}
            )
        else:
            yield Finding(
                path, "signatures.untrusted", ExitCode.UNTRUSTED, {"reasons": _reasons(verdict, False)}
            )
        return
    if status.status == CHO_DUYET:
        pending_ok = ctx.allow_pending or bool(
            rt.pending_on_main
            if rt.pending_on_main is not None
            else ctx.config.catalog.defaults.pending_on_main
        )
        severity: Severity = "warning" if pending_ok else "error"
        missing = ", ".join(signer_label(m) for m in status.missing)
        rule = "signatures.order" if status.out_of_order else "signatures.missing"
        yield Finding(path, rule, ExitCode.UNSIGNED, {"missing": missing}, severity)
