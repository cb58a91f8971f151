"""A fast reader for PDF hex strings, installed into pyHanko's parser.

pyHanko reads a hex string one token at a time; a signature's /Contents holds ~13,000 hex
digits and is read once per signature and revision, which made it half of the time of a
verification. This reads up to the closing `>` in chunks, and when the body holds only hex
digits and whitespace, decodes it in one call. Anything else (a comment, a bad character, no
end) goes to pyHanko's own reader from the same position, so errors stay pyHanko's.
"""

from __future__ import annotations

import binascii
import re
from typing import Any

_BODY = re.compile(rb"[0-9A-Fa-f\x00\t\n\x0c\r ]*")
_BLANKS = re.compile(rb"[\x00\t\n\x0c\r ]+")
_CHUNK = 1 << 16
_LIMIT = 64 << 20  # longer than this: left to pyHanko


def install() -> None:
    from pyhanko.pdf_utils import generic

    if getattr(generic.read_hex_string_from_stream, "hoso_fast", False):
        return
    original = generic.read_hex_string_from_stream

    def read_hex_string_from_stream(stream: Any) -> Any:
        start = stream.tell()
        chunks: list[bytes] = []
        size = 0
        while size < _LIMIT:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            end = chunk.find(b">", 1 if not chunks else 0)
            if end < 0:
                chunks.append(chunk)
                size += len(chunk)
                continue
            body = b"".join([*chunks, chunk[:end]])[1:]  # without the opening "<"
            if _BODY.fullmatch(body) is None:
                break
            stream.seek(start + size + end + 1)
            digits = _BLANKS.sub(b"", body)
            if len(digits) % 2:
                digits += b"0"
            return generic.pdf_string(binascii.unhexlify(digits))
        stream.seek(start)
        return original(stream)

    read_hex_string_from_stream.hoso_fast = True  # type: ignore[attr-defined]
    generic.read_hex_string_from_stream = read_hex_string_from_stream
