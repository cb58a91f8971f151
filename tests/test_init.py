"""`hoso init --level`: a repository that passes validate-config, the right record types per level,
people.yml examples of that level, a .pre-commit-config.yaml pre-commit accepts (hoso's published
hook from its repository by default, or the `hoso` on PATH with --hook system), and a second run
that keeps what the school edited.

Test files: only what `hoso init` itself writes into tmp_path.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import REPO_ROOT, VENV_BIN, cli, make_school
from ruamel.yaml import YAML

from hoso.commands.init import INIT_LEVELS
from hoso.errors import ExitCode


def catalog_types(root: Path) -> dict[str, dict]:
    data = YAML(typ="safe").load((root / "catalog.yml").read_text(encoding="utf-8"))
    return {rt["id"]: rt for rt in data["record_types"]}


# type ids that must be there, type ids that must not
EXPECTED = {
    "thcs": (
        {"hoc-ba", "so-dang-bo", "so-ghi-dau-bai", "ke-hoach-bai-day", "ke-hoach-giao-duc-cua-to"},
        {"ho-so-quan-ly-tre", "bang-tong-hop-ket-qua-danh-gia", "so-theo-doi-tre"},
    ),
    "tieu-hoc": (
        {"hoc-ba", "bang-tong-hop-ket-qua-danh-gia", "so-ghi-chep-hop-to", "so-cong-tac-doi"},
        {"ho-so-quan-ly-tre", "so-ghi-dau-bai"},
    ),
    "mam-non": (
        {"ho-so-quan-ly-tre", "so-theo-doi-tre", "ke-hoach-nuoi-duong-cham-soc-giao-duc"},
        {"hoc-ba", "so-dang-bo", "bang-tong-hop-ket-qua-danh-gia", "ke-hoach-bai-day"},
    ),
}


@pytest.mark.parametrize("level", sorted(EXPECTED))
def test_init_level(tmp_path: Path, capsys, level: str) -> None:
    root = tmp_path / level
    run = cli(capsys, "init", str(root), "--level", level, "--name", "Trường Thử Nghiệm")
    assert run.code == ExitCode.OK, run.text
    for name in ("catalog.yml", "people.yml", "locks.yml", ".pre-commit-config.yaml", ".gitignore"):
        assert (root / name).is_file(), name
    assert (root / "records").is_dir() and (root / ".git").is_dir()

    types = catalog_types(root)
    must, must_not = EXPECTED[level]
    assert must <= set(types), must - set(types)
    assert not (must_not & set(types)), must_not & set(types)
    for rt in types.values():  # every kept type applies to this level
        assert rt.get("levels") is None or level in rt["levels"], rt["id"]
    assert f"level: {level}" in (root / "catalog.yml").read_text(encoding="utf-8")

    run = cli(capsys, "-C", str(root), "validate-config")
    assert run.code == ExitCode.OK, run.text
    assert "cảnh báo" not in run.err  # not even an unknown-key warning in what init writes
    # an empty school passes check --all too
    assert cli(capsys, "-C", str(root), "check", "--all").code == ExitCode.OK


def test_init_twice_keeps_edited_files(tmp_path: Path, capsys) -> None:
    root = tmp_path / "truong"
    assert cli(capsys, "init", str(root), "--level", "thcs").code == ExitCode.OK
    catalog = root / "catalog.yml"
    edited = catalog.read_text(encoding="utf-8").replace("Trường ...", "Trường THCS Hòa Bình", 1)
    edited += "# ghi chú của nhà trường\n"
    catalog.write_text(edited, encoding="utf-8")
    people_before = (root / "people.yml").read_bytes()

    run = cli(capsys, "init", str(root), "--level", "tieu-hoc")
    assert run.code == ExitCode.OK
    assert catalog.read_text(encoding="utf-8") == edited
    assert (root / "people.yml").read_bytes() == people_before
    assert "giữ nguyên (đã có): catalog.yml" in run.err
    assert "đã tạo kho Git mới" not in run.err  # the existing repository is reused
    assert not list(root.glob(".hoso-*.tmp"))


def test_init_in_current_directory(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli(capsys, "init", "--level", "thpt").code == ExitCode.OK
    assert "level: thpt" in (tmp_path / "catalog.yml").read_text(encoding="utf-8")


def test_init_bad_level(tmp_path: Path, capsys) -> None:
    run = cli(capsys, "init", str(tmp_path / "x"), "--level", "dai-hoc")
    assert run.code == ExitCode.USAGE
    assert "dai-hoc" in run.err and "mam-non" in run.err
    assert not (tmp_path / "x").exists()


def test_init_level_is_required(tmp_path: Path, capsys) -> None:
    run = cli(capsys, "init", str(tmp_path))
    assert run.code == ExitCode.USAGE
    assert "--level" in run.err


def test_init_then_school_people_validates(tmp_path: Path, capsys) -> None:
    school = make_school(tmp_path / "truong", level="tieu-hoc")
    run = cli(capsys, "-C", str(school.root), "validate-config")
    assert run.code == ExitCode.OK, run.text


# ---- people.yml examples of the school's own level -------------------------------------------

# tổ that must be among the examples, the classes the example teachers are gvcn of
LEVEL_PEOPLE = {
    "thcs": ({"to-khoa-hoc-tu-nhien", "to-khoa-hoc-xa-hoi"}, {"6A1"}),
    "thpt": ({"to-toan-tin", "to-ngu-van"}, {"10A1"}),
    "tieu-hoc": ({f"to-khoi-{k}" for k in range(1, 6)}, {"1A"}),
    "mam-non": ({"to-nha-tre", "to-mau-giao"}, {"Mẫu giáo 5 tuổi A1"}),
    "nhieu-cap": ({"to-khoi-1-2-3", "to-khoi-4-5", "to-khoa-hoc-tu-nhien"}, {"1A", "6A1"}),
}


@pytest.mark.parametrize("level", INIT_LEVELS)
def test_people_examples_are_of_the_level(tmp_path: Path, capsys, level: str) -> None:
    root = tmp_path / level
    assert cli(capsys, "init", str(root), "--level", level).code == ExitCode.OK
    text = (root / "people.yml").read_text(encoding="utf-8")
    data = YAML(typ="safe").load(text)
    groups = {g["id"]: g["name"] for g in data["groups"]}
    roles = [r for p in data["people"] for r in p["roles"]]
    must_groups, classes = LEVEL_PEOPLE[level]
    assert must_groups <= set(groups), must_groups - set(groups)
    assert {r["class"] for r in roles if r["role"] == "gvcn"} == classes
    assert all(r["group"] in groups for r in roles if r["role"] == "giao-vien")
    if level in ("tieu-hoc", "mam-non"):  # nothing of a THCS left in a primary or a pre-school
        assert "6A1" not in text and "Khoa học" not in text
    if level == "tieu-hoc":
        assert groups["to-khoi-1"] == "Tổ khối 1"
    run = cli(capsys, "-C", str(root), "validate-config")
    assert run.code == ExitCode.OK, run.text
    assert "cảnh báo" not in run.err


# ---- .pre-commit-config.yaml: pre-commit installs hoso, or uses the one on PATH ---------------


def precommit(root: Path) -> dict:
    return YAML(typ="safe").load((root / ".pre-commit-config.yaml").read_text(encoding="utf-8"))


def pre_commit_accepts(root: Path) -> None:
    proc = subprocess.run(
        [str(VENV_BIN / "pre-commit"), "validate-config", str(root / ".pre-commit-config.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_precommit_config_names_hosos_repository(tmp_path: Path, capsys) -> None:
    """By default the hook comes from where this hoso was installed from, at that commit (here:
    the clone the test venv installed in editable mode) — never a made-up address."""
    from hoso.commands.init import installed_from

    source = installed_from()
    assert source is not None  # the test venv installs hoso from this clone
    root = tmp_path / "truong"
    run = cli(capsys, "init", str(root), "--level", "thcs")
    assert run.code == ExitCode.OK
    config = precommit(root)
    assert config["repos"] == [{"repo": source[0], "rev": source[1], "hooks": [{"id": "hoso-check"}]}]
    assert source[0] == REPO_ROOT.resolve().as_uri()
    assert config["default_install_hook_types"] == ["pre-commit", "pre-push"]
    assert source[0] in run.err and "pre-commit" in run.err
    pre_commit_accepts(root)
    # the hook it names is the one hoso publishes, installed by pre-commit with language: python
    manifest = YAML(typ="safe").load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in manifest] == ["hoso-check"] and manifest[0]["language"] == "python"


def test_precommit_config_from_a_mirror_or_a_folder(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "ban-sao-hoso"
    folder.mkdir()
    root = tmp_path / "a"
    args = ["init", str(root), "--level", "thcs", "--hoso-repo", str(folder), "--hoso-rev", "v9.9.9"]
    assert cli(capsys, *args).code == ExitCode.OK
    assert precommit(root)["repos"][0] | {"hooks": None} == {
        "repo": folder.as_uri(),
        "rev": "v9.9.9",
        "hooks": None,
    }
    pre_commit_accepts(root)

    mirror = "https://git.truong.edu.vn/mirror/hoso.git"
    assert (
        cli(capsys, "init", str(tmp_path / "b"), "--level", "thcs", "--hoso-repo", mirror).code == ExitCode.OK
    )
    assert precommit(tmp_path / "b")["repos"][0]["repo"] == mirror


def test_precommit_config_system_hook(tmp_path: Path, capsys) -> None:
    root = tmp_path / "truong"
    run = cli(capsys, "init", str(root), "--level", "thcs", "--hook", "system")
    assert run.code == ExitCode.OK
    (repo,) = precommit(root)["repos"]
    assert repo["repo"] == "local"
    (hook,) = repo["hooks"]
    assert hook["language"] == "system" and hook["entry"] == "hoso check --staged"
    assert "PATH" in run.err
    pre_commit_accepts(root)
    assert (
        cli(capsys, "init", str(tmp_path / "x"), "--level", "thcs", "--hook", "docker").code == ExitCode.USAGE
    )
