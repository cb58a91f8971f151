"""`hoso portal build`: one site over many schools, read back as HTML, CSV and XLSX.

Test files, all made at test time (helpers of tests/test_site.py and tests/sigfixtures.py):

* three school repositories from the real `hoso init` (`make_school`): A, a THCS of Xã Đông Hòa
  holding a học bạ (confidential type) whose title carries `SENTINEL`, with its own inspector
  site built at HEAD (the portal builds its own and compares the two: no difference); B, a tiểu
  học of Xã Tây Sơn; C, a THCS of Xã Tây Sơn whose sites were built by `hoso site build` before one
  more commit and are put in each portal's cache as the portal's builds of an earlier run, with
  `build: false` (its index.json shows a commit older than HEAD: stale). Each holds a tổ record signed by the
  tổ trưởng of the test PKI (đã duyệt), an unsigned lesson plan (`make_pdf()`, chờ duyệt) and a
  signed plan changed after signing (`sigfixtures.change_content`, không hợp lệ).
* attack inputs written here: schools.yml with a YAML syntax error, a tag, 3 MB of text; copies of
  B's built site whose index.json names a wrong blob, whose PDF was replaced, or whose
  schema_version is 3; a URL to a closed port; B's site served by http.server on 127.0.0.1.

Every portal build runs `python -m hoso portal build` in a child process (test_site.base_env: pinned
git identity, proxies pointing at a closed port, so nothing is fetched from outside by accident).
"""

from __future__ import annotations

import csv
import functools
import http.server
import io
import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sigfixtures as F
import test_site as S
from conftest import Run, make_pdf

YEAR = "2024-2025"
GROUP = S.GROUP
SENTINEL = "SENTINEL-PORTAL-HOCBA-5c1e"
SECRET_NAME = "Đặng Thị Xuyến"
GOOD_TITLE = "Sổ sinh hoạt tổ tháng 9"


@dataclass
class Made:
    root: Path
    code: str
    name: str
    level: str
    commune: str


def make_school(
    base: Path, env: dict[str, str], slug: str, *, level: str, code: str, commune: str, secret: bool = False
) -> Made:
    """A school repository: the real `hoso init`, the test PKI's people, three records (+ a học bạ)."""
    name = f"Trường {'Tiểu học' if level == 'tieu-hoc' else 'THCS'} {slug.upper()}"
    root = base / slug
    run = S.hoso(base, env, "init", str(root), "--level", level, "--name", name)
    assert run.code == 0, run.text
    catalog = root / "catalog.yml"
    text = catalog.read_text(encoding="utf-8").replace("pending_on_main: false", "pending_on_main: true", 1)
    text = re.sub(r"code: ['\"]00000000['\"]", f'code: "{code}"', text, count=1)
    assert f'code: "{code}"' in text and "Xã/Phường ..." in text
    text = text.replace("Xã/Phường ...", commune, 1)
    catalog.write_text(text, encoding="utf-8")
    (root / "people.yml").write_text(S.people_yml(), encoding="utf-8")
    (root / "trust" / "test-root.pem").write_bytes(F.pki_fixture().trust[0])
    to_type = "so-ghi-chep-hop-to" if level == "tieu-hoc" else "so-sinh-hoat-chuyen-mon"
    plans = f"records/{YEAR}/gv/{S.GV}/ke-hoach-bai-day"
    files = {
        f"records/{YEAR}/to/{GROUP}/{to_type}/thang-09.pdf": F.sign(
            make_pdf(f"{GOOD_TITLE} {name}"), F.pki_fixture().to_truong, "Sig1-to-truong"
        ),
        f"{plans}/tuan-02.pdf": make_pdf(f"Kế hoạch bài dạy tuần 2 {name}"),
        f"{plans}/tuan-03.pdf": F.change_content(F.signed()),
    }
    if secret:
        files[f"records/{YEAR}/truong/hoc-ba/{SENTINEL.lower()}.pdf"] = make_pdf(
            f"Học bạ {SECRET_NAME} {SENTINEL}"
        )
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    S.git(root, env, "add", ".")
    S.git(root, env, "commit", "-q", "--no-verify", "-m", f"hồ sơ {name}")
    return Made(root, code, name, level, commune)


