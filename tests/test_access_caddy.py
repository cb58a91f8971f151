"""Access: the deployment of docs/deploy.md, with Debian's Caddy and src/hoso/templates/Caddyfile.

The public edition is open at /cong-khai/; the inspectors' edition (học bạ, sổ đăng bộ…) at
/thanh-tra/ and the portal at /cong-thong-tin/ answer nothing but 401 without the right
credentials. Caddy runs the shipped template unchanged, with the tests' global options prepended
(no admin endpoint, no automatic HTTPS) and its {$HOSO_DIA_CHI}/{$HOSO_THU_MUC} placeholders set
to http://127.0.0.1:<free port> and a temporary web folder.

Test files, all made at test time:

* the school of tests/test_site.py (`_make_school`: the real `hoso init`, `submit`, `reject`,
  `approve`), whose confidential học bạ `SECRET` holds `SENTINEL` and `SECRET_NAME`;
* its two editions, built by `hoso site build` into web/thanh-tra and web/cong-khai;
* web/cong-thong-tin: `hoso portal build` over that one school (its schools.yml names the
  school's repository: the portal hosts only the sites it builds itself) when the command exists,
  else a one-page stand-in (the access rules of that path do not depend on what the folder holds);
* `tai-khoan`: one account whose bcrypt hash comes from `caddy hash-password`.

Needs Debian's `caddy` (and, for the browser test, playwright and /usr/bin/chromium); without
them the tests are skipped, except under CI=true where they fail.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

import pytest
from browser import chromium
from conftest import REPO_ROOT, VENV_BIN
from servers import CADDY_GLOBAL_OPTIONS, Caddy, caddy_hash, caddy_server, require_caddy
from test_site import (
    SECRET,
    SECRET_NAME,
    SENTINEL,
    YEAR,
    School,
    _make_school,
    blob,
    build,
    leak_forms,
    ls_tree,
    site_files,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

TEMPLATE = REPO_ROOT / "src" / "hoso" / "templates" / "Caddyfile"
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
USER = "thanhtra"
PASSWORD = "Mat-khau-thu-9e41"
REALM = "Ho so - thanh tra"
PUBLIC, INSPECTOR, PORTAL = "/cong-khai/", "/thanh-tra/", "/cong-thong-tin/"
SECRET_PDF = f"tep/{SECRET}"  # where both editions would publish the học bạ's bytes
SECRET_PAGE = f"ho-so/{YEAR}/truong.html"  # the school-owned records of the year: the học bạ's entry
NOINDEX = "noindex, nofollow, noarchive"
# Expected Content-Type by file suffix; Pagefind's compressed index files are opaque bytes
# (its script decompresses them), never something a browser may sniff or decode itself.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".json": "application/json",
    ".map": "application/json",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".pf_fragment": "application/octet-stream",
    ".pf_index": "application/octet-stream",
    ".pf_meta": "application/octet-stream",
    ".pagefind": "application/octet-stream",
}


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


RIGHT = basic(USER, PASSWORD)


# ---- the deployment -------------------------------------------------------------------------------


@dataclass
class Deployment:
    school: School
    web: Path  # cong-khai/, thanh-tra/, cong-thong-tin/
    caddy: Caddy
    account_hash: str
    portal_built: bool  # by `hoso portal build`, not the stand-in

    @property
    def public(self) -> Path:
        return self.web / "cong-khai"

    @property
    def inspector(self) -> Path:
        return self.web / "thanh-tra"

    @property
    def portal(self) -> Path:
        return self.web / "cong-thong-tin"

    def secret_bytes(self) -> bytes:
        s = self.school
        return blob(s.root, s.env, ls_tree(s.root, s.env)[SECRET])


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


def ask(
    d: Deployment,
    target: str,
    *,
    method: str = "GET",
    auth: str | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """One raw HTTP/1.1 request: the target is sent exactly as given (no client-side clean-up of
    `..`, percent-encoding or case), so the server alone decides what it means."""
    conn = http.client.HTTPConnection("127.0.0.1", d.caddy.port, timeout=60)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        for name, value in {**({"Authorization": auth} if auth else {}), **(headers or {})}.items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        conn.close()


def portal_command_exists(env: dict[str, str]) -> bool:
    proc = subprocess.run(
        [str(VENV_BIN / "hoso"), "portal", "build", "--help"], env=env, capture_output=True, timeout=60
    )
    return proc.returncode == 0


def make_portal(school: School, web: Path) -> bool:
    """web/cong-thong-tin: the real portal (True) or, without `hoso portal`, a stand-in page."""
    out = web / "cong-thong-tin"
    if portal_command_exists(school.env):
        # the smallest portal: one school, from its repository (docs/portal.md; a built site
        # folder would be verified but not hosted, and the copies below are what is protected)
        schools = school.base / "schools.yml"
        schools.write_text(f"version: 1\nschools:\n  - path: {school.root}\n", encoding="utf-8")
        cache = school.base / "portal-cache"  # not beside --out: nothing but the editions under web/
        args = ["portal", "build", "--schools", str(schools), "--out", str(out), "--cache", str(cache)]
        proc = subprocess.run(
            [str(VENV_BIN / "hoso"), *args],
            cwd=school.base,
            env=school.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return True
    out.mkdir(parents=True)
    (out / "index.html").write_text(
        '<!doctype html><html lang="vi"><meta charset="utf-8"><title>Cổng thông tin</title>'
        "<h1>Cổng thông tin các trường (bản thử)</h1></html>\n",
        encoding="utf-8",
    )
    return False


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    require_caddy()  # before the school: a missing caddy fails (CI) or skips at once
    base = tmp_path_factory.mktemp("access")
    school = _make_school(base)
    web = base / "web"
    for audience, folder in (("inspector", "thanh-tra"), ("public", "cong-khai")):
        run = build(school.root, school.env, web / folder, "--audience", audience)
        assert run.code == 0, run.text
    portal_built = make_portal(school, web)

    conf = base / "caddy"
    conf.mkdir()
    account_hash = caddy_hash(PASSWORD)
    (conf / "tai-khoan").write_text(f"{USER} {account_hash}\n", encoding="utf-8")
    caddyfile = CADDY_GLOBAL_OPTIONS + TEMPLATE.read_text(encoding="utf-8")
    env = {"HOSO_DIA_CHI": "http://127.0.0.1:{port}", "HOSO_THU_MUC": str(web)}
    with caddy_server(caddyfile, conf, env) as caddy:
        yield Deployment(school, web, caddy, account_hash, portal_built)


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def confidential_files(d: Deployment) -> list[str]:
    """Files of the inspectors' edition that hold something of the học bạ (test_site.leak_forms)."""
    forms = leak_forms()
    held = [rel for rel, data in site_files(d.inspector).items() if any(f in data.lower() for f in forms)]
    return sorted({*held, SECRET_PDF})


