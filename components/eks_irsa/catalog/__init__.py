"""Stack settings: the raw config of ``stacks/Pulumi.<stack>.yaml`` -> typed, validated values.

Shape (types, required fields, unknown fields) is checked with JSON Schema against
``components/stack-config.schema.json``; the rules that need more than shape (Kubernetes names, IAM
quotas, partitions, uniqueness) are checked here. Every problem found is reported at once in one
:class:`~eks_irsa.errors.IrsaConfigError`, before any resource is registered.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from ..addons import ADDONS, addon_statements
from ..errors import IrsaConfigError, Problem
from ..iam import limits
from ..iam.names import derive_role_name
from ..iam.partition import partition_for_region
from ..iam.policy import (
    Effect,
    PolicyStatement,
    check_statement,
    layout_permissions,
    statements_from_document,
    substitute,
)
from ..iam.trust import DEFAULT_AUDIENCE, Subject, check_audience
from ..nodegroup import NodeGroupArgs

SCHEMA_PATH = Path(__file__).with_name("schema.json")
MANAGED_POLICY_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(aws|\d{12}):policy/([\w+=,.@-]+/)*[\w+=,.@-]+$")
"""An IAM policy ARN: AWS managed (account ``aws``) or customer managed (IAM User Guide, 'IAM identifiers')."""
BROAD_MANAGED_POLICIES = frozenset({"AdministratorAccess", "PowerUserAccess", "IAMFullAccess"})
"""AWS managed policies refused in a catalog, with every ``*FullAccess`` one: they grant whole services."""
SCHEMA_SOURCE = "eks_irsa/catalog/schema.json"
PROJECT = "eks-irsa"


@dataclass(frozen=True)
class ClusterSettings:
    """The EKS cluster: network, endpoint access, admins, node groups."""

    name: str
    vpc_id: str
    private_subnet_ids: tuple[str, ...]
    node_groups: tuple[NodeGroupArgs, ...]
    kubernetes_version: str = "1.33"
    public_subnet_ids: tuple[str, ...] = ()
    endpoint_private_access: bool = True
    endpoint_public_access: bool = False
    public_access_cidrs: tuple[str, ...] = ()
    admins: tuple[str, ...] = ()
    protect: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)
    oidc_client_ids: tuple[str, ...] = (DEFAULT_AUDIENCE,)


@dataclass(frozen=True)
class ExistingClusterSettings:
    """A cluster made elsewhere: looked up by name, or read from the stack that made it.

    Attributes:
        name: the EKS cluster's name.
        stack_reference: ``<org>/<project>/<stack>`` of a stack made with this package, or ``None``
            to look the cluster up by name.
    """

    name: str
    stack_reference: str | None = None
    oidc_client_ids: tuple[str, ...] = (DEFAULT_AUDIENCE,)
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AccountSettings:
    """Another AWS account roles may live in (cross-account IRSA).

    Attributes:
        name: the key under ``eks-irsa:accounts``; services name it in ``account``.
        account_id: 12 digits.
        assume_role_arn: the role Pulumi assumes to create the OIDC provider and roles there.
    """

    name: str
    account_id: str
    assume_role_arn: str


@dataclass(frozen=True)
class ServiceSettings:
    """One microservice of the catalog, with every ``${variable}`` substituted and every file read."""

    name: str
    namespace: str
    service_account: str | None
    role_name: str
    statements: tuple[PolicyStatement, ...] = ()
    managed_policy_arns: tuple[str, ...] = ()
    audience: str = DEFAULT_AUDIENCE
    role_path: str = "/"
    tags: Mapping[str, str] = field(default_factory=dict)
    permissions_boundary: str | None = None
    max_session_duration: int = limits.SESSION_DURATION_MIN
    create_service_account: bool = True
    service_accounts: tuple[str, ...] = ()
    subject_pattern: str | None = None
    identity: str = "irsa"
    existing_role_arn: str | None = None
    trusted_clusters: tuple[tuple[str, str], ...] = ()
    account: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    sts_regional_endpoints: bool = False
    token_expiration: int | None = None
    automount_token: bool = False


@dataclass(frozen=True)
class StackSettings:
    """Everything the program needs, validated.

    Attributes:
        account_id: the first of ``aws:allowedAccountIds``: the account roles and ARNs live in.
        partition: derived once from ``region`` (``aws``, ``aws-cn``, ``aws-us-gov``, ...).
    """

    region: str
    partition: str
    account_id: str
    allowed_account_ids: tuple[str, ...]
    cluster: ClusterSettings | ExistingClusterSettings
    services: tuple[ServiceSettings, ...]
    accounts: Mapping[str, AccountSettings] = field(default_factory=dict)
    create_namespaces: bool = True
    trust_policy_max_size: int = limits.TRUST_POLICY_MAX_DEFAULT
    max_managed_policies: int = limits.MANAGED_POLICIES_PER_ROLE_DEFAULT


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))


def _shape_problems(config: Mapping[str, Any]) -> list[Problem]:
    problems = []
    known = set(_validator().schema["properties"])
    for key in sorted(k for k in config if k.startswith(f"{PROJECT}:") and k not in known):
        problems.append(
            Problem(
                key,
                "(key)",
                "is not a config key of this project",
                SCHEMA_SOURCE,
                f"fix the spelling; known keys: {', '.join(sorted(k for k in known if k.startswith(PROJECT)))}",
            )
        )
    for error in sorted(_validator().iter_errors(config), key=lambda e: [str(p) for p in e.absolute_path]):
        path = ".".join(str(p) for p in error.absolute_path) or "(stack config)"
        if error.validator == "additionalProperties":
            allowed = sorted(error.schema.get("properties", {}))
            unknown = sorted(set(error.instance) - set(allowed))
            problems.append(
                Problem(
                    path,
                    unknown,
                    "are not known fields",
                    SCHEMA_SOURCE,
                    f"fix the spelling or remove them; allowed: {', '.join(allowed)}",
                )
            )
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


def decode_stack_config(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The config a Pulumi program receives (every value a string; objects JSON-encoded), as the schema sees it.

    Keeps this project's keys and the two ``aws:`` keys it reads; decodes JSON values; ``aws:region``
    stays a string. Values that are not JSON stay as given.
    """
    config: dict[str, Any] = {}
    for key, value in raw.items():
        if key.startswith(f"{PROJECT}:") or key in ("aws:region", "aws:allowedAccountIds"):
            try:
                config[key] = json.loads(value) if key != "aws:region" and isinstance(value, str) else value
            except ValueError:
                config[key] = value
    return config


