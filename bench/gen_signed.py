#!/usr/bin/env python3
"""Signed synthetic schools for benchmarks: `python bench/gen_signed.py --records 10000`.

The demo school (catalog.yml, people.yml, trust/ and the demo keys in scripts/demo_pki/,
passphrase "demo") holding N distinct records, each signed by every signer its type requires
(`make_demo.resolve_signers`), with the history hoso's commands record: every record submitted
on `nop/<person>/<slug>` with its first signature (`Tieu-de:`), counter-signed there
(`Ký duyệt (<person>)`), approved by a `--no-ff` merge into main with `Duyet-boi:`; one lesson
plan in REJECT_EVERY first sent back (`Tu-choi-boi:`, `Ly-do:`) and submitted again. Each
version reaches the repository after its signature's claimed time (commit dates after it, as
scripts/demo_history.py does), and inside the signer's role: the verifier accepts every record.

Signing goes through a benchmark-only signer (`BenchSigner`, `sign_pdf`): the incremental update
is written here, with a /ByteRange and a /Contents placeholder, and /Contents is filled with a
CMS SignedData made directly with `cryptography` and asn1crypto — RSA PKCS#1 v1.5 over SHA-256,
signed attributes content-type, signing-time, message-digest and signing-certificate-v2 (the
/M entry says the same time). One RSA signature and some hashing per signature, where pyHanko
takes ~0.3 s; the records are drawn with reportlab on every core. The files are what
`hoso.pdf.verify.verify_pdf` and poppler's `pdfsig` judge valid (tests/test_bench_signer.py;
`generate` verifies a sample of every school it makes with hoso's verifier).

Schools are cached under bench/out/signed-<N>-<key>/ (key: GENERATOR, the size, the demo
school's configuration and keys, make_demo.py and gen_history.py), so repeated benchmark runs
reuse them; `school(N)` returns the cached repository, and `fresh_copy` gives a benchmark a copy
it may change. Beside the repository, extra/ holds EXTRA fully signed lesson plans that are in
no commit (a new record to stage or commit), and warm-cache/ the verdict cache a `check --all`
left (`warm_cache`). The last TAIL records of history and the extra ones are signed only by
people none of whose roles has an end: hoso judges a claimed signing time made today (a push,
a file outside history) against the roles still held today.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "scripts"))
OUT = BENCH / "out"
PKI = ROOT / "scripts" / "demo_pki"
PASSPHRASE = "demo"
SEAL = "con-dau"
VN = timezone(timedelta(hours=7))
YEARS = ("2023-2024", "2024-2025")
EXTRA = 8  # signed records outside history, per school
# What a cached school is made from: a change to any of these files makes it stale. A change of
# what this file generates bumps GENERATOR (the cache is not keyed by this file's text: a
# comment or a benchmark helper edited here must not cost a 10,000-record school).
GENERATOR = 1
KEY_INPUTS = (
    "catalog.yml",
    "people.yml",
    "locks.yml",
    "mkdocs.yml",
    "trust",
    "site_src",
    "scripts/demo_pki/people",
    "scripts/demo_pki/con-dau.p12",
    "scripts/make_demo.py",
    "bench/gen_history.py",
)

# ==== the benchmark-only signer ================================================================


def _der(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + content


OID_CONTENT_TYPE = bytes.fromhex("06092A864886F70D010903")
OID_SIGNING_TIME = bytes.fromhex("06092A864886F70D010905")
OID_MESSAGE_DIGEST = bytes.fromhex("06092A864886F70D010904")
OID_SIGNING_CERT_V2 = bytes.fromhex("060B2A864886F70D010910022F")
OID_DATA = bytes.fromhex("06092A864886F70D010701")


class BenchSigner:
    """A person's (or the seal's) demo key and certificates, and the CMS it signs with."""

    def __init__(self, key: Any, cert_der: bytes, chain_der: Sequence[bytes]) -> None:
        from asn1crypto import tsp
        from asn1crypto import x509 as ax

        self.key = key
        self.cert = ax.Certificate.load(cert_der)
        self.chain = [ax.Certificate.load(c) for c in chain_der]
        ess = tsp.SigningCertificateV2(
            {
                "certs": [
                    {
                        "cert_hash": hashlib.sha256(cert_der).digest(),
                        "issuer_serial": {
                            "issuer": [ax.GeneralName({"directory_name": self.cert.issuer})],
                            "serial_number": self.cert.serial_number,
                        },
                    }
                ]
            }
        )
        self._ess_attr = _der(0x30, OID_SIGNING_CERT_V2 + _der(0x31, ess.dump()))
        self.fingerprint = hashlib.sha256(cert_der).hexdigest()

    @classmethod
    def from_p12(cls, path: Path, passphrase: str = PASSPHRASE) -> BenchSigner:
        from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

        key, cert, chain = pkcs12.load_key_and_certificates(path.read_bytes(), passphrase.encode())
        assert key is not None and cert is not None, path
        return cls(key, cert.public_bytes(Encoding.DER), [c.public_bytes(Encoding.DER) for c in chain])

    def cms(self, digest: bytes, when: datetime) -> bytes:
        """A detached CMS SignedData over a SHA-256 `digest`, claiming `when` as signing time."""
        from asn1crypto import algos, cms
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        utc = when.astimezone(UTC).strftime("%y%m%d%H%M%SZ").encode()
        attrs = [
            _der(0x30, OID_CONTENT_TYPE + _der(0x31, OID_DATA)),
            _der(0x30, OID_SIGNING_TIME + _der(0x31, _der(0x17, utc))),
            _der(0x30, OID_MESSAGE_DIGEST + _der(0x31, _der(0x04, digest))),
            self._ess_attr,
        ]
        signed_attrs = _der(0x31, b"".join(sorted(attrs)))  # DER: a SET OF in encoding order
        signature = self.key.sign(signed_attrs, padding.PKCS1v15(), hashes.SHA256())
        sha256 = algos.DigestAlgorithm({"algorithm": "sha256"})
        signer_info = cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier(
                    {
                        "issuer_and_serial_number": {
                            "issuer": self.cert.issuer,
                            "serial_number": self.cert.serial_number,
                        }
                    }
                ),
                "digest_algorithm": sha256,
                "signed_attrs": cms.CMSAttributes.load(signed_attrs),
                "signature_algorithm": {"algorithm": "sha256_rsa"},
                "signature": signature,
            }
        )
        signed_data = cms.SignedData(
            {
                "version": "v1",
                "digest_algorithms": [sha256],
                "encap_content_info": {"content_type": "data"},
                "certificates": [self.cert, *self.chain],
                "signer_infos": [signer_info],
            }
        )
        return bytes(cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump())

    def cms_size(self) -> int:
        return len(self.cms(bytes(32), datetime(2024, 1, 1, tzinfo=UTC)))


# ---- the incremental update ----------------------------------------------------------------------

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_SUBSECTION = re.compile(rb"(\d+) (\d+)\s*\r?\n")
_REF = re.compile(rb"(\d+)\s+(\d+)\s+R")
_DICT_END = re.compile(rb">>\s*$")


class PdfState:
    """What an incremental update needs from a PDF with classic cross-reference tables
    (reportlab's output, and this signer's): objects' offsets, trailer, catalog, first page,
    signature fields."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        found = _STARTXREF.search(data[-64:])
        if found is None:
            raise ValueError("no startxref at the end of the file")
        self.startxref = int(found.group(1))
        self.offsets: dict[int, int] = {}
        self.trailer = b""
        position: int | None = self.startxref
        while position is not None:
            trailer = self._section(position)
            if not self.trailer:
                self.trailer = trailer
            prev = re.search(rb"/Prev\s+(\d+)", trailer)
            position = int(prev.group(1)) if prev else None
        size = re.search(rb"/Size\s+(\d+)", self.trailer)
        root = re.search(rb"/Root\s+(\d+)\s+0\s+R", self.trailer)
        info = re.search(rb"/Info\s+(\d+)\s+0\s+R", self.trailer)
        ident = re.search(rb"/ID\s*\[\s*<([0-9a-fA-F]+)>", self.trailer)
        if size is None or root is None:
            raise ValueError("a trailer without /Size or /Root")
        self.size = int(size.group(1))
        self.root = int(root.group(1))
        self.info = int(info.group(1)) if info else None
        self.id1 = bytes.fromhex(ident.group(1).decode()) if ident else hashlib.md5(data).digest()
        catalog = self.obj(self.root)
        pages = _REF.search(catalog[catalog.index(b"/Pages") :])
        assert pages is not None
        self.page = self._first_page(int(pages.group(1)))
        form = re.search(rb"/AcroForm\s+(\d+)\s+0\s+R", catalog)
        if b"/AcroForm" in catalog and form is None:
            raise ValueError("an inline /AcroForm dictionary is not supported")
        self.acroform = int(form.group(1)) if form else None
        self.fields: list[int] = []
        if self.acroform is not None:
            self.fields = _refs_in(self.obj(self.acroform), b"/Fields")
        self.annots = _refs_in(self.obj(self.page), b"/Annots")

    def _section(self, position: int) -> bytes:
        data = self.data
        if not data.startswith(b"xref", position):
            raise ValueError(f"no classic xref table at {position} (xref streams are not supported)")
        at = position + 4
        while data[at : at + 1] in b" \r\n":
            at += 1
        while not data.startswith(b"trailer", at):
            head = _SUBSECTION.match(data, at)
            if head is None:
                raise ValueError(f"malformed xref subsection at {at}")
            first, count = int(head.group(1)), int(head.group(2))
            at = head.end()
            for n in range(first, first + count):
                entry = data[at : at + 20]
                if entry[17:18] == b"n":
                    self.offsets.setdefault(n, int(entry[:10]))
                at += 20
        end = data.index(b"startxref", at)
        return data[at + 7 : end]

    def obj(self, num: int) -> bytes:
        """The dictionary of object `num` (not a stream), as written."""
        start = self.offsets[num]
        head = re.compile(rb"%d\s+0\s+obj\s*" % num).match(self.data, start)
        if head is None:
            raise ValueError(f"object {num} is not at {start}")
        end = self.data.index(b"endobj", head.end())
        body = self.data[head.end() : end].strip()
        if not body.startswith(b"<<") or b"stream" in body:
            raise ValueError(f"object {num} is not a plain dictionary")
        return body

    def _first_page(self, num: int) -> int:
        node = self.obj(num)
        if b"/Kids" not in node:
            return num
        kids = _refs_in(node, b"/Kids")
        return self._first_page(kids[0])


