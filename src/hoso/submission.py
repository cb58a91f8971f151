"""Submitting records for approval without touching the submitter's work tree.

A submission is a commit on `nop/<person>/<slug>` made with git's plumbing in a temporary
index (`read-tree`, `update-index`, `write-tree`, `commit-tree`, `update-ref`): the branch the
teacher stands on, its index and its files are never switched, staged or rewritten, so a
submission from `main` leaves `main` clean, and a refused one leaves nothing at all.

A record already waiting on one of the person's open submissions (chờ duyệt or trả lại) goes
back onto that submission: the approver sees the new version where the rejection was.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hoso.approvals import PREFIX, ApprovalError, Submission, git_ok, submissions
from hoso.errors import ExitCode
from hoso.git.history import rev_exists
from hoso.git.process import absolute_git_dir, git_env

TITLE = "Tieu-de"  # trailer: `Tieu-de: <record path>: <title>`, the title the submitter gave


@dataclass(frozen=True)
class Item:
    """One record to submit: where it goes and the bytes it holds."""

    rel: str
    data: bytes
    title: str | None = None


@dataclass(frozen=True)
class Target:
    branch: str  # short name, nop/<person>/<slug>
    parent: str  # the commit the submission builds on
    old: str | None  # the local branch's tip before, for a safe update-ref
    resubmission: Submission | None  # the open submission this continues, if any


def _tip(root: Path, ref: str) -> str | None:
    proc = git_ok(root, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}")
    return proc.stdout.strip() or None


def _is_ancestor(root: Path, old: str, new: str) -> bool:
    return git_ok(root, "merge-base", "--is-ancestor", old, new).returncode == 0


def base_ref(root: Path, remote: str | None, protected: str) -> str:
    """What a new submission starts from: the server's protected branch when there is one.

    A full ref name: git reads a short `origin/main` as a tag of that name first, and anyone
    may push a tag `origin/main` pointing at a commit of their own.
    """
    if remote and rev_exists(root, f"refs/remotes/{remote}/{protected}"):
        return f"refs/remotes/{remote}/{protected}"
    return f"refs/heads/{protected}"


def choose_target(
    root: Path, person: str, rels: list[str], slug: str, remote: str | None, protected: str
) -> Target:
    """The person's open submission holding one of `rels`, else a new branch named after `slug`."""
    base = base_ref(root, remote, protected)
    mine = [
        s
        for s in submissions(root, remote, protected)
        if s.branch.startswith(f"{PREFIX}{person}/") and not s.merged and set(s.paths) & set(rels)
    ]
    if remote:  # a submission committed here whose push failed is still the person's
        known = {s.branch for s in mine}
        mine += [
            s
            for s in submissions(root, None, protected)
            if s.branch not in known
            and s.branch.startswith(f"{PREFIX}{person}/")
            and not _is_ancestor(root, s.tip, base)
            and set(s.paths) & set(rels)
        ]
    if mine:
        # the most recent one, when a record somehow sits on two
        sub = max(mine, key=lambda s: _commit_time(root, s.tip))
        local = _tip(root, f"refs/heads/{sub.branch}")
        parent = sub.tip
        if local and local != sub.tip and _is_ancestor(root, sub.tip, local):
            parent = local  # committed here, not yet pushed
        elif local and local != sub.tip and not _is_ancestor(root, local, sub.tip):
            # committed here and not pushed, while the server's branch moved on (a rejection):
            # building on the server's tip would drop her commit from her branch
            raise ApprovalError("submit.diverged", branch=sub.branch)
        return Target(sub.branch, parent, local, sub)
    start = _tip(root, base)
    if start is None:
        raise ApprovalError("submit.no-base", ExitCode.NOT_FOUND, branch=protected)
    name = f"{PREFIX}{person}/{slug or 'ho-so'}"
    taken = {s.branch for s in submissions(root, remote, protected)}
    taken |= {s.branch for s in submissions(root, None, protected)}
    branch, n = name, 2
    while branch in taken:
        branch, n = f"{name}-{n}", n + 1
    return Target(branch, start, None, None)


