"""The server signs its push log; a reader counts an entry as evidence only when a good signature
by a key it got from a source no pusher writes vouches for it (hoso.server.pushlog.evidence).

Real git, real hooks: the demo school on a bare repository with hoso's hooks installed by the real
`hoso install-server-hook --pusher gitolite` (tests/servers.py), which made the server's signing
key; the school registered its public key under trust/may-chu/ in its founding commit. Pushes
set GL_USER as Gitolite does. The teacher's lesson plan is for a week of the next school year
(tests/test_kept_submissions.py), signed at test time with the demo keys through `hoso sign`.
Other keys (another server's, an attacker's) are made at test time with ssh-keygen.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
from conftest import cli
from servers import (
    SERVER_KEY_FILE,
    TEACHER,
    demo_server,
    git,
    push,
    register_server_key,
    server_public_key,
    ssh_key,
)
from test_kept_submissions import OTHER, PLAN, TEACHER_ENV, accepted, inspector, next_second, rev, submit

from hoso import record_times, timeliness
from hoso.config import load_config
from hoso.evidence import cache_dir
from hoso.git.history import ZERO_OID, commits
from hoso.git.objects import CommitSnapshot
from hoso.server import pushlog
from hoso.server.settings import log_key
from hoso.trail_evidence import pushers

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def demo_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSO_P12_PASSPHRASE", "demo")


@pytest.fixture
def server(tmp_path: Path, isolated_env: Path) -> Path:
    return demo_server(tmp_path, hook_args=["--pusher", "gitolite"])


def keys_at(root: Path, rev_: str = "main") -> list[str]:
    return pushlog.trusted_keys(root, rev_)


def submitted_source(root: Path, path: str, log_keys: list[str] | None = None) -> str:
    """Where the submission of the pending record `path` (on a submission branch) is dated from."""
    arrivals = record_times.read(root, "main", log_keys=log_keys)
    return arrivals.submitted[path].source


def forge_entry(work: Path, branch: str, key: Path | None) -> str:
    """In the clone `work`: the teacher's next plan committed on `branch` and an entry appended to
    the clone's push log saying it was pushed long ago, signed with `key` (None: unsigned)."""
    git(work, "switch", "-q", "-c", branch, "origin/main")
    (work / OTHER).parent.mkdir(parents=True, exist_ok=True)
    (work / OTHER).write_bytes(b"%PDF-1.7\n% ke hoach tuan 6\n%%EOF\n")
    git(work, "add", "-A")
    git(work, "commit", "-q", "--no-verify", "-m", "Tuần 6")
    tip = rev(work, "HEAD")
    entry = pushlog.PushEntry(
        "2020-09-01T01:00:00+00:00", TEACHER, TEACHER, f"refs/heads/{branch}", ZERO_OID, tip
    )
    pushlog.append(work, [entry], key=key)
    return tip


# ---- the server's key, and readers that trust it --------------------------------------------------


