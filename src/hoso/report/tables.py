"""The report as data: JSON (stable, versioned), CSV (one file, a `table` column) and XLSX.

JSON is the reference (docs/report.md): every count sits next to the record paths, or the
expected slots, it counts. CSV and XLSX carry the same numbers for a spreadsheet, headed in the
reader's language; the CSV is UTF-8 with a byte order mark (Excel needs it for Vietnamese).
None of them holds the time it was written: the same commit and day give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from datetime import datetime
from typing import Any

from hoso.csvsafe import csv_row
from hoso.messages import t
from hoso.report.model import (
    COLUMNS,
    RECORD_COLUMNS,
    REPORT_FORMAT,
    REPORT_VERSION,
    SLOT_COLUMNS,
    Indicator,
    Item,
    Line,
    Need,
    Report,
)

Cell = str | int | float | None


def short_commit(report: Report) -> str:
    return report.commit[:10]


def period(report: Report) -> str:
    """ "năm học 2024-2025" or "học kỳ I năm học 2024-2025", in the reader's language."""
    if report.hoc_ky is None:
        return t("report.period-year", year=report.year)
    return t("report.period-hoc-ky", hoc_ky="I" if report.hoc_ky == 1 else "II", year=report.year)


def indicator_name(ind: Indicator) -> str:
    return t(f"report.ind.{ind.id}")


def percent(value: float | None) -> str:
    """75,0 % (Vietnamese decimal comma); "—" when there is nothing to divide by."""
    if value is None:
        return "—"
    text = f"{value * 100:.1f}"
    return (text.replace(".", ",") if t("report.decimal") == "," else text) + " %"


# ---- JSON ------------------------------------------------------------------------------------


def _slot(n: Need) -> dict[str, Any]:
    e = n.expected
    return {
        "type": e.type_id,
        "owner": {"level": e.owner_level, "id": e.owner_id, "name": e.owner_name},
        "hoc_ky": n.hoc_ky,
        "deadline": e.deadline.isoformat(),
        "due": n.due,
        "paths": [i.path for i in n.items],
    }


def _line(line: Line) -> dict[str, Any]:
    data: dict[str, Any] = {"id": line.key, "name": line.name}
    if line.rt is not None:
        data["owner"] = line.rt.owner
        data["deadline"] = line.rt.deadline.kind if line.rt.deadline else None
    data["counts"] = {c: line.count(c) for c in COLUMNS}
    data["paths"] = {c: [i.path for i in line.records(c)] for c in RECORD_COLUMNS}
    data["slots"] = {c: [_slot(n) for n in line.slots(c)] for c in SLOT_COLUMNS}
    return data


def _indicator(ind: Indicator) -> dict[str, Any]:
    return {
        "id": ind.id,
        "name": indicator_name(ind),
        "numerator": len(ind.numerator),
        "denominator": len(ind.denominator),
        "value": None if ind.value is None else round(ind.value, 4),
        "numerator_paths": sorted({i.path for n in ind.numerator for i in n.items}),
        "denominator_slots": [_slot(n) for n in ind.denominator],
    }


def _item(i: Item) -> dict[str, Any]:
    return {
        "path": i.path,
        "type": i.type_id,
        "owner": {"level": i.owner_level, "id": i.owner_id, "name": i.owner_name},
        "title": i.title,
        "status": i.status,
        "signed": i.signed,
        "in_commit": i.in_commit,
        "hoc_ky": i.hoc_ky,
        "timeliness": i.row.as_json(),
    }


def as_json(report: Report) -> dict[str, Any]:
    s = report.school
    return {
        "format": REPORT_FORMAT,
        "version": REPORT_VERSION,
        "school": {
            "name": s.name,
            "code": s.code,
            "level": s.level,
            "province": s.province,
            "commune": s.commune,
            "authority": s.authority,
        },
        "year": report.year,
        "hoc_ky": report.hoc_ky,
        "today": report.today.isoformat(),
        "commit": report.commit,
        "commit_date": report.commit_date,
        "times": "push-log" if report.push_log else "commit",
        "columns": list(COLUMNS),
        "indicators": [_indicator(ind) for ind in report.indicators],
        "types": [_line(line) for line in report.types],
        "groups": [_line(line) for line in report.groups],
        "total": _line(report.total),
        # counted apart from on_time and late: the deadline of these cannot be told
        "undetermined": [i.path for i in report.undetermined],
        "records": [_item(i) for i in report.items],
    }


