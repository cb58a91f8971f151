"""A school's index.json, read and checked before anything of it reaches the portal.

index.json is the contract between a school's site and the portal (docs/site.md, `index.json`):
schema version 1, and version 2, which adds per record `timeliness` and the top-level `missing`
list (and, later within version 2, the optional `locks` list of locks.yml). A later major version
is refused with a message saying to update hoso; fields a version adds without changing meaning
are ignored.

An index.json may come from a server nobody here controls, so nothing in it is trusted: every
string is bounded, every link must be a relative path inside the school's site (no scheme, no
"..", no backslash), statuses and years must have their known shapes. A school whose index.json
breaks these is reported as such and none of its data is shown. A record declared larger than any
catalog may allow (MAX_RECORD_BYTES) is not one hoso accepted: its school does not verify (checked
by verify.py at every build, since an unchanged index.json is not read again) and no download of
the portal is allowed more than that.

The whole file is parsed at once (the standard library has no streaming JSON parser) but one
school at a time: at 10,000 records an index.json is about 30 MB and its objects a few hundred,
and they are dropped once the school's rows are in SQLite (store.py). What one index.json may
cost is bounded before anything is built from it: the JSON values it holds and its records
(MAX_VALUES, MAX_RECORDS: counted in its bytes before parsing, then its records again once
parsed) and its other lists (MAX_ITEMS), with a message saying which list is too long. Parsing
MAX_RECORDS minimal records takes a few seconds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from hoso.errors import HosoError

SUPPORTED_VERSIONS = (1, 2)
MAX_INDEX_BYTES = 512 * 1024 * 1024
MAX_TEXT = 500  # characters of a title or a name kept
# The largest PDF a catalog may allow (max_size_mb <= 500, hoso.config.models): the cap of every
# PDF the portal downloads, whatever an index.json declares.
MAX_RECORD_BYTES = 500 * 1024 * 1024
# Records of one school. A large school files about 5,000 a year (a lesson plan a week for each of
# 120 teachers, and the rest): 200,000 is 40 years of that in one repository, more than any
# retention keeps. A server listing more is not showing a hoso site, and would cost the build
# minutes and its pages millions of rows (it may send 512 MiB: 2.5 million minimal records).
MAX_RECORDS = 200_000
# Record types, years, confidential counts, locks (and the types of one lock): a catalog holds
# about 40 types, a repository a few dozen years.
MAX_ITEMS = 10_000
# JSON values of the whole file (objects, lists, strings, numbers), at most one more than its
# commas, "{" and "[" (those inside strings counted too: an upper bound, never less): a record of
# a real site holds about 50 (its owner, signers, events, dates…). Checked before parsing, since
# 512 MiB of `{},` would otherwise become 170 million Python objects before any list is counted.
MAX_VALUES = 200 * MAX_RECORDS
_LISTS = {"records": MAX_RECORDS, "missing": MAX_RECORDS, "record_types": MAX_ITEMS, "counts": MAX_ITEMS}
_LISTS |= {"confidential_counts": MAX_ITEMS, "locks": MAX_ITEMS}
STATUSES = ("da-duyet", "cho-duyet", "khong-hop-le")
TIMELINESS = ("dung-han", "tre-han", "chua-den-han", "khong-co-han")
_YEAR = re.compile(r"^[0-9]{4}-[0-9]{4}\Z")
_OID = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?\Z")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_LINK = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=:@%/#-]+\Z")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadIndex(HosoError):
    """index.json cannot be used: the key says why (portal.index-*)."""


@dataclass(frozen=True)
class Record:
    path: str
    blob: str
    size: int
    year: str
    type: str
    owner_level: str
    owner_id: str
    owner_name: str
    title: str
    status: str
    url: str
    download: str | None
    timeliness: str | None  # dung-han | tre-han | chua-den-han | khong-co-han (schema 2)
    days_late: int | None
    deadline: str | None
    locked: bool  # its history holds a khóa sổ (read only when index.json has no `locks`)


@dataclass(frozen=True)
class Missing:
    year: str
    type: str
    owner_level: str
    owner_id: str
    owner_name: str
    hoc_ky: str | None
    deadline: str | None
    days_overdue: int | None


@dataclass
class Index:
    schema_version: int
    audience: str
    commit: str
    commit_date: str
    school: dict[str, str]
    types: dict[str, tuple[str, bool]]  # id -> (name, confidential)
    hidden: dict[tuple[str, str], int]  # (year, type) -> confidential records left out
    years: list[str]
    records: list[Record] = field(default_factory=list)
    missing: list[Missing] | None = None  # None: the index says nothing about missing records
    # year -> record types locked (empty: every type); None: an index.json without `locks`
    # (written before it existed), whose locked years are those of its khóa sổ events
    locks: dict[str, set[str]] | None = None

    def locked(self, year: str) -> bool:
        if self.locks is not None:
            return year in self.locks
        return any(r.locked for r in self.records if r.year == year)

    @property
    def has_timeliness(self) -> bool:
        return self.schema_version >= 2


def parse(raw: bytes) -> Index:
    if len(raw) > MAX_INDEX_BYTES:
        raise BadIndex("portal.index-too-large", limit=MAX_INDEX_BYTES // (1024 * 1024))
    if raw.count(b",") + raw.count(b"{") + raw.count(b"[") >= MAX_VALUES:  # a fraction of a second
        raise BadIndex("portal.index-too-many-values", limit=MAX_VALUES, records=MAX_RECORDS)
    # Each record has one "blob" key, written plainly by hoso: too many of them refuse the file
    # before the seconds json.loads takes. Not a proof either way (a key may be written with
    # escapes, a string may end in "blob"), so the records are counted again once parsed.
    listed = raw.count(b'"blob":')
    if listed > MAX_RECORDS:
        raise BadIndex("portal.index-too-many", what="records", count=listed, limit=MAX_RECORDS)
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise BadIndex("portal.index-not-json", error=str(exc)[:200]) from exc
    if not isinstance(data, dict) or data.get("generator") != "hoso":
        raise BadIndex("portal.index-not-hoso")
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise BadIndex("portal.index-not-hoso")
    if version not in SUPPORTED_VERSIONS:
        raise BadIndex(
            "portal.index-version", version=version, supported=", ".join(map(str, SUPPORTED_VERSIONS))
        )
    for key, limit in _LISTS.items():  # before a single record is built
        _bounded(data.get(key), limit, key)
    try:
        return _read(data, version)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadIndex("portal.index-invalid", detail=str(exc)[:200]) from exc


def _bounded(items: Any, limit: int, what: str) -> None:
    if isinstance(items, (list, dict)) and len(items) > limit:
        raise BadIndex("portal.index-too-many", what=what, count=len(items), limit=limit)


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return " ".join(value.split())[:limit]


def _opt_text(value: Any) -> str:
    return "" if value is None else _text(value)


def _match(pattern: re.Pattern[str], value: Any, what: str) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise ValueError(f"{what}: {str(value)[:60]!r}")
    return value


def _link(value: Any, what: str) -> str:
    """A link inside the school's site: relative, no scheme, no "..", nothing to escape HTML."""
    text = _match(_LINK, value, what)
    target = text.split("#", 1)[0]
    if text.startswith("/") or "//" in text or ":" in target or ".." in target.split("/"):
        raise ValueError(f"{what}: {text[:60]!r}")
    return text


