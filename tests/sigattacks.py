"""Forgeries and genuine-but-unusual signed PDFs for the policy tests, all made at test time.

Built on tests/sigfixtures.py (its test PKI and signed files). What each builder makes:

- forgeries: `opaque_overlay` (a later signature whose appearance is an opaque white box over
  the signed text), `append_zip` (a ZIP appended after %%EOF whose comment repeats
  `startxref … %%EOF`), `append_blank_lines` (two end-of-lines after %%EOF), `retitle` (/Info
  Title changed in an incremental update), `add_xmp_title` (an XMP dc:title added after
  signing), `encapsulate` (the last signature's CMS given encapsulated content);
- genuine: `doc_timestamp` (a /DocTimeStamp revision, PAdES-B-LTA), `add_dss` (a DSS
  revision holding the chain), `certified` (a DocMDP certification signature), and
  `timestamped_sign` (a signature with an RFC 3161 signature timestamp);
- the test TSA: `tsa()` issued by the test intermediate (so trusted wherever the test PKI is).
"""

from __future__ import annotations

import asyncio
import io
import re
import zipfile
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import sigfixtures as F

from hoso.pdf import pki
from hoso.pdf.sign import VN_TZ, _fixed_time_signer_class, signer_from_keys


@cache
def tsa() -> pki.Issued:
    return pki.make_tsa_cert("Test TSA", F.pki_fixture().inter)


def timestamper(when: datetime) -> Any:
    """The test TSA, its clock reading `when`."""
    return dummy_timestamper(tsa(), F.pki_fixture().inter, when)


def dummy_timestamper(authority: pki.Issued, issuer: pki.Issued, when: datetime | None = None) -> Any:
    """pyHanko's in-process TSA signing with `authority` (issued by `issuer`, whose certificate
    the tokens embed), at `when` or, without it, the real time."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.timestamps import DummyTimeStamper

    der = serialization.Encoding.DER
    key = authority.key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(authority.cert.public_bytes(der)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(key),
        certs_to_embed=[asn1_x509.Certificate.load(issuer.cert.public_bytes(der))],
        fixed_dt=_aware(when) if when is not None else None,
    )


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=VN_TZ)


def _pdf_signer(issued: pki.Issued, field: str, **meta_args: Any) -> Any:
    from pyhanko.sign import fields, signers

    signer = signer_from_keys(issued.cert, issued.key, [F.pki_fixture().inter.cert])
    meta = signers.PdfSignatureMetadata(
        field_name=field, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES, **meta_args
    )
    return signer, meta


def _sign(data: bytes, pdf_signer: Any, when: datetime | None = None) -> bytes:
    pdf_signer.fixed_time = _aware(when) if when is not None else None
    out = io.BytesIO()
    asyncio.run(pdf_signer.async_sign_pdf(F.writer(data), output=out))
    return out.getvalue()


def PdfSigner(*args: Any, **kwargs: Any) -> Any:
    return _fixed_time_signer_class()(*args, **kwargs)


# ---- forgeries -----------------------------------------------------------------------------


def opaque_overlay(
    data: bytes, issued: pki.Issued, field: str, box: tuple[int, int, int, int] = (0, 0, 595, 842)
) -> bytes:
    """`issued` signs with a visible signature whose appearance fills `box` with opaque white."""
    from pyhanko.pdf_utils.content import RawContent
    from pyhanko.pdf_utils.layout import BoxConstraints
    from pyhanko.sign import fields
    from pyhanko.stamp import StaticStampStyle

    width, height = box[2] - box[0], box[3] - box[1]
    white = RawContent(
        b"1 1 1 rg 0 0 %d %d re f" % (width, height), box=BoxConstraints(width=width, height=height)
    )
    style = StaticStampStyle(background=white, border_width=0, background_opacity=1.0)
    signer, meta = _pdf_signer(issued, field)
    pdf_signer = PdfSigner(
        meta, signer=signer, stamp_style=style, new_field_spec=fields.SigFieldSpec(field, on_page=0, box=box)
    )
    return _sign(data, pdf_signer, datetime(2024, 9, 14, 10, 0))


def _last_startxref(data: bytes) -> int:
    return int(re.findall(rb"startxref\s+(\d+)", data)[-1])


def append_zip(data: bytes) -> bytes:
    """A polyglot: a ZIP after the PDF, its comment ending like a PDF revision."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("diem-that.txt", "Điểm thật: 4")
        archive.comment = b"\nstartxref\n%d\n%%%%EOF\n" % _last_startxref(data)
    return data + buf.getvalue()


def append_blank_lines(data: bytes) -> bytes:
    return data.rstrip(b"\r\n") + b"\n\n\n"


def retitle(data: bytes, title: str = "Kế hoạch đã được sửa") -> bytes:
    from pyhanko.pdf_utils import generic

    writer = F.writer(data)
    info_ref = writer.trailer.raw_get("/Info")
    info = info_ref.get_object()
    info["/Title"] = generic.TextStringObject(title)
    writer.mark_update(info_ref)
    return F.finish(writer)


