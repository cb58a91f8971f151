"""Placement: the path says year, owner, record type and slug, and each must match the catalog."""

from __future__ import annotations

from collections.abc import Iterator

from hoso.errors import ExitCode
from hoso.records import PathProblem, parse_path, year_span
from hoso.rules.base import Context, Finding, Subject, finding

CODE = ExitCode.MISPLACED

# Roles that make someone the owner of teacher-level records (giáo án, sổ chủ nhiệm…).
TEACHING_ROLES = frozenset(
    {
        "giao-vien",
        "gvcn",
        "to-truong",
        "to-pho",
        "hieu-truong",
        "pho-hieu-truong",
        "tong-phu-trach-doi",
    }
)


def check(subject: Subject, ctx: Context) -> Iterator[Finding]:
    path = subject.entry.path
    try:
        rp = parse_path(path)
    except PathProblem as problem:
        yield finding(subject, problem.rule, CODE, **problem.params)
        return
    if any(ord(c) > 127 for c in path):  # parse_path already guarantees this; keep the invariant
        yield finding(subject, "placement.slug", CODE, value=path)
        return
    subject.record = rp
    catalog, people = ctx.config.catalog, ctx.config.people
    rt = catalog.type_by_id(rp.type_id)
    if rt is None:
        yield finding(subject, "placement.type-unknown", CODE, value=rp.type_id)
        return
    subject.record_type = rt
    if rt.owner != rp.owner_level:
        yield finding(subject, "placement.type-owner", CODE, type=rt.id, owner=rt.owner, value=rp.owner_level)
    level = catalog.school.level
    if rt.levels is not None and level not in rt.levels:
        yield finding(subject, "placement.type-level", CODE, type=rt.id, level=level)
    start, end = year_span(rp.year)
    if rp.owner_level == "giao-vien":
        assert rp.owner_id is not None
        person = people.person(rp.owner_id)
        if person is None:
            yield finding(subject, "placement.owner-unknown", CODE, value=rp.owner_id)
        elif not any(r.role in TEACHING_ROLES and r.active_during(start, end) for r in person.roles):
            yield finding(subject, "placement.owner-role", CODE, value=person.name, year=rp.year)
    elif rp.owner_level == "to":
        assert rp.owner_id is not None
        group = people.group(rp.owner_id)
        if group is None:
            yield finding(subject, "placement.group-unknown", CODE, value=rp.owner_id)
        elif (group.from_ and group.from_ > end) or (group.until and group.until < start):
            yield finding(subject, "placement.group-inactive", CODE, value=group.name, year=rp.year)
