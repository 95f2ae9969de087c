"""The shape of a component's Args: every key known, every required key given, every value of the type its
``TypedDict`` annotation declares. Pure: the annotations (:mod:`eks_irsa.contract`) are the one source, read
with ``typing``; every path (a Python caller, the catalog, another language through the provider) runs it.

A Python caller gets no help from a ``TypedDict`` at run time: a typo'd key would be silently ignored, a
``"false"`` read as true, a ``None`` where a list is expected fail deep inside a rule as a ``TypeError``.
:func:`check_shape` turns each into a :class:`~eks_irsa.errors.Problem` before any other rule reads the value.
"""

from __future__ import annotations

import difflib
import inspect
import re
import types
import typing
from collections.abc import Awaitable, Mapping, Sequence
from enum import Enum
from typing import Any, NotRequired, Required

from .contract.inputs import OneOrMore
from .errors import Problem

SOURCE = "the component's input contract (eks_irsa.contract)"
"""The source every shape problem names: the same on every path."""

UNKNOWN_FIELD = "is not a known field and would be ignored"
"""The rule of a key the contract does not declare, on every path (:func:`unknown_field`)."""


def check_shape(field: str, value: object, hint: Any) -> list[Problem]:
    """Problems of ``value`` against the annotation ``hint``; ``field`` names it (``node_groups[0].min_size``).

    Understood: ``TypedDict`` classes (unknown keys, missing required keys, then each value), ``str``, ``bool``,
    ``int`` (not a bool), ``float``, ``StrEnum`` subclasses (by value), ``list[X]`` (one string too when
    annotated ``ONE_OR_MORE``, :mod:`eks_irsa.contract.inputs`), ``dict[K, V]``, unions
    (``pulumi.Input[X]`` is ``X | Awaitable[X] | Output[X]``: an Output or an awaitable passes, its value is
    checked where it resolves), other classes by ``isinstance``, ``Any``. A ``NotRequired`` key may be left out
    but not given as ``None`` (leave it out for the default). A value that is not plain data (an Output, as
    another Pulumi language passes an input computed from a resource) passes wherever a ``TypedDict`` is not
    expected: Pulumi schemas make every input property an Input, and the component's own rules say which must
    be plain.
    """
    if hint is Any or (not plain(value) and not typing.is_typeddict(hint)):
        return []
    if isinstance(hint, typing.ForwardRef):
        return [] if not plain(value) else [wrong_type(field, value, hint.__forward_arg__)]
    origin = typing.get_origin(hint)
    if origin in (NotRequired, Required):
        return check_shape(field, value, typing.get_args(hint)[0])
    if origin is typing.Annotated:
        inner, *marks = typing.get_args(hint)
        if isinstance(value, str) and any(isinstance(m, OneOrMore) for m in marks):
            return []
        return check_shape(field, value, inner)
    if typing.is_typeddict(hint):
        return _typed_dict(field, value, hint)
    if origin in (typing.Union, types.UnionType):
        members = typing.get_args(hint)
        if any(not check_shape(field, value, member) for member in members):
            return []
        now = [m for m in members if not _deferred(m)]
        later = " (or an Output of one)" if len(now) < len(members) else ""
        return [wrong_type(field, value, " or ".join(_describe(m) for m in now) + later)]
    if origin in (list, Sequence):
        if isinstance(value, str | bytes) or not isinstance(value, Sequence):
            return [wrong_type(field, value, _describe(hint), "; a string would be read letter by letter")]
        (item,) = typing.get_args(hint) or (Any,)
        return [p for i, v in enumerate(value) for p in check_shape(f"{field}[{i}]", v, item)]
    if origin in (dict, Mapping):
        if not isinstance(value, Mapping):
            return [wrong_type(field, value, _describe(hint))]
        key_hint, value_hint = typing.get_args(hint) or (Any, Any)
        problems = []
        for key, item in value.items():
            problems += check_shape(f"{field} key", key, key_hint)
            problems += check_shape(f"{field}.{key}", item, value_hint)
        return problems
    if origin is not None and inspect.isclass(origin) and issubclass(origin, Awaitable):
        return [] if inspect.isawaitable(value) else [wrong_type(field, value, "awaitable")]
    if origin is not None:
        return [] if isinstance(value, origin) else [wrong_type(field, value, _describe(hint))]
    if inspect.isclass(hint) and issubclass(hint, Enum):
        allowed = [m.value for m in hint]
        if isinstance(value, str) and value in allowed:
            return []
        return [
            Problem(field, value, f"is not a {hint.__name__}", SOURCE, f"use one of {', '.join(map(str, allowed))}")
        ]
    if hint is bool:
        return [] if isinstance(value, bool) else [wrong_type(field, value, "boolean, true or false")]
    if hint is int:
        return [] if isinstance(value, int) and not isinstance(value, bool) else [wrong_type(field, value, "integer")]
    if hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [wrong_type(field, value, "number")]
    if inspect.isclass(hint):
        return [] if isinstance(value, hint) else [wrong_type(field, value, _describe(hint))]
    return []