@dataclass
class Schools:
    base: Path
    env: dict[str, str]
    a: Made
    b: Made
    c: Made

    def yml(self, name: str, body: str) -> Path:
        path = self.base / name
        path.write_text(body, encoding="utf-8")
        return path

    def portal(self, schools: Path, out: Path, *extra: str, env: dict[str, str] | None = None) -> Run:
        self.seed(out)
        return S.hoso(
            self.base,
            env or self.env,
            "portal",
            "build",
            "--schools",
            str(schools),
            "--out",
            str(out),
            *extra,
            timeout=600,
        )

    def seed(self, out: Path) -> None:
        """C's sites built before its last commit, as the portal `out` built them in an earlier
        run (the portal never reads a site folder of a school's work tree)."""
        from hoso.portal.build import default_cache
        from hoso.portal.sources import cache_site

        for audience, built in (("inspector", "site"), ("public", "site-public")):
            cached = cache_site(default_cache(out.resolve()), self.c.root.resolve(), audience)
            if not cached.exists():
                shutil.copytree(self.c.root / built, cached)


def three_schools(base: Path) -> Schools:
    env = S.base_env(base / "home")
    a = make_school(base, env, "a", level="thcs", code="79000001", commune="Xã Đông Hòa", secret=True)
    b = make_school(base, env, "b", level="tieu-hoc", code="79000002", commune="Xã Tây Sơn")
    c = make_school(base, env, "c", level="thcs", code="79000003", commune="Xã Tây Sơn")
    run = S.hoso(a.root, env, "site", "build")
    assert run.code == 0, run.text
    for audience in ("inspector", "public"):
        run = S.hoso(c.root, env, "site", "build", "--audience", audience)
        assert run.code == 0, run.text
    (c.root / f"records/{YEAR}/gv/{S.GV}/ke-hoach-bai-day/tuan-09.pdf").write_bytes(
        make_pdf("Tuần 9 sau khi dựng")
    )
    S.git(c.root, env, "add", ".")
    S.git(c.root, env, "commit", "-q", "--no-verify", "-m", "một hồ sơ sau lần dựng trang")
    return Schools(base, env, a, b, c)


SCHOOLS_YML = """\
version: 1
title: Phòng Văn hóa – Xã hội thử nghiệm
schools:
  - path: a
  - path: b
  - path: c
    build: false
"""


@pytest.fixture(scope="module")
def schools(tmp_path_factory: pytest.TempPathFactory) -> Schools:
    return three_schools(tmp_path_factory.mktemp("portal"))


@dataclass
class Portal:
    out: Path
    run: Run

    def page(self, rel: str) -> S.Node:
        return S.article(self.out / rel)


@pytest.fixture(scope="module")
def inspector(schools: Schools) -> Portal:
    out = schools.base / "portal"
    return Portal(out, schools.portal(schools.yml("schools.yml", SCHOOLS_YML), out))


@pytest.fixture(scope="module")
def public(schools: Schools) -> Portal:
    out = schools.base / "portal-public"
    return Portal(out, schools.portal(schools.yml("schools.yml", SCHOOLS_YML), out, "--audience", "public"))


# ---- reading the portal --------------------------------------------------------------------------


def table_rows(table: S.Node) -> list[tuple[S.Node, list[str]]]:
    return [(tr, [c.text() for c in tr.children if isinstance(c, S.Node)]) for tr in table.find_all("tr")]


def school_row(portal: Portal, code: str) -> tuple[S.Node, list[str]]:
    table = portal.page(f"nam-hoc/{YEAR}/truong.html").find("table", "hoso-portal-schools")
    found = [(tr, cells) for tr, cells in table_rows(table) if tr.attrs.get("data-school") == code]
    assert len(found) == 1, code
    return found[0]


