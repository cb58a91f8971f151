"""`hoso portal build`: many schools' index.json → one store → the same templates and theme → one site.

Steps, each proportional to what changed:
1. every school of schools.yml is obtained (sources.py: a repository's site is reused or built,
   a folder is read, an address fetched) and fingerprinted: a local index.json by its size, time
   and inode, a fetched one by its SHA-256, each with its schools.yml overrides;
2. a school whose fingerprint the store holds keeps its rows; another is parsed and its rows
   replaced (store.py), one school in memory at a time;
3. every school is checked (verify.py) and gets a state: đã xác minh, dữ liệu cũ, không xác minh
   được, lỗi — shown on every page that shows its numbers, never silently dropped;
4. pages (pages.py) are written for the overview and for each school whose page key changed; the
   others are linked from the last portal (output.py); MkDocs renders them;
5. the site the portal built from each repository (hoso's generated pages only: the portal is one
   origin for many schools, and a school's hand-written page may hold scripts; a school's site
   folder is never served, its row links to schools.yml's `site_url:`) is linked in under
   `site/<slug>/` (a public portal takes only public builds, and never a site holding a
   confidential record) — or, when its folder and index.json
   are those of the last portal, its folder there is moved into the new one just before the swap
   (and back if the build fails): a rebuild neither re-links nor deletes a province's millions of
   files —, the portal's own search index (one document per school) is written, and the search
   page merges the schools' indexes;
6. exports (CSV, XLSX), `build-info.json`, then the folder is swapped in: a failed build leaves
   the last good portal in place.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hoso import __version__
from hoso.errors import ExitCode, HosoError
from hoso.messages import lang, t
from hoso.portal import exports, output, pages, tables
from hoso.portal.config import PortalConfig
from hoso.portal.ingest import SITES, ingest, verify_school
from hoso.portal.search import search_page, write_school_index
from hoso.portal.sources import (
    REPO,
    SHOWN,
    STALE,
    Got,
    obtain_all,
    prune_fetched,
    prune_mirrors,
)
from hoso.portal.store import Store
from hoso.portal.tables import School
from hoso.site.publish import BUILD_INFO, not_a_site, recover, remove, swap, write_json


class PortalBuildError(HosoError):
    exit_code = ExitCode.FAILED


@dataclass
class PortalResult:
    out: Path
    schools: list[School]
    pages_built: int
    pages_reused: int
    parsed: int  # schools whose index.json was read this time
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[School]:
        return [s for s in self.schools if s.state not in SHOWN]


def default_cache(out: Path) -> Path:
    return out.with_name(f".{out.name}.cache")


def build(
    config: PortalConfig, out: Path, cache: Path | None = None, *, now: datetime | None = None
) -> PortalResult:
    target = out.resolve()
    if not_a_site(target):
        raise PortalBuildError("portal.out-not-site", ExitCode.USAGE, path=str(target))
    cache = (cache or default_cache(target)).resolve()
    renderer = pages.Renderer(config.templates)
    store = Store(cache / "portal.sqlite")
    try:
        gots = obtain_all(config.sources, config.audience, cache)
        schools, parsed = ingest(store, gots, config.audience)
        prune_fetched(cache, gots)
        prune_mirrors(cache, config.sources)
        for got, school in zip(gots, schools, strict=True):
            verify_school(store, got, school, config.audience)
        store.keep_only(s.slug for s in schools)
        return _write(config, renderer, store, gots, schools, target, parsed, now)
    finally:
        store.close()


# ---- 4-6: pages, MkDocs, files, swap --------------------------------------------------------------


def _write(
    config: PortalConfig,
    renderer: pages.Renderer,
    store: Store,
    gots: list[Got],
    schools: list[School],
    target: Path,
    parsed: int,
    now: datetime | None,
) -> PortalResult:
    title = config.title or t("portal.default-title")
    portal = pages.Portal(title, config.authority or "", config.audience, schools, store.years(), {})
    nav = pages.nav(portal)
    base_key = json.dumps(
        [__version__, lang(), config.audience, title, renderer.digest, nav, output.PORTAL_CSS],
        ensure_ascii=False,
    )
    recover(target)  # an interrupted build's last good portal: its pages and sites are reused
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    remove(tmp)
    work = Path(tempfile.mkdtemp(prefix="hoso-portal-"))
    moved: list[tuple[Path, Path]] = []  # unchanged schools' sites taken from the last portal
    try:
        docs = work / "docs"
        renderer.keep_raw((work / "raw.html").open("w+b"))
        built = 0

        def put(items: Iterable[tuple[str, str]]) -> None:
            nonlocal built
            for rel, text in items:
                path = docs / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(text.encode("utf-8"))
                built += rel.endswith(".md")

        put(output.assets().items())
        put(pages.overview_pages(renderer, store, portal))
        put([("tim-kiem.md", search_page(renderer, portal))])
        keys: dict[str, str] = {}
        reuse: list[str] = []
        for school in schools:  # one school's pages in memory at a time
            keys[school.slug] = key = _page_key(base_key, store, school)
            paths = [p.removesuffix(".md") + ".html" for p in pages.school_paths(store, school)]
            if store.built_key(school.slug) == key and all((target / p).is_file() for p in paths):
                reuse.extend(paths)
            else:
                put(pages.school_pages(renderer, store, portal, school))
        dates = [s.commit_date for s in schools if s.commit_date]
        epoch = int(datetime.fromisoformat(max(dates)).timestamp()) if dates else 0
        cfg = output.engine_config(docs, tmp, title, nav, output.footer(title, len(schools)))
        warnings = output.run_mkdocs(work, cfg, epoch)
        renderer.fill_raw(tmp)
        for rel in reuse:
            output.link_file(target / rel, tmp / rel)
        linked: dict[str, str] = {}
        for got, school in zip(gots, schools, strict=True):
            # only the portal's own builds of repositories (`ingest.verify_school`): never a school's folder
            hosted = school.site_href == f"{SITES}/{school.slug}/"
            if got.kind == REPO and got.site_dir is not None and hosted:
                linked[school.slug] = key = f"{got.site_dir}:{got.index_stat}"
                old, new = target / SITES / school.slug, tmp / SITES / school.slug
                if store.linked_key(school.slug) == key and old.is_dir():
                    moved.append((old, new))  # taken last, just before the swap
                else:
                    output.link_tree(got.site_dir, new)
        write_school_index(portal, tmp)
        for year in portal.years:
            rows = tables.school_rows(store, schools, year)
            exports.write(
                tmp / "xuat", year, rows, tables.grouped(rows, "level"), tables.grouped(rows, "commune")
            )
        moment = (now or datetime.now(UTC)).replace(microsecond=0)
        write_json(tmp / BUILD_INFO, _build_info(moment, config.audience, schools))
        if moved:
            (tmp / SITES).mkdir(exist_ok=True)
        for old, new in list(moved):
            old.rename(new)
        swap(tmp, target)
        moved.clear()
    except OSError as exc:
        _put_back(moved)
        remove(tmp)
        raise PortalBuildError("portal.write-failed", path=str(target), error=str(exc)) from exc
    except BaseException:
        _put_back(moved)
        remove(tmp)
        raise
    finally:
        renderer.keep_raw(None)
        shutil.rmtree(work, ignore_errors=True)
    store.set_built(keys, linked)
    return PortalResult(target, schools, built, len(reuse), parsed, warnings)


def _put_back(moved: list[tuple[Path, Path]]) -> None:
    """A failed build returns the sites it took from the last portal."""
    for old, new in moved:
        if new.is_dir() and not old.exists():
            with contextlib.suppress(OSError):
                new.rename(old)


def _page_key(base: str, store: Store, school: School) -> str:
    facts = json.dumps([base, store.digest(school.slug), school.__dict__], ensure_ascii=False, default=str)
    return hashlib.sha256(facts.encode()).hexdigest()


def _build_info(moment: datetime, audience: str, schools: list[School]) -> dict[str, Any]:
    return {
        "_comment": "built_at is the only time of the build itself",
        "built_at": moment.isoformat(),
        "generator": "hoso portal",
        "audience": audience,
        "schools": [
            {"slug": s.slug, "name": s.name, "source": s.label, "state": s.state, "commit": s.commit or None}
            for s in schools
        ],
    }


__all__ = ["STALE", "PortalResult", "build"]
