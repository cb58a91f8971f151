"""The only module that knows the path layout of records.

records/<năm-học>/truong/<type>/<slug>.pdf
records/<năm-học>/to/<group-id>/<type>/<slug>.pdf
records/<năm-học>/gv/<person-id>/<type>/<slug>.pdf
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from slugify import slugify

from hoso.config.vocab import OWNER_DIRS, SLUG_RE, YEAR_RE

RECORDS_DIR = "records"
PDF_SUFFIX = ".pdf"
MAX_SLUG_LEN = 80
_DIR_OWNERS = {v: k for k, v in OWNER_DIRS.items()}


@dataclass(frozen=True)
class RecordPath:
    year: str
    owner_level: str  # truong | to | giao-vien
    owner_id: str | None  # group id (to) or person id (giao-vien); None for truong
    type_id: str
    slug: str

    @property
    def path(self) -> str:
        return build_path(self.year, self.owner_level, self.owner_id, self.type_id, self.slug)

    @property
    def start_year(self) -> int:
        return int(self.year[:4])


class PathProblem(Exception):
    """A path that does not follow the layout; `rule` is the placement rule id."""

    def __init__(self, rule: str, **params: str) -> None:
        super().__init__(rule)
        self.rule = rule
        self.params = params


def is_record_area(path: str) -> bool:
    return path == RECORDS_DIR or path.startswith(RECORDS_DIR + "/")


def valid_year(year: str) -> bool:
    m = YEAR_RE.match(year)
    return m is not None and int(m.group(2)) == int(m.group(1)) + 1 and 1990 <= int(m.group(1)) <= 2200


def year_span(year: str) -> tuple[date, date]:
    """The administrative span of a school year: 1 August to 31 July (the year opens 05/9)."""
    start = int(year[:4])
    return date(start, 8, 1), date(start + 1, 7, 31)


def school_year_of(day: date) -> str:
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{start + 1}"


def parse_path(path: str) -> RecordPath:
    """Parse a repository-relative POSIX path; raise PathProblem naming the placement rule."""
    parts = path.split("/")
    if parts[0] != RECORDS_DIR:
        raise PathProblem("placement.outside-records")
    if len(parts) < 2 or not valid_year(parts[1]):
        raise PathProblem("placement.year", value=parts[1] if len(parts) > 1 else "")
    year = parts[1]
    if len(parts) < 3 or parts[2] not in _DIR_OWNERS:
        raise PathProblem("placement.layout", value=parts[2] if len(parts) > 2 else "")
    owner_level = _DIR_OWNERS[parts[2]]
    expected = 5 if owner_level == "truong" else 6
    if len(parts) != expected:
        raise PathProblem("placement.layout", value="/".join(parts[2:]))
    owner_id = None if owner_level == "truong" else parts[3]
    type_id, filename = parts[-2], parts[-1]
    if owner_id is not None and not SLUG_RE.match(owner_id):
        raise PathProblem("placement.slug", value=owner_id)
    if not SLUG_RE.match(type_id):
        raise PathProblem("placement.slug", value=type_id)
    if not filename.endswith(PDF_SUFFIX):
        raise PathProblem("placement.extension", value=filename)
    slug = filename[: -len(PDF_SUFFIX)]
    if not SLUG_RE.match(slug) or len(slug) > MAX_SLUG_LEN:
        raise PathProblem("placement.slug", value=filename)
    return RecordPath(year, owner_level, owner_id, type_id, slug)


def build_path(year: str, owner_level: str, owner_id: str | None, type_id: str, slug: str) -> str:
    owner = [OWNER_DIRS[owner_level]] + ([owner_id] if owner_id else [])
    return "/".join([RECORDS_DIR, year, *owner, type_id, slug + PDF_SUFFIX])


def make_slug(title: str) -> str:
    """ASCII slug of a Vietnamese title: 'Kế hoạch dạy học Toán 6' -> 'ke-hoach-day-hoc-toan-6'."""
    # đ/Đ first: some transliterators render it as "dj"
    text = title.replace("đ", "d").replace("Đ", "D")
    return str(slugify(text, max_length=MAX_SLUG_LEN, word_boundary=True, save_order=True))
