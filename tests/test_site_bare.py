"""`hoso site build` in a repository without a work tree (the portal's mirror of a school).

site_src/, mkdocs.yml and the page templates of site_templates/ come from the commit built, never
from a folder: a bare repository has none that git wrote, and a folder named site_src/ inside it
is anyone's. What the scan of a work tree refuses (a symlink, anything but a regular file or a
folder) is refused in the commit's tree too, with the same message; so are names no folder could
hold and sizes beyond the caps. A bad template is refused before the records are collected; the
portal's copy of the site (`hand_written=False`) takes no template of the school's.

Test files, made at test time: one school from the real `hoso init` (tests/test_portal.make_school),
a bare clone of it, and hostile trees written into that clone with git's plumbing (`mktree`,
`commit-tree`): a symlink, a submodule entry, a file named "..", a symlinked mkdocs.yml, and
the same in site_templates/.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import test_site as S
from test_portal import make_school

from hoso.site import build as site_build
from hoso.site import sources
from hoso.site.build import build
from hoso.templating import TemplateError, builtin_folder
from hoso.templating.overrides import MAX_TEMPLATE_BYTES

COMMITTED = "TRANG-DA-COMMIT-7a31"
UNCOMMITTED = "TRANG-CHUA-COMMIT-2c90"
LOOSE = "TEP-TRONG-THU-MUC-KHO-TRAN-5e44"


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("bare")
    env = S.base_env(folder / "home")
    made = make_school(folder, env, "x", level="thcs", code="79000031", commune="Xã Một")
    return made.root, env


def run(root: Path, env: dict[str, str], *args: str, data: bytes | None = None) -> str:
    proc = subprocess.run(["git", *args], cwd=root, env=env, input=data, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.decode().strip()


def bare_clone(root: Path, env: dict[str, str], dest: Path) -> Path:
    run(root.parent, env, "clone", "-q", "--bare", "--no-local", str(root), str(dest))
    return dest


def holding(out: Path, text: str) -> list[str]:
    return sorted(rel for rel, data in S.site_files(out).items() if text.encode() in data)


def test_the_committed_pages_are_published_not_a_folders(
    school: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, env = school
    work = tmp_path / "x"
    shutil.copytree(root, work, symlinks=True)
    (work / "site_src" / "cam-ket.md").write_text(f"# Cam kết\n\n{COMMITTED}\n", encoding="utf-8")
    (work / "mkdocs.yml").write_text("site_name: Trường Đã Commit\n", encoding="utf-8")
    S.git(work, env, "add", "-A")
    S.git(work, env, "commit", "-q", "--no-verify", "-m", "trang cam kết")
    # the work tree changes after the commit: nothing of it is the commit's
    (work / "site_src" / "nhap.md").write_text(f"# Nháp\n\n{UNCOMMITTED}\n", encoding="utf-8")
    (work / "mkdocs.yml").write_text("site_name: Trường Chưa Commit\n", encoding="utf-8")
    bare = bare_clone(work, env, tmp_path / "x.git")
    (bare / "site_src").mkdir()  # a folder inside the git directory: never read
    (bare / "site_src" / "la.md").write_text(f"# Lạ\n\n{LOOSE}\n", encoding="utf-8")
    (bare / "mkdocs.yml").write_text("site_name: Trường Lạ\n", encoding="utf-8")

    out = tmp_path / "out"
    build(bare, "inspector", out, rev="main")

    assert holding(out, COMMITTED) and holding(out, "Trường Đã Commit")
    assert holding(out, UNCOMMITTED) == [] and holding(out, "Chưa Commit") == []
    assert holding(out, LOOSE) == [] and holding(out, "Trường Lạ") == []


def hostile_commit(bare: Path, env: dict[str, str], site_src: list[str], root_extra: list[str]) -> None:
    """main gets a commit whose site_src/ holds `site_src` (mktree lines) and whose root adds or
    replaces `root_extra` (mktree lines), written with git's plumbing: no work tree could hold it."""
    inner = run(bare, env, "mktree", data="".join(line + "\n" for line in site_src).encode())
    replaced = {line.split("\t", 1)[1] for line in root_extra} | {"site_src"}
    top = [
        line
        for line in run(bare, env, "ls-tree", "main").splitlines()
        if line.split("\t", 1)[1] not in replaced
    ]
    top += [f"040000 tree {inner}\tsite_src", *root_extra]
    tree = run(bare, env, "mktree", data="".join(line + "\n" for line in top).encode())
    commit = run(bare, env, "commit-tree", tree, "-p", "main", "-m", "cây lạ")
    run(bare, env, "update-ref", "refs/heads/main", commit)


