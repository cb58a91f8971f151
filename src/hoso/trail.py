"""The audit trail: who submitted, approved, rejected, corrected, deleted what, and when.

Everything comes from one pass over history: `gitlog.cached_commits()` (one `git rev-list`,
and one `git log` for the commits no earlier reading kept), plus at most one `git cat-file
--batch-check` (blob sizes, to tell an appended signature from a rewrite) and one `git log` over the notes
refs (who attached a rejection note, and when). The number of git processes does not grow
with the number of commits.

Event kinds, decided per commit:

- ``nop``: a record added;
- ``nop-lai``: a new version of a record after its rejection (a resubmission);
- ``duyet``: a merge carrying ``Duyet-boi: <person-id>`` trailers, with the paths it brought;
- ``tu-choi``: a commit, merge or note carrying ``Tu-choi-boi: <person-id>``;
- ``sua``: a record modified (a correction, normally with ``Ly-do``);
- ``ky-bo-sung``: a record appended to (a counter-signature). Without reading blobs: a change
  of a version that an earlier ``Duyet-boi`` merge brought is approval flow (approved records
  are append-only); otherwise, without a ``Ly-do``, a version that grew is taken as appended;
- ``xoa``: a record deleted (with ``Quyet-dinh-huy``);
- ``khoa-so``: locks.yml changed (a year or types locked, khóa sổ); the site also shows each
  lock on the records it covers, under the same name;
- ``cau-hinh``: catalog.yml, people.yml or trust/ changed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hoso.config.loader import LOCKS_FILE, PEOPLE_FILE, read_yaml, read_yaml_file
from hoso.errors import ConfigError, NotFoundError
from hoso.evidence import EvidenceCache
from hoso.git.history import ZERO_OID, Change, Commit, NoteStamp, note_stamps
from hoso.git.objects import BlobReader
from hoso.gitlog import Listing, cached_commits, history_revs, list_cached
from hoso.records import is_record_area
from hoso.rules.history import CHANGE_REQUEST, DISPOSAL, REASON, is_governance
from hoso.server.identity import allowed_signers_file
from hoso.trail_evidence import Proof, attach, load_config_or_none

if TYPE_CHECKING:
    from hoso.config.loader import Config

APPROVED_BY = "Duyet-boi"
REJECTED_BY = "Tu-choi-boi"
REJECTION = "Tu-choi"
TRAILER_KEYS = (APPROVED_BY, REJECTED_BY, REJECTION, REASON, CHANGE_REQUEST, DISPOSAL)

NOP, NOP_LAI, DUYET, TU_CHOI, SUA, KY_BO_SUNG, XOA, KHOA_SO, CAU_HINH = (
    "nop",
    "nop-lai",
    "duyet",
    "tu-choi",
    "sua",
    "ky-bo-sung",
    "xoa",
    "khoa-so",
    "cau-hinh",
)
KINDS = (NOP, NOP_LAI, DUYET, TU_CHOI, SUA, KY_BO_SUNG, XOA, KHOA_SO, CAU_HINH)
# 2: dates in Vietnam time (+07:00), display names next to the person ids, the nop-lai kind
JSON_VERSION = 2
VN_TIME = timezone(timedelta(hours=7))  # Việt Nam: one zone, no summer time


@dataclass
class Event:
    commit: str
    date: str  # ISO 8601, committer date (or the note's date for a rejection note)
    kind: str
    author: str  # person id from people.yml when the git author is known there, else the git name
    people: list[str]  # the author's person id (when known) and every person id of the trailers
    paths: list[str]
    reason: str
    trailers: dict[str, list[str]]
    git_author: str = ""  # "Name <email>" as git recorded it
    via_note: bool = False
    # people the trailers name as approver / rejecter: claims until evidence backs them
    claimed_ids: list[str] = field(default_factory=list)
    proofs: list[Proof] = field(default_factory=list)  # evidence found (hoso.trail_evidence)
    claims: list[str] = field(default_factory=list)  # claimed_ids that no evidence backs

    names: dict[str, str] = field(default_factory=dict)  # person id -> name, from people.yml

    def as_json(self) -> dict[str, Any]:
        return {
            "commit": self.commit,
            "date": self.date,
            "kind": self.kind,
            "author": self.author,
            "author_name": self.names.get(self.author, self.author),
            "people": self.people,
            "names": self.names,
            "paths": self.paths,
            "reason": self.reason,
            "trailers": self.trailers,
            "evidence": [p.as_json() for p in self.proofs],
            "claimed_only": self.claims,
            "via_note": self.via_note,
        }


@dataclass(frozen=True)
class Query:
    path: str = ""  # repository-relative file or folder; "" for everything
    person: str | None = None
    since: date | None = None
    all_refs: bool = False  # every branch (pending submissions, rejections), not only HEAD


@dataclass
class Directory:
    """Git author name/email -> person id, from people.yml (tolerant: log must work on a broken one)."""

    by_email: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)  # person id -> display name
    with_email: set[str] = field(default_factory=set)  # ids people.yml gives an e-mail

    def person(self, name: str, email: str) -> str | None:
        found = self.by_email.get(email.strip().lower())
        if found is None:
            # a git author name is free text: it names only someone people.yml gives no e-mail
            named = self.by_name.get(_fold(name))
            found = named if named is not None and named not in self.with_email else None
        if found is None and name in self.ids and name not in self.with_email:
            found = name  # a person id typed as the author name: only for someone without e-mail
        return found


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def load_directory(root: Path, config: Config | None = None) -> Directory:
    """Who is who, from the loaded configuration, or read leniently from people.yml when the
    configuration does not load (log must work on a broken one)."""
    directory = Directory()
    if config is not None:
        for person in config.people.people:
            directory.ids.add(person.id)
            if person.email:
                directory.by_email[person.email.strip().lower()] = person.id
                directory.with_email.add(person.id)
            directory.by_name.setdefault(_fold(person.name), person.id)
            directory.names[person.id] = " ".join(person.name.split())
        return directory
    path = root / PEOPLE_FILE
    if not path.is_file():
        return directory
    try:
        doc = read_yaml_file(path, PEOPLE_FILE)
    except (ConfigError, OSError):
        return directory
    people = doc.data.get("people")
    if not isinstance(people, list):
        return directory
    for item in people:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        pid = item["id"]
        directory.ids.add(pid)
        if isinstance(item.get("email"), str):
            directory.by_email[item["email"].strip().lower()] = pid
            directory.with_email.add(pid)
        if isinstance(item.get("name"), str):
            directory.by_name.setdefault(_fold(item["name"]), pid)
            directory.names[pid] = " ".join(item["name"].split())
    return directory


def _under(path: str, prefix: str) -> bool:
    return not prefix or path == prefix or path.startswith(prefix.rstrip("/") + "/")


_KEYS = {k.lower(): k for k in TRAILER_KEYS}
Trailers = dict[str, list[str]]


def parse_trailers(text: str) -> Trailers:
    """hoso's trailers of a message or note, in one pass (same convention as Commit.trailers)."""
    found: Trailers = {}
    if ":" not in text:
        return found
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        canonical = _KEYS.get(key.lower()) if sep else None
        if canonical is not None and value.strip():
            found.setdefault(canonical, []).append(value.strip())
    return {k: found[k] for k in TRAILER_KEYS if k in found}


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(filter(None, items)))  # C loops: this runs for every event


