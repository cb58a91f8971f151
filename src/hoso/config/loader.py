"""Load the configuration files with line numbers and turn every problem into a ConfigIssue.

Configuration is data that anyone with push access controls, so reading it is bounded: a size
cap before parsing, and a parser that refuses anchors and aliases, tags, deep nesting and too
many events as each event is scanned, before the composer or the constructor can spend time or
recursion on them. `read_yaml` is the single entry point for hoso's YAML, the school's
mkdocs.yml included (hoso.site.presentation reads it as data; MkDocs never parses it).

Parsing with line numbers (ruamel.yaml's round-trip parser, in Python) is the slow part, so a
file that validated is remembered by its content (`hoso.config.cache`) and read back from there
while its bytes stay the same; ruamel.yaml is imported only when a file must be parsed, and a
remembered file is parsed again only if a cross-file check needs its line numbers.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from hoso.errors import ConfigError

if TYPE_CHECKING:
    from pydantic import BaseModel
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError

    from hoso.config.models import Catalog, Locks, People
    from hoso.git.objects import Snapshot

CATALOG_FILE = "catalog.yml"
PEOPLE_FILE = "people.yml"
LOCKS_FILE = "locks.yml"
CONFIG_FILES = (CATALOG_FILE, PEOPLE_FILE, LOCKS_FILE)

# A school's largest configuration file (people.yml) is a few dozen KB. Checked before the bytes
# are decoded or parsed; MAX_YAML_EVENTS below bounds the parse itself.
MAX_CONFIG_BYTES = 2 * 1024 * 1024
# The templates nest 5 levels deep; the composer and constructor recurse once per level.
MAX_YAML_DEPTH = 64
# Parsing costs ~50 µs per YAML event (scalar, collection start or end), and 2 MiB can hold
# 700,000 of them (`[x, x, …]`: 40 s). The demo's people.yml is ~40 events a person, so this
# is room for ~2,500 people and bounds a file's parse to a few seconds.
MAX_YAML_EVENTS = 100_000
# No explicit tag at all: `!!python/...`, `!!set`, `!ENV`, `!foo` would make a configuration file
# more than data, and even `!!str 2024` reaches the schema as a TaggedScalar, not as text.
_STANDARD_TAG_PREFIX = "tag:yaml.org,2002:"
# What to write into an empty file: its top-level keys, as in the templates of `hoso init`.
_EMPTY_FILE_KEYS = {
    CATALOG_FILE: "'version: 1', 'school:', 'record_types:'",
    PEOPLE_FILE: "'version: 1', 'groups:', 'people:'",
    LOCKS_FILE: "'version: 1', 'locks: []'",
}

M = TypeVar("M", bound="BaseModel")


@dataclass(frozen=True)
class ConfigIssue:
    file: str
    line: int  # 1-based; 0 when the whole file is concerned
    key: str  # message key (config.*), rendered with params
    params: dict[str, Any] = field(default_factory=dict)
    severity: Literal["error", "warning"] = "error"
    column: int = 0  # 1-based where known (YAML syntax errors), else 0

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
            "column": self.column,
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
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

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
                if isinstance(node, (CommentedMap, CommentedSeq)) and line == 0 and node.lc.line is not None:
                    line = node.lc.line + 1
                break
        return line


class _Refused(Exception):
    """A bound the YAML broke, found while scanning: becomes a ConfigIssue of the file."""

    def __init__(self, line: int, key: str, **params: Any) -> None:
        super().__init__(key)
        self.line = line
        self.key = key
        self.params = params


@functools.cache
def _yaml_classes() -> tuple[type[Any], type[Any]]:
    """The round-trip constructor and the bounded parser, built (and ruamel.yaml imported) once,
    when a file is first parsed."""
    from ruamel.yaml.constructor import RoundTripConstructor
    from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent
    from ruamel.yaml.parser import RoundTripParser

    class _Constructor(RoundTripConstructor):
        """Keeps dates as text: pydantic parses them, so a bad date is a line-numbered error."""

    _Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)

    class _BoundedParser(RoundTripParser):
        """The round-trip parser, checking every event once, as it is produced and before anything
        consumes it: no anchor or alias (an alias bomb is refused before a single expansion), no
        explicit tag, at most MAX_YAML_DEPTH nested collections and MAX_YAML_EVENTS events in all.
        Iterative: counters, no recursion.
        """

        def reset_parser(self) -> None:
            super().reset_parser()
            self._depth = 0
            self._events = 0

        def _next_checked(self) -> None:
            if self.current_event is None and self.state:
                event = self.state()
                self._check(event)
                self.current_event = event

        def _check(self, event: Any) -> None:
            line = event.start_mark.line + 1 if event.start_mark is not None else 0
            self._events += 1
            if self._events > MAX_YAML_EVENTS:
                raise _Refused(line, "config.yaml-too-many", limit=MAX_YAML_EVENTS)
            if isinstance(event, AliasEvent):
                raise _Refused(line, "config.yaml-alias", name=f"*{event.anchor}")
            if isinstance(event, NodeEvent) and event.anchor is not None:
                raise _Refused(line, "config.yaml-alias", name=f"&{event.anchor}")
            tag = getattr(event, "tag", None)
            if tag is not None:
                text = str(getattr(tag, "value", tag))  # a str, or a Tag object in some versions
                shown = (
                    "!!" + text.removeprefix(_STANDARD_TAG_PREFIX)
                    if text.startswith(_STANDARD_TAG_PREFIX)
                    else text
                )
                raise _Refused(line, "config.yaml-tag", tag=shown)
            if isinstance(event, CollectionStartEvent):
                self._depth += 1
                if self._depth > MAX_YAML_DEPTH:
                    raise _Refused(line, "config.yaml-too-deep", limit=MAX_YAML_DEPTH)
            elif isinstance(event, CollectionEndEvent):
                self._depth -= 1

        def check_event(self, *choices: Any) -> bool:
            self._next_checked()
            return bool(super().check_event(*choices))

        def peek_event(self) -> Any:
            self._next_checked()
            return super().peek_event()

        def get_event(self) -> Any:
            self._next_checked()
            return super().get_event()

    return _Constructor, _BoundedParser


def _bounded_yaml() -> YAML:
    from ruamel.yaml import YAML

    constructor, parser = _yaml_classes()
    yaml = YAML(typ="rt")
    yaml.Constructor = constructor
    yaml.Parser = parser
    return yaml


def _decode(raw: bytes, name: str) -> str:
    """Size cap, then UTF-8: the checks that come before any parsing."""
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(
            [ConfigIssue(name, 0, "config.too-large", {"size": len(raw), "limit": MAX_CONFIG_BYTES})]
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # the line of the first byte that is not UTF-8, so the user knows where to look
        line = exc.object[: exc.start].count(b"\n") + 1
        raise ConfigError([ConfigIssue(name, line, "config.not-utf8")]) from exc


def _yaml_issue(exc: Exception, name: str) -> ConfigIssue:
    from ruamel.yaml.error import MarkedYAMLError

    if isinstance(exc, _Refused):
        return ConfigIssue(name, exc.line, exc.key, exc.params)
    if isinstance(exc, MarkedYAMLError):
        return _syntax_issue(exc, name)
    # not a parser complaint with a position (a ValueError from a constructor, say): the
    # library's English text is no use to a school's admin, so only the usual causes are named
    return ConfigIssue(name, 0, "config.yaml-syntax", {"detail": _syntax_problem("other")})


# The YAML mistakes people make by hand, recognised from the parser's (English) complaint: each
# becomes a description of the mistake in the user's language, the parser's text is dropped.
_YAML_MISTAKES: tuple[tuple[str, str], ...] = (
    ("\\t", "tab"),  # "found character '\t' that cannot start any token"
    ("mapping values are not allowed", "colon"),
    ("could not find expected ':'", "missing-colon"),
    ("expected <block end>", "indent"),
    ("unknown escape character", "escape"),
    ("duplicate key", "duplicate"),
)


def _syntax_kind(exc: MarkedYAMLError) -> str:
    problem = str(exc.problem or "")
    context = str(exc.context or "")
    for needle, kind in _YAML_MISTAKES:
        if needle in problem:
            return kind
    if "quoted scalar" in context:
        return "quote"
    if "flow sequence" in context or "flow mapping" in context:
        return "bracket"
    return "other"


def _syntax_problem(kind: str, **params: Any) -> str:
    from hoso.messages import t

    return t("config.yaml." + kind, **params)


def _syntax_issue(exc: MarkedYAMLError, name: str) -> ConfigIssue:
    """`file:line` of the mistake, its column, and what it is in words (no parser English)."""
    kind = _syntax_kind(exc)
    # a missing ':' or an unclosed quote is reported where the parser gave up (the next line or
    # the end of the file); the key or the quote that started it is where the mistake is
    starts_earlier = kind in ("missing-colon", "quote") and exc.context_mark is not None
    mark = exc.context_mark if starts_earlier else (exc.problem_mark or exc.context_mark)
    line = mark.line + 1 if mark is not None else 0
    column = mark.column + 1 if mark is not None else 0
    params: dict[str, Any] = {}
    if kind == "duplicate":
        found = re.search(r'duplicate key "([^"]*)"', str(exc.problem or ""))
        params["key"] = found.group(1) if found else "?"
    problem = _syntax_problem(kind, **params)
    if column:
        from hoso.messages import t

        problem = t("config.yaml-column", column=column, problem=problem)
    return ConfigIssue(name, line, "config.yaml-syntax", {"detail": problem}, column=column)


def read_capped(path: Path) -> bytes:
    """A file's bytes, reading at most one byte past MAX_CONFIG_BYTES (enough to refuse it)."""
    with path.open("rb") as f:
        return f.read(MAX_CONFIG_BYTES + 1)


