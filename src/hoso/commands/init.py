"""`hoso init [DIR] --level L`: write a school's starting repository.

Existing files are never overwritten: they are listed as kept, so running init again in a
school's repository is harmless.

The pre-commit hook installs itself: `.pre-commit-config.yaml` names hoso's git repository and a
revision (`repo:` + `rev:`) and the hook published in its `.pre-commit-hooks.yaml` (language:
python), so pre-commit builds its own environment with hoso in it and no `hoso` is needed on
PATH. By default that is where the running hoso was installed from (`pip install git+URL`, or a
clone), at that commit; `--hoso-repo` points at a school's mirror or a local copy, `--hoso-rev`
at another tag or commit. A hoso installed from a package index names no repository: init then
writes, like `--hook system`, the form that runs the `hoso` found on PATH, and says so.
"""

from __future__ import annotations

import argparse
import errno
import io
import re
import subprocess
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from hoso import __version__
from hoso.commands._common import err
from hoso.commands.trust import add_bundle
from hoso.errors import ExitCode, HosoError, UsageError
from hoso.git.process import git_env
from hoso.messages import t
from hoso.writes import write_new

INIT_LEVELS = ("thcs", "thpt", "nhieu-cap", "tieu-hoc", "mam-non")
# `--ci FORGE`: where each forge looks for its CI configuration, and the template written there
CI_FILES = {
    "github": (".github/workflows/hoso.yml", "ci/github.yml"),
    "forgejo": (".forgejo/workflows/hoso.yml", "ci/forgejo.yml"),
    "gitlab": (".gitlab-ci.yml", "ci/gitlab.yml"),
}


HOSO_REV = f"v{__version__}"


