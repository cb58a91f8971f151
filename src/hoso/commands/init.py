"""`hoso init [DIR] --level L`: write a school's starting repository.

Existing files are never overwritten: they are listed as kept, so running init again in a
school's repository is harmless.
"""

from __future__ import annotations

import argparse
import io
import subprocess
from importlib import resources
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from hoso.commands._common import err
from hoso.commands.trust import add_bundle
from hoso.errors import ExitCode, UsageError
from hoso.messages import t
from hoso.repo import git_env
from hoso.writes import write_new

INIT_LEVELS = ("thcs", "thpt", "nhieu-cap", "tieu-hoc", "mam-non")
# `--ci FORGE`: where each forge looks for its CI configuration, and the template written there
CI_FILES = {
    "github": (".github/workflows/hoso.yml", "ci/github.yml"),
    "forgejo": (".forgejo/workflows/hoso.yml", "ci/forgejo.yml"),
    "gitlab": (".gitlab-ci.yml", "ci/gitlab.yml"),
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
    doc["record_types"] = kept
    buf = io.StringIO()
    yaml.dump(doc, buf)
    header = t("init.catalog-header", level=level)
    return "".join(f"# {line}\n" for line in header.splitlines()) + buf.getvalue()


def run(args: argparse.Namespace) -> int:
    if args.level not in INIT_LEVELS:
        raise UsageError("init.bad-level", value=args.level, choices=", ".join(INIT_LEVELS))
    target = Path(args.dir or ".").resolve()
    target.mkdir(parents=True, exist_ok=True)
    files = {
        "catalog.yml": catalog_text(args.level, args.name),
        "people.yml": template("people.yml"),
        "locks.yml": template("locks.yml"),
        ".pre-commit-config.yaml": template("pre-commit-config.yaml"),
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
        err(t("init.wrote", path=rel))
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
