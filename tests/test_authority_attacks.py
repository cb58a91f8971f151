"""Attacks on the authority's view: deadlines and timeliness, `hoso report`, `hoso portal build`.

Each test states what hoso promises and fails while the promise is broken. Schools and histories
are built with the helpers of tests/test_timeliness.py (the real `hoso init`, the test PKI of
tests/sigfixtures.py, commits placed in time with GIT_COMMITTER_DATE); the server's push log is
written with hoso.server.pushlog.append, the function the post-receive hook calls, with the times
the server would have logged, signed with a key made at test time that the readers are given.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import make_pdf
from servers import ssh_key
from test_timeliness import (
    GV,
    LATE,
    TO_TRUONG,
    YEAR,
    commit,
    found_school,
    git,
    head_signed,
    teacher_signed,
    write,
)

from hoso import timeliness
from hoso.config import load_config
from hoso.portal.build import PortalResult
from hoso.server import pushlog

TODAY = date(2024, 11, 1)
ZERO = "0" * 40


def rev(root: Path, name: str) -> str:
    return git(root, "rev-parse", name).strip()


def approve(root: Path, branch: str, when: str) -> None:
    git(root, "switch", "-q", "main")
    git(root, "merge", "-q", "--no-ff", branch, "-m", f"Duyệt\n\nDuyet-boi: {TO_TRUONG}", when=when)


def server_key(root: Path) -> tuple[Path, str]:
    """The push-log signing key of the school's server (made once, beside the repository) and
    its public key, which the readers below are given as the portal gives a school's."""
    key = root.parent / "may-chu" / "push-log-key"
    if key.exists():
        return key, Path(f"{key}.pub").read_text(encoding="utf-8").strip()
    return ssh_key(key.parent, key.name)


def row_of(root: Path, path: str = LATE) -> timeliness.Row:
    keys = [server_key(root)[1]]
    return timeliness.compute(root, "HEAD", load_config(root), today=TODAY, log_keys=keys).by_path[path]


def log_push(root: Path, when: str, ref: str, old: str, new: str, person: str | None = GV) -> None:
    """One entry of the server's push log, as the post-receive hook writes (and signs) it at `when`."""
    pushlog.append(root, [pushlog.PushEntry(when, person, person, ref, old, new)], key=server_key(root)[0])


@pytest.fixture
def school(tmp_path: Path) -> Path:
    root = tmp_path / "truong"
    found_school(root)
    return root


# ---- 1. deadlines and timeliness -------------------------------------------------------------------


def test_placeholder_pushed_early_does_not_make_late_content_on_time(school: Path) -> None:
    """A teacher "reserves" the week-5 path on 01/09 with a blank, unsigned PDF (a submission
    branch accepts a chờ duyệt record), then puts the real plan there on 03/10, four days after
    its deadline (29/09). The plan the tổ trưởng approved reached the repository on 03/10: it is
    late. hoso judges the path's first commit, so the placeholder makes the real plan on time."""
    branch = f"nop/{GV}/tuan-05-toan-6a"
    git(school, "switch", "-q", "-c", branch)
    write(school, LATE, make_pdf("Giữ chỗ"))
    commit(school, "2024-09-01T09:00:00+07:00", "Giữ chỗ tuần 5")
    write(school, LATE, head_signed(teacher_signed("Kế hoạch bài dạy Tuần 5", "2024-10-03"), "2024-10-03"))
    commit(school, "2024-10-03T10:00:00+07:00", "Kế hoạch bài dạy tuần 5")
    approve(school, branch, "2024-10-03T11:00:00+07:00")
    row = row_of(school)
    assert row.deadline == date(2024, 9, 29)
    assert (row.state, row.days_late) == ("tre-han", 4), row.as_json()