def _refs_in(body: bytes, key: bytes) -> list[int]:
    found = re.search(re.escape(key) + rb"\s*\[([^\]]*)\]", body)
    if found is None:
        if re.search(re.escape(key) + rb"\s+\d+\s+0\s+R", body):
            raise ValueError(f"an indirect {key.decode()} array is not supported")
        return []
    return [int(m.group(1)) for m in _REF.finditer(found.group(1))]


def _with(body: bytes, key: bytes, value: bytes) -> bytes:
    """`body` (a dictionary) with `key` set to `value`: replaced where it was, else added."""
    body = re.sub(re.escape(key) + rb"\s*\[[^\]]*\]|" + re.escape(key) + rb"\s+\d+\s+0\s+R", b"", body)
    return _DICT_END.sub(b"", body).rstrip() + b"\n" + key + b" " + value + b"\n>>"


def _array(nums: Sequence[int]) -> bytes:
    return b"[ " + b" ".join(b"%d 0 R" % n for n in nums) + b" ]"


def _pdf_date(when: datetime) -> bytes:
    local = when.astimezone(VN)
    return local.strftime("D:%Y%m%d%H%M%S+07'00'").encode()


def _text(value: str) -> bytes:
    """A PDF text string: UTF-16BE with its byte-order mark, as a hex string."""
    return b"<" + ("\ufeff" + value).encode("utf-16-be").hex().upper().encode() + b">"


BYTE_RANGE_WIDTH = 48  # "[0 a b c]" padded with spaces: room for files up to 10^13 bytes


