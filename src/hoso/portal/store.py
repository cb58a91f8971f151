"""The portal's aggregate: every school's records in one SQLite file, rebuilt school by school.

Why SQLite (the standard library's) and not DuckDB: no new dependency on a machine of a Phòng or
Sở; rows go in as each school's index.json is read (one school in memory at a time, then dropped),
so a province's million records never sit in Python at once; and the work is incremental by
school — a school whose index.json digest (with its schools.yml overrides) is the one stored is
not read again, and one that changed replaces only its own rows, in one transaction. The queries
are small group-bys over a per-(school, year) summary made at ingest time; a column store would
win on scans this portal never does.

The file lives in the portal's cache folder, never in the published site.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hoso.portal.index import Index

# Raised when the tables change: an older cache's tables are dropped and made again, then filled
# from the schools. 3: files.ctime_ns, schools.index_code and schools.withheld.
STORE_VERSION = "3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS schools(
  slug TEXT PRIMARY KEY, digest TEXT, name TEXT, code TEXT, level TEXT, province TEXT,
  commune TEXT, authority TEXT, audience TEXT, schema_version INTEGER, commit_id TEXT,
  commit_date TEXT, has_missing INTEGER, has_timeliness INTEGER, index_code TEXT, withheld TEXT);
CREATE TABLE IF NOT EXISTS types(slug TEXT, id TEXT, name TEXT, confidential INTEGER,
  PRIMARY KEY(slug, id));
CREATE TABLE IF NOT EXISTS records(slug TEXT, year TEXT, type TEXT, owner_level TEXT,
  owner_id TEXT, owner_name TEXT, title TEXT, status TEXT, timeliness TEXT, days_late INTEGER,
  deadline TEXT, url TEXT, download TEXT, blob TEXT, size INTEGER, path TEXT);
CREATE INDEX IF NOT EXISTS records_by ON records(slug, year, status);
CREATE TABLE IF NOT EXISTS missing(slug TEXT, year TEXT, type TEXT, owner_level TEXT,
  owner_id TEXT, owner_name TEXT, hoc_ky TEXT, deadline TEXT, days_overdue INTEGER);
CREATE INDEX IF NOT EXISTS missing_by ON missing(slug, year);
CREATE TABLE IF NOT EXISTS summary(slug TEXT, year TEXT, da_duyet INTEGER, cho_duyet INTEGER,
  khong_hop_le INTEGER, late INTEGER, missing INTEGER, hidden INTEGER, locked INTEGER,
  PRIMARY KEY(slug, year));
CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,
  ino INTEGER, ctime_ns INTEGER, blob TEXT);
CREATE TABLE IF NOT EXISTS built(slug TEXT PRIMARY KEY, key TEXT);
CREATE TABLE IF NOT EXISTS linked(slug TEXT PRIMARY KEY, key TEXT);
CREATE TABLE IF NOT EXISTS sampled(url TEXT PRIMARY KEY, blob TEXT, size INTEGER, checked REAL);
"""
_PER_SCHOOL = ("schools", "types", "records", "missing", "summary")
_TABLES = (*_PER_SCHOOL, "files", "built", "linked", "sampled")


@dataclass(frozen=True)
class Summary:
    slug: str
    year: str
    da_duyet: int
    cho_duyet: int
    khong_hop_le: int
    late: int
    missing: int
    hidden: int
    locked: bool

    @property
    def total(self) -> int:
        return self.da_duyet + self.cho_duyet + self.khong_hop_le


