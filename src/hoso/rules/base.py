"""What a rule receives (a Subject and a Context) and what it yields (Findings)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from hoso.config import Config
from hoso.config.models import RecordType
from hoso.errors import ExitCode
from hoso.evidence import EvidenceCache
from hoso.git.objects import ContentSource, Entry, Snapshot
from hoso.records import RecordPath

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    path: str
    rule: str  # stable id, e.g. "format.not-pdf"; also the message key
    exit_code: ExitCode
    params: dict[str, Any] = field(default_factory=dict)
    severity: Severity = "error"

    def problem(self) -> str:
        from hoso.messages import t

        return t(self.rule, path=self.path, **self.params)

    def fix(self) -> str:
        from hoso.messages import has, t

        key = self.rule + ".fix"
        return t(key, path=self.path, **self.params) if has(key) else ""

    def line(self) -> str:
        fix = self.fix()
        return f"{self.path}: {self.rule}: {self.problem()}" + (f" — {fix}" if fix else "")

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "rule": self.rule,
            "severity": self.severity,
            "exit_code": int(self.exit_code),
            "message": self.problem(),
            "fix": self.fix(),
            "params": {k: str(v) for k, v in self.params.items()},
        }


@dataclass
class Subject:
    """One file under records/ as a rule sees it: the blob, and what its path means."""

    entry: Entry
    record: RecordPath | None = None
    record_type: RecordType | None = None
    facts: dict[str, Any] = field(default_factory=dict)  # evidence computed by earlier rules


@dataclass
class Context:
    config: Config
    source: ContentSource
    cache: EvidenceCache
    all_paths: frozenset[str] = frozenset()  # every path in the view's tree (case collisions)
    allow_pending: bool = False  # may a record lack required signatures here (a submission branch)?
    memo: dict[str, Any] = field(default_factory=dict)  # per-run values rules compute once
    # the tree being judged, for files a rule reads by name (a change request); the
    # configuration comes from `config.snapshot`, which may be another commit (the authority)
    tree: Snapshot | None = None
    # when a blob reached the repository (a moment, or a function finding it in history only
    # when asked); None is now: the file is being committed or pushed
    arrival: Callable[[Entry], datetime | Callable[[], datetime | None] | None] | None = None
    _folded: dict[str, list[str]] | None = field(default=None, init=False, repr=False)

    def read(self, entry: Entry) -> bytes:
        return self.source.read(entry)

    def same_ignoring_case(self, path: str) -> list[str]:
        """Other paths of the tree equal to `path` when case is ignored (built once, O(n))."""
        if self._folded is None:
            self._folded = {}
            for p in self.all_paths:
                self._folded.setdefault(p.casefold(), []).append(p)
        return sorted(p for p in self._folded.get(path.casefold(), []) if p != path)


RuleFn = Callable[[Subject, Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    family: str  # hygiene | placement | format | signatures | history
    fn: RuleFn
    # families that must have found no error in a file before this one judges it
    requires: tuple[str, ...] = ()


def finding(subject: Subject, rule: str, code: ExitCode, **params: Any) -> Finding:
    return Finding(subject.entry.path, rule, code, params)
