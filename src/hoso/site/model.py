"""Data → site model: everything the inspector site shows, read from one commit.

This module knows nothing of Markdown, MkDocs or search engines: `pages` turns the model into
Markdown, `index_json` into the portal index, `search` into a search index. Keeping the data
apart from the engine that renders it is what lets the site move to another generator.

Statuses come from the cached signature verdicts (`rules.signatures.verdict_for`), exactly as
`hoso check` judges them; history from `hoso.trail`; retention from `hoso.retention`; PDF text
is extracted once per blob id and cached.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

from hoso import timeliness, titles
from hoso.config import Config, load_config
from hoso.config.models import Group, Person, RecordType
from hoso.config.vocab import RETENTION_PERMANENT, SIGNER_GROUP_HEAD, SIGNER_OWNER, SIGNER_SEAL, role_name
from hoso.deadlines import required_owners
from hoso.errors import NotFoundError
from hoso.evidence import EvidenceCache
from hoso.git.history import has_commits
from hoso.git.objects import BlobReader, CommitSnapshot, Entry, tree_entries
from hoso.git.process import run_git
from hoso.messages import t
from hoso.pdf.text import extract_text
from hoso.records import RECORDS_DIR, PathProblem, RecordPath, parse_path
from hoso.retention import is_event, keep_until
from hoso.rules.base import Context, Subject
from hoso.rules.signatures import history_arrival, prefetch, signer_label, verdict_for
from hoso.server import pushlog
from hoso.site.history import HistoryItem, attach_history
from hoso.status import CHO_DUYET, DA_DUYET, GROUP_HEAD_STAND_INS, KHONG_HOP_LE, compute
from hoso.timeliness import Row, Timeliness

INSPECTOR = "inspector"
PUBLIC = "public"
AUDIENCES = (INSPECTOR, PUBLIC)
STATUSES = (DA_DUYET, CHO_DUYET, KHONG_HOP_LE)
TEXT_CONTEXT = "pypdf-text-v1"


@dataclass
class Signature:
    kind: str  # signature | doc-timestamp
    signer: str  # certificate common name
    person: str | None  # person id, "seal", or None when not in people.yml
    person_name: str | None
    roles: list[str]  # display names of the roles held at signing time
    time: str | None  # ISO 8601
    time_source: str  # "timestamp" (RFC 3161 token) or "claimed" (the signer's clock)
    intact: bool
    coverage: str
    revision: int | None  # 0-based revision of the file the signature covers
    chain: list[str]  # common names, signer first
    chain_trusted: bool
    valid_at_signing: bool | None
    digest_algorithm: str | None
    signature_algorithm: str | None
    key: str | None
    status: str  # valid | invalid | untrusted
    reasons: list[str]
    fingerprint: str | None
    # the slot this signature fills for the record (chu-so-huu, a role, con-dau…), None if extra
    capacity: str | None = None
    capacity_label: str = ""  # that slot for a reader: "Người lập", "Tổ trưởng tổ Toán – Tin"…


@dataclass
class Record:
    path: str
    oid: str
    size: int
    loc: RecordPath
    rt: RecordType
    owner_name: str
    title: str
    status: str
    missing: list[str]  # display names of the signers still missing
    file_status: str  # the verifier's verdict: valid, unsigned, invalid, …
    signatures: list[Signature]
    history: list[HistoryItem] = field(default_factory=list)
    keep_until: date | None = None
    retention: str = "nam"  # nam (years) | vinh-vien | su-kien
    pages: int | None = None
    text: str = ""
    timeliness: Row | None = None  # deadline, first submission, approval (hoso.timeliness)

    @property
    def confidential(self) -> bool:
        return self.rt.confidential

    @property
    def anchor(self) -> str:
        return f"{self.loc.type_id}--{self.loc.slug}"

    @property
    def page(self) -> str:
        """The Markdown page (under the docs folder) that holds this record's full entry."""
        return owner_page(self.loc.year, self.loc.owner_level, self.loc.owner_id)

    @property
    def file(self) -> str:
        """Where the PDF is published, relative to the site root."""
        return "tep/" + self.path

    @property
    def signed_on(self) -> str | None:
        times = [s.time for s in self.signatures if s.time and s.kind == "signature"]
        return max(times) if times else None


