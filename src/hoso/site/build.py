"""`hoso site build`: model → pages → MkDocs + Material → PDFs, search index, index.json.

Safe and repeatable:
- everything is built in a temporary folder next to the site and swapped in by rename only when
  every step succeeded: a failed build leaves the last good site in place;
- the output is the same byte for byte for the same commit: MkDocs gets SOURCE_DATE_EPOCH =
  the commit's time, and the only "now" is `build-info.json`, labelled as the build time;
- nothing is fetched: Material's `offline` and `privacy` plugins (the latter never downloads:
  an external asset on a hand-written page is reported, not fetched by the build machine), no web
  fonts, Pagefind's index written locally.

Nothing of the school's repository runs here (docs/site.md, "What a school can change"): MkDocs
gets hoso's own configuration (`ENGINE`), plus the presentation keys `presentation.read` accepted
from the school's mkdocs.yml; site_src/ is checked for symlinks (`sources.scan`) and copied. The
school's page templates (site_templates/) are read and compiled before the model is collected:
a bad one fails the build in a second, not after minutes. In a repository without a work tree
(the portal's mirror) all three come from the commit built, never from a folder that may hold
something else.
One build at a time per work tree (`lock.build_lock`), and every build generates its pages into a
folder of its own, so two builds (inspector and public) never see each other's pages. A folder
holding a build of the other audience is not replaced unless the caller says so
(`replace_other_audience`, `--replace-other-audience`): the inspectors' edition in the folder
served to everyone is one wrong word in a cron line. Whoever can write that folder can edit its
files, so each of build-info.json and index.json is a claim (`check_audience`): either naming the
other audience refuses, and the inspectors' edition goes only where both say it was.

`hand_written=False` (the portal's copy of a school's site, served in an origin shared with other
schools) publishes hoso's generated pages only, from the built-in templates: no page, file,
template or markup of the school's.

The MkDocs engine is driven here and only here; `model`, `pages`, `search` and `index_json` know
nothing of it, so the site can move to another generator.
"""

from __future__ import annotations

import contextlib
import copy
import html
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from hoso.errors import ExitCode, HosoError
from hoso.messages import t
from hoso.site import index_json, pages, presentation, search, sources
from hoso.site.lock import build_lock
from hoso.site.model import INSPECTOR, PUBLIC, Site, collect
from hoso.site.presentation import MKDOCS_FILE, Presentation
from hoso.site.publish import BUILD_INFO, copy_pdfs, not_a_site, recover, remove, swap, write_json
from hoso.site.sources import SITE_SRC, Sources

SITE_DIR = "site"
PUBLIC_SUFFIX = "-public"
AUDIENCE_FILES = (BUILD_INFO, "index.json")
HAND_WRITTEN = "hand_written"  # build-info.json: false when the school's pages were left out

# hoso's own MkDocs configuration: the school's mkdocs.yml never reaches MkDocs.
ENGINE: dict[str, Any] = {
    "use_directory_urls": False,
    "theme": {
        "name": "material",
        "language": "vi",
        "font": False,  # web fonts would be fetched from the internet
        "features": ["navigation.prune", "navigation.top", "toc.follow"],  # prune: constant page size
    },
    "plugins": [
        "offline",  # browsable from a folder or a USB stick (file://)
        # external assets are reported, never downloaded by the build machine (a hand-written
        # page could name any address of its network); mermaid is loaded by Material only for
        # diagrams, unused
        {"privacy": {"assets_fetch": False, "assets_exclude": ["unpkg.com/mermaid@11/*"]}},
    ],
    # pymdownx.emoji: Material's icons (:material-lock:) as inline SVG; see icons_extension()
    "markdown_extensions": ["attr_list", "tables", "admonition", {"toc": {"permalink": True}}],
    "validation": {
        "nav": {"omitted_files": "info", "not_found": "warn"},
        "links": {"not_found": "info", "anchors": "info", "unrecognized_links": "info"},
    },
}


class SiteBuildError(HosoError):
    exit_code = ExitCode.CONFIG


@dataclass
class BuildResult:
    out: Path
    site: Site
    pages: int
    records: int
    files_linked: int
    files_written: int
    warnings: list[str] = field(default_factory=list)


