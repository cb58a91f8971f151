"""The message catalog: every user-facing string, in Vietnamese (default) and English.

`HOSO_LANG=en` switches to English. Keys are stable; a test checks that both languages
have the same keys and the same placeholders.
"""

from __future__ import annotations

import os
from typing import Any

from hoso.messages import en, vi

CATALOGS: dict[str, dict[str, str]] = {"vi": vi.MESSAGES, "en": en.MESSAGES}


def lang() -> str:
    value = os.environ.get("HOSO_LANG", "vi").strip().lower()
    return "en" if value.startswith("en") else "vi"


def t(key: str, /, **params: Any) -> str:
    """Render message `key` in the current language; a missing key is a bug, shown plainly."""
    catalog = CATALOGS[lang()]
    template = catalog.get(key) or vi.MESSAGES.get(key)
    if template is None:
        return key + (" " + repr(params) if params else "")
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template + " " + repr(params)


def has(key: str) -> bool:
    return key in vi.MESSAGES
