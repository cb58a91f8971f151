"""The portal's tables as files: CSV (UTF-8 with a byte order mark, which Excel needs to read
Vietnamese) and XLSX (XlsxWriter: a small, pure-Python writer with no dependency of its own).

Per school year: `xuat/<year>-truong.csv` (one row per school), `xuat/<year>-cap.csv` (per level),
`xuat/<year>-xa.csv` (per commune), and `xuat/<year>.xlsx` holding the three as sheets. Numbers are
numbers (a compliance rate as a fraction formatted as a percentage in XLSX); an unknown value
(late or missing records of a school whose index.json does not say) is an empty cell, never 0.
The files carry no time of their own, so the same data gives the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from hoso.csvsafe import csv_row
from hoso.messages import t
from hoso.portal.pages import level_name, state_label
from hoso.portal.tables import Row

Cell = str | int | float | None


def _school_table(rows: Sequence[Row]) -> tuple[list[str], list[list[Cell]]]:
    head = [
        t("portal.col.school"),
        t("portal.col.code"),
        t("portal.col.level"),
        t("portal.col.commune"),
        *_count_head(),
        t("portal.col.locked"),
        t("portal.col.updated"),
        t("portal.col.state"),
    ]
    body: list[list[Cell]] = []
    for row in rows:
        s = row.school
        assert s is not None
        counts: list[Cell] = _counts(row) if s.has_data else [None] * 7
        locked: Cell = (t("site.yes") if row.locked else t("site.no")) if s.has_data else None
        body.append(
            [
                s.name,
                s.code,
                level_name(s.level),
                s.commune,
                *counts,
                locked,
                s.commit_date[:10],
                state_label(s.state),
            ]
        )
    return head, body


def _count_head() -> list[str]:
    return [
        t("site.status.da-duyet"),
        t("site.status.cho-duyet"),
        t("site.status.khong-hop-le"),
        t("site.total"),
        t("portal.col.compliance"),
        t("portal.col.late"),
        t("portal.col.missing"),
    ]


def _counts(row: Row) -> list[Cell]:
    rate = row.compliance
    return [row.da_duyet, row.cho_duyet, row.khong_hop_le, row.total, rate, row.late, row.missing]


def _group_table(first: str, groups: dict[str, Row], name: Any) -> tuple[list[str], list[list[Cell]]]:
    head = [first, t("portal.col.schools"), *_count_head()]
    return head, [[name(key), g.schools, *_counts(g)] for key, g in groups.items()]


def write(
    folder: Path, year: str, rows: Sequence[Row], by_level: dict[str, Row], by_commune: dict[str, Row]
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    sheets = {
        "truong": (t("portal.sheet.truong"), *_school_table(rows)),
        "cap": (t("portal.sheet.cap"), *_group_table(t("portal.col.level"), by_level, level_name)),
        "xa": (
            t("portal.sheet.xa"),
            *_group_table(t("portal.col.commune"), by_commune, lambda c: c or t("portal.unknown")),
        ),
    }
    for key, (_, head, body) in sheets.items():
        (folder / f"{year}-{key}.csv").write_bytes(_csv(head, body))
    _xlsx(folder / f"{year}.xlsx", [(title, head, body) for title, head, body in sheets.values()])


def _csv(head: list[str], body: list[list[Cell]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(csv_row(head))
    for line in body:  # names and communes are what each school's index.json says: never a formula
        writer.writerow(csv_row(round(c, 4) if isinstance(c, float) else c for c in line))
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def _xlsx(path: Path, sheets: list[tuple[str, list[str], list[list[Cell]]]]) -> None:
    import xlsxwriter

    # fixed document times: the same data gives the same file
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_urls": False})
    book.set_properties({"created": datetime(2000, 1, 1), "author": "hoso"})
    bold = book.add_format({"bold": True})
    pct = book.add_format({"num_format": "0%"})
    for title, head, body in sheets:
        sheet = book.add_worksheet(title[:31])
        sheet.write_row(0, 0, head, bold)
        rate_col = head.index(t("portal.col.compliance"))
        for r, line in enumerate(body, 1):
            for c, value in enumerate(line):
                if value is None:
                    continue
                if c == rate_col:
                    sheet.write_number(r, c, float(value), pct)
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
        sheet.set_column(0, 0, 40)
    book.close()
