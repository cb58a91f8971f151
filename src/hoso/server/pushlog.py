"""The server's push log: who pushed what, when — append-only, kept as a chain of commits.

The post-receive hook adds one commit per accepted push to `refs/hoso/push-log`: its message
is one JSON line per updated ref (pusher account, person, ref, old -> new, time), its first
parent the previous entry, its tree empty. Clients cannot write there (the pre-receive hook
refuses every ref outside refs/heads/ and refs/tags/), and a chain of commits cannot be edited
without changing every later id, so a clone that fetched it once notices any rewrite.

The log also keeps what it logs: an entry's other parents are the commits the push brought to a
submission branch or the protected branch (`kept`), and the tip a push deleted or rewrote. So a
submission squashed or rebased into main and then deleted, a rejected one, or what a force-push
replaced stays reachable — git's garbage collection never prunes it — and a clone receives it
with the log. One ref, whatever the number of pushes. Readers of the log follow first parents
only (`read`): the other parents are pushed commits, whose messages anyone can type. The chain
starts at a commit of the server's with no parent, so its first-parent line holds nothing else,
and a pushed branch or tag holding the log's commits is refused (that start is unrelated
history: hoso.rules.engine judges what no ref outside refs/hoso/ holds).

A clone reads it after `git fetch origin +refs/hoso/*:refs/hoso/*` (`FETCH_REFSPEC`; docs/server.md
shows the `remote.origin.fetch` line that makes every fetch bring it).

In a clone anyone can write that ref, so the log is evidence only where the server signed it:
the hook signs every log commit with the server's own ssh key (`hoso.logkey`, kept outside the
repository's objects and refs), and `evidence` keeps the entries a good signature by a key the
caller trusts vouches for. A signature covers the commit's first parent, hence the whole line
below it: the entries up to the newest commit the server signed are the server's, whatever is
written above it (an entry the server could not sign, one written in a clone). The keys come
from nothing a pusher can write (`trusted_keys`): the server's own on the server, the
trust/may-chu/*.pub the school's governance approved, or the caller's list (an authority's
portal). The check runs one `git log` over the newest commits not yet answered, the answers
kept in the evidence cache under the commit id and the keys.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hoso.errors import GitError
from hoso.git.history import ZERO_OID, is_ancestor
from hoso.git.objects import peel_commit, read_objects, tree_entries
from hoso.git.process import git_env, run_git

REF = "refs/hoso/push-log"
SUBMISSIONS = "refs/heads/nop/"  # hoso.approvals.PREFIX under refs/heads/
FETCH_REFSPEC = "+refs/hoso/*:refs/hoso/*"
VERSION = 1
KEYS_DIR = "trust/may-chu"  # the server's public keys (*.pub), changed only by governance
SIGNER = "hoso-server"  # the one principal of the allowed-signers file readers write
SIGNATURE = "push-log-signature"  # evidence cache kind: a log commit's %G? under a set of keys
GOOD = "G"
SSH = ("-c", "gpg.format=ssh", "-c", "gpg.ssh.program=ssh-keygen")  # signing and checking alike
SIGN_TIMEOUT = 60  # seconds: a signing key asking for a passphrase must not hang the hook
# Log commits whose signature is checked, from the newest down, before giving up: the server signs
# every entry, so this many unverifiable ones on top are a clone's forgery, and each check runs
# ssh-keygen. Past it nothing is evidence (not even what a deeper signature would vouch for).
MAX_UNVERIFIED = 256


@dataclass(frozen=True)
class PushEntry:
    time: str  # ISO 8601, the server's clock
    account: str | None  # as the git server authenticated it; None: the server does not know
    person: str | None  # people.yml id the account maps to
    ref: str
    old: str
    new: str
    commit: str | None = None  # the commit an annotated tag names, when `new` is a tag object
    verified: bool = False  # a good signature by a trusted key vouches for it (`evidence`)

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "version": VERSION,
            "time": self.time,
            "account": self.account,
            "person": self.person,
            "ref": self.ref,
            "old": self.old,
            "new": self.new,
        }
        if self.commit:
            found["commit"] = self.commit
        return found


def append(
    root: Path,
    entries: Sequence[PushEntry],
    *,
    keep: Sequence[str] = (),
    key: Path | None = None,
    unsigned: Callable[[str], None] | None = None,
    attempts: int = 5,
) -> str:
    """Add one log commit for `entries`, with the commits of `keep` as its other parents (they
    stay reachable from the log), signed with the private ssh key `key`; retried when another
    push appended at the same time. A key that cannot sign never loses the entry: it is written
    unsigned and `unsigned` hears why (a later signed entry vouches for it)."""
    message = "hoso push log\n\n" + "".join(
        json.dumps(e.as_json(), ensure_ascii=False) + "\n" for e in entries
    )
    tree = run_git(root, ["mktree"], input_bytes=b"").decode().strip()
    signing = key

    def unusable(why: str) -> None:
        nonlocal signing
        signing = None
        if unsigned is not None:
            unsigned(why)

    if key is not None and not key.is_file():
        unusable(f"no key file at {key}")

    def commit_tree(parents: list[str], text: str) -> str:
        if signing is not None:
            try:
                return _commit_tree(root, tree, parents, text, signing)
            except GitError as exc:
                unusable(str(exc.params.get("detail", exc.key)))
        return _commit_tree(root, tree, parents, text, None)

    for _ in range(attempts):
        current = peel_commit(root, REF)
        # the first entry's first parent is a start of the server's: the line holds nothing else
        parent = current or commit_tree([], "hoso push log\n")
        oid = commit_tree([parent, *(k for k in dict.fromkeys(keep) if k != parent)], message)
        update = subprocess.run(
            ["git", "update-ref", "-m", "hoso push log", REF, oid, current or ZERO_OID],
            cwd=root,
            env=git_env(),
            capture_output=True,
            check=False,
        )
        if update.returncode == 0:
            return oid
    raise GitError("git.failed", command="git update-ref " + REF, detail="concurrent pushes")


def _commit_tree(root: Path, tree: str, parents: Sequence[str], message: str, key: Path | None) -> str:
    """A commit of the server's (`parents` in order: the first one is the log's line), signed
    with `key` when given; never with whatever signing the account's own git configuration asks."""
    env = {
        **git_env(),
        "GIT_AUTHOR_NAME": "hoso server",
        "GIT_AUTHOR_EMAIL": "hoso@server.invalid",
        "GIT_COMMITTER_NAME": "hoso server",
        "GIT_COMMITTER_EMAIL": "hoso@server.invalid",
    }
    args = ["commit-tree", tree, *(arg for p in parents for arg in ("-p", p)), "-F", "-"]
    if key is None:
        args.append("--no-gpg-sign")
    else:
        args = [*SSH, "-c", f"user.signingKey={key}", *args, "-S"]
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=root,
            env=env,
            input=message.encode(),
            capture_output=True,
            check=False,
            timeout=SIGN_TIMEOUT,
        )
    except subprocess.TimeoutExpired as exc:
        raise GitError("git.failed", command="git commit-tree", detail="signing timed out") from exc
    if proc.returncode != 0:
        raise GitError("git.failed", command="git commit-tree", detail=proc.stderr.decode()[:300])
    return proc.stdout.decode().strip()


