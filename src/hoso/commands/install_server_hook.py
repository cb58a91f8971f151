"""`hoso install-server-hook BARE_REPO [--protect BRANCH…] [--pusher SERVER]`.

Installs the pre-receive hook (judges every push) and the post-receive hook (the push log) in
a bare repository, and writes the server's own settings into its git configuration, where no
push can change them: the protected branches (default: the branch HEAD names),
`receive.fsckObjects` (malformed objects are refused), and which variable names the
authenticated pusher (Gitolite, Forgejo/Gitea, GitLab).

It also creates, once, the server's ssh key that signs the push log (`hoso.logkey`): in hoso's
folder of the bare repository, outside its objects and refs (never pushed, never fetched), and
prints its public key, which the school registers under trust/may-chu/ (hoso.server.pushlog).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from hoso.commands._common import err
from hoso.errors import ExitCode, NotFoundError, UsageError
from hoso.evidence import cache_dir
from hoso.git.process import git_env
from hoso.git.refs import set_config, symbolic_head
from hoso.messages import t
from hoso.server.hook import HOOK_TEMPLATE, PURPOSES
from hoso.server.pushlog import public_keys
from hoso.server.settings import LOG_KEY_KEY, PROTECT_KEY, PUSHER_KEY, PUSHER_VARIABLES, branch_ref, log_key
from hoso.writes import write_atomic

MARKERS = ("hoso.serverhook", "hoso.server.hook")
LOG_KEY_FILE = "push-log-key"  # in hoso's folder of the bare repository, with its .pub beside it


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
    try:
        key, public = ensure_log_key(bare)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        err(t("install-hook.log-key-failed", detail=str(exc) or type(exc).__name__))
        return int(ExitCode.FAILED)
    print(public)  # alone on standard output: `… > may-chu.pub` keeps it
    err(t("install-hook.log-key", path=str(key), public=public))
    return int(ExitCode.OK)


def ensure_log_key(bare: Path) -> tuple[Path, str]:
    """The server's push-log signing key (made once: ed25519, no passphrase, the hook signs
    unattended) and its public key line, written beside it as `.pub` for the server's readers."""
    key = log_key(bare) or cache_dir(bare) / LOG_KEY_FILE
    if not key.exists():
        key.parent.mkdir(parents=True, exist_ok=True)
        _ssh_keygen("-q", "-t", "ed25519", "-N", "", "-C", f"hoso-server {bare.name}", "-f", str(key))
    os.chmod(key, 0o600)  # ssh-keygen refuses to sign with a key others can read
    found = public_keys(_ssh_keygen("-y", "-f", str(key)).decode("utf-8", "replace"))
    if not found:
        raise ValueError(f"no public key in {key}")
    public = f"{found[0]} hoso-server {bare.name}"
    write_atomic(Path(f"{key}.pub"), (public + "\n").encode())
    set_config(bare, LOG_KEY_KEY, [str(key)])
    return key, public


def _ssh_keygen(*args: str) -> bytes:
    proc = subprocess.run(
        ["ssh-keygen", *args], stdin=subprocess.DEVNULL, capture_output=True, check=False, timeout=60
    )
    if proc.returncode != 0:
        raise ValueError(proc.stderr.decode("utf-8", "replace").strip()[:300] or f"ssh-keygen {args[0]}")
    return proc.stdout