def test_another_persons_later_copy_does_not_make_an_on_time_record_late(school: Path) -> None:
    """The teacher pushes his week-5 plan on 20/09 (the server's push log says so: evidence) and
    it is approved on 21/09. On 10/10 someone else pushes a branch that adds a file at the same
    path, its commit dated back to August. Which commit is "first" is then git's topological
    order, which follows the commit dates anyone can type: hoso takes the intruder's push time
    (10/10) for the teacher's record and calls it evidence. The teacher is shown 11 days late."""
    base = rev(school, "main")
    mine = f"nop/{GV}/tuan-05-toan-6a"
    git(school, "switch", "-q", "-c", mine)
    write(school, LATE, head_signed(teacher_signed("Kế hoạch bài dạy Tuần 5", "2024-09-20"), "2024-09-20"))
    commit(school, "2024-09-20T09:00:00+07:00", "Kế hoạch bài dạy tuần 5")
    log_push(school, "2024-09-20T02:00:00+00:00", f"refs/heads/{mine}", ZERO, rev(school, mine))
    approve(school, mine, "2024-09-21T10:00:00+07:00")
    log_push(school, "2024-09-21T03:00:00+00:00", "refs/heads/main", base, rev(school, "main"), TO_TRUONG)
    theirs = "nop/ke-xau/tuan-05"
    git(school, "switch", "-q", "-c", theirs, base)
    write(school, LATE, make_pdf("Bản chép"))
    commit(school, "2024-08-21T09:00:00+07:00", "Bản chép")  # the date is typed by its author
    log_push(school, "2024-10-10T02:00:00+00:00", f"refs/heads/{theirs}", ZERO, rev(school, theirs), None)
    git(school, "switch", "-q", "main")
    row = row_of(school)
    assert row.submitted is not None and row.submitted.source == "push-log"
    assert row.submitted.time == "2024-09-20T09:00:00+07:00", row.as_json()
    assert row.state == "dung-han"


def test_squash_approval_after_the_deadline_keeps_the_on_time_submission(school: Path) -> None:
    """The teacher pushes her week-5 plan to her submission branch on 20/09 (the server's push
    log holds that push: evidence); the tổ trưởng approves on 05/10 with a squash merge, as forges
    offer, and the branch is deleted, as forges offer after a merge. The submission was on time;
    hoso forgets the logged push of 20/09 (its commit is no longer reachable) and dates the
    submission by the approval: the teacher is shown 6 days late for her approver's delay."""
    base = rev(school, "main")
    mine = f"nop/{GV}/tuan-05-toan-6a"
    git(school, "switch", "-q", "-c", mine)
    write(school, LATE, head_signed(teacher_signed("Kế hoạch bài dạy Tuần 5", "2024-09-20"), "2024-09-20"))
    commit(school, "2024-09-20T09:00:00+07:00", "Kế hoạch bài dạy tuần 5")
    log_push(school, "2024-09-20T02:00:00+00:00", f"refs/heads/{mine}", ZERO, rev(school, mine))
    git(school, "switch", "-q", "main")
    git(school, "merge", "-q", "--squash", mine)
    commit(school, "2024-10-05T10:00:00+07:00", f"Duyệt\n\nDuyet-boi: {TO_TRUONG}")
    tip = rev(school, mine)
    log_push(school, "2024-10-05T03:00:00+00:00", "refs/heads/main", base, rev(school, "main"), TO_TRUONG)
    git(school, "branch", "-q", "-D", mine)
    log_push(school, "2024-10-05T03:00:05+00:00", f"refs/heads/{mine}", tip, ZERO, TO_TRUONG)
    row = row_of(school)
    assert row.submitted is not None and row.submitted.source == "push-log"
    assert row.submitted.time == "2024-09-20T09:00:00+07:00", row.as_json()
    assert row.state == "dung-han"


@pytest.mark.parametrize("slug", ["tuan-35-toan-6a", "tuan-99-toan-6a"])
def test_a_slug_naming_another_week_does_not_move_the_deadline(school: Path, slug: str) -> None:
    """The signed plan says "Tuần 5" (its title, shown on the site) and arrives on 03/10, after
    week 5's deadline (29/09). Its author names the file `tuan-35-…` (a week in May) or
    `tuan-99-…` (a week the calendar does not have): hoso reads the week from the slug first and
    the record is on time, or has no deadline at all. A slug and a title that disagree are at
    least not a pass: the record must not come out on time."""
    path = LATE.replace("tuan-05-toan-6a", slug)
    branch = f"nop/{GV}/{slug}"
    git(school, "switch", "-q", "-c", branch)
    write(school, path, head_signed(teacher_signed("Kế hoạch bài dạy Tuần 5", "2024-10-03"), "2024-10-03"))
    commit(school, "2024-10-03T10:00:00+07:00", "Kế hoạch bài dạy tuần 5")
    approve(school, branch, "2024-10-03T11:00:00+07:00")
    from hoso.site.model import collect

    site = collect(school, today=TODAY)
    record = next(r for r in site.records if r.path == path)
    assert "Tuần 5" in record.title  # what the inspector reads
    assert record.timeliness is not None
    assert record.timeliness.state not in ("dung-han", "khong-co-han"), record.timeliness.as_json()