def _reason(kind: str, trailers: dict[str, list[str]]) -> str:
    if not trailers:
        return ""
    parts = list(trailers.get(REASON, []))
    if kind == TU_CHOI:
        parts = [v for v in trailers.get(REJECTION, []) if not is_record_area(v)] + parts
    if kind == XOA and not parts:
        parts = list(trailers.get(DISPOSAL, []))
    return "; ".join(_unique(parts))


def _modification_kinds(
    history: list[Commit],
    tr: dict[str, Trailers],
    notes: dict[str, Trailers],
    submitted: dict[str, list[str]],
    root: Path,
) -> dict[tuple[str, str], str]:
    """(commit, path) -> nop-lai | sua | ky-bo-sung for every modified record, reading no blob.

    `history` is in topological order: a new version of a record whose last submission was
    rejected is a resubmission, whatever its size.
    """
    approved: set[str] = set()
    rejected: set[str] = set()
    decided: dict[tuple[str, str], str] = {}
    undecided: list[tuple[str, Change]] = []
    for c in history:
        if REJECTED_BY in tr[c.oid] or REJECTED_BY in notes.get(c.oid, {}):
            rejected.update(ch.path for ch in c.changes if is_record_area(ch.path))
            rejected.update(submitted.get(c.oid, []))
            # a `Tu-choi:` path only narrows a rejection to records its branch brought: a
            # rejection pushed anywhere cannot reach a record it did not carry
        if len(c.parents) > 1:
            if APPROVED_BY in tr[c.oid]:
                approved.update(ch.new_oid for ch in c.changes if ch.new_oid != ZERO_OID)
            continue
        has_reason = REASON in tr[c.oid] or CHANGE_REQUEST in tr[c.oid]
        for ch in c.changes:
            if ch.status not in ("M", "T") or not is_record_area(ch.path) or is_governance(ch.path):
                continue
            key = (c.oid, ch.path)
            if ch.path in rejected and REJECTED_BY not in tr[c.oid]:
                decided[key] = NOP_LAI
                rejected.discard(ch.path)
            elif ch.status == "T":
                decided[key] = SUA
            elif ch.old_oid in approved and not has_reason:
                decided[key] = KY_BO_SUNG  # an approved record is append-only: approval flow
            elif has_reason:
                decided[key] = SUA
            else:
                undecided.append((c.oid, ch))
    if undecided:
        sizes = _sizes(root, {o for _, ch in undecided for o in (ch.old_oid, ch.new_oid)})
        for oid, ch in undecided:
            grew = sizes.get(ch.new_oid, 0) > sizes.get(ch.old_oid, 0)
            decided[(oid, ch.path)] = KY_BO_SUNG if grew else SUA
    return decided


