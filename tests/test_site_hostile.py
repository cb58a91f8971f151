"""`hoso site build` against a pusher who controls the school repository (docs/site.md, "Trust").

A teacher with push access writes mkdocs.yml, site_src/ and every commit message; the build runs
on a build machine. Nothing of that may run code there, publish a file of that machine, mix the
public and the inspectors' editions, or put the text of a commit about a confidential record into
the public edition; a PDF edited inside a built site must not survive a rebuild.

The school is the one of tests/test_site.py (`_make_school`: the real `hoso init`, `submit`,
`reject`, `approve`); every test works on its own copy, with a copy of a site built once.
Each build is `python -m hoso site build` in a child process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import make_pdf
from test_site import (
    APPROVED,
    GV,
    OWNER_PAGE,
    PENDING,
    SECRET,
    TAMPERED,
    Built,
    School,
    _make_school,
    article,
    assert_clean_failure,
    at,
    blob,
    build,
    counts,
    entry,
    git,
    git_blob_id,
    leaks,
    leftovers,
    ls_tree,
    site_files,
    snapshot,
)

MARKER = "DA-CHAY-MA-TREN-MAY-DUNG"  # a file the pusher's code would create on the build machine
MACHINE_SECRET = "BI-MAT-CUA-MAY-DUNG-51c2"  # a file of the build machine, outside the repository
ENV_SECRET = "BIEN-MOI-TRUONG-BI-MAT-9d0e"
REASON_SENTINEL = "LY-DO-MAT-4b8e"
LOCK = Path(".git/hoso/site.lock")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Built:
    school = _make_school(tmp_path_factory.mktemp("hostile"))
    out = school.base / "site"
    run = build(school.root, school.env, out)
    assert run.code == 0, run.text
    return Built(school, out, run)


def fresh(base: Built, tmp_path: Path) -> tuple[School, Path]:
    """A copy of the school (caches warm) and of its last good site."""
    s = base.school.copy(tmp_path / "truong")
    out = tmp_path / "site"
    shutil.copytree(base.out, out)
    return s, out


def outside(tmp_path: Path) -> Path:
    """A file of the build machine that no site may publish."""
    path = tmp_path / "may-dung" / "bi-mat.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {MACHINE_SECRET}\n", encoding="utf-8")
    return path


def holds(out: Path, text: str) -> list[str]:
    needle = text.lower().encode()
    return sorted(rel for rel, data in site_files(out).items() if needle in data.lower())


# ---- 1. mkdocs.yml is presentation, never code ------------------------------------------------------

HOOK = f"import pathlib\npathlib.Path({str(MARKER)!r}).write_text('x')\n"
# MkDocs renders theme templates with a plain (not sandboxed) Jinja2 environment: an override
# template reaches Python. Checked by hand: with MkDocs 1.6 + Material 9, this file in a
# `custom_dir` creates the marker during `mkdocs build`.
TEMPLATE_SSTI = (
    '{% extends "base.html" %}\n{% block content %}'
    f"{{{{ lipsum.__globals__['os'].system('touch {MARKER}') }}}}"
    "{% endblock %}\n"
)

# case -> (mkdocs.yml after "site_name: …", files to write, the key the refusal names)
HOSTILE_CONFIGS: dict[str, tuple[str, dict[str, str], str]] = {
    "hooks": ("hooks:\n  - hook.py\n", {"hook.py": HOOK}, "hooks"),
    "plugins": ("plugins:\n  - offline\n  - macros\n", {}, "plugins"),
    "markdown_extensions": (
        "markdown_extensions:\n  - toc:\n      slugify: !!python/name:os.getcwd\n",
        {},
        "markdown_extensions",
    ),
    "python-apply": (
        f'site_description: !!python/object/apply:os.system ["touch {MARKER}"]\n',
        {},
        "!!python",
    ),
    "env-tag": ("site_description: !ENV HOSO_TEST_SECRET_ENV\n", {}, "!ENV"),
    "relative-tag": ("site_description: !relative $config_dir\n", {}, "!relative"),
    "extra_javascript": (
        "extra_javascript:\n  - x.js\n",
        {"site_src/x.js": "alert(1)\n"},
        "extra_javascript",
    ),
    "docs_dir": ("docs_dir: {outside}\n", {}, "docs_dir"),
    "site_dir": ("site_dir: /tmp/hoso-site-elsewhere\n", {}, "site_dir"),
    "custom_dir": (
        "theme:\n  name: material\n  custom_dir: overrides\n",
        {"overrides/main.html": TEMPLATE_SSTI},
        "theme.custom_dir",
    ),
    "inherit": ("INHERIT: khac.yml\n", {"khac.yml": "hooks:\n  - hook.py\n", "hook.py": HOOK}, "INHERIT"),
    "logo-tag": ("theme:\n  name: material\n  logo: !ENV HOME\n", {}, "!ENV"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_CONFIGS))
def test_mkdocs_yml_runs_no_code_and_takes_only_presentation(base: Built, tmp_path: Path, case: str) -> None:
    s, out = fresh(base, tmp_path)
    before = snapshot(out)
    extra, files, key = HOSTILE_CONFIGS[case]
    secret = outside(tmp_path)
    for rel, text in files.items():
        s.write(rel, text.encode("utf-8"))
    config = "site_name: Trường THCS Thử Nghiệm\n" + extra.replace("{outside}", str(secret.parent))
    (s.root / "mkdocs.yml").write_text(config, encoding="utf-8")
    env = {**s.env, "HOSO_TEST_SECRET_ENV": ENV_SECRET}

    run = build(s.root, env, out)
    assert run.code == 3, run.text
    assert_clean_failure(run, "mkdocs.yml", key, "trang cũ vẫn giữ nguyên")
    assert run.err.count("\n") == 1, run.err  # one line
    assert not (s.root / MARKER).exists() and not (s.root / "site_src" / MARKER).exists()
    assert not list(tmp_path.rglob(MARKER))
    assert snapshot(out) == before and leftovers(out) == []
    assert not Path("/tmp/hoso-site-elsewhere").exists()


def test_mkdocs_yml_refusal_in_english(base: Built, tmp_path: Path) -> None:
    s, out = fresh(base, tmp_path)
    (s.root / "mkdocs.yml").write_text("site_name: X\nhooks:\n  - hook.py\n", encoding="utf-8")
    run = build(s.root, {**s.env, "HOSO_LANG": "en"}, out)
    assert run.code == 3
    assert_clean_failure(run, "mkdocs.yml:2", "'hooks'", "is not allowed")


OLD_TEMPLATE = """\
site_name: "Trường THCS Thử Nghiệm — Hồ sơ, sổ sách"
docs_dir: site_src
site_dir: site
use_directory_urls: false
theme:
  name: material
  language: vi
  font: false
  features:
    - navigation.prune
    - navigation.top
    - toc.follow
