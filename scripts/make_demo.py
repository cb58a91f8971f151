#!/usr/bin/env python3
"""Regenerate the demo school's records/ (Trường THCS Hòa Bình, fictional) deterministically.

    python scripts/make_demo.py [--out DIR] [--new-pki]

Reads catalog.yml and people.yml from the repository root, renders one PDF per demo record
for the school years 2023-2024 and 2024-2025 (reportlab, invariant mode, embedded DejaVu
Sans), signs each one in order by every signer its record type requires, at fixed signing
times, and writes records/ under DIR (default: the repository root). Files the generator no
longer produces are deleted from records/. Running it twice gives byte-identical files.

The demo PKI (scripts/demo_pki/, DEMO keys published on purpose) is created once: existing
keys are reused; missing ones are created; `--new-pki` replaces them all. The fingerprints in
people.yml and trust/hoso-demo-root-ca.pem are kept in step with the PKI.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import io
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
try:
    import hoso  # noqa: F401
except ImportError:  # running from a checkout without an installed package
    sys.path.insert(0, str(ROOT / "src"))

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives.serialization import pkcs12  # noqa: E402

from hoso.config import load_config  # noqa: E402
from hoso.config.models import People, Person, RecordType, RoleAssignment  # noqa: E402
from hoso.config.vocab import ROLE_NAMES, SIGNER_GROUP_HEAD, SIGNER_OWNER, SIGNER_SEAL  # noqa: E402
from hoso.errors import ConfigError  # noqa: E402
from hoso.pdf import pki  # noqa: E402
from hoso.pdf.sign import VN_TZ, Appearance, load_signer, register_fonts, sign_pdf  # noqa: E402
from hoso.records import RECORDS_DIR, build_path, make_slug  # noqa: E402

PKI_DIR_NAME = "scripts/demo_pki"
PASSPHRASE = "demo"
ROOT_CA_NAME = "hoso DEMO Root CA — KHÔNG DÙNG THẬT"
INTER_CA_NAME = "hoso DEMO Intermediate CA — KHÔNG DÙNG THẬT"
DEMO_ORG = "hoso DEMO — chỉ để thử nghiệm"
TRUST_FILE = "trust/hoso-demo-root-ca.pem"
YEARS = ("2023-2024", "2024-2025")
SIGN_GAP_DAYS = 2  # successive signers sign this many days apart


# ==== PKI =================================================================================


@dataclass
class DemoPki:
    root: x509.Certificate
    intermediate: x509.Certificate
    p12: dict[str, Path]  # person id, or "con-dau" for the seal -> PKCS#12 file
    certs: dict[str, x509.Certificate]


def ensure_tsa(pki_dir: Path) -> tuple[pki.Issued, pki.Issued]:
    """The demo time-stamping authority (under the demo intermediate), created when missing.

    A real school's signatures get their timestamps from a licensed TSA at the moment of
    signing. The demo's records were signed "in" 2023–2025 but reached this repository later:
    without a timestamp, the claimed time of a signer whose role has ended since would grant
    nothing (hoso.pdf.verify.roles). The demo TSA's clock reads the demo signing time.
    """
    cert_path, key_path = pki_dir / "tsa.pem", pki_dir / "tsa.key.pem"
    inter = pki.load_issued(pki_dir / "intermediate-ca.pem", pki_dir / "intermediate-ca.key.pem")
    if cert_path.is_file() and key_path.is_file():
        return pki.load_issued(cert_path, key_path), inter
    issued = pki.make_tsa_cert("hoso DEMO TSA — KHÔNG DÙNG THẬT", inter, organization=DEMO_ORG)
    pki.write_cert_pem(cert_path, issued.cert)
    pki.write_key_pem(key_path, issued.key)
    return issued, inter


def demo_timestamper(authority: tuple[pki.Issued, pki.Issued], when: datetime) -> Any:
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.timestamps import DummyTimeStamper

    tsa, inter = authority
    der = serialization.Encoding.DER
    key = tsa.key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())

    class DemoTimeStamper(DummyTimeStamper):
        """Deterministic tokens (serial from the imprint, no nonce): reruns give the same bytes."""

        def _build_tst_info(self, message_imprint: Any, dt: datetime, req: Any) -> Any:
            info = super()._build_tst_info(message_imprint, dt, req)
            digest = hashlib.sha256(message_imprint.dump()).digest()
            info["serial_number"] = int.from_bytes(digest[:8], "big")
            return info

    return DemoTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa.cert.public_bytes(der)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(key),
        certs_to_embed=[asn1_x509.Certificate.load(inter.cert.public_bytes(der))],
        fixed_dt=when + timedelta(seconds=20),
        include_nonce=False,
    )


def ensure_pki(pki_dir: Path, people: People, school_name: str, school_code: str, new: bool) -> DemoPki:
    """Reuse the demo PKI in `pki_dir`; create whatever is missing (everything if `new`)."""
    root_pem, root_key = pki_dir / "root-ca.pem", pki_dir / "root-ca.key.pem"
    inter_pem, inter_key = pki_dir / "intermediate-ca.pem", pki_dir / "intermediate-ca.key.pem"
    if new or not (root_pem.is_file() and root_key.is_file() and inter_pem.is_file() and inter_key.is_file()):
        for sub in ("people",):
            shutil.rmtree(pki_dir / sub, ignore_errors=True)
        for f in pki_dir.glob("*.p12"):
            f.unlink()
        print(f"make_demo: creating a new demo PKI in {pki_dir}", file=sys.stderr)
        root = pki.make_root_ca(ROOT_CA_NAME, organization=DEMO_ORG, key_type="rsa3072")
        inter = pki.make_intermediate_ca(INTER_CA_NAME, root, organization=DEMO_ORG, key_type="rsa3072")
        pki.write_cert_pem(root_pem, root.cert)
        pki.write_key_pem(root_key, root.key)
        pki.write_cert_pem(inter_pem, inter.cert)
        pki.write_key_pem(inter_key, inter.key)
    else:
        root = pki.load_issued(root_pem, root_key)
        inter = pki.load_issued(inter_pem, inter_key)
    chain = [inter.cert, root.cert]

    wanted: list[tuple[str, Path, Callable[[], pki.Issued]]] = []
    for person in people.people:
        wanted.append(
            (
                person.id,
                pki_dir / "people" / f"{person.id}.p12",
                functools.partial(
                    pki.make_person_cert, person.name, person.id, inter, organization=school_name
                ),
            )
        )
    wanted.append(
        (
            SIGNER_SEAL,
            pki_dir / "con-dau.p12",
            functools.partial(pki.make_seal_cert, school_name, inter, org_id=school_code),
        )
    )
    out = DemoPki(root.cert, inter.cert, {}, {})
    for key, p12_path, make in wanted:
        if p12_path.is_file():
            _, cert, _ = pkcs12.load_key_and_certificates(p12_path.read_bytes(), PASSPHRASE.encode())
            assert cert is not None
        else:
            issued = make()
            pki.write_pkcs12(p12_path, issued, chain=chain, passphrase=PASSPHRASE, friendly_name=key)
            pki.write_cert_pem(p12_path.with_suffix(".pem"), issued.cert)
            cert = issued.cert
            print(f"make_demo: new demo certificate {p12_path.name}", file=sys.stderr)
        out.p12[key] = p12_path
        out.certs[key] = cert
    return out


def write_trust(root: Path, demo: DemoPki) -> None:
    _write_if_changed(root / TRUST_FILE, pki.cert_pem(demo.root, demo.intermediate))


def sync_fingerprints(people_file: Path, demo: DemoPki) -> bool:
    """Put each demo certificate's fingerprint in people.yml; True if the file changed.

    Edits the text in place (comments and layout kept): the entry to update is the `sha256:`
    line followed by a `label:` ending in "/<person id>.p12)" or "/con-dau.p12)".
    """
    text = people_file.read_text(encoding="utf-8")
    new = text
    for key, cert in demo.certs.items():
        fp = pki.fingerprint_sha256(cert)
        pattern = re.compile(r'(sha256: ")[0-9A-Fa-f:]*("\n\s*label: [^\n]*/' + re.escape(key) + r"\.p12\))")
        new, count = pattern.subn(rf"\g<1>{fp}\g<2>", new)
        if count != 1:
            raise SystemExit(
                f"make_demo: people.yml needs one certificate entry for {key} "
                f'(sha256: "..." then label: "... ({PKI_DIR_NAME}/.../{key}.p12)")'
            )
    if new == text:
        return False
    _write_if_changed(people_file, new.encode("utf-8"))
    return True


# ==== who signs ===========================================================================


@dataclass(frozen=True)
class Signing:
    key: str  # person id, or "con-dau"
    name: str  # display name
    title: str  # the role as printed under the signature
    reason: str  # /Reason of the signature
    when: datetime


def _roles_on(person: Person, day: date) -> list[RoleAssignment]:
    return [ra for ra in person.roles if ra.active_on(day)]


def holders(
    people: People, role: str, day: date, *, group: str | None = None, klass: str | None = None
) -> list[Person]:
    found = []
    for person in people.people:
        for ra in _roles_on(person, day):
            if ra.role != role:
                continue
            if group is not None and ra.group != group:
                continue
            if klass is not None and ra.class_ != klass:
                continue
            found.append(person)
            break
    return found


def group_of(person: Person, day: date) -> str:
    for ra in _roles_on(person, day):
        if ra.group is not None:
            return ra.group
    raise SystemExit(f"make_demo: {person.id} belongs to no tổ on {day}")


def group_head(people: People, group: str, day: date) -> Person:
    found = holders(people, "to-truong", day, group=group)
    if not found:
        raise SystemExit(f"make_demo: tổ {group} has no tổ trưởng on {day}")
    return found[0]


def role_title(role: str) -> str:
    return ROLE_NAMES[role][0] if role in ROLE_NAMES else role


@dataclass(frozen=True)
class Spec:
    """One demo record: where it goes, what it says, when it was made."""

    year: str
    owner_level: str  # truong | to | giao-vien
    owner_id: str | None
    type_id: str
    label: str  # short Vietnamese label; the file name is its slug
    title: str  # printed title
    made: date  # the first signer signs on this day, the others SIGN_GAP_DAYS apart
    paragraphs: tuple[str, ...]
    phrase: str  # a distinctive sentence, unique across the demo (for search)
    klass: str | None = None
    table: tuple[tuple[str, ...], ...] = ()  # optional rows printed after the text
    visible: bool = False  # visible appearance for the first person's signature

    @property
    def path(self) -> str:
        return build_path(self.year, self.owner_level, self.owner_id, self.type_id, make_slug(self.label))


def resolve_signers(spec: Spec, rt: RecordType, people: People) -> list[Signing]:
    out: list[Signing] = []
    for i, token in enumerate(rt.signers):
        day = spec.made + timedelta(days=SIGN_GAP_DAYS * i)
        when = datetime(day.year, day.month, day.day, 8 + (i * 3) % 9, (17 * i + 5) % 60, tzinfo=VN_TZ)
        options = token if isinstance(token, list) else [token]
        chosen: Signing | None = None
        for opt in options:
            chosen = _resolve_one(opt, i, spec, people, day, when)
            if chosen is not None:
                break
        if chosen is None:
            raise SystemExit(f"make_demo: nobody can sign {spec.path} as {token} on {day}")
        out.append(chosen)
    return out


def _resolve_one(
    token: str, index: int, spec: Spec, people: People, day: date, when: datetime
) -> Signing | None:
    first = index == 0
    if token == SIGNER_SEAL:
        assert people.seal is not None
        return Signing(
            SIGNER_SEAL,
            people.seal.name,
            "Con dấu nhà trường",
            "Đóng dấu (chứng thư số của nhà trường)",
            when,
        )
    if token == SIGNER_OWNER:
        if spec.owner_level == "giao-vien":
            person = people.person(spec.owner_id or "")
            assert person is not None
            return Signing(person.id, person.name, "Giáo viên", "Giáo viên lập", when)
        head = group_head(people, spec.owner_id or "", day)
        return Signing(head.id, head.name, "Tổ trưởng", "Tổ trưởng lập", when)
    if token == SIGNER_GROUP_HEAD:
        owner = people.person(spec.owner_id or "")
        assert owner is not None
        head = group_head(people, group_of(owner, day), day)
        if head.id == owner.id:
            # nobody approves their own plan: the vice-principal stands in for the tổ trưởng
            found = holders(people, "pho-hieu-truong", day)
            assert found, "the demo school needs a phó hiệu trưởng"
            deputy = found[0]
            return Signing(deputy.id, deputy.name, "Phó hiệu trưởng", "Phó hiệu trưởng duyệt", when)
        return Signing(head.id, head.name, "Tổ trưởng", "Tổ trưởng duyệt", when)
    found = holders(people, token, day, klass=spec.klass if token == "gvcn" else None)
    if not found:
        return None
    person = found[0]
    title = role_title(token)
    if token == "gvcn" and spec.klass:
        title = f"Giáo viên chủ nhiệm lớp {spec.klass}"
    if token in ("hieu-truong", "pho-hieu-truong"):
        reason = f"{title} ký" if first else f"{title} duyệt"
    elif token == "gvcn":
        reason = f"{title} ký"
    else:
        reason = f"{title} lập" if first else f"{title} ký"
    return Signing(person.id, person.name, title, reason, when)


# ==== the demo records ====================================================================

_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
_MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Quang", "Thanh", "Gia", "Bảo", "Khánh", "Hữu", "Thu", "Đức"]
_GIVEN = [
    "An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Huy", "Khoa", "Linh", "Long", "Mai",
    "Nam", "Ngân", "Nhi", "Phúc", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo", "Trang", "Trí", "Tú", "Vy",
]  # fmt: skip


def _n(key: str, lo: int, hi: int) -> int:
    """A deterministic pseudo-random integer in [lo, hi] for `key`."""
    return lo + int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") % (hi - lo + 1)


def students(key: str, count: int) -> list[str]:
    names = []
    for i in range(count):
        k = f"{key}/{i}"
        names.append(
            f"{_FAMILY[_n(k + 'f', 0, len(_FAMILY) - 1)]} {_MIDDLE[_n(k + 'm', 0, len(_MIDDLE) - 1)]} "
            f"{_GIVEN[_n(k + 'g', 0, len(_GIVEN) - 1)]}"
        )
    return sorted(names, key=lambda s: (s.split()[-1], s))


def week_monday(year: str, week: int) -> date:
    opening = date(int(year[:4]), 9, 5)
    return opening - timedelta(days=opening.weekday()) + timedelta(weeks=week - 1)


def _vn_date(d: date) -> str:
    return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


@dataclass(frozen=True)
class YearPlan:
    """Who teaches what in a school year (classes move up one grade each year)."""

    gvcn: tuple[tuple[str, str], ...]  # (class, person id) pairs used for per-class records
    plans: tuple[tuple[str, str], ...]  # (person id, subject + grade) for kế hoạch giáo dục của GV
    lessons: tuple[tuple[str, int, str, str], ...]  # (person id, week, subject class, lesson)
    trackers: tuple[tuple[str, str], ...]  # (person id, subject) sổ theo dõi đánh giá của GV
    homerooms: tuple[str, ...]  # person ids with a sổ chủ nhiệm


PLANS: dict[str, YearPlan] = {
    "2023-2024": YearPlan(
        gvcn=(("6A", "nguyen-van-an"), ("9A", "vu-thi-ngoc-anh")),
        plans=(
            ("nguyen-van-an", "Toán 6"),
            ("pham-quoc-tuan", "Toán 8"),
            ("do-thi-lan", "Tin học 8"),
            ("vu-thi-ngoc-anh", "Khoa học tự nhiên 9"),
            ("dang-thi-thanh-huong", "Ngữ văn 9"),
            ("trinh-van-long", "Lịch sử và Địa lí 7"),
        ),
        lessons=(
            ("nguyen-van-an", 5, "Toán 6A", "Phép nhân và phép chia số tự nhiên"),
            ("nguyen-van-an", 12, "Toán 6A", "Ước chung lớn nhất – trò chơi “Chia kẹo công bằng”"),
            ("pham-quoc-tuan", 7, "Toán 8C", "Hằng đẳng thức đáng nhớ: bình phương của một tổng"),
            ("do-thi-lan", 9, "Tin học 8B", "Sắp xếp dữ liệu trong bảng tính"),
            ("hoang-minh-duc", 6, "KHTN 7A", "Tốc độ chuyển động – đo thời gian bằng đồng hồ bấm giây"),
            ("ngo-thi-mai", 10, "Ngữ văn 6B", "Truyện đồng thoại “Bài học đường đời đầu tiên”"),
            ("bui-van-thang", 8, "Công nghệ 6B", "Bảo quản và chế biến thực phẩm trong gia đình"),
        ),
        trackers=(("bui-van-thang", "Công nghệ 6"), ("trinh-van-long", "Lịch sử và Địa lí 7")),
        homerooms=("nguyen-van-an", "vu-thi-ngoc-anh"),
    ),
    "2024-2025": YearPlan(
        gvcn=(("7A", "nguyen-van-an"), ("6A", "vu-thi-ngoc-anh")),
        plans=(
            ("nguyen-van-an", "Toán 7"),
            ("pham-quoc-tuan", "Toán 9"),
            ("do-thi-lan", "Tin học 9"),
            ("hoang-minh-duc", "Khoa học tự nhiên 8"),
            ("ngo-thi-mai", "Ngữ văn 7"),
            ("bui-van-thang", "Công nghệ 7"),
        ),
        lessons=(
            ("nguyen-van-an", 4, "Toán 7A", "Số hữu tỉ và tập hợp các số hữu tỉ"),
            ("pham-quoc-tuan", 6, "Toán 9C", "Hệ hai phương trình bậc nhất hai ẩn – bài toán “gà và chó”"),
            ("pham-quoc-tuan", 15, "Toán 9C", "Góc nội tiếp và cung bị chắn"),
            ("do-thi-lan", 11, "Tin học 9B", "Mô phỏng thí nghiệm rơi tự do bằng bảng tính"),
            ("vu-thi-ngoc-anh", 5, "KHTN 6A", "Tế bào – đơn vị cơ sở của sự sống (quan sát tế bào hành tây)"),
            ("dang-thi-thanh-huong", 9, "Ngữ văn 9A", "Thơ “Đồng chí” của Chính Hữu"),
            ("trinh-van-long", 13, "Lịch sử và Địa lí 7B", "Nhà Lý dời đô ra Thăng Long năm 1010"),
        ),
        trackers=(("hoang-minh-duc", "Khoa học tự nhiên 8"), ("ngo-thi-mai", "Ngữ văn 7")),
        homerooms=("nguyen-van-an", "vu-thi-ngoc-anh"),
    ),
}


def build_specs(year: str, people: People, group_names: dict[str, str], type_ids: set[str]) -> list[Spec]:
    y0, y1 = int(year[:4]), int(year[:4]) + 1
    plan = PLANS[year]
    specs: list[Spec] = []
    enrolled = _n(f"{year}/si-so", 380, 460)

    def truong(
        type_id: str, label: str, title: str, made: date, paras: Sequence[str], phrase: str, **kw: Any
    ) -> None:
        specs.append(Spec(year, "truong", None, type_id, label, title, made, tuple(paras), phrase, **kw))

    truong(
        "ke-hoach-giao-duc-nha-truong",
        f"Kế hoạch giáo dục nhà trường {year}",
        f"KẾ HOẠCH GIÁO DỤC NHÀ TRƯỜNG NĂM HỌC {year}",
        date(y0, 9, 8),
        [
            "Căn cứ Thông tư 32/2020/TT-BGDĐT ban hành Điều lệ trường trung học cơ sở, trường trung "
            "học phổ thông và trường phổ thông có nhiều cấp học; căn cứ hướng dẫn nhiệm vụ năm học của "
            "cơ quan quản lý giáo dục, Hội đồng trường đã thông qua kế hoạch giáo dục sau đây.",
            f"Quy mô: {enrolled} học sinh, 12 lớp; thực hiện chương trình giáo dục phổ thông 2018 ở tất "
            "cả các khối lớp; dạy học 2 buổi/ngày với khối 6 và khối 9.",
            "Mục tiêu trọng tâm: nâng cao chất lượng dạy học theo định hướng phát triển phẩm chất, năng "
            "lực; đẩy mạnh chuyển đổi số trong quản lý hồ sơ, sổ sách; duy trì phổ cập giáo dục THCS.",
        ],
        f"Chủ đề năm học {year}: “Mỗi thầy cô là một tấm gương – mỗi lớp học là một mái nhà”"
        if y0 == 2023
        else f"Chủ đề năm học {year}: “Đổi mới, sáng tạo, chuyển đổi số trong từng tiết học”",
        visible=True,
    )
    truong(
        "so-dang-bo",
        "Sổ đăng bộ khối 6",
        f"SỔ ĐĂNG BỘ HỌC SINH KHỐI 6 – NĂM HỌC {year}",
        date(y0, 9, 15),
        [
            "Sổ đăng bộ ghi danh sách học sinh trúng tuyển vào lớp 6 của nhà trường, theo quyết định "
            "công nhận kết quả tuyển sinh; mỗi học sinh một dòng, ghi số đăng bộ liên tục qua các năm.",
        ],
        f"Số đăng bộ đầu tiên của khóa tuyển sinh {y0}: {y0 % 100:02d}{_n(year + 'db', 1, 9)}001",
        table=tuple(
            (f"{y0 % 100:02d}{i + 1:03d}", name, "Xã An Lạc")
            for i, name in enumerate(students(f"{year}/dang-bo", 36))
        ),
    )
    for klass, _teacher in plan.gvcn:
        roster = students(f"{year}/{klass}", _n(f"{year}/{klass}/n", 30, 38))
        truong(
            "hoc-ba",
            f"Học bạ lớp {klass}",
            f"HỌC BẠ – TỔNG HỢP KẾT QUẢ LỚP {klass}",
            date(y1, 5, 24),
            [
                f"Kết quả rèn luyện và học tập cả năm học {year} của học sinh lớp {klass}, do giáo viên "
                "chủ nhiệm tổng hợp từ sổ theo dõi và đánh giá học sinh; hiệu trưởng xác nhận và đóng dấu.",
            ],
            f"Lớp {klass} năm học {year} có {_n(year + klass + 'hsg', 5, 14)} học sinh đạt danh hiệu "
            "Học sinh Xuất sắc hoặc Học sinh Giỏi",
            klass=klass,
            table=tuple(
                (
                    str(i + 1),
                    name,
                    ["Tốt", "Khá", "Tốt", "Đạt"][_n(name + year, 0, 3)],
                    ["Tốt", "Khá", "Đạt"][_n(name, 0, 2)],
                )
                for i, name in enumerate(roster)
            ),
        )
        truong(
            "so-theo-doi-danh-gia-hoc-sinh",
            f"Sổ theo dõi đánh giá lớp {klass}",
            f"SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH – LỚP {klass}",
            date(y1, 5, 20),
            [
                f"Điểm trung bình môn cả năm của học sinh lớp {klass}, theo Thông tư 22/2021/TT-BGDĐT "
                "quy định về đánh giá học sinh trung học cơ sở và trung học phổ thông.",
            ],
            f"Điểm trung bình môn Toán cả năm của lớp {klass}: {_n(year + klass + 'tb', 62, 84) / 10:.1f}",
            klass=klass,
            table=tuple(
                (
                    str(i + 1),
                    name,
                    f"{_n(name + 'toan' + year, 50, 98) / 10:.1f}",
                    f"{_n(name + 'van' + year, 50, 95) / 10:.1f}",
                )
                for i, name in enumerate(roster)
            ),
        )
    klass = plan.gvcn[0][0]
    for hk, made in ((1, date(y1, 1, 12)), (2, date(y1, 5, 16))):
        truong(
            "so-ghi-dau-bai",
            f"Sổ ghi đầu bài lớp {klass} học kỳ {hk}",
            f"SỔ GHI ĐẦU BÀI – LỚP {klass} – HỌC KỲ {'I' if hk == 1 else 'II'}",
            made,
            [
                f"Tổng hợp tên bài dạy, nhận xét tiết học và xếp loại tiết học của lớp {klass} trong "
                f"học kỳ {'I' if hk == 1 else 'II'}; giáo viên chủ nhiệm kiểm tra hằng tuần.",
            ],
            f"Học kỳ {'I' if hk == 1 else 'II'} lớp {klass} có "
            f"{_n(year + klass + str(hk), 92, 99)}% tiết học xếp loại Tốt",
            klass=klass,
        )
    if "ho-so-giao-duc-hoc-sinh-khuyet-tat" in type_ids and y0 == 2024:
        truong(
            "ho-so-giao-duc-hoc-sinh-khuyet-tat",
            f"Kế hoạch giáo dục cá nhân lớp {klass}",
            f"KẾ HOẠCH GIÁO DỤC CÁ NHÂN HỌC SINH HÒA NHẬP – LỚP {klass}",
            date(y0, 10, 4),
            [
                "Học sinh khiếm thị mức độ nhẹ học hòa nhập; điều chỉnh cỡ chữ tài liệu, bố trí chỗ ngồi "
                "đầu bàn, phân công bạn đồng hành; đánh giá theo mục tiêu của kế hoạch cá nhân.",
            ],
            "Tài liệu in chữ phóng to cỡ 18 cho học sinh khiếm thị học hòa nhập",
            klass=klass,
        )
    truong(
        "so-quan-ly-cap-phat-van-bang",
        f"Sổ cấp phát bằng tốt nghiệp THCS {y1}",
        f"SỔ QUẢN LÝ CẤP PHÁT BẰNG TỐT NGHIỆP THCS NĂM {y1}",
        date(y1, 6, 20),
        [
            f"Danh sách học sinh lớp 9 được công nhận tốt nghiệp THCS năm {y1} nhận bằng; mỗi dòng ghi "
            "số hiệu văn bằng, số vào sổ cấp bằng và chữ ký người nhận.",
        ],
        f"Số vào sổ cấp bằng tốt nghiệp THCS năm {y1} bắt đầu từ THCS-{y1}-{_n(year + 'vb', 100, 400)}",
    )
    truong(
        "so-quan-ly-van-ban",
        "Sổ văn bản đến học kỳ 1",
        f"SỔ QUẢN LÝ VĂN BẢN ĐẾN – HỌC KỲ I NĂM HỌC {year}",
        date(y1, 1, 8),
        [
            "Sổ đăng ký văn bản đến theo Nghị định 30/2020/NĐ-CP về công tác văn thư: số đến, ngày đến, "
            "cơ quan ban hành, số ký hiệu, trích yếu, đơn vị hoặc người nhận.",
        ],
        f"Trong học kỳ I nhà trường tiếp nhận {_n(year + 'vbden', 140, 260)} văn bản đến",
    )
    truong(
        "ho-so-thiet-bi-thu-vien",
        "Sổ theo dõi thiết bị và thư viện",
        f"HỒ SƠ THIẾT BỊ GIÁO DỤC VÀ THƯ VIỆN – NĂM HỌC {year}",
        date(y0, 10, 2),
        [
            "Kiểm kê thiết bị dạy học tối thiểu theo danh mục của Bộ Giáo dục và Đào tạo; sổ mượn trả "
            "thiết bị của giáo viên; sổ đăng ký cá biệt sách thư viện.",
        ],
        f"Thư viện bổ sung {_n(year + 'sach', 120, 480)} bản sách tham khảo, trong đó có tủ sách "
        + ("“Sách hay mỗi tuần”" if y0 == 2023 else "“Em yêu khoa học”"),
    )
    truong(
        "ho-so-tai-san-tai-chinh",
        f"Báo cáo kiểm kê tài sản {y0}",
        f"BÁO CÁO KIỂM KÊ TÀI SẢN CÔNG NĂM {y0}",
        date(y0, 12, 27),
        [
            f"Kiểm kê tài sản cố định và công cụ, dụng cụ tại thời điểm 31/12/{y0}; đối chiếu sổ kế "
            "toán với thực tế; đề xuất thanh lý tài sản hư hỏng không còn sử dụng được.",
        ],
        f"Giá trị còn lại của tài sản cố định ngày 31/12/{y0}: {_n(year + 'ts', 3100, 4800)} triệu đồng",
    )
    truong(
        "ho-so-kiem-tra-danh-gia-can-bo",
        "Đánh giá chuẩn nghề nghiệp giáo viên",
        f"KẾT QUẢ ĐÁNH GIÁ GIÁO VIÊN THEO CHUẨN NGHỀ NGHIỆP – NĂM HỌC {year}",
        date(y1, 5, 28),
        [
            "Đánh giá giáo viên theo chuẩn nghề nghiệp giáo viên cơ sở giáo dục phổ thông (Thông tư "
            "20/2018/TT-BGDĐT): giáo viên tự đánh giá, tổ chuyên môn góp ý, hiệu trưởng kết luận.",
        ],
        f"Năm học {year}: {_n(year + 'tot', 9, 12)} giáo viên đạt chuẩn nghề nghiệp mức Tốt",
    )
    truong(
        "ho-so-suc-khoe-hoc-sinh",
        "Kết quả khám sức khỏe định kỳ",
        f"KẾT QUẢ KHÁM SỨC KHỎE ĐỊNH KỲ HỌC SINH – NĂM HỌC {year}",
        date(y0, 10, 20),
        [
            "Phối hợp với Trạm y tế xã An Lạc khám sức khỏe định kỳ cho học sinh toàn trường; theo dõi "
            "chiều cao, cân nặng, thị lực, răng miệng; thông báo kết quả cho cha mẹ học sinh.",
        ],
        f"Khám sức khỏe cho {enrolled} học sinh, phát hiện {_n(year + 'can', 21, 48)} em cận thị mới",
    )
    truong(
        "ho-so-khen-thuong-ky-luat-hoc-sinh",
        "Quyết định khen thưởng cuối năm",
        f"QUYẾT ĐỊNH KHEN THƯỞNG HỌC SINH CUỐI NĂM HỌC {year}",
        date(y1, 5, 30),
        [
            "Khen thưởng học sinh đạt danh hiệu Học sinh Xuất sắc, Học sinh Giỏi và học sinh có thành "
            "tích đột xuất trong các phong trào thi đua của nhà trường và của xã.",
        ],
        "Khen thưởng đột xuất học sinh "
        + (
            "nhặt được ví trả lại người đánh rơi ở chợ An Lạc"
            if y0 == 2023
            else "cứu bạn đuối nước ở kênh Đông"
        ),
    )
    truong(
        "ho-so-pho-cap-giao-duc",
        f"Báo cáo phổ cập giáo dục THCS {y0}",
        f"BÁO CÁO KẾT QUẢ PHỔ CẬP GIÁO DỤC THCS NĂM {y0}",
        date(y0, 11, 14),
        [
            "Điều tra, cập nhật dữ liệu phổ cập giáo dục trung học cơ sở trên địa bàn xã An Lạc; tỷ lệ "
            "thanh thiếu niên 15–18 tuổi tốt nghiệp THCS; đề nghị công nhận đạt chuẩn mức độ 3.",
        ],
        f"Tỷ lệ thanh thiếu niên 15–18 tuổi tốt nghiệp THCS năm {y0}: {_n(year + 'pc', 930, 985) / 10:.1f}%",
    )

    # ---- tổ chuyên môn --------------------------------------------------------------------
    for group in ("toan-tin", "khoa-hoc-tu-nhien", "ngu-van-xa-hoi"):
        gname = group_names[group]
        specs.append(
            Spec(
                year,
                "to",
                group,
                "ke-hoach-giao-duc-cua-to",
                f"Kế hoạch giáo dục của tổ {year}",
                f"KẾ HOẠCH GIÁO DỤC CỦA {gname.upper()} – NĂM HỌC {year}",
                date(y0, 9, 10),
                (
                    f"Kế hoạch dạy học các môn học và hoạt động giáo dục của {gname}, phân phối chương "
                    "trình theo tuần, kế hoạch tổ chức các chuyên đề và thao giảng trong năm học.",
                    "Kế hoạch được tổ trưởng xây dựng, tổ thảo luận và hiệu trưởng phê duyệt.",
                ),
                f"{gname} năm học {year} tổ chức {_n(year + group + 'cd', 3, 6)} chuyên đề, trong đó có "
                + {
                    "toan-tin": "chuyên đề “Dạy học giải quyết vấn đề qua bài toán thực tế”",
                    "khoa-hoc-tu-nhien": "chuyên đề “Thí nghiệm đơn giản với vật liệu tái chế”",
                    "ngu-van-xa-hoi": "chuyên đề “Đọc hiểu văn bản theo thể loại”",
                }[group]
                + (" (lần 1)" if y0 == 2023 else " (lần 2)"),
            )
        )
        specs.append(
            Spec(
                year,
                "to",
                group,
                "so-sinh-hoat-chuyen-mon",
                f"Sinh hoạt chuyên môn tháng 10 {y0}",
                f"BIÊN BẢN SINH HOẠT CHUYÊN MÔN – THÁNG 10/{y0}",
                date(y0, 10, 21),
                (
                    f"Thành phần: toàn thể giáo viên {gname}. Nội dung: nghiên cứu bài học, dự giờ minh "
                    "họa, góp ý tiết dạy, thống nhất nội dung kiểm tra giữa học kỳ I.",
                ),
                f"{gname} dự giờ minh họa tiết {_n(year + group + 'tiet', 11, 29)} ngày 21/10/{y0}",
            )
        )

    # ---- giáo viên ------------------------------------------------------------------------
    def gv(
        person_id: str,
        type_id: str,
        label: str,
        title: str,
        made: date,
        paras: Sequence[str],
        phrase: str,
        **kw: Any,
    ) -> None:
        specs.append(
            Spec(year, "giao-vien", person_id, type_id, label, title, made, tuple(paras), phrase, **kw)
        )

    for person_id, subject in plan.plans:
        gv(
            person_id,
            "ke-hoach-giao-duc-cua-giao-vien",
            f"Kế hoạch giáo dục môn {subject}",
            f"KẾ HOẠCH GIÁO DỤC CỦA GIÁO VIÊN – MÔN {subject.upper()}",
            date(y0, 9, 12),
            [
                f"Kế hoạch dạy học môn {subject} năm học {year}: 35 tuần thực học, phân phối số tiết "
                "theo chương trình giáo dục phổ thông 2018; kế hoạch kiểm tra, đánh giá định kỳ.",
                "Phương pháp: học theo nhóm, dạy học dự án, tăng cường sử dụng thiết bị dạy học số.",
            ],
            f"Kế hoạch môn {subject} năm học {year} có {_n(year + person_id, 2, 4)} dự án học tập liên môn",
        )
    for person_id, week, subject_class, lesson in plan.lessons:
        monday = week_monday(year, week)
        gv(
            person_id,
            "ke-hoach-bai-day",
            f"Tuần {week:02d} {subject_class}",
            f"KẾ HOẠCH BÀI DẠY – {subject_class.upper()} – TUẦN {week:02d}",
            monday - timedelta(days=4),
            [
                "I. Mục tiêu: học sinh hiểu và vận dụng được kiến thức của bài; phát triển năng lực tự "
                "học, giao tiếp và hợp tác, giải quyết vấn đề.",
                "II. Thiết bị dạy học và học liệu: phiếu học tập, máy chiếu, bảng nhóm.",
                "III. Tiến trình dạy học: khởi động – hình thành kiến thức – luyện tập – vận dụng.",
            ],
            f"Tên bài dạy: {lesson}",
        )
    for person_id, subject in plan.trackers:
        gv(
            person_id,
            "so-theo-doi-danh-gia-hoc-sinh-cua-giao-vien",
            f"Sổ theo dõi đánh giá môn {subject} học kỳ 1",
            f"SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH – MÔN {subject.upper()} – HỌC KỲ I",
            date(y1, 1, 10),
            [
                f"Điểm đánh giá thường xuyên và định kỳ môn {subject} học kỳ I năm học {year}; nhận xét "
                "sự tiến bộ của từng học sinh.",
            ],
            f"Môn {subject} học kỳ I: {_n(year + person_id + 'kt', 3, 5)} bài kiểm tra thường xuyên",
        )
    for person_id in plan.homerooms:
        klass = next(c for c, p in plan.gvcn if p == person_id)
        gv(
            person_id,
            "so-chu-nhiem",
            f"Sổ chủ nhiệm lớp {klass}",
            f"SỔ CHỦ NHIỆM – LỚP {klass} – NĂM HỌC {year}",
            date(y1, 5, 26),
            [
                f"Thông tin học sinh lớp {klass}, kế hoạch công tác chủ nhiệm theo tháng, theo dõi nề "
                "nếp, liên lạc với cha mẹ học sinh, nhận xét cuối năm.",
            ],
            f"Lớp {klass} năm học {year} có {_n(year + klass + 'hop', 3, 4)} cuộc họp cha mẹ học sinh",
            klass=klass,
        )
    return specs


# ==== rendering ===========================================================================

A4 = (595.2756, 841.8898)
MARGIN = 56.0
BLUE = (0.1, 0.25, 0.6)


class _Page:
    """A tiny text layout on reportlab's canvas: one font, bold by stroking the glyphs."""

    def __init__(self, footer: str) -> None:
        from reportlab.pdfgen import canvas

        self.font = register_fonts()[0]
        self.buf = io.BytesIO()
        self.c = canvas.Canvas(self.buf, pagesize=A4, invariant=1, pageCompression=1)
        self.footer = footer
        self.page = 1
        self.y = A4[1] - MARGIN

    def text(
        self,
        s: str,
        x: float,
        size: float,
        *,
        bold: bool = False,
        align: str = "left",
        y: float | None = None,
    ) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        w = stringWidth(s, self.font, size)
        x0 = x - w / 2 if align == "center" else (x - w if align == "right" else x)
        self.c.saveState()  # the text render mode (Tr) and line width must not leak
        t = self.c.beginText(x0, self.y if y is None else y)
        t.setFont(self.font, size)
        if bold:
            t.setTextRenderMode(2)  # fill and stroke the glyphs: a bold look with one font
            self.c.setLineWidth(size * 0.035)
        t.textOut(s)
        self.c.drawText(t)
        self.c.restoreState()

    def space(self, need: float) -> None:
        if self.y - need < MARGIN + 20:
            self.new_page()

    def line(
        self, s: str, size: float = 11, *, bold: bool = False, align: str = "left", x: float | None = None
    ) -> None:
        self.space(size * 1.4)
        if x is None:
            x = {"left": MARGIN, "center": A4[0] / 2, "right": A4[0] - MARGIN}[align]
        self.text(s, x, size, bold=bold, align=align)
        self.y -= size * 1.45

    def paragraph(self, s: str, size: float = 11, indent: float = 20) -> None:
        from reportlab.lib.utils import simpleSplit

        lines = simpleSplit(s, self.font, size, A4[0] - 2 * MARGIN - indent)
        for i, ln in enumerate(lines):
            self.line(ln, size, x=MARGIN + (indent if i == 0 else 0))
        self.y -= size * 0.4

    def new_page(self) -> None:
        self._footer()
        self.c.showPage()
        self.page += 1
        self.y = A4[1] - MARGIN

    def _footer(self) -> None:
        self.c.setFillColorRGB(0.35, 0.35, 0.35)
        self.text(f"{self.footer} – Trang {self.page}", A4[0] / 2, 8, align="center", y=MARGIN / 2)
        self.c.setFillColorRGB(0, 0, 0)

    def finish(self) -> bytes:
        self._footer()
        self.c.showPage()
        self.c.save()
        return self.buf.getvalue()


