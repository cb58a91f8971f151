"""Malformed inputs: each gives its rule id, its message and fix, its exit code, never a traceback.

Every bad file is made in the test from the generators in conftest.py (see its docstring);
the cases run at three levels: the rule engine (library), `hoso.cli.main` (in-process) and
`python -m hoso` (subprocess).
"""

from __future__ import annotations

import json
import os
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from conftest import (
    GROUP_TN,
    GV,
    GV_ONE_YEAR,
    HTML_AS_PDF,
    LFS_POINTER,
    TO_TRUONG,
    YEAR,
    School,
    cli,
    encrypted_pdf,
    gv_path,
    make_pdf,
    run_subprocess,
    truncated_pdf,
    zero_page_pdf,
)

from hoso.config import load_config
from hoso.errors import ExitCode
from hoso.evidence import EvidenceCache
from hoso.git.objects import Entry, MemoryReader, blob_id
from hoso.messages import en, vi
from hoso.rules import engine
from hoso.rules.base import Context, Subject


def literal_fragment(template: str) -> str:
    """The longest fixed piece of a message template (the part between {placeholders})."""
    pieces = [literal for literal, _, _, _ in string.Formatter().parse(template)]
    return max(pieces, key=len).strip()


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[School], list[str]]  # makes the bad file(s), returns the paths to check
    rule: str
    code: ExitCode

    def __str__(self) -> str:
        return self.id


def _one(rel: str, data: bytes | Callable[[], bytes]) -> Callable[[School], list[str]]:
    def build(school: School) -> list[str]:
        school.write(rel, data() if callable(data) else data)
        return [rel]

    return build


def _too_large(school: School) -> list[str]:
    # a 0.001 MB (1 KB) limit instead of writing a 10 MB file
    school.edit("catalog.yml", "max_size_mb: 10 ", "max_size_mb: 0.001 ")
    rel = gv_path(GV)
    school.write(rel, make_pdf())
    return [rel]


def _nfd(school: School) -> list[str]:
    name = unicodedata.normalize("NFD", "bài-1.pdf")
    assert name != unicodedata.normalize("NFC", name)
    rel = f"records/{YEAR}/gv/{GV}/ke-hoach-bai-day/{name}"
    school.write(rel, make_pdf())
    return [rel]


def _symlink(school: School) -> list[str]:
    target = gv_path(GV)
    school.write(target, make_pdf())
    link = gv_path(GV, slug="lien-ket")
    os.symlink("bai-1.pdf", school.root / link)
    return [link]


def _case_collision(school: School) -> list[str]:
    school.write(gv_path(GV), make_pdf())
    school.write(gv_path(GV, slug="BAI-1"), make_pdf())
    return [f"records/{YEAR}/gv/{GV}/ke-hoach-bai-day"]  # the folder: both names in one view


def _type_level(school: School) -> list[str]:
    type_id = school.add_type_for_other_level()
    rel = f"records/{YEAR}/truong/{type_id}/danh-sach-tre.pdf"
    school.write(rel, make_pdf())
    return [rel]


FORMAT, MISPLACED = ExitCode.FORMAT, ExitCode.MISPLACED

