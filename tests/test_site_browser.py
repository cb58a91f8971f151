"""The inspector site in a real browser: Playwright driving Debian's Chromium.

What an inspector does with `hoso site serve`: open the home page, click through a school year
and a teacher to one record, read its two signatures and its history, find that record by a word
that appears only inside its PDF (typed without diacritics, as most people type), and download
the PDF, which must be byte for byte the blob committed in git. Then what they see when the site
is opened from a folder (file://, e.g. a USB stick): the pages and the signatures, and a notice
in place of the search, which needs a web server.

The site is built by `hoso site serve --port 0` from a fresh `git clone` of this repository, so
only committed demo data is used. Full-page screenshots go to tests/artifacts/ (git-ignored).
Every request the pages make is recorded; one that would leave the machine (anything but
127.0.0.1, or file:// for the folder) is aborted and reported.

Needs the `playwright` package and /usr/bin/chromium (Debian's `chromium`, installed by .ci/run;
never `playwright install`). Without them the tests are skipped, except under CI=true where
they fail.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from browser import TIMEOUT_MS, chromium
from conftest import REPO_ROOT, VENV_BIN, git
from pypdf import PdfReader
from ruamel.yaml import YAML

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Response, ViewportSize

HOSO = VENV_BIN / "hoso"  # Path(sys.executable).parent: the venv running the tests
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
# wide enough for Material's navigation (left) and table of contents (right) sidebars
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
# What goes over a network; file:, data:, blob:, chrome: and chrome-extension: (Chromium's PDF
# viewer) stay inside the machine.
NETWORK_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})

# One record of the demo school, reached by clicking: home → year → owner page → record.
YEAR = "2023-2024"
OWNER = "Ngô Thị Mai"
OWNER_PAGE = f"ho-so/{YEAR}/gv-ngo-thi-mai.html"
RECORD = f"records/{YEAR}/gv/ngo-thi-mai/ke-hoach-bai-day/tuan-10-ngu-van-6b.pdf"
ANCHOR = "ke-hoach-bai-day--tuan-10-ngu-van-6b"
SIGNERS = ["Ngô Thị Mai", "Đặng Thị Thanh Hương"]  # the teacher, then her tổ trưởng who approved
# "Tên bài dạy: Truyện đồng thoại ..." is in this PDF's text and in no other demo PDF; it is not in
# the record's title, type, owner or signers: only the text inside the PDF can match the query.
WORD = "thoại"
QUERY = "thoai"


# ---- the served site and the browser -------------------------------------------------------------


@dataclass
class Served:
    clone: Path
    url: str  # http://127.0.0.1:<port>/

    @property
    def site(self) -> Path:
        return self.clone / "site"

    def blob(self, path: str) -> bytes:
        return subprocess.run(
            ["git", "cat-file", "blob", f"HEAD:{path}"], cwd=self.clone, capture_output=True, check=True
        ).stdout

    def index(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.site / "index.json").read_text(encoding="utf-8"))
        return data

    def record(self, path: str) -> dict[str, Any]:
        found: list[dict[str, Any]] = [r for r in self.index()["records"] if r["path"] == path]
        assert len(found) == 1, f"{path} is not in the site's index.json"
        return found[0]


def _hermetic_env(home: Path) -> dict[str, str]:
    """Like conftest's isolated_env (function-scoped, so not usable by module fixtures)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "HOSO_"))}
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def _wait_for_url(proc: subprocess.Popen[str], timeout: float) -> str:
    """The URL `hoso site serve` prints on stderr; stderr is drained until the server exits."""
    assert proc.stderr is not None
    stderr = proc.stderr
    said: list[str] = []
    found: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in stderr:
            said.append(line)
            match = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if match and not found:
                found.append(match.group(0))
                ready.set()
        ready.set()  # the server stopped (or closed stderr) without printing its address

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(timeout) or not found:
        proc.kill()
        pytest.fail(f"`hoso site serve` printed no URL in {timeout:.0f} s:\n{''.join(said)[-2000:]}")
    return found[0]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def served(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`hoso site serve --port 0` in a fresh clone of this repository (browser first: skip early)."""
    base = tmp_path_factory.mktemp("site-browser")
    env = _hermetic_env(base / "home")
    clone = base / "truong"
    clone_cmd = ["git", "clone", "-q", str(REPO_ROOT), str(clone)]
    subprocess.run(clone_cmd, env=env, check=True, capture_output=True, timeout=120)
    proc = subprocess.Popen(
        [str(HOSO), "site", "serve", "--port", "0"],
        cwd=clone,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        yield Served(clone, _wait_for_url(proc, timeout=120))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _context(browser: Browser, is_local: Callable[[str], bool]) -> tuple[BrowserContext, list[str]]:
    """A fresh context; the URL of every request it makes is recorded, non-local ones aborted."""
    context = browser.new_context(
        viewport=VIEWPORT,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    # shown by pytest when a test fails: what the pages said
    context.on("console", lambda message: print(f"console.{message.type}: {message.text}"))
    context.on("weberror", lambda error: print(f"page error: {error.error}"))
    context.on("requestfailed", lambda request: print(f"request failed: {request.url} {request.failure}"))
    context.on("response", _print_http_error)
    context.route(lambda url: not is_local(url), lambda route: route.abort("blockedbyclient"))
    return context, requests


def _print_http_error(response: Response) -> None:
    if not response.ok:
        print(f"HTTP {response.status}: {response.url}")


def _on_loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in NETWORK_SCHEMES or parts.hostname == "127.0.0.1"


def _on_disk(url: str) -> bool:
    return urlsplit(url).scheme not in NETWORK_SCHEMES


def _outside(requests: list[str], is_local: Callable[[str], bool]) -> list[str]:
    return sorted({url for url in requests if not is_local(url)})


def _screenshot(page: Page, name: str) -> None:
    """A full-page PNG in tests/artifacts/ (from the top: the fixed header is not drawn mid-page)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=ARTIFACTS / name, full_page=True)