def render(
    spec: Spec, signings: Sequence[Signing], school: Any, type_name: str, owner_line: str
) -> tuple[bytes, tuple[float, float, float, float] | None]:
    """The unsigned PDF, and the rectangle reserved for a visible signature (page 1) if any."""
    pg = _Page(f"{school.name} – {type_name} – năm học {spec.year} – HỒ SƠ MẪU (hư cấu)")
    c = pg.c
    c.setTitle(spec.title)
    c.setAuthor(school.name)
    c.setSubject(f"{type_name} – năm học {spec.year}")
    c.setCreator("hoso scripts/make_demo.py")
    left, right = MARGIN + 95, A4[0] - MARGIN - 125
    top = pg.y
    pg.text(school.authority.upper(), left, 8.5, align="center")
    pg.text(school.name.upper(), left, 9.5, bold=True, align="center", y=top - 13)
    pg.text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", right, 9.5, bold=True, align="center")
    pg.text("Độc lập – Tự do – Hạnh phúc", right, 10, bold=True, align="center", y=top - 13)
    c.setLineWidth(0.6)
    c.line(left - 30, top - 18, left + 30, top - 18)
    c.line(right - 70, top - 18, right + 70, top - 18)
    pg.y = top - 42
    place = (school.commune or "").replace("Xã ", "").replace("Phường ", "") or "…"
    pg.line(f"{place}, {_vn_date(spec.made)}", 10, align="right")
    pg.y -= 10
    c.setFillColorRGB(*BLUE)
    c.setStrokeColorRGB(*BLUE)
    from reportlab.lib.utils import simpleSplit

    for ln in simpleSplit(spec.title, pg.font, 14, A4[0] - 2 * MARGIN):
        pg.line(ln, 14, bold=True, align="center")
    c.setFillColorRGB(0, 0, 0)
    c.setStrokeColorRGB(0, 0, 0)
    pg.line(f"Năm học {spec.year.replace('-', ' – ')}", 11, align="center")
    pg.line(owner_line, 10.5, align="center")
    pg.y -= 8
    for para in spec.paragraphs:
        pg.paragraph(para)
    pg.paragraph(spec.phrase if spec.phrase.endswith(".") else spec.phrase + ".")
    if spec.table:
        pg.y -= 4
        widths = [40.0] + [(A4[0] - 2 * MARGIN - 40) / (len(spec.table[0]) - 1)] * (len(spec.table[0]) - 1)
        for row in spec.table:
            pg.space(14)
            x = MARGIN
            for cell, w in zip(row, widths, strict=True):
                pg.text(cell, x, 9.5)
                x += w
            pg.y -= 13.5
        pg.y -= 6

    # signature block: one column per signature, or a reserved box for a visible one
    cols = len(signings)
    pg.space(110)
    pg.y -= 10
    col_w = (A4[0] - 2 * MARGIN) / cols
    base = pg.y
    box: tuple[float, float, float, float] | None = None
    for i, s in enumerate(signings):
        cx = MARGIN + col_w * (i + 0.5)
        pg.text(s.title.upper(), cx, 9.5, bold=True, align="center", y=base)
        pg.text(f"(Đã ký số ngày {s.when:%d/%m/%Y})", cx, 8.5, align="center", y=base - 14)
        pg.text(s.name, cx, 10, bold=True, align="center", y=base - 74)
        if spec.visible and i == 0 and pg.page == 1:
            box = (cx - 95, base - 66, cx + 95, base - 22)
    pg.y = base - 90
    return pg.finish(), box