def load_settings(config: Mapping[str, Any], project_root: Path) -> StackSettings:
    """Validate a stack's raw config and return typed settings.

    Args:
        config: the ``config:`` map of a stack file, keys as written (``aws:region``,
            ``eks-irsa:services``, ...), values already parsed from YAML.
        project_root: the folder ``policyFiles`` paths are relative to.

    Raises:
        IrsaConfigError: every problem found, each naming the field, the value, the rule and its source.
    """
    problems = _shape_problems(config)
    if problems:
        raise IrsaConfigError(problems)
    region = config["aws:region"]
    partition = partition_for_region(region).name
    accounts = tuple(config["aws:allowedAccountIds"])
    if "eks-irsa:existingCluster" in config:
        raw_existing = config["eks-irsa:existingCluster"]
        problems += limits.check_cluster_name("eks-irsa:existingCluster.name", raw_existing["name"])
        cluster: ClusterSettings | ExistingClusterSettings = ExistingClusterSettings(
            name=raw_existing["name"],
            stack_reference=raw_existing.get("stackReference"),
            oidc_client_ids=tuple(raw_existing.get("oidcClientIds", (DEFAULT_AUDIENCE,))),
            tags=dict(raw_existing.get("tags", {})),
        )
    else:
        cluster = _cluster(config["eks-irsa:cluster"], problems)
    variables = {"account": accounts[0], "cluster": cluster.name, "partition": partition, "region": region}
    max_managed = config.get("eks-irsa:maxManagedPolicies", limits.MANAGED_POLICIES_PER_ROLE_DEFAULT)
    services = []
    for name in sorted(config["eks-irsa:services"]):
        entry = config["eks-irsa:services"][name]
        service = _service(name, entry, cluster.name, variables, project_root, problems)
        if service is not None:
            _check_permissions(service, max_managed, problems)
            services.append(service)
    accounts_config = config.get("eks-irsa:accounts", {})
    other_accounts = {
        key: AccountSettings(key, value["accountId"], value["assumeRoleArn"]) for key, value in accounts_config.items()
    }
    for service in services:
        if service.account is not None and service.account not in other_accounts:
            problems.append(
                Problem(
                    f"eks-irsa:services.{service.name}.account",
                    service.account,
                    "is not a key of eks-irsa:accounts",
                    "this package's catalog format",
                    f"use one of: {', '.join(sorted(other_accounts)) or '(none defined)'}",
                )
            )
    problems += _uniqueness(services, cluster.name)
    if problems:
        raise IrsaConfigError(problems)
    return StackSettings(
        region=region,
        partition=partition,
        account_id=accounts[0],
        allowed_account_ids=accounts,
        cluster=cluster,
        services=tuple(services),
        accounts=other_accounts,
        create_namespaces=config.get("eks-irsa:createNamespaces", True),
        trust_policy_max_size=config.get("eks-irsa:trustPolicyMaxSize", limits.TRUST_POLICY_MAX_DEFAULT),
        max_managed_policies=max_managed,
    )


