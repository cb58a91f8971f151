"""Which events of the audit trail are backed by evidence, and which are only claimed.

A `Duyet-boi:` or `Tu-choi-boi:` trailer, a git note and a commit's author name are typed by
whoever made the commit: claims. Evidence is what nobody can type for someone else:

- ``chu-ky-so``: the approver's own valid, trusted signature in the record the approval merged
  (pdf verdicts from the evidence cache, keyed by blob id: a record is verified once);
- ``commit-ky``: the commit signed with an ssh key listed for that person in people.yml;
- ``nguoi-day``: the push that brought the commit, by an account the git server authenticated
  (the server's push log, refs/hoso/push-log, fetched with the other refs; only its entries the
  server's signature vouches for: hoso.server.pushlog.evidence).

`attach(root, events, history)` fills each event's `proofs` and `claims`. Git processes: at most
one `git log` of the push log (with the server's keys the caller gives, else those of HEAD's
trust/may-chu/, and its newest signature checked once: hoso.server.pushlog) and one `cat-file
--batch` for the records to verify.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hoso.errors import HosoError
from hoso.git.history import ZERO_OID, Commit
from hoso.records import is_record_area

if TYPE_CHECKING:
    from hoso.config import Config
    from hoso.trail import Event

# a counter-signature in the record, a signed commit, an authenticated pusher, a signed
# decision PDF (the last one proves configuration changes: hoso.server.proofs)
SIGNATURE, SIGNED_COMMIT, PUSHER, DECISION = "chu-ky-so", "commit-ky", "nguoi-day", "quyet-dinh"


@dataclass(frozen=True)
class Proof:
    kind: str  # one of the four above
    person: str

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "person": self.person}


def load_config_or_none(root: Path, rev: str = "HEAD") -> Config | None:
    """The configuration the trail is judged by (people.yml's ssh keys, trust/): the work
    tree's, or in a repository without one (a server's, a portal's mirror, where HEAD is the
    protected branch) that of the commit `rev`, read once: the files of a bare repository's
    folder are nobody's configuration."""
    from hoso.config import load_config
    from hoso.git.objects import CommitSnapshot, peel_commit

    try:
        if (root / ".git").exists() or not ((root / "HEAD").is_file() and (root / "objects").is_dir()):
            return load_config(root)
        commit = peel_commit(root, rev)  # one commit for every file, whatever moves HEAD meanwhile
        return load_config(root, CommitSnapshot(root, commit)) if commit else None
    except HosoError:
        return None  # the trail must still show on a broken configuration: claims only


def pushers(root: Path, history: Sequence[Commit], log_keys: Sequence[str] | None = None) -> dict[str, str]:
    """commit id -> the authenticated person whose push first brought it (from the push log's
    entries signed by one of `log_keys`; None: the keys HEAD registers under trust/may-chu/,
    and the server's own on the server)."""
    from hoso.server import pushlog

    keys = pushlog.trusted_keys(root, "HEAD") if log_keys is None else log_keys
    entries = [e for e in pushlog.evidence(root, keys) if e.person]
    if not entries:
        return {}
    parents = {c.oid: c.parents for c in history}
    found: dict[str, str] = {}
    for entry in entries:  # oldest first: a commit belongs to the push that first brought it
        tip = entry.commit or entry.new
        if entry.old == ZERO_OID:
            # a new ref: what it was based on may predate the log (never pushed through it),
            # so only its tip is known to have come with this push
            if tip in parents:
                found.setdefault(tip, str(entry.person))
            continue
        stack = [tip] if tip in parents else []
        while stack:
            oid = stack.pop()
            if oid in found or oid not in parents or oid == entry.old:
                continue
            found[oid] = str(entry.person)
            stack.extend(parents[oid])
    return found


def attach(
    root: Path,
    events: Sequence[Event],
    history: Sequence[Commit],
    config: Config | None,
    *,
    log_keys: Sequence[str] | None = None,
) -> None:
    """Fill `proofs` and `claims` of every event (`log_keys`: as `pushers` takes them)."""
    by_oid = {c.oid: c for c in history}
    pushed = pushers(root, history, log_keys)
    wanted = [e for e in events if e.kind == "duyet" and e.claimed_ids and not e.via_note]
    signed_by = _signature_evidence(root, wanted, history, by_oid, config) if wanted else {}
    for event in events:
        if event.via_note:
            event.proofs, event.claims = [], list(event.claimed_ids)  # a note is never evidence
            continue
        commit = by_oid.get(event.commit)
        proofs: list[Proof] = []
        if commit is not None and commit.signer:
            proofs.append(Proof(SIGNED_COMMIT, commit.signer))
        if event.commit in pushed:
            proofs.append(Proof(PUSHER, pushed[event.commit]))
        if event.claimed_ids:
            signed = signed_by.get(id(event), set())
            proofs += [Proof(SIGNATURE, p) for p in event.claimed_ids if p in signed]
        event.proofs = proofs
        if not event.claimed_ids:
            event.claims = []
            continue
        proven = {p.person for p in proofs}
        event.claims = [p for p in event.claimed_ids if p not in proven]


