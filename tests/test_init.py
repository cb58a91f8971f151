"""`hoso init --level`: a repository that passes validate-config, the right record types per level,
and a second run that keeps what the school edited.

Test files: only what `hoso init` itself writes into tmp_path.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import cli, make_school
from ruamel.yaml import YAML

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
