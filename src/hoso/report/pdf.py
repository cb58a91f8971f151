"""The report as a PDF the hiệu trưởng signs: A4, Vietnamese in the embedded DejaVu Sans.

Laid out as a Vietnamese administrative document (NĐ 30/2020): the supervising authority and
the school top left, the national motto top right with the place and date, the title, "Kính
gửi", the indicators, the tables per record type and per tổ, notes on how every number was
computed (commit, day), then "Nơi nhận" bottom left and the signer's title bottom right.

Below the title "HIỆU TRƯỞNG" the paper stays blank down to the bottom margin, right where
`hoso sign --visible` looks first (hoso.pdf.placement: bottom row, from the right): the visible
signature, which carries the signer's name, lands there without covering a word. The page
footer sits lower than the placement's margin, so it never blocks that spot.

Reproducible: reportlab's invariant mode, no clock; the same commit and day give the same bytes.
reportlab is imported at the top: only `hoso report` imports this module, never a git hook.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.utils import simpleSplit
from reportlab.platypus import Flowable

from hoso.messages import t
from hoso.report.model import Line, Report
from hoso.report.tables import indicator_name, percent, period, short_commit

PAGE_W, PAGE_H = 595.2756, 841.8898  # A4 in points
LEFT, RIGHT, TOP, BOTTOM = 62.0, 45.0, 50.0, 50.0
FRAME_X0 = LEFT + 6  # platypus frames keep 6 pt of padding
# the signer's title sits this high above the frame's bottom (page y 120): just above the first
# box `hoso sign --visible` tries (page y 36..106, padded by 4), so the signature lands under it
SIGN_BLOCK_H = 74.0
SIGN_COLUMN_X = 330.0  # where the signer's column starts; placement's first box is at 339..559
FOOTER_Y = 18.0  # below the placement margin (36 pt) less its padding: never in the signature's way
PLACE_COLUMNS = ("required", "submitted", "approved", "on_time", "late", "missing", "not_due", "invalid")


def _styles() -> dict[str, Any]:
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    from hoso.pdf.sign import register_fonts

    regular, bold = register_fonts()

    def style(name: str, font: str, size: float, align: int = TA_LEFT, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.25, alignment=align, **kw)

    return {
        "head": style("head", regular, 10, TA_CENTER),
        "head-b": style("head-b", bold, 10, TA_CENTER),
        "place": style("place", regular, 10, TA_RIGHT),
        "title": style("title", bold, 14, TA_CENTER, spaceBefore=14),
        "subtitle": style("subtitle", bold, 11, TA_CENTER, spaceAfter=4),
        "to": style("to", regular, 11, TA_CENTER, spaceAfter=10),
        "body": style("body", regular, 10, spaceAfter=4, firstLineIndent=20),
        "h": style("h", bold, 11, spaceBefore=8, spaceAfter=4, keepWithNext=1),
        "cell": style("cell", regular, 8),
        "cell-b": style("cell-b", bold, 8),
        "num-h": style("num-h", bold, 7, TA_CENTER),
        "note": style("note", regular, 8.5, spaceAfter=2),
        "sign": style("sign", bold, 11, TA_CENTER),
        "small": style("small", regular, 9),
        "small-b": style("small-b", bold, 9),
        "regular": regular,
        "bold": bold,
    }


def _p(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(escape(text), style)


def _vn_date(report: Report) -> str:
    d = report.today
    place = report.school.commune or report.school.province
    return t("report.pdf.place-date", place=place, day=f"{d.day:02d}", month=f"{d.month:02d}", year=d.year)


def _header(report: Report, st: dict[str, Any]) -> list[Any]:
    from reportlab.platypus import Table, TableStyle

    s = report.school
    left = [_p(s.authority.upper(), st["head"]), _p(s.name.upper(), st["head-b"]), _p("―――――", st["head"])]
    right = [
        _p(t("report.pdf.nation"), st["head-b"]),
        _p(t("report.pdf.motto"), st["head-b"]),
        _p("―――――――――", st["head"]),
    ]
    width = PAGE_W - LEFT - RIGHT
    table = Table([[left, right]], colWidths=[width * 0.45, width * 0.55])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [table, _p(_vn_date(report), st["place"])]


def _count_table(lines: list[Line], total: Line, first: str, st: dict[str, Any]) -> Any:
    from reportlab.platypus import Table, TableStyle

    head = [_p(first, st["num-h"])] + [_p(t(f"report.col.{c}"), st["num-h"]) for c in PLACE_COLUMNS]
    data: list[list[Any]] = [head]
    for line in [*lines, total]:
        cell = st["cell-b"] if line is total else st["cell"]
        name = t("report.pdf.total") if line is total else line.name
        data.append([_p(name, cell)] + [str(line.count(c)) for c in PLACE_COLUMNS])
    width = PAGE_W - LEFT - RIGHT
    number_w = 36.0
    widths = [width - number_w * len(PLACE_COLUMNS)] + [number_w] * len(PLACE_COLUMNS)
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (1, 1), (-1, -1), st["regular"], 8),
                ("FONT", (1, -1), (-1, -1), st["bold"], 8),
                ("ALIGN", (1, 1), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("GRID", (0, 0), (-1, -1), 0.4, (0.35, 0.35, 0.35)),
                ("BACKGROUND", (0, 0), (-1, 0), (0.92, 0.92, 0.92)),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (1, 0), (-1, -1), 2),
                ("RIGHTPADDING", (1, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _indicator_table(report: Report, st: dict[str, Any]) -> Any:
    from reportlab.platypus import Table, TableStyle

    heads = ("report.pdf.ind-name", "report.pdf.ind-count", "report.col.percent")
    data: list[list[Any]] = [[_p(t(key), st["num-h"]) for key in heads]]
    for ind in report.indicators:
        data.append(
            [
                _p(indicator_name(ind), st["cell"]),
                f"{len(ind.numerator)}/{len(ind.denominator)}",
                percent(ind.value),
            ]
        )
    width = PAGE_W - LEFT - RIGHT
    table = Table(data, colWidths=[width - 150, 70, 80])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (1, 1), (-1, -1), st["regular"], 9),
                ("ALIGN", (1, 1), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("GRID", (0, 0), (-1, -1), 0.4, (0.35, 0.35, 0.35)),
                ("BACKGROUND", (0, 0), (-1, 0), (0.92, 0.92, 0.92)),
            ]
        )
    )
    return table


def _notes(report: Report, st: dict[str, Any]) -> list[Any]:
    source = t("report.pdf.times-push-log") if report.push_log else t("report.pdf.times-commit")
    notes = [
        t("report.pdf.note-required"),
        t("report.pdf.note-records"),
        t("report.pdf.note-indicators"),
        t("report.pdf.note-times", source=source),
        t(
            "report.pdf.note-source",
            commit=report.commit,
            date=report.commit_date[:10],
            today=report.today.strftime("%d/%m/%Y"),
            year=report.year,
            hoc_ky=f" --hoc-ky {report.hoc_ky}" if report.hoc_ky else "",
            iso=report.today.isoformat(),
        ),
    ]
    if report.undetermined:
        notes.append(t("report.pdf.note-undetermined", count=len(report.undetermined)))
    return [_p("– " + note, st["note"]) for note in notes]


class _SignatureBlock(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """ "Nơi nhận" on the left, the signer's title on the right with blank paper below it, drawn
    at the bottom of the frame (on a new page when the last one has no room)."""

    def __init__(self, report: Report, st: dict[str, Any]) -> None:
        super().__init__()
        self.report, self.st = report, st

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        # all the room that is left, so that draw() starts at the frame's bottom; more than
        # there is when it does not fit (platypus then moves it to a new page)
        self.width, self.height = avail_w, max(avail_h, SIGN_BLOCK_H + 10)
        return self.width, self.height

    def draw(self) -> None:
        """y = 0 is the frame's bottom edge; x = 0 its left edge (FRAME_X0 on the page)."""
        c, st, report = self.canv, self.st, self.report
        label_y = SIGN_BLOCK_H - 10  # below it, blank paper down to the bottom margin
        c.setFont(st["bold"], 11)
        c.drawCentredString(
            (SIGN_COLUMN_X + PAGE_W - RIGHT) / 2 - FRAME_X0, label_y, t("report.pdf.signer").upper()
        )
        y = label_y
        c.setFont(st["bold"], 9)
        c.drawString(0, y, t("report.pdf.recipients"))
        c.setFont(st["regular"], 8.5)
        for line in [f"- {report.school.authority};", t("report.pdf.archive")]:
            for part in simpleSplit(line, st["regular"], 8.5, SIGN_COLUMN_X - FRAME_X0 - 20):
                y -= 11
                c.drawString(0, y, part)


