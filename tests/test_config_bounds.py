"""Configuration input is bounded: whoever can push controls catalog.yml, people.yml, locks.yml
and mkdocs.yml, so no content of theirs may cost unbounded time, memory or recursion, run code,
or crash hoso with a traceback.

Test files, all written here at test time: a "billion laughs" alias bomb (10 anchored lists of
10 aliases each, 10^9 leaves once expanded, under 700 bytes); 50,000 nested flow sequences and
mappings; a 3 MiB file of comment lines; empty and comments-only files; files with YAML tags.
The schools are conftest.py's (`hoso init --level thcs` + PEOPLE_YML) and the demo school.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from conftest import REPO_ROOT, School, cli, git, run_subprocess

from hoso.cli import main
from hoso.config.loader import (
    MAX_CONFIG_BYTES,
    MAX_YAML_DEPTH,
    MAX_YAML_EVENTS,
    read_yaml,
    read_yaml_file,
)
from hoso.errors import ConfigError, ExitCode
from hoso.messages import vi

CONFIG_FILES = ("catalog.yml", "people.yml", "locks.yml")
TOP_KEY = {"catalog.yml": "record_types", "people.yml": "people", "locks.yml": "locks"}
QUICK = 5.0  # seconds: a guard against expansion, not a benchmark (refusal takes milliseconds)


def billion_laughs(key: str) -> str:
    """Line 1 `version: 1`, line 2 the first anchor; `key` finally names 10^9 expanded leaves."""
    lines = ["version: 1", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]")
    lines.append(f"{key}: *a9")
    return "\n".join(lines) + "\n"


def fragment(key: str) -> str:
    """The Vietnamese message's text before its first placeholder."""
    return vi.MESSAGES[key].split("{")[0].strip()


def assert_config_refusal(run_text: str, code: int) -> None:
    assert code == ExitCode.CONFIG, run_text
    assert "Traceback" not in run_text and "hoso-crash" not in run_text, run_text


# ---- alias bombs ---------------------------------------------------------------------------------


def test_bomb_is_small() -> None:
    assert len(billion_laughs("record_types").encode()) < 700


