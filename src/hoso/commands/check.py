"""`hoso check [PATH…] | --staged | --all`: run the rule engine and report findings."""

from __future__ import annotations

import argparse
import os
from collections import Counter
from pathlib import Path

from hoso.commands._common import err, out, out_json, repo_root
from hoso.config import Config, load_config
from hoso.errors import ExitCode, NotFoundError, UsageError, worst
from hoso.evidence import EvidenceCache
from hoso.messages import t
from hoso.records import RECORDS_DIR, is_record_area
from hoso.repo import (
    BlobReader,
    ContentSource,
    FileReader,
    MixedReader,
    current_branch,
    index_entries,
    rev_exists,
    untracked_files,
    walk_files,
    worktree_entries,
)
from hoso.rules import engine
from hoso.rules.attributes import check_attributes, is_attributes_file
from hoso.rules.base import Context, Finding, Subject
from hoso.rules.history import Step, finding, is_governance
from hoso.rules.signatures import history_arrival
from hoso.status import CHO_DUYET, DA_DUYET, KHONG_HOP_LE


def run(args: argparse.Namespace) -> int:
    root, is_git = repo_root(args.repo)
    if args.range:
        return _run_range(args, root)
    config = load_config(root)
    for warning in config.warnings:
        err(warning.render())
    if args.all and (args.paths or args.staged):
        raise UsageError("check.usage-all")
    if not args.all and not args.staged and not args.paths:
        raise UsageError("check.usage-nothing")

    source: ContentSource
    if args.all and is_git:
        # everything as staged, plus files dropped into records/ but not yet added
        new = untracked_files(root, RECORDS_DIR)
        entries = index_entries(root) + list(worktree_entries(root, new))
        all_paths = None
        source = MixedReader(root, frozenset(new))
    elif args.staged:
        if not is_git:
            raise UsageError("check.staged-needs-git")
        rel = _relative_paths(root, args.paths, must_exist=False) if args.paths else None
        entries = index_entries(root, rel)
        all_paths = frozenset(e.path for e in index_entries(root)) if rel is not None else None
        source = BlobReader(root)
    else:
        rel_paths = (
            _expand(root, _relative_paths(root, args.paths, must_exist=True))
            if args.paths
            else walk_files(root, RECORDS_DIR)
        )
        entries = list(worktree_entries(root, rel_paths))
        all_paths = None
        source = FileReader(root)
    attributes = [e for e in entries if is_attributes_file(e.path)]
    entries = [e for e in entries if is_record_area(e.path)]
    paths = frozenset(e.path for e in entries) | (all_paths or frozenset())

    cache = EvidenceCache(root if not args.no_cache else None)
    ctx = Context(
        config=config,
        source=source,
        cache=cache,
        all_paths=paths,
        allow_pending=_pending_allowed(args, root, is_git, config.catalog.defaults.protected_branch),
        # `--all` reads history: a committed blob arrived with its commit; anything else is new
        arrival=history_arrival(root) if args.all and is_git else None,
    )
    try:
        result = engine.run((Subject(e) for e in entries), ctx)
        result.findings.extend(check_attributes(attributes, ctx))
    finally:
        source.close()
        cache.close()

    return report(result, args.format, len(entries), config if args.summary else None)


def _run_range(args: argparse.Namespace, root: Path) -> int:
    if args.all or args.staged or args.paths:
        raise UsageError("check.usage-range")
    old, sep, new = args.range.partition("..")
    if not sep or not new:
        raise UsageError("check.bad-range", value=args.range)
    for rev in (old, new):
        if rev and not rev_exists(root, rev):
            raise NotFoundError("check.unknown-rev", value=rev)
    from datetime import date

    from hoso.server.proofs import governance_check

    cache = EvidenceCache(root if not args.no_cache else None)
    try:
        # CI has no authenticated pusher: a governance change needs a signed merge or decision
        # PDF — unless the range is a proposal (a pull request's trial merge) not yet approved
        proof = _awaiting_approval if args.proposal else governance_check(root, None, date.today())
        result = engine.run_range(root, old or None, new, ref=args.ref, cache=cache, proof=proof)
    finally:
        cache.close()
    if args.proposal and args.format == "text":
        from hoso.server.hook import GOVERNANCE_NOTE, info_line

        # a proposal awaiting approval: said as information, as the server hook says it
        notes = [f for f in result.findings if f.rule == GOVERNANCE_NOTE and f.severity == "warning"]
        result.findings = [f for f in result.findings if not any(f is n for n in notes)]
        for note in notes:
            err(info_line(note, args.ref or "", protected=False, founding=False))
    return report(result, args.format, len(result.subjects), None)


