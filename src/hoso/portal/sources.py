"""Where a school's index.json and site come from: a repository, a built site folder, an address.

A repository (a folder holding catalog.yml in a git work tree): the site the school built (its
`site/`, or `site-public/` for a public portal, or schools.yml's `site:`) is used when it shows the
repository's HEAD; else a site the portal built earlier in its cache, when that one does; else,
unless schools.yml says `build: false`, the portal builds the school's site into its cache through
the library (hoso.site.build, the code of `hoso site build`: the same verification, evidence cache
and pages). What is used is then checked against HEAD (verify.py): an older one is "dữ liệu cũ".

Every failure is a Problem shown on the portal, never an exception out of the build.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hoso.errors import HosoError
from hoso.messages import t
from hoso.portal.config import Source
from hoso.portal.fetch import FetchError, fetch
from hoso.portal.index import MAX_INDEX_BYTES
from hoso.site.publish import BUILD_INFO

INDEX = "index.json"
REPO, SITE, URL = "repo", "site", "url"
OK, STALE, UNVERIFIED, ERROR = "ok", "stale", "unverified", "error"
STATES = (OK, STALE, UNVERIFIED, ERROR)  # from best to worst


@dataclass(frozen=True)
class Problem:
    state: str  # the state it puts the school in: STALE, UNVERIFIED or ERROR
    key: str  # message key
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Got:
    source: Source
    kind: str = ""
    site_dir: Path | None = None  # a site folder on this machine
    base_url: str | None = None  # a published site
    raw: bytes | None = None  # its index.json, while it is being read (then dropped)
    raw_sha256: str = ""  # a fetched index.json's digest (its fingerprint)
    raw_file: Path | None = None  # where a fetched index.json waits to be read
    repo: Path | None = None
    head: str | None = None
    built: bool = False  # the portal built the school's site in this run
    index_stat: str = ""  # size:mtime:inode of a local index.json (its fingerprint)
    problems: list[Problem] = field(default_factory=list)

    def fail(self, key: str, **params: Any) -> Got:
        self.problems.append(Problem(ERROR, key, params))
        return self


def obtain(source: Source, audience: str, cache: Path) -> Got:
    got = Got(source)
    if source.url is not None:
        got.kind, got.base_url = URL, source.url
        try:
            raw = fetch(source.url + INDEX, MAX_INDEX_BYTES)
        except FetchError as exc:
            return got.fail("portal.url-failed", url=exc.url, reason=exc.reason)
        # kept on disk until read: a province's index.json files do not fit in memory at once
        got.raw_sha256 = hashlib.sha256(raw).hexdigest()
        got.raw_file = cache / "fetched" / f"{got.raw_sha256}.json"
        try:
            got.raw_file.parent.mkdir(parents=True, exist_ok=True)
            got.raw_file.write_bytes(raw)
        except OSError:
            got.raw, got.raw_file = raw, None
        return got
    path = source.path
    assert path is not None
    if not path.exists():
        return got.fail("portal.path-missing", path=str(path))
    if not path.is_dir():
        return got.fail("portal.not-a-school", path=str(path))
    if (path / "catalog.yml").is_file() and (path / ".git").exists():
        return _from_repo(got, path, audience, cache)
    if (path / INDEX).is_file():
        got.kind, got.site_dir = SITE, path
        return _read_index(got)
    return got.fail("portal.not-a-school", path=str(path))


def _read_index(got: Got) -> Got:
    """Check the site's index.json (a regular file within the size cap); read it later, only if
    its fingerprint says the portal does not hold it already."""
    assert got.site_dir is not None
    index = got.site_dir / INDEX
    try:
        info = os.lstat(index)
    except OSError as exc:
        return got.fail("portal.index-unreadable", path=str(index), error=exc.strerror or str(exc))
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_INDEX_BYTES:
        return got.fail("portal.index-unreadable", path=str(index), error=t("portal.not-regular-or-large"))
    got.index_stat = f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}"
    return got


def read_raw(got: Got) -> bytes:
    """The index.json bytes of `got` (fetched already for an address); not kept (`got.raw` is
    only a fetched one that could not wait on disk)."""
    if got.raw is not None:
        return got.raw
    path = got.raw_file if got.raw_file is not None else (got.site_dir or Path()) / INDEX
    assert got.raw_file is not None or got.site_dir is not None
    with path.open("rb") as f:
        return f.read(MAX_INDEX_BYTES + 1)


def _shows(site: Path, commit: str, audience: str) -> bool:
    """Does the built site at `site` show `commit` for `audience` (its build-info.json says)?"""
    try:
        info = json.loads((site / BUILD_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(info, dict) and info.get("commit") == commit and info.get("audience") == audience


def cache_site(cache: Path, repo: Path, audience: str) -> Path:
    key = hashlib.sha256(str(repo).encode()).hexdigest()[:16]
    return cache / "sites" / f"{repo.name[:40]}-{key}-{audience}"


def _from_repo(got: Got, root: Path, audience: str, cache: Path) -> Got:
    from hoso.repo import run_git
    from hoso.site.build import build, default_out

    got.kind, got.repo = REPO, root
    try:
        got.head = run_git(root, ["rev-parse", "--verify", "HEAD^{commit}"]).decode().strip()
    except HosoError as exc:
        return got.fail("portal.repo-unreadable", path=str(root), error=exc.render())
    own = (root / got.source.entry.site) if got.source.entry.site else default_out(root, audience)
    cached = cache_site(cache, root, audience)
    fresh = next((s for s in (own, cached) if _shows(s, got.head, audience)), None)
    failed = ""
    if fresh is None and got.source.build:
        try:
            build(root, audience, cached)
            fresh, got.built = cached, True
        except HosoError as exc:  # shown on the portal; an older site, if any, is still used
            failed = exc.render()
    chosen = fresh or next((s for s in (own, cached) if (s / INDEX).is_file()), None)
    if failed:
        got.problems.append(Problem(STALE if chosen else ERROR, "portal.build-failed", {"error": failed}))
    if chosen is None:
        return got if failed else got.fail("portal.no-site", path=str(own), audience=audience)
    got.site_dir = chosen
    return _read_index(got)
