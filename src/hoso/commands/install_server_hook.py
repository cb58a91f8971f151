"""`hoso install-server-hook BARE_REPO [--protect BRANCH…] [--pusher SERVER]`.

Installs the pre-receive hook (judges every push) and the post-receive hook (the push log) in
a bare repository, and writes the server's own settings into its git configuration, where no
push can change them: the protected branches (default: the branch HEAD names),
`receive.fsckObjects` (malformed objects are refused), and which variable names the
authenticated pusher (Gitolite, Forgejo/Gitea, GitLab).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from hoso.commands._common import err
from hoso.errors import ExitCode, NotFoundError, UsageError
from hoso.git.process import git_env
from hoso.git.refs import set_config, symbolic_head
from hoso.messages import t
from hoso.server.hook import HOOK_TEMPLATE, PURPOSES
from hoso.server.settings import PROTECT_KEY, PUSHER_KEY, PUSHER_VARIABLES, branch_ref
from hoso.writes import write_atomic

MARKERS = ("hoso.serverhook", "hoso.server.hook")


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
    if args.pusher is not None and args.pusher not in PUSHER_VARIABLES:
        raise UsageError("install-hook.bad-pusher", value=args.pusher, choices=", ".join(PUSHER_VARIABLES))
    protect = [branch_ref(b) for b in (args.protect or [])]
    if not protect:
        head = symbolic_head(bare)
        if head is None:
            raise UsageError("install-hook.no-head")
        protect = [head]
    for ref in protect:
        ok = subprocess.run(["git", "check-ref-format", ref], env=git_env(), capture_output=True, check=False)
        if ok.returncode != 0:
            raise UsageError("install-hook.bad-branch", value=ref)
    set_config(bare, PROTECT_KEY, [r.removeprefix("refs/heads/") for r in protect])
    set_config(bare, PUSHER_KEY, [args.pusher] if args.pusher else [])
    set_config(bare, "receive.fsckObjects", ["true"])
    for name in ("pre-receive", "post-receive"):
        hook = bare / "hooks" / name
        if hook.exists() and not any(
            m in hook.read_text(encoding="utf-8", errors="replace") for m in MARKERS
        ):
            backup = hook.with_name(f"{name}.before-hoso")
            os.replace(hook, backup)  # keep someone else's hook: never destroy what we did not write
            err(t("install-hook.kept-old", path=str(backup)))
        # the interpreter that has hoso installed: the hook must not depend on the server's PATH
        text = HOOK_TEMPLATE.format(python=sys.executable, name=name, purpose=PURPOSES[name])
        write_atomic(hook, text.encode())
        os.chmod(hook, 0o755)
        err(t("install-hook.done", path=str(hook)))
    err(t("install-hook.settings", branches=", ".join(protect), pusher=args.pusher or "—"))
    return int(ExitCode.OK)
