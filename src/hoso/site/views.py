"""Site model → what each page template is given: small dataclasses of text and numbers.

Templates see only these (never the model, the configuration or a path of the machine): every
text is the repository's as it is, escaped by the templates. One function per page returns its
template's context; `entries` prepares the records' full entries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hoso.config.models import RecordType
from hoso.config.models import Retention as CatalogRetention
from hoso.config.vocab import RETENTION_EVENTS, role_name
from hoso.messages import lang
from hoso.site import entries
from hoso.site import timeliness_pages as tp
from hoso.site.model import PUBLIC, STATUSES, Record, Site, describe_time
from hoso.status import CHO_DUYET, KHONG_HOP_LE

ATTENTION_LIMIT = 100  # rows per "needs attention" list on the home page; the rest are linked


@dataclass(frozen=True, slots=True)
class Counts:
    by_status: list[int]  # in the order of `statuses`
    total: int


@dataclass(frozen=True, slots=True)
class School:
    name: str
    authority: str
    province: str
    commune: str
    address: str
    code: str


@dataclass(frozen=True, slots=True)
class About:
    """What every page may say of the site: the school, the commit, the edition."""

    school: School
    commit: str  # its first 10 characters
    date: str  # the commit's date, dd/mm/yyyy hh:mm
    public: bool


@dataclass(frozen=True, slots=True)
class RecordRow:
    """A record in a table; `target` is its entry (docs path#anchor)."""

    title: str
    target: str
    type_name: str
    owner_name: str
    status: str
    signed: str
    waiting: str  # the signers still missing


@dataclass(frozen=True, slots=True)
class OwnerCounts:
    name: str
    page: str
    counts: Counts


@dataclass(frozen=True, slots=True)
class Listed:
    """The first rows of a list and how many it holds."""

    rows: list[Any]
    total: int

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)


@dataclass(frozen=True, slots=True)
class MissingRow:
    year: str
    type_id: str
    type_name: str
    owner_name: str


@dataclass(frozen=True, slots=True)
class Retention:
    years: int | None  # kept this many years
    event: str  # or until this event; neither: forever
    source: str  # the text that sets it
    unconfirmed: bool


@dataclass(frozen=True, slots=True)
class TypeRow:
    id: str
    name: str
    level: str  # the owner level: truong, to, giao-vien
    confidential: bool
    retention: Retention
    count: int


@dataclass(frozen=True, slots=True)
class TypeYear:
    year: str
    timeliness: tp.Section | None
    hidden: int  # confidential records counted, not listed
    records: list[RecordRow]
    owners: list[OwnerCounts] | None  # instead of `records`, when the list would be long


@dataclass(frozen=True, slots=True)
class ByType:
    id: str
    name: str
    counts: Counts | None
    hidden: int


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    name: str
    role: str  # role (from – until)


@dataclass(frozen=True, slots=True)
class GroupYear:
    year: str
    timeliness: tp.Section | None
    own: list[RecordRow]
    members: list[OwnerCounts]


@dataclass(frozen=True, slots=True)
class GroupRow:
    id: str
    name: str
    members: int
    count: int


@dataclass(frozen=True, slots=True)
class PersonRow:
    id: str
    name: str
    roles: str
    count: int


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    where: str
    span: str


@dataclass(frozen=True, slots=True)
class PersonYear:
    year: str
    timeliness: tp.Section | None
    own: list[RecordRow]
    signed: int  # others' records this person signed


