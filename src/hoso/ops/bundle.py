"""A bundle for printing and binding: one PDF of a school year's records, like a paper book.

"Sổ điện tử có thể in ra đóng quyển như sổ giấy": a cover page (school, record types, owner,
school year, print date, and the statement that this is a printed copy, not the signed
original, naming the repository and commit), a table of contents (each record's title, path,
status and first page), then every record's pages with a footer stamp (path, version id,
signature status, "trang x/y" of the record, the bundle's page number).

The signed originals are never touched: blobs are read from the commit (never the work tree)
and every page is drawn onto a new page of a new document, scaled a little to free a strip for
the footer. Rotated pages are turned upright, the crop box is honoured, printable annotations
(a visible signature's appearance) are flattened into the page. An encrypted or broken file is
left out with a note in the table of contents. Statuses come from the cached signature verdict
(`rules.signatures.verdict_for`, `status.compute`), exactly as `hoso check` computes them.

The output depends only on the commit, the selection and the print date: the same inputs give
the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from hoso import titles
from hoso.config import Config, load_config
from hoso.config.models import RecordType
from hoso.errors import ExitCode, HosoError, NotFoundError, UsageError
from hoso.evidence import EvidenceCache
from hoso.git.history import has_commits
from hoso.git.objects import BlobReader, CommitSnapshot, Entry, tree_entries
from hoso.git.process import run_git
from hoso.messages import t
from hoso.records import RECORDS_DIR, PathProblem, parse_path, valid_year
from hoso.rules.base import Context, Subject
from hoso.rules.signatures import history_arrival, prefetch, verdict_for
from hoso.status import CHO_DUYET, DA_DUYET, KHONG_HOP_LE, compute
from hoso.writes import write_atomic

OWNER_SCHOOL = "truong"  # --owner value for the school's own records
SHORT_OID = 10

# geometry, in PDF points
A4 = (595.2756, 841.8898)
FOOTER_H = 30.0  # the strip under each record page that holds the stamp
SIDE = 36.0  # footer side margins
TOP_GAP = 4.0  # room left above a scaled page
MARGIN_X = 50.0  # cover and table of contents
TOC_TOP = 70.0
TOC_BOTTOM = 56.0

STATUS_COLORS = {
    DA_DUYET: (0.05, 0.45, 0.2),
    CHO_DUYET: (0.75, 0.42, 0.0),
    KHONG_HOP_LE: (0.75, 0.1, 0.1),
}
GREY = (0.35, 0.35, 0.35)


@dataclass
class Item:
    """One record of the bundle."""

    entry: Entry
    type_index: int
    record_type: RecordType
    owner_id: str | None
    owner_name: str
    title: str
    status: str
    pages: list[Any] = field(default_factory=list)  # upright copies (pypdf pages of `staging`)
    staging: Any = None  # the PdfWriter holding `pages`
    skipped: str = ""  # why the record is not printed (rendered message), "" when printed
    start: int = 0  # bundle page number of its first page (0 when skipped)

    @property
    def path(self) -> str:
        return self.entry.path

    @property
    def short_oid(self) -> str:
        return self.entry.oid[:SHORT_OID]


@dataclass
class Bundle:
    data: bytes
    commit: str
    items: list[Item]
    front_pages: int  # cover + table of contents
    toc_pages: int
    total_pages: int

    @property
    def printed(self) -> list[Item]:
        return [i for i in self.items if not i.skipped]

    @property
    def skipped(self) -> list[Item]:
        return [i for i in self.items if i.skipped]


# ---- selecting -----------------------------------------------------------------------------


def parse_print_date(text: str) -> date:
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise UsageError("bundle.bad-date", value=text)


def _commit(root: Path, rev: str) -> str:
    if not has_commits(root, rev):
        raise NotFoundError("bundle.no-commit", rev=rev)
    return run_git(root, ["rev-parse", "--verify", rev + "^{commit}"]).decode().strip()


def _owner_name(config: Config, owner_id: str | None) -> str:
    if owner_id is None:
        return t("bundle.owner-school")
    person = config.people.person(owner_id)
    if person is not None:
        return person.name
    group = config.people.group(owner_id)
    return group.name if group is not None else owner_id


def _check_owner(config: Config, owner: str) -> None:
    if owner == OWNER_SCHOOL:
        return
    if config.people.person(owner) is None and config.people.group(owner) is None:
        raise NotFoundError("bundle.unknown-owner", owner=owner)


def select(
    root: Path,
    config: Config,
    commit: str,
    year: str,
    type_id: str | None,
    owner: str | None,
) -> list[Item]:
    """The records of `year` in `commit` matching the filters, sorted by type, owner, path."""
    if not valid_year(year):
        raise UsageError("bundle.bad-year", year=year)
    types = {rt.id: (i, rt) for i, rt in enumerate(config.catalog.record_types)}
    if type_id is not None and type_id not in types:
        known = ", ".join(rt.id for rt in config.catalog.record_types)
        raise NotFoundError("bundle.unknown-type", type=type_id, known=known)
    if owner is not None:
        _check_owner(config, owner)
    entries = [e for e in tree_entries(root, commit, f"{RECORDS_DIR}/{year}") if not e.is_symlink]
    if not entries:
        years = sorted(
            {e.path.split("/")[1] for e in tree_entries(root, commit, RECORDS_DIR) if "/" in e.path}
        )
        raise NotFoundError(
            "bundle.unknown-year", year=year, commit=commit[:SHORT_OID], known=", ".join(years)
        )
    items: list[Item] = []
    given = titles.from_history(root, commit)
    for entry in entries:
        try:
            record = parse_path(entry.path)
        except PathProblem:
            continue  # not a record (hoso check reports it): nothing to print
        found = types.get(record.type_id)
        if found is None or (type_id is not None and record.type_id != type_id):
            continue
        if owner is not None and (record.owner_id or OWNER_SCHOOL) != owner:
            continue
        index, rt = found
        items.append(
            Item(
                entry,
                index,
                rt,
                record.owner_id,
                _owner_name(config, record.owner_id),
                titles.choose("", given.get(entry.path), rt.name, record.slug),
                "",
            )
        )
    if not items:
        raise NotFoundError("bundle.empty", year=year, filters=_filters_text(type_id, owner))
    items.sort(key=lambda i: (i.type_index, i.owner_id or "", i.path))
    return items


def _filters_text(type_id: str | None, owner: str | None) -> str:
    parts = []
    if type_id:
        parts.append(t("bundle.filter-type", type=type_id))
    if owner:
        parts.append(t("bundle.filter-owner", owner=owner))
    return "".join(", " + p for p in parts)


def _judge(items: list[Item], config: Config, source: BlobReader, cache: EvidenceCache, arrival: Any) -> None:
    """Each item's status from the cached signature verdict: the same as `hoso check` says."""
    ctx = Context(config=config, source=source, cache=cache, arrival=arrival)
    records = [parse_path(item.path) for item in items]
    subjects = [Subject(i.entry, r, i.record_type) for i, r in zip(items, records, strict=True)]
    prefetch(subjects, ctx)  # many records: verified first, on every core, into the cache
    for item, record, subject in zip(items, records, subjects, strict=True):
        verdict = verdict_for(subject, ctx)
        item.status = compute(verdict, item.record_type, record, config).status