def _cluster(raw: Mapping[str, Any], problems: list[Problem]) -> ClusterSettings:
    problems += limits.check_cluster_name("eks-irsa:cluster.name", raw["name"])
    problems += limits.check_tags("eks-irsa:cluster.tags", raw.get("tags", {}))
    endpoint = raw.get("endpoint", {})
    public = endpoint.get("publicAccess", False)
    private = endpoint.get("privateAccess", True)
    cidrs = tuple(endpoint.get("publicAccessCidrs", ()))
    if not public and not private:
        problems.append(
            Problem(
                "eks-irsa:cluster.endpoint",
                endpoint,
                "turns off both private and public access",
                "EKS User Guide, 'Cluster API server endpoint'",
                "keep privateAccess: true",
            )
        )
    if public:
        problems += limits.check_public_access_cidrs("eks-irsa:cluster.endpoint.publicAccessCidrs", list(cidrs))
    node_groups = []
    for ng_name in sorted(raw["nodeGroups"]):
        ng = raw["nodeGroups"][ng_name]
        where = f"eks-irsa:cluster.nodeGroups.{ng_name}"
        hop = ng.get("imdsHopLimit", 1)
        if hop > 1 and not ng.get("allowPodImdsAccess", False):
            problems.append(
                Problem(
                    f"{where}.imdsHopLimit",
                    hop,
                    "lets pods reach the instance metadata service and borrow the node role",
                    "EKS Best Practices Guide, 'Restrict access to the instance profile'",
                    "keep 1, or set allowPodImdsAccess: true to opt in knowingly",
                )
            )
        sizes = (ng.get("minSize", 1), ng.get("desiredSize", 2), ng.get("maxSize", 3))
        if not sizes[0] <= sizes[1] <= sizes[2]:
            problems.append(
                Problem(
                    where,
                    dict(zip(("minSize", "desiredSize", "maxSize"), sizes, strict=True)),
                    "breaks minSize <= desiredSize <= maxSize",
                    "EKS API Reference, NodegroupScalingConfig",
                    "order the sizes",
                )
            )
        node_groups.append(
            NodeGroupArgs(
                name=ng_name,
                instance_types=tuple(ng["instanceTypes"]),
                ami_type=ng.get("amiType", "AL2023_x86_64_STANDARD"),
                min_size=sizes[0],
                desired_size=sizes[1],
                max_size=sizes[2],
                disk_size=ng.get("diskSize", 20),
                labels=dict(ng.get("labels", {})),
                imds_hop_limit=hop,
                allow_pod_imds_access=ng.get("allowPodImdsAccess", False),
            )
        )
    return ClusterSettings(
        name=raw["name"],
        vpc_id=raw["vpcId"],
        private_subnet_ids=tuple(raw["privateSubnetIds"]),
        node_groups=tuple(node_groups),
        kubernetes_version=raw.get("kubernetesVersion", "1.33"),
        public_subnet_ids=tuple(raw.get("publicSubnetIds", ())),
        endpoint_private_access=private,
        endpoint_public_access=public,
        public_access_cidrs=cidrs,
        admins=tuple(raw.get("admins", ())),
        protect=raw.get("protect", False),
        tags=dict(raw.get("tags", {})),
    )


