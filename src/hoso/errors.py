"""One base error and the stable exit codes.

The exit codes are part of hoso's interface (cron jobs, CI and hooks act on them):
never renumber a member, only add new ones.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # some check failed (used when no more precise code applies)
    USAGE = 2  # wrong command-line arguments
    CONFIG = 3  # catalog.yml / people.yml / locks.yml invalid or missing
    MISPLACED = 4  # path does not match the catalog, or hygiene (stray file, symlink…)
    FORMAT = 5  # not a real, readable, unencrypted PDF within limits
    UNSIGNED = 6  # required signatures missing (chờ duyệt)
    SIGNATURE_INVALID = 7  # signature broken or document modified after signing
    UNTRUSTED = 8  # chain, validity, role or algorithm not acceptable
    HISTORY = 9  # history rule (append-only, lock, retention)
    NOT_FOUND = 10  # a file or object named by the user does not exist
    EXISTS = 11  # refusing to overwrite an existing record
    INTERNAL = 70  # a bug in hoso: please report it with the log
    INTERRUPTED = 130


# When several kinds of problem are found, the exit code is the first in this order:
# the most fundamental problem is the one a user must fix first.
EXIT_PRECEDENCE: tuple[ExitCode, ...] = (
    ExitCode.CONFIG,
    ExitCode.MISPLACED,
    ExitCode.FORMAT,
    ExitCode.SIGNATURE_INVALID,
    ExitCode.UNTRUSTED,
    ExitCode.UNSIGNED,
    ExitCode.HISTORY,
    ExitCode.FAILED,
)


def worst(codes: set[ExitCode]) -> ExitCode:
    for code in EXIT_PRECEDENCE:
        if code in codes:
            return code
    return ExitCode.OK


class HosoError(Exception):
    """Base of every error hoso expects. Carries a message key, its parameters and an exit code.

    The library raises these; only the CLI turns them into text and exit codes.
    """

    exit_code: ExitCode = ExitCode.FAILED

    def __init__(self, key: str, exit_code: ExitCode | None = None, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
        if exit_code is not None:
            self.exit_code = exit_code

    def render(self) -> str:
        from hoso.messages import t

        return t(self.key, **self.params)


class ConfigError(HosoError):
    exit_code = ExitCode.CONFIG

    def __init__(self, issues: list[Any], **params: Any) -> None:
        super().__init__("config.invalid", **params)
        self.issues = issues

    def render(self) -> str:
        return "\n".join(i.render() for i in self.issues)


class UsageError(HosoError):
    exit_code = ExitCode.USAGE


class NotFoundError(HosoError):
    exit_code = ExitCode.NOT_FOUND


class ExistsError(HosoError):
    exit_code = ExitCode.EXISTS


class GitError(HosoError):
    exit_code = ExitCode.FAILED
