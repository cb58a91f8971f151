"""The only module that talks to git.

Every listing is one git call for the whole set of paths; blob contents come through one
persistent `git cat-file --batch` process. A view yields `Entry` objects: the rules see the
staged or committed blob, not the working-tree file, wherever git knows it.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from hoso.errors import ExitCode, GitError

SYMLINK_MODE = "120000"
GITLINK_MODE = "160000"

# Variables that tie git to another repository than the one we name. Git exports them while
# hooks run. GIT_INDEX_FILE (commit -a, commit <path>) and the quarantine/object directory
# variables (pre-receive) are kept on purpose: they point at the objects we must see.
_STRIP_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_PREFIX", "GIT_COMMON_DIR")


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _STRIP_ENV}
    # objects are judged as stored: a pushed refs/replace/* must never stand in for a record
    env["GIT_NO_REPLACE_OBJECTS"] = "1"
    env["LC_ALL"] = "C"
    env.pop("LANGUAGE", None)
    return env


@dataclass(frozen=True)
class Entry:
    path: str  # repository-relative, POSIX separators, as git stores it
    mode: str  # git mode: 100644, 100755, 120000 (symlink), 160000 (submodule)
    oid: str  # git blob id (sha1 hex), computed for working-tree files too
    size: int

    @property
    def is_symlink(self) -> bool:
        return self.mode == SYMLINK_MODE

    @property
    def is_gitlink(self) -> bool:
        return self.mode == GITLINK_MODE


class ContentSource(Protocol):
    def read(self, entry: Entry) -> bytes: ...

    def close(self) -> None: ...


def blob_id(data: bytes) -> str:
    h = hashlib.sha1(b"blob %d\0" % len(data))
    h.update(data)
    return h.hexdigest()


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


class BlobReader:
    """One persistent `git cat-file --batch` process for every blob we read."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            self._proc = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=self._root,
                env=git_env(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        return self._proc

    def read(self, entry: Entry) -> bytes:
        proc = self._start()
        stdin: IO[bytes] = proc.stdin  # type: ignore[assignment]
        stdout: IO[bytes] = proc.stdout  # type: ignore[assignment]
        stdin.write(entry.oid.encode() + b"\n")
        stdin.flush()
        header = stdout.readline().split()
        if len(header) != 3:
            raise GitError("git.missing-object", oid=entry.oid, path=entry.path)
        size = int(header[2])
        data = stdout.read(size)
        stdout.read(1)  # the trailing newline
        return data

    def sizes(self, oids: Iterable[str]) -> dict[str, int]:
        text = "".join(o + "\n" for o in oids)
        if not text:
            return {}
        out = run_git(self._root, ["cat-file", "--batch-check"], input_bytes=text.encode())
        result: dict[str, int] = {}
        for line in out.decode().splitlines():
            parts = line.split()
            if len(parts) == 3:
                result[parts[0]] = int(parts[2])
        return result

    def close(self) -> None:
        if self._proc is not None:
            if self._proc.stdin:
                self._proc.stdin.close()
            self._proc.wait()
            self._proc = None


class MemoryReader:
    """Content given in memory: a file checked before it is written (`hoso add`), tests."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def read(self, entry: Entry) -> bytes:
        return self._data

    def close(self) -> None:
        return None


class Snapshot(Protocol):
    """A tree of files to read configuration and trust anchors from."""

    def read(self, path: str) -> bytes | None: ...

    def list(self, prefix: str) -> list[str]: ...


class WorktreeSnapshot:
    def __init__(self, root: Path) -> None:
        self._root = root

    def read(self, path: str) -> bytes | None:
        full = self._root / path
        return full.read_bytes() if full.is_file() else None

    def list(self, prefix: str) -> list[str]:
        folder = self._root / prefix
        if not folder.is_dir():
            return []
        return sorted(f"{prefix}/{p.name}" for p in folder.iterdir() if p.is_file())


class CommitSnapshot:
    """The files of one commit, for a bare repository or a pushed range (no work tree)."""

    def __init__(self, root: Path, rev: str) -> None:
        self._root = root
        self.rev = rev
        self._names: dict[str, list[str]] = {}

    def read(self, path: str) -> bytes | None:
        proc = subprocess.run(
            ["git", "cat-file", "blob", f"{self.rev}:{path}"],
            cwd=self._root,
            env=git_env(),
            capture_output=True,
            check=False,
        )
        return proc.stdout if proc.returncode == 0 else None

    def list(self, prefix: str) -> list[str]:
        if prefix not in self._names:
            raw = run_git(self._root, ["ls-tree", "-z", "--name-only", "--full-tree", self.rev, prefix + "/"])
            self._names[prefix] = sorted(p.decode() for p in raw.split(b"\0") if p)
        return self._names[prefix]


class FileReader:
    """Content of working-tree files (outside git, or paths the user names explicitly)."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def read(self, entry: Entry) -> bytes:
        return (self._root / entry.path).read_bytes()

    def close(self) -> None:
        return None


def current_branch(root: Path) -> str | None:
    """The checked-out branch, or None on a detached HEAD."""
    try:
        name = run_git(root, ["symbolic-ref", "--short", "-q", "HEAD"]).decode().strip()
    except GitError:
        return None
    return name or None


def untracked_files(root: Path, prefix: str) -> list[str]:
    """Files under `prefix` that git does not track and does not ignore (one git call)."""
    raw = run_git(root, ["ls-files", "--others", "--exclude-standard", "-z", "--full-name", "--", prefix])
    return sorted(p.decode("utf-8", "surrogateescape") for p in raw.split(b"\0") if p)


class MixedReader:
    """Blobs for what git knows, the working tree for the rest (`check --all` on new files)."""

    def __init__(self, root: Path, on_disk: frozenset[str]) -> None:
        self._blobs = BlobReader(root)
        self._files = FileReader(root)
        self._on_disk = on_disk

    def read(self, entry: Entry) -> bytes:
        reader = self._files if entry.path in self._on_disk else self._blobs
        return reader.read(entry)

    def close(self) -> None:
        self._blobs.close()


def index_entries(root: Path, paths: Sequence[str] | None = None) -> list[Entry]:
    """Entries of the index (the staged state), optionally limited to `paths`, with sizes."""
    args = ["ls-files", "--stage", "-z", "--full-name"]
    if paths is not None:
        if not paths:
            return []
        args += ["--", *(":(literal)" + p for p in paths)]
    raw = run_git(root, args)
    staged: list[Entry] = []
    for rec in raw.split(b"\0"):
        if not rec:
            continue
        meta, _, path = rec.partition(b"\t")
        mode, oid, _stage = meta.decode().split()
        staged.append(Entry(path.decode("utf-8", "surrogateescape"), mode, oid, 0))
    return with_sizes(root, staged)


def with_sizes(root: Path, entries: Sequence[Entry]) -> list[Entry]:
    """`entries` with the size of each blob filled in, in one `cat-file --batch-check` call."""
    sizes = BlobReader(root).sizes({e.oid for e in entries if not e.is_gitlink})
    return [Entry(e.path, e.mode, e.oid, sizes.get(e.oid, e.size)) for e in entries]


def staged_changes(root: Path) -> list[Entry]:
    """What a commit made now would change: the index's entries that differ from HEAD (every
    entry on a branch with no commit yet), deletions left out. One `git diff --cached` call,
    which compares the index with HEAD's tree without listing either; the rest of the index is
    never read. Sizes are 0 (`with_sizes` fills them in for the entries that need them).

    A path with a merge conflict (no single staged blob) is listed with its index stages, as
    `index_entries` lists it.
    """
    # the options fix what a user's diff.* configuration could change (renames, hidden submodules)
    args = ["diff", "--cached", "--raw", "-z", "--no-renames", "--no-abbrev", "--no-color"]
    raw = run_git(root, [*args, "--ignore-submodules=none", "--diff-filter=d"])
    found: list[Entry] = []
    conflicted: list[str] = []
    tokens = raw.split(b"\0")
    for i in range(0, len(tokens) - 1, 2):
        meta = tokens[i].decode("ascii", "replace")
        if not meta.startswith(":"):
            continue
        _old_mode, new_mode, _old_oid, new_oid, status = meta[1:].split()
        path = tokens[i + 1].decode("utf-8", "surrogateescape")
        if status.startswith("U"):
            conflicted.append(path)
        else:
            found.append(Entry(path, new_mode, new_oid, 0))
    if conflicted:
        found += index_entries(root, conflicted)
    return found


# Pathspecs for every index path holding a byte outside ASCII: git folds case in ASCII only.
_NON_ASCII_PATHS = (":(glob)**/*[!\x01-\x7f]*", ":(glob)**/*[!\x01-\x7f]*/**")
# Below Windows' 32,767-character command line, with room for git's own arguments.
_MAX_PATHSPEC_CHARS = 24_000


def index_paths_ignoring_case(root: Path, paths: Sequence[str]) -> frozenset[str]:
    """Paths of the index equal to one of `paths` when case is ignored (`paths` themselves
    included when staged), without reading the rest of the index.

    One `git ls-files` call per ~24,000 characters of paths: each path as an `icase` literal
    pathspec (git folds ASCII letters), plus every index path with a non-ASCII byte (usually
    none: records are ASCII slugs), since Unicode case folding can make one of those equal to
    an ASCII path (KELVIN SIGN and k, ſ and s, ﬁ and fi). The caller compares with casefold().
    """
    specs: list[str] = []
    for p in paths:
        specs.append(":(icase,literal)" + p)
        folded = p.casefold()
        if not p.isascii() and folded.isascii():
            specs.append(":(icase,literal)" + folded)
    chunks: list[list[str]] = [[]]
    size = 0
    for spec in specs:
        if size + len(spec) > _MAX_PATHSPEC_CHARS and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(spec)
        size += len(spec) + 1
    found: set[str] = set()
    for chunk in chunks if specs else []:
        raw = run_git(root, ["ls-files", "-z", "--full-name", "--", *_NON_ASCII_PATHS, *chunk])
        found.update(p.decode("utf-8", "surrogateescape") for p in raw.split(b"\0") if p)
    wanted = {p.casefold() for p in paths}
    return frozenset(p for p in found if p.casefold() in wanted)


def tree_entries(root: Path, rev: str, prefix: str | None = None) -> list[Entry]:
    """Entries of a committed tree in one `git ls-tree -r -l` call."""
    args = ["ls-tree", "-r", "-z", "-l", "--full-tree", rev]
    if prefix:
        args += ["--", prefix]
    raw = run_git(root, args)
    out: list[Entry] = []
    for rec in raw.split(b"\0"):
        if not rec:
            continue
        meta, _, path = rec.partition(b"\t")
        mode, _type, oid, size = meta.decode().split()
        out.append(Entry(path.decode("utf-8", "surrogateescape"), mode, oid, 0 if size == "-" else int(size)))
    return out


def worktree_entries(root: Path, paths: Iterable[str]) -> Iterator[Entry]:
    """Entries for files on disk; blob ids are hashed here so the cache key is the same as git's."""
    for rel in paths:
        full = root / rel
        st = os.lstat(full)
        if stat.S_ISLNK(st.st_mode):
            target = os.readlink(full).encode()
            yield Entry(rel, SYMLINK_MODE, blob_id(target), len(target))
        elif stat.S_ISREG(st.st_mode):
            mode = "100755" if st.st_mode & 0o111 else "100644"
            yield Entry(rel, mode, _hash_file(full, st.st_size), st.st_size)


def _hash_file(path: Path, size: int) -> str:
    with path.open("rb") as f:
        return hash_blob(f, size)


def hash_blob(stream: IO[bytes], size: int, *, sha256: bool = False) -> str:
    """The git blob id of `size` bytes read from `stream` (SHA-256 for a SHA-256 repository)."""
    h = hashlib.sha256() if sha256 else hashlib.sha1()
    h.update(b"blob %d\0" % size)
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        h.update(chunk)
    return h.hexdigest()


def walk_files(root: Path, top: str) -> list[str]:
    """Every file and symlink below `top` (relative POSIX paths), for use outside git."""
    base = root / top
    found: list[str] = []
    if not base.exists():
        return found
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        for name in filenames:
            found.append(f"{rel_dir}/{name}")
        for name in list(dirnames):
            if os.path.islink(os.path.join(dirpath, name)):
                found.append(f"{rel_dir}/{name}")
                dirnames.remove(name)
    return sorted(found)


def stage(root: Path, paths: Sequence[str]) -> None:
    run_git(root, ["add", "--", *paths])


# ---- history: commits of a pushed range, in one pass -------------------------------------

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


def read_objects(root: Path, oids: Sequence[str]) -> dict[str, bytes]:
    """Raw contents of many objects in one `cat-file --batch` call, all requests sent at once."""
    if not oids:
        return {}
    out = run_git(root, ["cat-file", "--batch"], input_bytes="".join(o + "\n" for o in oids).encode())
    found: dict[str, bytes] = {}
    pos = 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) != 3:
            continue  # "<oid> missing"
        size = int(header[2])
        found[header[0].decode()] = out[pos : pos + size]
        pos += size + 1
    return found


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


