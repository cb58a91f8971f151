"""History: commits of a range with their changes, notes, ancestry and diffs.

`commits` reads any number of commits in one `git log` (`hoso.gitlog`), their authors and
messages from the raw commit objects, byte for byte. The rest answers the questions the checks
ask of a pushed range, in one git call each: merge bases, ancestry, the first-parent line, and
the changes of many commit pairs at once (`diff_pairs`: one `diff-tree --stdin`).
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hoso.errors import GitError
from hoso.git.objects import BlobReader, Entry, peel_commit, read_objects, tree_entries
from hoso.git.process import git_env, run_git

ZERO_OID = "0" * 40


@dataclass(frozen=True)
class Change:
    status: str  # A (added), M (modified), D (deleted), T (type changed)
    path: str
    old_oid: str  # ZERO_OID when added
    new_oid: str  # ZERO_OID when deleted
    old_mode: str
    new_mode: str


def trailer_values(text: str, key: str) -> list[str]:
    """Values of `Key: value` lines of `text` (git's trailer convention, case-insensitive)."""
    wanted = key.lower() + ":"
    return [
        line.split(":", 1)[1].strip()
        for line in text.splitlines()
        if line.lower().startswith(wanted) and line.split(":", 1)[1].strip()
    ]


@dataclass
class Commit:
    oid: str
    parents: list[str]
    date: str  # committer date, ISO 8601
    author: str
    message: str
    changes: list[Change]
    email: str = ""  # author email
    notes: str = ""  # git notes attached to the commit (only when asked for)
    signer: str | None = None  # principal of a good ssh signature (only when asked for)

    def trailers(self, key: str) -> list[str]:
        """Values of `Key: value` lines of the message (git's trailer convention, case-insensitive)."""
        return trailer_values(self.message, key)

    def note_trailers(self, key: str) -> list[str]:
        return trailer_values(self.notes, key)


def commits(
    root: Path,
    revs: Sequence[str],
    *,
    since: str | None = None,
    merge_changes: bool = False,
    notes: bool = False,
    signers: Path | None = None,
) -> list[Commit]:
    """Commits selected by `revs` (e.g. ["A..B"] or [new, "--not", "--all"]), oldest first.

    One `git log` whatever the number of commits (ids, parents, dates, authors, messages and
    every commit's changes against its first parent).

    `since` is passed to git as `--since` (committer date). With `merge_changes`, a merge's
    changes are those against its first parent (what the merge brought to the branch);
    otherwise a merge has none. With `notes`, every notes ref's text is read into `notes`.
    With `signers` (an ssh allowed-signers file), `signer` is the principal whose listed key
    made a good signature on the commit (git runs ssh-keygen once per signed commit only).
    """
    from hoso.gitlog import log_commits  # here: gitlog reads with this module's helpers

    selection = [*([f"--since={since}"] if since else []), *revs]
    found = log_commits(root, selection, merge_changes=merge_changes, signers=signers)
    if notes:
        texts = read_notes(root)
        for c in found:
            c.notes = "\n".join(texts.get(c.oid, []))
    return found


def read_notes(root: Path) -> dict[str, list[str]]:
    """Annotated commit id -> the text of its notes, from every notes ref."""
    reader = BlobReader(root)
    try:
        return _notes(root, reader)
    finally:
        reader.close()


def _notes(root: Path, reader: BlobReader) -> dict[str, list[str]]:
    """Annotated commit id -> the text of its notes, from every notes ref (fan-out paths too)."""
    found: dict[str, list[str]] = {}
    names = run_git(root, ["for-each-ref", "--format=%(refname)", "refs/notes/"]).decode().split()
    for ref in names:
        listing = run_git(root, ["ls-tree", "-r", "-z", ref])
        for rec in listing.split(b"\0"):
            meta, _, path = rec.partition(b"\t")
            parts = meta.split()
            if len(parts) != 3 or parts[1] != b"blob":
                continue
            annotated = path.decode("utf-8", "replace").replace("/", "")
            text = reader.read(Entry("", "", parts[2].decode(), 0)).decode("utf-8", "replace")
            found.setdefault(annotated, []).append(text.strip("\n"))
    return found


@dataclass(frozen=True)
class NoteStamp:
    """Who first attached a note to a commit, and when (from the notes refs' own history)."""

    date: str
    author: str
    email: str


def note_stamps(root: Path) -> dict[str, NoteStamp]:
    """Annotated commit id -> first note's date and author, for every notes ref, in one git call."""
    fmt = "%x1e%cI%x1f%an%x1f%ae"
    raw = run_git(
        root, ["log", "--reverse", f"--format={fmt}", "--raw", "-z", "--no-renames", "--glob=refs/notes/*"]
    )
    stamps: dict[str, NoteStamp] = {}
    for rec in raw.split(b"\x1e"):
        tokens = rec.split(b"\0")
        if len(tokens) < 2:
            continue
        date, author, email = tokens[0].decode("utf-8", "replace").strip().split("\x1f", 2)
        for i in range(1, len(tokens) - 1, 2):
            meta = tokens[i].decode("utf-8", "replace").strip()
            if meta.startswith(":") and meta.split()[-1] in ("A", "M"):
                annotated = tokens[i + 1].decode("utf-8", "replace").replace("/", "")
                stamps.setdefault(annotated, NoteStamp(date, author, email))
    return stamps


def author_and_message(raw: bytes) -> tuple[str, str, str]:
    """(author name, author email, message) of a raw commit object."""
    head, _, body = raw.partition(b"\n\n")
    name = email = ""
    for line in head.split(b"\n"):
        if line.startswith(b"author "):
            who = line[len(b"author ") :].decode("utf-8", "replace")
            name, _, rest = who.rpartition(" <")
            email = rest.partition(">")[0]
            break
    return name, email, body.decode("utf-8", "replace").rstrip("\n")


def messages(root: Path, revs: Sequence[str]) -> list[str]:
    """Commit messages of `revs` (e.g. ["^P1", "C"]), read from the raw commit objects like
    `commits` does: a message may hold any byte, so none is used as a separator."""
    oids = run_git(root, ["rev-list", *revs]).decode().split()
    raw = read_objects(root, oids)
    return [author_and_message(raw[oid])[2] for oid in oids if oid in raw]


def has_commits(root: Path, rev: str = "HEAD") -> bool:
    """Whether `rev` names a commit (False in a repository with no commit yet)."""
    proc = subprocess.run(
        ["git", "rev-parse", "-q", "--verify", rev + "^{commit}"],
        cwd=root,
        env=git_env(),
        capture_output=True,
        check=False,
    )
    return proc.returncode == 0


def rev_exists(root: Path, rev: str) -> bool:
    """Does `rev` name a commit here? (`git rev-parse --verify`, no error printed.)"""
    return peel_commit(root, rev) is not None


def is_ancestor(root: Path, old: str, new: str) -> bool:
    proc = subprocess.run(
        ["git", "merge-base", "--is-ancestor", old, new],
        cwd=root,
        env=git_env(),
        capture_output=True,
        check=False,
    )
    return proc.returncode == 0


def merge_base(root: Path, commits_: Sequence[str]) -> str | None:
    """The best common ancestor of `commits_` (octopus for more than two), None when unrelated."""
    proc = subprocess.run(
        ["git", "merge-base", "--octopus", *commits_],
        cwd=root,
        env=git_env(),
        capture_output=True,
        check=False,
    )
    return proc.stdout.decode().split()[0] if proc.returncode == 0 and proc.stdout.strip() else None


def first_parent_line(root: Path, revs: Sequence[str]) -> set[str]:
    """Commits of `revs` on the first-parent line: what was committed directly on the branch."""
    raw = run_git(root, ["rev-list", "--first-parent", *revs]).decode()
    return set(raw.split())


def diff_entries(
    root: Path, old: str | None, new: str, prefix: str, listed: list[Entry] | None = None
) -> list[Entry]:
    """Entries of `new`'s tree under `prefix` that differ from `old` (all of them if old is None).

    `listed`: `new`'s entries under `prefix` when the caller already has them.
    """
    listed = listed if listed is not None else tree_entries(root, new, prefix)
    if old is None:
        return listed
    raw = run_git(root, ["diff-tree", "-r", "-z", "--no-renames", old, new, "--", prefix])
    changed: set[str] = set()
    tokens = raw.split(b"\0")
    for i in range(0, len(tokens) - 1, 2):
        meta = tokens[i].decode()
        if meta.startswith(":") and not meta.rstrip().endswith("D"):
            changed.add(tokens[i + 1].decode("utf-8", "surrogateescape"))
    return [e for e in listed if e.path in changed]


def diff_pairs(root: Path, pairs: Sequence[tuple[str, str | None]]) -> list[list[Change]]:
    """Changes from `old` to `new` for each (new, old) commit pair, in one `diff-tree --stdin`.

    `old` None compares with the empty tree (a root commit). Results are in the order given.
    """
    if not pairs:
        return []
    lines = "".join(f"{new} {old}\n" if old else f"{new}\n" for new, old in pairs)
    out = run_git(
        root,
        ["diff-tree", "--stdin", "--always", "-r", "-z", "--root", "--no-renames"],
        input_bytes=lines.encode(),
    )
    # with --always, diff-tree echoes each pair's commit id before its changes, even when none
    results: list[list[Change]] = []
    tokens = out.split(b"\0")
    i = 0
    while i < len(tokens):
        tok = tokens[i].decode("utf-8", "surrogateescape")
        if tok.startswith(":"):
            old_mode, new_mode, old_oid, new_oid, status = tok[1:].split()
            path = tokens[i + 1].decode("utf-8", "surrogateescape")
            if results:
                results[-1].append(Change(status[0], path, old_oid, new_oid, old_mode, new_mode))
            i += 2
            continue
        if tok.strip():
            results.append([])
        i += 1
    if len(results) != len(pairs):
        raise GitError("git.failed", command="git diff-tree --stdin", detail="unexpected output")
    return results
