"""Facts about a blob, computed once and cached in SQLite by git blob id.

The cache lives inside the git directory (`.git/hoso/cache.sqlite`, or `hoso/` in a bare
repository), where nothing can commit it: a cache that arrived with pushed content could
vouch for forged signatures. Outside git it is `.hoso/` (git-ignored). A fact's key is (kind, blob id,
context), where the context digests whatever else the fact depends on (the policy version
for format facts; trust/ and people.yml for signature facts). Two processes may share the
cache: SQLite's WAL mode and a busy timeout serialise their writes.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

CACHE_DIR = ".hoso"  # outside a git repository only


def cache_dir(root: Path) -> Path:
    """Where the cache of `root` lives; no git call (this runs in every hook)."""
    dot_git = root / ".git"
    if dot_git.is_dir():
        return dot_git / "hoso"
    if dot_git.is_file():  # a linked work tree or a submodule: "gitdir: <path>"
        text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
        if text.startswith("gitdir:"):
            target = Path(text.removeprefix("gitdir:").strip())
            return (target if target.is_absolute() else root / target) / "hoso"
    if (root / "HEAD").is_file() and (root / "objects").is_dir():  # a bare repository
        return root / "hoso"
    return root / CACHE_DIR


CACHE_FILE = "cache.sqlite"
SCHEMA = 1


class EvidenceCache:
    def __init__(self, root: Path | None) -> None:
        self._db: sqlite3.Connection | None = None
        if root is not None:
            self._db = _open(cache_dir(root))

    @property
    def usable(self) -> bool:
        return self._db is not None

    def get(self, kind: str, oid: str, context: str) -> dict[str, Any] | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT data FROM evidence WHERE kind=? AND oid=? AND context=?",
                (kind, oid, context),
            ).fetchone()
        except sqlite3.Error:
            return None
        return _decode(row[0]) if row else None

    def present(self, kind: str, oids: Sequence[str], context: str) -> set[str]:
        """Which of `oids` have evidence of `kind` under `context` (a query per 500, no load)."""
        rows = self._select("oid", kind, oids, context)
        return {str(row[0]) for row in rows} if rows is not None else set()

    def _select(self, columns: str, kind: str, oids: Sequence[str], context: str) -> list[Any] | None:
        """Rows of `columns` for `oids`, a query per 500; None when the cache cannot be read."""
        if self._db is None:
            return []
        found: list[Any] = []
        for start in range(0, len(oids), 500):
            chunk = list(oids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            try:
                found += self._db.execute(
                    f"SELECT {columns} FROM evidence WHERE kind=? AND context=? AND oid IN ({marks})",
                    (kind, context, *chunk),
                ).fetchall()
            except sqlite3.Error:
                return None
        return found

    def put(self, kind: str, oid: str, context: str, data: dict[str, Any]) -> None:
        if self._db is None:
            return
        # A cache that cannot be written is a slower run, never a failed one.
        with contextlib.suppress(sqlite3.Error), self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO evidence(kind, oid, context, data) VALUES (?,?,?,?)",
                (kind, oid, context, json.dumps(data, ensure_ascii=False, sort_keys=True)),
            )

    def get_many(self, kind: str, oids: Sequence[str], context: str) -> dict[str, dict[str, Any]]:
        """The evidence of `kind` held for any of `oids` (a query per 500)."""
        found: dict[str, dict[str, Any]] = {}
        for oid, data in self._select("oid, data", kind, oids, context) or []:
            decoded = _decode(data)
            if decoded is not None:
                found[str(oid)] = decoded
        return found

    def put_many(self, rows: Sequence[tuple[str, str, str, dict[str, Any]]]) -> None:
        """(kind, oid, context, data) rows, all or none (one transaction)."""
        if self._db is None:
            return
        with contextlib.suppress(sqlite3.Error), self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO evidence(kind, oid, context, data) VALUES (?,?,?,?)",
                [
                    # ASCII: a path git gave as undecodable bytes (lone surrogates) stays storable
                    (kind, oid, context, json.dumps(data, sort_keys=True))
                    for kind, oid, context, data in rows
                ],
            )

    def delete_kind(self, kind: str, context: str) -> None:
        if self._db is None:
            return
        with contextlib.suppress(sqlite3.Error), self._db:
            self._db.execute("DELETE FROM evidence WHERE kind=? AND context=?", (kind, context))

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _decode(data: Any) -> dict[str, Any] | None:
    """A row's data, or None when it is not a JSON object: a damaged row is no answer, and the
    fact is computed again."""
    try:
        value = json.loads(data)
    except (TypeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _open(folder: Path) -> sqlite3.Connection | None:
    try:
        folder.mkdir(exist_ok=True)
        gitignore = folder / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n", encoding="utf-8")
        db = sqlite3.connect(folder / CACHE_FILE, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA:
            db.execute("DROP TABLE IF EXISTS evidence")
            db.execute(f"PRAGMA user_version={SCHEMA}")
        db.execute(
            "CREATE TABLE IF NOT EXISTS evidence("
            "kind TEXT, oid TEXT, context TEXT, data TEXT, PRIMARY KEY(kind, oid, context))"
        )
        db.isolation_level = "DEFERRED"
        return db
    except (OSError, sqlite3.Error):
        return None
