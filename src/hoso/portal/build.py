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
from hoso.portal.index import BadIndex, Index, parse
from hoso.portal.sources import (
    DECLARED,
    ERROR,
    REPO,
    SHOWN,
    SITE,
    STALE,
    UNVERIFIED,
    URL,
    Got,
    Problem,
    obtain_all,
    prune_fetched,
    read_raw,
)
from hoso.portal.store import STORE_VERSION, Store
from hoso.portal.tables import School
from hoso.portal.verify import check, worst
from hoso.records import make_slug
from hoso.site.build import without_hand_written
from hoso.site.publish import BUILD_INFO, not_a_site, recover, remove, swap, write_json

# Schools whose search indexes one query may merge: each costs its index metadata and a chunk of
# each word (a few to tens of KiB), and a query should stay well under 2 MB (bench/bench_portal.py).
MERGE_LIMIT = 40
# ... and records: the chunks grow with them (36 schools of 10,000 records: 1.61 MiB for a word
# in every record, 8 s to the first result; 10 such schools: about a quarter of that)
MERGE_RECORDS = 100_000
SITES = "site"  # schools' own sites inside the portal


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
        schools, parsed = _ingest(store, gots, config.audience)
        prune_fetched(cache, gots)
        for got, school in zip(gots, schools, strict=True):
            _verify(store, got, school, config.audience)
        store.keep_only(s.slug for s in schools)
        return _write(config, renderer, store, gots, schools, target, parsed, now)
    finally:
        store.close()


# ---- 1-3: obtain, ingest, verify -------------------------------------------------------------------


def _overrides(got: Got) -> dict[str, str]:
    e = got.source.entry
    return {
        k: v for k, v in (("name", e.name), ("code", e.code), ("level", e.level), ("commune", e.commune)) if v
    }


def _fingerprint(got: Got, audience: str) -> str | None:
    if got.kind == URL:
        if not got.raw_sha256:
            return None
        ident = got.raw_sha256
    elif got.index_stat:
        ident = f"{got.site_dir}:{got.index_stat}"
    else:
        return None
    if got.kind == SITE and got.site_dir is not None:
        # the school's own folder: mtime is the school's to set, ctime moves with any change (not
        # for a repository's site: the portal's own build, whose ctime its links into the portal move)
        with contextlib.suppress(OSError):
            ident += f":{os.lstat(got.site_dir / 'index.json').st_ctime_ns}"
    secret = sorted(got.source.confidential) if audience == "public" else []  # what is left out
    facts = [got.source.label, _overrides(got), audience, STORE_VERSION, secret]
    extra = json.dumps(facts, ensure_ascii=False)
    return hashlib.sha256((ident + extra).encode()).hexdigest()


def _unique(base: str, taken: set[str]) -> str:
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _ingest(store: Store, gots: list[Got], audience: str) -> tuple[list[School], int]:
    # every `id:` of schools.yml is reserved before any slug is made from what a school claims (its
    # code, its name): no school listed earlier takes the folder and page the authority named
    taken = {g.source.entry.id for g in gots if g.source.entry.id}
    slugs: list[str | None] = []
    prints = [
        _fingerprint(g, audience) if not g.problems or g.site_dir or g.raw_sha256 else None for g in gots
    ]
    for got, fp in zip(gots, prints, strict=True):
        kept = store.slug_of(fp) if fp else None
        wanted = got.source.entry.id
        mine = kept is not None and (kept == wanted if wanted else kept not in taken)
        slugs.append(kept if mine else None)
        if kept is not None and mine:
            taken.add(kept)
    schools: list[School] = []
    parsed = 0
    for got, fp, slug in zip(gots, prints, slugs, strict=True):
        entry = got.source.entry
        school = School(slug or "", got.source.position, got.source.label, entry.name or got.source.label)
        if slug is None and fp is not None and got.kind:
            index = _parse(got)
            if index is not None:
                parsed += 1
                info = {**index.school, **_overrides(got)}
                base = make_slug(info["code"]) or make_slug(info["name"]) or f"truong-{school.position}"
                school.slug = slug = entry.id or _unique(base[:60], taken)
                drop = _confidential(got, index, audience)
                if drop is not None:
                    store.ingest(slug, fp, index, info, drop)
                else:
                    store.forget(slug)
        if not school.slug:
            school.slug = entry.id or _unique(f"truong-{school.position}", taken)
            store.forget(school.slug)
        row = store.school(school.slug) if slug else None
        if row is not None and slug:
            _fill(school, row)
            school.records = store.record_count(school.slug)
            if row["withheld"]:  # from the store: flagged at every build, not only when parsed
                params = {"types": row["withheld"]}
                got.problems.append(Problem(UNVERIFIED, "portal.confidential-in-public", params))
            _own_code(got, row["index_code"] or "")
        schools.append(school)
    _shared_codes(gots, schools)
    return schools, parsed


