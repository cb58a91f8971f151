"""Hygiene: what may exist under records/ at all (before the path is read as a record)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from hoso.errors import ExitCode
from hoso.records import PDF_SUFFIX
from hoso.rules.base import Context, Finding, Subject, finding

CODE = ExitCode.MISPLACED


def check(subject: Subject, ctx: Context) -> Iterator[Finding]:
    entry = subject.entry
    path = entry.path
    parts = path.split("/")
    if path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts):
        yield finding(subject, "hygiene.traversal", CODE)
        return
    if any(ord(c) < 32 or c == "\x7f" for c in path):
        yield finding(subject, "hygiene.control-char", CODE)
        return
    if unicodedata.normalize("NFC", path) != path:
        yield finding(subject, "hygiene.not-nfc", CODE)
        return
    if entry.is_symlink:
        yield finding(subject, "hygiene.symlink", CODE)
        return
    if entry.is_gitlink:
        yield finding(subject, "hygiene.submodule", CODE)
        return
    if not path.lower().endswith(PDF_SUFFIX):
        yield finding(subject, "hygiene.stray-file", CODE, name=parts[-1])
        return
    others = ctx.same_ignoring_case(path)
    if others:
        yield finding(subject, "hygiene.case-collision", CODE, other=others[0])
