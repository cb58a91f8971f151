"""Retention report: how long each record on HEAD is kept, and which ones have reached the end.

One `git ls-tree` for the whole tree; the catalog (and so the retention values, their legal
source and whether they were checked against the regulation) comes from HEAD as well. The
report is the working list for the disposal council (Hội đồng xác định giá trị tài liệu):
it never deletes anything. A deletion is a commit carrying `Quyet-dinh-huy:`, judged by the
history rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from hoso.config import Config, load_config
from hoso.config.models import RecordType
from hoso.config.vocab import RETENTION_EVENTS, RETENTION_PERMANENT
from hoso.errors import NotFoundError
from hoso.git.history import has_commits
from hoso.git.objects import CommitSnapshot, tree_entries
from hoso.git.process import run_git
from hoso.records import RECORDS_DIR, PathProblem, parse_path
from hoso.retention import is_event, keep_until

JSON_VERSION = 1

# states of a record's retention on the day of the report
KEPT = "con-han"  # the period runs until a later day
ENDED = "het-han"  # the period ended before the day of the report: the council may decide
FOREVER = "vinh-vien"
EVENT = "su-kien"  # ends on an event (trả học sinh): returned, never destroyed by date
UNKNOWN = "khong-ro"  # not a record path, or a type the catalog does not know
STATES = (ENDED, KEPT, EVENT, FOREVER, UNKNOWN)


@dataclass(frozen=True)
class Item:
    path: str
    year: str | None
    type_id: str | None
    rt: RecordType | None
    until: date | None  # last day kept (the earliest possible day for an event)
    state: str

    @property
    def confirmed(self) -> bool:
        return bool(self.rt and self.rt.retention.confirmed)

    def as_json(self) -> dict[str, Any]:
        r = self.rt.retention if self.rt else None
        return {
            "path": self.path,
            "year": self.year,
            "type": self.type_id,
            "type_name": self.rt.name if self.rt else None,
            "keep": r.keep if r else None,
            "until": self.until.isoformat() if self.until and self.until != date.min else None,
            "state": self.state,
            "source": r.source if r else None,
            "confirmed": r.confirmed if r else None,
            "note": r.note if r else None,
        }


@dataclass
class Report:
    head: str
    as_of: date
    items: list[Item]  # every record on HEAD, path order

    def due(self) -> list[Item]:
        """Records whose retention has ended as of the report's day (the council's list)."""
        return [i for i in self.items if i.state == ENDED]

    def counts(self, items: list[Item] | None = None) -> dict[str, int]:
        found = {s: 0 for s in STATES}
        for i in self.items if items is None else items:
            found[i.state] += 1
        return found

    def as_json(self, *, due_only: bool = False) -> dict[str, Any]:
        items = self.due() if due_only else self.items
        return {
            "version": JSON_VERSION,
            "head": self.head,
            "as_of": self.as_of.isoformat(),
            "due_only": due_only,
            "counts": self.counts(),
            "unconfirmed": sum(1 for i in items if i.rt is not None and not i.confirmed),
            "records": [i.as_json() for i in items],
        }


def head_config(root: Path) -> tuple[str, Config]:
    """HEAD's commit id and the configuration committed with it."""
    if not has_commits(root):
        raise NotFoundError("retention.no-commit", path=str(root))
    head = run_git(root, ["rev-parse", "HEAD"]).decode().strip()
    return head, load_config(root, CommitSnapshot(root, head))


def item_for(path: str, config: Config, as_of: date) -> Item:
    try:
        record = parse_path(path)
    except PathProblem:
        return Item(path, None, None, None, None, UNKNOWN)
    rt = config.catalog.type_by_id(record.type_id)
    if rt is None:
        return Item(path, record.year, record.type_id, None, None, UNKNOWN)
    until = keep_until(record, rt)
    if rt.retention.keep == RETENTION_PERMANENT or until is None:
        state = FOREVER
    elif is_event(rt):
        state = EVENT
    else:
        state = ENDED if until < as_of else KEPT
    return Item(path, record.year, record.type_id, rt, until, state)


def report(root: Path, as_of: date) -> Report:
    head, config = head_config(root)
    entries = tree_entries(root, head, RECORDS_DIR)
    items = [item_for(e.path, config, as_of) for e in entries if not e.is_gitlink]
    return Report(head, as_of, sorted(items, key=lambda i: i.path))


def event_name(keep: str, lang: str) -> str:
    names = RETENTION_EVENTS.get(keep)
    if names is None:
        return keep
    return names[1] if lang == "en" else names[0]