def _service(
    name: str,
    raw: Mapping[str, Any],
    cluster_name: str,
    variables: Mapping[str, str],
    project_root: Path,
    problems: list[Problem],
) -> ServiceSettings | None:
    where = f"eks-irsa:services.{name}"
    found: list[Problem] = []
    namespace = raw["namespace"]
    found += limits.check_namespace(f"{where}.namespace", namespace)
    addon = raw.get("addon")
    spec = ADDONS.get(addon["name"]) if addon else None
    several = tuple(sorted(set(raw.get("serviceAccounts", ()))))
    if several and "serviceAccount" in raw:
        found.append(
            Problem(
                f"{where}.serviceAccounts",
                list(several),
                "is given together with serviceAccount",
                "this package's catalog format",
                "give one of the two",
            )
        )
    for index, sa in enumerate(several):
        found += limits.check_service_account_name(f"{where}.serviceAccounts[{index}]", sa)
    pattern = raw.get("subjectPattern")
    if pattern is not None:
        found += Subject(namespace, pattern, pattern=True).check(where)
    default_sa = None if pattern is not None and not several else (spec.service_account if spec else name)
    service_account = raw.get("serviceAccount") or (several[0] if several else default_sa)
    if service_account is not None and not several:
        found += limits.check_service_account_name(f"{where}.serviceAccount", service_account)
    audience = raw.get("audience", DEFAULT_AUDIENCE)
    found += check_audience(f"{where}.audience", audience)
    role_name = raw.get("roleName") or derive_role_name(cluster_name, namespace, service_account or name)
    found += limits.check_role_name(f"{where}.roleName", role_name)
    role_path = raw.get("rolePath", "/")
    found += limits.check_role_path(f"{where}.rolePath", role_path)
    duration = raw.get("maxSessionDuration", limits.SESSION_DURATION_MIN)
    found += limits.check_max_session_duration(f"{where}.maxSessionDuration", duration)
    tags = dict(raw.get("tags", {}))
    found += limits.check_tags(f"{where}.tags", tags)

    def sub(field_path: str, value: str) -> str:
        try:
            result = substitute(field_path, value, variables)
        except IrsaConfigError as error:
            found.extend(error.problems)
            return value
        found.extend(_check_partition(field_path, result, variables["partition"]))
        return result

    statements: list[PolicyStatement] = []
    for index, item in enumerate(raw.get("statements", [])):
        path = f"{where}.statements[{index}]"
        statement = PolicyStatement(
            actions=tuple(item["actions"]),
            resources=tuple(sub(f"{path}.resources", r) for r in item["resources"]),
            effect=Effect(item.get("effect", "Allow")),
            conditions={
                op: {
                    sub(f"{path}.conditions", k): sub(f"{path}.conditions", v)
                    if isinstance(v, str)
                    else tuple(sub(f"{path}.conditions", x) for x in v)
                    for k, v in keys.items()
                }
                for op, keys in item.get("conditions", {}).items()
            },
            sid=item.get("sid"),
            justification=item.get("justification"),
        )
        found += check_statement(path, statement)
        statements.append(statement)
    for index, item in enumerate(raw.get("policyFiles", [])):
        path = f"{where}.policyFiles[{index}]"
        for statement in _read_policy_file(path, project_root / item["file"], found):
            resources = tuple(sub(f"{path}.Resource", r) for r in statement.resources)
            statement = PolicyStatement(
                statement.actions,
                resources,
                statement.effect,
                statement.conditions,
                statement.sid,
                item.get("justification"),
            )
            found += check_statement(path, statement)
            statements.append(statement)
    if addon:
        try:
            statements += addon_statements(
                addon["name"],
                addon,
                partition=variables["partition"],
                region=variables["region"],
                account=variables["account"],
                cluster=variables["cluster"],
                field=f"{where}.addon",
            )
        except IrsaConfigError as error:
            found.extend(error.problems)
    managed = tuple(sub(f"{where}.managedPolicyArns", arn) for arn in raw.get("managedPolicyArns", []))
    for arn in managed:
        policy_name = arn.rsplit("/", 1)[-1]
        if ":iam::aws:policy/" in arn and (policy_name in BROAD_MANAGED_POLICIES or policy_name.endswith("FullAccess")):
            found.append(
                Problem(
                    f"{where}.managedPolicyArns",
                    arn,
                    "grants a whole service or account (an AWS managed full-access policy); least privilege "
                    "cannot be proven for it",
                    "IAM User Guide, 'Security best practices in IAM' (grant least privilege)",
                    "write statements scoped to the resources the service uses",
                )
            )
        if not MANAGED_POLICY_ARN.match(arn):
            found.append(
                Problem(
                    f"{where}.managedPolicyArns",
                    arn,
                    "is not an IAM policy ARN",
                    limits.IAM_CREATE_ROLE,
                    "give arn:${partition}:iam::aws:policy/<name>",
                )
            )
    boundary = raw.get("permissionsBoundary")
    if boundary is not None:
        boundary = sub(f"{where}.permissionsBoundary", boundary)
    existing = raw.get("existingRoleArn")
    if existing is not None:
        existing = sub(f"{where}.existingRoleArn", existing)
    trusted = tuple(
        (
            sub(f"{where}.trustedClusters[{i}].oidcProviderArn", c["oidcProviderArn"]),
            sub(f"{where}.trustedClusters[{i}].oidcIssuer", c["oidcIssuer"]),
        )
        for i, c in enumerate(raw.get("trustedClusters", []))
    )
    token_expiration = raw.get("tokenExpiration")
    if token_expiration is not None:
        found += limits.check_token_expiration(f"{where}.tokenExpiration", token_expiration)
    if not statements and not managed and existing is None and not addon:
        found.append(
            Problem(
                where,
                name,
                "grants no permissions",
                "this package's catalog format",
                "add statements, policyFiles, addon or managedPolicyArns",
            )
        )
    problems += found
    if found:
        return None
    return ServiceSettings(
        name=name,
        namespace=namespace,
        service_account=service_account,
        role_name=role_name,
        statements=tuple(statements),
        managed_policy_arns=managed,
        audience=audience,
        role_path=role_path,
        tags=tags,
        permissions_boundary=boundary,
        max_session_duration=duration,
        create_service_account=raw.get("createServiceAccount", True) and bool(service_account),
        service_accounts=several,
        subject_pattern=pattern,
        identity=raw.get("identity", "irsa"),
        existing_role_arn=existing,
        trusted_clusters=trusted,
        account=raw.get("account"),
        labels=dict(raw.get("labels", {})),
        annotations=dict(raw.get("annotations", {})),
        sts_regional_endpoints=raw.get("stsRegionalEndpoints", False),
        token_expiration=token_expiration,
        automount_token=raw.get("automountServiceAccountToken", False),
    )


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


