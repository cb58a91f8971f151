"""The one rule engine: runs every rule family, in order, over a view's entries.

Pre-commit (staged entries), CI and the server hook (a pushed range) and `check --all`
all come through `run`, so the same file gets the same verdict wherever it is checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hoso.rules import formats, hygiene, placement
from hoso.rules.base import Context, Finding, Rule, Subject

# Order matters: a later family is skipped for a file once an earlier blocking one failed
# (a file that is not a PDF has no signatures worth judging).
RULES: tuple[Rule, ...] = (
    Rule("hygiene", hygiene.check),
    Rule("placement", placement.check, blocking=False),
    Rule("format", formats.check),
)


@dataclass
class Result:
    subjects: list[Subject]
    findings: list[Finding]

    def findings_for(self, path: str) -> list[Finding]:
        return [f for f in self.findings if f.path == path]


def run(subjects: Iterable[Subject], ctx: Context, rules: Sequence[Rule] = RULES) -> Result:
    done: list[Subject] = []
    found: list[Finding] = []
    for subject in subjects:
        done.append(subject)
        for rule in rules:
            produced = list(rule.fn(subject, ctx))
            found.extend(produced)
            if rule.blocking and any(f.severity == "error" for f in produced):
                break
    return Result(done, found)