# ---- backup and restore: locate, bundle, peel, fsck (used by hoso.ops.backup) ---------------


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


def symbolic_head(root: Path) -> str | None:
    """The full name HEAD points to (refs/heads/main), or None on a detached HEAD."""
    try:
        name = run_git(root, ["symbolic-ref", "-q", "HEAD"]).decode().strip()
    except GitError:
        return None
    return name or None


def refs(root: Path) -> dict[str, str]:
    """Every ref (branches, tags, notes, …) and the object it names, in one call."""
    raw = run_git(root, ["for-each-ref", "--format=%(objectname) %(refname)"]).decode("utf-8", "replace")
    found: dict[str, str] = {}
    for line in raw.splitlines():
        oid, _, name = line.partition(" ")
        if name:
            found[name] = oid
    return found


def bundle_create(root: Path, path: Path) -> None:
    """Every ref (and HEAD) with all its history in one bundle file."""
    run_git(root, ["bundle", "create", "-q", str(path), "--all"])


def bundle_verify(root: Path, path: Path) -> None:
    """Raise GitError unless `path` is a readable bundle whose history is complete."""
    run_git(root, ["bundle", "verify", "-q", str(path)])


def bundle_heads(root: Path, path: Path) -> dict[str, str]:
    """ref name -> object id, as recorded in the bundle (HEAD included)."""
    raw = run_git(root, ["bundle", "list-heads", str(path)]).decode("utf-8", "replace")
    heads: dict[str, str] = {}
    for line in raw.splitlines():
        oid, _, name = line.partition(" ")
        if name:
            heads[name] = oid
    return heads


