#!/usr/bin/env python3
"""Synthetic school repositories for benchmarks: `python bench/gen_repo.py OUT --records N`.

Writes a THCS school (hoso init), a people.yml with enough teachers, and N distinct one-page
PDFs spread over two school years and every owner level, then commits them in one commit.
Each PDF is the same reportlab page with a unique number stamped in, so every blob id differs.
Shared by the check, signature and site benchmarks.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

from hoso.cli import main as hoso

YEARS = ("2023-2024", "2024-2025")
GROUPS = ("toan-tin", "khoa-hoc-tu-nhien", "ngu-van-xa-hoi")
TEACHER_TYPES = ("ke-hoach-bai-day", "ke-hoach-giao-duc-cua-giao-vien", "so-chu-nhiem")
GROUP_TYPES = ("so-sinh-hoat-chuyen-mon", "ke-hoach-giao-duc-cua-to")
SCHOOL_TYPES = ("so-ghi-dau-bai", "so-quan-ly-van-ban", "ke-hoach-giao-duc-nha-truong")
MARK = b"NNNNNNNN"
FP = "ab" * 32


def timed(
    cmd: list[str], cwd: Path, repeat: int = 1, before: object = None, ok: tuple[int, ...] = (0,)
) -> float:
    """Median wall time of `cmd` over `repeat` runs; `before` runs untimed before each."""
    import statistics
    import time

    runs = []
    for _ in range(repeat):
        if callable(before):
            before()
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True)
        runs.append(time.perf_counter() - t0)
        if proc.returncode not in ok:
            raise SystemExit(f"{cmd[:4]} failed ({proc.returncode}): {proc.stderr[-800:]!r}")
    return statistics.median(runs)


def template_pdf() -> bytes:
    import io

    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    rl_config.invariant = 1
    font = resources.files("hoso") / "data/fonts/DejaVuSans.ttf"
    pdfmetrics.registerFont(TTFont("DejaVu", str(font)))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=0)
    c.setFont("DejaVu", 12)
    c.drawString(72, 760, "Kế hoạch bài dạy — hồ sơ tổng hợp số")
    c.setFont("Helvetica", 12)
    c.drawString(72, 740, MARK.decode())
    c.save()
    data = buf.getvalue()
    assert data.count(MARK) == 1, "the stamp must appear once, uncompressed"
    return data


def people_yml(teachers: int) -> str:
    lines = ["version: 1", "groups:"]
    lines += [f"  - {{id: {g}, name: Tổ {g}}}" for g in GROUPS]
    lines += [
        "people:",
        "  - id: hieu-truong-a",
        "    name: Hiệu Trưởng A",
        "    roles:",
        "      - {role: hieu-truong, from: 2020-08-01}",
    ]
    for i in range(teachers):
        g = GROUPS[i % len(GROUPS)]
        lines += [
            f"  - id: giao-vien-{i:04d}",
            f"    name: Giáo Viên {i:04d}",
            "    roles:",
            f"      - {{role: giao-vien, group: {g}, from: 2020-08-01}}",
        ]
    lines += ["seal:", "  name: Trường mẫu", "  certificates:", f'    - sha256: "{FP}"']
    return "\n".join(lines) + "\n"


def generate(out: Path, records: int) -> None:
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} exists and is not empty")
    out.mkdir(parents=True, exist_ok=True)
    if hoso(["init", str(out), "--level", "thcs", "--name", "Trường THCS Đo Hiệu Năng"]) != 0:
        raise SystemExit("hoso init failed")
    # unsigned records: chờ duyệt is a warning here (signature timings: bench_signatures.py)
    catalog = out / "catalog.yml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace("pending_on_main: false", "pending_on_main: true", 1),
        encoding="utf-8",
    )
    teachers = max(3, records // 40)
    (out / "people.yml").write_text(people_yml(teachers), encoding="utf-8")
    base = template_pdf()
    for n in range(records):
        year = YEARS[n % 2]
        kind = n % 10
        if kind < 7:
            owner = f"gv/giao-vien-{(n // 2) % teachers:04d}"
            rtype = TEACHER_TYPES[n % len(TEACHER_TYPES)]
        elif kind < 9:
            owner = f"to/{GROUPS[n % len(GROUPS)]}"
            rtype = GROUP_TYPES[n % len(GROUP_TYPES)]
        else:
            owner = "truong"
            rtype = SCHOOL_TYPES[n % len(SCHOOL_TYPES)]
        path = out / "records" / year / owner / rtype / f"ban-so-{n:06d}.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base.replace(MARK, b"%08d" % n))
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@hoso.invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@hoso.invalid",
    }
    subprocess.run(["git", "add", "-A"], cwd=out, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", f"{records} synthetic records"], cwd=out, check=True, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--records", type=int, default=1000)
    args = parser.parse_args(argv)
    generate(args.out, args.records)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
