"""The contract's fields as data: name, annotation, whether required, docstring, and the one name the catalog
and the multi-language schema give it; and the ``help()`` text built from them.

Naming rule: a field's schema name (catalog key, other languages' property) is its Python name in camelCase
(``role_path`` -> ``rolePath``, as the Pulumi SDK's component analyzer names properties), except the few in
:data:`SCHEMA_NAMES`, where the Kubernetes or IAM term reads better than the Python field. A name users wrote
before a rename stays accepted through :data:`DEPRECATED_NAMES`, with a warning.

Pure: standard library only.
"""

import ast
import enum
import inspect
import re
import sys
import types
import typing
from collections.abc import Awaitable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, NotRequired, Required, TypeVar

from .inputs import AwsProvider, OneOrMore

SCHEMA_NAMES: Mapping[tuple[str, str], str] = {
    ("IrsaRoleArgs", "additional_clusters"): "trustedClusters",
    ("ServiceAccountOptions", "automount_token"): "automountServiceAccountToken",
}
"""``(TypedDict, Python field)`` -> schema name, where camelCase of the Python name is not the name: the catalog
has always said ``trustedClusters`` (the clusters the role trusts, the type is ``TrustedCluster``) and
``automountServiceAccountToken`` (the Kubernetes ServiceAccount field it sets)."""

DEPRECATED_NAMES: Mapping[tuple[str, str], str] = {
    ("IrsaRoleArgs", "additionalClusters"): "additional_clusters",
    ("ServiceAccountOptions", "automountToken"): "automount_token",
}
"""``(TypedDict, former schema name)`` -> Python field: names the multi-language schema had before 0.5, still
read (with a deprecation warning naming the new one)."""


@dataclass(frozen=True)
class Field:
    """One field of a contract ``TypedDict``.

    Attributes:
        owner: the ``TypedDict`` it belongs to.
        name: the Python name (snake_case).
        hint: its annotation, without ``NotRequired``/``Required``.
        required: whether a caller must give it.
        doc: its docstring (the string literal after it in the source), ``""`` when it has none.
    """

    owner: type
    name: str
    hint: Any
    required: bool
    doc: str

    @property
    def schema_name(self) -> str:
        """The catalog key and other languages' property name (:func:`schema_name`)."""
        return schema_name(self.owner, self.name)


def camel(name: str) -> str:
    """``role_path`` -> ``rolePath``: the Pulumi SDK's rule (``pulumi.provider.experimental.util.camel_case``)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def snake(name: str) -> str:
    """``rolePath`` -> ``role_path``: the inverse of :func:`camel` for names it produced."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def schema_name(owner: type, name: str) -> str:
    """The schema name of ``owner``'s field ``name``: :data:`SCHEMA_NAMES`, else :func:`camel`."""
    return SCHEMA_NAMES.get((owner.__name__, name)) or camel(name)


def fields(owner: type) -> tuple[Field, ...]:
    """The fields of a contract ``TypedDict``, in declaration order."""
    docs = _field_docs(owner.__module__).get(owner.__name__, {})
    found = []
    required_keys: frozenset[str] = getattr(owner, "__required_keys__", frozenset())
    for name, annotation in owner.__annotations__.items():
        hint, required = annotation, name in required_keys
        while typing.get_origin(hint) in (NotRequired, Required):
            hint = typing.get_args(hint)[0]
        found.append(Field(owner, name, hint, required, docs.get(name, "")))
    return tuple(found)


def field_by_schema_name(owner: type, name: str) -> tuple[Field, bool] | None:
    """``owner``'s field called ``name`` in the schema (or by a deprecated name: then the flag is ``True``)."""
    for item in fields(owner):
        if item.schema_name == name:
            return item, False
    old = DEPRECATED_NAMES.get((owner.__name__, name))
    if old is not None:
        return next(f for f in fields(owner) if f.name == old), True
    return None


def nested(owner: type) -> tuple[type, ...]:
    """``owner`` and every contract ``TypedDict`` its fields hold (at any depth), each once, in order."""
    seen: dict[type, None] = {}

    def visit(cls: type) -> None:
        if cls in seen:
            return
        seen[cls] = None
        for item in fields(cls):
            for inner in _inner_types(item.hint):
                if typing.is_typeddict(inner):
                    visit(inner)

    visit(owner)
    return tuple(seen)


def schema_names(owner: type) -> dict[str, str]:
    """Python field name -> schema name over ``owner`` and its nested ``TypedDict`` s (only those that differ)."""
    names: dict[str, str] = {}
    for cls in nested(owner):
        for item in fields(cls):
            if item.schema_name != item.name:
                names[item.name] = item.schema_name
    return names