class Views:
    """The contexts of one site's pages; record rows are made once per record."""

    def __init__(self, site: Site) -> None:
        self.site = site
        school = site.config.catalog.school
        self.about = About(
            School(
                school.name,
                school.authority,
                school.province,
                school.commune or "",
                school.address or "",
                school.code,
            ),
            site.commit[:10],
            describe_time(site.commit_date),
            site.audience == PUBLIC,
        )
        self._rows: dict[str, RecordRow] = {}

    def row(self, r: Record) -> RecordRow:
        found = self._rows.get(r.path)
        if found is None:
            found = self._rows[r.path] = RecordRow(
                r.title,
                f"{r.page}#{r.anchor}",
                r.rt.name,
                r.owner_name,
                r.status,
                describe_time(r.signed_on),
                ", ".join(r.missing),
            )
        return found

    def rows(self, records: Iterable[Record]) -> list[RecordRow]:
        return [self.row(r) for r in records]

    def counts(self, records: Iterable[Record]) -> Counts:
        c = self.site.by_status(records)
        return Counts([c[s] for s in STATUSES], sum(c.values()))

    def owner_counts(self, records: Iterable[Record]) -> list[OwnerCounts]:
        """One row per owner page (the school first): the owner's name, linked, and its counts."""
        by_page: dict[str, list[Record]] = defaultdict(list)
        for r in records:
            by_page[r.page].append(r)
        order = sorted(by_page, key=lambda p: (by_page[p][0].loc.owner_level != "truong", p))
        return [OwnerCounts(by_page[p][0].owner_name, p, self.counts(by_page[p])) for p in order]

    def year_counts(self) -> list[tuple[str, Counts]]:
        return [(y, self.counts(self.site.index.by_year.get(y, []))) for y in self.site.years]

    # ---- pages ------------------------------------------------------------------------------------

    def home(self) -> dict[str, Any]:
        site = self.site
        pending = [r for r in site.records if r.status == CHO_DUYET]
        invalid = [r for r in site.records if r.status == KHONG_HOP_LE]
        missing = [
            MissingRow(m.year, m.rt.id, m.rt.name, m.owner_name) for m in site.missing[:ATTENTION_LIMIT]
        ]
        misplaced = site.invalid_paths if site.audience != PUBLIC else []
        return {
            "about": self.about,
            "years": self.year_counts(),
            "total": self.counts(site.records),
            "hidden": sum(site.hidden.values()),
            "invalid": Listed(self.rows(invalid[:ATTENTION_LIMIT]), len(invalid)),
            "pending": Listed(self.rows(pending[:ATTENTION_LIMIT]), len(pending)),
            "missing": Listed(missing, len(site.missing)),
            "missing_years": ", ".join(sorted({m.year for m in site.missing}, reverse=True)),
            "misplaced": Listed(misplaced[:ATTENTION_LIMIT], len(misplaced)),
            "all_clear": not pending and not invalid and not site.missing and not site.invalid_paths,
        }

    def years_index(self) -> dict[str, Any]:
        return {"years": self.year_counts()}

    def year(self, year: str) -> dict[str, Any]:
        site = self.site
        by_type = []
        for rt in site.types():
            rs = site.index.by_type_year.get((rt.id, year), [])
            hidden = site.hidden.get((year, rt.id), 0)
            if rs or hidden:
                by_type.append(ByType(rt.id, rt.name, None if hidden else self.counts(rs), hidden))
        return {
            "about": self.about,
            "year": year,
            "owners": self.owner_counts(site.index.by_year.get(year, [])),
            "types": by_type,
            "timeliness": tp.year_section(site, year),
        }

    def types_index(self) -> dict[str, Any]:
        site = self.site
        rows = []
        for rt in site.types():
            count = sum(len(site.index.by_type_year.get((rt.id, y), [])) for y in site.years)
            count += sum(n for (_, tid), n in site.hidden.items() if tid == rt.id)
            rows.append(TypeRow(rt.id, rt.name, rt.owner, rt.confidential, retention(rt), count))
        return {"types": rows}

    def type(self, type_id: str) -> dict[str, Any]:
        site = self.site
        rt = site.config.catalog.type_by_id(type_id)
        assert rt is not None
        years = []
        for year in site.years:
            records = site.index.by_type_year.get((type_id, year), [])
            hidden = site.hidden.get((year, type_id), 0)
            timely = tp.type_section(site, year, type_id)
            if not records and not hidden and not timely:
                continue
            long = rt.owner == "giao-vien" and len(records) > 60
            years.append(
                TypeYear(
                    year,
                    timely,
                    hidden,
                    [] if hidden or long else self.rows(records),
                    self.owner_counts(records) if long and not hidden else None,
                )
            )
        return {
            "type": TypeRow(rt.id, rt.name, rt.owner, rt.confidential, retention(rt), 0),
            "description": rt.description or "",
            "signers": ", ".join(_signers(rt.signers)),
            "basis": rt.basis or "",
            "years": years,
        }

    def _members(self, group_id: str) -> list[Member]:
        found = []
        for p in self.site.people():
            for r in p.roles:
                if r.group == group_id:
                    found.append(Member(p.id, p.name, f"{role_name(r.role)} ({_span(r)})"))
        return found

    def groups_index(self) -> dict[str, Any]:
        site = self.site
        rows = []
        for g in site.groups():
            members = {m.id for m in self._members(g.id)}
            count = sum(
                len(site.index.owned(y, "to", g.id))
                + sum(len(site.index.owned(y, "giao-vien", m)) for m in members)
                for y in site.years
            )
            rows.append(GroupRow(g.id, g.name, len(members), count))
        return {"groups": rows}

    def group(self, group_id: str) -> dict[str, Any]:
        site = self.site
        group = site.config.people.group(group_id)
        assert group is not None
        members = self._members(group_id)
        ids = {m.id for m in members}
        years = []
        for year in site.years:
            own = site.index.owned(year, "to", group_id)
            theirs = [r for pid in sorted(ids) for r in site.index.owned(year, "giao-vien", pid)]
            timely = tp.group_section(site, year, group_id, ids)
            if own or theirs or timely:
                years.append(GroupYear(year, timely, self.rows(own), self.owner_counts(theirs)))
        return {"name": group.name, "members": members, "years": years}

    def people_index(self) -> dict[str, Any]:
        site = self.site
        counts: dict[str, int] = defaultdict(int)
        for r in site.records:
            if r.loc.owner_level == "giao-vien" and r.loc.owner_id:
                counts[r.loc.owner_id] += 1
        rows = [
            PersonRow(p.id, p.name, ", ".join(sorted({role_name(r.role) for r in p.roles})), counts[p.id])
            for p in site.people()
        ]
        return {"people": rows}

    def person(self, person_id: str) -> dict[str, Any]:
        site = self.site
        person = site.config.people.person(person_id)
        assert person is not None
        roles = []
        for r in person.roles:
            group = site.config.people.group(r.group) if r.group else None
            where = group.name if group else (r.group or r.class_ or "")
            roles.append(Role(role_name(r.role), where, _span(r)))
        signed = site.index.signed.get(person_id, {})
        years = []
        for year in site.years:
            own = site.index.owned(year, "giao-vien", person_id)
            timely = tp.owner_section(site, year, "giao-vien", person_id)
            if own or signed.get(year) or timely:
                years.append(PersonYear(year, timely, self.rows(own), signed.get(year, 0)))
        return {"name": person.name, "roles": roles, "years": years}

    def owner_page(self, records: list[Record]) -> dict[str, Any]:
        first = records[0]
        level, owner_id = first.loc.owner_level, first.loc.owner_id
        link = ""
        if level == "giao-vien" and owner_id:
            link = f"nguoi/{owner_id}.md"
        elif level == "to" and owner_id:
            link = f"to/{owner_id}.md"
        ordered = sorted(records, key=lambda r: (r.rt.name, r.title))
        return {
            "about": self.about,
            "owner": first.owner_name,
            "year": first.loc.year,
            "owner_link": link,
            "records": [entries.entry(self.site, r) for r in ordered],
        }


def _span(role: Any) -> str:
    until = role.until.strftime("%d/%m/%Y") if role.until else "…"
    return f"{role.from_.strftime('%d/%m/%Y')} – {until}"


def retention(rt: RecordType) -> Retention:
    keep = rt.retention.keep
    years = keep if isinstance(keep, int) else None
    event = (
        RETENTION_EVENTS[keep][1 if lang() == "en" else 0]
        if years is None and keep in RETENTION_EVENTS
        else ""
    )
    return Retention(years, event, rt.retention.source, unconfirmed(rt.retention))


def unconfirmed(retention: CatalogRetention) -> bool:
    """Say "unconfirmed" unless the catalog's source text already says so."""
    return not retention.confirmed and "chưa đối chiếu" not in retention.source.casefold()


def _signers(specs: list[str | list[str]]) -> list[str]:
    from hoso.rules.signatures import signer_label
    from hoso.status import signer_spec

    return [signer_label(signer_spec(s)) for s in specs]
