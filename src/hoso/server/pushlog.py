"""The server's push log: who pushed what, when — append-only, kept as a chain of commits.

The post-receive hook adds one commit per accepted push to `refs/hoso/push-log`: its message
is one JSON line per updated ref (pusher account, person, ref, old -> new, time), its first
parent the previous entry, its tree empty. Clients cannot write there (the pre-receive hook
refuses every ref outside refs/heads/ and refs/tags/), and a chain of commits cannot be edited
without changing every later id, so a clone that fetched it once notices any rewrite.

The log also keeps what it logs: an entry's other parents are the commits the push brought to a
submission branch or the protected branch (`kept`), and the tip a push deleted or rewrote. So a
submission squashed or rebased into main and then deleted, a rejected one, or what a force-push
replaced stays reachable — git's garbage collection never prunes it — and a clone receives it
with the log. One ref, whatever the number of pushes. Readers of the log follow first parents
only (`read`): the other parents are pushed commits, whose messages anyone can type. The chain
starts at a commit of the server's with no parent, so its first-parent line holds nothing else,
and a pushed branch or tag holding the log's commits is refused (that start is unrelated
history: hoso.rules.engine judges what no ref outside refs/hoso/ holds).

A clone reads it after `git fetch origin +refs/hoso/*:refs/hoso/*` (`FETCH_REFSPEC`; docs/server.md
shows the `remote.origin.fetch` line that makes every fetch bring it).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hoso.errors import GitError
from hoso.git.history import ZERO_OID, is_ancestor
from hoso.git.objects import peel_commit
from hoso.git.process import git_env, run_git

REF = "refs/hoso/push-log"
SUBMISSIONS = "refs/heads/nop/"  # hoso.approvals.PREFIX under refs/heads/
FETCH_REFSPEC = "+refs/hoso/*:refs/hoso/*"
VERSION = 1


@dataclass(frozen=True)
class PushEntry:
    time: str  # ISO 8601, the server's clock
    account: str | None  # as the git server authenticated it; None: the server does not know
    person: str | None  # people.yml id the account maps to
    ref: str
    old: str
    new: str
    commit: str | None = None  # the commit an annotated tag names, when `new` is a tag object

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "version": VERSION,
            "time": self.time,
            "account": self.account,
            "person": self.person,
            "ref": self.ref,
            "old": self.old,
            "new": self.new,
        }
        if self.commit:
            found["commit"] = self.commit
        return found


def append(root: Path, entries: Sequence[PushEntry], *, keep: Sequence[str] = (), attempts: int = 5) -> str:
    """Add one log commit for `entries`, with the commits of `keep` as its other parents (they
    stay reachable from the log); retried when another push appended at the same time."""
    message = "hoso push log\n\n" + "".join(
        json.dumps(e.as_json(), ensure_ascii=False) + "\n" for e in entries
    )
    tree = run_git(root, ["mktree"], input_bytes=b"").decode().strip()
    for _ in range(attempts):
        current = peel_commit(root, REF)
        # the first entry's first parent is a start of the server's: the line holds nothing else
        parent = current or _commit_tree(root, tree, [], "hoso push log\n")
        oid = _commit_tree(root, tree, [parent, *(k for k in dict.fromkeys(keep) if k != parent)], message)
        update = subprocess.run(
            ["git", "update-ref", "-m", "hoso push log", REF, oid, current or ZERO_OID],
            cwd=root,
            env=git_env(),
            capture_output=True,
            check=False,
        )
        if update.returncode == 0:
            return oid
    raise GitError("git.failed", command="git update-ref " + REF, detail="concurrent pushes")


def _commit_tree(root: Path, tree: str, parents: Sequence[str], message: str) -> str:
    """A commit of the server's (`parents` in order: the first one is the log's line)."""
    env = {
        **git_env(),
        "GIT_AUTHOR_NAME": "hoso server",
        "GIT_AUTHOR_EMAIL": "hoso@server.invalid",
        "GIT_COMMITTER_NAME": "hoso server",
        "GIT_COMMITTER_EMAIL": "hoso@server.invalid",
    }
    proc = subprocess.run(
        ["git", "commit-tree", tree, *(arg for p in parents for arg in ("-p", p)), "-F", "-"],
        cwd=root,
        env=env,
        input=message.encode(),
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise GitError("git.failed", command="git commit-tree", detail=proc.stderr.decode()[:300])
    return proc.stdout.decode().strip()


def kept(root: Path, entries: Sequence[PushEntry], protected: Callable[[str], bool]) -> list[str]:
    """The commits the log entry for `entries` keeps reachable: of every update of a submission
    branch or a protected branch, the commit it brought, and the commit it replaced when the
    branch was deleted or rewritten (a force-push; the earlier entry kept it already unless it
    was pushed before the log kept anything). Tags and other branches keep nothing."""
    found: list[str] = []
    for e in entries:  # branches: the pre-receive hook let only commits in
        if not (e.ref.startswith(SUBMISSIONS) or protected(e.ref)):
            continue
        new = None if e.new == ZERO_OID else e.new
        if new:
            found.append(new)
        if e.old != ZERO_OID and (new is None or not is_ancestor(root, e.old, new)):
            found.append(e.old)
    return list(dict.fromkeys(found))


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def read(root: Path, ref: str = REF) -> list[PushEntry]:
    """Every entry of the log at `ref`, oldest first; empty when there is none. Only the log's
    own line (first parents) is read: its other parents are pushed commits, not entries."""
    proc = subprocess.run(
        ["git", "log", "--first-parent", "--reverse", "--format=%B%x1e", ref, "--"],
        cwd=root,
        env=git_env(),
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        return []  # no push log here (a clone that did not fetch refs/hoso/*, a new repository)
    raw = proc.stdout.decode("utf-8", "replace")
    found: list[PushEntry] = []
    for message in raw.split("\x1e"):
        for line in message.splitlines():
            if not line.startswith("{"):
                continue
            try:
                data = json.loads(line)
                found.append(
                    PushEntry(
                        str(data["time"]),
                        data.get("account"),
                        data.get("person"),
                        str(data["ref"]),
                        str(data["old"]),
                        str(data["new"]),
                        data.get("commit"),
                    )
                )
            except (ValueError, KeyError, TypeError):
                continue  # a line this version does not understand is skipped, not fatal
    return found