XMP = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def add_xmp_title(data: bytes, title: str = "Kế hoạch đã được sửa") -> bytes:
    from pyhanko.pdf_utils import generic

    writer = F.writer(data)
    stream = generic.StreamObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Metadata"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/XML"),
        },
        stream_data=XMP.format(title=title).encode(),
    )
    writer.root["/Metadata"] = writer.add_object(stream)
    writer.update_root()
    return F.finish(writer)


def encapsulate(data: bytes, content: bytes = b"Noi dung khac") -> bytes:
    """The last signature's CMS, unchanged but for encapsulated content (same /Contents size)."""
    from asn1crypto import cms

    found = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data))[-1]
    _, hole_start, hole_end, _ = (int(g) for g in found.groups())
    hole = data[hole_start + 1 : hole_end - 1]
    der = bytes.fromhex(hole.decode())
    info = cms.ContentInfo.load(der, strict=False)
    info = cms.ContentInfo.load(der[: len(info.dump())])
    info["content"]["encap_content_info"] = cms.ContentInfo({"content_type": "data", "content": content})
    new = info.dump(force=True).hex().encode()
    assert len(new) <= len(hole)
    return data[: hole_start + 1] + new + b"0" * (len(hole) - len(new)) + data[hole_end - 1 :]


# ---- genuine files -------------------------------------------------------------------------


def timestamped_sign(data: bytes, issued: pki.Issued, field: str, when: datetime) -> bytes:
    """A signature claiming `when`, with an RFC 3161 signature timestamp from the test TSA at
    `when` + 1 minute."""

    signer, meta = _pdf_signer(issued, field)
    pdf_signer = PdfSigner(meta, signer=signer, timestamper=timestamper(when + timedelta(minutes=1)))
    return _sign(data, pdf_signer, when)


def doc_timestamp(data: bytes, when: datetime, field: str = "DocTS") -> bytes:
    from pyhanko.sign import signers

    out = io.BytesIO()
    stamper = signers.PdfTimeStamper(timestamper(when), field_name=field)
    asyncio.run(stamper.async_timestamp_pdf(F.writer(data), "sha256", output=out))
    return out.getvalue()


def add_dss(data: bytes) -> bytes:
    """A DSS revision holding the signers' chain (no revocation data: none exists offline)."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    p = F.pki_fixture()
    der = serialization.Encoding.DER
    certs = [asn1_x509.Certificate.load(c.cert.public_bytes(der)) for c in (p.root, p.inter, tsa())]
    out = io.BytesIO(data)
    DocumentSecurityStore.add_dss(out, sig_contents=None, certs=certs)
    return out.getvalue()


def certified(
    issued: pki.Issued, field: str, permission: str = "FILL_FORMS", later: tuple[str, ...] = ()
) -> bytes:
    """The source PDF certified (DocMDP) by `issued`, with the given permission level.

    `later`: empty signature fields prepared before certifying (visible boxes, one above the
    other), for the approvers to sign into: under DocMDP P2 signing an existing field is allowed,
    adding a new widget to a page is not.
    """
    from pyhanko.sign import fields, signers

    writer = F.writer(F.source_pdf())
    for n, name in enumerate(later):
        y = 140 + 80 * n
        fields.append_signature_field(writer, fields.SigFieldSpec(name, on_page=0, box=(330, y, 550, y + 70)))
    signer, _ = _pdf_signer(issued, field)
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=getattr(fields.MDPPerm, permission),
    )
    pdf_signer = PdfSigner(meta, signer=signer)
    return _sign(F.finish(writer), pdf_signer, F.SIGNED_AT)


# ---- forgeries found by review (each was judged valid once) --------------------------------


def _text_stamp(width: int, height: int, text: bytes) -> Any:
    """An opaque white stamp with text drawn in Helvetica: what a forger writes over a record."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.content import PdfResources, RawContent
    from pyhanko.pdf_utils.layout import BoxConstraints
    from pyhanko.stamp import StaticStampStyle

    resources = PdfResources()
    resources.font[generic.pdf_name("/Helv")] = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Font"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
            generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
        }
    )
    content = b"1 1 1 rg 0 0 %d %d re f 0 g BT /Helv 14 Tf 12 20 Td (%s) Tj ET" % (width, height, text)
    background = RawContent(content, box=BoxConstraints(width=width, height=height), resources=resources)
    return StaticStampStyle(background=background, border_width=0, background_opacity=1.0)


def prepared_field_overlay() -> bytes:
    """An empty signature field prepared over the text before the first signature, signed much
    later with an opaque appearance: the widget is old, its appearance new."""
    from pyhanko.sign import fields

    p = F.pki_fixture()
    box = (60, 715, 560, 790)
    writer = F.writer(F.source_pdf())
    fields.append_signature_field(writer, fields.SigFieldSpec("Sig9", on_page=0, box=box))
    data = F.sign(F.finish(writer), p.teacher, "Sig1-giao-vien")
    data = F.sign(data, p.to_truong, "Sig2-to-truong", when=datetime(2024, 9, 14, 11, 22))
    signer, meta = _pdf_signer(p.teacher, "Sig9")
    style = _text_stamp(box[2] - box[0], box[3] - box[1], b"Ke hoach DA DUOC SUA - diem 10")
    return _sign(data, PdfSigner(meta, signer=signer, stamp_style=style), datetime(2024, 9, 15, 10, 0))


