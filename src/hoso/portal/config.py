"""schools.yml: which schools a portal shows, read as bounded data.

The file is written by a Phòng's or Sở's IT staff but names folders and addresses that others
control, so it is read like a school's configuration (`hoso.config.loader.read_yaml`: a size cap,
no tags, anchors or aliases, bounded depth and events) and validated with a declared schema; every
problem names `schools.yml:<line>` and what to write. Nothing in it is code.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import urllib.parse
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from hoso.config.loader import ConfigIssue, read_capped, read_yaml, validate_model
from hoso.config.vocab import Level
from hoso.errors import ConfigError, ExitCode, HosoError

SCHOOLS_FILE = "schools.yml"
MAX_SCHOOLS = 5000  # a province has about 1,000 schools
MAX_SAMPLE = 1000  # PDFs downloaded to check a published school site (per school and build)
DEFAULT_SAMPLE = 20
DEFAULT_RESAMPLE_DAYS = 7  # a daily build of a province downloads what changed, re-checks weekly
MAX_CONFIDENTIAL_TYPES = 1000
# hoso's catalogs of record types: those marked `confidential: true` there are confidential in
# every public portal, whatever a school's own catalog (through its index.json) says of them
CATALOG_TEMPLATES = ("record_types.yml", "record_types_optional.yml")
Audience = Literal["inspector", "public"]

Line = Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]
Location = Annotated[str, StringConstraints(min_length=1, max_length=1000, strip_whitespace=True)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]
# an OpenSSH public-key line: an RSA key of 4096 bits with a comment fits
KeyLine = Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]


class PortalConfigError(HosoError):
    exit_code = ExitCode.CONFIG


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class SchoolEntry(_Model):
    path: Location | None = None
    url: Location | None = None
    id: Slug | None = None  # the school's folder in the portal (default: from its code)
    site: Location | None = None  # a repository's built site, relative to it (default site/)
    # where a site folder (`path:` a built site) is published by the school: the portal links its
    # row there, never hosting the folder itself (one origin for many schools)
    site_url: Location | None = None
    build: bool | None = None  # build a repository's site when it is missing or older than HEAD
    verify_sample: int | None = Field(default=None, ge=0, le=MAX_SAMPLE)
    # the public key of the school's server that signs its push log, as the authority registered
    # it: the school's repository, which its own clone can write, is not asked which key is its own
    server_key: KeyLine | None = None
    # overrides of what the school's own catalog says
    name: Line | None = None
    code: Line | None = None
    level: Level | None = None
    commune: Line | None = None


class SchoolsFile(_Model):
    version: Literal[1] = 1
    title: Line | None = None
    authority: Line | None = None
    audience: Audience = "inspector"
    build: bool = True
    verify_sample: int = Field(default=DEFAULT_SAMPLE, ge=0, le=MAX_SAMPLE)
    # a sampled PDF that matched is downloaded again after this many days (0: at every build)
    resample_days: int = Field(default=DEFAULT_RESAMPLE_DAYS, ge=0, le=365)
    templates: Location | None = None
    # record types a public portal never shows, besides those hoso's catalogs mark confidential
    confidential_types: list[Slug] = Field(default_factory=list, max_length=MAX_CONFIDENTIAL_TYPES)
    schools: list[SchoolEntry] = Field(min_length=1, max_length=MAX_SCHOOLS)


@dataclass(frozen=True)
class Source:
    """One school as schools.yml names it, resolved: a folder on this machine or an address."""

    position: int  # 1-based, in schools.yml
    line: int
    entry: SchoolEntry
    path: Path | None
    url: str | None
    build: bool
    verify_sample: int
    resample_days: int = DEFAULT_RESAMPLE_DAYS
    # record types never shown in a public portal: hoso's and schools.yml's `confidential_types`
    confidential: frozenset[str] = frozenset()
    site_url: str | None = None  # `site_url:`, checked and normalised like `url:`
    server_key: str | None = None  # `server_key:` as "type base64" (None: the school's own keys)

    @property
    def label(self) -> str:
        return str(self.entry.path or self.entry.url)


@dataclass(frozen=True)
class PortalConfig:
    file: Path
    title: str | None
    authority: str | None
    audience: str
    templates: Path | None
    sources: list[Source]
    warnings: list[ConfigIssue]


def load(file: Path, audience: str | None = None) -> PortalConfig:
    """Read and validate schools.yml; raise ConfigError (line-numbered) or PortalConfigError."""
    try:
        raw = read_capped(file)
    except FileNotFoundError as exc:
        raise PortalConfigError("portal.no-schools-file", ExitCode.NOT_FOUND, path=str(file)) from exc
    except OSError as exc:
        raise PortalConfigError("portal.schools-unreadable", path=str(file), error=str(exc)) from exc
    name = file.name
    doc = read_yaml(raw, name)  # size, tags, anchors, depth: ConfigError with the line
    model, issues = validate_model(doc, SchoolsFile)
    errors = [i for i in issues if i.severity == "error"]
    if model is None or errors:
        raise ConfigError(errors or issues)
    base = file.resolve().parent
    secret = builtin_confidential() | frozenset(model.confidential_types)
    sources: list[Source] = []
    problems: list[ConfigIssue] = []
    for i, entry in enumerate(model.schools):
        line = doc.line_of(("schools", i))
        if (entry.path is None) == (entry.url is None):
            problems.append(ConfigIssue(name, line, "portal.path-or-url", {}))
            continue
        url = None
        if entry.url is not None:
            url = _check_url(entry.url)
            if url is None:
                problems.append(ConfigIssue(name, line, "portal.bad-url", {"value": entry.url[:80]}))
                continue
        site_url = _check_url(entry.site_url) if entry.site_url is not None else None
        if entry.site_url is not None and site_url is None:
            where = doc.line_of(("schools", i, "site_url"))
            problems.append(ConfigIssue(name, where, "portal.bad-url", {"value": entry.site_url[:80]}))
            continue
        server_key = _check_key(entry.server_key) if entry.server_key is not None else None
        if entry.server_key is not None and server_key is None:
            where = doc.line_of(("schools", i, "server_key"))
            problems.append(
                ConfigIssue(name, where, "portal.bad-server-key", {"value": entry.server_key[:60]})
            )
            continue
        path = (base / entry.path).resolve() if entry.path is not None else None
        sample = entry.verify_sample if entry.verify_sample is not None else model.verify_sample
        build = entry.build if entry.build is not None else model.build
        sources.append(
            Source(
                i + 1,
                line,
                entry,
                path,
                url,
                build,
                sample,
                model.resample_days,
                secret,
                site_url=site_url,
                server_key=server_key,
            )
        )
    seen: dict[str, int] = {}
    for s in sources:
        if s.entry.id:
            if s.entry.id in seen:
                problems.append(ConfigIssue(name, s.line, "portal.duplicate-id", {"value": s.entry.id}))
            seen[s.entry.id] = s.line
    if problems:
        raise ConfigError(problems)
    templates = (base / model.templates).resolve() if model.templates else None
    if templates is not None and not templates.is_dir():
        line = doc.line_of(("templates",))
        raise ConfigError([ConfigIssue(name, line, "portal.templates-missing", {"path": str(templates)})])
    warnings = [i for i in issues if i.severity == "warning"]
    return PortalConfig(
        file=file,
        title=model.title,
        authority=model.authority,
        audience=audience or model.audience,
        templates=templates,
        sources=sources,
        warnings=warnings,
    )


@functools.cache
def builtin_confidential() -> frozenset[str]:
    """The record types hoso's catalogs (CATALOG_TEMPLATES) mark confidential."""
    from ruamel.yaml import YAML

    found: set[str] = set()
    for name in CATALOG_TEMPLATES:
        text = (resources.files("hoso") / "templates" / name).read_text(encoding="utf-8")
        for rt in YAML(typ="safe").load(text)["record_types"]:
            if rt.get("confidential") is True:
                found.add(str(rt["id"]))
    return frozenset(found)


_HOST = re.compile(r"^[A-Za-z0-9.\-\[\]:]+$")


def _check_url(text: str) -> str | None:
    """An http(s) address without credentials, normalised to end with "/" (the site's root)."""
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or not _HOST.match(parts.netloc):
        return None  # also refuses user:password@ (no "@" in the host pattern)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _check_key(text: str) -> str | None:
    """`type base64` of one OpenSSH public-key line (`ssh-ed25519 AAAA… [comment]`) whose key is
    whole: length-prefixed fields filling it exactly, the first naming the line's type. A truncated
    or mistyped paste is refused here, not left to make every push-log entry of the school fail its
    check in silence. None for anything else."""
    from hoso.server.pushlog import public_keys

    keys = public_keys(text) if "\n" not in text and "\r" not in text else []
    if len(keys) != 1:
        return None
    kind, _, data = keys[0].partition(" ")
    try:
        blob = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None
    fields: list[bytes] = []
    at = 0
    while at + 4 <= len(blob):
        size = int.from_bytes(blob[at : at + 4], "big")
        fields.append(blob[at + 4 : at + 4 + size])
        at += 4 + size
    return keys[0] if at == len(blob) and len(fields) >= 2 and fields[0] == kind.encode() else None
