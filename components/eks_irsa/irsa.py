"""``IrsaRole``: one microservice's IAM role, trust policy, permissions and ServiceAccount.

Two identity modes share one input shape: IRSA (default; the ServiceAccount carries
``eks.amazonaws.com/role-arn`` and the role trusts the cluster's OIDC provider) and EKS Pod Identity
(the role trusts ``pods.eks.amazonaws.com`` and an ``aws.eks.PodIdentityAssociation`` binds it to
the ServiceAccount).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from .errors import IrsaConfigError, Problem
from .iam import limits
from .iam.names import derive_role_name, short_hash
from .iam.policy import PermissionsLayout, PolicyStatement, canonical_json, check_statement, layout_permissions
from .iam.trust import (
    DEFAULT_AUDIENCE,
    IRSA_DOCS,
    Subject,
    TrustedProvider,
    check_audience,
    check_provider_arn,
    check_trust_policy,
    normalize_issuer,
    render_pod_identity_trust_policy,
    render_trust_policy,
)

ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"
"""The annotation the EKS pod identity webhook reads (EKS User Guide, 'Configure Pods to use a
Kubernetes service account'; amazon-eks-pod-identity-webhook README)."""

AUDIENCE_ANNOTATION = "eks.amazonaws.com/audience"
"""Overrides the projected token's audience (amazon-eks-pod-identity-webhook README)."""

REGIONAL_STS_ANNOTATION = "eks.amazonaws.com/sts-regional-endpoints"
"""``"true"`` makes the SDKs in the pod call the regional STS endpoint (webhook README)."""

TOKEN_EXPIRATION_ANNOTATION = "eks.amazonaws.com/token-expiration"
"""The projected token's lifetime in seconds (webhook README; 600..86,400)."""

TAG_PREFIX = "eks-irsa/"
WEBHOOK_DOCS = "amazon-eks-pod-identity-webhook README (annotations)"
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")


class IdentityType(StrEnum):
    """How pods get the role: IRSA (OIDC web identity) or EKS Pod Identity."""

    IRSA = "irsa"
    POD_IDENTITY = "pod-identity"


@dataclass(frozen=True, kw_only=True)
class TrustedCluster:
    """Another cluster whose service accounts the role also trusts (e.g. the green cluster of a blue/green upgrade).

    Attributes:
        oidc_provider_arn: that cluster's IAM OIDC provider, in the role's account. Output accepted.
        oidc_issuer: that cluster's issuer host/path. Output accepted.
    """

    oidc_provider_arn: pulumi.Input[str]
    oidc_issuer: pulumi.Input[str]


@dataclass(frozen=True, kw_only=True)
class ServiceAccountOptions:
    """Settings of the ServiceAccount(s) and of the tokens the webhook projects into pods.

    Attributes:
        labels: Kubernetes labels. Default: none.
        annotations: extra annotations; an ``eks.amazonaws.com/`` key is refused, those are ours. Default: none.
        sts_regional_endpoints: annotate ``eks.amazonaws.com/sts-regional-endpoints: "true"``. Default: ``False``.
        token_expiration: projected token lifetime, seconds, 600..86,400 (Kubernetes TokenRequest; webhook).
            Default: none (the webhook's 86,400).
        automount_token: mount the Kubernetes API token; IRSA does not need it. Default: ``False``.
        depends_on: resources the ServiceAccount waits for (e.g. its Namespace). Default: none.
    """

    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    sts_regional_endpoints: bool = False
    token_expiration: int | None = None
    automount_token: bool = False
    depends_on: Sequence[pulumi.Resource] = ()


@dataclass(frozen=True, kw_only=True)
class IrsaRoleArgs:
    """Inputs of :class:`IrsaRole`.

    Attributes:
        oidc_provider_arn: the IAM OIDC provider's ARN, ``arn:<partition>:iam::<account>:oidc-provider/<issuer>``.
            An Output is accepted (e.g. ``EksCluster.oidc_provider_arn``). Unused with Pod Identity.
        oidc_issuer: the cluster's issuer host/path; ``https://`` and a trailing ``/`` are removed. Output accepted.
        cluster_name: the EKS cluster's name; part of the default role name and of the tags.
        namespace: the ServiceAccount's namespace, a DNS-1123 label (Kubernetes 'Object Names and IDs').
        service_account: the ServiceAccount's name, a DNS-1123 subdomain. Default: the component's name.
        service_accounts: several ServiceAccounts of the namespace sharing the role; replaces
            ``service_account``. Default: none.
        subject_pattern: explicit opt-in to a wildcard service account name in ``namespace``, e.g.
            ``spark-*``; the trust moves ``sub`` to ``StringLike``. No ServiceAccount is created for it.
            Default: none.
        audience: the token audience the trust policy pins; must be one of ``provider_client_ids``.
            Default: ``sts.amazonaws.com``.
        provider_client_ids: the client IDs (audiences) registered on the OIDC provider.
            Default: ``("sts.amazonaws.com",)``, what pulumi-eks registers.
        additional_clusters: more clusters to trust, one statement each. Default: none.
        role_account_id: the account the role lives in; every OIDC provider must be in it. Default:
            the provider ARN's account.
        statements: inline permission statements. Default: none.
        managed_policy_arns: policies to attach, plain ARN strings. Default: none.
        role_name: the IAM role name, 1..64 of ``[\\w+=,.@-]``. Default: ``<cluster>-<namespace>-<sa>``,
            shortened with a stable hash past 64 characters.
        role_path: the IAM path. Default: ``/``.
        tags: extra IAM tags; the ``eks-irsa/`` keys are the component's. Default: none.
        permissions_boundary: a policy ARN that caps the role. Default: none.
        max_session_duration: seconds, 3,600..43,200 (IAM CreateRole). Default: 3,600.
        identity: ``IdentityType.IRSA`` or ``IdentityType.POD_IDENTITY``. Default: IRSA.
        cluster_arn: the cluster's ARN; required with Pod Identity (trust policy ``aws:SourceArn``).
        eks_cluster_name: the cluster name as an Output of the cluster, so Pod Identity associations
            wait for it. Default: ``cluster_name``.
        existing_role_arn: use this role instead of creating one (only annotate or associate); no
            permissions may then be given. Default: none.
        create_service_account: create the ServiceAccount(s) (``False`` when a Helm chart owns them).
            Default: ``True``.
        kubernetes_provider: the cluster's Kubernetes provider; required when ``create_service_account``.
            Never the ambient kubeconfig.
        service_account_options: labels, annotations, token settings. Default: ``ServiceAccountOptions()``.
        trust_policy_max_size: the account's trust policy quota, characters. Default: 2,048.
        max_managed_policies: the account's attached-policies-per-role quota. Default: 10.
    """

    oidc_provider_arn: pulumi.Input[str] = ""
    oidc_issuer: pulumi.Input[str] = ""
    cluster_name: str
    namespace: str
    service_account: str | None = None
    service_accounts: Sequence[str] = ()
    subject_pattern: str | None = None
    audience: str = DEFAULT_AUDIENCE
    provider_client_ids: Sequence[str] = (DEFAULT_AUDIENCE,)
    additional_clusters: Sequence[TrustedCluster] = ()
    role_account_id: str | None = None
    statements: Sequence[PolicyStatement] = ()
    managed_policy_arns: Sequence[str] = ()
    role_name: str | None = None
    role_path: str = "/"
    tags: Mapping[str, str] = field(default_factory=dict)
    permissions_boundary: str | None = None
    max_session_duration: int = limits.SESSION_DURATION_MIN
    identity: IdentityType = IdentityType.IRSA
    cluster_arn: str | None = None
    eks_cluster_name: pulumi.Input[str] | None = None
    existing_role_arn: str | None = None
    create_service_account: bool = True
    kubernetes_provider: pulumi.ProviderResource | None = None
    service_account_options: ServiceAccountOptions = field(default_factory=ServiceAccountOptions)
    trust_policy_max_size: int = limits.TRUST_POLICY_MAX_DEFAULT
    max_managed_policies: int = limits.MANAGED_POLICIES_PER_ROLE_DEFAULT


OUTPUTS = (
    "role_arn",
    "role_name",
    "service_account_name",
    "service_account_namespace",
    "trust_policy",
    "role_arn_hash",
)
"""The outputs of :class:`IrsaRole`, declared once."""


class IrsaRole(pulumi.ComponentResource):
    """One microservice's workload identity: an IAM role only its own ServiceAccount(s) can use.

    Children (all ``parent=self``): ``<name>-role`` (``aws.iam.Role`` with the trust policy; absent
    with ``existing_role_arn``), ``<name>-permissions`` (one inline ``aws.iam.RolePolicy``, or
    ``<name>-policy-<n>`` managed policies when the statements pass IAM's inline quota),
    ``<name>-attach-<hash>`` (one ``aws.iam.RolePolicyAttachment`` per managed ARN, keyed by a hash
    of the ARN, never an index), ``<name>-sa`` (``kubernetes:core/v1:ServiceAccount``, exact name,
    created with the given Kubernetes provider; ``<name>-sa-<sa>`` when several), and with Pod
    Identity ``<name>-pod-identity`` (``aws.eks.PodIdentityAssociation``, one per ServiceAccount).

    Outputs: ``role_arn`` (resolves once every policy is in place), ``role_name``,
    ``service_account_name`` (the first, sorted), ``service_account_namespace``, ``trust_policy``
    (canonical JSON; ``None`` for an existing role), ``role_arn_hash`` (8 hex digits for a pod
    template annotation, so a role change rolls the pods: the webhook mutates pods only at admission).

    Raises:
        IrsaConfigError: any input breaks an IAM or Kubernetes rule; raised before anything is registered.
    """

    role_arn: pulumi.Output[str]
    role_name: pulumi.Output[str]
    service_account_name: pulumi.Output[str]
    service_account_namespace: pulumi.Output[str]
    trust_policy: pulumi.Output[str | None]
    role_arn_hash: pulumi.Output[str]

    def __init__(self, name: str, args: IrsaRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        plan = plan_irsa_role(name, args)
        super().__init__("eks-irsa:index:IrsaRole", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        if args.existing_role_arn:
            role_arn: pulumi.Output[str] = pulumi.Output.from_input(args.existing_role_arn)
            self.role_name = pulumi.Output.from_input(args.existing_role_arn.rsplit("/", 1)[1])
            self.trust_policy = pulumi.Output.from_input(None)
        else:
            role = self._role(name, args, plan, child)
            role_arn = pulumi.Output.all(role.arn, *self._permissions(name, args, plan, role, child)).apply(
                lambda values: values[0]
            )
            self.role_name = role.name
        self.role_arn = role_arn
        self.role_arn_hash = role_arn.apply(short_hash)
        self.service_account_namespace = pulumi.Output.from_input(args.namespace)
        self.service_account_name = pulumi.Output.from_input(
            plan.service_accounts[0] if plan.service_accounts else None
        )
        if args.create_service_account:
            self._service_accounts(name, args, plan.service_accounts)
        if args.identity == IdentityType.POD_IDENTITY:
            for sa in plan.service_accounts:
                suffix = "" if len(plan.service_accounts) == 1 else f"-{sa}"
                aws.eks.PodIdentityAssociation(
                    f"{name}-pod-identity{suffix}",
                    cluster_name=args.eks_cluster_name or args.cluster_name,
                    namespace=args.namespace,
                    service_account=sa,
                    role_arn=role_arn,
                    tags=plan.tags,
                    opts=child,
                )
        self.register_outputs({key: getattr(self, key) for key in OUTPUTS})

    def _role(self, name: str, args: IrsaRoleArgs, plan: IrsaRolePlan, child: pulumi.ResourceOptions) -> aws.iam.Role:
        if args.identity == IdentityType.POD_IDENTITY:
            trust: pulumi.Output[str] = pulumi.Output.from_input(
                canonical_json(render_pod_identity_trust_policy(plan.account or "", [args.cluster_arn or ""]))
            )
        else:
            inputs = [args.oidc_provider_arn, args.oidc_issuer]
            for cluster in args.additional_clusters:
                inputs += [cluster.oidc_provider_arn, cluster.oidc_issuer]
            trust = pulumi.Output.all(*inputs).apply(lambda values: _render_trust(args, plan.subjects, values))
        self.trust_policy = trust
        return aws.iam.Role(
            f"{name}-role",
            name=plan.role_name,
            path=args.role_path,
            assume_role_policy=trust,
            max_session_duration=args.max_session_duration,
            permissions_boundary=args.permissions_boundary,
            tags=plan.tags,
            opts=child,
        )

    def _permissions(
        self, name: str, args: IrsaRoleArgs, plan: IrsaRolePlan, role: aws.iam.Role, child: pulumi.ResourceOptions
    ) -> list[pulumi.Output[str]]:
        ready: list[pulumi.Output[str]] = []
        if plan.layout.inline is not None:
            inline = aws.iam.RolePolicy(
                f"{name}-permissions", role=role.name, policy=canonical_json(plan.layout.inline), opts=child
            )
            ready.append(inline.id)
        for index, document in enumerate(plan.layout.managed, start=1):
            policy = aws.iam.Policy(
                f"{name}-policy-{index}",
                name=f"{plan.role_name}-{index}",
                path=args.role_path,
                policy=canonical_json(document),
                tags=plan.tags,
                opts=child,
            )
            attachment = aws.iam.RolePolicyAttachment(
                f"{name}-policy-{index}-attach", role=role.name, policy_arn=policy.arn, opts=child
            )
            ready.append(attachment.id)
        for arn in sorted(set(args.managed_policy_arns)):
            attachment = aws.iam.RolePolicyAttachment(
                f"{name}-attach-{short_hash(arn)}", role=role.name, policy_arn=arn, opts=child
            )
            ready.append(attachment.id)
        return ready

    def _service_accounts(self, name: str, args: IrsaRoleArgs, names: Sequence[str]) -> None:
        options = args.service_account_options
        annotations: dict[str, pulumi.Input[str]] = dict(sorted(options.annotations.items()))
        if args.identity == IdentityType.IRSA:
            annotations[ROLE_ARN_ANNOTATION] = self.role_arn
            if args.audience != DEFAULT_AUDIENCE:
                annotations[AUDIENCE_ANNOTATION] = args.audience
            if options.sts_regional_endpoints:
                annotations[REGIONAL_STS_ANNOTATION] = "true"
            if options.token_expiration is not None:
                annotations[TOKEN_EXPIRATION_ANNOTATION] = str(options.token_expiration)
        for sa in names:
            k8s.core.v1.ServiceAccount(
                f"{name}-sa" if len(names) == 1 else f"{name}-sa-{sa}",
                metadata=k8s.meta.v1.ObjectMetaArgs(
                    name=sa,
                    namespace=args.namespace,
                    labels=dict(sorted(options.labels.items())) or None,
                    annotations=annotations or None,
                ),
                automount_service_account_token=options.automount_token,
                opts=pulumi.ResourceOptions(
                    parent=self, provider=args.kubernetes_provider, depends_on=list(options.depends_on)
                ),
            )


@dataclass(frozen=True)
class IrsaRolePlan:
    """What :func:`plan_irsa_role` derived: role name, ServiceAccount names, trust subjects, tags,
    the permissions layout, and the role's account when known."""

    role_name: str
    service_accounts: tuple[str, ...]
    subjects: tuple[Subject, ...]
    tags: Mapping[str, str]
    layout: PermissionsLayout
    account: str | None


def plan_irsa_role(name: str, args: IrsaRoleArgs) -> IrsaRolePlan:
    """Validate ``args`` and derive what :class:`IrsaRole` will create, without registering anything.

    Programs call it for every service before registering the cluster, so a catalog with one bad
    service applies nothing. Provider ARNs and issuers given as Outputs are checked when they resolve.

    Raises:
        IrsaConfigError: every broken rule, each naming ``<name>.<field>``, the value, the rule and its source.
    """
    problems: list[Problem] = []
    if args.identity not in set(IdentityType):
        problems.append(
            Problem(
                f"{name}.identity",
                args.identity,
                "is not an identity type",
                "this package",
                f"use one of {', '.join(t.value for t in IdentityType)}",
            )
        )
    for field_name in ("service_accounts", "provider_client_ids", "managed_policy_arns", "statements"):
        if isinstance(getattr(args, field_name), str):
            problems.append(
                Problem(
                    f"{name}.{field_name}",
                    getattr(args, field_name),
                    "is a string where a list is expected (a string would be read letter by letter)",
                    "this package",
                    "wrap it in a list",
                )
            )
    if problems:
        raise IrsaConfigError(problems)
    if args.service_account and args.service_accounts:
        problems.append(
            Problem(
                f"{name}.service_accounts",
                list(args.service_accounts),
                "is given together with service_account",
                "this package",
                "give one of the two",
            )
        )
    names = tuple(sorted(set(args.service_accounts))) or (
        () if args.subject_pattern and not args.service_account else (args.service_account or name,)
    )
    subjects = tuple(Subject(args.namespace, sa) for sa in names)
    if args.subject_pattern is not None:
        subjects += (Subject(args.namespace, args.subject_pattern, pattern=True),)
    for index, subject in enumerate(subjects):
        problems += subject.check(name if len(subjects) == 1 else f"{name}.subjects[{index}]")
    role_name = args.role_name or derive_role_name(args.cluster_name, args.namespace, (names or (name,))[0])
    tags = {
        **dict(sorted(args.tags.items())),
        f"{TAG_PREFIX}cluster": args.cluster_name,
        f"{TAG_PREFIX}namespace": args.namespace,
        f"{TAG_PREFIX}service-account": _tag_value(names, args.subject_pattern),
    }
    problems += check_audience(f"{name}.audience", args.audience)
    if args.identity == IdentityType.IRSA and args.audience not in args.provider_client_ids:
        problems.append(
            Problem(
                f"{name}.audience",
                args.audience,
                f"is not a client ID of the OIDC provider ({', '.join(args.provider_client_ids)}); "
                "STS would refuse the token",
                IRSA_DOCS,
                "add the audience to the provider's client IDs, or keep sts.amazonaws.com",
            )
        )
    problems += limits.check_role_path(f"{name}.role_path", args.role_path)
    problems += limits.check_max_session_duration(f"{name}.max_session_duration", args.max_session_duration)
    problems += limits.check_tags(f"{name}.tags", tags)
    if not args.existing_role_arn:
        problems += limits.check_role_name(f"{name}.role_name", role_name)
    reserved = sorted(k for k in args.tags if k.startswith(TAG_PREFIX))
    if reserved:
        problems.append(
            Problem(
                f"{name}.tags",
                reserved,
                f"use the component's own prefix {TAG_PREFIX!r}",
                "this package (tags that tell who a role belongs to)",
                "rename the tags",
            )
        )
    problems += _check_service_account_options(name, args)
    for index, statement in enumerate(args.statements):
        problems += check_statement(f"{name}.statements[{index}]", statement)
    if args.existing_role_arn:
        if not _ROLE_ARN.match(args.existing_role_arn):
            problems.append(
                Problem(
                    f"{name}.existing_role_arn",
                    args.existing_role_arn,
                    "is not an IAM role ARN",
                    limits.IAM_CREATE_ROLE,
                    "give arn:<partition>:iam::<account>:role/<name>",
                )
            )
        if args.statements or args.managed_policy_arns:
            problems.append(
                Problem(
                    f"{name}.existing_role_arn",
                    args.existing_role_arn,
                    "is not managed here, so it cannot be given permissions",
                    "this package",
                    "grant permissions where that role is defined, or let this component create it",
                )
            )
    elif not args.statements and not args.managed_policy_arns:
        problems.append(
            Problem(
                name, "(no permissions)", "grants nothing", "this package", "give statements or managed_policy_arns"
            )
        )
    if args.create_service_account and args.kubernetes_provider is None:
        problems.append(
            Problem(
                f"{name}.kubernetes_provider",
                None,
                "is missing; the ServiceAccount would go to whatever cluster the ambient kubeconfig points at",
                "this package (explicit providers)",
                "pass EksCluster.kubernetes_provider, or create_service_account=False",
            )
        )
    account = args.role_account_id
    if args.identity == IdentityType.POD_IDENTITY:
        problems += _check_pod_identity(name, args)
        account = account or (
            args.cluster_arn.split(":")[4] if args.cluster_arn and args.cluster_arn.count(":") >= 5 else None
        )
        partition = args.cluster_arn.split(":")[1] if args.cluster_arn and ":" in args.cluster_arn else None
    else:
        partition, found = _check_static_providers(name, args)
        problems += found
    if partition:
        arns = [(f"{name}.managed_policy_arns", a) for a in args.managed_policy_arns]
        arns += [(f"{name}.permissions_boundary", args.permissions_boundary)] if args.permissions_boundary else []
        for where, arn in arns:
            if arn.split(":")[1:2] != [partition]:
                problems.append(
                    Problem(
                        where,
                        arn,
                        f"is not in the cluster's partition {partition!r}",
                        "AWS General Reference, 'Amazon Resource Names (ARNs)'",
                        "derive the partition from the stack's region",
                    )
                )
    if not problems and args.identity == IdentityType.IRSA and not args.existing_role_arn:
        values = [args.oidc_provider_arn, args.oidc_issuer]
        for cluster in args.additional_clusters:
            values += [cluster.oidc_provider_arn, cluster.oidc_issuer]
        if all(isinstance(v, str) for v in values):
            try:
                _render_trust(args, subjects, values)
            except IrsaConfigError as error:
                problems += [replace(p, field=f"{name}.{p.field}") for p in error.problems]
    if problems:
        raise IrsaConfigError(problems)
    layout = (
        PermissionsLayout(None, ())
        if args.existing_role_arn
        else layout_permissions(
            f"{name}.statements",
            args.statements,
            len(set(args.managed_policy_arns)),
            args.max_managed_policies,
            attached_field=f"{name}.managed_policy_arns",
        )
    )
    return IrsaRolePlan(role_name, names, subjects, tags, layout, account)


def _tag_value(names: Sequence[str], pattern: str | None) -> str:
    """The service-account tag: the name, ``a b`` for several, a pattern with ``*``/``?`` spelled
    ``_ANY_``/``_ONE_`` (IAM tag values allow only letters, digits, spaces and ``_.:/=+-@``)."""
    spelled = pattern.replace("*", "_ANY_").replace("?", "_ONE_") if pattern else None
    return " ".join([*names, *filter(None, [spelled])])[: limits.TAG_VALUE_MAX]


def _check_service_account_options(name: str, args: IrsaRoleArgs) -> list[Problem]:
    options = args.service_account_options
    where = f"{name}.service_account_options"
    problems = []
    ours = sorted(k for k in options.annotations if k.startswith("eks.amazonaws.com/"))
    if ours:
        problems.append(
            Problem(
                f"{where}.annotations",
                ours,
                "are set by this component from its typed inputs",
                WEBHOOK_DOCS,
                "use audience, sts_regional_endpoints or token_expiration",
            )
        )
    if options.token_expiration is not None:
        problems += limits.check_token_expiration(f"{where}.token_expiration", options.token_expiration)
    if args.identity == IdentityType.POD_IDENTITY and (options.sts_regional_endpoints or options.token_expiration):
        problems.append(
            Problem(
                where,
                "sts_regional_endpoints/token_expiration",
                "are IRSA webhook settings; Pod Identity ignores them",
                WEBHOOK_DOCS,
                "drop them, or use identity irsa",
            )
        )
    return problems


def _check_pod_identity(name: str, args: IrsaRoleArgs) -> list[Problem]:
    problems = []
    cluster_account = args.cluster_arn.split(":")[4] if args.cluster_arn and args.cluster_arn.count(":") >= 5 else None
    if args.role_account_id and cluster_account and args.role_account_id != cluster_account:
        problems.append(
            Problem(
                f"{name}.role_account_id",
                args.role_account_id,
                f"differs from the cluster's account {cluster_account}; a Pod Identity association names a role "
                "of the cluster's account",
                "EKS User Guide, 'EKS Pod Identity'",
                "use identity irsa for a role in another account",
            )
        )
    if not args.cluster_arn:
        problems.append(
            Problem(
                f"{name}.cluster_arn",
                None,
                "is required with Pod Identity (aws:SourceArn)",
                IRSA_DOCS,
                "give arn:<partition>:eks:<region>:<account>:cluster/<name>",
            )
        )
    if args.subject_pattern or args.additional_clusters:
        problems.append(
            Problem(
                f"{name}.identity",
                args.identity.value,
                "binds one named ServiceAccount per association; patterns and extra clusters' OIDC trust do not apply",
                "EKS User Guide, 'EKS Pod Identity'",
                "name the service accounts, or use identity irsa",
            )
        )
    if args.audience != DEFAULT_AUDIENCE:
        problems.append(
            Problem(
                f"{name}.audience",
                args.audience,
                "does not apply to Pod Identity",
                "EKS User Guide, 'EKS Pod Identity'",
                "leave the audience out",
            )
        )
    return problems


def _check_static_providers(name: str, args: IrsaRoleArgs) -> tuple[str | None, list[Problem]]:
    """Checks on provider ARNs and issuers given as plain strings; Outputs are checked when they resolve."""
    problems: list[Problem] = []
    partition = None
    pairs = [(f"{name}.oidc", args.oidc_provider_arn, args.oidc_issuer)] + [
        (f"{name}.additional_clusters[{i}].oidc", c.oidc_provider_arn, c.oidc_issuer)
        for i, c in enumerate(args.additional_clusters)
    ]
    for where, arn, issuer in pairs:
        if isinstance(arn, str):
            found = check_provider_arn(f"{where}_provider_arn", arn)
            problems += found
            if not found:
                partition = partition or arn.split(":")[1]
                account = arn.split(":")[4]
                if args.role_account_id and account != args.role_account_id:
                    problems.append(
                        Problem(
                            f"{where}_provider_arn",
                            arn,
                            f"is in account {account}, the role in {args.role_account_id}; "
                            "IAM OIDC providers are per account",
                            IRSA_DOCS,
                            "create the cluster's OIDC provider in the role's account",
                        )
                    )
        if isinstance(issuer, str):
            try:
                normalize_issuer(issuer, f"{where}_issuer")
            except IrsaConfigError as error:
                problems += error.problems
    return partition, problems


def _render_trust(args: IrsaRoleArgs, subjects: Sequence[Subject], values: Sequence[str]) -> str:
    extra = [TrustedProvider(values[i], values[i + 1]) for i in range(2, len(values), 2)]
    document = render_trust_policy(
        values[0], values[1], subjects, args.audience, additional_providers=extra, role_account=args.role_account_id
    )
    problems = check_trust_policy("trust_policy", document, args.trust_policy_max_size)
    if problems:
        raise IrsaConfigError(problems)
    return canonical_json(document)
