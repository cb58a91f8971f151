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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hoso.errors import ExitCode, GitError
from hoso.evidence import EvidenceCache
from hoso.git.history import Change, Commit, author_and_message, read_notes
from hoso.git.objects import read_objects
from hoso.git.process import git_env, run_git

COMMIT, SIGNER = "commit", "commit-signer"
# refs that are not history of the school's records
ALL_REFS = (
    "--exclude=refs/notes/*",
    "--exclude=refs/stash",
    "--exclude=refs/replace/*",
    "--exclude=refs/hoso/*",
    "--all",
)
_VERSION = "1"


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
    # Only what nobody types goes through `git log` (ids, parents, dates, changes, the signature
    # check, whose principals are our own person ids), framed by a marker random for this call.
    # Author names and messages are read from the raw commit objects, byte for byte, exactly as
    # the server's checks read them (`git log` would re-encode them and stop at a NUL).
    mark = "\x1e" + secrets.token_hex(12)
    start, fence, end = mark + "S", mark + "F", mark + "E"
    fields = ["%H", "%P", "%cI"]
    if signers:
        fields += ["%G?", "%GS"]
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
        *config, "log", *order, f"--format={fmt}",
        "--raw", "-z", "--no-renames", "--no-abbrev", "--root", merges,
    ]  # fmt: skip
    # with the ids known in advance, the commit objects are read while git log runs
    known = [line for line in input_bytes.decode().split("\n") if line] if not walk else []
    objects: dict[str, bytes] = {}
    reader = threading.Thread(target=lambda: objects.update(read_objects(root, known))) if known else None
    if reader is not None:
        reader.start()
    found: list[Commit] = []
    try:
        for chunk in stream_git(root, [*args, *selection], start.encode(), input_bytes):
            head, _, rest = chunk.decode("utf-8", "surrogateescape").partition(end)
            parts = head.split(fence)
            if len(parts) != len(fields):
                raise GitError("git.failed", command="git log", detail="unexpected output")
            signer = None
            if signers:
                signer = parts[4].strip() or None if parts[3] == "G" else None
            found.append(Commit(parts[0], parts[1].split(), parts[2], "", "", _changes(rest), "", "", signer))
    finally:
        if reader is not None:
            reader.join()
    missing = [c.oid for c in found if c.oid not in objects]
    if missing:
        objects.update(read_objects(root, missing))
    for c in found:
        c.author, c.email, c.message = author_and_message(objects.get(c.oid, b""))
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


def history_revs(root: Path, *, all_refs: bool) -> list[str]:
    """What the audit trail reads: HEAD's history, or every branch's; nothing before a commit."""
    from hoso.git.history import has_commits

    if all_refs:
        return list(ALL_REFS)
    return ["HEAD"] if has_commits(root) else []


@dataclass
class Listing:
    """The commits a reading selects (`rev-list --parents`: id, then parents) and the rows the
    cache holds for them."""

    graph: list[list[str]]
    rows: dict[str, dict[str, Any]]


def _context(merge_changes: bool) -> str:
    return _VERSION + ("m" if merge_changes else "")


def list_cached(
    root: Path,
    revs: Sequence[str],
    *,
    since: str | None = None,
    merge_changes: bool = False,
    cache: EvidenceCache | None = None,
) -> Listing:
    """The first half of `cached_commits`: git lists the commits while SQLite reads, so a caller
    may run it in a thread while it loads the configuration (without `cache`, it opens its own
    connection: one connection per thread)."""
    selection = [*([f"--since={since}"] if since else []), *revs]
    own = cache is None
    store = EvidenceCache(root) if cache is None else cache
    try:
        text = run_git(root, ["rev-list", "--reverse", "--topo-order", "--parents", *selection]).decode()
        graph = [line.split() for line in text.splitlines() if line]
        rows = store.get_many(COMMIT, [ids[0] for ids in graph], _context(merge_changes))
    finally:
        if own:
            store.close()
    return Listing(graph, rows)


