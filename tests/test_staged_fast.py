"""`hoso check --staged` costs what the commit changes (issue 13, item 3).

What the no-op path must not do is tested by counting, never by a timer: no configuration
loaded or validated, no read of the whole index (only `git diff --cached`), and, in a child
process, none of pydantic, ruamel.yaml, pyHanko or pypdf imported. What must still happen is
tested too: a staged record is fully checked (case collisions included, found by pathspec), a
staged people.yml is validated with its line numbers, and the configuration cache
(`.git/hoso/config/`) is keyed by content, detects damage and edits, and falls back quietly.

Test files: the school of conftest.py (`hoso init --level thcs` + PEOPLE_YML), make_pdf() and
HTML_AS_PDF; the demo school's catalog.yml, people.yml and locks.yml copied into a new repository.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import GV, HTML_AS_PDF, PEOPLE_YML, REPO_ROOT, YEAR, School, cli, git, gv_path, make_pdf

from hoso.commands import check
from hoso.config import cache as config_cache
from hoso.config import loader
from hoso.errors import ConfigError, ExitCode

HEAVY = ("pydantic", "pydantic_core", "ruamel", "pyhanko", "pyhanko_certvalidator", "pypdf", "pypdfium2")


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


class Calls:
    """Counts calls of functions replaced on their modules (the originals still run)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch
        self.log: dict[str, list[tuple[Any, ...]]] = {}

    def watch(self, module: Any, name: str) -> None:
        original: Callable[..., Any] = getattr(module, name)
        calls = self.log.setdefault(name, [])

        def counted(*args: Any, **kwargs: Any) -> Any:
            calls.append(args)
            return original(*args, **kwargs)

        self._monkeypatch.setattr(module, name, counted)

    def __getitem__(self, name: str) -> list[tuple[Any, ...]]:
        return self.log[name]


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    from hoso.git import bundle, history, objects, process, refs, worktree

    c = Calls(monkeypatch)
    for name in ("load_config", "validate_config", "read_yaml"):
        c.watch(loader, name)
    c.watch(worktree, "index_entries")
    for module in (process, objects, worktree, history, refs, bundle):  # every git command they run
        c.watch(module, "run_git")
    return c


def git_commands(c: Calls) -> list[list[str]]:
    return [list(args[1]) for args in c["run_git"]]


def child_modules(root: Path, *args: str) -> tuple[int, str, set[str]]:
    """Run `hoso ARGS` in a new interpreter; its exit code, stderr and loaded modules."""
    code = (
        "import json, sys\n"
        "from hoso.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "sys.stdout.write('\\nMODULES=' + json.dumps(sorted(sys.modules)) + '\\n')\n"
        "raise SystemExit(code)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=root, capture_output=True, text=True, timeout=120
    )
    line = proc.stdout.rsplit("MODULES=", 1)[1]
    return proc.returncode, proc.stderr, set(json.loads(line))


def heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in HEAVY}


# ---- nothing relevant staged: nothing read, nothing imported ------------------------------------


def test_nothing_staged_reads_no_configuration_and_no_index(school_repo: School, capsys, calls) -> None:
    run = cli(capsys, "check", "--staged")
    assert run.code == ExitCode.OK, run.text
    assert "Đã kiểm tra 0 tệp" in run.err
    assert calls["load_config"] == [] and calls["validate_config"] == [] and calls["read_yaml"] == []
    assert calls["index_entries"] == []
    # one git call beyond locating the repository: the staged changes, nothing of the index
    assert [cmd[:2] for cmd in git_commands(calls)] == [["diff", "--cached"]]