def _int(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{what}: {value!r}")
    return value


def _read(data: dict[str, Any], version: int) -> Index:
    audience = data["audience"]
    if audience not in ("inspector", "public"):
        raise ValueError(f"audience: {audience!r}")
    school = data["school"]
    info = {
        k: _opt_text(school.get(k)) for k in ("name", "code", "level", "province", "commune", "authority")
    }
    types: dict[str, tuple[str, bool]] = {}
    for rt in data["record_types"]:
        types[_match(_SLUG, rt["id"], "record_types id")] = (
            _text(rt["name"]),
            rt.get("confidential") is True,
        )
    hidden: dict[tuple[str, str], int] = {}
    for item in data.get("confidential_counts") or []:
        key = (_match(_YEAR, item["year"], "confidential_counts year"), _match(_SLUG, item["type"], "type"))
        hidden[key] = _int(item["count"], "confidential_counts count")
    years = sorted((_match(_YEAR, y, "counts") for y in data.get("counts") or {}), reverse=True)
    index = Index(
        schema_version=version,
        audience=audience,
        commit=_match(_OID, data["commit"], "commit"),
        commit_date=_match(_DATE, data["commit_date"], "commit_date")[:40],
        school=info,
        types=types,
        hidden=hidden,
        years=years,
    )
    index.records = list(_records(data["records"], version))
    if isinstance(data.get("locks"), list):
        index.locks = {}
        for lock in data["locks"]:
            year = _match(_YEAR, lock["year"], "locks year")
            _bounded(lock.get("types"), MAX_ITEMS, "locks types")
            kinds = {_match(_SLUG, tid, "locks types") for tid in lock.get("types") or []}
            prior = index.locks.get(year)
            whole = not kinds or prior == set()  # this lock, or an earlier one, takes every type
            index.locks[year] = set() if whole else (prior or set()) | kinds
    if version >= 2 and isinstance(data.get("missing"), list):
        index.missing = [_missing(m) for m in data["missing"]]
    known = set(years) | {r.year for r in index.records} | {y for y, _ in hidden}
    if index.missing:
        known |= {m.year for m in index.missing}
    index.years = sorted(known, reverse=True)
    return index


def _records(items: Any, version: int) -> Iterator[Record]:
    if not isinstance(items, list):
        raise TypeError("records")
    for r in items:
        owner = r["owner"]
        timely = r.get("timeliness") if version >= 2 else None
        state = days = deadline = None
        if isinstance(timely, dict):
            state = timely.get("state") if timely.get("state") in TIMELINESS else None
            days = timely.get("days_late") if isinstance(timely.get("days_late"), int) else None
            deadline = _opt_text(timely.get("deadline"))[:40] or None
        download = r.get("download")
        status = r["status"]
        if status not in STATUSES:
            raise ValueError(f"status: {status!r}")
        yield Record(
            path=_text(r["path"], 1000),
            blob=_match(_OID, r["blob"], "blob"),
            size=_int(r["size"], "size"),
            year=_match(_YEAR, r["year"], "year"),
            type=_match(_SLUG, r["type"], "type"),
            owner_level=_match(_SLUG, owner["level"], "owner level"),
            owner_id=_opt_text(owner.get("id"))[:100],
            owner_name=_text(owner["name"]),
            title=_text(r["title"]),
            status=status,
            url=_link(r["url"], "url"),
            download=None if download is None else _link(download, "download"),
            timeliness=state,
            days_late=days,
            deadline=deadline,
            locked=any(isinstance(e, dict) and e.get("kind") == "khoa-so" for e in r.get("events") or []),
        )


def _missing(m: dict[str, Any]) -> Missing:
    owner = m.get("owner") or {}
    days = m.get("days_overdue")
    return Missing(
        year=_match(_YEAR, m["year"], "missing year"),
        type=_match(_SLUG, m["type"], "missing type"),
        owner_level=_match(_SLUG, owner.get("level", "truong"), "missing owner level"),
        owner_id=_opt_text(owner.get("id"))[:100],
        owner_name=_opt_text(owner.get("name")),
        hoc_ky=None if m.get("hoc_ky") is None else _text(str(m["hoc_ky"]), 20),
        deadline=_opt_text(m.get("deadline"))[:40] or None,
        days_overdue=days if isinstance(days, int) and not isinstance(days, bool) else None,
    )
