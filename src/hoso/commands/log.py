"""`hoso log [PATH] [--person P] [--since YYYY-MM-DD] [--all] [--format json]`: the audit trail.

Who submitted, approved, rejected, corrected, counter-signed, deleted what and when, with the
reasons their commits give, from one pass over history (see hoso.trail).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from hoso.commands._common import err, out_json, repo_root
from hoso.errors import ExitCode, UsageError
from hoso.messages import t, template

if TYPE_CHECKING:
    from hoso.trail import Event

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def run(args: argparse.Namespace) -> int:
    root, is_git = repo_root(args.repo)
    if not is_git:
        raise UsageError("log.not-git", path=str(root))
    since = parse_day(args.since) if args.since else None
    path = repo_path(root, args.path) if args.path else ""
    from concurrent.futures import ThreadPoolExecutor

    from hoso.gitlog import history_revs, list_cached

    revs = history_revs(root, all_refs=args.all)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # git lists the commits and SQLite reads them while the rest of hoso is imported
        listed = pool.submit(list_cached, root, revs, merge_changes=True) if revs else None
        from hoso import trail
        from hoso.rules.history import DISPOSAL

        query = trail.Query(path=path, person=args.person, since=since, all_refs=args.all)
        events = trail.events(root, query, revs=revs, listed=listed)
    if args.format == "json":
        out_json({"version": trail.JSON_VERSION, "events": [e.as_json() for e in events]})
    else:
        width = max(len(t(f"log.kind.{k}")) for k in trail.KINDS)
        labels = {k: t(f"log.kind.{k}").ljust(width) for k in trail.KINDS}
        line = template("log.line")
        # one write: thousands of events print in one go
        sys.stdout.write(
            "".join(render(e, labels, line, xoa=trail.XOA, disposal=DISPOSAL) + "\n" for e in events)
        )
        err(t("log.count", count=len(events)) if events else t("log.none"))
    return int(ExitCode.OK)


def parse_day(text: str) -> date:
    if not _DATE_RE.match(text):
        raise UsageError("log.bad-date", value=text)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError("log.bad-date", value=text) from None


def repo_path(root: Path, raw: str) -> str:
    """`raw` (relative to the current folder when inside the repository, else to its root)."""
    p = Path(raw)
    if not p.is_absolute():
        cwd = Path.cwd().resolve()
        base = cwd if cwd == root or root in cwd.parents else root
        p = base / p
    try:
        rel = Path(os.path.normpath(p)).relative_to(root)
    except ValueError:
        raise UsageError("log.outside-repo", path=raw) from None
    return "" if str(rel) == "." else rel.as_posix()


def render(e: Event, labels: dict[str, str], line: str, *, xoa: str, disposal: str) -> str:
    """One event as a line; `labels`: each kind's name, padded; `line`: the "log.line" template;
    `xoa`: the deletion kind; `disposal`: the trailer naming a disposal decision."""
    day = e.date[:16].replace("T", " ") + (" (UTC+7)" if e.date.endswith("+07:00") else "")

    def name(pid: str) -> str:
        return e.names.get(pid, pid)

    text = line.format(date=day, kind=labels[e.kind], who=name(e.author), paths=", ".join(e.paths))
    if not (e.reason or e.proofs or e.claims or e.kind == xoa):
        return text
    extra = []
    if e.reason:
        extra.append(t("log.reason", reason=e.reason))
    if e.kind == xoa:
        extra += [t("log.disposal", ref=ref) for ref in e.trailers.get(disposal, []) if ref != e.reason]
    if e.proofs:
        shown = ", ".join(t(f"log.proof.{p.kind}", person=name(p.person)) for p in e.proofs)
        extra.append(t("log.evidence", items=shown))
    if e.claims:
        extra.append(t("log.claimed", people=", ".join(name(c) for c in e.claims)))
    return text + "".join(" — " + x for x in extra)
