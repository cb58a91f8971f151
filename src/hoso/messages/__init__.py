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


def template(key: str) -> str:
    """The raw template of `key` in the current language, for a caller that fills it thousands
    of times (`str.format` with the same placeholders as `t`)."""
    return CATALOGS[lang()].get(key) or vi.MESSAGES.get(key) or key


def has(key: str) -> bool:
    return key in vi.MESSAGES