def sign_pdf(
    data: bytes,
    signer: BenchSigner,
    *,
    field_name: str,
    when: datetime,
    reason: str | None = None,
    contents_size: int | None = None,
) -> bytes:
    """`data` with one more signature, as an incremental update: a new invisible signature
    field on the first page (widget /Rect [0 0 0 0], /F 132, as pyHanko writes one), added to
    the AcroForm's /Fields and the page's /Annots, its value a /Sig dictionary
    (/ETSI.CAdES.detached) whose /Contents holds `signer.cms` of the bytes it covers."""
    state = PdfState(data)
    size = contents_size or (signer.cms_size() + 64)  # a little room, as every signer leaves
    acroform = state.acroform if state.acroform is not None else state.size
    first_new = state.size if state.acroform is not None else state.size + 1
    widget, sig = first_new, first_new + 1
    new_size = sig + 1
    objects: dict[int, bytes] = {}
    objects[state.page] = _with(state.obj(state.page), b"/Annots", _array([*state.annots, widget]))
    if state.acroform is None:
        objects[state.root] = _with(state.obj(state.root), b"/AcroForm", b"%d 0 R" % acroform)
    objects[acroform] = b"<<\n/Fields %s\n/SigFlags 3\n>>" % _array([*state.fields, widget])
    name = field_name.encode("ascii")
    assert not re.search(rb"[()\\]", name), field_name
    objects[widget] = (
        b"<<\n/FT /Sig\n/T (%s)\n/Type /Annot\n/Subtype /Widget\n/F 132\n/Rect [ 0 0 0 0 ]\n"
        b"/P %d 0 R\n/V %d 0 R\n>>" % (name, state.page, sig)
    )
    head = b"<<\n/Type /Sig\n/Filter /Adobe.PPKLite\n/SubFilter /ETSI.CAdES.detached\n/M (%s)\n" % _pdf_date(
        when
    )
    if reason:
        head += b"/Reason " + _text(reason) + b"\n"
    head += b"/ByteRange "
    placeholder = b" " * BYTE_RANGE_WIDTH
    tail = b"\n/Contents <" + b"0" * (2 * size) + b">\n>>"
    objects[sig] = head + placeholder + tail

    out = bytearray(data)
    if not data.endswith(b"\n"):
        out += b"\n"
    offsets: dict[int, int] = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    xref_at = len(out)
    table = [b"xref\n0 1\n0000000000 65535 f \n"]
    nums = sorted(offsets)
    run: list[int] = []
    for num in nums:
        if run and num != run[-1] + 1:
            table.append(_subsection(run, offsets))
            run = []
        run.append(num)
    table.append(_subsection(run, offsets))
    id2 = hashlib.sha256(data[-4096:] + name + _pdf_date(when)).digest()[:16]
    trailer = b"trailer\n<<\n/Size %d\n/Root %d 0 R\n" % (new_size, state.root)
    if state.info is not None:
        trailer += b"/Info %d 0 R\n" % state.info
    trailer += b"/ID [ <%s> <%s> ]\n/Prev %d\n>>\n" % (
        state.id1.hex().encode(),
        id2.hex().encode(),
        state.startxref,
    )
    out += b"".join(table) + trailer + b"startxref\n%d\n%%%%EOF\n" % xref_at

    # the byte range: everything but the hex string of /Contents, its < and > included
    sig_at = offsets[sig]
    range_at = out.index(b"/ByteRange ", sig_at) + len(b"/ByteRange ")
    contents_at = out.index(b"/Contents <", range_at) + len(b"/Contents ")
    contents_end = contents_at + 2 * size + 2
    ranges = b"[0 %d %d %d]" % (contents_at, contents_end, len(out) - contents_end)
    assert len(ranges) <= BYTE_RANGE_WIDTH
    out[range_at : range_at + len(ranges)] = ranges
    digest = hashlib.sha256()
    digest.update(memoryview(out)[:contents_at])
    digest.update(memoryview(out)[contents_end:])
    blob = signer.cms(digest.digest(), when)
    if len(blob) > size:
        raise ValueError(f"the CMS ({len(blob)} bytes) does not fit the placeholder ({size})")
    hexed = blob.hex().encode()
    out[contents_at + 1 : contents_at + 1 + len(hexed)] = hexed
    return bytes(out)


def _subsection(run: list[int], offsets: dict[int, int]) -> bytes:
    lines = [b"%d %d\n" % (run[0], len(run))]
    lines += [b"%010d 00000 n \n" % offsets[n] for n in run]
    return b"".join(lines)


# ==== the school's records =====================================================================

