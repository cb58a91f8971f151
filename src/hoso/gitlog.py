"""Commits read from `git log` in one stream, and kept by commit id for the next reading.

`log_commits` runs one `git log` for any number of commits: ids, parents, dates, authors,
messages and each commit's changes against its first parent, parsed while git writes.

`cached_commits` is what reads whole histories (the audit trail): a commit's id fixes its
parents, author, message and tree, hence its changes, so what one reading parsed is kept in the
evidence cache under that id (inside the git directory: nothing pushed can fill it). The next
reading lists the ids (`git rev-list`, no diff) and asks git only for the commits it has not
seen. Whether a signature is good depends on the allowed-signers file too: that answer is kept
under the commit id and the file's digest.
"""

from __future__ import annotations

import hashlib
import queue
import secrets
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from hoso.errors import ExitCode, GitError
from hoso.evidence import EvidenceCache
from hoso.repo import Change, Commit, git_env, read_notes, run_git

COMMIT, SIGNER = "commit", "commit-signer"
_VERSION = "1"


def _text(value: str) -> str:
    """Free text decoded with surrogateescape, as `decode("utf-8", "replace")` would give it."""
    if value.isascii():
        return value
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def stream_git(
    root: Path, args: Sequence[str], separator: bytes, input_bytes: bytes = b""
) -> Iterator[bytes]:
    """The output of `git ARGS`, cut at each `separator` (which starts every record), record by
    record as git writes it. Raises GitError, like `run_git`, when git fails."""
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                ["git", *args],
                cwd=root,
                env=git_env(),
                stdin=subprocess.PIPE if input_bytes else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
            )
        except FileNotFoundError as exc:
            raise GitError("git.not-installed", ExitCode.FAILED) from exc
        stdout = proc.stdout
        assert stdout is not None
        if input_bytes:
            assert proc.stdin is not None
            with proc.stdin:  # `git log --stdin` reads all of it before writing anything
                proc.stdin.write(input_bytes)
        # a thread drains the pipe (64 KiB) while this one parses: git never waits for the parser
        blocks: queue.Queue[bytes] = queue.Queue()

        def drain() -> None:
            try:
                while block := stdout.read(1 << 18):
                    blocks.put(block)
            finally:
                blocks.put(b"")

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        pending = b""
        try:
            while block := blocks.get():
                pending += block
                records = pending.split(separator)
                pending = records.pop()
                for record in records:
                    if record:
                        yield record
        finally:
            if reader.is_alive():
                proc.kill()
            reader.join()
            stdout.close()
            code = proc.wait()
        if code != 0:
            errors.seek(0)
            raise GitError(
                "git.failed",
                command="git " + " ".join(args[:3]),
                detail=errors.read().decode("utf-8", "replace").strip()[:500],
            )
        if pending:
            yield pending


def log_commits(
    root: Path,
    selection: Sequence[str],
    *,
    merge_changes: bool = False,
    signers: Path | None = None,
    input_bytes: bytes = b"",
    walk: bool = True,
) -> list[Commit]:
    """The commits `selection` names (git log arguments), oldest first (topological), or in the
    order given on stdin with `walk=False` (`--no-walk=unsorted --stdin`)."""
    # Author names and messages may hold any byte, so every field is framed by a marker made of
    # random bytes for this call: no text typed in advance can contain it, so none can pass for
    # another commit's fields or changes.
    mark = "\x1e" + secrets.token_hex(12)
    start, fence, end = mark + "S", mark + "F", mark + "E"
    fields = ["%H", "%P", "%cI", "%an", "%ae", "%B"]
    if signers:
        fields[3:3] = ["%G?", "%GS"]
    fmt = (
        start.replace("\x1e", "%x1e")
        + fence.replace("\x1e", "%x1e").join(fields)
        + end.replace("\x1e", "%x1e")
    )
    config = ["-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={signers}"] if signers else []
    # topological: a parent always before its children, whatever dates the commits claim; a
    # merge's changes are against its first parent (what it brought to the branch), or none
    order = ["--reverse", "--topo-order"] if walk else ["--no-walk=unsorted", "--stdin"]
    merges = "--diff-merges=" + ("first-parent" if merge_changes else "off")
    args = [
        *config, "-c", "i18n.logOutputEncoding=UTF-8", "log", *order, f"--format={fmt}",
        "--raw", "-z", "--no-renames", "--no-abbrev", "--root", merges,
    ]  # fmt: skip
    found: list[Commit] = []
    for chunk in stream_git(root, [*args, *selection], start.encode(), input_bytes):
        # one decode per commit: a marker is ASCII, and no invalid byte can swallow one
        head, _, rest = chunk.decode("utf-8", "surrogateescape").partition(end)
        parts = head.split(fence)
        if len(parts) != len(fields):
            raise GitError("git.failed", command="git log", detail="unexpected output")
        signer = None
        if signers:
            signer = parts[4].strip() or None if parts[3] == "G" else None
        author, email, message = (_text(p) for p in parts[-3:])
        found.append(
            Commit(
                parts[0],
                parts[1].split(),
                parts[2],
                author,
                message.rstrip("\n"),
                _changes(rest),
                email,
                "",
                signer,
            )
        )
    return found