def kept(root: Path, entries: Sequence[PushEntry], protected: Callable[[str], bool]) -> list[str]:
    """The commits the log entry for `entries` keeps reachable: of every update of a submission
    branch or a protected branch, the commit it brought, and the commit it replaced when the
    branch was deleted or rewritten (a force-push; the earlier entry kept it already unless it
    was pushed before the log kept anything). Tags and other branches keep nothing."""
    found: list[str] = []
    for e in entries:  # branches: the pre-receive hook let only commits in
        if not (e.ref.startswith(SUBMISSIONS) or protected(e.ref)):
            continue
        new = None if e.new == ZERO_OID else e.new
        if new:
            found.append(new)
        if e.old != ZERO_OID and (new is None or not is_ancestor(root, e.old, new)):
            found.append(e.old)
    return list(dict.fromkeys(found))


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def read(root: Path, ref: str = REF, *, keys: Sequence[str] | None = None) -> list[PushEntry]:
    """Every entry of the log at `ref`, oldest first; empty when there is none. Only the log's
    own line (first parents) is read: its other parents are pushed commits, not entries. With
    `keys` (public keys), an entry is `verified` when a good signature by one of them vouches for
    it: on its own log commit or on a later one of the line."""
    proc = subprocess.run(
        ["git", "log", "--first-parent", "--format=%H%x1f%B%x1e", ref, "--"],
        cwd=root,
        env=git_env(),
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        return []  # no push log here (a clone that did not fetch refs/hoso/*, a new repository)
    raw = proc.stdout.decode("utf-8", "replace")
    commits = [record.strip("\n").partition("\x1f") for record in raw.split("\x1e")]
    line = [(oid, message) for oid, _, message in commits if oid]  # newest first
    signed = _newest_signed(root, [oid for oid, _ in line], keys) if keys else None
    found: list[PushEntry] = []
    for at in range(len(line) - 1, -1, -1):  # oldest first
        verified = signed is not None and at >= signed
        for text in line[at][1].splitlines():
            if not text.startswith("{"):
                continue
            try:
                data = json.loads(text)
                found.append(
                    PushEntry(
                        str(data["time"]),
                        data.get("account"),
                        data.get("person"),
                        str(data["ref"]),
                        str(data["old"]),
                        str(data["new"]),
                        data.get("commit"),
                        verified,
                    )
                )
            except (ValueError, KeyError, TypeError):
                continue  # a line this version does not understand is skipped, not fatal
    return found


def evidence(root: Path, keys: Sequence[str], ref: str = REF) -> list[PushEntry]:
    """The entries of the log a good signature by one of `keys` vouches for, oldest first: the
    server's own, up to the newest log commit it signed. Nothing without a key."""
    if not any(public_keys(k) for k in keys):
        return []
    return [e for e in read(root, ref, keys=keys) if e.verified]


# ---- the server's keys -----------------------------------------------------------------------

_KEY = re.compile(r"^((?:ssh|ecdsa|sk)-[A-Za-z0-9@.-]+)\s+([A-Za-z0-9+/]+={0,3})(?:\s.*)?$")
MAX_KEY_FILE = 64 * 1024  # a public key file is a line or a few


def public_keys(text: str) -> list[str]:
    """The public keys of an OpenSSH public-key text (`type base64 [comment]` lines), as
    `type base64`; anything else (comments, options, blank lines) is left out."""
    found = [f"{m.group(1)} {m.group(2)}" for raw in text.splitlines() if (m := _KEY.match(raw.strip()))]
    return list(dict.fromkeys(found))


def trusted_keys(root: Path, rev: str) -> list[str]:
    """The keys whose signature makes the log at `root` evidence for a reader of commit `rev`,
    from nothing a pusher can write: the trust/may-chu/*.pub of `rev` (a change under trust/ is
    a governance change, approved under the state before it, so the school's governance is the
    authority for its server's key), and on the server itself (a bare repository whose settings
    name a log key) the server's own public key."""
    found: list[str] = []
    try:
        entries = [
            e
            for e in tree_entries(root, rev, KEYS_DIR)
            if e.path.endswith(".pub") and e.mode in ("100644", "100755") and e.size <= MAX_KEY_FILE
        ]
        for data in read_objects(root, [e.oid for e in entries]).values():
            found += public_keys(data.decode("utf-8", "replace"))
    except GitError:
        pass  # no such commit (an empty repository): no committed key
    found += own_keys(root)
    return list(dict.fromkeys(found))


def own_keys(root: Path) -> list[str]:
    """The public key of the server's own log key, where `root` is the server: a bare repository
    whose settings name the key (its `.pub` beside it, written by `hoso install-server-hook`)."""
    from hoso.server.settings import log_key

    if not ((root / "HEAD").is_file() and (root / "objects").is_dir()):
        return []  # a work tree: its git settings are its user's, not a server's
    key = log_key(root)
    if key is None:
        return []
    try:
        return public_keys(Path(f"{key}.pub").read_text(encoding="utf-8", errors="replace")[:MAX_KEY_FILE])
    except OSError:
        return []


# ---- checking signatures ---------------------------------------------------------------------


def _newest_signed(root: Path, line: Sequence[str], keys: Sequence[str]) -> int | None:
    """The index in `line` (log commits, newest first) of the newest one a good signature by one
    of `keys` signed, or None. Asked from the newest down, in batches growing sixteenfold: the
    newest commit is normally the answer, and whatever was written above it costs few processes.
    At most MAX_UNVERIFIED commits are asked about (None past them); a commit carrying the same
    signature as an older one of the line is skipped unasked (`_copies`). Definite answers are
    kept under the commit id and a digest of the keys."""
    from hoso.evidence import EvidenceCache

    allowed = "".join(f"{SIGNER} {k}\n" for k in sorted({k for text in keys for k in public_keys(text)}))
    if not allowed or not line:
        return None
    digest = hashlib.sha256(allowed.encode()).hexdigest()
    cache = EvidenceCache(root)
    try:
        held = {
            oid: row["s"]
            for oid, row in cache.get_many(SIGNATURE, list(line), digest).items()
            if isinstance(row.get("s"), str)
        }
        with tempfile.TemporaryDirectory(prefix="hoso-log-signers-") as tmp:
            signers = Path(tmp) / "allowed_signers"
            signers.write_text(allowed, encoding="utf-8")
            at, batch, asked = 0, 1, 0
            copies: set[str] | None = None  # read once the newest commit is not the answer
            while at < len(line) and asked < MAX_UNVERIFIED:
                if copies is not None and line[at] in copies:
                    at += 1
                    continue
                status = held.get(line[at])
                if status == GOOD:
                    return at
                if status is not None:
                    at, asked = at + 1, asked + 1
                    continue
                if copies is None and at > 0:
                    copies = _copies(root, line)
                    continue
                room, wanted = min(batch, MAX_UNVERIFIED - asked), []
                for oid in line[at:]:
                    if room == 0:
                        break
                    if copies is None or oid not in copies:
                        room -= 1
                        if oid not in held:
                            wanted.append(oid)
                answers, complete = _check(root, signers, wanted)
                if complete:  # "E": the check could not be made, asked again next time
                    rows = [(SIGNATURE, oid, digest, {"s": a}) for oid, a in answers.items() if a != "E"]
                    cache.put_many(rows)
                held.update({oid: answers.get(oid, "E") for oid in wanted})  # unanswered: not good
                batch *= 16
    finally:
        cache.close()
    return None


def _copies(root: Path, line: Sequence[str]) -> set[str]:
    """The commits of `line` (newest first) whose signature an older commit of the line carries
    too: a signature covers one commit's content (its parent included), so at most one of them
    can be good, and never the newer ones, written above the one it was made for. A clone copying
    the server's signature onto thousands of forged entries costs no ssh-keygen run for them."""
    proc = subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=root,
        env=git_env(),
        input="".join(o + "\n" for o in line).encode(),
        capture_output=True,
        check=False,
    )
    out, pos, signatures = proc.stdout, 0, {}
    while pos < len(out):
        end = out.find(b"\n", pos)
        if end < 0:
            break
        header = out[pos:end].split()
        pos = end + 1
        if len(header) != 3 or not header[2].isdigit():
            continue  # "<oid> missing": nothing to compare
        size = int(header[2])
        body, pos = out[pos : pos + size], pos + size + 1
        sig, within = [], False
        for h in body.partition(b"\n\n")[0].split(b"\n"):  # gpgsig and its continuation lines
            within = h.startswith(b"gpgsig") or (within and h.startswith(b" "))
            if within:
                sig.append(h)
        if sig:
            signatures[header[0].decode()] = b"\n".join(sig)
    seen: set[bytes] = set()
    found: set[str] = set()
    for oid in reversed(line):  # oldest first: the first commit carrying a signature keeps it
        carried = signatures.get(oid)
        if carried is None:
            continue
        if carried in seen:
            found.add(oid)
        seen.add(carried)
    return found


def _check(root: Path, signers: Path, oids: Sequence[str]) -> tuple[dict[str, str], bool]:
    """commit id -> `%G?` under `signers`, "G" only for the server's principal; and whether git
    answered for all of them (a check that failed proves nothing, and is not kept)."""
    allowed = ["-c", f"gpg.ssh.allowedSignersFile={signers}"]
    proc = subprocess.run(
        ["git", *SSH, *allowed, "log", "--no-walk=unsorted", "--stdin", "--format=%H%x1f%G?%x1f%GS%x1e"],
        cwd=root,
        env=git_env(),
        input="".join(o + "\n" for o in oids).encode(),
        capture_output=True,
        check=False,
    )
    found: dict[str, str] = {}
    for record in proc.stdout.decode("utf-8", "replace").split("\x1e"):
        parts = record.strip("\n").split("\x1f")
        if len(parts) == 3 and parts[0] in oids:
            found[parts[0]] = GOOD if parts[1] == GOOD and parts[2].strip() == SIGNER else parts[1] or "E"
    return found, proc.returncode == 0
