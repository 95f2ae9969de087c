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

``eks-irsa:cluster`` is an :class:`~eks_irsa.contract.cluster.EksClusterArgs` the same way: each field's key is
:func:`~eks_irsa.contract.fields.camel` of its name, except the catalog's own words (:data:`CLUSTER_NAMES`:
``name``, ``admins``, ``upgradePolicy``, ``controlPlaneLogs``), the endpoint fields written under ``endpoint``
(:data:`ENDPOINT_FIELDS`), ``nodeGroups`` a map whose key is each ``NodeGroupArgs.name``, the fields the program
fills (:data:`CLUSTER_PROGRAM_FIELDS`, each with where it comes from) and the catalog's own ``protect``
(:data:`CLUSTER_ONLY`). Every bound the schema shows is the component's (:data:`eks_irsa.plan.cluster.CLUSTER_BOUNDS`:
ID forms, two private subnets, the Kubernetes version's form, the OIDC client IDs' count and length, node counts,
instance types, disk size, hop limit), merged in from that table and refused by that rule, never by the schema
(:func:`owned_bound`); the rules the schema cannot show (admin ARNs, CIDRs, security group IDs, node groups unless
``autoMode``) are the component's alone. A new ``EksClusterArgs`` or ``NodeGroupArgs`` field is thus a
catalog key, read by :func:`cluster_from_catalog` and described in the schema, with no edit here.

