"""The server's push log: who pushed what, when — append-only, kept as a chain of commits.

The post-receive hook adds one commit per accepted push to `refs/hoso/push-log`: its message
is one JSON line per updated ref (pusher account, person, ref, old -> new, time), its parent
the previous entry, its tree empty. Clients cannot write there (the pre-receive hook refuses
every ref outside refs/heads/ and refs/tags/), and a chain of commits cannot be edited without
changing every later id, so a clone that fetched it once notices any rewrite.

A clone reads it after `git fetch origin +refs/hoso/*:refs/hoso/*` (hoso init sets that up).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hoso.errors import GitError
from hoso.git.objects import peel_commit
from hoso.git.process import git_env, run_git

REF = "refs/hoso/push-log"
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


def append(root: Path, entries: Sequence[PushEntry], *, attempts: int = 5) -> str:
    """Add one log commit for `entries`; retried when another push appended at the same time."""
    message = "hoso push log\n\n" + "".join(
        json.dumps(e.as_json(), ensure_ascii=False) + "\n" for e in entries
    )
    tree = run_git(root, ["mktree"], input_bytes=b"").decode().strip()
    env = {
        **git_env(),
        "GIT_AUTHOR_NAME": "hoso server",
        "GIT_AUTHOR_EMAIL": "hoso@server.invalid",
        "GIT_COMMITTER_NAME": "hoso server",
        "GIT_COMMITTER_EMAIL": "hoso@server.invalid",
    }
    for _ in range(attempts):
        parent = peel_commit(root, REF) or ""
        proc = subprocess.run(
            ["git", "commit-tree", tree, *(["-p", parent] if parent else []), "-F", "-"],
            cwd=root,
            env=env,
            input=message.encode(),
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            raise GitError("git.failed", command="git commit-tree", detail=proc.stderr.decode()[:300])
        oid = proc.stdout.decode().strip()
        expected = parent or "0" * 40
        update = subprocess.run(
            ["git", "update-ref", "-m", "hoso push log", REF, oid, expected],
            cwd=root,
            env=git_env(),
            capture_output=True,
            check=False,
        )
        if update.returncode == 0:
            return oid
    raise GitError("git.failed", command="git update-ref " + REF, detail="concurrent pushes")


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def read(root: Path, ref: str = REF) -> list[PushEntry]:
    """Every entry of the log at `ref`, oldest first; empty when there is none."""
    proc = subprocess.run(
        ["git", "log", "--reverse", "--format=%B%x1e", ref, "--"],
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
