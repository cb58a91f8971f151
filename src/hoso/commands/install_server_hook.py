"""`hoso install-server-hook BARE_REPO`: install the pre-receive hook in a bare repository."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from hoso.commands._common import err
from hoso.errors import ExitCode, NotFoundError
from hoso.messages import t
from hoso.repo import git_env
from hoso.serverhook import HOOK_TEMPLATE
from hoso.writes import write_atomic


def run(args: argparse.Namespace) -> int:
    bare = Path(args.bare_repo).resolve()
    proc = subprocess.run(
        ["git", "rev-parse", "--is-bare-repository"],
        cwd=bare if bare.is_dir() else None,
        env=git_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if not bare.is_dir() or proc.returncode != 0 or proc.stdout.strip() != "true":
        raise NotFoundError("install-hook.not-bare", path=args.bare_repo)
    hook = bare / "hooks" / "pre-receive"
    if hook.exists() and "hoso.serverhook" not in hook.read_text(encoding="utf-8", errors="replace"):
        backup = hook.with_name("pre-receive.before-hoso")
        os.replace(hook, backup)  # keep someone else's hook: never destroy what we did not write
        err(t("install-hook.kept-old", path=str(backup)))
    # the interpreter that has hoso installed: the hook must not depend on the server's PATH
    write_atomic(hook, HOOK_TEMPLATE.format(python=sys.executable).encode())
    os.chmod(hook, 0o755)
    err(t("install-hook.done", path=str(hook)))
    return int(ExitCode.OK)
