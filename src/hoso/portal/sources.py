"""Where a school's index.json and site come from: a repository, a built site folder, an address.

A repository (a folder holding catalog.yml in a git work tree) is never read in place: git would
run there with the school's own `.git/config` (a `gpg.program` with `log.showSignature`, a
`core.fsmonitor`: programs of the school's run on the portal's machine), with its evidence cache
(`.git/hoso/`, which whoever controls the clone can write: an unsigned record shown đã duyệt), on
whatever HEAD is checked out (a submission branch, a detached commit) and with site_src/ and
mkdocs.yml as the work tree has them, committed or not. The portal keeps, in its cache, a bare
mirror of each repository (`mirrors/<name>-<hash>.git`: cloned once, then one `git fetch` per
build of its branches, tags, push log and fetched branches, force-updated and pruned; hooks off,
the fetch's git settings the portal's: only `git upload-pack` runs in the school's repository,
and it runs no program of that repository's configuration). Every git command, the evidence
cache and the site build run in the mirror. The portal shows the catalog's protected branch
(`protected_branch` of main's catalog, default main), never HEAD: what is checked out changes
nothing. Its site is built from that commit (hoso.site.build, the code of `hoso site build`: the
same verification and pages, hoso's generated pages only; the repository having no work tree,
mkdocs.yml comes from the commit) into the portal's cache, and reused while it shows that commit
for the audience and was built for today (build-info.json `today`: a deadline passes without a
commit).

The site folder of the work tree (`site/`, `site-public/`, schools.yml's `site:`) is never the
source of the portal's data: it is whatever anyone who can write the work tree left there, and
its index.json can be edited after the build and still name the commit. When it names the commit
the portal shows, its records (path, blob, status) are compared with the portal's build: a
difference means it was edited after it was built, and the school does not verify
("portal.own-site-differs"); the comparison is remembered beside the cached site until either
index.json changes. With `build: false`, or when the fetch or the build fails, an older site of
the cache is used and flagged "dữ liệu cũ" (here and in verify.py).

Every failure is a Problem shown on the portal, never an exception out of the build.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from hoso.errors import HosoError
from hoso.messages import t
from hoso.portal.config import Source
from hoso.portal.fetch import FetchError, stream
from hoso.portal.index import MAX_INDEX_BYTES
from hoso.site.publish import BUILD_INFO, remove

INDEX = "index.json"
REPO, SITE, URL = "repo", "site", "url"
OK, STALE, UNVERIFIED, ERROR = "ok", "stale", "unverified", "error"
# the files match, but the records and their statuses are what the school's own build says: only a
# repository, built by the portal, gives numbers the portal computed itself
DECLARED = "declared"
STATES = (OK, DECLARED, STALE, UNVERIFIED, ERROR)  # from best to worst
SHOWN = (OK, DECLARED)  # states whose numbers are shown without a warning
FETCHERS = 8  # published sites fetched at once
MIRRORS = "mirrors"  # the cache's folder of repositories' mirrors
DEFAULT_BRANCH = "main"  # the catalog's default protected_branch
BRANCH_CANDIDATES = 10  # branches read, in a repository without main, for one naming itself
# What the mirror keeps of a school's repository, force-updated (a force-push is the school's
# state now): branches (protected and submissions), tags, the server's push log, and the branches
# a clone fetched (its submission branches count as submitted, as in the school's own build).
REFSPECS = (
    "+refs/heads/*:refs/heads/*",
    "+refs/tags/*:refs/tags/*",
    "+refs/hoso/*:refs/hoso/*",
    "+refs/remotes/*:refs/remotes/*",
)
MAX_INFO_BYTES = 64 * 1024  # a build-info.json is a few lines
# Seconds a mirror's clone or fetch may take: generous for a real school's repository (its first
# clone holds every PDF), but a FIFO or a stalled disk in the school's folder must not hold the
# portal's build forever. Killed with its whole process group (upload-pack included).
MIRROR_SECONDS = 600
# Files of the school's .git that upload-pack opens: each must be a regular file (a FIFO blocks
# it, a symlink points it elsewhere); the alternates must be empty (they borrow another
# repository's objects: the school's row would show another school's records).
GIT_FILES = ("HEAD", "config", "packed-refs", "objects/info/alternates", "objects/info/http-alternates")
ALTERNATES = ("objects/info/alternates", "objects/info/http-alternates")


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
    repo: Path | None = None  # the portal's mirror of a repository: git runs there only
    head: str | None = None  # the tip of the protected branch: the commit the portal shows
    branch: str = ""  # the protected branch
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


def prune_mirrors(cache: Path, sources: Sequence[Source]) -> None:
    """Remove the mirrors of repositories no longer in schools.yml: each holds a whole copy of a
    school's objects (a school listed again is cloned again)."""
    keep = {mirror_path(cache, s.path).name for s in sources if s.path is not None}
    with contextlib.suppress(OSError):
        for path in (cache / MIRRORS).iterdir():
            if path.name not in keep and path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)


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