def test_the_server_signs_its_log_and_a_clone_trusts_the_key_its_school_registered(
    server: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = log_key(server)
    assert key is not None and key.is_file()
    assert key.parent == cache_dir(server)  # hoso's folder of the bare repository
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    private = git(server, "hash-object", str(key)).stdout.strip()
    assert git(server, "cat-file", "-e", private, check=False).returncode != 0  # not an object
    registered = server_public_key(server)
    assert git(server, "show", f"main:{SERVER_KEY_FILE}").stdout.strip() == registered

    teacher = submit(server, tmp_path / "giao-vien")
    brought = rev(teacher, "HEAD")
    # every log commit, the start included, carries the server's good signature
    (tmp_path / "signers").write_text(f"{pushlog.SIGNER} {registered}\n", encoding="utf-8")
    checked = git(
        server,
        "-c", "gpg.format=ssh",
        "-c", f"gpg.ssh.allowedSignersFile={tmp_path / 'signers'}",
        "log", "--first-parent", "--format=%G?", pushlog.REF,
    )  # fmt: skip
    assert checked.stdout.split() == ["G", "G"]

    clone = inspector(server, tmp_path / "thanh-tra")
    assert keys_at(clone) == pushlog.public_keys(registered)  # from its trust/may-chu/
    assert pushlog.public_keys(registered)[0] in keys_at(server)  # on the server: its own too
    for where in (server, clone):
        entries = pushlog.read(where, keys=keys_at(where))
        assert [(e.ref, e.new, e.verified) for e in entries] == [
            (f"refs/heads/nop/{TEACHER}/tuan-05", brought, True)
        ]
        arrivals = record_times.read(where, "main")
        assert arrivals.push_log and arrivals.submitted[PLAN].source == record_times.PUSH_LOG, where
        history = commits(where, ["--all"])
        assert pushers(where, history).get(brought) == TEACHER, where

    # the server's settings keep the key: installing again makes no new one
    run = cli(capsys, "install-server-hook", str(server), "--pusher", "gitolite")
    assert run.code == 0, run.text
    assert run.out.strip() == registered  # the public key alone on standard output
    assert "trust/may-chu/may-chu.pub" in run.err
    assert log_key(server) == key and server_public_key(server) == registered


def test_without_the_key_registered_only_the_server_takes_its_log_as_evidence(
    tmp_path: Path, isolated_env: Path
) -> None:
    server = demo_server(tmp_path, hook_args=["--pusher", "gitolite"], register_key=False)
    teacher = submit(server, tmp_path / "giao-vien")
    brought = rev(teacher, "HEAD")
    assert submitted_source(server, PLAN) == record_times.PUSH_LOG  # its own key
    clone = inspector(server, tmp_path / "thanh-tra")
    assert keys_at(clone) == []
    assert pushlog.read(clone)[-1].new == brought  # the log is there, signed, but nobody vouches
    assert pushlog.evidence(clone, keys_at(clone)) == []
    arrivals = record_times.read(clone, "main")
    assert not arrivals.push_log and arrivals.submitted[PLAN].source == record_times.COMMIT
    assert pushers(clone, commits(clone, ["--all"])) == {}
    # the caller who knows the key (an authority's portal) passes it
    public = server_public_key(server)
    assert submitted_source(clone, PLAN, [public]) == record_times.PUSH_LOG


# ---- what the server did not sign ---------------------------------------------------------------


@pytest.mark.parametrize("signed", ["another-key", "unsigned"])
def test_an_entry_written_in_a_clone_is_not_evidence(server: Path, tmp_path: Path, signed: str) -> None:
    submit(server, tmp_path / "giao-vien")
    clone = inspector(server, tmp_path / "thanh-tra")
    real = pushlog.evidence(clone, keys_at(clone))
    assert len(real) == 1
    key = ssh_key(tmp_path / "ke-xau", "key")[0] if signed == "another-key" else None
    forge_entry(clone, f"nop/{TEACHER}/tuan-06", key)
    entries = pushlog.read(clone, keys=keys_at(clone))
    assert [e.verified for e in entries] == [True, False]  # the server's entry stays evidence
    assert pushlog.evidence(clone, keys_at(clone)) == real
    assert submitted_source(clone, OTHER) == record_times.COMMIT  # 2020 is not the server's clock
    assert submitted_source(clone, PLAN) == record_times.PUSH_LOG


def test_a_log_rewritten_in_a_clone_is_not_evidence(server: Path, tmp_path: Path) -> None:
    """The real entries' messages (the same times, pushers, refs) on new commits of the clone's
    own, signed by no one or by a key of its own: nothing of it is the server's."""
    submit(server, tmp_path / "giao-vien")
    next_second()
    clone = inspector(server, tmp_path / "thanh-tra")
    line = git(clone, "rev-list", "--first-parent", "--reverse", pushlog.REF).stdout.split()
    own = ssh_key(tmp_path / "ke-xau", "key")[0]
    for signing in (None, own):
        tree = git(clone, "rev-parse", f"{pushlog.REF}^{{tree}}").stdout.strip()
        parent: str | None = None
        for oid in line:
            message = git(clone, "log", "-1", "--format=%B", oid).stdout
            parents = ["-p", parent] if parent else []
            sign = ["-c", "gpg.format=ssh", "-c", f"user.signingKey={own}"] if signing else []
            made = subprocess.run(
                ["git", *sign, "commit-tree", tree, *parents, *(["-S"] if signing else []), "-F", "-"],
                cwd=clone,
                input=message,
                capture_output=True,
                text=True,
                check=True,
            )
            parent = made.stdout.strip()
        assert parent is not None
        git(clone, "update-ref", pushlog.REF, parent)
        assert [e.new for e in pushlog.read(clone)] == [e.new for e in pushlog.read(server)]  # same words
        assert pushlog.evidence(clone, keys_at(clone)) == []
        found = record_times.read(clone, "main")
        assert not found.push_log and found.submitted[PLAN].source == record_times.COMMIT


def test_a_key_the_clone_registers_itself_does_not_fool_a_caller_with_the_servers_key(
    server: Path, tmp_path: Path
) -> None:
    """A clone may commit anything to its own main, a key under trust/may-chu/ included (an
    unapproved governance change no server accepted): its defaults then trust that key. A caller
    that holds the server's key from elsewhere (an authority's portal: schools.yml) is not fooled."""
    submit(server, tmp_path / "giao-vien")
    clone = inspector(server, tmp_path / "thanh-tra")
    key, public = ssh_key(tmp_path / "ke-xau", "key")
    git(clone, "switch", "-q", "main")
    register_server_key(clone, public)
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "--no-verify", "-m", "Khóa khác")
    git(clone, "switch", "-q", "-")
    forge_entry(clone, f"nop/{TEACHER}/tuan-06", key)
    assert submitted_source(clone, OTHER) == record_times.PUSH_LOG  # the clone's own say-so
    assert submitted_source(clone, OTHER, [server_public_key(server)]) == record_times.COMMIT
    assert submitted_source(clone, PLAN, [server_public_key(server)]) == record_times.PUSH_LOG


