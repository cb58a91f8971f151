"""Timeliness: each record against its deadline, and what is still missing past one.

`compute(root, rev, config, year=…, today=…)` is the library entry point (the site, index.json and
`hoso report` read it). A record is on time (`dung-han`) when its content was first submitted
on or before its deadline day (Vietnam time: hoso.record_times), late (`tre-han`, by whole days)
otherwise; a type without a deadline, or a record the deadline cannot place (a lesson plan
naming no week), is `khong-co-han`. A record whose slug and title name different weeks (or học
kỳ), or a week outside the calendar, is `khong-xac-dinh`, with the reason: the file name alone
never moves or removes a deadline. A record the catalog lets us expect
(hoso.deadlines.expected) that was never submitted is missing (`chua-nop`) once its deadline
has passed, `chua-den-han` before.

`today` is a parameter, never read from the clock here: the same commit and the same day give
the same answer, so site builds stay reproducible.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hoso.calendar import school_year
from hoso.deadlines import Expected, expected, record_due
from hoso.git.objects import tree_entries
from hoso.record_times import Arrivals, Moment, read
from hoso.records import RECORDS_DIR, PathProblem, parse_path, school_year_of
from hoso.trail import VN_TIME

if TYPE_CHECKING:
    from collections.abc import Callable, Container, Iterable, Mapping, Sequence

    from hoso.calendar import SchoolYear
    from hoso.config import Config
    from hoso.config.models import RecordType
    from hoso.records import RecordPath

ON_TIME, LATE, NOT_DUE, NO_DEADLINE, MISSING, UNDETERMINED = (
    "dung-han",
    "tre-han",
    "chua-den-han",
    "khong-co-han",
    "chua-nop",
    "khong-xac-dinh",
)
STATES = (ON_TIME, LATE, NOT_DUE, NO_DEADLINE, UNDETERMINED)
COUNTED = (ON_TIME, LATE, MISSING, NOT_DUE, UNDETERMINED)  # the per-year counts of index.json


@dataclass
class Row:
    """One record of the commit: its deadline, first submission, approval and state."""

    path: str
    year: str
    type_id: str
    owner_level: str
    owner_id: str | None
    hoc_ky: int | None
    week: int | None
    deadline: date | None
    submitted: Moment | None
    approved: Moment | None
    state: str
    days_late: int | None
    reason: str | None = None  # khong-xac-dinh: hoso.deadlines' problem (tuan-ngoai-lich, …)
    named: tuple[int, ...] = ()  # khong-xac-dinh: the weeks or học kỳ slug and title name

    def as_json(self) -> dict[str, Any]:
        return {
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "submitted": self.submitted.time if self.submitted else None,
            "submitted_source": self.submitted.source if self.submitted else None,
            "approved": self.approved.time if self.approved else None,
            "approved_source": self.approved.source if self.approved else None,
            "state": self.state,
            "days_late": self.days_late,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Slot:
    """An expected record nobody submitted: past its deadline (missing) or not yet due."""

    expected: Expected
    days_overdue: int  # 0 when not yet due

    def as_json(self) -> dict[str, Any]:
        e = self.expected
        return {
            "year": e.year,
            "type": e.type_id,
            "owner": {"level": e.owner_level, "id": e.owner_id, "name": e.owner_name},
            "hoc_ky": e.hoc_ky,
            "deadline": e.deadline.isoformat(),
            "days_overdue": self.days_overdue,
        }


@dataclass
class Timeliness:
    today: date
    rows: list[Row]
    missing: list[Slot]  # past the deadline, never submitted (chưa nộp)
    upcoming: list[Slot]  # not yet due, not yet submitted
    years: list[str]
    push_log: bool  # times come from the server's push log where it covers them
    arrivals: Arrivals | None = None  # the history read, for a caller that needs more of it
    by_path: dict[str, Row] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_path = {r.path: r for r in self.rows}

    def withhold(self, type_ids: Container[str]) -> None:
        """The public edition: no slot of a confidential type. A list of who has not filed a
        sổ chủ nhiệm tells, by difference, who has; its records are left out of the rows (and
        so of every count) by the caller. Called before anything is grouped."""
        self.missing = [s for s in self.missing if s.expected.type_id not in type_ids]
        self.upcoming = [s for s in self.upcoming if s.expected.type_id not in type_ids]

    def counts(
        self, rows: Iterable[Row], missing: Iterable[Slot] = (), upcoming: Iterable[Slot] = ()
    ) -> dict[str, int]:
        """{dung-han, tre-han, chua-nop, chua-den-han, khong-xac-dinh}: records by state,
        expected ones not submitted."""
        found = Counter(r.state for r in rows)
        return {
            ON_TIME: found[ON_TIME],
            LATE: found[LATE],
            MISSING: sum(1 for _ in missing),
            NOT_DUE: found[NOT_DUE] + sum(1 for _ in upcoming),
            UNDETERMINED: found[UNDETERMINED],
        }

    @cached_property
    def owners(self) -> dict[tuple[str, str, str | None], tuple[list[Row], list[Slot]]]:
        """(year, owner level, owner id) -> its rows and its missing slots, grouped once."""
        found: dict[tuple[str, str, str | None], tuple[list[Row], list[Slot]]] = {}
        for r in self.rows:
            found.setdefault((r.year, r.owner_level, r.owner_id), ([], []))[0].append(r)
        for s in self.missing:
            e = s.expected
            found.setdefault((e.year, e.owner_level, e.owner_id), ([], []))[1].append(s)
        return found

    @cached_property
    def types(self) -> dict[tuple[str, str], tuple[list[Row], list[Slot]]]:
        """(year, type id) -> its rows and its missing slots, grouped once."""
        found: dict[tuple[str, str], tuple[list[Row], list[Slot]]] = {}
        for r in self.rows:
            found.setdefault((r.year, r.type_id), ([], []))[0].append(r)
        for s in self.missing:
            found.setdefault((s.expected.year, s.expected.type_id), ([], []))[1].append(s)
        return found

    def year_counts(self, year: str) -> dict[str, int]:
        return self.counts(
            (r for r in self.rows if r.year == year),
            (s for s in self.missing if s.expected.year == year),
            (s for s in self.upcoming if s.expected.year == year),
        )

    def by_type(self, year: str | None = None) -> dict[str, dict[str, int]]:
        return self._grouped(lambda y, level, owner, type_id: type_id, year)

    def by_owner(self, year: str | None = None) -> dict[tuple[str, str | None], dict[str, int]]:
        return self._grouped(lambda y, level, owner, type_id: (level, owner), year)

    def by_group(self, config: Config, year: str | None = None) -> dict[str, dict[str, int]]:
        """Per tổ: its own records and those of the teachers who belonged to it that year."""

        def key(y: str, level: str, owner: str | None, type_id: str) -> str | None:
            if level == "to":
                return owner
            return group_of(config, owner, y) if level == "giao-vien" and owner else None

        grouped = self._grouped(key, year)
        return {k: v for k, v in grouped.items() if k is not None}

    def _grouped(
        self, key: Callable[[str, str, str | None, str], Any], year: str | None
    ) -> dict[Any, dict[str, int]]:
        rows: dict[Any, list[Row]] = {}
        missing: dict[Any, list[Slot]] = {}
        upcoming: dict[Any, list[Slot]] = {}
        for r in self.rows:
            if year is None or r.year == year:
                rows.setdefault(key(r.year, r.owner_level, r.owner_id, r.type_id), []).append(r)
        for into, slots in ((missing, self.missing), (upcoming, self.upcoming)):
            for s in slots:
                e = s.expected
                if year is None or e.year == year:
                    into.setdefault(key(e.year, e.owner_level, e.owner_id, e.type_id), []).append(s)
        keys = sorted(set(rows) | set(missing) | set(upcoming), key=str)
        return {k: self.counts(rows.get(k, []), missing.get(k, []), upcoming.get(k, [])) for k in keys}


def group_of(config: Config, person_id: str, year: str) -> str | None:
    """The tổ a person belonged to during `year` (their first role there naming one)."""
    from hoso.records import year_span

    person = config.people.person(person_id)
    if person is None:
        return None
    start, end = year_span(year)
    return next((r.group for r in person.roles if r.group and r.active_during(start, end)), None)


def local_day(moment: Moment) -> date:
    return moment.moment.astimezone(VN_TIME).date()


def state_of(
    deadline: date | None, submitted: Moment | None, today: date, problem: str | None = None
) -> tuple[str, int | None]:
    if problem is not None:  # the deadline cannot be told: never on time, never without one
        return UNDETERMINED, None
    if deadline is None:
        return NO_DEADLINE, None
    if submitted is None:  # history cannot say (a shallow clone): judged by today
        return (NOT_DUE, None) if today <= deadline else (LATE, (today - deadline).days)
    late = (local_day(submitted) - deadline).days
    return (LATE, late) if late > 0 else (ON_TIME, None)


def compute(
    root: Path,
    rev: str,
    config: Config,
    *,
    today: date,
    year: str | None = None,
    titles: Mapping[str, str] | None = None,
    statuses: Mapping[str, str] | None = None,
    log_keys: Sequence[str] | None = None,
) -> Timeliness:
    """Rows for every record of commit `rev` (of `year`, or all), and the expected records not
    submitted. `titles` (path -> title) lets a week or học kỳ be read from a title as well as
    the slug; `statuses` (path -> status) leaves `approved` empty for a record that is not
    đã duyệt now; `log_keys`: the server's push-log keys (hoso.record_times.read)."""
    arrivals = read(root, rev, config.catalog.defaults.protected_branch, log_keys=log_keys)
    entries = tree_entries(root, rev, RECORDS_DIR)
    rows: list[Row] = []
    have: set[tuple[str, str, str, str | None, int | None]] = set()
    record_years: set[str] = set()
    for entry in entries:
        row = _row(entry.path, entry.oid, config, arrivals, today, titles or {}, statuses)
        if row is None:
            continue
        record_years.add(row.year)
        have.add((row.year, row.type_id, row.owner_level, row.owner_id, row.hoc_ky))
        if year is None or row.year == year:
            rows.append(row)
    for path, oid in sorted(arrivals.pending.items()):  # submitted, awaiting approval: not missing
        row = _row(path, oid, config, arrivals, today, titles or {}, None)
        if row is not None:
            record_years.add(row.year)
            have.add((row.year, row.type_id, row.owner_level, row.owner_id, row.hoc_ky))
    years = [year] if year else expected_years(record_years, today)
    missing: list[Slot] = []
    upcoming: list[Slot] = []
    for y in years:
        sy = school_year(y, config.catalog.calendar)
        for e in expected(config, y, sy):
            if (e.year, e.type_id, e.owner_level, e.owner_id, e.hoc_ky) in have:
                continue
            if today > e.deadline:
                missing.append(Slot(e, (today - e.deadline).days))
            else:
                upcoming.append(Slot(e, 0))
    years = sorted(years, reverse=True)
    return Timeliness(today, rows, missing, upcoming, years, arrivals.push_log, arrivals)