def _build_info(site: Path) -> dict[str, Any]:
    """The build-info.json of `site` (empty when missing, not a regular file, large or not JSON):
    a school's own site is anyone's file."""
    info = site / BUILD_INFO
    if not info.is_file():  # a FIFO left in a work tree would hold the build
        return {}
    try:
        with info.open("rb") as f:
            data = json.loads(f.read(MAX_INFO_BYTES + 1))
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _shows(site: Path, commit: str, audience: str, today: date | None = None) -> bool:
    """Does the built site at `site` show `commit` for `audience` (and, given `today`, as of that
    day: what is missing or late depends on it)? Its build-info.json says."""
    info = _build_info(site)
    return (
        info.get("commit") == commit
        and info.get("audience") == audience
        and (today is None or info.get("today") == today.isoformat())
    )


def cache_site(cache: Path, repo: Path, audience: str, log_keys: Sequence[str] | None = None) -> Path:
    """The portal's build of `repo` for `audience`, its push log judged by `log_keys` (schools.yml's
    `server_key:`; None: the school's own): a site built under other keys dates submissions
    otherwise, so a changed key is another site, built anew."""
    ident = str(repo) if log_keys is None else "\n".join([str(repo), *sorted(log_keys)])
    key = hashlib.sha256(ident.encode()).hexdigest()[:16]
    return cache / "sites" / f"{repo.name[:40]}-{key}-{audience}"


def mirror_path(cache: Path, repo: Path) -> Path:
    key = hashlib.sha256(str(repo).encode()).hexdigest()[:16]
    return cache / MIRRORS / f"{repo.name[:40]}-{key}.git"


def _git_options(mirror: Path) -> list[str]:
    """Settings of the git commands that read a school's repository into its mirror: the file
    protocol allowed whatever the environment says, no hook (a path that does not exist), no
    maintenance left running after the build."""
    return [
        "-c",
        "protocol.file.allow=always",
        "-c",
        f"core.hooksPath={mirror / 'hoso' / 'no-hooks'}",
        "-c",
        "gc.autoDetach=false",
        "-c",
        "maintenance.autoDetach=false",
    ]


def update_mirror(school: Path, mirror: Path) -> None:
    """Bring the portal's mirror of the repository at `school` up to date: a bare clone the first
    time (it takes the school's object format), then one fetch of REFSPECS, pruned.

    A fetch from a folder runs `git upload-pack` there, with that repository's configuration:
    upload-pack runs no program it names (`uploadpack.packObjectsHook` is read only from the
    portal's own configuration, and no hook, signature check or work-tree monitor runs in it).
    The mirror's own commands run with the portal's settings and no hook. A `.git` that could
    make upload-pack read elsewhere or block is refused first (`_refuse_git_dir`), and each git
    command is stopped after MIRROR_SECONDS."""
    _refuse_git_dir(school)
    if not (mirror / "HEAD").is_file():
        remove(mirror)  # what an interrupted first clone left
        mirror.parent.mkdir(parents=True, exist_ok=True)
        part = mirror.with_name(f".{mirror.name}.part-{os.getpid()}")
        remove(part)
        try:
            clone = ["clone", "--bare", "--no-local", "--template=", "--quiet", "--", str(school), str(part)]
            _git(mirror.parent, mirror, clone)
            try:
                os.rename(part, mirror)
            except OSError:
                if not (mirror / "HEAD").is_file():
                    raise
                # another build made it meanwhile: theirs is as good
        finally:
            remove(part)
    fetch = ["fetch", "--no-write-fetch-head", "--prune", "--no-tags", "--no-recurse-submodules", "--quiet"]
    _git(mirror, mirror, [*fetch, "--", str(school), *REFSPECS])


