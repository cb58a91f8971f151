"""Deadlines of records (catalog.yml `deadline`), and which records the catalog lets us expect.

Kinds (the date is the last day on which a record is on time, Vietnam time):

- ``sau-khai-giang``: `days` after the opening day, or the day before week `week` starts;
- ``cuoi-hoc-ky``: the end of each học kỳ; one record expected per học kỳ, the học kỳ named in
  the slug or title (`hk1`, `hoc-ky-2`, `hki`), else the one the record was submitted in;
- ``cuoi-nam``: the end of the year;
- ``truoc-tuan``: the day before the record's teaching week starts, the week taken from the slug
  or title (`tuan-05`, "Tuần 5"); a record naming no week has no deadline.

The file name is typed by the record's author, the title is what the signed PDF says: neither
alone may move a deadline. A title is read as a reader sees it (`titles.visible`: an invisible
character in "Tuần 5" hides nothing). Where slug and title name different weeks (or học kỳ), the
earliest is taken and the record's deadline is undetermined (`problem`), as it is when a week lies
outside the calendar; hoso.timeliness shows that state, never "on time" or "no deadline".

`days` shifts any of them (e.g. ``{kind: truoc-tuan, days: -2}``: the Friday before).

Expected records ("chưa nộp" when missing past the deadline) exist only where the catalog and
people.yml say who owes what: one per year for the school, one per tổ chuyên môn that existed,
one per teacher who taught that year (per học kỳ for ``cuoi-hoc-ky``). Nothing says which weeks
need a lesson plan, so ``truoc-tuan`` records are never expected: a missing week is not invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from hoso.calendar import SchoolYear
from hoso.records import make_slug, year_span
from hoso.titles import visible

if TYPE_CHECKING:
    from hoso.config import Config
    from hoso.config.models import Deadline, RecordType

AFTER_OPENING, TERM_END, YEAR_END, BEFORE_WEEK = "sau-khai-giang", "cuoi-hoc-ky", "cuoi-nam", "truoc-tuan"

# Who must keep a teacher-level record: whoever teaches, and for the sổ chủ nhiệm only the
# homeroom teachers (Điều lệ trường: "của giáo viên chủ nhiệm").
TEACHING_ROLES = frozenset({"giao-vien", "gvcn", "to-truong", "to-pho"})
REQUIRED_ROLES = {"so-chu-nhiem": frozenset({"gvcn"})}

_WEEK = re.compile(r"(?:^|-)tuan-0*([0-9]{1,2})(?:-|$)")
_TERM = re.compile(r"(?:^|-)(?:hk|hoc-ky|ky)-?(1|2|i|ii)(?:-|$)")


def _slug(text: str) -> str:
    """The slug of what a reader sees: a zero width space splitting "Tuần" must not hide the week."""
    return make_slug(visible(text)) if text else ""


def week_in(*texts: str) -> int | None:
    """The teaching week a slug or title names ("tuan-05-toan-6a", "Tuần 5 – Toán 6A")."""
    for text in texts:
        found = _WEEK.search(_slug(text))
        if found:
            return int(found.group(1))
    return None


def weeks_named(*texts: str) -> list[int]:
    """The week each of `texts` names, in order (texts naming none are skipped)."""
    found = (_WEEK.search(_slug(text)) for text in texts)
    return [int(m.group(1)) for m in found if m]


def terms_named(*texts: str) -> list[int]:
    """The học kỳ each of `texts` names, in order (texts naming none are skipped)."""
    found = (_TERM.search(_slug(text)) for text in texts)
    return [1 if m.group(1) in ("1", "i") else 2 for m in found if m]


def hoc_ky_in(*texts: str) -> int | None:
    """The học kỳ a slug or title names ("so-ghi-dau-bai-6a-hk1", "Học kỳ II")."""
    for text in texts:
        found = _TERM.search(_slug(text))
        if found:
            return 1 if found.group(1) in ("1", "i") else 2
    return None


def due(rule: Deadline, sy: SchoolYear, *, hoc_ky: int | None = None, week: int | None = None) -> date | None:
    """The last on-time day of `rule` in year `sy` (for a học kỳ or a week where the kind needs
    one); None when the kind needs what is not known (no week, a week beyond the year)."""
    shift = timedelta(days=rule.days or 0)
    if rule.kind == AFTER_OPENING:
        if rule.week is not None:
            return sy.week_start(rule.week) - timedelta(days=1) + shift
        return sy.opening + shift
    if rule.kind == TERM_END:
        return sy.hoc_ky_end(hoc_ky or 1) + shift
    if rule.kind == YEAR_END:
        return sy.end + shift
    if week is None or not 1 <= week <= sy.weeks:
        return None
    return sy.week_start(week) - timedelta(days=1) + shift


# why a record's deadline is undetermined (RecordDue.problem)
WEEK_OUTSIDE, WEEKS_DIFFER, TERMS_DIFFER = "tuan-ngoai-lich", "tuan-khac-nhau", "hoc-ky-khac-nhau"


@dataclass(frozen=True)
class RecordDue:
    deadline: date | None  # with a problem: that of the earliest valid week or học kỳ named
    hoc_ky: int | None  # the học kỳ the record counts for (cuoi-hoc-ky)
    week: int | None  # the teaching week it is for (truoc-tuan)
    problem: str | None = None  # WEEK_OUTSIDE, WEEKS_DIFFER, TERMS_DIFFER: undetermined
    named: tuple[int, ...] = ()  # the weeks (or học kỳ) slug and title name, when a problem


def record_due(rt: RecordType, sy: SchoolYear, slug: str, title: str, submitted: date | None) -> RecordDue:
    """A record's deadline; `submitted` (its first submission day) places a record of a
    cuoi-hoc-ky type that names no học kỳ. Slug and title naming different weeks or học kỳ,
    or a week outside the calendar, make it undetermined (`problem`)."""
    rule = rt.deadline
    if rule is None:
        return RecordDue(None, None, None)
    if rule.kind == TERM_END:
        terms = terms_named(slug, title)
        hoc_ky = min(terms, default=None) or (sy.hoc_ky_of(submitted) if submitted else None) or 1
        problem = TERMS_DIFFER if len(set(terms)) > 1 else None
        return RecordDue(due(rule, sy, hoc_ky=hoc_ky), hoc_ky, None, problem, tuple(terms) if problem else ())
    if rule.kind == BEFORE_WEEK:
        weeks = weeks_named(slug, title)
        valid = [w for w in weeks if 1 <= w <= sy.weeks]
        week = min(valid, default=None)
        problem = None
        if len(valid) < len(weeks):
            problem = WEEK_OUTSIDE
        elif len(set(weeks)) > 1:
            problem = WEEKS_DIFFER
        named = tuple(weeks) if problem else ()
        return RecordDue(due(rule, sy, week=week), None, week, problem, named)
    return RecordDue(due(rule, sy), None, None)


@dataclass(frozen=True)
class Expected:
    """One record the catalog lets us expect: a type, an owner, a học kỳ, a deadline."""

    year: str
    type_id: str
    owner_level: str
    owner_id: str | None
    owner_name: str
    hoc_ky: int | None
    deadline: date


def required_owners(config: Config, rt: RecordType, year: str) -> list[tuple[str | None, str]]:
    """(owner id, name) of everyone who owes a record of `rt` in `year`: the school, each tổ
    chuyên môn that existed that year, each person holding a teaching role during it."""
    from hoso.messages import t

    start, end = year_span(year)
    if rt.owner == "truong":
        return [(None, t("site.owner-school"))]
    if rt.owner == "to":
        return [
            (g.id, g.name)
            for g in config.people.groups
            if g.kind == "chuyen-mon"
            and (g.from_ is None or g.from_ <= end)
            and (g.until is None or g.until >= start)
        ]
    roles = REQUIRED_ROLES.get(rt.id, TEACHING_ROLES)
    return [
        (p.id, p.name)
        for p in config.people.people
        if any(r.role in roles and r.active_during(start, end) for r in p.roles)
    ]


def expected(config: Config, year: str, sy: SchoolYear) -> list[Expected]:
    """Every record of `year` the catalog lets us expect, with its deadline (truoc-tuan: none)."""
    level = config.catalog.school.level
    found: list[Expected] = []
    for rt in config.catalog.record_types:
        rule = rt.deadline
        if rule is None or rule.kind == BEFORE_WEEK or (rt.levels is not None and level not in rt.levels):
            continue
        terms: tuple[int | None, ...] = (1, 2) if rule.kind == TERM_END else (None,)
        for owner_id, name in required_owners(config, rt, year):
            for hoc_ky in terms:
                day = due(rule, sy, hoc_ky=hoc_ky)
                if day is not None:
                    found.append(Expected(year, rt.id, rt.owner, owner_id, name, hoc_ky, day))
    return found
