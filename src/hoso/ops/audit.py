"""Fixity audit (kiểm tra toàn vẹn) of the records on HEAD, compared with the previous audit.

1. `git fsck --full`: every object of the repository, as git sees it.
2. Every record blob of HEAD is re-read through one `git cat-file --batch` and re-hashed: its
   git id recomputed ("blob <size>\\0" + data, SHA-1) must equal the id the tree names, and its
   SHA-256 must equal the one recorded at the previous audit (a second, stronger digest that a
   SHA-1 collision cannot fake). Fixity means reading the bytes: nothing is skipped here.
3. Signatures are re-judged with the trust/ and people.yml of HEAD through the evidence cache
   (`verdict_for`): a blob already judged under the same trust store and staff list is not
   verified again; a changed trust store re-verifies everything it could affect.
4. Differences with the previous audit are reported: records new, removed or changed; a
   status that changed (a trust anchor removed makes a record untrusted); certificates that
   expired since then (information: what counts legally is validity at signing time, which the
   verdict already judged); trust anchors removed, added or expired.

The state is a small JSON file in the git directory (`.git/hoso/audit.json`), written
atomically; it is never committed. Today's date can be pinned with the environment variable
HOSO_TEST_TODAY=YYYY-MM-DD: a test hook, to show a certificate expiring between two audits.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from hoso.config import Config, load_config
from hoso.errors import ExitCode, GitError, NotFoundError, UsageError, worst
from hoso.evidence import EvidenceCache, cache_dir
from hoso.git.history import has_commits
from hoso.git.objects import GITLINK_MODE, BlobReader, CommitSnapshot, Entry, blob_id, tree_entries
from hoso.git.process import git_env, run_git
from hoso.messages import t
from hoso.records import RECORDS_DIR, PathProblem, parse_path
from hoso.rules.base import Context, Subject
from hoso.rules.signatures import history_arrival
from hoso.status import KHONG_HOP_LE, compute
from hoso.trust import pem_files
from hoso.writes import write_atomic

STATE_FILE = "audit.json"
STATE_VERSION = 1
JSON_VERSION = 1
TODAY_ENV = "HOSO_TEST_TODAY"  # test hook: the day the audit believes it is

ERROR = "error"
INFO = "info"

FIXITY_KINDS = frozenset({"fsck", "missing", "corrupt", "sha256-mismatch"})


def today() -> date:
    value = os.environ.get(TODAY_ENV, "").strip()
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError("audit.bad-today", value=value) from None


@dataclass(frozen=True)
class Note:
    """One thing the audit found: `kind` names the message `audit.<kind>`."""

    kind: str
    severity: str  # error | info
    path: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    exit_code: ExitCode = ExitCode.OK

    def message(self) -> str:
        return t(f"audit.{self.kind}", path=self.path, **self.params)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "path": self.path,
            "message": self.message(),
            "params": {k: str(v) for k, v in self.params.items()},
        }


@dataclass
class Result:
    head: str
    today: date
    previous: dict[str, Any] | None  # {"today", "audited_at", "head"} of the previous audit
    records: int = 0
    bytes: int = 0
    verified: int = 0  # signature verdicts computed in this run
    cached: int = 0  # signature verdicts taken from the evidence cache
    statuses: dict[str, int] = field(default_factory=dict)
    fsck_ok: bool = True
    notes: list[Note] = field(default_factory=list)

    @property
    def errors(self) -> list[Note]:
        return [n for n in self.notes if n.severity == ERROR]

    @property
    def exit_code(self) -> ExitCode:
        errors = self.errors
        if any(n.kind in FIXITY_KINDS for n in errors):
            return ExitCode.FAILED  # bytes lost or altered come before anything else
        return worst({n.exit_code for n in errors}) if errors else ExitCode.OK

    def as_json(self) -> dict[str, Any]:
        return {
            "version": JSON_VERSION,
            "head": self.head,
            "today": self.today.isoformat(),
            "previous": self.previous,
            "ok": not self.errors,
            "exit_code": int(self.exit_code),
            "counts": {
                "records": self.records,
                "bytes": self.bytes,
                "verified": self.verified,
                "cached": self.cached,
                "statuses": self.statuses,
            },
            "fsck_ok": self.fsck_ok,
            "notes": [n.as_json() for n in self.notes],
        }


# ---- state of the previous audit -------------------------------------------------------------


def state_path(root: Path) -> Path:
    return cache_dir(root) / STATE_FILE


def load_state(root: Path) -> tuple[dict[str, Any] | None, bool]:
    """(state, readable): None when there was no previous audit or its file is unusable."""
    path = state_path(root)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, True
    except (OSError, ValueError):
        return None, False
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        return None, False
    return data, True


def save_state(root: Path, state: dict[str, Any]) -> None:
    path = state_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


# ---- git: fsck and robust blob reading -------------------------------------------------------


class Fsck:
    """`git fsck --full`, running in the background while the records are read (both are
    bound by inflating and hashing objects: they overlap on two cores)."""

    def __init__(self, root: Path) -> None:
        # TODO(hoso.git): move next to the other git calls (hoso.git.bundle.fsck).
        try:
            self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
                ["git", "fsck", "--full", "--no-dangling", "--no-progress"],
                cwd=root,
                env=git_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
        except FileNotFoundError as exc:
            raise GitError("git.not-installed", ExitCode.FAILED) from exc

    def result(self) -> tuple[bool, list[str]]:
        """(ok, the lines it printed). Dangling objects are not problems."""
        assert self._proc is not None
        out, _ = self._proc.communicate()
        code = self._proc.returncode
        self._proc = None
        lines = [line.strip() for line in out.decode("utf-8", "replace").splitlines() if line.strip()]
        return code == 0, lines

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._proc = None


class _Blobs:
    """BlobReader that survives a corrupt object: `git cat-file --batch` dies mid-stream on an
    object that cannot be inflated; a fresh process is started for the next blob."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._reader = BlobReader(root)

    def restart(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._reader.close()
        self._reader = BlobReader(self._root)

    def read(self, entry: Entry) -> bytes | None:
        for _attempt in range(2):
            try:
                return self._reader.read(entry)
            except GitError:  # "<oid> missing": the process goes on
                return None
            except (OSError, ValueError):  # the previous object killed the process
                self.restart()
        return None

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._reader.close()


def record_entries(root: Path, head: str) -> list[Entry]:
    """Blobs under records/ on HEAD. `ls-tree -l` opens every blob for its size; when one is
    too damaged for that, list without sizes (the bytes are judged when read)."""
    try:
        entries = tree_entries(root, head, RECORDS_DIR)
    except (GitError, ValueError):  # ValueError: a size git prints as "BAD"
        raw = run_git(root, ["ls-tree", "-r", "-z", "--full-tree", head, "--", RECORDS_DIR])
        entries = []
        for rec in raw.split(b"\0"):
            if rec:
                meta, _, path = rec.partition(b"\t")
                mode, _type, oid = meta.decode().split()
                entries.append(Entry(path.decode("utf-8", "surrogateescape"), mode, oid, -1))
    return [e for e in entries if e.mode != GITLINK_MODE]


class _Current:
    """The content source given to `verdict_for`: the bytes just read; counts verifications."""

    def __init__(self) -> None:
        self.data = b""
        self.reads = 0

    def read(self, entry: Entry) -> bytes:
        self.reads += 1
        return self.data

    def close(self) -> None:
        return None


# ---- the audit ---------------------------------------------------------------------------


def _anchors(config: Config) -> dict[str, dict[str, str]]:
    from hoso.trust import parse_pem

    found: dict[str, dict[str, str]] = {}
    for path, data in pem_files(config.snapshot).items():
        try:
            anchors = parse_pem(data, path)
        except ValueError:
            continue  # `hoso check` reports a broken trust file; here it simply trusts nothing
        for a in anchors:
            found[a.sha256] = {"subject": a.subject, "file": a.file, "not_after": a.not_after.isoformat()}
    return found


def _expired(not_after: str, day: date) -> bool:
    try:
        when = datetime.fromisoformat(not_after)
    except ValueError:
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).date() < day


