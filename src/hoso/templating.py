"""Page templates shared by the school site and the portal: sandboxed Jinja with a time budget.

Pages are Markdown written by Jinja templates (`*.md.j2`): the built-in ones live in
`src/hoso/data/templates/` — `shared/` (macros both use), `site/` (a school's site) and
`portal/` (an authority's portal). A school (folder `site_templates/` of its repository) or an
authority (schools.yml `templates:`) replaces a built-in template by a file of the same name
(`overrides`): only names among the built-in ones, regular files, no symlink, at most
MAX_TEMPLATE_BYTES each.

Whoever writes an override is not trusted with the build machine. Templates render in Jinja's
immutable sandbox: no attribute starting with "_", no file, no import, no change to the data
given; the data given is prepared values (strings, numbers, small dataclasses), never the
repository or the configuration objects. Every value is HTML-escaped on output (`html.escape`,
as the rest of hoso writes HTML) unless a filter marked it as page source (`md`, `yaml`).

A template must not cost more than seconds (`Budget`): every call, attribute, subscript and loop
step counts, the clock is read every CHECK_EVERY of them, and rendering stops with a one-line
error naming the template once a page has taken more than PAGE_LIMIT_SECONDS plus ITEM_SECONDS
an item it shows (a record, a row), or all pages more than BASE_SECONDS plus PAGE_SECONDS a page
and ITEM_SECONDS an item. Values that would be huge (`'x' * 10**9`, a string doubled in a loop)
are refused as they are made.
"""

from __future__ import annotations

import functools
import hashlib
import html
import operator
import os
import posixpath
import re
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path
from types import FunctionType
from typing import Any, BinaryIO

from jinja2 import ChoiceLoader, DictLoader, FileSystemLoader, StrictUndefined, nodes
from jinja2 import TemplateError as JinjaError
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

from hoso.errors import ExitCode, HosoError
from hoso.messages import t

SUFFIX = ".md.j2"
SHARED = "shared"
MAX_TEMPLATE_BYTES = 256 * 1024  # the largest built-in template is a few KiB
# The budget (`Budget`): several times what the built-in templates take at 10,000 records on a
# busy machine, small enough that a runaway template stops within seconds on a page and within
# a small multiple of a legitimate rendering over a whole site.
BASE_SECONDS = 5.0
PAGE_SECONDS = 0.05
PAGE_LIMIT_SECONDS = 2.0
ITEM_SECONDS = 0.001
CHECK_EVERY = 128  # operations between two reads of the clock (a power of two)
MAX_VALUE = 64 * 1024 * 1024  # characters (or items) a value made by a template may hold
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_ITER_FILTER = "hoso_counted"
_SIZE_FILTER = "hoso_sized"


class TemplateError(HosoError):
    exit_code = ExitCode.CONFIG


class OverBudget(Exception):
    """Rendering took longer than its budget (raised inside the template, mapped by `Renderer`)."""


def builtin_folder(kind: str) -> Path:
    """The built-in templates of `kind` ("site", "portal" or "shared")."""
    return Path(str(resources.files("hoso") / "data" / "templates" / kind))


def builtin_names(kind: str) -> list[str]:
    """Template names a `kind`'s override folder may hold: its own and the shared ones."""
    return sorted(
        p.name for folder in (builtin_folder(kind), builtin_folder(SHARED)) for p in folder.glob("*" + SUFFIX)
    )


# ---- escaping and filters ------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def esc(text: object) -> str:
    """Escape for raw HTML."""
    return html.escape(str(text), quote=True)


def md(text: object) -> str:
    """Escape for Markdown inline text (headings, table cells, list items)."""
    plain = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(plain, quote=False))


def yaml_str(text: object) -> str:
    """A double-quoted YAML scalar of `text`, HTML-escaped: the theme writes a page's title into
    <title> and its header without escaping, so a name reaches the page only as text."""
    plain = html.escape(" ".join(str(text).split()), quote=True)
    return '"' + plain.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _finalize(value: Any) -> Any:
    # One escaping for every page of hoso: html.escape's, as the Python parts write HTML. Jinja's
    # (markupsafe's) differs only in how it spells quotes: text holding one is escaped here.
    if type(value) is str and ('"' in value or "'" in value):
        return Markup(html.escape(value, quote=True))
    return value


