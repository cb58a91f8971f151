"""Signed decisions named by trailers: a change request (`De-nghi-sua:`) or a decision
(`Quyet-dinh:`) that lets a change through. Each must be new evidence for *this* change:

- added by the change itself (an old decision re-used proves nothing about a new change);
- a blob the authority's tree does not already hold (a copy of an approved record is not a
  decision, even under a new name);
- signed, validly and by a trusted certificate, by someone holding one of the roles both when
  signing and today;
- carrying a signature value that appears nowhere in the authority's tree (searched for as
  hex: a signature lifted from an approved record, re-wrapped in a new revision or given a
  fresh timestamp token, is found);
- signed (by the signer's own signed time, not a timestamp token) no earlier than the
  repository last changed: after the latest push the server logged (its push
  log), or after the authority's commit where there is no log. A principal's signature lifted
  from any earlier record is older than that, so copying one forges nothing.

Verdicts are kept per blob for the run: one decision named by many changes is verified once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from hoso.rules.base import Context
from hoso.rules.history import Step

# ctx.memo entries the engine sets, as functions computed on first use (most pushes name none):
FLOOR = "decision-floor"  # () -> ISO time a decision's signature must be later than, or None
KNOWN = "decision-known-blobs"  # () -> blob ids already in the authority's tree
SEEN = "decision-seen-bytes"  # (text) -> does any file of the authority's tree contain it?


def _verdict(oid: str, data: bytes, ctx: Context) -> Any:
    from hoso.pdf.verify import verify_pdf
    from hoso.rules.signatures import trust_roots

    verdicts: dict[str, Any] = ctx.memo.setdefault("decision-verdicts", {})
    if oid not in verdicts:
        verdicts[oid] = verify_pdf(data, trust_roots=trust_roots(ctx), people=ctx.config.people)
    return verdicts[oid]


def _after(moment: str | None, floor: str | None) -> bool:
    if floor is None:
        return True
    if moment is None:
        return False
    try:
        return datetime.fromisoformat(moment) >= datetime.fromisoformat(floor)
    except ValueError:
        return False


def _seen_before(data: bytes, byte_range: list[int], ctx: Context) -> bool:
    """Is this signature value already in the authority's tree (hex, either case)? Unknown
    shapes count as seen: when in doubt, no proof."""
    if SEEN not in ctx.memo:
        return False
    from hoso.pdf.structure import signature_value

    value = signature_value(data, byte_range)
    if value is None:
        return True
    return bool(ctx.memo[SEEN](value[-64:].hex()))


def signer(named: str, step: Step, ctx: Context, roles: frozenset[str], today: date) -> str | None:
    """The person id whose fresh signature makes `named` a decision for this step, else None."""
    added = {ch.path: ch.new_oid for ch in step.changes if ch.status == "A"}
    oid = added.get(named)
    known = ctx.memo.get(KNOWN)
    if oid is None or (known is not None and oid in known()):
        return None
    data = (ctx.tree or ctx.config.snapshot).read(named)
    if data is None:
        return None
    floor = ctx.memo[FLOOR]() if FLOOR in ctx.memo else None
    for sig in _verdict(oid, data, ctx).signatures:
        person = ctx.config.people.person(sig.person or "")
        if (
            sig.integrity
            and sig.trusted
            and person is not None
            and any(r.role in roles for r in sig.roles)
            and any(a.role in roles and a.active_on(today) for a in person.roles)
            # the signer's own signed time: a timestamp token only bounds a signature from above
            # (anyone can have an old signature value timestamped today)
            and _after(sig.claimed_time, floor)
            and not _seen_before(data, sig.byte_range, ctx)
        ):
            return person.id
    return None


def problem(named: str, step: Step, ctx: Context, roles: frozenset[str], today: date) -> str | None:
    """A change request's rule id when it is not acceptable for this step, else None."""
    if (ctx.tree or ctx.config.snapshot).read(named) is None:
        return "history.request-missing"
    if signer(named, step, ctx, roles, today) is None:
        return "history.request-unsigned"
    return None
