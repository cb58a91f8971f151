"""The one rule engine: runs every rule family, in order, over a view's entries.

Pre-commit (staged entries), CI and the server hook (a pushed range) and `check --all`
all come through `run`, so the same file gets the same verdict wherever it is checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hoso.rules import formats, hygiene, placement, signatures
from hoso.rules.base import Context, Finding, Rule, Subject

# A family judges a file only when the families it requires found no error in it: a file
# that is not a PDF has no signatures worth judging, a misplaced one no required signers.
RULES: tuple[Rule, ...] = (
    Rule("hygiene", hygiene.check),
    Rule("placement", placement.check, requires=("hygiene",)),
    Rule("format", formats.check, requires=("hygiene",)),
    Rule("signatures", signatures.check, requires=("hygiene", "placement", "format")),
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
        failed: set[str] = set()
        for rule in rules:
            if failed.intersection(rule.requires):
                continue
            produced = list(rule.fn(subject, ctx))
            found.extend(produced)
            if any(f.severity == "error" for f in produced):
                failed.add(rule.family)
    return Result(done, found)
