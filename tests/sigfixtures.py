"""Signed, counter-signed and attacked PDFs for the signature tests, all made at test time.

Provenance of every test file (nothing here is read from disk except the DejaVu font):

- `source_pdf()`: one page drawn with reportlab (text + one AcroForm text field "ghi_chu"),
  reproducible (`invariant=1`).
- `pki()`: a throw-away PKI from `hoso.pdf.pki`: root → intermediate → teacher, tổ trưởng,
  hiệu trưởng, the school seal; plus defective certificates (expired, SHA-1-signed,
  encryption-only key usage, RSA-1024, self-signed, unknown to people.yml) and a foreign root
  with its own teacher.
- `other_group_head()`: one more person certificate from that intermediate (tổ trưởng of
  another tổ), for the signer-slot tests of tests/test_signatures_rule.py.
- `people()`: a people.yml model mapping those certificates to people and dated roles.
- `sign()`: `hoso.pdf.sign.sign_pdf` (deterministic for a fixed time); `sign_sha1()` calls
  pyHanko directly because hoso never signs with SHA-1.
- the attacks (`change_content`, `add_page`, …) are incremental updates written with
  pyHanko's IncrementalPdfFileWriter, or byte edits of a signed file.

This is a plain helper module (no fixtures): tests/conftest.py belongs to other tests.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from hoso.config.models import People
from hoso.pdf import pki
from hoso.pdf.sign import Appearance, sign_pdf, signer_from_keys

SIGNED_AT = datetime(2024, 9, 12, 8, 5)  # naive: Vietnam time
COUNTER_SIGNED_AT = datetime(2024, 9, 16, 14, 39)


@dataclass(frozen=True)
class TestPKI:
    root: pki.Issued
    inter: pki.Issued
    teacher: pki.Issued
    to_truong: pki.Issued
    hieu_truong: pki.Issued
    seal: pki.Issued
    expired: pki.Issued  # valid 2020 – 2021 only
    sha1: pki.Issued  # certificate signed with SHA-1 by the intermediate
    wrong_usage: pki.Issued  # key usage: key encipherment only
    weak_key: pki.Issued  # RSA 1024
    self_signed: pki.Issued
    unknown: pki.Issued  # issued by the trusted CA, not in people.yml
    foreign_root: pki.Issued
    foreign_teacher: pki.Issued  # issued by the foreign root, fingerprint in people.yml

    @property
    def trust(self) -> list[bytes]:
        """What a school's trust/ holds: root and intermediate in one PEM."""
        return [pki.cert_pem(self.root.cert, self.inter.cert)]


@cache
def pki_fixture() -> TestPKI:
    root = pki.make_root_ca("Test Root CA", key_type="rsa2048")
    inter = pki.make_intermediate_ca("Test Sub CA", root, key_type="rsa2048")
    foreign_root = pki.make_root_ca("Foreign Root CA", key_type="rsa2048")
    return TestPKI(
        root=root,
        inter=inter,
        teacher=pki.make_person_cert("Nguyễn Văn An", "nguyen-van-an", inter),
        to_truong=pki.make_person_cert("Lê Văn Cường", "le-van-cuong", inter),
        hieu_truong=pki.make_person_cert("Trần Thị Bình", "tran-thi-binh", inter),
        seal=pki.make_seal_cert("Trường THCS Thử Nghiệm", inter, org_id="79000001"),
        expired=pki.make_person_cert(
            "Phạm Thị Dung",
            "pham-thi-dung",
            inter,
            not_before=datetime(2020, 1, 1, tzinfo=UTC),
            not_after=datetime(2021, 12, 31, tzinfo=UTC),
        ),
        sha1=pki.make_person_cert("Hoàng Văn Em", "hoang-van-em", inter, hash_alg="sha1"),
        wrong_usage=pki.make_person_cert(
            "Vũ Thị Giang", "vu-thi-giang", inter, key_usage={"key_encipherment"}
        ),
        weak_key=pki.make_person_cert(
            "Đỗ Văn Hùng",
            "do-van-hung",
            inter,
            key=rsa.generate_private_key(public_exponent=65537, key_size=1024),
        ),
        self_signed=pki.make_person_cert("Bùi Thị Lan", "bui-thi-lan", None),
        unknown=pki.make_person_cert("Người Lạ", "nguoi-la", inter),
        foreign_root=foreign_root,
        foreign_teacher=pki.make_person_cert("Ngô Văn Khánh", "ngo-van-khanh", foreign_root),
    )