def default_out(root: Path, audience: str) -> Path:
    return root / (SITE_DIR if audience == INSPECTOR else SITE_DIR + PUBLIC_SUFFIX)


def build(
    root: Path,
    audience: str = INSPECTOR,
    out: Path | None = None,
    *,
    rev: str = "HEAD",
    now: datetime | None = None,
    today: date | None = None,
    on_wait: Callable[[str, float], None] | None = None,
    lock_timeout: float | None = None,
    replace_other_audience: bool = False,
    hand_written: bool = True,
    log_keys: Sequence[str] | None = None,  # the server's push-log keys: site.model.collect
) -> BuildResult:
    src = sources.scan(root, pages.GENERATED, rev)  # a bare repository's: the commit's own files
    look = presentation.read(root, src)
    if not hand_written:
        src, look = generated_only(src, look)
    templates = pages.renderer(root if hand_written else None, rev)  # refused here, before `collect`
    target = (out or default_out(root, audience)).resolve()
    top, site_src = root.resolve(), (root / SITE_SRC).resolve()
    if target in (top, site_src) or target in top.parents or site_src in target.parents:
        raise SiteBuildError("site.bad-out", path=str(target))
    if not_a_site(target):
        # the swap replaces the whole folder: never a folder of someone's files (--out ~/Desktop)
        raise SiteBuildError("site.out-not-site", path=str(target))
    with build_lock(root, lock_timeout, on_wait):
        recover(target)  # an interrupted build's last good site: an empty place would say nothing
        if not replace_other_audience:
            check_audience(target, audience)
        site = collect(root, audience, rev, today=today, log_keys=log_keys)
        generated = pages.render(site, templates)
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        remove(tmp)
        work = Path(tempfile.mkdtemp(prefix="hoso-site-"))
        try:
            docs = work / "docs"  # this build's own pages: nothing is shared with another build
            docs.mkdir()
            src.copy_into(docs)
            write_docs(docs, generated)
            warnings = _mkdocs(work, docs, tmp, site, look, src)
            if look.legacy:
                warnings.insert(0, t("site.config-legacy", keys=", ".join(look.legacy)))
            linked, written = copy_pdfs(root, site, tmp, target)
            search.build_index(site, tmp)
            write_json(tmp / "index.json", index_json.build(site))
            schema = resources.files("hoso") / "data" / index_json.SCHEMA_FILE
            (tmp / index_json.SCHEMA_FILE).write_bytes(schema.read_bytes())
            moment = (now or datetime.now(UTC)).replace(microsecond=0)
            write_json(
                tmp / BUILD_INFO,
                {
                    "_comment": "built_at is the only time of the build itself; every other file depends "
                    "only on the commit",
                    "built_at": moment.isoformat(),
                    "commit": site.commit,
                    "commit_date": site.commit_date,
                    "audience": audience,
                    # the day the missing list and deadlines were judged for: the portal rebuilds
                    # an unchanged commit on another day
                    "today": site.timeliness.today.isoformat() if site.timeliness else None,
                    **({} if hand_written else {HAND_WRITTEN: False}),
                },
            )
            swap(tmp, target)
        except OSError as exc:  # disk full, a file of the site held open, a name in the way…
            remove(tmp)
            raise SiteBuildError("site.write-failed", path=str(target), error=str(exc)) from exc
        except BaseException:
            remove(tmp)
            raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
    page_count = sum(1 for p in generated if p.endswith(".md"))
    return BuildResult(target, site, page_count, len(site.records), linked, written, warnings)


def built_for(folder: Path) -> dict[str, str | None]:
    """The audience each of build-info.json and index.json of `folder` names (both written by
    every build); None for a file that is missing, unreadable or names none."""
    found: dict[str, str | None] = {}
    for name in AUDIENCE_FILES:
        data = _json_of(folder / name)
        audience = data.get("audience") if isinstance(data, dict) else None
        found[name] = str(audience) if audience in (INSPECTOR, PUBLIC) else None
    return found


