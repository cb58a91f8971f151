"""The school's mkdocs.yml: presentation only, read as data.

hoso builds the site from its own MkDocs configuration (`build.ENGINE`). From the school's
mkdocs.yml, which anyone with push access writes, it takes only what changes how the site looks:
`site_name`, `site_description`, `site_author`, `copyright`, `theme` (`name: material`,
`palette`, `logo`, `favicon`; the files inside site_src/), `nav` (hand-written pages of
site_src/) and `extra_css` (style sheets of site_src/). Any other key (`hooks`, `plugins`,
`markdown_extensions`, `extra_javascript`, `docs_dir`, `site_dir`, `theme.custom_dir`,
`INHERIT`, …) could run code on the build machine or read its files, and is refused; so is any
YAML tag (`!!python/name:…`, `!ENV`, `!relative`, even `!!str`): MkDocs' own loader would
resolve them. The file is parsed by hoso's bounded YAML reader (`config.loader.read_yaml`),
never by MkDocs. Without a work tree (the portal's mirror of a school), the file is the blob of
the commit built (`Sources.config`, listed by `sources.scan`), read within the same cap.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from hoso.config.loader import YamlDoc, read_yaml
from hoso.errors import ConfigError, ExitCode, HosoError, NotFoundError
from hoso.messages import t
from hoso.site.sources import MKDOCS_FILE as MKDOCS_FILE  # re-exported: mkdocs.yml is read here
from hoso.site.sources import SITE_SRC, SiteSourceError, Sources

MAX_BYTES = 64 * 1024  # a few lines of presentation
TEXT_KEYS = {"site_name": 200, "site_description": 500, "site_author": 200, "copyright": 1000}
TOP_KEYS = (*TEXT_KEYS, "theme", "nav", "extra_css")
THEME_KEYS = ("name", "palette", "logo", "favicon")
PALETTE_KEYS = ("scheme", "primary", "accent", "media", "toggle")
IMAGES = (".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp")
ICONS = (*IMAGES, ".ico")
MAX_ITEMS = 100
# What `hoso init` wrote into mkdocs.yml before hoso kept its build configuration to itself: these
# exact values are what hoso uses anyway, so they are ignored (with a note) rather than refused,
# and a school's existing file keeps working. Any other value of these keys is refused.
_MERMAID = "unpkg.com/mermaid@11/*"
_TOC = {"toc": {"permalink": True}}
LEGACY: dict[str, list[Any]] = {
    "docs_dir": ["site_src"],
    "site_dir": ["site"],
    "use_directory_urls": [False],
    "plugins": [
        ["offline", {"privacy": {"assets_exclude": [_MERMAID]}}],
        ["offline", {"privacy": {"assets_exclude": [_MERMAID, "unpkg.com/iframe-worker/*"]}}],
        ["search", "offline"],
    ],
    "markdown_extensions": [
        ["attr_list", "tables", "admonition", _TOC],
        ["attr_list", "md_in_html", "tables", "admonition", _TOC],
    ],
}
LEGACY_THEME: dict[str, list[Any]] = {
    "language": ["vi"],
    "font": [False],
    "features": [
        ["navigation.prune", "navigation.top", "toc.follow"],
        ["navigation.prune", "search.suggest"],
    ],
}
HOSO_CSS = "_hoso/hoso.css"  # hoso's own style sheet, which the old template listed
_TOKEN = re.compile(r"[A-Za-z0-9 _\-.:()#,/]{1,100}")
_ICON = re.compile(r"[a-z0-9][a-z0-9\-/]{0,99}")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class SiteConfigError(HosoError):
    exit_code = ExitCode.CONFIG


@dataclass
class Presentation:
    site_name: str | None = None
    site_description: str | None = None
    site_author: str | None = None
    copyright: str | None = None
    palette: Any = None  # a mapping, or a list of mappings (Material's light/dark toggle)
    logo: str | None = None
    favicon: str | None = None
    nav: list[Any] = field(default_factory=list)  # the school's entries: hand-written pages only
    extra_css: list[str] = field(default_factory=list)
    legacy: list[str] = field(default_factory=list)  # keys of the old template, ignored

    def nav_pages(self) -> set[str]:
        found: set[str] = set()
        stack: list[Any] = list(self.nav)
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                found.add(item)
            elif isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
        return found


def read(root: Path, sources: Sources) -> Presentation:
    """The presentation keys of `root/mkdocs.yml` (of the commit, for sources read from one);
    refuse anything else with a one-line reason."""
    if sources.repo is not None:
        path = Path(MKDOCS_FILE)  # messages name it as the commit holds it
        raw = _committed(sources)
    else:
        path = root / MKDOCS_FILE
        if path.is_symlink():
            raise SiteSourceError("site.symlink", path=MKDOCS_FILE)
        if not path.is_file():
            raise NotFoundError("site.no-mkdocs", path=str(path))
        with os.fdopen(os.open(path, os.O_RDONLY | _NOFOLLOW), "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise SiteConfigError("site.config-too-large", path=str(path), limit=MAX_BYTES // 1024)
    try:
        doc = read_yaml(raw, MKDOCS_FILE)  # bounded: size, depth, aliases, tags
    except ConfigError as exc:
        if any(i.key == "config.yaml-tag" for i in exc.issues):
            _refuse_tags(raw)  # say which key holds it
        detail = "; ".join(i.render() for i in exc.issues)
        raise SiteConfigError("site.mkdocs-config", path=str(path), error=detail) from exc
    _refuse_tags(raw)  # whatever tags the reader may accept, MkDocs' loader would resolve them
    return _Reader(doc, sources).presentation()


def _committed(sources: Sources) -> bytes:
    """mkdocs.yml's blob in the commit sources were read from (its size checked before reading:
    a blob is read whole)."""
    from hoso.git.objects import read_objects

    entry = sources.config
    if entry is None or sources.repo is None:
        raise NotFoundError("site.no-mkdocs", path=MKDOCS_FILE)
    if entry.size > MAX_BYTES:
        raise SiteConfigError("site.config-too-large", path=MKDOCS_FILE, limit=MAX_BYTES // 1024)
    return read_objects(sources.repo, [entry.oid]).get(entry.oid, b"")


def _refuse_tags(raw: bytes) -> None:
    tagged = first_tag(raw)
    if tagged is not None:
        tag, where, line = tagged
        raise SiteConfigError("site.config-tag", line=line, tag=_short_tag(tag), field=_dotted(where))


# ---- YAML tags, from the parser's events (a tag the loader resolved, like !!int, is still seen) ----


def first_tag(raw: bytes) -> tuple[str, tuple[str | int, ...], int] | None:
    """(tag, where, line) of the first explicit YAML tag of `raw`, or None.

    Only the parser's events (no object is built, no alias expanded), stopping at the first tag;
    called on text the bounded reader accepted, or refused at a tag (so within its depth bound up
    to there: ruamel's parser is slow on deep nesting). Text that is not UTF-8 or not YAML gives
    None here and its error from `read_yaml`.
    """
    try:
        return _first_tag(YAML(typ="rt").parse(raw.decode("utf-8")))
    except (UnicodeDecodeError, YAMLError, ValueError, RecursionError):
        return None


def _first_tag(events: Iterable[Any]) -> tuple[str, tuple[str | int, ...], int] | None:
    frames: list[list[Any]] = []  # [is_mapping, path, nodes seen, current key]
    for event in events:
        if isinstance(event, (MappingEndEvent, SequenceEndEvent)):
            frames.pop()
            _advance(frames)
            continue
        if not isinstance(event, (ScalarEvent, MappingStartEvent, SequenceStartEvent, AliasEvent)):
            continue
        where = _where(frames)
        tag = getattr(event, "tag", None)
        if tag:
            mark = event.start_mark
            return str(tag), where, (mark.line + 1) if mark is not None else 0
        if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
            frames.append([isinstance(event, MappingStartEvent), where, 0, "?"])
            continue
        if frames and frames[-1][0] and frames[-1][2] % 2 == 0:
            frames[-1][3] = str(getattr(event, "value", "?"))
        _advance(frames)
    return None


def _where(frames: list[list[Any]]) -> tuple[str | int, ...]:
    if not frames:
        return ()
    is_mapping, path, seen, key = frames[-1]
    if is_mapping:
        return tuple(path) if seen % 2 == 0 else (*path, key)
    return (*path, seen)


def _advance(frames: list[list[Any]]) -> None:
    if frames:
        frames[-1][2] += 1


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _dotted(where: tuple[str | int, ...]) -> str:
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(gốc)"


# ---- the accepted keys ------------------------------------------------------------------------------


class _Reader:
    def __init__(self, doc: YamlDoc, sources: Sources) -> None:
        self.doc = doc
        self.files = set(sources.files)
        self.pages = set(sources.pages)

    def fail(self, where: tuple[str | int, ...], key: str, **params: Any) -> SiteConfigError:
        problem = t(key, **params)
        line = self.doc.line_of(where)
        return SiteConfigError("site.config-value", line=line, field=_dotted(where), problem=problem)

    def presentation(self) -> Presentation:
        data = self.doc.data
        found = Presentation()
        for key in data:
            if _legacy(LEGACY, key, data[key]):
                found.legacy.append(key)
            elif not isinstance(key, str) or key not in TOP_KEYS:
                line = self.doc.line_of((key,)) if isinstance(key, str) else 0
                raise SiteConfigError("site.config-key", line=line, field=str(key))
        for key, limit in TEXT_KEYS.items():
            if key in data:
                setattr(found, key, self.text(data[key], (key,), limit, markup=key == "copyright"))
        if "theme" in data:
            self.theme(data["theme"], found)
        if "nav" in data:
            found.nav = self.nav(data["nav"], ("nav",), depth=0)
        if "extra_css" in data:
            items = self.items(data["extra_css"], ("extra_css",))
            found.extra_css = [
                self.file(v, ("extra_css", i), (".css",)) for i, v in enumerate(items) if v != HOSO_CSS
            ]
        return found

    def text(self, value: Any, where: tuple[str | int, ...], limit: int, markup: bool = False) -> str:
        """One line of text; `markup`: Material shows it as HTML (the copyright line)."""
        banned = "" if markup else '<>"'
        if (
            not isinstance(value, str)
            or not value.strip()
            or len(value) > limit
            or any(ord(c) < 32 or c in banned for c in value)
        ):
            raise self.fail(where, "site.config-problem.text", limit=limit)
        return str(value)

    def token(self, value: Any, where: tuple[str | int, ...], pattern: re.Pattern[str]) -> str:
        if not isinstance(value, str) or not pattern.fullmatch(value) or ".." in value:
            raise self.fail(where, "site.config-problem.token", value=_short(value))
        return str(value)

    def items(self, value: Any, where: tuple[str | int, ...]) -> list[Any]:
        if not isinstance(value, list) or len(value) > MAX_ITEMS:
            raise self.fail(where, "site.config-problem.list", limit=MAX_ITEMS)
        return list(value)

    def keys(
        self,
        value: Any,
        where: tuple[str | int, ...],
        allowed: tuple[str, ...],
        legacy: dict[str, list[Any]] | None = None,
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "site.config-problem.mapping", keys=", ".join(allowed))
        for key in value:
            if legacy is not None and _legacy(legacy, key, value[key]):
                continue
            if not isinstance(key, str) or key not in allowed:
                dotted = _dotted((*where, str(key)))
                raise SiteConfigError("site.config-key", line=self.doc.line_of((*where, key)), field=dotted)
        return dict(value)

    def file(self, value: Any, where: tuple[str | int, ...], suffixes: tuple[str, ...]) -> str:
        """A file of site_src/ named relative to it: no URL, no absolute path, no '..', no link."""
        name = value if isinstance(value, str) else ""
        parts = name.split("/")
        if (
            not name
            or "\\" in name
            or ":" in name
            or name.startswith("/")
            or any(p in ("", ".", "..") for p in parts)
            or not name.lower().endswith(suffixes)
            or name not in self.files
        ):
            kinds = " ".join(suffixes)
            raise self.fail(
                where, "site.config-problem.file", value=_short(value), kinds=kinds, folder=SITE_SRC
            )
        return name

    def theme(self, value: Any, found: Presentation) -> None:
        if value == "material":
            return
        theme = self.keys(value, ("theme",), THEME_KEYS, LEGACY_THEME)
        found.legacy += [f"theme.{k}" for k in theme if k not in THEME_KEYS]  # passed as legacy
        if "name" in theme and theme["name"] != "material":
            raise self.fail(("theme", "name"), "site.config-problem.theme-name", value=_short(theme["name"]))
        if "logo" in theme:
            found.logo = self.file(theme["logo"], ("theme", "logo"), IMAGES)
        if "favicon" in theme:
            found.favicon = self.file(theme["favicon"], ("theme", "favicon"), ICONS)
        if "palette" in theme:
            palette = theme["palette"]
            where: tuple[str | int, ...] = ("theme", "palette")
            if isinstance(palette, list):
                listed = self.items(palette, where)
                found.palette = [self.scheme(p, (*where, i)) for i, p in enumerate(listed)]
            else:
                found.palette = self.scheme(palette, where)

    def scheme(self, value: Any, where: tuple[str | int, ...]) -> dict[str, Any]:
        scheme: dict[str, Any] = {}
        for key, item in self.keys(value, where, PALETTE_KEYS).items():
            if key == "toggle":
                toggle = self.keys(item, (*where, key), ("icon", "name"))
                scheme[key] = {}
                if "icon" in toggle:
                    scheme[key]["icon"] = self.token(toggle["icon"], (*where, key, "icon"), _ICON)
                if "name" in toggle:
                    scheme[key]["name"] = self.text(toggle["name"], (*where, key, "name"), 100)
            else:
                scheme[key] = self.token(item, (*where, key), _TOKEN)
        return scheme

    def nav(self, value: Any, where: tuple[str | int, ...], depth: int) -> list[Any]:
        entries: list[Any] = []
        for i, item in enumerate(self.items(value, where)):
            at = (*where, i)
            if isinstance(item, str):
                entries.append(self.page(item, at))
                continue
            if not isinstance(item, dict) or len(item) != 1:
                raise self.fail(at, "site.config-problem.nav")
            ((title, target),) = item.items()
            title = self.text(title, at, 100)
            if isinstance(target, list) and depth == 0:
                entries.append({title: self.nav(target, (*at, title), depth + 1)})
            elif isinstance(target, str):
                entries.append({title: self.page(target, (*at, title))})
            else:
                raise self.fail(at, "site.config-problem.nav")
        return entries

    def page(self, value: str, where: tuple[str | int, ...]) -> str:
        if value not in self.pages:
            raise self.fail(where, "site.config-problem.page", value=_short(value), folder=SITE_SRC)
        return str(value)


def _legacy(known: dict[str, list[Any]], key: Any, value: Any) -> bool:
    return isinstance(key, str) and any(value == old for old in known.get(key, []))


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 200 else text[:197] + "..."