def _refuse_git_dir(school: Path) -> None:
    """Raise unless `school/.git` is a real folder (not a symlink nor a `gitdir:` file: either
    names another repository) whose GIT_FILES are regular files, if present, and alternates empty.
    Checked with lstat only: opening a FIFO to look at it would block here instead."""
    from hoso.errors import GitError

    git_dir = school / ".git"
    try:
        if not stat.S_ISDIR(os.lstat(git_dir).st_mode):
            raise GitError("portal.git-not-plain", file=str(git_dir))
        for name in GIT_FILES:
            path = git_dir / name
            try:
                info = os.lstat(path)
            except FileNotFoundError:
                continue
            if not stat.S_ISREG(info.st_mode):
                raise GitError("portal.git-not-plain", file=str(path))
            if name in ALTERNATES and info.st_size > 0:
                raise GitError("portal.git-alternates", file=str(path))
        for name in ("objects", "objects/info"):  # a symlinked folder would lead the files above elsewhere
            path = git_dir / name
            with contextlib.suppress(FileNotFoundError):
                if not stat.S_ISDIR(os.lstat(path).st_mode):
                    raise GitError("portal.git-not-plain", file=str(path))
    except NotADirectoryError as exc:
        raise GitError("portal.git-not-plain", file=str(exc.filename or git_dir)) from exc


def _git(cwd: Path, mirror: Path, args: list[str]) -> None:
    """`git <_git_options> <args>` in `cwd`, stopped after MIRROR_SECONDS (its whole process group:
    upload-pack is a grandchild); a failure names the command, not its options."""
    import signal
    import subprocess

    from hoso.errors import ExitCode, GitError
    from hoso.git.process import git_env

    posix = os.name == "posix"
    try:
        proc = subprocess.Popen(
            ["git", *_git_options(mirror), *args],
            cwd=cwd,
            env=git_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=posix,
        )
    except FileNotFoundError as exc:
        raise GitError("git.not-installed", ExitCode.FAILED) from exc
    try:
        _, err = proc.communicate(timeout=MIRROR_SECONDS)
    except subprocess.TimeoutExpired as exc:
        if posix:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
        proc.kill()
        proc.communicate()
        raise GitError("portal.mirror-timeout", seconds=MIRROR_SECONDS) from exc
    if proc.returncode != 0:
        detail = err.decode("utf-8", "replace").strip()[:500]
        raise GitError("git.failed", command=f"git {args[0]}", detail=detail)


def protected_branch(mirror: Path) -> tuple[str, str | None]:
    """(branch, its tip) the portal shows: the `protected_branch` main's catalog names (main
    when it names none or does not load, as the site build reads it), or in a repository without
    main the one branch whose catalog names itself; the tip is None when that branch is missing.
    The mirror's HEAD is set to it (the site build's default revision)."""
    from hoso.approvals import PREFIX
    from hoso.git.process import run_git
    from hoso.git.refs import refs

    heads = {
        name.removeprefix("refs/heads/"): oid
        for name, oid in refs(mirror).items()
        if name.startswith("refs/heads/")
    }
    if DEFAULT_BRANCH in heads:
        branch = _names(mirror, heads[DEFAULT_BRANCH]) or DEFAULT_BRANCH
    else:
        candidates = [b for b in sorted(heads) if not b.startswith(PREFIX)][:BRANCH_CANDIDATES]
        own = [b for b in candidates if _names(mirror, heads[b]) == b]
        branch = own[0] if len(own) == 1 else DEFAULT_BRANCH
    tip = heads.get(branch)
    head = (mirror / "HEAD").read_text(encoding="utf-8", errors="replace").strip()
    if tip is not None and head != f"ref: refs/heads/{branch}":
        run_git(mirror, ["symbolic-ref", "HEAD", f"refs/heads/{branch}"])
    return branch, tip


