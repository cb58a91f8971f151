"""Running git: `run_git`, the environment every git process gets, and where the repository is.

A git process started here (and by any caller that runs git itself) gets `git_env()`: the
variables that would tie git to another repository are dropped, replace refs and grafts are
ignored (objects are judged as stored) and git speaks the C locale, so its output parses the same
everywhere. `find_root` and `locate` say which repository a folder belongs to, if any.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from hoso.errors import ExitCode, GitError

# Variables that tie git to another repository than the one we name. Git exports them while
# hooks run. GIT_INDEX_FILE (commit -a, commit <path>) and the quarantine/object directory
# variables (pre-receive) are kept on purpose: they point at the objects we must see.
_STRIP_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_PREFIX", "GIT_COMMON_DIR")


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _STRIP_ENV}
    # objects are judged as stored: a pushed refs/replace/* must never stand in for a record
    env["GIT_NO_REPLACE_OBJECTS"] = "1"
    # nor a graft: git honours .git/info/grafts even with GIT_NO_REPLACE_OBJECTS, and a clone's
    # graft would put forged push-log entries below a server signature (or hide history)
    env["GIT_GRAFT_FILE"] = os.devnull
    # ... without git's hint that grafts are deprecated on every command's stderr (fsck's is read)
    count = env.get("GIT_CONFIG_COUNT", "0")
    n = int(count) if count.isdigit() else 0
    env[f"GIT_CONFIG_KEY_{n}"], env[f"GIT_CONFIG_VALUE_{n}"] = "advice.graftFileDeprecated", "false"
    env["GIT_CONFIG_COUNT"] = str(n + 1)
    env["LC_ALL"] = "C"
    env.pop("LANGUAGE", None)
    return env


def run_git(root: Path, args: Sequence[str], *, input_bytes: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=root,
            env=git_env(),
            input=input_bytes,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError as exc:
        raise GitError("git.not-installed", ExitCode.FAILED) from exc
    if proc.returncode != 0:
        raise GitError(
            "git.failed",
            command="git " + " ".join(args[:3]),
            detail=proc.stderr.decode("utf-8", "replace").strip()[:500],
        )
    return proc.stdout


def find_root(start: Path) -> tuple[Path, bool]:
    """(root, is_git): the work tree's top level, or `start` itself outside a git repository."""
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=start,
            env=git_env(),
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        return start.resolve(), False
    if proc.returncode != 0 or not proc.stdout.strip():
        return start.resolve(), False
    return Path(proc.stdout.decode().strip()).resolve(), True


def locate(start: Path) -> tuple[Path, bool] | None:
    """(folder to run git in, is bare) for the repository containing `start`; None outside git."""
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--is-bare-repository", "--absolute-git-dir"],
            cwd=start,
            env=git_env(),
            capture_output=True,
            check=False,
        )
    except (FileNotFoundError, NotADirectoryError):
        return None
    lines = proc.stdout.decode("utf-8", "surrogateescape").splitlines()
    if proc.returncode != 0 or len(lines) != 2:
        return None
    git_dir = Path(lines[1]).resolve()
    if lines[0] == "true":
        return git_dir, True
    root, is_git = find_root(start)
    return (root, False) if is_git else (git_dir.parent, False)


def absolute_git_dir(root: Path) -> Path:
    return Path(run_git(root, ["rev-parse", "--absolute-git-dir"]).decode().strip())
