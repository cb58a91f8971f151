"""Signatures: every required signer present, in order, each signature intact and trusted.

The verdict of pdf/verify is evidence cached by blob id, keyed also by the digests of trust/
and people.yml and hoso's policy version: a changed trust store or staff list re-validates
exactly the records it could affect, and nothing else.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hoso.config.vocab import SIGNER_TOKENS, role_name
from hoso.errors import ExitCode
from hoso.git.objects import Entry
from hoso.messages import lang, t
from hoso.rules.base import Context, Finding, Severity, Subject
from hoso.status import CHO_DUYET, KHONG_HOP_LE, compute

if TYPE_CHECKING:
    from hoso.config.loader import Config


def _trust_key(ctx: Context) -> str:
    key = ctx.memo.get("signature-trust")
    if key is None:
        key = ctx.memo["signature-trust"] = trust_key_of(ctx.config)
    return str(key)


def trust_key_of(config: Config) -> str:
    """The cache key of what the bytes and certificates say: the policy and trust/."""
    from hoso.pdf.policy_version import POLICY_VERSION  # not the verifier: pyHanko stays unloaded
    from hoso.trust import digest as trust_digest

    return f"examine-{POLICY_VERSION}:{trust_digest(config.snapshot)}"


def context_key(ctx: Context) -> str:
    """The cache key of a whole verdict: the trust key and the digest of people.yml."""
    key = ctx.memo.get("signature-context")
    if key is None:
        key = ctx.memo["signature-context"] = context_key_of(ctx.config, _trust_key(ctx))
    return str(key)


def context_key_of(config: Config, trust_key: str | None = None) -> str:
    people_digest = hashlib.sha256(config.snapshot.read("people.yml") or b"").hexdigest()
    return f"{trust_key or trust_key_of(config)}:{people_digest}"


def trust_roots(ctx: Context) -> list[Any]:
    roots = ctx.memo.get("trust-roots")
    if roots is None:
        from hoso.trust import certificates

        roots = certificates(ctx.config.snapshot)
        ctx.memo["trust-roots"] = roots
    return list(roots)


def examined(subject: Subject, ctx: Context) -> dict[str, Any]:
    """What the bytes and certificates say (no person, no role): cached by blob id and trust."""
    entry = subject.entry
    key = _trust_key(ctx)
    cached = ctx.cache.get("examine", entry.oid, key)
    if cached is None:  # a cache that keeps nothing: `prefetch` left it in the memo
        cached = _take_prefetched(ctx, entry.oid)
    if cached is not None:
        return cached
    from hoso.pdf.verify import examine_pdf

    verdict = examine_pdf(ctx.read(entry), trust_roots=trust_roots(ctx), path=entry.path).as_json()
    ctx.cache.put("examine", entry.oid, key, verdict)
    return verdict


def verdict_for(subject: Subject, ctx: Context) -> dict[str, Any]:
    """The whole verdict: `examined`, then persons, roles and times (`roles.assess`).

    Cached by blob id, trust and people.yml. The arrival (when the blob reached the
    repository) is the context's: now for a file being committed or pushed, the history's
    for one already there; the first judgement of a blob is the one kept.
    """
    entry = subject.entry
    context = context_key(ctx)
    cached = ctx.cache.get("verify", entry.oid, context)
    if cached is not None:
        return cached
    from hoso.pdf.verify import FileVerdict, assess

    raw = examined(subject, ctx)
    arrival = ctx.arrival(entry) if ctx.arrival is not None else None
    verdict = assess(FileVerdict.from_json(raw), ctx.config.people, arrival).as_json()
    verdict["path"] = entry.path
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
    status = compute(verdict, rt, record, ctx.config)
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
        # on the protected branch a record waiting for signatures goes through `hoso submit`
        step = t("signatures.next-submission" if pending_ok else "signatures.next-main")
        yield Finding(path, rule, ExitCode.UNSIGNED, {"missing": missing, "next": step}, severity)
        if status.self_signed:
            names = ", ".join(_person_name(ctx, pid) for pid in status.self_signed)
            yield Finding(path, "signatures.self-approval", ExitCode.UNSIGNED, {"who": names}, severity)


def _person_name(ctx: Context, person_id: str) -> str:
    person = ctx.config.people.person(person_id)
    return str(person.name) if person else person_id


def history_arrival(root: Path, rev: str = "HEAD") -> Callable[[Entry], Callable[[], datetime | None]]:
    """A `Context.arrival` for records already in history: when each blob first arrived, read
    only when a verdict needs it (see `hoso.blob_arrival`: cached, read in steps)."""
    lookup: list[Callable[[str], datetime | None]] = []

    def of(entry: Entry) -> Callable[[], datetime | None]:
        def find() -> datetime | None:
            if not lookup:
                from hoso.blob_arrival import Arrivals
                from hoso.evidence import EvidenceCache

                lookup.append(Arrivals(root, rev, EvidenceCache(root)))
            return lookup[0](entry.oid)

        return find

    return of


# ---- many records at once ------------------------------------------------------------------

# memo keys of `prefetch`: the verdicts a cache that keeps nothing (`--no-cache`) could not
# hold, as JSON, until `examined` takes them; and the blobs it examined (what `hoso audit` counts)
PREFETCHED = "signature-prefetched"
EXAMINED = "signature-examined"


def prefetch(subjects: Sequence[Subject], ctx: Context) -> None:
    """Examine, on every core, the subjects whose "examine" evidence is not cached yet.

    The `verdict_for` calls that follow then find it. Bytes are read here, in this process
    (git readers cannot cross processes); a subject that cannot be read is left to
    `verdict_for`, to fail where it would have. Below `pool.MIN_FILES` nothing is done and
    nothing heavy imported: a hook judging a few files pays nothing for this.
    """
    from hoso.pdf import pool

    if len(subjects) < pool.MIN_FILES:
        return
    key = _trust_key(ctx)
    held: dict[str, str] = ctx.memo.setdefault(PREFETCHED, {})
    wanted = {s.entry.oid: s.entry for s in subjects if s.entry.oid not in held}
    # one query per 500 blobs, loading nothing: a verdict already judged needs no examining
    oids = list(wanted)
    done = ctx.cache.present("examine", oids, key) | ctx.cache.present("verify", oids, context_key(ctx))
    missing = {oid: entry for oid, entry in wanted.items() if oid not in done}
    if len(missing) < pool.MIN_FILES:
        return
    roots = [cert.dump() for cert in trust_roots(ctx)]  # DER: cheap to send to the workers
    examined_now: set[str] = ctx.memo.setdefault(EXAMINED, set())
    keeps: bool | None = None  # does the cache keep what it is given?
    stream = pool.examine_stream(_readable(missing.values(), ctx), roots, len(missing))
    with closing(stream):
        for oid, verdict in stream:
            ctx.cache.put("examine", oid, key, verdict)
            if keeps is None:
                keeps = ctx.cache.get("examine", oid, key) is not None
            if not keeps:
                held[oid] = json.dumps(verdict, ensure_ascii=False)
            examined_now.add(oid)


def _readable(entries: Iterable[Entry], ctx: Context) -> Iterator[tuple[str, str, bytes]]:
    for entry in entries:
        try:
            data = ctx.read(entry)
        except Exception:  # read again by `verdict_for`, which then fails as it always did
            continue
        yield entry.oid, entry.path, data


def _take_prefetched(ctx: Context, oid: str) -> dict[str, Any] | None:
    held: dict[str, str] | None = ctx.memo.get(PREFETCHED)
    raw = held.pop(oid, None) if held else None
    return json.loads(raw) if raw is not None else None
