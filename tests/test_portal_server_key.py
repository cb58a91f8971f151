"""schools.yml's `server_key:`: the authority's portal judges a school's push log by the key the
authority registered for the school's server, never by one the school's repository names.

Real git, real hooks: the demo school on a bare repository with hoso's hooks installed by the real
`hoso install-server-hook --pusher gitolite` (tests/servers.py), which made the server's signing
key; pushes set GL_USER as Gitolite does. The teacher's lesson plan (tests/test_kept_submissions.py)
is signed at test time with the demo keys through `hoso sign`; other keys (a clone's own, a
principal's commit-signing key) are made at test time with ssh-keygen. The portal is the library
call `hoso portal build` makes, over an inspector's clone of the school.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT, make_pdf
from servers import (
    PRINCIPAL,
    TEACHER,
    add_to_person,
    demo_server,
    git,
    push,
    register_server_key,
    seed_demo,
    server_public_key,
    sign_as,
    ssh_key,
)
from test_kept_submissions import (
    HEAD_ENV,
    PLAN,
    YEAR,
    accepted,
    approver,
    inspector,
    next_second,
    rev,
    squash,
    submit,
)

from hoso import trail
from hoso.errors import ConfigError
from hoso.messages import t
from hoso.portal import config
from hoso.portal.build import PortalResult, build
from hoso.portal.tables import School
from hoso.server import pushlog

pytestmark = pytest.mark.slow

OWN = f"records/{YEAR}/gv/{TEACHER}/ke-hoach-bai-day/tuan-06-toan-9c.pdf"  # committed in the clone
NOTE = t("portal.school-server-key")
ED25519 = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"  # a whole key
PUSHED_BY = t("log.proof.nguoi-day", person="\x00").split("\x00")[1]  # the words after the name


@pytest.fixture(autouse=True)
def demo_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSO_P12_PASSPHRASE", "demo")


def with_site(seed: Path) -> None:
    """The demo school's site configuration and pages, which a site build reads from the commit."""
    shutil.copy(REPO_ROOT / "mkdocs.yml", seed / "mkdocs.yml")
    shutil.copytree(REPO_ROOT / "site_src", seed / "site_src")


def portal(folder: Path, school: Path, key: str | None) -> tuple[School, Path]:
    """The portal at `folder/cong` over the one school `school` (id `truong`), with `key` as its
    `server_key:` (None: none given); a second call reuses the first one's cache."""
    yml = folder / "schools.yml"
    line = f"    server_key: {key}\n" if key else ""
    yml.write_text(f"version: 1\nschools:\n  - path: {school}\n    id: truong\n{line}", encoding="utf-8")
    result: PortalResult = build(config.load(yml), folder / "cong")
    (found,) = result.schools
    assert found.state == "ok", found.problems  # the note alone changes no state
    return found, folder / "cong" / "site" / "truong"


def sources(site: Path) -> dict[str, tuple[Any, Any]]:
    """path -> (submitted_source, approved_source) of every record of the built site."""
    data = json.loads((site / "index.json").read_text(encoding="utf-8"))
    return {
        r["path"]: (r["timeliness"]["submitted_source"], r["timeliness"]["approved_source"])
        for r in data["records"]
        if r.get("timeliness")
    }


def pages_holding(site: Path, text: str) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*.html") if text in p.read_text("utf-8")
    )


def notes(school: School) -> list[str]:
    return [text for _, text in school.problems if text == NOTE]


def test_the_server_key_schools_yml_gives_makes_the_push_log_evidence(
    tmp_path: Path, isolated_env: Path
) -> None:
    """The school never registered its server's key: its own build dates the plan by its commit.
    The authority's portal, given the key, dates it by the server's push log and names who pushed
    it; the site is built again when the key changes."""
    server = demo_server(
        tmp_path, hook_args=["--pusher", "gitolite"], edit_seed=with_site, register_key=False
    )
    submit(server, tmp_path / "giao-vien")
    next_second()
    work = approver(server, tmp_path / "to-truong")
    squash(work)
    accepted(push(work, "main", env=HEAD_ENV))
    clone = inspector(server, tmp_path / "thanh-tra")

    school, site = portal(tmp_path, clone, None)
    assert sources(site)[PLAN] == ("commit", "commit")
    assert pages_holding(site, PUSHED_BY) == []
    assert notes(school) == [NOTE]  # times rest on the school's own registration: said so

    school, site = portal(tmp_path, clone, server_public_key(server) + " may-chu-truong")
    assert sources(site)[PLAN] == ("push-log", "push-log")
    assert pages_holding(site, PUSHED_BY)  # the history agrees with the times: the same key
    assert notes(school) == []