# one hundred records, by type (of the demo catalog) and owner level: mostly lesson plans
MIX: tuple[tuple[str, str, int], ...] = (
    ("ke-hoach-bai-day", "giao-vien", 70),
    ("ke-hoach-giao-duc-cua-giao-vien", "giao-vien", 6),
    ("so-chu-nhiem", "giao-vien", 4),
    ("so-theo-doi-danh-gia-hoc-sinh-cua-giao-vien", "giao-vien", 3),
    ("so-sinh-hoat-chuyen-mon", "to", 5),
    ("ke-hoach-giao-duc-cua-to", "to", 2),
    ("so-ghi-dau-bai", "truong", 3),
    ("hoc-ba", "truong", 1),
    ("so-theo-doi-danh-gia-hoc-sinh", "truong", 1),
    ("so-quan-ly-van-ban", "truong", 1),
    ("ho-so-thiet-bi-thu-vien", "truong", 1),
    ("ho-so-tai-san-tai-chinh", "truong", 1),
    ("ho-so-suc-khoe-hoc-sinh", "truong", 1),
    ("ho-so-kiem-tra-danh-gia-can-bo", "truong", 1),
)
KINDS = [(t, level) for t, level, weight in MIX for _ in range(weight)]
assert len(KINDS) == 100
LESSON = ("ke-hoach-bai-day", "giao-vien")
PER_CLASS = {"so-ghi-dau-bai", "hoc-ba", "so-theo-doi-danh-gia-hoc-sinh"}
REJECT_EVERY = 50  # one lesson plan in this many is sent back once, then submitted again
TAIL = 500  # the last records in time are lesson plans: signed in roles that still hold today
GROUPS = ("toan-tin", "khoa-hoc-tu-nhien", "ngu-van-xa-hoi")
SUBJECTS = {
    "toan-tin": ("Toán", "Tin học"),
    "khoa-hoc-tu-nhien": ("Khoa học tự nhiên", "Công nghệ"),
    "ngu-van-xa-hoi": ("Ngữ văn", "Lịch sử và Địa lí"),
}
LESSONS = (
    "Phép nhân và phép chia số tự nhiên",
    "Ước chung lớn nhất – trò chơi “Chia kẹo công bằng”",
    "Hằng đẳng thức đáng nhớ",
    "Sắp xếp dữ liệu trong bảng tính",
    "Tốc độ chuyển động – đo thời gian bằng đồng hồ bấm giây",
    "Truyện đồng thoại “Bài học đường đời đầu tiên”",
    "Bảo quản và chế biến thực phẩm trong gia đình",
    "Số hữu tỉ và tập hợp các số hữu tỉ",
    "Hệ hai phương trình bậc nhất hai ẩn – bài toán “gà và chó”",
    "Góc nội tiếp và cung bị chắn",
    "Mô phỏng thí nghiệm rơi tự do bằng bảng tính",
    "Tế bào – đơn vị cơ sở của sự sống",
    "Thơ “Đồng chí” của Chính Hữu",
    "Nhà Lý dời đô ra Thăng Long năm 1010",
    "Đo chiều cao cây bằng bóng nắng",
    "Lực ma sát trong đời sống",
    "Viết đoạn văn nghị luận về một hiện tượng đời sống",
    "Bản đồ – phương tiện thể hiện bề mặt Trái Đất",
)
AIMS = (
    "I. Mục tiêu: học sinh hiểu và vận dụng được kiến thức của bài; phát triển năng lực tự học.",
    "I. Mục tiêu: học sinh giải thích được hiện tượng thực tế; rèn năng lực giao tiếp và hợp tác.",
    "I. Mục tiêu: học sinh trình bày được khái niệm, làm được bài tập vận dụng ở mức cơ bản.",
    "I. Mục tiêu: học sinh biết đặt câu hỏi, thu thập dữ liệu và rút ra kết luận.",
    "I. Mục tiêu: học sinh phát triển tư duy phản biện, trình bày ý kiến trước lớp.",
)
MEANS = (
    "II. Thiết bị dạy học và học liệu: phiếu học tập, máy chiếu, bảng nhóm.",
    "II. Thiết bị dạy học và học liệu: sách giáo khoa, tranh ảnh, video ngắn.",
    "II. Thiết bị dạy học và học liệu: dụng cụ thí nghiệm theo nhóm, bảng phụ.",
    "II. Thiết bị dạy học và học liệu: máy tính, phần mềm bảng tính, phiếu bài tập.",
)
STEPS = (
    "III. Tiến trình dạy học: khởi động – hình thành kiến thức – luyện tập – vận dụng.",
    "III. Tiến trình dạy học: đặt vấn đề – thảo luận nhóm – báo cáo – tổng kết.",
    "III. Tiến trình dạy học: trò chơi khởi động – khám phá – thực hành – mở rộng.",
)
GENERIC = (
    "Nội dung được tổng hợp từ các sổ theo dõi của tổ và của giáo viên trong kỳ.",
    "Số liệu đã được đối chiếu với báo cáo của các lớp và của văn phòng nhà trường.",
    "Hồ sơ lập theo mẫu của nhà trường, lưu cùng các văn bản có liên quan.",
    "Các ý kiến góp ý đã được ghi nhận và đưa vào kế hoạch của kỳ sau.",
)


@dataclass(frozen=True)
class Planned:
    """One record: where it goes, what its page says, who signs it and when."""

    n: int
    path: str
    label: str  # the short title, given to `hoso submit --title`; the branch slug
    title: str  # the PDF's /Title and the page's heading
    subject: str  # the PDF's /Subject
    owner_line: str
    lines: tuple[str, ...]
    signings: tuple[Any, ...]  # make_demo.Signing, in signing order
    draft: bool = False  # first submitted as another version, sent back, submitted again


@dataclass
class School:
    """The demo school's configuration, as the plan needs it."""

    config: Any
    people: Any
    school_name: str
    authority: str
    commune: str
    group_names: dict[str, str]
    teachers: dict[str, list[str]] = field(default_factory=dict)  # year -> teacher ids
    classes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # year -> (class, gvcn)


def load_school() -> School:
    from hoso.config import load_config

    config = load_config(ROOT)
    people = config.people
    school = config.catalog.school
    out = School(
        config,
        people,
        school.name,
        school.authority or "",
        school.commune or school.province or "",
        {g.id: g.name for g in people.groups},
    )
    for year in YEARS:
        day = date(int(year[:4]), 10, 1)
        out.teachers[year] = [
            p.id
            for p in people.people
            if any(r.role == "giao-vien" and r.group in GROUPS and r.active_on(day) for r in p.roles)
        ]
        out.classes[year] = sorted(
            (r.class_, p.id)
            for p in people.people
            for r in p.roles
            if r.role == "gvcn" and r.class_ and r.active_on(day)
        )
    return out


