"""Where a visible signature goes when the signer gives no box: blank paper, clear of the rest.

Why this is needed: hoso's verifier (`hoso.pdf.verify.appearance`) refuses a later appearance
that changes a pixel that was ink when the first signer signed, or that covers a form field or
note present then; and signatures drawn in one box cannot be read. So each new box is looked
for on the page as pdfium renders it now (annotations and form fields included, the same
rendering and the same "blank" threshold as the verifier), the way a Vietnamese document's
signature block grows: bottom right first, then leftward along that row, then the next row up.
Every annotation on the page, signatures included, is kept clear of with a small gap.

The seal (con dấu) follows NĐ 30/2020: stamped over the left third of the signature of the
person who signed the page last (the hiệu trưởng). That overlap passes the verifier only when
the covered signature was added after the first signature (its pixels were blank paper when
the first signer signed): a later widget may draw only on what was blank then. When the head
signed first, their signature is part of what was signed and may not be drawn over; the seal
then goes immediately left of it, touching. The forgery checks are not relaxed for the seal.

When no spot is free, `NoRoomError` is raised and nothing is signed: a school would rather
sign again without a visible box (the signature's legal value does not depend on it) than get
a record whose verification fails, a box hiding the text being signed, or silently no box.

Deterministic: the same file and arguments give the same box.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hoso.config.vocab import SIGNER_SEAL
from hoso.errors import ExitCode, HosoError
from hoso.pdf.verify.appearance import BLANK, MAX_PIXELS, SCALE

Box = tuple[int, int, int, int]  # x1, y1, x2, y2 in PDF points (user space), integers
Rect = tuple[float, float, float, float]

PERSON_SIZE = (220, 70)  # title, name, date or a signature image: the box hoso always used
SEAL_SIZE = (150, 70)  # narrower: the school's name and a round seal image
MARGIN = 36  # half an inch of the page edge stays free (printers clip it)
STEP = 6  # candidate boxes are tried on this grid (points)
GAP = 6  # paper between two boxes, so that each reads on its own
PAD = 4  # paper between a box and the page's own ink


class NoRoomError(HosoError):
    """No blank spot on the page for the box; nothing was signed.

    `str()` is the translated message: `hoso sign` shows exceptions from signing as their text.
    """

    def __init__(self, page: int, width: int, height: int) -> None:
        super().__init__("sign.no-room", ExitCode.FORMAT, page=page + 1, width=width, height=height)

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class Placement:
    page: int  # 0-based
    box: Box
    over: str | None = None  # the field whose signature the seal is stamped over, if any


@dataclass(frozen=True)
class _Annot:
    rect: Rect
    field: str  # the field name of a signed signature widget, else ""
    revision: int  # the revision that last changed it (signed signature widgets), else -1


def place(
    data: bytes, *, page: int | None = None, seal: bool = False, size: tuple[int, int] | None = None
) -> Placement:
    """A box for a new visible signature on `page` (0-based, negative from the end; None: the
    last page, where a document's signature block is). `seal`: the school seal, stamped over
    the left third of the last person signature on that page when that is safe (see the module
    docstring). `size` (width, height in points) defaults to PERSON_SIZE or SEAL_SIZE.

    Raises NoRoomError when the page has no free blank spot, ValueError for a page not in
    the document.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    count = int(reader.root["/Pages"]["/Count"])
    index = count - 1 if page is None else page + count if page < 0 else page
    if not 0 <= index < count:
        raise ValueError(f"page {page} is not in a document of {count} pages")
    page_ref, _ = reader.find_page_for_modification(index)  # type: ignore[no-untyped-call]
    annots = _annotations(reader, page_ref.get_object())
    width, height = size or (SEAL_SIZE if seal else PERSON_SIZE)

    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    doc.init_forms()  # widgets are drawn only with a form environment, as the verifier does
    try:
        sheet = _Sheet(doc[index])
        head = _head(annots) if seal else None
        if head is not None:
            found = _over_head(reader, data, index, sheet, annots, head, width)
            if found is not None:
                return found
        for box in _scan(sheet.bounds, width, height):
            if sheet.blank(box) and not any(_overlaps(_grow(a.rect, GAP), box) for a in annots):
                return Placement(index, box)
    finally:
        doc.close()
    raise NoRoomError(index, width, height)


def _over_head(
    reader: Any, data: bytes, index: int, sheet: _Sheet, annots: list[_Annot], head: _Annot, width: int
) -> Placement | None:
    """The seal over the head's left third if that stays on paper that was blank when the first
    signer signed; else touching the head's box on its left; None when neither is free."""
    x1, y1, x2, y2 = head.rect
    third = math.floor(x1 + (x2 - x1) / 3)  # the seal's right edge: a third into the head's box
    left, bottom, top = math.floor(x1), round(y1), round(y2)
    others = [a for a in annots if a is not head]
    over: Box = (third - width, bottom, third, top)
    beside: Box = (left - width, bottom, left, top)
    ink_now = sheet.without(head.rect)  # the head's own drawing may be stamped over
    signed = _first_signed(reader, data)
    for box, needs_signed_blank in ((over, True), (beside, False)):
        if not sheet.inside(box) or any(_overlaps(_grow(a.rect, GAP), box) for a in others):
            continue
        if not sheet.blank(box, ink_now):
            continue
        if needs_signed_blank:
            if signed is None:
                continue
            before = _render_ink(signed, index)
            if before is None or before.size != sheet.ink.size or not sheet.blank(box, before, pad=1):
                continue
        elif _overlaps(head.rect, box):
            continue
        return Placement(index, box, head.field)
    return None


def _first_signed(reader: Any, data: bytes) -> bytes | None:
    """The first signed revision on its own (what the verifier compares the page against)."""
    try:
        first = reader.embedded_signatures[0]
        start, length = (int(x) for x in list(first.byte_range)[2:4])
    except Exception:  # unreadable signatures: no overlap is known to be safe
        return None
    return data[: start + length]


def _render_ink(data: bytes, index: int) -> Any:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    doc.init_forms()
    try:
        return _ink(doc[index]) if index < len(doc) else None
    finally:
        doc.close()


def _scan(bounds: Box, width: int, height: int) -> Iterator[Box]:
    """Candidate boxes: bottom row first, right to left, then each row higher."""
    left, bottom, right, top = bounds
    for y in range(bottom, top - height + 1, STEP):
        for x in range(right - width, left - 1, -STEP):
            yield (x, y, x + width, y + height)


def _head(annots: list[_Annot]) -> _Annot | None:
    """The person signature made last on the page (hoso names the seal's field Sig<n>-con-dau)."""
    people = [a for a in annots if a.field and not a.field.endswith("-" + SIGNER_SEAL)]
    return max(people, key=lambda a: a.revision, default=None)


def _annotations(reader: Any, page: Any) -> list[_Annot]:
    """Every annotation with an area on the page; signed signature widgets with their field
    name and the revision that last changed them."""
    from pyhanko.pdf_utils import generic

    found: list[_Annot] = []
    annots = _get(page, "/Annots")
    if not isinstance(annots, generic.ArrayObject):
        return found
    for raw in annots.iterate():
        annot = raw.get_object() if isinstance(raw, generic.IndirectObject) else raw  # type: ignore[no-untyped-call]
        if not isinstance(annot, generic.DictionaryObject):
            continue
        rect = _rect(annot)
        if rect is None:
            continue
        parent = _get(annot, "/Parent")
        holder = parent if isinstance(parent, generic.DictionaryObject) and "/T" not in annot else annot
        is_sig = _get(annot, "/FT") == "/Sig" or _get(holder, "/FT") == "/Sig"
        if not (is_sig and _get(annot, "/Subtype") == "/Widget" and _get(holder, "/V") is not None):
            found.append(_Annot(rect, "", -1))
            continue
        try:
            revision = int(reader.xrefs.get_last_change(raw.reference))
        except (AttributeError, KeyError):
            revision = -1
        found.append(_Annot(rect, str(_get(holder, "/T") or ""), revision))
    return found


def _rect(annot: Any) -> Rect | None:
    try:
        x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
    except (KeyError, TypeError, ValueError):
        return None
    rect = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
    return rect if rect[2] > rect[0] and rect[3] > rect[1] else None


def _get(container: Any, key: str) -> Any:
    try:
        return container[key]
    except (KeyError, TypeError, AttributeError):
        return None


def _overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _grow(rect: Rect, by: float) -> Rect:
    return rect[0] - by, rect[1] - by, rect[2] + by, rect[3] + by


class _Sheet:
    """A page rendered as the verifier renders it, as a mask: 255 where there is ink."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.ink = _ink(page)
        left, bottom, right, top = (float(v) for v in page.get_cropbox())
        self.bounds: Box = (
            round(left) + MARGIN,
            round(bottom) + MARGIN,
            round(right) - MARGIN,
            round(top) - MARGIN,
        )

    def device(self, rect: Rect) -> tuple[int, int, int, int]:
        """`rect`'s pixels (left, top, right, bottom exclusive), one pixel wider each side."""
        import ctypes

        import pypdfium2.raw as raw

        width, height = self.ink.size
        xs, ys = [], []
        for px, py in ((rect[0], rect[1]), (rect[2], rect[3]), (rect[0], rect[3]), (rect[2], rect[1])):
            dx, dy = ctypes.c_int(), ctypes.c_int()
            raw.FPDF_PageToDevice(
                self.page.raw, 0, 0, width, height, 0, px, py, ctypes.byref(dx), ctypes.byref(dy)
            )
            xs.append(dx.value)
            ys.append(dy.value)
        return min(xs) - 1, min(ys) - 1, max(xs) + 2, max(ys) + 2

    def inside(self, box: Box) -> bool:
        left, bottom, right, top = self.bounds
        return left <= box[0] and bottom <= box[1] and box[2] <= right and box[3] <= top

    def blank(self, box: Box, ink: Any = None, pad: int = PAD) -> bool:
        """No ink under `box` grown by `pad` (in `ink`, the page's own mask by default)."""
        ink = self.ink if ink is None else ink
        x1, y1, x2, y2 = self.device(_grow(box, pad))
        if x1 < 0 or y1 < 0 or x2 > ink.size[0] or y2 > ink.size[1]:
            return False  # off the rendered page: crop() would pad it with "blank"
        return bool(ink.crop((x1, y1, x2, y2)).getbbox() is None)

    def without(self, rect: Rect) -> Any:
        """The ink mask with `rect` erased (what a seal may be stamped over)."""
        from PIL import ImageDraw

        mask = self.ink.copy()
        x1, y1, x2, y2 = self.device(rect)
        ImageDraw.Draw(mask).rectangle((x1, y1, x2 - 1, y2 - 1), fill=0)
        return mask


def _ink(page: Any) -> Any:
    """255 where the rendering (annotations and forms drawn) is darker than blank paper."""
    from PIL import ImageChops

    width, height = page.get_size()
    scale = min(SCALE, (MAX_PIXELS / max(1.0, width * height)) ** 0.5)
    image = page.render(scale=scale, draw_annots=True, may_draw_forms=True).to_pil().convert("RGB")
    r, g, b = image.split()
    darkest = ImageChops.darker(ImageChops.darker(r, g), b)
    return darkest.point(lambda v: 0 if v >= BLANK else 255)
