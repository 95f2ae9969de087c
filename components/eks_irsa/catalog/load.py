"""Loading a stack file: its raw config checked against the schema, mapped through :mod:`~eks_irsa.catalog.fields`
onto ``EksClusterArgs`` and ``IrsaRoleArgs``, every service planned once, and the cross-service rules run."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import jsonschema

from ..access import credentials_from_aws_config
from ..addons import ADDONS, addon_statements
from ..addons.spec import EksAddon
from ..contract.catalog import (
    DEPRECATED_KEYS,
    cluster_from_catalog,
    cluster_keys,
    existing_from_catalog,
    existing_keys,
    owned_bound,
)
from ..contract.cluster import EksClusterArgs
from ..contract.existing import ExistingClusterArgs
from ..contract.fields import rename
from ..errors import IrsaConfigError, Problem
from ..iam import limits
from ..iam.partition import partition_for_region
from ..iam.policy import PolicyStatement, statements_from_document, substitute
from ..iam.trust import DEFAULT_AUDIENCE
from ..plan import RolePlan, plan_role, with_warnings
from ..plan.cluster import CLUSTER_DEFAULTS, check_bounds, check_cluster_args
from ..plan.existing import check_existing_cluster_args
from ..shape import JSON_KINDS, unknown_field, wrong_type
from .fields import FIELDS, SERVICE_ACCOUNT_OPTIONS, catalog_problem, cluster_key
from .rules import account_entries, auto_mode_addons, eks_addons, pod_identity_nodes, uniqueness
from .settings import AccountSettings, ClusterSettings, ExistingClusterSettings, ServiceSettings, StackSettings

SCHEMA_PATH = Path(__file__).with_name("schema.json")
SCHEMA_SOURCE = "eks_irsa/catalog/schema.json"
PROJECT = "eks-irsa"

EXISTING_KEYS = existing_keys()
"""``ExistingClusterArgs`` field -> ``eks-irsa:existingCluster`` key, for :func:`check_existing_cluster_args`'s
problems in catalog words (``cluster_name`` is ``name``)."""

AWS_KEYS = ("aws:region", "aws:allowedAccountIds", "aws:profile", "aws:assumeRoles")
"""The AWS provider's config keys the catalog reads."""


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))


def _shape_problems(config: Mapping[str, Any]) -> list[Problem]:
    problems = []
    known = set(_validator().schema["properties"])
    for key in sorted(k for k in config if k.startswith(f"{PROJECT}:") and k not in known):
        looks_like_service = isinstance(config[key], Mapping) and "namespace" in config[key]
        problems.append(
            Problem(
                key,
                "(key)",
                "is not a config key of this project",
                SCHEMA_SOURCE,
                f"indent {key.split(':', 1)[1]} under eks-irsa:services (it has a namespace, like a service)"
                if looks_like_service
                else f"fix the spelling; known keys: {', '.join(sorted(k for k in known if k.startswith(PROJECT)))}",
            )
        )
    for error in sorted(_validator().iter_errors(config), key=lambda e: [str(p) for p in e.absolute_path]):
        if _owned_by_the_cluster_rule(error):
            continue
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)[1:] or "(stack config)"
        if error.validator == "additionalProperties":
            known = error.schema.get("properties", {})
            current = sorted(k for k, v in known.items() if not v.get("deprecated"))
            problems += [
                unknown_field(f"{path}.{key}", error.instance[key], key, current)
                for key in sorted(set(error.instance) - set(known))
            ]
        elif error.validator == "oneOf" and not error.absolute_path:
            given = sorted(k for k in ("eks-irsa:cluster", "eks-irsa:existingCluster") if k in config)
            problems.append(
                Problem(
                    "eks-irsa:cluster",
                    given or "(neither)",
                    "must be exactly one of eks-irsa:cluster (a cluster this stack makes) and "
                    "eks-irsa:existingCluster (a cluster made elsewhere)",
                    SCHEMA_SOURCE,
                    "keep one of them",
                )
            )
        elif error.validator == "required":
            problems.append(Problem(path, "(missing)", error.message, SCHEMA_SOURCE, "add the field"))
        elif error.validator == "type" and isinstance(error.validator_value, str):
            problems.append(wrong_type(path, error.instance, JSON_KINDS[error.validator_value]))
        elif error.validator == "enum":
            problems.append(
                Problem(
                    path,
                    error.instance,
                    "is not one of the values this key takes (a closed set of the contract)",
                    SCHEMA_SOURCE,
                    f"use one of: {', '.join(map(str, error.validator_value))}",
                )
            )
        else:
            problems.append(
                Problem(
                    path,
                    error.instance,
                    f"fails the schema: {error.message}",
                    SCHEMA_SOURCE,
                    "give a value of the documented shape",
                )
            )
    return problems


