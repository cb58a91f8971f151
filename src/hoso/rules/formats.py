"""Format: a real, readable, unencrypted PDF of at least one page, within the size limit."""

from __future__ import annotations

from collections.abc import Iterator

from hoso.errors import ExitCode
from hoso.messages import t
from hoso.pdf.structure import FORMAT_POLICY, FormatFacts, examine
from hoso.rules.base import Context, Finding, Subject, finding

CODE = ExitCode.FORMAT
# Never read more than this into memory, whatever the catalog allows.
HARD_LIMIT = 512 * 1024 * 1024


def facts_for(subject: Subject, ctx: Context) -> FormatFacts:
    entry = subject.entry
    cached = ctx.cache.get("format", entry.oid, FORMAT_POLICY)
    if cached is not None:
        return FormatFacts.from_json(cached)
    facts = examine(ctx.read(entry))
    ctx.cache.put("format", entry.oid, FORMAT_POLICY, facts.to_json())
    return facts


def check(subject: Subject, ctx: Context) -> Iterator[Finding]:
    entry = subject.entry
    limit = ctx.config.catalog.max_size_bytes(subject.record_type)
    if entry.size > min(limit, HARD_LIMIT):
        yield finding(subject, "format.too-large", CODE, size=_mb(entry.size), limit=_mb(limit))
        return
    facts = facts_for(subject, ctx)
    subject.facts["format"] = facts
    if facts.kind != "pdf":
        detail = facts.detail
        if detail in ("text", "binary"):  # sniff's words for what it could not name: in words
            detail = t("format.sniff." + detail)
        yield finding(subject, "format." + facts.kind, CODE, detail=detail)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
