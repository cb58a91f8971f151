"""`hoso verify FILE…`: check every signature of PDF files offline, against trust/ and people.yml.

Per signature: signer, person and role at the signing time, signing time (claimed and from a
timestamp token), integrity and coverage, certificate chain, validity at signing time,
algorithms, and a verdict; then a verdict per file. Exit 0 only when every file is intact and
trusted.

Inside a school's repository (catalog.yml at the top of the work tree, or `-C DIR`): people.yml
and trust/, plus any `--trust vn|FILE`. Anywhere else (an inspector or a parent with a PDF they
were sent): no person or role checks, and only the anchors named with `--trust`; without any,
nothing is trusted — every signature is then "untrusted" and only its integrity is judged, and
the report says so and names `--trust vn`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from hoso.commands._common import err, out, out_json, repo_root
from hoso.config import load_config
from hoso.config.loader import CATALOG_FILE
from hoso.config.models import People
from hoso.config.vocab import role_name
from hoso.errors import ExitCode, worst
from hoso.git.objects import Entry, blob_id
from hoso.messages import t
from hoso.pdf.pool import examine_stream
from hoso.pdf.verify import (
    R_NOT_FOUND,
    FileVerdict,
    SignatureVerdict,
    assess,
)
from hoso.rules.signatures import history_arrival
from hoso.trust import BUNDLES, TRUST_DIR, bundle_certificates, certificates, read_certificate_file


def exit_code(verdict: FileVerdict) -> ExitCode:
    return {
        "valid": ExitCode.OK,
        "not-found": ExitCode.NOT_FOUND,
        "unreadable": ExitCode.FORMAT,
        "unsigned": ExitCode.UNSIGNED,
        "invalid": ExitCode.SIGNATURE_INVALID,
        "untrusted": ExitCode.UNTRUSTED,
    }.get(verdict.status, ExitCode.FAILED)


@dataclass
class Context:
    """What the signatures are judged against."""

    school: bool  # inside a school's repository: people.yml and trust/ apply
    people: People | None
    anchors: list[Any] = field(default_factory=list)  # asn1crypto certificates
    sources: list[str] = field(default_factory=list)  # "trust/", "vn", "path/to/ca.pem"
    # a file the school's history holds arrived with the commit that brought it; others: now
    arrival: Callable[[Entry], Callable[[], datetime | None]] | None = None


def context(args: argparse.Namespace) -> Context:
    """The school's people.yml and trust/ when there is a school, plus every `--trust`."""
    root, is_git = repo_root(args.repo)
    explicit = bool(args.repo)  # -C names a school: its configuration must then be valid
    if explicit or (root / CATALOG_FILE).is_file():
        config = load_config(root)
        ctx = Context(school=True, people=config.people)
        if is_git:
            ctx.arrival = history_arrival(root)
        ctx.anchors.extend(certificates(config.snapshot))
        ctx.sources.append(TRUST_DIR + "/")
    else:
        ctx = Context(school=False, people=None)
    for source in dict.fromkeys(getattr(args, "trust", None) or []):
        if source in BUNDLES:
            ctx.anchors.extend(bundle_certificates(source))
        else:
            from asn1crypto import x509 as asn1_x509

            ctx.anchors.extend(asn1_x509.Certificate.load(a.der) for a in read_certificate_file(Path(source)))
        ctx.sources.append(source)
    return ctx


def run(args: argparse.Namespace) -> int:
    ctx = context(args)
    text = args.format != "json"
    if text:
        _print_context(ctx, bool(getattr(args, "trust", None)))
    names = _expand(args.files)
    roots = [cert.dump() for cert in ctx.anchors]
    present = [index for index, name in enumerate(names) if Path(name).is_file()]
    wanted = set(present)
    oids: dict[int, str] = {}

    def read() -> Iterator[tuple[int, str, bytes]]:
        """The files, read as the examination needs them (a few at a time in memory)."""
        for index in present:
            data = Path(names[index]).read_bytes()
            oids[index] = blob_id(data)
            yield index, names[index], data

    # the bytes and certificates of every file (on every core: one pool for all of them);
    # people and times here, reported in the order the files were named
    answered: dict[int, dict[str, Any]] = {}
    verdicts: list[FileVerdict] = []
    with closing(examine_stream(read(), roots, len(present))) as examined:
        for index, name in enumerate(names):
            if index in wanted:
                while index not in answered:
                    key, found = next(examined)
                    answered[key] = found
                entry = Entry(name, "100644", oids[index], 0)
                arrival = ctx.arrival(entry) if ctx.arrival else None
                verdict = assess(FileVerdict.from_json(answered.pop(index)), ctx.people, arrival)
            else:
                verdict = FileVerdict(path=name)
                verdict.add(R_NOT_FOUND)
                verdict.conclude()
            verdicts.append(verdict)
            if text:
                _print_file(verdict, ctx)
    if not text:
        out_json(
            {
                "files": [v.as_json() for v in verdicts],
                "people_checked": ctx.people is not None,
                "trust_sources": ctx.sources,
            }
        )
    else:
        ok = sum(1 for v in verdicts if v.status == "valid")
        err(t("verify.summary", ok=ok, total=len(verdicts)))
    codes = {exit_code(v) for v in verdicts}
    code = worst(codes)
    if code == ExitCode.OK and ExitCode.NOT_FOUND in codes:
        code = ExitCode.NOT_FOUND
    return int(code)


