#!/usr/bin/env python3
"""Time `hoso check` on the signed school: `python bench/bench_check.py --records 1000`.

The school is bench/gen_signed.py's (N validly signed records with their history), copied. Each
figure against its baseline, in the same rounds, --repeat times (median and min):

- `check --staged` with nothing staged (what the pre-commit hook costs a commit that touches
  no record) against the interpreter's start plus one `git diff --cached --name-only`;
- `check --staged FILE` of one new, fully signed record (the pre-commit case; the verdict
  cache holds every other record, not this one) against `hoso verify FILE` of the same file;
- `check --all` with an empty cache, and again with the cache it filled, against poppler's
  `pdfsig` over every record, a process each, one after the other (up to --all-max records:
  beyond, three cold rounds take more than an hour on 2 cores).

The cache `check --all` fills is kept as the school's warm cache (gen_signed.keep_warm) for the
benchmarks that measure warm cases.
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
import gen_signed
from measure import HOSO, VERDICTS, Figure, rounds, save, say, table, wall

from hoso.evidence import CACHE_FILE, cache_dir

ALL_MAX = 20000  # `check --all` cold, 3 rounds, takes about an hour at 20,000 records on 2 cores
NOTHING_STAGED_BASE = (
    "import subprocess; subprocess.run(['git', 'diff', '--cached', '--name-only'], stdout=subprocess.DEVNULL)"
)


def pdfsig_each(files: list[str], cwd: Path) -> float:
    t0 = time.perf_counter()
    for f in files:
        subprocess.run(
            ["pdfsig", f], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        )
    return time.perf_counter() - t0


def forget_verdicts(repo: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        (cache_dir(repo) / (CACHE_FILE + suffix)).unlink(missing_ok=True)


def run(signed: gen_signed.Signed, repeat: int, work: Path, all_max: int = ALL_MAX) -> list[Figure]:
    n = signed.records
    repo = gen_signed.fresh_copy(signed, work / "check")
    figures: list[Figure] = []
    if n <= all_max:
        figures += check_all(signed, repo, repeat)
    figures += staged(signed, repo, repeat)
    shutil.rmtree(repo, ignore_errors=True)
    return figures


def check_all(signed: gen_signed.Signed, repo: Path, repeat: int) -> list[Figure]:
    """`check --all`, cold and warm, against pdfsig over every record."""
    n = signed.records
    files = gen_signed.record_paths(repo)
    figures: list[Figure] = []
    say(f"[check {n}] check --all cold / warm, pdfsig × {len(files)}, {repeat} rounds")
    runs = rounds(
        {
            "cold": lambda: wall(
                [*HOSO, "check", "--all"], repo, before=lambda: forget_verdicts(repo), ok=VERDICTS
            ),
            "warm": lambda: wall([*HOSO, "check", "--all"], repo, ok=VERDICTS),
            "pdfsig": lambda: pdfsig_each(files, repo),
        },
        repeat,
    )
    gen_signed.keep_warm(signed, repo)
    pdfsig = f"pdfsig, {len(files)} files, one after the other"
    figures.append(Figure("check", "`check --all`, empty cache", n, runs["cold"], pdfsig, runs["pdfsig"]))
    figures.append(
        Figure(
            "check",
            "`check --all`, cache warm",
            n,
            runs["warm"],
            pdfsig,
            runs["pdfsig"],
            goal="< 2 s (earlier target)",
            max_s=2.0,
        )
    )

    return figures


def staged(signed: gen_signed.Signed, repo: Path, repeat: int) -> list[Figure]:
    """The pre-commit hook: nothing staged, then one new record."""
    n = signed.records
    figures: list[Figure] = []
    say(f"[check {n}] check --staged: nothing staged; one new record")
    nothing = rounds(
        {
            "hoso": lambda: wall([*HOSO, "check", "--staged"], repo, ok=VERDICTS),
            "base": lambda: wall([sys.executable, "-c", NOTHING_STAGED_BASE], repo),
        },
        repeat,
    )
    figures.append(
        Figure(
            "check",
            "`check --staged`, nothing staged",
            n,
            nothing["hoso"],
            "python start + `git diff --cached --name-only`",
            nothing["base"],
            goal="< 0.15 s at 10k records",
            max_s=0.15,
        )
    )
    rel, source = signed.extra()[0]
    target = repo / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    subprocess.run(["git", "add", rel], cwd=repo, check=True)
    try:
        one = rounds(
            {
                "hoso": lambda: wall(
                    [*HOSO, "check", "--staged", rel],
                    repo,
                    before=lambda: _forget_blob(repo, rel),
                    ok=VERDICTS,
                ),
                "verify": lambda: wall([*HOSO, "verify", rel], repo, ok=VERDICTS),
            },
            repeat,
        )
    finally:
        subprocess.run(["git", "rm", "-q", "--cached", rel], cwd=repo, check=True)
        target.unlink()
    figures.append(
        Figure(
            "check",
            "`check --staged FILE`, one new signed record",
            n,
            one["hoso"],
            "`hoso verify FILE`",
            one["verify"],
        )
    )
    return figures


def _forget_blob(repo: Path, rel: str) -> None:
    """The new record's verdict out of the cache (every other record's stays)."""
    import sqlite3

    from hoso.git.objects import blob_id

    db = cache_dir(repo) / CACHE_FILE
    if not db.is_file():
        return
    oid = blob_id((repo / rel).read_bytes())
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM evidence WHERE oid = ?", (oid,))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--all-max", type=int, default=ALL_MAX, help="`check --all` up to this size")
    args = parser.parse_args(argv)
    if shutil.which("pdfsig") is None:
        raise SystemExit("pdfsig (poppler-utils) is needed for the baseline")
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="hoso-bench-check-") as tmp:
        for n in args.records:
            figures += run(gen_signed.school(n), args.repeat, Path(tmp), args.all_max)
    print(table(figures))
    save(figures, gen_signed.OUT / "check.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