def _fold(text: str) -> str:
    """What a person types without Vietnamese diacritics: "Đồng thoại" -> "dong thoai"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


# ---- shared steps ---------------------------------------------------------------------------------


def _check_home(page: Page, served: Served) -> None:
    from playwright.sync_api import expect

    catalog = YAML(typ="safe").load((served.clone / "catalog.yml").read_text(encoding="utf-8"))
    expect(page.locator("article h1")).to_contain_text(catalog["school"]["name"])
    table = page.locator("article table").first
    expect(table).to_be_visible()
    rows: list[list[str]] = table.locator("tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells, c => c.textContent.trim()))"
    )
    assert rows[0] == ["Năm học", "Đã duyệt", "Chờ duyệt", "Không hợp lệ", "Tổng"]
    pdfs = git(served.clone, "ls-files", "--", "records/*.pdf").stdout.split()
    committed = Counter(path.split("/")[1] for path in pdfs)
    counts = {row[0]: [int(n) for n in row[1:]] for row in rows[1:]}
    assert list(counts) == [*sorted(committed, reverse=True), "Tổng"]  # newest year first, then the total
    for year, expected in committed.items():
        assert counts[year][-1] == expected, f"{year}: {counts[year]}, {expected} PDFs committed"
        assert sum(counts[year][:-1]) == expected  # every record has one status
    assert counts["Tổng"] == [sum(counts[y][i] for y in committed) for i in range(4)]
    assert counts["Tổng"][-1] == sum(committed.values())


def _click_to_record(page: Page, root: str) -> None:
    """home → the year (counts table) → the owner (year page) → the record (page TOC)."""
    from playwright.sync_api import expect

    page.locator("article table").first.get_by_role("link", name=YEAR, exact=True).click()
    expect(page).to_have_url(root + f"nam-hoc/{YEAR}.html")
    expect(page.locator("article h1")).to_contain_text(f"Năm học {YEAR}")
    page.locator("article table").get_by_role("link", name=OWNER, exact=True).click()
    expect(page).to_have_url(root + OWNER_PAGE)
    expect(page.locator("article h1")).to_contain_text(f"{OWNER} — năm học {YEAR}")
    page.locator(f'.md-sidebar--secondary a[href="#{ANCHOR}"]').click()
    expect(page).to_have_url(root + OWNER_PAGE + "#" + ANCHOR)
    _check_landed_on_record(page)


def _check_landed_on_record(page: Page) -> None:
    from playwright.sync_api import expect

    target = page.locator(":target")
    expect(target).to_have_count(1)
    expect(target).to_have_attribute("data-hoso-record", RECORD)
    expect(target).to_have_id(ANCHOR)
    expect(target).to_be_in_viewport()


def _check_signatures(page: Page) -> None:
    from playwright.sync_api import expect

    signatures = page.locator(f'[id="{ANCHOR}--ky"] + div.hoso-signatures > table.hoso-signature')
    expect(signatures).to_have_count(2)
    for i in range(2):
        expect(signatures.nth(i).locator("caption")).to_have_text(f"Chữ ký số {i + 1}")
        expect(signatures.nth(i)).to_have_class(re.compile(r"\bhoso-sig-valid\b"))
    names = signatures.evaluate_all(
        """tables => tables.map(t => {
             const row = Array.from(t.rows).find(r => r.cells[0].textContent.trim() === "Người ký");
             return row ? row.cells[1].textContent.trim() : null;
           })"""
    )
    assert names == SIGNERS


# ---- the tests -------------------------------------------------------------------------------------


def test_inspector_browses_searches_and_downloads(browser: Browser, served: Served, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    record = served.record(RECORD)
    # The query can match this record only through the text inside its PDF.
    pdf = served.blob(RECORD)
    text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    assert WORD in text.lower() and _fold(WORD) == QUERY != WORD
    type_name = next(t["name"] for t in served.index()["record_types"] if t["id"] == record["type"])
    signers = [s["name"] for s in record["signers"]]
    assert QUERY not in _fold(" ".join([record["title"], type_name, record["owner"]["name"], YEAR, *signers]))

    root = served.url
    context, requests = _context(browser, _on_loopback)
    page = context.new_page()

    page.goto(root)
    _check_home(page, served)
    _screenshot(page, "site-home.png")

    _click_to_record(page, root)
    _check_signatures(page)
    events = page.locator(f'[id="{ANCHOR}--ls"] + ol.hoso-history > li')
    expect(events).to_have_count(len(record["events"]))
    assert record["events"], "the record's history is empty"
    for i, event in enumerate(record["events"]):
        expect(events.nth(i)).to_have_class(re.compile(rf"\bhoso-event-{event['kind']}\b"))
        expect(events.nth(i)).to_contain_text(re.compile(r"\d{2}/\d{2}/\d{4}"))
        if event.get("commit"):
            expect(events.nth(i).locator("code")).to_have_text(event["commit"][:10])
    _screenshot(page, "site-record.png")

    page.locator(".md-sidebar--primary").get_by_role("link", name="Tìm kiếm", exact=True).click()
    expect(page).to_have_url(root + "tim-kiem.html")
    expect(page.locator("#hoso-search-offline")).to_be_hidden()
    box = page.locator(".pagefind-ui__search-input")
    # One input event: typed key by key on a loaded machine, Pagefind UI can run a search per
    # prefix while its index loads, and the last one to start wins, not the last one typed.
    box.fill(QUERY)
    expect(page.locator(".pagefind-ui__message")).to_have_text(f"1 kết quả cho {QUERY}")
    result = page.locator(".pagefind-ui__result-link")
    expect(result).to_have_count(1)
    expect(result).to_have_text(record["title"])
    _screenshot(page, "site-search.png")
    result.click()
    expect(page).to_have_url(root + OWNER_PAGE + "#" + ANCHOR)
    _check_landed_on_record(page)

    link = page.locator(f'a[download][href$="tep/{RECORD}"]')
    expect(link).to_have_count(1)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename == Path(RECORD).name
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes() == pdf

    context.close()
    assert any("/pagefind/" in url for url in requests), "the request log saw no search request"
    assert _outside(requests, _on_loopback) == []


def test_site_opened_from_a_folder(browser: Browser, served: Served, tmp_path: Path) -> None:
    """The built folder copied elsewhere (a USB stick) and opened as file://: no server at all."""
    from playwright.sync_api import expect

    usb = tmp_path / "USB của trường" / "trang tra cứu"  # spaces and diacritics in the path
    shutil.copytree(served.site, usb)
    root = usb.as_uri() + "/"
    context, requests = _context(browser, _on_disk)
    page = context.new_page()

    page.goto(root + "index.html")
    _check_home(page, served)
    _click_to_record(page, root)
    _check_signatures(page)
    expect(page.locator(f'[id="{ANCHOR}--ls"] + ol.hoso-history > li').first).to_be_visible()
    link = page.locator(f'a[download][href$="tep/{RECORD}"]')
    href = link.get_attribute("href")
    assert href is not None
    assert (usb / OWNER_PAGE).parent.joinpath(href).resolve() == (usb / "tep" / RECORD).resolve()
    assert (usb / "tep" / RECORD).read_bytes() == served.blob(RECORD)

    page.locator(".md-sidebar--primary").get_by_role("link", name="Tìm kiếm", exact=True).click()
    expect(page).to_have_url(root + "tim-kiem.html")
    notice = page.locator("#hoso-search-offline")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("hoso site serve")
    expect(page.locator(".pagefind-ui__search-input")).to_have_count(0)

    context.close()
    assert _outside(requests, _on_disk) == []