def _verdict_code(verdict: dict[str, Any]) -> ExitCode:
    if verdict.get("status") == "unreadable":
        return ExitCode.FORMAT
    if not verdict.get("integrity"):
        return ExitCode.SIGNATURE_INVALID
    return ExitCode.UNTRUSTED


def _reasons(verdict: dict[str, Any]) -> str:
    return "; ".join(t(r) for r in verdict.get("reasons", [])) or t("signatures.no-detail")


def _status_name(status: str | None) -> str:
    return t(f"status.{status}") if status else "—"


def run(root: Path) -> Result:
    """Audit HEAD of `root`, report against the previous audit, record this one."""
    if not has_commits(root):
        raise NotFoundError("audit.no-commit", path=str(root))
    day = today()
    head = run_git(root, ["rev-parse", "HEAD"]).decode().strip()
    previous, readable = load_state(root)
    result = Result(
        head,
        day,
        {k: previous.get(k) for k in ("today", "audited_at", "head")} if previous else None,
    )
    notes = result.notes
    if not readable:
        notes.append(Note("state-unreadable", INFO, str(state_path(root))))
    fsck_at = len(notes)

    checker = Fsck(root)
    try:
        _records(root, head, previous, result)
        ok, lines = checker.result()
    finally:
        checker.stop()
    result.fsck_ok = ok
    severity = INFO if ok else ERROR
    found = [Note("fsck", severity, "", {"detail": line}, ExitCode.FAILED) for line in lines[:50]]
    if len(lines) > 50:
        found.append(Note("fsck-more", severity, "", {"count": len(lines) - 50}, ExitCode.FAILED))
    notes[fsck_at:fsck_at] = found
    return result


