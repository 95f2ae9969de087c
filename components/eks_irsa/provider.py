"""The multi-language provider: every public component of ``eks_irsa``, for TypeScript, Go, C#, Java and YAML.

``provider/__main__.py`` (the plugin that ``pulumi package add <repo>/provider@<tag>`` runs) calls
:func:`main`, which serves :class:`EksIrsaProvider` with the Pulumi SDK's provider server, as
``pulumi.provider.experimental.component_provider_host`` does. The schema is the one the SDK's
component analyzer derives from the Args ``TypedDict``\\ s and the output annotations; it is
committed as ``provider/schema.json``, written by ``make schema``
(``python -m eks_irsa.provider --schema provider/schema.json``).

Two differences from the stock host, both for the same checks in every language:

- integers arrive from the engine as floats (protobuf ``Struct`` numbers are doubles) and the SDK's
  conversion to ``int`` is overwritten by the very next line of
  ``ComponentProvider.map_input_properties`` (pulumi 3.272.0, and pulumi/pulumi at 1b59498); a
  whole float of an ``integer`` property is turned back into an ``int`` here, so
  ``maxSessionDuration: 7200`` from TypeScript passes the same rule as ``7200`` from Python;
- an :class:`~eks_irsa.IrsaConfigError` reaches the engine as an invalid-input error carrying the same
  problem text as the Python caller's, without the provider's traceback the host appends to other errors.
"""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pulumi
from pulumi.errors import InputPropertiesError
from pulumi.provider import ConstructResult
from pulumi.provider import main as serve
from pulumi.provider.experimental.analyzer import PropertyDefinition, PropertyType
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.server import ComponentInitError

import eks_irsa

from .errors import IrsaConfigError

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

SCHEMA_COMMAND = "make schema"
"""The one command that rewrites the committed ``provider/schema.json`` from the code."""


class EksIrsaProvider(ComponentProvider):
    """The SDK's ``ComponentProvider`` for :data:`COMPONENTS`, version ``eks_irsa.__version__``.

    ``construct(name, "eks-irsa:index:<Component>", inputs, options)`` maps the engine's camelCase
    inputs onto the component's Args and runs the component as a Python caller would.

    Raises (from ``construct``):
        InputPropertiesError: the component raised :class:`~eks_irsa.IrsaConfigError`; its message is
            that error's text, problems named in the Args' words (``IrsaRole orders-api: max_session_duration``).
        InputPropertyError: a required input is missing or an enum value unknown (the SDK's own checks).
    """

    def __init__(self) -> None:
        super().__init__(list(COMPONENTS), PACKAGE_NAME, None, eks_irsa.__version__)

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
                raise InputPropertiesError(str(error.inner)) from error.inner
            raise

    def map_input_properties(
        self,
        inputs: pulumi.Inputs,
        properties: dict[str, PropertyDefinition],
        mapping: dict[str, str],
        component_name: str,
        property_path: str,
    ) -> pulumi.Inputs:
        mapped = dict(super().map_input_properties(inputs, properties, mapping, component_name, property_path))
        for schema_name, prop in properties.items():
            value = mapped.get(mapping[schema_name])
            if prop.type == PropertyType.INTEGER and isinstance(value, float) and value.is_integer():
                mapped[mapping[schema_name]] = int(value)
        return mapped


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
