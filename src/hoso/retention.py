"""Retention (thời hạn bảo quản): when a record's keeping period ends, from catalog.yml.

Shared by the history rule (a deletion before the end is refused) and `hoso retention`
(the list for the disposal council). A value is a number of years counted from the end of
the record's school year (31 July), "vinh-vien" (kept forever), or an event such as
"tra-hoc-sinh" (returned to the student), which can happen at the earliest once the year is over.
"""

from __future__ import annotations

from datetime import date

from hoso.config.models import RecordType
from hoso.config.vocab import RETENTION_PERMANENT
from hoso.records import RecordPath, year_span


def keep_until(record: RecordPath, rt: RecordType | None) -> date | None:
    """Last day of the retention period; None when the record is kept forever.

    An unknown record type gives `date.min` (no retention to protect it); an event gives the
    end of the school year (the earliest day the event can have happened).
    """
    if rt is None:
        return date.min
    keep = rt.retention.keep
    _, year_end = year_span(record.year)
    if keep == RETENTION_PERMANENT:
        return None
    if isinstance(keep, int):
        try:
            return year_end.replace(year=year_end.year + keep)
        except ValueError:
            return None
    return year_end


def is_event(rt: RecordType) -> bool:
    """Whether the retention ends on an event (trả học sinh) rather than a date."""
    keep = rt.retention.keep
    return not isinstance(keep, int) and keep != RETENTION_PERMANENT