@cache
def other_group_head() -> pki.Issued:
    """Tổ trưởng of another tổ (Ngữ văn), issued by the trusted intermediate: a valid signer,
    but never the head of a Toán – Tin teacher's group."""
    return pki.make_person_cert("Đặng Thị Ngọc", "dang-thi-ngoc", pki_fixture().inter)


def people(p: TestPKI | None = None) -> People:
    p = p or pki_fixture()

    def person(pid: str, name: str, issued: pki.Issued, *roles: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": pid,
            "name": name,
            "certificates": [{"sha256": issued.fingerprint}],
            "roles": list(roles),
        }

    gv = {"role": "giao-vien", "group": "toan-tin", "from": "2015-08-15"}
    return People.model_validate(
        {
            "version": 1,
            "groups": [{"id": "toan-tin", "name": "Tổ Toán – Tin"}],
            "people": [
                person("nguyen-van-an", "Nguyễn Văn An", p.teacher, gv),
                person(
                    "le-van-cuong",
                    "Lê Văn Cường",
                    p.to_truong,
                    gv,
                    {"role": "to-truong", "group": "toan-tin", "from": "2024-08-15"},
                ),
                person(
                    "tran-thi-binh",
                    "Trần Thị Bình",
                    p.hieu_truong,
                    {"role": "hieu-truong", "from": "2018-08-01"},
                ),
                person("pham-thi-dung", "Phạm Thị Dung", p.expired, gv),
                person("hoang-van-em", "Hoàng Văn Em", p.sha1, gv),
                person("vu-thi-giang", "Vũ Thị Giang", p.wrong_usage, gv),
                person("do-van-hung", "Đỗ Văn Hùng", p.weak_key, gv),
                person("bui-thi-lan", "Bùi Thị Lan", p.self_signed, gv),
                person("ngo-van-khanh", "Ngô Văn Khánh", p.foreign_teacher, gv),
                # a teacher who left in 2023: a 2024 signature is made by nobody holding a role
                person(
                    "ly-thi-mai",
                    "Lý Thị Mai",
                    p.unknown,
                    {"role": "giao-vien", "group": "toan-tin", "from": "2015-08-15", "until": "2023-07-31"},
                ),
            ],
            "seal": {"name": "Trường THCS Thử Nghiệm", "certificates": [{"sha256": p.seal.fingerprint}]},
        }
    )


def people_without(fingerprint: str) -> People:
    """people() minus the person holding `fingerprint` (for the unknown-signer case)."""
    base = people()
    return base.model_copy(
        update={"people": [q for q in base.people if all(c.sha256 != fingerprint for c in q.certificates)]}
    )


# ---- source and signing --------------------------------------------------------------------


@cache
def source_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    from hoso.pdf.sign import register_fonts

    regular, _ = register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842), invariant=1)
    c.setFont(regular, 14)
    c.drawString(72, 760, "Kế hoạch bài dạy – Tuần 5 – Toán 6A")
    c.drawString(72, 730, "Nội dung gốc đã được ký.")
    c.acroForm.textfield(name="ghi_chu", x=72, y=600, width=300, height=24, value="")
    c.showPage()
    c.save()
    return buf.getvalue()


def sign(
    data: bytes,
    issued: pki.Issued,
    field: str,
    *,
    when: datetime = SIGNED_AT,
    visible: bool = True,
    chain: tuple[Any, ...] | None = None,
) -> bytes:
    p = pki_fixture()
    signer = signer_from_keys(issued.cert, issued.key, list(chain) if chain is not None else [p.inter.cert])
    y = 60 + 80 * data.count(b"/ByteRange")  # each signature's box above the previous one
    appearance = Appearance(lines=[field, "ký số"], box=(330, y, 550, y + 70)) if visible else None
    return sign_pdf(data, signer, field_name=field, signing_time=when, appearance=appearance)