def scripted_widget(data: bytes, issued: pki.Issued, field: str) -> bytes:
    """A counter-signature on blank paper whose field runs JavaScript when the page opens."""
    from pyhanko.pdf_utils import generic
    from pyhanko.sign import fields

    writer = F.writer(data)
    fields.append_signature_field(writer, fields.SigFieldSpec(field, on_page=0, box=(330, 140, 550, 210)))
    script = 'this.getField("ghi_chu").value = "Diem: 10";'
    for ref in writer.root["/AcroForm"]["/Fields"]:
        if ref.get_object().get("/T") == field:
            action = generic.DictionaryObject(
                {
                    generic.pdf_name("/S"): generic.pdf_name("/JavaScript"),
                    generic.pdf_name("/JS"): generic.TextStringObject(script),
                }
            )
            ref.get_object()["/AA"] = generic.DictionaryObject({generic.pdf_name("/PO"): action})
            writer.mark_update(ref)
    signer, meta = _pdf_signer(issued, field)
    return _sign(F.finish(writer), PdfSigner(meta, signer=signer), datetime(2024, 9, 14, 10, 0))


def need_appearances(data: bytes) -> bytes:
    """/NeedAppearances set after signing: viewers redraw every field (with any font in /DR)."""
    from pyhanko.pdf_utils import generic

    writer = F.writer(data)
    form_ref = writer.root.raw_get("/AcroForm")
    form = form_ref.get_object()
    form["/NeedAppearances"] = generic.BooleanObject(True)
    if isinstance(form_ref, generic.IndirectObject):
        writer.mark_update(form_ref)
    else:
        writer.update_root()
    return F.finish(writer)


def shadow_object(data: bytes) -> bytes:
    """An update holding a new version of the page's content stream its table does not list,
    with a 19-byte entry: pyHanko reads an empty revision, a viewer rebuilding the table shows
    the hidden object."""
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    trailer = data[data.rfind(b"trailer") :]
    root = re.search(rb"/Root\s+\d+\s+\d+\s+R", trailer)
    size = re.search(rb"/Size\s+\d+", trailer)
    page_contents = re.search(rb"/Contents\s+(\d+)\s+0\s+R", data)
    assert root and size and page_contents
    body = b"BT /F1 14 Tf 72 760 Td (Noi dung DA BI SUA) Tj ET"
    hidden = b"%s 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
        page_contents.group(1),
        len(body),
        body,
    )
    base = data + hidden
    tail = b"xref\n0 1\n0000000000 65535 f\ntrailer\n<< %s %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size.group(0),
        root.group(0),
        prev,
        len(base),
    )
    return base + tail


def costly_page(depth: int = 7) -> bytes:
    """A one-page PDF of a few KB whose drawing fans out: a form XObject drawn 10 times by one
    drawn 10 times … `depth` levels (10**depth rectangles to render)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PdfFileWriter

    name = generic.pdf_name
    writer = PdfFileWriter()
    box = generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 595, 842)])

    def form(data: bytes, child: Any = None) -> Any:
        entries = {name("/Type"): name("/XObject"), name("/Subtype"): name("/Form"), name("/BBox"): box}
        if child is not None:
            entries[name("/Resources")] = generic.DictionaryObject(
                {name("/XObject"): generic.DictionaryObject({name("/X"): child})}
            )
        return writer.add_object(generic.StreamObject(entries, stream_data=data))

    node = form(b"0.9 g 100 100 0.5 0.5 re f")
    for _ in range(depth):
        node = form(b"/X Do " * 10, node)
    resources = generic.DictionaryObject({name("/XObject"): generic.DictionaryObject({name("/X"): node})})
    content = writer.add_object(generic.StreamObject(stream_data=b"/X Do"))
    page = generic.DictionaryObject(
        {
            name("/Type"): name("/Page"),
            name("/MediaBox"): box,
            name("/Contents"): content,
            name("/Resources"): resources,
        }
    )
    writer.insert_page(page)
    return F.finish(writer)


def zip_revision(data: bytes) -> bytes:
    """A ZIP hidden inside a well-formed incremental update: the ZIP's comment covers the
    update's table, trailer and %%EOF, so both a PDF reader and `unzip` accept the file."""
    import struct

    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    trailer = data[data.rfind(b"trailer") :]
    root = re.search(rb"/Root\s+\d+\s+\d+\s+R", trailer)
    size = re.search(rb"/Size\s+\d+", trailer)
    assert root and size
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("diem-that.txt", "Điểm thật: 4")
    payload = buf.getvalue()
    body = data + b"\n" + payload
    tail = b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< %s %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size.group(0),
        root.group(0),
        prev,
        len(body),
    )
    out = bytearray(body + tail)
    struct.pack_into("<H", out, len(data) + 1 + len(payload) - 22 + 20, len(tail))  # comment length
    return bytes(out)
