#!/usr/bin/env python3
"""The README's two commands, for a fresh clone with only python3 and git.

    python3 scripts/dev.py demo [--port N]  # check the demo school, then build and serve its
                                            # inspector site on http://127.0.0.1:8000 (Ctrl+C stops)
    python3 scripts/dev.py test             # lint, type-check and run the whole test suite

Both create (or reuse) a virtual environment in .venv and install hoso into it. `demo` first
generates the demo school with its history of two school years into .demo/truong-mau
(scripts/demo_history.py), again only when what it is made from has changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
DEMO = ROOT / ".demo" / "truong-mau"


def _run(*cmd: str | os.PathLike[str]) -> int:
    print("+ " + " ".join(str(c) for c in cmd), file=sys.stderr, flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT)


def ensure_venv() -> None:
    """Create .venv and install hoso with test extras; reinstall when pyproject.toml changes."""
    stamp = VENV / ".hoso-installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    if stamp.exists() and stamp.read_text() == digest:
        return
    pip = [PY, "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    if _run(*pip, "--upgrade", "pip") != 0 or _run(*pip, "-e", ".[test]") != 0:
        raise SystemExit("Cài đặt thất bại / installation failed: see the pip output above")
    stamp.write_text(digest)


def ensure_demo() -> int:
    """Generate the demo school's repository when it is missing or older than its sources."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from demo_history import stamp, stamp_of  # the standard library only, until it generates

    if stamp_of(DEMO) == stamp(ROOT):
        return 0
    # every version it writes is verified by tests/test_demo_history.py; here the first page counts
    return _run(PY, ROOT / "scripts" / "demo_history.py", "--out", DEMO, "--no-verify")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test"}:
        print(__doc__, file=sys.stderr)
        return 2
    ensure_venv()
    hoso = BIN / ("hoso.exe" if os.name == "nt" else "hoso")
    if argv[0] == "demo":
        if ensure_demo() != 0:
            return 1
        _run(hoso, "-C", DEMO, "check", "--all", "--summary")  # the summary is the point, not the code
        return _run(hoso, "-C", DEMO, "site", "serve", *argv[1:])
    for step in (
        [BIN / "ruff", "check", "src", "tests", "scripts", "bench"],
        [BIN / "mypy"],
    ):
        if _run(*step) != 0:
            return 1
    workers = ["-n", "2"] if (os.cpu_count() or 1) > 1 else []
    return _run(PY, "-m", "pytest", *workers, *argv[1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
