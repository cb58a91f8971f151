"""`hoso trust add vn|FILE` / `hoso trust list`: manage the trusted CA certificates in trust/.

`add vn` copies a shipped bundle (roots and licensed intermediates, with its README) flat into
trust/. `add FILE` reads a CA certificate file (PEM, DER or PKCS#7), shows what it is and, once
the person confirms (a prompt at a terminal, `--yes` otherwise), writes each certificate as
trust/<slug of its CN>.pem. Nothing is ever overwritten: the same certificate already in trust/
is "kept", a different file under the wanted name gets the fingerprint appended to the name.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from hoso.commands._common import err, out, out_json, repo_root
from hoso.config.loader import CATALOG_FILE
from hoso.errors import ExitCode, HosoError, UsageError
from hoso.messages import t
from hoso.records import make_slug
from hoso.trust import (
    BUNDLES,
    TRUST_DIR,
    Anchor,
    bundle_entries,
    installed_name,
    load_anchors,
    parse_pem,
    pem_files,
    read_certificate_file,
)
from hoso.writes import write_new

_YES = {"c", "co", "có", "y", "yes", "ok"}


def run(args: argparse.Namespace) -> int:
    root, _ = repo_root(args.repo)
    if args.action == "add":
        source = args.source
        if not args.repo and not (root / CATALOG_FILE).is_file():
            raise UsageError("trust.no-school", root=str(root))
        if source in BUNDLES:
            return add_bundle(root, source)
        return add_file(root, Path(source), assume_yes=args.yes)
    try:
        anchors = load_anchors(root)
    except ValueError as exc:
        raise HosoError("trust.bad-pem", ExitCode.CONFIG, path=str(exc)) from exc
    if args.format == "json":
        out_json(
            [
                {
                    "file": a.file,
                    "subject": a.subject,
                    "issuer": a.issuer,
                    "not_before": a.not_before.isoformat(),
                    "not_after": a.not_after.isoformat(),
                    "sha256": a.sha256,
                }
                for a in anchors
            ]
        )
    else:
        for a in anchors:
            out(t("trust.item", file=a.file, subject=a.subject, until=a.not_after.date().isoformat()))
            out(f"    SHA-256 {a.sha256}")
        err(t("trust.count", count=len(anchors)))
    return int(ExitCode.OK)


# ---- a shipped bundle ------------------------------------------------------------------------


def add_bundle(root: Path, bundle: str) -> int:
    """Copy a shipped bundle flat into trust/: all or nothing, never overwriting a certificate.

    A README-<bundle>.md that differs (from an older hoso) is kept as it is, with a warning: it is
    documentation, and the certificates must still arrive.
    """
    if bundle not in BUNDLES:
        raise UsageError("trust.unknown-bundle", value=bundle, choices=", ".join(BUNDLES))
    plan: list[tuple[str, bytes, bool]] = []  # (trust/ path, bytes, write it)
    for rel, item in bundle_entries(bundle):
        data = item.read_bytes()
        name = f"{TRUST_DIR}/{installed_name(bundle, rel)}"
        is_pem = name.endswith(".pem")
        if is_pem:
            parse_pem(data, name)  # a shipped bundle is never broken; check anyway
        target = root / name
        if not target.exists():
            plan.append((name, data, True))
        elif target.read_bytes() == data:
            plan.append((name, data, False))
        elif is_pem:
            raise HosoError("trust.differs", ExitCode.EXISTS, path=name)
        else:
            err(t("trust.readme-differs", path=name, bundle=bundle))
    for name, data, write in plan:
        if not write:
            err(t("trust.kept", path=name))
            continue
        try:
            write_new(root / name, data)
        except FileExistsError as exc:  # appeared meanwhile: never overwrite
            raise HosoError("trust.differs", ExitCode.EXISTS, path=name) from exc
        err(t("trust.added", path=name))
    err(t("trust.added-bundle", bundle=bundle))
    return int(ExitCode.OK)


# ---- a certificate file ----------------------------------------------------------------------


def add_file(root: Path, path: Path, *, assume_yes: bool) -> int:
    """Show, confirm, then write every certificate of `path` into trust/ (all or nothing)."""
    anchors = read_certificate_file(path)
    shown = str(path)
    for number, a in enumerate(anchors, start=1):
        _describe(a, number, len(anchors), shown)
    plan = _plan(root, anchors)
    if all(target is None for _, target, _ in plan):
        for _, _, existing in plan:
            err(t("trust.kept", path=existing))
        return int(ExitCode.OK)
    if not assume_yes:
        if not _interactive():
            raise UsageError("trust.needs-yes", path=shown)
        question = t("trust.confirm") if len(anchors) == 1 else t("trust.confirm-many", count=len(anchors))
        if not _ask(question):
            err(t("trust.declined", path=shown))
            return int(ExitCode.FAILED)
    for a, target, existing in plan:
        if target is None:
            err(t("trust.kept", path=existing))
            continue
        try:
            write_new(root / target, a.pem)
        except FileExistsError as exc:  # appeared since the plan was made: never overwrite
            raise HosoError("trust.differs", ExitCode.EXISTS, path=target) from exc
        err(t("trust.added", path=target))
    err(t("trust.added-file"))
    return int(ExitCode.OK)


def _describe(a: Anchor, number: int, total: int, shown: str) -> None:
    out(t("trust.cert-header", number=number, total=total, path=shown))
    out(t("trust.cert-subject", subject=a.subject))
    out(t("trust.cert-issuer", issuer=a.issuer))
    out(
        t(
            "trust.cert-validity",
            not_before=a.not_before.date().isoformat(),
            not_after=a.not_after.date().isoformat(),
        )
    )
    out(t("trust.cert-sha256", sha256=a.sha256))
    out(t("trust.cert-kind-root" if a.self_signed else "trust.cert-kind-intermediate"))
    if a.not_after < datetime.now(UTC):
        out(t("trust.cert-expired"))


def _plan(root: Path, anchors: list[Anchor]) -> list[tuple[Anchor, str | None, str]]:
    """(certificate, trust/ path to write or None when already trusted, where it already is)."""
    from hoso.git.objects import WorktreeSnapshot
    from hoso.trust import asn1_certificates, fingerprint

    present: dict[str, str] = {}  # SHA-256 -> trust/ file already holding that certificate
    for file, data in pem_files(WorktreeSnapshot(root)).items():
        try:
            certs = asn1_certificates(data)
        except Exception:  # a broken file in trust/ is `hoso trust list`'s to report
            continue
        for cert in certs:
            present.setdefault(fingerprint(cert.dump()), file)
    plan: list[tuple[Anchor, str | None, str]] = []
    taken: set[str] = set()
    for a in anchors:
        if a.sha256 in present:
            plan.append((a, None, present[a.sha256]))
            continue
        slug = make_slug(a.common_name) or "ca"
        short = a.sha256.replace(":", "")[:8].lower()
        for candidate in (f"{TRUST_DIR}/{slug}.pem", f"{TRUST_DIR}/{slug}-{short}.pem"):
            full = root / candidate
            if candidate in taken or full.exists() or full.is_symlink():
                continue
            plan.append((a, candidate, ""))
            taken.add(candidate)
            present[a.sha256] = candidate
            break
        else:
            raise HosoError("trust.differs", ExitCode.EXISTS, path=f"{TRUST_DIR}/{slug}-{short}.pem")
    return plan


def _interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, OSError, ValueError):  # stdin closed or replaced
        return False


def _ask(question: str) -> bool:
    sys.stderr.write(question)
    sys.stderr.flush()
    try:
        answer = sys.stdin.readline()
    except (OSError, ValueError):
        return False
    return answer.strip().lower() in _YES
