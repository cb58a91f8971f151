"""Verified backups of a school repository, and restores that prove themselves.

A backup is one folder `hoso-backup-<UTC time>-<commit>/` holding

* `hoso.bundle`   `git bundle create --all`: every branch, tag and notes ref with its history;
* `manifest.json` what the bundle must give back: its refs, its SHA-256, the SHA-256 of every
                  record blob of every ref's tree, the `hoso check --all` result at backup time,
                  and its own SHA-256 (`manifest_sha256`) so an edited manifest is refused;
* `SHA256SUMS`    the same digests for `sha256sum -c`, to check a copy by hand;
* `lfs-objects/`  the repository's `.git/lfs/objects`, when it has any.

Nothing is ever half-written: the folder is built under a `.tmp-hoso-…` name inside the
destination, flushed to disk, its bundle verified, and only then renamed into place. Names
starting with `.tmp-hoso-` are ignored by restore and rotation and removed by the next backup
(which holds a lock on the destination, so it never removes a backup still being written).

Test hook: `HOSO_TEST_SLOW_BACKUP=<seconds>` sleeps just before the final rename, so a test can
kill a backup half way. It changes nothing else and is never needed outside tests.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hoso import __version__
from hoso.errors import ConfigError, ExistsError, ExitCode, GitError, HosoError, NotFoundError, worst
from hoso.git.bundle import bundle_create, bundle_heads, bundle_verify, fetch_bundle, fsck, init_repo
from hoso.git.objects import BlobReader, CommitSnapshot, Entry, peel_trees, tree_entries
from hoso.git.process import absolute_git_dir, locate
from hoso.git.refs import refs, symbolic_head

FORMAT = "hoso-backup"
VERSION = 1
PREFIX = "hoso-backup-"
TEMP_PREFIX = ".tmp-hoso-"
BUNDLE = "hoso.bundle"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
LFS_DIR = "lfs-objects"
LOCK = ".hoso-backup.lock"
SLOW_ENV = "HOSO_TEST_SLOW_BACKUP"  # test hook, see the module docstring


class BackupError(HosoError):
    exit_code = ExitCode.FAILED


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    removed: list[Path] = field(default_factory=list)
    stale: int = 0  # half-written folders of interrupted runs, removed


@dataclass
class Proof:
    key: str  # message key suffix: refs, fsck, records, check
    ok: bool
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class RestoreReport:
    backup: Path
    target: Path
    manifest: dict[str, Any]
    proofs: list[Proof]

    @property
    def ok(self) -> bool:
        return all(p.ok for p in self.proofs)


# ---- small helpers ---------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _canonical(manifest: dict[str, Any]) -> bytes:
    body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def _fsync_tree(top: Path) -> None:
    """Flush every file and folder below `top` (and `top` itself) to disk."""
    for dirpath, _dirs, files in os.walk(top):
        for name in files:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    """Delete a folder so that an interruption never leaves a backup-looking half."""
    doomed = path.with_name(f"{TEMP_PREFIX}delete-{path.name}")
    os.rename(path, doomed)
    shutil.rmtree(doomed, ignore_errors=True)


@contextlib.contextmanager
def _locked(dest: Path) -> Iterator[None]:
    """One backup at a time per destination; the kernel drops the lock if the process dies."""
    try:
        fd = os.open(dest / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise BackupError(
            "backup.dest-not-writable", path=str(dest), detail=exc.strerror or str(exc)
        ) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError("backup.busy", path=str(dest)) from None
        yield
    finally:
        os.close(fd)


def clean_stale(dest: Path) -> int:
    """Remove what interrupted backups and deletions left behind (call with the lock held)."""
    count = 0
    for p in dest.iterdir():
        if p.name.startswith(TEMP_PREFIX) and p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
            count += 1
    return count


def _created_at(backup: Path) -> str:
    try:
        value = json.loads((backup / MANIFEST).read_text(encoding="utf-8")).get("created_at", "")
    except (OSError, ValueError, AttributeError):
        return ""
    return value if isinstance(value, str) else ""


def list_backups(dest: Path) -> list[Path]:
    """Complete backups in `dest`, oldest first (temporary `.tmp-hoso-…` folders ignored)."""
    found = [
        p
        for p in dest.iterdir()
        if p.name.startswith(PREFIX) and p.is_dir() and not p.is_symlink() and (p / MANIFEST).is_file()
    ]
    return sorted(found, key=lambda p: (_created_at(p), p.name))


def rotate(dest: Path, keep: int, protect: Path | None = None) -> list[Path]:
    """Delete the oldest complete backups beyond `keep`; never `protect` (the one just made)."""
    backups = list_backups(dest)
    excess = len(backups) - keep
    removed: list[Path] = []
    for p in backups:
        if excess <= 0:
            break
        if protect is not None and p == protect:
            continue
        _remove(p)
        removed.append(p)
        excess -= 1
    return removed


# ---- the check result, over a commit (no work tree) ------------------------------------------


def check_summary(root: Path, commit: str, *, allow_pending: bool, use_cache: bool) -> dict[str, Any]:
    """What `hoso check --all` says of `commit`'s tree: exit code, findings and their digest.

    The same engine as `hoso check`, reading configuration, trust anchors and records from the
    commit itself. The digest covers (path, rule, severity) of every finding, so two runs that
    agree on it found the same problems in the same files.
    """
    from hoso.config import load_config
    from hoso.evidence import EvidenceCache
    from hoso.records import RECORDS_DIR, is_record_area
    from hoso.rules import engine
    from hoso.rules.base import Context, Subject

    summary: dict[str, Any] = {"commit": commit, "allow_pending": allow_pending}
    try:
        config = load_config(root, CommitSnapshot(root, commit))
    except ConfigError as exc:
        lines = [f"{i.file}\t{i.line}\t{i.key}" for i in exc.issues]
        return summary | {
            "exit_code": int(ExitCode.CONFIG),
            "checked": 0,
            "findings": len(lines),
            "errors": len(lines),
            "digest": _digest(lines),
        }
    entries = [e for e in tree_entries(root, commit, RECORDS_DIR) if is_record_area(e.path)]
    cache = EvidenceCache(root if use_cache else None)
    source = BlobReader(root)
    try:
        ctx = Context(
            config=config,
            source=source,
            cache=cache,
            all_paths=frozenset(e.path for e in entries),
            allow_pending=allow_pending,
        )
        result = engine.run((Subject(e) for e in entries), ctx)
    finally:
        source.close()
        cache.close()
    errors = [f for f in result.findings if f.severity == "error"]
    return summary | {
        "exit_code": int(worst({f.exit_code for f in errors})),
        "checked": len(entries),
        "findings": len(result.findings),
        "errors": len(errors),
        "digest": _digest([f"{f.path}\t{f.rule}\t{f.severity}" for f in result.findings]),
    }


def _protected_branch(root: Path, commit: str) -> str:
    from hoso.config import load_config

    try:
        return load_config(root, CommitSnapshot(root, commit)).catalog.defaults.protected_branch
    except HosoError:
        return "main"


# ---- backup ----------------------------------------------------------------------------------


def _record_blobs(root: Path, ref_oids: dict[str, str]) -> list[dict[str, Any]]:
    """path, blob id, size and SHA-256 of every record in every ref's tree; one cat-file process."""
    from hoso.records import RECORDS_DIR

    entries: dict[tuple[str, str], Entry] = {}
    for tree in sorted(set(peel_trees(root, ref_oids.values()).values())):
        for e in tree_entries(root, tree, RECORDS_DIR):
            if not e.is_gitlink:
                entries.setdefault((e.path, e.oid), e)
    digests: dict[str, str] = {}
    reader = BlobReader(root)
    try:
        for e in entries.values():
            if e.oid not in digests:
                digests[e.oid] = hashlib.sha256(reader.read(e)).hexdigest()
    finally:
        reader.close()
    return [
        {"path": e.path, "blob": e.oid, "size": e.size, "sha256": digests[e.oid]}
        for _, e in sorted(entries.items())
    ]