def check_audience(target: Path, audience: str) -> None:
    """Refuse to replace `target` with the `audience` edition unless its files say it may be.

    Either file naming the other audience refuses. The inspectors' edition (confidential records)
    goes only where both say `inspector`: a file edited, removed or made unreadable must not open
    the public folder to it. The public edition holds nothing confidential: one file saying
    `public`, the other unreadable, is enough. An empty or missing folder holds nothing."""
    try:
        if not target.is_dir() or not any(target.iterdir()):
            return
    except OSError:
        return  # an unreadable folder fails the build when it is written
    named = built_for(target)
    for name, previous in named.items():
        if previous is not None and previous != audience:
            raise SiteBuildError(
                "site.other-audience",
                path=str(target),
                file=name,
                edition=t("site.edition." + audience),
                previous=t("site.edition." + previous),
            )
    said = list(named.values())
    known = all(a == audience for a in said) if audience == INSPECTOR else audience in said
    if known:
        return
    raise SiteBuildError(
        "site.audience-unknown",
        path=str(target),
        files=", ".join(name for name, a in named.items() if a is None),
        edition=t("site.edition." + audience),
    )


def _json_of(path: Path) -> Any:
    """The JSON of a regular file, or None (missing, a FIFO or a folder, unreadable, too deep)."""
    if not path.is_file():  # never open a FIFO or a device left there
        return None
    try:
        with path.open("rb") as fh:
            return json.load(fh)
    except (OSError, ValueError, RecursionError):
        return None


def generated_only(src: Sources, look: Presentation) -> tuple[Sources, Presentation]:
    """No hand-written page or file of site_src/, and of mkdocs.yml only the plain-text names
    (no `copyright` markup, logo, style sheet or navigation): a page of the school may hold any
    HTML, scripts included, which must not run where other schools' pages are served."""
    plain = Presentation(
        site_name=look.site_name, site_description=look.site_description, site_author=look.site_author
    )
    return Sources(src.folder, ()), plain


def without_hand_written(folder: Path) -> bool:
    """Does the site in `folder` say it was built with `hand_written=False`?"""
    info = _json_of(folder / BUILD_INFO)
    return isinstance(info, dict) and info.get(HAND_WRITTEN) is False


def write_docs(docs: Path, generated: dict[str, str]) -> None:
    """Write the generated pages into this build's docs folder (hand-written ones are there)."""
    for rel, text in generated.items():
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


# ---- MkDocs -------------------------------------------------------------------------------------


def mkdocs_config(docs: Path, out: Path, site: Site, look: Presentation, src: Sources) -> dict[str, Any]:
    """hoso's configuration, with the school's presentation keys and its hand-written pages."""
    engine = copy.deepcopy(ENGINE)
    theme = engine["theme"]
    if look.palette is not None:
        theme["palette"] = look.palette
    if look.logo:
        theme["logo"] = look.logo
    if look.favicon:
        theme["favicon"] = look.favicon
    listed = look.nav_pages()
    rest = [p for p in src.pages if p not in listed]
    config: dict[str, Any] = {
        **engine,
        "site_name": look.site_name or site.school_name,
        "docs_dir": str(docs),
        "site_dir": str(out),
        "theme": theme,
        "nav": [*pages.nav(site, []), *look.nav, *rest],
        "extra_css": ["_hoso/hoso.css", *look.extra_css],
        "markdown_extensions": [*engine["markdown_extensions"], icons_extension()],
        # Material's offline plugin adds the iframe-worker polyfill from unpkg.com unless one is
        # configured: serve the copy shipped with hoso from the site itself. `generator: false`:
        # no "Made with Material for MkDocs" under every page, the school's line instead.
        "extra": {"polyfills": [pages.IFRAME_WORKER], "generator": False},
        "copyright": footer(site, look),
    }
    for key in ("site_description", "site_author"):
        if getattr(look, key):
            config[key] = getattr(look, key)
    return config


def footer(site: Site, look: Presentation) -> str:
    """The line under every page: who publishes the site (the school's `copyright` of mkdocs.yml,
    as it wrote it, else the school's name) and what it is built from (hoso, the commit).
    Material shows it as HTML: the school's name from catalog.yml is escaped."""
    school = look.copyright or html.escape(site.school_name, quote=False)
    return t("site.footer", school=school, commit=site.commit[:10])  # hoso's text holds no markup