def _names(mirror: Path, commit: str) -> str | None:
    """The protected branch the catalog of `commit` names (None when the configuration does not
    load), remembered by commit in the mirror's hoso folder: asked at every build."""
    from hoso.config import load_config
    from hoso.git.objects import CommitSnapshot

    memo = mirror / "hoso" / "protected-branch.json"
    try:
        known = json.loads(memo.read_text(encoding="utf-8"))
        if isinstance(known, dict) and known.get("commit") == commit:
            return str(known["branch"]) if known.get("branch") else None
    except (OSError, ValueError, KeyError):
        pass
    branch: str | None
    try:
        branch = load_config(mirror, CommitSnapshot(mirror, commit)).catalog.defaults.protected_branch
    except HosoError:
        branch = None
    with contextlib.suppress(OSError):
        memo.parent.mkdir(parents=True, exist_ok=True)
        memo.write_text(json.dumps({"commit": commit, "branch": branch}), encoding="utf-8")
    return branch


def _from_repo(got: Got, root: Path, audience: str, cache: Path) -> Got:
    from hoso import timeliness
    from hoso.site.build import build, default_out, without_hand_written

    got.kind = REPO
    mirror = mirror_path(cache, root)
    fetch_failed = ""
    try:
        update_mirror(root, mirror)
    except HosoError as exc:  # what the mirror holds from the last fetch is still the portal's own
        fetch_failed = exc.render()
    except OSError as exc:
        fetch_failed = exc.strerror or str(exc)
    if not (mirror / "HEAD").is_file():
        return got.fail("portal.repo-unreadable", path=str(root), error=fetch_failed)
    got.repo = mirror
    try:
        got.branch, tip = protected_branch(mirror)
    except (HosoError, OSError) as exc:
        error = exc.render() if isinstance(exc, HosoError) else str(exc)
        return got.fail("portal.repo-unreadable", path=str(root), error=error)
    if tip is None:
        return got.fail("portal.no-protected-branch", path=str(root), branch=got.branch)
    got.head = tip
    today = timeliness.today_in_vietnam()
    # the server's key as the authority registered it; None: the school's own trust/may-chu/
    keys = [got.source.server_key] if got.source.server_key else None
    site = cache_site(cache, root, audience, keys)  # only a site this portal built: never the work tree's
    failed = ""
    current = _shows(site, tip, audience, today) and without_hand_written(site)
    if not current and got.source.build and not fetch_failed:
        try:
            # hoso's generated pages only: a school's hand-written page may hold scripts, and the
            # portal serves this site in its own origin, beside every other school's
            build(mirror, audience, site, rev=tip, today=today, hand_written=False, log_keys=keys)
            got.built = True
        except HosoError as exc:  # shown on the portal; an older site, if any, is still used
            failed = exc.render()
    chosen = (site / INDEX).is_file()
    if fetch_failed:
        why = {"path": str(root), "error": fetch_failed}
        got.problems.append(Problem(STALE if chosen else ERROR, "portal.fetch-failed", why))
    if failed:
        got.problems.append(Problem(STALE if chosen else ERROR, "portal.build-failed", {"error": failed}))
    if not chosen:
        if failed or fetch_failed:
            return got
        return got.fail("portal.no-site", path=str(root), audience=audience)
    got.site_dir = site
    _read_index(got)
    info = _build_info(site)
    shown = info.get("commit")
    if not (failed or fetch_failed) and shown == tip and info.get("today") != today.isoformat():
        # `build: false` keeps a site of another day: that day's missing list
        got.problems.append(Problem(STALE, "portal.old-day", {"day": _day(info.get("today"))}))
    own = (root / got.source.entry.site) if got.source.entry.site else default_out(root, audience)
    same = isinstance(shown, str) and info.get("audience") == audience and _shows(own, shown, audience)
    if got.index_stat and same:
        differs = _own_differs(own, site, got.index_stat)
        if differs:
            listed = ", ".join(differs[:3]) + (f" (+{len(differs) - 3})" if len(differs) > 3 else "")
            params = {"path": str(own), "count": len(differs), "paths": listed}
            got.problems.append(Problem(UNVERIFIED, "portal.own-site-differs", params))
    if keys is None:  # a note after the problems, not a state: the school's governance approved its key
        got.problems.append(Problem(OK, "portal.school-server-key"))
    return got


def _day(value: Any) -> str:
    """dd/mm/yyyy of an ISO date, as Vietnamese documents write it; "?" when there is none."""
    try:
        return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return "?"


def _own_differs(own: Path, site: Path, built_stat: str) -> list[str]:
    """Paths whose (blob, status) the work tree's own site lists otherwise than the portal's build
    of the same commit (every path when it cannot be read). Timeliness and the missing list depend on
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