@pytest.mark.parametrize(
    ("case", "key", "path"),
    [
        ("symlink", "site.symlink", "site_src/mat.md"),
        ("submodule", "site.special-file", "site_src/mo-dun"),
        ("dot-dot", "site.special-file", "site_src/.."),
        ("mkdocs-symlink", "site.symlink", "mkdocs.yml"),
        ("too-large", "site.source-too-large", "site_src/dai.md"),
        ("too-many", "site.sources-too-large", ""),
    ],
)
def test_links_odd_names_and_oversized_trees_are_refused(
    school: tuple[Path, dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    key: str,
    path: str,
) -> None:
    root, env = school
    bare = bare_clone(root, env, tmp_path / "x.git")
    page = run(bare, env, "hash-object", "-w", "--stdin", data=b"# Trang\n\nNoi dung.\n")
    target = run(bare, env, "hash-object", "-w", "--stdin", data=b"/etc/passwd")
    head = run(bare, env, "rev-parse", "main")
    inner, extra = [f"100644 blob {page}\thuong-dan.md"], []
    if case == "symlink":
        inner.append(f"120000 blob {target}\tmat.md")
    elif case == "submodule":
        inner.append(f"160000 commit {head}\tmo-dun")
    elif case == "dot-dot":
        inner.append(f"100644 blob {page}\t..")
    elif case == "mkdocs-symlink":
        extra.append(f"120000 blob {target}\tmkdocs.yml")
    elif case == "too-large":
        inner.append(f"100644 blob {page}\tdai.md")
        monkeypatch.setattr(sources, "MAX_FILE_BYTES", 8)
    else:
        inner += [f"100644 blob {page}\ttrang-{n}.md" for n in range(5)]
        monkeypatch.setattr(sources, "MAX_FILES", 3)
    hostile_commit(bare, env, inner, extra)
    out = tmp_path / "out"
    with pytest.raises(sources.SiteSourceError) as caught:
        build(bare, "inspector", out, rev="main")
    assert caught.value.key == key
    assert (path or "site_src/") in caught.value.render()  # the file, or the folder over its caps
    assert not out.exists()  # refused before anything was built


# ---- the page templates a school overrides (site_templates/) ---------------------------------------


def home_with(marker: str) -> str:
    """The built-in home page with `marker` as its last line."""
    return (builtin_folder("site") / "home.md.j2").read_text(encoding="utf-8") + f"\n{marker}\n"


def test_the_committed_templates_are_used_not_a_folders(
    school: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, env = school
    work = tmp_path / "x"
    shutil.copytree(root, work, symlinks=True)
    (work / "site_templates").mkdir()
    (work / "site_templates" / "home.md.j2").write_text(home_with(COMMITTED), encoding="utf-8")
    S.git(work, env, "add", "-A")
    S.git(work, env, "commit", "-q", "--no-verify", "-m", "mẫu trang riêng")
    (work / "site_templates" / "home.md.j2").write_text(home_with(UNCOMMITTED), encoding="utf-8")
    bare = bare_clone(work, env, tmp_path / "x.git")
    (bare / "site_templates").mkdir()  # a folder inside the git directory: never read
    (bare / "site_templates" / "home.md.j2").write_text(home_with(LOOSE), encoding="utf-8")

    out = tmp_path / "out"
    build(bare, "inspector", out, rev="main")
    assert holding(out, COMMITTED) == ["index.html"]
    assert holding(out, UNCOMMITTED) == [] and holding(out, LOOSE) == []

    # the portal's copy, served beside other schools' sites: the built-in templates only
    portal = tmp_path / "portal"
    build(bare, "inspector", portal, rev="main", hand_written=False)
    assert holding(portal, COMMITTED) == [] and holding(portal, LOOSE) == []


@pytest.mark.parametrize(
    ("case", "key", "path"),
    [
        ("symlink", "site.template-symlink", "site_templates/home.md.j2"),
        ("folder-symlink", "site.template-symlink", "site_templates"),
        ("folder-file", "site.template-special", "site_templates"),
        ("submodule", "site.template-special", "site_templates/owner.md.j2"),
        ("subfolder", "site.template-special", "site_templates/owner.md.j2"),
        ("unknown", "site.template-unknown", "site_templates/trang-chu.md.j2"),
        ("too-large", "site.template-too-large", "site_templates/home.md.j2"),
        ("encoding", "site.template-encoding", "site_templates/home.md.j2"),
        ("syntax", "site.template-failed", "site_templates/home.md.j2"),
    ],
)
def test_committed_templates_are_refused_before_the_records_are_collected(
    school: tuple[Path, dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    key: str,
    path: str,
) -> None:
    """A commit's site_templates/ gets the refusals of a work tree's, in a second: the records
    (a minute at 10,000) are not collected."""
    root, env = school
    bare = bare_clone(root, env, tmp_path / "x.git")

    def blob(data: bytes) -> str:
        return run(bare, env, "hash-object", "-w", "--stdin", data=data)

    page = blob(b"# Trang\n\nNoi dung.\n")
    target = blob(b"/etc/passwd")
    home = blob(b"# {{ about.school.name }}\n")
    head = run(bare, env, "rev-parse", "main")
    inner = [f"100644 blob {blob(b'')}\t.gitkeep"]  # dot files are ignored
    if case == "symlink":
        inner.append(f"120000 blob {target}\thome.md.j2")
    elif case == "submodule":
        inner.append(f"160000 commit {head}\towner.md.j2")
    elif case == "subfolder":
        sub = run(bare, env, "mktree", data=f"100644 blob {home}\tx.md.j2\n".encode())
        inner.append(f"040000 tree {sub}\towner.md.j2")
    elif case == "unknown":
        inner.append(f"100644 blob {home}\ttrang-chu.md.j2")
    elif case == "too-large":
        inner.append(f"100644 blob {blob(b'x' * (MAX_TEMPLATE_BYTES + 1))}\thome.md.j2")
    elif case == "encoding":
        latin = blob("# Hòa Bình\n".encode("latin-1"))
        inner.append(f"100644 blob {latin}\thome.md.j2")
    elif case == "syntax":
        inner.append(f"100644 blob {blob(b'{% for %}')}\thome.md.j2")
    if case == "folder-symlink":
        folder = f"120000 blob {target}\tsite_templates"
    elif case == "folder-file":
        folder = f"100644 blob {home}\tsite_templates"
    else:
        tree = run(bare, env, "mktree", data="".join(line + "\n" for line in inner).encode())
        folder = f"040000 tree {tree}\tsite_templates"
    hostile_commit(bare, env, [f"100644 blob {page}\thuong-dan.md"], [folder])
    collected: list[object] = []

    def collect(*args: object, **kwargs: object) -> None:
        collected.append(args)
        raise AssertionError("the records were collected before the templates were checked")

    monkeypatch.setattr(site_build, "collect", collect)
    out = tmp_path / "out"
    with pytest.raises(TemplateError) as caught:
        build(bare, "inspector", out, rev="main")
    assert caught.value.key == key
    assert path in caught.value.render()
    assert collected == [] and not out.exists()