def _a_code(code: str) -> bool:
    """A code a school claims: not empty, not the "00000000" `hoso init` writes."""
    return bool(code.strip().strip("0"))


def _own_code(got: Got, claimed: str) -> None:
    """A `code:` of schools.yml other than the school's own: the entry may name another school's
    data (a wrong `path:` or `url:`), which the override would pass off as this school's."""
    pinned = (got.source.entry.code or "").strip()
    if pinned and _a_code(claimed) and claimed.strip() != pinned:
        params = {"configured": pinned, "claimed": claimed}
        got.problems.append(Problem(UNVERIFIED, "portal.code-differs", params))


def _shared_codes(gots: list[Got], schools: list[School]) -> None:
    """Two schools with one code (the Sở's key for a school, the exports' Mã trường): the portal
    cannot tell whose it is, so none of them is shown as verified — unless schools.yml gives that
    `code:` to one school only: the authority said which school holds it, the others are flagged.
    Entries showing one school (same name and commit: its repository and its published site, or
    a copy) are not two claims; their records are checked each on its own."""
    claims: dict[str, list[int]] = {}
    for i, school in enumerate(schools):
        if school.has_data and _a_code(school.code):
            claims.setdefault(school.code.strip(), []).append(i)
    for code, members in claims.items():
        by_school: dict[tuple[str, str], list[int]] = {}
        for i in members:
            by_school.setdefault((schools[i].name, schools[i].commit), []).append(i)
        if len(by_school) < 2:
            continue
        pinned = [key for key, held in by_school.items() if any(gots[i].source.entry.code for i in held)]
        for key, held in by_school.items():
            if len(pinned) == 1 and key == pinned[0]:
                continue
            others = "; ".join(f"{schools[j].name} ({schools[j].label})" for j in members if j not in held)
            params = {"code": code, "others": others[:300]}
            for i in held:
                gots[i].problems.append(Problem(UNVERIFIED, "portal.duplicate-code", params))


def _parse(got: Got) -> Index | None:
    try:
        return parse(read_raw(got))
    except BadIndex as exc:
        got.problems.append(Problem(ERROR, exc.key, exc.params))
    except OSError as exc:
        got.problems.append(
            Problem(ERROR, "portal.index-unreadable", {"path": got.source.label, "error": str(exc)})
        )
    return None


def _confidential(got: Got, index: Index, audience: str) -> set[str] | None:
    """The record types to leave out of the store; None when nothing of the school may be shown.

    A public portal's own list decides (hoso's catalogs and schools.yml's `confidential_types`,
    `Source.confidential`), with the types the school itself calls confidential: its index.json
    saying `hoc-ba` is not confidential is a claim, never a reason to publish a học bạ. Records
    of these types are left out and flagged (the store keeps which types: `_ingest`)."""
    if audience != "public":
        return set()
    if index.audience != "public":  # an inspector build holds confidential titles and files
        got.problems.append(Problem(ERROR, "portal.inspector-in-public", {}))
        return None
    return set(got.source.confidential) | {tid for tid, (_, secret) in index.types.items() if secret}


def _fill(school: School, row: dict[str, Any]) -> None:
    school.has_data = True
    for key in ("name", "code", "level", "province", "commune", "authority", "audience"):
        setattr(school, key, row[key] or "")
    school.commit, school.commit_date = row["commit_id"], row["commit_date"]
    school.schema_version = int(row["schema_version"])
    school.has_missing, school.has_timeliness = bool(row["has_missing"]), bool(row["has_timeliness"])


