"""`hoso site build` / `hoso site serve`: the inspector and public websites, read back as HTML.

Test files, all made at test time:

* the school: the real `hoso init --level thcs`, `people_yml()` below (the teacher, tổ trưởng and
  hiệu trưởng certificates of the test PKI of tests/sigfixtures.py, plus a second teacher who
  has no record) and `trust/test-root.pem` (root + intermediate of that PKI), committed.
* `APPROVED`: `sigfixtures.source_pdf()` signed by the teacher, submitted with the real
  `hoso submit`, sent back with `hoso reject --ly-do …`, signed again (new content: the text
  of `make_pdf()`), submitted again and approved with `hoso approve --p12` (the tổ trưởng's
  PKCS#12 written from the test PKI), which counter-signs and merges with `Duyet-boi:`.
* `PENDING`: signed by the teacher only (chờ duyệt, allowed on main by `pending_on_main: true`).
* `TAMPERED`: signed by the teacher, then its page content replaced by an incremental update
  (`sigfixtures.change_content`): không hợp lệ.
* `DAMAGED`: `truncated_pdf()` (no %%EOF, no xref).
* `HOSTILE`: `make_pdf()` whose /Title (and first text line) is HTML and a Markdown
  `javascript:` link.
* `SECRET`: a học bạ (confidential type) whose slug, /Title and page text hold `SENTINEL`
  and a Vietnamese name that appears nowhere else (`SECRET_NAME`).
* `SINH_HOAT`: a tổ record signed by its only signer, the tổ trưởng (đã duyệt, no history
  beyond its commit).

Every build runs `python -m hoso site build` in a child process with HTTP(S)_PROXY pointing
at a closed port, so anything fetched from the network would fail (and be reported).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import unicodedata
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sigfixtures as F
from conftest import REPO_ROOT, VENV_BIN, Run, make_pdf, run_subprocess, truncated_pdf

from hoso.cli import main
from hoso.pdf import pki

YEAR = "2024-2025"
GV = "nguyen-van-an"
GV_NONE = "pham-thi-dung"  # a teacher of 2024-2025 with no record at all
TO_TRUONG = "le-van-cuong"
GROUP = "toan-tin"
KHBD = f"records/{YEAR}/gv/{GV}/ke-hoach-bai-day"
APPROVED = f"{KHBD}/tuan-01-toan-6a.pdf"
PENDING = f"{KHBD}/tuan-02-toan-6a.pdf"
TAMPERED = f"{KHBD}/tuan-03-toan-6a.pdf"
DAMAGED = f"{KHBD}/tuan-04-tep-hong.pdf"
HOSTILE = f"{KHBD}/tuan-05-tieu-de-la.pdf"
SINH_HOAT = f"records/{YEAR}/to/{GROUP}/so-sinh-hoat-chuyen-mon/thang-09.pdf"
SENTINEL = "SENTINEL-HOC-BA-7f3a"
SECRET_NAME = "Đặng Thị Xuyến"  # in the confidential record only
SECRET = f"records/{YEAR}/truong/hoc-ba/{SENTINEL.lower()}.pdf"
HOSTILE_TITLE = "<script>alert(1)</script> [x](javascript:alert(1))"
REJECT_REASON = "Thiếu mục tiêu bài học"
P12_PASSPHRASE = "mat-khau-thu"
CLOSED_PORT_PROXY = "http://127.0.0.1:9"
OWNER_PAGE = f"ho-so/{YEAR}/gv-{GV}.html"
PF_COMPRESSED = (".pf_fragment", ".pf_index", ".pf_meta")


def people_yml() -> str:
    p = F.pki_fixture()
    return f"""\
version: 1
groups:
  - id: {GROUP}
    name: Tổ Toán – Tin
    kind: chuyen-mon
people:
  - id: {GV}
    name: Nguyễn Văn An
    roles:
      - role: giao-vien
        group: {GROUP}
        from: 2015-08-15
    certificates:
      - sha256: "{p.teacher.fingerprint}"
  - id: {GV_NONE}
    name: Phạm Thị Dung
    roles:
      - role: giao-vien
        group: {GROUP}
        from: 2024-08-15
        until: 2025-07-31
    certificates:
      - sha256: "{p.expired.fingerprint}"
  - id: {TO_TRUONG}
    name: Lê Văn Cường
    roles:
      - role: to-truong
        group: {GROUP}
        from: 2021-08-15
    certificates:
      - sha256: "{p.to_truong.fingerprint}"
  - id: tran-thi-binh
    name: Trần Thị Bình
    roles:
      - role: hieu-truong
        from: 2018-08-01
    certificates:
      - sha256: "{p.hieu_truong.fingerprint}"
seal:
  name: Trường THCS Thử Nghiệm
  certificates:
    - sha256: "{p.seal.fingerprint}"
"""


# ---- environment and commands ---------------------------------------------------------------------


def base_env(home: Path) -> dict[str, str]:
    """The child processes' environment: HOME, git config and author pinned, no GIT_/HOSO_ leaks."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "HOSO_"))}
    template = home.parent / "git-template"
    home.mkdir(parents=True, exist_ok=True)
    template.mkdir(exist_ok=True)
    env.update(
        {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
            "GIT_TEMPLATE_DIR": str(template),
            "GIT_AUTHOR_NAME": "Văn Thư",
            "GIT_AUTHOR_EMAIL": "vanthu@example.edu.vn",
            "GIT_COMMITTER_NAME": "Văn Thư",
            "GIT_COMMITTER_EMAIL": "vanthu@example.edu.vn",
            "GIT_AUTHOR_DATE": "2024-09-12T08:30:00+07:00",
            "GIT_COMMITTER_DATE": "2024-09-12T08:30:00+07:00",
            "GIT_CONFIG_COUNT": "2",
            "GIT_CONFIG_KEY_0": "init.defaultBranch",
            "GIT_CONFIG_VALUE_0": "main",
            "GIT_CONFIG_KEY_1": "commit.gpgSign",
            "GIT_CONFIG_VALUE_1": "false",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            # anything fetched from the network goes to a closed port and fails
            "HTTP_PROXY": CLOSED_PORT_PROXY,
            "HTTPS_PROXY": CLOSED_PORT_PROXY,
            "http_proxy": CLOSED_PORT_PROXY,
            "https_proxy": CLOSED_PORT_PROXY,
            "ALL_PROXY": CLOSED_PORT_PROXY,
            "NO_PROXY": "",
            "no_proxy": "",
        }
    )
    return env


def hoso(cwd: Path, env: dict[str, str], *args: str, timeout: float = 180) -> Run:
    """`python -m hoso ARGS` in a child process, as a user would run it."""
    return run_subprocess(args, cwd, env, timeout=timeout)