def to_json(report: Report) -> bytes:
    return (json.dumps(as_json(report), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---- CSV and XLSX: the same tables -------------------------------------------------------------


def column_names() -> list[str]:
    return [t(f"report.col.{c}") for c in COLUMNS]


def info_rows(report: Report) -> list[tuple[str, str]]:
    s = report.school
    return [
        ("truong", s.name),
        ("ma-truong", s.code),
        ("co-quan-quan-ly", s.authority),
        ("nam-hoc", report.year),
        ("hoc-ky", str(report.hoc_ky or "")),
        ("ngay", report.today.isoformat()),
        ("commit", report.commit),
        ("ngay-commit", report.commit_date),
        ("thoi-diem-nop-theo", "push-log" if report.push_log else "commit"),
        ("khong-xac-dinh-han", str(len(report.undetermined))),
    ]


def _count_rows(table: str, lines: list[Line]) -> list[list[Cell]]:
    return [[table, line.key, line.name, *(line.count(c) for c in COLUMNS)] for line in lines]


def csv_rows(report: Report) -> list[list[Cell]]:
    """Header, then the tables: thong-tin, chi-so, loai, to, tong (docs/report.md)."""
    width = 3 + len(COLUMNS)
    head: list[Cell] = [t("report.col.table"), t("report.col.id"), t("report.col.name"), *column_names()]
    head += [t("report.col.numerator"), t("report.col.denominator"), t("report.col.percent")]
    rows: list[list[Cell]] = [head]
    for key, value in info_rows(report):
        rows.append(["thong-tin", key, value])
    for ind in report.indicators:
        share = "" if ind.value is None else f"{ind.value * 100:.1f}"  # a dot: docs/report.md
        row: list[Cell] = ["chi-so", ind.id, indicator_name(ind), *[None] * (width - 3)]
        rows.append([*row, len(ind.numerator), len(ind.denominator), share])
    rows += _count_rows("loai", report.types)
    rows += _count_rows("to", report.groups)
    rows += _count_rows("tong", [report.total])
    return rows


def to_csv(report: Report) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in csv_rows(report):
        writer.writerow(csv_row(row))  # names come from the school's catalog: never a formula
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def to_xlsx(report: Report) -> bytes:
    """One sheet per table: the report's facts and indicators, per type, per tổ, every record."""
    import xlsxwriter

    fd, name = tempfile.mkstemp(suffix=".xlsx")  # XlsxWriter writes a file; we return its bytes
    os.close(fd)
    try:
        book = xlsxwriter.Workbook(name, {"strings_to_urls": False, "strings_to_numbers": False})
        # fixed document time: the same commit and day give the same file
        book.set_properties(
            {
                "title": t("report.pdf-title", school=report.school.name, period=period(report)),
                "author": report.school.name,
                "created": datetime(report.today.year, report.today.month, report.today.day),
            }
        )
        bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        pct = book.add_format({"num_format": "0.0%"})
        _sheet_info(book, report, bold, pct)
        for title, lines in (
            (t("report.sheet.types"), report.types),
            (t("report.sheet.groups"), report.groups),
        ):
            sheet = book.add_worksheet(title[:31])
            sheet.write_row(0, 0, [t("report.col.id"), t("report.col.name"), *column_names()], bold)
            for r, line in enumerate([*lines, report.total], 1):
                sheet.write_string(r, 0, line.key)
                sheet.write_string(r, 1, line.name, bold if line is report.total else None)
                for c, col in enumerate(COLUMNS, 2):
                    sheet.write_number(r, c, line.count(col))
            sheet.set_column(0, 0, 24)
            sheet.set_column(1, 1, 48)
            sheet.set_column(2, 1 + len(COLUMNS), 11)
            sheet.freeze_panes(1, 2)
        _sheet_records(book, report, bold)
        book.close()
        with open(name, "rb") as f:
            return f.read()
    finally:
        os.unlink(name)


def _sheet_info(book: Any, report: Report, bold: Any, pct: Any) -> None:
    sheet = book.add_worksheet(t("report.sheet.info")[:31])
    r = 0
    for key, value in info_rows(report):
        sheet.write_string(r, 0, key, bold)
        sheet.write_string(r, 1, value)
        r += 1
    r += 1
    head = [t("report.col.id"), t("report.col.name"), t("report.col.numerator")]
    sheet.write_row(r, 0, [*head, t("report.col.denominator"), t("report.col.percent")], bold)
    for ind in report.indicators:
        r += 1
        sheet.write_string(r, 0, ind.id)
        sheet.write_string(r, 1, indicator_name(ind))
        sheet.write_number(r, 2, len(ind.numerator))
        sheet.write_number(r, 3, len(ind.denominator))
        if ind.value is not None:
            sheet.write_number(r, 4, ind.value, pct)
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 1, 56)
    sheet.set_column(2, 4, 12)


def _sheet_records(book: Any, report: Report, bold: Any) -> None:
    sheet = book.add_worksheet(t("report.sheet.records")[:31])
    head = ["path", "type", "owner", "status", "signed", "in_commit", "hoc_ky", "deadline"]
    head += ["submitted", "state", "days_late"]
    sheet.write_row(0, 0, [t(f"report.rec.{h}") for h in head], bold)
    for r, i in enumerate(report.items, 1):
        row = i.row
        values: list[Cell] = [
            i.path,
            i.type_id,
            i.owner_name,
            t(f"status.{i.status}"),
            t("site.yes") if i.signed else t("site.no"),
            t("site.yes") if i.in_commit else t("site.no"),
            i.hoc_ky,
            row.deadline.isoformat() if row.deadline else None,
            row.submitted.time if row.submitted else None,
            t(f"site.timely.state.{row.state}"),
            row.days_late,
        ]
        for c, value in enumerate(values):
            if isinstance(value, int):
                sheet.write_number(r, c, value)
            elif value is not None:
                sheet.write_string(r, c, value)
    sheet.set_column(0, 0, 80)
    sheet.set_column(1, 2, 30)
    sheet.set_column(3, 10, 14)
    sheet.freeze_panes(1, 1)
