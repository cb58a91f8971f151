"""Declared schemas of the three configuration files (pydantic, validated after YAML loading).

Unknown keys are allowed by the models and reported as warnings by the loader.
Cross-references (a role's tổ, a lock's record types…) are checked by `semantic.py`.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from hoso.config.vocab import DeadlineKind, Level, OwnerLevel, Period

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
YearStr = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{4}$")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
DayMonth = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,2}/[0-9]{1,2}$")]  # "05/09": dd/mm
Fingerprint = Annotated[
    str, StringConstraints(pattern=r"^(?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{64}$")
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)


# ---- catalog.yml -------------------------------------------------------------------------


class School(_Model):
    name: Text
    code: Text
    level: Level
    province: Text
    commune: str | None = None
    authority: Text  # the supervising authority that inspects the school
    address: str | None = None


class Retention(_Model):
    keep: int | str  # years (int), "vinh-vien", or an event id such as "tra-hoc-sinh"
    source: Text
    confirmed: bool = False
    note: str | None = None


class Defaults(_Model):
    max_size_mb: float = Field(default=10.0, gt=0, le=500)
    pending_on_main: bool = False  # may a record without all signatures (chờ duyệt) be on main?
    protected_branch: str = "main"  # the branch that holds approved records
    # may one person fill two signer slots of a record (approve their own work)?
    self_approval: bool = False


class Deadline(_Model):
    """When a record is due, relative to the school calendar (hoso.deadlines computes the date)."""

    kind: DeadlineKind
    days: int | None = Field(default=None, ge=-120, le=366)  # offset after the anchor date
    week: int | None = Field(default=None, ge=1, le=60)  # sau-khai-giang: before week N starts


class CalendarYear(_Model):
    """One school year's actual dates (the province's decision), overriding the defaults."""

    year: YearStr
    opening: date
    hoc_ky_1_end: date
    year_end: date


class Calendar(_Model):
    """The school calendar: defaults as day/month, per-year dates where the province set them."""

    opening: DayMonth = "05/09"  # khai giảng
    hoc_ky_1_end: DayMonth = "17/01"  # học kỳ I ends before 18/01
    year_end: DayMonth = "30/05"  # the year ends before 31/5
    weeks: int = Field(default=35, ge=1, le=53)  # teaching weeks (18 + 17)
    years: list[CalendarYear] = []


class RecordType(_Model):
    id: Slug
    name: Text
    owner: OwnerLevel
    period: Period
    levels: list[Level] | None = None  # None: every school level
    retention: Retention
    signers: list[str | list[str]] = Field(min_length=1)
    confidential: bool = False
    max_size_mb: float | None = Field(default=None, gt=0, le=500)
    basis: str | None = None  # the regulation that requires this record
    description: str | None = None
    pending_on_main: bool | None = None
    self_approval: bool | None = None
    deadline: Deadline | None = None


class Catalog(_Model):
    version: Literal[1] = 1
    school: School
    defaults: Defaults = Defaults()
    calendar: Calendar = Calendar()
    record_types: list[RecordType] = Field(min_length=1)

    @cached_property
    def _types(self) -> dict[str, RecordType]:
        return {rt.id: rt for rt in self.record_types}

    def type_by_id(self, type_id: str) -> RecordType | None:
        return self._types.get(type_id)

    def max_size_bytes(self, rt: RecordType | None) -> int:
        mb = rt.max_size_mb if rt is not None and rt.max_size_mb else self.defaults.max_size_mb
        return int(mb * 1024 * 1024)


# ---- people.yml --------------------------------------------------------------------------


class Certificate(_Model):
    sha256: Fingerprint
    label: str | None = None

    @property
    def normalized(self) -> str:
        return self.sha256.replace(":", "").lower()


class Group(_Model):
    id: Slug
    name: Text
    kind: Literal["chuyen-mon", "van-phong"] = "chuyen-mon"
    from_: date | None = Field(default=None, alias="from")
    until: date | None = None


class RoleAssignment(_Model):
    role: str
    group: Slug | None = None
    class_: str | None = Field(default=None, alias="class")
    from_: date = Field(alias="from")
    until: date | None = None

    def active_during(self, start: date, end: date) -> bool:
        return self.from_ <= end and (self.until is None or self.until >= start)

    def active_on(self, day: date) -> bool:
        return self.from_ <= day and (self.until is None or day <= self.until)


class Person(_Model):
    id: Slug
    name: Text
    roles: list[RoleAssignment] = Field(min_length=1)
    certificates: list[Certificate] = []
    ssh_keys: list[str] = []  # public keys ("ssh-ed25519 AAAA…") whose signed commits are this person's
    accounts: list[str] = []  # the person's accounts on the git server (Gitolite, Forgejo, GitLab)
    email: str | None = None


class Seal(_Model):
    name: Text
    certificates: list[Certificate] = Field(min_length=1)


class People(_Model):
    version: Literal[1] = 1
    groups: list[Group] = []
    people: list[Person] = Field(min_length=1)
    seal: Seal | None = None

    @cached_property
    def _people(self) -> dict[str, Person]:
        return {p.id: p for p in self.people}

    @cached_property
    def _groups(self) -> dict[str, Group]:
        return {g.id: g for g in self.groups}

    def person(self, person_id: str) -> Person | None:
        return self._people.get(person_id)

    def group(self, group_id: str) -> Group | None:
        return self._groups.get(group_id)


# ---- locks.yml ---------------------------------------------------------------------------


class Lock(_Model):
    year: YearStr
    types: list[Slug] = []  # empty: every record type of that year
    since: date
    by: Slug  # person id of who locked (hiệu trưởng)
    reason: str | None = None


class Locks(_Model):
    version: Literal[1] = 1
    locks: list[Lock] = []
