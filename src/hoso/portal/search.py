"""The portal's search: its own index (one document per school) and the search page, whose
scopes merge the schools' own Pagefind indexes a few at a time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hoso.messages import t
from hoso.portal import pages
from hoso.portal.tables import School

# Schools whose search indexes one query may merge: each costs its index metadata and a chunk of
# each word (a few to tens of KiB), and a query should stay well under 2 MB (bench/bench_portal.py).
MERGE_LIMIT = 40
# ... and records: the chunks grow with them (36 schools of 10,000 records: 1.61 MiB for a word
# in every record, 8 s to the first result; 10 such schools: about a quarter of that)
MERGE_RECORDS = 100_000


def write_school_index(portal: pages.Portal, out: Path) -> None:
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


def search_page(renderer: pages.Renderer, portal: pages.Portal) -> str:
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