def test_collapsed_previews_load_no_pdf_from_a_folder(browser: Browser, served: Served) -> None:
    context, requests = _context(browser, _on_disk)
    page = context.new_page()
    page.goto((served.site / OWNER_PAGE).as_uri(), wait_until="load")
    assert [url for url in requests if url.endswith(".pdf")] == []
    # opening a preview loads that one file
    page.locator("details.hoso-preview summary").first.click()
    page.wait_for_function("document.querySelector('details.hoso-preview iframe').getAttribute('src')")
    context.close()
    assert len([url for url in requests if url.endswith(".pdf")]) == 1


# ---- search ranking ----------------------------------------------------------------------------------

PHRASE = "phương trình"
PERSON = "nguyen-van-an"
PERSON_QUERY = "nguyen van an"  # typed without diacritics, as most people type
PHRASE_GROUP = "Có đúng cụm từ"  # the heading of the results holding the query's words side by side


@dataclass
class Hit:
    url: str  # relative to the site root, as index.json writes it
    title: str
    phrase: bool  # listed under PHRASE_GROUP


def _search(page: Page, query: str) -> list[Hit]:
    """Every result of `query` on the search page, in the order shown ("Xem thêm" until the end)."""
    from playwright.sync_api import expect

    page.locator(".pagefind-ui__search-input").fill(query)
    message = page.locator(".pagefind-ui__message")
    expect(message).to_contain_text(f" cho {query}")
    said = message.inner_text().split()[0]
    total = int(said) if said.isdigit() else 0  # "Không tìm thấy kết quả cho …"
    results = page.locator(".pagefind-ui__result")
    expect(results).to_have_count(min(total, 10))  # the list is emptied when the message changes
    while results.count() < total:
        shown = results.count()
        page.locator(".hoso-search-more").click()
        expect(results).to_have_count(min(total, shown + 10))
    hits: list[dict[str, Any]] = page.evaluate(
        """group => {
             const hits = [];
             let phrase = false;
             for (const node of document.querySelector(".hoso-search-results").children) {
               if (node.classList.contains("hoso-search-group")) phrase = node.textContent.startsWith(group);
               else for (const a of node.querySelectorAll(".pagefind-ui__result-link"))
                 hits.push({url: a.getAttribute("href"), title: a.textContent, phrase});
             }
             return hits;
           }""",
        PHRASE_GROUP,
    )
    return [Hit(h["url"].lstrip("/"), h["title"], h["phrase"]) for h in hits]


