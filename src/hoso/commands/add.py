"""`hoso add FILE --type T --owner O --year Y [--title …]`: place a PDF at its right path.

The file is checked with the same engine as `hoso check` before anything is written, and an
existing record is never overwritten.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from hoso import titles
from hoso.commands._common import err, out, repo_root
from hoso.config import load_config
from hoso.errors import ExistsError, ExitCode, HosoError, NotFoundError, UsageError, worst
from hoso.evidence import EvidenceCache
from hoso.git.objects import Entry, MemoryReader, blob_id
from hoso.git.refs import current_branch
from hoso.git.worktree import index_entries, stage
from hoso.messages import t
from hoso.records import build_path, make_slug, school_year_of, valid_year
from hoso.rules import engine
from hoso.rules.base import Context, Subject
from hoso.writes import write_new


def run(args: argparse.Namespace) -> int:
    root, is_git = repo_root(args.repo)
    source = Path(args.file)
    if not source.is_file():
        raise NotFoundError("add.source-missing", path=args.file)
    config = load_config(root)
    rt = config.catalog.type_by_id(args.type)
    if rt is None:
        choices = ", ".join(r.id for r in config.catalog.record_types)
        raise UsageError("add.unknown-type", value=args.type, choices=choices)
    year = args.year or school_year_of(date.today())
    if not valid_year(year):
        raise UsageError("add.bad-year", value=year)
    owner_id: str | None = None
    if rt.owner != "truong":
        if not args.owner:
            raise UsageError("add.owner-needed", type=rt.id)
        owner_id = args.owner
    slug = make_slug(args.title) if args.title else make_slug(source.stem)
    if not slug:
        raise UsageError("add.empty-slug", value=args.title or source.name)
    rel = build_path(year, rt.owner, owner_id, rt.id, slug)
    dest = root / rel

    data = source.read_bytes()
    entry = Entry(rel, "100644", blob_id(data), len(data))
    cache = EvidenceCache(root)
    try:
        ctx = Context(
            config=config,
            source=MemoryReader(data),
            cache=cache,
            all_paths=_known(root, is_git),
            # on a submission branch a record awaiting its approvers' signatures is normal; on
            # the protected branch it is refused with the way forward (hoso submit)
            allow_pending=_on_submission_branch(root, is_git, config.catalog.defaults.protected_branch),
        )
        result = engine.run([Subject(entry)], ctx)
    finally:
        cache.close()
    errors = [f for f in result.findings if f.severity == "error"]
    for f in result.findings:
        err(f.line())
    if errors:
        err(t("add.refused", path=args.file))
        return int(worst({f.exit_code for f in errors}))

    _write_new(dest, data, rel)
    if is_git and not args.no_stage:
        try:
            stage(root, [rel])
        except HosoError:
            err(t("add.stage-failed", path=rel))
    out(rel)
    if args.title and not titles.clean(_pdf_title(data)):
        # the PDF names no title: the commit keeps the one given, for the site and the bundle
        err(t("add.done-title", path=rel, title=" ".join(args.title.split()).replace('"', "'")))
    else:
        err(t("add.done", path=rel))
    return int(ExitCode.OK)


def _on_submission_branch(root: Path, is_git: bool, protected: str) -> bool:
    branch = current_branch(root) if is_git else None
    return branch is not None and branch != protected


def _known(root: Path, is_git: bool) -> frozenset[str]:
    if is_git:
        return frozenset(e.path for e in index_entries(root))
    return frozenset()


def _write_new(dest: Path, data: bytes, rel: str) -> None:
    try:
        write_new(dest, data)
    except FileExistsError:
        raise ExistsError("add.exists", path=rel) from None


def _pdf_title(data: bytes) -> str:
    from hoso.pdf.text import pdf_title

    return pdf_title(data)