def test_a_key_the_server_cannot_use_leaves_its_entry_unsigned_and_says_so(
    server: Path, tmp_path: Path
) -> None:
    """The push is never refused for it (post-receive cannot refuse): the entry is written
    unsigned, the pusher is told without a server path, the admin reads the detail. The entry is
    not evidence until the server signs a later one, whose signature covers the line below it."""
    teacher = submit(server, tmp_path / "giao-vien")
    key = log_key(server)
    assert key is not None
    good = key.read_bytes()
    key.write_bytes(b"not a key\n")
    next_second()
    git(teacher, "commit", "-q", "--allow-empty", "--no-verify", "-m", "thêm")
    proc = push(teacher, f"HEAD:refs/heads/nop/{TEACHER}/tuan-05", env=TEACHER_ENV)
    accepted(proc)
    assert "không ký được mục nhật ký này" in proc.stderr, proc.stderr
    said = [line for line in proc.stderr.splitlines() if line.startswith("remote:")]
    assert not any(str(server) in line for line in said) and "Traceback" not in proc.stderr
    errors = (cache_dir(server) / "hook-errors.log").read_text(encoding="utf-8")
    assert "push log entry written unsigned" in errors
    assert [e.verified for e in pushlog.read(server, keys=keys_at(server))] == [True, False]

    key.write_bytes(good)
    os.chmod(key, 0o600)
    next_second()
    git(teacher, "commit", "-q", "--allow-empty", "--no-verify", "-m", "thêm nữa")
    accepted(push(teacher, f"HEAD:refs/heads/nop/{TEACHER}/tuan-05", env=TEACHER_ENV))
    assert [e.verified for e in pushlog.read(server, keys=keys_at(server))] == [True, True, True]


def test_the_signature_check_runs_once_then_comes_from_the_cache(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    submit(server, tmp_path / "giao-vien")
    clone = inspector(server, tmp_path / "thanh-tra")
    asked: list[list[str]] = []
    check = pushlog._check

    def counting(root: Path, signers: Path, oids: list[str]) -> tuple[dict[str, str], bool]:
        asked.append(list(oids))
        return check(root, signers, oids)

    monkeypatch.setattr(pushlog, "_check", counting)
    keys = keys_at(clone)
    assert len(pushlog.evidence(clone, keys)) == 1
    assert asked == [[rev(clone, pushlog.REF)]]  # the newest log commit only: its signature covers the line
    assert len(pushlog.evidence(clone, keys)) == 1
    assert len(asked) == 1  # warm: no signature checked again


def test_the_report_says_push_log_only_where_the_server_signed(
    server: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    submit(server, tmp_path / "giao-vien")
    clone = inspector(server, tmp_path / "thanh-tra")
    config = load_config(clone, CommitSnapshot(clone, "main"))
    signed = timeliness.compute(clone, "main", config, today=timeliness.today_in_vietnam())
    assert signed.push_log
    forged = timeliness.compute(clone, "main", config, today=timeliness.today_in_vietnam(), log_keys=[])
    assert not forged.push_log
    out = tmp_path / "bao-cao.json"
    year = PLAN.split("/")[1]
    run = cli(capsys, "-C", str(clone), "report", "--year", year, "--format", "json", "--out", str(out))
    assert run.code == 0, run.text
    assert json.loads(out.read_text(encoding="utf-8"))["times"] == "push-log"
