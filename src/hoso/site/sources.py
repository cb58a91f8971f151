"""The school's hand-written part of the site: the files of site_src/, checked before a build.

Everything under site_src/ comes from whoever pushed last. A symlink there would publish a file
of the build machine (`secret.md -> /etc/passwd`, or a linked folder), so any symlink anywhere in
site_src/, and anything that is neither a regular file nor a folder, stops the build before it
starts. The files are then copied (never linked, never followed) into the build's own folder.

Generated names (`pages.GENERATED`: index.md, ho-so/, …) and dot files in site_src/ are not
published: the generator owns those names, and older versions of hoso wrote them there.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from hoso.errors import ExitCode, HosoError

SITE_SRC = "site_src"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class SiteSourceError(HosoError):
    exit_code = ExitCode.MISPLACED  # like the symlinks `hoso check` refuses under records/


@dataclass(frozen=True)
class Sources:
    """The publishable files of site_src/ (POSIX paths relative to it), in a stable order."""

    folder: Path
    files: tuple[str, ...]

    @property
    def pages(self) -> list[str]:
        return [f for f in self.files if f.endswith(".md")]

    def copy_into(self, docs: Path) -> None:
        for rel in self.files:
            dest = docs / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            copy_regular(self.folder / rel, dest, shown=f"{SITE_SRC}/{rel}")


def scan(root: Path, generated: tuple[str, ...]) -> Sources:
    """The files of `root/site_src` to publish; refuse symlinks and special files anywhere in it."""
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
