"""Make PAdES signatures with pyHanko: incremental, SHA-256, optionally visible.

With a fixed `signing_time` the output is byte-for-byte reproducible for the same input and
key, provided the key signs deterministically (RSA PKCS#1 v1.5, pyHanko's default for RSA;
ECDSA signatures are randomised). pyHanko draws four values at random or from the clock,
and each is pinned here:

- the signing session's `system_time` (written as the signature dictionary's /M);
- the document's modification date (/ModDate in the Info dictionary, XMP if present);
- the second half of the trailer /ID (and the first half when the input has none);
- the resource name of an imported appearance page (we import it ourselves).

pyHanko and reportlab are imported inside the functions: a git hook that checks no PDF must
not pay for those imports.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography import x509
    from pyhanko.pdf_utils.writer import BasePdfFileWriter
    from pyhanko.sign.signers import Signer, SimpleSigner
    from pyhanko.sign.signers.pdf_signer import PdfSigningSession

    from hoso.pdf.pki import PrivateKey

VN_TZ = timezone(timedelta(hours=7), "ICT")  # Vietnam: UTC+7, no daylight saving
FONT_REGULAR = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"


@dataclass(frozen=True)
class Appearance:
    """A visible signature: a bordered box with a few lines of text (first line bold).

    `box` is (x1, y1, x2, y2) in PDF points from the bottom-left corner of the page; None
    places it automatically (`hoso.pdf.placement.place`: blank paper, clear of every earlier
    signature and annotation, the seal over the left third of the last person's signature).
    `page` is 0-based, negative from the end; None is the last page. `image` (PNG or JPEG
    bytes) follows NĐ 30/2020: the handwritten signature (or the seal) between the title
    (first line) and the name (last line). `seal`: the school's seal (con dấu), placed as one.
    """

    lines: Sequence[str]
    box: tuple[float, float, float, float] | None = None
    page: int | None = None
    image: bytes | None = None
    seal: bool = False


# ---- signers -----------------------------------------------------------------------------


def load_signer(
    p12_path: Path, passphrase: str | None, *, extra_certs: Sequence[x509.Certificate] = ()
) -> SimpleSigner:
    """A pyHanko signer from a PKCS#12 file; raise ValueError if it cannot be read.

    The archive is parsed here rather than by pyHanko's SimpleSigner.load_pkcs12, which
    gathers the CA certificates in a set: their order in the signature would then change
    from one process to the next and signing would not be reproducible.
    """
    from cryptography.hazmat.primitives.serialization import pkcs12

    pw = passphrase.encode() if passphrase is not None else None
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(p12_path.read_bytes(), pw)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"cannot load PKCS#12 file {p12_path}: {exc}") from exc
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if cert is None or not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise ValueError(f"PKCS#12 file {p12_path} holds no RSA/ECDSA key with a certificate")
    return signer_from_keys(cert, key, [*chain, *extra_certs])


def signer_from_keys(
    cert: x509.Certificate, key: PrivateKey, chain: Sequence[x509.Certificate] = ()
) -> SimpleSigner:
    """A pyHanko signer from `cryptography` objects (e.g. a `hoso.pdf.pki.Issued`)."""
    from asn1crypto import keys
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    store = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    for c in chain:
        store.register(_to_asn1_cert(c))
    return SimpleSigner(
        signing_cert=_to_asn1_cert(cert),
        signing_key=keys.PrivateKeyInfo.load(der_key),
        cert_registry=store,
    )


def _to_asn1_cert(cert: x509.Certificate) -> Any:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


# ---- signing -----------------------------------------------------------------------------


def sign_pdf(
    data: bytes,
    signer: Signer,
    *,
    field_name: str,
    signing_time: datetime | None = None,
    reason: str | None = None,
    location: str | None = None,
    contact_info: str | None = None,
    appearance: Appearance | None = None,
    timestamper: Any | None = None,
) -> bytes:
    """Append a PAdES signature (/ETSI.CAdES.detached, SHA-256) as an incremental update.

    `signing_time` (naive values are taken as Vietnam time) fixes the claimed signing time
    and makes the result deterministic; without it the current time is used. A new
    signature field `field_name` is created, invisible unless `appearance` is given (placed
    automatically when its box is None; `hoso.pdf.placement.NoRoomError` when the page has
    no free blank spot, before anything is signed); an existing empty field of that name is
    filled instead. `timestamper` (a pyHanko TimeStamper) adds an RFC 3161 signature
    timestamp: evidence of the time, where `signing_time` is only the signer's claim.
    """
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    when = _aware(signing_time) if signing_time is not None else None
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    if when is not None:
        writer._document_id = generic.ArrayObject(  # pyHanko draws these from os.urandom
            [generic.ByteStringObject(part) for part in _document_id(writer, data, field_name, when)]
        )
        _pin_modification_date(writer, when)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        contact_info=contact_info,
        name=None,
    )
    if appearance is not None and appearance.box is None:
        appearance = _placed(data, writer, field_name, appearance)
    field_spec = fields.SigFieldSpec(
        sig_field_name=field_name,
        on_page=(-1 if appearance.page is None else appearance.page) if appearance else 0,
        box=_int_box(appearance.box) if appearance and appearance.box else None,
    )
    stamp_style = _stamp_style(appearance) if appearance else None
    pdf_signer = _fixed_time_signer_class()(
        meta,
        signer=signer,
        stamp_style=stamp_style,
        new_field_spec=field_spec,
        timestamper=timestamper,
    )
    pdf_signer.fixed_time = when
    out = io.BytesIO()
    asyncio.run(pdf_signer.async_sign_pdf(writer, output=out))
    return out.getvalue()


def _placed(data: bytes, writer: Any, field_name: str, appearance: Appearance) -> Appearance:
    """`appearance` with the box `hoso.pdf.placement` finds (an existing field keeps its own)."""
    from dataclasses import replace

    from pyhanko.sign.fields import enumerate_sig_fields

    from hoso.pdf.placement import PERSON_SIZE, SEAL_SIZE, place

    if any(name == field_name for name, _, _ in enumerate_sig_fields(writer.prev)):
        width, height = SEAL_SIZE if appearance.seal else PERSON_SIZE
        return replace(appearance, box=(0, 0, width, height))  # pyHanko fits it in the field
    spot = place(data, page=appearance.page, seal=appearance.seal)
    return replace(appearance, box=spot.box, page=spot.page)


def _fixed_time_signer_class() -> Any:
    from pyhanko.sign.signers import PdfSigner

    class FixedTimePdfSigner(PdfSigner):
        """A PdfSigner whose signing sessions use a given clock reading."""

        fixed_time: datetime | None = None

        def init_signing_session(
            self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False
        ) -> PdfSigningSession:
            session = super().init_signing_session(pdf_out, existing_fields_only)
            if self.fixed_time is not None:
                session.system_time = self.fixed_time
            return session

    return FixedTimePdfSigner


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=VN_TZ)


def _document_id(writer: Any, data: bytes, field_name: str, when: datetime) -> tuple[bytes, bytes]:
    """Keep the first /ID half of the input (ISO 32000 §14.4); derive the second from content."""
    seed = hashlib.sha256(data + field_name.encode() + when.isoformat().encode()).digest()
    try:
        first = writer.prev.trailer["/ID"][0]
        id1 = bytes(first.original_bytes)
    except (KeyError, IndexError, AttributeError):
        id1 = hashlib.sha256(data).digest()[:16]
    return id1, seed[:16]


def _pin_modification_date(writer: Any, when: datetime) -> None:
    """Make the writer record `when`, not the clock, as /ModDate (Info and XMP).

    pyHanko sets `last_modified = "now"` on the writer's metadata just before writing and
    resolves "now" with the clock; this metadata object turns that "now" into `when`.
    """
    from dataclasses import fields

    from pyhanko.pdf_utils.metadata.model import DocumentMetadata

    class PinnedMetadata(DocumentMetadata):
        def __setattr__(self, name: str, value: object) -> None:
            if name == "last_modified" and value == "now":
                value = when
            super().__setattr__(name, value)

    current = writer._meta
    writer._meta = PinnedMetadata(**{f.name: getattr(current, f.name) for f in fields(current)})


def _int_box(box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    x1, y1, x2, y2 = box
    return round(x1), round(y1), round(x2), round(y2)


# ---- visible appearance ------------------------------------------------------------------


def font_path(bold: bool = False) -> Path:
    """The embedded DejaVu Sans font (covers Vietnamese)."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return Path(str(resources.files("hoso") / "data" / "fonts" / name))


def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans (regular, bold) with reportlab once; return their names."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = set(pdfmetrics.getRegisteredFontNames())
    if FONT_REGULAR not in registered:
        pdfmetrics.registerFont(TTFont(FONT_REGULAR, str(font_path())))
    if FONT_BOLD not in registered:
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(font_path(bold=True))))
    return FONT_REGULAR, FONT_BOLD


