"""Store → the portal's Markdown pages, through Jinja templates an authority can override.

The templates (`src/hoso/data/portal/templates/`, `*.md.j2`) write Markdown whose tables are raw
HTML (cheap for Markdown to pass through at thousands of rows, as on the school site). A file of
the same name in schools.yml's `templates:` folder replaces the built-in one. Templates render in
Jinja's sandbox with autoescaping: a template sees only what it is given (no attribute of Python's
internals, no file, no import), and every value from a school is escaped; MkDocs' own theme
templates, which are not sandboxed, stay hoso's (docs/site.md, "No theme overrides").

Pages: `index.md` (the latest school year by level and by commune, the schools that need
attention), `nam-hoc/<year>.md` (the same for each year), `nam-hoc/<year>/truong.md` and its
per-level (`cap-<level>`) and per-commune (`xa-<commune>`) subsets (one row per school),
`truong/index.md` (every school and whether its data verified), `truong/<slug>.md` (a school),
`truong/<slug>/<year>.md` (its records that year, by status, the late ones and the missing ones),
`tim-kiem.md`. Every number links to the records behind it: a school's counts to its year page's
sections, a record type's counts to the school's own site, a group's counts to its schools.
"""

from __future__ import annotations

import functools
import hashlib
import html
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO

from hoso.errors import ExitCode, HosoError
from hoso.messages import t
from hoso.portal import tables
from hoso.portal.store import Store
from hoso.portal.tables import Row, School
from hoso.records import make_slug
from hoso.site.pages import md

STATUSES = ("da-duyet", "cho-duyet", "khong-hop-le")
# A block of HTML kept out of Markdown: `{% call raw_html() %}<table>…</table>{% endcall %}` writes this
# comment in the page's Markdown and the block to a file; `fill_raw` puts it back into the HTML
# MkDocs wrote. Python-Markdown parses raw HTML with html.parser, token by token: a province's
# million table rows cost minutes there and stay in MkDocs' memory until the last page is
# written. Values in the block are escaped by the templates' autoescaping, so no value can write
# this comment.
RAW_MARK = "<!--hoso-raw:{}-->"
_RAW = re.compile(r"<!--hoso-raw:([0-9]+)-->")
TEMPLATES = ("home", "year", "schools", "directory", "school", "school_year", "search", "_macros")


class TemplateError(HosoError):
    exit_code = ExitCode.CONFIG


def builtin_templates() -> Path:
    return Path(str(resources.files("hoso") / "data" / "portal" / "templates"))


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


class Renderer:
    def __init__(self, override: Path | None) -> None:
        from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        loaders = []
        if override is not None:
            for path in override.rglob("*"):
                if path.is_symlink():  # a link would read a file outside the folder
                    raise TemplateError("portal.template-symlink", path=str(path))
            loaders.append(FileSystemLoader(str(override)))
        loaders.append(FileSystemLoader(str(builtin_templates())))
        self.env = SandboxedEnvironment(
            loader=ChoiceLoader(loaders),
            autoescape=True,
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["md"] = _md
        self.env.filters["yaml"] = _yaml_str
        self.env.filters["percent"] = tables.percent
        self.env.globals.update(t=t, level_name=level_name, state_label=state_label, statuses=STATUSES)
        self.digest = _digest(override)
        self._raw: BinaryIO | None = None  # where raw blocks go (`keep_raw`); None: in the Markdown
        self._raw_at: list[tuple[int, int]] = []  # (offset, length) of each block in that file
        self.raw_pages: set[str] = set()  # pages (docs-relative .md) holding raw blocks

    def keep_raw(self, file: BinaryIO | None) -> None:
        """Write raw blocks to `file` (one file: a province's blocks are thousands) from now on;
        None closes the last one and leaves blocks in the Markdown again."""
        if self._raw is not None:
            self._raw.close()
        self._raw, self._raw_at = file, []
        self.raw_pages = set()

    def render(self, name: str, src: str, **context: Any) -> str:
        from jinja2 import TemplateError as JinjaError
        from markupsafe import Markup

        base = posixpath.dirname(src) or "."

        def href(dst: str) -> str:
            if "://" in dst:
                return dst
            target, sep, frag = dst.partition("#")
            folder, _, file = target.rpartition("/")
            if not file:
                return posixpath.relpath(target, base) + sep + frag
            return _relative_folder(folder or ".", base) + file + sep + frag

        def raw(caller: Any) -> Any:
            block = str(caller())
            if self._raw is None:
                return Markup(block)
            data = block.encode("utf-8")
            self._raw_at.append((self._raw.tell(), len(data)))
            self._raw.write(data)
            self.raw_pages.add(src)
            return Markup("\n\n" + RAW_MARK.format(len(self._raw_at) - 1) + "\n\n")

        try:
            template = self.env.get_template(name + ".md.j2")
            return template.render(href=href, raw_html=raw, src=src, **context)
        except JinjaError as exc:
            raise TemplateError("portal.template-failed", name=name, error=str(exc)[:300]) from exc

    def fill_raw(self, out: Path) -> None:
        """Put the raw blocks back into the HTML pages MkDocs wrote in `out`."""
        blocks = self._raw
        assert blocks is not None

        def block(n: str) -> str:
            offset, length = self._raw_at[int(n)]
            blocks.seek(offset)
            return blocks.read(length).decode("utf-8")

        for src in sorted(self.raw_pages):
            page = out / (src.removesuffix(".md") + ".html")
            parts = _RAW.split(page.read_text(encoding="utf-8"))  # text, number, text, …
            for i in range(1, len(parts), 2):
                parts[i] = block(parts[i])
            page.write_text("".join(parts), encoding="utf-8")


@functools.lru_cache(maxsize=4096)
def _relative_folder(folder: str, base: str) -> str:
    """`folder` relative to `base`, ending with "/" (or "" for the same folder): the links of a
    page of a million rows share a few folders, and posixpath.relpath is slow."""
    rel = posixpath.relpath(folder, base)
    return "" if rel == "." else rel + "/"


def _md(text: object) -> Any:
    from markupsafe import Markup

    return Markup(md("" if text is None else text))


def _yaml_str(text: object) -> Any:
    from markupsafe import Markup

    # the theme writes a page's title into <title> and its header without escaping: a school's
    # name from its index.json reaches the page only as text, never as markup
    plain = html.escape(" ".join(str(text).split()), quote=True).replace("\\", "\\\\").replace('"', '\\"')
    return Markup('"' + plain + '"')


def _digest(override: Path | None) -> str:
    """What the templates are: a page built with other templates is built again."""
    h = hashlib.sha256()
    code = Path(__file__).parent  # the code that fills the templates is part of what they are
    for name in ("pages.py", "tables.py", "output.py"):
        h.update((code / name).read_bytes())
    for folder in (override, builtin_templates()):
        if folder is None:
            continue
        for path in sorted(folder.rglob("*.j2")):
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def level_name(level: str) -> str:
    return t("portal.level." + level) if level else t("portal.unknown")


def state_label(state: str) -> str:
    return t("portal.state." + state)


# ---- the pages ------------------------------------------------------------------------------------


def overview_pages(r: Renderer, store: Store, p: Portal) -> Iterator[tuple[str, str]]:
    """Pages over all schools: they change whenever any school does."""
    rows_by_year = {y: tables.school_rows(store, p.schools, y) for y in p.years}
    latest = p.years[0] if p.years else None
    attention = [s for s in p.schools if s.state != "ok"]
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
