"""`hoso reject BRANCH --ly-do "…"`: send a submission back with a reason.

The rejection is an empty commit on the submission branch carrying `Tu-choi-boi:` and
`Ly-do:` trailers: it travels with the branch, so the submitter sees it (`hoso status`), and
it stays in history as part of the audit trail.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from hoso.approvals import PREFIX, REASON, REJECTED_BY, ApprovalError, git_ok, has_remote, whoami
from hoso.commands._common import err, repo_root
from hoso.config import Config, load_config
from hoso.errors import ExitCode, UsageError
from hoso.git.process import git_env
from hoso.messages import t
from hoso.server.identity import APPROVER_ROLES


def run(args: argparse.Namespace) -> int:
    import subprocess

    root, _ = repo_root(args.repo)
    config = load_config(root)
    person = whoami(root, config, args.person)
    holder = config.people.person(person)
    assert holder is not None
    # only someone who may approve may send back (the same roles `hoso approve` requires)
    if not any(r.role in APPROVER_ROLES and r.active_on(date.today()) for r in holder.roles):
        raise ApprovalError("approve.not-approver", ExitCode.UNTRUSTED, name=holder.name)
    reason = " ".join(args.ly_do.split())
    if not reason:
        raise UsageError("reject.reason-needed")
    branch = args.branch.removeprefix(f"{args.remote}/")
    if not branch.startswith(PREFIX):
        raise UsageError("approvals.not-submission", branch=args.branch)
    remote = args.remote if has_remote(root, args.remote) else None
    if remote:
        git_ok(root, "fetch", "-q", remote, f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}")
    source = f"{remote}/{branch}" if remote else branch
    tip = git_ok(root, "rev-parse", "--verify", "-q", source).stdout.strip()
    if not tip:
        raise ApprovalError("approvals.no-branch", ExitCode.NOT_FOUND, branch=branch)
    _may_send_back(root, config, remote, branch, person)
    message = f"{t('reject.subject')}\n\n{REJECTED_BY}: {person}\n{REASON}: {reason}\n"
    # commit-tree: the rejection commit is made without touching anyone's work tree
    proc = subprocess.run(
        ["git", "commit-tree", f"{tip}^{{tree}}", "-p", tip, "-F", "-"],
        cwd=root,
        env=git_env(),
        input=message,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise ApprovalError("approvals.git-failed", detail=proc.stderr.strip()[:300])
    commit = proc.stdout.strip()
    if remote:
        pushed = git_ok(root, "push", remote, f"{commit}:refs/heads/{branch}")
        if pushed.returncode != 0:
            raise ApprovalError("approvals.git-failed", detail=pushed.stderr.strip()[:300])
        git_ok(root, "fetch", "-q", remote, f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}")
    else:
        git_ok(root, "update-ref", f"refs/heads/{branch}", commit, tip)
    err(t("reject.done", branch=branch, reason=reason))
    return int(ExitCode.OK)


def _may_send_back(root: Path, config: Config, remote: str | None, branch: str, person: str) -> None:
    """Only someone who could approve this submission may send it back: the slot its records
    wait for must be one of this person's roles (a tổ trưởng of another tổ may not)."""
    from hoso.approvals import submissions
    from hoso.commands.approve import _may_sign

    sub = next(
        (
            s
            for s in submissions(root, remote, config.catalog.defaults.protected_branch)
            if s.branch == branch
        ),
        None,
    )
    if sub is None or not sub.paths:
        return
    holder = config.people.person(person)
    roles = (
        sorted({r.role for r in holder.roles if r.role in APPROVER_ROLES and r.active_on(date.today())})
        if holder
        else []
    )
    first: ApprovalError | None = None
    for role in roles:
        try:
            _may_sign(root, config, sub, person, role)
        except ApprovalError as exc:
            first = first or exc
            continue
        return
    if first is not None:
        raise first
