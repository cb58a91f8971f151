"""`hoso submit [FILE…] [--type T --owner O --year Y] [--title T]`: send records for approval.

A FILE may be anywhere (the teacher's downloads folder): with `--type` it is placed like
`hoso add` places it. A FILE already at its place under records/ needs no `--type`. Without
FILE, what is staged under records/ is submitted. The records are checked with the rules the
server runs on a submission branch (signatures may still be missing, nothing else), then
committed on `nop/<person>/<slug>` (or on the person's open submission that already holds
them: a resubmission after a rejection) and pushed. Whatever branch the teacher is on, its
work tree and index are left as they were; a refused submission leaves nothing behind.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from hoso.approvals import ApprovalError, git_ok, has_remote, staged_paths, whoami
from hoso.commands._common import err, out, repo_root
from hoso.config import Config, load_config
from hoso.errors import ExitCode, NotFoundError, UsageError, worst
from hoso.evidence import EvidenceCache
from hoso.git.objects import CommitSnapshot, Entry, MemoryReader, blob_id, tree_entries
from hoso.git.process import run_git
from hoso.git.refs import current_branch
from hoso.messages import t
from hoso.records import (
    RECORDS_DIR,
    PathProblem,
    build_path,
    make_slug,
    parse_path,
    school_year_of,
    valid_year,
)
from hoso.rules import engine
from hoso.rules.base import Context, Subject
from hoso.submission import Item, base_ref, changed, choose_target, make_commit, message, move_branch


def run(args: argparse.Namespace) -> int:
    root, is_git = repo_root(args.repo)
    if not is_git:
        raise UsageError("submit.needs-git")
    work_config = load_config(root)
    protected = work_config.catalog.defaults.protected_branch
    remote = args.remote if has_remote(root, args.remote) else None
    if remote:
        fetched = git_ok(root, "fetch", "-q", "--prune", remote)
        if fetched.returncode != 0:
            err(t("submit.fetch-failed", remote=remote, detail=fetched.stderr.strip()[:300]))
    # authority comes from the protected branch as the server has it, not from the work tree
    base = base_ref(root, remote, protected)
    config = load_config(root, CommitSnapshot(root, base)) if _exists(root, base) else work_config
    person = whoami(root, config, args.person)
    items, from_index = _items(root, args, config, person)
    if not items:
        raise UsageError("submit.nothing")
    _own_work(config, person, items)

    slug = make_slug(args.title) if args.title else parse_path(items[0].rel).slug
    target = choose_target(root, person, [i.rel for i in items], slug, remote, protected)
    # she stands on the branch, behind the server: her index and files are of the old tip, and
    # moving the branch under them would stage the undoing of what others added there
    behind = bool(target.old) and target.parent != target.old and current_branch(root) == target.branch
    if behind and git_ok(root, "diff", "--quiet", str(target.old), target.parent).returncode != 0:
        raise ApprovalError("submit.pull-first", branch=target.branch)
    fresh = changed(root, target.parent, items)
    if not fresh:
        raise ApprovalError("submit.unchanged", branch=target.branch)
    code = _check(root, config, target.parent, fresh)
    if code:
        err(t("submit.refused"))
        return code

    counted = t("submit.message", count=len(fresh))
    subject = " ".join((args.title or "").split()) or counted
    if target.resubmission is not None:
        subject = t("submit.resubject", subject=subject)
    commit = make_commit(root, target.parent, fresh, message(fresh, subject, prefix=counted))

    # the commit goes to the server before any ref here moves: a submission the server refuses
    # leaves nothing on this machine (a refused commit kept on the branch would be the parent of
    # every later attempt); one that could not be sent (no network) is kept here to push later
    pushed = True
    if remote and not args.no_push:
        proc = git_ok(root, "push", "--porcelain", remote, f"{commit}:refs/heads/{target.branch}")
        if proc.returncode != 0:
            refused = any(line.startswith("!") for line in proc.stdout.splitlines())
            said = [line for line in proc.stderr.splitlines() if line.startswith("remote:")]
            err("\n".join(said) if refused else proc.stderr.strip())
            if refused:
                raise ApprovalError("submit.server-refused", ExitCode.HISTORY, branch=target.branch)
            pushed = False
    move_branch(root, target.branch, commit, target.old)
    _tidy(root, fresh, from_index, target.branch)
    if pushed and remote and not args.no_push:
        git_ok(
            root, "branch", "-q", f"--set-upstream-to=refs/remotes/{remote}/{target.branch}", target.branch
        )
    out(target.branch)
    if target.resubmission is not None and target.resubmission.rejected_by:
        err(t("submit.resubmitted", branch=target.branch, reason=target.resubmission.rejection_reason or ""))
    done = "submit.done" if pushed else "submit.not-pushed"
    err(t(done, branch=target.branch, remote=remote or "origin"))
    return int(ExitCode.OK if pushed else ExitCode.FAILED)


def _exists(root: Path, rev: str) -> bool:
    return git_ok(root, "rev-parse", "--verify", "-q", f"{rev}^{{commit}}").returncode == 0


def _items(root: Path, args: argparse.Namespace, config: Config, person: str) -> tuple[list[Item], bool]:
    """What to submit, and whether it came from the index (staged) rather than from files."""
    if not args.paths:
        if args.type:
            raise UsageError("submit.type-needs-file")
        staged = [p for p in staged_paths(root) if p.startswith(RECORDS_DIR + "/")]
        present = set(git_ok(root, "ls-files", "-z", "--", *staged).stdout.split("\0")) if staged else set()
        gone = [p for p in staged if p not in present]
        if gone:  # a staged `git rm`: deleting a record is a disposal decision, not a submission
            raise UsageError("submit.deletion", path=gone[0])
        blobs = {p: run_git(root, ["show", f":{p}"]) for p in staged}
        return [Item(p, data, args.title) for p, data in blobs.items()], True
    if args.type and len(args.paths) > 1:
        raise UsageError("submit.type-one-file")
    items = []
    for raw in args.paths:
        source = Path(raw)
        if not source.is_file():
            raise NotFoundError("submit.source-missing", path=raw)
        rel = _placed(root, source)
        if rel is None or args.type:
            rel = _place(args, config, person, source)
        items.append(Item(rel, _read(config, source, rel, raw), args.title))
    return items, False


def _read(config: Config, source: Path, rel: str, shown: str) -> bytes:
    """The file's bytes, refused by its size before reading (a 60 GB file costs no minutes)."""
    import errno

    from hoso.rules.formats import HARD_LIMIT

    record_type = config.catalog.type_by_id(parse_path(rel).type_id)
    limit = min(config.catalog.max_size_bytes(record_type), HARD_LIMIT)
    try:
        size = source.stat().st_size
        if size > limit:
            raise ApprovalError(
                "submit.too-large", ExitCode.FORMAT, path=shown, size=_mb(size), limit=_mb(limit)
            )
        return source.read_bytes()
    except OSError as exc:
        code = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
        raise ApprovalError("submit.source-unreadable", ExitCode.NOT_FOUND, path=shown, code=code) from exc


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _placed(root: Path, source: Path) -> str | None:
    """The record path of a file already at its place in this repository's records/."""
    try:
        rel = source.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    try:
        parse_path(rel)
    except PathProblem:
        return None
    return rel


