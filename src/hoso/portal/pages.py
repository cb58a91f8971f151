"""Store → the portal's Markdown pages, through Jinja templates an authority can override.

The templates (`src/hoso/data/templates/portal/`, `*.md.j2`, with the macros of `shared/` the
school site uses too) write Markdown whose tables are raw HTML (cheap for Markdown to pass through
at thousands of rows, as on the school site). A file of the same name in schools.yml's
`templates:` folder replaces the built-in one. Templates render in the sandbox of
`hoso.templating`, the school site's: a template sees only what it is given (no attribute of
Python's internals, no file, no import), every value from a school is escaped, and a template
that runs longer than its budget stops the build; MkDocs' own theme templates, which are not
sandboxed, stay hoso's (docs/site.md, "No theme overrides").

Pages: `index.md` (the latest school year by level and by commune, the schools that need
attention), `nam-hoc/<year>.md` (the same for each year), `nam-hoc/<year>/truong.md` and its
per-level (`cap-<level>`) and per-commune (`xa-<commune>`) subsets (one row per school),
`truong/index.md` (every school and whether its data verified), `truong/<slug>.md` (a school),
`truong/<slug>/<year>.md` (its records that year, by status, the late ones and the missing ones),
`tim-kiem.md`. Every number links to the records behind it: a school's counts to its year page's
sections, a record type's counts to the school's own site, a group's counts to its schools.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from hoso.messages import t
from hoso.portal import tables
from hoso.portal.sources import SHOWN
from hoso.portal.store import Store
from hoso.portal.tables import Row, School
from hoso.records import make_slug
from hoso.templating import TemplateError, builtin_folder
from hoso.templating.overrides import overrides
from hoso.templating.render import RAW_MARK, yaml_str
from hoso.templating.render import Renderer as TemplateRenderer

__all__ = ["RAW_MARK", "STATUSES", "Portal", "Renderer", "TemplateError"]

STATUSES = ("da-duyet", "cho-duyet", "khong-hop-le")
_CODE = ("pages.py", "tables.py", "output.py")  # the code that fills the templates


def builtin_templates() -> Path:
    return builtin_folder("portal")


@dataclass
class Portal:
    """What every page knows of the portal."""

    title: str
    authority: str
    audience: str
    schools: list[School]
    years: list[str]
    search_scopes: dict[str, Any]


def commune_slug(commune: str) -> str:
    return make_slug(commune) or "khong-ro"


class Renderer(TemplateRenderer):
    """The portal's templates, those of schools.yml's `templates:` folder (`override`) first."""

    def __init__(self, override: Path | None) -> None:
        shown = str(override) if override is not None else ""
        super().__init__(
            "portal",
            overrides(override, "portal", shown),
            shown,
            globals={"level_name": level_name, "state_label": state_label, "statuses": STATUSES},
            filters={"percent": tables.percent},
            code=[Path(__file__).parent / name for name in _CODE],
        )


def _yaml_str(text: object) -> Any:
    return Markup(yaml_str(text))


def level_name(level: str) -> str:
    return t("portal.level." + level) if level else t("portal.unknown")


def state_label(state: str) -> str:
    return t("portal.state." + state)


# ---- the pages ------------------------------------------------------------------------------------


def overview_pages(r: Renderer, store: Store, p: Portal) -> Iterator[tuple[str, str]]:
    """Pages over all schools: they change whenever any school does."""
    rows_by_year = {y: tables.school_rows(store, p.schools, y) for y in p.years}
    latest = p.years[0] if p.years else None
    attention = [s for s in p.schools if s.state not in SHOWN]
    yield (
        "index.md",
        r.render(
            "home",
            "index.md",
            portal=p,
            year=latest,
            **(_groups(rows_by_year[latest]) if latest else {}),
            attention=attention,
            totals={y: tables.total(rows_by_year[y], y) for y in p.years},
        ),
    )
    yield "truong/index.md", r.render("directory", "truong/index.md", portal=p, schools=p.schools)
    for year in p.years:
        rows = rows_by_year[year]
        src = f"nam-hoc/{year}.md"
        yield src, r.render("year", src, portal=p, year=year, **_groups(rows), attention=attention)
        yield from _school_tables(r, p, year, rows)


def _groups(rows: list[Row]) -> dict[str, Any]:
    return {
        "by_level": tables.grouped(rows, "level"),
        "by_commune": {c: (commune_slug(c), g) for c, g in tables.grouped(rows, "commune").items()},
        "total": tables.total(rows, t("site.total")),
    }


def _school_tables(r: Renderer, p: Portal, year: str, rows: list[Row]) -> Iterator[tuple[str, str]]:
    def page(src: str, title: str, subset: list[Row]) -> tuple[str, str]:
        total = tables.total(subset, t("site.total"))
        return src, r.render("schools", src, portal=p, year=year, title=title, rows=subset, total=total)

    yield page(f"nam-hoc/{year}/truong.md", t("portal.schools-of-year", year=year), rows)
    for level in sorted({row.school.level for row in rows if row.school}):
        subset = [row for row in rows if row.school and row.school.level == level]
        title = t("portal.level-of-year", level=level_name(level), year=year)
        yield page(f"nam-hoc/{year}/cap-{level or 'khong-ro'}.md", title, subset)
    for commune in sorted({row.school.commune for row in rows if row.school}):
        subset = [row for row in rows if row.school and row.school.commune == commune]
        title = t("portal.commune-of-year", commune=commune or t("portal.unknown"), year=year)
        yield page(f"nam-hoc/{year}/xa-{commune_slug(commune)}.md", title, subset)


def school_pages(r: Renderer, store: Store, p: Portal, school: School) -> Iterator[tuple[str, str]]:
    """A school's own pages: they change only when the school (or the templates) do."""
    src = f"truong/{school.slug}.md"
    summaries = store.summaries(slug=school.slug) if school.has_data else []
    years = [s.year for s in summaries]
    rows = {s.year: _school_row(s, school) for s in summaries}
    types = store.types(school.slug) if school.has_data else {}
    by_type = {y: _type_counts(store, school.slug, y) for y in years}
    yield (
        src,
        r.render(
            "school", src, portal=p, school=school, years=years, rows=rows, types=types, by_type=by_type
        ),
    )
    for year in years:
        src = f"truong/{school.slug}/{year}.md"
        yield (
            src,
            r.render(
                "school_year",
                src,
                portal=p,
                school=school,
                year=year,
                row=rows[year],
                types=types,
                records={s: store.records(school.slug, year, s) for s in STATUSES},
                late=store.records(school.slug, year, late=True) if school.has_timeliness else None,
                missing=store.missing(school.slug, year) if school.has_missing else None,
            ),
        )


def _school_row(s: Any, school: School) -> Row:
    row = Row(s.year, school=school)
    row.add(s, school)
    return row


def _type_counts(store: Store, slug: str, year: str) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for type_id, status, n in store.type_counts(slug, year):
        counts.setdefault(type_id, {})[status] = n
    return counts


def school_paths(store: Store, school: School) -> list[str]:
    """The pages school_pages writes for `school` (to reuse them from the last build)."""
    years = [s.year for s in store.summaries(slug=school.slug)] if school.has_data else []
    return [f"truong/{school.slug}.md", *(f"truong/{school.slug}/{y}.md" for y in years)]


def nav(p: Portal) -> list[object]:
    """A fixed set of entries: the pages of each school are reached from the tables."""
    years: list[object] = [f"nam-hoc/{y}.md" for y in p.years]
    return [
        {t("site.nav.home"): "index.md"},
        {t("site.nav.search"): "tim-kiem.md"},
        {t("site.nav.years"): years} if years else {t("site.nav.years"): "index.md"},
        {t("portal.nav.schools"): "truong/index.md"},
    ]
