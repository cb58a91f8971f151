"""A determined insider against the server: each attack of issue 10, pushed for real.

Every test builds a bare repository holding the demo school with hoso's hooks installed by
`hoso install-server-hook` (tests/servers.py), clones it, and pushes with real `git push`. The
pusher's identity, where a test needs it, is the environment variable the git server would set
(GL_USER for Gitolite, GITEA_PUSHER_NAME for Forgejo/Gitea, GL_USERNAME for GitLab): a local
push hands the pusher's environment to the hooks, as the server's own process would.
Controls (pushes that must still be accepted) sit next to the attacks they bound.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import HTML_AS_PDF, make_pdf, run_subprocess
from servers import (
    APPROVED,
    HEAD,
    PRINCIPAL,
    TEACHER,
    VICE,
    add_to_person,
    clone_as,
    commit,
    countersign,
    demo_server,
    git,
    push,
    seed_demo,
    sign_as,
)

from hoso.cli import main
from hoso.errors import ExitCode
from hoso.server import pushlog

pytestmark = pytest.mark.slow

PERMANENT = "records/2023-2024/truong/so-dang-bo/so-dang-bo-khoi-6.pdf"  # so-dang-bo: vĩnh viễn
JUNK = "records/2024-2025/truong/so-quan-ly-van-ban/gia-mao.pdf"
OWN_PLAN = f"records/2024-2025/gv/{TEACHER}/ke-hoach-bai-day/tuan-06-toan-9c.pdf"


@pytest.fixture(autouse=True)
def demo_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSO_P12_PASSPHRASE", "demo")


@pytest.fixture
def server(tmp_path: Path, isolated_env: Path) -> Path:
    return demo_server(tmp_path)


@pytest.fixture
def clone(server: Path, tmp_path: Path) -> Path:
    return clone_as(server, tmp_path / "work")


def refused(proc: subprocess.CompletedProcess[str], rule: str) -> None:
    assert proc.returncode != 0, proc.stderr
    assert rule in proc.stderr, proc.stderr
    assert "pre-receive hook declined" in proc.stderr
    assert "Traceback" not in proc.stderr


def accepted(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == 0, proc.stderr


def tip(bare: Path, ref: str = "main") -> str:
    return git(bare, "rev-parse", ref).stdout.strip()


# ---- 1. replace refs ---------------------------------------------------------------------


def test_replace_refs_are_refused_and_never_read(clone: Path, server: Path, capsys) -> None:
    (clone / JUNK).write_bytes(HTML_AS_PDF)
    commit(clone, "thêm hồ sơ")
    junk = git(clone, "rev-parse", f"HEAD:{JUNK}").stdout.strip()
    valid = git(clone, "rev-parse", f"HEAD:{APPROVED}").stdout.strip()
    git(clone, "replace", junk, valid)  # git itself now shows the junk blob as the valid PDF
    shown = git(clone, "cat-file", "-s", f"HEAD:{JUNK}").stdout
    assert shown == git(clone, "cat-file", "-s", valid).stdout

    refused(push(clone, "HEAD:main", "refs/replace/*:refs/replace/*"), "hook.ref-namespace")
    refused(push(clone, "refs/replace/*:refs/replace/*"), "hook.ref-namespace")
    # without the replace ref the junk is judged as stored
    refused(push(clone), "format.not-pdf")
    # and hoso reads objects as stored in a clone that has the replacement too
    code = main(["-C", str(clone), "check", "--range", "origin/main..HEAD", "--ref", "main"])
    assert code == ExitCode.FORMAT and "format.not-pdf" in capsys.readouterr().out
    assert git(server, "for-each-ref", "refs/replace").stdout == ""


# ---- 2. the protected branch is the server's, not the pushed catalog's -----------------------


def test_pushed_catalog_cannot_unprotect_main(clone: Path, server: Path) -> None:
    before = tip(server)
    catalog = clone / "catalog.yml"
    text = catalog.read_text(encoding="utf-8").replace(
        "defaults:\n", "defaults:\n  protected_branch: khac\n", 1
    )
    assert "protected_branch: khac" in text
    # an orphan history whose catalog moves the protected branch elsewhere, force-pushed over main
    git(clone, "checkout", "-q", "--orphan", "moi")
    catalog.write_text(text, encoding="utf-8")
    (clone / APPROVED).write_bytes(make_pdf("Kế hoạch giáo dục giả"))
    commit(clone, "lịch sử mới")
    refused(push(clone, "--force", "HEAD:main"), "hook.force-push")
    # the same catalog in a normal push, swapping an approved record for an unsigned one
    git(clone, "checkout", "-q", "main")
    catalog.write_text(text, encoding="utf-8")
    (clone / APPROVED).write_bytes(make_pdf("Kế hoạch giáo dục giả"))
    commit(clone, "đổi nhánh bảo vệ\n\nLy-do: thử")
    proc = push(clone)
    refused(proc, "history.rewrite-approved")
    assert "history.governance-unproven" in proc.stderr and "signatures.missing" in proc.stderr
    assert tip(server) == before


def test_protected_branch_is_the_servers_head_whatever_its_name(tmp_path: Path, isolated_env: Path) -> None:
    bare = demo_server(tmp_path, branch="master")  # an older git's default
    assert git(bare, "config", "--get-all", "hoso.protect").stdout.split() == ["master"]
    assert git(bare, "config", "receive.fsckObjects").stdout.strip() == "true"
    work = clone_as(bare, tmp_path / "work")
    (work / OWN_PLAN).write_bytes(make_pdf("Kế hoạch bài dạy chưa ký"))
    commit(work, "nộp\n\nLy-do: thử")
    refused(push(work, "HEAD:master"), "signatures.missing")  # master is the live branch here


def test_a_missing_protected_branch_is_an_error_not_a_pass(tmp_path: Path, isolated_env: Path) -> None:
    bare = demo_server(tmp_path, branch="master", hook_args=["--protect", "main"])
    work = clone_as(bare, tmp_path / "work")
    (work / OWN_PLAN).write_bytes(make_pdf("Kế hoạch bài dạy chưa ký"))
    commit(work, "nộp")
    refused(push(work, "HEAD:master"), "hook.protected-missing")
    refused(push(work, "HEAD:refs/heads/nop/pham-quoc-tuan/x"), "hook.protected-missing")


def test_init_creates_main_whatever_gits_default(tmp_path: Path, isolated_env: Path) -> None:
    git(tmp_path, "config", "--global", "init.defaultBranch", "master")
    target = tmp_path / "truong-moi"
    assert main(["init", str(target), "--level", "tieu-hoc", "--name", "Trường Tiểu học Thử"]) == 0
    assert git(target, "symbolic-ref", "HEAD").stdout.strip() == "refs/heads/main"


# ---- 3. merges are judged like any commit ------------------------------------------------


def _merge_with(clone: Path, message: str, change) -> None:
    """A merge of a harmless side branch whose merge commit itself carries `change`."""
    git(clone, "checkout", "-q", "-b", "nop/quan-tri/ben")
    git(clone, "commit", "-q", "--allow-empty", "-m", "bên")
    git(clone, "checkout", "-q", "main")
    git(clone, "commit", "-q", "--allow-empty", "-m", "chính")
    git(clone, "merge", "-q", "--no-ff", "--no-commit", "nop/quan-tri/ben")
    change()
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "--no-verify", "-m", message)
    assert len(git(clone, "rev-parse", "HEAD^@").stdout.split()) == 2


def test_a_merge_cannot_delete_a_permanent_record(clone: Path) -> None:
    _merge_with(clone, "Merge\n\nDuyet-boi: nguyen-van-hai", lambda: (clone / PERMANENT).unlink())
    refused(push(clone), "history.retention")


def test_a_merge_cannot_rewrite_an_approved_record(clone: Path) -> None:
    other = (clone / PERMANENT).read_bytes()  # validly signed, but another record's bytes
    _merge_with(clone, "Merge\n\nLy-do: thử", lambda: (clone / APPROVED).write_bytes(other))
    refused(push(clone), "history.rewrite-approved")


def test_an_evil_merge_on_a_submission_branch_is_refused(clone: Path) -> None:
    other = (clone / PERMANENT).read_bytes()
    git(clone, "checkout", "-q", "-b", "nop/quan-tri/ben")
    git(clone, "commit", "-q", "--allow-empty", "-m", "bên")
    git(clone, "checkout", "-q", "-b", "nop/quan-tri/gop", "main")
    git(clone, "commit", "-q", "--allow-empty", "-m", "gộp")
    git(clone, "merge", "-q", "--no-ff", "--no-commit", "nop/quan-tri/ben")
    (clone / APPROVED).write_bytes(other)
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "--no-verify", "-m", "Merge")
    refused(push(clone, "nop/quan-tri/gop"), "history.rewrite-approved")


def test_an_honest_approval_merge_is_accepted(clone: Path) -> None:
    """Control: a submission whose record gains a counter-signature, merged with --no-ff."""
    git(clone, "checkout", "-q", "-b", "nop/quan-tri/ky")
    countersign(clone, APPROVED)
    commit(clone, "Hiệu trưởng ký bổ sung")
    accepted(push(clone, "nop/quan-tri/ky"))
    git(clone, "checkout", "-q", "main")
    git(clone, "commit", "-q", "--allow-empty", "-m", "việc khác trên main")
    git(clone, "merge", "-q", "--no-ff", "-m", "Duyệt\n\nDuyet-boi: nguyen-van-hai", "nop/quan-tri/ky")
    accepted(push(clone))


# ---- 4. governance needs proof -------------------------------------------------------------


def _make_head_of_group(clone: Path, person: str) -> None:
    people = clone / "people.yml"
    text = people.read_text(encoding="utf-8")
    marker = f"  - id: {person}\n"
    assert marker in text
    start = text.index(marker)
    roles_at = text.index("    roles:\n", start) + len("    roles:\n")
    extra = "      - role: to-truong\n        group: toan-tin\n        from: 2025-01-01\n"
    people.write_text(text[:roles_at] + extra + text[roles_at:], encoding="utf-8")


def test_a_teacher_cannot_appoint_herself_through_her_own_merge(clone: Path, server: Path, capsys) -> None:
    git(clone, "checkout", "-q", "-b", f"nop/{TEACHER}/to-truong")
    _make_head_of_group(clone, TEACHER)
    commit(clone, "bổ nhiệm")
    git(clone, "checkout", "-q", "main")
    git(clone, "merge", "-q", "--no-ff", "-m", f"Duyệt\n\nDuyet-boi: {PRINCIPAL}", f"nop/{TEACHER}/to-truong")
    refused(push(clone), "history.governance-unproven")


def test_a_decision_signed_by_a_head_of_group_does_not_change_people(clone: Path) -> None:
    _make_head_of_group(clone, TEACHER)
    decision = "quyet-dinh/qd-02.pdf"
    (clone / "quyet-dinh").mkdir()
    (clone / decision).write_bytes(make_pdf("Quyết định bổ nhiệm tổ trưởng"))
    sign_as(clone, decision, HEAD, "to-truong")  # a genuine signature, but not the principal's
    commit(clone, f"bổ nhiệm\n\nQuyet-dinh: {decision}")
    refused(push(clone), "history.governance-unproven")


def test_an_old_decision_cannot_be_replayed(clone: Path) -> None:
    decision = "quyet-dinh/qd-01.pdf"
    (clone / "quyet-dinh").mkdir()
    (clone / decision).write_bytes(make_pdf("Quyết định sửa cấu hình"))
    countersign(clone, decision)
    commit(clone, f"quyết định\n\nQuyet-dinh: {decision}")
    accepted(push(clone))  # control: the principal's signed decision, added by this change
    _make_head_of_group(clone, TEACHER)
    commit(clone, f"bổ nhiệm\n\nQuyet-dinh: {decision}")
    refused(push(clone), "history.governance-unproven")


def _ssh_key(tmp_path: Path, name: str) -> tuple[Path, str]:
    key = tmp_path / f"{name}.key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key, key.with_suffix(".key.pub").read_text(encoding="utf-8").strip()


def _with_ssh_key(seed: Path, person: str, public: str) -> None:
    add_to_person(seed / "people.yml", person, f'    ssh_keys: ["{public}"]\n')


def test_a_merge_signed_with_the_principals_listed_key_is_proof(tmp_path: Path, isolated_env: Path) -> None:
    principal_key, principal_pub = _ssh_key(tmp_path, PRINCIPAL)
    teacher_key, teacher_pub = _ssh_key(tmp_path, TEACHER)

    def keys(seed: Path) -> None:
        _with_ssh_key(seed, PRINCIPAL, principal_pub)
        _with_ssh_key(seed, TEACHER, teacher_pub)

    bare = demo_server(tmp_path, edit_seed=keys)
    work = clone_as(bare, tmp_path / "work")
    git(work, "config", "gpg.format", "ssh")
    git(work, "checkout", "-q", "-b", f"nop/{TEACHER}/to-truong")
    _make_head_of_group(work, TEACHER)
    commit(work, "bổ nhiệm")
    git(work, "checkout", "-q", "main")
    message = f"Duyệt\n\nDuyet-boi: {PRINCIPAL}"
    git(work, "config", "user.signingkey", str(teacher_key))
    git(work, "merge", "-q", "--no-ff", "-S", "-m", message, f"nop/{TEACHER}/to-truong")
    refused(push(work), "history.governance-unproven")  # signed, but by a teacher's key

    git(work, "reset", "-q", "--hard", "HEAD~1")
    git(work, "config", "user.signingkey", str(principal_key))
    git(work, "merge", "-q", "--no-ff", "-S", "-m", message, f"nop/{TEACHER}/to-truong")
    accepted(push(work))


# ---- 5. notes and other namespaces ---------------------------------------------------------


def test_notes_and_foreign_namespaces_are_refused(clone: Path, server: Path) -> None:
    git(clone, "notes", "add", "-m", f"Tu-choi-boi: {PRINCIPAL}\nLy-do: giả mạo", "HEAD")
    refused(push(clone, "refs/notes/*:refs/notes/*"), "hook.ref-namespace")
    refused(push(clone, f"HEAD:{pushlog.REF}"), "hook.ref-namespace")
    refused(push(clone, "HEAD:refs/pull/1/head"), "hook.ref-namespace")
    assert git(server, "for-each-ref", "refs/notes", "refs/pull").stdout == ""


# ---- 6. tags get the same checks -----------------------------------------------------------


def test_a_tag_at_an_unchecked_commit_is_checked(clone: Path, server: Path) -> None:
    (clone / JUNK).write_bytes(HTML_AS_PDF)
    commit(clone, "thêm hồ sơ")
    git(clone, "tag", "nhe")
    git(clone, "tag", "-a", "co-chu-thich", "-m", "thẻ")
    refused(push(clone, "refs/tags/nhe"), "format.not-pdf")
    refused(push(clone, "refs/tags/co-chu-thich"), "format.not-pdf")
    blob = git(clone, "rev-parse", f"HEAD:{JUNK}").stdout.strip()
    refused(push(clone, f"{blob}:refs/tags/blob"), "hook.not-a-commit")
    assert git(server, "tag").stdout == ""
    git(clone, "reset", "-q", "--hard", "HEAD~1")
    git(clone, "tag", "-f", "nam-hoc-2024-2025")
    accepted(push(clone, "refs/tags/nam-hoc-2024-2025"))  # control: a tag on main


# ---- 7. what runs code at the next build or commit needs proof -------------------------------


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("mkdocs.yml", "site_name: x\nhooks:\n  - evil.py\n"),
        ("evil.py", "import os\nos.system('id')\n"),
        (
            ".pre-commit-config.yaml",
            "repos:\n  - repo: local\n    hooks:\n      - id: x\n        entry: id\n",
        ),
    ],
)
def test_code_that_would_run_later_needs_proof(clone: Path, path: str, content: str) -> None:
    (clone / path).write_text(content, encoding="utf-8")
    commit(clone, "thêm")
    refused(push(clone), "history.governance-unproven")


def test_a_symlink_in_site_src_needs_proof(clone: Path) -> None:
    (clone / "site_src").mkdir(exist_ok=True)
    (clone / "site_src/bi-mat.md").symlink_to("/etc/passwd")
    commit(clone, "trang")
    refused(push(clone), "history.governance-unproven")


# ---- 8. .gitattributes that corrupt PDFs ---------------------------------------------------


def test_gitattributes_converting_pdfs_is_refused_everywhere(clone: Path, capsys) -> None:
    (clone / ".gitattributes").write_text("*.pdf text eol=crlf\n", encoding="utf-8")
    commit(clone, "thuộc tính")
    refused(push(clone), "hygiene.gitattributes")
    refused(push(clone, "HEAD:refs/heads/nop/quan-tri/attr"), "hygiene.gitattributes")
    capsys.readouterr()
    assert main(["-C", str(clone), "check", "--all"]) == ExitCode.MISPLACED
    assert "hygiene.gitattributes" in capsys.readouterr().out


def test_gitattributes_for_other_files_is_fine_on_a_branch(clone: Path) -> None:
    (clone / ".gitattributes").write_text("*.mp4 filter=lfs -text\n*.pdf binary\n", encoding="utf-8")
    commit(clone, "thuộc tính")
    proc = push(clone, "HEAD:refs/heads/nop/quan-tri/attr")
    accepted(proc)
    assert "history.governance" in proc.stderr  # warned: it needs proof to reach main


# ---- who pushes what ---------------------------------------------------------------------


@pytest.fixture
def gitolite_server(tmp_path: Path, isolated_env: Path) -> Path:
    return demo_server(tmp_path, hook_args=["--pusher", "gitolite"])


def test_pusher_rules(gitolite_server: Path, tmp_path: Path) -> None:
    work = clone_as(gitolite_server, tmp_path / "work")
    teacher = {"GL_USER": TEACHER}
    countersign(work, APPROVED)
    commit(work, "ký bổ sung")
    refused(push(work, env=teacher), "hook.pusher-not-approver")
    refused(push(work, f"HEAD:refs/heads/nop/{HEAD}/x", env=teacher), "hook.pusher-not-owner")
    refused(push(work, "HEAD:refs/tags/t", env=teacher), "hook.pusher-not-owner")
    refused(push(work, env={"GL_USER": "nguoi-la"}), "hook.pusher-not-in-people")
    refused(push(work), "server.pusher-missing")  # pushed around the git server: nobody proved
    accepted(push(work, f"HEAD:refs/heads/nop/{TEACHER}/x", env=teacher))
    refused(push(work, f":refs/heads/nop/{TEACHER}/x", env={"GL_USER": "le-thi-mai-xx"}), "hook.pusher")
    accepted(push(work, f":refs/heads/nop/{TEACHER}/x", env=teacher))
    accepted(push(work, env={"GL_USER": HEAD}))  # a tổ trưởng approves

    # governance: a tổ trưởng pushing people.yml proves nothing; the principal pushing it does
    _make_head_of_group(work, TEACHER)
    commit(work, "bổ nhiệm")
    refused(push(work, env={"GL_USER": HEAD}), "history.governance-unproven")
    accepted(push(work, env={"GL_USER": PRINCIPAL}))

    entries = pushlog.read(gitolite_server)
    assert [(e.account, e.person, e.ref) for e in entries] == [
        (TEACHER, TEACHER, f"refs/heads/nop/{TEACHER}/x"),
        (TEACHER, TEACHER, f"refs/heads/nop/{TEACHER}/x"),
        (HEAD, HEAD, "refs/heads/main"),
        (PRINCIPAL, PRINCIPAL, "refs/heads/main"),
    ]
    assert entries[-1].new == tip(gitolite_server)


@pytest.mark.parametrize(
    ("server_kind", "variable"), [("forgejo", "GITEA_PUSHER_NAME"), ("gitlab", "GL_USERNAME")]
)
def test_forge_pusher_variables_and_accounts(
    tmp_path: Path, isolated_env: Path, server_kind: str, variable: str
) -> None:
    def account(seed: Path) -> None:
        add_to_person(seed / "people.yml", HEAD, "    accounts: [thay-an]\n")

    bare = demo_server(tmp_path, hook_args=["--pusher", server_kind], edit_seed=account)
    work = clone_as(bare, tmp_path / "work")
    countersign(work, APPROVED)
    commit(work, "ký bổ sung")
    refused(push(work, env={variable: TEACHER}), "hook.pusher-not-approver")
    refused(push(work, env={"GL_USER": "thay-an"}), "server.pusher-missing")  # another server's variable
    accepted(push(work, env={variable: "thay-an"}))
    assert pushlog.read(bare)[-1].person == HEAD


def test_hook_installation_refuses_bad_settings(tmp_path: Path, isolated_env: Path) -> None:
    bare = tmp_path / "x.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    run = run_subprocess(["install-server-hook", str(bare), "--protect", "a..b"], cwd=tmp_path)
    assert run.code == ExitCode.USAGE and "a..b" in run.err and "Traceback" not in run.err
    run = run_subprocess(["install-server-hook", str(bare), "--pusher", "ftp"], cwd=tmp_path)
    assert run.code == ExitCode.USAGE and "Traceback" not in run.err
    assert main(["install-server-hook", str(bare)]) == 0
    git(bare, "config", "hoso.pusher", "ftp")  # set by hand, wrongly: refused, never ignored
    seed = tmp_path / "seed"
    seed_demo(seed)
    git(seed, "remote", "add", "origin", str(bare))
    proc = git(seed, "push", "origin", "HEAD:main", check=False)
    assert proc.returncode != 0
    assert "server.pusher-unknown-source" in proc.stderr and "Traceback" not in proc.stderr


# ---- the trail tells evidence from claims ----------------------------------------------------


def _log(capsys, work: Path, *args: str) -> list[dict]:
    import json

    capsys.readouterr()
    assert main(["-C", str(work), "log", "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)["events"]


def test_the_trail_shows_proofs_apart_from_claims(gitolite_server: Path, tmp_path: Path, capsys) -> None:
    work = clone_as(gitolite_server, tmp_path / "work")
    # an honest approval: the principal's counter-signature is in the record the merge brings
    git(work, "checkout", "-q", "-b", "nop/quan-tri/ky")
    countersign(work, APPROVED)
    commit(work, "ký bổ sung")
    git(work, "checkout", "-q", "main")
    git(work, "merge", "-q", "--no-ff", "-m", f"Duyệt\n\nDuyet-boi: {PRINCIPAL}", "nop/quan-tri/ky")
    accepted(push(work, env={"GL_USER": HEAD}))
    # a forged approval made locally: a trailer naming the principal over a new version of the
    # record that carries his earlier signature along, and someone else's new one
    git(work, "checkout", "-q", "-b", "nop/quan-tri/gia")
    sign_as(work, APPROVED, HEAD, "to-truong")
    commit(work, "ký thêm")
    git(work, "checkout", "-q", "main")
    git(work, "merge", "-q", "--no-ff", "-m", f"Duyệt\n\nDuyet-boi: {PRINCIPAL}", "nop/quan-tri/gia")
    # a rejection typed into a note
    git(work, "notes", "add", "-m", f"Tu-choi-boi: {PRINCIPAL}\nLy-do: giả", "HEAD~1")
    git(work, "fetch", "-q", "origin", pushlog.FETCH_REFSPEC)

    events = [e for e in _log(capsys, work) if e["kind"] in ("duyet", "tu-choi")]
    honest, note, forged = events
    assert {"kind": "chu-ky-so", "person": PRINCIPAL} in honest["evidence"]
    assert {"kind": "nguoi-day", "person": HEAD} in honest["evidence"]  # the authenticated pusher
    assert honest["claimed_only"] == []
    assert note["via_note"] and note["evidence"] == [] and note["claimed_only"] == [PRINCIPAL]
    assert forged["evidence"] == [] and forged["claimed_only"] == [PRINCIPAL]
    capsys.readouterr()
    assert main(["-C", str(work), "log"]) == 0
    text = capsys.readouterr().out
    assert "tự khai" in text and "chữ ký số của Nguyễn Văn Hải" in text and "máy chủ xác thực" in text

    # the inspectors' site says the same on the record's page
    site = tmp_path / "site"
    (work / "mkdocs.yml").write_text("site_name: Trường THCS Hòa Bình\n", encoding="utf-8")
    assert main(["-C", str(work), "site", "build", "--out", str(site)]) == 0
    pages = [p.read_text(encoding="utf-8") for p in site.rglob("*.html")]
    page = next(p for p in pages if "hoso-history" in p and "ke-hoach-giao-duc-nha-truong-2024-2025" in p)
    assert "chữ ký số của Nguyễn Văn Hải trong hồ sơ" in page
    assert "tự khai (không có bằng chứng): Nguyễn Văn Hải" in page


def test_a_broken_configuration_on_a_submission_branch_is_refused(clone: Path) -> None:
    (clone / "catalog.yml").write_text("# trống\n", encoding="utf-8")
    commit(clone, "xóa danh mục")
    proc = push(clone, "HEAD:refs/heads/nop/quan-tri/cau-hinh")
    refused(proc, "config.invalid-pushed")
    assert "catalog.yml" in proc.stderr


def test_a_reverse_merge_cannot_make_another_history_main(gitolite_server: Path, tmp_path: Path) -> None:
    """An unrelated history without a permanent record, with main merged into it `-s ours`:
    the old tip becomes a second parent, so no step of the new first-parent line deletes
    anything. Even the principal (who may change the configuration) cannot push it."""
    work = clone_as(gitolite_server, tmp_path / "work")
    git(work, "checkout", "-q", "--orphan", "ke-khac")
    git(work, "rm", "-q", "--cached", PERMANENT)
    (work / PERMANENT).unlink()
    git(work, "commit", "-q", "--no-verify", "-m", "lịch sử khác")
    git(work, "merge", "-q", "-s", "ours", "--allow-unrelated-histories", "-m", "Merge", "main")
    refused(push(work, "HEAD:main", env={"GL_USER": PRINCIPAL}), "history.first-parent")
    assert git(gitolite_server, "cat-file", "-e", f"main:{PERMANENT}", check=False).returncode == 0


def test_people_yml_cannot_give_one_account_to_two_people(tmp_path: Path, isolated_env: Path) -> None:
    seed = tmp_path / "seed"
    seed_demo(seed)
    for person in (TEACHER, PRINCIPAL):
        add_to_person(seed / "people.yml", person, "    accounts: [chung]\n    ssh_keys: [khong-phai-khoa]\n")
    run = run_subprocess(["validate-config"], cwd=seed)
    assert run.code == ExitCode.CONFIG
    assert "chung" in run.out + run.err and "khong-phai-khoa" in run.out + run.err


def test_check_range_with_names_accepts_a_clean_range(clone: Path, capsys) -> None:
    """Control for CI: revision names, not only ids, on an append-only counter-signature."""
    countersign(clone, APPROVED)
    commit(clone, "ký bổ sung")
    code = main(["-C", str(clone), "check", "--range", "origin/main..HEAD", "--ref", "main"])
    assert code == ExitCode.OK, capsys.readouterr().out


def test_control_characters_in_names_and_messages_forge_nothing(clone: Path, capsys) -> None:
    """An author name carrying git log's field separators must not become a signed-commit proof,
    and a record separator in a message must not crash the hook or inject a commit."""
    forged_name = f"Mallory\x1fm@x.invalid\x1f\x1fG{PRINCIPAL}"
    git(clone, "checkout", "-q", "-b", "nop/quan-tri/ky")
    countersign(clone, APPROVED)
    commit(clone, "ký\x1e\x1fbổ sung")
    git(clone, "checkout", "-q", "main")
    git(
        clone,
        "merge",
        "-q",
        "--no-ff",
        "-m",
        f"Duyệt\x1e{'0' * 40}\x1f\n\nDuyet-boi: {PRINCIPAL}",
        "nop/quan-tri/ky",
        env={"GIT_AUTHOR_NAME": forged_name, "GIT_COMMITTER_NAME": forged_name},
    )
    accepted(push(clone))  # an honest counter-signature, whatever the names say
    events = [e for e in _log(capsys, clone) if e["kind"] == "duyet"]
    assert len(events) == 1
    assert {"kind": "commit-ky", "person": PRINCIPAL} not in events[0]["evidence"]
    assert {"kind": "chu-ky-so", "person": PRINCIPAL} in events[0]["evidence"]


def test_a_copy_of_a_principal_signed_record_is_no_decision(clone: Path) -> None:
    """Any PDF the principal ever signed, copied under a new name, must not prove a change."""
    (clone / "quyet-dinh").mkdir()
    (clone / "quyet-dinh/qd-99.pdf").write_bytes((clone / APPROVED).read_bytes())
    _make_head_of_group(clone, TEACHER)
    commit(clone, "bổ nhiệm\n\nQuyet-dinh: quyet-dinh/qd-99.pdf")
    refused(push(clone), "history.governance-unproven")
    # nor one that gained another revision (a new blob id, the same old signature)
    git(clone, "reset", "-q", "--hard", "origin/main")
    (clone / "quyet-dinh").mkdir()
    (clone / "quyet-dinh/qd-98.pdf").write_bytes((clone / APPROVED).read_bytes())
    sign_as(clone, "quyet-dinh/qd-98.pdf", HEAD, "to-truong")  # appended: the blob differs
    _make_head_of_group(clone, TEACHER)
    commit(clone, "bổ nhiệm\n\nQuyet-dinh: quyet-dinh/qd-98.pdf")
    refused(push(clone), "history.governance-unproven")


def test_a_principal_signed_record_is_no_change_request(tmp_path: Path, isolated_env: Path) -> None:
    from test_history import LOCKS

    bare = demo_server(tmp_path, locks=LOCKS)
    work = clone_as(bare, tmp_path / "work")
    locked = "records/2023-2024/truong/so-dang-bo/so-dang-bo-khoi-6-ban-2.pdf"
    (work / locked).write_bytes((work / PERMANENT).read_bytes())
    commit(work, "thêm")
    refused(push(work), "history.locked")
    git(work, "commit", "-q", "--amend", "-m", f"thêm\n\nDe-nghi-sua: {APPROVED}")
    refused(push(work), "history.request-unsigned")  # an old record is no request for this change


def test_an_account_name_equal_to_a_person_id_is_not_that_person_when_accounts_are_listed(
    tmp_path: Path, isolated_env: Path
) -> None:
    def account(seed: Path) -> None:
        add_to_person(seed / "people.yml", PRINCIPAL, "    accounts: [thay-hai]\n")

    bare = demo_server(tmp_path, hook_args=["--pusher", "forgejo"], edit_seed=account)
    work = clone_as(bare, tmp_path / "work")
    _make_head_of_group(work, TEACHER)
    commit(work, "bổ nhiệm")
    refused(push(work, env={"GITEA_PUSHER_NAME": PRINCIPAL}), "hook.pusher-not-in-people")
    accepted(push(work, env={"GITEA_PUSHER_NAME": "thay-hai"}))


def test_a_copied_record_is_no_signature_evidence_in_the_trail(clone: Path, capsys) -> None:
    copy = APPROVED.replace("ke-hoach-giao-duc-nha-truong-2024-2025.pdf", "ban-sao.pdf")
    git(clone, "checkout", "-q", "-b", "nop/quan-tri/ban-sao")
    (clone / copy).write_bytes((clone / APPROVED).read_bytes())
    commit(clone, "bản sao")
    git(clone, "checkout", "-q", "main")
    git(clone, "merge", "-q", "--no-ff", "-m", f"Duyệt\n\nDuyet-boi: {PRINCIPAL}", "nop/quan-tri/ban-sao")
    (event,) = [e for e in _log(capsys, clone) if e["kind"] == "duyet"]
    assert event["evidence"] == [] and event["claimed_only"] == [PRINCIPAL]


def test_unrelated_histories_are_refused(gitolite_server: Path, tmp_path: Path) -> None:
    """A backdated orphan history (junk 'submitted', then 'approved'), merged into main: its
    commits were never judged and would rewrite the trail, whoever pushes it."""
    work = clone_as(gitolite_server, tmp_path / "work")
    git(work, "checkout", "-q", "--orphan", f"nop/{TEACHER}/cu")
    git(work, "rm", "-q", "-r", "--cached", ".")
    git(work, "clean", "-q", "-fdx")
    (work / OWN_PLAN).parent.mkdir(parents=True, exist_ok=True)
    (work / OWN_PLAN).write_bytes(HTML_AS_PDF)
    git(work, "add", "-A")
    old_date = {
        "GIT_AUTHOR_DATE": "2024-09-02T08:00:00+07:00",
        "GIT_COMMITTER_DATE": "2024-09-02T08:00:00+07:00",
    }
    git(work, "commit", "-q", "--no-verify", "-m", "Nộp", env=old_date)
    refused(push(work, f"HEAD:refs/heads/nop/{TEACHER}/cu", env={"GL_USER": TEACHER}), "history.unrelated")
    git(work, "checkout", "-q", "main")
    git(work, "merge", "-q", "--allow-unrelated-histories", "-s", "ours", "-m", "Duyệt", f"nop/{TEACHER}/cu")
    refused(push(work, env={"GL_USER": PRINCIPAL}), "history.unrelated")


def test_a_tree_bomb_is_refused_in_seconds(clone: Path) -> None:
    """A few KB of tree objects naming one subtree ten times, six levels deep: a million paths."""
    import time

    def mktree(entries: str) -> str:
        return subprocess.run(
            ["git", "mktree"], cwd=clone, input=entries, capture_output=True, text=True, check=True
        ).stdout.strip()

    blob = subprocess.run(
        ["git", "hash-object", "-w", "--stdin"],
        cwd=clone,
        input="x\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    tree = mktree("".join(f"100644 blob {blob}\tf{i}\n" for i in range(10)))
    for _ in range(5):
        tree = mktree("".join(f"040000 tree {tree}\td{i}\n" for i in range(10)))
    top = git(clone, "rev-parse", "HEAD^{tree}").stdout.strip()
    listing = git(clone, "ls-tree", top).stdout + f"040000 tree {tree}\tkhac\n"
    bomb = git(clone, "commit-tree", mktree(listing), "-p", "HEAD", "-m", "bom").stdout.strip()
    started = time.monotonic()
    refused(push(clone, f"{bomb}:refs/heads/nop/quan-tri/bom"), "hygiene.tree-too-large")
    assert time.monotonic() - started < 20


def test_a_local_replacement_cannot_whitewash_a_blob(clone: Path, capsys) -> None:
    """A replace ref in a clone makes git show a valid PDF for a junk blob: hoso reads the junk,
    and never caches a 'valid' verdict under the junk blob's id."""
    (clone / JUNK).write_bytes(HTML_AS_PDF)
    commit(clone, "thêm hồ sơ")
    junk = git(clone, "rev-parse", f"HEAD:{JUNK}").stdout.strip()
    valid = git(clone, "rev-parse", f"HEAD:{APPROVED}").stdout.strip()
    git(clone, "replace", junk, valid)
    for _ in range(2):  # the second run reads the evidence cache the first one wrote
        capsys.readouterr()
        assert main(["-C", str(clone), "check", "--all"]) == ExitCode.FORMAT
        assert "format.not-pdf" in capsys.readouterr().out


