"""One helper for the tests that need a git server: a bare repository holding the demo school,
hoso's hooks installed by the real `hoso install-server-hook`, clones that push for real.

Test files: the demo school's catalog.yml, people.yml, trust/ and records/ (signed with the demo
PKI, scripts/demo_pki/, passphrase "demo"), copied into a new repository; signatures made at
test time with the same demo keys through `hoso sign`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from conftest import REPO_ROOT

from hoso.cli import main

DEMO_KEYS = REPO_ROOT / "scripts/demo_pki/people"
PRINCIPAL = "nguyen-van-hai"  # hiệu trưởng since 2018
VICE = "le-thi-thu-ha"  # phó hiệu trưởng
HEAD = "nguyen-van-an"  # tổ trưởng toan-tin from 2024-08-15
TEACHER = "pham-quoc-tuan"  # giáo viên (tổ trưởng toan-tin until 2024-08-14)
APPROVED = "records/2024-2025/truong/ke-hoach-giao-duc-nha-truong/ke-hoach-giao-duc-nha-truong-2024-2025.pdf"
LOCKED = "records/2023-2024/truong/ke-hoach-giao-duc-nha-truong/ke-hoach-giao-duc-nha-truong-2023-2024.pdf"


def git(
    cwd: Path, *args: str, check: bool = True, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def seed_demo(seed: Path, *, locks: str | None = None, branch: str = "main") -> None:
    seed.mkdir(parents=True)
    for name in ("catalog.yml", "people.yml"):
        shutil.copy(REPO_ROOT / name, seed / name)
    if locks is not None:
        (seed / "locks.yml").write_text(locks, encoding="utf-8")
    shutil.copytree(REPO_ROOT / "trust", seed / "trust")
    shutil.copytree(REPO_ROOT / "records", seed / "records")
    git(seed, "init", "-q", "-b", branch)
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "Trường mẫu")


def demo_server(
    tmp_path: Path,
    *,
    locks: str | None = None,
    branch: str = "main",
    hook_args: Sequence[str] = (),
    edit_seed: Callable[[Path], None] | None = None,
) -> Path:
    """A bare repository holding the demo school on `branch`, with hoso's hooks installed."""
    seed = tmp_path / "seed"
    seed_demo(seed, locks=locks, branch=branch)
    if edit_seed is not None:
        edit_seed(seed)
        git(seed, "add", "-A")
        git(seed, "commit", "-q", "-m", "Cấu hình thử")
    bare = tmp_path / "truong.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(bare))
    assert main(["install-server-hook", str(bare), *hook_args]) == 0
    return bare


def clone_as(server: Path, where: Path, person: str = "van-thu") -> Path:
    git(where.parent, "clone", "-q", str(server), str(where))
    git(where, "config", "user.name", person)
    git(where, "config", "user.email", f"{person}@truong-mau.invalid")
    return where


def push(work: Path, *args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A real `git push origin …` (default HEAD:main); `env` reaches the server's hooks as a
    git server would set it (GL_USER, GITEA_PUSHER_NAME, GL_USERNAME)."""
    return git(work, "push", "origin", *(args or ("HEAD:main",)), check=False, env=env)


def commit(work: Path, message: str) -> str:
    """Commit everything, dated now: a commit never predates the signatures it brings (hoso
    sign signs with the real clock, and a claimed time after its commit is refused)."""
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    git(work, "add", "-A")
    git(
        work,
        "commit",
        "-q",
        "--no-verify",
        "-m",
        message,
        env={"GIT_AUTHOR_DATE": now, "GIT_COMMITTER_DATE": now},
    )
    return git(work, "rev-parse", "HEAD").stdout.strip()


def sign_as(work: Path, rel: str, person: str, role: str) -> None:
    """`hoso sign` with the demo key of `person` (HOSO_P12_PASSPHRASE=demo must be set)."""
    p12 = DEMO_KEYS / f"{person}.p12"
    assert main(["-C", str(work), "sign", str(work / rel), "--role", role, "--p12", str(p12)]) == 0


def countersign(work: Path, rel: str) -> None:
    """The demo hiệu trưởng signs `rel` in the clone `work`, as an approver would."""
    sign_as(work, rel, PRINCIPAL, "hieu-truong")


def add_to_person(people_yml: Path, person: str, lines: str) -> None:
    """Insert `lines` (already indented) right after `person`'s `- id:` line in a people.yml."""
    text = people_yml.read_text(encoding="utf-8")
    marker = f"  - id: {person}\n"
    at = text.index(marker) + len(marker)
    people_yml.write_text(text[:at] + lines + text[at:], encoding="utf-8")
