"""A record's status, computed in one place: chờ duyệt, đã duyệt or không hợp lệ.

Inputs are the signature verdict (from pdf/verify, cached by blob id), the record's type
(its ordered required signers) and people.yml. A required signer is satisfied by a valid
signature of someone who held that role at the signing time; the slots are filled in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from hoso.config.models import People, RecordType
from hoso.config.vocab import SIGNER_GROUP_HEAD, SIGNER_OWNER, SIGNER_SEAL
from hoso.records import RecordPath

CHO_DUYET = "cho-duyet"
DA_DUYET = "da-duyet"
KHONG_HOP_LE = "khong-hop-le"

SEAL_PERSON = "seal"  # the person id pdf/verify gives to the school's seal certificate


@dataclass
class RecordStatus:
    status: str
    missing: list[str] = field(default_factory=list)  # required signer specs not satisfied, in order
    out_of_order: bool = False  # all present, but not in the catalog's order


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


def _matches(token: str, sig: dict[str, Any], record: RecordPath, people: People) -> bool:
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
        else:
            groups = {record.owner_id} if record.owner_id else set()
        return any(role == "to-truong" and group in groups for role, group in held)
    return any(role == token for role, _ in held)


def _fits(spec: str | list[str], sig: dict[str, Any], record: RecordPath, people: People) -> bool:
    options = spec if isinstance(spec, list) else [spec]
    return any(_matches(token, sig, record, people) for token in options)


def compute(verdict: dict[str, Any], rt: RecordType, record: RecordPath, people: People) -> RecordStatus:
    """Status of one record from its (cached) verdict; never re-validates anything."""
    if verdict.get("status") in {"invalid", "untrusted", "unreadable"}:
        return RecordStatus(KHONG_HOP_LE)
    signatures = [s for s in verdict.get("signatures", []) if s.get("kind", "signature") == "signature"]
    slots = list(rt.signers)
    filled = 0
    for sig in signatures:
        if filled < len(slots) and _fits(slots[filled], sig, record, people):
            filled += 1
    missing = [signer_spec(s) for s in slots[filled:]]
    if not missing:
        return RecordStatus(DA_DUYET)
    # every slot has a signer somewhere, only not in order: say so rather than "missing"
    pool = list(signatures)
    for spec in slots:
        hit = next((s for s in pool if _fits(spec, s, record, people)), None)
        if hit is None:
            break
        pool.remove(hit)
    else:
        return RecordStatus(CHO_DUYET, missing, out_of_order=True)
    return RecordStatus(CHO_DUYET, missing)
