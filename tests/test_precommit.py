"""The real hook: `pre-commit install` from the venv, then real `git commit` in a subprocess.

Test files: make_pdf() and HTML_AS_PDF from conftest.py. Two forms of .pre-commit-config.yaml,
both as `hoso init` writes them:

* `--hook system` (repo: local, language: system, entry `hoso check --staged`): the venv's bin
  folder is first on PATH, set by the isolated_env fixture;
* the default (repo: + rev: naming hoso's repository, the hook of its .pre-commit-hooks.yaml,
  language: python): pre-commit clones "hoso's repository" and pip-installs hoso into an
  environment of its own. Here that repository is made at test time from this checkout's
  committed sources (git archive HEAD) plus its .pre-commit-hooks.yaml, and the tests have no
  network: pip installs hoso itself with no index (its build backend, setuptools, from the wheel
  virtualenv ships), and hoso's dependencies are lent from the test's venv through PYTHONPATH
  when the hook runs. The commit runs with the venv's bin folder off PATH.
"""

from __future__ import annotations

import io
import os
import subprocess
import sysconfig
import tarfile
from pathlib import Path

import pytest
from conftest import GV, HTML_AS_PDF, REPO_ROOT, VENV_BIN, YEAR, School, git, gv_path, make_pdf

from hoso.commands.init import precommit_text

pytestmark = pytest.mark.slow


@pytest.fixture
def hooked(school_repo: School) -> School:
    (school_repo.root / ".pre-commit-config.yaml").write_text(precommit_text("system"), encoding="utf-8")
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


# ---- the default: pre-commit installs hoso itself -----------------------------------------


def hoso_release(where: Path) -> str:
    """A git repository at `where` holding hoso as a school's pre-commit fetches it; its commit."""
    if git(REPO_ROOT, "rev-parse", "--verify", "HEAD", check=False).returncode != 0:
        pytest.skip("not a git checkout of hoso")
    archive = subprocess.run(
        ["git", "archive", "--format=tar", "HEAD", "pyproject.toml", "README.md", "src"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout
    where.mkdir()
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4
            tar.extractall(where, filter="data")
        else:
            tar.extractall(where)
    manifest = (REPO_ROOT / ".pre-commit-hooks.yaml").read_bytes()  # the manifest as it is now
    (where / ".pre-commit-hooks.yaml").write_bytes(manifest)
    git(where, "init", "-q")
    git(where, "add", "-A")
    git(where, "commit", "-q", "-m", "hoso")
    return git(where, "rev-parse", "HEAD").stdout.strip()


def test_hook_installs_hoso_itself(school_repo: School, tmp_path: Path) -> None:
    import virtualenv.seed.wheels.embed as seed_wheels

    release = tmp_path / "hoso-release"
    rev = hoso_release(release)
    config = precommit_text("python", repo=release.as_uri(), rev=rev)
    assert "language" not in config and "entry" not in config  # all of it from hoso's manifest
    (school_repo.root / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    school_repo.stage(".pre-commit-config.yaml")
    school_repo.commit("pre-commit: hoso từ kho của hoso")

    offline = {
        **os.environ,
        "PIP_CONFIG_FILE": os.devnull,  # none of this machine's pip settings
        "PIP_NO_INDEX": "1",
        "PIP_NO_DEPS": "1",
        "PIP_FIND_LINKS": str(Path(seed_wheels.__file__).parent),
    }
    proc = subprocess.run(
        [str(VENV_BIN / "pre-commit"), "install", "--install-hooks"],
        cwd=school_repo.root,
        env=offline,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    store = Path(os.environ["PRE_COMMIT_HOME"])
    assert list(store.glob("repo*/py_env-*/**/site-packages/hoso/cli.py")), "hoso not in pre-commit's env"

    lent = os.pathsep.join(dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib")))
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if Path(p) != VENV_BIN)
    env = {**os.environ, "PATH": path, "PYTHONPATH": lent}

    def commit() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", "commit", "-m", "thêm hồ sơ"],
            cwd=school_repo.root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )

    rel = gv_path(GV)
    school_repo.write(rel, HTML_AS_PDF)
    school_repo.stage(rel)
    refused = commit()
    assert refused.returncode != 0
    assert "format.not-pdf" in refused.stdout + refused.stderr
    assert "not found" not in refused.stdout + refused.stderr
    assert rel not in head_files(school_repo)

    school_repo.write(rel, make_pdf())
    school_repo.stage(rel)
    accepted = commit()
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert rel in head_files(school_repo)
