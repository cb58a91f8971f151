"""The school's hand-written part of the site: the files of site_src/, checked before a build.

Everything under site_src/ comes from whoever pushed last. A symlink there would publish a file
of the build machine (`secret.md -> /etc/passwd`, or a linked folder), so any symlink anywhere in
site_src/, and anything that is neither a regular file nor a folder, stops the build before it
starts. The files are then copied (never linked, never followed) into the build's own folder.

In a work tree they are read from the work tree (a page is previewed before it is committed). A
repository without one (a bare repository: the portal's mirror of a school) has no files but its
commits': site_src/ and mkdocs.yml are then those of the commit built (`scan(root, …, rev)`),
listed from its tree and written into the build's folder from their blobs, never through a
folder on disk. A symlink (mode 120000) or a submodule there is refused as the scan of a work
tree refuses a symlink or a special file; so is a name no folder could hold ("..", "", a
backslash), a file over MAX_FILE_BYTES, more than MAX_FILES entries or MAX_TOTAL_BYTES in all (a
"tree bomb" is stopped while it is listed, never unrolled). The page templates a school
overrides (site_templates/, never published) are read from the commit the same way
(`committed_templates`), with the refusals of `hoso.templating.overrides`.

Generated names (`pages.GENERATED`: index.md, ho-so/, …) and dot files in site_src/ are not
published: the generator owns those names, and older versions of hoso wrote them there.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hoso.errors import ExitCode, GitError, HosoError
from hoso.git.objects import BlobReader, Entry
from hoso.git.process import git_env
from hoso.templating import TemplateError, builtin_names, error_key
from hoso.templating.overrides import accepted, check_size, decoded

SITE_SRC = "site_src"
MKDOCS_FILE = "mkdocs.yml"  # the school's presentation keys (presentation.py)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# A commit's hand-written part (a few pages, images, style sheets): far above any real one, far
# below what would fill the build machine's disk or memory.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_FILES = 5000
_REGULAR = ("100644", "100755")
_TREE = "040000"


class SiteSourceError(HosoError):
    exit_code = ExitCode.MISPLACED  # like the symlinks `hoso check` refuses under records/


@dataclass(frozen=True)
class Sources:
    """The publishable files of site_src/ (POSIX paths relative to it), in a stable order."""

    folder: Path
    files: tuple[str, ...]
    # Read from a commit (no work tree): the repository, each file's blob, mkdocs.yml's blob.
    repo: Path | None = None
    blobs: dict[str, Entry] = field(default_factory=dict)
    config: Entry | None = None

    @property
    def pages(self) -> list[str]:
        return [f for f in self.files if f.endswith(".md")]

    def copy_into(self, docs: Path) -> None:
        reader = BlobReader(self.repo) if self.repo is not None else None
        try:
            for rel in self.files:
                dest = docs / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                if reader is not None:
                    dest.write_bytes(reader.read(self.blobs[rel]))
                else:
                    copy_regular(self.folder / rel, dest, shown=f"{SITE_SRC}/{rel}")
        finally:
            if reader is not None:
                reader.close()


def scan(root: Path, generated: tuple[str, ...], rev: str = "HEAD") -> Sources:
    """The files of `root/site_src` to publish; refuse symlinks and special files anywhere in it.
    Without a work tree, those of commit `rev` (`scan_commit`)."""
    if is_bare(root):
        return scan_commit(root, rev, generated)
    top = root / SITE_SRC
    if top.is_symlink():
        raise SiteSourceError("site.symlink", path=SITE_SRC)
    if not top.exists():
        return Sources(top, ())
    if not top.is_dir():
        raise SiteSourceError("site.special-file", path=SITE_SRC)
    found: list[str] = []
    pending = [""]
    while pending:
        prefix = pending.pop()
        with os.scandir(top / prefix if prefix else top) as entries:
            for item in sorted(entries, key=lambda e: e.name):
                rel = f"{prefix}{item.name}"
                if item.is_symlink():
                    raise SiteSourceError("site.symlink", path=f"{SITE_SRC}/{rel}")
                if item.is_dir(follow_symlinks=False):
                    pending.append(rel + "/")
                elif item.is_file(follow_symlinks=False):
                    if _publishable(rel, generated):
                        found.append(rel)
                else:
                    raise SiteSourceError("site.special-file", path=f"{SITE_SRC}/{rel}")
    return Sources(top, tuple(sorted(found)))


def is_bare(root: Path) -> bool:
    """A repository without a work tree (as hoso.evidence.cache_dir tells it, without git)."""
    return not (root / ".git").exists() and (root / "HEAD").is_file() and (root / "objects").is_dir()


def scan_commit(root: Path, rev: str, generated: tuple[str, ...]) -> Sources:
    """site_src/ and mkdocs.yml of commit `rev`, from its tree, with the work tree's refusals."""
    found: dict[str, Entry] = {}
    config: Entry | None = None
    folders: set[str] = set()
    total = 0
    for entry in _listing(root, rev):
        parts = entry.path.split("/")
        if entry.is_symlink:
            raise SiteSourceError("site.symlink", path=entry.path)
        if entry.mode not in _REGULAR or any(p in ("", ".", "..") or "\\" in p for p in parts):
            raise SiteSourceError("site.special-file", path=entry.path)
        if entry.path == MKDOCS_FILE:
            config = entry  # read by presentation.py, which caps its size
            continue
        if len(parts) == 1:
            raise SiteSourceError("site.special-file", path=SITE_SRC)  # site_src is a file
        rel = "/".join(parts[1:])
        folders.update("/".join(parts[1:i]) for i in range(2, len(parts)))
        if not _publishable(rel, generated):
            continue
        if entry.size > MAX_FILE_BYTES:
            raise SiteSourceError(
                "site.source-too-large", path=entry.path, size=_mib(entry.size), limit=_mib(MAX_FILE_BYTES)
            )
        total += entry.size
        if total > MAX_TOTAL_BYTES:
            raise _too_many()
        found[rel] = entry
    clash = sorted(folders & found.keys())  # a file and a folder of one name: no tree git wrote
    if clash:
        raise SiteSourceError("site.special-file", path=f"{SITE_SRC}/{clash[0]}")
    files = tuple(sorted(found))
    return Sources(root / SITE_SRC, files, repo=root, blobs=found, config=config)


