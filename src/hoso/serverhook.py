"""The git server's pre-receive hook: the same engine as `hoso check`, where nobody can skip it.

Git runs it in the bare repository with one line `<old> <new> <ref>` per updated ref on stdin,
and with the pushed objects in quarantine (GIT_QUARANTINE_PATH…, kept by repo.git_env). A
non-zero exit refuses the whole push; what we print reaches the pusher as `remote:` lines.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from hoso.errors import ConfigError, ExitCode, HosoError, worst
from hoso.evidence import EvidenceCache
from hoso.messages import t
from hoso.repo import ZERO_OID, is_ancestor
from hoso.rules import engine

HOOK_TEMPLATE = """#!{python}
# hoso pre-receive hook, installed by `hoso install-server-hook`. Refuses pushes that break
# the records' rules: the same checks as `hoso check`, run on every pushed range.
import sys

from hoso.serverhook import main

sys.exit(main())
"""


def protected_ref(root: Path, ref: str, rev: str) -> bool:
    """Is `ref` the protected branch? Read from the catalog at `rev`, falling back to main."""
    from hoso.config import load_config
    from hoso.repo import CommitSnapshot

    name = "main"
    # a broken catalog is reported by the range check itself
    with contextlib.suppress(ConfigError, HosoError):
        name = load_config(root, CommitSnapshot(root, rev)).catalog.defaults.protected_branch
    return ref == f"refs/heads/{name}"


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None, root: Path | None = None) -> int:
    from hoso.commands.check import report

    lines = (stdin or sys.stdin).read().splitlines()
    repo = root or Path.cwd()
    codes: set[ExitCode] = set()
    cache = EvidenceCache(repo)
    try:
        for line in lines:
            parts = line.split()
            if len(parts) != 3:
                continue
            old, new, ref = parts
            if not ref.startswith("refs/heads/"):
                continue  # tags and notes carry no records
            protected = protected_ref(repo, ref, old if new == ZERO_OID else new)
            if new == ZERO_OID:
                if protected:
                    sys.stderr.write(t("hook.delete-protected", ref=ref) + "\n")
                    codes.add(ExitCode.HISTORY)
                continue
            if protected and old != ZERO_OID and not is_ancestor(repo, old, new):
                sys.stderr.write(t("hook.force-push", ref=ref) + "\n")
                codes.add(ExitCode.HISTORY)
                continue
            try:
                result = engine.run_range(repo, None if old == ZERO_OID else old, new, ref=ref, cache=cache)
            except ConfigError as exc:
                sys.stderr.write(exc.render() + "\n")
                codes.add(ExitCode.CONFIG)
                continue
            except HosoError as exc:
                sys.stderr.write(f"hoso: {exc.render()}\n")
                codes.add(exc.exit_code)
                continue
            sys.stderr.write(t("hook.checking", ref=ref) + "\n")
            sys.stdout.flush()
            code = report(result, "text", len(result.subjects), None)
            if code:
                codes.add(ExitCode(code))
    finally:
        cache.close()
    code = worst(codes) if codes else ExitCode.OK
    if code:
        sys.stderr.write(t("hook.refused") + "\n")
    return int(code)
