"""`hoso validate-config`: check catalog.yml, people.yml and locks.yml with line numbers."""

from __future__ import annotations

import argparse

from hoso.commands._common import err, out_json, repo_root
from hoso.config import load_config
from hoso.errors import ConfigError, ExitCode
from hoso.messages import t


def run(args: argparse.Namespace) -> int:
    root, _ = repo_root(args.repo)
    try:
        config = load_config(root)
    except ConfigError as exc:
        if args.format == "json":
            out_json({"version": 1, "ok": False, "issues": [i.as_json() for i in exc.issues]})
        else:
            for issue in exc.issues:
                err(issue.render())
            errors = sum(1 for i in exc.issues if i.severity == "error")
            err(t("validate.failed", count=errors))
        return int(ExitCode.CONFIG)
    if args.format == "json":
        out_json({"version": 1, "ok": True, "issues": [w.as_json() for w in config.warnings]})
    else:
        for warning in config.warnings:
            err(warning.render())
        err(
            t(
                "validate.ok",
                types=len(config.catalog.record_types),
                people=len(config.people.people),
                locks=len(config.locks.locks),
            )
        )
    return int(ExitCode.OK)