def _report(query: str, hits: list[Hit], top: int = 8) -> None:
    """What the ranking was, printed for the test log (pytest -s, or shown when a test fails)."""
    print(f"\n{query!r}: {len(hits)} results, {sum(h.phrase for h in hits)} with the words side by side")
    for i, hit in enumerate(hits[:top], 1):
        print(f"  {i:2}. {'=' if hit.phrase else ' '} {hit.title} — {hit.url}")


def _flat(text: str) -> str:
    return " ".join(_fold(text).split())


def test_search_puts_the_phrase_and_the_person_first(browser: Browser, served: Served) -> None:
    """The demo school. "phương trình": the records holding the phrase (in their title or their
    PDF) come first, not a record of a teacher named Trịnh ("trinh" matches "trình" once the
    diacritics are folded). "nguyen van an": his own page, then the records he owns, before the
    records that merely list him among their signers or name him in their text."""
    records = served.index()["records"]
    holders = set()
    for r in records:
        pdf = PdfReader(io.BytesIO(served.blob(r["path"])))
        text = " ".join(p.extract_text() or "" for p in pdf.pages)
        if _flat(PHRASE) in _flat(r["title"] + " " + text):
            holders.add(r["url"])
    assert holders, f"no demo record holds {PHRASE!r}: the test needs one"
    own = {r["url"] for r in records if r["owner"]["level"] == "giao-vien" and r["owner"]["id"] == PERSON}
    assert own, f"{PERSON} owns no demo record"
    signed_only = {
        r["url"]
        for r in records
        if r["url"] not in own and any(s.get("person") == PERSON for s in r["signers"])
    }

    context, requests = _context(browser, _on_loopback)
    page = context.new_page()
    page.goto(served.url + "tim-kiem.html")

    hits = _search(page, PHRASE)
    _report(PHRASE, hits)
    first = hits[: len(holders)]
    assert {h.url for h in first} == holders and all(h.phrase for h in first)
    assert not any(h.phrase for h in hits[len(holders) :])
    _screenshot(page, "site-search-phrase.png")

    hits = _search(page, PERSON_QUERY)
    _report(PERSON_QUERY, hits, top=len(own) + 4)
    assert hits[0].url == f"nguoi/{PERSON}.html" and hits[0].title == "Nguyễn Văn An"
    assert {h.url for h in hits[1 : 1 + len(own)]} == own
    ranks = {h.url: i for i, h in enumerate(hits)}
    assert all(ranks[url] > len(own) for url in signed_only if url in ranks)
    _screenshot(page, "site-search-person.png")

    context.close()
    assert _outside(requests, _on_loopback) == []