def _year_dates(year: str, count: int) -> list[date]:
    """`count` days spread over the school year, in order (5 September to 20 May)."""
    start = date(int(year[:4]), 9, 8)
    span = (date(int(year[:4]) + 1, 5, 20) - start).days
    return [start + timedelta(days=(i * span) // max(count, 1)) for i in range(count)]


def plan(records: int, school: School, extra: int = 0) -> list[Planned]:
    """`records` records over the two school years in time order, then `extra` lesson plans
    made after them (June 2025) by people whose roles still hold."""
    import make_demo as md

    from hoso.records import build_path, make_slug

    firsts = records // 2
    days = _year_dates(YEARS[0], firsts) + _year_dates(YEARS[1], records - firsts)
    days += [date(2025, 6, 2) + timedelta(days=i % 20) for i in range(extra)]
    out: list[Planned] = []
    for n in range(records + extra):
        year = YEARS[0] if n < firsts else YEARS[1]
        kind = KINDS[(n * 37) % len(KINDS)]
        if n >= records - min(TAIL, records // 4):
            kind = LESSON  # and the extra records after them
        type_id, level = kind
        rt = school.config.catalog.type_by_id(type_id)
        assert rt is not None, type_id
        made = days[n]
        klass = None
        owner_id: str | None = None
        teachers = school.teachers[year]
        tail = n >= records - min(TAIL, records // 4)
        if tail:  # signed in roles that still hold: a push judged today accepts them
            teachers = [t for t in teachers if _lasting(school, t, year)] or teachers
        if level == "giao-vien":
            if type_id == "so-chu-nhiem":
                klass, owner_id = school.classes[year][n % len(school.classes[year])]
            else:
                owner_id = teachers[n % len(teachers)]
        elif level == "to":
            owner_id = GROUPS[n % len(GROUPS)]
        elif type_id in PER_CLASS:
            klass, _ = school.classes[year][n % len(school.classes[year])]
        label, title, lines = _words(school, n, type_id, rt.name, year, owner_id, klass, made)
        spec = md.Spec(year, level, owner_id, type_id, label, title, made, (), "", klass=klass)
        signings = [_shifted(s, n) for s in md.resolve_signers(spec, rt, school.people)]
        out.append(
            Planned(
                n,
                build_path(year, level, owner_id, type_id, make_slug(label)),
                label,
                title,
                f"{rt.name} – năm học {year}",
                md._owner_line(spec, school.people, school.group_names, school.school_name),
                lines,
                tuple(signings),
                draft=type_id == LESSON[0] and n % REJECT_EVERY == 7 and n < records,
            )
        )
    return out


def _lasting(school: School, teacher: str, year: str) -> bool:
    """Whether the teacher's lesson plans of `year` are signed only by people whose every role
    then has no end: hoso judges a claimed time today against the roles still held today, and
    refuses a signature whose signer held then any role that has ended since."""
    import make_demo as md

    rt = school.config.catalog.type_by_id(LESSON[0])
    day = date(int(year[:4]) + 1, 5, 1)
    spec = md.Spec(year, LESSON[1], teacher, LESSON[0], "x", "x", day, (), "")
    for signing in md.resolve_signers(spec, rt, school.people):
        person = school.people.person(signing.key)
        if person is None or any(
            r.until is not None for r in person.roles if r.active_on(signing.when.date())
        ):
            return False
    return True


def _shifted(signing: Any, n: int) -> Any:
    """The same signature some minutes later in its day: records of one day spread out."""
    return dataclasses.replace(signing, when=signing.when + timedelta(minutes=(n * 7) % 420))


def _words(
    school: School,
    n: int,
    type_id: str,
    type_name: str,
    year: str,
    owner: str | None,
    klass: str | None,
    made: date,
) -> tuple[str, str, tuple[str, ...]]:
    """(label, title, lines) of record `n`: distinct for every record."""
    number = f"Hồ sơ tổng hợp số {n:08d}"
    if type_id == LESSON[0]:
        group = _group_of(school, owner or "", made)
        subject = SUBJECTS.get(group, ("Hoạt động trải nghiệm",))[n % 2 if group in SUBJECTS else 0]
        grade = 6 + (n // 7) % 4
        klass_name = f"{subject} {grade}{'ABC'[n % 3]}"
        week = 1 + (made - date(int(year[:4]), 9, 5)).days // 7
        lesson = LESSONS[(n // 3) % len(LESSONS)]
        label = f"Tuần {week:02d} {klass_name} bài {n:06d}"
        title = f"KẾ HOẠCH BÀI DẠY – {klass_name.upper()} – TUẦN {week:02d}"
        lesson_lines = (
            f"Tên bài dạy: {lesson} (tiết {1 + n % 4})",
            AIMS[n % len(AIMS)],
            MEANS[(n // 5) % len(MEANS)],
            STEPS[(n // 11) % len(STEPS)],
            number,
        )
        return label, title, lesson_lines
    what = type_name
    if klass:
        what += f" lớp {klass}"
    label = f"{what} số {n:06d}"
    title = f"{type_name.upper()} – NĂM HỌC {year}" + (f" – LỚP {klass}" if klass else "")
    lines = (
        f"Lập ngày {made.day:02d}/{made.month:02d}/{made.year}; kỳ {1 + (made.month < 8)} năm học {year}.",
        GENERIC[n % len(GENERIC)],
        GENERIC[(n // 4 + 1) % len(GENERIC)],
        number,
    )
    return label, title, lines


def _group_of(school: School, person: str, day: date) -> str:
    found = school.people.person(person)
    for role in found.roles if found else []:
        if role.group in GROUPS and role.active_on(day):
            return str(role.group)
    return ""


# ---- drawing and signing (in worker processes) ------------------------------------------------------

A4 = (595.2756, 841.8898)
MARGIN = 56.0


def draw(rec: Planned, school_name: str, authority: str, commune: str, draft: bool = False) -> bytes:
    """The record's one page (reportlab, embedded DejaVu Sans), unsigned."""
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    from hoso.pdf.sign import register_fonts

    font = register_fonts()[0]
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(rec.title)
    c.setAuthor(school_name)
    c.setSubject(rec.subject)
    c.setCreator("hoso bench/gen_signed.py")
    y = A4[1] - MARGIN

    def line(text: str, size: float = 11, x: float = MARGIN, center: bool = False) -> None:
        nonlocal y
        for part in simpleSplit(text, font, size, A4[0] - 2 * MARGIN):
            c.setFont(font, size)
            if center:
                c.drawCentredString(A4[0] / 2, y, part)
            else:
                c.drawString(x, y, part)
            y -= size * 1.45

    line(authority.upper(), 8.5)
    line(school_name.upper(), 9.5)
    line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM – Độc lập – Tự do – Hạnh phúc", 9.5, center=True)
    first = rec.signings[0].when
    place = commune.replace("Xã ", "").replace("Phường ", "")
    line(f"{place}, ngày {first.day:02d} tháng {first.month:02d} năm {first.year}", 10)
    y -= 10
    c.setFillColorRGB(0.1, 0.25, 0.6)
    line(rec.title, 14, center=True)
    c.setFillColorRGB(0, 0, 0)
    line(rec.owner_line, 10.5, center=True)
    y -= 8
    for text in rec.lines:
        line(text)
    if draft:
        line("Bản nháp: chưa có mục tiêu cụ thể cho từng hoạt động.")
    y -= 20
    for s in rec.signings:
        line(f"{s.title}: {s.name} (đã ký số ngày {s.when:%d/%m/%Y})", 10)
    c.showPage()
    c.save()
    return buf.getvalue()


_SIGNERS: dict[str, BenchSigner] = {}


def signer_for(key: str) -> BenchSigner:
    if key not in _SIGNERS:
        path = PKI / "con-dau.p12" if key == SEAL else PKI / "people" / f"{key}.p12"
        _SIGNERS[key] = BenchSigner.from_p12(path)
    return _SIGNERS[key]


@functools.cache
def _contents_size(key: str) -> int:
    return signer_for(key).cms_size() + 64


def sign_all(data: bytes, signings: Sequence[Any]) -> tuple[bytes, list[int]]:
    """`data` signed by each of `signings` in turn; where each signature's revision ends."""
    ends = []
    for k, s in enumerate(signings, start=1):
        data = sign_pdf(
            data,
            signer_for(s.key),
            field_name=f"Sig{k}-{s.key}",
            when=s.when,
            reason=s.reason,
            contents_size=_contents_size(s.key),
        )
        ends.append(len(data))
    return data, ends


@dataclass
class Made:
    n: int
    data: bytes  # the final file: version k is data[: ends[k - 1]]
    ends: list[int]
    draft: bytes | None = None  # the version sent back, with its one signature


_CONTEXT: dict[str, str] = {}


def _make(rec: Planned) -> Made:
    ctx = _CONTEXT
    data, ends = sign_all(draw(rec, ctx["school"], ctx["authority"], ctx["commune"]), rec.signings)
    draft = None
    if rec.draft:
        first = rec.signings[0]
        early = dataclasses.replace(first, when=first.when - timedelta(days=3))
        drawn = draw(rec, ctx["school"], ctx["authority"], ctx["commune"], draft=True)
        draft, _ = sign_all(drawn, [early])
    return Made(rec.n, data, ends, draft)


def _init(context: dict[str, str]) -> None:
    _CONTEXT.update(context)


def make_all(records: Sequence[Planned], school: School, jobs: int | None = None) -> Iterator[Made]:
    """Every record drawn and signed, on `jobs` processes (every core), in order."""
    import multiprocessing

    context = {"school": school.school_name, "authority": school.authority, "commune": school.commune}
    jobs = jobs or os.cpu_count() or 1
    if jobs < 2 or len(records) < 16:
        _init(context)
        yield from map(_make, records)
        return
    with multiprocessing.get_context("fork").Pool(jobs, _init, (context,)) as pool:
        yield from pool.imap(_make, records, chunksize=8)


# ==== the history: a git fast-import stream =====================================================

# commit messages and delays as hoso's commands and scripts/demo_history.py write them
SUBMIT_AFTER = timedelta(hours=1, minutes=25)  # a version reaches the repository after its signature
COUNTERSIGN_AFTER = timedelta(minutes=40)
MERGE_AFTER = timedelta(minutes=2)
REVIEW_AFTER = timedelta(days=1, hours=7)
VAN_THU = "phan-thi-thuy"
HIEU_TRUONG = "nguyen-van-hai"
EMAIL_DOMAIN = "truong-mau.invalid"
FOUNDED = datetime(2023, 8, 21, 8, 30, tzinfo=VN)


class History:
    """main, the submission branches and what each brings, as commits of a `_Stream`."""

    def __init__(self, stream: Any, people: Any) -> None:
        self.stream = stream
        self.names = {p.id: p.name for p in people.people}
        self.main: int | None = None
        self.tips: dict[str, int] = {}
        self.brings: dict[str, dict[str, int]] = {}
        self.events: list[tuple[datetime, int, Any]] = []

    def who(self, person: str) -> tuple[str, str, str]:
        return (person, self.names[person], f"{person}@{EMAIL_DOMAIN}")

    def at(self, when: datetime, action: Any) -> None:
        self.events.append((when, len(self.events), action))

    def on_main(self, person: str, when: datetime, message: str, ops: list[str]) -> None:
        self.main = self.stream.commit(
            "refs/heads/main", self.who(person), message, self.main, ops, when=int(when.timestamp())
        )

    def on_branch(
        self, branch: str, person: str, when: datetime, message: str, files: dict[str, int]
    ) -> None:
        if branch not in self.tips:
            assert self.main is not None
            self.tips[branch] = self.main
            self.brings[branch] = {}
        ops = [f"M 100644 :{mark} {path}" for path, mark in sorted(files.items())]
        self.tips[branch] = self.stream.commit(
            f"refs/heads/{branch}",
            self.who(person),
            message,
            self.tips[branch],
            ops,
            when=int(when.timestamp()),
        )
        self.brings[branch].update(files)

    def merge(self, branch: str, person: str, when: datetime) -> None:
        """`hoso approve`: a --no-ff merge of the submission into main with a Duyet-boi trailer."""
        message = f"Duyệt {branch}\n\nDuyet-boi: {person}\n"
        ops = [f"M 100644 :{mark} {path}" for path, mark in sorted(self.brings[branch].items())]
        self.main = self.stream.commit(
            "refs/heads/main",
            self.who(person),
            message,
            self.main,
            ops,
            merge=self.tips[branch],
            when=int(when.timestamp()),
        )

    def tell(self) -> int:
        """Every event in time order; the refs at the end. The number of commits."""
        for _, _, action in sorted(self.events, key=lambda e: (e[0], e[1])):
            action()
        self.events = []
        for branch, mark in sorted(self.tips.items()):
            self.stream.reset(f"refs/heads/{branch}", mark)
        assert self.main is not None
        self.stream.reset("refs/heads/main", self.main)
        return int(self.stream.commits)


def founding_ops(stream: Any) -> list[str]:
    """The configuration, trust anchors and the site's sources, as the hiệu trưởng founds it."""
    from importlib import resources

    files: dict[str, bytes] = {}
    for rel in ("catalog.yml", "people.yml", "locks.yml", "mkdocs.yml"):
        files[rel] = (ROOT / rel).read_bytes()
    for folder in ("trust", "site_src"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file():
                files[path.relative_to(ROOT).as_posix()] = path.read_bytes()
    files[".gitignore"] = resources.files("hoso.templates").joinpath("gitignore").read_bytes()
    return [f"M 100644 :{stream.blob(data)} {rel}" for rel, data in sorted(files.items())]


def submitter(rec: Planned) -> str:
    """Who submits: the first signer, or the văn thư for what the hiệu trưởng signed first."""
    first = rec.signings[0].key
    return VAN_THU if first == HIEU_TRUONG else str(first)


def approver(rec: Planned, people: Any) -> str:
    """Who merges: the last to sign (the hiệu trưởng applies the seal), else a reviewer
    (scripts/demo_history.py's rule)."""
    import make_demo as md

    last = rec.signings[-1].key
    if len(rec.signings) > 1:
        return HIEU_TRUONG if last == SEAL else str(last)
    day = rec.signings[0].when.date()
    first = rec.signings[0].key
    owner = people.person(first)
    if owner is not None and rec.path.split("/")[2] == "gv":
        head = md.group_head(people, md.group_of(owner, day), day)
        if head.id != owner.id:
            return str(head.id)
    if last == HIEU_TRUONG:
        return HIEU_TRUONG
    return str(md.holders(people, "pho-hieu-truong", day)[0].id)


def record_story(history: History, rec: Planned, marks: list[int], draft: int | None, people: Any) -> None:
    """Submit (be sent back, submit again), counter-sign, approve: scripts/demo_history.py's
    `record_plan` with marks instead of bytes."""
    from hoso.records import make_slug

    who, by = submitter(rec), approver(rec, people)
    branch = f"nop/{who}/{make_slug(rec.label)}"
    first = rec.signings[0]
    submitted = f"{rec.label}\n\nTieu-de: {rec.path}: {rec.label}\n"
    steps: list[tuple[datetime, Any]] = []
    if draft is not None:
        sent = first.when - timedelta(days=3) + SUBMIT_AFTER
        back = sent + timedelta(days=1)
        steps.append((sent, (who, "Nộp", submitted, {rec.path: draft})))
        rejection = f"Trả lại hồ sơ\n\nTu-choi-boi: {by}\nLy-do: chưa có mục tiêu cụ thể cho từng hoạt động\n"
        steps.append((back, (by, "Trả lại", rejection, {})))
        submitted = f"Nộp lại: {rec.label}\n\nTieu-de: {rec.path}: {rec.label}\n"
    arrived = first.when + SUBMIT_AFTER
    steps.append((arrived, (who, "Nộp", submitted, {rec.path: marks[0]})))
    last = arrived
    for signing, mark in zip(rec.signings[1:], marks[1:], strict=True):
        person = by if signing.key == SEAL else str(signing.key)
        last = signing.when + COUNTERSIGN_AFTER
        steps.append((last, (person, "Ký", f"Ký duyệt ({person})\n", {rec.path: mark})))
    for when, (person, _, message, files) in steps:
        history.at(when, functools.partial(history.on_branch, branch, person, when, message, files))
    merged = last + MERGE_AFTER if len(rec.signings) > 1 else first.when + REVIEW_AFTER
    history.at(merged, functools.partial(history.merge, branch, by, merged))


# ==== a school on disk ==========================================================================


def _git(cwd: Path, *args: str, data: bytes | None = None) -> bytes:
    from hoso.git.process import git_env

    proc = subprocess.run(
        ["git", *args], cwd=cwd, env=git_env(), input=data, capture_output=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"gen_signed: git {args[0]} failed: {proc.stderr.decode(errors='replace')[-800:]}")
    return proc.stdout


def cache_key(records: int) -> str:
    digest = hashlib.sha256(f"generator={GENERATOR};records={records};extra={EXTRA}".encode())
    for rel in KEY_INPUTS:
        path = ROOT / rel
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            digest.update(
                f.relative_to(ROOT).as_posix().encode() + b"\0" + hashlib.sha256(f.read_bytes()).digest()
            )
    return digest.hexdigest()[:12]


@dataclass
class Signed:
    """A generated school: the repository, its extra records and what was made."""

    home: Path  # bench/out/signed-<N>-<key>/
    manifest: dict[str, Any]

    @property
    def repo(self) -> Path:
        return self.home / "school"

    @property
    def records(self) -> int:
        return int(self.manifest["records"])

    def extra(self) -> list[tuple[str, Path]]:
        """(path in the repository, file) of each signed record outside history."""
        return [(rel, self.home / "extra" / name) for rel, name in self.manifest["extra"]]


def school(records: int, *, jobs: int | None = None, quiet: bool = False) -> Signed:
    """The cached signed school of `records` records, generated first when missing."""
    import fcntl

    OUT.mkdir(exist_ok=True)
    home = OUT / f"signed-{records}-{cache_key(records)}"
    with open(OUT / f"signed-{records}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one generator per size at a time
        manifest = home / "manifest.json"
        if not manifest.is_file():
            for stale in OUT.glob(f"signed-{records}-*"):
                shutil.rmtree(stale, ignore_errors=True)  # another generator's or configuration's
            tmp = OUT / f".signed-{records}-{os.getpid()}"
            shutil.rmtree(tmp, ignore_errors=True)
            try:
                generate(tmp, records, jobs=jobs, quiet=quiet)
                os.replace(tmp, home)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
        return Signed(home, json.loads(manifest.read_text(encoding="utf-8")))


def generate(home: Path, records: int, *, jobs: int | None = None, quiet: bool = False) -> dict[str, Any]:
    """Make the school in `home`/school, the extra records in `home`/extra, `home`/manifest.json."""
    from gen_history import _Stream

    def say(text: str) -> None:
        if not quiet:
            print(f"gen_signed: {text}", file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    repo = home / "school"
    repo.mkdir(parents=True)
    (home / "extra").mkdir()
    info = load_school()
    planned = plan(records, info, EXTRA)
    _git(repo, "init", "-q", "--template=")
    _git(repo, "symbolic-ref", "HEAD", "refs/heads/main")
    importer = subprocess.Popen(
        ["git", "fast-import", "--quiet", "--done"], cwd=repo, stdin=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert importer.stdin is not None
    sink = io.BufferedWriter(importer.stdin, 1 << 20)
    stream = _Stream(sink)
    history = History(stream, info.people)
    founding = founding_ops(stream)
    history.at(FOUNDED, functools.partial(history.on_main, HIEU_TRUONG, FOUNDED, FOUNDING, founding))
    extra: list[tuple[str, str]] = []
    signatures = 0
    sample: list[tuple[Planned, bytes, int]] = []  # verified at the end
    every = max(1, records // 12)
    for made in make_all(planned, info, jobs):
        rec = planned[made.n]
        signatures += len(made.ends)
        if rec.n >= records:
            name = f"{rec.n - records:03d}.pdf"
            (home / "extra" / name).write_bytes(made.data)
            extra.append((rec.path, name))
            continue
        marks = [stream.blob(memoryview(made.data)[:end]) for end in made.ends]
        draft = stream.blob(made.draft) if made.draft is not None else None
        record_story(history, rec, marks, draft, info.people)
        if rec.n % every == 0 or rec.n == records - 1:
            for k, end in enumerate(made.ends, start=1):
                sample.append((rec, made.data[:end], k))
        if rec.n and rec.n % 2000 == 0:
            say(f"{rec.n} records signed, {time.perf_counter() - t0:.0f} s")
    signed_s = time.perf_counter() - t0
    commits = history.tell()
    sink.write(b"done\n")
    sink.flush()
    importer.stdin.close()
    if importer.wait() != 0:
        said = importer.stderr.read().decode() if importer.stderr else ""
        raise SystemExit(f"gen_signed: git fast-import failed: {said[-800:]}")
    _git(repo, "-c", "core.autocrlf=false", "reset", "-q", "--hard", "main")
    _git(repo, "pack-refs", "--all")
    _git(repo, "gc", "-q")  # a school's repository is packed
    _git(repo, "config", "gc.auto", "0")  # and no automatic gc starts during a benchmark
    say(f"history: {commits} commits; packed, {time.perf_counter() - t0:.0f} s")
    checked = verify_sample(repo, sample)
    manifest = {
        "records": records,
        "signatures": signatures,
        "commits": commits,
        "branches": len(history.tips),
        "extra": extra,
        "verified": checked,
        "sign_s": round(signed_s, 1),
        "generate_s": round(time.perf_counter() - t0, 1),
        "jobs": jobs or os.cpu_count(),
        "made": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (home / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    say(f"{records} records, {signatures} signatures, {commits} commits in {manifest['generate_s']} s")
    return manifest


FOUNDING = (
    "Thành lập kho hồ sơ điện tử của Trường THCS Hòa Bình\n\n"
    "Danh mục hồ sơ, sổ sách (catalog.yml), cán bộ, giáo viên và vai trò (people.yml), chứng thư\n"
    "tin cậy (trust/) và trang tra cứu (mkdocs.yml, site_src/).\n"
)


def verify_sample(repo: Path, sample: Sequence[tuple[Planned, bytes, int]]) -> int:
    """hoso's verifier on a sample of versions, each judged at its arrival: valid, with exactly
    the signatures it should hold. Raises SystemExit otherwise."""
    from hoso.blob_arrival import blob_arrivals
    from hoso.config import load_config
    from hoso.git.objects import blob_id
    from hoso.pdf.verify import verify_pdf

    config = load_config(repo)
    anchors = [p.read_bytes() for p in sorted((repo / "trust").glob("*.pem"))]
    arrivals = blob_arrivals(repo)
    for rec, data, count in sample:
        arrival = arrivals.get(blob_id(data))
        verdict = verify_pdf(data, trust_roots=anchors, people=config.people, path=rec.path, arrival=arrival)
        if arrival is None or verdict.status != "valid" or len(verdict.signatures) != count:
            raise SystemExit(
                f"gen_signed: {rec.path} (version {count}, arrived {arrival}): {verdict.status}"
                f" {', '.join(verdict.reasons)}"
            )
    return len(sample)


def fresh_copy(signed: Signed, dest: Path, *, warm: bool = False) -> Path:
    """A copy of the school's repository at `dest` that a benchmark may change; with `warm`, its
    evidence cache holds the verdict of every record (`warm_cache`)."""
    if dest.exists():
        shutil.rmtree(dest)
    subprocess.run(["cp", "-a", "--reflink=auto", str(signed.repo), str(dest)], check=True)
    if warm:
        from hoso.evidence import cache_dir

        shutil.copytree(warm_cache(signed), cache_dir(dest), dirs_exist_ok=True)
    return dest


def warm_cache(signed: Signed) -> Path:
    """An evidence cache filled by `hoso check --all` of the school (every record's verdict),
    as a school that runs the hooks has one; made on first use (as long as a cold
    `check --all`), or kept by `keep_warm` from a benchmark that ran one anyway."""
    from hoso.evidence import CACHE_FILE, cache_dir

    warm = signed.home / "warm-cache"
    if not (warm / CACHE_FILE).is_file():
        tmp = signed.home / f".warm-{os.getpid()}"
        try:
            subprocess.run(["cp", "-a", "--reflink=auto", str(signed.repo), str(tmp)], check=True)
            subprocess.run(
                [sys.executable, "-m", "hoso", "check", "--all"], cwd=tmp, capture_output=True, check=False
            )
            keep_warm(signed, tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if not (warm / CACHE_FILE).is_file():
            raise SystemExit(f"gen_signed: hoso check --all left no cache in {cache_dir(tmp)}")
    return warm


def keep_warm(signed: Signed, repo: Path) -> None:
    """Keep `repo`'s evidence cache (after a `check --all`) as the school's warm cache."""
    from hoso.evidence import CACHE_FILE, cache_dir

    source = cache_dir(repo)
    if not (source / CACHE_FILE).is_file():
        return
    tmp = signed.home / f".warm-cache-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(source, tmp)
    shutil.rmtree(signed.home / "warm-cache", ignore_errors=True)
    os.replace(tmp, signed.home / "warm-cache")


def record_paths(repo: Path) -> list[str]:
    """Every record of main, sorted."""
    out = _git(repo, "ls-tree", "-r", "--name-only", "-z", "main", "--", "records")
    return sorted(p for p in out.decode().split("\0") if p)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1000])
    parser.add_argument("--jobs", type=int, help="processes that draw and sign (default: every core)")
    parser.add_argument("--warm", action="store_true", help="also fill the warm verdict cache (check --all)")
    args = parser.parse_args(argv)
    for n in args.records:
        signed = school(n, jobs=args.jobs)
        if args.warm:
            started = time.perf_counter()
            warm_cache(signed)
            print(f"gen_signed: warm cache in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        print(signed.repo)
    return 0


if __name__ == "__main__":
    sys.exit(main())
