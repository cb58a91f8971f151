"""Load the configuration files with line numbers and turn every problem into a ConfigIssue."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from hoso.config.models import Catalog, Locks, People

if TYPE_CHECKING:
    from hoso.repo import Snapshot
from hoso.errors import ConfigError

CATALOG_FILE = "catalog.yml"
PEOPLE_FILE = "people.yml"
LOCKS_FILE = "locks.yml"
CONFIG_FILES = (CATALOG_FILE, PEOPLE_FILE, LOCKS_FILE)

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class ConfigIssue:
    file: str
    line: int  # 1-based; 0 when the whole file is concerned
    key: str  # message key (config.*), rendered with params
    params: dict[str, Any] = field(default_factory=dict)
    severity: Literal["error", "warning"] = "error"

    def render(self) -> str:
        from hoso.messages import t

        where = f"{self.file}:{self.line}" if self.line else self.file
        label = t("config.warning-label") if self.severity == "warning" else t("config.error-label")
        return f"{where}: {label}: {t(self.key, **self.params)}"

    def as_json(self) -> dict[str, Any]:
        from hoso.messages import t

        return {
            "file": self.file,
            "line": self.line,
            "severity": self.severity,
            "id": self.key,
            "message": t(self.key, **self.params),
        }


@dataclass
class YamlDoc:
    name: str
    data: Any

    def line_of(self, loc: Sequence[str | int]) -> int:
        """Best line for a location path: the deepest node the path reaches."""
        node = self.data
        line = 0
        for part in loc:
            if isinstance(node, CommentedMap) and part in node:
                line = node.lc.key(part)[0] + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                line = node.lc.item(part)[0] + 1
                node = node[part]
            else:
                if isinstance(node, (CommentedMap, CommentedSeq)) and line == 0:
                    line = node.lc.line + 1
                break
        return line


class _Constructor(RoundTripConstructor):
    """Keeps dates as text: pydantic parses them, so a bad date is a line-numbered error."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def read_yaml(raw: bytes, name: str) -> YamlDoc:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # the line of the first byte that is not UTF-8, so the user knows where to look
        line = exc.object[: exc.start].count(b"\n") + 1
        raise ConfigError([ConfigIssue(name, line, "config.not-utf8")]) from exc
    try:
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = str(exc.problem or exc.context or "")
        raise ConfigError([ConfigIssue(name, line, "config.yaml-syntax", {"detail": problem})]) from exc
    except (YAMLError, ValueError, TypeError) as exc:
        raise ConfigError([ConfigIssue(name, 0, "config.yaml-syntax", {"detail": str(exc)})]) from exc
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        raise ConfigError([ConfigIssue(name, 1, "config.not-mapping")])
    return YamlDoc(name, data)


_PYDANTIC_KEYS = {
    "missing": "config.missing",
    "string_pattern_mismatch": "config.pattern",
    "literal_error": "config.choice",
    "enum": "config.choice",
    "int_parsing": "config.int",
    "int_type": "config.int",
    "int_from_float": "config.int",
    "float_parsing": "config.number",
    "float_type": "config.number",
    "bool_parsing": "config.bool",
    "bool_type": "config.bool",
    "date_parsing": "config.date",
    "date_type": "config.date",
    "date_from_datetime_parsing": "config.date",
    "date_from_datetime_inexact": "config.date",
    "string_type": "config.string",
    "string_too_short": "config.empty",
    "string_too_long": "config.too-long",
    "list_type": "config.list",
    "dict_type": "config.mapping",
    "model_type": "config.mapping",
    "model_attributes_type": "config.mapping",
    "too_short": "config.list-empty",
    "greater_than": "config.range",
    "less_than_equal": "config.range",
}

_PATTERN_HINTS = {
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$": "config.hint-slug",
    r"^\d{4}-\d{4}$": "config.hint-year",
}


