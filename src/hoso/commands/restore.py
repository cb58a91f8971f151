"""`hoso restore BACKUP DIR`: restore a backup into a new folder and prove it is complete."""

from __future__ import annotations

import argparse
from pathlib import Path

from hoso.commands._common import err, out
from hoso.errors import ExitCode
from hoso.messages import t
from hoso.ops.backup import restore_backup


def run(args: argparse.Namespace) -> int:
    report = restore_backup(Path(args.backup), Path(args.dir))
    out(
        t(
            "restore.report-title",
            backup=str(report.backup),
            created=report.manifest.get("created_at", "?"),
            target=str(report.target),
        )
    )
    for proof in report.proofs:
        key = f"restore.proof.{proof.key}" + ("" if proof.ok else "-failed")
        out(("  ✓ " if proof.ok else "  ✗ ") + t(key, **proof.params))
    if not report.ok:
        err(t("restore.failed", path=str(report.target)))
        return int(ExitCode.FAILED)
    err(t("restore.ok", path=str(report.target)))
    return int(ExitCode.OK)
