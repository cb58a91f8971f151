"""`hoso validate-config`: every error names file:line, and the line is the right one.

Test files: the school repository of conftest.py (catalog.yml from `hoso init --level thcs`,
PEOPLE_YML from conftest.py); each test breaks one line of it with a text replacement.
"""

from __future__ import annotations

import json

import pytest
from conftest import GV, School, cli, run_subprocess

from hoso.errors import ExitCode
from hoso.messages import vi


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not found")


def fragment(key: str) -> str:
    """A fixed piece of the Vietnamese message (before its first placeholder, or all of it)."""
    template = vi.MESSAGES[key]
    head = template.split("{")[0].strip(" '")
    return head if len(head) >= 8 else template.split("}")[-1].strip(" '")[:30]


# (id, file, old text, new text, message key, text of the line the error must point at)
ERRORS = [
    (
        "bad-slug-id",
        "people.yml",
        f"- id: {GV}\n",
        "- id: Nguyen Van An\n",
        "config.hint-slug",
        "Nguyen Van An",
    ),
    ("missing-key", "people.yml", "    name: Nguyễn Văn An\n", "", "config.missing", f"- id: {GV}"),
    ("bad-date", "people.yml", "from: 2022-08-01", "from: 2024-13-01", "config.date", "2024-13-01"),
    ("unknown-role", "people.yml", "role: hieu-truong", "role: hieu-pho", "config.unknown-role", "hieu-pho"),
    (
        "unknown-group",
        "people.yml",
        "group: to-khoa-hoc-xa-hoi",
        "group: to-khong-co",
        "config.unknown-group",
        "to-khong-co",
    ),
    (
        "yaml-syntax",
        "people.yml",
        "name: Lê Văn Cường",
        "name: Lê Văn: Cường",
        "config.yaml-syntax",
        "Lê Văn:",
    ),
    ("bad-level", "catalog.yml", "level: thcs", "level: dai-hoc", "config.choice", "level: dai-hoc"),
    (
        "bad-fingerprint",
        "people.yml",
        "label: USB token",
        "label: USB token\n      - sha256: 'ABCD'",
        "config.hint-fingerprint",
        "'ABCD'",
    ),
    (
        "to-truong-without-group",
        "people.yml",
        "        group: to-khoa-hoc-tu-nhien\n        from: 2021",
        "        from: 2021",
        "config.role-needs-group",
        "role: to-truong",
    ),
]


@pytest.mark.parametrize(("name", "file", "old", "new", "key", "at"), ERRORS, ids=[e[0] for e in ERRORS])
def test_error_has_file_and_right_line(
    school_repo: School, capsys, name: str, file: str, old: str, new: str, key: str, at: str
) -> None:
    school_repo.edit(file, old, new)
    expected_line = line_of(school_repo.read(file), at)
    run = cli(capsys, "validate-config")
    assert run.code == ExitCode.CONFIG, run.text
    assert "Traceback" not in run.text
    assert f"{file}:{expected_line}: lỗi: " in run.err, run.err
    assert fragment(key) in run.err, run.err
    assert "Cấu hình có" in run.err

    data = json.loads(cli(capsys, "validate-config", "--format", "json").out)
    assert data["ok"] is False
    assert {"file": file, "line": expected_line, "id": key} in [
        {k: i[k] for k in ("file", "line", "id")} for i in data["issues"]
    ]


def test_non_utf8_file(school_repo: School, capsys) -> None:
    # a name saved in a legacy 8-bit encoding (é as the single byte 0xE9)
    text = school_repo.read("people.yml").replace("Phạm Thị Dung", "Ph\x00m Thi Dung")
    data = text.encode("utf-8").replace(b"\x00", b"\xe9")
    (school_repo.root / "people.yml").write_bytes(data)
    run = cli(capsys, "validate-config")
    assert run.code == ExitCode.CONFIG
    assert f"people.yml:{line_of(text, 'Ph')}: lỗi: " in run.err
    assert "UTF-8" in run.err