def test_a_principal_whose_term_ended_cannot_appoint_only_the_authority_can(
    tmp_path: Path, isolated_env: Path
) -> None:
    """The outgoing principal's term is over in people.yml: his pushes prove nothing any more;
    the supervising authority's officer (role co-quan-quan-ly) appoints the new principal."""

    def term_over(seed: Path) -> None:
        people = seed / "people.yml"
        text = people.read_text(encoding="utf-8")
        text = text.replace(
            "      - role: hieu-truong\n        from: 2018-08-01\n",
            "      - role: hieu-truong\n        from: 2018-08-01\n        until: 2025-07-31\n",
            1,
        )
        officer = (
            "  - id: can-bo-phong\n    name: Cán bộ Phòng Văn hóa – Xã hội\n"
            "    roles:\n      - role: co-quan-quan-ly\n        from: 2020-01-01\n"
        )
        text = text.replace("people:\n", "people:\n" + officer, 1)
        people.write_text(text, encoding="utf-8")

    bare = demo_server(tmp_path, hook_args=["--pusher", "gitolite"], edit_seed=term_over)
    work = clone_as(bare, tmp_path / "work")
    people = work / "people.yml"
    marker = f"  - id: {VICE}\n"
    text = people.read_text(encoding="utf-8")
    roles_at = text.index("    roles:\n", text.index(marker)) + len("    roles:\n")
    extra = "      - role: hieu-truong\n        from: 2025-08-01\n"
    people.write_text(text[:roles_at] + extra + text[roles_at:], encoding="utf-8")
    commit(work, "bổ nhiệm hiệu trưởng mới")
    refused(push(work, env={"GL_USER": PRINCIPAL}), "hook.pusher-not-approver")  # no role today
    accepted(push(work, env={"GL_USER": "can-bo-phong"}))