@dataclass
class Missing:
    """A record the catalog requires that the repository does not hold."""

    year: str
    rt: RecordType
    owner_level: str
    owner_id: str | None
    owner_name: str


@dataclass
class Site:
    root: Path
    audience: str
    commit: str
    commit_date: str  # ISO 8601, the commit's committer date: the site's "as of"
    config: Config
    records: list[Record]  # the records shown (no confidential ones in the public build)
    hidden: dict[tuple[str, str], int]  # (year, type id) -> confidential records left out
    missing: list[Missing]
    invalid_paths: list[str]  # files under records/ that are not records (misplaced)
    years: list[str]
    timeliness: Timeliness | None = None  # deadlines against history, as of a given day

    @property
    def school_name(self) -> str:
        return self.config.catalog.school.name

    def types(self) -> list[RecordType]:
        return list(self.config.catalog.record_types)

    def groups(self) -> list[Group]:
        return list(self.config.people.groups)

    def people(self) -> list[Person]:
        return list(self.config.people.people)

    @cached_property
    def index(self) -> RecordIndex:
        return RecordIndex(self.records)

    def by_status(self, records: Iterable[Record] | None = None) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for r in self.records if records is None else records:
            counts[r.status] = counts.get(r.status, 0) + 1
        return counts


class RecordIndex:
    """The records grouped once, so that no page of the site rescans all of them."""

    def __init__(self, records: list[Record]) -> None:
        self.by_owner: dict[tuple[str, str, str | None], list[Record]] = defaultdict(list)
        self.by_year: dict[str, list[Record]] = defaultdict(list)
        self.by_type_year: dict[tuple[str, str], list[Record]] = defaultdict(list)
        self.signed: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for r in records:
            self.by_owner[(r.loc.year, r.loc.owner_level, r.loc.owner_id)].append(r)
            self.by_year[r.loc.year].append(r)
            self.by_type_year[(r.rt.id, r.loc.year)].append(r)
            own = r.loc.owner_id if r.loc.owner_level == "giao-vien" else None
            for person in {s.person for s in r.signatures if s.person and s.person != own}:
                self.signed[person][r.loc.year] += 1

    def owned(self, year: str, level: str, owner_id: str | None) -> list[Record]:
        return self.by_owner.get((year, level, owner_id), [])


def owner_page(year: str, level: str, owner_id: str | None) -> str:
    if level == "truong":
        return f"ho-so/{year}/truong.md"
    prefix = "to" if level == "to" else "gv"
    return f"ho-so/{year}/{prefix}-{owner_id}.md"


def fold(text: str) -> str:
    """Vietnamese without diacritics, lower case: "Nguyễn Văn Đạt" -> "nguyen van dat"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def owner_name(config: Config, level: str, owner_id: str | None) -> str:
    from hoso.messages import t

    if level == "truong" or owner_id is None:
        return t("site.owner-school")
    if level == "to":
        group = config.people.group(owner_id)
        return group.name if group else owner_id
    person = config.people.person(owner_id)
    return person.name if person else owner_id


def collect(
    root: Path,
    audience: str = INSPECTOR,
    rev: str = "HEAD",
    *,
    today: date | None = None,
    log_keys: Sequence[str] | None = None,
) -> Site:
    """The site model of commit `rev` of the repository at `root`; `today` (default: the date in
    Việt Nam now) decides what is missing or not yet due, and nothing else; `log_keys`: the
    server's public keys its push log must be signed with to date submissions (None: those `rev`
    registers under trust/may-chu/, and the server's own on the server)."""
    if not has_commits(root):
        raise NotFoundError("site.no-commit", path=str(root))
    commit, commit_date = (
        run_git(root, ["log", "-1", "--format=%H%n%cI", rev]).decode().strip().splitlines()[:2]
    )
    config = load_config(root, CommitSnapshot(root, commit))
    entries = [e for e in tree_entries(root, commit, RECORDS_DIR) if not e.is_gitlink]
    source = BlobReader(root)
    cache = EvidenceCache(root)
    try:
        records, invalid = _records(entries, config, source, cache, history_arrival(root, commit))
        _texts(records, source, cache, titles.from_history(root, commit))
    finally:
        source.close()
        cache.close()
    # one set of keys for who pushed (the history) and when (timeliness): those of `commit`
    keys = pushlog.trusted_keys(root, commit) if log_keys is None else list(log_keys)
    attach_history(root, records, config, withhold=audience == PUBLIC, log_keys=keys)
    timely = timeliness.compute(
        root,
        commit,
        config,
        today=today or timeliness.today_in_vietnam(),
        titles={r.path: r.title for r in records},
        statuses={r.path: r.status for r in records},
        log_keys=keys,
    )
    for r in records:
        r.timeliness = timely.by_path.get(r.path)
    hidden: dict[tuple[str, str], int] = {}
    if audience == PUBLIC:
        for r in records:
            if r.confidential:
                key = (r.loc.year, r.loc.type_id)
                hidden[key] = hidden.get(key, 0) + 1
        records = [r for r in records if not r.confidential]
        shown = {r.path for r in records}
        timely.rows = [row for row in timely.rows if row.path in shown]  # counts never reveal more
        timely.withhold({rt.id for rt in config.catalog.record_types if rt.confidential})
    years = sorted({r.loc.year for r in records} | {y for y, _ in hidden}, reverse=True)
    return Site(
        root=root,
        audience=audience,
        commit=commit,
        commit_date=commit_date,
        config=config,
        records=records,
        hidden=hidden,
        missing=_missing(config, records, hidden, years),
        invalid_paths=invalid,
        years=years,
        timeliness=timely,
    )


