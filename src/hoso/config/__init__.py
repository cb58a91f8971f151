"""catalog.yml, people.yml and locks.yml: declared schemas, loading with line numbers.

The names below are looked up on first use (PEP 562): importing `hoso.config.vocab` (the
records layout does) or running a hook that needs no configuration never imports the loader,
pydantic or ruamel.yaml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hoso.config.loader import Config, ConfigIssue, load_config

__all__ = ["Config", "ConfigIssue", "load_config"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from hoso.config import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