def _sizes(root: Path, oids: set[str]) -> dict[str, int]:
    """Blob sizes, kept in the evidence cache by blob id (a size never changes)."""
    cache = EvidenceCache(root)
    try:
        wanted = sorted(oids)
        found = {oid: int(row["n"]) for oid, row in cache.get_many("size", wanted, "").items()}
        missing = [oid for oid in wanted if oid not in found]
        if missing:
            reader = BlobReader(root)
            try:
                read = reader.sizes(missing)
            finally:
                reader.close()
            cache.put_many([("size", oid, "", {"n": n}) for oid, n in read.items()])
            found.update(read)
        return found
    finally:
        cache.close()


def _lock_kinds(history: list[Commit], root: Path) -> dict[tuple[str, str], str]:
    """(commit, locks.yml) -> khoa-so when the change adds a lock, for the few commits that
    touch locks.yml (their two blobs read in one `cat-file` process); else cau-hinh."""
    changes = [
        (c.oid, ch) for c in history for ch in c.changes if ch.path == LOCKS_FILE and len(c.parents) <= 1
    ]
    if not changes:
        return {}
    found: dict[tuple[str, str], str] = {}
    reader = BlobReader(root)
    try:
        for oid, ch in changes:
            before = _lock_count(reader, ch.old_oid)
            after = _lock_count(reader, ch.new_oid)
            found[(oid, LOCKS_FILE)] = KHOA_SO if after > before else CAU_HINH
    finally:
        reader.close()
    return found


def _lock_count(reader: BlobReader, oid: str) -> int:
    from hoso.git.objects import Entry

    if oid == ZERO_OID:
        return 0
    try:  # the bounded loader: a hostile locks.yml costs no more here than in the checks
        doc = read_yaml(reader.read(Entry(LOCKS_FILE, "100644", oid, 0)), LOCKS_FILE)
    except ConfigError:  # a broken locks.yml locks nothing; the checks say what is wrong with it
        return 0
    locks = doc.data.get("locks") if isinstance(doc.data, dict) else None
    return len(locks) if isinstance(locks, list) else 0


