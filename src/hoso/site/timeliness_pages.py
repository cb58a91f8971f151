"""Timeliness on the site: what the templates are given to show a record's deadline, submission
and approval, and per year, type, tổ and person how many records came on time, late, or are
still missing past their deadline (templates `_timeliness.md.j2` and `_entry.md.j2`).

A time read from a commit is the committer's claim and is said to be one (`Moment.claim`,
class `hoso-claim`); a time from the server's push log is evidence. A record whose deadline
cannot be told (slug and title naming different weeks, a week outside the calendar) says why,
and is counted apart (shown only where there is one). The public edition lists no slot of a
confidential type (hoso.timeliness.Timeliness.withhold).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from hoso.messages import t
from hoso.record_times import COMMIT
from hoso.record_times import Moment as Found
from hoso.site.model import Site, describe_time
from hoso.timeliness import COUNTED, LATE, NO_DEADLINE, NOT_DUE, UNDETERMINED, Row, Slot

SLOT_LIMIT = 100  # missing rows shown per list; the rest are counted


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


def state_text(row: Row) -> str:
    text = t("site.timely.state." + row.state)
    if row.state == LATE and row.days_late:
        text = t("site.timely.late-by", days=row.days_late)
    if row.state == UNDETERMINED and row.reason:
        text += ": " + t("site.timely.reason." + row.reason, named=", ".join(map(str, row.named)))
    return text


# ---- a record's entry ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Moment:
    """A time shown with where it comes from: a claim (the commit's) or evidence (the push log)."""

    time: str
    source: str  # its label: "theo commit", "theo nhật ký máy chủ"…
    claim: bool


@dataclass(frozen=True, slots=True)
class EntryTimeliness:
    """The deadline rows of a record's metadata table."""

    state: str  # dung-han, tre-han, khong-xac-dinh, khong-co-han…
    state_text: str
    deadline: str  # dd/mm/yyyy, "" when none
    hoc_ky: int | None  # the term or week the deadline is for (not said when undetermined)
    week: int | None
    submitted: Moment | None
    approved: Moment | None


def _moment(found: Found | None) -> Moment | None:
    if found is None:
        return None
    return Moment(describe_time(found.time), t("site.timely.source." + found.source), found.source == COMMIT)


def entry(row: Row | None) -> EntryTimeliness | None:
    if row is None:
        return None
    return EntryTimeliness(
        state=row.state,
        state_text=state_text(row),
        deadline=day(row.deadline),
        hoc_ky=row.hoc_ky,
        week=row.week,
        submitted=_moment(row.submitted),
        approved=_moment(row.approved),
    )


# ---- sections of the year, type, tổ and person pages -----------------------------------------------


@dataclass(frozen=True, slots=True)
class SlotRow:
    """A record expected and not submitted past its deadline."""

    type_name: str  # with the học kỳ it is for
    owner_name: str
    deadline: str
    overdue: int  # days


@dataclass(frozen=True, slots=True)
class Section:
    """Counts of one owner, tổ or type in one year, then what is missing and the notes."""

    counts: list[tuple[str, int]]  # (state, number) of the states shown
    today: str
    missing: list[SlotRow]  # the first SLOT_LIMIT
    missing_total: int
    with_owner: bool
    with_type: bool
    claims_note: bool  # a submission time is the committer's claim
    weeks_note: bool  # a deadline "before the week" is read from the week the record names


@dataclass(frozen=True, slots=True)
class TypeCounts:
    name: str
    counts: list[int]


@dataclass(frozen=True, slots=True)
class YearSection:
    """Per record type of the year: on time, late, missing; then every missing record."""

    keys: list[str]  # the states counted
    today: str
    types: list[TypeCounts]
    missing: Section


def _keys(counts: Iterable[dict[str, int]]) -> list[str]:
    """The counts shown: never "not yet due" (a record list), "undetermined" only when any."""
    shown = [k for k in COUNTED if k != NOT_DUE]
    return shown if any(c[UNDETERMINED] for c in counts) else [k for k in shown if k != UNDETERMINED]


def _section(
    site: Site, rows: list[Row], missing: list[Slot], *, with_owner: bool, with_type: bool
) -> Section:
    timely = site.timeliness
    assert timely is not None
    counts = timely.counts(rows, missing)
    return Section(
        counts=[(k, counts[k]) for k in _keys([counts])],
        today=day(timely.today),
        missing=[_slot(site, slot, with_type) for slot in missing[:SLOT_LIMIT]],
        missing_total=len(missing),
        with_owner=with_owner,
        with_type=with_type,
        claims_note=any(r.submitted and r.submitted.source == COMMIT for r in rows),
        weeks_note=any(_before_week(site, r.type_id) for r in rows),
    )


def _slot(site: Site, slot: Slot, with_type: bool) -> SlotRow:
    e = slot.expected
    name = ""
    if with_type:
        rt = site.config.catalog.type_by_id(e.type_id)
        name = rt.name if rt else e.type_id
        if e.hoc_ky:
            name += " — " + t("site.timely.for-hoc-ky", n=e.hoc_ky)
    return SlotRow(name, e.owner_name, day(e.deadline), slot.days_overdue)


def _before_week(site: Site, type_id: str) -> bool:
    rt = site.config.catalog.type_by_id(type_id)
    return rt is not None and rt.deadline is not None and rt.deadline.kind == "truoc-tuan"


def owner_section(site: Site, year: str, level: str, owner_id: str | None) -> Section | None:
    """A person's or a school's deadlines of one year: counts, then what is missing."""
    timely = site.timeliness
    if timely is None:
        return None
    rows, missing = timely.owners.get((year, level, owner_id), ([], []))
    if not rows and not missing:
        return None
    return _section(site, rows, missing, with_owner=False, with_type=True)


def group_section(site: Site, year: str, group_id: str, members: set[str]) -> Section | None:
    """A tổ's deadlines of one year: its own records and its teachers'."""
    timely = site.timeliness
    if timely is None:
        return None
    rows: list[Row] = []
    missing: list[Slot] = []
    for level, owner in [("to", group_id), *(("giao-vien", m) for m in sorted(members))]:
        own_rows, own_missing = timely.owners.get((year, level, owner), ([], []))
        rows += own_rows
        missing += own_missing
    if not rows and not missing:
        return None
    return _section(site, rows, missing, with_owner=True, with_type=True)


def type_section(site: Site, year: str, type_id: str) -> Section | None:
    timely = site.timeliness
    if timely is None:
        return None
    rows, missing = timely.types.get((year, type_id), ([], []))
    if not rows and not missing:
        return None
    return _section(site, rows, missing, with_owner=True, with_type=False)


def year_section(site: Site, year: str) -> YearSection | None:
    timely = site.timeliness
    if timely is None:
        return None
    types = [(rt, timely.types.get((year, rt.id))) for rt in site.types()]
    shown = [(rt, found) for rt, found in types if found and (found[1] or any(r.deadline for r in found[0]))]
    if not shown:
        return None
    keys = _keys(timely.counts(*found) for _, found in shown)
    missing: list[Slot] = []
    rows: list[Row] = []
    counted = []
    for rt, (type_rows, type_missing) in shown:
        counts = timely.counts(type_rows, type_missing)
        counted.append(TypeCounts(rt.name, [counts[k] for k in keys]))
        missing += type_missing
        rows += type_rows
    every = _section(site, rows, missing, with_owner=True, with_type=True)
    return YearSection(keys, day(timely.today), counted, every)


__all__ = ["NO_DEADLINE", "UNDETERMINED", "EntryTimeliness", "Section", "YearSection", "state_text"]