def _records(
    entries: list[Entry],
    config: Config,
    source: BlobReader,
    cache: EvidenceCache,
    arrival: Callable[[Entry], Callable[[], datetime | None]] | None = None,
) -> tuple[list[Record], list[str]]:
    ctx = Context(config=config, source=source, cache=cache, arrival=arrival)
    records: list[Record] = []
    invalid: list[str] = []
    judged: list[tuple[Entry, RecordPath, RecordType]] = []
    for entry in entries:
        try:
            loc = parse_path(entry.path)
        except PathProblem:
            invalid.append(entry.path)
            continue
        rt = config.catalog.type_by_id(loc.type_id)
        if rt is None or not entry.path.endswith(".pdf"):
            invalid.append(entry.path)
            continue
        judged.append((entry, loc, rt))
    # the first build: every signature verified on every core, into the cache, before the loop
    prefetch([Subject(entry, loc, rt) for entry, loc, rt in judged], ctx)
    for entry, loc, rt in judged:
        verdict = verdict_for(Subject(entry, loc, rt), ctx)
        status = compute(verdict, rt, loc, config)
        sigs = list(verdict.get("signatures", []))
        until = keep_until(loc, rt)
        retention = "vinh-vien" if rt.retention.keep == RETENTION_PERMANENT or until is None else "nam"
        if is_event(rt):
            retention = "su-kien"
        records.append(
            Record(
                path=entry.path,
                oid=entry.oid,
                size=entry.size,
                loc=loc,
                rt=rt,
                owner_name=owner_name(config, loc.owner_level, loc.owner_id),
                title=loc.slug,
                status=status.status,
                missing=[signer_label(s) for s in status.missing],
                file_status=str(verdict.get("status", "invalid")),
                signatures=[
                    _signature(s, config, capacity, loc)
                    for s, capacity in zip(sigs, _padded(status.capacities, sigs), strict=True)
                ],
                keep_until=until,
                retention=retention,
            )
        )
    records.sort(key=lambda r: (r.loc.year, r.loc.owner_level, r.loc.owner_id or "", r.rt.id, r.loc.slug))
    return records, sorted(invalid)


def _padded(capacities: list[str | None], sigs: list[Any]) -> list[str | None]:
    count = len(sigs)
    return (list(capacities) + [None] * count)[:count]


def capacity_label(token: str | None, s: dict[str, Any], loc: RecordPath, config: Config) -> str:
    """The capacity in which a signature counts, as a reader says it."""
    if token is None:
        return ""
    if token == SIGNER_SEAL:
        return t("site.capacity.seal")
    if token == SIGNER_OWNER:
        return t("site.capacity.owner")
    held = {str(r.get("role")): r.get("group") for r in s.get("roles") or []}
    if token == SIGNER_GROUP_HEAD:
        group_id = held.get("to-truong")
        if group_id:
            return t("site.capacity.group-head", group=_group_name(config, str(group_id)))
        stand_in = next((role for role in GROUP_HEAD_STAND_INS if role in held), None)
        return t("site.capacity.stand-in", role=role_name(stand_in or ""))
    return role_name(token)


