"""`hoso approve BRANCH [--p12 F | --pkcs11-lib L --token T] [--role R]`: approve a submission.

Optionally counter-sign every record of the submission first (on the submission branch), then
merge it with `--no-ff` into the protected branch with a `Duyet-boi:` trailer, check the merged
range with the same engine the server runs, and push. Anything refused is rolled back: the
protected branch is only ever moved forward, by a merge that passed the checks.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hoso.approvals import APPROVED_BY, PREFIX, ApprovalError, git_ok, has_remote, submissions, whoami
from hoso.commands._common import err, out, repo_root
from hoso.commands.check import report
from hoso.config import load_config
from hoso.errors import ExitCode, UsageError
from hoso.evidence import EvidenceCache
from hoso.messages import t
from hoso.repo import current_branch
from hoso.rules import engine
from hoso.server.identity import APPROVER_ROLES


def _git(root: Path, *args: str) -> str:
    proc = git_ok(root, *args)
    if proc.returncode != 0:
        raise ApprovalError("approvals.git-failed", detail=(proc.stderr or proc.stdout).strip()[:300])
    return proc.stdout.strip()


def run(args: argparse.Namespace) -> int:
    from datetime import date

    root, _ = repo_root(args.repo)
    config = load_config(root)
    person = whoami(root, config, args.person)
    holder = config.people.person(person)
    assert holder is not None
    if not any(r.role in APPROVER_ROLES and r.active_on(date.today()) for r in holder.roles):
        raise ApprovalError("approve.not-approver", ExitCode.UNTRUSTED, name=holder.name)
    remote = args.remote if has_remote(root, args.remote) else None
    branch = args.branch.removeprefix(f"{args.remote}/")
    if not branch.startswith(PREFIX):
        raise UsageError("approvals.not-submission", branch=args.branch)
    if git_ok(root, "status", "--porcelain", "--untracked-files=no").stdout.strip():
        raise ApprovalError("approve.dirty")
    protected = config.catalog.defaults.protected_branch
    if remote:
        git_ok(root, "fetch", "-q", "--prune", remote)
    found = {s.branch: s for s in submissions(root, remote, protected)}
    sub = found.get(branch)
    if sub is None:
        raise ApprovalError("approvals.no-branch", ExitCode.NOT_FOUND, branch=branch)
    if sub.merged:
        raise ApprovalError("approve.already", branch=branch)

    start = current_branch(root)
    _git(root, "switch", "-q", protected)
    if remote:
        _git(root, "merge", "-q", "--ff-only", f"{remote}/{protected}")
    before = _git(root, "rev-parse", "HEAD")
    to_merge = sub.ref
    try:
        if args.p12 or args.pkcs11_lib:
            to_merge = _countersign(root, args, config, branch, sub.ref, sub.paths, person)
        message = f"{t('approve.subject', branch=branch)}\n\n{APPROVED_BY}: {person}\n"
        # an approver who set up an SSH signing key signs the merge: evidence, not a claim
        sign = ["-S"] if git_ok(root, "config", "user.signingkey").stdout.strip() else []
        merged = git_ok(root, "merge", "--no-ff", "--no-verify", *sign, "-m", message, to_merge)
        if merged.returncode != 0:
            git_ok(root, "merge", "--abort")
            raise ApprovalError("approve.conflict", branch=branch)
        cache = EvidenceCache(root)
        try:
            # a change outside records/ is proved to the server (pusher, signed merge, decision
            # PDF): the server judges that, with its own settings
            result = engine.run_range(
                root, before, "HEAD", ref=protected, cache=cache, proof=lambda step, ctx: ()
            )
        finally:
            cache.close()
        code = report(result, "text", len(result.subjects), None)
        if code:
            raise ApprovalError("approve.checks-failed", ExitCode(code), branch=branch)
        if remote:
            if to_merge != sub.ref:
                pushed = git_ok(root, "push", remote, f"{to_merge}:refs/heads/{branch}")
                if pushed.returncode != 0:
                    err(pushed.stderr)
                    raise ApprovalError("approve.push-refused")
            pushed = git_ok(root, "push", remote, f"HEAD:refs/heads/{protected}")
            if pushed.returncode != 0:
                err(pushed.stderr)
                raise ApprovalError("approve.push-refused")
    except BaseException:
        git_ok(root, "reset", "-q", "--hard", before)  # the tree was clean: nothing of the user's is lost
        if start and start != protected:
            git_ok(root, "switch", "-q", start)
        raise
    if start and start != protected:
        git_ok(root, "switch", "-q", start)
    out(branch)
    err(t("approve.done", branch=branch, who=holder.name))
    return int(ExitCode.OK)


def _countersign(
    root: Path, args: argparse.Namespace, config: object, branch: str, ref: str, paths: list[str], person: str
) -> str:
    """Sign every record of the submission on a local copy of its branch; return that branch."""
    from hoso.commands.sign import sign_file, signer_from_args, tsa_url

    local = f"refs/heads/{branch}"
    _git(root, "switch", "-q", "-C", branch, ref)
    try:
        with signer_from_args(args) as signer:
            for rel in paths:
                if (root / rel).is_file():
                    sign_file(config, root / rel, args.role, signer, shown=rel, tsa=tsa_url(args))
        _git(root, "add", "--", *[p for p in paths if (root / p).is_file()])
        _git(root, "commit", "-q", "--no-verify", "-m", t("approve.countersign", person=person))
    finally:
        git_ok(root, "switch", "-q", config.catalog.defaults.protected_branch)  # type: ignore[attr-defined]
    return local
