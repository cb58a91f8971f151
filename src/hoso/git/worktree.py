"""The index and the work tree: what is staged, what a commit made now would change, files on disk.

Every listing is one git call for the whole set of paths. Index entries name the staged blob,
so the rules see what will be committed, not the working-tree file; files git does not know are
hashed here the way git hashes them, so a blob id means the same thing either way.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from hoso.git.objects import SYMLINK_MODE, BlobReader, Entry, blob_id, hash_blob
from hoso.git.process import run_git


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


def untracked_files(root: Path, prefix: str) -> list[str]:
    """Files under `prefix` that git does not track and does not ignore (one git call)."""
    raw = run_git(root, ["ls-files", "--others", "--exclude-standard", "-z", "--full-name", "--", prefix])
    return sorted(p.decode("utf-8", "surrogateescape") for p in raw.split(b"\0") if p)


def stage(root: Path, paths: Sequence[str]) -> None:
    run_git(root, ["add", "--", *paths])