plugins:
  - offline
  - privacy:
      assets_exclude:
        - unpkg.com/mermaid@11/*
markdown_extensions:
  - attr_list
  - tables
  - admonition
  - toc:
      permalink: true
extra_css:
  - _hoso/hoso.css
"""


def test_the_mkdocs_yml_older_hoso_wrote_still_builds(base: Built, tmp_path: Path) -> None:
    """What `hoso init` wrote before: those exact values are hoso's own, ignored with a note."""
    s, out = fresh(base, tmp_path)
    (s.root / "mkdocs.yml").write_text(OLD_TEMPLATE, encoding="utf-8")
    run = build(s.root, s.env, out)
    assert run.code == 0, run.text
    note, built = run.err.splitlines()
    assert "mẫu cũ" in note and "plugins" in note and "theme.features" in note, note
    assert built.startswith("đã dựng trang: ")
    # one value changed: no longer hoso's own, refused
    changed = OLD_TEMPLATE.replace("  - offline\n", "  - offline\n  - search\n")
    (s.root / "mkdocs.yml").write_text(changed, encoding="utf-8")
    assert_clean_failure(build(s.root, s.env, out), "mkdocs.yml:13", "'plugins'")


def test_presentation_keys_are_applied(base: Built, tmp_path: Path) -> None:
    s, out = fresh(base, tmp_path)
    s.write("site_src/hinh/logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>')
    s.write("site_src/hinh/icon.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    s.write("site_src/rieng.css", b".md-header { background: #004d40; }\n")
    s.write("site_src/gioi-thieu.md", "# Giới thiệu trường\n\nNội dung.\n".encode())
    (s.root / "mkdocs.yml").write_text(
        """\
site_name: "Trường Thử — Tra cứu hồ sơ"
site_description: Hồ sơ điện tử của trường
site_author: Văn thư
copyright: © 2025 Trường Thử
theme:
  name: material
  logo: hinh/logo.svg
  favicon: hinh/icon.png
  palette:
    - scheme: default
      primary: teal
      accent: amber
      toggle:
        icon: material/brightness-4
        name: Chế độ tối
    - scheme: slate
      primary: teal
      toggle:
        icon: material/brightness-7
        name: Chế độ sáng
nav:
  - Giới thiệu: gioi-thieu.md
extra_css:
  - rieng.css
""",
        encoding="utf-8",
    )
    run = build(s.root, s.env, out)
    assert run.code == 0, run.text
    assert "cảnh báo" not in run.err, run.err
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "Trường Thử — Tra cứu hồ sơ" in home and "© 2025 Trường Thử" in home
    page = (out / "gioi-thieu.html").read_text(encoding="utf-8")  # the home page has its own
    assert 'content="Hồ sơ điện tử của trường"' in page and 'content="Văn thư"' in home
    assert 'href="rieng.css"' in home and 'href="_hoso/hoso.css"' in home
    assert 'data-md-color-primary="teal"' in home and "hinh/icon.png" in home and "hinh/logo.svg" in home
    assert (out / "hinh" / "logo.svg").is_file() and (out / "gioi-thieu.html").is_file()
    assert "Giới thiệu" in home  # the hand-written page is in the navigation
    # hoso's own configuration is still the one built: Pagefind, no lunr, offline
    assert (out / "pagefind" / "pagefind-entry.json").is_file() and not (out / "search").exists()


def test_external_assets_of_hand_written_pages_are_not_fetched(base: Built, tmp_path: Path) -> None:
    """Material's privacy plugin would download them on the build machine (any address of its
    network) and publish the answer: hoso's configuration reports them instead."""
    s, out = fresh(base, tmp_path)
    s.write(
        "site_src/anh.md", b'# \xe1\xba\xa2nh\n\n<img src="http://169.254.169.254/latest/meta-data.png">\n'
    )
    run = build(s.root, s.env, out)
    assert run.code == 0, run.text
    assert "Couldn't retrieve" not in run.err and "Downloading" not in run.err, run.err
    assert "External file: http://169.254.169.254/latest/meta-data.png" in run.err
    assert not (out / "assets" / "external").exists()


def test_presentation_files_must_be_inside_site_src(base: Built, tmp_path: Path) -> None:
    s, out = fresh(base, tmp_path)
    before = snapshot(out)
    secret = outside(tmp_path)
    for config, words in (
        (f"theme:\n  logo: {secret}\n", ["theme.logo", str(secret)]),
        ("theme:\n  favicon: ../catalog.yml\n", ["theme.favicon", "../catalog.yml"]),
        ("extra_css:\n  - ../people.yml\n", ["extra_css", "../people.yml"]),
        ("nav:\n  - Bí mật: ../../../etc/passwd\n", ["nav", "../../../etc/passwd"]),
        ("nav:\n  - Ngoài: https://example.com/\n", ["nav", "https://example.com/"]),
        ("theme:\n  name: mkdocs\n", ["theme.name"]),
        ("site_name:\n  - a\n", ["site_name"]),
    ):
        text = "site_name: Trường\n" * ("site_name" not in config) + config
        (s.root / "mkdocs.yml").write_text(text, encoding="utf-8")
        run = build(s.root, s.env, out)
        assert run.code == 3, (config, run.text)
        assert_clean_failure(run, "mkdocs.yml", *words)
        assert snapshot(out) == before and leftovers(out) == []


# ---- 2. symlinks in site_src/ -----------------------------------------------------------------------------


def test_symlinks_in_site_src_are_refused(base: Built, tmp_path: Path) -> None:
    s, out = fresh(base, tmp_path)
    before = snapshot(out)
    secret = outside(tmp_path)

    link = s.root / "site_src" / "secret.md"
    link.symlink_to(secret)
    run = build(s.root, s.env, out)
    assert run.code != 0, run.text
    assert_clean_failure(run, "site_src/secret.md", "symlink", "trang cũ vẫn giữ nguyên")
    assert snapshot(out) == before and leftovers(out) == []
    link.unlink()

    folder = s.root / "site_src" / "tai-lieu"
    folder.symlink_to(secret.parent, target_is_directory=True)
    run = build(s.root, s.env, out)
    assert_clean_failure(run, "site_src/tai-lieu", "symlink")
    folder.unlink()

    nested = s.root / "site_src" / "a" / "b" / "logo.png"
    nested.parent.mkdir(parents=True)
    nested.symlink_to(secret)
    (s.root / "mkdocs.yml").write_text("site_name: Trường\ntheme:\n  logo: a/b/logo.png\n", encoding="utf-8")
    run = build(s.root, s.env, out)
    assert_clean_failure(run, "site_src/a/b/logo.png", "symlink")
    nested.unlink()

    # mkdocs.yml itself, and site_src/ as a whole
    (s.root / "mkdocs.yml").unlink()
    (s.root / "mkdocs.yml").symlink_to(secret)
    run = build(s.root, s.env, out)
    assert_clean_failure(run, "mkdocs.yml", "symlink")
    (s.root / "mkdocs.yml").unlink()
    (s.root / "mkdocs.yml").write_text("site_name: Trường\n", encoding="utf-8")
    shutil.rmtree(s.root / "site_src")
    (s.root / "site_src").symlink_to(secret.parent, target_is_directory=True)
    run = build(s.root, s.env, out)
    assert_clean_failure(run, "site_src", "symlink")
    assert snapshot(out) == before and leftovers(out) == []
    assert holds(out, MACHINE_SECRET) == []

    (s.root / "site_src").unlink()
    run = build(s.root, s.env, out)  # without them, the build goes through
    assert run.code == 0, run.text
    assert holds(out, MACHINE_SECRET) == []


# ---- 3. one build at a time, nothing shared between builds -------------------------------------------


def start(s: School, out: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "hoso", "site", "build", "--out", str(out), *extra],
        cwd=s.root,
        env=env or s.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def test_concurrent_inspector_and_public_builds_never_mix(base: Built, tmp_path: Path) -> None:
    s, _ = fresh(base, tmp_path)
    inspector_out, public_out = tmp_path / "site", tmp_path / "site-public"
    for attempt in range(5):
        first = start(s, inspector_out)
        second = start(s, public_out, "--audience", "public")
        results = [p.communicate(timeout=600) for p in (first, second)]
        for proc, (stdout, stderr) in zip((first, second), results, strict=True):
            assert proc.returncode == 0, (attempt, stdout, stderr)
            assert "Traceback" not in stderr
        assert leaks(public_out) == {}, attempt
        assert (inspector_out / "tep" / SECRET).is_file()
    # the builds wrote nothing into the work tree: the pages are generated in a folder per build
    assert git(s.root, s.env, "status", "--porcelain", "--ignored") == ""
    assert sorted(p.name for p in (s.root / "site_src").iterdir()) == ["huong-dan.md"]


def test_a_second_build_waits_for_the_first_or_says_why_it_stopped(base: Built, tmp_path: Path) -> None:
    fcntl = pytest.importorskip("fcntl")
    s, out = fresh(base, tmp_path)
    before = snapshot(out)
    lock = s.root / LOCK
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        run = build(s.root, {**s.env, "HOSO_SITE_LOCK_TIMEOUT": "1"}, out)
        assert run.code == 1, run.text
        assert "Traceback" not in run.err
        waited, stopped = run.err.splitlines()  # it said it waits, then why it stopped
        assert waited.startswith("đang chờ") and stopped.startswith("hoso: "), run.err
        for word in ("một lần dựng trang khác", "HOSO_SITE_LOCK_TIMEOUT", "trang cũ vẫn giữ nguyên"):
            assert word in stopped, run.err
        assert snapshot(out) == before

        proc = start(s, out, env={**s.env, "HOSO_SITE_LOCK_TIMEOUT": "300"})
        assert proc.stderr is not None
        lines: list[str] = []

        def read() -> None:
            for line in proc.stderr or []:
                lines.append(line)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        deadline = time.monotonic() + 120
        while not lines and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert lines and lines[0].startswith("đang chờ"), lines  # it says it waits, and waits
        assert proc.poll() is None
        fcntl.flock(held.fileno(), fcntl.LOCK_UN)
    assert proc.wait(timeout=600) == 0
    reader.join(timeout=30)
    assert lines[-1].startswith("đã dựng trang: "), lines


# ---- 4. the public edition shows no text of a commit about a confidential record -----------------------


def test_public_history_withholds_the_text_of_commits_touching_confidential_records(
    base: Built, tmp_path: Path
) -> None:
    s, _ = fresh(base, tmp_path)
    at(s.env, "2024-10-01T08:00:00+07:00", "Nguyễn Văn An", "an@example.edu.vn")
    s.write(PENDING, make_pdf("Kế hoạch bài dạy Tuần 2 – bản sửa"))
    s.write(SECRET, make_pdf("Học bạ — bản sửa"))
    git(s.root, s.env, "add", "--", PENDING, SECRET)
    message = (
        f"Sửa học bạ của em {REASON_SENTINEL} và tuần 2\n\n"
        f"Thân commit nói về {REASON_SENTINEL}.\n\n"
        f"Ly-do: điểm của em {REASON_SENTINEL} bị nhập sai\n"
    )
    git(s.root, s.env, "commit", "-q", "--no-verify", "-m", message)
    inspector_out, public_out = tmp_path / "site", tmp_path / "site-public"
    assert build(s.root, s.env, inspector_out).code == 0
    run = build(s.root, s.env, public_out, "--audience", "public")
    assert run.code == 0, run.text

    # the inspectors see the reason; the public edition has the event, not its text
    inspector_entry = entry(article(inspector_out / OWNER_PAGE), PENDING)
    assert REASON_SENTINEL in inspector_entry.text()
    public_entry = entry(article(public_out / OWNER_PAGE), PENDING)
    events = [li.text() for li in public_entry.find("ol", "hoso-history").find_all("li")]
    edit = [e for e in events if e.startswith("01/10/2024 08:00 — sửa — Nguyễn Văn An")]
    assert edit and "Lý do: không công bố trong bản công khai" in edit[0], events
    assert holds(public_out, REASON_SENTINEL) == []
    assert holds(public_out, "bị nhập sai") == []
    # a commit touching only public records keeps its reason in the public edition
    approved = entry(article(public_out / OWNER_PAGE), APPROVED).text()
    assert "Lý do: Thiếu mục tiêu bài học" in approved


# ---- 5. a PDF edited inside the previous site is not reused -----------------------------------------------


def test_a_pdf_tampered_in_the_previous_site_is_replaced_by_the_git_blob(base: Built, tmp_path: Path) -> None:
    s, out = fresh(base, tmp_path)
    blobs = ls_tree(s.root, s.env)
    good = blob(s.root, s.env, blobs[APPROVED])
    published = out / "tep" / APPROVED
    assert published.read_bytes() == good
    forged = bytearray(good)
    forged[len(forged) // 2] ^= 0x01  # same size, one bit changed
    published.write_bytes(bytes(forged))
    # another one replaced by a symlink to a copy outside the site (same bytes as the blob)
    elsewhere = tmp_path / "ngoai" / "tuan-03.pdf"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(blob(s.root, s.env, blobs[TAMPERED]))
    (out / "tep" / TAMPERED).unlink()
    (out / "tep" / TAMPERED).symlink_to(elsewhere)

    records, written, linked = counts(build(s.root, s.env, out))
    assert (records, written, linked) == (7, 2, 5)
    assert (out / "tep" / APPROVED).read_bytes() == good
    assert git_blob_id((out / "tep" / APPROVED).read_bytes()) == blobs[APPROVED]
    assert not (out / "tep" / TAMPERED).is_symlink()
    assert os.stat(out / "tep" / TAMPERED).st_ino != elsewhere.stat().st_ino
    for path, oid in blobs.items():
        assert (out / "tep" / path).read_bytes() == blob(s.root, s.env, oid), path


# ---- 6. replace refs do not change what is published ------------------------------------------------


def test_replace_refs_are_ignored(base: Built, tmp_path: Path) -> None:
    s, _ = fresh(base, tmp_path)
    blobs = ls_tree(s.root, s.env)
    git(s.root, s.env, "replace", blobs[APPROVED], blobs[PENDING])
    assert blob(s.root, s.env, blobs[APPROVED]) == blob(s.root, s.env, blobs[PENDING])  # git now lies
    run = build(s.root, s.env, tmp_path / "moi")
    assert run.code == 0, run.text
    assert git_blob_id((tmp_path / "moi" / "tep" / APPROVED).read_bytes()) == blobs[APPROVED]
    assert GV in (tmp_path / "moi" / "index.json").read_text(encoding="utf-8")


def test_names_reach_the_pages_as_text_never_as_markup(base: Built, tmp_path: Path) -> None:
    """The theme writes a page's title into <title> and its header without escaping; a person's
    name (people.yml), a tổ's or a type's name become page titles: they must arrive as text."""
    s, out = fresh(base, tmp_path)
    people = s.root / "people.yml"
    text = people.read_text(encoding="utf-8")
    name = next(
        line.split(":", 1)[1].strip() for line in text.splitlines() if line.strip().startswith("name:")
    )
    evil = "</title><script>alert('ten-gia')</script>"
    people.write_text(text.replace(name, f"{name.strip(chr(34))} {evil}", 1), encoding="utf-8")
    git(s.root, s.env, "commit", "-q", "--no-verify", "-am", "đổi tên")
    run = build(s.root, s.env, out)
    assert run.code == 0, run.text
    pages = {
        rel: data.decode("utf-8", "replace") for rel, data in site_files(out).items() if rel.endswith(".html")
    }
    assert not [rel for rel, page in pages.items() if "<script>alert('ten-gia')" in page]
    assert any("&lt;script&gt;alert(" in page for page in pages.values())  # shown, as text


def test_the_command_refuses_to_put_one_edition_over_the_other(base: Built, tmp_path: Path) -> None:
    """A cron line missing `--audience public` must not publish the inspectors' edition."""
    s, out = fresh(base, tmp_path)  # `out` holds the inspectors' edition
    before = snapshot(out)
    run = build(s.root, s.env, out, "--audience", "public")
    assert_clean_failure(run, str(out))
    assert snapshot(out) == before
    run = build(s.root, s.env, out, "--audience", "public", "--replace-other-audience")
    assert run.code == 0, run.text
    assert snapshot(out) != before
