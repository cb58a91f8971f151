"""When each record was first submitted and when it was approved, from one pass over history.

- submitted: the commit that first added the record, on a submission branch (`nop/…`) or on the
  protected branch, whichever history shows first;
- approved: the commit of the protected branch's first-parent line that first brought the record
  (an approval merge, or a direct commit of a fully signed record). Main holds only approved
  records unless the catalog lets chờ duyệt records in (`pending_on_main`); for those types it is
  the commit that brought the current version to main, the one whose status the caller knows.

Each time says where it comes from. The server's push log (`refs/hoso/push-log`, written by the
post-receive hook with the server's clock) is evidence: a commit's time is the first logged
push to a submission branch or the protected branch that brought it. A committer date is typed
by whoever made the commit: a claim, used only where no push log covers the commit.

Git processes, whatever the number of records: one `for-each-ref`, the three of `repo.commits`,
one `rev-list --first-parent`, one `git log` of the push log.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from hoso.approvals import PREFIX
from hoso.records import is_record_area
from hoso.repo import ZERO_OID, Commit, commits, first_parent_line, refs
from hoso.trail import vn_time

PUSH_LOG, COMMIT = "push-log", "commit"


@dataclass(frozen=True)
class Moment:
    time: str  # ISO 8601 in Vietnam time (+07:00)
    source: str  # push-log (the server's clock: evidence) | commit (committer date: a claim)
    commit: str

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.time)


@dataclass
class Arrivals:
    submitted: dict[str, Moment] = field(default_factory=dict)  # path -> first submission
    on_main: dict[str, Moment] = field(default_factory=dict)  # path -> first arrival on main
    version_on_main: dict[tuple[str, str], Moment] = field(default_factory=dict)  # (path, blob)
    pending: set[str] = field(default_factory=set)  # submitted, not (or no longer) on main
    push_log: bool = False  # does this repository hold the server's push log?


def submission_tips(root: Path) -> list[str]:
    """Tips of every submission branch, local or fetched (refs/heads/nop/…, refs/remotes/*/nop/…)."""
    found = []
    for name, oid in refs(root).items():
        if name.startswith("refs/heads/" + PREFIX) or (
            name.startswith("refs/remotes/") and f"/{PREFIX}" in name.removeprefix("refs/remotes/")
        ):
            found.append(oid)
    return sorted(set(found))


def read(root: Path, rev: str, protected: str = "main") -> Arrivals:
    """The arrivals of every record in the history of `rev` and of the submission branches."""
    tips = submission_tips(root)
    history = commits(root, [rev, *tips], merge_changes=True)
    mainline = first_parent_line(root, [rev])
    times = push_times(root, history, protected)
    found = Arrivals(push_log=bool(times))

    def moment(c: Commit) -> Moment:
        if c.oid in times:
            return Moment(vn_time(times[c.oid]), PUSH_LOG, c.oid)
        return Moment(vn_time(c.date), COMMIT, c.oid)

    for c in history:  # topological: parents first
        on_main = c.oid in mainline
        for ch in c.changes:
            if not is_record_area(ch.path):
                continue
            if ch.status == "D":
                if on_main:  # deleted from main (a disposal): a later copy is a new record
                    found.submitted.pop(ch.path, None)
                    found.on_main.pop(ch.path, None)
                continue
            if ch.status == "A" and ch.path not in found.submitted:
                found.submitted[ch.path] = moment(c)
            if on_main:
                found.on_main.setdefault(ch.path, moment(c))
                found.version_on_main.setdefault((ch.path, ch.new_oid), moment(c))
    found.pending = set(found.submitted) - set(found.on_main)
    return found


def push_times(root: Path, history: list[Commit], protected: str) -> dict[str, str]:
    """commit id -> the server's time of the first logged push to a submission branch or the
    protected branch that brought it. Commits the server held before its log began (reachable
    from the first logged old value of a branch) are left out: their time is unknown."""
    from hoso.server import pushlog

    wanted = ("refs/heads/" + PREFIX, f"refs/heads/{protected}")
    entries = [e for e in pushlog.read(root) if e.ref.startswith(wanted[0]) or e.ref == wanted[1]]
    if not entries:
        return {}
    parents = {c.oid: c.parents for c in history}
    before: set[str] = set()  # what the server held before the log
    first_seen: set[str] = set()
    for entry in entries:
        if entry.ref not in first_seen:
            first_seen.add(entry.ref)
            if entry.old != ZERO_OID:
                _walk(entry.old, parents, before, stops=())
    found: dict[str, str] = {}
    for entry in entries:  # oldest first: a commit belongs to the push that first brought it
        tip = entry.commit or entry.new
        if tip == ZERO_OID:
            continue  # a deleted branch brings nothing
        brought: set[str] = set()
        _walk(tip, parents, brought, stops=(before, found.keys(), {entry.old}))
        for oid in brought:
            found[oid] = entry.time
    return found


def _walk(tip: str, parents: dict[str, list[str]], into: set[str], stops: tuple[Container[str], ...]) -> None:
    """Every ancestor of `tip` (itself included) known in `parents`, crossing none of `stops`."""
    stack = [tip]
    while stack:
        oid = stack.pop()
        if oid in into or oid not in parents or any(oid in stop for stop in stops):
            continue
        into.add(oid)
        stack.extend(parents[oid])
