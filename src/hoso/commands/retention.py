"""`hoso retention [--as-of YYYY-MM-DD] [--due] [--format json]`: how long each record is kept.

For every record on HEAD: its keep-until date, "vĩnh viễn" or the event it ends on (trả học
sinh), the legal source the catalog cites and whether that value was checked against the
regulation (`confirmed`). `--due` lists only the records whose period has ended: the list for
the disposal council. Nothing is ever deleted here.
"""

from __future__ import annotations

import argparse
from datetime import date

from hoso.commands._common import err, out, out_json, repo_root
from hoso.commands.log import parse_day
from hoso.errors import ExitCode, UsageError
from hoso.messages import lang, t
from hoso.ops import retention as ops
from hoso.ops.retention import ENDED, EVENT, FOREVER, KEPT, UNKNOWN, Item, Report


def run(args: argparse.Namespace) -> int:
    root, is_git = repo_root(args.repo)
    if not is_git:
        raise UsageError("log.not-git", path=str(root))
    as_of = parse_day(args.as_of) if args.as_of else date.today()
    rep = ops.report(root, as_of)
    if args.format == "json":
        out_json(rep.as_json(due_only=args.due))
        return int(ExitCode.OK)
    items = rep.due() if args.due else rep.items
    if items:
        _table(items)
        _sources(items)
    _summary(rep, items, due_only=args.due)
    return int(ExitCode.OK)


def day(d: date) -> str:
    return t("retention.date", day=f"{d.day:02d}", month=f"{d.month:02d}", year=str(d.year))


def keep_label(item: Item) -> str:
    if item.rt is None:
        return t("retention.keep-unknown")
    keep = item.rt.retention.keep
    if isinstance(keep, int):
        return t("retention.years", years=keep)
    if keep == "vinh-vien":
        return t("history.forever")
    return ops.event_name(keep, lang())


def until_label(item: Item) -> str:
    if item.state == FOREVER:
        return t("history.forever")
    if item.state == UNKNOWN or item.until is None:
        return "—"
    if item.state == EVENT:
        return t("retention.after", date=day(item.until))
    return day(item.until)


def _rows(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]

    def line(cells: list[str]) -> str:
        return "  ".join([*(c.ljust(w) for c, w in zip(cells, widths, strict=False)), cells[-1]])

    out(line(header))
    out(line(["-" * w for w in widths] + ["-" * len(header[-1])]))
    for r in rows:
        out(line(r))


def _table(items: list[Item]) -> None:
    header = [
        t("retention.col-until"),
        t("retention.col-state"),
        t("retention.col-checked"),
        t("retention.col-path"),
    ]
    rows = [
        [
            until_label(i),
            t(f"retention.state.{i.state}"),
            "" if i.rt is None else t("retention.confirmed" if i.confirmed else "retention.unconfirmed"),
            i.path,
        ]
        for i in items
    ]
    _rows(header, rows)


def _sources(items: list[Item]) -> None:
    """The legal source of each record type that appears, once per type."""
    types = {i.rt.id: i.rt for i in items if i.rt is not None}
    if not types:
        return
    out()
    out(t("retention.sources-title"))
    header = [
        t("retention.col-type"),
        t("retention.col-keep"),
        t("retention.col-checked"),
        t("retention.col-source"),
    ]
    rows = []
    for type_id in sorted(types):
        rt = types[type_id]
        r = rt.retention
        keep = next(i for i in items if i.rt is not None and i.rt.id == type_id)
        source = r.source + (f" — {r.note}" if r.note else "")
        rows.append(
            [
                type_id,
                keep_label(keep),
                t("retention.confirmed" if r.confirmed else "retention.unconfirmed"),
                source,
            ]
        )
    _rows(header, rows)


def _summary(rep: Report, items: list[Item], *, due_only: bool) -> None:
    c = rep.counts()
    err(
        t(
            "retention.summary",
            total=len(rep.items),
            date=day(rep.as_of),
            ended=c[ENDED],
            kept=c[KEPT],
            forever=c[FOREVER],
            event=c[EVENT],
            unknown=c[UNKNOWN],
        )
    )
    unconfirmed = sum(1 for i in items if i.rt is not None and not i.confirmed)
    if due_only:
        err(t("retention.due", count=len(items), date=day(rep.as_of)) if items else t("retention.due-none"))
        if c[EVENT]:
            err(t("retention.due-events", count=c[EVENT]))
    if unconfirmed:
        err(t("retention.unconfirmed-warning", count=unconfirmed))
