"""Who signed, in which role, and when: a verdict judged against people.yml and the moment
the file reached the repository.

A claimed signing time is the signer's own clock: a claim. It never grants a role alone:

- it may not be later than the arrival (the commit or push that brought the signature to
  the repository; now, for a file verified on its own) — a signature from 2044 is refused;
- it may not be earlier than the signature before it in the same file;
- every role the claim would grant must still be held at the arrival. A role that had ended
  by the arrival needs a trusted RFC 3161 timestamp from inside the term: then the
  timestamp's time is evidence, and the role is judged at that time.

`arrival` is a moment, or a function giving it (called only for signatures whose time is only
claimed, so that finding it in history is paid for only then), or None for now.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from hoso.pdf.verify.report import (
    NOT_CHECKED_PEOPLE,
    R_NO_ROLE,
    R_ROLE_ENDED,
    R_TIME_AFTER_ARRIVAL,
    R_TIME_BEFORE_PREVIOUS,
    R_UNKNOWN_SIGNER,
    VN_TZ,
    FileVerdict,
    RoleHeld,
    SignatureVerdict,
)

if TYPE_CHECKING:
    from hoso.config.models import People, Person

# A signing device's clock may be a little ahead of the repository's.
CLOCK_SKEW = timedelta(hours=1)

Arrival = datetime | Callable[[], datetime | None] | None


def assess(verdict: FileVerdict, people: People | None, arrival: Arrival = None) -> FileVerdict:
    """Add the person, role and time judgements to `verdict` (fresh from `examine_pdf`)."""
    now = datetime.now(UTC)
    bound = arrival if isinstance(arrival, datetime) else now
    exact: Callable[[], datetime] = _once(arrival, now)
    verdict.people_checked = people is not None
    previous: datetime | None = None
    for sig in verdict.signatures:
        when = _parse(sig.signing_time)
        if when is None:
            continue
        # a claim is bounded by the exact arrival (found in history when it has to be);
        # a trusted timestamp is evidence, and a commit date after it is no reason to doubt it
        limit = exact() if sig.time_source == "claimed" and callable(arrival) else _aware(bound)
        sig.arrival_time = limit.isoformat()
        if when > limit + CLOCK_SKEW:
            sig.add(R_TIME_AFTER_ARRIVAL, f"{sig.signing_time} > {sig.arrival_time}")
        if previous is not None and when < previous - CLOCK_SKEW:
            sig.add(R_TIME_BEFORE_PREVIOUS, f"{sig.signing_time} < {previous.isoformat()}")
        previous = max(previous, when) if previous is not None else when
        if sig.kind != "signature":
            continue
        if people is None:
            if NOT_CHECKED_PEOPLE not in sig.not_checked:
                sig.not_checked.append(NOT_CHECKED_PEOPLE)
            continue
        _check_person(sig, people, when, exact)
    verdict.conclude()
    return verdict


def _check_person(
    sig: SignatureVerdict, people: People, when: datetime, arrival: Callable[[], datetime]
) -> None:
    if sig.fingerprint is None:
        return
    wanted = sig.fingerprint.replace(":", "").lower()
    if people.seal is not None and any(c.normalized == wanted for c in people.seal.certificates):
        sig.person = "seal"
        sig.person_name = people.seal.name
        return
    person = _holder(people, wanted)
    if person is None:
        sig.add(R_UNKNOWN_SIGNER, sig.fingerprint)
        return
    sig.person = person.id
    sig.person_name = person.name
    day = when.astimezone(VN_TZ).date()
    held = [r for r in person.roles if r.active_on(day)]
    if held and sig.time_source == "claimed":
        # the claim grants nothing the signer did not still hold when the file arrived
        today = datetime.now(UTC).astimezone(VN_TZ).date()
        still = [r for r in held if r.active_on(today)]
        if len(still) < len(held):
            arrived = arrival().astimezone(VN_TZ).date()
            still = [r for r in held if r.active_on(arrived)]
        ended = [r for r in held if r not in still]
        if ended:  # any role the claim would grant and the arrival no longer supports
            names = ", ".join(r.role + (f" ({r.group})" if r.group else "") for r in ended)
            sig.add(R_ROLE_ENDED, f"{person.id}: {names} on {day}, ended before {arrival().date()}")
        held = still
    sig.roles = [RoleHeld(r.role, r.group, r.class_) for r in held]
    if not held:
        sig.add(R_NO_ROLE, f"{person.id} on {day}")


def _holder(people: People, wanted: str) -> Person | None:
    for person in people.people:
        if any(c.normalized == wanted for c in person.certificates):
            return person
    return None


def _once(arrival: Arrival, now: datetime) -> Callable[[], datetime]:
    memo: list[datetime] = []

    def get() -> datetime:
        if not memo:
            value = arrival() if callable(arrival) else arrival
            memo.append(_aware(value) if value is not None else now)
        return memo[0]

    return get


def _parse(iso: str | None) -> datetime | None:
    if not iso:
        return None
    try:
        return _aware(datetime.fromisoformat(iso))
    except ValueError:
        return None


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
