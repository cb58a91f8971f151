"""Refs and the repository's own git configuration: the current branch, HEAD, every ref, config.

`config_values` and `set_config` read and write the server's own settings (hoso.server.settings,
`hoso install-server-hook`), kept in the repository's git configuration.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from hoso.errors import GitError
from hoso.git.process import git_env, run_git


def symbolic_head(root: Path) -> str | None:
    """The full name HEAD points to (refs/heads/main), or None on a detached HEAD."""
    try:
        name = run_git(root, ["symbolic-ref", "-q", "HEAD"]).decode().strip()
    except GitError:
        return None
    return name or None


def current_branch(root: Path) -> str | None:
    """The checked-out branch, or None on a detached HEAD."""
    try:
        name = run_git(root, ["symbolic-ref", "--short", "-q", "HEAD"]).decode().strip()
    except GitError:
        return None
    return name or None


def refs(root: Path) -> dict[str, str]:
    """Every ref (branches, tags, notes, …) and the object it names, in one call."""
    return oid_names(run_git(root, ["for-each-ref", "--format=%(objectname) %(refname)"]))


def oid_names(raw: bytes) -> dict[str, str]:
    """name -> object id of git's `<oid> <name>` lines (for-each-ref, bundle list-heads)."""
    found: dict[str, str] = {}
    for line in raw.decode("utf-8", "replace").splitlines():
        oid, _, name = line.partition(" ")
        if name:
            found[name] = oid
    return found


def config_values(root: Path, key: str) -> list[str]:
    """Every value of `key` in the repository's own git configuration (none: empty list)."""
    proc = subprocess.run(
        ["git", "config", "--get-all", key], cwd=root, env=git_env(), capture_output=True, check=False
    )
    return proc.stdout.decode("utf-8", "replace").split("\n")[:-1] if proc.returncode == 0 else []


def set_config(root: Path, key: str, values: Sequence[str]) -> None:
    """Replace every value of `key` in the repository's git configuration with `values`."""
    subprocess.run(
        ["git", "config", "--unset-all", key], cwd=root, env=git_env(), capture_output=True, check=False
    )
    for value in values:
        run_git(root, ["config", "--add", key, value])