# ==== main ================================================================================


@dataclass
class Stats:
    written: int = 0
    unchanged: int = 0
    deleted: int = 0
    signatures: int = 0
    paths: list[str] = field(default_factory=list)


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def _owner_line(spec: Spec, people: People, group_names: dict[str, str], school_name: str) -> str:
    if spec.owner_level == "to":
        return f"Đơn vị: {group_names[spec.owner_id or '']} – {school_name}"
    if spec.owner_level == "giao-vien":
        person = people.person(spec.owner_id or "")
        assert person is not None
        group = group_of(person, spec.made)
        return f"Giáo viên: {person.name} – {group_names[group]}"
    return f"Đơn vị: {school_name}"


def generate(root: Path, out: Path, new_pki: bool) -> Stats:
    try:
        config = load_config(root)
    except ConfigError as exc:
        for issue in exc.issues:
            print(issue.render(), file=sys.stderr)
        raise SystemExit(1) from exc
    school = config.catalog.school
    demo = ensure_pki(root / PKI_DIR_NAME, config.people, school.name, school.code, new_pki)
    write_trust(root, demo)
    if sync_fingerprints(root / "people.yml", demo):
        print("make_demo: updated certificate fingerprints in people.yml", file=sys.stderr)
        config = load_config(root)
    people = config.people
    group_names = {g.id: g.name for g in people.groups}
    type_ids = {rt.id for rt in config.catalog.record_types}
    signers = {key: load_signer(path, PASSPHRASE) for key, path in demo.p12.items()}
    tsa = ensure_tsa(root / PKI_DIR_NAME)

    stats = Stats()
    produced: set[str] = set()
    phrases: dict[str, str] = {}  # distinctive phrase -> record path: each must be unique
    for year in YEARS:
        for spec in build_specs(year, people, group_names, type_ids):
            rt = config.catalog.type_by_id(spec.type_id)
            if rt is None:
                print(f"make_demo: catalog has no type {spec.type_id}; skipped", file=sys.stderr)
                continue
            rel = spec.path
            if rel in produced:
                raise SystemExit(f"make_demo: two demo records at {rel}")
            if spec.phrase in phrases:
                raise SystemExit(f"make_demo: {rel} repeats the phrase of {phrases[spec.phrase]}")
            produced.add(rel)
            phrases[spec.phrase] = rel
            signings = resolve_signers(spec, rt, people)
            owner = _owner_line(spec, people, group_names, school.name)
            data, box = render(spec, signings, school, rt.name, owner)
            counts: dict[str, int] = {}
            for n, s in enumerate(signings, start=1):
                counts[s.key] = counts.get(s.key, 0) + 1
                appearance = None
                if box is not None and n == 1:
                    appearance = Appearance(
                        [s.reason, s.name, f"Ngày ký: {s.when:%d/%m/%Y %H:%M} (UTC+7)"], box=box, page=0
                    )
                data = sign_pdf(
                    data,
                    signers[s.key],
                    field_name=f"Sig{n}-{s.key}",
                    signing_time=s.when,
                    reason=s.reason,
                    location=(school.commune or school.province),
                    appearance=appearance,
                    timestamper=demo_timestamper(tsa, s.when),
                )
                stats.signatures += 1
            if _write_if_changed(out / rel, data):
                stats.written += 1
            else:
                stats.unchanged += 1
            stats.paths.append(rel)

    records = out / RECORDS_DIR
    for path in sorted(records.rglob("*"), reverse=True):
        rel = path.relative_to(out).as_posix()
        if path.is_file() and rel not in produced:
            path.unlink()
            stats.deleted += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return stats


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--out", type=Path, default=ROOT, help="write records/ under this folder (default: repo root)"
    )
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--new-pki", action="store_true", help="replace the demo keys and certificates")
    args = parser.parse_args(argv)
    started = time.monotonic()
    stats = generate(args.root.resolve(), args.out.resolve(), args.new_pki)
    print(
        f"make_demo: {len(stats.paths)} records ({stats.written} written, {stats.unchanged} unchanged, "
        f"{stats.deleted} deleted), {stats.signatures} signatures, {time.monotonic() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
