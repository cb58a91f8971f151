"""Visible signatures placed automatically (`hoso.pdf.placement`): never on top of each other,
never over the text, the seal over the left third of the hiệu trưởng's signature (NĐ 30/2020).

Test files, all made at test time: `sigfixtures.source_pdf()` (one A4 page, two lines of text at
the top and a form field), pages drawn here with reportlab (`invariant=1`) in the DejaVu font,
a red-ring PNG drawn with Pillow as the seal image; signed with the test PKI of
tests/sigfixtures.py through `hoso.pdf.sign.sign_pdf` (pyHanko), at fixed times. The CLI test
copies the demo school's configuration and one demo record, and signs with the demo PKI in
scripts/demo_pki/ (demo-only keys, passphrase "demo"), as tests/test_sign.py does.
"""

from __future__ import annotations

import io
import shutil
from datetime import datetime, timedelta
from itertools import combinations
from pathlib import Path

import pytest
import sigfixtures as F
from conftest import REPO_ROOT, cli

from hoso.errors import ExitCode
from hoso.messages import t
from hoso.pdf import pki
from hoso.pdf.placement import NoRoomError, place
from hoso.pdf.sign import Appearance, sign_pdf, signer_from_keys
from hoso.pdf.verify import FileVerdict, verify_pdf

Rect = tuple[float, float, float, float]
A4 = (595, 842)
START = datetime(2024, 9, 12, 8, 0)


def _sign(
    data: bytes, issued: pki.Issued, field: str, n: int, *, seal: bool = False, **appearance: object
) -> bytes:
    signer = signer_from_keys(issued.cert, issued.key, [F.pki_fixture().inter.cert])
    lines = ["Con dấu" if seal else field, issued.cert.subject.rfc4514_string()[:40]]
    return sign_pdf(
        data,
        signer,
        field_name=field,
        signing_time=START + timedelta(days=n),
        appearance=Appearance(lines, seal=seal, **appearance),  # type: ignore[arg-type]
    )


def _widgets(data: bytes, page: int = -1) -> dict[str, Rect]:
    """Every signature widget's /Rect on the page, by field name."""
    from pypdf import PdfReader

    found: dict[str, Rect] = {}
    for ref in PdfReader(io.BytesIO(data)).pages[page].get("/Annots", []):
        annot = ref.get_object()
        if annot.get("/FT") == "/Sig":
            x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
            found[str(annot["/T"])] = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
    return found


def _check(data: bytes) -> FileVerdict:
    return verify_pdf(data, trust_roots=F.pki_fixture().trust, people=F.people())


def _assert_valid(data: bytes, signatures: int) -> None:
    verdict = _check(data)
    assert verdict.status == "valid", (verdict.reasons, verdict.details)
    assert "sig.appearance-covers-content" not in verdict.reasons
    assert len(verdict.signatures) == signatures
    assert all(s.status == "valid" and s.reasons == [] for s in verdict.signatures)


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside_page(r: Rect) -> bool:
    return 0 <= r[0] < r[2] <= A4[0] and 0 <= r[1] < r[3] <= A4[1]


def _seal_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((8, 8, 192, 192), outline=(200, 20, 20, 255), width=10)
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def _page(lines_from: float, lines_to: float, *, pages: int = 1) -> bytes:
    """A4 pages of Vietnamese text lines between heights `lines_from` and `lines_to` (points)."""
    from reportlab.pdfgen import canvas

    from hoso.pdf.sign import register_fonts

    regular, _ = register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for _ in range(pages):
        c.setFont(regular, 11)
        y = lines_to
        while y >= lines_from:
            c.drawString(40, y, "Nội dung kế hoạch giáo dục của nhà trường năm học 2024–2025, " * 2)
            y -= 14
        c.showPage()
    c.save()
    return buf.getvalue()


# ---- four signers in sequence -----------------------------------------------------------------


