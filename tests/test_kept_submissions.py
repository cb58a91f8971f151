"""A submission approved by a squash or a rebase keeps its on-time date after the server's garbage
collection and in every clone: the push log keeps what each push brought (hoso.server.pushlog).

Real git, real hooks: the demo school on a bare repository with hoso's hooks installed by the real
`hoso install-server-hook --pusher gitolite` (tests/servers.py), pushes with GL_USER set as
Gitolite sets it. The teacher's lesson plan is for week 5 of the next school year, so its deadline
is after the push whatever day the tests run; it is signed at test time with the demo keys
through `hoso sign`. The push log's times are the server hook's real clock.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import make_pdf
from servers import HEAD, TEACHER, clone_as, commit, demo_server, git, push, sign_as

from hoso import record_times, timeliness
from hoso.cli import main
from hoso.config import load_config
from hoso.git.history import ZERO_OID
from hoso.git.objects import CommitSnapshot
from hoso.server import pushlog

pytestmark = pytest.mark.slow

TEACHER_ENV, HEAD_ENV = {"GL_USER": TEACHER}, {"GL_USER": HEAD}


def next_year() -> str:
    """The school year after the current one: its week 5 is always still to come."""
    today = date.today()
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start + 1}-{start + 2}"


YEAR = next_year()
PLAN = f"records/{YEAR}/gv/{TEACHER}/ke-hoach-bai-day/tuan-05-toan-9c.pdf"
OTHER = f"records/{YEAR}/gv/{TEACHER}/ke-hoach-bai-day/tuan-06-toan-9c.pdf"
BRANCH = f"nop/{TEACHER}/tuan-05"


@pytest.fixture(autouse=True)
def demo_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSO_P12_PASSPHRASE", "demo")


@pytest.fixture
def server(tmp_path: Path, isolated_env: Path) -> Path:
    return demo_server(tmp_path, hook_args=["--pusher", "gitolite"])


def accepted(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == 0, proc.stderr


def refused(proc: subprocess.CompletedProcess[str], rule: str) -> None:
    assert proc.returncode != 0, proc.stderr
    assert rule in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def rev(root: Path, name: str) -> str:
    return git(root, "rev-parse", name).stdout.strip()


def next_second() -> None:
    """The push log's clock counts seconds: the next push is logged strictly later."""
    time.sleep(1.05 - time.time() % 1)


def submit(
    server: Path, where: Path, path: str = PLAN, branch: str = BRANCH, message: str = "Kế hoạch bài dạy"
) -> Path:
    """The teacher signs her lesson plan and pushes it to her submission branch."""
    work = where if where.exists() else clone_as(server, where, TEACHER)
    git(work, "switch", "-q", "-c", branch, "origin/main")
    week = int(path.rsplit("tuan-", 1)[1][:2])
    (work / path).parent.mkdir(parents=True, exist_ok=True)
    (work / path).write_bytes(make_pdf(f"Kế hoạch bài dạy Tuần {week} – Toán 9C"))
    sign_as(work, path, TEACHER, "giao-vien")
    commit(work, message)
    accepted(push(work, f"HEAD:refs/heads/{branch}", env=TEACHER_ENV))
    return work


def approver(server: Path, where: Path, branch: str = BRANCH) -> Path:
    """The tổ trưởng's clone, holding the submission branch; she counter-signs it there."""
    work = clone_as(server, where, HEAD)
    git(work, "switch", "-q", "-c", branch, f"origin/{branch}")
    sign_as(work, PLAN, HEAD, "to-truong")
    commit(work, "Ký duyệt")
    return work


def squash(work: Path) -> None:
    git(work, "switch", "-q", "main")
    git(work, "merge", "-q", "--squash", BRANCH)
    commit(work, f"Duyệt kế hoạch bài dạy tuần 5\n\nDuyet-boi: {HEAD}")


def rebase(work: Path) -> None:
    """Every commit of the branch made again on main (as a forge's "rebase and merge" does)."""
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    git(work, "rebase", "-q", "--force-rebase", "main", env={"GIT_COMMITTER_DATE": now})
    git(work, "switch", "-q", "main")
    git(work, "merge", "-q", "--ff-only", BRANCH)


def gc(server: Path) -> None:
    """Everything unreachable pruned now: no reflog, no grace period."""
    git(server, "reflog", "expire", "--expire=now", "--all")
    git(server, "gc", "-q", "--prune=now", "--aggressive")


def inspector(server: Path, where: Path) -> Path:
    """A fresh clone that fetched the push log (hoso init's refspec), its own garbage collected."""
    git(where.parent, "clone", "-q", str(server), str(where))
    git(where, "fetch", "-q", "origin", pushlog.FETCH_REFSPEC)
    git(where, "gc", "-q", "--prune=now")
    return where