def _owned_by_the_cluster_rule(error: jsonschema.ValidationError) -> bool:
    """Whether a schema error is a bound :func:`~eks_irsa.plan.cluster.check_cluster_args` owns and reports
    (:data:`~eks_irsa.plan.cluster.CLUSTER_BOUNDS`: ``eks-irsa:cluster.vpcId``'s form, ``nodeGroups.<name>.diskSize``'s
    range, ...; ``eks-irsa:existingCluster.oidcClientIds`` takes ``oidcClientIds``'s): the schema shows it to
    editors, the rule refuses it, in the same words on every path."""
    path = [str(p) for p in error.absolute_path if not isinstance(p, int)]
    if not isinstance(error.validator, str):
        return False
    if path == ["eks-irsa:existingCluster", "oidcClientIds"]:
        return owned_bound("EksClusterArgs", "oidc_client_ids", error.validator)
    if path[:1] != ["eks-irsa:cluster"]:
        return False
    group = path[1:2] == ["nodeGroups"] and len(path) == 4
    owner, key = ("NodeGroupArgs", path[3]) if group else ("EksClusterArgs", ".".join(path[1:]))
    names = [name for name, written in cluster_keys().items() if written == key]
    return any(owned_bound(owner, name, error.validator) for name in names)


def stack_config() -> dict[str, Any]:
    """The running Pulumi program's stack config as the schema sees it (see :func:`decode_stack_config`)."""
    from pulumi.runtime.config import CONFIG, get_config_env

    return decode_stack_config({**get_config_env(), **CONFIG.get()})