def _signature_evidence(
    root: Path,
    wanted: Sequence[Event],
    history: Sequence[Commit],
    by_oid: dict[str, Commit],
    config: Config | None,
) -> dict[int, set[str]]:
    """Approval event -> the named approvers whose signature in a record it brought is a new act
    of signing: a signature value whose first appearance in history is in a commit the approval
    brought. A value that was anywhere earlier (the version before, a direct commit on main, the
    founding commit) may have been copied along with the bytes, and proves nothing.

    The answer is a function of the history read (its commits, in order), of the approvals
    asked about and of trust/ and people.yml: it is kept under a digest of all of them, so an
    unchanged history is not judged again."""
    if config is None:
        return {}
    from hoso.evidence import EvidenceCache
    from hoso.rules.signatures import context_key_of

    digest = hashlib.sha256()
    for c in history:
        digest.update(c.oid.encode() + b"\n")
    # JSON: trailer text may hold any character, and no two different lists encode the same
    digest.update(json.dumps([[e.commit, e.claimed_ids, e.paths] for e in wanted]).encode())
    key, context = digest.hexdigest(), context_key_of(config)
    cache = EvidenceCache(root)
    try:
        kept = cache.get(EVIDENCE, key, context)
        if kept is None:
            found = _judge_approvals(root, wanted, history, by_oid, config)
            by_commit = {e.commit: sorted(found.get(id(e), set())) for e in wanted}
            cache.put(EVIDENCE, key, context, {"signed": by_commit})
            return found
    finally:
        cache.close()
    signed = kept.get("signed", {})
    return {id(e): set(signed.get(e.commit, [])) for e in wanted}


EVIDENCE = "approval-evidence"  # cache kind: `_signature_evidence` for one history


def _judge_approvals(
    root: Path,
    wanted: Sequence[Event],
    history: Sequence[Commit],
    by_oid: dict[str, Commit],
    config: Config | None,
) -> dict[int, set[str]]:
    pairs = {id(e): _merged_blobs(e, by_oid) for e in wanted}
    verdicts = _verdicts(root, {new for p in pairs.values() for _, new in p}, history, config)
    if not any(
        s.get("person") in e.claimed_ids
        for e in wanted
        for _, new in pairs[id(e)]
        for s in verdicts.get(new, {}).get("signatures", [])
    ):
        return {}  # no approver signed anything the approvals brought: nothing to date
    record_blobs = [
        (c.oid, ch.new_oid)
        for c in history
        for ch in c.changes
        if is_record_area(ch.path) and ch.new_oid != ZERO_OID
    ]
    values = _signature_keys(root, {oid for _, oid in record_blobs})
    first_seen: dict[str, str] = {}
    for commit, blob in record_blobs:  # history is in topological order: parents first
        for key in values.get(blob, {}).values():
            first_seen.setdefault(key, commit)
    brought = _brought(history)
    found: dict[int, set[str]] = {}
    for event in wanted:
        mine = brought.get(event.commit, set()) | {event.commit}
        found[id(event)] = {
            str(s["person"])
            for _, new in pairs[id(event)]
            for s in verdicts.get(new, {}).get("signatures", [])
            if s.get("person") in event.claimed_ids
            and s.get("integrity")
            and s.get("trusted")
            and first_seen.get(values.get(new, {}).get(tuple(s.get("byte_range") or ()), "")) in mine
        }
    return found


