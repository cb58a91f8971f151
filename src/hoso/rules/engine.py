"""The one rule engine: runs every rule family, in order, over a view's entries.

Pre-commit (staged entries), CI and the server hook (a pushed range) and `check --all`
all come through `run`, so the same file gets the same verdict wherever it is checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from hoso.errors import ExitCode, HosoError
from hoso.evidence import EvidenceCache
from hoso.rules import formats, hygiene, placement, signatures
from hoso.rules.base import Context, Finding, Rule, Subject

if TYPE_CHECKING:
    from hoso.config import Config
    from hoso.rules.history import Step

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
    subjects = list(subjects)
    if any(rule.fn is signatures.check for rule in rules):
        # many records: their signatures are examined first, on every core, into the cache
        signatures.prefetch(_signable(subjects, ctx), ctx)
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


def _signable(subjects: list[Subject], ctx: Context) -> list[Subject]:
    """The files likely to reach the signatures rule: regular PDFs within the largest size any
    record type allows. A cheap guess (hygiene, placement and format decide): a file examined
    in vain costs time, never a verdict."""
    from hoso.records import PDF_SUFFIX

    catalog = ctx.config.catalog
    limit = min(formats.HARD_LIMIT, max(catalog.max_size_bytes(rt) for rt in [None, *catalog.record_types]))
    return [
        s
        for s in subjects
        if not (s.entry.is_symlink or s.entry.is_gitlink)
        and s.entry.path.lower().endswith(PDF_SUFFIX)
        and s.entry.size <= limit
    ]


ProofCheck = Callable[["Step", Context], Iterable[Finding]]


def run_range(
    root: Path,
    old: str | None,
    new: str,
    *,
    ref: str | None,
    cache: EvidenceCache,
    authority: str | None = None,
    protected: bool | None = None,
    known_refs_only: bool = False,
    proof: ProofCheck | None = None,
    founding: bool = False,
    config: Config | None = None,
) -> Result:
    """Judge a pushed range: the new content of every changed record, and every commit's history.

    `authority`: the commit whose catalog, people.yml, locks.yml and trust/ judge the range —
    the protected branch's tip *before* the change (authority comes from before the change).
    Default: `old` when the ref is updated, else the protected branch, else `new` itself.
    `protected`: is `ref` the protected branch (default: the authority's catalog says).
    `old` None is a new ref: with `known_refs_only` (a server hook, where the refs are those
    before the push) its commits are those no existing ref outside refs/hoso/ reaches, otherwise
    those not on the protected branch. `proof` judges a protected step that changes anything
    outside records/; without one such a step is refused (`check --range` has no pusher to vouch
    for it).
    `founding`: the first push into an empty repository, whose root commit may carry configuration.
    """
    from hoso.config import load_config
    from hoso.git.history import diff_entries, merge_base, rev_exists
    from hoso.git.objects import BlobReader, CommitSnapshot, tree_entries
    from hoso.records import RECORDS_DIR

    if authority is None:
        authority = old or new
    if config is None:
        config = load_config(root, CommitSnapshot(root, authority))
    branch = config.catalog.defaults.protected_branch
    branch_ref = f"refs/heads/{branch}"
    if protected is None:
        protected = ref in (branch, branch_ref)
    base_tip = authority if authority != new else (branch_ref if rev_exists(root, branch_ref) else None)
    if old:
        revs = [f"{old}..{new}"]
    elif known_refs_only:
        # not the push log's: it keeps commits no branch holds any more, and its own entries
        # in a pushed history are then judged (a root of the server's: unrelated, refused)
        revs = [new, "--not", "--exclude=refs/hoso/*", "--all"]
    else:
        revs = [new, *(["--not", base_tip] if base_tip and base_tip != new else [])]
    # the school's records where `new` forked from the protected branch: other records are drafts
    fork = merge_base(root, [base_tip, new]) if base_tip and base_tip != new else None
    too_big = _oversized(root, revs, new, ref)
    if too_big:
        return Result([], too_big)  # nothing else is read from a tree that size
    new_records = tree_entries(root, new, RECORDS_DIR)
    source = BlobReader(root)
    try:
        ctx = Context(
            config=config,
            source=source,
            cache=cache,
            all_paths=frozenset(e.path for e in new_records),
            allow_pending=not protected,
            tree=CommitSnapshot(root, new),
        )
        accepted = {e.path for e in tree_entries(root, fork, RECORDS_DIR)} if fork else set()
        ctx.memo["accepted"] = accepted
        _decision_context(root, authority, new, ctx)
        result = run(
            (Subject(e) for e in diff_entries(root, old or fork, new, RECORDS_DIR, new_records)), ctx
        )
        result.findings.extend(tree_findings(root, new, ctx, since=None if founding else authority))
        if authority != new and _changes_config(root, authority, new):
            result.findings.extend(_new_config_findings(root, new))
        _judge_history(
            root, revs, ctx, result, protected=protected, proof=proof, founding=founding, old=old, ref=ref
        )
    finally:
        source.close()
    return result


def _judge_history(
    root: Path,
    revs: list[str],
    ctx: Context,
    result: Result,
    *,
    protected: bool,
    proof: ProofCheck | None,
    founding: bool,
    old: str | None = None,
    ref: str | None = None,
) -> None:
    """Every new commit against its parents; on the protected branch each first-parent move whole."""
    from hoso.git.history import commits, diff_pairs, first_parent_line, merge_base, messages
    from hoso.git.objects import peel_commit
    from hoso.rules.history import Step, check_step, finding, is_governance

    pushed = commits(root, revs)
    if not pushed:
        return
    line = first_parent_line(root, revs) if protected else set()
    if protected and old:
        # the branch's own line must continue from its old tip: a merge that puts the old tip
        # second ("reverse" merge) would make another history the branch's and hide deletions
        starts = [c for c in pushed if c.oid in line and (not c.parents or c.parents[0] not in line)]
        if len(starts) != 1 or starts[0].parents[:1] != [peel_commit(root, old)]:
            bad = starts[0] if starts else pushed[-1]
            result.findings.append(finding(ref or "HEAD", "history.first-parent", bad))
            return
    accepted: set[str] = ctx.memo["accepted"]
    steps: list[Step] = []
    pairs: list[tuple[str, str | None]] = []
    plan: list[tuple[int, list[int]]] = []  # for each step: its pair, and its merge's side pairs
    for c in pushed:
        steps.append(Step(c, [], [c.message], accepted.__contains__))
        own = len(pairs)
        pairs.append((c.oid, c.parents[0] if c.parents else None))
        sides: list[int] = []
        base = merge_base(root, c.parents) if len(c.parents) > 1 else None
        if (not c.parents and not founding) or (len(c.parents) > 1 and base is None):
            # a history that shares nothing with the school's: its commits and dates were never
            # judged here, and merged in they would rewrite the trail
            result.findings.append(finding(ref or "HEAD", "history.unrelated", c))
        if len(c.parents) > 1 and c.oid in line:
            # the branch moves by everything the merge brings: judged whole, with the reasons
            # given in the commits it brings; every path it had before was the school's record
            steps[-1].texts = messages(root, [f"^{c.parents[0]}", c.oid])
            steps[-1].accepted = _in_tree(root, c.parents[0])
        elif len(c.parents) > 1:
            for p in c.parents[1:]:
                sides.append(len(pairs))
                pairs.append((p, base))
        elif c.oid in line and c.parents:
            steps[-1].accepted = _in_tree(root, c.parents[0])
        plan.append((own, sides))
    diffs = diff_pairs(root, pairs)
    today = date.today()
    for step, (own, sides) in zip(steps, plan, strict=True):
        changes = diffs[own]
        if sides:
            # a merge off the protected line: what its side brought was judged in the side's own
            # commits; what the merge made itself (an "evil merge") is judged here
            brought = {(ch.path, ch.new_oid) for i in sides for ch in diffs[i]}
            changes = [ch for ch in changes if (ch.path, ch.new_oid) not in brought]
        step.changes = changes
        result.findings.extend(check_step(step, ctx, today=today))
        outside = [ch for ch in changes if is_governance(ch.path)]
        if not outside:
            continue
        c = step.commit
        if protected and c.oid in line and not (founding and not c.parents):
            if proof is None:
                result.findings.append(finding(outside[0].path, "history.governance-unproven", c))
            else:
                result.findings.extend(proof(step, ctx))
        else:
            result.findings.append(finding(outside[0].path, "history.governance", c, "warning"))


def _in_tree(root: Path, rev: str) -> Callable[[str], bool]:
    from hoso.git.objects import tree_entries
    from hoso.records import RECORDS_DIR

    paths: set[str] | None = None

    def contains(path: str) -> bool:
        nonlocal paths
        if paths is None:  # read only when a record is modified or deleted
            paths = {e.path for e in tree_entries(root, rev, RECORDS_DIR)}
        return path in paths

    return contains


MAX_FILES = 500_000  # ten times the largest school hoso is built for, with every record's history
MAX_DEPTH = 32  # records/<year>/<owner>/<id>/<type>/<file> is 6 deep


def _oversized(root: Path, revs: list[str], new: str, ref: str | None) -> list[Finding]:
    """Every pushed commit's tree within bounds, counted without unrolling it (git.objects.tree_shapes)."""
    from hoso.git.objects import tree_shapes
    from hoso.git.process import run_git

    pushed = run_git(root, ["rev-list", *revs]).decode().split() or [new]
    found = []
    for oid, (files, depth) in tree_shapes(root, pushed, MAX_FILES, MAX_DEPTH).items():
        if files > MAX_FILES or depth > MAX_DEPTH:
            params = {"commit": oid[:10], "files": MAX_FILES, "depth": MAX_DEPTH}
            found.append(Finding(ref or "HEAD", "hygiene.tree-too-large", ExitCode.MISPLACED, params))
            break
    return found


def _decision_context(root: Path, authority: str, new: str, ctx: Context) -> None:
    """What a decision PDF is measured against (hoso.rules.decisions), read only if one is named."""
    from functools import cache

    from hoso.git.objects import tree_contains, tree_entries
    from hoso.git.process import run_git
    from hoso.rules import decisions
    from hoso.server import pushlog

    founding = authority == new

    @cache
    def known() -> frozenset[str]:
        return frozenset() if founding else frozenset(e.oid for e in tree_entries(root, authority))

    @cache
    def floor() -> str | None:
        if founding:
            return None
        for rev in (pushlog.REF, authority):
            with suppress(HosoError):
                return run_git(root, ["log", "-1", "--format=%cI", rev, "--"]).decode().strip() or None
        return None

    def seen(text: str) -> bool:
        return not founding and tree_contains(root, authority, text)

    ctx.memo[decisions.KNOWN] = known
    ctx.memo[decisions.FLOOR] = floor
    ctx.memo[decisions.SEEN] = seen


def _changes_config(root: Path, authority: str, new: str) -> bool:
    from hoso.config.loader import CONFIG_FILES
    from hoso.git.process import run_git

    raw = run_git(root, ["diff-tree", "-r", "--name-only", "-z", authority, new, "--", *CONFIG_FILES])
    return bool(raw.strip(b"\0"))


def _new_config_findings(root: Path, new: str) -> list[Finding]:
    """A pushed configuration is judged by the old one, but it must itself be valid to land."""
    from hoso.config import load_config
    from hoso.errors import ConfigError
    from hoso.git.objects import CommitSnapshot

    try:
        load_config(root, CommitSnapshot(root, new))
    except ConfigError as exc:
        return [
            Finding(i.file, "config.invalid-pushed", ExitCode.CONFIG, {"detail": i.render()})
            for i in exc.issues
            if i.severity == "error"
        ]
    return []


def tree_findings(root: Path, rev: str, ctx: Context, since: str | None = None) -> list[Finding]:
    """Rules on the tree as a whole: .gitattributes that would convert records on checkout.

    With `since` (the authority), only the attribute files changed since then are read: the
    others were judged when they came.
    """
    from hoso.git.objects import tree_entries
    from hoso.git.process import run_git
    from hoso.rules.attributes import check_attributes, is_attributes_file

    if since is None:
        entries = [e for e in tree_entries(root, rev) if is_attributes_file(e.path)]
    else:
        raw = run_git(root, ["diff-tree", "-r", "-z", "--name-only", "--no-renames", since, rev])
        changed = [p.decode("utf-8", "surrogateescape") for p in raw.split(b"\0") if p]
        # one listing per changed attributes file: there is rarely one, and the tree may be large
        entries = [
            e
            for path in changed
            if is_attributes_file(path)
            for e in tree_entries(root, rev, path)
            if e.path == path
        ]
    return list(check_attributes(entries, ctx))
