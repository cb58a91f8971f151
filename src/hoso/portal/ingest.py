"""Steps 1-3 of `hoso portal build` for each school: its index.json into the store (unless the
store holds that very index.json already), its folder name, and its state.

- Folder names: every `id:` of schools.yml is reserved first, then a school without one is named
  by its code or name; two schools claiming one code, or a `code:` override the school's own
  index.json contradicts, are flagged (the authority named them, the school did not).
- What a public portal leaves out: hoso's confidential types, schools.yml's, and the school's own.
- The state (verify.py): đã xác minh (a repository the portal built), trường tự khai (a site folder
  or an address whose files match), dữ liệu cũ, không xác minh được, lỗi.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from typing import Any

from hoso.messages import t
from hoso.portal.index import BadIndex, Index, parse
from hoso.portal.sources import (
    DECLARED,
    ERROR,
    REPO,
    SITE,
    UNVERIFIED,
    URL,
    Got,
    Problem,
    read_raw,
)
from hoso.portal.store import STORE_VERSION, Store
from hoso.portal.tables import School
from hoso.portal.verify import check, worst
from hoso.records import make_slug
from hoso.site.build import without_hand_written

SITES = "site"  # schools' own sites inside the portal


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


def ingest(store: Store, gots: list[Got], audience: str) -> tuple[list[School], int]:
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


def verify_school(store: Store, got: Got, school: School, audience: str) -> None:
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