class Store:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.folder = path.parent.resolve()  # the portal's cache: the sites it built itself
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)")
        row = self.db.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        if row is None or row[0] != STORE_VERSION:
            for table in _TABLES:  # dropped, not emptied: an older table may lack a column
                self.db.execute(f"DROP TABLE IF EXISTS {table}")
            self.db.execute("INSERT OR REPLACE INTO meta VALUES('version', ?)", (STORE_VERSION,))
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    # ---- ingest ---------------------------------------------------------------------------------

    def digest(self, slug: str) -> str | None:
        row = self.db.execute("SELECT digest FROM schools WHERE slug=?", (slug,)).fetchone()
        return None if row is None else str(row[0])

    def slug_of(self, digest: str) -> str | None:
        row = self.db.execute("SELECT slug FROM schools WHERE digest=?", (digest,)).fetchone()
        return None if row is None else str(row[0])

    def forget(self, slug: str) -> None:
        self.db.execute("BEGIN")
        for table in _PER_SCHOOL:
            self.db.execute(f"DELETE FROM {table} WHERE slug=?", (slug,))
        self.db.execute("COMMIT")

    def keep_only(self, slugs: Iterable[str]) -> None:
        """Drop the schools no longer in schools.yml."""
        keep = set(slugs)
        for (slug,) in self.db.execute("SELECT slug FROM schools").fetchall():
            if slug not in keep:
                self.forget(slug)

    def ingest(self, slug: str, digest: str, index: Index, school: dict[str, str], drop: set[str]) -> None:
        """Replace one school's rows (records of the types in `drop` are left out)."""
        db = self.db
        db.execute("BEGIN")
        try:
            for table in _PER_SCHOOL:
                db.execute(f"DELETE FROM {table} WHERE slug=?", (slug,))
            db.execute(
                "INSERT INTO schools VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    slug,
                    digest,
                    school["name"],
                    school["code"],
                    school["level"],
                    school["province"],
                    school["commune"],
                    school["authority"],
                    index.audience,
                    index.schema_version,
                    index.commit,
                    index.commit_date,
                    int(index.missing is not None),
                    int(index.has_timeliness),
                    index.school.get("code", ""),  # what the school claims, before any override
                    # types of `drop` it listed records of, left out: flagged at every build
                    ", ".join(sorted({r.type for r in index.records if r.type in drop})),
                ),
            )
            db.executemany(  # a type left out is confidential, whatever the school said
                "INSERT INTO types VALUES(?,?,?,?)",
                ((slug, tid, name, int(conf or tid in drop)) for tid, (name, conf) in index.types.items()),
            )
            records = [r for r in index.records if r.type not in drop]
            db.executemany(
                "INSERT INTO records VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    (
                        slug,
                        r.year,
                        r.type,
                        r.owner_level,
                        r.owner_id,
                        r.owner_name,
                        r.title,
                        r.status,
                        r.timeliness,
                        r.days_late,
                        r.deadline,
                        r.url,
                        r.download,
                        r.blob,
                        r.size,
                        r.path,
                    )
                    for r in records
                ),
            )
            db.executemany(
                "INSERT INTO missing VALUES(?,?,?,?,?,?,?,?,?)",
                (
                    (
                        slug,
                        m.year,
                        m.type,
                        m.owner_level,
                        m.owner_id,
                        m.owner_name,
                        m.hoc_ky,
                        m.deadline,
                        m.days_overdue,
                    )
                    for m in index.missing or []
                ),
            )
            db.executemany("INSERT INTO summary VALUES(?,?,?,?,?,?,?,?,?)", _summaries(slug, index, records))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    # ---- reading --------------------------------------------------------------------------------

    def school(self, slug: str) -> dict[str, Any] | None:
        cur = self.db.execute("SELECT * FROM schools WHERE slug=?", (slug,))
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def years(self) -> list[str]:
        return [y for (y,) in self.db.execute("SELECT DISTINCT year FROM summary ORDER BY year DESC")]

    def summaries(self, year: str | None = None, slug: str | None = None) -> list[Summary]:
        sql, args = "SELECT * FROM summary WHERE 1=1", list[str]()
        if year is not None:
            sql, args = sql + " AND year=?", [*args, year]
        if slug is not None:
            sql, args = sql + " AND slug=?", [*args, slug]
        return [_summary(row) for row in self.db.execute(sql + " ORDER BY year DESC", args)]

    def types(self, slug: str) -> dict[str, tuple[str, bool]]:
        rows = self.db.execute("SELECT id, name, confidential FROM types WHERE slug=?", (slug,))
        return {tid: (name, bool(conf)) for tid, name, conf in rows}

    def type_counts(self, slug: str, year: str) -> list[tuple[str, str, int]]:
        """(type, status, count) of one school's year."""
        sql = "SELECT type, status, count(*) FROM records WHERE slug=? AND year=? GROUP BY type, status"
        return list(self.db.execute(sql, (slug, year)))

    def records(self, slug: str, year: str, status: str | None = None, late: bool = False) -> Iterator[Any]:
        sql = "SELECT * FROM records WHERE slug=? AND year=?"
        args: list[Any] = [slug, year]
        if status is not None:
            sql, args = sql + " AND status=?", [*args, status]
        if late:
            sql += " AND timeliness='tre-han'"
        cur = self.db.execute(sql + " ORDER BY type, owner_name, title", args)
        names = [d[0] for d in cur.description]
        for row in cur:
            yield dict(zip(names, row, strict=True))

    def missing(self, slug: str, year: str) -> list[dict[str, Any]]:
        cur = self.db.execute(
            "SELECT * FROM missing WHERE slug=? AND year=? ORDER BY type, owner_name", (slug, year)
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur]

    def record_count(self, slug: str) -> int:
        return int(self.db.execute("SELECT count(*) FROM records WHERE slug=?", (slug,)).fetchone()[0])

    def files_of(self, slug: str) -> Iterator[tuple[str, str, int, str]]:
        """(download, blob, size, path) of every record of a school that has a file."""
        sql = "SELECT download, blob, size, path FROM records WHERE slug=? AND download IS NOT NULL"
        yield from self.db.execute(sql, (slug,))

    def without_file(self, slug: str) -> list[str]:
        """Paths of the records of a school listed with no file (no hoso site writes one)."""
        sql = "SELECT path FROM records WHERE slug=? AND download IS NULL ORDER BY path"
        return [path for (path,) in self.db.execute(sql, (slug,))]

    def blobs_of(self, slug: str) -> Iterator[tuple[str, int, str]]:
        yield from self.db.execute("SELECT blob, size, path FROM records WHERE slug=?", (slug,))

    # ---- caches ---------------------------------------------------------------------------------

    def known_hashes(self, prefix: str) -> dict[str, tuple[tuple[int, int, int, int], str]]:
        """path -> ((size, mtime_ns, inode, ctime_ns), blob) of every hashed file under `prefix`."""
        rows = self.db.execute(
            "SELECT path, size, mtime_ns, ino, ctime_ns, blob FROM files WHERE path >= ? AND path < ?",
            (prefix, prefix + "\U0010ffff"),
        )
        return {path: ((size, mtime, ino, ctime), blob) for path, size, mtime, ino, ctime, blob in rows}

    def remember_hashes(self, rows: Iterable[tuple[str, tuple[int, int, int, int], str]]) -> None:
        """(path, (size, mtime_ns, inode, ctime_ns), blob) of files just hashed."""
        self.db.execute("BEGIN")
        self.db.executemany(
            "INSERT OR REPLACE INTO files VALUES(?,?,?,?,?,?)",
            ((path, *seen, blob) for path, seen, blob in rows),
        )
        self.db.execute("COMMIT")

    def sampled(self, prefix: str, since: float) -> set[tuple[str, str, int]]:
        """(url, blob, size) of every PDF under `prefix` that hashed to its blob at or after `since`."""
        rows = self.db.execute(
            "SELECT url, blob, size FROM sampled WHERE url >= ? AND url < ? AND checked >= ?",
            (prefix, prefix + "\U0010ffff", since),
        )
        return {(url, blob, size) for url, blob, size in rows}

    def sampled_one(self, url: str, since: float) -> tuple[str, int] | None:
        """(blob, size) remembered for exactly `url` at or after `since`."""
        row = self.db.execute(
            "SELECT blob, size FROM sampled WHERE url = ? AND checked >= ?", (url, since)
        ).fetchone()
        return None if row is None else (str(row[0]), int(row[1]))

    def remember_sampled(self, rows: Iterable[tuple[str, str, int, float]]) -> None:
        self.db.execute("BEGIN")
        self.db.executemany("INSERT OR REPLACE INTO sampled VALUES(?,?,?,?)", rows)
        self.db.execute("COMMIT")

    def built_key(self, slug: str) -> str | None:
        row = self.db.execute("SELECT key FROM built WHERE slug=?", (slug,)).fetchone()
        return None if row is None else str(row[0])

    def linked_key(self, slug: str) -> str | None:
        """What the school's site in the last portal was linked from (its folder and index.json)."""
        row = self.db.execute("SELECT key FROM linked WHERE slug=?", (slug,)).fetchone()
        return None if row is None else str(row[0])

    def set_built(self, keys: dict[str, str], linked: dict[str, str]) -> None:
        self.db.execute("BEGIN")
        self.db.execute("DELETE FROM built")
        self.db.executemany("INSERT INTO built VALUES(?,?)", keys.items())
        self.db.execute("DELETE FROM linked")
        self.db.executemany("INSERT INTO linked VALUES(?,?)", linked.items())
        self.db.execute("COMMIT")


def _summaries(slug: str, index: Index, records: list[Any]) -> Iterator[tuple[Any, ...]]:
    by_year: dict[str, list[int]] = {y: [0] * 6 for y in index.years}
    col = {"da-duyet": 0, "cho-duyet": 1, "khong-hop-le": 2}
    for r in records:
        row = by_year.setdefault(r.year, [0] * 6)
        row[col[r.status]] += 1
        if r.timeliness == "tre-han":
            row[3] += 1
    for m in index.missing or []:
        by_year.setdefault(m.year, [0] * 6)[4] += 1
    hidden: dict[str, int] = {}
    for (year, _), n in index.hidden.items():
        hidden[year] = hidden.get(year, 0) + n
        by_year.setdefault(year, [0] * 6)
    for year, (a, b, c, late, miss, _) in sorted(by_year.items()):
        yield (slug, year, a, b, c, late, miss, hidden.get(year, 0), int(index.locked(year)))


def _summary(row: tuple[Any, ...]) -> Summary:
    slug, year, a, b, c, late, missing, hidden, locked = row
    return Summary(slug, year, a, b, c, late, missing, hidden, bool(locked))