def _place(args: argparse.Namespace, config: Config, person: str, source: Path) -> str:
    if not args.type:
        raise UsageError("submit.type-needed", path=str(source))
    rt = config.catalog.type_by_id(args.type)
    if rt is None:
        choices = ", ".join(r.id for r in config.catalog.record_types)
        raise UsageError("add.unknown-type", value=args.type, choices=choices)
    year = args.year or school_year_of(date.today())
    if not valid_year(year):
        raise UsageError("add.bad-year", value=year)
    owner: str | None = None
    if rt.owner == "giao-vien":
        owner = args.owner or person  # a teacher submits her own work
    elif rt.owner == "to":
        owner = args.owner or _own_group(config, person)
        if owner is None:
            raise UsageError("add.owner-needed", type=rt.id)
    slug = make_slug(args.title) if args.title else make_slug(source.stem)
    if not slug:
        raise UsageError("add.empty-slug", value=args.title or source.name)
    return build_path(year, rt.owner, owner, rt.id, slug)


def _own_work(config: Config, person: str, items: list[Item]) -> None:
    """A teacher submits her own records: a record in a colleague's folder (`--owner`, or a
    file placed there) would go for approval in that colleague's name without her."""
    for item in items:
        try:
            record = parse_path(item.rel)
        except PathProblem:
            continue  # the rules say what is wrong with the path
        if record.owner_level == "giao-vien" and record.owner_id and record.owner_id != person:
            me, owner = config.people.person(person), config.people.person(record.owner_id)
            raise ApprovalError(
                "submit.not-yours",
                ExitCode.UNTRUSTED,
                name=me.name if me else person,
                owner=owner.name if owner else record.owner_id,
                path=item.rel,
            )


def _own_group(config: Config, person: str) -> str | None:
    holder = config.people.person(person)
    if holder is None:
        return None
    today = date.today()
    groups = {r.group for r in holder.roles if r.role == "to-truong" and r.group and r.active_on(today)}
    return groups.pop() if len(groups) == 1 else None


def _check(root: Path, config: Config, parent: str, items: list[Item]) -> int:
    """The submission branch's rules on the new versions; 0, or the worst exit code."""
    known = frozenset(e.path for e in tree_entries(root, parent, RECORDS_DIR)) | {i.rel for i in items}
    worst_code = 0
    cache = EvidenceCache(root)
    try:
        for item in items:
            entry = Entry(item.rel, "100644", blob_id(item.data), len(item.data))
            ctx = Context(
                config=config,
                source=MemoryReader(item.data),
                cache=cache,
                all_paths=known,
                allow_pending=True,
            )
            result = engine.run([Subject(entry)], ctx)
            errors = [f for f in result.findings if f.severity == "error"]
            for f in result.findings:
                err(f.line())
            if errors:
                worst_code = max(worst_code, int(worst({f.exit_code for f in errors})))
    finally:
        cache.close()
    return worst_code


def _tidy(root: Path, items: list[Item], from_index: bool, branch: str) -> None:
    """Leave the teacher's checkout as clean as before: the records now live on `branch`."""
    rels = [i.rel for i in items]
    here = current_branch(root)
    if here == branch:
        # the submission branch is checked out: its index and files follow the new commit
        git_ok(root, "reset", "-q", "--", *rels)
        for item in items:
            path = root / item.rel
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(item.data)
        return
    if from_index:
        git_ok(root, "reset", "-q", "--", *rels)  # unstage: they were committed elsewhere
    tracked = set(git_ok(root, "ls-files", "-z", "--", *rels).stdout.split("\0"))
    for item in items:
        path = root / item.rel
        # an untracked copy identical to the submitted bytes would block the next pull
        if item.rel not in tracked and path.is_file() and path.read_bytes() == item.data:
            path.unlink()
