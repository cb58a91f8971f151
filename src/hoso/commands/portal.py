"""`hoso portal build --schools FILE [--out DIR] [--audience inspector|public] [--cache DIR]`.

The library (hoso.portal) builds the portal and reports each school's state; here those states
become lines on stderr and the exit code: 0 when every school verified, 1 (FAILED) when any is
stale, does not verify or could not be read (the portal is still built and says so on its pages),
3 (CONFIG) for a schools.yml to fix, 10 (NOT_FOUND) when schools.yml itself is missing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hoso.commands._common import err
from hoso.errors import ExitCode
from hoso.messages import t


def run(args: argparse.Namespace) -> int:
    from hoso.portal import config
    from hoso.portal.build import build
    from hoso.portal.pages import state_label

    file = Path(args.schools)
    cfg = config.load(file, args.audience)
    for warning in cfg.warnings:
        err(warning.render())
    out = Path(args.out) if args.out else file.resolve().parent / "portal"
    result = build(cfg, out, Path(args.cache) if args.cache else None)
    for message in result.warnings:
        err(t("portal.warning", message=message))
    for school in result.failed:
        problems = "; ".join(text for _, text in school.problems)
        err(
            t(
                "portal.school-problem",
                name=school.name,
                source=school.label,
                state=state_label(school.state),
                problems=problems,
            )
        )
    err(
        t(
            "portal.built",
            out=str(result.out),
            schools=len(result.schools),
            pages=result.pages_built,
            reused=result.pages_reused,
            parsed=result.parsed,
        )
    )
    if result.failed:
        err(t("portal.some-failed", count=len(result.failed)))
        return int(ExitCode.FAILED)
    return int(ExitCode.OK)
