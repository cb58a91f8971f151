"""`hoso init --ci github|forgejo|gitlab`: the CI templates, and their check step really run.

The workflows' shell steps are run here by hand with bash, in a temporary school repository
made by `hoso init` plus commits, with the values a runner would give substituted for the
forge's `${{ … }}` expressions (GitHub, Forgejo) or set as CI_* variables (GitLab).

Test files: only what `hoso init` writes into tmp_path, and the small text edits made below.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import cli, git, run_subprocess
from ruamel.yaml import YAML

from hoso.errors import ExitCode
from hoso.messages import t

CI_FILES = {
    "github": ".github/workflows/hoso.yml",
    "forgejo": ".forgejo/workflows/hoso.yml",
    "gitlab": ".gitlab-ci.yml",
}
ZERO = "0" * 40


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def init_with_ci(capsys: pytest.CaptureFixture[str], root: Path) -> str:
    run = cli(
        capsys, "init", str(root), "--level", "thcs", "--ci", "github", "--ci", "forgejo", "--ci", "gitlab"
    )
    assert run.code == ExitCode.OK, run.text
    return run.err


def test_init_writes_the_three_ci_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "truong"
    err = init_with_ci(capsys, root)
    for rel in CI_FILES.values():
        assert t("init.wrote", path=rel) in err
        text = (root / rel).read_text(encoding="utf-8")
        assert isinstance(load(root / rel), dict), rel
        for command in (
            "hoso validate-config",
            "hoso check --range",
            "hoso check --all",
            "# hoso site build",
        ):
            assert command in text, (rel, command)
    github = load(root / CI_FILES["github"])
    assert set(github["on"]) == {"pull_request", "push"}
    assert github["jobs"]["hoso"]["steps"][0]["with"]["fetch-depth"] == 0
    assert load(root / CI_FILES["forgejo"])["jobs"]["hoso"]["runs-on"] == "docker"
    gitlab = load(root / CI_FILES["gitlab"])
    assert gitlab["hoso"]["variables"]["GIT_DEPTH"] == "0"

    # a second run keeps every file, including a CI file the school edited
    edited = root / CI_FILES["github"]
    edited.write_text(edited.read_text(encoding="utf-8") + "# sửa bởi nhà trường\n", encoding="utf-8")
    before = {rel: (root / rel).read_bytes() for rel in CI_FILES.values()}
    err = init_with_ci(capsys, root)
    for rel in CI_FILES.values():
        assert (root / rel).read_bytes() == before[rel]
        assert t("init.kept", path=rel) in err


def test_init_without_ci_writes_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, "init", str(tmp_path), "--level", "thcs").code == ExitCode.OK
    assert not any((tmp_path / rel).exists() for rel in CI_FILES.values())


def test_unknown_forge_is_a_usage_error(tmp_path: Path) -> None:
    run = run_subprocess(["init", str(tmp_path / "x"), "--level", "thcs", "--ci", "bitbucket"], cwd=tmp_path)
    assert run.code == ExitCode.USAGE, run.text
    assert "--ci" in run.err and "bitbucket" in run.err
    assert "Traceback" not in run.text
    assert not (tmp_path / "x").exists()


def test_forgejo_runs_the_same_check_as_github(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    init_with_ci(capsys, tmp_path)
    github = load(tmp_path / CI_FILES["github"])["jobs"]["hoso"]["steps"]
    forgejo = load(tmp_path / CI_FILES["forgejo"])["jobs"]["hoso"]["steps"]
    hoso_steps = [s for s in github if str(s.get("name", "")).startswith("hoso ")]
    assert len(hoso_steps) == 3
    for step in hoso_steps:
        assert step in forgejo


# ---- running the steps by hand -------------------------------------------------------------


class School:
    """A school repository from `hoso init --ci …` with its first commit on main."""

    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.root = root
        init_with_ci(capsys, root)
        self.git("add", "-A")
        self.git("commit", "-q", "--no-verify", "-m", "hoso init")
        self.first = self.head()

    def git(self, *args: str) -> str:
        return git(self.root, *args).stdout.strip()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def commit_page(self, name: str) -> str:
        """A commit on the current branch that changes no file (anything outside records/ is
        governance and needs proof on main)."""
        self.git("commit", "-q", "--no-verify", "--allow-empty", "-m", f"ghi chú {name}")
        return self.head()

    def commit_school_name(self) -> str:
        """A commit changing catalog.yml (governance: only through a merge on main)."""
        catalog = self.root / "catalog.yml"
        text = catalog.read_text(encoding="utf-8")
        catalog.write_text(
            re.sub(r"(?m)^  name: .*$", "  name: Trường THCS Hòa Bình", text, count=1), encoding="utf-8"
        )
        self.git("commit", "-q", "--no-verify", "-am", "Đổi tên trường")
        return self.head()

    def bash(self, script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        full = {**os.environ, **env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=self.root,
            env=full,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )


def github_step(school: School, name: str, context: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The `run:` script and `env:` of a step, each `${{ a || b }}` replaced as a runner would."""
    steps = load(school.root / CI_FILES["github"])["jobs"]["hoso"]["steps"]
    step = next(s for s in steps if s.get("name") == name)

    def value(match: re.Match[str]) -> str:
        for alternative in match.group(1).split("||"):
            if context.get(alternative.strip()):
                return context[alternative.strip()]
        return ""

    env = {
        key: re.sub(r"\$\{\{\s*(.*?)\s*\}\}", value, str(raw)) for key, raw in (step.get("env") or {}).items()
    }
    assert "${{" not in step["run"]  # expressions only through env: a branch name is never code
    return step["run"], env