def test_public_index_lists_no_owner_of_a_confidential_type(school: Path) -> None:
    """The public edition shows confidential record types (sổ chủ nhiệm, học bạ…) only as counts;
    the site's own "còn thiếu" list says so ("confidential records exist: counted, not listed per
    owner"). The timeliness block of the public index.json (and its pages) lists, per homeroom
    teacher, who has not filed a sổ chủ nhiệm — so the public reads, by difference, who has."""
    from test_timeliness import GV_NONE

    from hoso.site import index_json
    from hoso.site.model import PUBLIC, collect

    people = (school / "people.yml").read_text(encoding="utf-8")
    people = people.replace("      - role: giao-vien\n", "      - role: gvcn\n")  # both teachers
    (school / "people.yml").write_text(people, encoding="utf-8")
    write(
        school,
        f"records/{YEAR}/gv/{GV}/so-chu-nhiem/so-chu-nhiem-6a.pdf",
        teacher_signed("Sổ chủ nhiệm lớp 6A", "2025-05-20"),
    )
    commit(school, "2025-05-20T10:00:00+07:00", "Sổ chủ nhiệm 6A")
    index = index_json.build(collect(school, PUBLIC, today=date(2025, 6, 15)))
    confidential = {t["id"] for t in index["record_types"] if t["confidential"]}
    assert "so-chu-nhiem" in confidential
    listed = [m for m in index["missing"] if m["type"] in confidential]
    assert listed == [], listed
    assert GV_NONE  # the homeroom teacher the list names


# ---- 3. hoso portal build --------------------------------------------------------------------------


def portal_over(base: Path, body: str) -> tuple[Path, PortalResult]:
    """`hoso portal build` (the library call the command makes) over the schools of `body`."""
    from hoso.portal import config as portal_config
    from hoso.portal.build import build

    (base / "schools.yml").write_text("version: 1\nschools:\n" + body, encoding="utf-8")
    out = base / "cong"
    return out, build(portal_config.load(base / "schools.yml"), out)


def bare_index(name: str) -> dict[str, object]:
    return {
        "generator": "hoso",
        "schema_version": 2,
        "audience": "inspector",
        "commit": "a" * 40,
        "commit_date": "2024-10-01T00:00:00+07:00",
        "school": {"name": name, "code": "79000009", "level": "thcs", "commune": "Xã Thử", "authority": "P"},
        "record_types": [],
        "counts": {},
        "records": [],
        "missing": [],
    }


def test_a_school_name_cannot_write_html_into_the_portal(tmp_path: Path) -> None:
    """Everything in a school's index.json comes from a server nobody at the Phòng controls. Its
    school name goes into the page's front matter `title:` unescaped, and MkDocs Material writes
    `page.meta.title` into <title> and the header without escaping: the name closes <title> and
    its <script> runs in the portal (behind the inspectors' login, beside every school's data)."""
    import json

    site = tmp_path / "truong-x"
    site.mkdir()
    evil = "</title><script>alert('hoso-portal')</script>"
    (site / "index.json").write_text(json.dumps(bare_index(evil)), encoding="utf-8")
    out, _ = portal_over(tmp_path, f"  - path: {site}\n    id: x\n")
    pages = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*.html")}
    assert pages, "the portal was not written"
    raw = sorted(rel for rel, text in pages.items() if "<script>alert('hoso-portal')" in text)
    assert raw == [], raw


def test_a_repositorys_own_site_that_lies_is_not_verified(school: Path, tmp_path: Path) -> None:
    """schools.yml names a school's repository. The portal takes the site folder in its work
    tree (`site/`) when its build-info.json names HEAD, and checks index.json's `commit` against
    HEAD and each listed blob for existence: never that the listed records are HEAD's records.
    A site/index.json edited after the build — a chờ duyệt plan turned đã duyệt, a record left
    out — keeps commit = HEAD, and the portal shows it as "đã xác minh"."""
    import json

    from hoso.site.build import build as build_site

    pending = LATE.replace("tuan-05", "tuan-06")
    write(school, LATE, head_signed(teacher_signed("Kế hoạch bài dạy Tuần 5", "2024-09-20"), "2024-09-20"))
    write(school, pending, make_pdf("Kế hoạch bài dạy Tuần 6"))
    commit(school, "2024-09-21T10:00:00+07:00", "Hai kế hoạch")
    extra = LATE.replace("tuan-05", "tuan-07")
    write(school, extra, teacher_signed("Kế hoạch bài dạy Tuần 7", "2024-09-21"))
    commit(school, "2024-09-22T10:00:00+07:00", "Tuần 7")
    build_site(school, "inspector", school / "site")
    index_file = school / "site" / "index.json"
    index = json.loads(index_file.read_text(encoding="utf-8"))
    assert index["commit"] == rev(school, "HEAD")
    index["records"] = [r for r in index["records"] if r["path"] != extra]  # left out
    for r in index["records"]:
        r["status"] = "da-duyet"  # the chờ duyệt plan now "approved"
    index_file.write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    _, result = portal_over(tmp_path, f"  - path: {school}\n    id: truong\n")
    (one,) = result.schools
    assert one.state != "ok", (one.state, one.problems)


