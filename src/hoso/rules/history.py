"""History: what may happen to a record over time (run on a pushed range, not on a single file).

- an approved (đã duyệt) record is append-only: a new version starts with the old bytes;
- any other change, rename or deletion of a record needs a `Ly-do:` trailer, and inside a
  locked period (locks.yml) a `De-nghi-sua:` change request signed by the hiệu trưởng;
- deletion only after the retention period, citing a disposal decision (`Quyet-dinh-huy:`);
- catalog.yml, people.yml, locks.yml and trust/ change only through a merge (an approval)
  on the protected branch.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from hoso.config.loader import CONFIG_FILES
from hoso.errors import ExitCode
from hoso.messages import t
from hoso.records import PathProblem, is_record_area, parse_path
from hoso.repo import Change, Commit, Entry
from hoso.retention import keep_until
from hoso.rules.base import Context, Finding, Severity, Subject
from hoso.status import DA_DUYET, compute

CODE = ExitCode.HISTORY
REASON = "Ly-do"
CHANGE_REQUEST = "De-nghi-sua"
DISPOSAL = "Quyet-dinh-huy"
GOVERNANCE_DIR = "trust/"


def is_governance(path: str) -> bool:
    return path in CONFIG_FILES or path.startswith(GOVERNANCE_DIR)


def _finding(path: str, rule: str, commit: Commit, severity: Severity = "error", **params: Any) -> Finding:
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
    return compute(verdict_for(subject, ctx), rt, record, ctx.config.people).status


def _locked(path: str, ctx: Context, today: date) -> bool:
    try:
        record = parse_path(path)
    except PathProblem:
        return False
    return any(
        lock.year == record.year and (not lock.types or record.type_id in lock.types) and lock.since <= today
        for lock in ctx.config.locks.locks
    )


def _change_request_problem(request: str, ctx: Context) -> str | None:
    """None when `request` is a PDF in the pushed tree validly signed by a hiệu trưởng."""
    from hoso.pdf.verify import verify_pdf
    from hoso.trust import certificates

    data = ctx.config.snapshot.read(request)
    if data is None:
        return "history.request-missing"
    verdict = verify_pdf(data, trust_roots=certificates(ctx.config.snapshot), people=ctx.config.people)
    for sig in verdict.signatures:
        if sig.integrity and sig.trusted and any(r.role == "hieu-truong" for r in sig.roles):
            return None
    return "history.request-unsigned"


def _keep_until(path: str, ctx: Context) -> date | None:
    """Last day of the retention period; None when the record is kept forever."""
    record = parse_path(path)
    return keep_until(record, ctx.config.catalog.type_by_id(record.type_id))


def check_commit(
    commit: Commit, ctx: Context, *, direct: bool, protected: bool, today: date
) -> Iterator[Finding]:
    for change in commit.changes:
        if is_governance(change.path):
            # a root commit founds the repository: nobody could have approved it through a merge
            if protected and direct and commit.parents:
                yield _finding(change.path, "history.governance-direct", commit)
            else:
                yield _finding(change.path, "history.governance", commit, severity="warning")
            continue
        if is_record_area(change.path):
            yield from _record_change(change, commit, ctx, today)


def _record_change(change: Change, commit: Commit, ctx: Context, today: date) -> Iterator[Finding]:
    path = change.path
    reasons = commit.trailers(REASON)
    if _locked(path, ctx, today):
        requests = commit.trailers(CHANGE_REQUEST)
        if not requests:
            yield _finding(path, "history.locked", commit)
            return
        problem = _change_request_problem(requests[0], ctx)
        if problem is not None:
            yield _finding(path, problem, commit, request=requests[0])
            return
    if change.status == "A":
        return  # a new record: its content is judged by the other rule families
    if change.status == "D":
        yield from _deletion(change, commit, ctx, today)
        return
    old = ctx.read(Entry(path, change.old_mode, change.old_oid, 0))
    new = ctx.read(Entry(path, change.new_mode, change.new_oid, 0))
    if new.startswith(old):
        return  # appended (a counter-signature): what was added is judged by the signature policy
    if path not in ctx.memo.get("accepted", set()):
        return  # a draft that only exists on its submission branch: its author may replace it
    if _status_of(change.old_oid, path, ctx) == DA_DUYET:
        yield _finding(path, "history.rewrite-approved", commit)
    elif not reasons:
        yield _finding(path, "history.reason-missing", commit)


def _deletion(change: Change, commit: Commit, ctx: Context, today: date) -> Iterator[Finding]:
    path = change.path
    try:
        until = _keep_until(path, ctx)
    except PathProblem:
        if not commit.trailers(REASON):
            yield _finding(path, "history.reason-missing", commit)
        return
    if until is None or until >= today:
        yield _finding(
            path, "history.retention", commit, until=until.isoformat() if until else t("history.forever")
        )
        return
    if not commit.trailers(DISPOSAL):
        yield _finding(path, "history.disposal-missing", commit)
