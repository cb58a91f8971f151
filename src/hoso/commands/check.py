"""`hoso check [PATH…] | --staged | --all`: run the rule engine and report findings.

`--staged` is the pre-commit hook, so it costs what the commit changes: one `git diff --cached`
names the staged changes (never a walk of the index), and when none of them is a record, the
configuration, trust/ or a .gitattributes, nothing else runs — no configuration is parsed and
neither pydantic, ruamel.yaml nor the PDF libraries are imported (everything below is imported
where it is needed).
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hoso.commands._common import err, out, out_json, repo_root
from hoso.errors import ExitCode, NotFoundError, UsageError, worst
from hoso.messages import t

if TYPE_CHECKING:
    from datetime import datetime

    from hoso.config import Config
    from hoso.git.objects import ContentSource, Entry
    from hoso.rules import engine
    from hoso.rules.base import Context, Finding, Subject
    from hoso.rules.history import Step

# What the pre-commit hook hands over (`files:` in .pre-commit-hooks.yaml), spelled out here so
# that deciding "nothing to do" imports nothing (tests/test_staged_fast.py checks they agree
# with hoso.records.RECORDS_DIR and hoso.config.loader.CONFIG_FILES).
RECORDS_DIR = "records"
CONFIG_FILES = ("catalog.yml", "people.yml", "locks.yml")
TRUST_DIR = "trust"
ATTRIBUTES_FILE = ".gitattributes"


def _in(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder + "/")


def _is_record(path: str) -> bool:
    return _in(path, RECORDS_DIR)


def _is_attributes(path: str) -> bool:
    return path.rsplit("/", 1)[-1] == ATTRIBUTES_FILE


def _is_configuration(path: str) -> bool:
    return path in CONFIG_FILES or _in(path, TRUST_DIR)


def run(args: argparse.Namespace) -> int:
    root, is_git = repo_root(args.repo)
    if args.range:
        return _run_range(args, root)
    if args.all and (args.paths or args.staged):
        raise UsageError("check.usage-all")
    if not args.all and not args.staged and not args.paths:
        raise UsageError("check.usage-nothing")
    if args.staged:
        if not is_git:
            raise UsageError("check.staged-needs-git")
        return _run_staged(args, root)

    from hoso.git.objects import FileReader, MixedReader
    from hoso.git.worktree import index_entries, untracked_files, walk_files, worktree_entries

    config = _config(root, args)
    source: ContentSource
    if args.all and is_git:
        # everything as staged, plus files dropped into records/ but not yet added
        new = untracked_files(root, RECORDS_DIR)
        entries = index_entries(root) + list(worktree_entries(root, new))
        source = MixedReader(root, frozenset(new))
    else:
        rel_paths = (
            _expand(root, _relative_paths(root, args.paths, must_exist=True))
            if args.paths
            else walk_files(root, RECORDS_DIR)
        )
        entries = list(worktree_entries(root, rel_paths))
        source = FileReader(root)
    records = [e for e in entries if _is_record(e.path)]
    attributes = [e for e in entries if _is_attributes(e.path)]
    arrival = None
    if args.all and is_git:
        from hoso.rules.signatures import history_arrival

        # `--all` reads history: a committed blob arrived with its commit; anything else is new
        arrival = history_arrival(root)
    paths = frozenset(e.path for e in records)
    return _judge(args, root, is_git, config, source, records, attributes, paths, arrival)


def _run_staged(args: argparse.Namespace, root: Path) -> int:
    """The staged version of the named paths, or of what the commit changes (no path)."""
    from hoso.git.objects import BlobReader
    from hoso.git.worktree import index_entries, index_paths_ignoring_case, staged_changes, with_sizes

    if args.paths:  # pre-commit names the staged files the hook's pattern matched
        entries = index_entries(root, _relative_paths(root, args.paths, must_exist=False))
    else:
        entries = staged_changes(root)
    records = [e for e in entries if _is_record(e.path)]
    attributes = [e for e in entries if _is_attributes(e.path)]
    if not (records or attributes or args.summary or any(_is_configuration(e.path) for e in entries)):
        return _print([], [], args.format, 0, None)  # nothing a rule judges: no configuration read
    if not records and not attributes and not args.summary:
        # the configuration alone: validated (answered from the cache when these exact files
        # passed before), no model needed
        from hoso.config.loader import validate_config

        for warning in validate_config(root, cache=not args.no_cache):
            err(warning.render())
        return _print([], [], args.format, 0, None)
    config = _config(root, args)
    if not records and not attributes:
        return _print([], [], args.format, 0, config)
    if not args.paths:  # the sizes of what will be judged, in one call
        sized = with_sizes(root, [*records, *attributes])
        records, attributes = sized[: len(records)], sized[len(records) :]
    # the case-collision rule compares with every path of the index that could collide, which
    # git finds by pathspec without listing the index
    paths = frozenset(e.path for e in records) | index_paths_ignoring_case(root, [e.path for e in records])
    return _judge(args, root, True, config, BlobReader(root), records, attributes, paths, None)


def _config(root: Path, args: argparse.Namespace) -> Config:
    from hoso.config import load_config

    config = load_config(root, cache=not args.no_cache)
    for warning in config.warnings:
        err(warning.render())
    return config


def _judge(
    args: argparse.Namespace,
    root: Path,
    is_git: bool,
    config: Config,
    source: ContentSource,
    records: Sequence[Entry],
    attributes: Sequence[Entry],
    paths: frozenset[str],
    arrival: Callable[[Entry], datetime | Callable[[], datetime | None] | None] | None,
) -> int:
    from hoso.evidence import EvidenceCache
    from hoso.rules import engine
    from hoso.rules.attributes import check_attributes
    from hoso.rules.base import Context, Subject

    cache = EvidenceCache(root if not args.no_cache else None)
    ctx = Context(
        config=config,
        source=source,
        cache=cache,
        all_paths=paths,
        allow_pending=_pending_allowed(args, root, is_git, config.catalog.defaults.protected_branch),
        arrival=arrival,
    )
    try:
        result = engine.run((Subject(e) for e in records), ctx)
        result.findings.extend(check_attributes(attributes, ctx))
    finally:
        source.close()
        cache.close()
    return report(result, args.format, len(records), config if args.summary else None)


def _run_range(args: argparse.Namespace, root: Path) -> int:
    if args.all or args.staged or args.paths:
        raise UsageError("check.usage-range")
    old, sep, new = args.range.partition("..")
    if not sep or not new:
        raise UsageError("check.bad-range", value=args.range)
    from hoso.evidence import EvidenceCache
    from hoso.git.history import rev_exists
    from hoso.rules import engine

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
    from hoso.rules.history import finding, is_governance

    path = next(ch.path for ch in step.changes if is_governance(ch.path))
    return [finding(path, "history.governance", step.commit, "warning")]


def report(result: engine.Result, fmt: str, count: int, summary: Config | None) -> int:
    """Print findings (text or JSON) and return the exit code; shared with the server hook."""
    return _print(result.findings, result.subjects, fmt, count, summary)


def _print(
    findings: list[Finding], subjects: list[Subject], fmt: str, count: int, summary: Config | None
) -> int:
    errors = [f for f in findings if f.severity == "error"]
    code = worst({f.exit_code for f in errors})
    if fmt == "json":
        out_json(
            {
                "version": 1,
                "checked": count,
                "exit_code": int(code),
                "findings": [f.as_json() for f in findings],
            }
        )
    else:
        for f in findings:
            out(f.line())
        if summary is not None:
            _summary(summary, subjects, {f.path for f in errors})
        bad = len({f.path for f in errors})
        pending = len(
            {f.path for f in findings if f.rule.startswith("signatures.") and f.severity == "warning"}
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
    from hoso.git.refs import current_branch

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
    from hoso.git.worktree import walk_files

    found: list[str] = []
    for r in rel:
        full = root / r if r else root
        if full.is_dir() and not full.is_symlink():
            found.extend(walk_files(root, r) if r else walk_files(root, RECORDS_DIR))
        else:
            found.append(r)
    return sorted(set(found))


def _bucket(subject: Subject, bad: set[str]) -> str:
    from hoso.status import KHONG_HOP_LE

    if subject.entry.path in bad:
        return KHONG_HOP_LE
    status = subject.facts.get("status")
    return status.status if status is not None else KHONG_HOP_LE


def _summary(config: Config, subjects: list[Subject], bad: set[str]) -> None:
    """A table per school year and owner level: records, đã duyệt, chờ duyệt, không hợp lệ."""
    from hoso.status import CHO_DUYET, DA_DUYET, KHONG_HOP_LE

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