def committed_templates(root: Path, rev: str, folder: str) -> dict[str, str]:
    """The site's page templates in `folder` (site_templates/) of commit `rev`, by name: listed
    from its tree and read from their blobs, never through a folder on disk, with the refusals
    of a work tree's folder (`hoso.templating.overrides`): a symlink (mode 120000) is refused as
    a symlink, a submodule or a subfolder as a special file, dot files are ignored."""

    def too_many() -> HosoError:  # a folder of thousands of entries holds no template of ours
        return TemplateError(error_key("site", "special"), path=folder)

    top = _ls_tree(root, ["--full-tree", rev, "--", folder], lambda name: name == folder, too_many)
    if not top:
        return {}
    if top[0].mode != _TREE:
        raise TemplateError(error_key("site", "symlink" if top[0].is_symlink else "special"), path=folder)
    allowed = builtin_names("site")
    found: dict[str, str] = {}
    reader = BlobReader(root)
    try:
        # the folder's own tree, one level: no recursion a tree bomb could unroll
        for entry in sorted(_ls_tree(root, [top[0].oid], lambda _: True, too_many), key=lambda e: e.path):
            name, path = entry.path, f"{folder}/{entry.path}"
            if accepted("site", path, name, allowed, link=entry.is_symlink, regular=entry.mode in _REGULAR):
                check_size(entry.size, path, "site")  # before the blob is read
                found[name] = decoded(reader.read(entry), path, "site")
    finally:
        reader.close()
    return found


def _listing(root: Path, rev: str) -> list[Entry]:
    """Entries of site_src/ and mkdocs.yml in `rev`'s tree (`git ls-tree -r -l`), stopped after
    MAX_FILES: a tree naming one subtree many times over would unroll into millions of paths."""
    args = ["-r", "--full-tree", rev, "--", SITE_SRC, MKDOCS_FILE]

    def wanted(name: str) -> bool:
        return name in (MKDOCS_FILE, SITE_SRC) or name.startswith(SITE_SRC + "/")

    return _ls_tree(root, args, wanted, _too_many)


def _ls_tree(
    root: Path, args: list[str], wanted: Callable[[str], bool], too_many: Callable[[], HosoError]
) -> list[Entry]:
    """The `wanted` entries `git ls-tree -z -l <args>` lists, read as git writes them; `too_many`
    is raised once it has listed more than MAX_FILES (kept or not: the listing is the cost)."""
    args = ["git", "ls-tree", "-z", "-l", *args]
    try:
        proc = subprocess.Popen(args, cwd=root, env=git_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError as exc:
        raise GitError("git.not-installed", ExitCode.FAILED) from exc
    out: list[Entry] = []
    seen = 0
    rest = b""
    assert proc.stdout is not None and proc.stderr is not None
    try:
        while chunk := proc.stdout.read(1 << 16):
            *records, rest = (rest + chunk).split(b"\0")
            for rec in records:
                seen += 1
                if seen > MAX_FILES:
                    raise too_many()
                meta, _, path = rec.partition(b"\t")
                mode, _type, oid, size = meta.decode("ascii", "replace").split()
                name = path.decode("utf-8", "surrogateescape")
                if wanted(name):
                    out.append(Entry(name, mode, oid, 0 if size == "-" else int(size)))
        detail = proc.stderr.read(4096).decode("utf-8", "replace").strip()
        proc.wait()
    finally:
        if proc.poll() is None:  # stopped early: the rest of the listing is not wanted
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    if proc.returncode != 0:
        raise GitError("git.failed", command="git ls-tree -r", detail=detail[:500])
    return out


def _too_many() -> SiteSourceError:
    return SiteSourceError("site.sources-too-large", files=MAX_FILES, limit=_mib(MAX_TOTAL_BYTES))


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def _publishable(rel: str, generated: tuple[str, ...]) -> bool:
    parts = rel.split("/")
    return parts[0] not in generated and not any(p.startswith(".") for p in parts)


def copy_regular(src: Path, dest: Path, shown: str) -> None:
    """Copy a regular file, refusing a symlink or special file even if one appeared since the scan."""
    try:
        fd = os.open(src, os.O_RDONLY | _NOFOLLOW)
    except OSError as exc:
        if src.is_symlink():
            raise SiteSourceError("site.symlink", path=shown) from exc
        raise
    with os.fdopen(fd, "rb") as reader:
        if not stat.S_ISREG(os.fstat(reader.fileno()).st_mode):
            raise SiteSourceError("site.special-file", path=shown)
        with open(dest, "wb") as writer:
            shutil.copyfileobj(reader, writer)