def icons_extension() -> dict[str, Any]:
    """pymdownx.emoji with Material's icon set only: `:material-lock:` becomes the icon's SVG,
    written into the page (no icon font, no request). Emoji shortcodes (`:smile:`) are left as
    text: Material would draw them as images from a CDN, which a site read offline cannot load."""
    from material.extensions.emoji import to_svg  # type: ignore[import-untyped]

    return {"pymdownx.emoji": {"emoji_index": _material_icons, "emoji_generator": to_svg}}


def _material_icons(options: Any, md: Any) -> dict[str, Any]:
    # MkDocs makes a Markdown instance per page, and filtering Material's ~10,000 icons took 4 ms
    # a page (13 s over a portal's 3,000 pages): filtered once per process. Material's index
    # does not depend on the options hoso passes (none) or on the page.
    global _ICONS
    if _ICONS is None:
        from material.extensions.emoji import twemoji

        index = twemoji(options, md)
        icons = {name: entry for name, entry in index["emoji"].items() if "path" in entry}  # icons, not emoji
        _ICONS = {"name": index["name"], "emoji": icons, "aliases": {}}
    return _ICONS


_ICONS: dict[str, Any] | None = None


def _load(work: Path, config: dict[str, Any]) -> Any:
    """MkDocs' configuration object from a dict: no YAML file of MkDocs' is ever read."""
    import io

    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    records: list[str] = []
    errors: list[str] = []
    try:
        with _collect_warnings(records, errors):
            return load_config(io.BytesIO(b"{}"), config_file_path=str(work / MKDOCS_FILE), **config)
    except (MkDocsException, OSError, ValueError) as exc:
        detail = _with_logged(str(exc), errors)
        raise SiteBuildError("site.mkdocs-config", path=MKDOCS_FILE, error=detail) from exc


def _mkdocs(work: Path, docs: Path, out: Path, site: Site, look: Presentation, src: Sources) -> list[str]:
    return run_engine(work, mkdocs_config(docs, out, site, look, src), _epoch(site.commit_date))


def run_engine(work: Path, config: dict[str, Any], epoch: int) -> list[str]:
    """MkDocs over `config` (hoso's ENGINE and what a site or the portal adds to it), run from
    `work` with SOURCE_DATE_EPOCH = `epoch`; returns its warnings, raises SiteBuildError."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import MkDocsException

    records: list[str] = []
    errors: list[str] = []
    with _env("SOURCE_DATE_EPOCH", str(epoch)), _cwd(work):
        cfg = _load(work, config)
        with _collect_warnings(records, errors):
            try:
                mkdocs_build(cfg)
            except (MkDocsException, OSError) as exc:
                raise SiteBuildError("site.mkdocs-failed", error=_with_logged(str(exc), errors)) from exc
            except Exception as exc:  # a theme or plugin failed on our pages: still the build's failure
                detail = _with_logged(f"{type(exc).__name__}: {exc}", errors)
                raise SiteBuildError("site.mkdocs-failed", error=detail) from exc
    return records


def _with_logged(detail: str, errors: list[str]) -> str:
    """MkDocs logs which file failed ("Encoding error reading file: x.md") and then raises an
    exception that does not name it: keep the logged line, the user needs the file name."""
    logged = [e for e in errors if e and e not in detail]
    return f"{logged[-1]} ({detail})" if logged else detail


def _epoch(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp())


@contextlib.contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[str], errors: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink
        self.errors = errors

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())
        if record.levelno >= logging.ERROR:
            self.errors.append(record.getMessage())


@contextlib.contextmanager
def _collect_warnings(sink: list[str], errors: list[str]) -> Iterator[None]:
    logger = logging.getLogger("mkdocs")
    handler = _ListHandler(sink, errors)
    old_handlers, level, propagate = list(logger.handlers), logger.level, logger.propagate
    logger.handlers = [handler]
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield
    finally:
        logger.handlers = old_handlers
        logger.setLevel(level)
        logger.propagate = propagate


__all__ = ["INSPECTOR", "PUBLIC", "BuildResult", "build"]
