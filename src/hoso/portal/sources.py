"""Where a school's index.json and site come from: a repository, a built site folder, an address.

A repository (a folder holding catalog.yml in a git work tree) is shown through the site the
portal builds from it into its own cache (hoso.site.build, the code of `hoso site build`: the same
verification, evidence cache and pages), unless the one there shows HEAD already. The site folder
of the work tree (`site/`, `site-public/`, schools.yml's `site:`) is never the source of the
portal's data: it is whatever anyone who can write the work tree left there, and its index.json
can be edited after the build and still name HEAD. The other way, checking that folder against
HEAD (the (path, blob) pairs of its records against `git ls-tree` of records/), catches a record
left out or added but not a status turned chờ duyệt → đã duyệt, a title, an owner or a deadline:
only the build computes those. Building costs one site build per school whose HEAD moved, per
portal run (the cached site is reused while it shows HEAD), and a warm build reuses the
repository's evidence cache. When the work tree's own site names HEAD too, its records (path,
blob, status) are compared with the portal's build: a difference means it was edited after it was
built, and the school does not verify ("portal.own-site-differs"); the comparison is remembered
beside the cached site until either index.json changes. With `build: false`, or when the build
fails, an older site of the cache is used and flagged "dữ liệu cũ" (verify.py).

Every failure is a Problem shown on the portal, never an exception out of the build.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hoso.errors import HosoError
from hoso.messages import t
from hoso.portal.config import Source
from hoso.portal.fetch import FetchError, stream
from hoso.portal.index import MAX_INDEX_BYTES
from hoso.site.publish import BUILD_INFO

INDEX = "index.json"
REPO, SITE, URL = "repo", "site", "url"
OK, STALE, UNVERIFIED, ERROR = "ok", "stale", "unverified", "error"
STATES = (OK, STALE, UNVERIFIED, ERROR)  # from best to worst
FETCHERS = 8  # published sites fetched at once


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


def obtain_all(sources: Sequence[Source], audience: str, cache: Path) -> list[Got]:
    """`obtain` every source, in order. Addresses are fetched FETCHERS at a time (a province's
    published sites each cost a round trip or more; waiting on them one by one would take most
    of a cold build); repositories are built one at a time, each site build using every core."""
    gots: list[Got | None] = [None] * len(sources)
    remote = [i for i, s in enumerate(sources) if s.url is not None]
    with ThreadPoolExecutor(max(1, min(FETCHERS, len(remote)))) as pool:
        fetched = pool.map(lambda i: obtain(sources[i], audience, cache), remote)
        for i, got in zip(remote, fetched, strict=True):
            gots[i] = got
    for i, source in enumerate(sources):
        if gots[i] is None:
            gots[i] = obtain(source, audience, cache)
    return [g for g in gots if g is not None]


def obtain(source: Source, audience: str, cache: Path) -> Got:
    got = Got(source)
    if source.url is not None:
        got.kind, got.base_url = URL, source.url
        return _fetch_index(got, source.url + INDEX, cache)
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


def _fetch_index(got: Got, url: str, cache: Path) -> Got:
    """Fetch `url` into the cache as it arrives, hashing it: kept on disk until read, since a
    province's index.json files fetched at once do not fit in memory."""
    folder = cache / "fetched"
    digest = hashlib.sha256()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as part:
            try:
                for chunk in stream(url, MAX_INDEX_BYTES):
                    digest.update(chunk)
                    part.write(chunk)
            except BaseException:
                part.close()
                os.unlink(part.name)
                raise
        got.raw_sha256 = digest.hexdigest()
        got.raw_file = folder / f"{got.raw_sha256}.json"
        os.replace(part.name, got.raw_file)
    except FetchError as exc:
        return got.fail("portal.url-failed", url=exc.url, reason=exc.reason)
    except OSError as exc:
        return got.fail("portal.url-failed", url=url, reason=exc.strerror or str(exc))
    return got


def prune_fetched(cache: Path, gots: Sequence[Got]) -> None:
    """Remove fetched index.json files no source of this build names: the cache holds one per
    published site, not one per day it changed."""
    keep = {g.raw_file.name for g in gots if g.raw_file is not None}
    with contextlib.suppress(OSError):
        for path in (cache / "fetched").iterdir():
            if path.name not in keep:
                with contextlib.suppress(OSError):
                    path.unlink()


def _index_stat(index: Path) -> str:
    """size:mtime:inode of `index`, a regular file within the size cap; OSError otherwise."""
    info = os.lstat(index)
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_INDEX_BYTES:
        raise OSError(t("portal.not-regular-or-large"))
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}"