def test_an_old_signature_given_a_fresh_timestamp_is_no_decision(
    gitolite_server: Path, tmp_path: Path
) -> None:
    """A tổ trưởng cuts an approved record after the principal's signature and has a public TSA
    timestamp that old signature value today: the token bounds the signature from above only,
    and the signature value is already in the repository."""
    from conftest import REPO_ROOT
    from sigfixtures import retimed

    pki = REPO_ROOT / "scripts/demo_pki"
    work = clone_as(gitolite_server, tmp_path / "work", HEAD)
    now = {"GIT_COMMITTER_DATE": datetime.now(UTC).replace(microsecond=0).isoformat()}
    git(work, "commit", "-q", "--allow-empty", "-m", "việc thường ngày")
    accepted(push(work, env={**now, "GL_USER": HEAD}))  # the push log's floor is today
    (work / "quyet-dinh").mkdir()
    decision = retimed(
        (work / APPROVED).read_bytes(), pki / "intermediate-ca.pem", pki / "intermediate-ca.key.pem"
    )
    (work / "quyet-dinh/qd-01.pdf").write_bytes(decision)
    _make_head_of_group(work, TEACHER)
    commit(work, "bổ nhiệm\n\nQuyet-dinh: quyet-dinh/qd-01.pdf")
    refused(push(work, env={**now, "GL_USER": HEAD}), "history.governance-unproven")


