#!/usr/bin/env python3
"""`hoso verify` against poppler's `pdfsig`: `python bench/bench_signatures.py --records 1000`.

On the signed school (bench/gen_signed.py), 1,000 of its records (all of them for a smaller
school, else every k-th: lesson plans, tổ and school records, 1 to 3 signatures each), in the
same rounds, --repeat times (median and min):

- on one core (`taskset -c 0`): `hoso verify` of the 1,000 files, one command, against pdfsig
  over the same files, a process each, one after the other — the single-core cost (issue 13:
  within 2.5× pdfsig);
- on every core: `hoso verify` again against pdfsig run nproc at a time (`xargs -P`).

`hoso verify` runs in the school: people.yml and trust/ apply, and each file's arrival comes
from history, as for a school's own files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import gen_signed
from measure import HOSO, VERDICTS, Figure, rounds, save, say, table, wall

SAMPLE = 1000


def sample(files: list[str], count: int = SAMPLE) -> list[str]:
    step = max(1, len(files) // count)
    return files[::step][:count]


def pdfsig_each(files: list[str], cwd: Path, pin: list[str]) -> float:
    t0 = time.perf_counter()
    for f in files:
        subprocess.run(
            [*pin, "pdfsig", f], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        )
    return time.perf_counter() - t0


def run(signed: gen_signed.Signed, repeat: int, work: Path) -> list[Figure]:
    n = signed.records
    cores = os.cpu_count() or 1
    repo = gen_signed.fresh_copy(signed, work / "verify")
    files = sample(gen_signed.record_paths(repo))
    names = b"\0".join(f.encode() for f in files)
    one = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    say(f"[verify {n}] {len(files)} files: hoso verify and pdfsig, one core and {cores}, {repeat} rounds")
    runs = rounds(
        {
            "pdfsig-1": lambda: pdfsig_each(files, repo, one),
            "verify-1": lambda: wall([*one, *HOSO, "verify", *files], repo, ok=VERDICTS),
            "pdfsig-n": lambda: wall(
                ["xargs", "-0", f"-P{cores}", "-n1", "pdfsig"], repo, stdin=names, ok=None
            ),
            "verify-n": lambda: wall([*HOSO, "verify", *files], repo, ok=VERDICTS),
        },
        repeat,
    )
    shutil.rmtree(repo, ignore_errors=True)
    count = f"{len(files)} files"
    return [
        Figure(
            "verify",
            f"`hoso verify`, {count}, one core",
            n,
            runs["verify-1"],
            "pdfsig, a process per file, one core",
            runs["pdfsig-1"],
            goal="≤ 2.5× pdfsig on one core",
            max_ratio=2.5,
        ),
        Figure(
            "verify",
            f"`hoso verify`, {count}, {cores} cores",
            n,
            runs["verify-n"],
            f"pdfsig, {cores} at a time (`xargs -P{cores}`)",
            runs["pdfsig-n"],
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if shutil.which("pdfsig") is None:
        raise SystemExit("pdfsig (poppler-utils) is needed for the baseline")
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="hoso-bench-verify-") as tmp:
        for n in args.records:
            figures += run(gen_signed.school(n), args.repeat, Path(tmp))
    print(table(figures))
    save(figures, gen_signed.OUT / "verify.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
