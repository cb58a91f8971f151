#!/usr/bin/env python3
"""Time `hoso audit` on the signed school: `python bench/bench_audit.py --records 10000`.

On a copy of bench/gen_signed.py's school (packed, as a school's repository is), in the same
rounds, --repeat times (median and min), against `sha256sum` of every record (the files of the
work tree: reading and hashing the same bytes, the physical floor of a fixity check):

- the first audit (no audit state) with the verdict cache warm: fsck, every record re-read and
  re-hashed, statuses from the cached verdicts (a school that runs the hooks);
- the second audit, nothing changed;
- `git fsck --full` alone, the part of the audit git does (every object, every version).

The first audit with an empty cache also verifies every signature: that is `check --all` with
an empty cache (bench_check.py) plus the above.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import gen_signed
from measure import HOSO, Figure, rounds, save, say, table, wall

from hoso.evidence import cache_dir
from hoso.ops.audit import STATE_FILE

SHA256SUM = ["sh", "-c", "find records -type f -print0 | xargs -0 sha256sum > /dev/null"]
# exit codes of an audit that found what it found (a status that changed is not a failure here)
AUDITED = (0, 6, 7, 8, 9)


def run(signed: gen_signed.Signed, repeat: int, work: Path) -> list[Figure]:
    n = signed.records
    repo = gen_signed.fresh_copy(signed, work / "audit", warm=True)
    state = cache_dir(repo) / STATE_FILE
    wall([*HOSO, "audit"], repo, ok=AUDITED)  # whatever the warm cache lacks, once, untimed
    say(f"[audit {n}] first / second audit, git fsck, sha256sum; {repeat} rounds")
    runs = rounds(
        {
            "first": lambda: wall(
                [*HOSO, "audit"], repo, before=lambda: state.unlink(missing_ok=True), ok=AUDITED
            ),
            "second": lambda: wall([*HOSO, "audit"], repo, ok=AUDITED),
            "fsck": lambda: wall(["git", "fsck", "--full", "--no-dangling", "--no-progress"], repo),
            "sha": lambda: wall(SHA256SUM, repo),
        },
        repeat,
    )
    base = f"`sha256sum` of the {n} records"
    figures = [
        Figure("audit", "`hoso audit`, first run, verdict cache warm", n, runs["first"], base, runs["sha"]),
        Figure("audit", "`hoso audit`, second run, nothing changed", n, runs["second"], base, runs["sha"]),
        Figure("audit", "`git fsck --full` (the audit's first step)", n, runs["fsck"], base, runs["sha"]),
    ]
    shutil.rmtree(repo, ignore_errors=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="hoso-bench-audit-") as tmp:
        for n in args.records:
            figures += run(gen_signed.school(n), args.repeat, Path(tmp))
    print(table(figures))
    save(figures, gen_signed.OUT / "audit.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