def _md_filter(text: object) -> Markup:
    return Markup(md("" if text is None else text))


def _yaml_filter(text: object) -> Markup:
    return Markup(yaml_str(text))


def t_md(key: str, /, **params: Any) -> Markup:
    """Message `key` as page source: hoso's text kept as written (it may hold Markdown), every
    value given to it escaped unless a filter already made it page source."""
    return Markup(t(key, **{k: v if isinstance(v, Markup) else Markup(esc(v)) for k, v in params.items()}))


def _messages() -> tuple[Callable[..., str], Callable[..., Markup]]:
    """`t` and `t_md` for one renderer: a message without values is looked up once (a page of
    thousands of records asks for the same labels again and again)."""
    texts: dict[str, str] = {}
    sources: dict[str, Markup] = {}

    def text(key: str, /, **params: Any) -> str:
        if params:
            return t(key, **params)
        found = texts.get(key)
        if found is None:
            found = texts[key] = t(key)
        return found

    def source(key: str, /, **params: Any) -> Markup:
        if params:
            return t_md(key, **params)
        found = sources.get(key)
        if found is None:
            found = sources[key] = t_md(key)
        return found

    return text, source


# ---- the sandbox and its budget ------------------------------------------------------------------


class Budget:
    """Time a renderer's templates may spend: a page PAGE_LIMIT_SECONDS plus ITEM_SECONDS an
    item it shows; all pages together BASE_SECONDS plus, granted page by page, PAGE_SECONDS and
    ITEM_SECONDS an item. Only time inside templates counts."""

    def __init__(self) -> None:
        self.allowed = BASE_SECONDS
        self.spent = 0.0
        self.ops = 0
        self.limit = 0.0  # seconds the current page may take
        self.deadline = float("inf")
        self._started = 0.0

    def start(self, items: int) -> None:
        share = ITEM_SECONDS * max(items, 0)
        self.allowed += PAGE_SECONDS + share
        self.limit = min(PAGE_LIMIT_SECONDS + share, self.allowed - self.spent)
        self._started = time.monotonic()
        self.deadline = self._started + self.limit

    def stop(self) -> None:
        self.spent += time.monotonic() - self._started
        self.deadline = float("inf")

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise OverBudget()


class _Guard(NodeTransformer):
    """Counts every loop step and bounds what `~` builds (neither goes through a call); refuses
    `{% autoescape false %}`, which would let a value write markup."""

    def visit_EvalContextModifier(self, node: nodes.EvalContextModifier) -> nodes.Node:
        raise TemplateSyntaxError("autoescape cannot be changed", node.lineno)

    visit_ScopedEvalContextModifier = visit_EvalContextModifier

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, _ITER_FILTER, [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Filter(node, _SIZE_FILTER, [], [], None, None, lineno=node.lineno)


class _Counted:
    """A loop's items, each counted against the budget."""

    __slots__ = ("_budget", "_items")

    def __init__(self, items: Any, budget: Budget) -> None:
        self._items = items
        self._budget = budget

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Any]:
        budget = self._budget
        for item in self._items:
            budget.ops += 1
            if not budget.ops % CHECK_EVERY:
                budget.check()
            yield item


def _sized(value: Any) -> Any:
    if isinstance(value, str | list | tuple | dict) and len(value) > MAX_VALUE:
        raise SecurityError(f"a value of more than {MAX_VALUE} characters")
    return value


def _repeat(left: Any, right: Any) -> Any:
    for seq, n in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and isinstance(n, int) and len(seq) * n > MAX_VALUE:
            raise SecurityError(f"a value of more than {MAX_VALUE} characters")
    return left * right


def _modulo(left: Any, right: Any) -> Any:
    if isinstance(left, str):  # "%0999999999d" % 1 would be a gigabyte; `~` and t() suffice
        raise SecurityError("formatting a string with % is not available")
    return left % right


