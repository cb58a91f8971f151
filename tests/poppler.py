"""poppler's command-line tools (poppler-utils), as a second reader of the PDFs hoso writes and
verifies. A missing tool fails the test: CI installs poppler-utils, and a skipped comparison
would look like an agreement."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is required (Debian package poppler-utils)")
    return found


def run(name: str, *args: str) -> str:
    """stdout of `name args…`; a non-zero exit fails the test."""
    proc = subprocess.run([tool(name), *args], capture_output=True, check=True, timeout=120)
    return proc.stdout.decode("utf-8")


def pdfsig(data: bytes, tmp_path: Path, name: str, *options: str) -> dict[str, str]:
    """Signature field name → pdfsig's "Signature Validation" text."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    proc = subprocess.run(
        [tool("pdfsig"), *options, str(path)], capture_output=True, text=True, check=False, timeout=60
    )
    found: dict[str, str] = {}
    field = None
    for line in proc.stdout.splitlines():
        line = line.strip()
        if line.startswith("- Signature Field Name:"):
            field = line.split(":", 1)[1].strip()
        elif line.startswith("- Signature Validation:") and field is not None:
            found[field] = line.split(":", 1)[1].strip()
    return found