def _expand(names: list[str]) -> list[str]:
    """Folders stand for every PDF below them, in a stable order."""
    found: list[str] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found.extend(str(p) for p in sorted(path.rglob("*.pdf")))
        else:
            found.append(name)
    return found


# ---- text output ---------------------------------------------------------------------------


def _print_context(ctx: Context, trust_given: bool) -> None:
    """Outside a school, or with --trust: what the report was judged against, said plainly."""
    if not ctx.school:
        out(t("verify.no-school"))
    if ctx.school and not trust_given:
        return  # the usual case: the school's people.yml and trust/, as always
    if ctx.anchors:
        names = [
            t("verify.source-trust-dir")
            if s == TRUST_DIR + "/"
            else t("verify.source-bundle", name=s)
            if s in BUNDLES
            else s
            for s in ctx.sources
        ]
        out(t("verify.trust-sources", sources=", ".join(names), count=len(ctx.anchors)))
    else:
        out(t("verify.no-anchors"))
    out()


def _yes_no(value: bool | None) -> str:
    return t("verify.unknown") if value is None else t("verify.yes" if value else "verify.no")


def _detail(reason: str, details: list[str]) -> str | None:
    """The technical detail recorded with a reason ("reason: detail"), for messages that name it."""
    prefix = reason + ": "
    return next((d[len(prefix) :] for d in details if d.startswith(prefix)), None)


def _reason_lines(reasons: list[str], details: list[str], indent: str) -> None:
    for reason in reasons:
        # sig.missing-issuer carries the issuer's name as its detail: its messages name it
        issuer = _detail(reason, details) or "?"
        out(
            t(
                "verify.reason-line",
                indent=indent,
                message=t(reason, issuer=issuer),
                fix=t(reason + ".fix", issuer=issuer),
            )
        )


def _print_file(verdict: FileVerdict, ctx: Context | None = None) -> None:
    out(t("verify.file-header", path=verdict.path, status=t("verify.status." + verdict.status)))
    for number, sig in enumerate(verdict.signatures, start=1):
        _print_signature(number, sig, ctx)
    own = [r for r in verdict.reasons if not any(r in s.reasons for s in verdict.signatures)]
    _reason_lines(own, verdict.details, "  ")
    out(
        t(
            "verify.file-verdict",
            status=t("verify.status." + verdict.status),
            integrity=_yes_no(verdict.integrity),
            trusted=_yes_no(verdict.trusted),
        )
    )
    out()


def _print_signature(number: int, sig: SignatureVerdict, ctx: Context | None = None) -> None:
    school = ctx is None or ctx.school
    header = "verify.timestamp-header" if sig.kind == "doc-timestamp" else "verify.sig-header"
    out(t(header, number=number, field=sig.field_name, signer=sig.signer or "?"))
    if sig.kind == "signature":
        if ctx is not None and ctx.people is None:
            out(t("verify.person-skipped"))
        elif sig.person == "seal":
            out(t("verify.seal", name=sig.person_name or ""))
        elif sig.person is not None:
            roles = ", ".join(
                role_name(r.role)
                + (f" ({r.group})" if r.group else "")
                + (f" [{r.class_}]" if r.class_ else "")
                for r in sig.roles
            )
            roles = roles or t("verify.no-role")
            out(t("verify.person", name=sig.person_name or "", id=sig.person, roles=roles))
        else:
            out(t("verify.person-unknown"))
    if sig.claimed_time:
        out(t("verify.claimed-time", time=_local(sig.claimed_time)))
    if sig.timestamp_time:
        out(t("verify.timestamp-time", time=_local(sig.timestamp_time)))
    if not sig.claimed_time and not sig.timestamp_time:
        out(t("verify.no-time"))
    if sig.signing_time:
        basis = t("verify.time-basis." + sig.time_source, arrival=_local(sig.arrival_time or ""))
        out(t("verify.time-used", time=_local(sig.signing_time), basis=basis))
    coverage = t("verify.coverage." + sig.coverage, revision=(sig.revision or 0) + 1)
    out(t("verify.integrity", intact=_yes_no(sig.intact), coverage=coverage))
    chain = " → ".join(link.subject for link in sig.chain) or "?"
    chain_key = "verify.chain" if school else "verify.chain-given"
    out(t(chain_key, chain=chain, trusted=_yes_no(sig.chain_trusted)))
    out(t("verify.validity", valid=_yes_no(sig.valid_at_signing)))
    digest = (sig.digest_algorithm or "?").upper().replace("SHA", "SHA-").replace("SHA--", "SHA-")
    out(t("verify.algorithm", digest=digest, key=sig.key or "?"))
    for item in sig.not_checked:
        if item != "people-skipped":  # said with the signer, above
            out(t("verify.not-checked." + item))
    indication = sig.indication + (f" / {sig.sub_indication}" if sig.sub_indication else "")
    out(t("verify.sig-verdict", status=t("verify.status." + sig.status)))
    out(t("verify.indication", indication=indication))
    _reason_lines(sig.reasons, sig.details, "      ")


def _local(iso: str) -> str:
    """An ISO 8601 time shown in Vietnam time: 2024-09-12 08:05:00 (UTC+7)."""
    from datetime import datetime

    from hoso.pdf.verify import VN_TZ

    try:
        when = datetime.fromisoformat(iso).astimezone(VN_TZ)
    except ValueError:
        return iso
    return when.strftime("%Y-%m-%d %H:%M:%S") + " (UTC+7)"