def run_github(school: School, context: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], ...]:
    results = []
    for name in ("hoso validate-config", "hoso check --range", "hoso check --all"):
        script, env = github_step(school, name, context)
        results.append(school.bash(script, env))
    return tuple(results)


def test_github_push_to_main(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    school = School(tmp_path / "truong", capsys)
    after = school.commit_page("gioi-thieu.md")
    context = {
        "github.event_name": "push",
        "github.event.before": school.first,
        "github.sha": after,
        "github.ref_name": "main",
    }
    validate, check, check_all = run_github(school, context)
    for proc in (validate, check, check_all):
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 tệp" in check.stderr  # hoso's own summary line: hoso really ran

    # the same step refuses what the server refuses: catalog.yml changed straight on main
    after = school.commit_school_name()
    _, check, _ = run_github(school, {**context, "github.event.before": school.first, "github.sha": after})
    assert check.returncode == ExitCode.HISTORY, check.stdout + check.stderr
    assert "history.governance-unproven" in check.stdout + check.stderr


def test_github_pull_request_judged_as_merge(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    school = School(tmp_path / "truong", capsys)
    school.git("checkout", "-q", "-b", "doi-ten-truong")
    head = school.commit_school_name()
    context = {
        "github.event_name": "pull_request",
        "github.event.pull_request.base.sha": school.first,
        "github.event.pull_request.head.sha": head,
        "github.base_ref": "main",
        "github.ref_name": "1/merge",
    }
    validate, check, check_all = run_github(school, context)
    for proc in (validate, check, check_all):
        assert proc.returncode == 0, proc.stdout + proc.stderr
    # a governance change through a pull request is a warning for the approvers, not a refusal
    assert "history.governance" in check.stdout + check.stderr
    assert "history.governance-unproven" not in check.stdout + check.stderr
    assert school.git("status", "--porcelain") == ""  # the trial merge left the work tree alone


def test_github_new_branch_checks_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    school = School(tmp_path / "truong", capsys)
    school.git("checkout", "-q", "-b", "nop-ho-so")
    after = school.commit_page("nop.md")
    context = {
        "github.event_name": "push",
        "github.event.before": ZERO,
        "github.sha": after,
        "github.ref_name": "nop-ho-so",
    }
    _, check, _ = run_github(school, context)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 tệp" in check.stderr


@pytest.mark.parametrize("event", ["merge_request_event", "push"])
def test_gitlab_script(tmp_path: Path, capsys: pytest.CaptureFixture[str], event: str) -> None:
    school = School(tmp_path / "truong", capsys)
    if event == "push":
        variables = {"CI_COMMIT_BEFORE_SHA": school.first, "CI_COMMIT_SHA": school.commit_page("a.md")}
        variables["CI_COMMIT_REF_NAME"] = "main"
    else:
        school.git("checkout", "-q", "-b", "doi-ten-truong")
        variables = {
            "CI_MERGE_REQUEST_DIFF_BASE_SHA": school.first,
            "CI_COMMIT_SHA": school.commit_school_name(),
            "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
            "CI_COMMIT_REF_NAME": "doi-ten-truong",
        }
    job = load(school.root / CI_FILES["gitlab"])["hoso"]
    script = "\n".join([job["before_script"][-1], *job["script"]])  # not the pip install
    proc = school.bash(script, {"CI_PIPELINE_SOURCE": event, **variables})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "history.governance-unproven" not in proc.stdout + proc.stderr