def read_yaml(raw: bytes, name: str) -> YamlDoc:
    """Parse one configuration file within the bounds; every problem is a ConfigError."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    text = _decode(raw, name)
    try:
        data = _bounded_yaml().load(text)
    except (_Refused, YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise ConfigError([_yaml_issue(exc, name)]) from exc
    if data is None:
        if _has_content(text):
            raise ConfigError([ConfigIssue(name, 1, "config.not-mapping")])  # `~`, `null`
        # nothing but blank lines and comments: say so, rather than list every missing key
        raise ConfigError(
            [ConfigIssue(name, 0, "config.empty-file", {"file": name, "example": _example(name)})]
        )
    if not isinstance(data, CommentedMap):
        raise ConfigError([ConfigIssue(name, 1, "config.not-mapping")])
    return YamlDoc(name, data)


def read_yaml_file(path: Path, name: str | None = None) -> YamlDoc:
    """`read_yaml` of a file on disk, read no further than the size cap."""
    return read_yaml(read_capped(path), name or path.name)


def _example(name: str) -> str:
    return _EMPTY_FILE_KEYS.get(name, "'version: 1'")


def _has_content(text: str) -> bool:
    """Anything but blank lines, comments and document markers (an explicit null, say)."""
    for line in text.splitlines():
        stripped = line.strip().lstrip("\ufeff")
        if stripped and not stripped.startswith("#") and stripped not in ("---", "..."):
            return True
    return False


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
    r"^[0-9]{1,2}/[0-9]{1,2}$": "config.hint-day-month",
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
    from pydantic import BaseModel

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
    from pydantic import ValidationError

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


@dataclass
class _LazyDoc(YamlDoc):
    """A remembered file's document: parsed only if a cross-file check needs a line number."""

    raw: bytes = b""

    def line_of(self, loc: Sequence[str | int]) -> int:
        if self.data is None:
            try:
                self.data = read_yaml(self.raw, self.name).data
            except ConfigError:  # it parsed when it was remembered; a line is then unknowable
                self.data = {}
        return super().line_of(loc)