def sign_sha1(data: bytes, issued: pki.Issued, field: str) -> bytes:
    """A signature whose CMS digest is SHA-1 (what old signing apps produced)."""
    import asyncio

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    p = pki_fixture()
    signer = signer_from_keys(issued.cert, issued.key, [p.inter.cert])
    meta = signers.PdfSignatureMetadata(
        field_name=field, md_algorithm="sha1", subfilter=fields.SigSeedSubFilter.PADES
    )
    out = io.BytesIO()
    pdf_signer = signers.PdfSigner(meta, signer=signer)
    asyncio.run(pdf_signer.async_sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), output=out))
    return out.getvalue()


def signed() -> bytes:
    """Teacher signs (visible)."""
    return sign(source_pdf(), pki_fixture().teacher, "Sig1-giao-vien")


def counter_signed() -> bytes:
    """Teacher, then tổ trưởng, then hiệu trưởng with the school seal."""
    p = pki_fixture()
    data = signed()
    data = sign(data, p.to_truong, "Sig2-to-truong", when=datetime(2024, 9, 14, 11, 22))
    data = sign(data, p.hieu_truong, "Sig3-hieu-truong", when=COUNTER_SIGNED_AT)
    return sign(data, p.seal, "Sig4-con-dau", when=COUNTER_SIGNED_AT, visible=False)


# ---- attacks: incremental updates after signing -------------------------------------------


def writer(data: bytes) -> Any:
    """An incremental writer over `data`: whatever it changes is appended as a new revision."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    return IncrementalPdfFileWriter(io.BytesIO(data))


def finish(pdf_writer: Any) -> bytes:
    """The bytes `pdf_writer` (incremental or not) writes."""
    out = io.BytesIO()
    pdf_writer.write(out)
    return out.getvalue()


def change_content(data: bytes) -> bytes:
    """Replace the page's content stream (the text now says something else)."""
    from pyhanko.pdf_utils import generic

    w = writer(data)
    page_ref = w.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 760 Td (Noi dung da bi sua) Tj ET")
    page["/Contents"] = w.add_object(stream)
    w.update_container(page)
    return finish(w)


def add_page(data: bytes) -> bytes:
    from pyhanko.pdf_utils import generic

    w = writer(data)
    pages = w.root["/Pages"]
    content = w.add_object(generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 760 Td (Trang them) Tj ET"))
    page = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Page"),
            generic.pdf_name("/Parent"): w.root.raw_get("/Pages"),
            generic.pdf_name("/MediaBox"): generic.ArrayObject(
                [generic.NumberObject(v) for v in (0, 0, 595, 842)]
            ),
            generic.pdf_name("/Contents"): content,
        }
    )
    pages["/Kids"].append(w.add_object(page))
    pages["/Count"] = generic.NumberObject(int(pages["/Count"]) + 1)
    w.update_container(pages)
    return finish(w)


def add_annotation(data: bytes) -> bytes:
    """A FreeText annotation over the page: an overlay that changes what a reader sees."""
    from pyhanko.pdf_utils import generic

    w = writer(data)
    page = w.root["/Pages"]["/Kids"][0].get_object()
    annot = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/FreeText"),
            generic.pdf_name("/Rect"): generic.ArrayObject(
                [generic.NumberObject(v) for v in (72, 700, 400, 740)]
            ),
            generic.pdf_name("/Contents"): generic.TextStringObject("Điểm: 10"),
            generic.pdf_name("/DA"): generic.TextStringObject("/Helv 12 Tf 0 g"),
        }
    )
    ref = w.add_object(annot)
    annots = page.get("/Annots")
    if annots is None:
        page["/Annots"] = generic.ArrayObject([ref])
        w.update_container(page)
    else:
        annots_obj = annots.get_object() if isinstance(annots, generic.IndirectObject) else annots
        annots_obj.append(ref)
        if isinstance(page.raw_get("/Annots"), generic.IndirectObject):
            w.mark_update(page.raw_get("/Annots"))
        else:
            w.update_container(page)
    return finish(w)


