"""`hoso report`: the school's report upward, from one commit, as of one day.

`model.build` computes the numbers (each with the records or expected slots behind it),
`tables` writes JSON, CSV and XLSX, `pdf` the document the hiệu trưởng signs and commits as a
`bao-cao` record. docs/report.md defines every number.
"""

from __future__ import annotations

from hoso.report.model import Report, build

FORMATS = ("pdf", "csv", "json", "xlsx")
RECORD_TYPE = "bao-cao"  # the catalog type a signed report is kept as

__all__ = ["FORMATS", "RECORD_TYPE", "Report", "build", "default_name", "render"]


def default_name(year: str, hoc_ky: int | None, fmt: str) -> str:
    """bao-cao-2024-2025.pdf, bao-cao-2024-2025-hk1.pdf: a slug `hoso add --type bao-cao` keeps
    as the record's name (records/<year>/truong/bao-cao/bao-cao-2024-2025-hk1.pdf)."""
    return f"{RECORD_TYPE}-{year}{f'-hk{hoc_ky}' if hoc_ky else ''}.{fmt}"


def render(report: Report, fmt: str) -> bytes:
    if fmt == "pdf":
        from hoso.report import pdf

        return pdf.render(report)
    from hoso.report import tables

    if fmt == "json":
        return tables.to_json(report)
    if fmt == "csv":
        return tables.to_csv(report)
    if fmt == "xlsx":
        return tables.to_xlsx(report)
    raise ValueError(f"unknown report format {fmt!r}")