def _footer(report: Report, total: int) -> Any:
    def draw(c: Any, doc: Any) -> None:
        from hoso.pdf.sign import register_fonts

        regular, _ = register_fonts()
        c.saveState()
        c.setFillColorRGB(0.35, 0.35, 0.35)
        c.setFont(regular, 7)
        text = t("report.pdf.footer", commit=short_commit(report), date=report.today.strftime("%d/%m/%Y"))
        c.drawString(LEFT, FOOTER_Y, text)
        c.drawRightString(PAGE_W - RIGHT, FOOTER_Y, t("report.pdf.page", page=doc.page, pages=total))
        c.restoreState()

    return draw


def _story(report: Report, st: dict[str, Any]) -> list[Any]:
    from reportlab.platypus import Spacer

    story = _header(report, st)
    story += [
        _p(t("report.pdf.title"), st["title"]),
        _p(t("report.pdf.subtitle", period=period(report)), st["subtitle"]),
        _p(t("report.pdf.to", authority=report.school.authority), st["to"]),
        _p(
            t(
                "report.pdf.intro",
                school=report.school.name,
                period=period(report),
                commit=short_commit(report),
                today=report.today.strftime("%d/%m/%Y"),
            ),
            st["body"],
        ),
        _p(t("report.pdf.h-indicators"), st["h"]),
        _indicator_table(report, st),
        _p(t("report.pdf.h-types"), st["h"]),
        _count_table(report.types, report.total, t("report.pdf.col-type"), st),
    ]
    if report.groups:
        story += [
            _p(t("report.pdf.h-groups"), st["h"]),
            _count_table(report.groups, _group_total(report), t("report.pdf.col-group"), st),
        ]
    story += [_p(t("report.pdf.h-notes"), st["h"]), *_notes(report, st), Spacer(1, 8)]
    story.append(_SignatureBlock(report, st))
    return story