def test_a_copy_of_a_counter_signature_committed_on_main_is_no_evidence(
    gitolite_server: Path, tmp_path: Path, capsys
) -> None:
    """The principal counter-signs straight on main (no approval merge); a tổ trưởng copies those
    bytes under another name and merges them with `Duyet-boi: <principal>`: the signature value
    first appeared on main, not in what the approval brought."""
    boss = clone_as(gitolite_server, tmp_path / "boss", PRINCIPAL)
    countersign(boss, APPROVED)
    commit(boss, "Hiệu trưởng ký bổ sung")
    accepted(push(boss, env={"GL_USER": PRINCIPAL}))
    work = clone_as(gitolite_server, tmp_path / "work", HEAD)
    copy = APPROVED.replace(".pdf", "-ban-2.pdf")
    git(work, "checkout", "-q", "-b", f"nop/{HEAD}/ban-2")
    (work / copy).write_bytes((work / APPROVED).read_bytes())
    commit(work, "bản 2")
    accepted(push(work, f"nop/{HEAD}/ban-2", env={"GL_USER": HEAD}))
    git(work, "checkout", "-q", "main")
    git(work, "merge", "-q", "--no-ff", "-m", f"Duyệt\n\nDuyet-boi: {PRINCIPAL}", f"nop/{HEAD}/ban-2")
    accepted(push(work, env={"GL_USER": HEAD}))
    git(work, "fetch", "-q", "origin", pushlog.FETCH_REFSPEC)
    (event,) = [e for e in _log(capsys, work) if e["kind"] == "duyet"]
    assert {"kind": "chu-ky-so", "person": PRINCIPAL} not in event["evidence"]
    assert event["claimed_only"] == [PRINCIPAL]
    assert {"kind": "nguoi-day", "person": HEAD} in event["evidence"]  # who really pushed it