def _verify(store: Store, got: Got, school: School, audience: str) -> None:
    problems = list(got.problems)
    if school.has_data:
        problems += check(got, school.commit, store, school.slug)
        if got.kind in (SITE, URL):
            problems.append(Problem(DECLARED, "portal.declared", {"source": got.source.label}))
    school.state = worst(problems, school.has_data)
    school.problems = [(p.state, t(p.key, **p.params)) for p in problems]
    if school.state in (ERROR, UNVERIFIED):
        return  # its site is not published through the portal, its index not searched
    if any(p.key == "portal.confidential-in-public" for p in problems):
        return
    if got.kind == URL and got.base_url:
        school.site_href = got.base_url
        school.search_bundle = got.base_url + "pagefind/"
    elif got.kind == SITE:
        # a folder the school built and may have edited anywhere (pages, scripts): never served in
        # the portal's origin, beside every other school's pages and PDFs; its row links to the
        # school's own address, if schools.yml gives one (what is served there is not verified,
        # so its search index is not merged)
        school.site_href = got.source.site_url
    elif got.kind == REPO and got.site_dir is not None and without_hand_written(got.site_dir):
        # the portal's own build of the repository: hoso's generated pages only
        school.site_href = f"{SITES}/{school.slug}/"
        if (got.site_dir / "pagefind" / "pagefind-entry.json").is_file():
            school.search_bundle = f"{SITES}/{school.slug}/pagefind/"


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
        put([("tim-kiem.md", _search_page(renderer, portal))])
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
            # only the portal's own builds of repositories (`_verify`): never a school's folder
            hosted = school.site_href == f"{SITES}/{school.slug}/"
            if got.kind == REPO and got.site_dir is not None and hosted:
                linked[school.slug] = key = f"{got.site_dir}:{got.index_stat}"
                old, new = target / SITES / school.slug, tmp / SITES / school.slug
                if store.linked_key(school.slug) == key and old.is_dir():
                    moved.append((old, new))  # taken last, just before the swap
                else:
                    output.link_tree(got.site_dir, new)
        _search_index(portal, tmp)
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


def _search_index(portal: pages.Portal, out: Path) -> None:
    from hoso.site.search import FILED_UNDER_WEIGHT, TEXT_WEIGHT, Document, write_index

    docs = [
        Document(
            url=f"truong/{s.slug}.html",
            title=s.name,
            parts=(
                (
                    " ".join(x for x in (pages.level_name(s.level), s.commune, s.province) if x),
                    FILED_UNDER_WEIGHT,
                ),
                (s.code, TEXT_WEIGHT),
            ),
            kind="school",
            detail=" · ".join(x for x in (pages.level_name(s.level), s.commune) if x),
        )
        for s in portal.schools
    ]
    write_index(docs, out)


def _search_page(renderer: pages.Renderer, portal: pages.Portal) -> str:
    from hoso.site.search import ranking_json
    from hoso.site.search_page import search_texts  # the school site's texts, the portal's kind added

    return renderer.render(
        "search",
        "tim-kiem.md",
        portal=portal,
        ranking=ranking_json(),
        texts=search_texts(portal=True),
        scopes=json.dumps(_scopes(portal.schools), ensure_ascii=False, sort_keys=True),
    )


def merge_parts(members: list[School]) -> list[list[School]]:
    """`members` in order, cut into parts of at most MERGE_LIMIT schools and MERGE_RECORDS
    records (a larger school alone)."""
    parts: list[list[School]] = [[]]
    held = 0
    for s in members:
        if parts[-1] and (len(parts[-1]) == MERGE_LIMIT or held + s.records > MERGE_RECORDS):
            parts.append([])
            held = 0
        parts[-1].append(s)
        held += s.records
    return parts


def _scopes(schools: list[School]) -> dict[str, Any]:
    """The search page's scopes: all schools when few, else each commune and level (split in
    parts, `merge_parts`), then each school."""
    searchable = [s for s in schools if s.search_bundle]
    scopes: list[dict[str, Any]] = []

    def add(ident: str, label: str, members: list[School]) -> None:
        parts = merge_parts(members)
        for k, part in enumerate(parts):
            suffix = f" ({k + 1}/{len(parts)})" if len(parts) > 1 else ""
            scopes.append(
                {
                    "id": ident + (f"-{k + 1}" if len(parts) > 1 else ""),
                    "label": f"{label}{suffix} — {t('portal.scope-count', count=len(part))}",
                    "bundles": [s.search_bundle for s in part],
                }
            )

    few = len(merge_parts(searchable)) == 1
    if few:
        add("tat-ca", t("portal.scope-all"), searchable)
    for commune in sorted({s.commune for s in searchable}):
        add(
            "xa-" + pages.commune_slug(commune),
            commune or t("portal.unknown"),
            [s for s in searchable if s.commune == commune],
        )
    for level in sorted({s.level for s in searchable}):
        add(
            "cap-" + (level or "khong-ro"),
            pages.level_name(level),
            [s for s in searchable if s.level == level],
        )
    if not few:
        for s in searchable:
            add("truong-" + s.slug, s.name, [s])
    return {"label": t("portal.scope-label"), "default": scopes[0]["id"] if scopes else "", "scopes": scopes}


__all__ = ["STALE", "PortalResult", "build"]