def test_a_key_the_clone_committed_itself_is_not_the_portals(tmp_path: Path, isolated_env: Path) -> None:
    """The clone commits a key of its own under trust/may-chu/, a plan on main, and a push-log
    entry signed with that key saying the plan was pushed in 2020. Its own defaults believe it;
    the portal holding the real server's key shows no push-log evidence at all."""
    server = demo_server(tmp_path, hook_args=["--pusher", "gitolite"], edit_seed=with_site)
    clone = inspector(server, tmp_path / "thanh-tra")
    key, public = ssh_key(tmp_path / "ke-xau", "key")
    before = rev(clone, "HEAD")
    register_server_key(clone, public)
    (clone / OWN).parent.mkdir(parents=True, exist_ok=True)
    (clone / OWN).write_bytes(make_pdf("Kế hoạch bài dạy Tuần 6 – Toán 9C"))
    sign_as(clone, OWN, TEACHER, "giao-vien")
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "--no-verify", "-m", "Khóa khác và tuần 6")
    entry = pushlog.PushEntry(
        "2020-09-01T01:00:00+00:00", TEACHER, TEACHER, "refs/heads/main", before, rev(clone, "HEAD")
    )
    pushlog.append(clone, [entry], key=key)

    school, site = portal(tmp_path, clone, None)
    assert sources(site)[OWN][0] == "push-log"  # the clone's own say-so, under its own key
    assert pages_holding(site, PUSHED_BY)
    assert notes(school) == [NOTE]

    school, site = portal(tmp_path, clone, server_public_key(server))
    found = sources(site)
    assert found[OWN][0] == "commit"
    assert not [p for p, both in found.items() if "push-log" in both], found
    assert pages_holding(site, PUSHED_BY) == []
    assert notes(school) == []


@pytest.mark.parametrize(
    "value",
    [
        "ssh-ed25519",  # no key
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq",  # truncated
        f"ssh-rsa {ED25519}",  # another type than its key says
        f'"ssh-ed25519 {ED25519}\\nssh-ed25519 {ED25519}"',  # two lines (a YAML escape)
        "trust/may-chu/may-chu.pub",  # a file name, not the key
    ],
)
def test_a_server_key_that_is_not_a_key_line_is_refused_with_its_line(tmp_path: Path, value: str) -> None:
    yml = tmp_path / "schools.yml"
    yml.write_text(f"version: 1\nschools:\n  - path: truong\n    server_key: {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        config.load(yml)
    (issue,) = caught.value.issues
    assert (issue.file, issue.line, issue.key) == ("schools.yml", 4, "portal.bad-server-key")


def test_a_server_key_line_is_kept_without_its_comment(tmp_path: Path) -> None:
    public = ssh_key(tmp_path / "may-chu", "push-log-key")[1]
    assert public.endswith(" push-log-key")
    yml = tmp_path / "schools.yml"
    yml.write_text(f"version: 1\nschools:\n  - path: truong\n    server_key: {public}\n", encoding="utf-8")
    (source,) = config.load(yml).sources
    assert source.server_key == pushlog.public_keys(public)[0]


def test_a_signed_commit_verifies_in_a_bare_mirror_as_in_the_work_tree(
    tmp_path: Path, isolated_env: Path
) -> None:
    """The principal's commit, signed with the ssh key people.yml lists for him, is evidence in the
    work tree's trail, in a bare clone's (the configuration read from its HEAD), and in the
    history of the site the portal builds from its own mirror."""
    key, public = ssh_key(tmp_path / "khoa", PRINCIPAL)
    seed = tmp_path / "truong"
    seed_demo(seed)
    with_site(seed)
    add_to_person(seed / "people.yml", PRINCIPAL, f'    ssh_keys: ["{public}"]\n')
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "--no-verify", "-m", "Khóa SSH của hiệu trưởng")
    (seed / OWN).parent.mkdir(parents=True, exist_ok=True)
    (seed / OWN).write_bytes(make_pdf("Kế hoạch bài dạy Tuần 6 – Toán 9C"))
    git(seed, "add", "-A")
    signing = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}"]
    git(seed, *signing, "commit", "-q", "--no-verify", "-S", "-m", "Tuần 6")
    signed = rev(seed, "HEAD")
    bare = tmp_path / "truong.git"
    git(tmp_path, "clone", "-q", "--bare", "--no-local", str(seed), str(bare))

    def proofs(root: Path) -> list[tuple[str, str]]:
        events = trail.events(root, trail.Query(all_refs=True))
        return [(p.kind, p.person) for e in events if e.commit == signed for p in e.proofs]

    assert proofs(seed) == [("commit-ky", PRINCIPAL)]
    assert proofs(bare) == proofs(seed)

    _, site = portal(tmp_path, seed, None)
    assert pages_holding(site, t("log.proof.commit-ky", person="Nguyễn Văn Hải"))