def unknown_field(field: str, value: object, key: object, known: Sequence[str]) -> Problem:
    """The problem of a key the contract does not declare: ``field`` as the caller wrote it, a suggestion from
    ``known`` (the names in the caller's vocabulary)."""
    return Problem(field, value, UNKNOWN_FIELD, SOURCE, closest(key, known))


def closest(key: object, known: Sequence[str]) -> str:
    """``did you mean <the closest of known>?``, or the list of ``known`` when none is close."""
    close = difflib.get_close_matches(str(key), sorted(known), n=1)
    return f"did you mean {close[0]}?" if close else f"use one of {', '.join(sorted(known))}"


def root_keys(problems: Sequence[Problem]) -> set[str]:
    """The top-level keys the problems are about (``node_groups`` for ``node_groups[0].min_size``)."""
    return {re.split(r"[.\[ ]", p.field, maxsplit=1)[0] for p in problems}


def _typed_dict(field: str, value: object, hint: Any) -> list[Problem]:
    prefix = f"{field}." if field else ""
    if not isinstance(value, Mapping):
        return [wrong_type(field or "args", value, f"mapping ({hint.__name__})")]
    hints = hint.__annotations__
    problems = [
        unknown_field(f"{prefix}{key}", value[key], key, list(hints))
        for key in sorted((k for k in value if k not in hints), key=str)
    ]
    problems += [
        Problem(f"{prefix}{key}", "(missing)", "is required", SOURCE, f"give {key}")
        for key in sorted(hint.__required_keys__)
        if value.get(key) is None
    ]
    for key, key_hint in hints.items():
        if key not in value or (value[key] is None and key in hint.__required_keys__):
            continue
        if value[key] is None:
            problems.append(
                Problem(f"{prefix}{key}", None, "is None", SOURCE, "leave the key out for its default, or give a value")
            )
            continue
        problems += check_shape(f"{prefix}{key}", value[key], key_hint)
    return problems


def _deferred(hint: Any) -> bool:
    """``Awaitable[X]`` or ``Output[X]``: the members ``pulumi.Input`` adds to ``X``."""
    origin = typing.get_origin(hint)
    return isinstance(hint, typing.ForwardRef) or (inspect.isclass(origin) and issubclass(origin, Awaitable))


def plain(value: object) -> bool:
    """A plain data value (what a literal or a parsed file holds), as opposed to an Output or an awaitable: what a
    rule can read before anything is registered."""
    return value is None or isinstance(value, str | bytes | int | float | Mapping | Sequence)


def wrong_type(field: str, value: object, kind: str, note: str = "") -> Problem:
    """The problem of a value of another type than the contract declares (``kind``: ``boolean, true or false``,
    ``integer``, ``string``, ...): the same on every path (the catalog maps its JSON Schema's type errors here)."""
    article = "an" if kind[:1] in "aeiou" else "a"
    return Problem(field, value, f"is not of the expected type ({kind}){note}", SOURCE, f"give {article} {kind}")


JSON_KINDS = {
    "boolean": "boolean, true or false",
    "integer": "integer",
    "number": "number",
    "string": "string",
    "array": "list",
    "object": "mapping",
}
"""A JSON Schema ``type`` -> the words :func:`check_shape` uses for it."""


def _describe(hint: Any) -> str:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Annotated:
        return _describe(args[0])
    if origin in (list, Sequence):
        return f"list of {_describe(args[0]) if args else 'values'}"
    if origin in (dict, Mapping):
        return f"mapping of {_describe(args[0])} to {_describe(args[1])}" if args else "mapping"
    if origin is not None and inspect.isclass(origin):
        return origin.__name__
    if isinstance(hint, typing.ForwardRef):
        return hint.__forward_arg__
    return {str: "string", bool: "boolean", int: "integer", float: "number"}.get(
        hint, getattr(hint, "__name__", str(hint))
    )