def holds(root: Path, oid: str) -> bool:
    return git(root, "cat-file", "-e", f"{oid}^{{commit}}", check=False).returncode == 0


def row(root: Path) -> timeliness.Row:
    """The lesson plan's row on main, read where `root` is (a bare server or a clone)."""
    return rows(root)[PLAN]


def rows(root: Path) -> dict[str, timeliness.Row]:
    config = load_config(root, CommitSnapshot(root, "main"))
    return timeliness.compute(root, "main", config, today=date.today()).by_path


def logged_at(entry: pushlog.PushEntry) -> datetime:
    return datetime.fromisoformat(entry.time)


# ---- a squash or a rebase approval, the branch deleted, the server's objects pruned ------------


@pytest.mark.parametrize("approve", [squash, rebase])
def test_an_approved_and_deleted_submission_keeps_its_push_time(
    server: Path, tmp_path: Path, approve: Callable[[Path], None]
) -> None:
    teacher = submit(server, tmp_path / "giao-vien")
    pushed = pushlog.read(server)[-1]
    brought = rev(teacher, "HEAD")
    assert (pushed.ref, pushed.new) == (f"refs/heads/{BRANCH}", brought)
    next_second()
    work = approver(server, tmp_path / "to-truong")
    approve(work)
    accepted(push(work, "main", env=HEAD_ENV))
    accepted(push(work, f":refs/heads/{BRANCH}", env=TEACHER_ENV))
    assert not git(server, "branch", "--contains", brought).stdout.strip()  # no branch holds it
    assert git(server, "cat-file", "-t", "main:" + PLAN).stdout.strip() == "blob"  # approved on main
    gc(server)
    # the push log alone keeps it
    assert git(server, "for-each-ref", "--contains", brought, "--format=%(refname)").stdout.split() == [
        pushlog.REF
    ]

    clone = inspector(server, tmp_path / "thanh-tra")
    for where in (server, clone):
        assert holds(where, brought), where
        found = row(where)
        assert found.submitted is not None, where
        assert (found.submitted.source, found.submitted.commit) == ("push-log", brought), where
        assert found.submitted.moment == logged_at(pushed), where
        assert found.state == timeliness.ON_TIME and found.days_late is None, where
        assert found.approved is not None and found.approved.source == "push-log", where
        assert found.approved.moment > found.submitted.moment


# ---- attacks -----------------------------------------------------------------------------------


def test_clients_cannot_write_the_push_log_or_keep_refs(server: Path, tmp_path: Path) -> None:
    work = submit(server, tmp_path / "giao-vien")
    git(work, "fetch", "-q", "origin", pushlog.FETCH_REFSPEC)
    log_tip = rev(server, pushlog.REF)
    for target in (
        "HEAD:refs/hoso/kept/nop/x",  # a keep ref of its own
        f"{pushlog.REF}:refs/hoso/kept/log",
        f"+HEAD:{pushlog.REF}",  # the log rewritten
        f":{pushlog.REF}",  # the log deleted
        f"{pushlog.REF}:refs/hoso/push-log-2",
    ):
        for env in (TEACHER_ENV, HEAD_ENV):
            refused(push(work, target, env=env), "hook.ref-namespace")
    assert git(server, "for-each-ref", "--format=%(refname)", "refs/hoso/").stdout.split() == [pushlog.REF]
    assert rev(server, pushlog.REF) == log_tip


def test_a_commit_imitating_the_push_log_is_not_evidence(server: Path, tmp_path: Path) -> None:
    """After her plan, the teacher pushes a commit made as the server makes its entries (the log's
    subject, its author, a JSON line) that says her plan was pushed in 2020. The log keeps her
    commit as a parent of its entry, but reads only its own line: the plan is dated by the real
    push."""
    teacher = submit(server, tmp_path / "giao-vien")
    plan = rev(teacher, "HEAD")
    forged = pushlog.PushEntry(
        "2020-01-01T00:00:00+00:00", TEACHER, TEACHER, f"refs/heads/{BRANCH}", ZERO_OID, plan
    )
    server_like = {"GIT_AUTHOR_NAME": "hoso server", "GIT_AUTHOR_EMAIL": "hoso@server.invalid"}
    message = "hoso push log\n\n" + json.dumps(forged.as_json()) + "\n"
    git(teacher, "commit", "-q", "--allow-empty", "--no-verify", "-m", message, env=server_like)
    imitation = rev(teacher, "HEAD")
    accepted(push(teacher, f"HEAD:refs/heads/{BRANCH}", env=TEACHER_ENV))
    entries = pushlog.read(server)
    assert all(e.time > "2021" for e in entries)
    assert [e.new for e in entries if e.ref == f"refs/heads/{BRANCH}"] == [plan, imitation]
    assert imitation in git(server, "rev-list", "--parents", "-1", pushlog.REF).stdout.split()[1:]  # kept
    for where in (server, inspector(server, tmp_path / "thanh-tra")):
        when = record_times.read(where, "main").submitted[PLAN]
        assert (when.source, when.commit, when.moment) == ("push-log", plan, logged_at(entries[-2])), where

    # the log's own commits cannot come back on a branch, where the trail and the submissions
    # would read them and all they keep: a new branch's commits are those no ref but the log
    # holds, so the log's start, which has no parent, is judged (unrelated)
    git(teacher, "fetch", "-q", "origin", pushlog.FETCH_REFSPEC)
    git(teacher, "merge", "-q", "--allow-unrelated-histories", "-s", "ours", "-m", "gộp", pushlog.REF)
    for target in (f"HEAD:refs/heads/nop/{TEACHER}/gop", f"HEAD:refs/heads/{BRANCH}"):
        refused(push(teacher, target, env=TEACHER_ENV), "history.unrelated")
    refused(
        push(teacher, f"{pushlog.REF}:refs/heads/nop/{TEACHER}/log", env=TEACHER_ENV), "history.unrelated"
    )
    assert [e.new for e in pushlog.read(server) if e.ref.startswith("refs/heads/nop/")] == [plan, imitation]


