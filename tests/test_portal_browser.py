"""The portal in a real browser (Playwright driving Debian's Chromium, as tests/test_site_browser.py):
search across schools from the portal's search page, which merges each school's own Pagefind index,
then follow a result into that school's own site, landing on the record's entry.

The schools are tests/test_portal.py's three repositories; the portal is built by
`python -m hoso portal build` and served on 127.0.0.1 by hoso's own request handler (the one
`hoso site serve` uses). Every request that would leave the machine is aborted and reported.
Skipped without playwright or /usr/bin/chromium, except under CI=true.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import test_portal as P
from test_site_browser import _context, _on_loopback, _outside, _screenshot, browser  # noqa: F401

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="module")
def built_portal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Made before the browser starts: signing the schools' PDFs runs its own asyncio loop, which
    cannot run inside Playwright's."""
    base = tmp_path_factory.mktemp("portal-browser")
    schools = P.three_schools(base)
    out = base / "portal"
    run = schools.portal(schools.yml("schools.yml", P.SCHOOLS_YML), out)
    assert run.code == 1 and (out / "tim-kiem.html").is_file(), run.text  # 1: school C is stale
    return out


@pytest.fixture(scope="module")
def served_portal(built_portal: Path, browser: Browser) -> Iterator[tuple[str, Path]]:  # noqa: F811
    from hoso.commands.site import _Handler, _Server

    server = _Server(("127.0.0.1", 0), functools.partial(_Handler, directory=str(built_portal)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", built_portal
    finally:
        server.shutdown()
        server.server_close()


def test_search_across_schools_and_open_a_record(served_portal: tuple[str, Path], browser: Browser) -> None:  # noqa: F811
    from playwright.sync_api import expect

    root, _ = served_portal
    context, requests = _context(browser, _on_loopback)
    page = context.new_page()
    page.goto(root + "tim-kiem.html")
    scope = page.locator("#hoso-portal-scope")
    expect(scope).to_have_value("tat-ca")  # three schools: all merged into one query
    box = page.locator("#hoso-search input[type=search]")
    box.fill("ke hoach bai day tuan 2")  # typed without diacritics
    links = page.locator("#hoso-search a.pagefind-ui__result-link")
    expect(links.first).to_be_visible()
    expect(page.locator("#hoso-search a.pagefind-ui__result-link", has_text="Tiểu học B")).to_have_count(1)
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any("/site/79000001/ho-so/" in h for h in hrefs), hrefs  # school A's record
    assert any("/site/79000002/ho-so/" in h for h in hrefs), hrefs  # school B's record
    _screenshot(page, "portal-search.png")

    page.locator("#hoso-search a.pagefind-ui__result-link", has_text="Tiểu học B").click()
    expect(page).to_have_url(re.compile(r"/site/79000002/ho-so/[^#]+\.html#"))
    target = page.locator(":target")
    expect(target).to_have_count(1)
    assert (target.get_attribute("data-hoso-record") or "").endswith("/ke-hoach-bai-day/tuan-02.pdf")
    expect(page.locator("article h1")).to_contain_text("năm học")

    # a school's name is found too: the portal's own index (one document per school)
    page.goto(root + "tim-kiem.html?q=" + "truong thcs a")
    expect(
        page.locator("#hoso-search a.pagefind-ui__result-link", has_text="Trường THCS A").first
    ).to_be_visible()
    assert _outside(requests, _on_loopback) == []
    context.close()
