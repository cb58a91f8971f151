"""What every benchmark shares: wall time of one command, measures taken round by round, and
the figures (median and min of the runs, against a baseline measured in the same rounds).

A figure's ratio is median ÷ the baseline's median (and min ÷ min beside it). Measures are
interleaved — round 1 of every measure, then round 2… — so that load from other processes on a
shared machine falls on a figure and its baseline alike.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HOSO = [sys.executable, "-m", "hoso"]
# exit codes that are verdicts (valid, unsigned, invalid, untrusted), not failures of hoso
VERDICTS = (0, 6, 7, 8)


def wall(
    cmd: Sequence[str],
    cwd: Path,
    *,
    before: Callable[[], object] | None = None,
    stdin: bytes | None = None,
    ok: Sequence[int] | None = (0,),
    env: dict[str, str] | None = None,
) -> float:
    """Wall time of one run of `cmd` (output discarded); `before` runs untimed first. An exit
    code outside `ok` stops the benchmark with the command's last words (None: any code)."""
    if before is not None:
        before()
    t0 = time.perf_counter()
    proc = subprocess.run(
        list(cmd),
        cwd=cwd,
        input=stdin,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        check=False,
    )
    seconds = time.perf_counter() - t0
    if ok is not None and proc.returncode not in ok:
        detail = proc.stderr.decode("utf-8", "replace")[-1200:]
        raise RuntimeError(f"{' '.join(map(str, cmd[:6]))} failed ({proc.returncode}): {detail}")
    return seconds


def rounds(measures: dict[str, Callable[[], float]], repeat: int) -> dict[str, list[float]]:
    """Each measure `repeat` times, round by round."""
    runs: dict[str, list[float]] = {k: [] for k in measures}
    for _ in range(repeat):
        for key, fn in measures.items():
            runs[key].append(fn())
    return runs


@dataclass
class Figure:
    """One row of the table: a measure, its baseline, and the goal it is held to."""

    bench: str
    name: str
    records: int
    runs: list[float]
    baseline: str = ""
    base_runs: list[float] = field(default_factory=list)
    goal: str = ""  # as the issue states it
    max_s: float | None = None  # the goal as a bound on the median, in seconds
    max_ratio: float | None = None  # or on the median ratio
    note: str = ""
    error: str = ""  # the measure could not be taken: why

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def low(self) -> float:
        return min(self.runs)

    @property
    def base_median(self) -> float | None:
        return statistics.median(self.base_runs) if self.base_runs else None

    @property
    def ratio(self) -> float | None:
        base = self.base_median
        return self.median / base if base else None

    @property
    def ratio_low(self) -> float | None:
        base: float = min(self.base_runs, default=0.0)
        return self.low / base if base else None

    @property
    def met(self) -> bool | None:
        if self.error:
            return False if (self.max_s is not None or self.max_ratio is not None) else None
        if self.max_s is not None:
            return self.median < self.max_s
        if self.max_ratio is not None and self.ratio is not None:
            return self.ratio <= self.max_ratio
        return None

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(median=self.median if self.runs else None, ratio=self.ratio, met=self.met)
        return out


def failed(bench: str, name: str, records: int, error: str, **kw: Any) -> Figure:
    return Figure(
        bench, name, records, [], error=error.strip().splitlines()[-1][:300] if error else "?", **kw
    )


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def table(figures: Sequence[Figure]) -> str:
    """The Markdown table of `figures`."""
    lines = [
        "| bench | figure | records | median | min | baseline (median) | ratio (min/min) | goal | met? |",
        "|---|---|--:|--:|--:|---|--:|---|:-:|",
    ]
    for f in figures:
        if f.error:
            lines.append(
                f"| {f.bench} | {f.name} | {f.records} | — | — | {f.baseline or '—'} | — | {f.goal or '—'}"
                f" | {'**no**' if f.met is False else '—'}: {f.error.replace('|', '/')} |"
            )
            continue
        base = f"{f.baseline} ({seconds(f.base_median)})" if f.baseline else "—"
        ratio = f"{f.ratio:.2f}× ({f.ratio_low:.2f}×)" if f.ratio is not None and f.ratio_low else "—"
        met = {True: "yes", False: "**no**", None: "—"}[f.met]
        note = f" {f.note}" if f.note else ""
        lines.append(
            f"| {f.bench} | {f.name}{note} | {f.records} | {seconds(f.median)} | {seconds(f.low)} | {base}"
            f" | {ratio} | {f.goal or '—'} | {met} |"
        )
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """The machine and the code measured: cores, load, hoso's commit and modified files."""
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True).stdout.strip()

    return {
        "cores": os.cpu_count(),
        "load": os.getloadavg()[0],
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "commit": git("rev-parse", "--short", "HEAD"),
        "modified": git("status", "--porcelain", "--", "src").splitlines(),
    }


def save(figures: Sequence[Figure], path: Path, extra: dict[str, Any] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {**machine(), **(extra or {}), "figures": [f.as_json() for f in figures]}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
