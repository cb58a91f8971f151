"""`hoso report --year Y [--hoc-ky 1|2] [--format pdf|csv|json|xlsx] [--out FILE] [--today D] [--force]`.

The school's report upward (hoso.report), written atomically (a temporary file, then renamed),
never over an existing file without --force, and never into records/ (a report becomes a
record only once signed: `hoso sign`, then `hoso add --type bao-cao`). Anywhere else is the
user's choice (a desktop, a USB stick).
"""

from __future__ import annotations

import argparse
import errno
import os
from datetime import date
from pathlib import Path

from hoso import report
from hoso.commands._common import err, out, repo_root
from hoso.errors import ExistsError, ExitCode, HosoError, UsageError
from hoso.messages import t
from hoso.records import RECORDS_DIR, valid_year
from hoso.writes import write_atomic, write_new

SUFFIXES = {f".{fmt}": fmt for fmt in report.FORMATS}


def run(args: argparse.Namespace) -> int:
    root, is_git = repo_root(args.repo)
    if not is_git:
        raise UsageError("report.not-git", path=str(root))
    if not valid_year(args.year):
        raise UsageError("report.bad-year", value=args.year)
    today = _today(args.today)
    fmt = args.format or (SUFFIXES.get(Path(args.out).suffix.lower()) if args.out else None) or "pdf"
    # every refusal about the destination comes before the work, and again at the write
    dest, shown = destination(root, args.out, report.default_name(args.year, args.hoc_ky, fmt), args.force)
    result = report.build(root, args.year, today=today, hoc_ky=args.hoc_ky)
    write(dest, shown, report.render(result, fmt), force=args.force)
    out(shown)
    _summary(result, shown, fmt)
    return int(ExitCode.OK)


def _today(value: str | None) -> date:
    """--today: the day deadlines are judged on and the report is dated (default: today in Việt Nam)."""
    from hoso.timeliness import today_in_vietnam

    if value is None:
        return today_in_vietnam()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError("report.bad-today", value=value) from None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def destination(root: Path, given: str | None, name: str, force: bool) -> tuple[Path, str]:
    """Where the report goes, and how to name it to the user; raise when it may not go there."""
    cwd = Path.cwd()
    if given is None:
        dest = cwd / name
    else:
        dest = Path(given).expanduser()
        dest = dest if dest.is_absolute() else cwd / dest
        if dest.is_dir():
            dest = dest / name
    if given is None:
        shown = name
    else:
        shown = given if not Path(given).expanduser().is_dir() else str(Path(given) / name)
    records = (root / RECORDS_DIR).resolve()
    for candidate in (Path(os.path.normpath(dest)), dest.resolve()):
        if _inside(candidate, records):
            raise UsageError("report.out-in-records", path=shown, type=report.RECORD_TYPE)
    if not dest.parent.is_dir():
        raise UsageError("report.out-no-folder", path=shown, folder=str(dest.parent))
    if os.path.lexists(dest) and not force:
        raise ExistsError("report.exists", path=shown)
    return dest, shown


def write(dest: Path, shown: str, data: bytes, *, force: bool) -> None:
    """A temporary file in the same folder, renamed into place: never half a report."""
    try:
        if force:
            write_atomic(dest, data)
        else:
            write_new(dest, data)
    except FileExistsError:
        raise ExistsError("report.exists", path=shown) from None
    except OSError as exc:
        raise HosoError("report.write-failed", ExitCode.FAILED, path=shown, reason=_reason(exc)) from exc


def _reason(exc: OSError) -> str:
    """The operating system's complaint in the user's language (its own text is English)."""
    known = {
        errno.EACCES: "report.os.denied",
        errno.EPERM: "report.os.denied",
        errno.ENOSPC: "report.os.full",
        errno.EROFS: "report.os.read-only",
        errno.ENOENT: "report.os.missing",
        errno.ENOTDIR: "report.os.missing",
    }
    key = known.get(exc.errno or 0)
    return t(key) if key else t("report.os.other", code=errno.errorcode.get(exc.errno or 0, "?"))


def _summary(result: report.Report, shown: str, fmt: str) -> None:
    from hoso.report.tables import indicator_name, percent, period

    total = result.total
    err(
        t(
            "report.written",
            path=shown,
            period=period(result),
            commit=result.commit[:10],
            today=result.today.strftime("%d/%m/%Y"),
        )
    )
    err(
        t(
            "report.summary",
            records=len(result.items),
            required=total.count("required"),
            submitted=total.count("submitted"),
            approved=total.count("approved"),
            on_time=total.count("on_time"),
            late=total.count("late"),
            missing=total.count("missing"),
            not_due=total.count("not_due"),
            invalid=total.count("invalid"),
        )
    )
    for ind in result.indicators:
        count = f"{len(ind.numerator)}/{len(ind.denominator)}"
        err(t("report.indicator-line", name=indicator_name(ind), value=percent(ind.value), count=count))
    if fmt == "pdf":
        err(t("report.next-pdf", path=shown, year=result.year, type=report.RECORD_TYPE))