def windows(data: bytes, size: int = 16) -> set[bytes]:
    return {data[i : i + size] for i in range(len(data) - size + 1)}


def leaked(body: bytes, secret: set[bytes], size: int = 16) -> bool:
    """Whether `body` holds any 16 bytes in a row of the confidential PDF, or a name of its record."""
    low = body.lower()
    return any(body[i : i + size] in secret for i in range(len(body) - size + 1)) or any(
        f in low for f in leak_forms()
    )


# ---- the template a school copies -----------------------------------------------------------------


def adapt(folder: Path, accounts: str | None) -> subprocess.CompletedProcess[str]:
    """`caddy adapt --validate` of the template as shipped, with `accounts` as its tai-khoan file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Caddyfile").write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
    if accounts is not None:
        (folder / "tai-khoan").write_text(accounts, encoding="utf-8")
    env = {"HOME": str(folder), "XDG_CONFIG_HOME": str(folder / "c"), "XDG_DATA_HOME": str(folder / "d")}
    return subprocess.run(
        [
            require_caddy(),
            "adapt",
            "--config",
            str(folder / "Caddyfile"),
            "--adapter",
            "caddyfile",
            "--validate",
        ],
        env=env,  # only the template's defaults: no HOSO_* of the caller
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_template_as_shipped_serves_https_and_refuses_to_start_without_accounts(tmp_path: Path) -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    code = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert code[0] != "{"  # no global options: the tests prepend theirs, a school keeps its own
    fmt = subprocess.run([require_caddy(), "fmt", str(TEMPLATE)], capture_output=True, text=True, timeout=60)
    assert fmt.returncode == 0 and fmt.stdout == text, "the template is not in `caddy fmt` form"

    good = adapt(tmp_path / "good", f"{USER} {caddy_hash(PASSWORD)}\n")
    assert good.returncode == 0, good.stderr
    servers = json.loads(good.stdout)["apps"]["http"]["servers"]
    assert len(servers) == 1
    (server,) = servers.values()
    # a real domain: HTTPS on 443 with certificates obtained and renewed by Caddy itself
    assert server["listen"] == [":443"]
    assert server["routes"][0]["match"] == [{"host": ["tra-cuu.truong-cua-toi.edu.vn"]}]
    assert "automatic_https" not in server
    assert "/srv/hoso" in good.stdout
    # three file servers (public, inspectors, portal), none listing a folder
    assert good.stdout.count('"handler":"file_server"') == 3
    assert '"browse"' not in good.stdout

    # fail closed: no accounts file, an empty one, or a password written instead of its hash
    for name, accounts in (("missing", None), ("empty", ""), ("plaintext", f"{USER} {PASSWORD}\n")):
        bad = adapt(tmp_path / name, accounts)
        assert bad.returncode != 0, f"{name}: the template validated:\n{bad.stdout[:500]}"


# ---- the public edition: open, and nothing confidential -------------------------------------------


def test_public_edition_is_open_and_byte_identical(deployment: Deployment) -> None:
    d = deployment
    served = files(d.public)
    assert "index.html" in served and any(rel.endswith(".pdf") for rel in served)
    for rel in served:
        reply = ask(d, PUBLIC + quote(rel))
        assert reply.status == 200, rel
        assert reply.body == (d.public / rel).read_bytes(), rel
        assert reply.header("X-Robots-Tag") == "", rel  # the public edition may be indexed
        assert reply.header("X-Content-Type-Options") == "nosniff", rel
    home = ask(d, "/")
    assert home.status in (301, 302, 308) and home.header("Location") == PUBLIC
    for other in ("/khac/", "/index.html", "/tep/", "/Caddyfile", "/tai-khoan"):
        assert ask(d, other).status == 404, other


def test_public_path_has_no_confidential_file(deployment: Deployment) -> None:
    d = deployment
    secret = windows(d.secret_bytes())
    confidential = confidential_files(d)
    assert SECRET_PDF in confidential and SECRET_PAGE in confidential and "index.json" in confidential
    for rel in confidential:
        for auth in (None, RIGHT):  # credentials open nothing more on the public path
            reply = ask(d, PUBLIC + quote(rel), auth=auth)
            if (d.public / rel).is_file():  # a page both editions have, written without the học bạ
                assert reply.status == 200, rel
            else:
                assert reply.status == 404, rel
            assert not leaked(reply.body, secret), rel
    assert ask(d, PUBLIC + SECRET_PDF).status == 404
    assert ask(d, PUBLIC + SECRET_PDF, method="HEAD").status == 404
    assert ask(d, PUBLIC + SECRET_PDF, headers={"Range": "bytes=0-99"}).status == 404


# ---- the inspectors' edition and the portal: 401 without the right credentials ------------------


def test_inspector_edition_needs_the_right_credentials(deployment: Deployment) -> None:
    d = deployment
    everything = files(d.inspector)
    assert SECRET_PDF in everything and SECRET_PAGE in everything
    wrong = [
        basic(USER, PASSWORD + "x"),
        basic(USER, ""),
        basic(USER.upper(), PASSWORD),
        basic("khach", PASSWORD),
        basic(USER, d.account_hash),  # the hash from the accounts file is not a password
        basic(USER, PASSWORD + " "),
        "Bearer " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode(),
        f'Digest username="{USER}", realm="{REALM}"',
        "Basic",
        "Basic !!!",
    ]
    for rel in everything:
        target = INSPECTOR + quote(rel)
        refused = ask(d, target)
        assert refused.status == 401, rel
        assert refused.header("WWW-Authenticate") == f'Basic realm="{REALM}"', rel
        assert refused.header("X-Robots-Tag") == NOINDEX, rel
        assert refused.body == b"", rel
        opened = ask(d, target, auth=RIGHT)
        assert opened.status == 200, rel
        assert opened.body == (d.inspector / rel).read_bytes(), rel
        assert opened.header("X-Robots-Tag") == NOINDEX, rel
        assert "private" in opened.header("Cache-Control"), rel
        assert opened.header("X-Content-Type-Options") == "nosniff", rel
    for rel in confidential_files(d):
        for auth in wrong:
            assert ask(d, INSPECTOR + quote(rel), auth=auth).status == 401, (rel, auth)

    # the download is the repository's blob, byte for byte
    assert ask(d, INSPECTOR + SECRET_PDF, auth=RIGHT).body == d.secret_bytes()


def test_content_types_and_no_directory_listing(deployment: Deployment) -> None:
    d = deployment
    seen: set[str] = set()
    for rel in files(d.inspector):
        suffix = Path(rel).suffix
        reply = ask(d, INSPECTOR + quote(rel), method="HEAD", auth=RIGHT)
        assert reply.status == 200, rel
        expected = CONTENT_TYPES.get(suffix)
        if expected is not None:
            seen.add(suffix)
            assert reply.header("Content-Type") == expected, rel
        else:
            assert reply.header("Content-Type") not in ("", "text/html; charset=utf-8"), rel
    assert {".html", ".pdf", ".json", ".js", ".css", ".pf_fragment", ".pf_index", ".pf_meta"} <= seen

    # folders without an index.html: no listing, whoever asks
    folders = {p.relative_to(d.inspector).as_posix() for p in d.inspector.rglob("*") if p.is_dir()}
    assert f"tep/records/{YEAR}/truong/hoc-ba" in folders and "pagefind" in folders
    for rel in sorted(folders):
        if (d.inspector / rel / "index.html").exists():
            continue
        assert ask(d, f"{INSPECTOR}{rel}/", auth=RIGHT).status == 404, rel
        assert ask(d, f"{INSPECTOR}{rel}/").status == 401, rel
    for rel in ("tep/", "pagefind/", f"tep/records/{YEAR}/"):
        assert (d.public / rel).is_dir()
        assert ask(d, PUBLIC + rel).status == 404, rel


def test_portal_path_needs_the_same_credentials(deployment: Deployment) -> None:
    d = deployment
    pages = files(d.portal)
    assert "index.html" in pages
    for rel in pages:
        target = PORTAL + quote(rel)
        assert ask(d, target).status == 401, rel
        assert ask(d, target, auth=basic(USER, "sai")).status == 401, rel
        opened = ask(d, target, auth=RIGHT)
        assert opened.status == 200 and opened.body == (d.portal / rel).read_bytes(), rel
        assert opened.header("X-Robots-Tag") == NOINDEX, rel
    assert ask(d, PORTAL).status == 401

    # the portal holds a copy of each school's site, confidential records included
    copies = [rel for rel in pages if rel.endswith("/" + SECRET_PDF)]
    assert bool(copies) == d.portal_built
    for rel in copies:
        assert ask(d, PORTAL + rel).status == 401
        assert ask(d, PUBLIC + rel).status == 404
        assert ask(d, PORTAL + rel, auth=RIGHT).body == d.secret_bytes()


# ---- attacks: paths, methods, ranges, credentials elsewhere ---------------------------------------


def tricks(d: Deployment) -> list[str]:
    """Request targets that try to reach the học bạ without passing the inspectors' door."""
    pdf = SECRET_PDF
    enc = pdf.replace("/", "%2f")
    return [
        f"/cong-khai/../thanh-tra/{pdf}",
        f"/cong-khai/./../thanh-tra/{pdf}",
        f"/cong-khai/tep/../../thanh-tra/{pdf}",
        f"/cong-khai/%2e%2e/thanh-tra/{pdf}",
        f"/cong-khai/%2E%2E/thanh-tra/{pdf}",
        f"/cong-khai/..%2fthanh-tra%2f{enc}",
        f"/cong-khai/%2e%2e%2fthanh-tra/{pdf}",
        f"/cong-khai/%252e%252e/thanh-tra/{pdf}",
        f"/cong-khai/..%5cthanh-tra%5c{pdf}",
        f"/cong-khai/..\\thanh-tra\\{pdf}",
        f"/cong-khai/..%c0%afthanh-tra/{pdf}",
        f"/cong-khai/thanh-tra/{pdf}",  # the public root must not be the folder above both
        f"/cong-khai/%2e%2e%2f%2e%2e%2fweb/thanh-tra/{pdf}",
        f"/cong-khai/../../web/thanh-tra/{pdf}",
        f"/cong-khai/../../../{d.inspector.as_posix().lstrip('/')}/{pdf}",
        f"//thanh-tra/{pdf}",
        f"///thanh-tra/{pdf}",
        f"/thanh-tra//{pdf}",
        f"/./thanh-tra/{pdf}",
        f"/THANH-TRA/{pdf}",
        f"/Thanh-Tra/{pdf}",
        f"/%74hanh-tra/{pdf}",
        f"/thanh-tra%2f{enc}",
        f"/thanh-tra%2F{pdf}",
        f"/thanh-tra/{pdf}%00.html",
        f"/thanh-tra/{pdf};.html",
        f"/thanh-tra/{pdf}?x=1",
        f"/thanh-tra/{pdf}#x",
        f"/thanh-tra/{pdf}/",
        f"/thanh-tra/{pdf}.",
        f"/thanh-tra/./{pdf}",
        f"/thanh-tra/tep/../{pdf}",
        f"/thanh-tra/{quote(pdf, safe='')}",
        f"/cong-thong-tin/../thanh-tra/{pdf}",
        f"/cong-thong-tin/%2e%2e/thanh-tra/{pdf}",
        f"http://127.0.0.1:{d.caddy.port}/thanh-tra/{pdf}",
        f"http://{USER}:{PASSWORD}@127.0.0.1:{d.caddy.port}/thanh-tra/{pdf}",
        f"/thanh-tra/{pdf}?user={USER}&password={PASSWORD}",
        f"/{pdf}",
        f"/cong-khai/{pdf}",
        "/thanh-tra",
        "/thanh-tra/",
        "/thanh-tra/index.json",
    ]


