"""The catalog: the raw config of ``stacks/Pulumi.<stack>.yaml`` -> typed settings and one plan per service.

What is the catalog's own is checked here: the shape (JSON Schema, ``eks_irsa/catalog/schema.json``),
unknown keys, ``${variables}``, policy files, add-on parameters, and cross-service rules (uniqueness,
pattern overlap). Every per-role rule is :func:`eks_irsa.plan.plan_role`'s; :data:`FIELDS` maps catalog
keys onto ``IrsaRoleArgs`` and translates its problems back. Every problem is reported at once in one
:class:`~eks_irsa.errors.IrsaConfigError`, before any resource is registered.

Rooms: :mod:`~eks_irsa.catalog.settings` (the typed settings), :mod:`~eks_irsa.catalog.load` (stack config,
:func:`load_catalog`, :func:`role_args`, :func:`cluster_args`,
:func:`existing_cluster_args`), :mod:`~eks_irsa.catalog.fields` (catalog key <->
Args field), :mod:`~eks_irsa.catalog.rules` (cross-service rules). This module only re-exports their names.
"""

from .fields import CLUSTER_FIELDS, CLUSTER_KEYS, FIELDS, SERVICE_ACCOUNT_OPTIONS, catalog_problem
from .load import (
    AWS_KEYS,
    PROJECT,
    SCHEMA_PATH,
    SCHEMA_SOURCE,
    cluster_args,
    decode_stack_config,
    existing_cluster_args,
    load_catalog,
    policy_file_justification,
    role_args,
    stack_config,
)
from .settings import (
    AUTO_MODE_ADDONS,
    AccountSettings,
    ClusterSettings,
    ExistingClusterSettings,
    ServiceSettings,
    StackSettings,
)

__all__ = [
    "AUTO_MODE_ADDONS",
    "AWS_KEYS",
    "CLUSTER_FIELDS",
    "CLUSTER_KEYS",
    "FIELDS",
    "PROJECT",
    "SCHEMA_PATH",
    "SCHEMA_SOURCE",
    "SERVICE_ACCOUNT_OPTIONS",
    "AccountSettings",
    "ClusterSettings",
    "ExistingClusterSettings",
    "ServiceSettings",
    "StackSettings",
    "catalog_problem",
    "cluster_args",
    "decode_stack_config",
    "existing_cluster_args",
    "load_catalog",
    "policy_file_justification",
    "role_args",
    "stack_config",
]