def load_config(root: Path, snapshot: Snapshot | None = None, *, cache: bool = True) -> Config:
    """Load and validate all three files; raise ConfigError listing every problem found.

    `snapshot` defaults to the work tree; a server hook passes the commit being pushed.
    With `cache`, a file whose exact bytes validated before comes from `hoso.config.cache`
    (the same model, the same warnings); anything else is parsed and validated here, and an
    error is always found and reported from the file itself, with its line.
    """
    from hoso.config.cache import ConfigCache
    from hoso.config.models import Catalog, Locks, People
    from hoso.config.semantic import check_semantics
    from hoso.git.objects import WorktreeSnapshot

    snap = snapshot if snapshot is not None else WorktreeSnapshot(root)
    store = ConfigCache(root if cache else None)
    models_of: dict[str, type[BaseModel]] = {CATALOG_FILE: Catalog, PEOPLE_FILE: People, LOCKS_FILE: Locks}
    issues: list[ConfigIssue] = []
    docs: dict[str, YamlDoc] = {}
    remembered: dict[str, tuple[BaseModel, list[ConfigIssue]]] = {}
    raws: dict[str, bytes] = {}
    for name in CONFIG_FILES:
        raw = snap.read(name)
        if raw is None:
            if name == LOCKS_FILE:
                docs[name] = YamlDoc(name, {})
                continue
            issues.append(ConfigIssue(name, 0, "config.missing-file"))
            continue
        raws[name] = raw
        hit = store.get(name, raw, models_of[name])
        if hit is not None:
            remembered[name] = hit
            docs[name] = _LazyDoc(name, None, raw)
            continue
        try:
            docs[name] = read_yaml(raw, name)
        except ConfigError as exc:
            issues.extend(exc.issues)
    if issues:
        raise ConfigError(issues)
    models: dict[str, BaseModel | None] = {}
    found: list[ConfigIssue] = []
    for name in CONFIG_FILES:
        if name in remembered:
            models[name], file_issues = remembered[name]
        else:
            models[name], file_issues = validate_model(docs[name], models_of[name])
            model = models[name]
            if model is not None and name in raws:
                store.put(name, raws[name], model, file_issues)
        found += file_issues
    catalog, people, locks = models[CATALOG_FILE], models[PEOPLE_FILE], models[LOCKS_FILE]
    if catalog is None or people is None or locks is None:
        raise ConfigError(
            [i for i in found if i.severity == "error"] + [i for i in found if i.severity == "warning"]
        )
    assert isinstance(catalog, Catalog) and isinstance(people, People) and isinstance(locks, Locks)
    found += check_semantics(catalog, people, locks, docs)
    errors = [i for i in found if i.severity == "error"]
    if errors:
        raise ConfigError(errors + [i for i in found if i.severity == "warning"])
    warnings = [i for i in found if i.severity == "warning"]
    store.put_verdict(raws, warnings)
    return Config(root, catalog, people, locks, warnings, snap)


def validate_config(root: Path, *, cache: bool = True) -> list[ConfigIssue]:
    """The work tree's configuration validated as `load_config` does (raising ConfigError the
    same way), for a caller that needs no model: the warnings. When these exact three files
    validated before, the answer is read back from `hoso.config.cache` without importing
    pydantic or ruamel.yaml (`hoso check --staged` with only configuration staged).
    """
    from hoso.config.cache import ConfigCache
    from hoso.git.objects import WorktreeSnapshot

    snap = WorktreeSnapshot(root)
    raws = {name: raw for name in CONFIG_FILES if (raw := snap.read(name)) is not None}
    if CATALOG_FILE in raws and PEOPLE_FILE in raws:
        known = ConfigCache(root if cache else None).verdict(raws)
        if known is not None:
            return known
    return load_config(root, snap, cache=cache).warnings