def test_unrelated_staged_file_reads_nothing(school_repo: School, capsys, calls) -> None:
    school_repo.write("ghi-chu.txt", b"notes")
    school_repo.write("site_src/huong-dan.md", b"# H\xc6\xb0\xe1\xbb\x9bng d\xe1\xba\xabn\n")
    school_repo.stage("ghi-chu.txt", "site_src/huong-dan.md")
    # even a broken configuration on disk is not read: no rule needs it for this commit
    school_repo.write("people.yml", b"\x00 not yaml [")
    run = cli(capsys, "check", "--staged", "--format", "json")
    assert run.code == ExitCode.OK, run.text
    assert json.loads(run.out) == {"version": 1, "checked": 0, "exit_code": 0, "findings": []}
    assert calls["load_config"] == [] and calls["validate_config"] == [] and calls["index_entries"] == []
    assert [cmd[:2] for cmd in git_commands(calls)] == [["diff", "--cached"]]


def test_no_op_imports_no_heavy_library(school_repo: School) -> None:
    school_repo.write("ghi-chu.txt", b"notes")
    school_repo.stage("ghi-chu.txt")
    code, err, modules = child_modules(school_repo.root, "check", "--staged")
    assert code == ExitCode.OK, err
    assert "Đã kiểm tra 0 tệp" in err
    assert heavy(modules) == set()
    # nor hoso's own configuration loader, rules or caches
    assert {"hoso.config.loader", "hoso.rules", "hoso.evidence", "sqlite3"}.isdisjoint(modules)
    assert "hoso.commands.check" in modules  # (the probe sees the command that ran)


# ---- configuration staged: validated, from the cache when unchanged -----------------------------


def test_staged_catalog_is_validated_without_walking_the_index(school_repo: School, capsys, calls) -> None:
    school_repo.edit("catalog.yml", "Trường THCS Thử Nghiệm", "Trường THCS Thử Nghiệm Mới")
    school_repo.stage("catalog.yml")
    for args in (("check", "--staged"), ("check", "--staged", "catalog.yml")):
        run = cli(capsys, *args)
        assert run.code == ExitCode.OK, run.text
        assert "Đã kiểm tra 0 tệp" in run.err
    # pre-commit's form names catalog.yml: the index is read for that path only
    assert [c[1:] for c in calls["index_entries"]] == [(["catalog.yml"],)]
    assert all(cmd[:2] != ["ls-files", "--stage"] or "--" in cmd for cmd in git_commands(calls))
    assert len(calls["validate_config"]) == 2
    # parsed once (the first run), then answered from the cache
    assert sorted(args[1] for args in calls["read_yaml"]) == ["catalog.yml", "locks.yml", "people.yml"]


def test_unchanged_configuration_staged_imports_neither_pydantic_nor_ruamel(school_repo: School) -> None:
    school_repo.edit("catalog.yml", "Trường THCS Thử Nghiệm", "Trường THCS Thử Nghiệm Mới")
    school_repo.stage("catalog.yml")
    code, err, modules = child_modules(school_repo.root, "check", "--staged", "catalog.yml")
    assert code == ExitCode.OK, err
    assert {"pydantic", "ruamel.yaml"} <= modules  # the first time: parsed and validated
    code, err, modules = child_modules(school_repo.root, "check", "--staged", "catalog.yml")
    assert code == ExitCode.OK, err
    assert heavy(modules) == set()


def test_staged_people_error_is_reported_with_its_line(school_repo: School, capsys) -> None:
    assert cli(capsys, "validate-config").code == ExitCode.OK  # the valid file is cached
    school_repo.edit("people.yml", "until: 2025-07-31", "until: 2023-07-31")
    school_repo.stage("people.yml")
    line = line_of(school_repo.read("people.yml"), "until: 2023-07-31")
    runs = [cli(capsys, *args) for args in (("check", "--staged"), ("check", "--staged", "people.yml"))]
    fresh = cli(capsys, "check", "--staged", "--no-cache")
    for run in [*runs, fresh]:
        assert run.code == ExitCode.CONFIG, run.text
        assert f"people.yml:{line}: lỗi: " in run.err
    assert runs[0].err == runs[1].err == fresh.err  # the same words and lines as without the cache


