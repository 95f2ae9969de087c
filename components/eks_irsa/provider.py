"""The multi-language provider: every public component of ``eks_irsa``, for TypeScript, Go, C#, Java and YAML.

``provider/__main__.py`` (the plugin that ``pulumi package add <repo>/provider@<tag>`` runs) calls
:func:`main`, which serves :class:`EksIrsaProvider` with the Pulumi SDK's provider server, as
``pulumi.provider.experimental.component_provider_host`` does. The schema is the one the SDK's
component analyzer derives from the Args ``TypedDict``\\ s and the output annotations; it is
committed as ``provider/schema.json``, written by ``make schema``
(``python -m eks_irsa.provider --schema provider/schema.json``).

The analyzer reads the contract (:mod:`eks_irsa.contract`) as the SDK's own types: its pure stand-ins for
``pulumi.Input`` and ``pulumi_aws.Provider`` are the real ones here, and each property takes the contract's
schema name (:func:`eks_irsa.contract.fields.schema_name`), the same name the catalog uses
(``trustedClusters``, ``automountServiceAccountToken``); a name of an earlier schema
(:data:`~eks_irsa.contract.fields.DEPRECATED_NAMES`) is still read, with a warning.

Three differences from the stock host, all for the same checks in every language:

- a key the schema does not know is handed to the component (in snake_case) instead of being dropped, so the
  component's shape check refuses it with a suggestion, as it refuses a Python caller's typo;

- integers arrive from the engine as floats (protobuf ``Struct`` numbers are doubles) and the SDK's
  conversion to ``int`` is overwritten by the very next line of
  ``ComponentProvider.map_input_properties`` (pulumi 3.272.0, and pulumi/pulumi at 1b59498); a
  whole float of an ``integer`` property is turned back into an ``int`` here, so
  ``maxSessionDuration: 7200`` from TypeScript passes the same rule as ``7200`` from Python;
- an :class:`~eks_irsa.IrsaConfigError` reaches the engine as an invalid-input error carrying the same
  problems as the Python caller's, each field and fix named in the schema's words (``trustedClusters[0]``,
  ``serviceAccount``; :func:`schema_problem`), without the provider's traceback the host appends to other
  errors.
"""

from __future__ import annotations

import inspect
import json
import re
import sys
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi.errors import InputPropertiesError
from pulumi.provider import ConstructResult
from pulumi.provider import main as serve
from pulumi.provider.experimental.analyzer import Analyzer, PropertyDefinition, PropertyType
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.experimental.schema import generate_schema
from pulumi.provider.provider import Provider
from pulumi.provider.server import ComponentInitError

import eks_irsa

from .contract.fields import DEPRECATED_NAMES, rename, schema_name, schema_names, snake, summary
from .contract.inputs import AwsProvider
from .errors import IrsaConfigError, Problem

PACKAGE_NAME = "eks-irsa"
"""The package name of the schema and of every type token (``eks-irsa:index:IrsaRole``)."""

PYTHON_ONLY = frozenset({"AccountProvider"})
"""Public components not hosted: ``AccountProvider`` hands its AWS provider over as a Python attribute,
which no other language can read; there, build an ``aws.Provider`` with ``allowedAccountIds`` and
``assumeRoles`` and pass it as ``targetRole.provider``."""

COMPONENTS: tuple[type[pulumi.ComponentResource], ...] = tuple(
    value
    for value in (getattr(eks_irsa, name) for name in eks_irsa.__all__)
    if inspect.isclass(value) and issubclass(value, pulumi.ComponentResource) and value.__name__ not in PYTHON_ONLY
)
"""Every public component (``eks_irsa.__all__``) but :data:`PYTHON_ONLY`, in that order; a new public
component is hosted too."""

_SCHEMA_NAMES: dict[str, str] = {
    field: name
    for component in COMPONENTS
    for field, name in schema_names(inspect.get_annotations(component.__init__)["args"]).items()
}
"""Python field -> schema name, for every field of every hosted component's Args that the two spell apart."""

SCHEMA_COMMAND = "make schema"
"""The one command that rewrites the committed ``provider/schema.json`` from the code."""


class ContractAnalyzer(Analyzer):
    """The SDK's component analyzer, reading the contract's annotations as the Pulumi types they stand for and
    naming properties by :func:`~eks_irsa.contract.fields.schema_name`; descriptions keep the schema's words."""

    def analyze_type(
        self, typ: type, *, is_component_output: bool
    ) -> tuple[dict[str, PropertyDefinition], dict[str, str]]:
        properties, mapping = super().analyze_type(typ, is_component_output=is_component_output)
        if is_component_output or not typing.is_typeddict(typ):
            return properties, mapping
        return (
            {schema_name(typ, mapping[key]): value for key, value in properties.items()},
            {schema_name(typ, field): field for field in mapping.values()},
        )

    def analyze_property(self, arg: Any, typ: type, name: str, **options: Any) -> PropertyDefinition:
        if arg is AwsProvider:
            arg = aws.Provider
        elif typing.get_origin(arg) is typing.Annotated:
            arg = typing.get_args(arg)[0]
        return super().analyze_property(arg, typ, name, **options)

    def get_docstring(self, typ: type, name: str) -> str | None:
        doc = super().get_docstring(typ, name)
        return rename(doc, _SCHEMA_NAMES) if doc and typing.is_typeddict(typ) else doc