def _lfs(root: Path, head_oid: str, tmp: Path) -> dict[str, Any]:
    from hoso.messages import t

    attributes = CommitSnapshot(root, head_oid).read(".gitattributes") if head_oid else None
    used = attributes is not None and b"filter=lfs" in attributes
    objects = absolute_git_dir(root) / "lfs" / "objects"
    count = 0
    if objects.is_dir():
        shutil.copytree(objects, tmp / LFS_DIR, symlinks=False)
        count = sum(len(files) for _, _, files in os.walk(tmp / LFS_DIR))
    info: dict[str, Any] = {"used": used, "objects_included": count}
    if used:
        info["note"] = t("backup.lfs-note")
    return info


def create_backup(
    repo_dir: Path, dest: Path, *, keep: int | None = None, now: datetime | None = None
) -> BackupResult:
    """Write a verified backup of the repository at `repo_dir` into the existing folder `dest`."""
    found = locate(repo_dir)
    if found is None:
        raise NotFoundError("backup.not-a-repo", path=str(repo_dir))
    root, bare = found
    if not dest.is_dir():
        raise NotFoundError("backup.dest-missing", path=str(dest))
    dest = dest.resolve()
    if not refs(root):
        raise BackupError("backup.empty-repo", path=str(root))
    with _locked(dest):
        stale = clean_stale(dest)
        try:
            tmp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX + "backup-", dir=dest))
        except OSError as exc:
            raise BackupError(
                "backup.dest-not-writable", path=str(dest), detail=exc.strerror or str(exc)
            ) from exc
        try:
            manifest = _build(root, bare, tmp, now or datetime.now(UTC))
            path = _place(tmp, dest, manifest)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise BackupError("backup.io-error", path=str(dest), detail=exc.strerror or str(exc)) from exc
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        removed = rotate(dest, keep, protect=path) if keep else []
    return BackupResult(path, manifest, removed, stale)


