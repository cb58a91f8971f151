"""Timeliness on the site: a record's deadline, submission and approval, and per year, type, tổ
and person how many records came on time, late, or are still missing past their deadline.

A time read from a commit is the committer's claim and is said to be one (class `hoso-claim`);
a time from the server's push log is evidence. A record whose deadline cannot be told (slug and
title naming different weeks, a week outside the calendar) says why, and is counted apart
(shown only where there is one). The public edition lists no slot of a confidential type
(hoso.timeliness.Timeliness.withhold). Pages are HTML-escaped as in `pages`.
"""

from __future__ import annotations

from collections.abc import Iterable

from hoso.messages import t
from hoso.record_times import COMMIT, Moment
from hoso.site.model import Site, describe_time
from hoso.timeliness import COUNTED, LATE, NO_DEADLINE, NOT_DUE, UNDETERMINED, Row, Slot

SLOT_LIMIT = 100  # missing rows shown per list; the rest are counted


def _esc(text: object) -> str:
    import html

    return html.escape(str(text), quote=True)


def _day(value: object) -> str:
    return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else ""


def state_text(row: Row) -> str:
    text = t("site.timely.state." + row.state)
    if row.state == LATE and row.days_late:
        text = t("site.timely.late-by", days=row.days_late)
    if row.state == UNDETERMINED and row.reason:
        text += ": " + t("site.timely.reason." + row.reason, named=", ".join(map(str, row.named)))
    return text


def _keys(counts: Iterable[dict[str, int]]) -> list[str]:
    """The counts shown: never "not yet due" (a record list), "undetermined" only when any."""
    shown = [k for k in COUNTED if k != NOT_DUE]
    return shown if any(c[UNDETERMINED] for c in counts) else [k for k in shown if k != UNDETERMINED]


def _moment(moment: Moment | None) -> str:
    if moment is None:
        return _esc(t("site.timely.none"))
    source = t("site.timely.source." + moment.source)
    css = "hoso-claim" if moment.source == COMMIT else "hoso-evidence"
    return f'{_esc(describe_time(moment.time))} <span class="{css}">{_esc(source)}</span>'


def entry_rows(row: Row | None) -> list[tuple[str, str]]:
    """(label, HTML) rows of a record's metadata table: deadline and state, first submission,
    approval, each time with its source."""
    if row is None:
        return []
    if row.state == UNDETERMINED:
        deadline = f'<span class="hoso-timely hoso-{_esc(row.state)}">{_esc(state_text(row))}</span>'
        if row.deadline is not None:
            deadline += " (" + _esc(t("site.timely.earliest", date=_day(row.deadline))) + ")"
    elif row.deadline is None:
        deadline = _esc(t("site.timely.state." + NO_DEADLINE))
    else:
        deadline = f"{_esc(_day(row.deadline))} — "
        deadline += f'<span class="hoso-timely hoso-{_esc(row.state)}">{_esc(state_text(row))}</span>'
    if row.state != UNDETERMINED:  # the reason names the weeks or học kỳ
        if row.hoc_ky:
            deadline += " " + _esc(t("site.timely.for-hoc-ky", n=row.hoc_ky))
        if row.week:
            deadline += " " + _esc(t("site.timely.for-week", n=row.week))
    return [
        (t("site.timely.deadline"), deadline),
        (t("site.timely.submitted"), _moment(row.submitted)),
        (t("site.timely.approved"), _moment(row.approved)),
    ]


def _summary(site: Site, rows: Iterable[Row], missing: Iterable[Slot]) -> str:
    timely = site.timeliness
    assert timely is not None
    counts = timely.counts(rows, missing)
    cells = " · ".join(f"{t('site.timely.count.' + k)}: {counts[k]}" for k in _keys([counts]))
    return f"{cells} ({t('site.timely.as-of', date=_day(timely.today))})"