:func:`catalog_schema` is what ``make schema`` writes to ``eks_irsa/catalog/schema.json``: the service entry,
its statements and trusted clusters, the cluster and its node groups derived from the contract, the stack-wide
keys, accounts and policy files declared here (:data:`STACK_SCHEMA`); ``eks-irsa:existingCluster`` is an
:class:`~eks_irsa.contract.existing.ExistingClusterArgs` the same way (:func:`existing_keys`). Pure: standard library
only.
"""

import enum
import inspect
import json
import sys
import typing
from collections.abc import Awaitable, Mapping
from typing import Any

from ..plan.cluster import schema_bounds
from .cluster import EksClusterArgs
from .existing import ExistingClusterArgs
from .fields import camel, fields, rename, schema_name
from .inputs import AwsProvider, OneOrMore
from .nodegroup import NodeGroupArgs
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


CLUSTER_NAMES: Mapping[str, str] = {
    "cluster_name": "name",
    "admin_principal_arns": "admins",
    "upgrade_support_type": "upgradePolicy",
    "enabled_cluster_log_types": "controlPlaneLogs",
}
"""``EksClusterArgs`` field -> ``eks-irsa:cluster`` key, where the catalog's word is not camelCase of the field: the
catalog has said so since 0.1 (the cluster's name in a cluster entry, the admins it lists, EKS's
``upgradePolicy`` and the console's "control plane logs")."""

ENDPOINT_FIELDS = (
    "endpoint_private_access",
    "endpoint_public_access",
    "public_access_cidrs",
    "private_access_cidrs",
    "private_access_security_group_ids",
)
"""``EksClusterArgs`` fields written under ``eks-irsa:cluster.endpoint``, each as camelCase of its name without the
``endpoint_`` prefix (``endpoint.privateAccess``, ``endpoint.publicAccessCidrs``): the API endpoint's settings."""

NODE_GROUP_KEY = "name"
"""The ``NodeGroupArgs`` field that is the key of its entry in ``eks-irsa:cluster.nodeGroups`` (a map, so two
groups cannot share a name), not a key inside it."""

CLUSTER_PROGRAM_FIELDS: Mapping[str, str] = {
    "partition": "derived from aws:region",
    "kubeconfig_credentials": "aws:profile and aws:assumeRoles",
    "pod_identity_agent": "on when a service's identity uses EKS Pod Identity",
    "deployer_arn": "looked up (aws.getCallerIdentity) when bootstrapCreatorAdmin is false",
    "creator_arn": "the cluster's eks-irsa:creator tag, else the identity running pulumi up",
}
"""``EksClusterArgs`` fields not offered in ``eks-irsa:cluster``, and where the reference program takes each from
(:func:`eks_irsa.catalog.load_catalog`, :func:`eks_irsa.catalog.cluster_args`)."""

CLUSTER_ONLY: Mapping[str, dict[str, Any]] = {
    "protect": {
        "type": "boolean",
        "description": "Pulumi's protect resource option on the EksCluster component: Pulumi refuses to delete it "
        "until the option is turned off (Pulumi docs, 'Resource options: protect'). Default: false.",
    },
}
"""``eks-irsa:cluster`` keys that are the catalog's own (a resource option of the program, not an Args field)."""

EXISTING_PROGRAM_FIELDS: Mapping[str, str] = {
    "partition": "derived from aws:region",
    "account_id": "the first of aws:allowedAccountIds",
    "kubeconfig_credentials": "aws:profile and aws:assumeRoles",
}
"""``ExistingClusterArgs`` fields not offered in ``eks-irsa:existingCluster``, and where the program takes each
from; the others are keys by the cluster's rule (camelCase, :data:`CLUSTER_NAMES`: ``cluster_name`` is ``name``)."""

EXISTING_ONLY: Mapping[str, dict[str, Any]] = {
    "oidcClientIds": {
        "type": "array",
        "items": {"type": "string"},
        "description": "The client IDs (audiences) the cluster's IAM OIDC provider was made with; every role's "
        'audience must be one of them. Default: ["sts.amazonaws.com"].',
    },
    "tags": {"$ref": "#/$defs/stringMap", "description": "AWS tags on every role this stack makes. Default: none."},
}
"""``eks-irsa:existingCluster`` keys that are the catalog's own: the stack-wide role settings a cluster this stack
makes takes from its ``EksClusterArgs`` (``oidcClientIds``, ``tags``), for a cluster made elsewhere.
``oidcClientIds``'s bounds are ``EksClusterArgs.oidc_client_ids``'s (:data:`EXISTING_CLIENT_IDS_BOUNDS`)."""

EXISTING_CLIENT_IDS_BOUNDS = schema_bounds("EksClusterArgs", "oidc_client_ids")
"""``eks-irsa:existingCluster.oidcClientIds``'s schema keywords: the IAM OIDC provider's client ID quota as
:data:`eks_irsa.plan.cluster.CLUSTER_BOUNDS` gives it for ``EksClusterArgs.oidc_client_ids``; the loader refuses
them with that rule (:func:`eks_irsa.plan.cluster.check_bounds`), not the schema."""


def existing_keys() -> dict[str, str]:
    """``ExistingClusterArgs`` field -> ``eks-irsa:existingCluster`` key, for every field the catalog offers."""
    return {
        item.name: CLUSTER_NAMES.get(item.name) or camel(item.name)
        for item in fields(ExistingClusterArgs)
        if item.name not in EXISTING_PROGRAM_FIELDS
    }


def existing_from_catalog(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The ``ExistingClusterArgs`` fields an ``eks-irsa:existingCluster`` entry gives (only the keys written), mapped
    through :func:`existing_keys`; the entry is assumed to have passed the schema's shape."""
    return {name: json.loads(json.dumps(entry[key])) for name, key in existing_keys().items() if key in entry}


def cluster_keys() -> dict[str, str]:
    """``EksClusterArgs`` field (and ``NodeGroupArgs`` field) -> ``eks-irsa:cluster`` key, for every field the catalog
    offers: ``endpoint.<key>`` for :data:`ENDPOINT_FIELDS`; a node group's keys are relative to its entry
    (``nodeGroups.<name>.minSize``). The loader reads the entry through it (:func:`cluster_from_catalog`) and the
    catalog translates ``check_cluster_args``'s problems back through it."""
    keys: dict[str, str] = {}
    for item in fields(EksClusterArgs):
        if item.name in CLUSTER_PROGRAM_FIELDS:
            continue
        if item.name in ENDPOINT_FIELDS:
            keys[item.name] = f"endpoint.{camel(item.name.removeprefix('endpoint_'))}"
        else:
            keys[item.name] = CLUSTER_NAMES.get(item.name) or camel(item.name)
    for item in fields(NodeGroupArgs):
        if item.name != NODE_GROUP_KEY:
            keys[item.name] = camel(item.name)
    return keys


def cluster_from_catalog(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The ``EksClusterArgs`` fields an ``eks-irsa:cluster`` entry gives, mapped through :func:`cluster_keys`: only the
    keys written (the component applies its defaults), values copied; ``nodeGroups`` becomes ``node_groups``, one
    ``NodeGroupArgs`` per entry in key order, its key as ``name``. The entry is assumed to have passed
    :func:`catalog_schema`'s shape; the values are checked by :func:`eks_irsa.plan.cluster.check_cluster_args`."""
    keys = cluster_keys()
    args: dict[str, Any] = {}
    for item in fields(EksClusterArgs):
        if item.name not in keys:
            continue
        *parents, key = keys[item.name].split(".")
        scope: Any = entry
        for parent in parents:
            scope = scope.get(parent, {})
        if key not in scope:
            continue
        value = json.loads(json.dumps(scope[key]))
        if item.name == "node_groups":
            value = [_node_group(name, value[name], keys) for name in sorted(value)]
        args[item.name] = value
    return args


def _node_group(name: str, entry: Mapping[str, Any], keys: Mapping[str, str]) -> dict[str, Any]:
    group: dict[str, Any] = {NODE_GROUP_KEY: name}
    for item in fields(NodeGroupArgs):
        if item.name != NODE_GROUP_KEY and keys[item.name] in entry:
            group[item.name] = entry[keys[item.name]]
    return group


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
    _cluster_defs(defs)
    _existing_def(defs)
    schema["$defs"] = dict(sorted(defs.items()))
    return schema


def _cluster_defs(defs: dict[str, Any]) -> None:
    """``$defs.cluster`` and ``$defs.nodeGroup`` from ``EksClusterArgs`` and ``NodeGroupArgs`` (:func:`cluster_keys`,
    :data:`CLUSTER_ONLY`, :func:`owned_bound`); descriptions in catalog words."""
    keys = words = cluster_keys()
    properties: dict[str, Any] = {}
    endpoint: dict[str, Any] = {}
    required = []
    for item in fields(EksClusterArgs):
        if item.name not in keys:
            continue
        if item.name == "node_groups":
            spec: dict[str, Any] = {"type": "object", "additionalProperties": {"$ref": "#/$defs/nodeGroup"}}
        else:
            spec = _json_type(item.hint, defs, words)
        spec = _described(_bounded(spec, schema_bounds("EksClusterArgs", item.name)), item.doc, words)
        *parent, key = keys[item.name].split(".")
        (endpoint if parent else properties)[key] = spec
        if item.required:
            required.append(key)
    properties["endpoint"] = {"type": "object", "additionalProperties": False, "properties": endpoint}
    properties.update(json.loads(json.dumps(CLUSTER_ONLY)))
    defs["cluster"] = {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
    }
    group = [item for item in fields(NodeGroupArgs) if item.name != NODE_GROUP_KEY]
    defs["nodeGroup"] = {
        "type": "object",
        "additionalProperties": False,
        "required": [keys[item.name] for item in group if item.required],
        "properties": {
            keys[item.name]: _described(
                _bounded(_json_type(item.hint, defs, words), schema_bounds("NodeGroupArgs", item.name)),
                item.doc,
                words,
            )
            for item in group
        },
    }


def owned_bound(owner: str, name: str, keyword: str) -> bool:
    """Whether the schema's ``keyword`` (``minimum``, ``pattern``, ...) on ``owner``'s field ``name`` (``pattern``
    under ``items`` counts as ``pattern``) is a bound the component's rule owns and reports
    (:data:`eks_irsa.plan.cluster.CLUSTER_BOUNDS`), so the catalog leaves the refusal to it."""
    bounds = schema_bounds(owner, name)
    return keyword in bounds or keyword in bounds.get("items", {})


def _existing_def(defs: dict[str, Any]) -> None:
    """``$defs.existingCluster`` from ``ExistingClusterArgs`` (:func:`existing_keys`, :data:`EXISTING_ONLY`)."""
    keys = existing_keys()
    offered = [item for item in fields(ExistingClusterArgs) if item.name in keys]
    client_ids = _bounded(json.loads(json.dumps(EXISTING_ONLY["oidcClientIds"])), EXISTING_CLIENT_IDS_BOUNDS)
    properties = {
        keys[item.name]: _described(
            _json_type(item.hint, defs, keys),
            item.doc,
            keys,
        )
        for item in offered
    }
    defs["existingCluster"] = {
        "type": "object",
        "additionalProperties": False,
        "required": [keys[item.name] for item in offered if item.required],
        "properties": {**properties, **json.loads(json.dumps(EXISTING_ONLY)), "oidcClientIds": client_ids},
    }


def _bounded(spec: dict[str, Any], bounds: Mapping[str, Any]) -> dict[str, Any]:
    """``spec`` with ``bounds`` merged in (``items`` merged key by key, so an item pattern keeps the item type)."""
    merged = dict(spec)
    for key, value in bounds.items():
        merged[key] = _bounded(merged.get(key, {}), value) if isinstance(value, Mapping) else value
    return merged


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
        "stringMap": {"type": "object", "additionalProperties": {"type": "string"}},
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
    },
    "oneOf": [
        {"required": ["eks-irsa:cluster"], "not": {"required": ["eks-irsa:existingCluster"]}},
        {"required": ["eks-irsa:existingCluster"], "not": {"required": ["eks-irsa:cluster"]}},
    ],
}
"""The catalog's stack-wide keys, accounts and policy files: the catalog's own shape, declared here; the service
entry, the cluster, its node groups and the existing cluster are added by :func:`catalog_schema`."""


if __name__ == "__main__":
    main()
