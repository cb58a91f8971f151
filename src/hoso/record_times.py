"""When each record was first submitted and when it was approved, from one pass over history.

- submitted: dated by the record's content, never by its path. A signed PDF keeps the bytes of
  its earlier revisions when signatures are appended, so the current version's first signature
  value (its byte range and a digest of the value) names the content that was signed; the
  record was submitted when the first blob holding that value reached history, at any path of
  the same owner and year. An unsigned record is dated by the first arrival of its current
  blob. So a placeholder pushed early dates nothing, and a content change that is not an
  append (a new file, re-signed) starts the clock again.
- approved: the commit of the protected branch's first-parent line that first brought the record
  (an approval merge, or a direct commit of a fully signed record). Main holds only approved
  records unless the catalog lets chờ duyệt records in (`pending_on_main`); for those types it is
  the commit that brought the current version to main, the one whose status the caller knows.

Each time says where it comes from. The server's push log (`refs/hoso/push-log`, written by the
post-receive hook with the server's clock) is evidence where the server's signature vouches for
it (hoso.server.pushlog.evidence: a key of trust/may-chu/ in the commit read, the server's own on
the server, or the caller's `log_keys`; a log written or rewritten in a clone is not): a
commit's time is the first such logged push to a submission branch or the protected branch
that brought it. A committer date is typed by whoever made the commit: a claim. A submission is
the earliest logged push of any commit that brought its content; only when no logged push
brought it, the earliest committer date among those commits (a claim). Never "the first
commit" in some traversal order: git orders commits by the dates their authors typed.

The commits a logged push brought stay readable after their branch is deleted (a squash or
rebase approval, a rejection, a force-push): the push log keeps them reachable (its entries'
other parents: hoso.server.pushlog), so git's garbage collection never prunes them and a clone
that fetched refs/hoso/* holds them too. The logged tips (what each push brought, and what it
deleted or replaced) are read with the history, so the on-time push of a squashed submission
still dates it. They only date content: a commit no branch holds submits nothing now. A logged
tip the repository does not hold (a log written before it kept its tips, then pruned) is
skipped.

Git processes, whatever the number of records: one `for-each-ref`, one `git log` of the history
(with the logged tips), one `rev-list --first-parent`, one `git log` of the push log (and, for
the server's keys, one `ls-tree` and one `cat-file --batch`; for the log's signatures, one more
`git log` when the newest log commit is not in the evidence cache yet), and for the signature
values one `cat-file --batch` over the blobs the evidence cache does not hold yet.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from hoso.approvals import PREFIX
from hoso.errors import GitError
from hoso.git.history import ZERO_OID, Commit, first_parent_line
from hoso.git.refs import refs
from hoso.records import is_record_area
from hoso.trail import vn_time

if TYPE_CHECKING:
    from hoso.server.pushlog import PushEntry

PUSH_LOG, COMMIT = "push-log", "commit"


@dataclass(frozen=True)
class Moment:
    time: str  # ISO 8601 in Vietnam time (+07:00)
    source: str  # push-log (the server's clock: evidence) | commit (committer date: a claim)
    commit: str

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.time)


def earliest(moments: Iterable[Moment]) -> Moment | None:
    """The earliest of `moments` by instant (ties: the smaller commit id, for a stable answer)."""
    return min(moments, key=lambda m: (m.moment, m.commit), default=None)


@dataclass
class First:
    """The earliest evidence and the earliest claim of one content's arrival."""

    evidence: Moment | None = None
    claim: Moment | None = None

    def add(self, moment: Moment) -> None:
        if moment.source == PUSH_LOG:
            self.evidence = earliest(m for m in (self.evidence, moment) if m)
        else:
            self.claim = earliest(m for m in (self.claim, moment) if m)

    @property
    def best(self) -> Moment | None:
        return self.evidence or self.claim


@dataclass
class Arrivals:
    on_main: dict[str, Moment] = field(default_factory=dict)  # path -> first arrival on main
    version_on_main: dict[tuple[str, str], Moment] = field(default_factory=dict)  # (path, blob)
    pending: dict[str, str] = field(default_factory=dict)  # path -> version on a branch, not on main
    submitted: dict[str, Moment] = field(default_factory=dict)  # pending path -> its submission
    push_log: bool = False  # does this repository hold the server's push log?
    content: dict[str, str] = field(default_factory=dict)  # blob -> content key
    first: dict[tuple[str, str], First] = field(default_factory=dict)  # (content key, owner scope)

    def submission(self, path: str, blob: str) -> Moment | None:
        """When version `blob` of `path` was submitted: the first arrival of its content."""
        key, scope = self.content.get(blob), owner_scope(path)
        if key is None or scope is None:
            return None  # not in the history read (a shallow clone): history cannot say
        found = self.first.get((key, scope))
        return found.best if found else None


def owner_scope(path: str) -> str | None:
    """`records/<year>/<owner level>[/<owner>]`: the same content elsewhere in it is the same
    record (moved, renamed); another owner's or another year's copy is another record."""
    parts = path.split("/")
    if len(parts) < 5 or not is_record_area(path):
        return None
    return "/".join(parts[:3] if len(parts) == 5 else parts[:4])


