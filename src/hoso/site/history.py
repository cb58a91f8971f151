"""Each record's history timeline, from one pass over Git history (`hoso.trail.events`).

The public edition leaves out confidential records, and also the words of any commit that
touches one: a commit changing a public record and a học bạ together carries one message
(subject, body, `Ly-do:`, `Tu-choi-boi:` reasons, a rejection note), and that message may name
the student. In the public edition such an event keeps its date, kind and commit, and says its
reason is not published; an author people.yml does not know is not named either (a git author
name is free text too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from hoso import trail
from hoso.config import Config
from hoso.messages import t
from hoso.records import PathProblem, parse_path

if TYPE_CHECKING:
    from hoso.site.model import Record


@dataclass
class HistoryItem:
    date: str  # ISO 8601
    kind: str  # a trail kind (nop, nop-lai, duyet, tu-choi, sua, ky-bo-sung, khoa-so, …)
    who: str  # display name
    reason: str
    commit: str
    withheld: bool = False  # the public edition: the commit's text is not shown
    # what proves the event (the approver's signature in the record, a signed commit, an
    # authenticated pusher), and the people a trailer or note names with no proof behind it
    evidence: list[tuple[str, str]] = field(default_factory=list)  # (proof kind, display name)
    claims: list[str] = field(default_factory=list)  # display names


def confidential_path(path: str, config: Config) -> bool:
    """Is `path` (a record, or a file where records live) of a confidential type?

    A path that is not a well-formed record path counts when any of its folders is named like a
    confidential type: when in doubt, the text is withheld.
    """
    confidential = {rt.id for rt in config.catalog.record_types if rt.confidential}
    if not confidential:
        return False
    try:
        loc = parse_path(path)
    except PathProblem:
        return any(part in confidential for part in path.split("/")[:-1])
    return loc.type_id in confidential


def attach_history(
    root: Path, shown: list[Record], config: Config, withhold: bool, *, log_keys: Sequence[str] | None = None
) -> None:
    """Fill `record.history` of every record; `withhold`: the public edition's rule above;
    `log_keys`: the push log's keys, those the site's timeliness uses (`trail.events`)."""
    by_path = {r.path: r for r in shown}
    events = trail.events(root, trail.Query(all_refs=True), log_keys=log_keys)
    secret_commits: set[str] = set()
    if withhold:
        secret_commits = {e.commit for e in events if any(confidential_path(p, config) for p in e.paths)}

    def name(pid: str) -> str:
        person = config.people.person(pid)
        return person.name if person else pid

    for event in events:
        withheld = event.commit in secret_commits
        person = config.people.person(event.author)
        who = person.name if person else (t("site.withheld") if withheld else event.author)
        evidence = [(p.kind, name(p.person)) for p in event.proofs]
        claims = [name(c) for c in event.claims]
        for path in event.paths:
            record = by_path.get(path)
            if record is None:
                continue
            record.history.append(
                HistoryItem(
                    date=event.date,
                    kind=event.kind,
                    who=who,
                    reason="" if withheld else event.reason,
                    commit=event.commit,
                    withheld=withheld and bool(event.reason),
                    evidence=evidence,
                    claims=claims,
                )
            )
    for lock in config.locks.locks:
        locker = config.people.person(lock.by)
        for record in shown:
            if record.loc.year == lock.year and (not lock.types or record.rt.id in lock.types):
                record.history.append(
                    HistoryItem(
                        date=lock.since.isoformat(),
                        kind=trail.KHOA_SO,
                        who=locker.name if locker else lock.by,
                        reason=lock.reason or "",
                        commit="",
                    )
                )
    for record in shown:
        record.history.sort(key=lambda h: _sort_time(h.date))


def _sort_time(value: str) -> datetime:
    """The moment an event happened; a bare date (a lock) is that day's start in Vietnam."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return datetime.min.replace(tzinfo=trail.VN_TIME)
    return moment if moment.tzinfo else moment.replace(tzinfo=trail.VN_TIME)