def test_a_slow_school_server_cannot_hold_the_portal_build(tmp_path: Path) -> None:
    """fetch() has a timeout per read, not per answer: a school's server that answers one byte
    every little while (well inside the timeout) keeps the build waiting for as long as it likes
    (up to the 512 MiB cap: years). Here, with a 1 s timeout, a 40-byte answer dripped over 12 s
    must be given up within a few timeouts."""
    import http.server
    import threading
    import time

    from hoso.portal import fetch

    class Drip(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "40")
            self.end_headers()
            try:
                for _ in range(40):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.3)
            except OSError:
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Drip)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/index.json"
    started = time.monotonic()
    try:
        with pytest.raises(fetch.FetchError):
            fetch.fetch(url, 1 << 20, timeout=1.0)
    finally:
        elapsed = time.monotonic() - started
        server.shutdown()
        server.server_close()
    assert elapsed < 5, f"the answer was waited for {elapsed:.1f} s"


def test_a_published_sites_declared_pdf_size_does_not_set_the_download_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """To check a published site, the portal downloads a sample of its PDFs "within their
    declared size" — a size the school's index.json declares, with no upper bound, buffered in
    memory, four at a time. A record declared at 1 TiB lets the school's server send 1 TiB. No
    record may be larger than the largest size a catalog can allow (max_size_mb ≤ 500)."""
    import json

    from hoso.portal import fetch as portal_fetch
    from hoso.portal import sources, verify

    index = bare_index("Trường THCS Lớn")
    index["records"] = [
        {
            "path": LATE,
            "blob": "b" * 40,
            "size": 1 << 40,
            "year": YEAR,
            "type": "ke-hoach-bai-day",
            "owner": {"level": "giao-vien", "id": GV, "name": "Nguyễn Văn An"},
            "title": "Kế hoạch bài dạy Tuần 5",
            "status": "da-duyet",
            "url": "ho-so/x.html",
            "download": "tep/x.pdf",
        }
    ]
    asked: list[int] = []

    def fake_index(url: str, limit: int, timeout: float = 20.0) -> Iterator[bytes]:
        yield json.dumps(index).encode()

    def fake_pdf(url: str, limit: int, timeout: float = 20.0) -> bytes:
        asked.append(limit)
        raise portal_fetch.FetchError(url, "not served in this test")

    monkeypatch.setattr(sources, "stream", fake_index)
    monkeypatch.setattr(verify, "fetch", fake_pdf)
    portal_over(tmp_path, "  - url: https://truong.example.edu.vn/\n    id: lon\n")
    assert asked, "no PDF was sampled"
    assert max(asked) <= 500 * 1024 * 1024, f"a download of up to {max(asked)} bytes was allowed"


# ---- 4. the Caddy deployment -----------------------------------------------------------------------


def test_the_public_folder_never_receives_the_inspector_build(school: Path, tmp_path: Path) -> None:
    """docs/deploy.md has the school run two lines in cron, `hoso site build --out
    /srv/hoso/thanh-tra` and `hoso site build --audience public --out /srv/hoso/cong-khai`, and
    Caddy serves /srv/hoso/cong-khai to everyone. One line with the wrong folder, or one
    `--audience public` left out, and the inspectors' edition (học bạ…) replaces the public one
    without a word: the build overwrites a folder whose build-info.json says `public` with an
    inspector build. hoso knows what the folder held; it must refuse (or keep it public)."""
    from hoso.errors import HosoError
    from hoso.site.build import build as build_site

    secret = f"records/{YEAR}/truong/hoc-ba/hoc-ba-6a-bimat.pdf"
    write(school, secret, make_pdf("Học bạ BIMAT-7f3"))
    commit(school, "2024-09-21T10:00:00+07:00", "Học bạ")
    public = tmp_path / "srv" / "hoso" / "cong-khai"
    public.parent.mkdir(parents=True)
    build_site(school, "public", public)
    assert not any("hoc-ba-6a-bimat" in p.name for p in public.rglob("*"))
    with contextlib.suppress(HosoError):  # refused: the public folder keeps its public build
        build_site(school, "inspector", public)  # `hoso site build --out /srv/hoso/cong-khai`
    leaked = sorted(
        p.relative_to(public).as_posix() for p in public.rglob("*") if "hoc-ba-6a-bimat" in p.name
    )
    assert leaked == [], leaked
