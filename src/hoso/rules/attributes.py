"""`.gitattributes` that would make git change a record's bytes on checkout or commit.

`*.pdf text eol=crlf` (or a filter, an encoding, `ident`) corrupts every PDF in every clone
while the blobs in the repository stay valid, so the checks stay green. A line that sets such
an attribute is refused unless its pattern provably cannot match a record: records are files
named `*.pdf` (placement refuses anything else), so `*.mp4 filter=lfs` is fine while `*`,
`*.pdf`, `*.[pP][dD][fF]`, `records/**` and macro definitions (`[attr]…`) are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from hoso.errors import ExitCode
from hoso.git.objects import Entry
from hoso.rules.base import Context, Finding

RULE = "hygiene.gitattributes"
# attributes that, when set or given a value, make git rewrite content (checkout or commit)
_CONVERTING = frozenset({"text", "eol", "crlf", "filter", "working-tree-encoding", "ident"})
MAX_BYTES = 64 * 1024


_GLOB = frozenset('*?[]\\"')
_LITERAL_EXTENSION = re.compile(r".*\.([A-Za-z0-9_+-]+)\Z")


def _cannot_match_a_record(pattern: str) -> bool:
    """True when every path the pattern matches ends in a literal extension other than .pdf."""
    last = pattern.rsplit("/", 1)[-1]
    found = _LITERAL_EXTENSION.match(last)
    if found is None or found.group(1).lower() == "pdf":
        return False
    # the extension itself must be literal text; globs before it can only widen the stem
    return not _GLOB.intersection(found.group(1))


def is_attributes_file(path: str) -> bool:
    return path.rsplit("/", 1)[-1] == ".gitattributes"


def converting(line: str) -> bool:
    """Does one .gitattributes line set a converting attribute on paths a record could have?"""
    text = line.strip()
    if not text or text.startswith("#"):
        return False
    pattern, *tokens = text.split()
    for token in tokens:
        if token.startswith(("-", "!")):
            continue  # unset / unspecified: never converts
        if token.split("=", 1)[0] in _CONVERTING and not _cannot_match_a_record(pattern):
            return True
    return False


def check_attributes(entries: Iterable[Entry], ctx: Context) -> Iterator[Finding]:
    for entry in entries:
        if entry.is_symlink or entry.is_gitlink:
            continue
        data = ctx.read(entry)
        if len(data) > MAX_BYTES:
            yield Finding(entry.path, RULE, ExitCode.MISPLACED, {"line": 1, "text": "…"})
            continue
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            if converting(line):
                yield Finding(
                    entry.path, RULE, ExitCode.MISPLACED, {"line": number, "text": line.strip()[:80]}
                )
                break