def test_same_size_edit_with_the_same_mtime_is_read_again(school_repo: School, capsys) -> None:
    assert cli(capsys, "validate-config").code == ExitCode.OK
    people = school_repo.root / "people.yml"
    before = people.stat()
    school_repo.edit("people.yml", "from: 2022-08-01", "from: 2022-13-01")  # an impossible month
    os.utime(people, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert people.stat().st_size == before.st_size and people.stat().st_mtime_ns == before.st_mtime_ns
    school_repo.stage("people.yml")
    run = cli(capsys, "check", "--staged")
    assert run.code == ExitCode.CONFIG, run.text
    assert f"people.yml:{line_of(school_repo.read('people.yml'), '2022-13-01')}: lỗi: " in run.err


def test_a_warning_is_the_same_from_the_cache(school_repo: School, capsys) -> None:
    school_repo.edit("people.yml", "  - id: nguyen-van-an\n", "  - id: nguyen-van-an\n    nickname: An\n")
    school_repo.stage("people.yml")
    first, second = cli(capsys, "check", "--staged"), cli(capsys, "check", "--staged")
    fresh = cli(capsys, "check", "--staged", "--no-cache")
    assert first.code == second.code == fresh.code == ExitCode.OK
    line = line_of(school_repo.read("people.yml"), "nickname: An")
    assert f"people.yml:{line}: cảnh báo: " in first.err
    assert first.err == second.err == fresh.err


# ---- records staged: fully checked --------------------------------------------------------------


def test_staged_record_is_fully_checked(school_repo: School, capsys, calls) -> None:
    bad, good = gv_path(GV, slug="bai-2"), gv_path(GV)
    school_repo.write(bad, HTML_AS_PDF)
    school_repo.write(good, make_pdf())
    school_repo.stage(bad, good)
    run = cli(capsys, "check", "--staged")
    assert run.code == ExitCode.FORMAT, run.text
    assert f"{bad}: format.not-pdf" in run.out
    assert "Đã kiểm tra 2 tệp" in run.err
    assert len(calls["load_config"]) == 1
    assert calls["index_entries"] == []  # the staged changes came from `git diff --cached`
    listings = [cmd for cmd in git_commands(calls) if cmd[0] == "ls-files"]
    assert listings and all("--" in cmd and cmd[-1].startswith(":(icase,literal)") for cmd in listings)


def test_only_what_the_commit_changes_is_judged(school_repo: School, capsys) -> None:
    committed = gv_path(GV, slug="cu")
    school_repo.write(committed, HTML_AS_PDF)
    school_repo.stage(committed)
    school_repo.commit()  # --no-verify: already in the history, judged by CI and the server
    new = gv_path(GV)
    school_repo.write(new, make_pdf())
    school_repo.stage(new)
    run = cli(capsys, "check", "--staged")
    assert run.code == ExitCode.OK, run.text
    assert "Đã kiểm tra 1 tệp" in run.err
    # a path names the staged version of whatever it covers, changed or not
    assert cli(capsys, "check", "--staged", f"records/{YEAR}").code == ExitCode.FORMAT


def test_case_collision_with_an_unchanged_file_is_found(school_repo: School, capsys) -> None:
    rel = gv_path(GV)
    school_repo.write(rel, make_pdf())
    school_repo.stage(rel)
    school_repo.commit()
    # staged without touching the disk (a case-insensitive disk would merge the two names)
    oid = git(school_repo.root, "hash-object", "-w", str(school_repo.root / rel)).stdout.strip()
    upper = rel.replace("bai-1.pdf", "Bai-1.pdf")
    school_repo.git("update-index", "--add", "--cacheinfo", f"100644,{oid},{upper}")
    run = cli(capsys, "check", "--staged")
    assert f"{upper}: hygiene.case-collision" in run.out, run.text
    assert rel in run.out


def test_a_submodule_hidden_by_the_users_diff_config_is_still_judged(school_repo: School, capsys) -> None:
    school_repo.git("config", "diff.ignoreSubmodules", "all")
    school_repo.git("config", "diff.renames", "copies")
    head = school_repo.git("rev-parse", "HEAD").stdout.strip()
    rel = f"records/{YEAR}/truong/so-dang-bo/mo-dun"
    school_repo.git("update-index", "--add", "--cacheinfo", f"160000,{head},{rel}")
    run = cli(capsys, "check", "--staged")
    assert run.code == ExitCode.MISPLACED, run.text
    assert f"{rel}: hygiene.submodule" in run.out


def test_index_paths_ignoring_case_without_listing_the_index(school_repo: School) -> None:
    from hoso.git.worktree import index_paths_ignoring_case

    oid = (
        subprocess.run(
            ["git", "hash-object", "-w", "--stdin"], cwd=school_repo.root, input=b"x", capture_output=True
        )
        .stdout.decode()
        .strip()
    )
    names = [
        "records/a/Bai.pdf",
        "records/a/\u212a.pdf",  # KELVIN SIGN: casefolds to "k"
        "records/a/\ufb01le.pdf",  # LATIN SMALL LIGATURE FI: casefolds to "fi"
        "records/\u00e9/x.pdf",
        "records/\u00c9/x.pdf",
        "records/a/other.pdf",
    ]
    for name in names:
        school_repo.git("update-index", "--add", "--cacheinfo", f"100644,{oid},{name}")
    root = school_repo.root
    assert index_paths_ignoring_case(root, ["records/a/bai.pdf"]) == {"records/a/Bai.pdf"}
    assert index_paths_ignoring_case(root, ["records/a/k.pdf"]) == {"records/a/\u212a.pdf"}
    assert index_paths_ignoring_case(root, ["records/a/FILE.pdf"]) == {"records/a/\ufb01le.pdf"}
    assert index_paths_ignoring_case(root, ["records/\u00e9/X.pdf"]) == {
        "records/\u00e9/x.pdf",
        "records/\u00c9/x.pdf",
    }
    assert index_paths_ignoring_case(root, ["records/a/K.PDF".replace("K", "\u212a")]) == {
        "records/a/\u212a.pdf"
    }
    assert index_paths_ignoring_case(root, []) == frozenset()
    many = [f"records/a/khong-co-{i:05d}.pdf" for i in range(2000)]  # several git calls
    assert index_paths_ignoring_case(root, [*many, "records/a/OTHER.pdf"]) == {"records/a/other.pdf"}


def test_first_commit_of_a_new_repository(tmp_path: Path, capsys) -> None:
    root = tmp_path / "moi"
    assert cli(capsys, "init", str(root), "--level", "thcs").code == 0
    (root / "people.yml").write_text(PEOPLE_YML, encoding="utf-8")
    rel = gv_path(GV)
    (root / rel).parent.mkdir(parents=True)
    (root / rel).write_bytes(HTML_AS_PDF)
    git(root, "add", "-A")
    assert git(root, "rev-parse", "-q", "--verify", "HEAD", check=False).returncode != 0  # no commit yet
    run = cli(capsys, "-C", str(root), "check", "--staged")
    assert run.code == ExitCode.FORMAT, run.text
    assert f"{rel}: format.not-pdf" in run.out


# ---- the configuration cache: keyed by content, checked when read -------------------------------


def entries(root: Path, prefix: str) -> list[Path]:
    return sorted((root / ".git" / "hoso" / "config").glob(f"{prefix}-*.json"))


def test_cached_models_equal_fresh_ones(tmp_path: Path, capsys) -> None:
    """The demo school's configuration (every feature the templates use): the models and
    warnings read back from the cache are those parsing and validating gives."""
    root = tmp_path / "demo"
    root.mkdir()
    git(root, "init", "-q")
    for name in loader.CONFIG_FILES:
        shutil.copyfile(REPO_ROOT / name, root / name)
    fresh = loader.load_config(root, cache=False)
    assert not (root / ".git" / "hoso" / "config").exists()
    first = loader.load_config(root)
    assert len(entries(root, "people")) == len(entries(root, "catalog")) == 1
    again = loader.load_config(root)
    for config in (first, again):
        assert config.catalog == fresh.catalog
        assert config.people == fresh.people
        assert config.locks == fresh.locks
        assert config.warnings == fresh.warnings
    assert again.people.person(fresh.people.people[0].id) == fresh.people.people[0]
    assert loader.validate_config(root) == fresh.warnings


def test_entry_is_never_used_across_versions(school_repo: School, capsys, calls, monkeypatch) -> None:
    root = school_repo.root
    loader.load_config(root)
    loader.load_config(root)
    assert len(calls["read_yaml"]) == 3  # parsed once
    monkeypatch.setattr(config_cache, "__version__", "99.0.0")
    loader.load_config(root)
    assert len(calls["read_yaml"]) == 6  # another hoso: parsed again
    monkeypatch.setattr(config_cache, "CACHE_SCHEMA", config_cache.CACHE_SCHEMA + 1)
    assert loader.validate_config(root) == []
    assert len(calls["read_yaml"]) == 9  # another schema: the verdict is not taken either
    monkeypatch.setattr(loader, "MAX_YAML_EVENTS", 10)  # other bounds: refused, not remembered
    with pytest.raises(ConfigError):
        loader.load_config(root)


def test_edited_entry_is_detected_and_replaced(school_repo: School, capsys) -> None:
    root = school_repo.root
    assert cli(capsys, "validate-config").code == ExitCode.OK
    [entry] = entries(root, "people")
    data = json.loads(entry.read_text(encoding="utf-8"))
    person = next(p for p in data["model"]["people"] if p["id"] == GV)
    person["name"] = "Kẻ Mạo Danh"
    person["certificates"].append({"sha256": "ab" * 32, "label": None})
    entry.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")  # digest not redone
    config = loader.load_config(root)
    assert config.people.person(GV).name == "Nguyễn Văn An"
    assert len(config.people.person(GV).certificates) == 1
    rewritten = json.loads(entry.read_text(encoding="utf-8"))  # parsed again, written again
    assert next(p for p in rewritten["model"]["people"] if p["id"] == GV)["name"] == "Nguyễn Văn An"


def test_entry_of_other_bytes_is_not_taken(school_repo: School, capsys) -> None:
    """An entry copied under the name of another people.yml's key (digest intact) is refused:
    its header names other bytes."""
    root = school_repo.root
    loader.load_config(root)
    [old] = entries(root, "people")
    school_repo.edit("people.yml", "name: Nguyễn Văn An", "name: Nguyễn Văn Bình")
    raw = (root / "people.yml").read_bytes()
    target = old.parent / config_cache._filename("people", config_cache._file_header("people.yml", raw))
    shutil.copyfile(old, target)
    assert loader.load_config(root).people.person(GV).name == "Nguyễn Văn Bình"


def test_forged_verdict_without_its_digest_is_ignored(school_repo: School, capsys) -> None:
    root = school_repo.root
    school_repo.edit("people.yml", "until: 2025-07-31", "until: 2023-07-31")
    school_repo.stage("people.yml")
    raws = {n: (root / n).read_bytes() for n in loader.CONFIG_FILES if (root / n).exists()}
    header = config_cache._verdict_header(raws)
    folder = root / ".git" / "hoso" / "config"
    folder.mkdir(parents=True)
    forged = folder / config_cache._filename("config", header)
    forged.write_text(json.dumps({**header, "warnings": [], "digest": "0" * 64}), encoding="utf-8")
    run = cli(capsys, "check", "--staged", "people.yml")
    assert run.code == ExitCode.CONFIG, run.text
    assert f"people.yml:{line_of(school_repo.read('people.yml'), 'until: 2023-07-31')}: " in run.err
    assert not forged.exists()  # removed, and an invalid configuration is never remembered


@pytest.mark.parametrize(
    "damage",
    [b"", b"{", b"\xff\xfe\x00", b"null", b"[]", b'{"digest": 1}', b"[" * 100_000, "directory"],
    ids=["empty", "truncated", "not-utf8", "null", "list", "no-header", "deep", "directory"],
)
def test_broken_entry_falls_back_without_traceback(school_repo: School, capsys, damage: object) -> None:
    root = school_repo.root
    school_repo.edit("catalog.yml", "Trường THCS Thử Nghiệm", "Trường THCS Thử Nghiệm Mới")
    school_repo.stage("catalog.yml")
    assert cli(capsys, "check", "--staged").code == ExitCode.OK
    broken = [*entries(root, "config"), *entries(root, "catalog"), *entries(root, "people")]
    assert len(broken) >= 3
    for path in broken:
        path.unlink()
        if damage == "directory":
            path.mkdir()
        else:
            assert isinstance(damage, bytes)
            path.write_bytes(damage)
    for args in (("check", "--staged"), ("validate-config",), ("check", "--all")):
        run = cli(capsys, *args)
        assert run.code == ExitCode.OK, run.text
        assert "Traceback" not in run.text and "hoso-crash" not in run.text
    if damage != "directory":  # replaced by good entries
        assert all(json.loads(p.read_text(encoding="utf-8"))["hoso"] for p in broken)


def test_unwritable_cache_is_only_slower(school_repo: School, capsys) -> None:
    hoso_dir = school_repo.root / ".git" / "hoso"
    hoso_dir.mkdir(exist_ok=True)
    (hoso_dir / "config").write_bytes(b"a file where the folder should be")
    school_repo.edit("catalog.yml", "Trường THCS Thử Nghiệm", "Trường THCS Thử Nghiệm Mới")
    school_repo.stage("catalog.yml")
    for _ in range(2):
        run = cli(capsys, "check", "--staged")
        assert run.code == ExitCode.OK, run.text


def test_nothing_is_remembered_outside_git(tmp_path: Path) -> None:
    root = tmp_path / "khong-git"
    root.mkdir()
    for name in loader.CONFIG_FILES:
        shutil.copyfile(REPO_ROOT / name, root / name)
    loader.load_config(root)
    assert not (root / ".hoso").exists()


def test_entries_are_pruned(school_repo: School, monkeypatch) -> None:
    monkeypatch.setattr(config_cache, "MAX_ENTRIES", 4)
    root = school_repo.root
    for i in range(5):
        school_repo.edit(
            "people.yml", "name: Nguyễn Văn An" if i == 0 else f"name: An {i - 1}", f"name: An {i}"
        )
        loader.load_config(root)
    assert len(list((root / ".git" / "hoso" / "config").glob("*.json"))) == 4


# ---- what "relevant" means agrees with the published hook and the package ------------------------


def test_relevant_paths_agree_with_the_hook_and_the_package() -> None:
    from hoso.records import RECORDS_DIR

    assert check.RECORDS_DIR == RECORDS_DIR
    assert check.CONFIG_FILES == loader.CONFIG_FILES
    text = (REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    pattern = re.compile(re.search(r"^\s*files: (.+)$", text, re.M).group(1))  # type: ignore[union-attr]

    def relevant(path: str) -> bool:
        return check._is_record(path) or check._is_configuration(path) or check._is_attributes(path)

    samples = [
        f"records/{YEAR}/truong/so-dang-bo/a.pdf",
        "records/.DS_Store",
        "catalog.yml",
        "people.yml",
        "locks.yml",
        "trust/vn-root.pem",
        ".gitattributes",
        "records/.gitattributes",
        "docs/.gitattributes",
        "README.md",
        "mkdocs.yml",
        "site_src/huong-dan.md",
        "docs/catalog.yml",
        "records-cu/a.pdf",
        "trustee.txt",
        ".pre-commit-config.yaml",
    ]
    from hoso.records import is_record_area
    from hoso.rules.attributes import is_attributes_file

    for path in samples:
        assert relevant(path) == bool(pattern.search(path)), path
        assert check._is_record(path) == is_record_area(path), path
        assert check._is_attributes(path) == is_attributes_file(path), path
