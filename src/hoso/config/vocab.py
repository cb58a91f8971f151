"""Fixed vocabularies shared by the schemas, the rules and the messages."""

from __future__ import annotations

import re
from typing import Literal

# \Z, not $: "$" also matches before a trailing newline; [0-9], not \d: no non-ASCII digits.
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
YEAR_RE = re.compile(r"^([0-9]{4})-([0-9]{4})\Z")

Level = Literal["mam-non", "tieu-hoc", "thcs", "thpt", "nhieu-cap"]
LEVELS: tuple[str, ...] = ("mam-non", "tieu-hoc", "thcs", "thpt", "nhieu-cap")

OwnerLevel = Literal["truong", "to", "giao-vien"]
OWNER_LEVELS: tuple[str, ...] = ("truong", "to", "giao-vien")
# Folder under records/<year>/ for each owner level.
OWNER_DIRS: dict[str, str] = {"truong": "truong", "to": "to", "giao-vien": "gv"}

Period = Literal["nam-hoc", "hoc-ky", "thang", "tuan"]
PERIODS: tuple[str, ...] = ("nam-hoc", "hoc-ky", "thang", "tuan")

# A record type's deadline (catalog.yml `deadline.kind`): days or weeks after the opening, the end
# of each học kỳ (one record per học kỳ), the end of the year, before its teaching week starts.
DeadlineKind = Literal["sau-khai-giang", "cuoi-hoc-ky", "cuoi-nam", "truoc-tuan"]
DEADLINE_KINDS: tuple[str, ...] = ("sau-khai-giang", "cuoi-hoc-ky", "cuoi-nam", "truoc-tuan")

# Roles a person can hold (people.yml). Display names live here because they are domain
# vocabulary, not interface text; both languages are given.
ROLE_NAMES: dict[str, tuple[str, str]] = {
    "hieu-truong": ("Hiệu trưởng", "Principal"),
    "pho-hieu-truong": ("Phó hiệu trưởng", "Vice-principal"),
    "to-truong": ("Tổ trưởng", "Head of group"),
    "to-pho": ("Tổ phó", "Deputy head of group"),
    "giao-vien": ("Giáo viên", "Teacher"),
    "gvcn": ("Giáo viên chủ nhiệm", "Homeroom teacher"),
    "tong-phu-trach-doi": ("Tổng phụ trách Đội", "Youth Union leader"),
    "van-thu": ("Văn thư", "Clerk"),
    "ke-toan": ("Kế toán", "Accountant"),
    "thu-quy": ("Thủ quỹ", "Cashier"),
    "y-te": ("Nhân viên y tế", "School nurse"),
    "thu-vien": ("Nhân viên thư viện", "Librarian"),
    "thiet-bi": ("Nhân viên thiết bị", "Equipment officer"),
    "quan-tri": ("Quản trị hệ thống", "IT administrator"),
    "hoi-dong-truong": ("Thành viên Hội đồng trường", "School council member"),
    "nhan-vien": ("Nhân viên", "Staff"),
    # an officer of the supervising Phòng Văn hóa – Xã hội / Sở GDĐT: may sign the decisions
    # that change the school's configuration (a new hiệu trưởng) when the principal cannot
    "co-quan-quan-ly": ("Cán bộ cơ quan quản lý (Phòng/Sở)", "Supervising authority officer"),
}
ROLES: tuple[str, ...] = tuple(ROLE_NAMES)
# Roles that belong to a tổ and so need `group:`.
GROUP_ROLES: frozenset[str] = frozenset({"to-truong", "to-pho"})

# Signer tokens in a record type's `signers:` list, besides any role id above.
SIGNER_OWNER = "chu-so-huu"  # the record's owner: the teacher, or the tổ trưởng for a tổ record
SIGNER_GROUP_HEAD = "to-truong-cua-chu-so-huu"  # the tổ trưởng of the owner's tổ
SIGNER_SEAL = "con-dau"  # the school's organisation certificate (seal)
SIGNER_TOKENS: dict[str, tuple[str, str]] = {
    SIGNER_OWNER: ("Người lập (chủ sở hữu hồ sơ)", "Owner of the record"),
    SIGNER_GROUP_HEAD: ("Tổ trưởng của người lập", "Head of the owner's group"),
    SIGNER_SEAL: ("Con dấu (chứng thư số của nhà trường)", "School seal certificate"),
}

RETENTION_PERMANENT = "vinh-vien"
RETENTION_EVENTS: dict[str, tuple[str, str]] = {
    "tra-hoc-sinh": ("Trả cho học sinh khi ra trường / chuyển trường", "Returned to the student"),
}


def role_name(role: str) -> str:
    """A role's display name in the current language (the id itself for an unknown role)."""
    from hoso.messages import lang

    names = ROLE_NAMES.get(role)
    if names is None:
        return role
    return names[1] if lang() == "en" else names[0]