HEAD = [
    "Trường",
    "Cấp học",
    "Xã, phường",
    "Đã duyệt",
    "Chờ duyệt",
    "Không hợp lệ",
    "Tổng",
    "Tỷ lệ đạt",
    "Trễ hạn",
    "Còn thiếu",
    "Đã khóa sổ",
    "Cập nhật",
    "Xác minh",
    "Trang của trường",
]


def school_index(portal: Portal, code: str) -> dict[str, Any]:
    """The school's own index.json, as copied into the portal."""
    data: dict[str, Any] = json.loads((portal.out / "site" / code / "index.json").read_text(encoding="utf-8"))
    return data


def expected(portal: Portal, code: str) -> list[str]:
    """Compliance, late and missing as the school's index.json implies them (schema 1: unknown)."""
    index = school_index(portal, code)
    records = [r for r in index["records"] if r["year"] == YEAR]
    approved = sum(r["status"] == "da-duyet" for r in records)
    if index["schema_version"] < 2:
        return [f"{approved * 100 / len(records):.0f} %", "—", "—"]
    late = sum((r.get("timeliness") or {}).get("state") == "tre-han" for r in records)
    missing = sum(m["year"] == YEAR for m in index.get("missing", []))
    return [f"{approved * 100 / (len(records) + missing):.0f} %", str(late), str(missing)]


def link_of(cell: S.Node) -> str:
    return cell.find("a").attrs["href"]


def cells_of(tr: S.Node) -> list[S.Node]:
    return [c for c in tr.children if isinstance(c, S.Node)]


# ---- the pages -------------------------------------------------------------------------------------


def test_every_count_links_to_the_records_behind_it(schools: Schools, inspector: Portal) -> None:
    assert inspector.run.code == 1, inspector.run.text  # C is stale
    assert "Traceback" not in inspector.run.text
    table = inspector.page(f"nam-hoc/{YEAR}/truong.html").find("table", "hoso-portal-schools")
    assert table_rows(table)[0][1] == HEAD
    tr, cells = school_row(inspector, "79000001")
    assert cells[:11] == [
        schools.a.name,
        "Trung học cơ sở",
        "Xã Đông Hòa",
        "1",
        "2",
        "1",
        "4",
        *expected(inspector, "79000001"),
        "không",
    ]
    assert cells[12] == "Đã xác minh"
    page = f"nam-hoc/{YEAR}/truong.html"
    for column, status in ((3, "da-duyet"), (4, "cho-duyet"), (5, "khong-hop-le")):
        target, fragment = S.resolve(inspector.out, page, link_of(cells_of(tr)[column]))
        assert fragment == status
        records = S.parse(target).find("table", "hoso-portal-records", data_status=status)
        listed = [r for r in records.find_all("tr") if "data-record" in r.attrs]
        assert len(listed) == int(cells[column])
        for row in listed:  # each record leads to its entry on the school's own site, and its PDF
            rel = target.relative_to(inspector.out).as_posix()
            entry_file, anchor = S.resolve(inspector.out, rel, link_of(cells_of(row)[0]))
            assert anchor in S.ids(entry_file)
            assert S.parse(entry_file).find("h2", data_hoso_record=row.attrs["data-record"])
            pdf, _ = S.resolve(inspector.out, rel, link_of(cells_of(row)[4]))
            oid = S.git(schools.a.root, schools.env, "rev-parse", f"HEAD:{row.attrs['data-record']}").strip()
            assert S.git_blob_id(pdf.read_bytes()) == oid
    if school_index(inspector, "79000001")["schema_version"] >= 2:  # late and missing: listed too
        for column, section, table_class in (
            (8, "tre-han", "hoso-portal-records"),
            (9, "thieu", "hoso-portal-missing"),
        ):
            if cells[column] == "0":
                continue
            target, fragment = S.resolve(inspector.out, page, link_of(cells_of(tr)[column]))
            assert fragment == section and section in S.ids(target)
            listed = S.parse(target).find("table", table_class).find_all("tr")[1:]
            assert len(listed) == int(cells[column])
    # a type's count on the school page leads to that type's records of that status
    school = inspector.page("truong/79000001.html")
    type_table = S.after(school, f"Theo loại hồ sơ — năm học {YEAR}")
    plans = next(tr for tr, cells in table_rows(type_table) if cells[0] == "Kế hoạch bài dạy (giáo án)")
    target, fragment = S.resolve(inspector.out, "truong/79000001.html", link_of(cells_of(plans)[2]))
    assert fragment == "cho-duyet--ke-hoach-bai-day" and fragment in S.ids(target)