def git(root: Path, env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def blob(root: Path, env: dict[str, str], oid: str) -> bytes:
    return subprocess.run(
        ["git", "cat-file", "blob", oid], cwd=root, env=env, capture_output=True, check=True, timeout=120
    ).stdout


def ls_tree(root: Path, env: dict[str, str]) -> dict[str, str]:
    """path -> blob id of every file under records/ at HEAD."""
    found = {}
    for line in git(root, env, "ls-tree", "-r", "HEAD", "records").splitlines():
        meta, path = line.split("\t", 1)
        found[path] = meta.split()[2]
    return found


def at(env: dict[str, str], when: str, name: str = "Văn Thư", email: str = "vanthu@example.edu.vn") -> None:
    """Pin the author, committer and date of the next commits."""
    env.update(
        {
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_DATE": when,
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
        }
    )


def build(root: Path, env: dict[str, str], out: Path, *extra: str) -> Run:
    return hoso(root, env, "site", "build", "--out", str(out), *extra)


def assert_clean_failure(run: Run, *words: str) -> None:
    assert run.code != 0, run.text
    assert "Traceback" not in run.text, run.text
    assert run.err.startswith("hoso: "), run.err  # one line saying what went wrong
    for word in words:
        assert word in run.err, run.err


# ---- the school ---------------------------------------------------------------------------------


@dataclass
class School:
    root: Path
    env: dict[str, str]
    base: Path
    branch: str = ""

    def write(self, rel: str, data: bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def commit(self, message: str, *rels: str) -> None:
        git(self.root, self.env, "add", "--", *(rels or (".",)))
        git(self.root, self.env, "commit", "-q", "--no-verify", "-m", message)

    def copy(self, dest: Path) -> School:
        shutil.copytree(self.root, dest, symlinks=True)
        return School(dest, dict(self.env), self.base, self.branch)


def _make_school(base: Path) -> School:
    p = F.pki_fixture()
    env = base_env(base / "home")
    root = base / "truong"
    run = hoso(base, env, "init", str(root), "--level", "thcs", "--name", "Trường THCS Thử Nghiệm")
    assert run.code == 0, run.text
    catalog = root / "catalog.yml"
    text = catalog.read_text(encoding="utf-8")
    assert "pending_on_main: false" in text
    catalog.write_text(text.replace("pending_on_main: false", "pending_on_main: true", 1), encoding="utf-8")
    (root / "people.yml").write_text(people_yml(), encoding="utf-8")
    (root / "trust" / "test-root.pem").write_bytes(p.trust[0])
    school = School(root, env, base)
    school.write(PENDING, F.signed())
    school.write(TAMPERED, F.change_content(F.signed()))
    school.write(DAMAGED, truncated_pdf())
    school.write(HOSTILE, make_pdf(HOSTILE_TITLE))
    school.write(SECRET, make_pdf(f"Học bạ {SECRET_NAME} {SENTINEL}"))
    school.write(SINH_HOAT, F.sign(F.source_pdf(), p.to_truong, "Sig1-to-truong"))
    school.commit("trường thử nghiệm")

    # submit -> reject with a reason -> fix -> submit again -> approve with a counter-signature
    at(env, "2024-09-12T09:00:00+07:00", "Nguyễn Văn An", "an@example.edu.vn")
    school.write(APPROVED, F.signed())
    run = hoso(root, env, "submit", APPROVED, "--person", GV, "--title", "Tuần 1 Toán 6A")
    assert run.code == 0, run.text
    school.branch = run.out.strip()
    assert school.branch == f"nop/{GV}/tuan-1-toan-6a"
    at(env, "2024-09-13T10:00:00+07:00", "Lê Văn Cường", "cuong@example.edu.vn")
    run = hoso(root, env, "reject", school.branch, "--person", TO_TRUONG, "--ly-do", REJECT_REASON)
    assert run.code == 0, run.text
    at(env, "2024-09-14T09:00:00+07:00", "Nguyễn Văn An", "an@example.edu.vn")
    git(root, env, "switch", "-q", school.branch)
    fixed = F.sign(make_pdf("Kế hoạch bài dạy Tuần 1 – Toán 6A (có mục tiêu)"), p.teacher, "Sig1-giao-vien")
    school.write(APPROVED, fixed)
    run = hoso(root, env, "submit", APPROVED, "--person", GV, "--title", "Tuần 1 Toán 6A")
    assert run.code == 0 and run.out.strip() == school.branch, run.text
    git(root, env, "switch", "-q", "main")
    at(env, "2024-09-16T14:00:00+07:00", "Lê Văn Cường", "cuong@example.edu.vn")
    p12 = base / "le-van-cuong.p12"
    pki.write_pkcs12(p12, p.to_truong, chain=[p.inter.cert], passphrase=P12_PASSPHRASE)
    approve_env = {**env, "HOSO_P12_PASSPHRASE": P12_PASSPHRASE}
    run = hoso(
        root,
        approve_env,
        "approve",
        school.branch,
        "--person",
        TO_TRUONG,
        "--role",
        "to-truong",
        "--p12",
        str(p12),
    )
    assert run.code == 0, run.text
    at(env, "2024-09-20T08:00:00+07:00")
    assert git(root, env, "status", "--porcelain").strip() == ""
    return school


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> School:
    return _make_school(tmp_path_factory.mktemp("site"))


@dataclass
class Built:
    school: School
    out: Path
    run: Run


@pytest.fixture(scope="module")
def inspector(school: School) -> Built:
    out = school.base / "site-inspector"
    return Built(school, out, build(school.root, school.env, out))


@pytest.fixture(scope="module")
def public(school: School) -> Built:
    out = school.base / "site-public"
    return Built(school, out, build(school.root, school.env, out, "--audience", "public"))


# ---- reading the output -------------------------------------------------------------------------

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


@dataclass(eq=False)
class Node:
    """An element of a page parsed with html.parser (children: elements and text)."""

    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def iter(self) -> Iterator[Node]:
        """This element and every element under it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def text(self) -> str:
        parts: list[str] = []

        def walk(node: Node) -> None:
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                elif child.tag == "br":
                    parts.append(" ")
                elif child.tag not in ("script", "style"):
                    walk(child)

        walk(self)
        return " ".join("".join(parts).replace("¶", " ").split())

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find_all(self, tag: str, cls: str | None = None, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.iter()
            if n.tag == tag
            and (cls is None or cls in n.classes())
            and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str, cls: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag} class={cls} {attrs}>"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(path: Path) -> Node:
    builder = _TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    return builder.root


def article(path: Path) -> Node:
    """The page's own content (Material's <article>), without navigation and header."""
    return parse(path).find("article")


def after(root: Node, heading: str, tag: str = "table") -> Node:
    """The first <tag> after the heading whose text starts with `heading`, in document order."""
    nodes = list(root.iter())
    for i, node in enumerate(nodes):
        if node.tag in ("h1", "h2", "h3") and node.text().startswith(heading):
            return next(n for n in nodes[i + 1 :] if n.tag == tag)
    raise AssertionError(f"no heading {heading!r}")


def rows(table: Node) -> list[list[str]]:
    return [[cell.text() for cell in tr.children if isinstance(cell, Node)] for tr in table.find_all("tr")]


def fields(table: Node) -> dict[str, str]:
    """A two-column table (th or td, then td) as a dict."""
    found = {}
    for row in rows(table):
        if len(row) == 2:
            found[row[0]] = row[1]
    return found


def entry(page: Node, path: str) -> Node:
    """A record's entry on its owner page: its <h2 data-hoso-record> up to the next <h2>."""
    h2 = page.find("h2", data_hoso_record=path)
    parent = next(n for n in page.iter() if h2 in n.children)
    siblings = parent.children[parent.children.index(h2) :]
    box = Node("#entry", {}, [h2])
    for child in siblings[1:]:
        if isinstance(child, Node) and child.tag == "h2":
            break
        box.children.append(child)
    return box


def resolve(out: Path, page: str, href: str) -> tuple[Path, str]:
    """(file, fragment) a relative link of site page `page` points to; the file must exist."""
    parts = urllib.parse.urlsplit(href)
    assert not parts.scheme and not parts.netloc, href
    target = (out / page).parent / urllib.parse.unquote(parts.path)
    target = Path(os.path.normpath(target))
    assert target.is_file(), f"{href} from {page}: {target} missing"
    assert out.resolve() in target.resolve().parents, href
    return target, parts.fragment


def ids(path: Path) -> set[str]:
    return {n.attrs["id"] for n in parse(path).iter() if "id" in n.attrs}


def hexa(fingerprint: str) -> str:
    return fingerprint.replace(":", "").lower()


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def site_files(out: Path) -> dict[str, bytes]:
    """relative path -> bytes of every file of a site; Pagefind's gzip files decompressed."""
    found = {}
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.name.endswith((*PF_COMPRESSED, ".gz")):
            data = gzip.decompress(data)
        found[path.relative_to(out).as_posix()] = data
    return found


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


# ---- 1. the pages ----------------------------------------------------------------------------------


def test_build_succeeds_offline_and_pages_load_nothing_from_outside(inspector: Built, public: Built) -> None:
    """Both builds ran with every proxy variable pointing at a closed port: nothing was fetched,
    nothing warned, and no page asks the browser to fetch a script, style, image or frame from
    another host (the site works from a USB stick and tells no third party who reads it)."""
    assert inspector.school.env["HTTPS_PROXY"] == CLOSED_PORT_PROXY
    for built, count in ((inspector, 7), (public, 6)):
        run = built.run
        assert run.code == 0, run.text
        assert "Traceback" not in run.text and "Couldn't retrieve" not in run.text
        assert "cảnh báo" not in run.err and "WARNING" not in run.err, run.err
        assert run.out == ""
        assert run.err.count("\n") == 1 and run.err.startswith("đã dựng trang: "), run.err
        assert f"— {count} hồ sơ," in run.err and f"{count} tệp PDF ghi mới, 0 tệp dùng lại" in run.err
    assert not (inspector.out / "search").exists()  # Material's lunr search is replaced by Pagefind
    for built, count in ((inspector, 7), (public, 6)):  # the search index is complete
        entry_json = json.loads((built.out / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
        # one document per record, and one per person, tổ and record type (their own pages)
        entities = sum(len(list((built.out / f).glob("*.html"))) - 1 for f in ("nguoi", "to", "loai"))
        assert entry_json["languages"]["vi"]["page_count"] == count + entities
        assert [p for p in (built.out / "pagefind").rglob("*") if p.is_file() and p.stat().st_size == 0] == []
        assert (built.out / "pagefind" / "pagefind.js").stat().st_size > 10_000
    assert external_loads(inspector.out) == [] and external_loads(public.out) == []


def external_loads(out: Path) -> list[str]:
    """Every script, style, image or frame a page of the site would fetch from another host."""
    loads = {"script": "src", "img": "src", "iframe": "src", "source": "src", "embed": "src", "link": "href"}
    found = []
    for page in html_pages(out):
        for node in parse(page).iter():
            if node.tag not in loads:
                continue
            if node.tag == "link" and node.attrs.get("rel") not in (
                "stylesheet",
                "icon",
                "preload",
                "modulepreload",
            ):
                continue
            url = node.attrs.get(loads[node.tag], "")
            parts = urllib.parse.urlsplit(url)
            if parts.scheme or parts.netloc:
                found.append(f"{page.relative_to(out)}: <{node.tag}> {url}")
    return found


SCHOOL_LINE = (
    "Trường THCS Thử Nghiệm — Hồ sơ điện tử, dựng bởi hoso từ kho Git của nhà trường, commit {commit}"
)


def footer_text(page: Path) -> str:
    return parse(page).find("div", "md-copyright").text()


def test_every_page_ends_with_the_school_not_the_theme(
    inspector: Built, public: Built, tmp_path: Path
) -> None:
    """Under every page: the school and what the site is built from (hoso, the commit), in
    Vietnamese; not Material's "Made with Material for MkDocs"."""
    for built in (inspector, public):
        commit = json.loads((built.out / "index.json").read_text(encoding="utf-8"))["commit"]
        for page in html_pages(built.out):
            raw = page.read_text(encoding="utf-8")
            assert "Made with" not in raw and "squidfunk" not in raw, page
            assert footer_text(page) == SCHOOL_LINE.format(commit=commit[:10]), page

    # the school's own line (mkdocs.yml `copyright`) in place of its name; the rest stays
    s, out = copies(inspector, tmp_path)
    config = s.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "copyright: © 2025 Trường Thử\n", encoding="utf-8")
    run = build(s.root, s.env, out)
    assert run.code == 0, run.text
    assert footer_text(out / "index.html").startswith("© 2025 Trường Thử — Hồ sơ điện tử, dựng bởi hoso")


def test_footer_escapes_the_school_name() -> None:
    from types import SimpleNamespace

    from hoso.site.build import footer
    from hoso.site.presentation import Presentation

    site = SimpleNamespace(school_name="Trường <b>A</b> & B", commit="0123456789abcdef")
    line = footer(site, Presentation())  # type: ignore[arg-type]
    assert line.startswith("Trường &lt;b&gt;A&lt;/b&gt; &amp; B — ") and line.endswith("commit 0123456789")


def shown_characters(root: Node) -> Iterator[tuple[str, str]]:
    """(character, where) for every character a reader sees: text outside scripts, styles and
    SVG icons, tooltips (`title`, `alt`, `placeholder`), the search page's texts (`data-text`)."""
    for node in root.iter():
        for name in ("title", "alt", "placeholder", "aria-label", "data-text"):
            for ch in node.attrs.get(name, ""):
                yield ch, f"<{node.tag} {name}>"
        if node.tag in ("script", "style", "svg", "template"):
            continue
        for child in node.children:
            if isinstance(child, str):
                for ch in child:
                    yield ch, f"<{node.tag}> {child.strip()[:60]!r}"


def test_every_character_shown_is_in_the_font(inspector: Built, public: Built) -> None:
    """No missing-glyph box: the site names no web font (nothing is fetched), so the reader's
    own fonts draw it. DejaVu Sans, shipped with hoso for its PDFs, stands for them: it holds
    Vietnamese and the symbols hoso uses (✔ ✘ ⚠ →), not emoji such as 🔒, which many machines
    draw as an empty box; icons are Material's inline SVG instead."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    font = Path(__file__).parents[1] / "src" / "hoso" / "data" / "fonts" / "DejaVuSans.ttf"
    covered = set(TTFontFile(str(font)).charToGlyph)
    missing: dict[str, str] = {}
    for built in (inspector, public):
        pages = html_pages(built.out)
        for page in pages:
            for ch, where in shown_characters(parse(page)):
                if ord(ch) not in covered and not ch.isspace() and unicodedata.category(ch) != "Cc":
                    missing.setdefault(
                        f"U+{ord(ch):04X} {unicodedata.name(ch, '?')}", f"{page.name}: {where}"
                    )
        css = (built.out / "_hoso" / "hoso.css").read_text(encoding="utf-8")
        for text in re.findall(r'content:\s*"([^"]*)"', css):
            missing.update({f"U+{ord(c):04X}": "hoso.css" for c in text if ord(c) not in covered})
    assert missing == {}
    assert len(pages) > 20  # the public edition's pages were read too

    # the confidential record type: Material's lock icon (SVG) with its name, and the legend
    types = article(inspector.out / "loai" / "index.html")
    lock = types.find_all("span", "twemoji", title="Bảo mật")
    assert lock and all(span.find("svg") for span in lock)
    assert any(p.text().startswith("loại hồ sơ cần bảo mật") for p in types.find_all("p"))


def test_home_page_counts_and_attention_lists(inspector: Built) -> None:
    home = article(inspector.out / "index.html")
    assert home.find("h1").text() == "Trường THCS Thử Nghiệm"
    years = rows(after(home, "Các năm học"))
    assert years[0] == ["Năm học", "Đã duyệt", "Chờ duyệt", "Không hợp lệ", "Tổng"]
    # đã duyệt: APPROVED, SINH_HOAT; chờ duyệt: PENDING, HOSTILE, SECRET; không hợp lệ: TAMPERED, DAMAGED
    assert years[1] == [YEAR, "2", "3", "2", "7"]
    assert years[2] == ["Tổng", "2", "3", "2", "7"]
    assert "untitled" not in home.text()  # ReportLab's placeholder /Title is not a record title

    invalid = after(home, "Hồ sơ không hợp lệ (2)")
    links = [a.attrs["href"] for a in invalid.find_all("a") if "#" in a.attrs["href"]]
    assert links == [
        f"{OWNER_PAGE}#ke-hoach-bai-day--tuan-03-toan-6a",
        f"{OWNER_PAGE}#ke-hoach-bai-day--tuan-04-tep-hong",
    ]
    for href in links:  # every link lands on an existing entry
        target, anchor = resolve(inspector.out, "index.html", href)
        assert anchor in ids(target)
    assert [r[3] for r in rows(invalid)[1:]] == ["Không hợp lệ", "Không hợp lệ"]

    pending = {r[0]: r for r in rows(after(home, "Hồ sơ chờ duyệt (3)"))[1:]}
    assert pending["Kế hoạch bài dạy (giáo án) — tuan 02 toan 6a"] == [
        "Kế hoạch bài dạy (giáo án) — tuan 02 toan 6a",
        "Nguyễn Văn An",
        "Tổ trưởng của người lập",  # signed by the teacher, waiting for the tổ trưởng
    ]
    assert pending[HOSTILE_TITLE][2] == "Người lập (chủ sở hữu hồ sơ), Tổ trưởng của người lập"
    assert pending[f"Học bạ {SECRET_NAME} {SENTINEL}"][1:] == [
        "Nhà trường",
        "Giáo viên chủ nhiệm, Hiệu trưởng, Con dấu (chứng thư số của nhà trường)",
    ]

    # Records the catalog requires and nobody has submitted: said so, since `hoso check` (which
    # judges what was submitted) can be all green while this list is long.
    title = "Hồ sơ danh mục yêu cầu nhưng chưa nộp"
    heading = next(h.text() for h in home.find_all("h3") if h.text().startswith(title))
    missing = rows(after(home, title))[1:]
    assert heading == f"{title} ({len(missing)})"
    explained = after(home, title, "p").text()
    assert explained.startswith(f"Danh mục của trường yêu cầu các hồ sơ này cho năm học {YEAR} ")
    assert "chưa có tệp nào được nộp. Đây không phải lỗi của hồ sơ đã nộp." in explained
    assert "thiếu" not in heading and "bắt buộc" not in heading
    assert [YEAR, "Kế hoạch bài dạy (giáo án)", "Phạm Thị Dung"] in missing  # a teacher with no lesson plan
    assert [YEAR, "Kế hoạch bài dạy (giáo án)", "Nguyễn Văn An"] not in missing  # he has five
    assert [YEAR, "Sổ ghi chép nội dung sinh hoạt chuyên môn", "Tổ Toán – Tin"] not in missing
    assert [YEAR, "Học bạ", "Nhà trường"] not in missing


def test_record_entry_signatures_history_retention_download(inspector: Built) -> None:
    school, out = inspector.school, inspector.out
    blobs = ls_tree(school.root, school.env)
    page = article(out / OWNER_PAGE)
    box = entry(page, APPROVED)
    h2 = box.find("h2")
    assert h2.text() == "Kế hoạch bài dạy Tuần 1 – Toán 6A (có mục tiêu)"  # the PDF's /Title
    assert h2.attrs["id"] == "ke-hoach-bai-day--tuan-01-toan-6a"
    badge = box.find("span", "hoso-badge")
    assert "hoso-da-duyet" in badge.classes() and badge.text() == "Đã duyệt"

    meta = fields(box.find("table"))
    assert meta["Tệp"] == APPROVED
    assert meta["Mã phiên bản (git blob)"] == blobs[APPROVED]
    assert meta["Chủ sở hữu"] == "Nguyễn Văn An" and meta["Năm học"] == YEAR
    size = len(blob(school.root, school.env, blobs[APPROVED]))
    assert meta["Kích thước"] == f"{size / 1024:.1f} KB, 1 trang"
    # kế hoạch bài dạy: 5 years after the end of the school year 2024-2025 (31/07/2025)
    assert meta["Thời hạn bảo quản"] == (
        "Đến hết ngày 31/07/2030 — Thông tư 08/2025/TT-BGDĐT (chưa đối chiếu)"
    )

    p = F.pki_fixture()
    sigs = box.find_all("table", "hoso-signature")
    assert [s.find("caption").text() for s in sigs] == ["Chữ ký số 1", "Chữ ký số 2"]
    assert all("hoso-sig-valid" in s.classes() for s in sigs)
    first, second = (fields(s) for s in sigs)
    assert first["Người ký"] == "Nguyễn Văn An"
    assert first["Ký với tư cách"] == "Người lập"  # the capacity it counts in, not every role held
    assert first["Thời điểm ký"] == "12/09/2024 08:05 — theo đồng hồ máy người ký"  # sigfixtures.SIGNED_AT
    assert first["Tính toàn vẹn của tài liệu"].startswith("Toàn vẹn")
    assert (
        first["Chứng thư chữ ký số"]
        == "Nguyễn Văn An → Test Sub CA → Test Root CA — dẫn đến chứng thư gốc tin cậy"
    )
    assert first["Chứng thư còn hiệu lực lúc ký"] == "có"
    assert first["Thuật toán (băm, ký, khóa)"] == "sha256, sha256_rsa, RSA 2048"
    assert first["Kết luận"] == "Chữ ký số hợp lệ"
    assert hexa(first["Vân tay chứng thư (SHA-256)"]) == hexa(p.teacher.fingerprint)
    assert second["Người ký"] == "Lê Văn Cường"  # the counter-signature `hoso approve --p12` made
    assert second["Ký với tư cách"] == "Tổ trưởng Tổ Toán – Tin"
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d — theo đồng hồ máy người ký", second["Thời điểm ký"])
    assert second["Tính toàn vẹn của tài liệu"].startswith("Toàn vẹn")
    assert second["Phạm vi ký"] == "toàn bộ tệp"
    assert second["Chứng thư chữ ký số"].startswith("Lê Văn Cường → Test Sub CA → Test Root CA — dẫn đến")
    assert hexa(second["Vân tay chứng thư (SHA-256)"]) == hexa(p.to_truong.fingerprint)
    assert box.find("div", "hoso-signatures").find_all("p")[-1].text() == (
        "Kết luận: mọi chữ ký hợp lệ, tài liệu toàn vẹn."
    )

    events = box.find("ol", "hoso-history").find_all("li")
    kinds = [next(c for c in e.classes() if c.startswith("hoso-event-")) for e in events]
    texts = [e.text() for e in events]
    # a new version after the rejection is a resubmission; the approver's signature precedes the merge
    assert kinds == [
        "hoso-event-nop",
        "hoso-event-tu-choi",
        "hoso-event-nop-lai",
        "hoso-event-ky-bo-sung",
        "hoso-event-duyet",
    ], texts
    assert texts[0].startswith("12/09/2024 09:00 — nộp — Nguyễn Văn An")
    # a rejection is an empty commit with a trailer: a claim, and the page says so
    assert texts[1].startswith(
        "13/09/2024 10:00 — từ chối — Lê Văn Cường tự khai (không có bằng chứng): Lê Văn Cường"
        f" Lý do: {REJECT_REASON}"
    )
    assert texts[2].startswith("14/09/2024 09:00 — nộp lại — Nguyễn Văn An")
    approved = texts[kinds.index("hoso-event-duyet")]
    assert approved.startswith("16/09/2024 14:00 — duyệt — Lê Văn Cường")
    # the approval is proved by his counter-signature in the record
    assert "bằng chứng: chữ ký số của Lê Văn Cường trong hồ sơ" in approved and "tự khai" not in approved
    head = git(school.root, school.env, "rev-parse", "HEAD").strip()
    assert approved.endswith(head[:10])  # the approval merge is HEAD

    # download, open and preview all point at the published file: the git blob, byte for byte
    download = box.find("a", "md-button--primary")
    assert "download" in download.attrs and download.text() == "Tải về bản gốc (PDF có chữ ký số)"
    hrefs = {download.attrs["href"], *(a.attrs["href"] for a in box.find_all("a", "md-button"))}
    hrefs.add(box.find("iframe").attrs["data-src"])  # becomes its src when the preview is opened
    assert hrefs == {f"../../tep/{APPROVED}"}
    target, _ = resolve(out, OWNER_PAGE, download.attrs["href"])
    assert target.read_bytes() == blob(school.root, school.env, blobs[APPROVED])
    for path, oid in blobs.items():  # every record, not only this one
        assert (out / "tep" / path).read_bytes() == blob(school.root, school.env, oid), path


def test_pending_tampered_and_damaged_entries(inspector: Built) -> None:
    page = article(inspector.out / OWNER_PAGE)
    pending = entry(page, PENDING)
    assert "hoso-cho-duyet" in pending.find("span", "hoso-badge").classes()
    assert "còn chờ chữ ký của: Tổ trưởng của người lập" in pending.find("p").text()
    assert len(pending.find_all("table", "hoso-signature")) == 1

    tampered = entry(page, TAMPERED)
    assert "hoso-khong-hop-le" in tampered.find("span", "hoso-badge").classes()
    sig = tampered.find("table", "hoso-signature")
    assert "hoso-sig-invalid" in sig.classes()
    assert fields(sig)["Tính toàn vẹn của tài liệu"].startswith("KHÔNG toàn vẹn")
    assert fields(sig)["Kết luận"] == "Chữ ký số KHÔNG HỢP LỆ"
    assert "Kết luận: KHÔNG HỢP LỆ" in tampered.find("div", "hoso-signatures").text()

    damaged = entry(page, DAMAGED)  # a truncated PDF still has its entry, marked invalid
    assert damaged.find("h2").text() == "Kế hoạch bài dạy (giáo án) — tuan 04 tep hong"
    assert "hoso-khong-hop-le" in damaged.find("span", "hoso-badge").classes()
    assert fields(damaged.find("table"))["Kích thước"].endswith("? trang")
    assert "Kết luận: không đọc được tệp." in damaged.text()
    assert "Tệp chưa có chữ ký số." not in damaged.text()  # unreadable is not "unsigned"

    group = article(inspector.out / f"ho-so/{YEAR}/to-{GROUP}.html")
    sinh_hoat = entry(group, SINH_HOAT)
    assert "hoso-da-duyet" in sinh_hoat.find("span", "hoso-badge").classes()
    assert fields(sinh_hoat.find("table", "hoso-signature"))["Người ký"] == "Lê Văn Cường"
    assert fields(sinh_hoat.find("table"))["Thời hạn bảo quản"].startswith("Đến hết ngày 31/07/2030 — ")
    assert [e.text()[:22] for e in sinh_hoat.find("ol", "hoso-history").find_all("li")] == [
        "12/09/2024 08:30 — nộp"
    ]


# ---- 2. confidentiality ------------------------------------------------------------------------------


def leak_forms() -> list[bytes]:
    """The confidential record's identifying strings, as they could be written anywhere."""
    from hoso.site.model import fold

    name_word = "xuyến"
    forms = {
        SENTINEL.lower(),
        SENTINEL.lower().replace("-", " "),  # the title made from the slug
        urllib.parse.quote(SENTINEL.lower(), safe="").lower(),
        "sentinel%2dhoc",
        name_word,
        unicodedata.normalize("NFD", name_word),
        fold(name_word),  # "xuyen": the no-diacritics spelling
        fold(SECRET_NAME),
        urllib.parse.quote(name_word).lower(),
        json.dumps(name_word).strip('"').lower(),  # "xuy\\u1ebfn": JSON with ensure_ascii
        "xuy&#7871;n",
        "xuy&#x1ebf;n",
    }
    return sorted(f.encode("utf-8") for f in forms)


def leaks(out: Path) -> dict[str, list[str]]:
    """form -> files of the site holding it (lower-cased; Pagefind's gzip files decompressed)."""
    found: dict[str, list[str]] = {}
    for rel, data in site_files(out).items():
        low = data.lower()
        for form in leak_forms():
            if form in low:
                found.setdefault(form.decode(), []).append(rel)
        if rel.startswith("pagefind/") and b"sentinel" in low:  # a word of the search index
            found.setdefault("sentinel", []).append(rel)
    return found


def test_public_site_holds_nothing_of_a_confidential_record(inspector: Built, public: Built) -> None:
    school = public.school
    secret_oid = ls_tree(school.root, school.env)[SECRET]
    secret_bytes = blob(school.root, school.env, secret_oid)

    # the inspector's edition has it everywhere: the check below can see a leak
    seen = leaks(inspector.out)
    holding = {rel for files in seen.values() for rel in files}
    assert {"index.json", f"ho-so/{YEAR}/truong.html", "index.html", "loai/hoc-ba.html"} <= holding
    assert any(r.endswith(".pf_fragment") for r in seen["sentinel"])  # the search text
    assert any(r.endswith(".pf_index") for r in seen["sentinel"])  # the search words
    assert "xuyến" in seen and SENTINEL.lower() in seen
    assert (inspector.out / "tep" / SECRET).read_bytes() == secret_bytes

    # the public edition: in no file, in no form
    assert leaks(public.out) == {}
    assert not (public.out / f"ho-so/{YEAR}/truong.html").exists()
    published = [p for p in (public.out / "tep").rglob("*") if p.is_file()]
    assert len(published) == 6
    assert all("/hoc-ba/" not in p.as_posix() for p in published)
    assert all(p.read_bytes() != secret_bytes for p in published)
    assert secret_oid.encode() not in b"".join(site_files(public.out).values())

    # ... but the count is given
    home = article(public.out / "index.html")
    assert "Ngoài ra có 1 hồ sơ thuộc loại cần bảo mật, chỉ nêu số lượng trong bản công khai." in home.text()
    assert "Bản công khai" in home.find("div", "admonition").text()
    assert rows(after(home, "Các năm học"))[1] == [YEAR, "2", "2", "2", "6"]
    assert "Hồ sơ chờ duyệt (2)" in home.text()
    kind = article(public.out / "loai/hoc-ba.html")
    assert "1 hồ sơ (loại cần bảo mật, chỉ nêu số lượng)" in kind.text()
    year = rows(after(article(public.out / f"nam-hoc/{YEAR}.html"), "Theo loại hồ sơ"))
    assert ["Học bạ", "1 hồ sơ (loại cần bảo mật, chỉ nêu số lượng)", "", "", ""] in year


# ---- 3. index.json -------------------------------------------------------------------------------


def test_index_json_validates_and_matches_the_commit(inspector: Built, public: Built) -> None:
    import jsonschema

    schema = json.loads((REPO_ROOT / "src/hoso/data/index.schema.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    school = inspector.school
    blobs = ls_tree(school.root, school.env)
    head = git(school.root, school.env, "rev-parse", "HEAD").strip()

    data = json.loads((inspector.out / "index.json").read_text(encoding="utf-8"))
    validator.validate(data)
    assert (inspector.out / "index.schema.json").read_bytes() == (
        REPO_ROOT / "src/hoso/data/index.schema.json"
    ).read_bytes()
    assert data["audience"] == "inspector" and data["commit"] == head
    assert {r["path"]: r["blob"] for r in data["records"]} == blobs
    statuses = {r["path"]: r["status"] for r in data["records"]}
    assert statuses == {
        APPROVED: "da-duyet",
        SINH_HOAT: "da-duyet",
        PENDING: "cho-duyet",
        HOSTILE: "cho-duyet",
        SECRET: "cho-duyet",
        TAMPERED: "khong-hop-le",
        DAMAGED: "khong-hop-le",
    }
    counts = data["counts"][YEAR]
    assert {k: counts[k] for k in ("by_status", "confidential_hidden")} == {
        "by_status": {"da-duyet": 2, "cho-duyet": 3, "khong-hop-le": 2},
        "confidential_hidden": 0,
    }
    # timeliness depends on the day of the build (tests/test_timeliness.py fixes it)
    assert set(counts["timeliness"]) == {"dung-han", "tre-han", "chua-nop", "chua-den-han", "khong-xac-dinh"}
    by_path = {r["path"]: r for r in data["records"]}
    approved = by_path[APPROVED]
    assert [s["person"] for s in approved["signers"]] == [GV, TO_TRUONG]
    assert "tu-choi" in [e["kind"] for e in approved["events"]]
    assert by_path[DAMAGED]["signature_status"] == "unreadable"
    for record in data["records"]:  # the download is the blob; the url lands on the entry
        published = (inspector.out / record["download"]).read_bytes()
        assert git_blob_id(published) == record["blob"] == blobs[record["path"]]
        page, _, anchor = record["url"].partition("#")
        assert anchor in ids(inspector.out / page), record["url"]

    pub = json.loads((public.out / "index.json").read_text(encoding="utf-8"))
    validator.validate(pub)
    confidential = {t["id"] for t in pub["record_types"] if t["confidential"]}
    assert "hoc-ba" in confidential
    assert pub["audience"] == "public"
    assert {r["path"]: r["blob"] for r in pub["records"]} == {p: b for p, b in blobs.items() if p != SECRET}
    assert not [r for r in pub["records"] if r["type"] in confidential]
    assert pub["confidential_counts"] == [{"year": YEAR, "type": "hoc-ba", "count": 1}]
    assert pub["counts"][YEAR]["confidential_hidden"] == 1

    # the schema does check: a record without its blob id, or with a made-up status, is refused
    broken = json.loads(json.dumps(data))
    del broken["records"][0]["blob"]
    assert not validator.is_valid(broken)
    broken = json.loads(json.dumps(data))
    broken["records"][0]["status"] = "da-ky"
    assert not validator.is_valid(broken)


# ---- 4. failed builds keep the last good site ----------------------------------------------------------


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def copies(inspector: Built, tmp_path: Path) -> tuple[School, Path]:
    """A copy of the school (caches warm) and of its built site, to change without disturbing others."""
    s = inspector.school.copy(tmp_path / "truong")
    out = tmp_path / "site"
    shutil.copytree(inspector.out, out)
    return s, out


def test_failed_builds_leave_the_previous_site_untouched(
    inspector: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s, out = copies(inspector, tmp_path)
    before = snapshot(out)
    assert "index.html" in before and f"tep/{APPROVED}" in before
    good_config = (s.root / "mkdocs.yml").read_bytes()

    # an mkdocs.yml that is not YAML
    (s.root / "mkdocs.yml").write_text("site_name: [chưa đóng ngoặc\n", encoding="utf-8")
    run = build(s.root, s.env, out)
    assert run.code == 3
    assert_clean_failure(run, "mkdocs.yml không hợp lệ", "trang cũ vẫn giữ nguyên")
    assert snapshot(out) == before and leftovers(out) == []
    (s.root / "mkdocs.yml").write_bytes(good_config)

    # a hand-written page saved in a legacy encoding (not UTF-8): MkDocs cannot read it
    (s.root / "site_src" / "quy-che.md").write_bytes(
        unicodedata.normalize("NFD", "# Hòa Bình\n\nđã đóng\n").encode("cp1258")
    )
    run = build(s.root, s.env, out)
    assert run.code == 3
    assert_clean_failure(run, "dựng trang thất bại", "quy-che.md", "trang đã dựng lần trước vẫn giữ nguyên")
    assert snapshot(out) == before and leftovers(out) == []
    (s.root / "site_src" / "quy-che.md").unlink()

    # the final swap fails: a name in the way of the old site's temporary name (`.site.old-<pid>`,
    # a FIFO: neither a file nor a folder the build may delete); in-process, to know the pid
    blocker = out.parent / f".{out.name}.old-{os.getpid()}"
    os.mkfifo(blocker)
    try:
        capsys.readouterr()
        code = main(["-C", str(s.root), "site", "build", "--out", str(out)])
        err = capsys.readouterr().err
    finally:
        blocker.unlink()
    assert code == 3, err
    assert_clean_failure(Run(code, "", err), "không ghi được trang vào", str(out), "trang cũ vẫn giữ nguyên")
    assert snapshot(out) == before and leftovers(out) == []

    # an --out folder of someone's files is never replaced (the swap would delete them)
    desk = tmp_path / "Desktop"
    desk.mkdir()
    (desk / "bao-cao.docx").write_bytes(b"PK\x03\x04 not a site")
    run = build(s.root, s.env, desk)
    assert run.code == 3
    assert_clean_failure(run, "không dựng trang vào", "build-info.json")
    assert sorted(p.name for p in desk.iterdir()) == ["bao-cao.docx"] and leftovers(desk) == []

    # and the work tree is as committed (the generated pages are git-ignored)
    assert git(s.root, s.env, "status", "--porcelain") == ""


def test_a_folder_holding_the_other_audience_is_not_replaced(
    school: School, inspector: Built, public: Built, tmp_path: Path
) -> None:
    """One word missing from a cron line (`--audience public`) must not put the inspectors'
    edition in the folder served to everyone, nor the reverse: refused, the folder unchanged,
    unless --replace-other-audience says so."""
    from hoso.site.build import build as build_site

    shown = tmp_path / "cong-khai"
    shutil.copytree(public.out, shown)
    before = snapshot(shown)
    run = build(school.root, school.env, shown)
    assert run.code == 3
    assert_clean_failure(run, str(shown), "bản cho thanh tra", "bản công khai", "--replace-other-audience")
    assert snapshot(shown) == before and leftovers(shown) == []
    inspectors = tmp_path / "thanh-tra"
    shutil.copytree(inspector.out, inspectors)
    run = build(school.root, school.env, inspectors, "--audience", "public")
    assert_clean_failure(run, str(inspectors), "--replace-other-audience")
    assert snapshot(inspectors)["build-info.json"] == (inspector.out / "build-info.json").read_bytes()
    result = build_site(school.root, "public", inspectors, replace_other_audience=True)
    assert result.out == inspectors.resolve()
    assert json.loads((inspectors / "build-info.json").read_text(encoding="utf-8"))["audience"] == "public"


def test_a_site_left_aside_by_a_killed_build_is_put_back_first(
    school: School, public: Built, tmp_path: Path
) -> None:
    """A build killed between the swap's two renames (SIGKILL, a power cut: no exception runs)
    leaves the place empty and the last good site beside it. The next build puts it back before
    it decides anything: an inspector build is still refused there, a public one replaces it."""
    shown = tmp_path / "cong-khai"
    aside = tmp_path / ".cong-khai.old-4242"
    shutil.copytree(public.out, aside)
    before = snapshot(aside)
    run = build(school.root, school.env, shown)
    assert_clean_failure(run, str(shown), "bản công khai", "--replace-other-audience")
    assert snapshot(shown) == before and leftovers(shown) == []
    run = build(school.root, school.env, shown, "--audience", "public")
    assert run.code == 0, run.text
    assert leftovers(shown) == []


def test_the_portals_copy_of_a_site_holds_no_hand_written_page(school: School, tmp_path: Path) -> None:
    """`hand_written=False` (the portal's copy, served beside other schools' pages): hoso's pages
    only — no page or file of site_src/, no copyright markup of mkdocs.yml — and build-info.json
    says so."""
    from hoso.site.build import build as build_site
    from hoso.site.build import without_hand_written

    s = school.copy(tmp_path / "truong")
    s.write("site_src/gioi-thieu.md", "# Giới thiệu\n\n<script>/*viet-tay-5e1*/</script>\n".encode())
    s.write("site_src/anh.svg", b"<svg><script>/*viet-tay-5e1*/</script></svg>")
    with (s.root / "mkdocs.yml").open("a", encoding="utf-8") as f:
        f.write("copyright: <b>viet-tay-5e1</b>\n")
    s.commit("trang viết tay")
    out = build_site(s.root, "inspector", tmp_path / "cong", hand_written=False).out
    assert [rel for rel, data in snapshot(out).items() if b"viet-tay-5e1" in data] == []
    assert without_hand_written(out)
    mine = build_site(s.root, "inspector", tmp_path / "cua-truong").out
    assert (mine / "gioi-thieu.html").is_file() and not without_hand_written(mine)


# ---- 5. repeatable ------------------------------------------------------------------------------------


def test_same_commit_gives_the_same_bytes(inspector: Built) -> None:
    school = inspector.school
    again = school.base / "site-again"
    run = build(school.root, school.env, again)
    assert run.code == 0, run.text
    first, second = snapshot(inspector.out), snapshot(again)
    assert sorted(first) == sorted(second)
    differ = sorted(rel for rel in first if first[rel] != second[rel])
    assert differ in ([], ["build-info.json"])
    info1, info2 = (json.loads(d["build-info.json"]) for d in (first, second))
    assert {k: v for k, v in info1.items() if k != "built_at"} == {
        k: v for k, v in info2.items() if k != "built_at"
    }
    assert info1["commit"] == git(school.root, school.env, "rev-parse", "HEAD").strip()
    assert set(info1) == {"_comment", "built_at", "commit", "commit_date", "audience", "today"}


# ---- 6. warm rebuilds ---------------------------------------------------------------------------------

BUILT = re.compile(r"— (\d+) hồ sơ, \d+ trang, (\d+) tệp PDF ghi mới, (\d+) tệp dùng lại")


def counts(run: Run) -> tuple[int, int, int]:
    """(records, PDFs written, PDFs reused) from the `site.built` message."""
    assert run.code == 0, run.text
    match = BUILT.search(run.err)
    assert match, run.err
    records, written, linked = (int(x) for x in match.groups())
    return records, written, linked


def test_warm_rebuild_reuses_pdfs_and_writes_only_new_ones(inspector: Built, tmp_path: Path) -> None:
    assert counts(inspector.run) == (7, 7, 0)  # the first build wrote every PDF
    s, out = copies(inspector, tmp_path)
    before = snapshot(out)
    inode = (out / "tep" / APPROVED).stat().st_ino

    assert counts(build(s.root, s.env, out)) == (7, 0, 7)
    assert (out / "tep" / APPROVED).stat().st_ino == inode  # hard-linked from the previous site
    after_warm = snapshot(out)
    assert {k for k in before if before[k] != after_warm[k]} <= {"build-info.json"}

    new = f"{KHBD}/tuan-06-toan-6a.pdf"
    s.write(new, make_pdf("Kế hoạch bài dạy Tuần 6 – Toán 6A"))
    at(s.env, "2024-09-21T08:00:00+07:00")
    s.commit("thêm tuần 6", new)
    assert counts(build(s.root, s.env, out)) == (8, 1, 7)
    oid = ls_tree(s.root, s.env)[new]
    assert git_blob_id((out / "tep" / new).read_bytes()) == oid


# ---- 7. hostile and damaged input -------------------------------------------------------------------


def test_markup_in_a_pdf_title_is_shown_as_text(inspector: Built) -> None:
    out = inspector.out
    page = article(out / OWNER_PAGE)
    hostile = entry(page, HOSTILE)
    assert hostile.find("h2").text() == HOSTILE_TITLE  # shown, as text
    assert not hostile.find_all("script") and not hostile.find_all("a", href="javascript:alert(1)")
    raw = (out / OWNER_PAGE).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    inline = 0
    for path in html_pages(out):
        assert "<script>alert" not in path.read_text(encoding="utf-8").lower(), path
        doc = parse(path)
        for node in doc.iter():
            for name in ("href", "src", "action", "formaction", "data"):
                value = node.attrs.get(name, "").strip().lower()
                assert not value.startswith(("javascript:", "data:text/html", "vbscript:")), (
                    path,
                    node.attrs,
                )
            if node.tag == "script" and not node.attrs.get("src"):
                inline += 1
                assert "alert(1)" not in "".join(c for c in node.children if isinstance(c, str)), path
        content = doc.find_all("article")
        for node in (n for a in content for n in a.iter()):  # the generated part: no event handlers
            assert not [a for a in node.attrs if a.startswith("on")], (path, node.tag, node.attrs)
    assert inline > 0  # Material's own inline scripts were looked at
    # in the search data the title is data, escaped by Pagefind's UI when shown
    meta = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert {r["path"]: r["title"] for r in meta["records"]}[HOSTILE] == HOSTILE_TITLE


# ---- 8. command-line errors ----------------------------------------------------------------------------


def test_cli_errors_are_one_clear_vietnamese_line(school: School, inspector: Built, tmp_path: Path) -> None:
    env = school.env
    outside = tmp_path / "khong-phai-kho"
    outside.mkdir()
    run = hoso(outside, env, "site", "build")
    assert run.code == 2
    assert_clean_failure(run, "không phải kho Git", str(outside))

    bare = tmp_path / "kho-trong"
    bare.mkdir()
    git(bare, env, "init", "-q")
    run = hoso(bare, env, "site", "build")
    assert run.code == 10
    assert_clean_failure(run, "thiếu tệp cấu hình trang", "mkdocs.yml")
    (bare / "mkdocs.yml").write_text("site_name: Trường\n", encoding="utf-8")
    run = hoso(bare, env, "site", "build")
    assert run.code == 10
    assert_clean_failure(run, "chưa có commit nào")

    run = hoso(school.root, env, "site", "serve", "--no-build", "--out", str(tmp_path / "chua-dung"))
    assert run.code == 10
    assert_clean_failure(run, "chưa có trang đã dựng", "hoso site build")

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = hoso(
            school.root, env, "site", "serve", "--no-build", "--out", str(inspector.out), "--port", str(port)
        )
    assert run.code == 2
    assert_clean_failure(run, f"không mở được 127.0.0.1:{port}", "--port")


def test_serve_serves_the_built_site_on_loopback(inspector: Built) -> None:
    school = inspector.school
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hoso",
            "site",
            "serve",
            "--no-build",
            "--out",
            str(inspector.out),
            "--port",
            "0",
        ],
        cwd=school.root,
        env=school.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match and "Ctrl+C" in line, line
        base = match.group(0)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, no proxy
        with opener.open(base + "index.html", timeout=30) as resp:
            assert resp.status == 200 and resp.headers.get_content_type() == "text/html"
            assert "Trường THCS Thử Nghiệm" in resp.read().decode("utf-8")
        with opener.open(base + "tep/" + APPROVED, timeout=30) as resp:
            assert resp.headers.get_content_type() == "application/pdf"
            assert resp.read() == (inspector.out / "tep" / APPROVED).read_bytes()
        with opener.open(base + "index.json", timeout=30) as resp:
            assert resp.headers.get_content_type() == "application/json"
            assert json.loads(resp.read())["schema_version"] == 2
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl+C
        try:
            _, rest = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
    assert proc.returncode == 0, rest
    assert "đã dừng trang tra cứu" in rest and "Traceback" not in rest


# ---- 9. English -----------------------------------------------------------------------------------------


def test_english_messages(school: School, tmp_path: Path) -> None:
    env = {**school.env, "HOSO_LANG": "en"}
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    run = hoso(outside, env, "site", "build")
    assert run.code == 2
    assert_clean_failure(run, "is not a Git repository")
    run = hoso(school.root, env, "site", "serve", "--no-build", "--out", str(tmp_path / "none"))
    assert_clean_failure(run, "no built site in", "hoso site build")
    run = hoso(school.root, env, "site", "build", "--out", str(tmp_path / "site"))
    assert run.code == 0, run.text
    assert (
        run.err.startswith("site built: ")
        and "7 records" in run.err
        and "7 PDFs written, 0 reused" in run.err
    )
    assert not re.search(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", run.err.lower())
