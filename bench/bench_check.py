#!/usr/bin/env python3
"""Time `hoso check` on synthetic repositories: `python bench/bench_check.py --records 1000 10000`.

For each size: `check --all` cold (empty cache) and warm, and the pre-commit case (`check
--staged` with one new staged record) against `git status` as the floor of any git-driven
hook. Each figure is the median of --repeat runs, in seconds, of the real `hoso` command.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gen_repo import generate, template_pdf, timed

from hoso.evidence import cache_dir

HOSO = [sys.executable, "-m", "hoso"]


def bench(size: int, repeat: int, workdir: Path) -> dict[str, float]:
    repo = workdir / f"school-{size}"
    t0 = time.perf_counter()
    generate(repo, size)
    gen = time.perf_counter() - t0
    cache = cache_dir(repo)
    cold = timed([*HOSO, "check", "--all"], repo, repeat, lambda: shutil.rmtree(cache, True))
    warm = timed([*HOSO, "check", "--all"], repo, repeat)
    new = repo / "records/2024-2025/gv/giao-vien-0000/ke-hoach-bai-day/ban-moi.pdf"
    new.write_bytes(template_pdf().replace(b"NNNNNNNN", b"99999999"))
    subprocess.run(["git", "add", str(new)], cwd=repo, check=True)
    staged = timed([*HOSO, "check", "--staged", str(new.relative_to(repo))], repo, repeat)
    git_status = timed(["git", "status", "--porcelain"], repo, repeat)
    return {
        "records": size,
        "generate_s": gen,
        "all_cold_s": cold,
        "all_warm_s": warm,
        "staged_one_s": staged,
        "git_status_s": git_status,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hoso-bench-") as tmp:
        rows = [bench(n, args.repeat, Path(tmp)) for n in args.records]
    print(
        "| records | generate | check --all cold | check --all warm | check --staged (1 file) | git status |"
    )
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['records']} | {r['generate_s']:.2f} s | {r['all_cold_s']:.2f} s | {r['all_warm_s']:.2f} s"
            f" | {r['staged_one_s']:.3f} s | {r['git_status_s']:.3f} s |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
