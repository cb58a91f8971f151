"""The portal's tables, computed once from the store for the pages and the exports alike.

Tỷ lệ đạt (compliance) = đã duyệt ÷ (hồ sơ đã nộp + hồ sơ thiếu): the records the catalog
expects are those submitted plus those missing, and only approved ones count. A school whose
index.json says nothing of missing records (schema version 1) is judged on what it submitted,
and its "thiếu" and "trễ hạn" cells are "—" (unknown), never 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from hoso.portal.store import Store, Summary


@dataclass
class School:
    """A school of schools.yml as the portal shows it, whether or not its data could be used."""

    slug: str
    position: int
    label: str  # what schools.yml names (path or url)
    name: str
    code: str = ""
    level: str = ""
    commune: str = ""
    province: str = ""
    authority: str = ""
    state: str = "error"
    problems: list[tuple[str, str]] = field(default_factory=list)  # (state, message)
    site_href: str | None = None  # its own site: portal-relative path or an absolute URL
    search_bundle: str | None = None  # its Pagefind bundle (portal-relative or absolute)
    commit: str = ""
    commit_date: str = ""
    audience: str = ""
    schema_version: int = 0
    has_missing: bool = False
    has_timeliness: bool = False
    has_data: bool = False
    records: int = 0  # records the portal holds of it (all years)


@dataclass
class Row:
    """One line of a table: a school's year, or a group (level, commune) of schools' years."""

    label: str
    da_duyet: int = 0
    cho_duyet: int = 0
    khong_hop_le: int = 0
    late: int | None = None
    missing: int | None = None
    hidden: int = 0
    locked: bool = False
    schools: int = 0
    school: School | None = None

    @property
    def total(self) -> int:
        return self.da_duyet + self.cho_duyet + self.khong_hop_le

    @property
    def compliance(self) -> float | None:
        expected = self.total + (self.missing or 0)
        return None if expected == 0 else self.da_duyet / expected

    def add(self, s: Summary, school: School) -> None:
        self.da_duyet += s.da_duyet
        self.cho_duyet += s.cho_duyet
        self.khong_hop_le += s.khong_hop_le
        self.hidden += s.hidden
        self.locked = self.locked or s.locked
        if school.has_timeliness:
            self.late = (self.late or 0) + s.late
        if school.has_missing:
            self.missing = (self.missing or 0) + s.missing
        self.schools += 1


def school_rows(store: Store, schools: Iterable[School], year: str) -> list[Row]:
    """One row per school for `year` (a school without data that year: zeros, or its error)."""
    by_slug = {s.slug: s for s in store.summaries(year=year)}
    rows = []
    for school in schools:
        row = Row(school.name, school=school)
        summary = by_slug.get(school.slug)
        if summary is not None and school.has_data:
            row.add(summary, school)
        else:
            row.late = 0 if school.has_timeliness else None
            row.missing = 0 if school.has_missing else None
        rows.append(row)
    return rows


def grouped(rows: Iterable[Row], key: str) -> dict[str, Row]:
    """Rows of schools summed by their `level` or `commune` (sorted by that value)."""
    groups: dict[str, Row] = {}
    for row in rows:
        school = row.school
        assert school is not None
        if not school.has_data:  # listed with its error in the school table, not counted here
            continue
        value = getattr(school, key) or ""
        group = groups.setdefault(value, Row(value))
        group.da_duyet += row.da_duyet
        group.cho_duyet += row.cho_duyet
        group.khong_hop_le += row.khong_hop_le
        group.hidden += row.hidden
        if row.late is not None:
            group.late = (group.late or 0) + row.late
        if row.missing is not None:
            group.missing = (group.missing or 0) + row.missing
        group.schools += 1
    return dict(sorted(groups.items()))


def total(rows: Iterable[Row], label: str) -> Row:
    out = Row(label)
    for row in rows:
        out.da_duyet += row.da_duyet
        out.cho_duyet += row.cho_duyet
        out.khong_hop_le += row.khong_hop_le
        out.hidden += row.hidden
        if row.late is not None:
            out.late = (out.late or 0) + row.late
        if row.missing is not None:
            out.missing = (out.missing or 0) + row.missing
        out.schools += row.schools if row.school is None else int(row.school.has_data)
    return out


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"