CASES: list[Case] = [
    Case("html-renamed", _one(gv_path(GV), HTML_AS_PDF), "format.not-pdf", FORMAT),
    Case("truncated", _one(gv_path(GV), truncated_pdf), "format.truncated", FORMAT),
    Case("encrypted", _one(gv_path(GV), encrypted_pdf), "format.encrypted", FORMAT),
    Case("empty", _one(gv_path(GV), b""), "format.empty", FORMAT),
    Case("zero-pages", _one(gv_path(GV), zero_page_pdf), "format.no-pages", FORMAT),
    Case("too-large", _too_large, "format.too-large", FORMAT),
    Case("lfs-pointer", _one(gv_path(GV), LFS_POINTER), "format.lfs-pointer", FORMAT),
    # 'а' below is CYRILLIC SMALL LETTER A (U+0430), not the Latin 'a'
    Case("cyrillic-lookalike", _one(gv_path(GV, slug="b\u0430i-1"), make_pdf), "placement.slug", MISPLACED),
    Case("nfd-name", _nfd, "hygiene.not-nfc", MISPLACED),
    Case("symlink", _symlink, "hygiene.symlink", MISPLACED),
    Case("stray-txt", _one(f"records/{YEAR}/ghi-chu.txt", b"ghi chu\n"), "hygiene.stray-file", MISPLACED),
    Case("case-collision", _case_collision, "hygiene.case-collision", MISPLACED),
    Case("wrong-year", _one(gv_path(GV, year="2024-2026"), make_pdf), "placement.year", MISPLACED),
    Case(
        "unknown-type",
        _one(f"records/{YEAR}/truong/so-khong-co/bien-ban.pdf", make_pdf),
        "placement.type-unknown",
        MISPLACED,
    ),
    Case(
        "type-wrong-owner",
        _one(f"records/{YEAR}/truong/ke-hoach-bai-day/bai-1.pdf", make_pdf),
        "placement.type-owner",
        MISPLACED,
    ),
    Case("unknown-teacher", _one(gv_path("khong-co-ai"), make_pdf), "placement.owner-unknown", MISPLACED),
    Case(
        "teacher-without-role",
        _one(gv_path(GV_ONE_YEAR, year="2025-2026"), make_pdf),
        "placement.owner-role",
        MISPLACED,
    ),
    Case(
        "unknown-group",
        _one(f"records/{YEAR}/to/to-khong-co/ke-hoach-giao-duc-cua-to/ke-hoach.pdf", make_pdf),
        "placement.group-unknown",
        MISPLACED,
    ),
    Case("type-other-level", _type_level, "placement.type-level", MISPLACED),
]

# The empty page tree: pypdf reads /Count 0 and reports no pages, so hoso says format.no-pages.
# A PDF library that refused the empty tree outright would make it format.unreadable; both
# tell the user the same thing (export the PDF again), so either is accepted.
ALTERNATIVES = {"format.no-pages": {"format.no-pages", "format.unreadable"}}


def assert_clean(run_text: str, code: int) -> None:
    assert "Traceback" not in run_text
    assert code != ExitCode.INTERNAL


def rules_in(output: str) -> set[str]:
    found = set()
    for line in output.splitlines():
        parts = line.split(": ")
        if len(parts) >= 3 and parts[1].count(".") == 1:
            found.add(parts[1])
    return found


@pytest.mark.parametrize("case", CASES, ids=str)
def test_check_cli_reports_rule_message_fix_and_code(case: Case, school_repo: School, capsys) -> None:
    paths = case.build(school_repo)
    run = cli(capsys, "check", *paths)
    assert_clean(run.text, run.code)
    accepted = ALTERNATIVES.get(case.rule, {case.rule})
    found = rules_in(run.out)
    assert found & accepted, run.text
    rule = next(iter(found & accepted))
    assert run.code == case.code
    # one line per problem: path: rule: problem — fix, in Vietnamese by default
    assert literal_fragment(vi.MESSAGES[rule]) in run.out
    assert literal_fragment(vi.MESSAGES[rule + ".fix"]) in run.out
    assert "Đã kiểm tra" in run.err


@pytest.mark.parametrize("case", CASES, ids=str)
def test_check_subprocess_never_shows_a_traceback(case: Case, school_repo: School) -> None:
    paths = case.build(school_repo)
    run = run_subprocess(["check", *paths], cwd=school_repo.root)
    assert_clean(run.text, run.code)
    assert run.code == case.code, run.text
    assert rules_in(run.out) & ALTERNATIVES.get(case.rule, {case.rule}), run.text


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["check", "records/2024-2025/khong-co.pdf"], ExitCode.NOT_FOUND),
        (["check", "../ngoai-kho.pdf"], ExitCode.USAGE),
        (["check"], ExitCode.USAGE),
        (["check", "--all", "--staged"], ExitCode.USAGE),
        (["khong-co-lenh"], ExitCode.USAGE),
        (["add", "khong-co.pdf", "--type", "ke-hoach-bai-day"], ExitCode.NOT_FOUND),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, list) else str(int(v)),
)
def test_usage_errors_subprocess(args: list[str], code: ExitCode, school_repo: School) -> None:
    (school_repo.root.parent / "ngoai-kho.pdf").write_bytes(make_pdf())
    run = run_subprocess(args, cwd=school_repo.root)
    assert_clean(run.text, run.code)
    assert run.code == code, run.text
    assert run.err.strip()


