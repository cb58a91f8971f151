"""When each blob first reached the records: the bound on a signer's claimed signing time.

A blob's arrival is the earliest committer date among the commits of `rev`'s history that
brought it under `records/` (added or modified). A committer date is the committer's claim;
the server hook judges a pushed signature with its own clock, so this is what a later reading
of history relies on. The earliest date, rather than the first commit in some order, keeps the
answer a function of the history alone, so it can be computed in steps.

Reading it costs a walk of the whole history (25 s at 150,000 commits), so the answer is kept
in the evidence cache with the commit it covers: the next reading walks only the commits since
(`base..tip`), one `git log` whatever their number. A tip that does not descend from the cached
one (history rewritten on this clone) starts the cache again; an older commit (a site built
for a past commit) is read without the cache, so the cache never holds arrivals from outside
the history it says it covers.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from hoso.evidence import EvidenceCache
from hoso.git.process import git_env, run_git

KIND = "arrival"  # blob id -> {"t": ISO date}
TIP = "arrival-tip"  # one row, oid "tip": {"commit": the history the arrivals cover}
UNDER = "records/"


def _walk(root: Path, rev: str, exclude: str | None) -> Iterator[tuple[str, datetime]]:
    """(blob, committer date) for every add or modification under records/ in `rev`'s history
    (without `exclude`'s): one `git log`."""
    # --full-history: without it git skips a side branch whose merge kept the first parent's
    # tree, and the answer would depend on which commit filled the cache first
    args = [
        "log",
        "--full-history",
        "--format=%x00%cI",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        "--diff-filter=AM",
        rev,
    ]
    if exclude:
        args.append("^" + exclude)
    raw = run_git(root, [*args, "--", UNDER]).decode("utf-8", "replace")
    when: datetime | None = None
    for line in raw.splitlines():
        if line.startswith("\x00"):
            try:
                when = datetime.fromisoformat(line[1:].strip())
            except ValueError:
                when = None
        elif line.startswith(":") and when is not None:
            fields = line.split(None, 5)
            if len(fields) >= 4:
                yield fields[3], when


def blob_arrivals(root: Path, rev: str = "HEAD") -> dict[str, datetime]:
    """Blob id -> arrival, for every blob `rev`'s history brought under records/ (no cache)."""
    found: dict[str, datetime] = {}
    if _commit(root, rev) is None:
        return found
    for oid, when in _walk(root, rev, None):
        if oid not in found or when < found[oid]:
            found[oid] = when
    return found


def _git_ok(root: Path, args: list[str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=root, env=git_env(), capture_output=True, check=False)


def _commit(root: Path, rev: str) -> str | None:
    proc = _git_ok(root, ["rev-parse", "-q", "--verify", rev + "^{commit}"])
    if proc.returncode != 0:
        return None
    return proc.stdout.decode().strip() or None


def _is_ancestor(root: Path, older: str, newer: str) -> bool:
    return _git_ok(root, ["merge-base", "--is-ancestor", older, newer]).returncode == 0


def _has_object(root: Path, oid: str) -> bool:
    return _git_ok(root, ["cat-file", "-e", oid]).returncode == 0


def _when(row: dict[str, object] | None) -> datetime | None:
    """The arrival a row holds, or None (no row, or a damaged one)."""
    value = row.get("t") if row else None
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else None


class Arrivals:
    """Arrivals in `rev`'s history, looked up blob by blob; the history is read once, and
    only for a blob git holds (a file from outside the repository never arrived)."""

    def __init__(self, root: Path, rev: str = "HEAD", cache: EvidenceCache | None = None) -> None:
        self._root, self._rev, self._cache = root, rev, cache
        self._ready = False
        self._all: dict[str, datetime] | None = None  # without a usable cache: the whole map
        self._seen: dict[str, datetime | None] = {}

    def __call__(self, oid: str) -> datetime | None:
        if oid in self._seen:
            return self._seen[oid]
        if not self._ready and not _has_object(self._root, oid):
            return None  # not in the repository: no walk of history can find it
        self._prepare()
        when: datetime | None
        if self._all is not None:
            when = self._all.get(oid)
        else:
            assert self._cache is not None
            row = self._cache.get(KIND, oid, UNDER)
            when = _when(row)
            if row is not None and when is None:  # a damaged row: read the history itself
                self._all = blob_arrivals(self._root, self._rev)
                when = self._all.get(oid)
        self._seen[oid] = when
        return when

    def _prepare(self) -> None:
        if self._ready:
            return
        self._ready = True
        tip = _commit(self._root, self._rev)
        if tip is None:
            self._all = {}
            return
        cache = self._cache
        if cache is None or not cache.usable:
            self._all = blob_arrivals(self._root, tip)
            return
        row = cache.get(TIP, "tip", UNDER)
        base = row.get("commit") if row else None
        if not (
            isinstance(base, str) and len(base) in (40, 64) and all(c in "0123456789abcdef" for c in base)
        ):
            base = None  # no tip, or a damaged one: start again
        if base == tip:
            return
        if base is not None and _is_ancestor(self._root, base, tip):
            self._extend(cache, tip, base)
        elif base is not None and _is_ancestor(self._root, tip, base):
            self._all = blob_arrivals(self._root, tip)  # an older commit: leave the cache be
        else:
            cache.delete_kind(KIND, UNDER)
            self._extend(cache, tip, None)

    def _extend(self, cache: EvidenceCache, tip: str, base: str | None) -> None:
        new: dict[str, datetime] = {}
        for oid, when in _walk(self._root, tip, base):
            if oid not in new or when < new[oid]:
                new[oid] = when
        if base is not None and new:
            for oid, row in cache.get_many(KIND, list(new), UNDER).items():
                old = _when(row)
                if old is not None and old <= new[oid]:
                    del new[oid]
        # the arrivals and the tip they cover are written in one transaction
        cache.put_many(
            [(KIND, oid, UNDER, {"t": when.isoformat()}) for oid, when in new.items()]
            + [(TIP, "tip", UNDER, {"commit": tip})]
        )
