"""`hoso site build`: model → pages → MkDocs + Material → PDFs, search index, index.json.

Safe and repeatable:
- everything is built in a temporary folder next to the site and swapped in by rename only when
  every step succeeded: a failed build leaves the last good site in place;
- the output is the same byte for byte for the same commit: MkDocs gets SOURCE_DATE_EPOCH =
  the commit's time, and the only "now" is `build-info.json`, labelled as the build time;
- nothing is fetched: Material's `offline` and `privacy` plugins, no web fonts, Pagefind's index
  written locally.

The MkDocs engine is driven here and only here; `model`, `pages`, `search` and `index_json` know
nothing of it, so the site can move to another generator that reads mkdocs.yml.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from hoso.errors import ExitCode, HosoError, NotFoundError
from hoso.repo import BlobReader, Entry
from hoso.site import index_json, pages, search
from hoso.site.model import INSPECTOR, PUBLIC, Site, collect
from hoso.writes import write_atomic

MKDOCS_FILE = "mkdocs.yml"
PUBLIC_SUFFIX = "-public"
BUILD_INFO = "build-info.json"
REQUIRED_EXTENSIONS = ("attr_list", "tables", "admonition", "toc")


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


def default_out(root: Path, site_dir: Path, audience: str) -> Path:
    return site_dir if audience == INSPECTOR else site_dir.with_name(site_dir.name + PUBLIC_SUFFIX)


def build(
    root: Path,
    audience: str = INSPECTOR,
    out: Path | None = None,
    *,
    rev: str = "HEAD",
    now: datetime | None = None,
) -> BuildResult:
    config_file = root / MKDOCS_FILE
    if not config_file.is_file():
        raise NotFoundError("site.no-mkdocs", path=str(config_file))
    site = collect(root, audience, rev)
    cfg = _load_mkdocs(config_file, None)
    docs = Path(cfg["docs_dir"])
    target = (out or default_out(root, Path(cfg["site_dir"]), audience)).resolve()
    if target == root.resolve() or target in root.resolve().parents or target == docs.resolve():
        raise SiteBuildError("site.bad-out", path=str(target))
    if _not_a_site(target):
        # the swap replaces the whole folder: never a folder of someone's files (--out ~/Desktop)
        raise SiteBuildError("site.out-not-site", path=str(target))
    generated = pages.render(site)
    write_docs(docs, generated)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    _remove(tmp)
    try:
        warnings = _mkdocs(config_file, tmp, site, docs)
        linked, written = _copy_pdfs(root, site, tmp, target)
        search.build_index(site, tmp)
        _write_json(tmp / "index.json", index_json.build(site))
        schema = resources.files("hoso") / "data" / index_json.SCHEMA_FILE
        (tmp / index_json.SCHEMA_FILE).write_bytes(schema.read_bytes())
        moment = (now or datetime.now(UTC)).replace(microsecond=0)
        _write_json(
            tmp / BUILD_INFO,
            {
                "_comment": "built_at is the only time of the build itself; every other file depends "
                "only on the commit",
                "built_at": moment.isoformat(),
                "commit": site.commit,
                "commit_date": site.commit_date,
                "audience": audience,
            },
        )
        _swap(tmp, target)
    except OSError as exc:  # disk full, a file of the site held open, a name in the way…
        _remove(tmp)
        raise SiteBuildError("site.write-failed", path=str(target), error=str(exc)) from exc
    except BaseException:
        _remove(tmp)
        raise
    page_count = sum(1 for p in generated if p.endswith(".md"))
    return BuildResult(target, site, page_count, len(site.records), linked, written, warnings)


# ---- the docs folder's generated part -----------------------------------------------------------


def _not_a_site(target: Path) -> bool:
    """True when `target` exists and is neither empty nor a site this command built."""
    if not target.exists():
        return False
    if not target.is_dir():
        return True
    return not (target / BUILD_INFO).is_file() and any(target.iterdir())


def write_docs(docs: Path, generated: dict[str, str]) -> None:
    """Write the generated pages; leave hand-written ones alone; drop stale generated files.

    Unchanged files are not rewritten. A `.gitignore` keeps the generated part out of git.
    """
    docs.mkdir(parents=True, exist_ok=True)
    for name in pages.GENERATED:
        path = docs / name
        if path.is_dir():
            for old in sorted(path.rglob("*"), reverse=True):
                rel = old.relative_to(docs).as_posix()
                if old.is_file() and rel not in generated:
                    old.unlink()
                elif old.is_dir() and not any(old.iterdir()):
                    old.rmdir()
        elif path.is_file() and name not in generated:
            path.unlink()
    ignore = "# hoso: pages generated by `hoso site build` (not committed)\n.gitignore\n"
    ignore += "".join(f"/{name}\n" for name in pages.GENERATED)
    generated = {**generated, ".gitignore": ignore}
    for rel, text in generated.items():
        path = docs / rel
        data = text.encode("utf-8")
        with contextlib.suppress(OSError):
            if path.read_bytes() == data:
                continue
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)


def hand_written(docs: Path) -> list[str]:
    found = []
    for path in docs.rglob("*.md"):
        rel = path.relative_to(docs).as_posix()
        if rel.split("/")[0] not in pages.GENERATED and not any(p.startswith(".") for p in rel.split("/")):
            found.append(rel)
    return sorted(found)


# ---- MkDocs -------------------------------------------------------------------------------------


def _load_mkdocs(config_file: Path, site_dir: Path | None, **overrides: Any) -> Any:
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    try:
        with _quiet(), _cwd(config_file.parent):
            if site_dir is not None:
                overrides["site_dir"] = str(site_dir)
            return load_config(config_file=str(config_file), **overrides)
    except (ConfigurationError, OSError, ValueError) as exc:
        raise SiteBuildError("site.mkdocs-config", path=str(config_file), error=str(exc)) from exc


def _mkdocs(config_file: Path, out: Path, site: Site, docs: Path) -> list[str]:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import MkDocsException

    cfg = _load_mkdocs(
        config_file,
        out,
        nav=pages.nav(site, hand_written(docs)),
        use_directory_urls=False,
        validation={
            "nav": {"omitted_files": "info", "not_found": "warn"},
            "links": {"not_found": "info", "anchors": "info", "unrecognized_links": "info"},
        },
    )
    cfg["site_name"] = cfg["site_name"] or site.school_name
    cfg["theme"]["font"] = False  # web fonts would be fetched from the internet
    cfg["theme"]["language"] = cfg["theme"]["language"] or "vi"
    for ext in REQUIRED_EXTENSIONS:
        if ext not in cfg["markdown_extensions"]:
            cfg["markdown_extensions"].append(ext)
    if "_hoso/hoso.css" not in [str(c) for c in cfg["extra_css"]]:
        cfg["extra_css"].append("_hoso/hoso.css")
    for name in ("search", "material/search"):
        # Pagefind replaces Material's lunr search, which loads its whole index at once.
        _drop_plugin(cfg["plugins"], name)
    # Material's offline plugin adds the iframe-worker polyfill from unpkg.com unless one is
    # configured: serve the copy shipped with hoso from the site itself, so no page loads
    # anything from the internet.
    cfg["extra"]["polyfills"] = [pages.IFRAME_WORKER]
    epoch = _epoch(site.commit_date)
    records: list[str] = []
    errors: list[str] = []
    with _env("SOURCE_DATE_EPOCH", str(epoch)), _collect_warnings(records, errors), _cwd(config_file.parent):
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


def _drop_plugin(plugins: Any, name: str) -> None:
    """Remove a configured plugin. Deleting the key is not enough: MkDocs registered the plugin's
    event handlers when it was added, and would still run them."""
    plugin = plugins.get(name)
    if plugin is None:
        return
    del plugins[name]
    for handlers in plugins.events.values():
        handlers[:] = [h for h in handlers if getattr(h, "__self__", None) is not plugin]


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


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    logger = logging.getLogger("mkdocs")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.ERROR)
    logger.propagate = False
    try:
        yield
    finally:
        logger.setLevel(level)
        logger.propagate = propagate


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


# ---- PDFs, JSON, swap ---------------------------------------------------------------------------


def _previous_blobs(target: Path) -> dict[str, str]:
    """path -> blob id of the PDFs the last good site already holds (to link, not rewrite)."""
    try:
        data = json.loads((target / "index.json").read_text(encoding="utf-8"))
        return {str(r["path"]): str(r["blob"]) for r in data.get("records", [])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _copy_pdfs(root: Path, site: Site, tmp: Path, target: Path) -> tuple[int, int]:
    """Publish every shown record's PDF under tep/, byte for byte the repository blob."""
    before = _previous_blobs(target)
    linked = written = 0
    reader: BlobReader | None = None
    try:
        for r in site.records:
            dest = tmp / r.file
            dest.parent.mkdir(parents=True, exist_ok=True)
            old = target / r.file
            if before.get(r.path) == r.oid and old.is_file():
                try:
                    os.link(old, dest)
                    linked += 1
                    continue
                except OSError:
                    pass
            if reader is None:
                reader = BlobReader(root)
            dest.write_bytes(reader.read(Entry(r.path, "100644", r.oid, r.size)))
            written += 1
    finally:
        if reader is not None:
            reader.close()
    return linked, written


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8")


def _swap(tmp: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    _remove(old)
    if target.exists():
        target.rename(old)
    try:
        tmp.rename(target)
    except OSError:
        if old.exists():
            old.rename(target)
        raise
    _remove(old)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=True)


__all__ = ["INSPECTOR", "PUBLIC", "BuildResult", "build"]
