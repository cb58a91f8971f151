#!/usr/bin/env python3
"""A push through the server's hook: `python bench/bench_push.py --records 10000 --push 200`.

The signed school (bench/gen_signed.py) is the approver's clone; the server is a bare
repository holding main as it was P approvals earlier (main~P, first parent: the school less
its last P records, lesson plans signed in roles that still hold), made with `git clone` over
file:// so that it holds only what it would have. The same push of main (P `--no-ff` approvals,
with their submissions and counter-signatures) goes, in every round, to a fresh copy of each of:

- a server with hoso's hooks (`hoso install-server-hook`: pre-receive judges the range with
  `check --range`'s engine, post-receive writes the push log), cache empty;
- a server whose pre-receive hook runs `true` (what any hook costs);

and beside them, in the same rounds: `hoso verify` of the P pushed records (their final
versions) in one process, and `hoso check --range old..new --ref main` as a command in the
approver's clone (cache off): the hook's check without the hook. --repeat rounds (median, min).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import gen_signed
from measure import HOSO, VERDICTS, Figure, rounds, save, say, table, wall

GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@hoso.invalid"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def servers(repo: Path, base: str, work: Path) -> dict[str, Path]:
    """Pristine bare repositories at `base`: one with hoso's hooks, one with a `true` hook."""
    git(repo, "update-ref", "refs/heads/bench-base", base)
    try:
        pristine: dict[str, Path] = {}
        for name in ("hoso", "true"):
            bare = work / f"pristine-{name}.git"
            subprocess.run(
                [
                    *GIT,
                    "clone",
                    "-q",
                    "--bare",
                    "--single-branch",
                    "--branch",
                    "bench-base",
                    f"file://{repo}",
                    str(bare),
                ],
                check=True,
            )
            git(bare, "branch", "-m", "bench-base", "main")
            git(bare, "symbolic-ref", "HEAD", "refs/heads/main")
            git(bare, "config", "receive.autogc", "false")
            git(bare, "config", "gc.auto", "0")
            if name == "hoso":
                subprocess.run([*HOSO, "install-server-hook", str(bare)], check=True, capture_output=True)
            else:
                hook = bare / "hooks" / "pre-receive"
                hook.write_text("#!/bin/sh\ncat >/dev/null\nexec true\n")
                hook.chmod(0o755)
            pristine[name] = bare
        return pristine
    finally:
        git(repo, "update-ref", "-d", "refs/heads/bench-base")


def push(repo: Path, pristine: Path, target: Path) -> float:
    def fresh() -> None:
        shutil.rmtree(target, ignore_errors=True)
        subprocess.run(["cp", "-a", str(pristine), str(target)], check=True)

    return wall([*GIT, "push", "-q", f"file://{target}", "main:main"], repo, before=fresh)


def run(signed: gen_signed.Signed, repeat: int, work: Path, count: int = 200) -> list[Figure]:
    n = signed.records
    count = min(count, max(1, min(gen_signed.TAIL, n // 4)))  # within the lesson plans of the tail
    repo = gen_signed.fresh_copy(signed, work / "push")
    base = git(repo, "rev-parse", f"main~{count}")
    pushed = git(repo, "diff", "--name-only", base, "main", "--", "records").split()
    pristine = servers(repo, base, work)
    say(f"[push {n}] {len(pushed)} records in {count} approvals: hoso hook, true hook, verify, check --range")
    check_range = [*HOSO, "check", "--range", f"{base}..main", "--ref", "main", "--no-cache"]
    runs = rounds(
        {
            "hoso": lambda: push(repo, pristine["hoso"], work / "server-hoso.git"),
            "true": lambda: push(repo, pristine["true"], work / "server-true.git"),
            "verify": lambda: wall([*HOSO, "verify", *pushed], repo, ok=VERDICTS),
            "range": lambda: wall(check_range, repo),
        },
        repeat,
    )
    shutil.rmtree(repo, ignore_errors=True)
    for path in work.glob("*.git"):
        shutil.rmtree(path, ignore_errors=True)
    what = f"push of {count} approvals ({len(pushed)} records)"
    verify = f"`hoso verify` of the {len(pushed)} pushed records, one process"
    return [
        Figure(
            "push",
            f"{what}, hoso pre-receive hook",
            n,
            runs["hoso"],
            "the same push, a `true` hook",
            runs["true"],
        ),
        Figure("push", f"{what}, hoso pre-receive hook", n, runs["hoso"], verify, runs["verify"]),
        Figure(
            "push",
            "`check --range` of that push, as a command, no cache",
            n,
            runs["range"],
            verify,
            runs["verify"],
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10000])
    parser.add_argument("--push", type=int, default=200, help="approvals (records) pushed")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="hoso-bench-push-") as tmp:
        for n in args.records:
            figures += run(gen_signed.school(n), args.repeat, Path(tmp), args.push)
    print(table(figures))
    save(figures, gen_signed.OUT / "push.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
