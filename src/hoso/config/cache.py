"""Configuration that validated, remembered by its exact bytes.

Parsing catalog.yml and people.yml with line numbers (ruamel.yaml's round-trip parser, pure
Python) costs tens of milliseconds per hundred people, and importing pydantic a hundred more, on
every hook. So two kinds of entry are written to `<cache dir>/config/`:

- per file (`catalog-<key>.json`, …): a file that validated — its model (pydantic's JSON dump)
  and its warnings — read back while the file's bytes stay the same, so that a change to
  catalog.yml does not parse people.yml again;
- per configuration (`config-<key>.json`): these three files together passed every check,
  cross-file checks included, with these warnings — all that `hoso check --staged` needs when
  only configuration is staged, answered without importing pydantic or ruamel.yaml.

A key digests hoso's version, CACHE_SCHEMA, the source of the modules that make a model and its
checks (a development checkout changes them without a new version), the parser's bounds, and
each file's name, git blob id and SHA-256: a changed byte, another hoso or other bounds is
another key, so an entry is never used for anything but the bytes it was made from. Only what
validated is kept: an error is always found, and reported with its line, from the file itself.

What is read back is checked, never trusted blindly: an entry repeats its whole key (its
header) and carries a SHA-256 over header and content; an entry whose header or digest does not
match, that is not JSON, too large, or that the schema refuses is ignored (and removed), and
the files are parsed again. The cache lives where the evidence cache does, inside the git
directory, where nothing can be committed or pushed (`hoso.evidence`); outside a git repository
nothing is remembered, since a `.hoso/` folder in a work tree could arrive with the files it
would vouch for. (Anyone who can write into `.git/` can also replace its hooks: the digest
detects damage and edits that do not recompute it, not a local administrator.)
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hoso import __version__

if TYPE_CHECKING:
    from pydantic import BaseModel

    from hoso.config.loader import ConfigIssue

# Bump when what an entry holds or means changes (the models' dump, the warnings' fields).
CACHE_SCHEMA = 1
FOLDER = "config"
VERDICT = "config"  # file name prefix of the per-configuration entries
# Entries kept (the newest by modification time); a school's configuration changes rarely.
MAX_ENTRIES = 32
# A model's JSON is about the size of its YAML; anything much larger is not ours.
MAX_ENTRY_BYTES = 16 * 1024 * 1024
_ISSUE_FIELDS = {"file", "line", "key", "params", "severity", "column"}
# a file's validated model and its warnings
Remembered = tuple["BaseModel", list["ConfigIssue"]]


class ConfigCache:
    """Entries of one repository; `root` None (or outside git) remembers nothing."""

    def __init__(self, root: Path | None) -> None:
        self._folder: Path | None = None
        if root is not None:
            from hoso.evidence import CACHE_DIR, cache_dir

            folder = cache_dir(root)
            if folder != root / CACHE_DIR:  # inside a git directory only
                self._folder = folder / FOLDER

    # ---- one file ---------------------------------------------------------------------------

    def get(self, name: str, raw: bytes, model: type[BaseModel]) -> Remembered | None:
        """The model and warnings remembered for exactly these bytes of `name`, or None."""
        if self._folder is None:
            return None
        header = _file_header(name, raw)
        body = self._read(name.removesuffix(".yml"), header)
        if body is None:
            return None
        found = _decode_file(body, header, model)
        if found is None:
            self._drop(name.removesuffix(".yml"), header)
        return found

    def put(self, name: str, raw: bytes, obj: BaseModel, warnings: list[ConfigIssue]) -> None:
        """Remember a file that validated (with its warnings); a failure is only a slower next run."""
        if self._folder is None or any(w.severity != "warning" for w in warnings):
            return
        from pydantic import ValidationError

        header = _file_header(name, raw)
        try:
            body = {
                **header,
                "model": obj.model_dump(mode="json", by_alias=True),
                "warnings": [_issue_json(w) for w in warnings],
            }
            # what comes back must be what went in (a value JSON cannot carry is not remembered)
            if _decode_file(json.loads(_dumps(body)), header, type(obj)) != (obj, warnings):
                return
        except (ValidationError, TypeError, ValueError):
            return
        self._write(name.removesuffix(".yml"), header, body)

    # ---- the three files together -------------------------------------------------------------

    def verdict(self, raws: dict[str, bytes]) -> list[ConfigIssue] | None:
        """The warnings of a configuration (the files present, by name) that passed every check
        before, or None when these exact files were not seen to pass."""
        if self._folder is None:
            return None
        header = _verdict_header(raws)
        body = self._read(VERDICT, header)
        if body is None:
            return None
        try:
            if set(body) != {*header, "warnings"}:
                raise KeyError("warnings")
            return [_issue(w, set(raws)) for w in body["warnings"]]
        except (TypeError, KeyError):
            self._drop(VERDICT, header)
            return None

    def put_verdict(self, raws: dict[str, bytes], warnings: list[ConfigIssue]) -> None:
        if self._folder is None:
            return
        header = _verdict_header(raws)
        if (self._folder / _filename(VERDICT, header)).exists():
            return
        try:
            body = {**header, "warnings": [_issue_json(w) for w in warnings]}
            if [_issue(w, set(raws)) for w in json.loads(_dumps(body))["warnings"]] != warnings:
                return
        except (TypeError, ValueError):
            return
        self._write(VERDICT, header, body)

    # ---- entries on disk --------------------------------------------------------------------

    def _read(self, prefix: str, header: dict[str, Any]) -> dict[str, Any] | None:
        """The entry for `header`, checked (header and digest); a damaged one is removed."""
        if self._folder is None:
            return None
        try:
            with (self._folder / _filename(prefix, header)).open("rb") as f:
                data = f.read(MAX_ENTRY_BYTES + 1)
        except OSError:
            return None
        try:
            entry = json.loads(data.decode("utf-8")) if len(data) <= MAX_ENTRY_BYTES else None
            if (
                isinstance(entry, dict)
                and isinstance(digest := entry.pop("digest", None), str)
                and all(entry.get(k) == v for k, v in header.items())
                and digest == _digest(entry)
            ):
                return entry
        except (ValueError, RecursionError):
            pass
        self._drop(prefix, header)  # damaged or altered: parsed again, written again
        return None

    def _drop(self, prefix: str, header: dict[str, Any]) -> None:
        if self._folder is not None:
            with contextlib.suppress(OSError):
                (self._folder / _filename(prefix, header)).unlink()

    def _write(self, prefix: str, header: dict[str, Any], body: dict[str, Any]) -> None:
        assert self._folder is not None
        text = _dumps({**body, "digest": _digest(body)})
        with contextlib.suppress(OSError):
            self._folder.mkdir(parents=True, exist_ok=True)
            gitignore = self._folder.parent / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=self._folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(text)
                os.replace(tmp, self._folder / _filename(prefix, header))
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
            self._prune()

    def _prune(self) -> None:
        assert self._folder is not None
        entries = sorted(self._folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[MAX_ENTRIES:]:
            with contextlib.suppress(OSError):
                old.unlink()


# the modules that make a model, its warnings and the cross-file checks
_CODE = ("loader.py", "models.py", "semantic.py", "vocab.py", "cache.py", "../calendar.py", "../deadlines.py")


@functools.cache
def _code() -> str:
    """SHA-256 of the source of _CODE (read, not imported: no pydantic), so that a development
    checkout whose version number did not move never reads what another state of the code
    wrote."""
    h = hashlib.sha256()
    for name in _CODE:
        try:
            h.update((Path(__file__).parent / name).read_bytes())
        except OSError:
            h.update(b"?")
    return h.hexdigest()


def _common() -> dict[str, Any]:
    from hoso.config import loader

    return {
        "hoso": __version__,
        "schema": CACHE_SCHEMA,
        "code": _code(),
        # bounds a file was parsed within: other bounds, another verdict
        "bounds": [loader.MAX_CONFIG_BYTES, loader.MAX_YAML_DEPTH, loader.MAX_YAML_EVENTS],
    }


def _identity(raw: bytes) -> dict[str, str]:
    from hoso.git.objects import blob_id

    return {"blob": blob_id(raw), "sha256": hashlib.sha256(raw).hexdigest()}


def _file_header(name: str, raw: bytes) -> dict[str, Any]:
    return {**_common(), "file": name, **_identity(raw)}


def _verdict_header(raws: dict[str, bytes]) -> dict[str, Any]:
    return {**_common(), "files": {name: _identity(raw) for name, raw in sorted(raws.items())}}


def _filename(prefix: str, header: dict[str, Any]) -> str:
    key = hashlib.sha256(json.dumps(header, sort_keys=True).encode()).hexdigest()
    return f"{prefix}-{key[:40]}.json"


def _dumps(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":"))


def _digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(_dumps(body).encode("utf-8")).hexdigest()


def _decode_file(body: dict[str, Any], header: dict[str, Any], model: type[BaseModel]) -> Remembered | None:
    from pydantic import ValidationError

    try:
        if set(body) != {*header, "model", "warnings"}:
            return None
        warnings = [_issue(w, {header["file"]}) for w in body["warnings"]]
        return model.model_validate(body["model"]), warnings
    except (TypeError, KeyError, ValidationError):
        return None


def _issue_json(issue: ConfigIssue) -> dict[str, Any]:
    return {
        "file": issue.file,
        "line": issue.line,
        "key": issue.key,
        "params": issue.params,
        "severity": issue.severity,
        "column": issue.column,
    }


def _issue(data: Any, files: set[str]) -> ConfigIssue:
    """A remembered warning, refused (TypeError) unless it has exactly the shape put wrote."""
    from hoso.config.loader import ConfigIssue

    ok = (
        isinstance(data, dict)
        and set(data) == _ISSUE_FIELDS
        and data["file"] in files
        and data["severity"] == "warning"
        and isinstance(data["key"], str)
        and data["key"].startswith("config.")
        and all(type(data[k]) is int and data[k] >= 0 for k in ("line", "column"))
        and isinstance(data["params"], dict)
        and all(isinstance(v, (str, int, float)) for v in data["params"].values())
    )
    if not ok:
        raise TypeError("not a remembered warning")
    return ConfigIssue(data["file"], data["line"], data["key"], data["params"], "warning", data["column"])