def test_a_schools_own_site_is_compared_not_read(schools: Schools, inspector: Portal) -> None:
    """A's own site (built at HEAD in its work tree) is not the portal's source: the portal built
    its own and compared the records (path, blob, status): the same, so A verifies."""
    from hoso.portal.build import default_cache
    from hoso.portal.sources import cache_site

    own = json.loads((schools.a.root / "site" / "build-info.json").read_text(encoding="utf-8"))
    assert own["commit"] == S.git(schools.a.root, schools.env, "rev-parse", "HEAD").strip()
    cached = cache_site(default_cache(inspector.out.resolve()), schools.a.root.resolve(), "inspector")
    assert (cached / "index.json").is_file()
    memo = json.loads(cached.with_name(cached.name + ".own.json").read_text(encoding="utf-8"))
    assert memo["differs"] == []
    assert school_row(inspector, "79000001")[1][12] == "Đã xác minh"


def test_overview_by_level_and_commune(inspector: Portal) -> None:
    home = inspector.page("index.html")
    levels = {cells[0]: cells[1:] for _, cells in table_rows(S.after(home, "Theo cấp học"))[1:]}
    assert levels["Tiểu học"][:5] == ["1", "1", "1", "1", "3"]
    assert levels["Trung học cơ sở"][0] == "2"  # A, and C: stale, counted and flagged
    communes = {cells[0]: cells[1] for _, cells in table_rows(S.after(home, "Theo xã, phường"))[1:]}
    assert communes == {"Xã Đông Hòa": "1", "Xã Tây Sơn": "2"}
    row = next(tr for tr, cells in table_rows(S.after(home, "Theo cấp học")) if cells[0] == "Tiểu học")
    target, _ = S.resolve(inspector.out, "index.html", link_of(cells_of(row)[2]))
    listed = [tr.attrs["data-school"] for tr in S.parse(target).find_all("tr") if "data-school" in tr.attrs]
    assert listed == ["79000002"]


def test_stale_school_is_flagged_everywhere(schools: Schools, inspector: Portal) -> None:
    head = S.git(schools.c.root, schools.env, "rev-parse", "HEAD").strip()
    _, cells = school_row(inspector, "79000003")
    assert cells[12] == "Dữ liệu cũ"
    assert cells[3:7] == ["1", "1", "1", "3"]  # the data as of the site's commit, flagged
    page = inspector.page("truong/79000003.html").text()
    assert "Dữ liệu cũ" in page and head[:10] in page
    assert "dữ liệu cũ: index.json theo commit" in inspector.page("index.html").text()
    assert "Dữ liệu cũ" in inspector.run.err and schools.c.name in inspector.run.err


def test_public_portal_holds_no_confidential_record(
    schools: Schools, inspector: Portal, public: Portal
) -> None:
    def holding(out: Path) -> list[str]:
        forms = [SENTINEL.lower().encode(), SECRET_NAME.lower().encode(), b"sentinel-portal"]
        return [rel for rel, data in S.site_files(out).items() if any(f in data.lower() for f in forms)]

    assert holding(inspector.out)  # the inspectors' portal has it: the check can see a leak
    assert any(rel.startswith("truong/79000001/") for rel in holding(inspector.out))
    assert public.run.code == 1, public.run.text  # C is stale in the public portal too
    assert holding(public.out) == []
    _, cells = school_row(public, "79000001")
    assert cells[3:7] == ["1", "1", "1", "3"] and cells[12] == "Đã xác minh"
    assert "Ngoài ra có 1 hồ sơ thuộc loại cần bảo mật" in public.page("truong/79000001.html").text()