HEADER = (
    "PHÒNG VĂN HÓA – XÃ HỘI XÃ AN LẠC TRƯỜNG THCS HÒA BÌNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM "
    "Độc lập – Tự do – Hạnh phúc An Lạc, ngày 12 tháng 09 năm 2024"
)
LESSON = (
    "I. Mục tiêu: học sinh hiểu và vận dụng được kiến thức của bài; phát triển năng lực tự học, giao "
    "tiếp và hợp tác, giải quyết vấn đề. II. Thiết bị dạy học và học liệu: phiếu học tập, máy chiếu. "
    "III. Tiến trình dạy học: khởi động – hình thành kiến thức – luyện tập – vận dụng."
)
# markup in a record's title and text: shown as text in the results, never run
HOSTILE_TITLE = '<img src=x onerror="alert(1)"><script>alert(2)</script> thuthach'
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
GIVEN = ["Hải", "Hoa", "Lan", "Minh", "Tâm", "Hùng"]


def _fake_record(slug: str, title: str, owner: str, text: str, signers: list[str]) -> Any:
    """What hoso.site.search reads of a record (hoso.site.model.Record)."""
    from types import SimpleNamespace as Ns

    return Ns(
        title=title,
        rt=Ns(name="Kế hoạch bài dạy (giáo án)"),
        owner_name=owner,
        loc=Ns(year="2024-2025"),
        text=f"{HEADER} {title} {text}",
        signatures=[Ns(person_name=name, signer=name) for name in signers],
        status="da-duyet",
        page=f"ho-so/2024-2025/{slug}.md",
        anchor=slug,
    )


def _fake_person(person_id: str, name: str) -> Any:
    from types import SimpleNamespace as Ns

    return Ns(id=person_id, name=name, roles=[Ns(role="giao-vien", group="toan-tin", class_=None)])


def _serve(folder: Path) -> tuple[str, Callable[[], None]]:
    import functools
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.RequestHandlerClass.log_message = lambda *args: None  # type: ignore[method-assign]
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_address[1]}/", stop


def _search_site(served: Served, folder: Path, docs: list[Any], part_size: int | None = None) -> Path:
    """The built site's search page in `folder`, with an index of `docs` (in parts of `part_size`)."""
    from hoso.site import search

    folder.mkdir()
    for name in ("tim-kiem.html", "_hoso", "assets"):
        copy = shutil.copytree if (served.site / name).is_dir() else shutil.copy2
        copy(served.site / name, folder / name)
    assert search.write_index(docs, folder, part_size or search.PART_SIZE) == len(docs)
    return folder


