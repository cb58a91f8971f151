"""Git bundles, for backup and restore (hoso.ops.backup): make, verify and list a bundle, check
every object of a repository (`git fsck`), and fill a new repository from a bundle.

(The printable book of a school year's records is another bundle: hoso.ops.bundle.)
"""

from __future__ import annotations

from pathlib import Path

from hoso.git.history import has_commits
from hoso.git.process import run_git
from hoso.git.refs import oid_names


def bundle_create(root: Path, path: Path) -> None:
    """Every ref (and HEAD) with all its history in one bundle file."""
    run_git(root, ["bundle", "create", "-q", str(path), "--all"])


def bundle_verify(root: Path, path: Path) -> None:
    """Raise GitError unless `path` is a readable bundle whose history is complete."""
    run_git(root, ["bundle", "verify", "-q", str(path)])


def bundle_heads(root: Path, path: Path) -> dict[str, str]:
    """ref name -> object id, as recorded in the bundle (HEAD included)."""
    return oid_names(run_git(root, ["bundle", "list-heads", str(path)]))


def fsck(root: Path) -> None:
    """`git fsck --full`: raise GitError if any object is missing or corrupt."""
    run_git(root, ["fsck", "--full", "--no-progress", "--no-dangling"])


def init_repo(target: Path, *, bare: bool) -> None:
    run_git(target, ["init", "-q", *(["--bare"] if bare else [])])


def fetch_bundle(target: Path, bundle: Path, head: str | None, head_oid: str, *, bare: bool) -> None:
    """Fill the new repository `target` with every ref of `bundle`, under the same names.

    Branches, tags and notes keep their names (a mirror fetch, not remote-tracking branches);
    HEAD points where it did (`head`, or the commit `head_oid` when it was detached); a
    non-bare repository gets its work tree checked out.
    """
    if head:
        run_git(target, ["symbolic-ref", "HEAD", head])
    run_git(target, ["fetch", "-q", "--update-head-ok", "--no-tags", str(bundle), "+refs/*:refs/*"])
    if not head and head_oid:
        run_git(target, ["update-ref", "--no-deref", "HEAD", head_oid])
    if not bare and has_commits(target):
        run_git(target, ["reset", "-q", "--hard", "HEAD"])