def peel_trees(root: Path, oids: Iterable[str]) -> dict[str, str]:
    """object id -> the tree it peels to (commits, annotated tags), in one cat-file call.

    Objects that do not peel to a tree (a tag of a blob) are left out.
    """
    wanted = sorted(set(oids))
    if not wanted:
        return {}
    text = "".join(f"{o}^{{tree}}\n" for o in wanted)
    out = run_git(root, ["cat-file", "--batch-check"], input_bytes=text.encode())
    trees: dict[str, str] = {}
    for oid, line in zip(wanted, out.decode().splitlines(), strict=True):
        parts = line.split()
        if len(parts) == 3 and parts[1] == "tree":
            trees[oid] = parts[0]
    return trees


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


# ---- server side: object types, merge bases, batched diffs, the server's own config ----------


def tree_contains(root: Path, rev: str, text: str) -> bool:
    """Does any file of `rev`'s tree contain `text` (case ignored, binary files too)? An error
    answers yes: callers use it to refuse what is already there."""
    proc = subprocess.run(
        ["git", "grep", "-q", "-a", "-F", "-i", "-e", text, rev, "--"],
        cwd=root,
        env=git_env(),
        capture_output=True,
        check=False,
    )
    return proc.returncode != 1  # 0: found, 1: not found, other: an error