def _ranking_documents() -> tuple[list[Any], dict[str, str]]:
    """Search documents of records and people made to test the ranking, and each record's URL."""
    from types import SimpleNamespace as Ns

    from hoso.site import search

    an, anh, trinh = "Nguyễn Văn An", "Nguyễn Văn Anh", "Trịnh Văn Long"
    attendees = [*[f"{f} Văn {g}" for f in FAMILY for g in GIVEN][:59], an]
    records = {
        "title": _fake_record("chuyen-de", "Chuyên đề phương trình bậc hai", "Phạm Quốc Tuấn", LESSON, []),
        "body": _fake_record(
            "toan-9c",
            "Kế hoạch bài dạy Toán 9C tuần 6",
            "Phạm Quốc Tuấn",
            f"{LESSON} Tên bài dạy: Hệ hai phương trình bậc nhất hai ẩn.",
            ["Phạm Quốc Tuấn"],
        ),
        "apart": _fake_record(
            "lich-su-7",
            "Kế hoạch giáo dục môn Lịch sử 7",
            trinh,
            f"Giáo viên: {trinh}. Phương pháp: dạy học dự án; phương pháp nhóm; theo chương trình giáo "
            f"dục phổ thông 2018, phân phối chương trình theo tuần. GIÁO VIÊN {trinh}",
            [trinh, "Đặng Thị Thanh Hương"],
        ),
        "own-1": _fake_record(
            "an-tuan-5",
            "Kế hoạch bài dạy Toán 6A tuần 5",
            an,
            f"Giáo viên: {an} – Tổ Toán – Tin. {LESSON} GIÁO VIÊN {an} TỔ TRƯỞNG Lê Văn Cường",
            [an, "Lê Văn Cường"],
        ),
        "own-2": _fake_record(
            "an-tuan-12",
            "Kế hoạch bài dạy Toán 6A tuần 12",
            an,
            f"Giáo viên: {an} – Tổ Toán – Tin. {LESSON} GIÁO VIÊN {an} TỔ TRƯỞNG Lê Văn Cường",
            [an, "Lê Văn Cường"],
        ),
        "approved": _fake_record(
            "tuan-toan-8",
            "Kế hoạch bài dạy Toán 8C tuần 7",
            "Phạm Quốc Tuấn",
            f"Giáo viên: Phạm Quốc Tuấn. {LESSON} GIÁO VIÊN Phạm Quốc Tuấn TỔ TRƯỞNG {an}",
            ["Phạm Quốc Tuấn", an],
        ),
        "minutes": _fake_record(
            "hop-hoi-dong",
            "Biên bản họp hội đồng sư phạm tháng 9",
            "Nhà trường",
            "Thành phần: " + ", ".join(attendees) + ". Nội dung: triển khai nhiệm vụ năm học.",
            attendees,
        ),
        "anh": _fake_record(
            "anh-tuan-3",
            "Kế hoạch bài dạy Tin học 7A tuần 3",
            anh,
            f"Giáo viên: {anh}. {LESSON} GIÁO VIÊN {anh}",
            [anh],
        ),
        "hostile": _fake_record("doc-hai", HOSTILE_TITLE, "Nhà trường", f"{HOSTILE_TITLE} thuthach", []),
    }
    site = Ns(config=Ns(people=Ns(group=lambda _: Ns(name="Tổ Toán – Tin"))))
    people = [
        _fake_person("nguyen-van-an", an),
        _fake_person("nguyen-van-anh", anh),
        _fake_person("trinh", trinh),
    ]
    docs = [search.record_document(r) for r in records.values()]
    docs += [search.person_document(site, p) for p in people]
    url = {key: search.record_url(r) for key, r in records.items()}
    return docs, url


def test_search_ranks_titles_phrases_and_owners_before_signer_lists(
    browser: Browser, served: Served, tmp_path: Path
) -> None:
    """The weights and the ranking on records made for it, indexed by hoso.site.search and
    searched with the site's own search page: a title holding the phrase first, then a PDF
    holding it, then a record holding the words apart (a teacher named Trịnh, "phương pháp",
    "chương trình"). "nguyen van an": his page, then his own records, then a record he approved
    and the minutes that list him among 60 people; "Nguyễn Văn Anh" (Pagefind matches "an" as
    the start of "Anh") after all of them, not under the phrase's heading."""
    docs, url = _ranking_documents()
    root, stop = _serve(_search_site(served, tmp_path / "site", docs))
    context, requests = _context(browser, _on_loopback)
    try:
        page = context.new_page()
        page.goto(root + "tim-kiem.html")

        hits = _search(page, PHRASE)
        _report(PHRASE, hits)
        assert [h.url for h in hits] == [url["title"], url["body"], url["apart"]]
        assert [h.phrase for h in hits] == [True, True, False]

        hits = _search(page, PERSON_QUERY)
        _report(PERSON_QUERY, hits, top=len(hits))
        order = [h.url for h in hits]
        assert order[0] == "nguoi/nguyen-van-an.html"
        assert set(order[1:3]) == {url["own-1"], url["own-2"]}
        assert set(order[3:5]) == {url["approved"], url["minutes"]}
        assert set(order[5:]) == {"nguoi/nguyen-van-anh.html", url["anh"]}
        assert [h.phrase for h in hits] == [True] * 5 + [False] * 2

        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        hits = _search(page, "thuthach")
        assert [h.title for h in hits] == [HOSTILE_TITLE]
        results = page.locator(".hoso-search-results")
        assert results.locator("img, script").count() == 0
        assert "thuthach" in results.locator("mark").all_inner_texts()[0]
        assert dialogs == []
    finally:
        context.close()
        stop()
    assert _outside(requests, _on_loopback) == []


