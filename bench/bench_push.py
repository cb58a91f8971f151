#!/usr/bin/env python3
"""Server hook benchmark: `python bench/bench_push.py --records 10000 --push 200`.

A synthetic school of N records (bench/gen_repo.py) is cloned bare twice: one with hoso's
hooks (pre-receive judges, post-receive writes the push log), one with a pre-receive hook that
runs `true` (the baseline: what any hook costs). The same push of P new records goes to both;
also `hoso check --range` alone on that range.
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
from gen_repo import MARK, generate, template_pdf

from hoso.cli import main as hoso

GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@hoso.invalid"]


def timed_push(work: Path, bare: Path) -> float:
    subprocess.run([*GIT, "remote", "set-url", "origin", str(bare)], cwd=work, check=True)
    t0 = time.perf_counter()
    proc = subprocess.run([*GIT, "push", "-q", "origin", "HEAD:main"], cwd=work, capture_output=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"push refused: {proc.stderr.decode()[-1500:]}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    # no automatic `gc` anywhere (a commit of 10,000 files, a push): it would run, partly in the
    # background, during the timings and race the clean-up of the temporary folders
    os.environ.update({"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "gc.auto", "GIT_CONFIG_VALUE_0": "0"})
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--push", type=int, default=200)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hoso-bench-push-") as tmp:
        base = Path(tmp)
        seed = base / "seed"
        generate(seed, args.records)
        subprocess.run([*GIT, "branch", "-M", "main"], cwd=seed, check=True)
        servers = {}
        for name in ("hoso", "true"):
            bare = base / f"{name}.git"
            subprocess.run([*GIT, "clone", "-q", "--bare", str(seed), str(bare)], check=True)
            # no background `gc --auto` after a push: it would outlive the timing and the folder
            subprocess.run([*GIT, "config", "receive.autogc", "false"], cwd=bare, check=True)
            if name == "hoso":
                assert hoso(["install-server-hook", str(bare)]) == 0
            else:
                hook = bare / "hooks" / "pre-receive"
                hook.write_text("#!/bin/sh\ncat >/dev/null\nexec true\n")
                hook.chmod(0o755)
            servers[name] = bare
        work = base / "work"
        subprocess.run([*GIT, "clone", "-q", str(servers["true"]), str(work)], check=True)
        template = template_pdf()
        folder = work / "records/2024-2025/gv/giao-vien-0001/ke-hoach-bai-day"
        folder.mkdir(parents=True, exist_ok=True)
        for n in range(args.push):
            (folder / f"moi-{n:04d}.pdf").write_bytes(template.replace(MARK, b"%08d" % (90000000 + n)))
        subprocess.run([*GIT, "add", "-A"], cwd=work, check=True)
        subprocess.run(
            [*GIT, "commit", "-q", "--no-verify", "-m", f"{args.push} hồ sơ mới"], cwd=work, check=True
        )
        t0 = time.perf_counter()
        code = hoso(["-C", str(work), "check", "--range", "origin/main..HEAD", "--ref", "main", "--no-cache"])
        check_range = time.perf_counter() - t0
        baseline = timed_push(work, servers["true"])
        with_hoso = timed_push(work, servers["hoso"])
        shutil.rmtree(work)
    print(
        f"| repository | push | hook `true` | hoso pre-receive | ratio | check --range alone (exit {code}) |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| {args.records} records | {args.push} new records | {baseline:.2f} s | {with_hoso:.2f} s"
        f" | {with_hoso / baseline:.1f} | {check_range:.2f} s |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