def test_path_tricks_methods_and_ranges_leak_nothing(deployment: Deployment) -> None:
    d = deployment
    data = d.secret_bytes()
    secret = windows(data)
    assert leaked(data[100:200], secret)  # the detector sees a slice of the PDF

    for target in tricks(d):
        for method in ("GET", "HEAD", "POST", "OPTIONS", "PROPFIND"):
            for headers in ({}, {"Range": "bytes=0-99"}, {"Range": "bytes=-64,0-10"}):
                reply = ask(d, target, method=method, headers=headers)
                where = (target, method, headers)
                assert reply.status in (301, 302, 308, 400, 401, 404, 405), where
                assert not leaked(reply.body, secret), where
                assert reply.header("Content-Length") in ("", "0"), where
                assert reply.header("Content-Range") == "", where

    # a Host the site does not serve gets nothing either
    for host in ("localhost", "example.org", f"127.0.0.1:{d.caddy.port}.evil"):
        reply = ask(d, f"/thanh-tra/{SECRET_PDF}", headers={"Host": host})
        assert not leaked(reply.body, secret) and reply.status != 206, host
        assert reply.header("Content-Length") in ("", "0"), host


def test_head_and_range_with_credentials_give_exactly_the_blob(deployment: Deployment) -> None:
    d = deployment
    data = d.secret_bytes()
    target = INSPECTOR + SECRET_PDF
    head = ask(d, target, method="HEAD", auth=RIGHT)
    assert head.status == 200 and head.body == b""
    assert head.header("Content-Length") == str(len(data))
    part = ask(d, target, auth=RIGHT, headers={"Range": "bytes=0-99"})
    assert part.status == 206 and part.body == data[:100]
    assert part.header("Content-Range") == f"bytes 0-99/{len(data)}"
    tail = ask(d, target, auth=RIGHT, headers={"Range": "bytes=-64"})
    assert tail.status == 206 and tail.body == data[-64:]
    assert ask(d, target, method="HEAD").status == 401
    assert ask(d, target, headers={"Range": "bytes=0-99"}).status == 401
    assert ask(d, target, method="POST", auth=RIGHT).status == 405  # a static site takes no uploads


