"""The catalog's vocabulary (``stacks/Pulumi.<stack>.yaml``, ``eks-irsa:services.<name>``) and its
``schema.json``, derived from the contract.

A service entry is an :class:`~eks_irsa.contract.role.IrsaRoleArgs` in the contract's schema names
(:func:`~eks_irsa.contract.fields.schema_name`, the names other languages use too), with four differences,
all listed here:

- the fields the program fills from stack-wide settings (:data:`PROGRAM_FIELDS`) are not written per service;
- the ``ServiceAccountOptions`` fields are written in the entry itself (``labels``, ``tokenExpiration``, ...),
  not under ``serviceAccountOptions``;
- ``targetRole.account`` and ``account`` name an ``eks-irsa:accounts`` entry (the catalog looks up its id and
  provider), where the component takes ``targetRole.accountId`` and ``roleAccountId``;
- catalog-only keys: ``policyFiles`` and ``addon`` (statements from a file or a well-known add-on).

``target`` is the former name of ``targetRole`` (:data:`DEPRECATED_KEYS`): still read, with a warning.

:func:`catalog_schema` is what ``make schema`` writes to ``eks_irsa/catalog/schema.json``: the service entry,
its statements and trusted clusters derived from the contract, the stack-wide and cluster keys declared
here (:data:`STACK_SCHEMA`). Pure: standard library only.
"""

import enum
import inspect
import json
import sys
import typing
from collections.abc import Awaitable, Mapping
from typing import Any

from .fields import fields, rename, schema_name
from .inputs import AwsProvider, OneOrMore
from .role import IrsaRoleArgs, ServiceAccountOptions, TargetRole

PROGRAM_FIELDS: Mapping[str, str] = {
    "cluster_name": "eks-irsa:cluster.name",
    "oidc_provider_arn": "the cluster's OIDC provider",
    "oidc_issuer": "the cluster's OIDC issuer",
    "provider_client_ids": "eks-irsa:cluster.oidcClientIds",
    "role_account_id": "account",
    "cluster_arn": "eks-irsa:cluster.name",
    "trust_policy_max_size": "eks-irsa:trustPolicyMaxSize",
    "max_managed_policies": "eks-irsa:maxManagedPolicies",
}
"""``IrsaRoleArgs`` fields the reference program fills for every service, and where a catalog user changes them."""

FLATTENED = "service_account_options"
"""The ``IrsaRoleArgs`` field whose ``ServiceAccountOptions`` are written in the service entry itself."""

DEPRECATED_KEYS: Mapping[str, str] = {"target": "targetRole"}
"""Service keys of an earlier catalog -> the key that replaced them (same meaning, a warning when read)."""

CATALOG_ONLY: Mapping[str, dict[str, Any]] = {
    "account": {
        "type": "string",
        "description": "The eks-irsa:accounts entry the role lives in (cross-account IRSA). Default: the stack's "
        "account.",
    },
    "policyFiles": {
        "type": "array",
        "items": {"$ref": "#/$defs/policyFile"},
        "description": "IAM policy documents (JSON files, relative to the project) whose statements join statements.",
    },
    "addon": {
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string"}},
        "description": "A well-known add-on's scoped permissions: name plus its scoping parameters (see "
        "docs/addons.md).",
    },
}
"""Service keys that are the catalog's own (they become ``statements`` or ``roleAccountId``)."""

TARGET_ROLE_ACCOUNT = {
    "type": "string",
    "description": "Create the target role in this eks-irsa:accounts entry (its id and provider).",
}
"""``targetRole.account``: the catalog's spelling of ``TargetRole.account_id`` and ``provider``."""


def catalog_keys() -> dict[str, str]:
    """``IrsaRoleArgs`` field (or ``ServiceAccountOptions`` field, or ``target_role.<field>``) -> service key, for
    every field a service entry sets (plus the trusted cluster's and the statement's fields)."""
    keys: dict[str, str] = {}
    for item in fields(IrsaRoleArgs):
        if item.name in PROGRAM_FIELDS or item.name == FLATTENED:
            continue
        keys[item.name] = item.schema_name
    for item in fields(ServiceAccountOptions):
        keys[item.name] = item.schema_name
    keys["target_role.account_id"] = "targetRole.account"
    keys["target_role.role_arn"] = "targetRole.roleArn"
    keys["oidc_provider_arn"] = schema_name(IrsaRoleArgs, "oidc_provider_arn")
    keys["oidc_issuer"] = schema_name(IrsaRoleArgs, "oidc_issuer")
    return keys


