"""An override folder's templates, read and refused before anything renders, and the digest.

A school (`site_templates/`) or an authority (schools.yml `templates:`) replaces a built-in
template by a file of the same name: only names among the built-in ones, regular files, no
symlink, at most MAX_TEMPLATE_BYTES each, UTF-8. `overrides` reads a folder on disk; a reader of
another place (a commit's tree: `hoso.site.sources.committed_templates`) applies the same rules
through `accepted`, `check_size` and `decoded`, so a refusal reads the same wherever the folder is.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from hoso.templating import SHARED, SUFFIX, TemplateError, builtin_folder, builtin_names, error_key

MAX_TEMPLATE_BYTES = 256 * 1024  # the largest built-in template is a few KiB
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def overrides(folder: Path | None, kind: str, shown: str) -> dict[str, str]:
    """The templates of `folder` that replace built-in ones, by name. Refused with a one-line
    reason: a symlink anywhere, anything but a regular file, a name no built-in template has,
    a file over MAX_TEMPLATE_BYTES, text that is not UTF-8. Dot files (.gitkeep) are ignored.
    `shown` is how errors name the folder."""
    if folder is None:
        return {}
    if folder.is_symlink():
        raise TemplateError(error_key(kind, "symlink"), path=shown)
    if not folder.exists():
        return {}
    if not folder.is_dir():
        raise TemplateError(error_key(kind, "special"), path=shown)
    allowed = builtin_names(kind)
    found: dict[str, str] = {}
    with os.scandir(folder) as entries:
        for item in sorted(entries, key=lambda e: e.name):
            path = f"{shown}/{item.name}"
            link = item.is_symlink()
            if accepted(
                kind, path, item.name, allowed, link=link, regular=item.is_file(follow_symlinks=False)
            ):
                found[item.name] = _read(Path(item.path), path, kind)
    return found


def accepted(kind: str, path: str, name: str, allowed: Sequence[str], *, link: bool, regular: bool) -> bool:
    """Whether entry `name` of an override folder (`path` in errors) is a template to read:
    False for a dot file (ignored); refused if a symlink, a name no built-in template has, or
    anything but a regular file (a folder, a FIFO, a submodule)."""
    if link:
        raise TemplateError(error_key(kind, "symlink"), path=path)
    if name.startswith("."):
        return False
    if name not in allowed:
        raise TemplateError(error_key(kind, "unknown"), path=path, names=", ".join(allowed))
    if not regular:
        raise TemplateError(error_key(kind, "special"), path=path)
    return True


def check_size(size: int, path: str, kind: str) -> None:
    if size > MAX_TEMPLATE_BYTES:
        raise TemplateError(error_key(kind, "too-large"), path=path, limit=MAX_TEMPLATE_BYTES // 1024)


def decoded(data: bytes, path: str, kind: str) -> str:
    """A template's text (at most MAX_TEMPLATE_BYTES + 1 bytes of it read), refused if too large
    or not UTF-8."""
    check_size(len(data), path, kind)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateError(error_key(kind, "encoding"), path=path) from exc


def _read(file: Path, shown: str, kind: str) -> str:
    try:
        # no following a link, no waiting on a FIFO put there since the scan
        fd = os.open(file, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:  # replaced by a symlink since the scan
        raise TemplateError(error_key(kind, "symlink"), path=shown) from exc
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise TemplateError(error_key(kind, "special"), path=shown)
        data = fh.read(MAX_TEMPLATE_BYTES + 1)
    return decoded(data, shown, kind)


def digest(kind: str, replaced: dict[str, str], code: Iterable[Path] = ()) -> str:
    """What the templates are: a page built with other templates is built again."""
    h = hashlib.sha256()
    # the code that fills the templates is part of them: this package's and the caller's
    for path in (*sorted(Path(__file__).parent.glob("*.py")), *code):
        h.update(path.read_bytes())
    for folder in (builtin_folder(kind), builtin_folder(SHARED)):
        for path in sorted(folder.glob("*" + SUFFIX)):
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in sorted(replaced):
        h.update(b"override\0" + name.encode() + b"\0" + replaced[name].encode())
    return h.hexdigest()