def test_kept_commits_are_neither_approved_nor_events(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One plan approved by a squash, another rejected; both branches deleted, the server's
    objects pruned. The log keeps every commit pushed, but main holds only the approved plan, no
    kept commit waits as a submission, and the trail shows each commit of main once, none of
    the kept ones."""
    teacher = submit(server, tmp_path / "giao-vien")
    squashed = rev(teacher, "HEAD")
    rejected_branch = f"nop/{TEACHER}/tuan-06"
    submit(server, teacher, OTHER, rejected_branch)
    rejected = rev(teacher, "HEAD")
    work = approver(server, tmp_path / "to-truong")
    squash(work)
    accepted(push(work, "main", env=HEAD_ENV))
    monkeypatch.setenv("GL_USER", HEAD)
    monkeypatch.setenv("HOSO_PERSON", HEAD)
    assert main(["-C", str(work), "reject", rejected_branch, "--ly-do", "Thiếu mục tiêu"]) == 0
    rejection = rev(server, rejected_branch)
    assert rejection != rejected
    for branch in (BRANCH, rejected_branch):
        accepted(push(work, f":refs/heads/{branch}", env=TEACHER_ENV))
    gc(server)
    kept = {squashed, rejected, rejection}

    clone = inspector(server, tmp_path / "thanh-tra")
    for where in (server, clone):
        assert all(holds(where, oid) for oid in kept), where
        arrivals = record_times.read(where, "main")
        assert PLAN in arrivals.on_main and OTHER not in arrivals.on_main
        assert arrivals.pending == {} and arrivals.submitted == {}
        found = rows(where)
        assert OTHER not in found and found[PLAN].state == timeliness.ON_TIME

    capsys.readouterr()
    assert main(["-C", str(clone), "log", "--all", "--format", "json"]) == 0
    events = json.loads(capsys.readouterr().out)["events"]
    on_main = set(git(clone, "rev-list", "main").stdout.split())
    assert {e["commit"] for e in events} <= on_main
    assert not {e["commit"] for e in events} & kept
    assert len({(e["commit"], e["kind"]) for e in events}) == len(events)
    # the plan arrives once, by the squash commit on main; the rejected plan is not in the trail
    assert [e["commit"] for e in events if PLAN in e["paths"]] == [rev(clone, "main")]
    assert not [e for e in events if OTHER in e["paths"]]


def test_a_force_push_keeps_what_it_replaced(server: Path, tmp_path: Path) -> None:
    """The teacher pushes her plan, then rewrites the branch (the same plan in an amended commit)
    and force-pushes. The first commit stays on the server after its garbage collection, and the
    first push still dates the plan, on the server and in a clone."""
    teacher = submit(server, tmp_path / "giao-vien")
    first = rev(teacher, "HEAD")
    first_push = pushlog.read(server)[-1]
    next_second()
    git(teacher, "commit", "-q", "--amend", "--no-verify", "-m", "Kế hoạch bài dạy tuần 5 (sửa lời nhắn)")
    second = rev(teacher, "HEAD")
    accepted(push(teacher, f"+HEAD:refs/heads/{BRANCH}", env=TEACHER_ENV))
    forced = pushlog.read(server)[-1]
    assert (forced.old, forced.new) == (first, second)
    gc(server)

    clone = inspector(server, tmp_path / "thanh-tra")
    for where in (server, clone):
        assert holds(where, first), where
        when = record_times.read(where, "main").submitted[PLAN]
        assert (when.source, when.commit, when.moment) == ("push-log", first, logged_at(first_push)), where
        assert when.moment < logged_at(forced)