def _brought(history: Sequence[Commit]) -> dict[str, set[str]]:
    """Merge commit -> the commits it brought (reachable from its other parents, not from the
    first parent), for every merge, in one pass over the graph already read."""
    by_oid = {c.oid: c for c in history}
    has_child = {p for c in history for p in c.parents}
    claimed: set[str] = set()
    for tip in (c.oid for c in history if c.oid not in has_child):
        oid: str | None = tip
        while oid is not None and oid in by_oid and oid not in claimed:  # each ref's own line
            claimed.add(oid)
            parents = by_oid[oid].parents
            oid = parents[0] if parents else None
    brought: dict[str, set[str]] = {}
    for c in history:  # oldest first: a merge inside a submission is processed before its outer one
        if len(c.parents) < 2:
            continue
        got: set[str] = set()
        stack = list(c.parents[1:])
        while stack:
            oid = stack.pop()
            if oid in claimed or oid not in by_oid:
                continue
            claimed.add(oid)
            got.add(oid)
            stack.extend(by_oid[oid].parents)
        brought[c.oid] = got
    return brought


def _signature_keys(root: Path, blobs: set[str]) -> dict[str, dict[tuple[int, ...], str]]:
    """blob id -> {byte range: digest of that signature's value}, cached by blob id."""
    import hashlib

    from hoso.evidence import EvidenceCache
    from hoso.git.objects import BlobReader, Entry
    from hoso.pdf.structure import signature_values

    found: dict[str, dict[tuple[int, ...], str]] = {}
    source = BlobReader(root)
    cache = EvidenceCache(root)
    try:
        held = cache.get_many("signature-values", sorted(blobs), "v1")  # one query per 500
        for oid in sorted(blobs):
            cached = held.get(oid)
            if cached is None:
                with suppress(HosoError):
                    data = source.read(Entry("", "", oid, 0))
                    values = signature_values(data) if b"/ByteRange" in data else {}
                    cached = {"keys": [[*r, hashlib.sha256(v).hexdigest()[:32]] for r, v in values.items()]}
                    cache.put("signature-values", oid, "v1", cached)
            for item in (cached or {}).get("keys", []):
                found.setdefault(oid, {})[tuple(item[:4])] = str(item[4])
    finally:
        source.close()
        cache.close()
    return found


BRIEF = "approval-brief"  # cache kind: the part of a verdict an approval's evidence needs


def _merged_blobs(event: Event, by_oid: dict[str, Commit]) -> list[tuple[str, str]]:
    """(version before, version after) of every record an approval merge brought."""
    commit = by_oid.get(event.commit)
    if commit is None:
        return []
    paths = set(event.paths)
    return [
        (ch.old_oid, ch.new_oid)
        for ch in commit.changes
        if ch.path in paths and ch.new_oid != ZERO_OID and is_record_area(ch.path)
    ]


def _verdicts(
    root: Path, blobs: set[str], history: Sequence[Commit], config: Config | None
) -> dict[str, dict[str, Any]]:
    """blob id -> what its verdict says of each signature: person, integrity, trust, byte range.

    Kept as a brief next to the verdict, under the same key (blob id, trust and people.yml): a
    trail of 10,000 approvals reads 10,000 briefs, not 10,000 whole verdicts. A file without
    /ByteRange has no signature.
    """
    if config is None or not blobs:
        return {}
    from hoso.evidence import EvidenceCache
    from hoso.git.objects import BlobReader, Entry
    from hoso.rules.base import Context, Subject
    from hoso.rules.signatures import context_key, history_arrival, verdict_for

    paths: dict[str, str] = {}
    for c in history:
        for ch in c.changes:
            paths.setdefault(ch.new_oid, ch.path)
    source = BlobReader(root)
    cache = EvidenceCache(root)
    wanted = sorted(blobs)
    try:
        ctx = Context(config=config, source=source, cache=cache, arrival=history_arrival(root))
        key = context_key(ctx)
        found = cache.get_many(BRIEF, wanted, key)  # one query per 500
        signed = cache.get_many("signed", [oid for oid in wanted if oid not in found], "v1")
        for oid in wanted:
            if oid in found:
                continue
            entry = Entry(paths.get(oid, ""), "100644", oid, 0)
            cached = signed.get(oid)
            if cached is not None and not cached.get("signed"):
                continue  # known to hold no signature at all: nothing to verify
            with suppress(HosoError):
                if cached is None:
                    has = b"/ByteRange" in source.read(entry)
                    cache.put("signed", oid, "v1", {"signed": has})
                    if not has:
                        continue
                verdict = verdict_for(Subject(entry), ctx)
                found[oid] = {
                    "signatures": [
                        {k: s.get(k) for k in ("person", "integrity", "trusted", "byte_range")}
                        for s in verdict.get("signatures", [])
                    ]
                }
                cache.put(BRIEF, oid, key, found[oid])
    finally:
        source.close()
        cache.close()
    return found
