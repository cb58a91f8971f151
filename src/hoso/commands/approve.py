"""`hoso approve BRANCH [--p12 F | --pkcs11-lib L --token T] [--role R]`: approve a submission.

Optionally counter-sign every record of the submission first (on the submission branch), then
merge it with `--no-ff` into the protected branch with a `Duyet-boi:` trailer, check the merged
range with the same engine the server runs, and push. Anything refused is rolled back: the
protected branch is only ever moved forward, by a merge that passed the checks.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from hoso.approvals import (
    APPROVED_BY,
    PREFIX,
    ApprovalError,
    Submission,
    git_ok,
    has_remote,
    submissions,
    whoami,
)
from hoso.commands._common import err, out, repo_root
from hoso.commands.check import report
from hoso.config import Config, load_config
from hoso.config.models import RecordType
from hoso.config.vocab import SIGNER_GROUP_HEAD, role_name
from hoso.errors import ExitCode, UsageError
from hoso.evidence import EvidenceCache
from hoso.git.objects import BlobReader, CommitSnapshot, Entry, tree_entries
from hoso.git.process import git_env
from hoso.git.refs import current_branch
from hoso.messages import t
from hoso.records import RECORDS_DIR, PathProblem, RecordPath, parse_path
from hoso.rules import engine
from hoso.rules.base import Context, Subject
from hoso.rules.signatures import verdict_for
from hoso.server.identity import APPROVER_ROLES
from hoso.status import CHO_DUYET, RecordStatus, compute, fits, self_approval_allowed
from hoso.submission import Item, make_commit


def _git(root: Path, *args: str) -> str:
    proc = git_ok(root, *args)
    if proc.returncode != 0:
        raise ApprovalError("approvals.git-failed", detail=(proc.stderr or proc.stdout).strip()[:300])
    return proc.stdout.strip()


def run(args: argparse.Namespace) -> int:
    from datetime import date

    root, _ = repo_root(args.repo)
    work_config = load_config(root)
    protected = work_config.catalog.defaults.protected_branch
    remote = args.remote if has_remote(root, args.remote) else None
    if remote:
        git_ok(root, "fetch", "-q", "--prune", remote)
    # authority comes from the protected branch as the server has it, never from this clone's
    # work tree or unpushed commits (a people.yml edited here makes nobody an approver)
    base = f"refs/remotes/{remote}/{protected}" if remote else f"refs/heads/{protected}"
    known = git_ok(root, "rev-parse", "--verify", "-q", f"{base}^{{commit}}").returncode == 0
    config = load_config(root, CommitSnapshot(root, base)) if known else work_config
    person = whoami(root, config, args.person)
    holder = config.people.person(person)
    assert holder is not None
    if not any(r.role in APPROVER_ROLES and r.active_on(date.today()) for r in holder.roles):
        raise ApprovalError("approve.not-approver", ExitCode.UNTRUSTED, name=holder.name)
    branch = args.branch.removeprefix(f"{args.remote}/")
    if not branch.startswith(PREFIX):
        raise UsageError("approvals.not-submission", branch=args.branch)
    dirty = git_ok(root, "status", "--porcelain", "--untracked-files=no").stdout.splitlines()
    if dirty:
        shown = ", ".join(line[3:] for line in dirty[:5]) + (", …" if len(dirty) > 5 else "")
        raise ApprovalError("approve.dirty", files=shown)
    found = {s.branch: s for s in submissions(root, remote, protected)}
    sub = found.get(branch)
    if sub is None:
        raise ApprovalError("approvals.no-branch", ExitCode.NOT_FOUND, branch=branch)
    if sub.merged:
        raise ApprovalError("approve.already", branch=branch)

    _records_only(root, sub, base)
    signing = bool(args.p12 or args.pkcs11_lib)
    if signing:
        _may_sign(root, config, sub, person, args.role)  # before anything is signed or switched
    start = current_branch(root)
    _git(root, "switch", "-q", protected)
    if remote:
        # full names: a tag `origin/main` (anyone may push one) must not stand for the server's main
        caught_up = git_ok(root, "merge", "-q", "--ff-only", f"refs/remotes/{remote}/{protected}")
        if caught_up.returncode != 0:  # this clone's main and the server's have both moved on
            if start and start != protected:
                git_ok(root, "switch", "-q", start)
            raise ApprovalError("approve.main-diverged", branch=protected)
    before = _git(root, "rev-parse", "HEAD")
    to_merge = sub.tip  # the commit reviewed, never a name a tag could shadow
    try:
        if signing:
            to_merge = _countersign(root, args, config, sub, person)
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
            # one atomic push: the counter-signed tip and the merge reach the server together or
            # not at all (a refused approval leaves no signature on the submitter's branch)
            refspecs = [f"HEAD:refs/heads/{protected}"]
            if to_merge != sub.tip:
                refspecs.insert(0, f"{to_merge}:refs/heads/{branch}")
            pushed = git_ok(root, "push", "--atomic", remote, *refspecs)
            if pushed.returncode != 0:
                said = [line for line in pushed.stderr.splitlines() if line.startswith("remote:")]
                err("\n".join(said) or pushed.stderr)
                raise ApprovalError("approve.push-refused")
    except BaseException:
        git_ok(root, "reset", "-q", "--hard", before)  # the tree was clean: nothing of the user's is lost
        if start and start != protected:
            git_ok(root, "switch", "-q", start)
        raise
    local = git_ok(root, "rev-parse", "--verify", "-q", f"refs/heads/{branch}").stdout.strip()
    if local and to_merge != sub.tip and local == sub.tip:
        git_ok(root, "update-ref", f"refs/heads/{branch}", to_merge, local)  # the signed tip, here too
    if start and start != protected:
        git_ok(root, "switch", "-q", start)
    out(branch)
    err(t("approve.done", branch=branch, who=holder.name))
    return int(ExitCode.OK)


def _records_only(root: Path, sub: Submission, base: str) -> None:
    """Approving records approves nothing else: a change of people.yml, catalog.yml, trust/…
    riding on a submission of records would reach the main branch proved by the approver's own
    push (or signed merge), though he approved a lesson plan. A proposal that changes only the
    configuration is approved as such, its files named."""
    names = _git(root, "diff", "--name-only", "-z", f"{base}...{sub.tip}")
    others = [p for p in names.split("\0") if p and not p.startswith(RECORDS_DIR + "/")]
    if not others:
        return
    shown = ", ".join(others[:5]) + (", …" if len(others) > 5 else "")
    if sub.paths:
        raise ApprovalError("approve.mixed", branch=sub.branch, files=shown)
    err(t("approve.configuration", branch=sub.branch, files=shown))


def _countersign(root: Path, args: argparse.Namespace, config: Config, sub: Submission, person: str) -> str:
    """A commit on top of the submission with every record counter-signed; no ref moves.

    The records are signed in a temporary folder and committed with plumbing: if anything
    later fails, nothing of it is left on any branch.
    """
    from hoso.commands.sign import sign_file, signer_from_args, tsa_url

    items: list[Item] = []
    with tempfile.TemporaryDirectory(prefix="hoso-duyet-") as tmp, signer_from_args(args) as signer:
        for n, rel in enumerate(sub.paths):
            data = _blob(root, sub.tip, rel)
            if data is None:
                continue  # the submission deletes it: nothing to sign
            path = Path(tmp) / f"{n}.pdf"
            path.write_bytes(data)
            sign_file(
                config,
                path,
                args.role,
                signer,
                shown=rel,
                tsa=tsa_url(args),
                visible=bool(getattr(args, "visible", False)),
            )
            items.append(Item(rel, path.read_bytes()))
    if not items:
        return sub.tip
    return make_commit(root, sub.tip, items, t("approve.countersign", person=person) + "\n")


def _blob(root: Path, commit: str, rel: str) -> bytes | None:
    proc = subprocess.run(
        ["git", "cat-file", "blob", f"{commit}:{rel}"],
        cwd=root,
        env=git_env(),
        capture_output=True,
        check=False,
    )
    return proc.stdout if proc.returncode == 0 else None


def _may_sign(root: Path, config: Config, sub: Submission, person: str, role: str) -> None:
    """Refuse before signing anything when this approver cannot fill the slot a record waits for."""
    from datetime import datetime

    holder = config.people.person(person)
    assert holder is not None
    now = datetime.now().astimezone()
    held = [r for r in holder.roles if r.active_on(now.date())]
    if not any(r.role == role for r in held):
        raise ApprovalError("sign.role-not-held", ExitCode.UNTRUSTED, name=holder.name, role=role_name(role))
    me = {
        "person": person,
        "roles": [{"role": r.role, "group": r.group} for r in held if r.role == role],
        "signing_time": now.isoformat(),
    }
    cache = EvidenceCache(root)
    source = BlobReader(root)
    try:
        ctx = Context(config=config, source=source, cache=cache, allow_pending=True)
        for entry in tree_entries(root, sub.tip, RECORDS_DIR):
            if entry.path not in sub.paths:
                continue
            try:
                record = parse_path(entry.path)
            except PathProblem:
                continue
            rt = config.catalog.type_by_id(record.type_id)
            if rt is None:
                continue
            st = compute(verdict_for(Subject(entry, record, rt), ctx), rt, record, config)
            if st.status != CHO_DUYET or st.out_of_order:
                continue  # complete or broken: the checks after the merge say so
            slot = rt.signers[len(rt.signers) - len(st.missing)]
            used = {str(sig.get("person")) for sig, c in _filled(ctx, entry, record, rt, st) if c}
            if fits(slot, me, record, config.people, frozenset(used)) and (
                person not in used or self_approval_allowed(rt, config)
            ):
                continue
            raise _why_not(config, entry.path, record, holder.name, person, slot, used, held)
    finally:
        source.close()
        cache.close()


def _filled(
    ctx: Context, entry: Entry, record: RecordPath, rt: RecordType, st: RecordStatus
) -> list[tuple[dict[str, Any], str | None]]:
    verdict = verdict_for(Subject(entry, record, rt), ctx)
    return list(zip(verdict.get("signatures", []), st.capacities, strict=False))


def _why_not(
    config: Config,
    path: str,
    record: RecordPath,
    name: str,
    person: str,
    slot: str | list[str],
    used: set[str],
    held: list[Any],
) -> ApprovalError:
    from hoso.rules.signatures import signer_label
    from hoso.status import signer_spec

    wanted = signer_label(signer_spec(slot))
    if person in used:
        return ApprovalError("approve.self", ExitCode.UNSIGNED, name=name, path=path, slot=wanted)
    heads = [r.group for r in held if r.role == "to-truong" and r.group]
    if slot == SIGNER_GROUP_HEAD and heads and record.owner_level == "giao-vien" and record.owner_id:
        owner = config.people.person(record.owner_id)
        from datetime import date

        theirs = sorted(
            {r.group for r in (owner.roles if owner else []) if r.group and r.active_on(date.today())}
        )
        return ApprovalError(
            "approve.not-your-group",
            ExitCode.UNTRUSTED,
            name=name,
            mine=", ".join(_group_name(config, g) for g in heads),
            owner=owner.name if owner else record.owner_id,
            theirs=", ".join(_group_name(config, g) for g in theirs) or "?",
            path=path,
        )
    return ApprovalError("approve.cannot-fill", ExitCode.UNTRUSTED, name=name, path=path, slot=wanted)


def _group_name(config: Config, group_id: str) -> str:
    group = config.people.group(group_id)
    return str(group.name) if group else group_id