@pytest.mark.parametrize("name", CONFIG_FILES)
def test_alias_bomb_is_refused_before_any_expansion(
    school_repo: School, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    (school_repo.root / name).write_text(billion_laughs(TOP_KEY[name]), encoding="utf-8")
    start = time.monotonic()
    run = cli(capsys, "validate-config")
    elapsed = time.monotonic() - start
    assert_config_refusal(run.text, run.code)
    assert elapsed < QUICK, f"{elapsed:.1f} s"
    assert f"{name}:2: lỗi: " in run.err and "&a0" in run.err, run.err
    assert fragment("config.yaml-alias") in run.err


def test_alias_bomb_in_check_is_a_config_error(
    school_repo: School, capsys: pytest.CaptureFixture[str]
) -> None:
    (school_repo.root / "locks.yml").write_text(billion_laughs("locks"), encoding="utf-8")
    start = time.monotonic()
    run = cli(capsys, "check", "--all")
    assert_config_refusal(run.text, run.code)
    assert time.monotonic() - start < QUICK
    assert "locks.yml:2: lỗi: " in run.err


def test_a_single_alias_or_anchor_is_refused_with_its_line(
    school_repo: School, capsys: pytest.CaptureFixture[str]
) -> None:
    school_repo.edit("people.yml", "    kind: chuyen-mon\n", "    kind: &loai chuyen-mon\n")
    line = school_repo.read("people.yml").splitlines().index("    kind: &loai chuyen-mon") + 1
    run = cli(capsys, "validate-config")
    assert_config_refusal(run.text, run.code)
    assert f"people.yml:{line}: lỗi: " in run.err and "&loai" in run.err


# ---- nesting depth --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[" * 50_000 + "]" * 50_000,
        "a: " + "{b: " * 50_000 + "1" + "}" * 50_000,
        "a:\n" + "- " * 50_000 + "x\n",
    ],
    ids=["flow-sequences", "flow-mappings", "block-sequences"],
)
def test_deep_nesting_is_refused_without_recursion(
    school_repo: School, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    (school_repo.root / "catalog.yml").write_text(text, encoding="utf-8")
    start = time.monotonic()
    run = cli(capsys, "validate-config")
    assert_config_refusal(run.text, run.code)
    assert time.monotonic() - start < QUICK
    assert "RecursionError" not in run.text
    assert "catalog.yml:" in run.err and fragment("config.yaml-too-deep") in run.err, run.err


def test_depth_limit_is_exact() -> None:
    def nested(depth: int) -> bytes:
        return ("a: " + "[" * (depth - 1) + "]" * (depth - 1)).encode()

    assert isinstance(read_yaml(nested(MAX_YAML_DEPTH), "catalog.yml").data["a"], list)
    with pytest.raises(ConfigError) as exc:
        read_yaml(nested(MAX_YAML_DEPTH + 1), "catalog.yml")
    assert exc.value.issues[0].key == "config.yaml-too-deep"


def test_number_of_events_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsing costs per event: past the cap the file is refused, whatever its size in bytes."""
    from hoso.config import loader

    monkeypatch.setattr(loader, "MAX_YAML_EVENTS", 1_000)
    # stream, document, mapping, key, sequence: 5 start events, 4 end events, then the items
    assert isinstance(read_yaml(("a: [" + ", ".join(["x"] * 991) + "]").encode(), "people.yml").data, dict)
    with pytest.raises(ConfigError) as exc:
        read_yaml(("a: [" + ", ".join(["x"] * 992) + "]").encode(), "people.yml")
    assert exc.value.issues[0].key == "config.yaml-too-many"
    assert MAX_YAML_EVENTS >= 100 * 576  # the demo's people.yml: 576 events for 15 people


# ---- size --------------------------------------------------------------------------------------


def test_file_over_the_size_cap_is_refused_before_parsing(
    school_repo: School, capsys: pytest.CaptureFixture[str]
) -> None:
    line = b"# " + b"x" * 97 + b"\n"  # 100 bytes of comment: cheap to parse, yet refused
    data = school_repo.read("people.yml").encode() + line * (3 * 1024 * 1024 // len(line))
    assert len(data) > MAX_CONFIG_BYTES
    (school_repo.root / "people.yml").write_bytes(data)
    start = time.monotonic()
    run = cli(capsys, "validate-config")
    assert_config_refusal(run.text, run.code)
    assert time.monotonic() - start < QUICK
    assert "people.yml: lỗi: " in run.err and fragment("config.too-large") in run.err
    assert str(len(data)) in run.err


# ---- empty files -----------------------------------------------------------------------------


EMPTY = {"empty": "", "comments-only": "# chưa viết gì\n\n   # còn trống\n"}


@pytest.mark.parametrize("name", ["catalog.yml", "people.yml", "locks.yml"])
@pytest.mark.parametrize("kind", sorted(EMPTY))
def test_empty_file_is_a_config_error_naming_it(
    school_repo: School, capsys: pytest.CaptureFixture[str], name: str, kind: str
) -> None:
    (school_repo.root / name).write_text(EMPTY[kind], encoding="utf-8")
    run = cli(capsys, "validate-config")
    assert_config_refusal(run.text, run.code)
    assert f"{name}: lỗi: tệp trống" in run.err, run.err
    assert "version: 1" in run.err and f"chép {name}" in run.err


def test_empty_catalog_subprocess(school_repo: School) -> None:
    """What a user sees: one line per problem, exit 3, no traceback and no crash log."""
    (school_repo.root / "catalog.yml").write_bytes(b"")
    run = run_subprocess(["validate-config"], cwd=school_repo.root)
    assert_config_refusal(run.text, run.code)
    assert "catalog.yml: lỗi: tệp trống" in run.err
    run = run_subprocess(["check", "--all"], cwd=school_repo.root)
    assert_config_refusal(run.text, run.code)
    assert "catalog.yml: lỗi: tệp trống" in run.err


def test_empty_catalog_in_a_checked_range(school_repo: School, capsys: pytest.CaptureFixture[str]) -> None:
    """CI after an empty catalog.yml landed: the range is judged by a commit holding it."""
    (school_repo.root / "catalog.yml").write_bytes(b"")
    school_repo.stage("catalog.yml")
    school_repo.commit("xóa nội dung catalog.yml")
    school_repo.write("docs/ghi-chu.md", "Ghi chú\n".encode())
    school_repo.stage("docs/ghi-chu.md")
    school_repo.commit("ghi chú")
    run = cli(capsys, "check", "--range", "HEAD~1..HEAD", "--ref", "main")
    assert_config_refusal(run.text, run.code)
    assert "catalog.yml: lỗi: tệp trống" in run.text, run.text


def test_explicit_null_is_not_a_mapping(school_repo: School, capsys: pytest.CaptureFixture[str]) -> None:
    (school_repo.root / "catalog.yml").write_text("# chú thích\n~\n", encoding="utf-8")
    run = cli(capsys, "validate-config")
    assert_config_refusal(run.text, run.code)
    assert "catalog.yml:1: lỗi: " in run.err and fragment("config.not-mapping") in run.err


# ---- tags ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("!!python/object/apply:os.mkdir ['da-chay-ma']", "!!python/object/apply:os.mkdir"),
        ("!foo bar", "!foo"),
        ("!!set {a, b}", "!!set"),
        ("!!str 2024", "!!str"),
    ],
    ids=["python", "local", "set", "str"],
)
def test_tags_are_refused(
    school_repo: School, capsys: pytest.CaptureFixture[str], value: str, shown: str
) -> None:
    school_repo.edit("catalog.yml", "version: 1\n", f"version: 1\nghi_chu: {value}\n")
    line = school_repo.read("catalog.yml").splitlines().index(f"ghi_chu: {value}") + 1
    run = cli(capsys, "validate-config")
    assert_config_refusal(run.text, run.code)
    assert f"catalog.yml:{line}: lỗi: " in run.err and shown in run.err, run.err
    assert fragment("config.yaml-tag") in run.err
    assert not (school_repo.root / "da-chay-ma").exists()


# ---- English -----------------------------------------------------------------------------------


def test_english(
    school_repo: School, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOSO_LANG", "en")
    (school_repo.root / "catalog.yml").write_text("# nothing yet\n", encoding="utf-8")
    (school_repo.root / "people.yml").write_text(billion_laughs("people"), encoding="utf-8")
    run = cli(capsys, "validate-config")
    assert_config_refusal(run.text, run.code)
    assert "catalog.yml: error: the file is empty" in run.err, run.err
    assert "people.yml:2: error: YAML anchors and aliases (&a0) are not allowed" in run.err
    assert "lỗi" not in run.err and "tệp" not in run.err


# ---- the server hook ----------------------------------------------------------------------------


def _push(work: Path, remote: str) -> subprocess.CompletedProcess[str]:
    return git(work, "push", remote, "HEAD:main", check=False)


@pytest.mark.slow
def test_server_hook_refuses_an_empty_catalog_without_traceback(school_repo: School, tmp_path: Path) -> None:
    # the first push founds the repository: the hook reads the pushed catalog itself
    bare = tmp_path / "moi.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    assert main(["install-server-hook", str(bare)]) == 0
    (school_repo.root / "catalog.yml").write_text("# sẽ viết sau\n", encoding="utf-8")
    school_repo.stage("catalog.yml")
    school_repo.commit("catalog.yml trống")
    school_repo.git("remote", "add", "moi", str(bare))
    proc = _push(school_repo.root, "moi")
    assert proc.returncode != 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "catalog.yml: lỗi: tệp trống" in proc.stderr, proc.stderr

    # a server holding a valid school: emptying catalog.yml is refused, never with a traceback
    school_repo.git("reset", "-q", "--hard", "HEAD~1")
    server = tmp_path / "truong.git"
    git(tmp_path, "clone", "-q", "--bare", str(school_repo.root), str(server))
    assert main(["install-server-hook", str(server)]) == 0
    school_repo.git("remote", "add", "truong", str(server))
    (school_repo.root / "catalog.yml").write_bytes(b"")
    school_repo.stage("catalog.yml")
    school_repo.commit("catalog.yml trống")
    proc = _push(school_repo.root, "truong")
    assert proc.returncode != 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "pre-receive hook declined" in proc.stderr


@pytest.mark.slow
def test_server_hook_refuses_an_alias_bomb_quickly(school_repo: School, tmp_path: Path) -> None:
    bare = tmp_path / "moi.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    assert main(["install-server-hook", str(bare)]) == 0
    (school_repo.root / "locks.yml").write_text(billion_laughs("locks"), encoding="utf-8")
    school_repo.stage("locks.yml")
    school_repo.commit("locks.yml")
    school_repo.git("remote", "add", "moi", str(bare))
    start = time.monotonic()
    proc = _push(school_repo.root, "moi")
    assert time.monotonic() - start < 4 * QUICK  # git and the hook's start-up included
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "locks.yml:2: lỗi: " in proc.stderr, proc.stderr


# ---- other YAML readers: the audit trail's people.yml, the site's mkdocs.yml ------------------


def test_audit_directory_ignores_a_bombed_people_file(tmp_path: Path) -> None:
    from hoso.trail import load_directory

    (tmp_path / "people.yml").write_text(billion_laughs("people"), encoding="utf-8")
    start = time.monotonic()
    assert load_directory(tmp_path).ids == set()
    assert time.monotonic() - start < QUICK


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (billion_laughs("nav"), "config.yaml-alias"),
        ("site_name: x\nhooks: !!python/object/apply:os.mkdir ['da-chay-ma']\n", "config.yaml-tag"),
        ("site_name: !ENV HOME\n", "config.yaml-tag"),
        ("nav: " + "[" * 50_000 + "]" * 50_000, "config.yaml-too-deep"),
        ("# " + "x" * (MAX_CONFIG_BYTES + 10) + "\n", "config.too-large"),
        ("site_name: [\n", "config.yaml-syntax"),
    ],
    ids=["alias", "python-tag", "env-tag", "deep", "large", "syntax"],
)
def test_mkdocs_yml_is_read_within_the_bounds(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    start = time.monotonic()
    with pytest.raises(ConfigError) as exc:
        read_yaml_file(path)
    assert time.monotonic() - start < QUICK
    assert [i.key for i in exc.value.issues] == [key]
    assert exc.value.render().startswith("mkdocs.yml")
    assert not (tmp_path / "da-chay-ma").exists()


# ---- controls: what hoso ships stays valid -------------------------------------------------------


def test_shipped_templates_and_demo_school_pass_the_bounds() -> None:
    shipped = sorted((REPO_ROOT / "src" / "hoso" / "templates").rglob("*.y*ml"))
    demo = [REPO_ROOT / name for name in (*CONFIG_FILES, "mkdocs.yml")]
    assert len(shipped) >= 5
    for path in shipped + demo:
        read_yaml_file(path)


def test_demo_school_still_validates(capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "-C", str(REPO_ROOT), "validate-config")
    assert run.code == ExitCode.OK, run.text