def _issue_from_error(doc: YamlDoc, err: Any) -> ConfigIssue:
    loc: tuple[str | int, ...] = tuple(err["loc"])
    # pydantic appends union member names ("int", "str", "list[str]") to the location: drop them
    clean: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and ("[" in part or part in {"int", "str", "float", "bool"}):
            continue
        clean.append("from" if part == "from_" else ("class" if part == "class_" else part))
    dotted = ".".join(str(p) for p in clean) or "(gốc)"
    key = _PYDANTIC_KEYS.get(err["type"], "config.invalid-value")
    ctx = err.get("ctx") or {}
    params: dict[str, Any] = {"field": dotted, "value": _short(err.get("input"))}
    if key == "config.choice":
        params["choices"] = str(ctx.get("expected", "")).replace("'", "")
    if key == "config.pattern":
        hint = _PATTERN_HINTS.get(str(ctx.get("pattern", "")))
        if hint is None and "[0-9A-Fa-f]" in str(ctx.get("pattern", "")):
            hint = "config.hint-fingerprint"
        key = hint or key
    if key == "config.range":
        params["limit"] = ctx.get("gt", ctx.get("le", ""))
    line = doc.line_of(clean)
    if err["type"] == "missing":
        line = doc.line_of(clean[:-1])
    return ConfigIssue(doc.name, line, key, params)


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


def _extras(model: BaseModel, loc: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for name in model.model_extra or {}:
        yield loc, name
    for fname, finfo in type(model).model_fields.items():
        value = getattr(model, fname)
        key = finfo.alias or fname
        if isinstance(value, BaseModel):
            yield from _extras(value, (*loc, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _extras(item, (*loc, key, i))


def validate_model(doc: YamlDoc, model: type[M]) -> tuple[M | None, list[ConfigIssue]]:
    try:
        obj = model.model_validate(doc.data)
    except ValidationError as exc:
        issues = [_issue_from_error(doc, e) for e in exc.errors()]
        issues.sort(key=lambda i: i.line)
        return None, issues
    warnings = [
        ConfigIssue(
            doc.name,
            doc.line_of((*loc, name)),
            "config.unknown-key",
            {"key": name, "where": ".".join(str(p) for p in loc) or "(gốc)"},
            "warning",
        )
        for loc, name in _extras(obj, ())
    ]
    return obj, warnings


@dataclass
class Config:
    root: Path
    catalog: Catalog
    people: People
    locks: Locks
    warnings: list[ConfigIssue]
    snapshot: Snapshot  # where the files were read: the work tree, or a commit (server side)


def load_config(root: Path, snapshot: Snapshot | None = None) -> Config:
    """Load and validate all three files; raise ConfigError listing every problem found.

    `snapshot` defaults to the work tree; a server hook passes the commit being pushed.
    """
    from hoso.config.semantic import check_semantics
    from hoso.repo import WorktreeSnapshot

    snap = snapshot if snapshot is not None else WorktreeSnapshot(root)
    issues: list[ConfigIssue] = []
    docs: dict[str, YamlDoc] = {}
    for name in CONFIG_FILES:
        raw = snap.read(name)
        if raw is None:
            if name == LOCKS_FILE:
                docs[name] = YamlDoc(name, CommentedMap())
                continue
            issues.append(ConfigIssue(name, 0, "config.missing-file"))
            continue
        try:
            docs[name] = read_yaml(raw, name)
        except ConfigError as exc:
            issues.extend(exc.issues)
    if issues:
        raise ConfigError(issues)
    catalog, i1 = validate_model(docs[CATALOG_FILE], Catalog)
    people, i2 = validate_model(docs[PEOPLE_FILE], People)
    locks, i3 = validate_model(docs[LOCKS_FILE], Locks)
    found = i1 + i2 + i3
    if catalog is None or people is None or locks is None:
        raise ConfigError(
            [i for i in found if i.severity == "error"] + [i for i in found if i.severity == "warning"]
        )
    found += check_semantics(catalog, people, locks, docs)
    errors = [i for i in found if i.severity == "error"]
    if errors:
        raise ConfigError(errors + [i for i in found if i.severity == "warning"])
    return Config(root, catalog, people, locks, [i for i in found if i.severity == "warning"], snap)
