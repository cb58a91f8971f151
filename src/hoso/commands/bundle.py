"""`hoso bundle --year Y [--type T] [--owner O] --out FILE [--print-date YYYY-MM-DD]`.

One PDF of a school year's records for printing and binding (see hoso.ops.bundle): cover,
table of contents, every record's pages with a footer stamp, continuous page numbers.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from hoso.commands._common import err, repo_root
from hoso.errors import ExitCode, UsageError
from hoso.messages import t
from hoso.ops import bundle


def run(args: argparse.Namespace) -> int:
    root, is_git = repo_root(args.repo)
    if not is_git:
        raise UsageError("bundle.not-git", path=str(root))
    print_date = bundle.parse_print_date(args.print_date) if args.print_date else date.today()
    out = Path(args.out).expanduser().resolve()
    records = (root / "records").resolve()
    if out == records or records in out.parents or out.is_dir():
        raise UsageError("bundle.bad-out", path=str(out))
    result = bundle.build(root, args.year, type_id=args.type, owner=args.owner, print_date=print_date)
    bundle.write(result, out)
    for path, reason in bundle.iter_skipped(result):
        err(t("bundle.skipped-line", path=path, reason=reason))
    err(
        t(
            "bundle.written",
            path=str(out),
            records=len(result.printed),
            total=len(result.items),
            pages=result.total_pages,
            commit=result.commit[: bundle.SHORT_OID],
        )
    )
    return int(ExitCode.OK)  # a left-out record is named above and in the table of contents
