#!/usr/bin/env python3
"""Signature benchmark: `python bench/bench_signatures.py --records 1000`.

Builds a copy of the demo school (its catalog, people.yml and demo trust/) holding N lesson
plans (ke-hoach-bai-day) of one teacher, each signed by the teacher and by the tổ trưởng with
the demo PKI, then times, in the same run and --repeat times each (median and min):

- poppler's `pdfsig` over the N files, a process each, one after the other (what pdfsig is);
- `pdfsig` again, N processes run nproc at a time (`xargs -P`): the fair parallel baseline;
- `hoso verify` of all N in one command;
- `hoso.pdf.pool.examine_many` of all N in one process (what `hoso verify` gets with the pool);
- `hoso check --all` with a cold cache (the evidence cache removed before each run);

the four measures interleaved round by round, so that a busy machine slows them alike. Then
the ratios against both pdfsig baselines, the machine's core count and its load; and, once:
`hoso verify` of one file (a cold process), `check --all` warm, and the pre-commit case
(`check --staged` on one new signed record) against verifying that record alone.

`--keep DIR` builds the school in DIR, or reuses the one already there (signing 1000 records
takes minutes).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gen_repo import MARK, template_pdf, timed

from hoso.evidence import cache_dir
from hoso.pdf.sign import load_signer, sign_pdf

ROOT = Path(__file__).resolve().parents[1]
HOSO = [sys.executable, "-m", "hoso"]
OWNER, HEAD = "pham-quoc-tuan", "nguyen-van-an"  # teacher and tổ trưởng of toan-tin in 2024-2025
FOLDER = f"records/2024-2025/gv/{OWNER}/ke-hoach-bai-day"
NEW = "ban-moi.pdf"  # kept out of the commit: the pre-commit case
# exit codes that are verdicts (valid, unsigned, invalid, untrusted), not failures of hoso:
# what the demo records are judged depends on people.yml and today's policy, not on speed
VERDICTS = (0, 6, 7, 8)
# examine_many over the files named on stdin, trust/ of the current directory (no people)
POOL_SNIPPET = """
import sys
from pathlib import Path
from hoso.pdf.pool import examine_many
from hoso.trust import certificates
from hoso.repo import WorktreeSnapshot
names = sys.stdin.read().split()
roots = [c.dump() for c in certificates(WorktreeSnapshot(Path.cwd()))]
examine_many([(n, Path(n).read_bytes()) for n in names], roots)
"""


def build(repo: Path, records: int) -> float:
    repo.mkdir(parents=True)
    for name in ("catalog.yml", "people.yml", "locks.yml"):
        shutil.copy(ROOT / name, repo / name)
    shutil.copytree(ROOT / "trust", repo / "trust")
    teacher = load_signer(ROOT / f"scripts/demo_pki/people/{OWNER}.p12", "demo")
    head = load_signer(ROOT / f"scripts/demo_pki/people/{HEAD}.p12", "demo")
    base = template_pdf()
    (repo / FOLDER).mkdir(parents=True)
    t0 = time.perf_counter()
    for n in range(records + 1):
        when = datetime(2024, 10, 1, 8, 0) + timedelta(minutes=n)
        data = base.replace(MARK, b"%08d" % n)
        data = sign_pdf(data, teacher, field_name=f"Sig1-{OWNER}", signing_time=when)
        data = sign_pdf(data, head, field_name=f"Sig2-{HEAD}", signing_time=when + timedelta(days=2))
        name = NEW if n == records else f"ban-so-{n:06d}.pdf"
        (repo / FOLDER / name).write_bytes(data)
    seconds = time.perf_counter() - t0
    shutil.move(repo / FOLDER / NEW, repo.parent / NEW)  # committed later, as the pre-commit case
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@hoso.invalid"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    # the records arrive when signed, as in a school: a commit dated after the last signature
    # (a claimed signing time grants no role that had ended by the commit that brought it)
    arrived = (datetime(2024, 10, 1, 8, 0) + timedelta(minutes=records, days=3)).isoformat() + "+07:00"
    dated = {**os.environ, "GIT_AUTHOR_DATE": arrived, "GIT_COMMITTER_DATE": arrived}
    subprocess.run([*git, "commit", "-qm", "signed records"], cwd=repo, check=True, env=dated)
    return seconds


def wall(
    cmd: list[str],
    cwd: Path,
    before: Callable[[], object] | None = None,
    stdin: bytes = b"",
    ok: tuple[int, ...] | None = None,
) -> float:
    """Wall time of one run of `cmd`; with `ok`, an exit code outside it stops the benchmark."""
    if before is not None:
        before()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - t0
    if ok is not None and proc.returncode not in ok:
        raise SystemExit(f"{cmd[:4]} failed ({proc.returncode}): {proc.stderr[-800:]!r}")
    return seconds


def pdfsig_each(files: list[Path], cwd: Path) -> float:
    t0 = time.perf_counter()
    for f in files:
        subprocess.run(["pdfsig", str(f)], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the school here, or reuse the one there")
    args = parser.parse_args(argv)
    if shutil.which("pdfsig") is None:
        raise SystemExit("pdfsig (poppler-utils) is needed for the baseline")
    with tempfile.TemporaryDirectory(prefix="hoso-bench-sig-") as tmp:
        repo = (args.keep.resolve() if args.keep else Path(tmp)) / "school"
        sign_s = build(repo, args.records) if not (repo / ".git").is_dir() else None
        return measure(repo, args.repeat, sign_s)


def measure(repo: Path, repeat: int, sign_s: float | None) -> int:
    cores = os.cpu_count() or 1
    files = sorted((repo / FOLDER).glob("*.pdf"))
    names = b"\0".join(f.relative_to(repo).as_posix().encode() for f in files)
    lines = names.replace(b"\0", b"\n")
    n = len(files)
    cache = cache_dir(repo)
    load_before = os.getloadavg()

    def cold() -> None:
        shutil.rmtree(cache, True)

    measures: dict[str, Callable[[], float]] = {
        "pdfsig": lambda: pdfsig_each(files, repo),
        "pdfsig-par": lambda: wall(["xargs", "-0", f"-P{cores}", "-n1", "pdfsig"], repo, stdin=names),
        "verify": lambda: wall([*HOSO, "verify", FOLDER], repo, ok=VERDICTS),
        "pool": lambda: wall([sys.executable, "-c", POOL_SNIPPET], repo, stdin=lines, ok=(0,)),
        "check-cold": lambda: wall([*HOSO, "check", "--all"], repo, cold, ok=VERDICTS),
    }
    runs: dict[str, list[float]] = {k: [] for k in measures}
    for _ in range(repeat):  # round by round: load on a shared machine falls on every measure
        for key, fn in measures.items():
            runs[key].append(fn())
    med = {k: statistics.median(v) for k, v in runs.items()}
    low = {k: min(v) for k, v in runs.items()}

    one = files[0].relative_to(repo).as_posix()
    verify_one = timed([*HOSO, "verify", one], repo, repeat, ok=VERDICTS)
    warm = timed([*HOSO, "check", "--all"], repo, repeat, ok=VERDICTS)
    new_path = repo / FOLDER / NEW
    shutil.move(repo.parent / NEW, new_path)
    new = f"{FOLDER}/{NEW}"
    subprocess.run(["git", "add", new], cwd=repo, check=True)
    try:
        verify_new = timed([*HOSO, "verify", new], repo, repeat, ok=VERDICTS)
        staged = timed([*HOSO, "check", "--staged", new], repo, repeat, cold, ok=VERDICTS)
    finally:  # leave a kept school as it was built
        subprocess.run(["git", "rm", "-q", "--cached", new], cwd=repo, check=True)
        shutil.move(new_path, repo.parent / NEW)
    load_after = os.getloadavg()

    signed = f"; signing them took {sign_s:.1f} s" if sign_s is not None else " (a kept school)"
    print(f"records: {n} (2 signatures each{signed}); cores: {cores}; runs: {repeat} each")
    print(f"load average (1 min) before / after: {load_before[0]:.2f} / {load_after[0]:.2f}")
    print(f"| measure | median s | min s | per file (median) | ÷ pdfsig | ÷ pdfsig -P{cores} |")
    print("|---|---|---|---|---|---|")
    labels = {
        "pdfsig": f"pdfsig, {n} files, a process each, sequential",
        "pdfsig-par": f"pdfsig, {n} processes, {cores} at a time (xargs -P{cores})",
        "verify": f"hoso verify, {n} files, one command",
        "pool": f"examine_many, {n} files, one process (pool)",
        "check-cold": "hoso check --all, cold cache",
    }
    for key, label in labels.items():
        print(
            f"| {label} | {med[key]:.2f} | {low[key]:.2f} | {med[key] / n * 1000:.1f} ms"
            f" | {med[key] / med['pdfsig']:.2f} | {med[key] / med['pdfsig-par']:.2f} |"
        )
    print(f"| hoso verify, 1 file, cold process | {verify_one:.3f} | | | | |")
    print(f"| hoso check --all, warm cache | {warm:.2f} | | {warm / n * 1000:.1f} ms | | |")
    print(f"| pre-commit: check --staged, 1 new record | {staged:.3f} | | | | |")
    print(f"| hoso verify of that record alone | {verify_new:.3f} | | | | |")
    for key in ("check-cold", "verify", "pool"):
        print(
            f"ratio {key}: {med[key] / med['pdfsig']:.2f}× pdfsig sequential"
            f" (min/min {low[key] / low['pdfsig']:.2f}×), {med[key] / med['pdfsig-par']:.2f}×"
            f" pdfsig on {cores} cores (min/min {low[key] / low['pdfsig-par']:.2f}×)"
        )
    print(f"staged/verify-alone {staged / verify_new:.2f}; warm check --all {warm:.2f} s (target < 2 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
