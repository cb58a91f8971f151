"""A fast reader for PDF hex strings, installed into pyHanko's parser.

pyHanko reads a hex string one token at a time; a signature's /Contents holds ~13,000 hex
digits and is read once per signature and revision, which made it half of the time of a
verification. This reads up to the closing `>` in a few reads, and decodes the body in one
call: directly when it holds only hex digits (an even number), else after removing blanks
when it holds only hex digits and whitespace. Anything else (a comment, a bad character, no
end) goes to pyHanko's own reader from the same position, so errors stay pyHanko's.
"""

from __future__ import annotations

import binascii
import re
from typing import Any

_BODY = re.compile(rb"[0-9A-Fa-f\x00\t\n\x0c\r ]*")
_BLANKS = re.compile(rb"[\x00\t\n\x0c\r ]+")
_FIRST = 1 << 12  # the first read: a /ID string fits, a /Contents takes one or two more
_LIMIT = 64 << 20  # longer than this: left to pyHanko


def install() -> None:
    from pyhanko.pdf_utils import generic

    if getattr(generic.read_hex_string_from_stream, "hoso_fast", False):
        return
    original = generic.read_hex_string_from_stream

    def read_hex_string_from_stream(stream: Any) -> Any:
        start = stream.tell()
        size = _FIRST
        while True:
            data = stream.read(size)
            end = data.find(b">", 1)  # after the opening "<"
            if end >= 0:
                break
            if len(data) < size or size >= _LIMIT:  # no end, or too long: pyHanko's reader
                stream.seek(start)
                return original(stream)
            stream.seek(start)
            size = min(size * 16, _LIMIT)
        body = data[1:end]
        try:  # only hex digits, an even number of them: the usual /Contents
            value = binascii.unhexlify(body)
        except binascii.Error:
            if _BODY.fullmatch(body) is None:  # a comment, a bad character: pyHanko's reader
                stream.seek(start)
                return original(stream)
            digits = _BLANKS.sub(b"", body)
            if len(digits) % 2:
                digits += b"0"
            value = binascii.unhexlify(digits)
        stream.seek(start + end + 1)
        return generic.pdf_string(value)

    read_hex_string_from_stream.hoso_fast = True  # type: ignore[attr-defined]
    read_hex_string_from_stream.original = original  # type: ignore[attr-defined]
    generic.read_hex_string_from_stream = read_hex_string_from_stream
