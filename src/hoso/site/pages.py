"""Site model → Markdown pages (the docs folder's generated part).

Page count grows with years × (people + groups + types), never with PDFs: every record's
full entry (metadata, signatures, history, retention, download, preview) lives on the page of
its owner for its year, `ho-so/<year>/<owner>.md`, under an anchor; every other page links there.

Text that comes from the repository (titles, names, reasons) is HTML-escaped and, in Markdown
context, stripped of Markdown syntax, so a record cannot inject markup into the site.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable

from hoso.config.models import Retention
from hoso.config.vocab import RETENTION_EVENTS, role_name
from hoso.messages import has, lang, t
from hoso.site import timeliness_pages as tp
from hoso.site.model import (
    PUBLIC,
    STATUSES,
    Record,
    Signature,
    Site,
    describe_time,
)
from hoso.status import CHO_DUYET, KHONG_HOP_LE

# Top-level names of the docs folder that the generator owns; everything else is hand-written.
GENERATED = ("index.md", "nam-hoc", "loai", "to", "nguoi", "ho-so", "tim-kiem.md", "_hoso")
ATTENTION_LIMIT = 100  # rows per "needs attention" list on the home page; the rest are linked

IFRAME_WORKER = "_hoso/iframe-worker-shim.js"  # the polyfill Material's offline plugin wants

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def esc(text: object) -> str:
    """Escape for raw HTML."""
    return html.escape(str(text), quote=True)


def md(text: object) -> str:
    """Escape for Markdown inline text (headings, table cells, list items)."""
    plain = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(plain, quote=False))


def rel(src: str, dst: str) -> str:
    """Relative link from page `src` to `dst` (both docs-relative POSIX paths, maybe with #)."""
    target, _, frag = dst.partition("#")
    link = posixpath.relpath(target, posixpath.dirname(src) or ".")
    return link + ("#" + frag if frag else "")


def badge(status: str) -> str:
    return f'<span class="hoso-badge hoso-{esc(status)}">{esc(t("site.status." + status))}</span>'


def render(site: Site) -> dict[str, str]:
    """Every generated page: docs-relative path -> Markdown text."""
    pages: dict[str, str] = {
        "_hoso/hoso.css": CSS,
        "_hoso/search.js": asset("search.js"),
        "_hoso/preview.js": PREVIEW_JS,
        IFRAME_WORKER: vendored("iframe-worker/shim.js"),
    }
    pages["index.md"] = _home(site)
    pages["tim-kiem.md"] = _search_page(site)
    for year in site.years:
        pages[f"nam-hoc/{year}.md"] = _year(site, year)
    pages["nam-hoc/index.md"] = _years_index(site)
    pages["loai/index.md"] = _types_index(site)
    for rt in site.types():
        pages[f"loai/{rt.id}.md"] = _type(site, rt.id)
    pages["to/index.md"] = _groups_index(site)
    for g in site.groups():
        pages[f"to/{g.id}.md"] = _group(site, g.id)
    pages["nguoi/index.md"] = _people_index(site)
    for p in site.people():
        pages[f"nguoi/{p.id}.md"] = _person(site, p.id)
    for records in site.index.by_owner.values():
        pages[records[0].page] = _owner_page(site, records[0].page, records)
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


# ---- shared pieces ------------------------------------------------------------------------------


def _front(title: str, description: str = "") -> str:
    lines = ["---", f"title: {_yaml_str(title)}"]
    if description:
        lines.append(f"description: {_yaml_str(description)}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def _yaml_str(text: str) -> str:
    # The theme writes a page's title into <title> and its header without escaping: a name from
    # people.yml or a record's title reaches the page only as text, never as markup.
    plain = html.escape(" ".join(text.split()), quote=True)
    return '"' + plain.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _counts_row(site: Site, records: Iterable[Record]) -> str:
    c = site.by_status(records)
    return " | ".join(str(c[s]) for s in STATUSES) + f" | {sum(c.values())}"


def _status_header() -> str:
    return " | ".join(t("site.status." + s) for s in STATUSES) + " | " + t("site.total")


def _counts_header(first: str) -> list[str]:
    return [f"| {first} | {_status_header()} |", "|---|" + "---|" * (len(STATUSES) + 1)]


def _owner_counts(site: Site, src: str, records: Iterable[Record]) -> list[str]:
    """One row per owner page (the school first): the owner's name, linked, and its counts."""
    by_page: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        by_page[r.page].append(r)
    order = sorted(by_page, key=lambda p: (by_page[p][0].loc.owner_level != "truong", p))
    rows = [
        f"| [{md(by_page[p][0].owner_name)}]({rel(src, p)}) | {_counts_row(site, by_page[p])} |"
        for p in order
    ]
    return [*_counts_header(t("site.col.owner")), *rows]


def _record_link(src: str, r: Record) -> str:
    return f"[{md(r.title)}]({rel(src, r.page + '#' + r.anchor)})"


def _record_table(src: str, records: list[Record], with_owner: bool = True) -> list[str]:
    head = [t("site.col.record"), t("site.col.type")]
    if with_owner:
        head.append(t("site.col.owner"))
    head += [t("site.col.status"), t("site.col.signed")]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in records:
        cells = [_record_link(src, r), md(r.rt.name)]
        if with_owner:
            cells.append(md(r.owner_name))
        cells += [badge(r.status), md(describe_time(r.signed_on))]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _as_of(site: Site) -> str:
    text = t("site.as-of", commit=site.commit[:10], date=describe_time(site.commit_date))
    if site.audience == PUBLIC:
        text += '\n\n!!! note "' + t("site.public-title") + '"\n    ' + t("site.public-note")
    return text


# ---- home -------------------------------------------------------------------------------------


def _home(site: Site) -> str:
    school = site.config.catalog.school
    src = "index.md"
    out = [_front(t("site.nav.home"), t("site.home-description", school=school.name))]
    out.append(f"# {md(school.name)}\n")
    facts = [t("site.authority", name=md(school.authority)), t("site.province", name=md(school.province))]
    if school.commune:
        facts.append(t("site.commune", name=md(school.commune)))
    if school.address:
        facts.append(t("site.address", name=md(school.address)))
    facts.append(t("site.code", code=md(school.code)))
    out.append("  \n".join(facts) + "\n")
    out.append(_as_of(site) + "\n")
    out.append(f"## {t('site.years')}\n")
    out.extend(_counts_header(t("site.col.year")))
    for year in site.years:
        records = site.index.by_year.get(year, [])
        out.append(f"| [{year}]({rel(src, f'nam-hoc/{year}.md')}) | {_counts_row(site, records)} |")
    out.append(f"| **{t('site.total')}** | {_counts_row(site, site.records)} |\n")
    hidden = sum(site.hidden.values())
    if hidden:
        out.append(t("site.hidden-total", count=hidden) + "\n")
    out.append(f"## {t('site.attention')}\n")
    pending = [r for r in site.records if r.status == CHO_DUYET]
    invalid = [r for r in site.records if r.status == KHONG_HOP_LE]
    if not pending and not invalid and not site.missing and not site.invalid_paths:
        out.append(t("site.attention-none") + "\n")
    if invalid:
        out.append(f"### {t('site.attention-invalid', count=len(invalid))}\n")
        out.extend(_record_table(src, invalid[:ATTENTION_LIMIT]))
        out.append(_more(len(invalid)))
    if pending:
        out.append(f"### {t('site.attention-pending', count=len(pending))}\n")
        head = [t("site.col.record"), t("site.col.owner"), t("site.col.waiting-for")]
        out.append("| " + " | ".join(head) + " |")
        out.append("|---|---|---|")
        for r in pending[:ATTENTION_LIMIT]:
            out.append(f"| {_record_link(src, r)} | {md(r.owner_name)} | {md(', '.join(r.missing))} |")
        out.append(_more(len(pending)))
    if site.missing:
        out.append(f"### {t('site.attention-missing', count=len(site.missing))}\n")
        years = ", ".join(sorted({m.year for m in site.missing}, reverse=True))
        out.append(t("site.missing-explained", years=years) + "\n")
        head = [t("site.col.year"), t("site.col.type"), t("site.col.owner")]
        out.append("| " + " | ".join(head) + " |")
        out.append("|---|---|---|")
        for m in site.missing[:ATTENTION_LIMIT]:
            out.append(
                f"| {m.year} | [{md(m.rt.name)}]({rel(src, f'loai/{m.rt.id}.md')}) | {md(m.owner_name)} |"
            )
        out.append(_more(len(site.missing)))
    if site.invalid_paths and site.audience != PUBLIC:
        out.append(f"### {t('site.attention-misplaced', count=len(site.invalid_paths))}\n")
        out.extend(f"- `{esc(p)}`" for p in site.invalid_paths[:ATTENTION_LIMIT])
        out.append(_more(len(site.invalid_paths)))
    out.append(f"## {t('site.browse')}\n")
    out.append(f"- [{t('site.nav.search')}](tim-kiem.md)")
    out.append(f"- [{t('site.nav.types')}](loai/index.md)")
    out.append(f"- [{t('site.nav.groups')}](to/index.md)")
    out.append(f"- [{t('site.nav.people')}](nguoi/index.md)")
    out.append(f"- {t('site.index-json')}")
    return "\n".join(out) + "\n"


def _more(total: int) -> str:
    return ("\n" + t("site.more", count=total - ATTENTION_LIMIT) + "\n") if total > ATTENTION_LIMIT else ""


# ---- years, types, groups, people ----------------------------------------------------------------


def _years_index(site: Site) -> str:
    src = "nam-hoc/index.md"
    out = [_front(t("site.nav.years")), f"# {t('site.nav.years')}\n"]
    out.extend(_counts_header(t("site.col.year")))
    for year in site.years:
        records = site.index.by_year.get(year, [])
        out.append(f"| [{year}]({rel(src, f'nam-hoc/{year}.md')}) | {_counts_row(site, records)} |")
    return "\n".join(out) + "\n"


def _year(site: Site, year: str) -> str:
    src = f"nam-hoc/{year}.md"
    records = site.index.by_year.get(year, [])
    out = [
        _front(t("site.year-title", year=year)),
        f"# {t('site.year-title', year=year)}\n",
        _as_of(site) + "\n",
    ]
    out.append(f"## {t('site.by-owner')}\n")
    out.extend(_owner_counts(site, src, records))
    out.append(f"\n## {t('site.by-type')}\n")
    out.extend(_counts_header(t("site.col.type")))
    for rt in site.types():
        rs = site.index.by_type_year.get((rt.id, year), [])
        hidden = site.hidden.get((year, rt.id), 0)
        if not rs and not hidden:
            continue
        if hidden:
            out.append(f"| {md(rt.name)} | {t('site.hidden-count', count=hidden)} |" + " |" * len(STATUSES))
        else:
            link = rel(src, f"loai/{rt.id}.md#{year}")
            out.append(f"| [{md(rt.name)}]({link}) | {_counts_row(site, rs)} |")
    out.extend(tp.year_section(site, year))
    return "\n".join(out) + "\n"


def _retention_text(site: Site, rt_id: str) -> str:
    rt = site.config.catalog.type_by_id(rt_id)
    if rt is None:
        return ""
    keep = rt.retention.keep
    if isinstance(keep, int):
        text = t("site.keep-years", years=keep)
    elif keep in RETENTION_EVENTS:
        text = RETENTION_EVENTS[keep][1 if lang() == "en" else 0]
    else:
        text = t("site.keep-forever")
    text += " — " + md(rt.retention.source)
    if _flag_unconfirmed(rt.retention):
        text += " " + t("site.unconfirmed")
    return text


def _flag_unconfirmed(retention: Retention) -> bool:
    """Say "unconfirmed" unless the catalog's source text already says so."""
    return not retention.confirmed and "chưa đối chiếu" not in retention.source.casefold()


def _types_index(site: Site) -> str:
    src = "loai/index.md"
    out = [_front(t("site.nav.types")), f"# {t('site.nav.types')}\n"]
    head = [t("site.col.type"), t("site.col.owner-level"), t("site.col.retention"), t("site.col.count")]
    out.append("| " + " | ".join(head) + " |")
    out.append("|---|---|---|---|")
    for rt in site.types():
        count = sum(len(site.index.by_type_year.get((rt.id, y), [])) for y in site.years)
        count += sum(n for (_, tid), n in site.hidden.items() if tid == rt.id)
        name = f"[{md(rt.name)}]({rel(src, f'loai/{rt.id}.md')})"
        if rt.confidential:
            name += " " + _lock()
        out.append(f"| {name} | {t('site.level.' + rt.owner)} | {_retention_text(site, rt.id)} | {count} |")
    out.append("\n" + t("site.confidential-legend", icon=_lock()))
    return "\n".join(out) + "\n"


def _type(site: Site, type_id: str) -> str:
    rt = site.config.catalog.type_by_id(type_id)
    assert rt is not None
    src = f"loai/{type_id}.md"
    out = [_front(rt.name), f"# {md(rt.name)}\n"]
    if rt.description:
        out.append(md(rt.description) + "\n")
    facts = [
        t("site.type-owner", level=t("site.level." + rt.owner)),
        t("site.type-signers", signers=md(", ".join(_signers(rt.signers)))),
        t("site.type-retention", text=_retention_text(site, type_id)),
    ]
    if rt.basis:
        facts.append(t("site.type-basis", basis=md(rt.basis)))
    if rt.confidential:
        facts.append(t("site.type-confidential", icon=_lock()))
    out.append("  \n".join(facts) + "\n")
    for year in site.years:
        records = site.index.by_type_year.get((type_id, year), [])
        hidden = site.hidden.get((year, type_id), 0)
        timely = tp.type_section(site, year, type_id)
        if not records and not hidden and not timely:
            continue
        out.append(f"## {t('site.year-title', year=year)} {{ #{year} }}\n")
        out.extend(timely)
        if hidden:
            out.append(t("site.hidden-count", count=hidden) + "\n")
            continue
        if rt.owner == "giao-vien" and len(records) > 60:
            out.extend(_owner_counts(site, src, records))
        else:
            out.extend(_record_table(src, records))
        out.append("")
    return "\n".join(out) + "\n"


def _signers(specs: list[str | list[str]]) -> list[str]:
    from hoso.rules.signatures import signer_label
    from hoso.status import signer_spec

    return [signer_label(signer_spec(s)) for s in specs]


def _members(site: Site, group_id: str) -> list[tuple[str, str, str]]:
    found = []
    for p in site.people():
        for r in p.roles:
            if r.group == group_id:
                until = r.until.strftime("%d/%m/%Y") if r.until else "…"
                found.append(
                    (p.id, p.name, f"{role_name(r.role)} ({r.from_.strftime('%d/%m/%Y')} – {until})")
                )
    return found


def _groups_index(site: Site) -> str:
    src = "to/index.md"
    out = [_front(t("site.nav.groups")), f"# {t('site.nav.groups')}\n"]
    out.append(f"| {t('site.col.group')} | {t('site.col.members')} | {t('site.col.count')} |")
    out.append("|---|---|---|")
    for g in site.groups():
        members = {pid for pid, _, _ in _members(site, g.id)}
        count = sum(
            len(site.index.owned(y, "to", g.id))
            + sum(len(site.index.owned(y, "giao-vien", m)) for m in members)
            for y in site.years
        )
        out.append(f"| [{md(g.name)}]({rel(src, f'to/{g.id}.md')}) | {len(members)} | {count} |")
    return "\n".join(out) + "\n"


def _group(site: Site, group_id: str) -> str:
    group = site.config.people.group(group_id)
    assert group is not None
    src = f"to/{group_id}.md"
    out = [_front(group.name), f"# {md(group.name)}\n", f"## {t('site.members')}\n"]
    members = _members(site, group_id)
    for pid, name, role in members:
        out.append(f"- [{md(name)}]({rel(src, f'nguoi/{pid}.md')}) — {md(role)}")
    ids = {pid for pid, _, _ in members}
    for year in site.years:
        own = site.index.owned(year, "to", group_id)
        theirs = [r for pid in sorted(ids) for r in site.index.owned(year, "giao-vien", pid)]
        timely = tp.group_section(site, year, group_id, ids)
        if not own and not theirs and not timely:
            continue
        out.append(f"\n## {t('site.year-title', year=year)}\n")
        out.extend(timely)
        if own:
            out.append(f"### {t('site.group-records')}\n")
            out.extend(_record_table(src, own, with_owner=False))
            out.append("")
        if theirs:
            out.append(f"### {t('site.member-records')}\n")
            out.extend(_owner_counts(site, src, theirs))
    return "\n".join(out) + "\n"


def _people_index(site: Site) -> str:
    src = "nguoi/index.md"
    out = [_front(t("site.nav.people")), f"# {t('site.nav.people')}\n"]
    out.append(f"| {t('site.col.person')} | {t('site.col.roles')} | {t('site.col.count')} |")
    out.append("|---|---|---|")
    counts: dict[str, int] = defaultdict(int)
    for r in site.records:
        if r.loc.owner_level == "giao-vien" and r.loc.owner_id:
            counts[r.loc.owner_id] += 1
    for p in site.people():
        roles = sorted({role_name(r.role) for r in p.roles})
        out.append(
            f"| [{md(p.name)}]({rel(src, f'nguoi/{p.id}.md')}) | {md(', '.join(roles))} | {counts[p.id]} |"
        )
    return "\n".join(out) + "\n"


def _person(site: Site, person_id: str) -> str:
    person = site.config.people.person(person_id)
    assert person is not None
    src = f"nguoi/{person_id}.md"
    out = [_front(person.name), f"# {md(person.name)}\n", f"## {t('site.col.roles')}\n"]
    for r in person.roles:
        group = site.config.people.group(r.group) if r.group else None
        where = group.name if group else (r.group or r.class_ or "")
        until = r.until.strftime("%d/%m/%Y") if r.until else "…"
        span = f"{r.from_.strftime('%d/%m/%Y')} – {until}"
        out.append(f"- {md(role_name(r.role))}{' — ' + md(where) if where else ''} ({span})")
    signed = site.index.signed.get(person_id, {})
    for year in site.years:
        own = site.index.owned(year, "giao-vien", person_id)
        timely = tp.owner_section(site, year, "giao-vien", person_id)
        if not own and not signed.get(year) and not timely:
            continue
        out.append(f"\n## {t('site.year-title', year=year)}\n")
        out.extend(timely)
        if own:
            out.extend(_record_table(src, own, with_owner=False))
            out.append("")
        if signed.get(year):
            out.append(t("site.signed-others", count=signed[year]) + "\n")
    return "\n".join(out) + "\n"


# ---- the record entries --------------------------------------------------------------------------


def _owner_page(site: Site, page: str, records: list[Record]) -> str:
    first = records[0]
    title = t("site.owner-page-title", owner=first.owner_name, year=first.loc.year)
    out = [_front(title), f"# {md(title)}\n", _as_of(site) + "\n"]
    links = [f"[{t('site.year-title', year=first.loc.year)}]({rel(page, f'nam-hoc/{first.loc.year}.md')})"]
    if first.loc.owner_level == "giao-vien" and first.loc.owner_id:
        links.append(f"[{md(first.owner_name)}]({rel(page, f'nguoi/{first.loc.owner_id}.md')})")
    elif first.loc.owner_level == "to" and first.loc.owner_id:
        links.append(f"[{md(first.owner_name)}]({rel(page, f'to/{first.loc.owner_id}.md')})")
    out.append(" · ".join(links) + "\n")
    for r in sorted(records, key=lambda r: (r.rt.name, r.title)):
        out.append(_entry(site, page, r))
    # Chromium ignores loading="lazy" for file:// pages: load a preview only when it is opened
    out.append(f'<script src="{rel(page, "_hoso/preview.js")}"></script>')
    return "\n".join(out) + "\n"


def _entry(site: Site, page: str, r: Record) -> str:
    """One record: a Markdown heading (so the page's table of contents lists it), then one raw
    HTML block. Raw HTML passes through Markdown untouched, which keeps a page of many records
    cheap to render (Markdown tables and inline patterns dominated the build at 10,000 records)."""
    heading = f'## {md(r.title)} {{ #{r.anchor} data-hoso-record="{esc(r.path)}" }}\n'
    waiting = f" {esc(t('site.waiting-for', who=', '.join(r.missing)))}" if r.missing else ""
    type_href = _html_link(rel(page, f"loai/{r.rt.id}.md"))
    meta = [
        (t("site.col.type"), f'<a href="{esc(type_href)}">{esc(r.rt.name)}</a>'),
        (t("site.col.owner"), esc(r.owner_name)),
        (t("site.col.year"), esc(r.loc.year)),
        (t("site.col.file"), f"<code>{esc(r.path)}</code>"),
        (t("site.col.version"), f"<code>{esc(r.oid)}</code>"),
        (t("site.col.size"), esc(t("site.size", kb=f"{r.size / 1024:.1f}", pages=r.pages or "?"))),
        (t("site.col.retention"), esc(_keep_text(site, r, plain=True))),
        *tp.entry_rows(r.timeliness),
    ]
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in meta)
    href = esc(rel(page, r.file))
    body = [
        '<div class="hoso-entry">',
        f'<p class="hoso-status">{badge(r.status)}{waiting}</p>',
        f'<table class="hoso-meta"><tbody>{rows}</tbody></table>',
        f'<p class="hoso-actions"><a class="md-button md-button--primary" href="{href}" download>'
        f'{esc(t("site.download"))}</a> <a class="md-button" href="{href}">{esc(t("site.open"))}</a></p>',
        f'<h3 id="{esc(r.anchor)}--ky">{esc(t("site.signatures"))}</h3>',
        _signatures(r).strip(),
        f'<h3 id="{esc(r.anchor)}--ls">{esc(t("site.history"))}</h3>',
        _history(r).strip(),
        f'<details class="hoso-preview"><summary>{esc(t("site.preview"))}</summary>'
        f'<iframe data-src="{href}" title="{esc(r.title)}"></iframe></details>',
        "</div>",
    ]
    return heading + "\n" + "\n".join(line for line in body if line) + "\n\n"


def _html_link(link: str) -> str:
    """A docs-relative link to a page as the built site names it (use_directory_urls: false)."""
    target, sep, frag = link.partition("#")
    if target.endswith(".md"):
        target = target[:-3] + ".html"
    return target + sep + frag


def _keep_text(site: Site, r: Record, plain: bool = False) -> str:
    if r.retention == "vinh-vien":
        text = t("site.keep-forever")
    elif r.retention == "su-kien":
        text = RETENTION_EVENTS.get(str(r.rt.retention.keep), (str(r.rt.retention.keep),) * 2)[
            1 if lang() == "en" else 0
        ]
    else:
        until = r.keep_until.strftime("%d/%m/%Y") if r.keep_until else "?"
        text = t("site.keep-until", date=until)
    text += " — " + (r.rt.retention.source if plain else md(r.rt.retention.source))
    if _flag_unconfirmed(r.rt.retention):
        text += " " + t("site.unconfirmed")
    return text


def _yes(flag: bool | None) -> str:
    if flag is None:
        return t("site.unknown")
    return t("site.yes") if flag else t("site.no")


def _signatures(r: Record) -> str:
    if not r.signatures:
        # an unreadable or missing file is not "unsigned": say what the verifier found
        verdict = "site.file-verdict." + r.file_status
        text = t("site.no-signatures") if r.file_status == "unsigned" or not has(verdict) else t(verdict)
        return f"<p>{esc(text)}</p>\n"
    rows = []
    for i, s in enumerate(r.signatures, 1):
        rows.append(_signature_block(i, s))
    verdict = t("site.file-verdict." + r.file_status) if r.file_status else ""
    return '<div class="hoso-signatures">\n' + "\n".join(rows) + f"\n<p>{esc(verdict)}</p>\n</div>\n"


def _signature_block(number: int, s: Signature) -> str:
    who = s.person_name or s.signer
    if s.person == "seal":
        who = t("site.seal")  # the certificate's name, the school's, follows in parentheses
    label = t("site.timestamp-n", n=number) if s.kind == "doc-timestamp" else t("site.signature-n", n=number)
    time_label = t("site.time-tsa") if s.time_source == "timestamp" else t("site.time-claimed")
    chain = " → ".join(s.chain) if s.chain else t("site.unknown")
    rows = [
        (t("site.sig.signer"), who + (f" ({s.signer})" if s.signer != who else "")),
        (t("site.sig.capacity"), s.capacity_label or _extra(s)),
        (t("site.sig.time"), f"{describe_time(s.time) or t('site.unknown')} — {time_label}"),
        (t("site.sig.integrity"), t("site.sig.intact") if s.intact else t("site.sig.altered")),
        (t("site.sig.coverage"), t("verify.coverage." + s.coverage, revision=(s.revision or 0) + 1)),
        (
            t("site.sig.chain"),
            chain + " — " + (t("site.sig.trusted") if s.chain_trusted else t("site.sig.untrusted")),
        ),
        (t("site.sig.valid-at-signing"), _yes(s.valid_at_signing)),
        (
            t("site.sig.algorithm"),
            f"{s.digest_algorithm or '?'}, {s.signature_algorithm or '?'}, {s.key or '?'}",
        ),
        (t("site.sig.verdict"), t("site.sig.status." + s.status)),
    ]
    if s.reasons:
        rows.append((t("site.sig.reasons"), "; ".join(t(r) for r in s.reasons)))
    if s.fingerprint:
        rows.append((t("site.sig.fingerprint"), s.fingerprint))
    body = "\n".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return (
        f'<table class="hoso-signature hoso-sig-{esc(s.status)}">\n'
        f"<caption>{esc(label)}</caption>\n{body}\n</table>"
    )


def _extra(s: Signature) -> str:
    """A signature the catalog does not ask for: who signed, in the roles they held."""
    if s.kind == "doc-timestamp":
        return t("site.capacity.timestamp")
    if s.roles:
        return t("site.capacity.extra", roles=", ".join(s.roles))
    return t("site.sig.no-role")


def _history(r: Record) -> str:
    if not r.history:
        return f"<p>{esc(t('site.no-history'))}</p>\n"
    items = []
    for h in r.history:
        kind = t("log.kind." + h.kind)
        text = f"<strong>{esc(describe_time(h.date))}</strong> — {esc(kind)} — {esc(h.who)}"
        if h.evidence:
            shown = ", ".join(t(f"log.proof.{kind}", person=who) for kind, who in h.evidence)
            text += f'<br><span class="hoso-evidence">{esc(t("log.evidence", items=shown))}</span>'
        if h.claims:
            claimed = t("log.claimed", people=", ".join(h.claims))
            text += f'<br><span class="hoso-claim">{esc(claimed)}</span>'
        if h.reason:
            text += f"<br><em>{esc(t('site.reason', reason=h.reason))}</em>"
        elif h.withheld:  # public edition: the commit also touches a confidential record
            text += f"<br><em>{esc(t('site.reason-withheld'))}</em>"
        if h.commit:
            text += f' <code title="commit">{esc(h.commit[:10])}</code>'
        items.append(f'<li class="hoso-event hoso-event-{esc(h.kind)}">{text}</li>')
    return '<ol class="hoso-history">\n' + "\n".join(items) + "\n</ol>\n"


# ---- search page --------------------------------------------------------------------------------


def _search_page(site: Site) -> str:
    """The search box and its results are drawn by _hoso/search.js from the texts given here."""
    from hoso.site.search import KINDS, ranking_json

    texts = {
        "label": t("site.nav.search"),
        "placeholder": t("site.search-placeholder"),
        # templates: search.js fills {count} and {query}
        "results": t("site.search-results", count="{count}", query="{query}"),
        "none": t("site.search-none", query="{query}"),
        "phrase": t("site.search-phrase", query="{query}"),
        "words": t("site.search-words"),
        "more": t("site.search-more"),
        "kinds": {kind: t(key) for kind, key in KINDS.items()},
        "statuses": {s: t("site.status." + s) for s in STATUSES},
    }
    out = [_front(t("site.nav.search")), f"# {t('site.nav.search')}\n"]
    out.append(t("site.search-help") + "\n")
    out.append(
        f'<div id="hoso-search" data-bundle="pagefind/" data-ranking="{esc(ranking_json())}" '
        f'data-text="{esc(json.dumps(texts, ensure_ascii=False, sort_keys=True))}"></div>'
    )
    out.append(f'<p id="hoso-search-offline" hidden>{esc(t("site.search-offline"))}</p>')
    out.append('<script src="_hoso/search.js"></script>')
    return "\n".join(out) + "\n"


def _lock() -> str:
    """Material's lock icon (inline SVG: no font needs to hold a lock symbol), with its name."""
    return ':material-lock:{ title="' + t("site.confidential-icon") + '" }'


def asset(name: str) -> str:
    from importlib import resources

    return (resources.files("hoso") / "data" / "site" / name).read_text(encoding="utf-8")


def vendored(name: str) -> str:
    from importlib import resources

    return (resources.files("hoso") / "data" / "vendor" / name).read_text(encoding="utf-8")


PREVIEW_JS = """// hoso: a PDF preview loads its file only when the reader opens it.
document.addEventListener("toggle", function (event) {
  var details = event.target;
  if (!details.classList || !details.classList.contains("hoso-preview") || !details.open) return;
  var frame = details.querySelector("iframe[data-src]");
  if (frame && !frame.getAttribute("src")) frame.setAttribute("src", frame.getAttribute("data-src"));
}, true);  // "toggle" does not bubble: listen in the capture phase
"""

CSS = """/* hoso: status badges, signature tables, the history timeline, the PDF preview */
.hoso-badge { display: inline-block; padding: .1em .6em; border-radius: .8em; font-size: .8em;
  font-weight: 700; color: #fff; }
.hoso-da-duyet { background: #2e7d32; }
.hoso-cho-duyet { background: #b26a00; }
.hoso-khong-hop-le { background: #c62828; }
.md-typeset table.hoso-signature { display: table; width: 100%; margin: .6em 0 1.2em;
  border-collapse: collapse; font-size: .75rem; border: 1px solid var(--md-default-fg-color--lightest); }
.md-typeset table.hoso-signature caption { text-align: left; font-weight: 700; padding: .3em 0; }
.md-typeset table.hoso-signature th, .md-typeset table.hoso-signature td { padding: .35em .7em;
  vertical-align: top; text-align: left; border-top: 1px solid var(--md-default-fg-color--lightest); }
.md-typeset table.hoso-signature th { width: 13rem; min-width: 10rem; font-weight: 600; }
.md-typeset table.hoso-signature td { overflow-wrap: anywhere; }
table.hoso-sig-valid caption::before { content: "✔ "; color: #2e7d32; }
table.hoso-sig-invalid caption::before, table.hoso-sig-untrusted caption::before { content: "✘ ";
  color: #c62828; }
.md-typeset table.hoso-meta { display: table; width: 100%; border-collapse: collapse; font-size: .75rem;
  border: 1px solid var(--md-default-fg-color--lightest); }
.md-typeset table.hoso-meta th, .md-typeset table.hoso-meta td { padding: .35em .7em; text-align: left;
  vertical-align: top; border-top: 1px solid var(--md-default-fg-color--lightest); }
.md-typeset table.hoso-meta th { width: 13rem; font-weight: 600; }
.md-typeset table.hoso-meta td { overflow-wrap: anywhere; }
.hoso-claim { color: var(--md-typeset-color); font-style: italic; }
.hoso-claim::before { content: "⚠ "; }
.hoso-evidence::before { content: "✓ "; }
.hoso-timely { font-weight: 600; }
.hoso-dung-han { color: #2e7d32; }
.hoso-tre-han { color: #c62828; }
ol.hoso-history { border-left: 3px solid var(--md-default-fg-color--lightest); padding-left: 1.2em; }
.hoso-event-tu-choi { color: #c62828; }
.hoso-event-duyet { color: #2e7d32; }
.hoso-preview iframe { width: 100%; height: 70vh; border: 1px solid #ccc; }
/* the search page (_hoso/search.js) */
#hoso-search .pagefind-ui__search-input { box-sizing: border-box; width: 100%; font-size: .9rem;
  padding: .6em .8em; border: 1px solid var(--md-default-fg-color--lighter); border-radius: .2rem;
  background: var(--md-default-bg-color); color: var(--md-default-fg-color); }
.md-typeset #hoso-search ol.pagefind-ui__results { list-style: none; margin: 0; padding: 0; }
.md-typeset #hoso-search li.pagefind-ui__result { margin: 0; padding: .6em 0;
  border-top: 1px solid var(--md-default-fg-color--lightest); }
#hoso-search .pagefind-ui__result-title { margin: 0; font-weight: 700; }
#hoso-search .hoso-result-detail { margin: .2em 0; font-size: .7rem;
  color: var(--md-default-fg-color--light); }
#hoso-search .hoso-result-kind { font-weight: 600; }
#hoso-search .pagefind-ui__result-excerpt { margin: .2em 0 0; font-size: .75rem; }
#hoso-search .hoso-search-group { margin: 1.4em 0 .3em; font-weight: 700; }
@media print { .hoso-preview, .hoso-actions { display: none; } }
"""