def _records(root: Path, head: str, previous: dict[str, Any] | None, result: Result) -> None:
    """Read, hash and judge every record; compare with `previous`; save the new state."""
    day = result.today
    notes = result.notes
    prev_records: dict[str, dict[str, Any]] = previous.get("records", {}) if previous else {}
    prev_blobs: dict[str, str] = previous.get("blobs", {}) if previous else {}

    config = load_config(root, CommitSnapshot(root, head))
    entries = record_entries(root, head)
    current = _Current()
    cache = EvidenceCache(root)
    ctx = Context(config=config, source=current, cache=cache, arrival=history_arrival(root, head))
    blobs = _Blobs(root)
    records: dict[str, dict[str, Any]] = {}
    hashes: dict[str, str] = {}
    certs: dict[str, dict[str, Any]] = {}  # fingerprint -> subject, not_after, records
    statuses: dict[str, int] = {}
    try:
        _prefetch(root, entries, config, ctx, prev_blobs)
        for e in entries:
            data = blobs.read(e)
            prev = prev_records.get(e.path)
            if data is None:
                notes.append(Note("missing", ERROR, e.path, {"oid": e.oid}, ExitCode.FAILED))
                if prev:
                    records[e.path] = prev
                continue
            if blob_id(data) != e.oid:
                blobs.restart()  # a short read means cat-file died on this object
                notes.append(
                    Note("corrupt", ERROR, e.path, {"oid": e.oid, "got": blob_id(data)}, ExitCode.FAILED)
                )
                if prev:
                    records[e.path] = prev
                continue
            result.records += 1
            result.bytes += len(data)
            sha = hashlib.sha256(data).hexdigest()
            before = prev_blobs.get(e.oid)
            if before is not None and before != sha:
                notes.append(
                    Note(
                        "sha256-mismatch",
                        ERROR,
                        e.path,
                        {"oid": e.oid, "before": before, "now": sha},
                        ExitCode.FAILED,
                    )
                )
                if prev:
                    records[e.path] = prev
                continue
            hashes[e.oid] = sha
            status, verdict = _judge(e, data, config, ctx, current, result)
            records[e.path] = {"oid": e.oid, "status": status}
            if status:
                statuses[status] = statuses.get(status, 0) + 1
            if verdict is not None:
                _collect_certs(verdict, e.path, certs)
            if previous is not None:
                if prev is None:
                    notes.append(Note("new", INFO, e.path))
                elif prev.get("oid") != e.oid:
                    notes.append(
                        Note("modified", INFO, e.path, {"old": str(prev.get("oid"))[:10], "new": e.oid[:10]})
                    )
            before_status = prev.get("status") if prev else None
            if previous is not None and before_status and status and status != before_status:
                bad = status == KHONG_HOP_LE
                params = {"before": _status_name(before_status), "now": _status_name(status)}
                if bad and verdict is not None:
                    params["reasons"] = _reasons(verdict)
                notes.append(
                    Note(
                        "verdict-worse" if bad else "verdict-changed",
                        ERROR if bad else INFO,
                        e.path,
                        params,
                        _verdict_code(verdict) if bad and verdict is not None else ExitCode.OK,
                    )
                )
            elif status == KHONG_HOP_LE and verdict is not None:
                notes.append(
                    Note("invalid", ERROR, e.path, {"reasons": _reasons(verdict)}, _verdict_code(verdict))
                )
    finally:
        blobs.close()
        cache.close()
    current_paths = {e.path for e in entries}
    for path in sorted(set(prev_records) - current_paths):
        notes.append(Note("removed", INFO, path))
    result.statuses = statuses

    anchors = _anchors(config)
    expired_now = sorted(fp for fp, c in certs.items() if _expired(c["not_after"], day))
    expired_before = set(previous.get("expired", [])) if previous else set()
    for fp in expired_now:
        if fp in expired_before or fp in anchors:
            continue  # trust anchors are reported below, once
        c = certs[fp]
        notes.append(
            Note(
                "cert-expired" if previous is not None else "cert-expired-first",
                INFO,
                c["records"][0],
                {
                    "subject": c["subject"],
                    "not_after": c["not_after"][:10],
                    "count": len(c["records"]),
                    "fingerprint": fp,
                },
            )
        )
    _compare_anchors(previous, anchors, day, notes)

    # fixity records are kept for blobs that could not be read now, so that they stay comparable
    kept = {r.get("oid") for r in records.values()}
    for oid, sha in prev_blobs.items():
        if oid not in hashes and oid in kept:
            hashes[oid] = sha
    save_state(
        root,
        {
            "version": STATE_VERSION,
            "today": day.isoformat(),
            "audited_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "head": head,
            "anchors": anchors,
            "expired": expired_now,
            "blobs": hashes,
            "records": records,
        },
    )