def test_search_in_parts_answers_as_one_index(browser: Browser, served: Served, tmp_path: Path) -> None:
    """A large school's index comes in parts (hoso.site.search.PART_SIZE: Pagefind's time for a
    word found in N documents grows as N²), merged by the search page, which must answer as one
    index would. The ranking test's documents in parts of 3 against one index: "hoang" is a word
    of one record (the minutes list a Hoàng) and every other record holds "hòa" (CỘNG HÒA in its
    header), so each part without the minutes answers "hoang" with its records, through "hoa",
    Pagefind's fallback to the longest word that begins the query's word; "hoangx", in no
    document, is answered as one index does, through the longest such word of all: "hoang"."""
    from hoso.site import search

    docs, _ = _ranking_documents()
    one = _search_site(served, tmp_path / "one", docs, part_size=len(docs))
    split = _search_site(served, tmp_path / "parts", docs, part_size=3)
    count = len(search.parts(docs, 3))
    assert count == 4 and not (one / "pagefind" / "p1").exists()
    listed = json.loads((split / "pagefind" / search.PARTS_FILE).read_text(encoding="utf-8"))["parts"]
    assert listed == [{"path": f"p{k}/", "language": f"vi-x-p{k}"} for k in range(1, count)]
    for k in range(1, count):
        entry = json.loads((split / "pagefind" / f"p{k}" / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert list(entry["languages"]) == [f"vi-x-p{k}"]
        assert not (split / "pagefind" / f"p{k}" / "pagefind.js").exists()  # one engine, in pagefind/
    again = _search_site(served, tmp_path / "again", docs, part_size=3)  # a commit gives the same bytes
    files = sorted(p.relative_to(split) for p in (split / "pagefind").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in (again / "pagefind").rglob("*") if p.is_file())
    assert all((split / f).read_bytes() == (again / f).read_bytes() for f in files)

    queries = [PHRASE, PERSON_QUERY, "hoang", "hoangx", "thuthach", "tien trinh", "ke hoach", "duyet", "zzzz"]
    answers: dict[str, dict[str, list[Hit]]] = {}
    context, requests = _context(browser, _on_loopback)
    stops = []
    try:
        for name, folder in (("one", one), ("parts", split)):
            root, stop = _serve(folder)
            stops.append(stop)
            page = context.new_page()
            page.goto(root + "tim-kiem.html")
            answers[name] = {query: _search(page, query) for query in queries}
            if name == "parts":  # Pagefind's own answer, before the page drops the fallback's
                raw = page.evaluate(
                    """async query => {
                         const pagefind = await import(new URL("pagefind/pagefind.js", location.href).href);
                         return (await pagefind.search(query)).results.length;
                       }""",
                    "hoang",
                )
                assert raw > 1
    finally:
        context.close()
        for stop in stops:
            stop()
    for query in queries:
        _report(f"{query} (parts)", answers["parts"][query])
        one_hits = sorted((h.url, h.phrase) for h in answers["one"][query])
        assert sorted((h.url, h.phrase) for h in answers["parts"][query]) == one_hits, query
    assert [h.title for h in answers["one"]["hoang"]] == ["Biên bản họp hội đồng sư phạm tháng 9"]
    assert [h.title for h in answers["parts"]["hoangx"]] == ["Biên bản họp hội đồng sư phạm tháng 9"]
    assert answers["one"]["zzzz"] == []
    assert _outside(requests, _on_loopback) == []
