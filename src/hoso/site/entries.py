"""A record's full entry, as the template `_entry.md.j2` is given it: metadata, signatures,
history, retention, timeliness, the file to download and preview.

Every record's entry lives on the page of its owner for its year (`ho-so/<year>/<owner>.md`),
under an anchor; other pages link there. The texts are the verifier's and the history's, not
yet escaped: the template escapes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from hoso.config.vocab import RETENTION_EVENTS
from hoso.messages import has, lang, t
from hoso.site import timeliness_pages as tp
from hoso.site.history import HistoryItem
from hoso.site.model import Record, Signature, Site, describe_time


@dataclass(frozen=True, slots=True)
class Keep:
    """How long the record is kept: forever, until an event, or until a day."""

    forever: bool
    event: str
    until: str  # dd/mm/yyyy ("?" when unknown)
    source: str  # the text that sets it
    unconfirmed: bool


@dataclass(frozen=True, slots=True)
class SignatureView:
    number: int
    timestamp: bool  # a document timestamp rather than a signature
    status: str  # valid | invalid | untrusted
    who: str  # the person, with the certificate's name when it differs
    capacity: str  # the slot it fills ("" for one the catalog does not ask for)
    roles: str  # the roles held at signing, for such a signature
    time: str  # dd/mm/yyyy hh:mm, "" when unknown
    by_timestamp: bool  # the time comes from a timestamp authority, not the signer's clock
    intact: bool
    coverage: str  # verify.coverage.<coverage>
    revision: int  # the revision it covers, counted from 1
    chain: str  # common names, signer first ("" when unknown)
    chain_trusted: bool
    valid_at_signing: bool | None
    algorithm: str
    reasons: list[str]  # message keys
    fingerprint: str


@dataclass(frozen=True, slots=True)
class Event:
    """One step of the record's history."""

    kind: str  # a trail kind: nop, duyet, tu-choi…
    date: str
    who: str
    evidence: str  # what proves it, joined ("" when nothing)
    claims: str  # people named with no proof behind it, joined
    reason: str
    withheld: bool  # the public edition does not publish the commit's text
    commit: str  # its first 10 characters


@dataclass(frozen=True, slots=True)
class Entry:
    title: str
    anchor: str
    path: str
    page: str  # the owner page holding it
    file: str  # the published PDF, docs-relative
    status: str
    waiting: str  # the signers still missing, joined
    type_id: str
    type_name: str
    owner_name: str
    year: str
    oid: str
    kb: str  # size in KiB, one decimal
    pages: str  # "?" when unknown
    keep: Keep
    timeliness: tp.EntryTimeliness | None
    verdict: str  # message key of the file's verdict ("" for none)
    signatures: list[SignatureView]
    history: list[Event]


def entry(site: Site, r: Record) -> Entry:
    if r.signatures:
        verdict = "site.file-verdict." + r.file_status if r.file_status else ""
    else:  # an unreadable or missing file is not "unsigned": say what the verifier found
        verdict = "site.file-verdict." + r.file_status
        if r.file_status == "unsigned" or not has(verdict):
            verdict = "site.no-signatures"
    return Entry(
        title=r.title,
        anchor=r.anchor,
        path=r.path,
        page=r.page,
        file=r.file,
        status=r.status,
        waiting=", ".join(r.missing),
        type_id=r.rt.id,
        type_name=r.rt.name,
        owner_name=r.owner_name,
        year=r.loc.year,
        oid=r.oid,
        kb=f"{r.size / 1024:.1f}",
        pages=str(r.pages or "?"),
        keep=keep(r),
        timeliness=tp.entry(r.timeliness),
        verdict=verdict,
        signatures=[signature(i, s) for i, s in enumerate(r.signatures, 1)],
        history=[event(h) for h in r.history],
    )


def keep(r: Record) -> Keep:
    from hoso.site.views import unconfirmed

    event = ""
    if r.retention == "su-kien":
        keep = r.rt.retention.keep
        event = RETENTION_EVENTS.get(str(keep), (str(keep),) * 2)[1 if lang() == "en" else 0]
    until = r.keep_until.strftime("%d/%m/%Y") if r.keep_until else "?"
    return Keep(r.retention == "vinh-vien", event, until, r.rt.retention.source, unconfirmed(r.rt.retention))


def signature(number: int, s: Signature) -> SignatureView:
    who = s.person_name or s.signer
    if s.person == "seal":
        who = t("site.seal")  # the certificate's name, the school's, follows in parentheses
    return SignatureView(
        number=number,
        timestamp=s.kind == "doc-timestamp",
        status=s.status,
        who=who + (f" ({s.signer})" if s.signer != who else ""),
        capacity=s.capacity_label,
        roles=", ".join(s.roles),
        time=describe_time(s.time),
        by_timestamp=s.time_source == "timestamp",
        intact=s.intact,
        coverage=s.coverage,
        revision=(s.revision or 0) + 1,
        chain=" → ".join(s.chain),
        chain_trusted=s.chain_trusted,
        valid_at_signing=s.valid_at_signing,
        algorithm=f"{s.digest_algorithm or '?'}, {s.signature_algorithm or '?'}, {s.key or '?'}",
        reasons=list(s.reasons),
        fingerprint=s.fingerprint or "",
    )


def event(h: HistoryItem) -> Event:
    proofs = ", ".join(t(f"log.proof.{kind}", person=who) for kind, who in h.evidence)
    return Event(
        kind=h.kind,
        date=describe_time(h.date),
        who=h.who,
        evidence=proofs,
        claims=", ".join(h.claims),
        reason=h.reason,
        withheld=h.withheld,
        commit=h.commit[:10],
    )
