"""Appearances added after the first signature must not change what the signed pages show.

A later signature (or document timestamp) may draw its appearance, in its own widget, on
blank paper — a name, an image, a seal — but never over what was signed: a full-page white
widget that hides the approved plan must not read as one more approval.

The check compares renderings, as EU DSS does: each page that gained a signature widget
after the first signature is rendered as the first signer signed it (that revision alone)
and as the file shows it now, both with annotations. A pixel may differ only inside a widget
added later, and only where the signed rendering had no ink. Anything else — ink covered,
recoloured or erased, or any change outside the new widgets — is refused. Rendering is
pdfium's (pypdfium2), on one core, only for the pages concerned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SCALE = 1.0  # pixels per point
INK = 200  # a grey level below this (0 black … 255 white) is ink in the signed rendering
CHANGED = 48  # a grey level moving by more than this is a visible change
MAX_PAGES = 2000
HIDDEN, NO_VIEW, PRINT = 1 << 1, 1 << 5, 1 << 2


@dataclass(frozen=True)
class Widget:
    page: int
    rect: tuple[float, float, float, float]  # x1, y1, x2, y2 in PDF user space
    revision: int  # the revision that introduced it
    field: str


def later_widgets(reader: Any, first_signed: int) -> list[Widget]:
    """Visible signature widgets introduced after revision `first_signed`, page by page."""
    from pyhanko.pdf_utils import generic

    found: list[Widget] = []
    for index, page in enumerate(_pages(reader)):
        annots = page.get("/Annots")
        if not isinstance(annots, generic.ArrayObject):
            continue
        for raw in annots.iterate():
            if not isinstance(raw, generic.IndirectObject):
                continue  # a direct annotation lives in the page, which may not change
            try:
                revision = reader.xrefs.get_introducing_revision(raw.reference)
            except KeyError:
                continue
            if revision <= first_signed:
                continue
            annot = raw.get_object()  # type: ignore[no-untyped-call]
            if not isinstance(annot, generic.DictionaryObject) or annot.get("/Subtype") != "/Widget":
                continue
            flags = int(annot.get("/F", 0))
            if flags & HIDDEN or (flags & NO_VIEW and not flags & PRINT):
                continue
            try:
                x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
            except (KeyError, TypeError, ValueError):
                continue
            rect = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
            if rect[2] - rect[0] <= 0 or rect[3] - rect[1] <= 0:
                continue  # an invisible signature
            name = annot.get("/T") or annot.get("/Parent", {}).get("/T", "")
            found.append(Widget(index, rect, revision, str(name)))
    return found


def _pages(reader: Any) -> list[Any]:
    """The page dictionaries in order (bounded: a hostile tree cannot loop or explode)."""
    from pyhanko.pdf_utils import generic

    pages: list[Any] = []
    seen: set[int] = set()
    stack = [reader.root["/Pages"]]
    while stack and len(pages) < MAX_PAGES:
        node = stack.pop()
        if isinstance(node, generic.IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
        node = node.get_object()
        if not isinstance(node, generic.DictionaryObject):
            continue
        if node.get("/Type") == "/Pages" or "/Kids" in node:
            kids = node.get("/Kids")
            if isinstance(kids, generic.ArrayObject):
                stack.extend(reversed(list(kids.iterate())))
        else:
            pages.append(node)
    return pages


def hidden_content(data: bytes, signed_end: int, widgets: list[Widget]) -> list[str]:
    """Where the final rendering differs from the signed one beyond what `widgets` may draw.

    `signed_end`: the length of the first signed revision (its bytes alone are that revision's
    PDF). Returns one description per page that fails, empty when every change is allowed.
    """
    import pypdfium2 as pdfium

    problems: list[str] = []
    before_doc = pdfium.PdfDocument(data[:signed_end])
    after_doc = pdfium.PdfDocument(data)
    # widgets are drawn only with a form environment (as viewers do); before any page loads
    before_doc.init_forms()
    after_doc.init_forms()
    try:
        for page_index in sorted({w.page for w in widgets}):
            if page_index >= len(before_doc) or page_index >= len(after_doc):
                problems.append(f"page {page_index + 1}: not in the signed revision")
                continue
            rects = [w.rect for w in widgets if w.page == page_index]
            problem = _compare(before_doc[page_index], after_doc[page_index], rects)
            if problem:
                problems.append(f"page {page_index + 1}: {problem}")
    finally:
        before_doc.close()
        after_doc.close()
    return problems


def _render(page: Any) -> Any:
    bitmap = page.render(scale=SCALE, draw_annots=True, may_draw_forms=True, grayscale=True)
    return bitmap.to_pil().convert("L")


def _compare(before_page: Any, after_page: Any, rects: list[tuple[float, float, float, float]]) -> str:
    from PIL import ImageChops

    before, after = _render(before_page), _render(after_page)
    if before.size != after.size:
        return "page size changed"
    diff = ImageChops.difference(before, after).point(lambda v: 255 if v > CHANGED else 0)
    if diff.getbbox() is None:
        return ""
    # allowed: inside a later widget, where the signed page had no ink
    allowed = _mask(after_page, after.size, rects)
    blank = before.point(lambda v: 255 if v >= INK else 0)
    allowed = ImageChops.multiply(allowed, blank)
    forbidden = ImageChops.subtract(diff, allowed)
    box = forbidden.getbbox()
    if box is None:
        return ""
    covered = forbidden.histogram()[255]
    return f"{covered} pixels of signed content changed near {box}"


def _mask(page: Any, size: tuple[int, int], rects: list[tuple[float, float, float, float]]) -> Any:
    """White where a widget may draw (its rectangle in device pixels), black elsewhere."""
    import ctypes

    import pypdfium2.raw as raw
    from PIL import Image, ImageDraw

    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    width, height = size
    for x1, y1, x2, y2 in rects:
        corners = []
        for px, py in ((x1, y1), (x2, y2), (x1, y2), (x2, y1)):
            dx, dy = ctypes.c_int(), ctypes.c_int()
            raw.FPDF_PageToDevice(
                page.raw, 0, 0, width, height, 0, px, py, ctypes.byref(dx), ctypes.byref(dy)
            )
            corners.append((dx.value, dy.value))
        xs = [c[0] for c in corners]
        ys = [c[1] for c in corners]
        draw.rectangle((min(xs), min(ys), max(xs), max(ys)), fill=255)
    return mask
