"""The school calendar: the dates of a năm học, the học kỳ of a date, the start of week N.

Pure: no files, no git, no clock. The defaults are the Ministry's frame (khai giảng 05/9, học kỳ I
ends before 18/01, the year before 31/5, 35 teaching weeks: 18 + 17); catalog.yml's `calendar`
block overrides them for a province or school, and per year where the province decided the
actual dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from hoso.records import year_span

if TYPE_CHECKING:
    from hoso.config.models import Calendar

DEFAULT_OPENING = "05/09"
DEFAULT_HOC_KY_1_END = "17/01"
DEFAULT_YEAR_END = "30/05"
TEACHING_WEEKS = 35
# a month from August on belongs to the year's first calendar year, January to July to the second
FIRST_MONTH = 8

_DAY_MONTH = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})\Z")


@dataclass(frozen=True)
class SchoolYear:
    year: str  # "2024-2025"
    opening: date
    hoc_ky_1_end: date
    end: date
    weeks: int = TEACHING_WEEKS

    @property
    def first_monday(self) -> date:
        """Week 1 starts on the Monday of the opening day's week."""
        return self.opening - timedelta(days=self.opening.weekday())

    def week_start(self, week: int) -> date:
        return self.first_monday + timedelta(weeks=week - 1)

    def week_of(self, day: date) -> int | None:
        """The teaching week holding `day` (1-based), None before week 1 or after the year."""
        if day < self.first_monday or day > self.end:
            return None
        return (day - self.first_monday).days // 7 + 1

    def hoc_ky_of(self, day: date) -> int | None:
        """1 up to the end of học kỳ I (the summer before the opening included), 2 up to the end of
        the year, None outside the year's administrative span."""
        start, stop = year_span(self.year)
        if day < start or day > stop:
            return None
        if day <= self.hoc_ky_1_end:
            return 1
        return 2 if day <= self.end else None

    def hoc_ky_end(self, hoc_ky: int) -> date:
        return self.hoc_ky_1_end if hoc_ky == 1 else self.end


def day_month(text: str) -> tuple[int, int] | None:
    """(day, month) of "dd/mm", or None when it is not a date every year has (31/02, 29/02)."""
    found = _DAY_MONTH.match(text.strip())
    if found is None:
        return None
    day, month = int(found.group(1)), int(found.group(2))
    try:
        date(2023, month, day)  # not a leap year: 29/02 is refused
    except ValueError:
        return None
    return day, month


def in_year(text: str, year: str) -> date | None:
    """ "dd/mm" placed in school year `year`: August to December in its first calendar year,
    January to July in its second."""
    found = day_month(text)
    if found is None:
        return None
    day, month = found
    start = int(year[:4])
    return date(start if month >= FIRST_MONTH else start + 1, month, day)


def school_year(year: str, spec: Calendar | None = None) -> SchoolYear:
    """The dates of `year`: its own entry in `spec.years`, else `spec`'s defaults, else the
    Ministry's. A default that does not parse falls back to the Ministry's (validate-config
    reports it; nothing here raises)."""
    if spec is not None:
        for entry in spec.years:
            if entry.year == year:
                return SchoolYear(year, entry.opening, entry.hoc_ky_1_end, entry.year_end, spec.weeks)
    opening = spec.opening if spec else DEFAULT_OPENING
    hk1 = spec.hoc_ky_1_end if spec else DEFAULT_HOC_KY_1_END
    end = spec.year_end if spec else DEFAULT_YEAR_END
    return SchoolYear(
        year,
        in_year(opening, year) or _must(in_year(DEFAULT_OPENING, year)),
        in_year(hk1, year) or _must(in_year(DEFAULT_HOC_KY_1_END, year)),
        in_year(end, year) or _must(in_year(DEFAULT_YEAR_END, year)),
        spec.weeks if spec else TEACHING_WEEKS,
    )


def _must(day: date | None) -> date:
    assert day is not None  # the defaults above are valid dates
    return day


def ordered(sy: SchoolYear) -> bool:
    """Opening before the end of học kỳ I before the end of the year, all inside the year's span."""
    start, stop = year_span(sy.year)
    return start <= sy.opening < sy.hoc_ky_1_end < sy.end <= stop