def _missing_table(site: Site, slots: list[Slot], *, with_owner: bool, with_type: bool) -> list[str]:
    if not slots:
        return []
    head = []
    if with_type:
        head.append(t("site.col.type"))
    if with_owner:
        head.append(t("site.col.owner"))
    head += [t("site.timely.deadline"), t("site.timely.overdue")]
    lines = [f"**{t('site.timely.missing-title', count=len(slots))}**\n", "| " + " | ".join(head) + " |"]
    lines.append("|" + "---|" * len(head))
    for slot in slots[:SLOT_LIMIT]:
        e = slot.expected
        rt = site.config.catalog.type_by_id(e.type_id)
        cells = []
        if with_type:
            name = rt.name if rt else e.type_id
            cells.append(_md(name + (" — " + t("site.timely.for-hoc-ky", n=e.hoc_ky) if e.hoc_ky else "")))
        if with_owner:
            cells.append(_md(e.owner_name))
        cells += [_day(e.deadline), str(slot.days_overdue)]
        lines.append("| " + " | ".join(cells) + " |")
    if len(slots) > SLOT_LIMIT:
        lines.append("\n" + t("site.more", count=len(slots) - SLOT_LIMIT))
    return [*lines, ""]


def _md(text: str) -> str:
    from hoso.site.pages import md

    return md(text)


def _notes(site: Site, rows: list[Row]) -> list[str]:
    notes = []
    if any(r.submitted and r.submitted.source == COMMIT for r in rows):
        notes.append(t("site.timely.claims-note"))
    if any(_before_week(site, r.type_id) for r in rows):
        notes.append(t("site.timely.weeks-note"))
    return [f'<p class="hoso-note">{_esc(n)}</p>' for n in notes] + ([""] if notes else [])


def _before_week(site: Site, type_id: str) -> bool:
    rt = site.config.catalog.type_by_id(type_id)
    return rt is not None and rt.deadline is not None and rt.deadline.kind == "truoc-tuan"


def owner_section(site: Site, year: str, level: str, owner_id: str | None, heading: str = "###") -> list[str]:
    """A person's or a school's deadlines of one year: counts, then what is missing."""
    timely = site.timeliness
    if timely is None:
        return []
    rows, missing = timely.owners.get((year, level, owner_id), ([], []))
    if not rows and not missing:
        return []
    return [
        f"{heading} {t('site.timely.title')}\n",
        _summary(site, rows, missing) + "\n",
        *_missing_table(site, missing, with_owner=False, with_type=True),
        *_notes(site, rows),
    ]


def group_section(site: Site, year: str, group_id: str, members: set[str]) -> list[str]:
    """A tổ's deadlines of one year: its own records and its teachers'."""
    timely = site.timeliness
    if timely is None:
        return []
    rows: list[Row] = []
    missing: list[Slot] = []
    for level, owner in [("to", group_id), *(("giao-vien", m) for m in sorted(members))]:
        own_rows, own_missing = timely.owners.get((year, level, owner), ([], []))
        rows += own_rows
        missing += own_missing
    if not rows and not missing:
        return []
    return [
        f"### {t('site.timely.title')}\n",
        _summary(site, rows, missing) + "\n",
        *_missing_table(site, missing, with_owner=True, with_type=True),
        *_notes(site, rows),
    ]


def type_section(site: Site, year: str, type_id: str) -> list[str]:
    timely = site.timeliness
    if timely is None:
        return []
    rows, missing = timely.types.get((year, type_id), ([], []))
    if not rows and not missing:
        return []
    return [
        _summary(site, rows, missing) + "\n",
        *_missing_table(site, missing, with_owner=True, with_type=False),
        *_notes(site, rows),
    ]


def year_section(site: Site, year: str) -> list[str]:
    """Per record type of the year: on time, late, missing; then every missing record."""
    timely = site.timeliness
    if timely is None:
        return []
    types = [(rt, timely.types.get((year, rt.id))) for rt in site.types()]
    shown = [(rt, found) for rt, found in types if found and (found[1] or any(r.deadline for r in found[0]))]
    if not shown:
        return []
    keys = _keys(timely.counts(*found) for _, found in shown)
    out = [f"\n## {t('site.timely.title')}\n", t("site.timely.as-of-line", date=_day(timely.today)) + "\n"]
    out.append(f"| {t('site.col.type')} | " + " | ".join(t("site.timely.count." + k) for k in keys) + " |")
    out.append("|---|" + "---|" * len(keys))
    missing: list[Slot] = []
    rows: list[Row] = []
    for rt, (type_rows, type_missing) in shown:
        counts = timely.counts(type_rows, type_missing)
        out.append(f"| {_md(rt.name)} | " + " | ".join(str(counts[k]) for k in keys) + " |")
        missing += type_missing
        rows += type_rows
    out.append("")
    out.extend(_missing_table(site, missing, with_owner=True, with_type=True))
    out.extend(_notes(site, rows))
    return out
