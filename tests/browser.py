"""Debian's Chromium driven by Playwright, for the tests that look at a site in a real browser.

Needs the `playwright` package and /usr/bin/chromium (Debian's `chromium`, installed by .ci/run;
never `playwright install`). Without them a test is skipped, except under CI=true where it fails.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
TIMEOUT_MS = 20_000


def require_browser() -> None:
    def missing(what: str, installed_by: str) -> NoReturn:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what}: required in CI ({installed_by})", pytrace=False)
        pytest.skip(what)

    if importlib.util.find_spec("playwright") is None:
        missing("the playwright package is not installed", "pip install -e '.[test]', as scripts/dev.py does")
    if not os.access(CHROMIUM, os.X_OK):
        missing(f"{CHROMIUM} not found", "apt-get install chromium, as .ci/run does")


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium, closed on exit; `expect` waits TIMEOUT_MS (a loaded 2-core machine)."""
    require_browser()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