# ---- copying pages ----------------------------------------------------------------------------


class Skip(Exception):
    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


Matrix = tuple[float, float, float, float, float, float]


def _upright(box: tuple[float, float, float, float], rotate: int) -> tuple[Matrix, float, float]:
    """The matrix taking the crop box, turned by /Rotate, to (0,0)-(w,h); and that w, h."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if rotate == 90:
        return (0, -1, 1, 0, -y0, w + x0), h, w
    if rotate == 180:
        return (-1, 0, 0, -1, w + x0, h + y0), w, h
    if rotate == 270:
        return (0, 1, -1, 0, h + y0, -x0), h, w
    return (1, 0, 0, 1, -x0, -y0), w, h


def _scaled(m: Matrix, s: float, dx: float, dy: float) -> Matrix:
    a, b, c, d, e, f = m
    return (a * s, b * s, c * s, d * s, e * s + dx, f * s + dy)


def _doc_title(reader: Any) -> str:
    """The document's own title (its /Title), on one line; "" when it has none."""
    try:
        title = (reader.metadata or {}).get("/Title")
    except Exception:  # broken metadata only loses the title
        return ""
    return " ".join(str(title).split())[:200] if title else ""


def _copy_pages(data: bytes) -> tuple[Any, list[Any], str]:
    """Upright copies of every page, a strip left free at the bottom; raise Skip if unusable."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError
    from pypdf.generic import RectangleObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise Skip("bundle.skip.encrypted")
        source_pages = list(reader.pages)
        if not source_pages:
            raise Skip("bundle.skip.empty")
        title = _doc_title(reader)
        writer = PdfWriter()
        pages = []
        for page in source_pages:
            rotate = int(page.rotation) % 360
            if rotate not in (0, 90, 180, 270):
                raise Skip("bundle.skip.broken", detail=f"/Rotate {page.rotation}")
            crop = page.cropbox
            media = page.mediabox
            box = (
                max(float(crop.left), float(media.left)),
                max(float(crop.bottom), float(media.bottom)),
                min(float(crop.right), float(media.right)),
                min(float(crop.top), float(media.top)),
            )
            if box[2] - box[0] < 1 or box[3] - box[1] < 1:
                raise Skip("bundle.skip.broken", detail="/CropBox")
            matrix, w, h = _upright(box, rotate)
            if h >= 8 * FOOTER_H:  # shrink a little to free the strip; keep the paper size
                s = (h - FOOTER_H - TOP_GAP) / h
                out_w, out_h = w, h
            else:  # a tiny page: add the strip below instead
                s, out_w, out_h = 1.0, w, h + FOOTER_H
            page.cropbox = RectangleObject(box)  # the in-memory copy only: merging clips to it
            new = writer.add_blank_page(out_w, out_h)
            new.merge_transformed_page(page, _scaled(matrix, s, (out_w - s * w) / 2, FOOTER_H))
            _flatten_annotations(new, writer)
            pages.append(new)
        return writer, pages, title
    except Skip:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise Skip("bundle.skip.broken", detail=type(exc).__name__) from exc
    except RecursionError as exc:
        raise Skip("bundle.skip.broken", detail="RecursionError") from exc


def _flatten_annotations(page: Any, writer: Any) -> None:
    """Draw each printable annotation's appearance into the page, then drop the annotations.

    A visible signature is a widget annotation: its picture must be printed, but the copy must
    carry no signature field (it is not signed). PDF 2.0, 12.5.5: the appearance's BBox, mapped
    by its Matrix, is fitted into the annotation's Rect.
    """
    from pypdf.generic import (
        ArrayObject,
        ContentStream,
        DictionaryObject,
        FloatObject,
        IndirectObject,
        NameObject,
        StreamObject,
    )

    annots = page.get("/Annots")
    if annots is None:
        return
    annots = annots.get_object()
    ops: list[tuple[list[Any], bytes]] = []
    resources = page["/Resources"].get_object()
    if "/XObject" not in resources:
        resources[NameObject("/XObject")] = DictionaryObject()
    xobjects = resources["/XObject"].get_object()
    for index, ref in enumerate(annots if isinstance(annots, ArrayObject) else []):
        annot = ref.get_object()
        flags = int(annot.get("/F", 0))
        if flags & 2 or not flags & 4:  # hidden, or not meant to be printed
            continue
        ap = annot.get("/AP")
        normal_ref = ap.get_object().raw_get("/N") if ap is not None and "/N" in ap.get_object() else None
        if normal_ref is None:
            continue
        normal = normal_ref.get_object()
        if not isinstance(normal, StreamObject):  # states (check boxes): the current one
            state = annot.get("/AS")
            if state is None or state not in normal:
                continue
            normal_ref = normal.raw_get(state)
            normal = normal_ref.get_object()
        if not isinstance(normal, StreamObject) or not isinstance(normal_ref, IndirectObject):
            continue
        rect = [float(v) for v in annot["/Rect"]]
        bbox = [float(v) for v in normal.get("/BBox", [0, 0, 0, 0])]
        a, b, c, d, e, f = (float(v) for v in normal.get("/Matrix", [1, 0, 0, 1, 0, 0]))
        corners = [
            (a * x + c * y + e, b * x + d * y + f) for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3])
        ]
        bx0, by0 = min(p[0] for p in corners), min(p[1] for p in corners)
        bx1, by1 = max(p[0] for p in corners), max(p[1] for p in corners)
        rw, rh = rect[2] - rect[0], rect[3] - rect[1]
        if rw <= 0 or rh <= 0 or bx1 - bx0 <= 0 or by1 - by0 <= 0:
            continue
        sx, sy = rw / (bx1 - bx0), rh / (by1 - by0)
        name = NameObject(f"/HosoAnnot{index}")
        xobjects[name] = normal_ref
        cm = [FloatObject(v) for v in (sx, 0, 0, sy, rect[0] - sx * bx0, rect[1] - sy * by0)]
        ops += [([], b"q"), (cm, b"cm"), ([name], b"Do"), ([], b"Q")]
    del page[NameObject("/Annots")]
    if ops:
        content = page.get_contents()
        if content is None:
            content = ContentStream(None, writer)
        content.isolate_graphics_state()
        content.operations.extend(ops)
        page.replace_contents(content)


def _prepare(items: list[Item], source: BlobReader) -> None:
    import logging

    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.CRITICAL)  # pypdf logs what it repairs; a file it cannot read becomes a note
    try:
        _copy_all(items, source)
    finally:
        log.setLevel(level)


def _copy_all(items: list[Item], source: BlobReader) -> None:
    for item in items:
        try:
            item.staging, item.pages, title = _copy_pages(source.read(item.entry))
            item.title = titles.clean(title) or item.title
        except Skip as skip:
            item.skipped = t(skip.key, **skip.params)


# ---- drawing: cover, table of contents, footers --------------------------------------------


def _fonts() -> tuple[str, str]:
    from hoso.pdf.sign import register_fonts

    return register_fonts()


def _fit(text: str, font: str, size: float, width: float, smallest: float = 5.0) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.25
    return size


def _wrap_path(text: str, font: str, size: float, width: float) -> list[str]:
    """Break a path into lines that fit, after a '/' where possible."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    rest = text
    while rest:
        if stringWidth(rest, font, size) <= width:
            lines.append(rest)
            break
        cut = 1
        while cut < len(rest) and stringWidth(rest[: cut + 1], font, size) <= width:
            cut += 1
        slash = rest.rfind("/", 0, cut)
        if slash > 0:
            cut = slash + 1
        lines.append(rest[:cut])
        rest = rest[cut:]
    return lines