def _build(root: Path, bare: bool, tmp: Path, now: datetime) -> dict[str, Any]:
    head = symbolic_head(root)
    bundle = tmp / BUNDLE
    bundle_create(root, bundle)
    heads = bundle_heads(root, bundle)
    head_oid = heads.pop("HEAD", "") or (heads.get(head, "") if head else "")
    check: dict[str, Any] | None = None
    if head_oid:
        branch = head.removeprefix("refs/heads/") if head else None
        pending = branch is not None and branch != _protected_branch(root, head_oid)
        check = check_summary(root, head_oid, allow_pending=pending, use_cache=True)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": now.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "hoso_version": __version__,
        "source": str(root),
        "bare": bare,
        "head": head,
        "head_commit": head_oid,
        "refs": heads,
        "bundle": {"file": BUNDLE, "size": bundle.stat().st_size, "sha256": sha256_file(bundle)},
        "records": _record_blobs(root, heads),
        "check": check,
        "lfs": _lfs(root, head_oid, tmp),
    }
    manifest["manifest_sha256"] = hashlib.sha256(_canonical(manifest)).hexdigest()
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    (tmp / MANIFEST).write_text(text, encoding="utf-8")
    sums = (
        f"{manifest['bundle']['sha256']}  {BUNDLE}\n{hashlib.sha256(text.encode()).hexdigest()}  {MANIFEST}\n"
    )
    (tmp / SUMS).write_text(sums, encoding="utf-8")
    _fsync_tree(tmp)
    try:
        bundle_verify(root, bundle)
    except GitError as exc:
        raise BackupError(
            "backup.verify-failed", path=str(bundle), detail=exc.params.get("detail", "")
        ) from exc
    if sha256_file(bundle) != manifest["bundle"]["sha256"]:
        raise BackupError("backup.verify-failed", path=str(bundle), detail="sha256")
    return manifest


def _place(tmp: Path, dest: Path, manifest: dict[str, Any]) -> Path:
    slow = os.environ.get(SLOW_ENV)
    if slow:
        time.sleep(float(slow))
    stamp = datetime.fromisoformat(manifest["created_at"].replace("Z", "+00:00")).strftime("%Y%m%dT%H%M%SZ")
    name = f"{PREFIX}{stamp}-{(manifest['head_commit'] or 'nohead')[:7]}"
    path = dest / name
    n = 2
    while os.path.lexists(path):
        path = dest / f"{name}-{n}"
        n += 1
    os.rename(tmp, path)
    _fsync_dir(dest)
    return path


# ---- restore ---------------------------------------------------------------------------------


def pick_backup(path: Path) -> Path:
    """`path` itself if it is a backup, else the newest complete backup inside it."""
    if (path / MANIFEST).is_file():
        return path
    if path.is_dir():
        backups = list_backups(path)
        if backups:
            return backups[-1]
    raise NotFoundError("restore.not-a-backup", path=str(path))