def cached_commits(
    root: Path,
    revs: Sequence[str],
    cache: EvidenceCache,
    *,
    since: str | None = None,
    merge_changes: bool = False,
    notes: bool = False,
    signers: Path | None = None,
    listing: Listing | None = None,
) -> list[Commit]:
    """`hoso.git.history.commits`, with what an earlier reading parsed taken from `cache` (or from
    `listing`, made beforehand by `list_cached`).

    A commit id fixes the commit's parents, except where git is told otherwise (a shallow
    clone's boundary, grafts): the parents git gives now are compared with the row's, and a row
    that differs, or that does not read back whole, is read from git again.
    """
    from hoso.git.history import commits

    if not cache.usable:
        return commits(root, revs, since=since, merge_changes=merge_changes, notes=notes, signers=signers)
    if listing is None:
        listing = list_cached(root, revs, since=since, merge_changes=merge_changes, cache=cache)
    context = _context(merge_changes)
    order = [ids[0] for ids in listing.graph]
    held: dict[str, Commit] = {}
    for ids in listing.graph:
        row = listing.rows.get(ids[0])
        commit = _from_row(ids[0], row) if row is not None else None
        if commit is not None and commit.parents == ids[1:]:
            held[ids[0]] = commit
    missing = [oid for oid in order if oid not in held]
    if missing:
        read = log_commits(
            root,
            [],
            merge_changes=merge_changes,
            input_bytes="".join(o + "\n" for o in missing).encode(),
            walk=False,
        )
        held.update((c.oid, c) for c in read)
        cache.put_many([(COMMIT, c.oid, context, _as_row(c)) for c in read])
    found = [held[oid] for oid in order if oid in held]
    if signers:
        _sign(root, found, signers, cache)
    if notes:
        texts = read_notes(root)
        for c in found:
            c.notes = "\n".join(texts.get(c.oid, []))
    return found


def _sign(root: Path, found: list[Commit], signers: Path, cache: EvidenceCache) -> None:
    """Each commit's good signer under `signers`, kept by commit id and the file's digest.

    Only a definite answer is kept: a good signature (G) and no signature (N). Anything else
    (a check that failed, an unknown key) is asked again next time."""
    digest = hashlib.sha256(signers.read_bytes()).hexdigest()
    held = {
        oid: row
        for oid, row in cache.get_many(SIGNER, [c.oid for c in found], digest).items()
        if isinstance(row.get("s"), str)
    }
    missing = [c.oid for c in found if c.oid not in held]
    if missing:
        config = ["-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={signers}"]
        # a signature check that fails (ssh-keygen killed, missing) may take git down with it:
        # then nothing is proven and nothing is kept, and the trail still shows
        proc = subprocess.run(
            ["git", *config, "log", "--no-walk=unsorted", "--stdin", "--format=%H%x1f%G?%x1f%GS%x1e"],
            cwd=root,
            env=git_env(),
            input="".join(o + "\n" for o in missing).encode(),
            capture_output=True,
            check=False,
        )
        complete = proc.returncode == 0
        raw = proc.stdout.decode("utf-8", "replace")
        rows: list[tuple[str, str, str, dict[str, Any]]] = []
        for record in raw.split("\x1e"):
            parts = record.strip("\n").split("\x1f")
            if len(parts) != 3:
                continue
            principal = parts[2].strip() if parts[1] == "G" else ""
            held[parts[0]] = {"s": principal}
            if parts[1] in ("G", "N"):
                rows.append((SIGNER, parts[0], digest, {"s": principal}))
        if complete:
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


def _from_row(oid: str, row: dict[str, Any]) -> Commit | None:
    """The commit a row holds, or None when the row is not what `_as_row` writes (damaged)."""
    try:
        parents, texts = row["p"], (row["d"], row["a"], row["m"], row["e"])
        changes = [Change(*ch) for ch in row["c"]]
    except (KeyError, TypeError):
        return None
    if not (isinstance(parents, list) and all(isinstance(p, str) for p in parents)):
        return None
    if not all(isinstance(v, str) for v in texts) or not all(
        isinstance(v, str)
        for ch in changes
        for v in (ch.status, ch.path, ch.old_oid, ch.new_oid, ch.old_mode, ch.new_mode)
    ):
        return None
    date, author, message, email = texts
    return Commit(oid, parents, date, author, message, changes, email)
