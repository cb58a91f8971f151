"""Approvals without a forge: submission branches, review, approval merges, rejections.

A submission is a branch `nop/<person>/<slug>` holding commits that add or sign records.
An approval is a `--no-ff` merge into the protected branch whose message carries
`Duyet-boi: <person>` trailers; a rejection is an empty commit on the submission branch with
`Tu-choi-boi: <person>` and `Ly-do: <reason>`, so the submitter sees it with `hoso status`
(and the site later) and answers by pushing a fix to the same branch.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from hoso.config import Config
from hoso.errors import ExitCode, HosoError
from hoso.git.process import git_env, run_git
from hoso.records import RECORDS_DIR, make_slug, parse_path

PREFIX = "nop/"
APPROVED_BY = "Duyet-boi"
REJECTED_BY = "Tu-choi-boi"
REASON = "Ly-do"


class ApprovalError(HosoError):
    exit_code = ExitCode.FAILED


def git_ok(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=root, env=git_env(), capture_output=True, text=True, check=False
    )


def whoami(root: Path, config: Config, given: str | None) -> str:
    """The person acting: --person, else HOSO_PERSON, else the git e-mail found in people.yml."""
    import os

    person = given or os.environ.get("HOSO_PERSON")
    if person is None:
        email = git_ok(root, "config", "user.email").stdout.strip().lower()
        matches = [p.id for p in config.people.people if p.email and p.email.lower() == email]
        person = matches[0] if len(matches) == 1 else None
    if person is None:
        raise ApprovalError("approvals.who")
    if config.people.person(person) is None:
        raise ApprovalError("approvals.unknown-person", value=person)
    return person


def has_remote(root: Path, remote: str) -> bool:
    return git_ok(root, "remote", "get-url", remote).returncode == 0


def submission_branch(person: str, staged: list[str], title: str | None) -> str:
    slug = make_slug(title) if title else ""
    if not slug:
        for path in staged:
            try:
                slug = parse_path(path).slug
                break
            except Exception:
                continue
    return f"{PREFIX}{person}/{slug or 'ho-so'}"


def staged_paths(root: Path) -> list[str]:
    out = run_git(root, ["diff", "--cached", "--name-only", "-z"])
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]


@dataclass
class Submission:
    branch: str  # short name, e.g. nop/nguyen-van-an/tuan-05
    ref: str  # what to read it from: origin/nop/... or nop/...
    tip: str
    paths: list[str] = field(default_factory=list)
    rejected_by: str | None = None
    rejection_reason: str | None = None
    merged: bool = False


def submissions(root: Path, remote: str | None, protected: str) -> list[Submission]:
    """Every submission branch, with the records it changes and its last rejection, if any."""
    base = f"{remote}/{protected}" if remote else protected
    pattern = f"refs/remotes/{remote}/{PREFIX}" if remote else f"refs/heads/{PREFIX}"
    raw = run_git(root, ["for-each-ref", "--format=%(refname)%09%(objectname)", pattern]).decode()
    found: list[Submission] = []
    for line in raw.splitlines():
        ref, tip = line.split("\t")
        short = ref.removeprefix(f"refs/remotes/{remote}/") if remote else ref.removeprefix("refs/heads/")
        read_ref = f"{remote}/{short}" if remote else short
        sub = Submission(short, read_ref, tip)
        sub.merged = git_ok(root, "merge-base", "--is-ancestor", tip, base).returncode == 0
        names = run_git(root, ["diff", "--name-only", "-z", f"{base}...{tip}", "--", RECORDS_DIR])
        sub.paths = [p for p in names.decode("utf-8", "surrogateescape").split("\0") if p]
        message = run_git(root, ["log", "-1", "--format=%B", tip]).decode("utf-8", "replace")
        for line_ in message.splitlines():
            key, _, value = line_.partition(":")
            if key.strip().lower() == REJECTED_BY.lower():
                sub.rejected_by = value.strip()
            elif key.strip().lower() == REASON.lower():
                sub.rejection_reason = value.strip()
        if sub.rejected_by is None:
            sub.rejection_reason = None
        found.append(sub)
    return found