def _awaiting_approval(step: Step, ctx: Context) -> list[Finding]:
    path = next(ch.path for ch in step.changes if is_governance(ch.path))
    return [finding(path, "history.governance", step.commit, "warning")]


def report(result: engine.Result, fmt: str, count: int, summary: Config | None) -> int:
    """Print findings (text or JSON) and return the exit code; shared with the server hook."""
    errors = [f for f in result.findings if f.severity == "error"]
    code = worst({f.exit_code for f in errors})
    if fmt == "json":
        out_json(
            {
                "version": 1,
                "checked": count,
                "exit_code": int(code),
                "findings": [f.as_json() for f in result.findings],
            }
        )
    else:
        for f in result.findings:
            out(f.line())
        if summary is not None:
            _summary(summary, result.subjects, {f.path for f in errors})
        bad = len({f.path for f in errors})
        pending = len(
            {f.path for f in result.findings if f.rule.startswith("signatures.") and f.severity == "warning"}
        )
        if code == ExitCode.OK and pending:
            err(t("check.ok-pending", count=count, pending=pending))
        elif code == ExitCode.OK:
            err(t("check.ok", count=count))
        else:
            err(t("check.failed", count=count, bad=bad, problems=len(errors)))
    return int(code)


def _pending_allowed(args: argparse.Namespace, root: Path, is_git: bool, protected: str) -> bool:
    """Records may await signatures on a submission branch, never on the protected branch."""
    branch = args.branch or (current_branch(root) if is_git else None)
    return branch is not None and branch != protected


def _relative_paths(root: Path, paths: list[str], *, must_exist: bool) -> list[str]:
    rel: list[str] = []
    for raw in paths:
        p = Path(raw)
        full = p if p.is_absolute() else Path.cwd() / p
        if must_exist and not os.path.lexists(full):
            raise NotFoundError("check.not-found", path=raw)
        try:
            r = Path(os.path.abspath(full)).relative_to(root)
        except ValueError:
            raise UsageError("check.outside-repo", path=raw) from None
        rel.append(r.as_posix() if str(r) != "." else "")
    return rel


def _expand(root: Path, rel: list[str]) -> list[str]:
    found: list[str] = []
    for r in rel:
        full = root / r if r else root
        if full.is_dir() and not full.is_symlink():
            found.extend(walk_files(root, r) if r else walk_files(root, RECORDS_DIR))
        else:
            found.append(r)
    return sorted(set(found))


def _bucket(subject: Subject, bad: set[str]) -> str:
    if subject.entry.path in bad:
        return KHONG_HOP_LE
    status = subject.facts.get("status")
    return status.status if status is not None else KHONG_HOP_LE


def _summary(config: Config, subjects: list[Subject], bad: set[str]) -> None:
    """A table per school year and owner level: records, đã duyệt, chờ duyệt, không hợp lệ."""
    buckets = (DA_DUYET, CHO_DUYET, KHONG_HOP_LE)
    rows: Counter[tuple[str, str, str]] = Counter()
    for s in subjects:
        year = s.record.year if s.record else t("summary.unplaced")
        owner = s.record.owner_level if s.record else ""
        rows[(year, owner, _bucket(s, bad))] += 1
    keys = sorted({(y, o) for y, o, _ in rows})
    headers = [t("summary.year"), t("summary.owner"), t("summary.records")] + [
        t("status." + b) for b in buckets
    ]
    table = [
        [y, t("owner." + o) if o else "", str(sum(rows[(y, o, b)] for b in buckets))]
        + [str(rows[(y, o, b)]) for b in buckets]
        for y, o in keys
    ]
    totals = [sum(v for (_, _, b), v in rows.items() if b == bucket) for bucket in buckets]
    table.append([t("summary.total"), "", str(sum(totals))] + [str(n) for n in totals])
    out(t("summary.title", school=config.catalog.school.name))
    widths = [max(len(r[i]) for r in [headers, *table]) for i in range(len(headers))]
    line = "  ".join("-" * w for w in widths)
    out("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    out(line)
    for r in table:
        if r[0] == t("summary.total"):
            out(line)
        out("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
