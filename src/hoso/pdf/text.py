"""Text and title of a PDF, for search; extracted once per blob id (see hoso.site.model)."""

from __future__ import annotations

import unicodedata
from typing import Any

MAX_TEXT = 200_000  # characters kept for search: enough to find a record, not a whole book


def extract_text(data: bytes) -> dict[str, Any]:
    """{"title", "pages", "text"} of a PDF; never raises (an unreadable PDF has no text)."""
    import io
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        meta = reader.metadata
        title = str(meta.title).strip() if meta is not None and meta.title else ""
        parts: list[str] = []
        size = 0
        for page in reader.pages:
            chunk = page.extract_text() or ""
            parts.append(chunk)
            size += len(chunk)
            if size > MAX_TEXT:
                break
        text = " ".join(" ".join(parts).split())[:MAX_TEXT]
        return {"title": title, "pages": len(reader.pages), "text": unicodedata.normalize("NFC", text)}
    except Exception:  # a damaged PDF is reported by check; the site shows it without text
        return {"title": "", "pages": None, "text": ""}


def pdf_title(data: bytes) -> str:
    """The PDF's /Title alone (no page is read); "" when it has none or cannot be read."""
    import io
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        meta = PdfReader(io.BytesIO(data)).metadata
        return str(meta.title).strip() if meta is not None and meta.title else ""
    except Exception:  # an unreadable file has no title; the checks say why it is unreadable
        return ""
