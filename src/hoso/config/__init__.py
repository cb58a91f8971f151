"""catalog.yml, people.yml and locks.yml: declared schemas, loading with line numbers."""

from hoso.config.loader import Config, ConfigIssue, load_config

__all__ = ["Config", "ConfigIssue", "load_config"]