class EksIrsaProvider(ComponentProvider):
    """The SDK's ``ComponentProvider`` for :data:`COMPONENTS`, version ``eks_irsa.__version__``, its schema
    from :class:`ContractAnalyzer`.

    ``construct(name, "eks-irsa:index:<Component>", inputs, options)`` maps the engine's inputs (schema
    names) onto the component's Args and runs the component as a Python caller would.

    Raises (from ``construct``):
        InputPropertiesError: the component raised :class:`~eks_irsa.IrsaConfigError`; its message is that
            error's text with every field and fix in the schema's words (:func:`schema_problem`), e.g.
            ``IrsaRole orders-api: maxSessionDuration``, ``IrsaRole orders-api: serviceAcount ... did you
            mean serviceAccount?``.
        InputPropertyError: a required input is missing or an enum value unknown (the SDK's own checks).
    """

    def __init__(self) -> None:
        # ComponentProvider.__init__ (pulumi 3.272.0) with ContractAnalyzer in place of the stock Analyzer.
        self._name = PACKAGE_NAME
        self.analyzer = ContractAnalyzer(PACKAGE_NAME)
        result = self.analyzer.analyze(list(COMPONENTS))
        self._components = {component.__name__: component for component in COMPONENTS}
        self._component_defs = result["component_definitions"]
        self._type_defs = result["type_definitions"]
        for definition in self._type_defs.values():
            if typing.is_typeddict(definition.python_type):
                definition.description = rename(summary(definition.python_type), _SCHEMA_NAMES)
        self._external_enum_types = result["external_enum_types"]
        self._dependencies = sorted(result["dependencies"], key=lambda d: f"{d.name}{d.version}")
        package = generate_schema(
            PACKAGE_NAME, eks_irsa.__version__, None, self._component_defs, self._type_defs, self._dependencies
        )
        Provider.__init__(self, eks_irsa.__version__, json.dumps(package.to_json()))

    def construct(
        self,
        name: str,
        resource_type: str,
        inputs: pulumi.Inputs,
        options: pulumi.ResourceOptions | None = None,
    ) -> ConstructResult:
        try:
            return super().construct(name, resource_type, inputs, options)
        except ComponentInitError as error:
            if isinstance(error.inner, IrsaConfigError):
                spelled = {snake(key): key for key in _keys(inputs) if snake(key) != key}
                problems = [schema_problem(p, spelled) for p in error.inner.problems]
                raise InputPropertiesError(str(IrsaConfigError(problems))) from IrsaConfigError(problems)
            raise

    def map_input_properties(
        self,
        inputs: pulumi.Inputs,
        properties: dict[str, PropertyDefinition],
        mapping: dict[str, str],
        component_name: str,
        property_path: str,
    ) -> pulumi.Inputs:
        given = dict(inputs) if isinstance(inputs, Mapping) else {}
        for (_, old), field in DEPRECATED_NAMES.items():
            new = next((key for key, value in mapping.items() if value == field), None)
            if old in given and old not in properties and new is not None and new not in given:
                where = f"{property_path}.{old}" if property_path else old
                pulumi.log.warn(f"{component_name}: {where} is deprecated; write {new} (same meaning)")
                given[new] = given.pop(old)
        mapped = dict(super().map_input_properties(given, properties, mapping, component_name, property_path))
        for key, prop in properties.items():
            value = mapped.get(mapping[key])
            if prop.type == PropertyType.INTEGER and isinstance(value, float) and value.is_integer():
                mapped[mapping[key]] = int(value)
        for key in given.keys() - properties.keys():
            mapped[snake(key)] = given[key]
        return mapped


def _keys(value: object) -> set[str]:
    """Every mapping key in ``value``, at any depth (the names a caller wrote)."""
    if isinstance(value, Mapping):
        return {str(k) for k in value} | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list | tuple):
        return {k for v in value for k in _keys(v)}
    return set()


def schema_problem(problem: Problem, passed_through: Mapping[str, str] | None = None) -> Problem:
    """A component's problem (``IrsaRole orders-api: additional_clusters[0].oidc_issuer``, Python names) in the
    schema's words (``IrsaRole orders-api: trustedClusters[0].oidcIssuer``): field, rule and fix renamed
    through the contract's schema names, unknown keys back to how the caller spelled them
    (``passed_through``: snake_case -> as given), Python literals in the fix as JSON ones."""
    names = {**_SCHEMA_NAMES, **(passed_through or {})}
    fix = re.sub(r"\bFalse\b", "false", re.sub(r"\bTrue\b", "true", rename(problem.fix, names)))
    return Problem(rename(problem.field, names), problem.value, rename(problem.rule, names), problem.source, fix)


def schema() -> dict[str, Any]:
    """The package schema the SDK's component analyzer derives from :data:`COMPONENTS`."""
    text = EksIrsaProvider().schema
    if text is None:
        raise RuntimeError("the SDK's component analyzer derived no schema from COMPONENTS")
    return json.loads(text)


def schema_json() -> str:
    """:func:`schema` as the committed file holds it: sorted keys, two-space indent, one final newline."""
    return json.dumps(schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """``--schema PATH``: write :func:`schema_json` to PATH. Otherwise serve the provider to the engine.

    The engine starts the plugin with its address and flags (``127.0.0.1:port --logtostderr``), which the
    SDK's server parses.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--schema"]:
        if len(args) != 2:
            sys.exit(f"usage: python -m eks_irsa.provider --schema PATH  (the repository's: {SCHEMA_COMMAND})")
        Path(args[1]).write_text(schema_json(), encoding="utf-8")
        return
    serve(EksIrsaProvider(), args)


if __name__ == "__main__":
    main()