def _read_index(got: Got) -> Got:
    """Check the site's index.json (a regular file within the size cap); read it later, only if
    its fingerprint says the portal does not hold it already."""
    assert got.site_dir is not None
    index = got.site_dir / INDEX
    try:
        got.index_stat = _index_stat(index)
    except OSError as exc:
        return got.fail("portal.index-unreadable", path=str(index), error=exc.strerror or str(exc))
    return got


def read_raw(got: Got) -> bytes:
    """The index.json bytes of `got` (fetched already for an address), read now, not kept."""
    path = got.raw_file if got.raw_file is not None else (got.site_dir or Path()) / INDEX
    assert got.raw_file is not None or got.site_dir is not None
    with path.open("rb") as f:
        return f.read(MAX_INDEX_BYTES + 1)


def _shows(site: Path, commit: str, audience: str) -> bool:
    """Does the built site at `site` show `commit` for `audience` (its build-info.json says)?"""
    if not (site / BUILD_INFO).is_file():  # a FIFO left in a work tree would hold the build
        return False
    try:
        info = json.loads((site / BUILD_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(info, dict) and info.get("commit") == commit and info.get("audience") == audience


def cache_site(cache: Path, repo: Path, audience: str) -> Path:
    key = hashlib.sha256(str(repo).encode()).hexdigest()[:16]
    return cache / "sites" / f"{repo.name[:40]}-{key}-{audience}"


def _from_repo(got: Got, root: Path, audience: str, cache: Path) -> Got:
    from hoso.git.process import run_git
    from hoso.site.build import build, default_out

    got.kind, got.repo = REPO, root
    try:
        got.head = run_git(root, ["rev-parse", "--verify", "HEAD^{commit}"]).decode().strip()
    except HosoError as exc:
        return got.fail("portal.repo-unreadable", path=str(root), error=exc.render())
    site = cache_site(cache, root, audience)  # only a site this portal built: never the work tree's
    failed = ""
    if not _shows(site, got.head, audience) and got.source.build:
        try:
            build(root, audience, site)
            got.built = True
        except HosoError as exc:  # shown on the portal; an older site, if any, is still used
            failed = exc.render()
    chosen = (site / INDEX).is_file()
    if failed:
        got.problems.append(Problem(STALE if chosen else ERROR, "portal.build-failed", {"error": failed}))
    if not chosen:
        return got if failed else got.fail("portal.no-site", path=str(root), audience=audience)
    got.site_dir = site
    _read_index(got)
    own = (root / got.source.entry.site) if got.source.entry.site else default_out(root, audience)
    if got.index_stat and _shows(site, got.head, audience) and _shows(own, got.head, audience):
        differs = _own_differs(own, site, got.index_stat)
        if differs:
            shown = ", ".join(differs[:3]) + (f" (+{len(differs) - 3})" if len(differs) > 3 else "")
            params = {"path": str(own), "count": len(differs), "paths": shown}
            got.problems.append(Problem(UNVERIFIED, "portal.own-site-differs", params))
    return got


def _own_differs(own: Path, site: Path, built_stat: str) -> list[str]:
    """Paths whose (blob, status) the work tree's own site at HEAD lists otherwise than the portal's
    build of HEAD (every path when it cannot be read). Timeliness and the missing list depend on
    the day of the build, titles and pages on hoso's version: not compared."""
    memo = site.with_name(site.name + ".own.json")
    try:
        key = f"{own.resolve()}|{_index_stat(own / INDEX)}|{built_stat}"
    except OSError:
        key = ""
    try:
        known = json.loads(memo.read_text(encoding="utf-8"))
        if key and isinstance(known, dict) and known.get("key") == key:
            return [str(p) for p in known["differs"]]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    theirs, ours = _listed(own / INDEX) if key else None, _listed(site / INDEX)
    if ours is None:
        return []  # the portal's own build is read (and reported) as the school's data
    if theirs is None:
        return sorted(ours) or [INDEX]
    differs = sorted(p for p in ours.keys() | theirs.keys() if ours.get(p) != theirs.get(p))
    with contextlib.suppress(OSError):
        memo.write_text(json.dumps({"key": key, "differs": differs}, ensure_ascii=False), encoding="utf-8")
    return differs


def _listed(index: Path) -> dict[str, tuple[str, str]] | None:
    """path -> (blob, status) of the records of an index.json; None when it cannot be read."""
    try:
        _index_stat(index)
        with index.open("rb") as f:
            data = json.loads(f.read(MAX_INDEX_BYTES + 1))
        return {str(r["path"]): (str(r["blob"]), str(r["status"])) for r in data["records"]}
    except (OSError, ValueError, RecursionError, KeyError, TypeError, AttributeError):
        return None
