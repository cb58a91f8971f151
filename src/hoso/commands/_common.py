"""Helpers shared by subcommands: locate the repository, print to the right stream."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from hoso.git.process import find_root


def repo_root(option: str | None) -> tuple[Path, bool]:
    return find_root(Path(option) if option else Path.cwd())


def out(text: str = "") -> None:
    """Data (results, tables, JSON) goes to stdout."""
    sys.stdout.write(text + "\n")


def err(text: str) -> None:
    """Messages for the person at the terminal go to stderr."""
    sys.stderr.write(text + "\n")


def out_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")
