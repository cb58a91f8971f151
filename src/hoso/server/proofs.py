"""Governance proofs: what lets a change outside records/ land on the protected branch.

A change to people.yml, catalog.yml, locks.yml, trust/, mkdocs.yml, site_src/, hooks … decides
who may approve what, so a claim (a `Duyet-boi:` trailer anyone can type) is never enough.
Accepted evidence, each checked against the people.yml and trust/ *before* the change, from a
person who holds `hieu-truong` (the principal in office) or `co-quan-quan-ly` (the supervising
authority's officer) today:

1. the pusher, authenticated by the git server and mapped in people.yml (`accounts:`);
2. the commit (normally the approval merge) signed with one of that person's `ssh_keys`
   (`git commit -S` with `gpg.format=ssh`);
3. a decision PDF (Quyết định) added by the same change and named by a `Quyet-dinh:` (or
   `De-nghi-sua:`) trailer, signed by that person — who held the role at the signing time too.

A new hiệu trưởng is thus appointed by the outgoing one or by the authority, as in a real school.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from hoso.config.models import People, Person
from hoso.rules.base import Context, Finding
from hoso.rules.engine import ProofCheck
from hoso.rules.history import CHANGE_REQUEST, Step, is_governance
from hoso.rules.history import finding as history_finding
from hoso.server.identity import GOVERNOR_ROLES, allowed_signers_file, holds
from hoso.trail_evidence import DECISION as DECISION_PROOF
from hoso.trail_evidence import PUSHER, SIGNED_COMMIT, Proof

DECISION = "Quyet-dinh"


def governors(people: People, day: date) -> list[Person]:
    return [p for p in people.people if holds(p, GOVERNOR_ROLES, day)]


def commit_signer(root: Path, oid: str, people: People, day: date) -> str | None:
    """The governor whose listed ssh key made a good signature on commit `oid`, else None."""
    from hoso.git.history import commits

    with allowed_signers_file(governors(people, day)) as signers:
        if signers is None:
            return None
        found = commits(root, ["-1", oid], signers=signers)
    return found[0].signer if found else None


def decision_signer(step: Step, ctx: Context, today: date) -> tuple[str, str] | None:
    """(person id, path) of a fresh decision PDF this step adds, signed by a governor."""
    from hoso.rules import decisions

    for named in step.trailers(DECISION) + step.trailers(CHANGE_REQUEST):
        person = decisions.signer(named, step, ctx, GOVERNOR_ROLES, today)
        if person is not None:
            return person, named
    return None


def find_proof(step: Step, ctx: Context, *, root: Path, pusher: Person | None, today: date) -> Proof | None:
    people = ctx.config.people
    if pusher is not None and holds(pusher, GOVERNOR_ROLES, today):
        return Proof(PUSHER, pusher.id)
    signer = commit_signer(root, step.commit.oid, people, today)
    if signer is not None:
        return Proof(SIGNED_COMMIT, signer)
    decided = decision_signer(step, ctx, today)
    if decided is not None:
        return Proof(DECISION_PROOF, decided[0])
    return None


def governance_check(root: Path, pusher: Person | None, today: date) -> ProofCheck:
    """A `proof` callback for engine.run_range: refuse a governance step nobody proved."""

    def judge(step: Step, ctx: Context) -> Iterator[Finding]:
        if find_proof(step, ctx, root=root, pusher=pusher, today=today) is not None:
            return
        path = next(ch.path for ch in step.changes if is_governance(ch.path))
        names = ", ".join(p.id for p in governors(ctx.config.people, today)) or "—"
        yield history_finding(path, "history.governance-unproven", step.commit, governors=names)

    return judge
