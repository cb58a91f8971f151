"""`hoso submit [PATH…] [--title T]`: commit the staged records on `nop/<person>/<slug>` and push.

The submitter's working branch is left as it was (the submission lives on its own branch), so
the next submission starts clean.
"""

from __future__ import annotations

import argparse

from hoso.approvals import ApprovalError, git_ok, has_remote, staged_paths, submission_branch, whoami
from hoso.commands._common import err, out, repo_root
from hoso.config import load_config
from hoso.errors import ExitCode, UsageError
from hoso.messages import t
from hoso.repo import current_branch, run_git


def run(args: argparse.Namespace) -> int:
    root, is_git = repo_root(args.repo)
    if not is_git:
        raise UsageError("check.staged-needs-git")
    config = load_config(root)
    person = whoami(root, config, args.person)
    if args.paths:
        run_git(root, ["add", "--", *args.paths])
    staged = staged_paths(root)
    if not staged:
        raise UsageError("submit.nothing")
    branch = submission_branch(person, staged, args.title)
    start = current_branch(root)
    if git_ok(root, "rev-parse", "--verify", "-q", f"refs/heads/{branch}").returncode == 0:
        switch = git_ok(root, "switch", branch)  # a fix to a rejected submission: same branch
    else:
        switch = git_ok(root, "switch", "-c", branch)
    if switch.returncode != 0:
        raise ApprovalError("submit.switch-failed", branch=branch, detail=switch.stderr.strip()[:300])
    message = args.title or t("submit.message", count=len(staged))
    committed = git_ok(root, "commit", "-m", message)
    if committed.returncode != 0:
        # the pre-commit hook refused: its findings are the useful part; staged files stay staged
        err(committed.stdout + committed.stderr)
        if start:
            git_ok(root, "switch", start)
        raise ApprovalError("submit.commit-refused", ExitCode.FAILED)
    pushed = True
    if not args.no_push and has_remote(root, args.remote):
        proc = git_ok(root, "push", "-u", args.remote, branch)
        if proc.returncode != 0:
            err(proc.stderr)
            pushed = False
    if start and start != branch:
        git_ok(root, "switch", start)
    out(branch)
    err(t("submit.done" if pushed else "submit.not-pushed", branch=branch))
    return int(ExitCode.OK if pushed else ExitCode.FAILED)