def test_access_log_never_holds_a_password(deployment: Deployment) -> None:
    d = deployment
    assert ask(d, INSPECTOR + SECRET_PDF, auth=RIGHT).status == 200
    assert ask(d, INSPECTOR + SECRET_PDF, auth=basic(USER, "Sai-mat-khau-51")).status == 401
    log = d.caddy.log_text()
    assert f'"uri":"/thanh-tra/{SECRET_PDF}"' in log  # the request is logged ...
    assert '"Authorization":[]' in log
    # ... without its credentials (a password put in a query string, as tricks() does, is
    # logged with its URL: nothing in the deployment asks anyone to do that)
    log = log.replace(f"password={PASSWORD}", "")
    for secret in (PASSWORD, RIGHT.split()[1], "Sai-mat-khau-51", basic(USER, "Sai-mat-khau-51").split()[1]):
        assert secret not in log


# ---- in a browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(deployment: Deployment) -> Iterator[Browser]:
    with chromium() as b:
        yield b


def context(browser: Browser, credentials: tuple[str, str] | None = None) -> tuple[BrowserContext, list[str]]:
    """A fresh context (with HTTP credentials or none); requests off loopback are aborted and listed."""
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        accept_downloads=True,
        http_credentials={"username": credentials[0], "password": credentials[1]} if credentials else None,
    )
    outside: list[str] = []

    def off_loopback(url: str) -> bool:
        parts = urlsplit(url)
        local = parts.scheme not in ("http", "https", "ws", "wss") or parts.hostname == "127.0.0.1"
        if not local:
            outside.append(url)
        return not local

    ctx.route(off_loopback, lambda route: route.abort("blockedbyclient"))
    return ctx, outside


