"""Writing the portal: MkDocs over the generated pages, then the files MkDocs does not make.

The engine is the school site's (hoso.site.build: hoso's own MkDocs configuration, Material, the
`offline` and `privacy` plugins, Material's icons, no theme overrides), so the portal looks and
behaves like the schools' sites, offline included. Only the pages that changed go through MkDocs:
a school's pages whose key (its data, its verification, the templates, the navigation) is the
one of the last build are hard-linked from the last portal, so one changed school costs its own
pages and the overview pages, not a province's.
"""

from __future__ import annotations

import copy
import html
import os
import shutil
from pathlib import Path
from typing import Any

from hoso.messages import t
from hoso.site import build as site_build
from hoso.site import pages as site_pages

PORTAL_CSS = """/* hoso portal: tables over many schools, verification states */
.md-typeset table.hoso-portal-table { display: table; width: 100%; border-collapse: collapse;
  font-size: .7rem; }
.md-typeset table.hoso-portal-table th, .md-typeset table.hoso-portal-table td { padding: .3em .5em;
  border-top: 1px solid var(--md-default-fg-color--lightest); text-align: left; vertical-align: top; }
.md-typeset table.hoso-portal-table tr.hoso-portal-total td { font-weight: 700; }
.hoso-portal-state { display: inline-block; padding: .05em .5em; border-radius: .8em; font-size: .85em;
  font-weight: 700; color: #fff; white-space: nowrap; }
.hoso-portal-ok { background: #2e7d32; }
.hoso-portal-declared { background: #1565c0; }
.hoso-portal-stale { background: #b26a00; }
.hoso-portal-unverified, .hoso-portal-error { background: #c62828; }
.hoso-portal-scope select { margin: 0 0 .8em .3em; font-size: .8rem; }
"""


def assets() -> dict[str, str]:
    """The style sheets and scripts of the portal's pages (docs-relative path -> text)."""
    from importlib import resources

    portal_js = (resources.files("hoso") / "data" / "portal" / "portal-search.js").read_text(encoding="utf-8")
    return {
        "_hoso/hoso.css": site_pages.CSS,
        "_hoso/portal.css": PORTAL_CSS,
        "_hoso/search.js": site_pages.asset("search.js"),
        "_hoso/portal-search.js": portal_js,
        site_pages.IFRAME_WORKER: site_pages.vendored("iframe-worker/shim.js"),
    }


def engine_config(docs: Path, out: Path, title: str, nav: list[object], footer: str) -> dict[str, Any]:
    engine = copy.deepcopy(site_build.ENGINE)
    return {
        **engine,
        "site_name": title,
        "docs_dir": str(docs),
        "site_dir": str(out),
        "nav": nav,
        "extra_css": ["_hoso/hoso.css", "_hoso/portal.css"],
        "markdown_extensions": [*engine["markdown_extensions"], site_build.icons_extension()],
        "extra": {"polyfills": [site_pages.IFRAME_WORKER], "generator": False},
        "copyright": html.escape(footer, quote=False),
    }


def run_mkdocs(work: Path, config: dict[str, Any], epoch: int) -> list[str]:
    """MkDocs with hoso's engine; its warnings returned, a failure raised as the site's error."""
    return site_build.run_engine(work, config, epoch)


def link_file(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:  # another file system, or links not allowed: a copy
        shutil.copyfile(src, dst, follow_symlinks=False)


def link_tree(src: Path, dst: Path) -> int:
    """Hard-link (else copy) every regular file under `src` into `dst`; symlinks and hidden
    entries are left out, so nothing outside the site folder can reach the portal. `src` is a site
    the portal built itself, in its cache: a school's own folder, which the school may edit after
    it was verified (a hard link follows), is never linked.
    Returns the file count. Plain strings and scandir's cached types: a province is millions of
    files, and pathlib's objects cost more than the link itself."""
    count = 0
    todo = [(os.fspath(src), os.fspath(dst))]
    while todo:
        here, there = todo.pop()
        os.makedirs(there, exist_ok=True)
        with os.scandir(here) as entries:
            for entry in entries:
                if entry.name.startswith(".") and entry.is_dir(follow_symlinks=False):
                    continue
                target = os.path.join(there, entry.name)
                if entry.is_dir(follow_symlinks=False):
                    todo.append((entry.path, target))
                elif entry.is_file(follow_symlinks=False):
                    try:
                        os.link(entry.path, target, follow_symlinks=False)
                    except OSError:
                        shutil.copyfile(entry.path, target, follow_symlinks=False)
                    count += 1
    return count


def footer(title: str, schools: int) -> str:
    return t("portal.footer", title=title, count=schools)
