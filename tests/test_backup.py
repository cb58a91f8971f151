"""`hoso backup` and `hoso restore` against real repositories, real bundles, real processes.

Test files: the demo school's catalog.yml, people.yml, locks.yml, trust/ and records/ (signed with
the demo PKI, scripts/demo_pki/), copied from the repository root into a new repository in
tmp_path, with a second commit, a submission branch carrying one more record (a copy of a demo
record under another name), an annotated tag and a git note made here. The Git LFS object is a
few bytes written here under .git/lfs/objects (git-lfs itself is not needed).

A backup is "killed half way" through the test hook HOSO_TEST_SLOW_BACKUP (seconds to sleep
just before the final rename): the subprocess is SIGKILLed while it sleeps.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO_ROOT, Run, cli, run_subprocess

from hoso.errors import ExitCode
from hoso.ops.backup import MANIFEST, TEMP_PREFIX, list_backups, read_manifest

pytestmark = pytest.mark.slow

BRANCH_RECORD = "records/2024-2025/truong/ke-hoach-giao-duc-nha-truong/ban-nop-them.pdf"


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def no_crash(run: Run) -> Run:
    assert "Traceback" not in run.text, run.text
    assert run.code != ExitCode.INTERNAL, run.text
    return run


_TEMPLATE: dict[str, Path] = {}  # one demo school per test process, copied per test


def _build_school(root: Path) -> None:
    root.mkdir()
    for name in ("catalog.yml", "people.yml", "locks.yml"):
        shutil.copy(REPO_ROOT / name, root / name)
    shutil.copytree(REPO_ROOT / "trust", root / "trust")
    shutil.copytree(REPO_ROOT / "records", root / "records")
    (root / ".gitattributes").write_text("*.mp4 filter=lfs diff=lfs merge=lfs -text\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", "Trường mẫu")
    git(root, "tag", "-a", "nam-hoc-2024-2025", "-m", "Khóa sổ thử")
    (root / "README.txt").write_text("Kho hồ sơ của trường\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", "thêm ghi chú")
    git(root, "notes", "add", "-m", "Ly-do: kiểm tra sao lưu", "HEAD")
    git(root, "checkout", "-q", "-b", "nop/ke-hoach")
    first = sorted((root / "records").rglob("*.pdf"))[0]
    (root / BRANCH_RECORD).write_bytes(first.read_bytes())
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", "nộp kế hoạch")
    git(root, "checkout", "-q", "main")
    lfs = root / ".git/lfs/objects/ab/cd/abcd1234"
    lfs.parent.mkdir(parents=True)
    lfs.write_bytes(b"noi dung LFS\n")
    # fill the evidence cache (.git/hoso) once: later backups of the copies skip re-validation
    assert run_subprocess(["check", "--all"], cwd=root).code == 0


@pytest.fixture
def school(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, isolated_env: Path) -> Path:
    """The demo school: 2 commits on main, a tag, a note, a submission branch, an LFS object."""
    template = _TEMPLATE.get("demo")
    if template is None:
        template = tmp_path_factory.mktemp("template") / "truong"
        _build_school(template)
        _TEMPLATE["demo"] = template
    root = tmp_path / "truong"
    shutil.copytree(template, root, symlinks=True)
    return root


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    d = tmp_path / "sao-luu"
    d.mkdir()
    return d


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def all_refs(root: Path) -> str:
    return git(root, "for-each-ref", "--format=%(objectname) %(refname)")


def backup(capsys: pytest.CaptureFixture[str], school: Path, dest: Path, *extra: str) -> Path:
    run = no_crash(cli(capsys, "-C", str(school), "backup", "--to", str(dest), *extra))
    assert run.code == 0, run.text
    return Path(run.out.strip())


def test_backup_delete_restore_gives_the_same_repository(
    capsys: pytest.CaptureFixture[str], school: Path, dest: Path, tmp_path: Path
) -> None:
    before_check = run_subprocess(["check", "--all", "--format", "json"], cwd=school)
    before_files, before_refs = files(school), all_refs(school)
    made = backup(capsys, school, dest)
    assert made.parent == dest and made.name.startswith("hoso-backup-")

    manifest = read_manifest(made)
    assert set(manifest["refs"]) == {
        "refs/heads/main",
        "refs/heads/nop/ke-hoach",
        "refs/tags/nam-hoc-2024-2025",
        "refs/notes/commits",
    }
    paths = {r["path"] for r in manifest["records"]}
    assert BRANCH_RECORD in paths  # records of every ref, not only HEAD's
    assert len(paths) == len(list((school / "records").rglob("*.pdf"))) + 1
    assert manifest["check"]["exit_code"] == before_check.code
    assert manifest["check"]["findings"] == len(json.loads(before_check.out)["findings"])
    assert manifest["lfs"] == {"used": True, "objects_included": 1, "note": manifest["lfs"]["note"]}
    sums = (made / "SHA256SUMS").read_text(encoding="utf-8")
    assert manifest["bundle"]["sha256"] in sums

    shutil.rmtree(school)
    target = tmp_path / "khoi-phuc"
    target.mkdir()  # an empty folder is accepted
    run = no_crash(cli(capsys, "restore", str(dest), str(target)))  # the folder of backups: newest
    assert run.code == 0, run.text
    assert run.out.count("✓") == 4 and "✗" not in run.out
    assert "Khôi phục thành công" in run.err

    assert files(target) == before_files  # byte-identical records, config and work tree
    assert all_refs(target) == before_refs  # branches, tags, notes
    assert git(target, "notes", "show", "main").strip() == "Ly-do: kiểm tra sao lưu"
    assert git(target, "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    assert (target / ".git/lfs/objects/ab/cd/abcd1234").read_bytes() == b"noi dung LFS\n"
    after_check = run_subprocess(["check", "--all", "--format", "json"], cwd=target)
    assert (after_check.code, after_check.out) == (before_check.code, before_check.out)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_killed_backup_leaves_the_previous_one_valid(
    capsys: pytest.CaptureFixture[str], school: Path, dest: Path, tmp_path: Path
) -> None:
    first = backup(capsys, school, dest)
    env = dict(os.environ, HOSO_TEST_SLOW_BACKUP="60")
    proc = subprocess.Popen(
        [sys.executable, "-m", "hoso", "backup", "--to", str(dest)],
        cwd=school,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not list(dest.glob(f"{TEMP_PREFIX}*/{MANIFEST}")):  # everything written, not renamed
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert list_backups(dest) == [first]  # the half backup does not look like one
    assert [p for p in dest.iterdir() if p.name.startswith(TEMP_PREFIX)]

    target = tmp_path / "khoi-phuc"
    run = no_crash(cli(capsys, "restore", str(dest), str(target)))
    assert run.code == 0, run.text
    assert files(target)["catalog.yml"] == (school / "catalog.yml").read_bytes()

    run = no_crash(cli(capsys, "-C", str(school), "backup", "--to", str(dest)))
    assert run.code == 0 and "thư mục tạm" in run.err  # the next run cleans up what the killed one left
    second = Path(run.out.strip())
    assert list_backups(dest) == [first, second]
    assert not [p for p in dest.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_corrupted_bundle_is_refused(
    capsys: pytest.CaptureFixture[str], school: Path, dest: Path, tmp_path: Path
) -> None:
    made = backup(capsys, school, dest)
    bundle = made / "hoso.bundle"
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0x01
    bundle.write_bytes(bytes(data))
    target = tmp_path / "khoi-phuc"
    run = no_crash(cli(capsys, "restore", str(made), str(target)))
    assert run.code == ExitCode.FAILED
    assert "hoso.bundle" in run.err and "bị hỏng" in run.err
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_edited_manifest_is_refused(
    capsys: pytest.CaptureFixture[str], school: Path, dest: Path, tmp_path: Path
) -> None:
    made = backup(capsys, school, dest)
    manifest_file = made / MANIFEST
    original = manifest_file.read_text(encoding="utf-8")
    target = tmp_path / "khoi-phuc"

    # an edit of any field: the manifest's own SHA-256 no longer matches
    manifest_file.write_text(original.replace('"exit_code": 0', '"exit_code": 1', 1), encoding="utf-8")
    run = no_crash(cli(capsys, "restore", str(made), str(target)))
    assert run.code == ExitCode.FAILED and "đã bị sửa" in run.err
    assert not target.exists()

    # not JSON any more
    manifest_file.write_text(original[: len(original) // 2], encoding="utf-8")
    run = no_crash(cli(capsys, "restore", str(made), str(target)))
    assert run.code == ExitCode.FAILED and "manifest" in run.err
    assert not target.exists()

    # edited consistently (its own digest recomputed): the proofs catch the lie
    import hashlib

    from hoso.ops.backup import _canonical

    data = json.loads(original)
    data["records"][0]["sha256"] = "0" * 64
    data["manifest_sha256"] = hashlib.sha256(_canonical(data)).hexdigest()
    manifest_file.write_text(json.dumps(data), encoding="utf-8")
    run = no_crash(cli(capsys, "restore", str(made), str(target)))
    assert run.code == ExitCode.FAILED
    assert "✗" in run.out and "KHÔNG đạt" in run.err
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_rotation_keeps_the_newest_n(capsys: pytest.CaptureFixture[str], school: Path, dest: Path) -> None:
    made = [backup(capsys, school, dest, "--keep", "2") for _ in range(4)]
    assert list_backups(dest) == made[-2:]
    assert sorted(p.name for p in dest.iterdir() if not p.name.startswith(".")) == sorted(
        p.name for p in made[-2:]
    )


def test_restore_refuses_a_non_empty_folder(
    capsys: pytest.CaptureFixture[str], school: Path, dest: Path, tmp_path: Path
) -> None:
    made = backup(capsys, school, dest)
    target = tmp_path / "co-san"
    target.mkdir()
    (target / "ghi-chu.txt").write_text("đừng xóa\n", encoding="utf-8")
    run = no_crash(cli(capsys, "restore", str(made), str(target)))
    assert run.code == ExitCode.EXISTS and "không trống" in run.err
    assert [p.name for p in target.iterdir()] == ["ghi-chu.txt"]


def test_bare_repository_round_trip(
    capsys: pytest.CaptureFixture[str], school: Path, dest: Path, tmp_path: Path
) -> None:
    bare = tmp_path / "truong.git"
    git(tmp_path, "clone", "-q", "--mirror", str(school), str(bare))
    made = backup(capsys, bare, dest)
    assert read_manifest(made)["bare"] is True
    target = tmp_path / "khoi-phuc.git"
    run = no_crash(cli(capsys, "restore", str(made), str(target)))
    assert run.code == 0, run.text
    assert git(target, "rev-parse", "--is-bare-repository").strip() == "true"
    assert all_refs(target) == all_refs(bare)


def test_failures_have_clear_messages_and_exit_codes(
    capsys: pytest.CaptureFixture[str], school: Path, dest: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "khong-phai-kho"
    outside.mkdir()
    run = no_crash(cli(capsys, "-C", str(outside), "backup", "--to", str(dest)))
    assert run.code == ExitCode.NOT_FOUND and "không phải kho Git" in run.err

    run = no_crash(cli(capsys, "-C", str(school), "backup", "--to", str(tmp_path / "chua-gan")))
    assert run.code == ExitCode.NOT_FOUND and "không tồn tại" in run.err

    run = no_crash(cli(capsys, "-C", str(school), "backup", "--to", str(dest), "--keep", "0"))
    assert run.code == ExitCode.USAGE

    empty = tmp_path / "kho-rong"
    empty.mkdir()
    git(empty, "init", "-q")
    run = no_crash(cli(capsys, "-C", str(empty), "backup", "--to", str(dest)))
    assert run.code == ExitCode.FAILED and "chưa có commit" in run.err

    run = no_crash(cli(capsys, "restore", str(dest), str(tmp_path / "x")))  # no backup in dest
    assert run.code == ExitCode.NOT_FOUND and "manifest.json" in run.err

    if os.geteuid() != 0:  # root writes anywhere
        dest.chmod(0o500)
        try:
            run = no_crash(cli(capsys, "-C", str(school), "backup", "--to", str(dest)))
            assert run.code == ExitCode.FAILED and "không ghi được" in run.err
        finally:
            dest.chmod(0o700)
    assert list_backups(dest) == []


def test_backup_runs_from_cron_as_a_subprocess(school: Path, dest: Path) -> None:
    run = no_crash(run_subprocess(["backup", "--to", str(dest), "--keep", "30"], cwd=school))
    assert run.code == 0, run.text
    assert Path(run.out.strip()).parent == dest
    env = dict(os.environ, HOSO_LANG="en")
    run = no_crash(run_subprocess(["backup", "--to", str(dest / "missing")], cwd=school, env=env))
    assert run.code == ExitCode.NOT_FOUND and "does not exist" in run.err
