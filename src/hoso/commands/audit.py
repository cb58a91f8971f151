"""`hoso audit [--format json]`: fixity of every record on HEAD, and what changed since the last audit.

See hoso.ops.audit. Exit 0 when nothing is wrong; 1 when bytes are lost or altered (git fsck,
a blob missing or not matching its id or its recorded SHA-256); otherwise the code of the worst
signature problem (7 broken, 8 untrusted). Expired certificates, new and removed records are
information, not failures.
"""

from __future__ import annotations

import argparse

from hoso.commands._common import err, out, out_json, repo_root
from hoso.errors import UsageError
from hoso.messages import t
from hoso.ops import audit as ops
from hoso.status import CHO_DUYET, DA_DUYET, KHONG_HOP_LE


def run(args: argparse.Namespace) -> int:
    root, is_git = repo_root(args.repo)
    if not is_git:
        raise UsageError("log.not-git", path=str(root))
    result = ops.run(root)
    if args.format == "json":
        out_json(result.as_json())
        return int(result.exit_code)
    for note in result.notes:
        label = t("audit.label-error" if note.severity == ops.ERROR else "audit.label-info")
        out(f"{label} {note.path}: {note.message()}" if note.path else f"{label} {note.message()}")
    if result.previous:
        err(
            t(
                "audit.previous",
                date=result.previous.get("today") or "?",
                head=str(result.previous.get("head"))[:10],
            )
        )
    else:
        err(t("audit.first-run"))
    s = result.statuses
    err(
        t(
            "audit.summary",
            records=result.records,
            mib=f"{result.bytes / 1048576:.1f}",
            verified=result.verified,
            cached=result.cached,
            da=s.get(DA_DUYET, 0),
            cho=s.get(CHO_DUYET, 0),
            khl=s.get(KHONG_HOP_LE, 0),
        )
    )
    errors = len(result.errors)
    err(t("audit.result-bad", count=errors) if errors else t("audit.result-ok"))
    return int(result.exit_code)
