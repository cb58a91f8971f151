"""Site model → Markdown pages (the docs folder's generated part), through Jinja templates a
school can override.

Page count grows with years × (people + groups + types), never with PDFs: every record's
full entry (metadata, signatures, history, retention, download, preview) lives on the page of
its owner for its year, `ho-so/<year>/<owner>.md`, under an anchor; every other page links there.

The pages are written by the templates of `src/hoso/data/templates/site/` (with the macros of
`shared/` the portal uses too), rendered in the sandbox of `hoso.templating` from what `views`
and `entries` prepare: text and numbers, never the model itself. A file of the same name in the
repository's `site_templates/` folder replaces a built-in template (docs/site.md, "Page
templates a school can override"); that folder is read where site_src/ is (the work tree, or
the commit built in a repository without one: `renderer`), and is never published.
Text that comes from the repository (titles, names, reasons) is HTML-escaped and, in Markdown
context, stripped of Markdown syntax, so a record cannot inject markup into the site.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from hoso.messages import t
from hoso.site import sources
from hoso.site.model import STATUSES, Site
from hoso.site.search_page import search_texts
from hoso.site.views import ATTENTION_LIMIT, Views
from hoso.templating.overrides import overrides
from hoso.templating.render import Renderer as TemplateRenderer
from hoso.templating.render import esc, md

__all__ = ["ATTENTION_LIMIT", "CSS", "GENERATED", "IFRAME_WORKER", "esc", "md", "nav", "render"]

# Top-level names of the docs folder that the generator owns; everything else is hand-written.
GENERATED = ("index.md", "nam-hoc", "loai", "to", "nguoi", "ho-so", "tim-kiem.md", "_hoso")
TEMPLATES_DIR = "site_templates"  # a school's page templates, at the root of its repository
IFRAME_WORKER = "_hoso/iframe-worker-shim.js"  # the polyfill Material's offline plugin wants
_CODE = ("pages.py", "views.py", "entries.py", "timeliness_pages.py", "search_page.py")


def asset(name: str) -> str:
    return (resources.files("hoso") / "data" / "site" / name).read_text(encoding="utf-8")


def vendored(name: str) -> str:
    return (resources.files("hoso") / "data" / "vendor" / name).read_text(encoding="utf-8")


CSS = asset("hoso.css")  # status badges, signature tables, the history timeline, the PDF preview


def renderer(root: Path | None, rev: str = "HEAD") -> TemplateRenderer:
    """The site's templates, those of `root/site_templates/` first (refused with a one-line
    reason: a symlink, an unknown name, a file too large…); None: the built-in ones only (the
    portal's copy of a school's site, `build(hand_written=False)`: a template writes any HTML it
    holds, as a hand-written page does). Read from the work tree, as site_src/ is; in a
    repository without one (the portal's mirror of a school), from commit `rev`'s tree."""
    replaced: dict[str, str] = {}
    if root is not None and sources.is_bare(root):
        replaced = sources.committed_templates(root, rev, TEMPLATES_DIR)
    elif root is not None:
        replaced = overrides(root / TEMPLATES_DIR, "site", TEMPLATES_DIR)
    return TemplateRenderer(
        "site",
        replaced,
        TEMPLATES_DIR,
        globals={"statuses": STATUSES},
        code=[Path(__file__).parent / name for name in _CODE],
    )


def render(site: Site, templates: TemplateRenderer | None = None) -> dict[str, str]:
    """Every generated page: docs-relative path -> Markdown text."""
    from hoso.site.search import ranking_json

    r = templates or renderer(site.root, site.commit)
    v = Views(site)
    pages: dict[str, str] = {
        "_hoso/hoso.css": CSS,
        "_hoso/search.js": asset("search.js"),
        "_hoso/preview.js": asset("preview.js"),
        IFRAME_WORKER: vendored("iframe-worker/shim.js"),
    }

    def page(src: str, name: str, /, items: int, **context: object) -> None:
        pages[src] = r.render(name, src, items=items, **context)

    def rows(*lists: Iterable[object]) -> int:
        return sum(len(list(x)) for x in lists)

    home = v.home()
    page("index.md", "home", rows(home["years"], home["invalid"].rows, home["pending"].rows), **home)
    page("tim-kiem.md", "search", 0, ranking=ranking_json(), texts=search_texts())
    for year in site.years:
        page(f"nam-hoc/{year}.md", "year", len(site.index.by_year.get(year, [])), **v.year(year))
    page("nam-hoc/index.md", "years", len(site.years), **v.years_index())
    page("loai/index.md", "types", len(site.types()), **v.types_index())
    for rt in site.types():
        found = [site.index.by_type_year.get((rt.id, y), []) for y in site.years]
        page(f"loai/{rt.id}.md", "type", rows(*found), **v.type(rt.id))
    page("to/index.md", "groups", len(site.groups()), **v.groups_index())
    for g in site.groups():
        group = v.group(g.id)
        page(f"to/{g.id}.md", "group", sum(len(y.own) + len(y.members) for y in group["years"]), **group)
    page("nguoi/index.md", "people", len(site.people()), **v.people_index())
    for p in site.people():
        person = v.person(p.id)
        page(f"nguoi/{p.id}.md", "person", sum(len(y.own) for y in person["years"]), **person)
    for records in site.index.by_owner.values():
        page(records[0].page, "owner", len(records), **v.owner_page(records))
    return pages


def nav(site: Site, hand_written: Iterable[str]) -> list[object]:
    """The navigation: a constant number of entries, whatever the number of records."""
    entries: list[object] = [
        {t("site.nav.home"): "index.md"},
        {t("site.nav.search"): "tim-kiem.md"},
        {t("site.nav.years"): ["nam-hoc/index.md", *[f"nam-hoc/{y}.md" for y in site.years]]},
        {t("site.nav.types"): "loai/index.md"},
        {t("site.nav.groups"): "to/index.md"},
        {t("site.nav.people"): "nguoi/index.md"},
    ]
    entries.extend(sorted(hand_written))
    return entries
