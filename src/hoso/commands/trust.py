"""`hoso trust add vn` / `hoso trust list`: manage the trusted CA certificates in trust/."""

from __future__ import annotations

import argparse
from pathlib import Path

from hoso.commands._common import err, out, out_json, repo_root
from hoso.errors import ExitCode, HosoError, UsageError
from hoso.messages import t
from hoso.trust import BUNDLES, TRUST_DIR, bundle_files, load_anchors, parse_pem
from hoso.writes import write_new


def run(args: argparse.Namespace) -> int:
    root, _ = repo_root(args.repo)
    if args.action == "add":
        return add_bundle(root, args.bundle)
    try:
        anchors = load_anchors(root)
    except ValueError as exc:
        raise HosoError("trust.bad-pem", ExitCode.CONFIG, detail=str(exc)) from exc
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


def add_bundle(root: Path, bundle: str) -> int:
    if bundle not in BUNDLES:
        raise UsageError("trust.unknown-bundle", value=bundle, choices=", ".join(BUNDLES))
    for item in bundle_files(bundle):
        data = item.read_bytes()
        name = f"{bundle}-{item.name}" if item.name.endswith(".pem") else f"README-{bundle}.md"
        target = root / TRUST_DIR / name
        if item.name.endswith(".pem"):
            parse_pem(data, name)  # a shipped bundle is never broken; check anyway
        if target.exists():
            if target.read_bytes() == data:
                err(t("trust.kept", path=f"{TRUST_DIR}/{name}"))
                continue
            raise HosoError("trust.differs", ExitCode.EXISTS, path=f"{TRUST_DIR}/{name}")
        write_new(target, data)
        err(t("trust.added", path=f"{TRUST_DIR}/{name}"))
    err(t("trust.added-bundle", bundle=bundle))
    return int(ExitCode.OK)