def test_unknown_key_is_a_warning_with_its_line(school_repo: School, capsys) -> None:
    school_repo.edit(
        "people.yml", "    name: Phạm Thị Dung\n", "    name: Phạm Thị Dung\n    nickname: Dung\n"
    )
    school_repo.edit("catalog.yml", "  pending_on_main: true", "  pending_on_main: true\n  max_size: 5")
    people_line = line_of(school_repo.read("people.yml"), "nickname:")
    catalog_line = line_of(school_repo.read("catalog.yml"), "max_size: 5")
    run = cli(capsys, "validate-config")
    assert run.code == ExitCode.OK, run.text
    assert f"people.yml:{people_line}: cảnh báo: " in run.err
    assert "'nickname'" in run.err
    assert f"catalog.yml:{catalog_line}: cảnh báo: " in run.err
    assert "Cấu hình hợp lệ" in run.err

    data = json.loads(cli(capsys, "validate-config", "--format", "json").out)
    assert data["ok"] is True
    assert {(i["file"], i["line"], i["severity"]) for i in data["issues"]} == {
        ("people.yml", people_line, "warning"),
        ("catalog.yml", catalog_line, "warning"),
    }
    # a warning does not stop a check either
    assert cli(capsys, "check", "--all").code == ExitCode.OK


def test_valid_config(school_repo: School, capsys) -> None:
    run = cli(capsys, "validate-config")
    assert run.code == 0
    assert run.out == ""
    assert "4 người" in run.err


def test_english(school_repo: School, capsys, monkeypatch) -> None:
    school_repo.edit("people.yml", "role: hieu-truong", "role: hieu-pho")
    monkeypatch.setenv("HOSO_LANG", "en")
    run = cli(capsys, "validate-config")
    assert run.code == ExitCode.CONFIG
    assert ": error: " in run.err and "hieu-pho" in run.err
    assert "lỗi" not in run.err


def test_several_errors_are_all_listed(school_repo: School, capsys) -> None:
    school_repo.edit("people.yml", "role: hieu-truong", "role: hieu-pho")
    school_repo.edit("people.yml", "group: to-khoa-hoc-xa-hoi", "group: to-khong-co")
    run = cli(capsys, "validate-config")
    assert run.code == ExitCode.CONFIG
    assert "hieu-pho" in run.err and "to-khong-co" in run.err
    assert "Cấu hình có 2 lỗi." in run.err


def test_missing_people_file(school_repo: School, capsys) -> None:
    (school_repo.root / "people.yml").unlink()
    run = cli(capsys, "validate-config")
    assert run.code == ExitCode.CONFIG
    assert "people.yml: lỗi: " in run.err and "hoso init" in run.err


def test_check_refuses_to_run_on_a_broken_config(school_repo: School, capsys) -> None:
    school_repo.edit("people.yml", "from: 2022-08-01", "from: 2024-13-01")
    run = cli(capsys, "check", "--all")
    assert run.code == ExitCode.CONFIG
    assert "people.yml:" in run.err and "hoso validate-config" in run.err


def test_dates_out_of_order(school_repo: School, capsys) -> None:
    school_repo.edit("people.yml", "until: 2025-07-31", "until: 2023-07-31")
    run = cli(capsys, "validate-config")
    assert run.code == ExitCode.CONFIG
    assert f"people.yml:{line_of(school_repo.read('people.yml'), 'until: 2023-07-31')}: " in run.err


def test_subprocess_no_traceback_on_garbage(school_repo: School) -> None:
    (school_repo.root / "catalog.yml").write_bytes(b"\x00\xff\xfe garbage ::: [")
    run = run_subprocess(["validate-config"], cwd=school_repo.root)
    assert run.code == ExitCode.CONFIG
    assert "Traceback" not in run.text
    assert "catalog.yml" in run.err
