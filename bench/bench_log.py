#!/usr/bin/env python3
"""Time `hoso log` on a synthetic history: `python bench/bench_log.py --records 10000 --commits 20000`.

The repository comes from one `git fast-import` stream (gen_history.py): submissions on branches
merged with `Duyet-boi`, counter-signatures, corrections, deletions, configuration changes and
rejections. Figures are the median of --repeat runs of the real `hoso` command, in seconds,
against `git log --oneline | wc -l` over the same history: the floor of any tool that reads it
(and `git log --raw …`: the floor of any tool that also needs what each commit changed).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gen_history import generate
from gen_repo import timed

HOSO = [sys.executable, "-m", "hoso", "log"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--commits", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hoso-bench-log-") as tmp:
        repo = args.keep or Path(tmp) / "school"
        t0 = time.perf_counter()
        exp = generate(repo, args.commits, args.records)
        gen = time.perf_counter() - t0
        events = sum(exp.all.values())
        base = timed(["sh", "-c", "git log --oneline | wc -l"], repo, args.repeat)
        base_all = timed(["sh", "-c", "git log --oneline --all | wc -l"], repo, args.repeat)
        raw = "git log --raw --no-renames --diff-merges=first-parent --format=%H | wc -l"
        rows = [
            ("git log --oneline | wc -l", base, base),
            ("hoso log", timed(HOSO, repo, args.repeat), base),
            ("hoso log --format json", timed([*HOSO, "--format", "json"], repo, args.repeat), base),
            ("git log --oneline --all | wc -l", base_all, base_all),
            ("hoso log --all", timed([*HOSO, "--all"], repo, args.repeat), base_all),
            (
                "hoso log --all --format json",
                timed([*HOSO, "--all", "--format", "json"], repo, args.repeat),
                base_all,
            ),
            (raw, timed(["sh", "-c", raw], repo, args.repeat), base),
            ("hoso log <one record>", timed([*HOSO, exp.deleted[0]], repo, args.repeat), base),
            (
                "hoso log --person giao-vien-0001",
                timed([*HOSO, "--person", "giao-vien-0001"], repo, args.repeat),
                base,
            ),
        ]
        count = subprocess.run(
            ["git", "rev-list", "--count", "--all"], cwd=repo, capture_output=True, text=True
        )
    print(
        f"\n{exp.records} records, {count.stdout.strip()} commits (all refs), {events} events with --all;"
        f" generated in {gen:.1f} s; median of {args.repeat} runs\n"
    )
    print("| command | seconds | × baseline |")
    print("|---|---:|---:|")
    for name, secs, floor in rows:
        cell = name.replace("|", "\\|")
        print(f"| `{cell}` | {secs:.3f} | {secs / floor:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