def catalog_schema() -> dict[str, Any]:
    """The catalog's JSON Schema (draft 2020-12): :data:`STACK_SCHEMA` with the service entry, statement and
    trusted cluster derived from the contract. Descriptions are the fields' docstrings in catalog words."""
    schema = json.loads(json.dumps(STACK_SCHEMA))
    defs: dict[str, Any] = schema["$defs"]
    words = {k: v for k, v in catalog_keys().items() if "." not in k}
    properties: dict[str, Any] = {}
    required = []
    for item in fields(IrsaRoleArgs):
        if item.name in PROGRAM_FIELDS:
            continue
        if item.name == FLATTENED:
            for option in fields(ServiceAccountOptions):
                properties[option.schema_name] = _described(_json_type(option.hint, defs, words), option.doc, words)
            continue
        if item.name == "target_role":
            target = {
                "type": "object",
                "additionalProperties": False,
                "minProperties": 1,
                "maxProperties": 1,
                "properties": {
                    "account": TARGET_ROLE_ACCOUNT,
                    "roleArn": _described(_json_type(str, defs, words), _doc(TargetRole, "role_arn"), words),
                },
            }
            properties[item.schema_name] = _described(
                target, inspect.cleandoc(TargetRole.__doc__ or "").split("\n")[0], words
            )
            continue
        properties[item.schema_name] = _described(_json_type(item.hint, defs, words), item.doc, words)
        if item.required:
            required.append(item.schema_name)
    properties.update(json.loads(json.dumps(CATALOG_ONLY)))
    for old, new in DEPRECATED_KEYS.items():
        properties[old] = {**properties[new], "deprecated": True, "description": f"Deprecated: write {new}."}
    defs["service"] = {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": dict(sorted(properties.items())),
    }
    schema["$defs"] = dict(sorted(defs.items()))
    return schema