def expected_years(record_years: set[str], today: date) -> list[str]:
    """The years whose missing records are listed: those holding records, and the current one
    when the year before it holds records (a school that has begun the year owes its plans).
    A year before the school kept its records here is never listed."""
    years = set(record_years)
    current = school_year_of(today)
    start = int(current[:4])
    if f"{start - 1}-{start}" in years:
        years.add(current)
    return sorted(years, reverse=True)


def _row(
    path: str,
    oid: str,
    config: Config,
    arrivals: Arrivals,
    today: date,
    titles: Mapping[str, str],
    statuses: Mapping[str, str] | None,
) -> Row | None:
    try:
        loc = parse_path(path)
    except PathProblem:
        return None
    rt = config.catalog.type_by_id(loc.type_id)
    if rt is None:
        return None
    submitted = arrivals.submission(path, oid)
    sy = school_year(loc.year, config.catalog.calendar)
    approved: Moment | None = None
    pending_ok = (
        rt.pending_on_main if rt.pending_on_main is not None else config.catalog.defaults.pending_on_main
    )
    if statuses is None or statuses.get(path) == "da-duyet":
        # main holds only approved records, unless the type lets chờ duyệt ones in: then it is
        # the arrival of the version whose status is known
        approved = arrivals.version_on_main.get((path, oid)) if pending_ok else arrivals.on_main.get(path)
    return judged_row(path, loc, rt, sy, titles.get(path, ""), submitted, approved, today)


def judged_row(
    path: str,
    loc: RecordPath,
    rt: RecordType,
    sy: SchoolYear,
    title: str,
    submitted: Moment | None,
    approved: Moment | None,
    today: date,
) -> Row:
    """A record's deadline (from its type, slug and title) and its state as of `today`."""
    placed = record_due(rt, sy, loc.slug, title, local_day(submitted) if submitted else None)
    state, days_late = state_of(placed.deadline, submitted, today, placed.problem)
    return Row(
        path=path,
        year=loc.year,
        type_id=rt.id,
        owner_level=loc.owner_level,
        owner_id=loc.owner_id,
        hoc_ky=placed.hoc_ky,
        week=placed.week,
        deadline=placed.deadline,
        submitted=submitted,
        approved=approved,
        state=state,
        days_late=days_late,
        reason=placed.problem,
        named=placed.named,
    )


def today_in_vietnam() -> date:
    """The CLI's today: the date in Việt Nam now (a build machine may run in UTC)."""
    return datetime.now(VN_TIME).date()