def fill_form(data: bytes) -> bytes:
    """Give the text field "ghi_chu" a value: pyHanko's default policy calls this form filling."""
    from pyhanko.pdf_utils import generic

    w = writer(data)
    for field_ref in w.root["/AcroForm"]["/Fields"]:
        field = field_ref.get_object()
        if field.get("/T") == "ghi_chu":
            field["/V"] = generic.TextStringObject("Đã sửa sau khi ký")
            w.mark_update(field_ref)
            break
    else:  # pragma: no cover
        raise AssertionError("no ghi_chu field")
    return finish(w)


def add_overlay_field(data: bytes) -> bytes:
    """After the last signature: an empty, visible signature field whose appearance covers text."""
    from pyhanko.sign import fields

    w = writer(data)
    fields.append_signature_field(w, fields.SigFieldSpec("Overlay", on_page=0, box=(60, 700, 500, 790)))
    return finish(w)


def add_empty_update(data: bytes) -> bytes:
    """An incremental update that changes nothing visible (only the Info dictionary)."""
    w = writer(data)
    return finish(w)


# ---- attacks: byte edits -------------------------------------------------------------------

_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def shorten_byte_range(data: bytes, by: int = 100) -> bytes:
    """Make the last signature's /ByteRange stop `by` bytes before the end (same length)."""
    match = list(_BYTE_RANGE.finditer(data))[-1]
    a, b, c, d = (int(x) for x in match.groups())
    old = match.group(0)
    new = b"/ByteRange [%d %d %d %d]" % (a, b, c, d - by)
    new = new.ljust(len(old), b" ")
    assert len(new) == len(old)
    return data[: match.start()] + new + data[match.end() :]


def truncate_contents(data: bytes) -> bytes:
    """Cut the last signature's /Contents short: the second half of the hex string zeroed."""
    match = list(_BYTE_RANGE.finditer(data))[-1]
    _, b, c, _ = (int(x) for x in match.groups())
    hex_start, hex_end = b + 1, c - 1  # inside the <…>
    hex_text = data[hex_start:hex_end].rstrip(b"0")
    keep = len(hex_text) // 2
    cut = hex_text[:keep] + b"0" * (hex_end - hex_start - keep)
    return data[:hex_start] + cut + data[hex_end:]


def append_garbage(data: bytes) -> bytes:
    return data + b"\n% appended after signing\n1 0 obj (x) endobj\n"


def retimed(data: bytes, tsa_issuer_cert: Path, tsa_issuer_key: Path) -> bytes:
    """`data` cut after its first signature, with a fresh RFC 3161 signature-timestamp token added
    to that signature's unsigned attributes: the signed bytes, the signature value and the
    /ByteRange stay; the token's time is now. The TSA is issued at test time by the given CA,
    standing for any public TSA under a trusted root: it timestamps any bytes for anyone."""
    import asyncio
    import datetime as dt

    from asn1crypto import cms
    from asn1crypto import keys as akeys
    from asn1crypto import x509 as ax509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.sign.timestamps import DummyTimeStamper

    ca_cert = x509.load_pem_x509_certificate(tsa_issuer_cert.read_bytes())
    ca_key = serialization.load_pem_private_key(tsa_issuer_key.read_bytes(), None)
    key = rsa.generate_private_key(65537, 2048)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA công cộng (thử)")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    tsa_cert = ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    tsa_key = akeys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    found = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    assert found is not None
    _, hole_start, hole_end, tail = (int(g) for g in found.groups())
    data = data[: hole_end + tail]
    hole = data[hole_start + 1 : hole_end - 1]
    der = bytes.fromhex(hole.decode())
    info = cms.ContentInfo.load(der, strict=False)
    info = cms.ContentInfo.load(der[: len(info.dump())])
    signer_info = info["content"]["signer_infos"][0]
    stamper = DummyTimeStamper(tsa_cert=tsa_cert, tsa_key=tsa_key, certs_to_embed=[])
    digest = hashlib.sha256(signer_info["signature"].native).digest()
    token = asyncio.run(stamper.async_timestamp(digest, "sha256"))
    signer_info["unsigned_attrs"] = cms.CMSAttributes(
        [{"type": "signature_time_stamp_token", "values": [token]}]
    )
    new = info.dump(force=True).hex().encode()
    assert len(new) <= len(hole)
    return data[: hole_start + 1] + new + b"0" * (len(hole) - len(new)) + data[hole_end - 1 :]
