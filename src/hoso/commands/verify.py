"""`hoso verify FILE…`: check every signature of PDF files offline, against trust/ and people.yml.

Per signature: signer, person and role at the signing time, signing time (claimed and from a
timestamp token), integrity and coverage, certificate chain, validity at signing time,
algorithms, and a verdict; then a verdict per file. Exit 0 only when every file is intact and
trusted.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hoso.commands._common import err, out, out_json, repo_root
from hoso.config import load_config
from hoso.config.vocab import role_name
from hoso.errors import ExitCode, worst
from hoso.messages import t
from hoso.pdf.verify import (
    R_NOT_FOUND,
    FileVerdict,
    SignatureVerdict,
    verify_pdf,
)
from hoso.trust import certificates


def exit_code(verdict: FileVerdict) -> ExitCode:
    return {
        "valid": ExitCode.OK,
        "not-found": ExitCode.NOT_FOUND,
        "unreadable": ExitCode.FORMAT,
        "unsigned": ExitCode.UNSIGNED,
        "invalid": ExitCode.SIGNATURE_INVALID,
        "untrusted": ExitCode.UNTRUSTED,
    }.get(verdict.status, ExitCode.FAILED)


def run(args: argparse.Namespace) -> int:
    root, _ = repo_root(args.repo)
    config = load_config(root)
    trust = certificates(config.snapshot)
    verdicts: list[FileVerdict] = []
    for name in _expand(args.files):
        path = Path(name)
        if not path.is_file():
            verdict = FileVerdict(path=name)
            verdict.add(R_NOT_FOUND)
            verdict.conclude()
        else:
            verdict = verify_pdf(path.read_bytes(), trust_roots=trust, people=config.people, path=name)
        verdicts.append(verdict)
        if args.format != "json":
            _print_file(verdict)
    if args.format == "json":
        out_json({"files": [v.as_json() for v in verdicts]})
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


def _yes_no(value: bool | None) -> str:
    return t("verify.unknown") if value is None else t("verify.yes" if value else "verify.no")


def _reason_lines(reasons: list[str], indent: str) -> None:
    for reason in reasons:
        out(t("verify.reason-line", indent=indent, message=t(reason), fix=t(reason + ".fix")))


def _print_file(verdict: FileVerdict) -> None:
    out(t("verify.file-header", path=verdict.path, status=t("verify.status." + verdict.status)))
    for number, sig in enumerate(verdict.signatures, start=1):
        _print_signature(number, sig)
    own = [r for r in verdict.reasons if not any(r in s.reasons for s in verdict.signatures)]
    _reason_lines(own, "  ")
    out(
        t(
            "verify.file-verdict",
            status=t("verify.status." + verdict.status),
            integrity=_yes_no(verdict.integrity),
            trusted=_yes_no(verdict.trusted),
        )
    )
    out()


def _print_signature(number: int, sig: SignatureVerdict) -> None:
    header = "verify.timestamp-header" if sig.kind == "doc-timestamp" else "verify.sig-header"
    out(t(header, number=number, field=sig.field_name, signer=sig.signer or "?"))
    if sig.kind == "signature":
        if sig.person == "seal":
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
    coverage = t("verify.coverage." + sig.coverage, revision=(sig.revision or 0) + 1)
    out(t("verify.integrity", intact=_yes_no(sig.intact), coverage=coverage))
    chain = " → ".join(link.subject for link in sig.chain) or "?"
    out(t("verify.chain", chain=chain, trusted=_yes_no(sig.chain_trusted)))
    out(t("verify.validity", valid=_yes_no(sig.valid_at_signing)))
    digest = (sig.digest_algorithm or "?").upper().replace("SHA", "SHA-").replace("SHA--", "SHA-")
    out(t("verify.algorithm", digest=digest, key=sig.key or "?"))
    out(t("verify.sig-verdict", status=t("verify.status." + sig.status)))
    _reason_lines(sig.reasons, "      ")


def _local(iso: str) -> str:
    """An ISO 8601 time shown in Vietnam time: 2024-09-12 08:05:00 (UTC+7)."""
    from datetime import datetime

    from hoso.pdf.verify import VN_TZ

    try:
        when = datetime.fromisoformat(iso).astimezone(VN_TZ)
    except ValueError:
        return iso
    return when.strftime("%Y-%m-%d %H:%M:%S") + " (UTC+7)"
