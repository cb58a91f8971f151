"""Rendering one kind's templates ("site" or "portal"): the `Renderer`, its filters, `href` and
the raw HTML blocks.

Every value is HTML-escaped on output (`html.escape`, as the rest of hoso writes HTML) unless a
filter marked it as page source (`md`, `yaml`). Templates run in `sandbox.Sandbox`, within its
`Budget`; a failure of any kind is one `TemplateError` naming the template.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO

from jinja2 import ChoiceLoader, DictLoader, FileSystemLoader, StrictUndefined
from jinja2 import TemplateError as JinjaError
from markupsafe import Markup

from hoso.errors import HosoError
from hoso.messages import t
from hoso.templating import SHARED, SUFFIX, TemplateError, builtin_folder, builtin_names, error_key
from hoso.templating.overrides import digest
from hoso.templating.sandbox import Budget, OverBudget, Sandbox

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
        self.env.guard_filters()
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
            except (JinjaError, RecursionError, MemoryError) as exc:  # TooDeep is a JinjaError
                error = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
                raise TemplateError(error_key(kind, "failed"), name=self._where(file), error=error) from exc

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
                error_key(self.kind, "budget"), name=self._where(file), seconds=f"{self.budget.limit:.1f}"
            ) from exc
        except HosoError:
            raise
        except (JinjaError, Exception) as exc:
            # a template's own mistake (an unknown name, a refused attribute, a bad operand…)
            error = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
            raise TemplateError(error_key(self.kind, "failed"), name=self._where(file), error=error) from exc
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
