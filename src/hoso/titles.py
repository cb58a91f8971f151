"""A record's title, the same on the site, in index.json, in the bundle and in the trail.

In order: the PDF's own title (its /Title, inside the signed bytes), else the title the
submitter gave (`Tieu-de: <path>: <title>` trailers written by `hoso submit`, or by the
`git commit --trailer` line `hoso add --title` prints), else the type's name and the file name.
Library placeholders ("untitled", what ReportLab writes) are no title.

A title is kept as a reader sees it (`visible`): an invisible character inside "Tuần 5" (a zero
width space, a soft hyphen) would otherwise hide from hoso the week every reader sees, and let
the file name alone set the deadline (hoso.deadlines).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from hoso.errors import GitError
from hoso.git.process import run_git

TRAILER = "Tieu-de"
# /Title values that name no document: what PDF libraries write when the author set none
PLACEHOLDERS = frozenset({"untitled", "(untitled)", "anonymous", "(anonymous)"})
MAX_LEN = 200
# Unicode's default-ignorable code points that are not format characters (category Cf): drawn as
# nothing too (combining grapheme joiner, Hangul fillers, variation selectors, tags' block)
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0"
    "\U0001bca0-\U0001bca3\U000e0000-\U000e0fff]"
)


def visible(text: str) -> str:
    """`text` as a reader sees it: NFKC (Vietnamese letters composed, fullwidth digits and other
    compatibility forms as the plain ones) without format characters (zero width spaces and
    joiners, soft hyphens, direction marks) or other code points drawn as nothing."""
    text = _IGNORABLE.sub("", unicodedata.normalize("NFKC", text))
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def clean(title: object) -> str:
    """One line, bounded, as a reader sees it (`visible`); "" for a placeholder."""
    text = " ".join(visible(str(title or "")).split())[:MAX_LEN]
    return "" if text.lower() in PLACEHOLDERS else text


def from_history(root: Path, rev: str = "HEAD") -> dict[str, str]:
    """Record path -> the latest title a commit reachable from `rev` gave it (one `git log`).

    A commit titles only the records it adds or changes: a `Tieu-de:` trailer naming another
    record (a colleague's, already approved) is a claim about someone else's work, not a title.
    """
    try:
        raw = run_git(
            root,
            [
                "log",
                "-z",
                "--name-only",
                "--no-renames",
                f"--format=%x00%H%x00%(trailers:key={TRAILER},valueonly,unfold)",
                "-E",
                f"--grep=^{TRAILER}:",
                rev,
                "--",
            ],
        )
    except GitError:
        return {}
    found: dict[str, str] = {}
    for trailers, changed in _commits(raw.decode("utf-8", "replace")):  # newest first
        for line in trailers.splitlines():
            path, sep, title = line.partition(": ")
            path, title = path.strip(), clean(title)
            if sep and title and path.startswith("records/") and path in changed and path not in found:
                found[path] = title
    return found


def _commits(text: str) -> list[tuple[str, set[str]]]:
    """(trailers, changed paths) per commit of `git log -z --name-only` with the format above.

    Every commit starts after an empty field (the format's leading NUL); its hash, then its
    trailers (a commit message holds no NUL), then its paths, none empty, up to the next empty
    field: nothing a message says can pass for a path or another commit.
    """
    fields = text.split("\0")
    found: list[tuple[str, set[str]]] = []
    i = 0
    while i < len(fields):
        if fields[i] == "":
            i += 1
            continue
        trailers = fields[i + 1] if i + 1 < len(fields) else ""
        i += 2
        changed: set[str] = set()
        while i < len(fields) and fields[i] != "":
            changed.add(fields[i].lstrip("\n"))
            i += 1
        found.append((trailers, changed))
    return found


def fallback(type_name: str, slug: str) -> str:
    words = slug.replace("-", " ").strip()
    return f"{type_name} — {words}" if words else type_name


def choose(pdf_title: object, given: str | None, type_name: str, slug: str) -> str:
    return clean(pdf_title) or clean(given) or fallback(type_name, slug)
