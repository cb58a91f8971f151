"""The one rule engine: runs every rule family, in order, over a view's entries.

Pre-commit (staged entries), CI and the server hook (a pushed range) and `check --all`
all come through `run`, so the same file gets the same verdict wherever it is checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hoso.errors import HosoError
from hoso.evidence import EvidenceCache
from hoso.rules import formats, hygiene, placement, signatures
from hoso.rules.base import Context, Finding, Rule, Subject

# A family judges a file only when the families it requires found no error in it: a file
# that is not a PDF has no signatures worth judging, a misplaced one no required signers.
RULES: tuple[Rule, ...] = (
    Rule("hygiene", hygiene.check),
    Rule("placement", placement.check, requires=("hygiene",)),
    Rule("format", formats.check, requires=("hygiene",)),
    Rule("signatures", signatures.check, requires=("hygiene", "placement", "format")),
)


@dataclass
class Result:
    subjects: list[Subject]
    findings: list[Finding]

    def findings_for(self, path: str) -> list[Finding]:
        return [f for f in self.findings if f.path == path]


def run(subjects: Iterable[Subject], ctx: Context, rules: Sequence[Rule] = RULES) -> Result:
    done: list[Subject] = []
    found: list[Finding] = []
    for subject in subjects:
        done.append(subject)
        failed: set[str] = set()
        for rule in rules:
            if failed.intersection(rule.requires):
                continue
            produced = list(rule.fn(subject, ctx))
            found.extend(produced)
            if any(f.severity == "error" for f in produced):
                failed.add(rule.family)
    return Result(done, found)


def run_range(
    root: Path,
    old: str | None,
    new: str,
    *,
    ref: str | None,
    cache: EvidenceCache,
    accepted_at: str | None = None,
) -> Result:
    """Judge a pushed range: the new content of every changed record, and every commit's history.

    `old` None means a new branch: its commits are those not reachable from any existing ref.
    Configuration and trust anchors are read from `new` itself, never from a work tree.
    `accepted_at`: the protected branch's commit before this range (default: where `new` forked
    from the protected branch); records in its tree are the school's, the others drafts.
    """
    from hoso.config import load_config
    from hoso.records import RECORDS_DIR
    from hoso.repo import BlobReader, CommitSnapshot, commits, diff_entries, first_parent_line, tree_entries
    from hoso.rules.history import check_commit

    config = load_config(root, CommitSnapshot(root, new))
    branch = config.catalog.defaults.protected_branch
    protected = ref in (branch, f"refs/heads/{branch}")
    revs = [f"{old}..{new}"] if old else [new, "--not", "--all"]
    pushed = commits(root, revs)
    if old is None:
        if not pushed:
            return Result([], [])
        first = pushed[0]
        old = first.parents[0] if first.parents else None
    direct = first_parent_line(root, revs) if protected else set()
    source = BlobReader(root)
    try:
        ctx = Context(
            config=config,
            source=source,
            cache=cache,
            all_paths=frozenset(e.path for e in tree_entries(root, new, RECORDS_DIR)),
            allow_pending=not protected,
        )
        ctx.memo["accepted"] = _accepted_records(root, new, branch, accepted_at)
        result = run((Subject(e) for e in diff_entries(root, old, new, RECORDS_DIR)), ctx)
        today = date.today()
        for commit in pushed:
            result.findings.extend(
                check_commit(commit, ctx, direct=commit.oid in direct, protected=protected, today=today)
            )
    finally:
        source.close()
    return result


def _accepted_records(root: Path, new: str, branch: str, at: str | None) -> set[str]:
    """Records already on the protected branch where `new` forked from it: the school's records.

    A record that exists only on a submission branch is a draft: its author may replace it
    freely until it is approved.
    """
    from hoso.records import RECORDS_DIR
    from hoso.repo import run_git, tree_entries

    if at is not None:
        return {e.path for e in tree_entries(root, at, RECORDS_DIR)}
    for ref in (f"refs/heads/{branch}", f"refs/remotes/origin/{branch}"):
        try:
            base = run_git(root, ["merge-base", new, ref]).decode().strip()
        except HosoError:
            continue
        return {e.path for e in tree_entries(root, base, RECORDS_DIR)}
    return set()