def _power(left: Any, right: Any) -> Any:
    if isinstance(right, int) and isinstance(left, int) and abs(left) > 1 and right > 256:
        raise SecurityError("a number too large")
    return left**right


_LOOP = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0"}
    | {"previtem", "nextitem"}
)
_PLAIN: dict[type, frozenset[str]] = {LoopContext: _LOOP}


def _plain(cls: type) -> frozenset[str]:
    """The attributes of `cls` that are plain data: a dataclass's public fields."""
    found = _PLAIN.get(cls)
    if found is None:
        fields = getattr(cls, "__dataclass_fields__", {})
        found = _PLAIN[cls] = frozenset(name for name in fields if not name.startswith("_"))
    return found


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with every call, attribute, subscript and loop step counted
    against `budget` and the operators that can build a huge value bounded.

    Two shortcuts keep a page of thousands of records cheap, with the sandbox's answer: a
    dataclass's public field (data the sandbox would hand out anyway) is read directly, and a
    macro or one of hoso's own functions (`direct`) is called without Jinja's inspection of it."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, budget: Budget, **options: Any) -> None:
        super().__init__(**options)
        self.budget = budget
        self.direct: set[Callable[..., Any]] = set()
        self.binop_table = {**self.binop_table, "*": _repeat, "**": _power, "+": self._add, "%": _modulo}
        # `safe` would let a value write markup; the others make a value of any size from a
        # number; no page needs them
        for name in ("safe", "center", "indent", "wordwrap", "format"):
            self.filters.pop(name, None)

        def counted(items: Any) -> _Counted:
            return _Counted(items, budget)

        self.filters[_ITER_FILTER] = counted
        self.filters[_SIZE_FILTER] = _sized

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        guarded = _Guard().visit(tree)
        assert isinstance(guarded, nodes.Template)
        return guarded

    @staticmethod
    def _add(left: Any, right: Any) -> Any:
        return _sized(operator.add(left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        budget = __self.budget
        budget.ops += 1
        if not budget.ops % CHECK_EVERY:
            budget.check()
        kind = type(__obj)
        if kind is Macro or (kind is FunctionType and __obj in __self.direct):
            # as Context.call does for them: a macro takes the eval context, hoso's functions
            # nothing; neither uses the variables of the loop or block it is called from
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            if kind is Macro:
                return _sized(__obj(__context.eval_ctx, *args, **kwargs))
            return __obj(*args, **kwargs)
        return _sized(super().call(__context, __obj, *args, **kwargs))

    def getattr(self, obj: Any, attribute: str) -> Any:
        budget = self.budget
        budget.ops += 1
        if not budget.ops % CHECK_EVERY:
            budget.check()
        if attribute in _plain(type(obj)):
            return getattr(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        budget = self.budget
        budget.ops += 1
        if not budget.ops % CHECK_EVERY:
            budget.check()
        return super().getitem(obj, argument)


# ---- overrides -----------------------------------------------------------------------------------


def _key(kind: str, name: str) -> str:
    """The message key of an error of `kind`'s templates: site.template-…, portal.template-…"""
    return f"{kind}.template-{name}"


def overrides(folder: Path | None, kind: str, shown: str) -> dict[str, str]:
    """The templates of `folder` that replace built-in ones, by name. Refused with a one-line
    reason: a symlink anywhere, anything but a regular file, a name no built-in template has,
    a file over MAX_TEMPLATE_BYTES, text that is not UTF-8. Dot files (.gitkeep) are ignored.
    `shown` is how errors name the folder."""
    if folder is None:
        return {}
    if folder.is_symlink():
        raise TemplateError(_key(kind, "symlink"), path=shown)
    if not folder.exists():
        return {}
    if not folder.is_dir():
        raise TemplateError(_key(kind, "special"), path=shown)
    allowed = builtin_names(kind)
    found: dict[str, str] = {}
    with os.scandir(folder) as entries:
        for item in sorted(entries, key=lambda e: e.name):
            path = f"{shown}/{item.name}"
            if item.is_symlink():
                raise TemplateError(_key(kind, "symlink"), path=path)
            if item.name.startswith("."):
                continue
            if item.name not in allowed:
                raise TemplateError(_key(kind, "unknown"), path=path, names=", ".join(allowed))
            if not item.is_file(follow_symlinks=False):
                raise TemplateError(_key(kind, "special"), path=path)
            found[item.name] = _read(Path(item.path), path, kind)
    return found


def _read(file: Path, shown: str, kind: str) -> str:
    try:
        # no following a link, no waiting on a FIFO put there since the scan
        fd = os.open(file, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:  # replaced by a symlink since the scan
        raise TemplateError(_key(kind, "symlink"), path=shown) from exc
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise TemplateError(_key(kind, "special"), path=shown)
        data = fh.read(MAX_TEMPLATE_BYTES + 1)
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateError(_key(kind, "too-large"), path=shown, limit=MAX_TEMPLATE_BYTES // 1024)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateError(_key(kind, "encoding"), path=shown) from exc


# ---- rendering -----------------------------------------------------------------------------------

# A block of HTML kept out of Markdown: `{% call raw_html() %}<table>…</table>{% endcall %}` writes this
# comment in the page's Markdown and the block to a file; `fill_raw` puts it back into the HTML
# MkDocs wrote. Python-Markdown parses raw HTML with html.parser, token by token: a province's
# million table rows cost minutes there and stay in MkDocs' memory until the last page is
# written. Values in the block are escaped by the templates' autoescaping, so no value can write
# this comment.
RAW_MARK = "<!--hoso-raw:{}-->"
_RAW = re.compile(r"<!--hoso-raw:([0-9]+)-->")


class Renderer:
    """The templates of one kind ("site" or "portal"), the built-in ones replaced by `replaced`
    (from `overrides`); `shown` names the override folder in errors, `code` lists the files of
    the code that fills the templates (part of `digest`)."""

    def __init__(
        self,
        kind: str,
        replaced: dict[str, str],
        shown: str,
        *,
        globals: dict[str, Any] | None = None,
        filters: dict[str, Callable[..., Any]] | None = None,
        code: Iterable[Path] = (),
    ) -> None:
        self.kind, self.shown, self.replaced = kind, shown, dict(replaced)
        self.budget = Budget()
        self.env = Sandbox(
            self.budget,
            loader=ChoiceLoader(
                [
                    DictLoader(self.replaced),
                    FileSystemLoader([str(builtin_folder(kind)), str(builtin_folder(SHARED))]),
                ]
            ),
            autoescape=True,
            finalize=_finalize,
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update({"md": _md_filter, "yaml": _yaml_filter, **(filters or {})})
        text, source = _messages()
        self.env.globals.update({"t": text, "t_md": source, **(globals or {})})
        self.env.direct.update((text, source))
        self.digest = digest(kind, self.replaced, code)
        self._raw: BinaryIO | None = None  # where raw blocks go (`keep_raw`); None: in the Markdown
        self._raw_at: list[tuple[int, int]] = []  # (offset, length) of each block in that file
        self.raw_pages: set[str] = set()  # pages (docs-relative .md) holding raw blocks
        # compiled now, once: a syntax error stops the build before any page, and compiling
        # (a good part of a second on a busy machine) is not counted against a page's budget
        for file in builtin_names(kind):
            try:
                self.env.get_template(file)
            except JinjaError as exc:
                error = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
                raise TemplateError(_key(kind, "failed"), name=self._where(file), error=error) from exc

    def keep_raw(self, file: BinaryIO | None) -> None:
        """Write raw blocks to `file` (one file: a province's blocks are thousands) from now on;
        None closes the last one and leaves blocks in the Markdown again."""
        if self._raw is not None:
            self._raw.close()
        self._raw, self._raw_at = file, []
        self.raw_pages = set()

    def render(self, name: str, src: str, /, *, items: int | None = None, **context: Any) -> str:
        """Page `src` (docs-relative) from template `name`; `items`: the records or rows it
        shows, for its share of the budget (default: what the lists it is given hold)."""
        base = posixpath.dirname(src) or "."

        def href(dst: str) -> str:
            """`dst` (docs-relative, maybe with #fragment) relative to this page."""
            if "://" in dst:
                return dst
            target, sep, frag = dst.partition("#")
            folder, _, file = target.rpartition("/")
            if not file:
                return posixpath.relpath(target, base) + sep + frag
            return _relative_folder(folder or ".", base) + file + sep + frag

        def raw(caller: Any) -> Any:
            block = str(caller())
            if self._raw is None:
                return Markup(block)
            data = block.encode("utf-8")
            self._raw_at.append((self._raw.tell(), len(data)))
            self._raw.write(data)
            self.raw_pages.add(src)
            return Markup("\n\n" + RAW_MARK.format(len(self._raw_at) - 1) + "\n\n")

        file = name + SUFFIX
        self.budget.start(_count(context) if items is None else items)
        self.env.direct.add(href)
        try:
            template = self.env.get_template(file)
            return template.render(href=href, raw_html=raw, src=src, **context)
        except OverBudget as exc:
            raise TemplateError(
                _key(self.kind, "budget"), name=self._where(file), seconds=f"{self.budget.limit:.1f}"
            ) from exc
        except HosoError:
            raise
        except (JinjaError, Exception) as exc:
            # a template's own mistake (an unknown name, a refused attribute, a bad operand…)
            error = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
            raise TemplateError(_key(self.kind, "failed"), name=self._where(file), error=error) from exc
        finally:
            self.budget.stop()
            self.env.direct.discard(href)

    def _where(self, file: str) -> str:
        """The template as its author knows it: the override's path, or the built-in name."""
        return f"{self.shown}/{file}" if file in self.replaced else file

    def fill_raw(self, out: Path) -> None:
        """Put the raw blocks back into the HTML pages MkDocs wrote in `out`."""
        blocks = self._raw
        assert blocks is not None

        def block(n: str) -> str:
            offset, length = self._raw_at[int(n)]
            blocks.seek(offset)
            return blocks.read(length).decode("utf-8")

        for src in sorted(self.raw_pages):
            page = out / (src.removesuffix(".md") + ".html")
            parts = _RAW.split(page.read_text(encoding="utf-8"))  # text, number, text, …
            for i in range(1, len(parts), 2):
                parts[i] = block(parts[i])
            page.write_text("".join(parts), encoding="utf-8")


def _count(context: dict[str, Any]) -> int:
    """The items of every list a page is given, however deep: what its loops can go over."""
    found = 0
    pending: list[Any] = list(context.values())
    while pending:
        value = pending.pop()
        if isinstance(value, str | int | float | bool) or value is None:
            continue
        if isinstance(value, list | tuple):
            found += len(value)
            pending.extend(value)
        elif isinstance(value, dict):
            found += len(value)
            pending.extend(value.values())
        elif hasattr(value, "__dataclass_fields__"):
            pending.extend(getattr(value, name) for name in value.__dataclass_fields__)
    return found


@functools.lru_cache(maxsize=4096)
def _relative_folder(folder: str, base: str) -> str:
    """`folder` relative to `base`, ending with "/" (or "" for the same folder): the links of a
    page of a million rows share a few folders, and posixpath.relpath is slow."""
    rel = posixpath.relpath(folder, base)
    return "" if rel == "." else rel + "/"


def digest(kind: str, replaced: dict[str, str], code: Iterable[Path] = ()) -> str:
    """What the templates are: a page built with other templates is built again."""
    h = hashlib.sha256()
    for path in (Path(__file__), *code):  # the code that fills the templates is part of them
        h.update(path.read_bytes())
    for folder in (builtin_folder(kind), builtin_folder(SHARED)):
        for path in sorted(folder.glob("*" + SUFFIX)):
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in sorted(replaced):
        h.update(b"override\0" + name.encode() + b"\0" + replaced[name].encode())
    return h.hexdigest()