def render_appearance(appearance: Appearance) -> bytes:
    """A one-page PDF the size of the box: blue border and the text lines, reproducibly.

    One embedded font only (the first line is made bold by stroking the glyphs): each
    embedded font subset costs some 20 kB in every signed file. The text shrinks to fit the
    box's width (a long school name would otherwise be cut at the border).
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    regular, _ = register_fonts()
    if appearance.box is None:
        raise ValueError("the appearance has no box: place it first (hoso.pdf.placement)")
    x1, y1, x2, y2 = _int_box(appearance.box)
    width, height = x2 - x1, y2 - y1
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height), invariant=1, pageCompression=1)
    c.setStrokeColorRGB(0.1, 0.25, 0.6)
    c.setLineWidth(1)
    c.rect(1, 1, width - 2, height - 2)
    lines = list(appearance.lines) or [""]
    widest = max(stringWidth(line, regular, 1.0) for line in lines)
    size = max(5.0, min(10.0, (height - 8) / (len(lines) * 1.25), (width - 10) / max(widest, 1.0)))
    y = height - 4 - size
    if appearance.image is not None:
        from reportlab.lib.utils import ImageReader

        # title at the top, name at the bottom, the signature image in the space between
        picture = ImageReader(io.BytesIO(appearance.image))
        room = max(1.0, height - 8 - 2.5 * size)
        c.drawImage(picture, 5, 4 + size * 1.25, width - 10, room, mask="auto", preserveAspectRatio=True)
        if len(lines) > 1:
            lines = [lines[0], *([""] * max(0, int(room // (size * 1.25)))), *lines[1:]]
            size = max(5.0, min(size, (height - 8) / (len(lines) * 1.25)))
            y = height - 4 - size
    for i, line in enumerate(lines):
        c.saveState()  # keeps the text render mode (Tr) of the first line from leaking
        text = c.beginText(5, y)
        text.setFont(regular, size)
        if i == 0:
            text.setFillColorRGB(0.1, 0.25, 0.6)
            text.setTextRenderMode(2)  # fill and stroke: a bold look
            c.setLineWidth(size * 0.035)
        text.textOut(line)
        c.drawText(text)
        c.restoreState()
        y -= size * 1.25
    c.showPage()
    c.save()
    return buf.getvalue()


def _stamp_style(appearance: Appearance) -> Any:
    from pyhanko.pdf_utils.content import PdfContent
    from pyhanko.pdf_utils.layout import BoxConstraints
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.stamp import StaticStampStyle

    page_pdf = render_appearance(appearance)

    class ImportedAppearance(PdfContent):
        """Like pyHanko's ImportedPdfPage, from bytes and with a fixed resource name."""

        def render(self) -> bytes:
            writer = self._ensure_writer
            xobj = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(page_pdf)))
            self.resources.xobject["/HosoSigAppearance"] = xobj
            x1, y1, x2, y2 = xobj.get_object()["/BBox"]
            self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
            return b"/HosoSigAppearance Do"

    return StaticStampStyle(background=ImportedAppearance(), border_width=0, background_opacity=1.0)


# ---- USB tokens (PKCS#11) ----------------------------------------------------------------


class TokenSession:
    """A signer on a PKCS#11 token (USB token, smart card, SoftHSM), closed on exit."""

    def __init__(self, lib: str, token_label: str, pin: str, key_label: str | None = None) -> None:
        self._lib, self._token, self._pin, self._key = lib, token_label, pin, key_label
        self._session: Any = None

    def __enter__(self) -> Signer:
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

        self._session = open_pkcs11_session(
            self._lib, token_criteria=TokenCriteria(label=self._token), user_pin=self._pin
        )
        # the certificate and key carry the same label on most Vietnamese tokens
        return PKCS11Signer(self._session, cert_label=self._key, key_label=self._key)

    def __exit__(self, *exc: object) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None
