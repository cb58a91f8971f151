"""Cross-reference checks between catalog.yml, people.yml and locks.yml."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from hoso.config.models import Catalog, Locks, People
from hoso.config.vocab import (
    GROUP_ROLES,
    RETENTION_EVENTS,
    RETENTION_PERMANENT,
    ROLES,
    SIGNER_TOKENS,
    YEAR_RE,
)

if TYPE_CHECKING:
    from hoso.config.loader import ConfigIssue, YamlDoc


def check_semantics(
    catalog: Catalog, people: People, locks: Locks, docs: dict[str, YamlDoc]
) -> list[ConfigIssue]:
    from hoso.config.loader import CATALOG_FILE, LOCKS_FILE, PEOPLE_FILE, ConfigIssue

    cat, ppl, lck = docs[CATALOG_FILE], docs[PEOPLE_FILE], docs[LOCKS_FILE]
    out: list[ConfigIssue] = []

    def err(doc: YamlDoc, loc: tuple[str | int, ...], key: str, **params: object) -> None:
        out.append(ConfigIssue(doc.name, doc.line_of(loc), key, dict(params)))

    # catalog: unique ids, valid retention, known signers
    _duplicates(cat, "record_types", [rt.id for rt in catalog.record_types], err)
    valid_signers = set(ROLES) | set(SIGNER_TOKENS)
    for i, rt in enumerate(catalog.record_types):
        keep = rt.retention.keep
        if isinstance(keep, int):
            if keep <= 0:
                err(cat, ("record_types", i, "retention", "keep"), "config.retention", value=keep)
        elif keep != RETENTION_PERMANENT and keep not in RETENTION_EVENTS:
            err(cat, ("record_types", i, "retention", "keep"), "config.retention", value=keep)
        for j, signer in enumerate(rt.signers):
            options = signer if isinstance(signer, list) else [signer]
            for opt in options:
                if opt not in valid_signers:
                    err(
                        cat,
                        ("record_types", i, "signers", j),
                        "config.unknown-signer",
                        value=opt,
                        choices=", ".join(sorted(valid_signers)),
                    )

    check_calendar(catalog, cat, err)

    # people: unique ids, roles, groups, dates, certificate owners
    _duplicates(ppl, "groups", [g.id for g in people.groups], err)
    _duplicates(ppl, "people", [p.id for p in people.people], err)
    group_ids = {g.id for g in people.groups}
    seen_fp: dict[str, str] = {}
    seen_account: dict[str, str] = {}
    ids = {p.id for p in people.people}
    for i, person in enumerate(people.people):
        for j, ra in enumerate(person.roles):
            loc = ("people", i, "roles", j)
            if ra.role not in ROLES:
                err(
                    ppl,
                    (*loc, "role"),
                    "config.unknown-role",
                    value=ra.role,
                    choices=", ".join(ROLES),
                )
            if ra.group is not None and ra.group not in group_ids:
                err(ppl, (*loc, "group"), "config.unknown-group", value=ra.group)
            if ra.role in GROUP_ROLES and ra.group is None:
                err(ppl, loc, "config.role-needs-group", role=ra.role)
            if ra.until is not None and ra.until < ra.from_:
                err(ppl, (*loc, "until"), "config.dates-order")
        for j, account in enumerate(person.accounts):
            # an account is one person's, or the server could not say who pushed
            owner = seen_account.setdefault(account, person.id)
            if owner != person.id or (account in ids and account != person.id):
                other = owner if owner != person.id else account
                err(ppl, ("people", i, "accounts", j), "config.account-shared", value=account, other=other)
        for j, key in enumerate(person.ssh_keys):
            parts = key.split()
            if len(parts) < 2 or not parts[0].startswith(("ssh-", "ecdsa-", "sk-")) or "\n" in key:
                err(ppl, ("people", i, "ssh_keys", j), "config.ssh-key", value=key[:40])
        for j, cert in enumerate(person.certificates):
            fp = cert.normalized
            if fp in seen_fp and seen_fp[fp] != person.id:
                err(ppl, ("people", i, "certificates", j), "config.cert-shared", other=seen_fp[fp])
            seen_fp[fp] = person.id
    if people.seal is not None:
        for j, cert in enumerate(people.seal.certificates):
            if cert.normalized in seen_fp:
                err(
                    ppl,
                    ("seal", "certificates", j),
                    "config.cert-shared",
                    other=seen_fp[cert.normalized],
                )
    uses_seal = any(
        "con-dau" in (s if isinstance(s, list) else [s]) for rt in catalog.record_types for s in rt.signers
    )
    if uses_seal and people.seal is None:
        out.append(ConfigIssue(ppl.name, 1, "config.seal-missing"))

    # locks: valid years, known types and people
    type_ids = {rt.id for rt in catalog.record_types}
    for i, lock in enumerate(locks.locks):
        m = YEAR_RE.match(lock.year)
        if m is None or int(m.group(2)) != int(m.group(1)) + 1:
            err(lck, ("locks", i, "year"), "config.hint-year", field="year", value=lock.year)
        for j, type_id in enumerate(lock.types):
            if type_id not in type_ids:
                err(lck, ("locks", i, "types", j), "config.unknown-type", value=type_id)
        if people.person(lock.by) is None:
            err(lck, ("locks", i, "by"), "config.unknown-person", value=lock.by)
    return out


def _duplicates(doc: YamlDoc, section: str, ids: Iterable[str], err: object) -> None:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            err(doc, (section, i, "id"), "config.duplicate-id", value=ident)  # type: ignore[operator]
        seen.add(ident)


def check_calendar(catalog: Catalog, cat: YamlDoc, err: Any) -> None:
    """The `calendar` block and every record type's `deadline`: real dates, in order, inside the
    school year; a deadline that falls inside its year and names a week the year has."""
    from hoso.calendar import SchoolYear, day_month, ordered, school_year
    from hoso.deadlines import AFTER_OPENING, BEFORE_WEEK, TERM_END, due
    from hoso.records import year_span

    spec = catalog.calendar
    base = ("calendar",)
    days_ok = True
    for key in ("opening", "hoc_ky_1_end", "year_end"):
        value = getattr(spec, key)
        if day_month(value) is None:
            err(cat, (*base, key), "config.calendar-day", field=f"calendar.{key}", value=value)
            days_ok = False
    reference = "2024-2025"  # the defaults are day/month: any year shows whether they are in order
    years: list[SchoolYear] = []
    if days_ok:
        sy = school_year(reference, spec.model_copy(update={"years": []}))
        if not ordered(sy):
            err(
                cat,
                base,
                "config.calendar-order",
                **_dates(sy, spec.opening, spec.hoc_ky_1_end, spec.year_end),
            )
        else:
            years.append(sy)
    seen: set[str] = set()
    for i, entry in enumerate(spec.years):
        loc: tuple[str | int, ...] = (*base, "years", i)
        m = YEAR_RE.match(entry.year)
        if m is None or int(m.group(2)) != int(m.group(1)) + 1:
            err(cat, (*loc, "year"), "config.hint-year", field="calendar.years.year", value=entry.year)
            continue
        if entry.year in seen:
            err(cat, (*loc, "year"), "config.duplicate-id", value=entry.year)
        seen.add(entry.year)
        sy = SchoolYear(entry.year, entry.opening, entry.hoc_ky_1_end, entry.year_end, spec.weeks)
        if not ordered(sy):
            err(cat, loc, "config.calendar-order", **_dates(sy))
        else:
            years.append(sy)
    for i, rt in enumerate(catalog.record_types):
        rule = rt.deadline
        if rule is None:
            continue
        loc = ("record_types", i, "deadline")
        if rule.kind == AFTER_OPENING and (rule.days is None) == (rule.week is None):
            err(cat, loc, "config.deadline-after-opening")
            continue
        if rule.week is not None and rule.kind != AFTER_OPENING:
            err(cat, (*loc, "week"), "config.deadline-week-kind", kind=rule.kind)
            continue
        if rule.week is not None and rule.week > spec.weeks:
            err(cat, (*loc, "week"), "config.deadline-week", value=rule.week, weeks=spec.weeks)
            continue
        for sy in years:
            if rule.kind == TERM_END:
                days = [due(rule, sy, hoc_ky=1), due(rule, sy, hoc_ky=2)]
            elif rule.kind == BEFORE_WEEK:
                days = [due(rule, sy, week=1), due(rule, sy, week=sy.weeks)]
            else:
                days = [due(rule, sy)]
            start, stop = year_span(sy.year)
            wrong = next((d for d in days if d is not None and not start <= d <= stop), None)
            if wrong is not None:
                where = (*loc, "days") if rule.days is not None else loc
                err(
                    cat,
                    where,
                    "config.deadline-outside-year",
                    type=rt.id,
                    date=wrong.strftime("%d/%m/%Y"),
                    year=sy.year,
                )
                break


def _dates(sy: Any, *given: str) -> dict[str, str]:
    shown = [d.strftime("%d/%m/%Y") for d in (sy.opening, sy.hoc_ky_1_end, sy.end)]
    if given:
        shown = list(given)
    return {"year": sy.year, "opening": shown[0], "hoc_ky_1_end": shown[1], "year_end": shown[2]}
