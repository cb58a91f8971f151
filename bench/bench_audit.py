#!/usr/bin/env python3
"""Time `hoso audit` on a synthetic repository: `python bench/bench_audit.py --records 10000`.

Figures (median of --repeat runs, seconds, the real `hoso` command in a child process):

- first audit: no audit state and an empty evidence cache (every signature verified);
- first audit, cache warm: no audit state, but `hoso check --all` already filled the cache;
- second audit, nothing changed: every blob re-read and re-hashed, no signature verified;
- the parts git does: `git fsck --full` alone, and `git cat-file --batch` of every record blob;
- the physical limit: `sha256sum` over the same bytes, exported once with one `git archive`.

The records are unsigned (chờ duyệt, allowed on main in the synthetic school). The repository is
packed (`git gc`) before anything is timed.
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
from gen_repo import generate, timed

from hoso.evidence import cache_dir
from hoso.ops.audit import STATE_FILE

HOSO = [sys.executable, "-m", "hoso"]


def bench(size: int, repeat: int, workdir: Path) -> dict[str, float]:
    repo = workdir / f"school-{size}"
    t0 = time.perf_counter()
    generate(repo, size)
    gen = time.perf_counter() - t0
    # the commit of 10,000 files starts a detached `git gc --auto`: wait for it, then pack
    # everything ourselves, so no repack runs under the timings (a school repository is packed)
    while (repo / ".git" / "gc.pid").exists():
        time.sleep(0.2)
    subprocess.run(["git", "gc", "-q"], cwd=repo, check=True)
    cache = cache_dir(repo)
    state = cache / STATE_FILE

    def forget_everything() -> None:
        shutil.rmtree(cache, True)

    def forget_state() -> None:
        state.unlink(missing_ok=True)

    first_cold = timed([*HOSO, "audit"], repo, repeat, forget_everything)
    subprocess.run([*HOSO, "check", "--all"], cwd=repo, capture_output=True, check=False)
    first_warm = timed([*HOSO, "audit"], repo, repeat, forget_state)
    second = timed([*HOSO, "audit"], repo, repeat)
    fsck = timed(["git", "fsck", "--full", "--no-dangling", "--no-progress"], repo, repeat)
    oids = subprocess.run(
        ["git", "ls-tree", "-r", "--object-only", "HEAD", "records"],
        cwd=repo,
        capture_output=True,
        check=True,
    ).stdout
    oid_file = workdir / f"oids-{size}.txt"
    oid_file.write_bytes(oids)
    catfile = timed(["sh", "-c", f"git cat-file --batch < {oid_file} > /dev/null"], repo, repeat)
    export = workdir / f"export-{size}"
    export.mkdir()
    subprocess.run(f"git archive HEAD records | tar -x -C {export}", shell=True, cwd=repo, check=True)
    exported = sum(1 for p in export.rglob("*") if p.is_file())
    assert exported == len(oids.split()), (exported, len(oids.split()))
    mib = sum(p.stat().st_size for p in export.rglob("*") if p.is_file()) / 1048576
    sha = timed(["sh", "-c", "find . -type f -print0 | xargs -0 sha256sum > /dev/null"], export, repeat)
    return {
        "records": size,
        "mib": mib,
        "generate_s": gen,
        "first_cold_s": first_cold,
        "first_warm_s": first_warm,
        "second_s": second,
        "fsck_s": fsck,
        "catfile_s": catfile,
        "sha256sum_s": sha,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hoso-bench-audit-") as tmp:
        rows = [bench(n, args.repeat, Path(tmp)) for n in args.records]
    print("| records | MiB | what | seconds | × sha256sum |")
    print("|---|---|---|---|---|")
    for r in rows:
        base = r["sha256sum_s"]
        for label, key in (
            ("`sha256sum` over the exported files (physical limit)", "sha256sum_s"),
            ("`git cat-file --batch` of every record blob", "catfile_s"),
            ("`git fsck --full`", "fsck_s"),
            ("`hoso audit`, first run, empty cache", "first_cold_s"),
            ("`hoso audit`, first run, verdict cache warm", "first_warm_s"),
            ("`hoso audit`, second run, nothing changed", "second_s"),
        ):
            print(f"| {r['records']} | {r['mib']:.0f} | {label} | {r[key]:.2f} | {r[key] / base:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
