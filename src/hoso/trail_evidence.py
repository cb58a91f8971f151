"""Which events of the audit trail are backed by evidence, and which are only claimed.

A `Duyet-boi:` or `Tu-choi-boi:` trailer, a git note and a commit's author name are typed by
whoever made the commit: claims. Evidence is what nobody can type for someone else:

- ``chu-ky-so``: the approver's own valid, trusted signature in the record the approval merged
  (pdf verdicts from the evidence cache, keyed by blob id: a record is verified once);
- ``commit-ky``: the commit signed with an ssh key listed for that person in people.yml;
- ``nguoi-day``: the push that brought the commit, by an account the git server authenticated
  (the server's push log, refs/hoso/push-log, fetched with the other refs).

`attach(root, events, history)` fills each event's `proofs` and `claims`. Git processes: at most
one `git log` of the push log and one `cat-file --batch` for the records to verify.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hoso.errors import HosoError
from hoso.records import is_record_area
from hoso.repo import ZERO_OID, Commit

if TYPE_CHECKING:
    from hoso.audit import Event
    from hoso.config import Config

SIGNATURE, SIGNED_COMMIT, PUSHER = "chu-ky-so", "commit-ky", "nguoi-day"
PROOF_KINDS = (SIGNATURE, SIGNED_COMMIT, PUSHER)


@dataclass(frozen=True)
class Proof:
    kind: str  # chu-ky-so | commit-ky | nguoi-day
    person: str

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "person": self.person}


def load_config_or_none(root: Path) -> Config | None:
    from hoso.config import load_config

    try:
        return load_config(root)
    except HosoError:
        return None  # the trail must still show on a broken configuration: claims only


@contextmanager
def signers_file(config: Config | None) -> Iterator[Path | None]:
    """An ssh allowed-signers file of everyone's listed keys (None when nobody has one)."""
    lines = []
    for person in config.people.people if config else []:
        for key in person.ssh_keys:
            parts = key.split()
            if len(parts) >= 2 and "\n" not in key:
                lines.append(f"{person.id} {parts[0]} {parts[1]}\n")
    if not lines:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="hoso-signers-") as tmp:
        path = Path(tmp) / "allowed_signers"
        path.write_text("".join(lines), encoding="utf-8")
        yield path


def pushers(root: Path, history: Sequence[Commit]) -> dict[str, str]:
    """commit id -> the authenticated person whose push first brought it (from the push log)."""
    from hoso.server import pushlog

    entries = [e for e in pushlog.read(root) if e.person]
    if not entries:
        return {}
    parents = {c.oid: c.parents for c in history}
    found: dict[str, str] = {}
    for entry in entries:  # oldest first: a commit belongs to the push that first brought it
        tip = entry.commit or entry.new
        stack = [tip] if tip in parents else []
        while stack:
            oid = stack.pop()
            if oid in found or oid not in parents or oid == entry.old:
                continue
            found[oid] = str(entry.person)
            stack.extend(parents[oid])
    return found


SignatureKey = tuple[str, str]  # (certificate fingerprint, signing time): one act of signing


def _keys(verdict: dict[str, Any], person: str | None = None) -> set[SignatureKey]:
    return {
        (str(s.get("fingerprint")), str(s.get("claimed_time") or s.get("timestamp_time")))
        for s in verdict.get("signatures", [])
        if s.get("integrity") and s.get("trusted") and (person is None or s.get("person") == person)
    }


def attach(root: Path, events: Sequence[Event], history: Sequence[Commit], config: Config | None) -> None:
    """Fill `proofs` and `claims` of every event.

    A counter-signature proves an approval only when it is a new act of signing: a signature
    already seen earlier in history (in the version before, in a record of the founding commit,
    in anything an earlier approval brought) may have been copied along with the bytes.
    """
    by_oid = {c.oid: c for c in history}
    pushed = pushers(root, history)
    wanted = [e for e in events if e.kind == "duyet" and e.claimed_ids and not e.via_note]
    roots = [ch.new_oid for c in history if not c.parents for ch in c.changes if is_record_area(ch.path)]
    pairs = {id(e): _merged_blobs(e, by_oid) for e in wanted}
    blobs = set(roots) | {oid for p in pairs.values() for pair in p for oid in pair if oid != ZERO_OID}
    verdicts = _verdicts(root, blobs, history, config) if wanted else {}
    signed_by: dict[int, set[str]] = {}
    seen: set[SignatureKey] = set()
    for oid in roots:
        seen |= _keys(verdicts.get(oid, {}))
    order = {c.oid: n for n, c in enumerate(history)}  # git's order: parents before children
    for event in sorted(wanted, key=lambda e: order.get(e.commit, -1)):
        fresh: set[SignatureKey] = set()
        for old, new in pairs[id(event)]:
            before = _keys(verdicts.get(old, {})) if old != ZERO_OID else set()
            fresh |= _keys(verdicts.get(new, {})) - before - seen
            seen |= before | _keys(verdicts.get(new, {}))
        signed_by[id(event)] = {
            person
            for person in event.claimed_ids
            for old, new in pairs[id(event)]
            if _keys(verdicts.get(new, {}), person) & fresh
        }
    for event in events:
        commit = by_oid.get(event.commit)
        proofs: list[Proof] = []
        if commit is not None and commit.signer and not event.via_note:
            proofs.append(Proof(SIGNED_COMMIT, commit.signer))
        if event.commit in pushed and not event.via_note:
            proofs.append(Proof(PUSHER, pushed[event.commit]))
        proofs += [Proof(SIGNATURE, p) for p in event.claimed_ids if p in signed_by.get(id(event), set())]
        event.proofs = proofs
        proven = {p.person for p in proofs}
        event.claims = [p for p in event.claimed_ids if p not in proven]


def _merged_blobs(event: Event, by_oid: dict[str, Commit]) -> list[tuple[str, str]]:
    """(version before, version after) of every record an approval merge brought."""
    commit = by_oid.get(event.commit)
    if commit is None:
        return []
    return [
        (ch.old_oid, ch.new_oid)
        for ch in commit.changes
        if is_record_area(ch.path) and ch.new_oid != ZERO_OID and ch.path in event.paths
    ]


def _verdicts(
    root: Path, blobs: set[str], history: Sequence[Commit], config: Config | None
) -> dict[str, dict[str, Any]]:
    """blob id -> pdf verdict (cached by blob id; a file without /ByteRange has no signature)."""
    if config is None or not blobs:
        return {}
    from hoso.evidence import EvidenceCache
    from hoso.repo import BlobReader, Entry
    from hoso.rules.base import Context, Subject
    from hoso.rules.signatures import verdict_for

    paths: dict[str, str] = {}
    for c in history:
        for ch in c.changes:
            paths.setdefault(ch.new_oid, ch.path)
    source = BlobReader(root)
    cache = EvidenceCache(root)
    found: dict[str, dict[str, Any]] = {}
    try:
        ctx = Context(config=config, source=source, cache=cache)
        for oid in sorted(blobs):
            entry = Entry(paths.get(oid, ""), "100644", oid, 0)
            cached = cache.get("signed", oid, "v1")
            if cached is not None and not cached.get("signed"):
                continue  # known to hold no signature at all: nothing to verify
            with suppress(HosoError):
                if cached is None:
                    signed = b"/ByteRange" in source.read(entry)
                    cache.put("signed", oid, "v1", {"signed": signed})
                    if not signed:
                        continue
                found[oid] = verdict_for(Subject(entry), ctx)
    finally:
        source.close()
        cache.close()
    return found
