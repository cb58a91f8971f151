"""The sandbox templates render in, and its budget.

Jinja's immutable sandbox: no attribute starting with "_", no file, no import, no change to the
data given; the data given is prepared values (strings, numbers, small dataclasses), never the
repository or the configuration objects.

A template must not cost more than seconds (`Budget`): every call, attribute, subscript and loop
step counts, the clock is read every CHECK_EVERY of them, and rendering stops with a one-line
error naming the template once a page has taken more than PAGE_LIMIT_SECONDS plus ITEM_SECONDS
an item it shows (a record, a row), or all pages more than BASE_SECONDS plus PAGE_SECONDS a page
and ITEM_SECONDS an item. Values that would be huge (`'x' * 10**9`, a string doubled in a loop)
are refused as they are made.
"""

from __future__ import annotations

import functools
import operator
import time
from collections.abc import Callable, Iterator
from types import FunctionType
from typing import Any

from jinja2 import nodes
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.filters import make_attrgetter
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

# The budget (`Budget`): several times what the built-in templates take at 10,000 records on a
# busy machine, small enough that a runaway template stops within seconds on a page and within
# a small multiple of a legitimate rendering over a whole site.
BASE_SECONDS = 5.0
PAGE_SECONDS = 0.05
PAGE_LIMIT_SECONDS = 2.0
ITEM_SECONDS = 0.001
CHECK_EVERY = 128  # operations between two reads of the clock (a power of two)
MAX_VALUE = 64 * 1024 * 1024  # characters (or items) a value made by a template may hold
_ITER_FILTER = "hoso_counted"
_SIZE_FILTER = "hoso_sized"


class OverBudget(Exception):
    """Rendering took longer than its budget (raised inside the template, mapped by `Renderer`)."""


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


class TooDeep(TemplateSyntaxError):
    """A template nested deeper than Jinja's parser or Python's compiler can recurse."""

    def __init__(self, name: str | None, filename: str | None) -> None:
        super().__init__("the template is nested too deeply", 1, name, filename)


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


class _Joined(_Counted):
    """The items a join is given, counted, and refused as soon as the joined text would pass
    MAX_VALUE: before the join builds it."""

    __slots__ = ("_sep",)

    def __init__(self, items: Any, budget: Budget, sep: int) -> None:
        super().__init__(items, budget)
        self._sep = sep

    def __iter__(self) -> Iterator[Any]:
        size = 0
        for item in super().__iter__():
            size += (len(item) if isinstance(item, str) else len(str(item))) + self._sep
            _refuse(size)
            yield item


def _refuse(size: int) -> None:
    if size > MAX_VALUE:
        raise SecurityError(f"a value of more than {MAX_VALUE} characters")


def _sized(value: Any) -> Any:
    if isinstance(value, str | list | tuple | dict):
        _refuse(len(value))
    return value


# Filters that iterate their input: it goes through `_Counted`, one operation an item.
_ITERATING = frozenset(
    {"map", "select", "reject", "selectattr", "rejectattr", "join", "sort", "unique", "list"}
    | {"sum", "groupby", "batch", "slice", "min", "max"}
)
# str methods that build a value of any size from a number or a small argument, and that no
# page needs ("{0:>999999999}".format would be built before any check)
_STR_REFUSED = frozenset({"format", "format_map", "translate", "expandtabs"})