def test_four_signers_get_separate_boxes_and_the_seal_covers_the_heads_left_third() -> None:
    p = F.pki_fixture()
    data = F.source_pdf()
    data = _sign(data, p.teacher, "Sig1-nguyen-van-an", 0)
    data = _sign(data, p.to_truong, "Sig2-le-van-cuong", 1)
    data = _sign(data, p.hieu_truong, "Sig3-tran-thi-binh", 2)
    data = _sign(data, p.seal, "Sig4-con-dau", 3, seal=True, image=_seal_png())
    boxes = _widgets(data)
    people = [boxes["Sig1-nguyen-van-an"], boxes["Sig2-le-van-cuong"], boxes["Sig3-tran-thi-binh"]]
    assert all(_inside_page(r) for r in boxes.values())
    assert not any(_overlap(a, b) for a, b in combinations(people, 2))
    head, seal = boxes["Sig3-tran-thi-binh"], boxes["Sig4-con-dau"]
    # NĐ 30/2020: the seal is stamped over the left third of the head's signature
    width = head[2] - head[0]
    assert seal[0] < head[0] < seal[2] < head[2]
    assert abs((seal[2] - head[0]) - width / 3) <= 1
    assert (seal[1], seal[3]) == (head[1], head[3])
    assert not any(_overlap(seal, r) for r in people[:2])  # and over nobody else's
    # the form field present at the first signature is never drawn over
    assert not any(_overlap(r, (72, 600, 372, 624)) for r in boxes.values())
    _assert_valid(data, 4)


def test_signature_block_grows_from_the_bottom_right() -> None:
    p = F.pki_fixture()
    first = _sign(F.source_pdf(), p.teacher, "Sig1-nguyen-van-an", 0)
    second = _sign(first, p.to_truong, "Sig2-le-van-cuong", 1)
    a, b = _widgets(second)["Sig1-nguyen-van-an"], _widgets(second)["Sig2-le-van-cuong"]
    assert a[2] > A4[0] - 60 and a[1] < 60  # bottom right, inside the margin
    assert b[2] <= a[0] and b[1] == a[1]  # next to it, on the same row


def test_seal_goes_beside_a_signature_it_may_not_cover() -> None:
    """The head signed first: their signature is part of what was signed, so the seal may not be
    stamped over it (the verifier refuses that, and is not relaxed): it touches it on the left."""
    p = F.pki_fixture()
    head_first = _sign(F.source_pdf(), p.hieu_truong, "Sig1-tran-thi-binh", 0)
    data = _sign(head_first, p.seal, "Sig2-con-dau", 1, seal=True)
    head, seal = _widgets(data)["Sig1-tran-thi-binh"], _widgets(data)["Sig2-con-dau"]
    assert seal[2] == head[0] and (seal[1], seal[3]) == (head[1], head[3])
    _assert_valid(data, 2)
    # what placement avoided: the same seal over the head's left third is a forgery to the verifier
    third = head[0] + (head[2] - head[0]) / 3
    forced = _sign(
        head_first, p.seal, "Sig2-con-dau", 1, seal=True, box=(third - 150, head[1], third, head[3])
    )
    verdict = _check(forced)
    assert verdict.status == "invalid" and "sig.appearance-covers-content" in verdict.reasons


# ---- text on the page ---------------------------------------------------------------------------


def test_box_goes_to_blank_paper_above_text_at_the_bottom() -> None:
    p = F.pki_fixture()
    data = _page(40, 430)  # the lower half full of text, the upper half blank
    data = _sign(data, p.teacher, "Sig1-nguyen-van-an", 0)
    data = _sign(data, p.to_truong, "Sig2-le-van-cuong", 1)
    boxes = list(_widgets(data).values())
    assert len(boxes) == 2 and all(r[1] > 430 + 11 for r in boxes), boxes  # above the last line's ink
    assert not _overlap(*boxes)
    _assert_valid(data, 2)  # the tổ trưởng's box changed no pixel of the signed text


