"""A record's title, the same on the site, in index.json, in the bundle and in the trail.

In order: the PDF's own title (its /Title, inside the signed bytes), else the title the
submitter gave (`Tieu-de: <path>: <title>` trailers written by `hoso submit`, or by the
`git commit --trailer` line `hoso add --title` prints), else the type's name and the file name.
Library placeholders ("untitled", what ReportLab writes) are no title.
"""

from __future__ import annotations

from pathlib import Path

from hoso.errors import GitError
from hoso.repo import run_git

TRAILER = "Tieu-de"
# /Title values that name no document: what PDF libraries write when the author set none
PLACEHOLDERS = frozenset({"untitled", "(untitled)", "anonymous", "(anonymous)"})
MAX_LEN = 200


def clean(title: object) -> str:
    """One line, bounded; "" for a placeholder."""
    text = " ".join(str(title or "").split())[:MAX_LEN]
    return "" if text.lower() in PLACEHOLDERS else text


def from_history(root: Path, rev: str = "HEAD") -> dict[str, str]:
    """Record path -> the latest title a commit reachable from `rev` gave it (one `git log`)."""
    try:
        raw = run_git(
            root,
            [
                "log",
                "-z",
                "--format=%(trailers:key=Tieu-de,valueonly,unfold)",
                "-E",
                f"--grep=^{TRAILER}:",
                rev,
            ],
        )
    except GitError:
        return {}
    found: dict[str, str] = {}
    for block in raw.decode("utf-8", "replace").split("\0"):  # newest first
        for line in block.splitlines():
            path, sep, title = line.partition(": ")
            path, title = path.strip(), clean(title)
            if sep and title and path.startswith("records/") and path not in found:
                found[path] = title
    return found


def fallback(type_name: str, slug: str) -> str:
    words = slug.replace("-", " ").strip()
    return f"{type_name} — {words}" if words else type_name


def choose(pdf_title: object, given: str | None, type_name: str, slug: str) -> str:
    return clean(pdf_title) or clean(given) or fallback(type_name, slug)