def test_exports_parse_back(inspector: Portal) -> None:
    import openpyxl

    html_rows = {
        tr.attrs["data-school"]: cells
        for tr, cells in table_rows(
            inspector.page(f"nam-hoc/{YEAR}/truong.html").find("table", "hoso-portal-schools")
        )
        if "data-school" in tr.attrs
    }
    raw = (inspector.out / "xuat" / f"{YEAR}-truong.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert lines[0][:4] == ["Trường", "Mã trường", "Cấp học", "Xã, phường"]
    by_code = {line[1]: line for line in lines[1:]}
    for code, cells in html_rows.items():
        assert by_code[code][4:8] == cells[3:7]
    late, missing = expected(inspector, "79000001")[1:]
    assert by_code["79000001"][9:11] == [x if x != "—" else "" for x in (late, missing)]  # unknown: empty
    book = openpyxl.load_workbook(inspector.out / "xuat" / f"{YEAR}.xlsx", read_only=True)
    assert book.sheetnames == ["Các trường", "Theo cấp học", "Theo xã"]
    sheet = list(book["Các trường"].iter_rows(values_only=True))
    row = next(r for r in sheet if r[1] == "79000001")
    assert row[4:8] == (1, 2, 1, 4)
    assert f"{row[8] * 100:.0f} %" == expected(inspector, "79000001")[0]
    levels = {r[0]: r[1:] for r in list(book["Theo cấp học"].iter_rows(values_only=True))[1:]}
    assert levels["Tiểu học"][:5] == (1, 1, 1, 1, 3)


def test_rebuild_reads_and_renders_only_the_changed_school(schools: Schools, tmp_path: Path) -> None:
    yml = schools.yml("schools-incr.yml", SCHOOLS_YML.replace("path: a", "path: a\n    id: truong-a"))
    out = tmp_path / "portal"
    first = schools.portal(yml, out)
    assert first.code == 1 and "3 trường đọc lại index.json" in first.err, first.text
    again = schools.portal(yml, out)
    assert "0 trường đọc lại index.json" in again.err and "0 trang dựng lại" not in again.err, again.err
    kept = int(re.search(r"(\d+) trang giữ nguyên", again.err).group(1))  # type: ignore[union-attr]
    assert kept >= 6  # each school's page and its year page
    b = schools.b.root
    (b / f"records/{YEAR}/gv/{S.GV}/ke-hoach-bai-day/tuan-04.pdf").write_bytes(make_pdf("Tuần 4 mới"))
    S.git(b, schools.env, "add", ".")
    S.git(b, schools.env, "commit", "-q", "--no-verify", "-m", "tuần 4")
    try:
        changed = schools.portal(yml, out)
        assert "1 trường đọc lại index.json" in changed.err, changed.err
        assert int(re.search(r"(\d+) trang giữ nguyên", changed.err).group(1)) == kept - 2  # type: ignore[union-attr]
        _, cells = school_row(Portal(out, changed), "79000002")
        assert cells[4] == "2" and cells[12] == "Đã xác minh"
    finally:
        S.git(b, schools.env, "reset", "-q", "--hard", "HEAD~1")


# ---- hostile or broken inputs ---------------------------------------------------------------------


def assert_config_refused(run: Run, *words: str) -> None:
    assert run.code == 3, run.text
    assert "Traceback" not in run.text
    for word in words:
        assert word in run.err, run.err


def test_bad_schools_yml_is_refused_with_its_line(schools: Schools, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = schools.portal(schools.yml("bad.yml", "version: 1\nschools:\n  - path: a\n   url: [\n"), out)
    assert_config_refused(run, "bad.yml:")
    run = schools.portal(
        schools.yml("tag.yml", "version: 1\nschools:\n  - path: !!python/object/apply:os.system [id]\n"), out
    )
    assert_config_refused(run, "tag.yml:3")
    run = schools.portal(schools.yml("huge.yml", "version: 1\nschools:\n" + "  - path: a\n" * 300_000), out)
    assert_config_refused(run, "huge.yml")
    run = schools.portal(
        schools.yml("both.yml", "version: 1\nschools:\n  - path: a\n    url: https://x.example/\n"), out
    )
    assert_config_refused(run, "both.yml:3", "path:", "url:")
    run = schools.portal(
        schools.yml("cred.yml", "version: 1\nschools:\n  - url: https://u:p@x.example/\n"), out
    )
    assert_config_refused(run, "cred.yml:3")
    body = "version: 1\nschools:\n  - path: a\n    site_url: javascript:alert(1)\n"
    run = schools.portal(schools.yml("site-url.yml", body), out)
    assert_config_refused(run, "site-url.yml:4", "javascript:alert(1)")
    run = schools.portal(schools.base / "khong-co.yml", out)
    assert run.code == 10 and "Traceback" not in run.text
    assert not out.exists()
    english = schools.portal(
        schools.yml("bad2.yml", "version: 1\nschools: []\n"), out, env={**schools.env, "HOSO_LANG": "en"}
    )
    assert_config_refused(english, "bad2.yml:2")


def tampered_sites(schools: Schools, base: Path) -> dict[str, Path]:
    """Copies of B's built site: a wrong blob in index.json, a replaced PDF, schema_version 3, a
    record declared larger than any catalog allows."""
    built = base / "b-site"
    run = S.hoso(schools.b.root, schools.env, "site", "build", "--out", str(built))
    assert run.code == 0, run.text
    out = {}
    for name in ("blob", "pdf", "v3", "big"):
        out[name] = base / f"b-{name}"
        shutil.copytree(built, out[name])
    index = json.loads((built / "index.json").read_text(encoding="utf-8"))
    big = json.loads(json.dumps(index))
    big["records"][0]["size"] = 501 * 1024 * 1024
    (out["big"] / "index.json").write_text(json.dumps(big), encoding="utf-8")
    index["records"][0]["blob"] = "0" * 40
    (out["blob"] / "index.json").write_text(json.dumps(index), encoding="utf-8")
    pdf = out["pdf"] / index["records"][1]["download"]
    pdf.unlink()
    pdf.write_bytes(make_pdf("Một tệp khác"))
    index["schema_version"] = 3
    (out["v3"] / "index.json").write_text(json.dumps(index), encoding="utf-8")
    out["v1"] = base / "b-v1"  # what a school on an older hoso publishes: no deadlines, no missing list
    shutil.copytree(built, out["v1"])
    v1 = json.loads((built / "index.json").read_text(encoding="utf-8"))
    v1["schema_version"] = 1
    v1.pop("missing", None)
    for record in v1["records"]:
        record.pop("timeliness", None)
    for counts in v1["counts"].values():
        counts.pop("timeliness", None)
    (out["v1"] / "index.json").write_text(json.dumps(v1), encoding="utf-8")
    out["good"] = built
    return out


def test_broken_and_tampered_schools_are_shown_and_fail_the_exit_code(
    schools: Schools, tmp_path: Path
) -> None:
    sites = tampered_sites(schools, tmp_path)
    body = (
        "version: 1\nschools:\n"
        + "".join(f"  - path: {p}\n    id: {name}\n" for name, p in sites.items())
        + "  - path: khong-co-thu-muc\n    id: thieu\n  - url: http://127.0.0.1:9/\n    id: cong-dong\n"
    )
    run = schools.portal(schools.yml("hostile.yml", body), tmp_path / "portal")
    assert run.code == 1 and "Traceback" not in run.text, run.text
    directory = S.article(tmp_path / "portal" / "truong" / "index.html")
    states = {
        tr.attrs["data-school"]: cells
        for tr, cells in table_rows(directory.find("table"))
        if "data-school" in tr.attrs
    }
    assert states["good"][6] == "Trường tự khai"  # a site folder: its statuses are its own build's
    assert states["blob"][6] == "Không xác minh được" and "không khớp mã phiên bản" in states["blob"][7]
    assert states["pdf"][6] == "Không xác minh được"
    assert states["big"][6] == "Không xác minh được" and "mức tối đa mà catalog cho phép" in states["big"][7]
    assert states["v3"][6] == "Lỗi" and "schema_version 3" in states["v3"][7]
    assert states["thieu"][6] == "Lỗi" and "không có thư mục" in states["thieu"][7]
    assert (
        states["cong-dong"][6] == "Lỗi"
        and "không tải được http://127.0.0.1:9/index.json" in states["cong-dong"][7]
    )
    assert not (tmp_path / "portal" / "site" / "pdf").exists()  # a tampered site is not published
    assert states["v1"][6] == "Trường tự khai"
    _, v1 = school_row(Portal(tmp_path / "portal", run), "v1")
    assert v1[3:10] == ["1", "1", "1", "3", "33 %", "—", "—"]  # unknown, not 0
    for name in ("blob", "pdf", "thieu", "cong-dong", "v3"):
        assert name in run.err or states[name][0] in run.err


# ---- a published site, over HTTP ------------------------------------------------------------------


@pytest.fixture
def served_site(schools: Schools, tmp_path: Path) -> Iterator[tuple[str, Path, list[str]]]:
    """A school's built site over HTTP, and the paths of the PDFs asked of it."""
    folder = tmp_path / "published"
    run = S.hoso(schools.b.root, schools.env, "site", "build", "--out", str(folder))
    assert run.code == 0, run.text
    asked: list[str] = []

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path.endswith(".pdf"):
                asked.append(self.path)
            super().do_GET()

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", folder, asked
    finally:
        server.shutdown()
        server.server_close()


def test_published_site_is_verified_by_a_sample_of_its_pdfs(
    schools: Schools, served_site: tuple[str, Path, list[str]], tmp_path: Path
) -> None:
    url, folder, _ = served_site
    env = {**schools.env, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    yml = schools.yml("url.yml", f"version: 1\nschools:\n  - url: {url}\n")
    run = schools.portal(yml, tmp_path / "p1", env=env)
    assert run.code == 0, run.text
    _, cells = school_row(Portal(tmp_path / "p1", run), "79000002")
    assert cells[12] == "Trường tự khai"  # files match; statuses are what the school's build says
    tr, _ = school_row(Portal(tmp_path / "p1", run), "79000002")
    assert link_of(cells_of(tr)[13]) == url + "index.html"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    (folder / index["records"][0]["download"]).write_bytes(b"%PDF-1.4 thay the")
    run = schools.portal(yml, tmp_path / "p2", env=env)
    assert run.code == 1 and "Traceback" not in run.text
    _, cells = school_row(Portal(tmp_path / "p2", run), "79000002")
    assert cells[12] == "Không xác minh được"


def test_a_rebuild_downloads_a_matched_sample_again_only_after_resample_days(
    schools: Schools, served_site: tuple[str, Path, list[str]], tmp_path: Path
) -> None:
    """Work scales with what changed: a daily rebuild does not download every school's sample
    again; a mismatch is never remembered; `resample_days: 0` checks at every build."""
    url, folder, asked = served_site
    env = {**schools.env, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    yml = schools.yml("url.yml", f"version: 1\nschools:\n  - url: {url}\n")
    run = schools.portal(yml, tmp_path / "p", env=env)
    assert run.code == 0, run.text
    first = len(asked)
    assert first > 0
    run = schools.portal(yml, tmp_path / "p", env=env)
    assert run.code == 0, run.text
    assert len(asked) == first  # matched within 7 days: not downloaded again
    assert not list((tmp_path / ".p.cache" / "fetched").glob("*.part"))
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    (folder / index["records"][0]["download"]).write_bytes(b"%PDF-1.4 thay the")
    every = schools.yml("every.yml", f"version: 1\nresample_days: 0\nschools:\n  - url: {url}\n")
    for _ in range(2):  # caught, and caught again: a mismatch is not remembered
        run = schools.portal(every, tmp_path / "p", env=env)
        assert run.code == 1 and "Traceback" not in run.text
        _, cells = school_row(Portal(tmp_path / "p", run), "79000002")
        assert cells[12] == "Không xác minh được"
    assert len(asked) == first * 3


def test_an_unchanged_published_site_is_not_sampled_again_within_resample_days(
    schools: Schools, served_site: tuple[str, Path, list[str]], tmp_path: Path
) -> None:
    """A site with more PDFs than the sample: a rebuild over the same index.json downloads
    nothing; a changed index.json is drawn again."""
    url, folder, asked = served_site
    env = {**schools.env, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert len([r for r in index["records"] if r.get("download")]) > 1
    yml = schools.yml("one.yml", f"version: 1\nverify_sample: 1\nschools:\n  - url: {url}\n")
    for _ in range(2):
        run = schools.portal(yml, tmp_path / "p", env=env)
        assert run.code == 0, run.text
        assert len(asked) == 1
    index["records"][0]["title"] += " (sửa)"
    (folder / "index.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    run = schools.portal(yml, tmp_path / "p", env=env)
    assert run.code == 0, run.text
    assert len(asked) == 2


def test_the_mirror_of_a_school_taken_out_of_schools_yml_is_removed(schools: Schools, tmp_path: Path) -> None:
    """Each mirror is a whole copy of a school's objects: it goes with the school."""
    out = tmp_path / "portal"
    run = schools.portal(schools.yml("two.yml", "version: 1\nschools:\n  - path: a\n  - path: b\n"), out)
    assert run.code == 0, run.text
    mirrors = tmp_path / ".portal.cache" / "mirrors"
    assert len(list(mirrors.iterdir())) == 2
    run = schools.portal(schools.yml("one.yml", "version: 1\nschools:\n  - path: a\n"), out)
    assert run.code == 0, run.text
    (left,) = mirrors.iterdir()
    assert left.name.startswith("a-")


def test_a_search_scope_merges_at_most_40_schools_and_100000_records() -> None:
    """A query's transfer grows with the records of the schools it merges: big schools are
    merged fewer at a time, a school larger than the cap is searched alone."""
    from hoso.portal.search import MERGE_LIMIT, MERGE_RECORDS, merge_parts
    from hoso.portal.tables import School

    def schools(*sizes: int) -> list[School]:
        return [School(f"s{i}", i, f"s{i}", f"s{i}", records=n) for i, n in enumerate(sizes)]

    assert [len(p) for p in merge_parts(schools(*[1_000] * 90))] == [MERGE_LIMIT, MERGE_LIMIT, 10]
    big = merge_parts(schools(*[10_000] * 25))
    assert [len(p) for p in big] == [10, 10, 5]
    assert all(sum(s.records for s in p) <= MERGE_RECORDS for p in big)
    assert [len(p) for p in merge_parts(schools(500, 250_000, 500))] == [1, 1, 1]
    assert [[s.slug for s in p] for p in merge_parts(schools(3, 4))] == [["s0", "s1"]]


def test_an_inspector_site_is_refused_by_a_public_portal(schools: Schools, tmp_path: Path) -> None:
    built = tmp_path / "a-inspector"
    assert S.hoso(schools.a.root, schools.env, "site", "build", "--out", str(built)).code == 0
    yml = schools.yml("pub.yml", f"version: 1\naudience: public\nschools:\n  - path: {built}\n    id: a\n")
    run = schools.portal(yml, tmp_path / "pub")
    assert run.code == 1, run.text
    assert "bản công khai" in run.err
    leaked = [
        rel
        for rel, data in S.site_files(tmp_path / "pub").items()
        if SENTINEL.lower().encode() in data.lower()
    ]
    assert leaked == []
    assert not (tmp_path / "pub" / "site").exists()


def test_git_is_untouched(schools: Schools, inspector: Portal) -> None:
    """Building the portal writes nothing into a school's work tree but its ignored site folder."""
    for made in (schools.a, schools.b):
        status = subprocess.run(
            ["git", "status", "--porcelain"],
            cwd=made.root,
            capture_output=True,
            text=True,
            env=schools.env,
            check=True,
        ).stdout
        assert status == ""


def test_index_json_lists_the_locks(schools: Schools) -> None:
    """The portal reads locked years from index.json's `locks` (locks.yml), not from events."""
    data = json.loads((schools.c.root / "site" / "index.json").read_text(encoding="utf-8"))
    assert data["locks"] == []  # the test schools lock nothing
