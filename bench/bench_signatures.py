#!/usr/bin/env python3
"""Signature benchmark: `python bench/bench_signatures.py --records 1000`.

Builds a copy of the demo school (its catalog, people.yml and demo trust/) holding N lesson
plans (ke-hoach-bai-day) of one teacher, each signed by the teacher and by the tổ trưởng with
the demo PKI, then times, in the same run: cold `hoso verify` of one file (a process each),
`hoso verify` of all N in one process, poppler's `pdfsig` over the same N files, `hoso check
--all` cold and warm, and the pre-commit case (`check --staged` on one new signed record)
against verifying that record alone.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
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
        name = "ban-moi" if n == records else f"ban-so-{n:06d}"
        (repo / FOLDER / f"{name}.pdf").write_bytes(data)
    seconds = time.perf_counter() - t0
    new = repo / FOLDER / "ban-moi.pdf"
    staged_copy = repo.parent / "ban-moi.pdf"
    shutil.move(new, staged_copy)  # committed later, as the pre-commit case
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@hoso.invalid"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "signed records"], cwd=repo, check=True)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hoso-bench-sig-") as tmp:
        repo = Path(tmp) / "school"
        sign_s = build(repo, args.records)
        files = sorted((repo / FOLDER).glob("*.pdf"))
        one = files[0].relative_to(repo).as_posix()
        verify_one = timed([*HOSO, "verify", one], repo, args.repeat)
        t0 = time.perf_counter()
        subprocess.run([*HOSO, "verify", FOLDER], cwd=repo, capture_output=True)
        verify_all = time.perf_counter() - t0
        t0 = time.perf_counter()
        for f in files:
            subprocess.run(["pdfsig", str(f)], capture_output=True, check=False)
        pdfsig_all = time.perf_counter() - t0
        cache = cache_dir(repo)
        cold = timed([*HOSO, "check", "--all"], repo, 1, lambda: shutil.rmtree(cache, True))
        warm = timed([*HOSO, "check", "--all"], repo, args.repeat)
        shutil.move(Path(tmp) / "ban-moi.pdf", repo / FOLDER / "ban-moi.pdf")
        new = f"{FOLDER}/ban-moi.pdf"
        subprocess.run(["git", "add", new], cwd=repo, check=True)
        verify_new = timed([*HOSO, "verify", new], repo, args.repeat)
        staged = timed(
            [*HOSO, "check", "--staged", new], repo, args.repeat, lambda: shutil.rmtree(cache, True)
        )
    n = len(files)
    print(f"records: {n} (2 signatures each; signing them took {sign_s:.1f} s)")
    print("| measure | seconds | per file |")
    print("|---|---|---|")
    print(f"| hoso verify, 1 file, cold process | {verify_one:.3f} | {verify_one:.3f} |")
    print(f"| hoso verify, {n} files, one process | {verify_all:.2f} | {verify_all / n:.4f} |")
    print(f"| pdfsig, {n} files (a process each) | {pdfsig_all:.2f} | {pdfsig_all / n:.4f} |")
    print(f"| hoso check --all, cold cache | {cold:.2f} | {cold / n:.4f} |")
    print(f"| hoso check --all, warm cache | {warm:.2f} | {warm / n:.4f} |")
    print(f"| pre-commit: check --staged, 1 new record | {staged:.3f} | |")
    print(f"| hoso verify of that record alone | {verify_new:.3f} | |")
    print(
        f"ratios: verify-all/pdfsig {verify_all / pdfsig_all:.2f}; "
        f"staged/verify-alone {staged / verify_new:.2f}; warm check --all {warm:.2f} s (target < 2 s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
