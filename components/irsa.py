"""``IrsaRole``: one microservice's IAM role, trust policy, permissions and annotated ServiceAccount."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components import limits
from components.errors import IrsaConfigError, Problem
from components.names import derive_role_name, short_hash
from components.policy import PolicyStatement, canonical_json, check_statement, layout_permissions
from components.trust import (
    DEFAULT_AUDIENCE,
    Subject,
    check_audience,
    check_provider_arn,
    check_trust_policy,
    normalize_issuer,
    render_trust_policy,
)

ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"
"""The annotation the EKS pod identity webhook reads (EKS User Guide, 'Configure Pods to use a
Kubernetes service account')."""

AUDIENCE_ANNOTATION = "eks.amazonaws.com/audience"
"""Overrides the projected token's audience (amazon-eks-pod-identity-webhook README)."""

TAG_PREFIX = "eks-irsa/"


@dataclass(frozen=True, kw_only=True)
class IrsaRoleArgs:
    """Inputs of :class:`IrsaRole`.

    Attributes:
        oidc_provider_arn: the IAM OIDC provider's ARN, ``arn:<partition>:iam::<account>:oidc-provider/<issuer>``.
            An Output is accepted (e.g. ``EksCluster.oidc_provider_arn``).
        oidc_issuer: the cluster's issuer host/path; ``https://`` and a trailing ``/`` are removed. Output accepted.
        cluster_name: the EKS cluster's name; part of the default role name and of the tags.
        namespace: the ServiceAccount's namespace, a DNS-1123 label (Kubernetes 'Object Names and IDs').
        service_account: the ServiceAccount's name, a DNS-1123 subdomain. Default: the component's name.
        audience: the token audience the trust policy pins. Default: ``sts.amazonaws.com``.
        statements: inline permission statements. Default: none.
        managed_policy_arns: policies to attach, plain ARN strings. Default: none.
        role_name: the IAM role name, 1..64 of ``[\\w+=,.@-]``. Default: ``<cluster>-<namespace>-<sa>``,
            shortened with a stable hash past 64 characters.
        role_path: the IAM path. Default: ``/``.
        tags: extra IAM tags; the ``eks-irsa/`` keys are the component's. Default: none.
        permissions_boundary: a policy ARN that caps the role. Default: none.
        max_session_duration: seconds, 3,600..43,200 (IAM CreateRole). Default: 3,600.
        create_service_account: create the annotated ServiceAccount (``False`` when a Helm chart owns it).
            Default: ``True``.
        kubernetes_provider: the cluster's Kubernetes provider; required when ``create_service_account``.
            Never the ambient kubeconfig.
        service_account_labels: labels of the ServiceAccount. Default: none.
        service_account_depends_on: resources the ServiceAccount waits for (e.g. its Namespace). Default: none.
        trust_policy_max_size: the account's trust policy quota, characters. Default: 2,048.
        max_managed_policies: the account's attached-policies-per-role quota. Default: 10.
    """

    oidc_provider_arn: pulumi.Input[str]
    oidc_issuer: pulumi.Input[str]
    cluster_name: str
    namespace: str
    service_account: str | None = None
    audience: str = DEFAULT_AUDIENCE
    statements: Sequence[PolicyStatement] = ()
    managed_policy_arns: Sequence[str] = ()
    role_name: str | None = None
    role_path: str = "/"
    tags: Mapping[str, str] = field(default_factory=dict)
    permissions_boundary: str | None = None
    max_session_duration: int = limits.SESSION_DURATION_MIN
    create_service_account: bool = True
    kubernetes_provider: pulumi.ProviderResource | None = None
    service_account_labels: Mapping[str, str] = field(default_factory=dict)
    service_account_depends_on: Sequence[pulumi.Resource] = ()
    trust_policy_max_size: int = limits.TRUST_POLICY_MAX_DEFAULT
    max_managed_policies: int = limits.MANAGED_POLICIES_PER_ROLE_DEFAULT


class IrsaRole(pulumi.ComponentResource):
    """One microservice's workload identity: an IAM role only its own ServiceAccount can assume.

    Children (all ``parent=self``): ``<name>-role`` (``aws.iam.Role`` with the trust policy),
    ``<name>-permissions`` (one inline ``aws.iam.RolePolicy``, or ``<name>-policy-<n>`` managed
    policies when the statements pass IAM's inline quota), ``<name>-attach-<hash>`` (one
    ``aws.iam.RolePolicyAttachment`` per managed ARN, keyed by a hash of the ARN, never an index),
    and ``<name>-sa`` (``kubernetes:core/v1:ServiceAccount``, exact name, annotated, created with
    the given Kubernetes provider).

    Outputs: ``role_arn`` (resolves once every policy is in place), ``role_name``,
    ``service_account_name``, ``service_account_namespace``, ``trust_policy`` (canonical JSON),
    ``role_arn_hash`` (8 hex digits for a pod template annotation, so a role change rolls the pods).

    Raises:
        IrsaConfigError: any input breaks an IAM or Kubernetes rule; raised before anything is registered.
    """

    role_arn: pulumi.Output[str]
    role_name: pulumi.Output[str]
    service_account_name: pulumi.Output[str]
    service_account_namespace: pulumi.Output[str]
    trust_policy: pulumi.Output[str]
    role_arn_hash: pulumi.Output[str]

    def __init__(self, name: str, args: IrsaRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        service_account = args.service_account or name
        role_name = args.role_name or derive_role_name(args.cluster_name, args.namespace, service_account)
        subject = Subject(args.namespace, service_account)
        layout = _validate(name, args, subject, role_name)
        super().__init__("eks-irsa:index:IrsaRole", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        trust_policy = pulumi.Output.all(args.oidc_provider_arn, args.oidc_issuer).apply(
            lambda values: _render_trust(values[0], values[1], subject, args.audience, args.trust_policy_max_size)
        )
        tags = {
            **dict(sorted(args.tags.items())),
            f"{TAG_PREFIX}cluster": args.cluster_name,
            f"{TAG_PREFIX}namespace": args.namespace,
            f"{TAG_PREFIX}service-account": service_account,
        }
        role = aws.iam.Role(
            f"{name}-role",
            name=role_name,
            path=args.role_path,
            assume_role_policy=trust_policy,
            max_session_duration=args.max_session_duration,
            permissions_boundary=args.permissions_boundary,
            tags=tags,
            opts=child,
        )
        ready: list[pulumi.Output[str]] = []
        if layout.inline is not None:
            ready.append(
                aws.iam.RolePolicy(
                    f"{name}-permissions", role=role.name, policy=canonical_json(layout.inline), opts=child
                ).id
            )
        for index, document in enumerate(layout.managed, start=1):
            policy = aws.iam.Policy(
                f"{name}-policy-{index}",
                name=f"{role_name}-{index}",
                path=args.role_path,
                policy=canonical_json(document),
                tags=tags,
                opts=child,
            )
            ready.append(
                aws.iam.RolePolicyAttachment(
                    f"{name}-policy-{index}-attach", role=role.name, policy_arn=policy.arn, opts=child
                ).id
            )
        for arn in sorted(set(args.managed_policy_arns)):
            ready.append(
                aws.iam.RolePolicyAttachment(
                    f"{name}-attach-{short_hash(arn)}", role=role.name, policy_arn=arn, opts=child
                ).id
            )
        self.role_arn = pulumi.Output.all(role.arn, *ready).apply(lambda values: values[0])
        self.role_name = role.name
        self.trust_policy = trust_policy
        self.role_arn_hash = role.arn.apply(short_hash)
        self.service_account_namespace = pulumi.Output.from_input(args.namespace)
        if args.create_service_account:
            annotations: dict[str, pulumi.Input[str]] = {ROLE_ARN_ANNOTATION: self.role_arn}
            if args.audience != DEFAULT_AUDIENCE:
                annotations[AUDIENCE_ANNOTATION] = args.audience
            sa = k8s.core.v1.ServiceAccount(
                f"{name}-sa",
                metadata=k8s.meta.v1.ObjectMetaArgs(
                    name=service_account,
                    namespace=args.namespace,
                    labels=dict(args.service_account_labels) or None,
                    annotations=annotations,
                ),
                automount_service_account_token=False,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    provider=args.kubernetes_provider,
                    depends_on=list(args.service_account_depends_on),
                ),
            )
            self.service_account_name = sa.metadata.apply(lambda m: m.name)
        else:
            self.service_account_name = pulumi.Output.from_input(service_account)
        self.register_outputs({key: getattr(self, key) for key in OUTPUTS})


OUTPUTS = (
    "role_arn",
    "role_name",
    "service_account_name",
    "service_account_namespace",
    "trust_policy",
    "role_arn_hash",
)
"""The outputs of :class:`IrsaRole`, declared once."""


def _validate(name: str, args: IrsaRoleArgs, subject: Subject, role_name: str):
    problems: list[Problem] = subject.check(name)
    problems += check_audience(f"{name}.audience", args.audience)
    problems += limits.check_role_name(f"{name}.role_name", role_name)
    problems += limits.check_role_path(f"{name}.role_path", args.role_path)
    problems += limits.check_max_session_duration(f"{name}.max_session_duration", args.max_session_duration)
    problems += limits.check_tags(f"{name}.tags", {**args.tags, f"{TAG_PREFIX}cluster": args.cluster_name})
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
    for index, statement in enumerate(args.statements):
        problems += check_statement(f"{name}.statements[{index}]", statement)
    if not args.statements and not args.managed_policy_arns:
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
    if isinstance(args.oidc_provider_arn, str):
        problems += check_provider_arn(f"{name}.oidc_provider_arn", args.oidc_provider_arn)
        partition = args.oidc_provider_arn.split(":")[1] if problems == [] else None
        for arn in [*args.managed_policy_arns, *filter(None, [args.permissions_boundary])]:
            if partition and arn.split(":")[1:2] != [partition]:
                problems.append(
                    Problem(
                        f"{name}.managed_policy_arns",
                        arn,
                        f"is not in the OIDC provider's partition {partition!r}",
                        "AWS General Reference, 'Amazon Resource Names (ARNs)'",
                        "derive the partition from the stack's region",
                    )
                )
    if isinstance(args.oidc_issuer, str):
        try:
            normalize_issuer(args.oidc_issuer, f"{name}.oidc_issuer")
        except IrsaConfigError as error:
            problems += error.problems
    if problems:
        raise IrsaConfigError(problems)
    return layout_permissions(
        f"{name}.statements", args.statements, len(set(args.managed_policy_arns)), args.max_managed_policies
    )


def _render_trust(provider_arn: str, issuer: str, subject: Subject, audience: str, max_size: int) -> str:
    document = render_trust_policy(provider_arn, issuer, [subject], audience)
    problems = check_trust_policy("trust_policy", document, max_size)
    if problems:
        raise IrsaConfigError(problems)
    return canonical_json(document)