def _group_total(report: Report) -> Line:
    """The tổ table's own total: a teacher belongs to at most one tổ, so nothing counts twice."""
    items = [i for line in report.groups for i in line.items]
    needs = [n for line in report.groups for n in line.needs]
    return Line("tong-to", t("report.pdf.total"), items, needs)


def render(report: Report) -> bytes:
    from reportlab.platypus import SimpleDocTemplate

    st = _styles()
    title = t("report.pdf-title", school=report.school.name, period=period(report))

    def build(total: int) -> tuple[bytes, int]:
        buf = io.BytesIO()
        doc = SimpleDocTemplate(
            buf,
            pagesize=(PAGE_W, PAGE_H),
            leftMargin=LEFT,
            rightMargin=RIGHT,
            topMargin=TOP,
            bottomMargin=BOTTOM,
            title=title,
            author=report.school.name,
            subject=t("report.pdf.subject", commit=report.commit, today=report.today.isoformat()),
            creator="hoso report",
            producer="hoso",
            invariant=1,
            pageCompression=1,
            lang="vi" if t("report.decimal") == "," else "en",
            initialFontName=st["regular"],  # no unembedded Helvetica in the file
        )
        footer = _footer(report, total)
        doc.build(_story(report, st), onFirstPage=footer, onLaterPages=footer)
        return buf.getvalue(), doc.page

    _, pages = build(0)  # the page count, for "trang x/y"
    data, again = build(pages)
    assert again == pages
    return data