def submission_tips(root: Path) -> list[str]:
    """Tips of every submission branch, local or fetched (refs/heads/nop/…, refs/remotes/*/nop/…)."""
    found = []
    for name, oid in refs(root).items():
        if name.startswith("refs/heads/" + PREFIX) or (
            name.startswith("refs/remotes/") and f"/{PREFIX}" in name.removeprefix("refs/remotes/")
        ):
            found.append(oid)
    return sorted(set(found))


def read(root: Path, rev: str, protected: str = "main", *, log_keys: Sequence[str] | None = None) -> Arrivals:
    """The arrivals of every record in the history of `rev`, of the submission branches, and of
    the commits logged pushes brought, deleted or replaced (kept by the push log). `log_keys`:
    the server's public keys the push log must be signed with (None: those `rev` registers
    under trust/may-chu/, and the server's own on the server)."""
    from hoso.server import pushlog

    tips = submission_tips(root)
    wanted = ("refs/heads/" + PREFIX, f"refs/heads/{protected}")
    keys = pushlog.trusted_keys(root, rev) if log_keys is None else log_keys
    entries = [e for e in pushlog.evidence(root, keys) if e.ref.startswith(wanted[0]) or e.ref == wanted[1]]
    logged = sorted({oid for e in entries for oid in (e.commit or e.new, e.old) if oid != ZERO_OID})
    history = _history(root, [rev, *tips], logged)
    mainline = first_parent_line(root, [rev])
    parents = {c.oid: c.parents for c in history}
    reachable: set[str] = set()  # rev's history is its first-parent line's ancestors
    for tip in [*mainline, *tips]:
        _walk(tip, parents, reachable, stops=())
    times = push_times(entries, parents)
    found = Arrivals(push_log=bool(times))

    def moment(c: Commit) -> Moment:
        if c.oid in times:
            return Moment(vn_time(times[c.oid]), PUSH_LOG, c.oid)
        return Moment(vn_time(c.date), COMMIT, c.oid)

    brought: list[tuple[str, str, Moment]] = []  # (path, blob, moment) of every version brought
    latest: dict[str, str] = {}  # path -> its last version in reachable history
    for c in history:  # topological: parents first
        on_main = c.oid in mainline
        for ch in c.changes:
            if not is_record_area(ch.path):
                continue
            if ch.status == "D":
                if on_main:  # deleted from main (a disposal): no longer on main, nor pending
                    latest.pop(ch.path, None)
                    found.on_main.pop(ch.path, None)
                continue
            brought.append((ch.path, ch.new_oid, moment(c)))
            if c.oid not in reachable:
                continue  # read only to date content: a deleted branch submits nothing now
            latest[ch.path] = ch.new_oid
            if on_main:
                found.on_main.setdefault(ch.path, moment(c))
                found.version_on_main.setdefault((ch.path, ch.new_oid), moment(c))
    _index_content(root, found, brought)
    for path, oid in latest.items():
        when = None if path in found.on_main else found.submission(path, oid)
        if when is not None:  # None: a path outside the layout, no record to wait for
            found.pending[path] = oid
            found.submitted[path] = when
    return found


def _history(root: Path, revs: list[str], logged: list[str]) -> list[Commit]:
    """The commits of `revs` and of the logged tips the repository still holds: one `git log`
    (the logged tips on its stdin, the missing ones ignored)."""
    from hoso.gitlog import log_commits

    stdin = "".join(oid + "\n" for oid in logged).encode()
    selection = [*revs, "--ignore-missing", "--stdin"] if logged else revs
    try:
        return log_commits(root, selection, merge_changes=True, input_bytes=stdin)
    except GitError:
        if not logged:
            raise
        # an unreachable commit whose parents were pruned: read what is reachable
        return log_commits(root, revs, merge_changes=True)


def _index_content(root: Path, found: Arrivals, brought: list[tuple[str, str, Moment]]) -> None:
    """Content key of every blob brought, and the first arrival of each content per owner scope.

    The key of a signed PDF is its first signature: the one covering the shortest prefix (the
    first revision), as byte range and digest of the value, from the evidence cache (one reading
    per blob, shared with the audit trail). Any other blob is its own content."""
    from hoso.trail_evidence import _signature_keys

    values = _signature_keys(root, {oid for _, oid, _ in brought})
    for oid in {oid for _, oid, _ in brought}:
        keys = values.get(oid)
        if keys:
            byte_range = min(keys, key=lambda r: (r[-2] + r[-1], r))  # the shortest prefix
            found.content[oid] = "sig:" + ",".join(map(str, byte_range)) + ":" + keys[byte_range]
        else:
            found.content[oid] = "blob:" + oid
    for path, oid, when in brought:
        scope = owner_scope(path)
        if scope is not None:
            found.first.setdefault((found.content[oid], scope), First()).add(when)


def push_times(entries: list[PushEntry], parents: dict[str, list[str]]) -> dict[str, str]:
    """commit id -> the server's time of the first logged push (of `entries`, oldest first)
    that brought it. Commits the server held before its log began (reachable from the first
    logged old value of a branch) are left out: their time is unknown."""
    if not entries:
        return {}
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