def object_types(root: Path, oids: Iterable[str]) -> dict[str, str]:
    """object id -> type (commit, tag, tree, blob) in one `cat-file --batch-check` call."""
    wanted = sorted(set(oids))
    if not wanted:
        return {}
    out = run_git(root, ["cat-file", "--batch-check"], input_bytes="".join(o + "\n" for o in wanted).encode())
    found: dict[str, str] = {}
    for line in out.decode().splitlines():
        parts = line.split()
        if len(parts) == 3:
            found[parts[0]] = parts[1]
    return found


def peel_commit(root: Path, oid: str) -> str | None:
    """The commit an object (a commit or an annotated tag) names, or None for anything else."""
    proc = subprocess.run(
        ["git", "rev-parse", "-q", "--verify", f"{oid}^{{commit}}"],
        cwd=root,
        env=git_env(),
        capture_output=True,
        check=False,
    )
    return proc.stdout.decode().strip() or None if proc.returncode == 0 else None


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


def messages(root: Path, revs: Sequence[str]) -> list[str]:
    """Commit messages of `revs` (e.g. ["^P1", "C"]), read from the raw commit objects like
    `commits` does: a message may hold any byte, so none is used as a separator."""
    oids = run_git(root, ["rev-list", *revs]).decode().split()
    raw = read_objects(root, oids)
    return [author_and_message(raw[oid])[2] for oid in oids if oid in raw]


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


def tree_shapes(
    root: Path, commits_: Sequence[str], limit: int, max_depth: int = 64
) -> dict[str, tuple[int, int]]:
    """commit id -> (files in its tree, depth), counted without listing the tree.

    A pushed tree may name one small subtree thousands of times over (a "tree bomb": a few KB
    that `ls-tree -r` unrolls into millions of paths). Counting per distinct tree object, with
    every count remembered, costs what the distinct objects cost; counting stops at `limit`.
    """
    reader = BlobReader(root)
    shapes: dict[str, tuple[int, int]] = {}

    def shape(tree: str, level: int = 0) -> tuple[int, int]:
        if tree in shapes:
            return shapes[tree]
        if level > max_depth:
            return limit + 1, level  # deeper than any records layout: no need to look further
        raw = reader.read(Entry("", "", tree, 0))
        files, depth, i = 0, 0, 0
        while i < len(raw) and files <= limit:
            space = raw.index(b" ", i)
            nul = raw.index(b"\0", space)
            mode, oid = raw[i:space], raw[nul + 1 : nul + 21].hex()
            i = nul + 21
            if mode in (b"40000", b"040000"):
                sub_files, sub_depth = shape(oid, level + 1)
                files += sub_files
                depth = max(depth, sub_depth + 1)
            else:
                files += 1
        shapes[tree] = (files, depth)
        return shapes[tree]

    found: dict[str, tuple[int, int]] = {}
    try:
        trees = peel_trees(root, commits_)
        for commit in commits_:
            if commit in trees:
                found[commit] = shape(trees[commit])
    finally:
        reader.close()
    return found