def rename(text: str, names: Mapping[str, str]) -> str:
    """Every whole-word occurrence of a key of ``names`` in ``text`` replaced by its value (longest first), so a
    problem's field path and fix read in the caller's vocabulary (``additional_clusters[0].oidc_issuer`` ->
    ``trustedClusters[0].oidcIssuer``)."""
    if not names:
        return text
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")(?![\w-])"
    )
    return pattern.sub(lambda m: names[m.group(1)], text)


def type_text(hint: Any) -> str:
    """An annotation as a reader of ``help()`` wants it: ``str or Output``, ``list of PermissionStatement``, ..."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        inner = type_text(args[0])
        return f"{type_text(typing.get_args(args[0])[0])} or {inner}" if _one_or_more(hint) else inner
    if origin in (typing.Union, types.UnionType):
        plain = [a for a in args if not _deferred(a)]
        return " or ".join(type_text(a) for a in plain) + (" (or an Output)" if len(plain) < len(args) else "")
    if origin is list:
        item = type_text(args[0])
        each = item.removesuffix(" (or an Output)")
        return f"list of {each}" + (" (items may be Outputs)" if each != item else "")
    if origin is dict:
        return f"mapping of {type_text(args[0])} to {type_text(args[1])}"
    if hint is AwsProvider:
        return "pulumi_aws.Provider"
    if inspect.isclass(hint) and issubclass(hint, enum.Enum):
        return f"{hint.__name__} ({' | '.join(str(m.value) for m in hint)})"
    return {str: "str", bool: "bool", int: "int", float: "float"}.get(hint, getattr(hint, "__name__", str(hint)))


def summary(owner: type) -> str:
    """``owner``'s own docstring, before :func:`documented` added its fields."""
    return _SUMMARIES.get(owner, inspect.cleandoc(owner.__doc__ or ""))


def describe(owner: type) -> str:
    """The ``help()`` text of a contract ``TypedDict``: its summary, then every field with its type, whether
    it is required, its schema name and its docstring (shape, rule and source, ``Default:``)."""
    lines = [summary(owner), "", "Fields (* required; [the name in the catalog and in other languages]):"]
    for item in fields(owner):
        mark = "*" if item.required else ""
        lines.append(f"    {item.name}{mark} [{item.schema_name}]: {type_text(item.hint)}")
        lines += [f"        {line}" if line else "" for line in inspect.cleandoc(item.doc).splitlines()]
    return "\n".join(lines) + "\n"


C = TypeVar("C", bound=type)


def documented(owner: C) -> C:
    """Class decorator: set a contract ``TypedDict``'s ``__doc__`` to :func:`describe`, so ``help()`` lists
    every field (a ``TypedDict``'s field docstrings are otherwise lost at run time)."""
    _SUMMARIES[owner] = inspect.cleandoc(owner.__doc__ or "")
    owner.__doc__ = describe(owner)
    return owner


def constructor_doc(component: str, args: type, extra: str = "") -> str:
    """The ``__init__`` docstring of a component taking ``args``: what ``help(Component)`` shows under the
    constructor, instead of the SDK's generic ``ComponentResource`` text."""
    text = (
        f"Create the {component}.\n\nArgs:\n    name: the component's logical name (unique in the stack).\n"
        f"    args: {'an' if args.__name__[:1] in 'AEIOU' else 'a'} {args.__name__} mapping, checked before "
        "anything is registered:\n\n"
    )
    body = describe(args).split("\n", 2)[2]
    text += "\n".join(f"    {line}" if line else "" for line in body.splitlines())
    text += "\n    opts: Pulumi resource options." + (f" {extra}" if extra else "")
    return text + "\n\nRaises:\n    IrsaConfigError: an input breaks a rule; nothing is registered.\n"


_SUMMARIES: dict[type, str] = {}


@cache
def _field_docs(module: str) -> dict[str, dict[str, str]]:
    """Class name -> field name -> docstring, read from the module's source with ``ast`` (as the SDK's analyzer
    reads them); empty when the source is not available."""
    try:
        tree = ast.parse(inspect.getsource(sys.modules[module]))
    except (OSError, TypeError, KeyError):
        return {}
    docs: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        own = docs.setdefault(node.name, {})
        for item, following in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(item, ast.AnnAssign)
                and isinstance(item.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                own[item.target.id] = following.value.value
    return docs


def _inner_types(hint: Any) -> Iterator[Any]:
    yield hint
    for arg in typing.get_args(hint):
        if not isinstance(arg, OneOrMore):
            yield from _inner_types(arg)


def _deferred(hint: Any) -> bool:
    origin = typing.get_origin(hint)
    return isinstance(hint, typing.ForwardRef) or (inspect.isclass(origin) and issubclass(origin, Awaitable))


def _one_or_more(hint: Any) -> bool:
    return any(isinstance(a, OneOrMore) for a in typing.get_args(hint)[1:])
