"""`hoso backup --to DIR [--keep N]`: a verified, self-contained copy of the whole repository."""

from __future__ import annotations

import argparse
from pathlib import Path

from hoso.commands._common import err, out
from hoso.errors import UsageError
from hoso.messages import t
from hoso.ops.backup import create_backup


def run(args: argparse.Namespace) -> int:
    if args.keep is not None and args.keep < 1:
        raise UsageError("backup.bad-keep", value=args.keep)
    result = create_backup(Path(args.repo) if args.repo else Path.cwd(), Path(args.to), keep=args.keep)
    manifest = result.manifest
    if result.stale:
        err(t("backup.stale-removed", count=result.stale))
    size = manifest["bundle"]["size"]
    err(
        t(
            "backup.done",
            path=str(result.path),
            refs=len(manifest["refs"]),
            records=len(manifest["records"]),
            size=f"{size / 1_048_576:.1f}",
        )
    )
    check = manifest["check"]
    if check is not None and check["exit_code"] != 0:
        err(t("backup.check-warning", code=check["exit_code"], errors=check["errors"]))
    lfs = manifest["lfs"]
    if lfs["used"] and not lfs["objects_included"]:
        err(t("backup.lfs-missing"))
    for removed in result.removed:
        err(t("backup.rotated", path=removed.name))
    out(str(result.path))  # stdout: the new backup's folder, for scripts
    return 0
