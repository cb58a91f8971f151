"""Git objects: blob ids, the `Entry` a view lists, readers of contents, snapshots of a tree.

Blob contents come through one persistent `git cat-file --batch` process (`BlobReader`), many
objects at once through one `cat-file --batch` call (`read_objects`). A `Snapshot` is the tree
the configuration and trust anchors are read from: the work tree, or one commit (a bare
repository, a pushed range). The rest answers questions about committed trees, each with one
git call or one cat-file process: their entries, what an object peels to, object types, whether
a tree contains a text, how many files a tree holds and how deep (a pushed "tree bomb" is
counted, never unrolled).
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from hoso.errors import GitError
from hoso.git.process import git_env, run_git

SYMLINK_MODE = "120000"
GITLINK_MODE = "160000"


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


def hash_blob(stream: IO[bytes], size: int, *, sha256: bool = False) -> str:
    """The git blob id of `size` bytes read from `stream` (SHA-256 for a SHA-256 repository)."""
    h = hashlib.sha256() if sha256 else hashlib.sha1()
    h.update(b"blob %d\0" % size)
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        h.update(chunk)
    return h.hexdigest()


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


class FileReader:
    """Content of working-tree files (outside git, or paths the user names explicitly)."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def read(self, entry: Entry) -> bytes:
        return (self._root / entry.path).read_bytes()

    def close(self) -> None:
        return None


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
