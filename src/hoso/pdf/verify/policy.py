"""Integrity: what may change in a signed PDF after each signature, and what may follow it.

After the first signature a record may only gain signatures (fields, widgets, appearances),
DSS validation data and document timestamps (pyHanko's difference analysis with hoso's rules,
below). On top of that, three things pyHanko lets through are refused here:

- bytes after the end: the file must end with its last revision's ``%%EOF`` and at most one
  end-of-line; a ZIP or junk appended after it, even one that repeats ``startxref … %%EOF``
  in its comment, is not a revision (`check_file_end`);
- descriptive metadata (/Info Title, Author, Subject, Keywords; XMP dc:title, dc:creator,
  dc:description, dc:subject, pdf:Keywords) changed after the first signature: a signing
  application updates dates and the producer, never what the document says it is
  (`check_metadata`);
- after the last signature only DSS data and document timestamps: a new document-timestamp
  field is the one form change allowed there (`check_integrity`).

Appearances drawn over the signed content are judged in `appearance`.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from typing import Any

from hoso.pdf.verify.report import (
    R_BYTE_RANGE,
    R_BYTES_AFTER_END,
    R_CONTENTS,
    R_DIGEST,
    R_ENCAPSULATED,
    R_FORBIDDEN,
    R_METADATA,
    R_NOT_LAST,
    R_SIGNATURE,
    FileVerdict,
    SignatureVerdict,
)

# The one subfilter whose CMS legitimately encapsulates content: the SHA-1 digest of the bytes.
PKCS7_SHA1 = "/adbe.pkcs7.sha1"
DESCRIPTIVE_INFO = ("/Title", "/Author", "/Subject", "/Keywords")
# XMP properties that say what the document is (namespace URI, local name)
DESCRIPTIVE_XMP = (
    ("http://purl.org/dc/elements/1.1/", "title"),
    ("http://purl.org/dc/elements/1.1/", "creator"),
    ("http://purl.org/dc/elements/1.1/", "description"),
    ("http://purl.org/dc/elements/1.1/", "subject"),
    ("http://ns.adobe.com/pdf/1.3/", "Keywords"),
)
MAX_XMP = 1 << 20  # a metadata stream larger than this, decoded, is not read (and not trusted)


def hoso_diff_policy() -> Any:
    """pyHanko's standard diff analysis without its form-filling rule.

    Allowed after a signature: new signature fields with their appearances and widgets,
    signature values, DSS validation data, document timestamps, document info / XMP
    metadata (whose descriptive fields `check_metadata` then compares) and object/xref
    stream bookkeeping. Form values of other fields, content, pages and annotations are not
    explained by any rule, hence forbidden; so is replacing an existing appearance stream in
    place or reusing an existing object as a signature.
    """
    from pyhanko.sign.diff_analysis import (
        CatalogModificationRule,
        DocInfoRule,
        DSSCompareRule,
        FormUpdatingRule,
        MetadataUpdateRule,
        ModificationLevel,
        ObjectStreamRule,
        SigFieldCreationRule,
        SigFieldModificationRule,
        StandardDiffPolicy,
        XrefStreamRule,
    )

    lta = ModificationLevel.LTA_UPDATES
    return StandardDiffPolicy(
        global_rules=[
            CatalogModificationRule(),  # type: ignore[no-untyped-call]
            DocInfoRule().as_qualified(lta),
            XrefStreamRule().as_qualified(lta),
            ObjectStreamRule().as_qualified(lta),
            DSSCompareRule().as_qualified(lta),
            MetadataUpdateRule().as_qualified(lta),  # type: ignore[no-untyped-call]
        ],
        form_rule=FormUpdatingRule(
            field_rules=[
                SigFieldCreationRule(),  # type: ignore[no-untyped-call]
                SigFieldModificationRule(allow_in_place_appearance_stream_changes=False),
            ],
            # not /NeedAppearances: set after signing, a viewer redraws every field (with fonts
            # a later revision may have swapped in /DR) — the signed appearances would change
            ignored_acroform_keys={"/Fields", "/DR", "/DA", "/Q"},
        ),
    )


# ---- one signature -------------------------------------------------------------------------


def check_integrity(
    sig: SignatureVerdict,
    emb: Any,
    policy: Any,
    *,
    is_last_signature: bool,
    later_timestamps: frozenset[str],
) -> None:
    """Coverage, the modifications after this signature, and the CMS digest and signature.

    `later_timestamps`: names of the document-timestamp fields added after this signature;
    adding them is the one form change allowed after the last signature (and under DocMDP).
    """
    from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        emb.compute_integrity_info(diff_policy=policy)
    except Exception as exc:
        sig.add(R_BYTE_RANGE, f"{type(exc).__name__}: {exc}")
        return
    coverage = emb.coverage
    sig.covers_file = coverage == SignatureCoverageLevel.ENTIRE_FILE
    sig.coverage = {
        SignatureCoverageLevel.ENTIRE_FILE: "entire-file",
        SignatureCoverageLevel.ENTIRE_REVISION: "entire-revision",
        SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START: "partial",
    }.get(coverage, "unclear")
    if coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        sig.add(R_BYTE_RANGE, f"coverage {coverage.name}")

    diff = emb.diff_result
    if isinstance(diff, DiffResult):
        level = diff.modification_level
        changed = set(diff.changed_form_fields)
        if level == ModificationLevel.FORM_FILLING and changed and changed <= later_timestamps:
            level = ModificationLevel.LTA_UPDATES  # only document timestamps were added
        sig.modifications = level.name.lower().replace("_", "-")
        docmdp = emb.docmdp_level
        if docmdp is not None and level.value > docmdp.value:
            sig.modifications = "forbidden"
            sig.add(R_FORBIDDEN, f"{level.name} exceeds the DocMDP permission {docmdp.name}")
        elif is_last_signature and not sig.covers_file and level > ModificationLevel.LTA_UPDATES:
            # after the last signature only DSS data and document timestamps may follow
            sig.add(R_NOT_LAST, f"later revisions reach {level.name}: {', '.join(sorted(changed))}")
    elif diff is not None and coverage >= SignatureCoverageLevel.ENTIRE_REVISION:
        sig.modifications = "forbidden"
        sig.add(R_FORBIDDEN, str(diff))

    if sig.kind != "signature":
        return  # a document timestamp's imprint is checked with its token
    check_cms_integrity(sig, emb)


def check_cms_integrity(sig: SignatureVerdict, emb: Any) -> None:
    """The CMS: detached (PDF signatures sign the byte range, never carried content), digest
    of the byte range, and the signature value over the signed attributes.

    The SHA-1 subfilters are checked by `legacy`: adbe.pkcs7.sha1 encapsulates the digest of
    the byte range, adbe.x509.rsa_sha1 holds a bare PKCS#1 signature instead of a CMS."""
    from pyhanko.sign.general import CMSStructuralError
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity

    from hoso.pdf.verify import legacy

    if sig.subfilter == PKCS7_SHA1:
        legacy.check_pkcs7_sha1(sig, emb)
        return
    if sig.subfilter == legacy.RSA_SHA1:
        legacy.check_rsa_sha1(sig, emb)
        return
    encap = emb.signed_data["encap_content_info"]
    if encap["content"].native is not None:
        sig.add(R_ENCAPSULATED, f"content type {encap['content_type'].native}")
        return
    try:
        content_type = encap["content_type"].native
        intact, valid = validate_sig_integrity(
            emb.signer_info, emb.signer_cert, content_type, emb.compute_digest()
        )
    except (CMSStructuralError, ValueError, KeyError) as exc:
        sig.add(R_CONTENTS, f"{type(exc).__name__}: {exc}")
        return
    sig.intact = bool(intact)
    if not intact:
        sig.add(R_DIGEST)
    elif not valid:
        sig.add(R_SIGNATURE)