def _wrap_words(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.lib.utils import simpleSplit

    lines: list[str] = []
    for line in simpleSplit(text, font, size, width):
        lines.extend(_wrap_path(line, font, size, width))  # a word longer than the line
    return lines or [""]


def _status_label(status: str) -> str:
    return t(f"status.{status}")


def _day(d: date) -> str:
    return d.strftime("%d/%m/%Y")


# table of contents rows
COL_NO = MARGIN_X
COL_RECORD = MARGIN_X + 26
COL_STATUS = A4[0] - MARGIN_X - 118
COL_PAGE_RIGHT = A4[0] - MARGIN_X
RECORD_WIDTH = COL_STATUS - COL_RECORD - 10
TITLE_SIZE, OWNER_SIZE, PATH_SIZE = 9.0, 8.0, 7.0
ROW_PAD, TITLE_LEAD, OWNER_LEAD, PATH_LEAD, NOTE_LEAD = 4.0, 11.0, 10.0, 8.5, 9.5


@dataclass
class Row:
    height: float
    header: RecordType | None = None
    count: int = 0
    item: Item | None = None
    number: int = 0
    title_lines: list[str] = field(default_factory=list)
    path_lines: list[str] = field(default_factory=list)


def _rows(items: list[Item]) -> list[Row]:
    regular, bold = _fonts()
    rows: list[Row] = []
    current: str | None = None
    for number, item in enumerate(items, 1):
        if item.record_type.id != current:
            current = item.record_type.id
            count = sum(1 for i in items if i.record_type.id == current)
            rows.append(Row(24.0, header=item.record_type, count=count))
        title_lines = _wrap_words(item.title, bold, TITLE_SIZE, RECORD_WIDTH)
        path_lines = _wrap_path(item.path, regular, PATH_SIZE, RECORD_WIDTH)
        height = (
            ROW_PAD
            + TITLE_LEAD * len(title_lines)
            + OWNER_LEAD
            + PATH_LEAD * len(path_lines)
            + (NOTE_LEAD if item.skipped else 0)
            + ROW_PAD
        )
        rows.append(Row(height, item=item, number=number, title_lines=title_lines, path_lines=path_lines))
    return rows


def _paginate(rows: list[Row]) -> list[list[Row]]:
    pages: list[list[Row]] = [[]]
    room = A4[1] - TOC_TOP - 30 - TOC_BOTTOM  # below the title and the column heads
    used = 0.0
    for i, row in enumerate(rows):
        need = row.height
        if row.header is not None and i + 1 < len(rows):
            need += rows[i + 1].height  # a type's heading stays with its first record
        if used + need > room and pages[-1]:
            pages.append([])
            used = 0.0
        pages[-1].append(row)
        used += row.height
    return pages


def _page_number(c: Any, number: int, width: float) -> None:
    _, bold = _fonts()
    c.setFillColorRGB(0, 0, 0)
    c.setFont(bold, 10)
    c.drawRightString(width - SIDE, 11, str(number))


def _draw_cover(c: Any, b: _Meta) -> None:
    regular, bold = _fonts()
    w, h = A4
    cx = w / 2
    school = b.config.catalog.school
    c.setFillColorRGB(0, 0, 0)
    c.setFont(regular, 11)
    c.drawCentredString(cx, h - 70, _fit_text(school.authority.upper(), regular, 11, w - 2 * MARGIN_X))
    size = _fit(school.name, bold, 15, w - 2 * MARGIN_X)
    c.setFont(bold, size)
    c.drawCentredString(cx, h - 90, school.name)
    c.setLineWidth(0.8)
    c.line(cx - 60, h - 98, cx + 60, h - 98)

    y = h - 250
    title = b.types[0].name.upper() if len(b.types) == 1 else t("bundle.cover.title-all")
    for line in _wrap_words(title, bold, 24, w - 2 * MARGIN_X):
        c.setFont(bold, 24)
        c.drawCentredString(cx, y, line)
        y -= 32
    c.setFont(regular, 15)
    c.drawCentredString(cx, y - 6, t("bundle.cover.year", year=b.year))
    y -= 50
    c.setFont(regular, 12)
    c.drawCentredString(cx, y, t("bundle.cover.owner", owner=b.owner_text))
    y -= 26
    if len(b.types) > 1:
        names = "; ".join(rt.name for rt in b.types)
        c.setFont(regular, 10)
        for line in _wrap_words(t("bundle.cover.types", types=names), regular, 10, w - 2 * MARGIN_X - 40):
            c.drawCentredString(cx, y, line)
            y -= 13
        y -= 13
    c.setFont(regular, 11)
    c.drawCentredString(
        cx, y, t("bundle.cover.counts", records=len(b.items), printed=b.printed, pages=b.total_pages)
    )
    y -= 18
    counts = [(s, sum(1 for i in b.items if i.status == s)) for s in (DA_DUYET, CHO_DUYET, KHONG_HOP_LE)]
    parts = [f"{_status_label(s)}: {n}" for s, n in counts]
    text = "  ·  ".join(parts)
    x = cx - _width(text, regular, 11) / 2
    for (s, _), part in zip(counts, parts, strict=True):
        c.setFillColorRGB(*STATUS_COLORS[s])
        c.drawString(x, y, part)
        x += _width(part + "  ·  ", regular, 11)
    c.setFillColorRGB(0, 0, 0)

    # the print date and the notice, boxed, at the foot of the page
    c.setFont(bold, 12)
    c.drawString(MARGIN_X, 200, t("bundle.cover.print-date", date=_day(b.print_date)))
    notice = t("bundle.cover.notice", origin=f"{b.root}@{b.commit}")
    lines = _wrap_words(notice, regular, 10, w - 2 * MARGIN_X - 20)
    top = 180.0
    box_h = 14 + 13 * len(lines) + 13 * 2
    c.setStrokeColorRGB(0.75, 0.1, 0.1)
    c.setLineWidth(1.2)
    c.rect(MARGIN_X, top - box_h, w - 2 * MARGIN_X, box_h)
    c.setFillColorRGB(0.75, 0.1, 0.1)
    y = top - 18
    for line in lines:
        c.setFont(regular, 10)
        c.drawString(MARGIN_X + 10, y, line)
        y -= 13
    c.setFillColorRGB(*GREY)
    for line in _wrap_words(t("bundle.cover.verify"), regular, 8.5, w - 2 * MARGIN_X - 20):
        c.setFont(regular, 8.5)
        c.drawString(MARGIN_X + 10, y - 4, line)
        y -= 11
    _page_number(c, 1, w)


def _fit_text(text: str, font: str, size: float, width: float) -> str:
    """`text`, cut with an ellipsis if it is wider than `width`."""
    if _width(text, font, size) <= width:
        return text
    while text and _width(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _width(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(text, font, size))


def _draw_toc_page(c: Any, rows: list[Row], first: bool, number: int) -> None:
    regular, bold = _fonts()
    w, h = A4
    c.setFillColorRGB(0, 0, 0)
    c.setFont(bold, 16)
    c.drawCentredString(
        w / 2, h - TOC_TOP + 20, t("bundle.toc.title") if first else t("bundle.toc.title-more")
    )
    y = h - TOC_TOP - 6
    c.setFont(bold, 8.5)
    c.drawString(COL_NO, y, t("bundle.toc.col-no"))
    c.drawString(COL_RECORD, y, t("bundle.toc.col-record"))
    c.drawString(COL_STATUS, y, t("bundle.toc.col-status"))
    c.drawRightString(COL_PAGE_RIGHT, y, t("bundle.toc.col-page"))
    c.setLineWidth(0.8)
    c.line(MARGIN_X, y - 5, w - MARGIN_X, y - 5)
    y -= 10
    for row in rows:
        if row.header is not None:
            c.setFillColorRGB(0, 0, 0)
            c.setFont(bold, 10.5)
            c.drawString(COL_NO, y - 16, f"{row.header.name} ({row.count})")
            y -= row.height
            continue
        item = row.item
        assert item is not None
        base = y - ROW_PAD - 9  # first baseline
        c.setFillColorRGB(0, 0, 0)
        c.setFont(regular, TITLE_SIZE)
        c.drawString(COL_NO, base, f"{row.number}.")
        c.setFont(bold, TITLE_SIZE)
        line_y = base
        for line in row.title_lines:
            c.drawString(COL_RECORD, line_y, line)
            line_y -= TITLE_LEAD
        c.setFont(regular, TITLE_SIZE)
        c.setFillColorRGB(*STATUS_COLORS[item.status])
        c.drawString(COL_STATUS, base, _status_label(item.status))
        c.setFillColorRGB(0, 0, 0)
        c.setFont(bold, TITLE_SIZE)
        c.drawRightString(COL_PAGE_RIGHT, base, str(item.start) if item.start else "—")
        c.setFont(regular, OWNER_SIZE)
        c.drawString(COL_RECORD, line_y + 1, item.owner_name)
        line_y -= OWNER_LEAD
        c.setFillColorRGB(*GREY)
        c.setFont(regular, PATH_SIZE)
        for line in row.path_lines:
            c.drawString(COL_RECORD, line_y + 2, line)
            line_y -= PATH_LEAD
        if item.skipped:
            c.setFillColorRGB(*STATUS_COLORS[KHONG_HOP_LE])
            c.setFont(regular, 7.5)
            note = _fit_text(t("bundle.toc.skipped", reason=item.skipped), regular, 7.5, RECORD_WIDTH)
            c.drawString(COL_RECORD, line_y + 1, note)
        y -= row.height
        c.setStrokeColorRGB(0.85, 0.85, 0.85)
        c.setLineWidth(0.4)
        c.line(COL_RECORD, y + 1, w - MARGIN_X, y + 1)
        c.setStrokeColorRGB(0, 0, 0)
    _page_number(c, number, w)


def _elide_middle(text: str, font: str, size: float, width: float) -> str:
    """A path too long for a narrow page: keep its start and its file name, drop the middle."""
    if _width(text, font, size) <= width:
        return text
    head, tail = text[: len(text) // 2], text[len(text) // 2 :]
    while (head or tail) and _width(head + "…" + tail, font, size) > width:
        if len(head) >= len(tail):
            head = head[:-1]
        else:
            tail = tail[1:]
    return head + "…" + tail


def _draw_footer(c: Any, item: Item, page: int, pages: int, number: int, w: float) -> None:
    regular, bold = _fonts()
    side = SIDE if w >= 300 else 10.0
    c.setStrokeColorRGB(0.6, 0.6, 0.6)
    c.setLineWidth(0.5)
    c.line(side, FOOTER_H - 3, w - side, FOOTER_H - 3)
    room = w - 2 * side - _width(str(number), bold, 10) - 10  # left of the bundle's page number
    right = t("bundle.footer.page", page=page, pages=pages)
    right_size = _fit(right, regular, 7, room / 3)
    right_w = _width(right, regular, right_size)
    c.setFillColorRGB(0, 0, 0)
    c.setFont(regular, right_size)
    c.drawString(side + room - right_w, 17, right)
    path_room = room - right_w - 8
    size = _fit(item.path, regular, 7, path_room, smallest=4.5)
    c.setFont(regular, size)
    c.drawString(side, 17, _elide_middle(item.path, regular, size, path_room))
    # second line: version · status · copy notice, the status in its colour
    pieces = [
        (t("bundle.footer.version", oid=item.short_oid) + " · ", (0.0, 0.0, 0.0)),
        (_status_label(item.status), STATUS_COLORS[item.status]),
        (" · " + t("bundle.footer.copy"), GREY),
    ]
    size = _fit("".join(p for p, _ in pieces), regular, 7, room, smallest=4.5)
    x = side
    for text, colour in pieces:
        text = _fit_text(text, regular, size, side + room - x)
        c.setFillColorRGB(*colour)
        c.setFont(regular, size)
        c.drawString(x, 8, text)
        x += _width(text, regular, size)
    c.setFillColorRGB(0, 0, 0)
    c.setFont(bold, 10)
    c.drawRightString(w - side, 11, str(number))


@dataclass
class _Meta:
    root: Path
    commit: str
    config: Config
    year: str
    types: list[RecordType]
    owner_text: str
    print_date: date
    items: list[Item]
    printed: int = 0
    total_pages: int = 0


def _canvas(buf: io.BytesIO, meta: _Meta) -> Any:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    c.setAuthor(meta.config.catalog.school.name)
    c.setCreator("hoso bundle")
    return c


def _front_matter(meta: _Meta, toc: list[list[Row]]) -> bytes:
    buf = io.BytesIO()
    c = _canvas(buf, meta)
    _draw_cover(c, meta)
    c.showPage()
    for n, rows in enumerate(toc):
        _draw_toc_page(c, rows, n == 0, 2 + n)
        c.showPage()
    c.save()
    return buf.getvalue()


def _footers(meta: _Meta, items: list[Item]) -> bytes:
    buf = io.BytesIO()
    c = _canvas(buf, meta)
    for item in items:
        for k, page in enumerate(item.pages, 1):
            w, h = float(page.mediabox.width), float(page.mediabox.height)
            c.setPageSize((w, h))
            _draw_footer(c, item, k, len(item.pages), item.start + k - 1, w)
            c.showPage()
    c.save()
    return buf.getvalue()


# ---- the whole -----------------------------------------------------------------------------


def build(
    root: Path,
    year: str,
    *,
    type_id: str | None = None,
    owner: str | None = None,
    print_date: date,
    rev: str = "HEAD",
    cache: EvidenceCache | None = None,
) -> Bundle:
    """The bundle of `year`'s records in commit `rev` (configuration read from that commit too)."""
    from pypdf import PdfReader, PdfWriter

    commit = _commit(root, rev)
    config = load_config(root, CommitSnapshot(root, commit))
    items = select(root, config, commit, year, type_id, owner)
    source = BlobReader(root)
    own_cache = cache is None
    evidence = cache if cache is not None else EvidenceCache(root)
    try:
        _judge(items, config, source, evidence, history_arrival(root, commit))
        _prepare(items, source)
    finally:
        source.close()
        if own_cache:
            evidence.close()

    toc = _paginate(_rows(items))
    front = 1 + len(toc)
    number = front + 1
    for item in items:
        if not item.skipped:
            item.start = number
            number += len(item.pages)
    printed = [i for i in items if not i.skipped]
    if not printed:
        raise HosoError("bundle.nothing-printable", ExitCode.FORMAT, count=len(items))

    types = []
    for item in items:
        if item.record_type not in types:
            types.append(item.record_type)
    owner_text = (
        t("bundle.cover.owner-all")
        if owner is None
        else _owner_name(config, None if owner == OWNER_SCHOOL else owner)
    )
    meta = _Meta(root, commit, config, year, types, owner_text, print_date, items, len(printed), number - 1)

    front_reader = PdfReader(io.BytesIO(_front_matter(meta, toc)))
    footer_reader = PdfReader(io.BytesIO(_footers(meta, printed)))
    writer = PdfWriter()
    for page in front_reader.pages:
        writer.add_page(page)
    k = 0
    for item in printed:
        for page in item.pages:
            page.merge_page(footer_reader.pages[k])
            writer.add_page(page)
            k += 1
    title = types[0].name if len(types) == 1 else t("bundle.cover.title-all")
    stamp = print_date.strftime("D:%Y%m%d000000")
    writer.add_metadata(
        {
            "/Title": t("bundle.pdf-title", title=title, year=year),
            "/Author": config.catalog.school.name,
            "/Subject": t("bundle.cover.notice", origin=f"{root}@{commit}"),
            "/Creator": "hoso bundle",
            "/Producer": "hoso",
            "/CreationDate": stamp,
            "/ModDate": stamp,
        }
    )
    buf = io.BytesIO()
    writer.write(buf)
    return Bundle(buf.getvalue(), commit, items, front, len(toc), number - 1)


def write(bundle: Bundle, out: Path) -> None:
    write_atomic(out, bundle.data)


def iter_skipped(bundle: Bundle) -> Iterator[tuple[str, str]]:
    for item in bundle.skipped:
        yield item.path, item.skipped
