"""`hoso review`: list open submissions with their records' status and missing signatures."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from hoso.approvals import git_ok, has_remote, submissions
from hoso.commands._common import err, out, out_json, repo_root
from hoso.config import Config, load_config
from hoso.evidence import EvidenceCache
from hoso.git.objects import BlobReader, CommitSnapshot, tree_entries
from hoso.messages import t
from hoso.rules import engine
from hoso.rules.base import Context, Subject


def run(args: argparse.Namespace) -> int:
    root, _ = repo_root(args.repo)
    remote = args.remote if has_remote(root, args.remote) else None
    if remote:
        git_ok(root, "fetch", "-q", "--prune", remote)
    config = load_config(root)
    protected = config.catalog.defaults.protected_branch
    rows = []
    cache = EvidenceCache(root)
    try:
        for sub in submissions(root, remote, protected):
            if sub.merged and not args.all:
                continue
            records = _judge(root, sub.tip, sub.paths, cache) if sub.paths else []
            rows.append((sub, records))
    finally:
        cache.close()
    if args.format == "json":
        out_json(
            [
                {
                    "branch": s.branch,
                    "tip": s.tip,
                    "merged": s.merged,
                    "rejected_by": s.rejected_by,
                    "reason": s.rejection_reason,
                    "records": recs,
                }
                for s, recs in rows
            ]
        )
        return 0
    for sub, recs in rows:
        state = (
            t("review.merged")
            if sub.merged
            else t("review.rejected", who=_name(config, sub.rejected_by), reason=sub.rejection_reason or "")
            if sub.rejected_by
            else t("review.open")
        )
        out(f"{sub.branch}  [{state}]")
        for rec in recs:
            problems = "; ".join(rec["problems"])
            out(f"    {rec['path']}: {t('status.' + rec['status'])}" + (f" — {problems}" if problems else ""))
    err(t("review.count", count=len(rows)))
    return 0


def _judge(root: Path, tip: str, paths: list[str], cache: EvidenceCache) -> list[dict[str, Any]]:
    """Each record of the submission as the protected branch would judge it (pending allowed)."""
    config = load_config(root, CommitSnapshot(root, tip))
    entries = [e for e in tree_entries(root, tip, "records") if e.path in set(paths)]
    source = BlobReader(root)
    try:
        ctx = Context(config=config, source=source, cache=cache, allow_pending=True)
        result = engine.run((Subject(e) for e in entries), ctx)
    finally:
        source.close()
    judged = []
    for subject in result.subjects:
        findings = result.findings_for(subject.entry.path)
        status = subject.facts.get("status")
        judged.append(
            {
                "path": subject.entry.path,
                "status": "khong-hop-le"
                if any(f.severity == "error" for f in findings) or status is None
                else status.status,
                "problems": [f.problem() for f in findings],
            }
        )
    return judged


def _name(config: Config, person_id: str | None) -> str:
    found = config.people.person(person_id) if person_id else None
    return str(found.name) if found else (person_id or "")
