"""Page templates a school overrides (`site_templates/`, docs/site.md "Page templates a school can
override"), and the sandbox and budget the site shares with the portal (`hoso.templating`).

Whoever can push writes the override folder, and the build runs on a build machine: a template
may change what a page says, never run code there, read a file of it, turn a record's title into
markup, or keep the build busy for long. Test files: the school of tests/test_site.py (through
tests/test_site_hostile.py's `base` and `fresh`: a built site, copied per test) with templates
written here; the attacks also run in-process against an override folder, and against the
portal's renderer, which shares the sandbox.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from test_site import (
    HOSTILE_TITLE,
    OWNER_PAGE,
    Built,
    School,
    article,
    assert_clean_failure,
    build,
    git,
    leftovers,
    site_files,
    snapshot,
)
from test_site_hostile import MACHINE_SECRET, MARKER, base, fresh, holds, outside

from hoso import templating
from hoso.messages import t
from hoso.portal.pages import Renderer as PortalRenderer
from hoso.site import build as site_build
from hoso.site import pages
from hoso.templating.overrides import MAX_TEMPLATE_BYTES, overrides
from hoso.templating.render import Renderer
from hoso.templating.sandbox import PAGE_LIMIT_SECONDS

__all__ = ["base"]  # the built school, shared with tests/test_site_hostile.py

BUILTIN = templating.builtin_folder("site")


def home_with(extra: str) -> str:
    """The built-in home page with `extra` before its last section."""
    text = (BUILTIN / "home.md.j2").read_text(encoding="utf-8")
    head, sep, tail = text.partition('## {{ t_md("site.browse") }}')
    assert sep, "the built-in home page changed: update this test"
    return head + extra + "\n" + sep + tail


def commit_template(s: School, name: str, text: str) -> None:
    s.write(f"{pages.TEMPLATES_DIR}/{name}", text.encode("utf-8"))
    s.commit("mẫu trang riêng của trường", pages.TEMPLATES_DIR)


# ---- a school's own template -------------------------------------------------------------------------


def test_a_school_overrides_the_home_page_from_its_committed_tree(base: Built, tmp_path: Path) -> None:
    s, out = fresh(base, tmp_path)
    extra = (
        '<div class="truong-rieng"><p>Lời giới thiệu của {{ about.school.name }}: '
        "{{ pending.total }} hồ sơ chờ duyệt.</p>\n<ul>\n"
        '{% for r in pending.rows %}<li class="tieu-de">{{ r.title }}</li>\n{% endfor %}'
        "</ul></div>\n\n"
        "### {{ pending.rows[0].title }}\n"  # Markdown context, escaped for HTML only
    )
    commit_template(s, "home.md.j2", home_with(extra))
    assert git(s.root, s.env, "status", "--porcelain") == ""  # built from what is committed

    run = build(s.root, s.env, out)
    assert run.code == 0, run.text
    home = article(out / "index.html")
    own = home.find("div", "truong-rieng")
    assert "Lời giới thiệu của Trường THCS Thử Nghiệm" in own.find("p").text()
    titles = [li.text() for li in own.find_all("li", "tieu-de")]
    assert HOSTILE_TITLE in titles  # a record's title, shown as text
    raw = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in raw and "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    # the rest of the site is the built-in one, and the folder is never published
    assert article(out / OWNER_PAGE).find_all("div", "hoso-entry")
    assert not [rel for rel in site_files(out) if pages.TEMPLATES_DIR in rel]
    assert holds(out, "{% for r in pending.rows %}") == []  # the template itself is not published


def test_a_repository_without_a_work_tree_reads_the_templates_of_the_commit(
    base: Built, tmp_path: Path
) -> None:
    """The portal's mirror of a school has no work tree: its templates are those of the commit
    built, never a folder inside the git directory. The portal's copy of the site
    (`hand_written=False`: None here) takes none; tests/test_site_bare.py builds both."""
    s, _ = fresh(base, tmp_path)
    text = home_with('<p class="truong-rieng">Trang riêng</p>\n')
    commit_template(s, "home.md.j2", text)
    assert pages.renderer(s.root).replaced == {"home.md.j2": text}
    mirror = tmp_path / "guong.git"
    git(tmp_path, s.env, "clone", "-q", "--mirror", str(s.root), str(mirror))
    (mirror / pages.TEMPLATES_DIR).mkdir()
    (mirror / pages.TEMPLATES_DIR / "search.md.j2").write_text("# Lạ\n", encoding="utf-8")  # never read
    assert pages.renderer(mirror).replaced == {"home.md.j2": text}
    assert pages.renderer(mirror, "HEAD~1").replaced == {}  # the commit asked for, not the latest
    assert pages.renderer(None).replaced == {}


@pytest.mark.parametrize(
    ("name", "text", "key"),
    [
        ("home.md.j2", "{% for %}", "site.template-failed"),
        ("trang-chu.md.j2", "# x\n", "site.template-unknown"),
    ],
    ids=["syntax", "unknown"],
)
def test_a_bad_template_fails_before_the_records_are_collected(
    base: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str, key: str
) -> None:
    """Templates are read and compiled first: a bad one fails in a second, not after the minute
    collecting 10,000 records takes."""
    s, out = fresh(base, tmp_path)
    s.write(f"{pages.TEMPLATES_DIR}/{name}", text.encode("utf-8"))
    collected: list[object] = []

    def collect(*args: object, **kwargs: object) -> None:
        collected.append(args)
        raise AssertionError("the records were collected before the templates were checked")

    monkeypatch.setattr(site_build, "collect", collect)
    with pytest.raises(templating.TemplateError) as caught:
        site_build.build(s.root, out=out)
    assert caught.value.key == key and collected == []


def test_values_are_escaped_whatever_the_template_writes() -> None:
    attacks = {
        "html": '<p class="x">{{ r.title }}</p>',
        "markdown": "# {{ r.title }}",
        "attribute": '<a title="{{ r.title }}">x</a>',
        "message": '{{ t_md("site.more", count=r.title) }}',
        "concat": '{{ "<b>" ~ r.title }}',
        "joined": '{{ [r.title, "x"] | join(", ") }}',
    }
    r = renderer({"search.md.j2": "\n".join(attacks.values())})
    title = "<script>alert(1)</script>\"'"
    out = r.render("search", "tim-kiem.md", r=Row(title))
    assert "<script>" not in out and "<b>" not in out
    assert out.count("&lt;script&gt;") == len(attacks)


class Row:
    """A record row as a template sees one (a plain object: its attributes pass the sandbox)."""

    def __init__(self, title: str) -> None:
        self.title = title


# ---- attacks: each stops the build with one line naming the file, the last good site stays -----------

ESCAPES = {
    "class": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "globals": "{{ t.__globals__['os'].system('touch " + MARKER + "') }}",
    "lipsum": "{{ lipsum.__globals__['os'].system('touch " + MARKER + "') }}",
    "cycler": "{{ cycler.__init__.__globals__.os.popen('touch " + MARKER + "').read() }}",
    "href": "{{ href.__globals__ }}",
    "format": "{{ '{0.__class__}'.format(href) }}",
    "mutate": "{{ statuses.append('x') }}",
    "autoescape": "{% autoescape false %}{{ src }}{% endautoescape %}",
    "safe": "{{ src | safe }}",
    "include": '{% include "../../../etc/passwd" %}',
    "huge": "{{ 'x' * 1000000000 }}",
    "doubled": (
        "{% set ns = namespace(s='xxxxxxxx') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
        "{% endfor %}{{ ns.s | length }}"
    ),
    "power": "{{ 10 ** 10000000 }}",
    "percent": "{{ '%0999999999d' % 1 }}",
    "recursion": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
}


def renderer(files: dict[str, str]) -> Renderer:
    return Renderer("site", files, pages.TEMPLATES_DIR, globals={"statuses": ["da-duyet"]})


@pytest.mark.parametrize("case", sorted(ESCAPES))
def test_sandbox_escapes_fail_naming_the_template(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(templating.TemplateError) as caught:  # when compiled, or when rendered
        renderer({"search.md.j2": ESCAPES[case]}).render("search", "tim-kiem.md")
    said = t(caught.value.key, **caught.value.params)
    assert f"{pages.TEMPLATES_DIR}/search.md.j2" in said and "trang cũ vẫn giữ nguyên" in said
    assert not (tmp_path / MARKER).exists()


@pytest.mark.parametrize(
    "loops",
    [
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "{% for a in records %}{% for b in records %}{% for c in records %}{{ a }}{% endfor %}{% endfor %}"
        "{% endfor %}",
        "{% for i in range(100000) %}{{ records | join(',') }}{% endfor %}",
    ],
    ids=["range", "records", "join"],
)
def test_a_runaway_template_stops_within_its_budget(loops: str) -> None:
    r = renderer({"search.md.j2": loops})
    started = time.monotonic()
    with pytest.raises(templating.TemplateError) as caught:
        r.render("search", "tim-kiem.md", records=list(range(1000)))
    took = time.monotonic() - started
    assert caught.value.key == "site.template-budget", caught.value.key
    assert took < PAGE_LIMIT_SECONDS + 2.0, took
    said = t(caught.value.key, **caught.value.params)
    assert f"{pages.TEMPLATES_DIR}/search.md.j2" in said and "giây" in said


def test_the_portal_shares_the_sandbox_and_the_budget(tmp_path: Path) -> None:
    folder = tmp_path / "mau-trang"
    folder.mkdir()
    (folder / "home.md.j2").write_text(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", encoding="utf-8"
    )
    (folder / "year.md.j2").write_text(ESCAPES["globals"], encoding="utf-8")
    r = PortalRenderer(folder)
    with pytest.raises(templating.TemplateError) as caught:
        r.render("home", "index.md")
    assert caught.value.key == "portal.template-budget"
    assert str(folder / "home.md.j2") in t(caught.value.key, **caught.value.params)
    with pytest.raises(templating.TemplateError) as caught:
        r.render("year", "nam-hoc/2024-2025.md")
    assert caught.value.key == "portal.template-failed"
    (folder / "trang-chu.md.j2").write_text("x", encoding="utf-8")
    with pytest.raises(templating.TemplateError) as caught:
        PortalRenderer(folder)
    assert caught.value.key == "portal.template-unknown"


def test_refused_override_files(tmp_path: Path) -> None:
    folder = tmp_path / pages.TEMPLATES_DIR
    folder.mkdir()
    (folder / ".gitkeep").write_text("", encoding="utf-8")  # ignored
    assert overrides(folder, "site", pages.TEMPLATES_DIR) == {}

    def refused(key: str, *words: str) -> None:
        with pytest.raises(templating.TemplateError) as caught:
            overrides(folder, "site", pages.TEMPLATES_DIR)
        assert caught.value.key == f"site.template-{key}", caught.value.key
        said = t(caught.value.key, **caught.value.params)
        for word in words:
            assert word in said, said

    secret = outside(tmp_path)
    (folder / "home.md.j2").symlink_to(secret)
    refused("symlink", "site_templates/home.md.j2", "symlink")
    (folder / "home.md.j2").unlink()

    (folder / "trang-chu.md.j2").write_text("# x\n", encoding="utf-8")
    refused("unknown", "site_templates/trang-chu.md.j2", "home.md.j2", "owner.md.j2")
    (folder / "trang-chu.md.j2").unlink()

    (folder / "home.md.j2").write_bytes(b"x" * (MAX_TEMPLATE_BYTES + 1))
    refused("too-large", "site_templates/home.md.j2", "256 KB")
    (folder / "home.md.j2").write_bytes("Hòa Bình".encode("latin-1", "replace") + b"\xff")
    refused("encoding", "site_templates/home.md.j2", "UTF-8")
    (folder / "home.md.j2").unlink()

    os.mkfifo(folder / "owner.md.j2")
    refused("special", "site_templates/owner.md.j2")
    (folder / "owner.md.j2").unlink()

    shutil.rmtree(folder)
    folder.symlink_to(secret.parent, target_is_directory=True)
    refused("symlink", "site_templates")


def test_built_in_templates_are_one_layout() -> None:
    """Shared macros, the site's and the portal's templates: no name in two places, so an
    override replaces exactly one file."""
    shared = {p.name for p in templating.builtin_folder("shared").glob("*.md.j2")}
    site = {p.name for p in BUILTIN.glob("*.md.j2")}
    portal = {p.name for p in templating.builtin_folder("portal").glob("*.md.j2")}
    assert shared and site and portal
    assert not shared & site and not shared & portal
    assert set(templating.builtin_names("site")) == site | shared


# ---- the same attacks through `hoso site build` --------------------------------------------------------

BUILD_ATTACKS = {
    "budget": (
        "owner.md.j2",
        "{% for a in records %}{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}"
        "{% endfor %}{% endfor %}",
        "giây",
    ),
    "escape": ("home.md.j2", ESCAPES["lipsum"], "SecurityError"),
    "unknown": ("trang-chu.md.j2", "# Trang chủ\n", "home.md.j2"),
    "symlink": ("home.md.j2", None, "symlink"),
}


@pytest.mark.parametrize("case", sorted(BUILD_ATTACKS))
def test_a_bad_template_stops_the_build_and_the_last_site_stays(
    base: Built, tmp_path: Path, case: str
) -> None:
    s, out = fresh(base, tmp_path)
    before = snapshot(out)
    name, text, word = BUILD_ATTACKS[case]
    path = s.root / pages.TEMPLATES_DIR / name
    path.parent.mkdir()
    if text is None:
        path.symlink_to(outside(tmp_path))
    else:
        path.write_text(text, encoding="utf-8")
    run = build(s.root, s.env, out)
    assert_clean_failure(run, f"{pages.TEMPLATES_DIR}/{name}", word, "trang cũ vẫn giữ nguyên")
    assert run.err.count("\n") == 1, run.err
    assert snapshot(out) == before and leftovers(out) == []
    assert not list(tmp_path.rglob(MARKER)) and holds(out, MACHINE_SECRET) == []


def test_a_refusal_in_english(base: Built, tmp_path: Path) -> None:
    s, out = fresh(base, tmp_path)
    (s.root / pages.TEMPLATES_DIR).mkdir()
    (s.root / pages.TEMPLATES_DIR / "home.md.j2").write_text(ESCAPES["class"], encoding="utf-8")
    run = build(s.root, {**s.env, "HOSO_LANG": "en"}, out)
    assert_clean_failure(run, "site_templates/home.md.j2", "failed", "the previous site is kept")