def _check_partition(field_path: str, value: str, partition: str) -> list[Problem]:
    if value.startswith("arn:"):
        parts = value.split(":")
        if len(parts) > 1 and parts[1] != partition:
            return [
                Problem(
                    field_path,
                    value,
                    f"names partition {parts[1]!r}, but the stack's region is in {partition!r}",
                    "AWS General Reference, 'Amazon Resource Names (ARNs)'",
                    "write arn:${partition}:... and let the stack fill it in",
                )
            ]
    return []


def _check_permissions(service: ServiceSettings, max_managed: int, problems: list[Problem]) -> None:
    where = f"eks-irsa:services.{service.name}"
    try:
        layout_permissions(
            f"{where}.statements",
            service.statements,
            len(service.managed_policy_arns),
            max_managed,
            attached_field=f"{where}.managedPolicyArns",
        )
    except IrsaConfigError as error:
        problems.extend(error.problems)


def _pattern_overlaps(services: list[ServiceSettings], named: Mapping[tuple[str, str], str]) -> list[Problem]:
    """A subject pattern must not cover a service account another service (or the VPC CNI) uses."""
    problems = []
    for service in services:
        if service.subject_pattern is None:
            continue
        for (namespace, sa), owner in sorted(named.items()):
            if (
                namespace == service.namespace
                and owner != service.name
                and fnmatch.fnmatchcase(sa, service.subject_pattern)
            ):
                problems.append(
                    Problem(
                        f"eks-irsa:services.{service.name}.subjectPattern",
                        service.subject_pattern,
                        f"also matches {namespace}/{sa}, the service account of {owner}, which would then assume "
                        "this role",
                        "IAM User Guide, 'Condition operators' (StringLike)",
                        "narrow the pattern, or move one of the two to another namespace",
                    )
                )
    return problems


def _uniqueness(services: list[ServiceSettings], cluster_name: str) -> list[Problem]:
    problems: list[Problem] = []
    by_subject: dict[tuple[str, str], str] = {("kube-system", "aws-node"): "the cluster's vpc-cni add-on"}
    by_role: dict[str, str] = {derive_role_name(cluster_name, "kube-system", "aws-node").lower(): "vpc-cni"}
    for service in services:
        where = f"eks-irsa:services.{service.name}"
        if service.name in (cluster_name, f"{cluster_name}-vpc-cni"):
            problems.append(
                Problem(
                    where,
                    service.name,
                    "is the logical name of one of the cluster's own components",
                    "this package (logical names are unique per stack)",
                    "rename the service",
                )
            )
        for sa in service.service_accounts or filter(None, [service.service_account]):
            subject = (service.namespace, sa)
            if subject in by_subject:
                problems.append(
                    Problem(
                        f"{where}.serviceAccount",
                        f"{subject[0]}/{subject[1]}",
                        f"is already the service account of {by_subject[subject]}",
                        "Kubernetes docs, 'Object Names and IDs' (one name per namespace)",
                        "give each service its own service account",
                    )
                )
            by_subject.setdefault(subject, service.name)
        key = service.role_name.lower()
        if key in by_role:
            problems.append(
                Problem(
                    f"{where}.roleName",
                    service.role_name,
                    f"clashes with the role of {by_role[key]} (IAM role names are case-insensitive)",
                    limits.IAM_CREATE_ROLE,
                    "choose another roleName",
                )
            )
        by_role.setdefault(key, service.name)
    return problems + _pattern_overlaps(services, by_subject)
