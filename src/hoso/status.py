"""A record's status, computed in one place: chờ duyệt, đã duyệt or không hợp lệ.

Inputs are the signature verdict (from pdf/verify, cached by blob id), the record's type
(its ordered required signers) and people.yml. A required signer is satisfied by a valid
signature of someone who held that role at the signing time; the slots are filled in order.

Nobody approves their own work unless the catalog says so (`self_approval: true`, per type or
in `defaults`): a person who already filled a slot of this record cannot fill another one. The
tổ trưởng's own lesson plan is then approved by the tổ phó of that tổ or by the school's
leadership (hiệu trưởng, phó hiệu trưởng), as Công văn 5512 has it.

Each signature that fills a slot gets that slot as its capacity ("người lập", "tổ trưởng",
"hiệu trưởng", "con dấu"): the role in which it counts for this record, which the site shows
instead of every role its signer holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from hoso.config.models import People, RecordType
from hoso.config.vocab import SIGNER_GROUP_HEAD, SIGNER_OWNER, SIGNER_SEAL
from hoso.records import RecordPath

if TYPE_CHECKING:
    from hoso.config.loader import Config

CHO_DUYET = "cho-duyet"
DA_DUYET = "da-duyet"
KHONG_HOP_LE = "khong-hop-le"

SEAL_PERSON = "seal"  # the person id pdf/verify gives to the school's seal certificate


@dataclass
class RecordStatus:
    status: str
    missing: list[str] = field(default_factory=list)  # required signer specs not satisfied, in order
    out_of_order: bool = False  # all present, but not in the catalog's order
    # per entry of the verdict's signatures: the slot token it filled, or None
    capacities: list[str | None] = field(default_factory=list)
    # people whose second signature was not counted for another slot (self-approval refused)
    self_signed: list[str] = field(default_factory=list)


# Who may stand in for the tổ trưởng when the tổ trưởng is the record's own author.
GROUP_HEAD_STAND_INS = ("to-pho", "hieu-truong", "pho-hieu-truong")


def signer_spec(spec: str | list[str]) -> str:
    return " | ".join(spec) if isinstance(spec, list) else spec


def _day(sig: dict[str, Any]) -> date | None:
    when = sig.get("signing_time") or sig.get("claimed_time")
    if not when:
        return None
    try:
        return datetime.fromisoformat(str(when)).date()
    except ValueError:
        return None


def _owner_groups(people: People, person_id: str, day: date) -> set[str]:
    person = people.person(person_id)
    if person is None:
        return set()
    return {r.group for r in person.roles if r.group and r.active_on(day)}


def _matches(
    token: str, sig: dict[str, Any], record: RecordPath, people: People, used: frozenset[str] = frozenset()
) -> bool:
    person = sig.get("person")
    roles = sig.get("roles") or []
    if token == SIGNER_SEAL:
        return bool(person == SEAL_PERSON)
    if person is None or person == SEAL_PERSON:
        return False
    held = {(r.get("role"), r.get("group")) for r in roles}
    if token == SIGNER_OWNER:
        if record.owner_level == "giao-vien":
            return bool(person == record.owner_id)
        if record.owner_level == "to":
            return ("to-truong", record.owner_id) in held
        return any(role == "hieu-truong" for role, _ in held)
    if token == SIGNER_GROUP_HEAD:
        day = _day(sig)
        if record.owner_level == "giao-vien" and record.owner_id and day is not None:
            groups = _owner_groups(people, record.owner_id, day)
            heads = _group_heads(people, groups, day)
        else:
            groups = {record.owner_id} if record.owner_id else set()
            heads = set()
        if any(role == "to-truong" and group in groups for role, group in held):
            return True
        # the author is the tổ trưởng and may not approve himself: the tổ phó or the leadership
        if heads and heads <= used:
            return any(
                role in GROUP_HEAD_STAND_INS and (role != "to-pho" or group in groups) for role, group in held
            )
        return False
    return any(role == token for role, _ in held)


def _group_heads(people: People, groups: set[str], day: date) -> set[str]:
    return {
        p.id
        for p in people.people
        for r in p.roles
        if r.role == "to-truong" and r.group in groups and r.active_on(day)
    }


def fits(
    spec: str | list[str], sig: dict[str, Any], record: RecordPath, people: People, used: frozenset[str]
) -> str | None:
    """The token of `spec` that `sig` satisfies, or None."""
    options = spec if isinstance(spec, list) else [spec]
    return next((token for token in options if _matches(token, sig, record, people, used)), None)


def self_approval_allowed(rt: RecordType, config: Config) -> bool:
    return bool(rt.self_approval if rt.self_approval is not None else config.catalog.defaults.self_approval)


def compute(verdict: dict[str, Any], rt: RecordType, record: RecordPath, config: Config) -> RecordStatus:
    """Status of one record from its (cached) verdict; never re-validates anything."""
    all_sigs = list(verdict.get("signatures", []))
    if verdict.get("status") in {"invalid", "untrusted", "unreadable"}:
        return RecordStatus(KHONG_HOP_LE, capacities=[None] * len(all_sigs))
    people = config.people
    allow_self = self_approval_allowed(rt, config)
    signatures = [(i, s) for i, s in enumerate(all_sigs) if s.get("kind", "signature") == "signature"]
    slots = list(rt.signers)
    capacities: list[str | None] = [None] * len(all_sigs)
    used: set[str] = set()
    refused: list[str] = []
    filled = 0
    for i, sig in signatures:
        if filled >= len(slots):
            break
        person = str(sig.get("person") or "")
        token = fits(slots[filled], sig, record, people, frozenset(used))
        if token is None:
            continue
        if not allow_self and person != SEAL_PERSON and person in used:
            refused.append(person)
            continue
        capacities[i] = token
        if person and person != SEAL_PERSON:
            used.add(person)
        filled += 1
    missing = [signer_spec(s) for s in slots[filled:]]
    if not missing:
        return RecordStatus(DA_DUYET, capacities=capacities)
    # every slot has a signer somewhere, only not in order: say so rather than "missing"
    pool = [s for _, s in signatures]
    pool_used: set[str] = set()
    for spec in slots:
        hit = next(
            (
                s
                for s in pool
                if fits(spec, s, record, people, frozenset(pool_used))
                and (allow_self or s.get("person") == SEAL_PERSON or s.get("person") not in pool_used)
            ),
            None,
        )
        if hit is None:
            break
        pool.remove(hit)
        if hit.get("person") != SEAL_PERSON:
            pool_used.add(str(hit.get("person")))
    else:
        return RecordStatus(CHO_DUYET, missing, out_of_order=True, capacities=capacities)
    return RecordStatus(CHO_DUYET, missing, capacities=capacities, self_signed=sorted(set(refused)))
