"""The real hook: `pre-commit install` from the venv, then real `git commit` in a subprocess.

Test files: make_pdf() and HTML_AS_PDF from conftest.py; .pre-commit-config.yaml is copied from
the repository root (repo: local, language: system, entry `hoso check --staged`, so the venv's
bin folder is first on PATH, set by the isolated_env fixture).
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import GV, HTML_AS_PDF, REPO_ROOT, VENV_BIN, YEAR, School, gv_path, make_pdf

pytestmark = pytest.mark.slow


@pytest.fixture
def hooked(school_repo: School) -> School:
    shutil.copyfile(REPO_ROOT / ".pre-commit-config.yaml", school_repo.root / ".pre-commit-config.yaml")
    school_repo.stage(".pre-commit-config.yaml")
    if school_repo.git("diff", "--cached", "--quiet", check=False).returncode != 0:
        school_repo.commit("pre-commit config")  # only if it differs from what hoso init wrote
    proc = subprocess.run(
        [str(VENV_BIN / "pre-commit"), "install"],
        cwd=school_repo.root,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (school_repo.root / ".git" / "hooks" / "pre-commit").is_file()
    return school_repo


def commit(school: School, *extra: str) -> subprocess.CompletedProcess[str]:
    return school.git("commit", "-m", "thêm hồ sơ", *extra, check=False)


def head_files(school: School) -> set[str]:
    return set(school.git("ls-tree", "-r", "--name-only", "HEAD").stdout.split())


def test_misplaced_pdf_is_refused(hooked: School) -> None:
    rel = gv_path("khong-co-ai")
    hooked.write(rel, make_pdf())
    hooked.stage(rel)
    proc = commit(hooked)
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    assert "placement.owner-unknown" in output
    assert "Traceback" not in output
    assert rel not in head_files(hooked)


def test_fake_pdf_is_refused(hooked: School) -> None:
    rel = gv_path(GV)
    hooked.write(rel, HTML_AS_PDF)
    hooked.stage(rel)
    proc = commit(hooked)
    assert proc.returncode != 0
    assert "format.not-pdf" in proc.stdout + proc.stderr
    assert rel not in head_files(hooked)


def test_good_pdf_is_accepted(hooked: School) -> None:
    rel = gv_path(GV)
    hooked.write(rel, make_pdf())
    hooked.stage(rel)
    proc = commit(hooked)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert rel in head_files(hooked)


def test_hook_judges_what_is_committed_not_the_disk(hooked: School) -> None:
    rel = gv_path(GV)
    hooked.write(rel, make_pdf())
    hooked.stage(rel)
    hooked.write(rel, HTML_AS_PDF)  # unstaged change: pre-commit stashes it while the hook runs
    proc = commit(hooked)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (hooked.root / rel).read_bytes() == HTML_AS_PDF  # the unstaged change is restored


def test_no_verify_bypasses_the_hook(hooked: School) -> None:
    """--no-verify skips every client-side hook: this is why CI and the server hook check again."""
    rel = gv_path(GV, year=YEAR)
    hooked.write(rel, HTML_AS_PDF)
    hooked.stage(rel)
    proc = commit(hooked, "--no-verify")
    assert proc.returncode == 0
    assert rel in head_files(hooked)


def test_published_hook_manifest_and_own_config_are_valid() -> None:
    """The hook other schools reference (.pre-commit-hooks.yaml) and this repo's own config parse
    with pre-commit's own validators, and the published hook runs the same command."""
    for sub, name in (
        ("validate-manifest", ".pre-commit-hooks.yaml"),
        ("validate-config", ".pre-commit-config.yaml"),
    ):
        proc = subprocess.run(
            [str(VENV_BIN / "pre-commit"), sub, str(REPO_ROOT / name)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    manifest = (REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    config = (REPO_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    for text in (manifest, config):
        assert "id: hoso-check" in text
        assert "entry: hoso check --staged" in text
        assert "stages: [pre-commit, pre-push]" in text
    assert "minimum_pre_commit_version" in manifest