def test_broken_config_subprocess_is_a_config_error(school_repo: School) -> None:
    (school_repo.root / "people.yml").write_bytes(b"people: [\n")
    run = run_subprocess(["check", "--all"], cwd=school_repo.root)
    assert_clean(run.text, run.code)
    assert run.code == ExitCode.CONFIG
    assert "people.yml:" in run.err


# ---- the same failures in English ----------------------------------------------------------


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.id in {"html-renamed", "teacher-without-role", "symlink"}], ids=str
)
def test_english_messages(case: Case, school_repo: School, capsys, monkeypatch) -> None:
    paths = case.build(school_repo)
    vi_run = cli(capsys, "check", *paths)
    monkeypatch.setenv("HOSO_LANG", "en")
    en_run = cli(capsys, "check", *paths)
    assert en_run.code == vi_run.code == case.code
    assert literal_fragment(en.MESSAGES[case.rule]) in en_run.out
    assert literal_fragment(en.MESSAGES[case.rule + ".fix"]) in en_run.out
    assert literal_fragment(vi.MESSAGES[case.rule]) not in en_run.out
    assert "Checked" in en_run.err and "Đã kiểm tra" not in en_run.err


def test_english_owner_role_names_person_and_year(school_repo: School, capsys, monkeypatch) -> None:
    rel = gv_path(GV_ONE_YEAR, year="2023-2024")
    school_repo.write(rel, make_pdf())
    monkeypatch.setenv("HOSO_LANG", "en")
    run = cli(capsys, "check", rel)
    assert run.code == ExitCode.MISPLACED
    assert "placement.owner-role" in run.out
    assert "Phạm Thị Dung" in run.out and "2023-2024" in run.out


# ---- --format json ------------------------------------------------------------------------


def test_json_output_has_path_rule_message_fix(school_repo: School, capsys) -> None:
    expected = {}
    school_repo.write(gv_path(GV), HTML_AS_PDF)
    expected[gv_path(GV)] = "format.not-pdf"
    school_repo.write(gv_path(GV, slug="bai-2"), encrypted_pdf())
    expected[gv_path(GV, slug="bai-2")] = "format.encrypted"
    school_repo.write(gv_path(GV, year="2024-2026"), make_pdf())
    expected[gv_path(GV, year="2024-2026")] = "placement.year"
    school_repo.write(f"records/{YEAR}/ghi-chu.txt", b"x")
    expected[f"records/{YEAR}/ghi-chu.txt"] = "hygiene.stray-file"
    school_repo.write(gv_path("khong-co-ai"), make_pdf())
    expected[gv_path("khong-co-ai")] = "placement.owner-unknown"
    good = gv_path(GV, slug="bai-3")
    school_repo.write(good, make_pdf())

    run = cli(capsys, "check", "--all", "--format", "json")
    data = json.loads(run.out)  # stdout is nothing but the JSON document
    assert data["checked"] == len(expected) + 1
    assert data["exit_code"] == run.code == ExitCode.MISPLACED  # misplaced comes before format
    got = {f["path"]: f["rule"] for f in data["findings"] if f["severity"] == "error"}
    assert got == expected
    pending = {f["path"]: f["rule"] for f in data["findings"] if f["severity"] == "warning"}
    assert pending == {good: "signatures.missing"}  # unsigned, allowed here (see conftest)
    for f in data["findings"]:
        for key in ("path", "rule", "message", "fix"):
            assert isinstance(f[key], str) and f[key], (key, f)
        if f["severity"] == "error":
            assert f["exit_code"] in {int(ExitCode.MISPLACED), int(ExitCode.FORMAT)}
        else:
            assert (f["severity"], f["exit_code"]) == ("warning", int(ExitCode.UNSIGNED))
        assert literal_fragment(vi.MESSAGES[f["rule"]]) in f["message"]