def refused(page: Page, url: str) -> int:
    """The status the browser got for `url`, which must not open. Chromium answers a 401 with a
    login prompt (headless, Playwright cancels it: ERR_INVALID_AUTH_CREDENTIALS) and an empty 404
    with its own error page (ERR_HTTP_RESPONSE_CODE_FAILURE); the status is read from the response
    the browser received."""
    from playwright.sync_api import Error

    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if r.url == url else None)
    try:
        response = page.goto(url)
    except Error as error:
        assert re.search("ERR_INVALID_AUTH_CREDENTIALS|ERR_HTTP_RESPONSE_CODE_FAILURE", str(error)), error
        page.wait_for_url(lambda shown: shown.startswith("chrome-error:"))  # Chromium's, not the site's
        page.wait_for_load_state()
    else:
        assert response is not None and not response.ok, url
    assert statuses, f"the browser saw no response for {url}"
    return statuses[-1]


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / name, full_page=True)


def test_browser_sees_401_without_credentials_and_the_records_with_them(
    deployment: Deployment, browser: Browser, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    d = deployment
    school_name = "Trường THCS Thử Nghiệm"
    root = d.caddy.url

    # no credentials: 401 and not a word of the school's records
    ctx, outside = context(browser)
    for path in (INSPECTOR, INSPECTOR + SECRET_PAGE, INSPECTOR + SECRET_PDF, PORTAL):
        page = ctx.new_page()
        assert refused(page, root + path) == 401, path
        shown = page.content()
        assert school_name not in shown and "Xuyến" not in shown and SENTINEL not in shown, path
        if path == INSPECTOR:
            screenshot(page, "access-401.png")
        page.close()
    page = ctx.new_page()

    # the public edition is open, without the học bạ's page
    response = page.goto(root + "/")
    assert response is not None and response.status == 200
    expect(page).to_have_url(root + PUBLIC)
    expect(page.locator("article h1")).to_contain_text(school_name)
    screenshot(page, "access-public.png")
    assert refused(page, root + PUBLIC + SECRET_PAGE) == 404
    assert refused(page, root + PUBLIC + SECRET_PDF) == 404
    ctx.close()
    assert outside == []

    # the right credentials: the inspectors' pages, the học bạ's entry, search and download
    ctx, outside = context(browser, (USER, PASSWORD))
    page = ctx.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    response = page.goto(root + INSPECTOR)
    assert response is not None and response.status == 200
    expect(page.locator("article h1")).to_contain_text(school_name)
    screenshot(page, "access-inspector.png")
    page.goto(root + INSPECTOR + SECRET_PAGE)
    expect(page.locator("article")).to_contain_text(SECRET_NAME)
    link = page.locator(f'a[download][href$="{SECRET_PDF}"]')
    expect(link).to_have_count(1)
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / "hoc-ba.pdf"
    info.value.save_as(saved)
    assert saved.read_bytes() == d.secret_bytes()
    # the preview frames the PDF from the same origin (X-Frame-Options / frame-ancestors allow it)
    with page.expect_response(lambda r: r.url.endswith(SECRET_PDF)) as preview:
        page.locator("details.hoso-preview summary").first.click()
    assert preview.value.status == 200
    page.wait_for_function(
        "url => [...document.querySelectorAll('details.hoso-preview iframe')].some(f => f.src.endsWith(url))",
        arg=SECRET_PDF,
    )
    assert any(f.url.endswith(SECRET_PDF) for f in page.frames), [f.url for f in page.frames]
    page.wait_for_timeout(500)  # a refused frame is reported on the console after its response
    assert not [m for m in console if "Refused" in m], console
    screenshot(page, "access-inspector-hoc-ba.png")

    # Pagefind loads its index from under /thanh-tra/ with the same credentials
    page.goto(root + INSPECTOR + "tim-kiem.html")
    page.locator(".pagefind-ui__search-input").fill("xuyen")
    result = page.locator(".pagefind-ui__result-link")
    expect(result.first).to_be_visible()
    assert any(
        SENTINEL.lower() in (result.nth(i).get_attribute("href") or "")
        or "Xuyến" in result.nth(i).inner_text()
        for i in range(result.count())
    )

    response = page.goto(root + PORTAL)
    assert response is not None and response.status == 200
    ctx.close()
    assert outside == []


def test_no_page_asks_for_a_path_outside_its_edition(deployment: Deployment) -> None:
    """Each edition works from its own path: no page links to the server's root (href="/…")."""
    d = deployment
    rooted = re.compile(rb"""(?:href|src|action)\s*=\s*["']/(?!/)""")
    for folder in (d.public, d.inspector, d.portal):
        for rel in files(folder):
            # MkDocs' 404.html links from the root; the Caddyfile never serves it as an error page
            if rel.endswith((".html", ".js", ".css")) and Path(rel).name != "404.html":
                assert not rooted.search((folder / rel).read_bytes()), f"{folder.name}/{rel}"