def catalog_schema_json() -> str:
    """:func:`catalog_schema` as the committed file holds it: sorted keys, two-space indent, a final newline."""
    return json.dumps(catalog_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> None:
    """``python -m eks_irsa.contract.catalog PATH``: write :func:`catalog_schema_json` to PATH (``make schema``)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.exit("usage: python -m eks_irsa.contract.catalog PATH  (the repository's: make schema)")
    with open(args[0], "w", encoding="utf-8") as out:
        out.write(catalog_schema_json())


def _doc(owner: type, name: str) -> str:
    return next(item.doc for item in fields(owner) if item.name == name)


def _described(spec: dict[str, Any], doc: str, words: Mapping[str, str]) -> dict[str, Any]:
    text = " ".join(inspect.cleandoc(doc).split())
    return {**spec, "description": rename(text, words)} if text else spec


def _json_type(hint: Any, defs: dict[str, Any], words: Mapping[str, str]) -> dict[str, Any]:
    """A contract annotation as JSON Schema; a ``TypedDict`` becomes a ``$defs`` entry (``TrustedCluster`` ->
    ``trustedCluster``) with every key known."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        inner = _json_type(args[0], defs, words)
        if any(isinstance(mark, OneOrMore) for mark in args[1:]):
            return {"anyOf": [{"type": "string"}, inner]}
        return inner
    if origin is typing.Union:
        plain = [a for a in args if not _deferred(a)]
        return _json_type(plain[0], defs, words)
    if origin is list:
        return {"type": "array", "items": _json_type(args[0], defs, words)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _json_type(args[1], defs, words)}
    if typing.is_typeddict(hint):
        name = hint.__name__[0].lower() + hint.__name__[1:]
        if name not in defs:
            defs[name] = {}
            members = fields(hint)
            defs[name] = {
                "type": "object",
                "additionalProperties": False,
                "required": sorted(m.schema_name for m in members if m.required),
                "properties": {
                    m.schema_name: _described(_json_type(m.hint, defs, words), m.doc, words) for m in members
                },
            }
        return {"$ref": f"#/$defs/{name}"}
    if inspect.isclass(hint) and issubclass(hint, enum.Enum):
        return {"enum": [member.value for member in hint]}
    if hint is AwsProvider:
        raise ValueError("a provider resource has no catalog spelling")
    return {"type": {str: "string", bool: "boolean", int: "integer", float: "number"}[hint]}


def _deferred(hint: Any) -> bool:
    origin = typing.get_origin(hint)
    return isinstance(hint, typing.ForwardRef) or (inspect.isclass(origin) and issubclass(origin, Awaitable))


STACK_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "eks-irsa/stack-config.schema.json",
    "title": "eks-irsa stack configuration",
    "description": "Shape of the config section of stacks/Pulumi.<stack>.yaml. Rules that need more than shape "
    "(Kubernetes names, IAM quotas) are checked in components/settings.py.",
    "type": "object",
    "required": ["aws:region", "aws:allowedAccountIds"],
    "properties": {
        "aws:region": {"type": "string", "minLength": 1},
        "aws:allowedAccountIds": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "pattern": "^[0-9]{12}$"},
        },
        "aws:profile": {
            "type": "string",
            "minLength": 1,
            "description": "The AWS CLI profile of the AWS provider; the Kubernetes "
            "provider's aws eks get-token uses it too.",
        },
        "aws:assumeRoles": {
            "type": "array",
            "description": "The roles the AWS provider assumes (pulumi-aws 7); the "
            "Kubernetes provider's aws eks get-token assumes the same one "
            "(one role, no externalId).",
            "items": {
                "type": "object",
                "required": ["roleArn"],
                "properties": {"roleArn": {"type": "string", "pattern": "^arn:aws[a-z-]*:iam::[0-9]{12}:role/"}},
            },
        },
        "eks-irsa:cluster": {"$ref": "#/$defs/cluster"},
        "eks-irsa:services": {"type": "object", "additionalProperties": {"$ref": "#/$defs/service"}},
        "eks-irsa:createNamespaces": {"type": "boolean"},
        "eks-irsa:trustPolicyMaxSize": {"type": "integer", "minimum": 2048, "maximum": 8192},
        "eks-irsa:maxManagedPolicies": {"type": "integer", "minimum": 10, "maximum": 25},
        "eks-irsa:accounts": {"type": "object", "additionalProperties": {"$ref": "#/$defs/account"}},
        "eks-irsa:existingCluster": {"$ref": "#/$defs/existingCluster"},
    },
    "$defs": {
        "stringList": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "stringMap": {"type": "object", "additionalProperties": {"type": "string"}},
        "cluster": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "vpcId", "privateSubnetIds"],
            "properties": {
                "name": {"type": "string"},
                "kubernetesVersion": {"type": "string", "pattern": "^1\\.[0-9]+$"},
                "vpcId": {"type": "string", "pattern": "^vpc-[0-9a-f]{8,17}$"},
                "privateSubnetIds": {
                    "type": "array",
                    "minItems": 2,
                    "items": {"type": "string", "pattern": "^subnet-[0-9a-f]{8,17}$"},
                },
                "publicSubnetIds": {"type": "array", "items": {"type": "string", "pattern": "^subnet-[0-9a-f]{8,17}$"}},
                "endpoint": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "privateAccess": {"type": "boolean"},
                        "publicAccess": {"type": "boolean"},
                        "publicAccessCidrs": {"$ref": "#/$defs/stringList"},
                        "privateAccessCidrs": {"$ref": "#/$defs/stringList"},
                        "privateAccessSecurityGroupIds": {"$ref": "#/$defs/stringList"},
                    },
                },
                "admins": {
                    "type": "array",
                    "items": {"type": "string", "pattern": "^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:"},
                },
                "bootstrapCreatorAdmin": {"type": "boolean"},
                "protect": {"type": "boolean"},
                "deletionProtection": {"type": "boolean"},
                "controlPlaneLogs": {"$ref": "#/$defs/stringList"},
                "tags": {"$ref": "#/$defs/stringMap"},
                "nodeGroups": {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": {"$ref": "#/$defs/nodeGroup"},
                },
                "oidcClientIds": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
                "upgradePolicy": {"enum": ["EXTENDED", "STANDARD"]},
                "addonVersions": {"$ref": "#/$defs/stringMap"},
                "autoMode": {
                    "type": "boolean",
                    "description": "EKS Auto Mode: EKS runs compute, networking, "
                    "storage and load balancing; node groups become "
                    "optional.",
                },
            },
            "if": {"not": {"properties": {"autoMode": {"const": True}}, "required": ["autoMode"]}},
            "then": {"required": ["nodeGroups"]},
        },
        "nodeGroup": {
            "type": "object",
            "additionalProperties": False,
            "required": ["instanceTypes"],
            "properties": {
                "instanceTypes": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": "string", "pattern": "^[a-z0-9-]+\\.[a-z0-9]+$"},
                },
                "amiType": {"type": "string"},
                "minSize": {"type": "integer", "minimum": 0},
                "maxSize": {"type": "integer", "minimum": 1},
                "desiredSize": {"type": "integer", "minimum": 0},
                "diskSize": {"type": "integer", "minimum": 20},
                "labels": {"$ref": "#/$defs/stringMap"},
                "imdsHopLimit": {"type": "integer", "minimum": 1, "maximum": 64},
                "allowPodImdsAccess": {"type": "boolean"},
            },
        },
        "policyFile": {
            "type": "object",
            "additionalProperties": False,
            "required": ["file"],
            "properties": {
                "file": {"type": "string", "minLength": 1},
                "justification": {"type": "string", "minLength": 1},
                "justifications": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}},
            },
        },
        "account": {
            "type": "object",
            "additionalProperties": False,
            "required": ["accountId", "assumeRoleArn"],
            "properties": {
                "accountId": {"type": "string", "pattern": "^[0-9]{12}$"},
                "assumeRoleArn": {"type": "string", "pattern": "^arn:aws[a-z-]*:iam::[0-9]{12}:role/"},
            },
        },
        "existingCluster": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "stackReference": {"type": "string", "pattern": "^[^/\\s]+/[^/\\s]+/[^/\\s]+$"},
                "oidcClientIds": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
                "tags": {"$ref": "#/$defs/stringMap"},
            },
        },
    },
    "oneOf": [
        {"required": ["eks-irsa:cluster"], "not": {"required": ["eks-irsa:existingCluster"]}},
        {"required": ["eks-irsa:existingCluster"], "not": {"required": ["eks-irsa:cluster"]}},
    ],
}
"""The catalog's stack-wide keys, cluster, node group, existing cluster, accounts and policy files: the
catalog's own shape, declared here; the service entry is added by :func:`catalog_schema`."""


if __name__ == "__main__":
    main()
