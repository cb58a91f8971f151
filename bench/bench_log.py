#!/usr/bin/env python3
"""Time `hoso log` on the signed school's history: `python bench/bench_log.py --records 10000`.

The history is bench/gen_signed.py's: every record submitted on `nop/<person>/<slug>`,
counter-signed there, approved by a `--no-ff` merge with `Duyet-boi:`, some sent back first
(about three commits a record: 30,000 at 10,000 records). Against `git log --name-status` (the
floor of any tool that says what each commit changed), in the same rounds, --repeat times:

- `hoso log` (main) and `hoso log --all` (every branch) with the verdict cache warm (a school
  that runs the hooks; the proofs of approvals are read from the records' signatures);
- `hoso log` with an empty cache, where it fits (--cold-max records): every approval's proof is
  then a signature verified.

The legacy generator for unsigned histories (gen_history.py) is what tests/test_log.py uses.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import gen_signed
from measure import HOSO, Figure, rounds, save, say, table, wall

from hoso.evidence import cache_dir

GIT_LOG = ["git", "log", "--name-status"]
COLD_MAX = 1000  # an empty cache verifies every record: as long as `check --all` cold


def run(signed: gen_signed.Signed, repeat: int, work: Path, cold_max: int = COLD_MAX) -> list[Figure]:
    n = signed.records
    repo = gen_signed.fresh_copy(signed, work / "log", warm=True)
    commits = subprocess.run(
        ["git", "rev-list", "--count", "--all"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    wall([*HOSO, "log"], repo)  # anything the warm cache lacks, once, untimed
    say(f"[log {n}] {commits} commits: hoso log / --all against git log --name-status, {repeat} rounds")
    measures = {
        "log": lambda: wall([*HOSO, "log"], repo),
        "git": lambda: wall(GIT_LOG, repo),
        "log-all": lambda: wall([*HOSO, "log", "--all"], repo),
        "git-all": lambda: wall([*GIT_LOG, "--all"], repo),
    }
    runs = rounds(measures, repeat)
    goal: dict[str, Any] = {"goal": "≤ 2× `git log --name-status`", "max_ratio": 2.0}
    label = f"({commits} commits)"
    figures = [
        Figure(
            "log",
            f"`hoso log`, cache warm {label}",
            n,
            runs["log"],
            "`git log --name-status`",
            runs["git"],
            **goal,
        ),
        Figure(
            "log",
            "`hoso log --all`, cache warm",
            n,
            runs["log-all"],
            "`git log --name-status --all`",
            runs["git-all"],
            **goal,
        ),
    ]
    if n <= cold_max:
        say(f"[log {n}] hoso log, empty cache")
        cold = rounds(
            {
                "log": lambda: wall(
                    [*HOSO, "log"], repo, before=lambda: shutil.rmtree(cache_dir(repo), True)
                ),
                "git": lambda: wall(GIT_LOG, repo),
            },
            repeat,
        )
        figures.append(
            Figure(
                "log",
                "`hoso log`, empty cache",
                n,
                cold["log"],
                "`git log --name-status`",
                cold["git"],
                **goal,
            )
        )
    shutil.rmtree(repo, ignore_errors=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cold-max", type=int, default=COLD_MAX, help="empty-cache runs up to this size")
    args = parser.parse_args(argv)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="hoso-bench-log-") as tmp:
        for n in args.records:
            figures += run(gen_signed.school(n), args.repeat, Path(tmp), args.cold_max)
    print(table(figures))
    save(figures, gen_signed.OUT / "log.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