def installed_from() -> tuple[str, str] | None:
    """(repository URL, commit) this hoso was installed from, per its PEP 610 record: a git URL
    (`pip install git+…`) or a git clone on this machine; None for a wheel from a package index,
    whose source pre-commit could not clone."""
    import json
    from importlib import metadata
    from urllib.parse import urlparse
    from urllib.request import url2pathname

    try:
        raw = metadata.distribution("hoso").read_text("direct_url.json")
        data = json.loads(raw) if raw else None
    except (metadata.PackageNotFoundError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return None
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and isinstance(vcs.get("commit_id"), str):
        url, commit = _public_url(data["url"]), vcs["commit_id"]
        # written into YAML as they are: a URL with no space or control character, a hex commit
        if url is None or not re.fullmatch(r"[0-9a-f]{7,64}", commit):
            return None
        return url, commit
    if isinstance(data.get("dir_info"), dict) and data["url"].startswith("file:"):
        folder = Path(url2pathname(urlparse(data["url"]).path))
        proc = subprocess.run(
            ["git", "rev-parse", "--verify", "-q", "HEAD"],
            cwd=folder,
            env=git_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode == 0 and proc.stdout.strip():
            return folder.resolve().as_uri(), proc.stdout.strip()
    return None


@dataclass(frozen=True)
class LevelPeople:
    """The examples people.yml starts with for a school level: its tổ and a teacher per kind."""

    level_name: str
    groups: tuple[tuple[str, str, str], ...]  # (id, name, kind)
    teachers: tuple[tuple[str, str, str], ...]  # (person id, tổ id, class taught as gvcn)


_OFFICE = ("to-van-phong", "Tổ Văn phòng", "van-phong")
LEVEL_PEOPLE = {
    "thcs": LevelPeople(
        "trường THCS",
        (
            ("to-khoa-hoc-tu-nhien", "Tổ Khoa học Tự nhiên", "chuyen-mon"),
            ("to-khoa-hoc-xa-hoi", "Tổ Khoa học Xã hội", "chuyen-mon"),
            _OFFICE,
        ),
        (("ho-ten-giao-vien", "to-khoa-hoc-tu-nhien", "6A1"),),
    ),
    "thpt": LevelPeople(
        "trường THPT",
        (
            ("to-toan-tin", "Tổ Toán – Tin học", "chuyen-mon"),
            ("to-ngu-van", "Tổ Ngữ văn", "chuyen-mon"),
            ("to-ngoai-ngu", "Tổ Ngoại ngữ", "chuyen-mon"),
            _OFFICE,
        ),
        (("ho-ten-giao-vien", "to-toan-tin", "10A1"),),
    ),
    "tieu-hoc": LevelPeople(
        "trường tiểu học (mỗi khối lớp một tổ)",
        (*((f"to-khoi-{k}", f"Tổ khối {k}", "chuyen-mon") for k in range(1, 6)), _OFFICE),
        (("ho-ten-giao-vien", "to-khoi-1", "1A"),),
    ),
    "mam-non": LevelPeople(
        "trường mầm non",
        (
            ("to-nha-tre", "Tổ Nhà trẻ", "chuyen-mon"),
            ("to-mau-giao", "Tổ Mẫu giáo", "chuyen-mon"),
            _OFFICE,
        ),
        (("ho-ten-giao-vien", "to-mau-giao", "Mẫu giáo 5 tuổi A1"),),
    ),
    "nhieu-cap": LevelPeople(
        "trường nhiều cấp học (TH và THCS: tổ khối, tổ bộ môn)",
        (
            ("to-khoi-1-2-3", "Tổ khối 1, 2, 3", "chuyen-mon"),
            ("to-khoi-4-5", "Tổ khối 4, 5", "chuyen-mon"),
            ("to-khoa-hoc-tu-nhien", "Tổ Khoa học Tự nhiên", "chuyen-mon"),
            ("to-khoa-hoc-xa-hoi", "Tổ Khoa học Xã hội", "chuyen-mon"),
            _OFFICE,
        ),
        (
            ("ho-ten-giao-vien-tieu-hoc", "to-khoi-1-2-3", "1A"),
            ("ho-ten-giao-vien-thcs", "to-khoa-hoc-tu-nhien", "6A1"),
        ),
    ),
}


def template(name: str) -> str:
    return (resources.files("hoso") / "templates" / name).read_text(encoding="utf-8")


def catalog_text(level: str, school_name: str | None) -> str:
    """catalog.yml for a school level: the school fragment, then the Điều 21 record types."""
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never wrap: a wrapped line ends in a space that hooks complain about
    school = yaml.load(template("school.yml"))
    school["school"]["level"] = level
    if school_name:
        school["school"]["name"] = school_name
    types = yaml.load(template("record_types.yml"))["record_types"]
    kept = CommentedSeq(rt for rt in types if not rt.get("levels") or level in rt["levels"])
    doc = CommentedMap()
    doc["version"] = 1
    doc["school"] = school["school"]
    doc["defaults"] = school["defaults"]
    doc["calendar"] = school["calendar"]
    doc["record_types"] = kept
    buf = io.StringIO()
    yaml.dump(doc, buf)
    header = t("init.catalog-header", level=level)
    return "".join(f"# {line}\n" for line in header.splitlines()) + buf.getvalue()


def people_text(level: str) -> str:
    """people.yml with the tổ and a teacher (giáo viên, gvcn of a class) of the level."""
    examples = LEVEL_PEOPLE[level]
    groups = "".join(
        f"  - id: {gid}\n    name: {name}\n    kind: {kind}\n" for gid, name, kind in examples.groups
    )
    teachers = "".join(
        f"  - id: {pid}\n"
        "    name: Họ và tên Giáo viên\n"
        "    roles:\n"
        "      - role: giao-vien\n"
        f"        group: {group}\n"
        "        from: 2025-09-05\n"
        "      - role: gvcn\n"
        f"        class: {class_}\n"
        "        from: 2025-09-05\n"
        "        until: 2026-05-31\n"
        "    # certificates:\n"
        '    #   - sha256: "0000000000000000000000000000000000000000000000000000000000000000"\n'
        "    #     label: SmartCA\n"
        for pid, group, class_ in examples.teachers
    )
    return (
        template("people.yml")
        .replace("{level_name}", examples.level_name)
        .replace('  - "{groups}"\n', groups)
        .replace('  - "{teachers}"\n', teachers)
    )


def _public_url(url: str) -> str | None:
    """`url` without credentials (a token in it would be committed); None when it holds a
    space, a quote or a control character (it goes into YAML as it is)."""
    from urllib.parse import urlsplit, urlunsplit

    if not url.isprintable() or any(c in url for c in " \"'{}[],&*!|>`"):
        return None
    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        netloc = host + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


def precommit_text(hook: str, repo: str = "", rev: str = HOSO_REV) -> str:
    """.pre-commit-config.yaml: hoso's published hook from `repo` at `rev` (pre-commit installs
    hoso itself), or with `hook` "system" the hook that runs the `hoso` on PATH."""
    if hook == "system":
        return template("pre-commit-config-system.yaml")
    return template("pre-commit-config.yaml").replace("{hoso_repo}", repo).replace("{hoso_rev}", rev)


def hoso_repo(value: str) -> str:
    """`--hoso-repo`: a URL as given; a folder on this machine as an absolute file:// URL, which
    pre-commit can clone from wherever it keeps its environments."""
    if "://" not in value and not value.startswith("git@") and Path(value).expanduser().is_dir():
        return Path(value).expanduser().resolve().as_uri()
    return value


_WRITE_REASONS = {
    errno.EACCES: "init.reason-permission",
    errno.EPERM: "init.reason-permission",
    errno.EROFS: "init.reason-read-only",
    errno.ENOSPC: "init.reason-full",
    getattr(errno, "EDQUOT", errno.ENOSPC): "init.reason-full",
    errno.EEXIST: "init.reason-file",
    errno.ENOTDIR: "init.reason-file",
}


def cannot_write(path: Path, exc: OSError) -> HosoError:
    """A folder or file init cannot create, and why, in words (not the OS's English)."""
    key = _WRITE_REASONS.get(exc.errno or 0)
    code = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
    reason = t(key) if key else t("init.reason-other", code=code)
    return HosoError("init.cannot-write", ExitCode.FAILED, path=str(path), reason=reason)


def run(args: argparse.Namespace) -> int:
    if args.level not in INIT_LEVELS:
        raise UsageError("init.bad-level", value=args.level, choices=", ".join(INIT_LEVELS))
    hook = getattr(args, "hook", None) or "python"
    repo, rev = "", getattr(args, "hoso_rev", None) or HOSO_REV
    if getattr(args, "hoso_repo", None):
        repo = hoso_repo(args.hoso_repo)
    elif hook == "python":
        # the source this hoso came from, at the commit it came from; unknown: the local hook
        source = installed_from()
        if source is None:
            hook = "system"
            err(t("init.hook-unknown-source"))
        else:
            repo, rev = source[0], getattr(args, "hoso_rev", None) or source[1]
    target = Path(args.dir or ".").resolve()
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(target, exc) from exc
    files = {
        "catalog.yml": catalog_text(args.level, args.name),
        "people.yml": people_text(args.level),
        "locks.yml": template("locks.yml"),
        ".pre-commit-config.yaml": precommit_text(hook, repo, rev),
        ".gitignore": template("gitignore"),
        "mkdocs.yml": template("mkdocs.yml").replace("{school_name}", args.name or "Nhà trường"),
        "trust/README.md": template("trust-README.md"),
        "site_src/huong-dan.md": t("init.site-index"),
    }
    for forge in dict.fromkeys(args.ci or []):  # argparse has checked the names
        path, name = CI_FILES[forge]
        files[path] = template(name)
    for rel, text in files.items():
        try:
            write_new(target / rel, text.encode("utf-8"))
        except FileExistsError:
            err(t("init.kept", path=rel))
            continue
        except OSError as exc:
            raise cannot_write(target / rel, exc) from exc
        err(t("init.wrote", path=rel))
        if rel == ".pre-commit-config.yaml":
            err(t("init.hook-system") if hook == "system" else t("init.hook-python", repo=repo, rev=rev))
    (target / "records").mkdir(exist_ok=True)
    for bundle in args.trust or []:
        add_bundle(target, bundle)
    if not (target / ".git").exists():
        proc = subprocess.run(
            ["git", "init", "-q", str(target)], env=git_env(), check=False, capture_output=True
        )
        if proc.returncode == 0:
            # `main`, whatever init.defaultBranch says: the catalog and the server hook protect
            # `main`, and an unprotected `master` would hold the live records unchecked
            subprocess.run(
                ["git", "symbolic-ref", "HEAD", "refs/heads/main"],
                cwd=target,
                env=git_env(),
                check=False,
                capture_output=True,
            )
            err(t("init.git-init"))
    err(t("init.next-steps"))
    return int(ExitCode.OK)