def events(
    root: Path,
    query: Query,
    *,
    revs: list[str] | None = None,
    listed: Future[Listing] | None = None,
    log_keys: Sequence[str] | None = None,
) -> list[Event]:
    """The events of HEAD's history (every branch with `all_refs`), oldest first, filtered.

    `revs` and `listed` (`gitlog.history_revs`, `gitlog.list_cached` started in a thread) let a
    caller have git list the commits while it imports; `--since` filters the events, not the
    history read: what an event means (a resubmission, an approver's signature new in the
    approval) depends on what came before the window. `log_keys`: the server's keys that make its
    push log evidence of who pushed (`trail_evidence.pushers`), as the caller dates submissions."""
    if revs is None:
        revs = history_revs(root, all_refs=query.all_refs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        if listed is None and revs:
            # git lists the commits and SQLite reads them while the configuration loads
            listed = pool.submit(list_cached, root, revs, merge_changes=True)
        config = load_config_or_none(root)
        listing = listed.result() if listed is not None else None
    cache = EvidenceCache(root)
    try:
        with allowed_signers_file(config.people.people if config else []) as signers:
            history = (
                cached_commits(
                    root, revs, cache, merge_changes=True, notes=True, signers=signers, listing=listing
                )
                if revs
                else []
            )
    finally:
        cache.close()
    directory = load_directory(root, config)
    tr = {c.oid: parse_trailers(c.message) for c in history}
    notes = {c.oid: parse_trailers(c.notes) for c in history if c.notes}
    submitted = _submitted_records(history, tr, notes)
    kinds = _modification_kinds(history, tr, notes, submitted, root)
    kinds.update(_lock_kinds(history, root))
    stamps = note_stamps(root) if any(REJECTED_BY in n for n in notes.values()) else {}
    found: list[Event] = []
    path_seen = False
    for c in history:
        context = (tr[c.oid], notes.get(c.oid, {}), submitted.get(c.oid, []))
        for event in _commit_events(c, context, kinds, directory, stamps):
            if query.path:
                event.paths = [p for p in event.paths if _under(p, query.path)]
                if not event.paths:
                    continue
                path_seen = True
            event.date = vn_time(event.date)
            found.append(event)
    if query.path and not path_seen and not (root / query.path).exists():
        raise NotFoundError("log.path-unknown", path=query.path)
    if query.since:
        day = query.since.isoformat()
        found = [e for e in found if e.date[:10] >= day]
    if query.person:
        found = [e for e in found if _matches(e, query.person)]
    # stable: within a second, history's topological order (a signature before the merge)
    found.sort(key=lambda e: datetime.fromisoformat(e.date))
    attach(root, found, history, config, log_keys=log_keys)
    names = dict(directory.names)
    if config is not None:
        names.update({p.id: p.name for p in config.people.people})
    for event in found:
        ids = {event.author, *event.people, *event.claimed_ids, *(p.person for p in event.proofs)}
        event.names = {i: names[i] for i in sorted(ids) if i in names}
    return found


def vn_time(value: str) -> str:
    """An ISO 8601 time with an offset, restated in Vietnam time (+07:00)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.utcoffset() is None:
        return value
    return moment.astimezone(VN_TIME).isoformat()


def _submitted_records(
    history: list[Commit], tr: dict[str, Trailers], notes: dict[str, Trailers]
) -> dict[str, list[str]]:
    """Rejection commit -> the records its submission branch brings, computed from the graph read.

    A rejection is usually an empty commit on the submission branch: the records it concerns
    are those its branch added or signed. Walk back along first parents from the rejection and
    stop at the fork point (a commit with several children), a merge, or the first commit read.
    """
    rejections = [
        c
        for c in history
        if (REJECTED_BY in tr[c.oid] or REJECTED_BY in notes.get(c.oid, {})) and not c.changes
    ]
    if not rejections:
        return {}
    by_oid = {c.oid: c for c in history}
    children: dict[str, int] = {}
    for c in history:
        for parent in c.parents:
            children[parent] = children.get(parent, 0) + 1
    found: dict[str, list[str]] = {}
    for rejection in rejections:
        paths: list[str] = []
        current = by_oid.get(rejection.parents[0]) if rejection.parents else None
        while current is not None and len(current.parents) <= 1 and children.get(current.oid, 0) <= 1:
            if APPROVED_BY in tr[current.oid]:
                break
            paths += [ch.path for ch in current.changes if is_record_area(ch.path) and ch.status != "D"]
            current = by_oid.get(current.parents[0]) if current.parents else None
        found[rejection.oid] = _unique(reversed(paths))
    return found


def _matches(event: Event, person: str) -> bool:
    wanted = _fold(person)
    if wanted in (_fold(event.author), *(_fold(p) for p in event.people)):
        return True
    name, _, email = event.git_author.partition(" <")
    return wanted in (_fold(name), _fold(email.rstrip(">")))


def _commit_events(
    c: Commit,
    context: tuple[Trailers, Trailers, list[str]],
    kinds: dict[tuple[str, str], str],
    directory: Directory,
    stamps: dict[str, NoteStamp],
) -> list[Event]:
    """Events of one commit; `context`: its trailers, its notes' trailers, its branch's records."""
    trailers, note_trailers, submitted = context
    author = directory.person(c.author, c.email)
    git_author = f"{c.author} <{c.email}>"

    def make(kind: str, paths: list[str], ids: list[str] | None = None) -> Event:
        return Event(
            commit=c.oid,
            date=c.date,
            kind=kind,
            author=author or c.author,
            people=_unique([author or "", *(ids or [])]),
            paths=paths,
            reason=_reason(kind, trailers),
            trailers=trailers,
            git_author=git_author,
        )

    out: list[Event] = []
    record_paths = [ch.path for ch in c.changes if is_record_area(ch.path)] or submitted
    if len(c.parents) > 1:
        if APPROVED_BY in trailers:
            out.append(make(DUYET, [ch.path for ch in c.changes], trailers[APPROVED_BY]))
            out[-1].claimed_ids = _unique(trailers[APPROVED_BY])
    else:
        groups: dict[str, list[str]] = {}
        for ch in c.changes:
            if ch.path == LOCKS_FILE:
                kind = kinds.get((c.oid, LOCKS_FILE), CAU_HINH)
            elif is_governance(ch.path):
                kind = CAU_HINH
            elif not is_record_area(ch.path):
                continue
            elif ch.status == "A":
                kind = NOP
            elif ch.status == "D":
                kind = XOA
            else:
                kind = kinds.get((c.oid, ch.path), SUA)
            groups.setdefault(kind, []).append(ch.path)
        for kind in (NOP, NOP_LAI, KY_BO_SUNG, SUA, XOA, KHOA_SO, CAU_HINH):
            if kind in groups:
                out.append(make(kind, groups[kind]))
    if REJECTED_BY in trailers:
        named = [v for v in trailers.get(REJECTION, []) if v in record_paths]
        out.append(make(TU_CHOI, named or record_paths, trailers[REJECTED_BY]))
        out[-1].claimed_ids = _unique(trailers[REJECTED_BY])
    if REJECTED_BY in note_trailers:
        stamp = stamps.get(c.oid)
        who = directory.person(stamp.author, stamp.email) if stamp else author
        named = [v for v in note_trailers.get(REJECTION, []) if v in record_paths] or record_paths
        ids = note_trailers[REJECTED_BY]
        out.append(
            Event(
                commit=c.oid,
                date=stamp.date if stamp else c.date,
                kind=TU_CHOI,
                author=who or (stamp.author if stamp else c.author),
                people=_unique([who or "", *ids]),
                paths=_unique(named),
                reason=_reason(TU_CHOI, note_trailers),
                trailers=note_trailers,
                git_author=f"{stamp.author} <{stamp.email}>" if stamp else git_author,
                via_note=True,
                claimed_ids=_unique(ids),  # a note is never evidence, whoever wrote it
            )
        )
    return out