def _str_method(text: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Refuse a str method call whose result would pass MAX_VALUE, estimated before building it;
    returns the arguments to call with (a join's items, made a list to be measured)."""
    if name in _STR_REFUSED:
        raise SecurityError(f"str.{name} is not available")
    if name in ("center", "ljust", "rjust", "zfill") and args and isinstance(args[0], int):
        _refuse(args[0])
    elif name == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        growth = len(new) - len(old)
        if growth > 0:
            found = text.count(old) if old else len(text) + 1
            if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
                found = min(found, args[2])
            _refuse(len(text) + found * growth)
    elif name == "join" and args:
        items = list(args[0])
        _refuse(sum(len(i) if isinstance(i, str) else 0 for i in items) + len(text) * len(items))
        return (items, *args[1:])
    return args


def _unavailable(name: str) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise SecurityError(f"{name} is not available")

    return refuse


def _filter_replace(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse `s | replace(old, new)` whose result would pass MAX_VALUE, before building it."""
    if len(args) < 3:
        return
    text, old, new = str(args[0]), str(args[1]), str(args[2])
    growth = len(new) - len(old)
    if growth > 0:
        count = args[3] if len(args) > 3 else kwargs.get("count")
        found = text.count(old) if old else len(text) + 1
        if isinstance(count, int) and count >= 0:
            found = min(found, count)
        _refuse(len(text) + found * growth)


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
        # one call each, of a cost or size the budget does not see; no page needs them. Kept as
        # names that refuse, so a template using one fails with the sandbox's SecurityError
        for name in ("lipsum", "cycler", "joiner"):
            self.globals[name] = _unavailable(name)

        def counted(items: Any) -> _Counted:
            return _Counted(items, budget)

        self.filters[_ITER_FILTER] = counted
        self.filters[_SIZE_FILTER] = _sized

    def guard_filters(self) -> None:
        """Make every filter (Jinja's and those added since) count against the budget, iterate
        its input item by item through it where it iterates, and refuse a result past MAX_VALUE;
        call once all filters are in, before any template is compiled (compiled code holds them)."""
        for name, f in list(self.filters.items()):
            if name not in (_ITER_FILTER, _SIZE_FILTER) and not getattr(f, "hoso_guarded", False):
                self.filters[name] = self._guarded(name, f)

    def _guarded(self, name: str, f: Callable[..., Any]) -> Callable[..., Any]:
        budget = self.budget
        at = 1 if getattr(f, "jinja_pass_arg", None) is not None else 0  # the value's position
        iterating = name in _ITERATING

        @functools.wraps(f)  # keeps jinja_pass_arg
        def guarded(*args: Any, **kwargs: Any) -> Any:
            budget.ops += 1
            if not budget.ops % CHECK_EVERY:
                budget.check()
            if name == "replace":
                _filter_replace(args[at:], kwargs)
            if iterating and len(args) > at:
                value = args[at]
                if name == "join":
                    rest = list(args[at + 1 :])
                    sep = rest[0] if rest else kwargs.get("d", "")
                    attribute = rest[1] if len(rest) > 1 else kwargs.pop("attribute", None)
                    if attribute is not None:  # measured as joined: the attribute, not the item
                        value = map(make_attrgetter(self, attribute), value)
                    value = _Joined(value, budget, len(str(sep)))
                    args = (*args[: at + 1], *rest[:1])
                else:
                    value = _Counted(value, budget)
                args = (*args[:at], value, *args[at + 1 :])
            return _sized(f(*args, **kwargs))

        guarded.hoso_guarded = True  # type: ignore[attr-defined]
        return guarded

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        try:
            tree = super()._parse(source, name, filename)
            guarded = _Guard().visit(tree)
        except (RecursionError, MemoryError):
            # `[[[[…]]]]` nested hundreds deep: Jinja's parser and the guard recurse per level
            raise TooDeep(name, filename) from None
        assert isinstance(guarded, nodes.Template)
        return guarded

    def compile(
        self, source: Any, name: str | None = None, filename: str | None = None, *a: Any, **kw: Any
    ) -> Any:
        try:
            return super().compile(source, name, filename, *a, **kw)
        except (RecursionError, MemoryError):
            # code generation and Python's compiler recurse too, past what the parser accepted
            raise TooDeep(name, filename) from None

    @staticmethod
    def _add(left: Any, right: Any) -> Any:
        return _sized(operator.add(left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        budget = __self.budget
        budget.ops += 1
        if not budget.ops % CHECK_EVERY:
            budget.check()
        # a str method; the sandbox hands out str.format wrapped (`__wrapped__`)
        bound = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
        if isinstance(bound, str):
            args = _str_method(bound, getattr(__obj, "__name__", ""), args, kwargs)
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