def test_a_full_page_refuses_before_signing() -> None:
    data = _page(40, 800)
    with pytest.raises(NoRoomError) as caught:
        _sign(data, F.pki_fixture().teacher, "Sig1-nguyen-van-an", 0)
    assert str(caught.value) == t("sign.no-room", page=1, width=220, height=70)
    assert "--visible" in str(caught.value)


def test_an_explicit_box_over_text_is_still_refused() -> None:
    """The automatic placement never excuses a caller's box: drawn over signed text, it is refused."""
    p = F.pki_fixture()
    data = _sign(F.source_pdf(), p.teacher, "Sig1-nguyen-van-an", 0)
    data = _sign(data, p.to_truong, "Sig2-le-van-cuong", 1, box=(60, 720, 400, 790), page=0)
    verdict = _check(data)
    assert verdict.status == "invalid" and "sig.appearance-covers-content" in verdict.reasons
    assert _widgets(data)["Sig2-le-van-cuong"] == (60, 720, 400, 790)  # the box as given


# ---- pages and determinism -----------------------------------------------------------------------


def test_last_page_by_default_or_the_page_asked_for() -> None:
    data = _page(700, 800, pages=2)
    assert place(data).page == 1
    assert place(data, page=0).page == 0
    assert place(data, page=-2).page == 0
    with pytest.raises(ValueError):
        place(data, page=2)
    signed = _sign(data, F.pki_fixture().teacher, "Sig1-nguyen-van-an", 0)
    assert list(_widgets(signed, page=1)) == ["Sig1-nguyen-van-an"] and _widgets(signed, page=0) == {}


def test_same_input_same_box_same_bytes() -> None:
    p = F.pki_fixture()
    data = _sign(F.source_pdf(), p.teacher, "Sig1-nguyen-van-an", 0)
    assert place(data) == place(data)
    assert place(data, seal=True) == place(data, seal=True)
    again = [_sign(data, p.to_truong, "Sig2-le-van-cuong", 1) for _ in range(2)]
    assert again[0] == again[1]


# ---- through the CLI: hoso sign --visible, the seal with --role con-dau ---------------------------

RECORD = "records/2024-2025/truong/ke-hoach-giao-duc-nha-truong/ke-hoach-giao-duc-nha-truong-2024-2025.pdf"
DEMO_PKI = REPO_ROOT / "scripts/demo_pki"


def test_cli_principal_then_seal(tmp_path: Path, capsys, monkeypatch) -> None:
    root = tmp_path / "truong"
    root.mkdir()
    for name in ("catalog.yml", "people.yml", "locks.yml"):
        shutil.copy(REPO_ROOT / name, root / name)
    shutil.copytree(REPO_ROOT / "trust", root / "trust")
    (root / RECORD).parent.mkdir(parents=True)
    shutil.copy(REPO_ROOT / RECORD, root / RECORD)
    monkeypatch.chdir(root)
    monkeypatch.setenv("HOSO_P12_PASSPHRASE", "demo")
    before = _widgets((root / RECORD).read_bytes())
    principal = DEMO_PKI / "people/nguyen-van-hai.p12"
    run = cli(capsys, "sign", RECORD, "--role", "hieu-truong", "--p12", str(principal), "--visible")
    assert run.code == ExitCode.OK, run.text
    run = cli(
        capsys, "sign", RECORD, "--role", "con-dau", "--p12", str(DEMO_PKI / "con-dau.p12"), "--visible"
    )
    assert run.code == ExitCode.OK, run.text
    after = _widgets((root / RECORD).read_bytes())
    new = {name: r for name, r in after.items() if name not in before}
    (head,) = (r for name, r in new.items() if not name.endswith("-con-dau"))
    (seal,) = (r for name, r in new.items() if name.endswith("-con-dau"))
    assert seal[0] < head[0] < seal[2] < head[2]  # stamped over the left third
    assert not any(_overlap(r, x) for r in (head, seal) for x in before.values())
    assert cli(capsys, "verify", RECORD).code == ExitCode.OK