def _judge(
    e: Entry, data: bytes, config: Config, ctx: Context, current: _Current, result: Result
) -> tuple[str | None, dict[str, Any] | None]:
    """(status, verdict) of a record through the evidence cache; (None, None) for a file under
    records/ that is not a record of a known type (placement is `hoso check`'s business)."""
    from hoso.rules.signatures import EXAMINED, verdict_for

    try:
        record = parse_path(e.path)
    except PathProblem:
        return None, None
    rt = config.catalog.type_by_id(record.type_id)
    if rt is None or e.mode == "120000":
        return None, None
    current.data = data
    reads = current.reads
    verdict = verdict_for(Subject(e, record, rt), ctx)
    prefetched: set[str] = ctx.memo.get(EXAMINED, set())  # verified by `_prefetch`, this run
    if current.reads > reads or e.oid in prefetched:
        prefetched.discard(e.oid)
        result.verified += 1
    else:
        result.cached += 1
    return compute(verdict, rt, record, config).status, verdict


class _Checked:
    """The content source of `_prefetch`: a blob only when its bytes are those the loop then
    judges (its git id recomputed, its SHA-256 that of the previous audit); any other blob is
    refused here and left to the loop, which reports it and judges nothing."""

    def __init__(self, root: Path, prev_blobs: dict[str, str]) -> None:
        self._blobs = _Blobs(root)
        self._prev = prev_blobs

    def read(self, entry: Entry) -> bytes:
        data = self._blobs.read(entry)
        if data is None:
            raise ValueError(f"{entry.path}: blob {entry.oid} missing")
        if blob_id(data) != entry.oid:
            self._blobs.restart()  # a short read: cat-file died on this object
            raise ValueError(f"{entry.path}: blob {entry.oid} corrupt")
        before = self._prev.get(entry.oid)
        if before is not None and before != hashlib.sha256(data).hexdigest():
            raise ValueError(f"{entry.path}: SHA-256 changed since the previous audit")
        return data

    def close(self) -> None:
        self._blobs.close()


def _prefetch(
    root: Path, entries: list[Entry], config: Config, ctx: Context, prev_blobs: dict[str, str]
) -> None:
    """Verify on every core, into the cache, the signatures `_judge` will ask for."""
    from dataclasses import replace

    from hoso.rules.signatures import prefetch

    subjects = []
    for e in entries:
        try:
            record = parse_path(e.path)
        except PathProblem:
            continue
        rt = config.catalog.type_by_id(record.type_id)
        if rt is not None and e.mode != "120000":
            subjects.append(Subject(e, record, rt))
    source = _Checked(root, prev_blobs)  # its `git cat-file` starts at the first read, if any
    try:
        prefetch(subjects, replace(ctx, source=source))  # the same memo: what was verified
    finally:
        source.close()


def _collect_certs(verdict: dict[str, Any], path: str, certs: dict[str, dict[str, Any]]) -> None:
    for sig in verdict.get("signatures", []):
        for link in sig.get("chain", []):
            fp = link.get("fingerprint")
            if not fp:
                continue
            c = certs.setdefault(
                fp,
                {"subject": link.get("subject", ""), "not_after": link.get("not_after", ""), "records": []},
            )
            if not c["records"] or c["records"][-1] != path:
                c["records"].append(path)


def _compare_anchors(
    previous: dict[str, Any] | None, anchors: dict[str, dict[str, str]], day: date, notes: list[Note]
) -> None:
    before: dict[str, dict[str, str]] = previous.get("anchors", {}) if previous else {}
    last_day = None
    if previous:
        with contextlib.suppress(TypeError, ValueError):
            last_day = date.fromisoformat(str(previous.get("today")))
    for fp, a in sorted(before.items()):
        if fp not in anchors:
            notes.append(
                Note(
                    "anchor-removed",
                    INFO,
                    a.get("file", ""),
                    {"subject": a.get("subject", ""), "fingerprint": fp},
                )
            )
    for fp, a in sorted(anchors.items()):
        if previous is not None and fp not in before:
            notes.append(Note("anchor-added", INFO, a["file"], {"subject": a["subject"], "fingerprint": fp}))
        if _expired(a["not_after"], day) and (last_day is None or not _expired(a["not_after"], last_day)):
            notes.append(
                Note(
                    "anchor-expired" if previous is not None else "anchor-expired-first",
                    INFO,
                    a["file"],
                    {"subject": a["subject"], "not_after": a["not_after"][:10]},
                )
            )
