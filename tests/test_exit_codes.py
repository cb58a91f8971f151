"""Exit codes are a stable interface: distinct per class of problem, and documented in README.md.

No test files: README.md is read at test time.
"""

from __future__ import annotations

import re

import pytest
from conftest import REPO_ROOT, cli

from hoso.errors import EXIT_PRECEDENCE, ExitCode, worst

ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*`?([A-Z_]+)`?\s*\|", re.MULTILINE)


def test_pinned_numbers() -> None:
    pinned = {
        "OK": 0,
        "FAILED": 1,
        "USAGE": 2,
        "CONFIG": 3,
        "MISPLACED": 4,
        "FORMAT": 5,
        "UNSIGNED": 6,
        "SIGNATURE_INVALID": 7,
        "UNTRUSTED": 8,
        "HISTORY": 9,
        "NOT_FOUND": 10,
        "EXISTS": 11,
        "INTERNAL": 70,
        "INTERRUPTED": 130,
    }
    assert {m.name: int(m) for m in ExitCode} == pinned


def test_codes_are_distinct() -> None:
    values = [int(m) for m in ExitCode]
    assert len(values) == len(set(values))  # no aliases: each class of problem has its own code


def test_precedence_covers_every_failure_class() -> None:
    failures = set(ExitCode) - {ExitCode.OK, ExitCode.USAGE, ExitCode.NOT_FOUND, ExitCode.EXISTS}
    failures -= {ExitCode.INTERNAL, ExitCode.INTERRUPTED}
    assert set(EXIT_PRECEDENCE) == failures
    assert worst(set()) == ExitCode.OK
    assert worst({ExitCode.FORMAT, ExitCode.MISPLACED}) == ExitCode.MISPLACED
    assert worst({ExitCode.FORMAT, ExitCode.CONFIG}) == ExitCode.CONFIG


def test_readme_documents_every_exit_code() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    rows = {name: int(number) for number, name in ROW.findall(readme)}
    missing = [m.name for m in ExitCode if m.name not in rows]
    assert missing == [], "README.md exit code table lacks: " + ", ".join(missing)
    wrong = {name: (rows[name], int(ExitCode[name])) for name in rows if name in ExitCode.__members__}
    wrong = {k: v for k, v in wrong.items() if v[0] != v[1]}
    assert wrong == {}, "README.md gives the wrong number (readme, code)"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_help_lists_the_exit_codes(lang: str, capsys, monkeypatch) -> None:
    if lang == "en":
        monkeypatch.setenv("HOSO_LANG", "en")
    run = cli(capsys, "--help")
    assert run.code == 0
    for member in (ExitCode.CONFIG, ExitCode.MISPLACED, ExitCode.FORMAT, ExitCode.EXISTS, ExitCode.INTERNAL):
        assert re.search(rf"\b{int(member)}\b", run.out), member.name
    assert ("Mã thoát" in run.out) == (lang == "vi")
    assert ("Exit codes" in run.out) == (lang == "en")


def test_no_command_is_a_usage_error(capsys) -> None:
    run = cli(capsys)
    assert run.code == ExitCode.USAGE
    assert "hoso" in run.err


def test_version(capsys) -> None:
    run = cli(capsys, "--version")
    assert run.code == 0
    assert run.out.startswith("hoso ")
