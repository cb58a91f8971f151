"""The numbers of the school's report upward, each with the records (or expected slots) behind it.

Nothing is judged again here: record statuses and signatures come from the site model
(`hoso.site.model.collect`: the cached verdicts `hoso check` uses), deadlines, submission times
and states from `hoso.timeliness`, what the school owes from `hoso.deadlines.expected`. A
submission still waiting on a `nop/…` branch counts as submitted (it is not missing), never
as approved or signed: its signatures were not judged for main.

Two kinds of count, never mixed in one column:

- records (paths): submitted, approved, signed, on time, late, pending, invalid;
- expected slots (a type, an owner, a học kỳ, a deadline): required, missing, not yet due.

A slot is filled by any record of its type, owner (and học kỳ) in the year; a type without a
`deadline` in the catalog, or one due before a teaching week (lesson plans), expects no slot:
its records are counted, its "required" is 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from hoso.calendar import SchoolYear, school_year
from hoso.config import Config
from hoso.config.models import Group, RecordType, School
from hoso.deadlines import Expected, expected
from hoso.errors import NotFoundError, UsageError
from hoso.git.history import has_commits
from hoso.record_times import Moment
from hoso.records import PathProblem, parse_path, valid_year, year_span
from hoso.site.model import INSPECTOR, Record, collect, owner_name
from hoso.status import CHO_DUYET, DA_DUYET, KHONG_HOP_LE
from hoso.timeliness import LATE, ON_TIME, UNDETERMINED, Row, group_of, judged_row, local_day

REPORT_FORMAT, REPORT_VERSION = "hoso-report", 1
# hồ sơ chuyên môn: the records Điều 21 of the school charters puts on the tổ chuyên môn and the
# teachers (plans, lesson plans, professional meeting books, homeroom books)
PROFESSIONAL_OWNERS = ("to", "giao-vien")
SLOT_COLUMNS = ("required", "missing", "not_due")
RECORD_COLUMNS = ("submitted", "approved", "signed", "on_time", "late", "pending", "invalid")
COLUMNS = (
    "required",
    "submitted",
    "approved",
    "signed",
    "on_time",
    "late",
    "missing",
    "not_due",
    "pending",
    "invalid",
)
INDICATORS = ("ky-so", "da-duyet", "dung-han")


@dataclass
class Item:
    """A record the report counts: in the commit, or submitted and waiting on a branch."""

    path: str
    type_id: str
    owner_level: str
    owner_id: str | None
    owner_name: str
    title: str
    status: str  # da-duyet | cho-duyet | khong-hop-le (a branch submission: cho-duyet)
    signed: bool  # at least one valid signature, and nothing broken
    in_commit: bool
    hoc_ky: int | None  # the học kỳ it belongs to; None when nothing tells
    row: Row

    @property
    def approved(self) -> bool:
        return self.in_commit and self.status == DA_DUYET


@dataclass
class Need:
    """An expected record (a slot) and the records that fill it."""

    expected: Expected
    hoc_ky: int
    due: bool  # its deadline has passed on the report's day
    items: list[Item] = field(default_factory=list)

    @property
    def missing(self) -> bool:
        return not self.items and self.due

    @property
    def not_due(self) -> bool:
        return not self.items and not self.due


@dataclass
class Line:
    """One row of a table: a record type, a tổ, or the whole school."""

    key: str
    name: str
    items: list[Item]
    needs: list[Need]
    rt: RecordType | None = None

    def records(self, column: str) -> list[Item]:
        return [i for i in self.items if _counts_in(i, column)]

    def slots(self, column: str) -> list[Need]:
        if column == "required":
            return list(self.needs)
        return [n for n in self.needs if (n.missing if column == "missing" else n.not_due)]

    def count(self, column: str) -> int:
        return len(self.slots(column) if column in SLOT_COLUMNS else self.records(column))


def _counts_in(i: Item, column: str) -> bool:
    """Whether record `i` counts in record column `column`."""
    if column == "submitted":
        return True
    if column == "approved":
        return i.approved
    if column == "signed":
        return i.signed
    if column in ("on_time", "late"):
        return i.row.state == (ON_TIME if column == "on_time" else LATE)
    if column in ("pending", "invalid"):
        return i.status == (CHO_DUYET if column == "pending" else KHONG_HOP_LE)
    raise ValueError(f"not a record column: {column}")


@dataclass
class Indicator:
    """numerator / denominator, both lists of slots of hồ sơ chuyên môn."""

    id: str
    numerator: list[Need]
    denominator: list[Need]

    @property
    def value(self) -> float | None:
        return len(self.numerator) / len(self.denominator) if self.denominator else None


@dataclass
class Report:
    school: School
    year: str
    hoc_ky: int | None
    today: date
    commit: str
    commit_date: str
    push_log: bool  # submission times from the server's push log where it covers them
    calendar: SchoolYear
    items: list[Item]
    types: list[Line]
    groups: list[Line]
    total: Line
    indicators: list[Indicator]
    config: Config

    @property
    def undetermined(self) -> list[Item]:
        """Records whose deadline cannot be told (slug and title disagree, a week outside the
        calendar): in no on-time or late column, counted apart."""
        return [i for i in self.items if i.row.state == UNDETERMINED]


def build(root: Path, year: str, *, today: date, hoc_ky: int | None = None, rev: str = "HEAD") -> Report:
    """The report of `year` (or of its học kỳ `hoc_ky`) from commit `rev`, as of `today`."""
    if not valid_year(year):
        raise UsageError("report.bad-year", value=year)
    if hoc_ky not in (None, 1, 2):
        raise UsageError("report.bad-hoc-ky", value=str(hoc_ky))
    if not has_commits(root, rev):
        raise NotFoundError("report.no-commit", path=str(root))
    site = collect(root, INSPECTOR, rev, today=today)
    config = site.config
    assert site.timeliness is not None and site.timeliness.arrivals is not None  # collect computes it
    sy = school_year(year, config.catalog.calendar)
    arrivals = site.timeliness.arrivals  # the history is read once
    all_items = [_record_item(r, sy) for r in site.records if r.loc.year == year and r.timeliness]
    waiting = [_branch_item(p, config, sy, today, arrivals.submitted[p]) for p in sorted(arrivals.pending)]
    all_items += [i for i in waiting if i is not None and i.row.year == year]
    if not all_items:
        known = {r.loc.year for r in site.records} | {i.row.year for i in waiting if i is not None}
        raise NotFoundError(
            "report.no-records",
            year=year,
            commit=site.commit[:10],
            known=", ".join(sorted(known, reverse=True)) or "—",
        )
    needs = _needs(config, year, sy, today, all_items)
    items = [i for i in all_items if hoc_ky is None or i.hoc_ky == hoc_ky]
    needs = [n for n in needs if hoc_ky is None or n.hoc_ky == hoc_ky]
    items.sort(key=lambda i: i.path)
    total = Line("tong", site.school_name, items, needs)
    return Report(
        school=config.catalog.school,
        year=year,
        hoc_ky=hoc_ky,
        today=today,
        commit=site.commit,
        commit_date=site.commit_date,
        push_log=site.timeliness.push_log,
        calendar=sy,
        items=items,
        types=_by_type(config, items, needs),
        groups=_by_group(config, year, items, needs),
        total=total,
        indicators=_indicators(needs),
        config=config,
    )


def _hoc_ky_of(day: date, sy: SchoolYear) -> int:
    return 1 if day <= sy.hoc_ky_1_end else 2


def _item_hoc_ky(row: Row, sy: SchoolYear) -> int | None:
    """The học kỳ a record counts for: named (cuối học kỳ types), else that of its deadline,
    else that of its first submission."""
    if row.hoc_ky is not None:
        return row.hoc_ky
    if row.deadline is not None:
        return _hoc_ky_of(row.deadline, sy)
    return _hoc_ky_of(local_day(row.submitted), sy) if row.submitted else None


def signed(record: Record) -> bool:
    """Digitally signed: a valid signature, and no broken, untrusted or unauthorised one."""
    if record.status == KHONG_HOP_LE:
        return False
    return any(s.kind == "signature" and s.status == "valid" for s in record.signatures)


def _record_item(r: Record, sy: SchoolYear) -> Item:
    assert r.timeliness is not None
    return Item(
        path=r.path,
        type_id=r.rt.id,
        owner_level=r.loc.owner_level,
        owner_id=r.loc.owner_id,
        owner_name=r.owner_name,
        title=r.title,
        status=r.status,
        signed=signed(r),
        in_commit=True,
        hoc_ky=_item_hoc_ky(r.timeliness, sy),
        row=r.timeliness,
    )


def _branch_item(path: str, config: Config, sy: SchoolYear, today: date, submitted: Moment) -> Item | None:
    """A submission waiting on a branch: its deadline and state as `hoso.timeliness` judges them."""
    try:
        loc = parse_path(path)
    except PathProblem:
        return None
    rt = config.catalog.type_by_id(loc.type_id)
    if rt is None:
        return None
    year_sy = sy if loc.year == sy.year else school_year(loc.year, config.catalog.calendar)
    row = judged_row(path, loc, rt, year_sy, "", submitted, None, today)
    return Item(
        path=path,
        type_id=rt.id,
        owner_level=loc.owner_level,
        owner_id=loc.owner_id,
        owner_name=owner_name(config, loc.owner_level, loc.owner_id),
        title=loc.slug,
        status=CHO_DUYET,
        signed=False,
        in_commit=False,
        hoc_ky=_item_hoc_ky(row, year_sy),
        row=row,
    )


def _needs(config: Config, year: str, sy: SchoolYear, today: date, items: list[Item]) -> list[Need]:
    """Every slot the catalog and people.yml expect in `year`, with the records that fill it
    (the same matching as `hoso.timeliness`: type, owner and học kỳ)."""
    filling: dict[tuple[str, str, str | None, int | None], list[Item]] = {}
    for i in items:
        filling.setdefault((i.type_id, i.owner_level, i.owner_id, i.row.hoc_ky), []).append(i)
    found = []
    for e in expected(config, year, sy):
        hoc_ky = e.hoc_ky or _hoc_ky_of(e.deadline, sy)
        fill = filling.get((e.type_id, e.owner_level, e.owner_id, e.hoc_ky), [])
        found.append(Need(e, hoc_ky, today > e.deadline, sorted(fill, key=lambda i: i.path)))
    return found


def _by_type(config: Config, items: list[Item], needs: list[Need]) -> list[Line]:
    level = config.catalog.school.level
    lines = []
    for rt in config.catalog.record_types:
        mine = [i for i in items if i.type_id == rt.id]
        if not mine and rt.levels is not None and level not in rt.levels:
            continue
        lines.append(Line(rt.id, rt.name, mine, [n for n in needs if n.expected.type_id == rt.id], rt))
    return lines


def _by_group(config: Config, year: str, items: list[Item], needs: list[Need]) -> list[Line]:
    """Per tổ: its own records and those of the teachers who belonged to it that year
    (the grouping of `Timeliness.by_group`)."""

    def key(level: str, owner: str | None) -> str | None:
        if level == "to":
            return owner
        return group_of(config, owner, year) if level == "giao-vien" and owner else None

    lines = []
    for g in config.people.groups:
        mine = [i for i in items if key(i.owner_level, i.owner_id) == g.id]
        slots = [n for n in needs if key(n.expected.owner_level, n.expected.owner_id) == g.id]
        if mine or slots or (g.kind == "chuyen-mon" and _active(g, year)):
            lines.append(Line(g.id, g.name, mine, slots))
    return lines


def _active(group: Group, year: str) -> bool:
    start, end = year_span(year)
    return (group.from_ is None or group.from_ <= end) and (group.until is None or group.until >= start)


def _indicators(needs: list[Need]) -> list[Indicator]:
    """The roadmap indicators over the hồ sơ chuyên môn owed so far (docs/report.md): the
    denominator is every slot already due or already filled (required − not yet due)."""
    base = [n for n in needs if n.expected.owner_level in PROFESSIONAL_OWNERS and not n.not_due]
    return [
        Indicator("ky-so", [n for n in base if any(i.signed for i in n.items)], base),
        Indicator("da-duyet", [n for n in base if any(i.approved for i in n.items)], base),
        Indicator("dung-han", [n for n in base if any(i.row.state == ON_TIME for i in n.items)], base),
    ]
