"""History: what may happen to a record over time (run on a pushed range, not on a single file).

- an approved (đã duyệt) record is append-only: a new version starts with the old bytes;
- any other change, rename or deletion of a record needs a `Ly-do:` trailer, and inside a
  locked period (locks.yml) a `De-nghi-sua:` change request signed by the hiệu trưởng;
- deletion only after the retention period, citing a disposal decision (`Quyet-dinh-huy:`);
- anything outside records/ (configuration, trust anchors, site sources, hooks) changes on
  the protected branch only with proof of an approver's decision (judged by the caller, which
  knows the pusher: see hoso.server.proofs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from hoso.errors import ExitCode
from hoso.git.history import Change, Commit, trailer_values
from hoso.git.objects import Entry
from hoso.messages import t
from hoso.records import PathProblem, is_record_area, parse_path
from hoso.retention import keep_until
from hoso.rules.base import Context, Finding, Severity, Subject
from hoso.status import DA_DUYET, compute

CODE = ExitCode.HISTORY
REASON = "Ly-do"
CHANGE_REQUEST = "De-nghi-sua"
PRINCIPAL = frozenset({"hieu-truong"})  # who signs a change request for a locked period
DISPOSAL = "Quyet-dinh-huy"


def is_governance(path: str) -> bool:
    """Anything outside records/ decides or runs something (people.yml, trust/, mkdocs.yml,
    site_src/, .gitattributes, .pre-commit-config.yaml, hooks/, .ci/ …): an allow-list of
    harmless files would be one more thing to get wrong, so none is kept."""
    return not is_record_area(path)


def finding(path: str, rule: str, commit: Commit, severity: Severity = "error", **params: Any) -> Finding:
    return Finding(path, rule, CODE, {"commit": commit.oid[:10], **params}, severity)


def _status_of(oid: str, path: str, ctx: Context) -> str | None:
    """Status of an earlier version of a record (from the evidence cache when known)."""
    from hoso.rules.signatures import verdict_for

    try:
        record = parse_path(path)
    except PathProblem:
        return None
    rt = ctx.config.catalog.type_by_id(record.type_id)
    if rt is None:
        return None
    subject = Subject(Entry(path, "100644", oid, 0), record, rt)
    return compute(verdict_for(subject, ctx), rt, record, ctx.config).status


def _locked(path: str, ctx: Context, today: date) -> bool:
    try:
        record = parse_path(path)
    except PathProblem:
        return False
    return any(
        lock.year == record.year and (not lock.types or record.type_id in lock.types) and lock.since <= today
        for lock in ctx.config.locks.locks
    )


def _keep_until(path: str, ctx: Context) -> date | None:
    """Last day of the retention period; None when the record is kept forever."""
    record = parse_path(path)
    return keep_until(record, ctx.config.catalog.type_by_id(record.type_id))


@dataclass
class Step:
    """One change to judge: what a commit changed, and the trailers that may justify it.

    On the protected branch a step is a first-parent move (a merge and everything it brings
    counts as one change of the branch, judged as a whole); elsewhere a commit against its
    parent, or what a merge made itself beyond what its parents brought.
    """

    commit: Commit
    changes: list[Change]
    # the commit's message, plus those of the commits a merge brings (their Ly-do, Quyet-dinh-huy)
    texts: list[str]
    # was a path already one of the school's records before this change (not a draft)?
    accepted: Callable[[str], bool]

    def trailers(self, key: str) -> list[str]:
        return [v for text in self.texts for v in trailer_values(text, key)]


def check_step(step: Step, ctx: Context, *, today: date) -> Iterator[Finding]:
    """History rules for the records a step changes (governance is judged by the caller)."""
    for change in step.changes:
        if is_record_area(change.path):
            yield from _record_change(change, step, ctx, today)


def _record_change(change: Change, step: Step, ctx: Context, today: date) -> Iterator[Finding]:
    path, commit = change.path, step.commit
    if _locked(path, ctx, today):
        requests = step.trailers(CHANGE_REQUEST)
        if not requests:
            yield finding(path, "history.locked", commit)
            return
        from hoso.rules import decisions

        problems = [decisions.problem(r, step, ctx, PRINCIPAL, today) for r in requests]
        if None not in problems:
            yield finding(path, str(problems[0]), commit, request=requests[0])
            return
    if change.status == "A":
        return  # a new record: its content is judged by the other rule families
    if change.status == "D":
        yield from _deletion(change, step, ctx, today)
        return
    old = ctx.read(Entry(path, change.old_mode, change.old_oid, 0))
    new = ctx.read(Entry(path, change.new_mode, change.new_oid, 0))
    if new.startswith(old):
        return  # appended (a counter-signature): what was added is judged by the signature policy
    if not step.accepted(path):
        return  # a draft that only exists on its submission branch: its author may replace it
    if _status_of(change.old_oid, path, ctx) == DA_DUYET:
        yield finding(path, "history.rewrite-approved", commit)
    elif not step.trailers(REASON):
        yield finding(path, "history.reason-missing", commit)


def _deletion(change: Change, step: Step, ctx: Context, today: date) -> Iterator[Finding]:
    path, commit = change.path, step.commit
    try:
        until = _keep_until(path, ctx)
    except PathProblem:
        if not step.trailers(REASON):
            yield finding(path, "history.reason-missing", commit)
        return
    if until is None or until >= today:
        yield finding(
            path, "history.retention", commit, until=until.isoformat() if until else t("history.forever")
        )
        return
    if not step.trailers(DISPOSAL):
        yield finding(path, "history.disposal-missing", commit)