def read_manifest(backup: Path) -> dict[str, Any]:
    """The manifest of `backup`, refused unless it is intact and complete."""
    try:
        manifest = json.loads((backup / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError("restore.manifest-invalid", path=str(backup / MANIFEST), detail=str(exc)) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("restore.manifest-invalid", path=str(backup / MANIFEST), detail="format")
    if manifest.get("version") != VERSION:
        raise BackupError(
            "restore.manifest-version", path=str(backup / MANIFEST), version=manifest.get("version")
        )
    if manifest.get("manifest_sha256") != hashlib.sha256(_canonical(manifest)).hexdigest():
        raise BackupError("restore.manifest-modified", path=str(backup / MANIFEST))
    ok = (
        isinstance(manifest.get("refs"), dict)
        and isinstance(manifest.get("records"), list)
        and isinstance(manifest.get("bundle"), dict)
        and isinstance(manifest["bundle"].get("sha256"), str)
        and isinstance(manifest["bundle"].get("file"), str)
        and "/" not in manifest["bundle"]["file"]
    )
    if not ok:
        raise BackupError("restore.manifest-invalid", path=str(backup / MANIFEST), detail="fields")
    return manifest


def _target_free(target: Path) -> None:
    if os.path.lexists(target) and (not target.is_dir() or target.is_symlink() or any(target.iterdir())):
        raise ExistsError("restore.target-not-empty", path=str(target))


def restore_backup(source: Path, target: Path) -> RestoreReport:
    """Restore into `target` (absent or empty) and prove it; on any failure `target` is untouched."""
    backup = pick_backup(Path(os.path.abspath(source)))
    manifest = read_manifest(backup)
    bundle = backup / manifest["bundle"]["file"]
    try:
        digest = sha256_file(bundle)
    except OSError as exc:
        raise BackupError(
            "restore.bundle-corrupt", path=str(bundle), detail=exc.strerror or str(exc)
        ) from exc
    if digest != manifest["bundle"]["sha256"]:
        raise BackupError("restore.bundle-corrupt", path=str(bundle), detail="sha256")
    target = Path(os.path.abspath(target))
    _target_free(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}restore-{target.name}-", dir=target.parent))
    except OSError as exc:
        raise BackupError(
            "restore.target-not-writable", path=str(target), detail=exc.strerror or str(exc)
        ) from exc
    try:
        bare = bool(manifest.get("bare"))
        init_repo(tmp, bare=bare)
        try:
            bundle_verify(tmp, bundle)
        except GitError as exc:
            raise BackupError(
                "restore.bundle-corrupt", path=str(bundle), detail=exc.params.get("detail", "")
            ) from exc
        head = manifest.get("head")
        fetch_bundle(
            tmp,
            bundle,
            head if isinstance(head, str) else None,
            str(manifest.get("head_commit") or ""),
            bare=bare,
        )
        lfs = backup / LFS_DIR
        if lfs.is_dir():
            shutil.copytree(lfs, absolute_git_dir(tmp) / "lfs" / "objects", dirs_exist_ok=True)
        proofs = prove(tmp, manifest)
        report = RestoreReport(backup, target, manifest, proofs)
        if report.ok:
            _fsync_tree(tmp)
            if os.path.lexists(target):
                os.rmdir(target)  # empty, checked above
            os.rename(tmp, target)
            _fsync_dir(target.parent)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
        return report
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise BackupError("restore.io-error", path=str(target), detail=exc.strerror or str(exc)) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def prove(root: Path, manifest: dict[str, Any]) -> list[Proof]:
    """Everything the manifest promises, checked in the restored repository `root`."""
    proofs: list[Proof] = []

    have = refs(root)
    wanted: dict[str, str] = manifest["refs"]
    wrong = sorted(name for name, oid in wanted.items() if have.get(name) != oid)
    proofs.append(Proof("refs", not wrong, {"count": len(wanted), "detail": ", ".join(wrong[:5])}))

    try:
        fsck(root)
        proofs.append(Proof("fsck", True, {"detail": ""}))
    except GitError as exc:
        proofs.append(Proof("fsck", False, {"detail": str(exc.params.get("detail", ""))[:300]}))

    bad: list[str] = []
    reader = BlobReader(root)
    try:
        digests: dict[str, str] = {}
        for rec in manifest["records"]:
            oid = str(rec.get("blob", ""))
            if oid not in digests:
                try:
                    data = reader.read(Entry(str(rec.get("path", "")), "100644", oid, 0))
                    digests[oid] = hashlib.sha256(data).hexdigest()
                except GitError:
                    digests[oid] = ""
            if digests[oid] != rec.get("sha256"):
                bad.append(str(rec.get("path", "")))
    finally:
        reader.close()
    proofs.append(
        Proof(
            "records",
            not bad,
            {"count": len(manifest["records"]), "bad": len(bad), "detail": ", ".join(bad[:5])},
        )
    )

    before = manifest.get("check")
    if isinstance(before, dict) and before.get("commit"):
        try:
            after = check_summary(
                root, str(before["commit"]), allow_pending=bool(before.get("allow_pending")), use_cache=False
            )
        except HosoError as exc:
            after = {"exit_code": -1, "findings": -1, "digest": exc.render()}
        keys = ("exit_code", "findings", "digest")
        same = all(after.get(k) == before.get(k) for k in keys)
        proofs.append(
            Proof(
                "check",
                same,
                {
                    "code": before.get("exit_code"),
                    "findings": before.get("findings"),
                    "code_now": after.get("exit_code"),
                    "findings_now": after.get("findings"),
                },
            )
        )
    return proofs