def _changes(raw: str) -> list[Change]:
    """`--raw -z` output: ":old_mode new_mode old new status" NUL path NUL, for each change."""
    changes: list[Change] = []
    tokens = raw.split("\0")
    i, count = 0, len(tokens) - 1
    while i < count:
        tok = tokens[i]
        if tok[:1] == "\n":
            tok = tok.lstrip("\n")
        if tok[:1] == ":":
            old_mode, new_mode, old_oid, new_oid, status = tok[1:].split()
            changes.append(Change(status[0], tokens[i + 1], old_oid, new_oid, old_mode, new_mode))
            i += 2
        else:
            i += 1
    return changes


def cached_commits(
    root: Path,
    revs: Sequence[str],
    cache: EvidenceCache,
    *,
    since: str | None = None,
    merge_changes: bool = False,
    notes: bool = False,
    signers: Path | None = None,
) -> list[Commit]:
    """`repo.commits`, with what an earlier reading parsed taken from `cache`."""
    from hoso.repo import commits

    if not cache.usable:
        return commits(root, revs, since=since, merge_changes=merge_changes, notes=notes, signers=signers)
    selection = [*([f"--since={since}"] if since else []), *revs]
    order = run_git(root, ["rev-list", "--reverse", "--topo-order", *selection]).decode().split()
    context = _VERSION + ("m" if merge_changes else "")
    held = cache.get_many(COMMIT, order, context)
    missing = [oid for oid in order if oid not in held]
    fresh: dict[str, Commit] = {}
    if missing:
        read = log_commits(
            root,
            [],
            merge_changes=merge_changes,
            input_bytes="".join(o + "\n" for o in missing).encode(),
            walk=False,
        )
        fresh = {c.oid: c for c in read}
        cache.put_many([(COMMIT, c.oid, context, _as_row(c)) for c in read])
    found = [
        fresh[oid] if oid in fresh else _from_row(oid, held[oid])
        for oid in order
        if oid in fresh or oid in held
    ]
    if signers:
        _sign(root, found, signers, cache)
    if notes:
        texts = read_notes(root)
        for c in found:
            c.notes = "\n".join(texts.get(c.oid, []))
    return found


def _sign(root: Path, found: list[Commit], signers: Path, cache: EvidenceCache) -> None:
    """Each commit's good signer under `signers`, kept by commit id and the file's digest."""
    digest = hashlib.sha256(signers.read_bytes()).hexdigest()
    held = cache.get_many(SIGNER, [c.oid for c in found], digest)
    missing = [c.oid for c in found if c.oid not in held]
    if missing:
        config = ["-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={signers}"]
        raw = run_git(
            root,
            [*config, "log", "--no-walk=unsorted", "--stdin", "--format=%H%x1f%G?%x1f%GS%x1e"],
            input_bytes="".join(o + "\n" for o in missing).encode(),
        ).decode("utf-8", "replace")
        rows: list[tuple[str, str, str, dict[str, Any]]] = []
        for record in raw.split("\x1e"):
            parts = record.strip("\n").split("\x1f")
            if len(parts) == 3:
                principal = parts[2].strip() if parts[1] == "G" else ""
                held[parts[0]] = {"s": principal}
                rows.append((SIGNER, parts[0], digest, {"s": principal}))
        cache.put_many(rows)
    for c in found:
        c.signer = str(held.get(c.oid, {}).get("s") or "") or None


def _as_row(c: Commit) -> dict[str, Any]:
    return {
        "p": c.parents,
        "d": c.date,
        "a": c.author,
        "e": c.email,
        "m": c.message,
        "c": [[ch.status, ch.path, ch.old_oid, ch.new_oid, ch.old_mode, ch.new_mode] for ch in c.changes],
    }


def _from_row(oid: str, row: dict[str, Any]) -> Commit:
    changes = [Change(*ch) for ch in row["c"]]
    return Commit(oid, row["p"], row["d"], row["a"], row["m"], changes, row["e"])
