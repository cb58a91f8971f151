"""Cells of the CSV files hoso writes for a spreadsheet (`hoso report`, the portal's exports).

A spreadsheet takes a cell starting with =, +, - or @ (or a tab or carriage return, which it may
skip first) as a formula: a school, tổ or record type named `=HYPERLINK(…)` in a school's own
catalog would run when the Phòng or the Sở opens the file, and could send the sheet's data away.
Such a text cell gets a leading apostrophe (the OWASP rule against CSV injection), which a
spreadsheet shows as text; numbers stay numbers. The XLSX files write text as string cells, which
are never formulas.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """`value` as a spreadsheet shows it, never run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_row(cells: Iterable[object]) -> list[object]:
    """One row for `csv.writer`: None as an empty cell, text made safe, numbers as they are."""
    return ["" if c is None else text_cell(c) if isinstance(c, str) else c for c in cells]