# ---- the end of the file -------------------------------------------------------------------

_EOF = re.compile(rb"%%EOF(\r\n|\r|\n)?")


def check_file_end(data: bytes, reader: Any, verdict: FileVerdict) -> None:
    """The file ends where its last revision does: ``%%EOF`` and at most one end-of-line.

    The last revision is the one the final ``startxref`` of the reader names. Whatever lies
    after its ``%%EOF`` (junk, a ZIP, a copy of ``startxref … %%EOF`` in a ZIP comment) is not
    part of any revision and no signature vouches for it.
    """
    end = _revision_end(data, reader.xrefs, reader.xrefs.total_revisions - 1)
    if end != len(data):
        extra = len(data) - end if end is not None else len(data)
        detail = f"{extra} bytes after the last revision's %%EOF"
        verdict.add(R_BYTES_AFTER_END, detail)
        for sig in verdict.signatures:
            sig.add(R_BYTES_AFTER_END, detail)


# ---- the revisions after the first signature -----------------------------------------------

_OBJ_HEADER = re.compile(rb"(?<![0-9])(\d{1,10})\s+(\d{1,5})\s+obj\b")
_WHITE = frozenset(b" \t\n\r\x0b\x0c")  # the regex \s of a bytes pattern
_DIGIT = frozenset(b"0123456789")
_WORD = frozenset(b"0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def object_headers(data: bytes, start: int, end: int) -> Iterator[int]:
    """Where every `_OBJ_HEADER` match of `data[start:end]` starts, in order: exactly what
    `_OBJ_HEADER.finditer(data, start, end)` finds (tests/test_verify_caches.py compares
    them), found from each `obj` keyword backwards instead of trying the regex at every byte
    (a signature's /Contents is some 20,000 digits and letters: the regex took 2 ms a file).

    A match is a whole run of 1–10 digits (not preceded by a digit, even before `start`),
    whitespace, a whole run of 1–5 digits, whitespace, then `obj` at a word boundary; matches
    hold no letter but `obj`, so they never overlap and each `obj` has at most one.
    """
    at = data.find(b"obj", start, end)
    while at >= 0:
        after = at + 3
        if after == end or data[after] not in _WORD:
            header = _header_before(data, start, at)
            if header is not None:
                yield header
        at = data.find(b"obj", after, end)


def _header_before(data: bytes, start: int, at: int) -> int | None:
    """Where the header ending with the `obj` at `at` starts (its object number), or None
    when the bytes before that `obj` are not `number whitespace generation whitespace`."""

    def back(position: int, chars: frozenset[int]) -> int:
        while position > start and data[position - 1] in chars:
            position -= 1
        return position

    gap2 = back(at, _WHITE)
    generation = back(gap2, _DIGIT)
    gap1 = back(generation, _WHITE)
    number = back(gap1, _DIGIT)
    if not (gap2 < at and 1 <= gap2 - generation <= 5 and gap1 < generation and 1 <= gap1 - number <= 10):
        return None
    if number > 0 and data[number - 1] in _DIGIT:  # a longer number (this one starts at `start`)
        return None
    return number


_XREF_ENTRY = re.compile(rb"\d{10} \d{5} [nf](?: \r| \n|\r\n)")
_XREF_SUBSECTION = re.compile(rb"(\d+) (\d+)[ \t]*(?:\r\n|\r|\n)")


def check_revisions(data: bytes, reader: Any, verdict: FileVerdict, first_signed: int) -> None:
    """Each revision after the first signature holds only what its cross-reference section
    lists, in a table any reader parses the same way.

    A viewer that finds a malformed table rebuilds it by scanning for objects: an object
    written in a revision but left out of its table (or a table with 19-byte entries) is
    invisible to the verifier and may be what the viewer shows.
    """
    from pyhanko.pdf_utils.xref import XRefSectionType

    xrefs = reader.xrefs
    start = _revision_end(data, xrefs, first_signed) or len(data)
    for revision in range(first_signed + 1, xrefs.total_revisions):
        end = _revision_end(data, xrefs, revision) or len(data)
        meta = xrefs.get_xref_container_info(revision)
        listed = {offset for _, offset in xrefs.get_xref_data(revision).standard_xrefs.values()}
        problem = None
        for header in object_headers(data, start, end):
            if header not in listed:
                problem = f"revision {revision + 1}: an object at byte {header} its table does not list"
                break
        if problem is None:
            problem = _stray_bytes(data, reader, revision, start, int(meta.declared_startxref))
        if problem is None and meta.xref_section_type == XRefSectionType.STANDARD:
            problem = _strict_table(data, int(meta.declared_startxref), end, revision)
        if problem is not None:
            verdict.add(R_FORBIDDEN, problem)
            for sig in verdict.signatures:
                if sig.revision is not None and sig.revision < revision:
                    sig.add(R_FORBIDDEN, problem)
            return
        start = end


_SPACE = re.compile(rb"(?:[ \t\r\n\f\x00]|%[^\r\n]*)*")
_STREAM = re.compile(rb">>\s*stream(?:\r\n|\n)")
_STREAM_END = re.compile(rb"\s*endstream\s+endobj")
_OBJ_END = re.compile(rb"endobj")


def _stray_bytes(data: bytes, reader: Any, revision: int, start: int, table: int) -> str | None:
    """Between the revision's start and its table: its listed objects, blanks and comments,
    nothing else (a ZIP or any other payload hidden between objects is refused)."""
    from pyhanko.pdf_utils import generic

    section = reader.xrefs.get_xref_data(revision)
    spans = sorted(
        (offset, idnum, gen)
        for idnum, (gen, offset) in section.standard_xrefs.items()
        if start <= offset < table
    )
    position = start
    for offset, idnum, gen in spans:
        if _SPACE.fullmatch(data, position, offset) is None:
            return f"revision {revision + 1}: bytes {position}–{offset} belong to no object"
        ref = generic.Reference(idnum, gen, reader)
        try:  # the object as the file's last revision has it, when that is this very one (same
            # position, same bytes): already parsed, and cached by the reader
            current = reader.xrefs[ref] == offset
        except Exception:
            current = False
        try:
            obj = reader.get_object(ref) if current else reader.get_object(ref, revision=revision)
        except Exception:
            return f"revision {revision + 1}: object {idnum} cannot be read"
        if isinstance(obj, generic.StreamObject):
            opened = _STREAM.search(data, offset, table)
            closed = (
                _STREAM_END.match(data, opened.end() + len(obj.encoded_data)) if opened is not None else None
            )
        else:
            closed = _OBJ_END.search(data, offset, table)
        if closed is None:
            return f"revision {revision + 1}: object {idnum} at byte {offset} does not end where it should"
        position = closed.end()
    if _SPACE.fullmatch(data, position, table) is None:
        return f"revision {revision + 1}: bytes {position}–{table} belong to no object"
    return None


def _revision_end(data: bytes, xrefs: Any, revision: int) -> int | None:
    """Where `revision` ends: after the first ``%%EOF`` (and one end-of-line) past its table."""
    meta = xrefs.get_xref_container_info(revision)
    match = _EOF.search(data, max(int(meta.end_location), int(meta.start_location)))
    return match.end() if match is not None else None


def _strict_table(data: bytes, position: int, end: int, revision: int) -> str | None:
    """A classic table: `xref`, then subsections of exactly 20-byte entries, then `trailer`."""
    if not data.startswith(b"xref", position):
        return f"revision {revision + 1}: no xref keyword where its table starts"
    position += 4
    while position < end and data[position : position + 1] in b" \t\r\n":
        position += 1
    while position < end and not data.startswith(b"trailer", position):
        header = _XREF_SUBSECTION.match(data, position)
        if header is None:
            return f"revision {revision + 1}: malformed cross-reference subsection at byte {position}"
        position = header.end()
        for _ in range(int(header.group(2))):
            entry = _XREF_ENTRY.match(data, position)
            if entry is None:
                return f"revision {revision + 1}: a cross-reference entry at byte {position} is not 20 bytes"
            position = entry.end()
    return None


# ---- metadata ------------------------------------------------------------------------------


def check_metadata(reader: Any, verdict: FileVerdict, first_signed: int) -> None:
    """Descriptive metadata of every revision after `first_signed` equals that one's."""
    total = reader.xrefs.total_revisions
    if first_signed < 0 or first_signed >= total - 1:
        return
    signed = _descriptive(reader, first_signed)
    for revision in range(first_signed + 1, total):
        now = _descriptive(reader, revision)
        if now != signed:
            changed = sorted(k for k in set(signed) | set(now) if signed.get(k) != now.get(k))
            detail = f"revision {revision + 1} changes {', '.join(changed)}"
            verdict.add(R_METADATA, detail)
            for sig in verdict.signatures:
                if sig.revision is not None and sig.revision < revision:
                    sig.add(R_METADATA, detail)
            return


def _descriptive(reader: Any, revision: int) -> dict[str, str | None]:
    from pyhanko.pdf_utils import generic

    resolver = reader.get_historical_resolver(revision)

    def resolve(container: Any, key: str) -> Any:
        # through the revision's resolver: an object's later versions must not leak in
        try:
            raw = container.raw_get(key)
        except KeyError:
            return None
        if isinstance(raw, generic.IndirectObject):
            return resolver.get_object(raw.reference)
        return raw

    found: dict[str, str | None] = {}
    info = resolve(resolver.trailer_view, "/Info")
    if isinstance(info, generic.DictionaryObject):
        for key in DESCRIPTIVE_INFO:
            value = resolve(info, key)
            found[key] = str(value) if value is not None else None
    root = resolve(resolver.trailer_view, "/Root")
    stream = resolve(root, "/Metadata") if isinstance(root, generic.DictionaryObject) else None
    if isinstance(stream, generic.StreamObject):
        found.update(_xmp_fields(stream))
    return found


def filter_names(filters: Any) -> list[str]:
    """A stream's /Filter value (a name, an array of names, or nothing) as a list of names."""
    return [str(f) for f in filters] if isinstance(filters, list) else ([str(filters)] if filters else [])


def inflate(raw: bytes, limit: int) -> bytes | None:
    """Flate-decoded `raw`, or None when it is broken or decodes to more than `limit` bytes
    (decoding stops there: a compression bomb costs nothing)."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(raw, limit)
    except zlib.error:
        return None
    return None if inflater.unconsumed_tail else out


def _xmp_fields(stream: Any) -> dict[str, str | None]:
    """The descriptive XMP properties, as text; the raw stream when it cannot be read safely."""
    raw = stream.encoded_data
    names = filter_names(stream.get("/Filter"))
    if names == ["/FlateDecode"]:
        inflated = inflate(raw, MAX_XMP)
        if inflated is None:
            return {"xmp": raw.hex()}
        xml = inflated
    elif not names:
        xml = raw
    else:
        return {"xmp": raw.hex()}  # unusual filters: compared byte for byte
    if len(xml) > MAX_XMP:
        return {"xmp": raw.hex()}
    import xml.etree.ElementTree as ET

    try:
        # the stdlib parser resolves no external entity; expat bounds entity expansion
        root = ET.fromstring(xml)
    except ET.ParseError:
        return {"xmp": raw.hex()}
    found: dict[str, str | None] = {}
    for namespace, local in DESCRIPTIVE_XMP:
        name = f"{{{namespace}}}{local}"
        values = [" ".join("".join(el.itertext()).split()) for el in root.iter(name)]
        values += [el.attrib[name] for el in root.iter() if name in el.attrib]  # the short form
        found[f"xmp:{local}"] = " | ".join(values) if values else None
    return found
