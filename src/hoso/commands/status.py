"""`hoso status [--person P]`: where my submissions stand: chờ duyệt, bị từ chối (lý do), đã duyệt."""

from __future__ import annotations

import argparse

from hoso.approvals import PREFIX, git_ok, has_remote, submissions, whoami
from hoso.commands._common import err, out, out_json, repo_root
from hoso.config import load_config
from hoso.messages import t


def run(args: argparse.Namespace) -> int:
    root, _ = repo_root(args.repo)
    config = load_config(root)
    person = whoami(root, config, args.person)
    remote = args.remote if has_remote(root, args.remote) else None
    if remote:
        git_ok(root, "fetch", "-q", "--prune", remote)
    mine = [
        s
        for s in submissions(root, remote, config.catalog.defaults.protected_branch)
        if s.branch.startswith(f"{PREFIX}{person}/")
    ]
    if args.format == "json":
        out_json(
            [
                {
                    "branch": s.branch,
                    "merged": s.merged,
                    "rejected_by": s.rejected_by,
                    "reason": s.rejection_reason,
                    "paths": s.paths,
                }
                for s in mine
            ]
        )
        return 0

    def name(pid: str | None) -> str:
        found = config.people.person(pid) if pid else None
        return str(found.name) if found else (pid or "")

    for s in mine:
        if s.merged:
            out(t("status.line-merged", branch=s.branch))
        elif s.rejected_by:
            out(
                t(
                    "status.line-rejected",
                    branch=s.branch,
                    who=name(s.rejected_by),
                    reason=s.rejection_reason or "",
                )
            )
        else:
            out(t("status.line-open", branch=s.branch))
    err(t("status.count", person=name(person), count=len(mine)))
    return 0