def _group_name(config: Config, group_id: str) -> str:
    group = config.people.group(group_id)
    return str(group.name) if group else group_id


def _signature(
    s: dict[str, Any], config: Config, capacity: str | None = None, loc: RecordPath | None = None
) -> Signature:
    roles = []
    for held in s.get("roles") or []:
        name = role_name(str(held.get("role")))
        extra = _group_name(config, str(held["group"])) if held.get("group") else held.get("class")
        roles.append(f"{name} ({extra})" if extra else name)
    has_tst = bool(s.get("timestamp_time"))
    return Signature(
        kind=str(s.get("kind", "signature")),
        signer=str(s.get("signer") or s.get("subject") or "?"),
        person=s.get("person"),
        person_name=s.get("person_name"),
        roles=roles,
        time=s.get("timestamp_time") or s.get("claimed_time") or s.get("signing_time"),
        time_source="timestamp" if has_tst else "claimed",
        intact=bool(s.get("intact")) and bool(s.get("integrity", True)),
        coverage=str(s.get("coverage", "unknown")),
        revision=s.get("revision"),
        chain=[str(c.get("subject", "?")) for c in s.get("chain") or []],
        chain_trusted=bool(s.get("chain_trusted")),
        valid_at_signing=s.get("valid_at_signing"),
        digest_algorithm=s.get("digest_algorithm"),
        signature_algorithm=s.get("signature_algorithm"),
        key=s.get("key"),
        status=str(s.get("status", "invalid")),
        reasons=[str(r) for r in s.get("reasons") or []],
        fingerprint=s.get("fingerprint"),
        capacity=capacity,
        capacity_label=capacity_label(capacity, s, loc, config) if loc is not None else "",
    )


# ---- text inside the PDFs, once per blob ----------------------------------------------------


def _texts(records: list[Record], source: BlobReader, cache: EvidenceCache, given: dict[str, str]) -> None:
    for record in records:
        found = cache.get("text", record.oid, TEXT_CONTEXT)
        if found is None:
            found = extract_text(source.read(Entry(record.path, "100644", record.oid, record.size)))
            cache.put("text", record.oid, TEXT_CONTEXT, found)
        record.text = str(found.get("text") or "")
        record.pages = found.get("pages")
        record.title = titles.choose(
            found.get("title"), given.get(record.path), record.rt.name, record.loc.slug
        )


# ---- what the catalog requires and the repository lacks -------------------------------------


def _missing(
    config: Config, records: list[Record], hidden: dict[tuple[str, str], int], years: list[str]
) -> list[Missing]:
    """Per year and record type of this school's level: an owner with no record of that type.

    School records: one per year. Tổ records: every subject group (tổ chuyên môn) that existed
    that year. Teacher records: every person who held a teaching role during that year.
    """
    have = {(r.loc.year, r.rt.id, r.loc.owner_level, r.loc.owner_id) for r in records}
    have_any = {(year, type_id) for (year, type_id) in hidden}
    level = config.catalog.school.level
    found: list[Missing] = []
    for year in years:
        for rt in config.catalog.record_types:
            if rt.levels is not None and level not in rt.levels:
                continue
            if (year, rt.id) in have_any:
                continue  # confidential records exist: counted, not listed per owner
            for owner_id, name in required_owners(config, rt, year):
                if (year, rt.id, rt.owner, owner_id) not in have:
                    found.append(Missing(year, rt, rt.owner, owner_id, name))
    return found


VN_TIME = timezone(timedelta(hours=7), "UTC+7")  # Việt Nam has one time zone and no summer time


def describe_time(value: str | None) -> str:
    """dd/mm/yyyy hh:mm (UTC+7) of an ISO 8601 time, as Vietnamese documents write it."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.utcoffset() is None:
        return moment.strftime("%d/%m/%Y")
    return moment.astimezone(VN_TIME).strftime("%d/%m/%Y %H:%M")