def _commit_time(root: Path, commit: str) -> int:
    out = git_ok(root, "log", "-1", "--format=%ct", commit).stdout.strip()
    return int(out) if out.isdigit() else 0


def changed(root: Path, parent: str, items: list[Item]) -> list[Item]:
    """The items whose bytes differ from what `parent` already holds at their path."""
    from hoso.git.objects import blob_id

    spec = "\n".join(f"{parent}:{i.rel}" for i in items) + "\n"
    proc = subprocess.run(
        ["git", "cat-file", "--batch-check=%(objectname)"],
        cwd=root,
        env=git_env(),
        input=spec,
        capture_output=True,
        text=True,
        check=False,
    )
    have = proc.stdout.splitlines()
    return [i for i, line in zip(items, have, strict=False) if line.split()[0] != blob_id(i.data)]


def make_commit(root: Path, parent: str, items: list[Item], message: str) -> str:
    """A commit of `parent`'s tree with `items` written in, built in a throw-away index."""
    git_dir = absolute_git_dir(root)
    fd, index = tempfile.mkstemp(prefix="hoso-submit-", suffix=".index", dir=git_dir)
    os.close(fd)
    os.unlink(index)  # read-tree writes it; an empty file is not a valid index
    env = {**git_env(), "GIT_INDEX_FILE": index}
    try:
        _plumb(root, env, ["read-tree", parent])
        lines = []
        for item in items:
            blob = _plumb(root, env, ["hash-object", "-w", "--stdin"], item.data).strip()
            lines.append(f"100644 {blob.decode()}\t{item.rel}")
        _plumb(root, env, ["update-index", "--index-info"], ("\n".join(lines) + "\n").encode())
        tree = _plumb(root, env, ["write-tree"]).decode().strip()
        commit = _plumb(root, env, ["commit-tree", tree, "-p", parent, "-F", "-"], message.encode())
        return commit.decode().strip()
    finally:
        Path(index).unlink(missing_ok=True)


def _plumb(root: Path, env: dict[str, str], args: list[str], data: bytes | None = None) -> bytes:
    proc = subprocess.run(["git", *args], cwd=root, env=env, input=data, capture_output=True, check=False)
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip()[:300]
        raise ApprovalError("approvals.git-failed", detail=detail)
    return proc.stdout


def message(items: list[Item], subject: str, prefix: str = "") -> str:
    """The commit message: one subject line, then a `Tieu-de:` trailer per titled record.

    The title is the submitter's text: it is made one bounded line, and a subject that would
    read as a trailer (`Tu-choi-boi: …`, `Duyet-boi: …`, `Ly-do: …`) gets `prefix` in front, so
    that no title passes for a rejection, an approval or a reason.
    """
    subject = _one_line(subject)
    if _TRAILER_LIKE.match(subject) and prefix:
        subject = f"{_one_line(prefix)}: {subject}"
    trailers = [f"{TITLE}: {i.rel}: {_one_line(i.title)}" for i in items if i.title and _one_line(i.title)]
    return subject + ("\n\n" + "\n".join(trailers) if trailers else "") + "\n"


_TRAILER_LIKE = re.compile(r"^[\w-]+\s*:")


def _one_line(text: str) -> str:
    from hoso.titles import MAX_LEN

    return " ".join(text.split())[:MAX_LEN].strip()


def move_branch(root: Path, branch: str, commit: str, old: str | None) -> None:
    """Point refs/heads/<branch> at `commit`, only if nobody moved it meanwhile."""
    args = ["update-ref", "-m", "hoso submit", f"refs/heads/{branch}", commit]
    args.append(old or "0" * 40)
    proc = git_ok(root, *args)
    if proc.returncode != 0:
        if _tip(root, f"refs/heads/{branch}") != old:  # another command moved it meanwhile
            raise ApprovalError("submit.branch-moved", branch=branch)
        raise ApprovalError("approvals.git-failed", detail=proc.stderr.strip()[:300])
