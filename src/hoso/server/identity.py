"""Who a pusher or a signer is, and what they may do, from the people.yml before the change."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from hoso.config.models import People, Person

# who may move the protected branch (approve) and update other people's submission branches
APPROVER_ROLES = frozenset({"hieu-truong", "pho-hieu-truong", "to-truong", "to-pho"})
# who may change what hoso decides or runs: the principal in office, or the supervising authority
GOVERNOR_ROLES = frozenset({"hieu-truong", "co-quan-quan-ly"})
SUBMISSION_PREFIX = "refs/heads/nop/"


def person_for_account(people: People, account: str) -> Person | None:
    """The person a server account belongs to: listed in `accounts:`, else the same id — but
    only for someone who lists no account (on a forge where users pick their own names, a
    stranger could otherwise register the principal's id)."""
    for person in people.people:
        if account in person.accounts:
            return person
    same = people.person(account)
    return same if same is not None and not same.accounts else None


def holds(person: Person, roles: frozenset[str], day: date) -> bool:
    return any(a.role in roles and a.active_on(day) for a in person.roles)


def submission_owner(ref: str) -> str | None:
    """`refs/heads/nop/<person>/<name>` -> person id; None for any other ref."""
    if not ref.startswith(SUBMISSION_PREFIX):
        return None
    owner = ref[len(SUBMISSION_PREFIX) :].split("/", 1)[0]
    return owner or None


@contextmanager
def allowed_signers_file(people: Iterable[Person]) -> Iterator[Path | None]:
    """An ssh allowed-signers file of these people's listed keys, the principal being the person
    id (what `git log %GS` then names); None when none of them lists a key."""
    lines = [
        f"{person.id} {parts[0]} {parts[1]}\n"
        for person in people
        for key in person.ssh_keys
        if len(parts := key.split()) >= 2 and "\n" not in key
    ]
    if not lines:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="hoso-signers-") as tmp:
        path = Path(tmp) / "allowed_signers"
        path.write_text("".join(lines), encoding="utf-8")
        yield path