def decode_stack_config(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The config a Pulumi program receives (every value a string; objects JSON-encoded), as the schema sees it.

    Keeps this project's keys and the ``aws:`` keys it reads (:data:`AWS_KEYS`); decodes JSON values;
    ``aws:region`` and ``aws:profile`` stay strings. Values that are not JSON stay as given. A key
    without a namespace gets the project's, as the Pulumi CLI gives it (Pulumi docs, 'Configuration':
    keys default to the project namespace), so a service indented out of ``eks-irsa:services`` is an
    unknown key, never dropped.
    """
    config: dict[str, Any] = {}
    for key, value in raw.items():
        key = key if ":" in key else f"{PROJECT}:{key}"
        if key.startswith(f"{PROJECT}:") or key in AWS_KEYS:
            try:
                plain = key in ("aws:region", "aws:profile")
                config[key] = json.loads(value) if not plain and isinstance(value, str) else value
            except ValueError:
                config[key] = value
    return config


def load_catalog(
    config: Mapping[str, Any],
    project_root: Path,
    deployer: Callable[[], str] | None = None,
    creator: Callable[[str], str | None] | None = None,
) -> StackSettings:
    """Validate a stack's raw config, plan every service's role, and return typed settings.

    The catalog's own rules run here (schema shape, unknown keys, ``${variables}``, policy files,
    add-on parameters, cross-service uniqueness and pattern overlap); every per-role rule runs in
    :func:`eks_irsa.plan.plan_role`, once per service, with the issuer the cluster will have (same
    size as a real one), and its problems are translated to catalog keys by :func:`catalog_problem`.

    Args:
        config: the ``config:`` map of a stack file, keys as written (``aws:region``,
            ``eks-irsa:services``, ...), values already parsed from YAML.
        project_root: the folder ``policyFiles`` paths are relative to.
        deployer: returns the IAM principal running ``pulumi up`` (:func:`eks_irsa.deployer_arn`: one
            ``aws.getCallerIdentity``). Called once, only for a stack that creates its cluster with
            ``bootstrapCreatorAdmin: false``; its rule (``check_cluster_args``) then runs here, in catalog words,
            and the settings carry the principal to ``EksCluster``. Default: not called.
        creator: returns, for the cluster's name, the IAM principal that created it
            (:func:`eks_irsa.cluster_creator_arn`: its ``eks-irsa:creator`` tag, or the deployer before it exists).
            Called once, only for a stack that creates its cluster with ``bootstrapCreatorAdmin`` on; the same
            way, its rule runs here and the settings carry the principal. Default: not called.

    Raises:
        IrsaConfigError: every problem found, each naming the field, the value, the rule and its source.
    """
    problems = _shape_problems(config)
    raw_services = config.get("eks-irsa:services")
    broken = {_service_of(p.field, raw_services if isinstance(raw_services, Mapping) else {}) for p in problems}
    if problems and (None in broken or not config.get("eks-irsa:services")):
        raise IrsaConfigError(problems)
    region = config["aws:region"]
    partition = partition_for_region(region).name
    accounts = tuple(config["aws:allowedAccountIds"])
    if "eks-irsa:existingCluster" in config:
        raw_existing = config["eks-irsa:existingCluster"]
        cluster: ClusterSettings | ExistingClusterSettings = ExistingClusterSettings(
            args=existing_from_catalog(raw_existing),
            oidc_client_ids=tuple(raw_existing.get("oidcClientIds", (DEFAULT_AUDIENCE,))),
            tags=dict(raw_existing.get("tags", {})),
        )
    else:
        cluster = _cluster(config["eks-irsa:cluster"], deployer, creator)
    credentials, found = credentials_from_aws_config(config.get("aws:profile"), config.get("aws:assumeRoles"))
    problems += found
    variables = {"account": accounts[0], "cluster": cluster.name, "partition": partition, "region": region}
    accounts_config = config.get("eks-irsa:accounts", {})
    other_accounts = {
        key: AccountSettings(key, value["accountId"], value["assumeRoleArn"]) for key, value in accounts_config.items()
    }
    settings = StackSettings(
        region=region,
        partition=partition,
        account_id=accounts[0],
        allowed_account_ids=accounts,
        cluster=cluster,
        services=(),
        accounts=other_accounts,
        create_namespaces=config.get("eks-irsa:createNamespaces", "eks-irsa:existingCluster" not in config),
        trust_policy_max_size=config.get("eks-irsa:trustPolicyMaxSize", limits.TRUST_POLICY_MAX_DEFAULT),
        max_managed_policies=config.get("eks-irsa:maxManagedPolicies", limits.MANAGED_POLICIES_PER_ROLE_DEFAULT),
        kubeconfig_credentials=credentials,
    )
    if isinstance(cluster, ExistingClusterSettings):
        problems += [
            Problem(
                f"eks-irsa:existingCluster.{rename(p.field, EXISTING_KEYS)}",
                p.value,
                rename(p.rule, EXISTING_KEYS),
                p.source,
                rename(p.fix, EXISTING_KEYS),
            )
            for p in check_existing_cluster_args(existing_cluster_args(settings))
        ]
        problems += [
            Problem(f"eks-irsa:existingCluster.{cluster_key(p.field)}", p.value, p.rule, p.source, p.fix)
            for p in check_bounds("EksClusterArgs", "", {"oidc_client_ids": list(cluster.oidc_client_ids)})
        ]
    else:
        found = check_cluster_args(cluster_args(settings), cluster.deployer_arn)
        problems += [
            Problem(
                f"eks-irsa:cluster.{cluster_key(p.field)}",
                {cluster_key(k): v for k, v in p.value.items()} if isinstance(p.value, dict) else p.value,
                cluster_key(p.rule),
                p.source,
                cluster_key(p.fix),
            )
            for p in found
        ]
    services: list[ServiceSettings] = []
    plans: dict[str, RolePlan] = {}
    catalog = config.get("eks-irsa:services") or {}
    for name in sorted(n for n in catalog if n not in broken):
        service = _service(name, catalog[name], variables, project_root, problems)
        if service is None:
            continue
        services.append(service)
        unknown = [
            (key, value)
            for key, value in (("account", service.account), ("targetRole.account", service.target_account))
            if value is not None and value not in other_accounts
        ]
        for key, value in unknown:
            problems.append(
                Problem(
                    f"eks-irsa:services.{service.name}.{key}",
                    value,
                    "is not a key of eks-irsa:accounts",
                    "this package's catalog format",
                    f"use one of: {', '.join(sorted(other_accounts)) or '(none defined)'}",
                )
            )
        if unknown:
            continue
        try:
            plan = plan_role(name, role_args(settings, service, *_planned_provider(settings, service)))
            plans[name] = with_warnings(plan, service.deprecations)
        except IrsaConfigError as error:
            problems += [catalog_problem(service, p) for p in error.problems]
    problems += uniqueness(services, plans, cluster.name)
    problems += account_entries(settings.account_id, settings.accounts, services)
    problems += eks_addons(services)
    problems += auto_mode_addons(settings.cluster, catalog)
    problems += pod_identity_nodes(settings.cluster, plans)
    if problems:
        raise IrsaConfigError(problems)
    return replace(settings, services=tuple(services), plans=plans)


def role_args(
    settings: StackSettings,
    service: ServiceSettings,
    provider_arn: Any,
    issuer: Any,
    cluster_name: Any = None,
    target_provider: Any = None,
) -> dict[str, Any]:
    """One service's full ``IrsaRoleArgs``: the catalog's fields plus the stack-wide ones.

    ``provider_arn``, ``issuer`` and ``cluster_name`` may be Outputs (the cluster's); ``cluster_name``
    defaults to the configured name. A service with ``existingRoleArn`` gets none of the stack-wide role
    settings (cluster tags, trust policy and managed policy quotas): they cannot apply to a role managed
    elsewhere. ``target_provider`` is the AWS provider of the service's
    ``targetRole.account`` (the program makes it with :class:`eks_irsa.AccountProvider`).
    """
    account = settings.accounts[service.account].account_id if service.account else settings.account_id
    c = settings.cluster
    args: dict[str, Any] = {
        **service.args,
        "cluster_name": cluster_name if cluster_name is not None else c.name,
        "oidc_provider_arn": provider_arn,
        "oidc_issuer": issuer,
        "provider_client_ids": list(c.oidc_client_ids),
        "role_account_id": account,
        "tags": {**c.tags, **service.args.get("tags", {})},
        "cluster_arn": f"arn:{settings.partition}:eks:{settings.region}:{settings.account_id}:cluster/{c.name}",
        "trust_policy_max_size": settings.trust_policy_max_size,
        "max_managed_policies": settings.max_managed_policies,
    }
    if "existing_role_arn" in service.args:
        # A role managed elsewhere takes none of the stack-wide role settings (plan_role refuses the service's own).
        for key in ("tags", "trust_policy_max_size", "max_managed_policies"):
            if key not in service.args:
                del args[key]
    if service.target_account is not None:
        target = {"account_id": settings.accounts[service.target_account].account_id}
        args["target_role"] = {**target, **({"provider": target_provider} if target_provider is not None else {})}
    if not service.identity.uses_irsa:
        del args["oidc_provider_arn"], args["oidc_issuer"]
    if not service.identity.uses_pod_identity:
        del args["cluster_arn"]
    return args


def cluster_args(settings: StackSettings) -> EksClusterArgs:
    """The stack's ``EksClusterArgs``, mapped once: ``eks-irsa:cluster`` with the stack-wide fields (the partition
    derived from ``aws:region``, the kubeconfig credentials of ``aws:profile``/``aws:assumeRoles``, the Pod
    Identity agent when a service uses Pod Identity). :func:`load_catalog` checks them (``check_cluster_args``,
    problems in catalog keys) and the program passes the same mapping to ``EksCluster``.

    Raises:
        TypeError: the stack points at an existing cluster (``eks-irsa:existingCluster``): no ``EksClusterArgs``.
    """
    c = settings.cluster
    if not isinstance(c, ClusterSettings):
        raise TypeError(f"the stack's cluster {c.name} is an existing cluster; it has no EksClusterArgs")
    mapped: dict[str, Any] = {
        **c.args,
        "partition": settings.partition,
        "pod_identity_agent": any(s.identity.uses_pod_identity for s in settings.services),
        "kubeconfig_credentials": dict(settings.kubeconfig_credentials),
    }
    # Plain strings where the Args name enums (StrEnum: equal to their values); check_cluster_args checks them.
    return cast("EksClusterArgs", mapped)


def existing_cluster_args(settings: StackSettings) -> ExistingClusterArgs:
    """The stack's ``ExistingClusterArgs``, mapped once: ``eks-irsa:existingCluster`` with the stack-wide fields
    (the partition derived from ``aws:region``, the account of ``aws:allowedAccountIds``, the kubeconfig credentials
    of ``aws:profile``/``aws:assumeRoles``); the program passes it to ``ExistingCluster``.

    Raises:
        TypeError: the stack makes its cluster (``eks-irsa:cluster``): no ``ExistingClusterArgs``.
    """
    c = settings.cluster
    if not isinstance(c, ExistingClusterSettings):
        raise TypeError(f"the stack makes its cluster {c.name}; it has no ExistingClusterArgs")
    mapped: dict[str, Any] = {
        **c.args,
        "partition": settings.partition,
        "account_id": settings.account_id,
        "kubeconfig_credentials": dict(settings.kubeconfig_credentials),
    }
    return cast("ExistingClusterArgs", mapped)


def _planned_provider(settings: StackSettings, service: ServiceSettings) -> tuple[str, str]:
    """The provider ARN and issuer the cluster will have, with an issuer id of the real size (32 characters)."""
    dns = partition_for_region(settings.region).dns_suffix
    issuer = f"oidc.eks.{settings.region}.{dns}/id/{'0' * 32}"
    account = settings.accounts[service.account].account_id if service.account else settings.account_id
    return f"arn:{settings.partition}:iam::{account}:oidc-provider/{issuer}", issuer


def _service_of(field_path: str, services: Mapping[str, Any]) -> str | None:
    """The service of ``services`` a schema problem is about (``eks-irsa:services.<name>...``; a name may hold
    ``.`` or ``[``, so the longest name the path starts with wins), or ``None`` for the rest."""
    prefix = "eks-irsa:services."
    named = [
        name
        for name in services
        if field_path == f"{prefix}{name}" or field_path.startswith((f"{prefix}{name}.", f"{prefix}{name}["))
    ]
    return max(named, key=len, default=None)


def _cluster(
    raw: Mapping[str, Any],
    deployer: Callable[[], str] | None = None,
    creator: Callable[[str], str | None] | None = None,
) -> ClusterSettings:
    """``eks-irsa:cluster`` as typed settings: its ``EksClusterArgs`` fields mapped by the contract's table
    (:func:`~eks_irsa.contract.catalog.cluster_from_catalog`), the deployer or creator looked up when the
    ``bootstrapCreatorAdmin`` setting needs one; :func:`cluster_args` adds the stack-wide fields."""
    args = cluster_from_catalog(raw)
    if args.get("bootstrap_creator_admin", CLUSTER_DEFAULTS["bootstrap_creator_admin"]):
        found = creator(args["cluster_name"]) if creator is not None else None
        args.update({"creator_arn": found} if found else {})
    elif deployer is not None:
        args["deployer_arn"] = deployer()
    return ClusterSettings(args=args, protect=raw.get("protect", False))


def _service(
    name: str,
    raw: Mapping[str, Any],
    variables: Mapping[str, str],
    project_root: Path,
    problems: list[Problem],
) -> ServiceSettings | None:
    """Map one catalog entry onto ``IrsaRoleArgs`` through :data:`FIELDS`: substitute ``${variables}``,
    read policy files, expand the add-on. Every per-role rule is ``plan_role``'s, not this function's."""
    where = f"eks-irsa:services.{name}"
    found: list[Problem] = []
    deprecated = [(old, new) for old, new in DEPRECATED_KEYS.items() if old in raw]
    for old, new in deprecated:
        if new in raw:
            found.append(
                Problem(
                    f"{where}.{old}",
                    raw[old],
                    f"is the former name of {new}, which is given too",
                    SCHEMA_SOURCE,
                    f"keep {new}",
                )
            )
        raw = {**{k: v for k, v in raw.items() if k != old}, new: raw.get(new, raw[old])}

    def sub(field_path: str, value: str) -> str:
        try:
            return substitute(field_path, value, variables)
        except IrsaConfigError as error:
            found.extend(error.problems)
            return value

    args: dict[str, Any] = {}
    for arg, key in FIELDS.items():
        if key in raw and arg not in (
            "statements",
            "session_policy",
            "target_role",
            "additional_clusters",
            *SERVICE_ACCOUNT_OPTIONS,
        ):
            value = raw[key]
            args[arg] = sub(f"{where}.{key}", value) if isinstance(value, str) else value
    options = {arg: raw[FIELDS[arg]] for arg in SERVICE_ACCOUNT_OPTIONS if FIELDS[arg] in raw}
    if options:
        args["service_account_options"] = options
    if "managed_policy_arns" in args:
        args["managed_policy_arns"] = [sub(f"{where}.managedPolicyArns", a) for a in args["managed_policy_arns"]]
    if isinstance(args.get("managed_policy_justifications"), Mapping):
        args["managed_policy_justifications"] = {
            sub(f"{where}.managedPolicyJustifications", arn): why
            for arn, why in args["managed_policy_justifications"].items()
        }
    if raw.get("trustedClusters"):
        args["additional_clusters"] = [
            {
                "oidc_provider_arn": sub(f"{where}.trustedClusters[{i}].oidcProviderArn", c["oidcProviderArn"]),
                "oidc_issuer": sub(f"{where}.trustedClusters[{i}].oidcIssuer", c["oidcIssuer"]),
            }
            for i, c in enumerate(raw["trustedClusters"])
        ]
    addon = raw.get("addon")
    spec = ADDONS.get(addon["name"]) if addon else None
    if spec and "serviceAccount" not in raw and "serviceAccounts" not in raw and "subjectPattern" not in raw:
        args["service_account"] = spec.service_account
    if spec and isinstance(spec.installed_by, EksAddon):
        if raw.get("createServiceAccount"):
            found.append(
                Problem(
                    f"{where}.createServiceAccount",
                    True,
                    f"would create the ServiceAccount that the EKS add-on {spec.installed_by.name} creates and "
                    "overwrites",
                    "EKS User Guide, 'Amazon EKS add-ons'",
                    "leave createServiceAccount out (false for an EKS add-on)",
                )
            )
        args["create_service_account"] = False
    if spec and FIELDS["automount_token"] not in raw and args.get("create_service_account", True):
        args.setdefault("service_account_options", {})["automount_token"] = spec.kubernetes_api
    statements = [_statement(f"{where}.statements[{i}]", item, sub) for i, item in enumerate(raw.get("statements", []))]
    origins = [f"statements[{index}]" for index in range(len(statements))]
    if "roleArn" in raw.get("targetRole", {}):
        args["target_role"] = {"role_arn": sub(f"{where}.targetRole.roleArn", raw["targetRole"]["roleArn"])}
    if "sessionPolicy" in raw:
        args["session_policy"] = [
            _statement(f"{where}.sessionPolicy[{i}]", item, sub) for i, item in enumerate(raw["sessionPolicy"])
        ]
    for index, item in enumerate(raw.get("policyFiles", [])):
        path = f"policyFiles[{index}]"
        read = _read_policy_file(f"{where}.{path}", project_root / item["file"], found)
        for number, statement in enumerate(read):
            justification = policy_file_justification(statement, number, item)
            resources = [sub(f"{where}.{path}.Resource", r) for r in statement.resources]
            statements.append(_permission(statement, resources, justification))
            origins.append(f"{path}.Statement[{number}]")
        keys = {str(number) for number in range(len(read))} | {s.sid for s in read if s.sid}
        unknown = sorted(set(item.get("justifications", {})) - keys)
        if read and unknown:
            found.append(
                Problem(
                    f"{where}.{path}.justifications",
                    unknown,
                    f"name no statement of {item['file']} (keys are a statement's Sid or its 0-based index)",
                    "this package's catalog format",
                    f"use one of {', '.join(sorted(keys, key=lambda k: (not k.isdigit(), k.zfill(4))))}",
                )
            )
    if addon:
        try:
            for statement in addon_statements(
                addon["name"],
                addon,
                partition=variables["partition"],
                region=variables["region"],
                account=variables["account"],
                cluster=variables["cluster"],
                field=f"{where}.addon",
            ):
                statements.append(_permission(statement, list(statement.resources), statement.justification))
                origins.append("addon")
        except IrsaConfigError as error:
            found.extend(error.problems)
    if statements:
        args["statements"] = statements
    problems += found
    if found:
        return None
    return ServiceSettings(
        name=name,
        args=args,
        statement_fields=tuple(origins),
        account=raw.get("account"),
        addon=spec.name if spec else None,
        target_account=raw.get("targetRole", {}).get("account"),
        deprecations=tuple(f"{where}.{old} is deprecated; write {new} (same meaning)" for old, new in deprecated),
    )


def _permission(statement: PolicyStatement, resources: list[str], justification: str | None) -> dict[str, Any]:
    """A parsed statement (a policy file's, an add-on's) as a ``PermissionStatement``, with ``resources`` as
    given (variables substituted) and ``justification`` if any."""
    return {
        "actions": list(statement.actions),
        "resources": resources,
        "effect": statement.effect.value,
        "conditions": {op: dict(keys) for op, keys in statement.conditions.items()},
        **({"sid": statement.sid} if statement.sid else {}),
        **({"justification": justification} if justification else {}),
    }


def _statement(path: str, item: Mapping[str, Any], sub: Any) -> dict[str, Any]:
    """One catalog statement as a ``PermissionStatement``, every ``${variable}`` substituted (``sub(path, text)``)."""
    statement = {
        "actions": list(item["actions"]),
        "resources": [sub(f"{path}.resources", r) for r in item["resources"]],
        "effect": item.get("effect", "Allow"),
        "conditions": {
            op: {
                sub(f"{path}.conditions", k): [sub(f"{path}.conditions", x) for x in ([v] if isinstance(v, str) else v)]
                for k, v in keys.items()
            }
            for op, keys in item.get("conditions", {}).items()
        },
    }
    statement.update({k: item[k] for k in ("sid", "justification") if k in item})
    return statement


def policy_file_justification(statement: PolicyStatement, number: int, item: Mapping[str, Any]) -> str | None:
    """The justification a statement of a catalog ``policyFiles`` entry carries.

    Its own, from ``justifications`` keyed by its ``Sid`` or its 0-based index in the file (the Sid
    wins). Otherwise the file-wide ``justification``, except for an Allow statement on ``Resource: "*"``
    without a ``Condition``: nothing narrows such a grant, so one sentence for a whole file cannot
    explain it (IAM User Guide, 'Security best practices in IAM': grant least privilege); it needs its own.
    """
    own = item.get("justifications", {})
    text = own.get(statement.sid or "") or own.get(str(number))
    if text:
        return str(text)
    unconditioned = "*" in statement.resources and not statement.conditions and statement.effect.value == "Allow"
    return None if unconditioned else item.get("justification")


def _read_policy_file(field_path: str, path: Path, problems: list[Problem]) -> list[PolicyStatement]:
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        problems.append(
            Problem(
                field_path,
                str(path),
                f"cannot be read as JSON ({error.__class__.__name__})",
                "this package's catalog format",
                "give a path, relative to the project, of a JSON file",
            )
        )
        return []
    try:
        return statements_from_document(field_path, document)
    except IrsaConfigError as error:
        problems.extend(error.problems)
        return []
