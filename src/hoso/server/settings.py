"""The server's own settings, kept in the bare repository's git configuration.

A push cannot change them (git configuration is not pushed), so they are where the protected
branches and the source of the pusher's identity live — not in the pushed catalog.yml.

    hoso.protect = main          (one or more; default: the branch HEAD names)
    hoso.pusher  = gitolite      (gitolite | forgejo | gitea | gitlab; absent: pusher unknown)
    hoso.logkey  = <path>        (the push log's signing key, kept outside objects and refs;
                                  absent: the log is written unsigned)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hoso.errors import ExitCode, HosoError
from hoso.git.refs import config_values, symbolic_head

PROTECT_KEY = "hoso.protect"
PUSHER_KEY = "hoso.pusher"
LOG_KEY_KEY = "hoso.logkey"
# the variable each server sets for the account it authenticated (never set by the client)
PUSHER_VARIABLES: dict[str, str] = {
    "gitolite": "GL_USER",
    "forgejo": "GITEA_PUSHER_NAME",
    "gitea": "GITEA_PUSHER_NAME",
    "gitlab": "GL_USERNAME",
}


class SettingsError(HosoError):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, ExitCode.CONFIG, **params)


def branch_ref(name: str) -> str:
    return name if name.startswith("refs/") else f"refs/heads/{name}"


@dataclass(frozen=True)
class ServerSettings:
    protected: tuple[str, ...]  # full ref names
    pusher_source: str | None  # a key of PUSHER_VARIABLES
    log_key: Path | None = None  # private ssh key signing the push log (hoso.server.pushlog)

    def is_protected(self, ref: str) -> bool:
        return ref in self.protected

    def pusher(self, env: Mapping[str, str]) -> str | None:
        """The authenticated account, or None when this server does not authenticate pushers.

        Raises when the server is set to authenticate but the variable is missing: a push that
        bypassed the git server (a local push into the bare repository) proves nobody.
        """
        if self.pusher_source is None:
            return None
        value = env.get(PUSHER_VARIABLES[self.pusher_source], "").strip()
        if not value:
            raise SettingsError("server.pusher-missing", variable=PUSHER_VARIABLES[self.pusher_source])
        return value


def load(root: Path) -> ServerSettings:
    names = [v.strip() for v in config_values(root, PROTECT_KEY) if v.strip()]
    if not names:
        head = symbolic_head(root)
        names = [head] if head else []
    sources = [v.strip() for v in config_values(root, PUSHER_KEY) if v.strip()]
    source = sources[-1] if sources else None
    if source is not None and source not in PUSHER_VARIABLES:
        raise SettingsError("server.pusher-unknown-source", value=source, choices=", ".join(PUSHER_VARIABLES))
    return ServerSettings(tuple(dict.fromkeys(branch_ref(n) for n in names)), source, log_key(root))


def log_key(root: Path) -> Path | None:
    """The push log's signing key named in the server's settings (a relative path: from the
    repository's folder), whether or not the file is there."""
    values = [v.strip() for v in config_values(root, LOG_KEY_KEY) if v.strip()]
    return root / values[-1] if values else None