def test_json_output_when_all_is_well(school_repo: School, capsys) -> None:
    school_repo.write(gv_path(GV), make_pdf())
    run = cli(capsys, "check", "--all", "--format", "json")
    data = json.loads(run.out)
    assert run.code == 0 and {k: data[k] for k in ("version", "checked", "exit_code")} == {
        "version": 1,
        "checked": 1,
        "exit_code": 0,
    }
    assert [(f["rule"], f["severity"]) for f in data["findings"]] == [("signatures.missing", "warning")]


# ---- library level: what git cannot store ---------------------------------------------------


def run_engine(school: School, paths: list[str], data: bytes | None = None):
    data = make_pdf() if data is None else data
    entries = [Entry(p, "100644", blob_id(data), len(data)) for p in paths]
    ctx = Context(
        config=load_config(school.root),
        source=MemoryReader(data),
        cache=EvidenceCache(None),
        all_paths=frozenset(paths),
    )
    return engine.run([Subject(e) for e in entries], ctx)


@pytest.mark.parametrize(
    "path",
    [
        f"records/{YEAR}/gv/{GV}/ke-hoach-bai-day/../../../../../etc/passwd.pdf",
        f"records/{YEAR}/../{YEAR}/gv/{GV}/ke-hoach-bai-day/bai-1.pdf",
        f"records/{YEAR}/./gv/{GV}/ke-hoach-bai-day/bai-1.pdf",
        f"records/{YEAR}//gv/{GV}/ke-hoach-bai-day/bai-1.pdf",
        f"records\\{YEAR}\\gv\\{GV}\\ke-hoach-bai-day\\bai-1.pdf",
    ],
)
def test_traversal_library(school_repo: School, path: str) -> None:
    result = run_engine(school_repo, [path])
    assert [(f.rule, f.exit_code) for f in result.findings] == [("hygiene.traversal", ExitCode.MISPLACED)]


def test_case_collision_library(school_repo: School) -> None:
    lower, upper = gv_path(GV), gv_path(GV, slug="Bai-1")
    result = run_engine(school_repo, [lower, upper])
    rules = {(f.path, f.rule) for f in result.findings}
    assert (lower, "hygiene.case-collision") in rules
    assert (upper, "hygiene.case-collision") in rules
    assert result.findings_for(lower)[0].params == {"other": upper}


def test_control_character_library(school_repo: School) -> None:
    result = run_engine(school_repo, [gv_path(GV, slug="bai\n1")])
    assert [f.rule for f in result.findings] == ["hygiene.control-char"]


def test_format_rule_skipped_once_hygiene_fails(school_repo: School) -> None:
    result = run_engine(school_repo, [f"records/{YEAR}/ghi-chu.txt"], HTML_AS_PDF)
    assert [f.rule for f in result.findings] == ["hygiene.stray-file"]


def test_placement_and_format_both_reported(school_repo: School) -> None:
    # placement does not block: a misplaced fake PDF gets both verdicts
    result = run_engine(school_repo, [gv_path("khong-co-ai")], HTML_AS_PDF)
    assert [f.rule for f in result.findings] == ["placement.owner-unknown", "format.not-pdf"]


# ---- what must pass ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rel",
    [
        gv_path(GV),
        gv_path(GV_ONE_YEAR),  # active in 2024-2025 only
        gv_path(TO_TRUONG, type_id="so-chu-nhiem", slug="so-chu-nhiem-6a"),
        gv_path(GV, year="2030-2031"),  # role without `until` stays active
        f"records/{YEAR}/to/{GROUP_TN}/ke-hoach-giao-duc-cua-to/ke-hoach-to-khtn.pdf",
        f"records/{YEAR}/truong/so-dang-bo/so-dang-bo-khoi-6.pdf",
    ],
)
def test_good_records_pass(school_repo: School, capsys, rel: str) -> None:
    school_repo.write(rel, make_pdf())
    run = cli(capsys, "check", rel)
    assert run.code == ExitCode.OK, run.text
    assert run.out.startswith(f"{rel}: signatures.missing: chờ duyệt") and run.out.count("\n") == 1
    assert "không có lỗi; 1 tệp chờ duyệt" in run.err
