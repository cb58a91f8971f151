"""Is this blob a real, readable, unencrypted PDF? Judged by content, never by extension.

Also where a PDF's signature values are read raw (no validation): what identifies an act of
signing when a signature is copied from one file into another.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import asdict, dataclass
from typing import Any

# Bump when the judgement below changes: cached facts of older versions are ignored.
FORMAT_POLICY = "format-1"

LFS_PREFIX = b"version https://git-lfs.github.com/spec/"
_SNIFF: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"PK\x03\x04", "ZIP / DOCX / XLSX"),
    (b"\xd0\xcf\x11\xe0", "DOC / XLS"),
    (b"GIF8", "GIF"),
    (b"{\\rtf", "RTF"),
)


@dataclass(frozen=True)
class FormatFacts:
    kind: str  # pdf | empty | lfs-pointer | not-pdf | truncated | encrypted | unreadable | no-pages
    detail: str = ""  # what the content looked like, or the parser's complaint
    pages: int = 0
    version: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FormatFacts:
        return cls(**data)


def sniff(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")):
        return "HTML/XML"
    for magic, name in _SNIFF:
        if data.startswith(magic):
            return name
    try:
        data[:512].decode("utf-8")
        return "text"
    except UnicodeDecodeError:
        return "binary"


def examine(data: bytes) -> FormatFacts:
    if not data:
        return FormatFacts("empty")
    if data.startswith(LFS_PREFIX):
        return FormatFacts("lfs-pointer")
    start = data.find(b"%PDF-", 0, 1024)
    if start < 0:
        return FormatFacts("not-pdf", sniff(data))
    version = data[start + 5 : start + 8].decode("ascii", "replace")
    if b"%%EOF" not in data[-2048:]:
        return FormatFacts("truncated", version=version)
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return FormatFacts("encrypted", version=version)
        pages = len(reader.pages)
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        AssertionError,
        OSError,
        ZeroDivisionError,
    ) as exc:
        return FormatFacts("unreadable", _first_line(exc), version=version)
    if pages < 1:
        return FormatFacts("no-pages", version=version)
    return FormatFacts("pdf", pages=pages, version=version)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def signature_value(data: bytes, byte_range: list[int]) -> bytes | None:
    """The signer's signature value inside a PDF signature's CMS /Contents, or None.

    Not the tail of /Contents: unsigned attributes (a timestamp token anyone can add over an
    old signature) come after the value, so only the value itself identifies the act of signing.
    """
    from asn1crypto import cms

    if len(byte_range) != 4 or byte_range[2] - 1 > len(data):
        return None
    digits = data[byte_range[1] + 1 : byte_range[2] - 1]
    try:
        info = cms.ContentInfo.load(bytes.fromhex(digits.decode("ascii")), strict=False)
        value = info["content"]["signer_infos"][0]["signature"].native
    except (ValueError, TypeError, KeyError, IndexError):
        return None
    return value if isinstance(value, bytes) and len(value) >= 32 else None


BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def signature_values(data: bytes) -> dict[tuple[int, ...], bytes]:
    """Every signature's /ByteRange -> its signature value, read without validating anything."""
    found: dict[tuple[int, ...], bytes] = {}
    for match in BYTE_RANGE.finditer(data):
        byte_range = tuple(int(g) for g in match.groups())
        value = signature_value(data, list(byte_range))
        if value is not None:
            found[byte_range] = value
    return found
