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

from dataclasses import dataclass, field
from typing import Any

SCALE = 1.0  # pixels per point
MAX_PIXELS = 4_000_000  # a larger page is rendered at a lower scale (A4 at 1x: 0.5 Mpx)
BLANK = 220  # a pixel whose every channel is at least this is blank paper (or scanned paper)
CHANGED = 32  # a channel moving by more than this is a visible change
MAX_PAGES = 2000
# A page costing more than this to draw (content operators, with form XObjects expanded as
# often as they are drawn, plus image pixels / 100) is not rendered: refused as unverifiable.
MAX_COST = 3_000_000
MAX_STREAM = 32 << 20  # bytes of a decoded content stream read to estimate the cost
HIDDEN, NO_VIEW, PRINT = 1 << 1, 1 << 5, 1 << 2


@dataclass(frozen=True)
class Widget:
    page: int
    rect: tuple[float, float, float, float]  # x1, y1, x2, y2 in PDF user space
    revision: int  # the revision that last changed it (or its appearance)
    field: str
    signed_end: int | None = None  # the length of the revision its signature signs; None: unsigned


@dataclass
class Survey:
    """The annotations of the final file, as the appearance check needs them."""

    widgets: list[Widget] = field(default_factory=list)  # visible signature widgets changed later
    # rectangles of the annotations other than signatures present when the first signature
    # was made (form fields, links, notes): a later widget may not be drawn over them
    protected: dict[int, list[tuple[float, float, float, float]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # actions on later annotations
    pages: dict[int, Any] = field(default_factory=dict)  # the page dictionaries holding `widgets`


def survey(reader: Any, first_signed: int) -> Survey:
    """Visible signature widgets whose dictionary or appearance changed after revision
    `first_signed` (new ones, and empty fields prepared earlier and signed later); the
    other annotations as they were then; and actions attached to anything changed later."""
    from pyhanko.pdf_utils import generic

    found = Survey()
    for index, page in enumerate(_pages(reader)):
        annots = _get(page, "/Annots")
        if not isinstance(annots, generic.ArrayObject):
            continue
        for raw in annots.iterate():
            if not isinstance(raw, generic.IndirectObject):
                continue  # a direct annotation lives in the page, which may not change
            annot = raw.get_object()  # type: ignore[no-untyped-call]
            if not isinstance(annot, generic.DictionaryObject):
                continue
            changed = _last_change(reader, raw, annot)
            rect = _rect(annot)
            parent = _get(annot, "/Parent")
            is_sig = _get(annot, "/FT") == "/Sig" or (
                isinstance(parent, generic.DictionaryObject) and _get(parent, "/FT") == "/Sig"
            )
            if changed <= first_signed:
                if rect is not None and not is_sig:
                    found.protected.setdefault(index, []).append(rect)
                continue
            if (
                "/A" in annot
                or "/AA" in annot
                or (isinstance(parent, generic.DictionaryObject) and "/AA" in parent)
            ):
                found.problems.append(f"page {index + 1}: actions on an annotation added after signing")
            if not is_sig or _get(annot, "/Subtype") != "/Widget":
                continue  # anything else added later is the difference analysis' to refuse
            flags = int(_get(annot, "/F") or 0)
            if flags & HIDDEN or (flags & NO_VIEW and not flags & PRINT) or rect is None:
                continue  # not shown, or an invisible signature
            name = _get(annot, "/T") or (
                (_get(parent, "/T") or "") if isinstance(parent, generic.DictionaryObject) else ""
            )
            holder = parent if isinstance(parent, generic.DictionaryObject) and "/T" not in annot else annot
            found.widgets.append(Widget(index, rect, changed, str(name), _signed_end(holder)))
            found.pages[index] = page
    return found


def _signed_end(field: Any) -> int | None:
    """The end of the bytes the field's signature covers (that revision alone), if it is signed."""
    try:
        byte_range = [int(x) for x in _get(_get(field, "/V"), "/ByteRange")]
        return byte_range[2] + byte_range[3] if len(byte_range) == 4 else None
    except (TypeError, ValueError):
        return None


def _last_change(reader: Any, raw: Any, annot: Any) -> int:
    """The last revision that changed the annotation or its normal appearance stream."""
    from pyhanko.pdf_utils import generic

    refs = [raw.reference]
    ap_raw = annot.raw_get("/AP") if "/AP" in annot else None
    if isinstance(ap_raw, generic.IndirectObject):
        refs.append(ap_raw.reference)
    ap = _get(annot, "/AP")
    if isinstance(ap, generic.DictionaryObject) and "/N" in ap:
        normal = ap.raw_get("/N")
        if isinstance(normal, generic.IndirectObject):
            refs.append(normal.reference)
    last = 0
    for ref in refs:
        try:
            last = max(last, int(reader.xrefs.get_last_change(ref)))
        except KeyError:
            continue
    return last


def _rect(annot: Any) -> tuple[float, float, float, float] | None:
    try:
        x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
    except (KeyError, TypeError, ValueError):
        return None
    rect = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
    return rect if rect[2] > rect[0] and rect[3] > rect[1] else None


def _get(container: Any, key: str) -> Any:
    """`container[key]` resolved (pyHanko's `get` returns references unresolved), or None."""
    try:
        return container[key]
    except (KeyError, TypeError, AttributeError):
        return None


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


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
        if _get(node, "/Type") == "/Pages" or "/Kids" in node:
            kids = _get(node, "/Kids")
            if isinstance(kids, generic.ArrayObject):
                stack.extend(reversed(list(kids.iterate())))
        else:
            pages.append(node)
    return pages


def hidden_content(data: bytes, signed_end: int, found: Survey) -> list[str]:
    """Where the final rendering differs from the signed one beyond what later widgets may draw.

    `signed_end`: the length of the first signed revision (its bytes alone are that revision's
    PDF). Returns one description per page that fails, empty when every change is allowed.
    """
    problems: list[str] = []
    pages = sorted({w.page for w in found.widgets})
    for page_index in pages:
        rects = [w.rect for w in found.widgets if w.page == page_index]
        if any(_overlaps(r, p) for r in rects for p in found.protected.get(page_index, [])):
            problems.append(f"page {page_index + 1}: a later signature is drawn over a form field or note")
    stamps = _stamps(found)
    for earlier, later in stamps:
        if not _on_left_third(later.rect, earlier.rect) or earlier.signed_end is None:
            problems.append(
                f"page {later.page + 1}: a later signature is drawn over the signature {earlier.field}"
            )
    if len(stamps) > MAX_STAMPS:
        problems.append(f"page {stamps[0][0].page + 1}: {len(stamps)} signatures drawn over one another")
    for page_index in pages:
        cost = _cost(found.pages[page_index])
        if cost > MAX_COST:
            problems.append(f"page {page_index + 1}: too costly to render ({cost} operations)")
    if problems or not pages:
        return problems
    import pypdfium2 as pdfium

    before_doc = pdfium.PdfDocument(data[:signed_end])
    after_doc = pdfium.PdfDocument(data)
    # widgets are drawn only with a form environment (as viewers do); before any page loads
    before_doc.init_forms()
    after_doc.init_forms()
    try:
        for page_index in pages:
            if page_index >= len(before_doc) or page_index >= len(after_doc):
                problems.append(f"page {page_index + 1}: not in the signed revision")
                continue
            rects = [w.rect for w in found.widgets if w.page == page_index]
            problem = _compare(before_doc[page_index], after_doc[page_index], rects)
            if problem:
                problems.append(f"page {page_index + 1}: {problem}")
        for earlier, later in stamps:
            problem = _stamp_keeps_ink(data, after_doc[later.page], earlier, later)
            if problem:
                problems.append(f"page {later.page + 1}: {problem}")
    finally:
        before_doc.close()
        after_doc.close()
    return problems


# Signatures added after the first one are drawn on paper that was blank when the first signer
# signed, so the comparison above does not protect them from one another: a third signer could
# draw white over the tổ trưởng's box and write another name. A later widget may overlap an
# earlier one only as a seal is stamped (NĐ 30/2020): over at most the left third of the earlier
# box, leaving every pixel of its ink still ink.
MAX_STAMPS = 16


def _stamps(found: Survey) -> list[tuple[Widget, Widget]]:
    """(earlier, later) pairs of later widgets on one page whose boxes overlap."""
    return [
        (earlier, later)
        for later in found.widgets
        for earlier in found.widgets
        if earlier.page == later.page
        and earlier.revision < later.revision
        and _overlaps(earlier.rect, later.rect)
    ]


def _on_left_third(stamp: tuple[float, float, float, float], box: tuple[float, float, float, float]) -> bool:
    """`stamp` reaches into `box` from the left by at most a third of its width (1 pt of rounding)."""
    return stamp[0] < box[0] and stamp[2] <= box[0] + (box[2] - box[0]) / 3 + 1


def _stamp_keeps_ink(data: bytes, after_page: Any, earlier: Widget, later: Widget) -> str:
    """'' when every pixel of `earlier`'s ink under `later` (as `earlier`'s own revision shows it)
    is still ink in the final rendering; else what was erased."""
    import pypdfium2 as pdfium
    from PIL import ImageChops

    assert earlier.signed_end is not None
    doc = pdfium.PdfDocument(data[: earlier.signed_end])
    doc.init_forms()
    try:
        if earlier.page >= len(doc):
            return f"the signature {earlier.field} is not on this page in its own revision"
        own = _render(doc[earlier.page])
    finally:
        doc.close()
    final = _render(after_page)
    if own.size != final.size:
        return "page size changed"
    x1, y1, x2, y2 = earlier.rect
    over = (max(x1, later.rect[0]), max(y1, later.rect[1]), min(x2, later.rect[2]), min(y2, later.rect[3]))
    area = _mask(after_page, final.size, [over])
    ink_then = ImageChops.multiply(_channel_min(own).point(lambda v: 255 if v < BLANK else 0), area)
    blank_now = _channel_min(final).point(lambda v: 255 if v >= BLANK else 0)
    erased = ImageChops.multiply(ink_then, blank_now)
    if erased.getbbox() is None:
        return ""
    return f"{erased.histogram()[255]} pixels of the signature {earlier.field} hidden by a later one"


def _cost(page: Any) -> int:
    """A bound on the work of drawing `page` with its annotations: operators (approximated by
    the tokens of the decoded streams), form XObjects counted each time they are drawn (with
    memoisation, so a fan-out tree is counted, not walked), images by pixels / 100."""
    from pyhanko.pdf_utils import generic

    memo: dict[int, int] = {}

    def stream_cost(stream: Any, resources: Any, depth: int) -> int:
        if depth > 32:
            return MAX_COST + 1
        key = id(stream)
        if key in memo:
            return memo[key]
        memo[key] = MAX_COST + 1  # a cycle costs everything
        raw = _decoded(stream)
        if raw is None:
            memo[key] = MAX_COST + 1
            return memo[key]
        total = raw.count(b" ") + raw.count(b"\n") + 1
        xobjects = _get(resources, "/XObject") if isinstance(resources, generic.DictionaryObject) else None
        if isinstance(xobjects, generic.DictionaryObject) and b"Do" in raw:
            for name in list(xobjects.keys())[:1000]:
                uses = raw.count(name.encode("latin-1") + b" Do") + raw.count(name.encode("latin-1") + b"Do")
                if not uses:
                    continue
                child = xobjects[name]
                if not isinstance(child, generic.StreamObject):
                    continue
                if _get(child, "/Subtype") == "/Image":
                    pixels = int(_get(child, "/Width") or 0) * int(_get(child, "/Height") or 0)
                    total += uses * (pixels // 100 + 1)
                else:
                    total += uses * stream_cost(child, (_get(child, "/Resources") or resources), depth + 1)
                if total > MAX_COST:
                    break
        memo[key] = min(total, MAX_COST + 1)
        return memo[key]

    resources, node = None, page
    for _ in range(32):  # resources are inherited from the page tree
        resources = _get(node, "/Resources")
        node = _get(node, "/Parent")
        if resources is not None or not isinstance(node, generic.DictionaryObject):
            break
    contents = _get(page, "/Contents")
    streams = (
        [c.get_object() for c in contents.iterate()]
        if isinstance(contents, generic.ArrayObject)
        else [contents]
    )
    total = sum(stream_cost(c, resources, 0) for c in streams if isinstance(c, generic.StreamObject))
    annots = _get(page, "/Annots")
    for raw_annot in annots.iterate() if isinstance(annots, generic.ArrayObject) else []:
        annot = raw_annot.get_object()
        ap = _get(annot, "/AP") if isinstance(annot, generic.DictionaryObject) else None
        normal = _get(ap, "/N") if isinstance(ap, generic.DictionaryObject) else None
        for appearance in (
            normal.values()
            if isinstance(normal, generic.DictionaryObject) and not isinstance(normal, generic.StreamObject)
            else [normal]
        ):
            if isinstance(appearance, generic.StreamObject):
                total += stream_cost(appearance, _get(appearance, "/Resources"), 0)
        if total > MAX_COST:
            break
    return int(total)


def _decoded(stream: Any) -> bytes | None:
    """A content stream decoded (Flate only, bounded), or its raw bytes; None when unreadable."""
    from hoso.pdf.verify.policy import filter_names, inflate

    names = filter_names(_get(stream, "/Filter"))
    raw = stream.encoded_data
    if names != ["/FlateDecode"]:
        return bytes(raw)  # no filter, or others: their encoded size is the estimate
    return inflate(raw, MAX_STREAM)


def _render(page: Any) -> Any:
    width, height = page.get_size()
    scale = min(SCALE, (MAX_PIXELS / max(1.0, width * height)) ** 0.5)
    bitmap = page.render(scale=scale, draw_annots=True, may_draw_forms=True)
    return bitmap.to_pil().convert("RGB")


def _compare(before_page: Any, after_page: Any, rects: list[tuple[float, float, float, float]]) -> str:
    from PIL import ImageChops

    before, after = _render(before_page), _render(after_page)
    if before.size != after.size:
        return "page size changed"
    # a pixel changed when any channel moved by more than CHANGED
    diff = ImageChops.difference(before, after)
    diff = _channel_max(diff).point(lambda v: 255 if v > CHANGED else 0)
    if diff.getbbox() is None:
        return ""
    # allowed: inside a later widget, where the signed page was blank (every channel light)
    allowed = _mask(after_page, after.size, rects)
    blank = _channel_min(before).point(lambda v: 255 if v >= BLANK else 0)
    allowed = ImageChops.multiply(allowed, blank)
    forbidden = ImageChops.subtract(diff, allowed)
    box = forbidden.getbbox()
    if box is None:
        return ""
    covered = forbidden.histogram()[255]
    return f"{covered} pixels of signed content changed near {box}"


def _channel_max(image: Any) -> Any:
    from PIL import ImageChops

    r, g, b = image.split()
    return ImageChops.lighter(ImageChops.lighter(r, g), b)


def _channel_min(image: Any) -> Any:
    from PIL import ImageChops

    r, g, b = image.split()
    return ImageChops.darker(ImageChops.darker(r, g), b)


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
