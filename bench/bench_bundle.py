#!/usr/bin/env python3
"""Time `hoso bundle` on the signed school: `python bench/bench_bundle.py --records 1000`.

One teacher's records of 2024-2025 (a tenth of the school's records or so) bound into one PDF:
cover, contents, every page stamped with its path, version and signature status. The statuses
come from the verdict cache, warm (as in a school that runs the hooks). Against poppler's
`pdfunite` of the same files (joining the pages, nothing drawn), in the same rounds, --repeat
times (median and min).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import gen_signed
from measure import HOSO, VERDICTS, Figure, rounds, save, say, table, wall

YEAR = "2024-2025"
OWNER = "hoang-minh-duc"


def run(signed: gen_signed.Signed, repeat: int, work: Path) -> list[Figure]:
    n = signed.records
    repo = gen_signed.fresh_copy(signed, work / "bundle", warm=True)
    files = [p for p in gen_signed.record_paths(repo) if p.startswith(f"records/{YEAR}/gv/{OWNER}/")]
    out = work / "bundle.pdf"
    joined = work / "joined.pdf"
    bundle = [
        *HOSO,
        "bundle",
        "--year",
        YEAR,
        "--owner",
        OWNER,
        "--out",
        str(out),
        "--print-date",
        "2025-06-30",
    ]
    wall(bundle, repo, ok=VERDICTS)  # whatever the warm cache lacks, once, untimed
    say(f"[bundle {n}] {len(files)} records of {OWNER}: hoso bundle / pdfunite, {repeat} rounds")
    runs = rounds(
        {
            "bundle": lambda: wall(bundle, repo, ok=VERDICTS),
            "pdfunite": lambda: wall(["pdfunite", *files, str(joined)], repo),
        },
        repeat,
    )
    shutil.rmtree(repo, ignore_errors=True)
    return [
        Figure(
            "bundle",
            f"`hoso bundle`, {len(files)} records of one teacher",
            n,
            runs["bundle"],
            "`pdfunite` of the same files",
            runs["pdfunite"],
        )
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if shutil.which("pdfunite") is None:
        raise SystemExit("pdfunite (poppler-utils) is needed for the baseline")
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="hoso-bench-bundle-") as tmp:
        for n in args.records:
            figures += run(gen_signed.school(n), args.repeat, Path(tmp))
    print(table(figures))
    save(figures, gen_signed.OUT / "bundle.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
