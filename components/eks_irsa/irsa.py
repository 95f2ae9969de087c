"""``IrsaRole``: one microservice's IAM role, trust policy, permissions and ServiceAccount.

Two identity modes share one input shape: IRSA (default; the ServiceAccount carries
``eks.amazonaws.com/role-arn`` and the role trusts the cluster's OIDC provider) and EKS Pod Identity
(the role trusts ``pods.eks.amazonaws.com`` and an ``aws.eks.PodIdentityAssociation`` binds it to
the ServiceAccount). Every rule lives in :func:`eks_irsa.plan.plan_role`, which runs before the
first child is registered.

No ``from __future__ import annotations`` here: Pulumi's component analyzer reads these annotations
at run time to build the multi-language schema.
"""

import copy
import functools
from collections.abc import Sequence
from typing import Any, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from .errors import IrsaConfigError, Problem
from .iam.names import short_hash
from .iam.policy import Effect, canonical_json
from .iam.trust import render_chain_permissions, render_target_trust_policy
from .plan import (
    AUDIENCE_ANNOTATION,
    REGIONAL_STS_ANNOTATION,
    ROLE_ARN_ANNOTATION,
    TOKEN_EXPIRATION_ANNOTATION,
    IdentityType,
    RolePlan,
    check_permissions_boundary,
    cluster_tags,
    plan_role,
    render_trust,
    role_name_for,
    target_role_arn_for,
)

DEFAULT_AUDIENCE = "sts.amazonaws.com"


class PermissionStatement(TypedDict):
    """One IAM permissions statement as plain data, so that any Pulumi language can send it."""

    actions: list[str]
    """``service:Action`` strings, at least one; ``*`` and ``service:*`` are refused (least privilege).
    Rendered sorted and de-duplicated (IAM User Guide, 'IAM JSON policy elements: Action')."""
    resources: list[str]
    """ARNs in the role's partition, or ``*`` only for actions without resource-level permissions or
    with a ``justification`` (IAM User Guide, 'IAM JSON policy elements: Resource')."""
    effect: NotRequired[Effect]
    """``Allow`` or ``Deny``. Default: ``Allow``."""
    conditions: NotRequired[dict[str, dict[str, list[str]]]]
    """An IAM ``Condition`` block, ``{operator: {key: [values]}}``. Default: none."""
    sid: NotRequired[str]
    """Statement id, ASCII letters and digits (IAM JSON policy elements: Sid). Default: none."""
    justification: NotRequired[str]
    """Why the statement reaches what it does: it allows reach ``*`` and "any account or any region", must
    name each risk category the statement reaches (``privilege escalation``, ``data exfiltration``,
    ``resource exposure``, ``infrastructure modification``, ``credentials exposure``) and each privilege
    escalation method it helps open (``CreateEC2WithExistingIP``...), and names an account id or region
    of an ARN that is meant to be another than the stack's (docs/permissions.md); read by the permissions
    judgement, never rendered. Default: none."""


class TrustedCluster(TypedDict):
    """Another cluster whose service accounts the role also trusts (e.g. the green cluster of a blue/green upgrade)."""

    oidc_provider_arn: pulumi.Input[str]
    """That cluster's IAM OIDC provider, in the role's account:
    ``arn:<partition>:iam::<account>:oidc-provider/<issuer>``."""
    oidc_issuer: pulumi.Input[str]
    """That cluster's issuer host/path; ``https://`` and a trailing ``/`` are removed."""


class ServiceAccountOptions(TypedDict):
    """Settings of the ServiceAccount(s) and of the tokens the webhook projects into pods."""

    labels: NotRequired[dict[str, str]]
    """Kubernetes labels. Default: none."""
    annotations: NotRequired[dict[str, str]]
    """Extra annotations; an ``eks.amazonaws.com/`` key is refused, those are the component's. Default: none."""
    sts_regional_endpoints: NotRequired[bool]
    """Annotate ``eks.amazonaws.com/sts-regional-endpoints: "true"`` (IRSA only). Default: ``False``."""
    token_expiration: NotRequired[int]
    """Projected token lifetime in seconds, 600..86,400 (Kubernetes TokenRequest; webhook README; IRSA only).
    Default: the webhook's 86,400."""
    automount_token: NotRequired[bool]
    """Mount the Kubernetes API token into pods; IRSA does not need it. Default: ``False``."""


class TargetRole(TypedDict):
    """Cross-account EKS Pod Identity: the role in another account the association chains into.

    The component's own role (in the cluster's account: EKS passes it with ``iam:PassRole``) then holds
    only ``sts:AssumeRole`` and ``sts:TagSession`` on the target; the permissions go on the target role,
    whose trust admits exactly that role with ``sts:ExternalId`` = the association's ``externalId`` (EKS
    User Guide, 'Access AWS Resources using EKS Pod Identity Target IAM Roles'). Give one of
    ``account_id`` and ``role_arn``.
    """

    account_id: NotRequired[str]
    """Create the target role in this account (12 digits, not the cluster's), with the component's role
    name, path, tags, permissions and boundary. Needs ``provider``. Default: none."""
    role_arn: NotRequired[str]
    """Or chain into this existing role, managed elsewhere: pin its trust to the component's
    ``role_arn`` and ``external_id`` outputs there. Default: none."""
    provider: NotRequired[aws.Provider]
    """The AWS provider of ``account_id``'s account (set its ``allowed_account_ids``); the target role and
    its policies are created through it. Default: none."""


class IrsaRoleArgs(TypedDict):
    """Inputs of :class:`IrsaRole`. Problems name these fields (``additional_clusters[0].oidc_provider_arn``)."""

    cluster_name: pulumi.Input[str]
    """The EKS cluster's name (EKS CreateCluster: 1..100 of ``[A-Za-z0-9_-]``, starting alphanumeric);
    part of the default role name and of the tags. An Output is accepted (e.g. from a StackReference),
    and with Pod Identity an Output of the cluster makes the association wait for it."""
    namespace: str
    """The ServiceAccount's namespace, a DNS-1123 label (Kubernetes 'Object Names and IDs')."""
    oidc_provider_arn: NotRequired[pulumi.Input[str]]
    """The IAM OIDC provider's ARN, ``arn:<partition>:iam::<account>:oidc-provider/<issuer>``; required
    with IRSA (e.g. ``EksCluster.oidc_provider_arn``)."""
    oidc_issuer: NotRequired[pulumi.Input[str]]
    """The cluster's issuer host/path; ``https://`` and a trailing ``/`` are removed. Required with IRSA."""
    service_account: NotRequired[str]
    """The ServiceAccount's name, a DNS-1123 subdomain. Default: the component's name."""
    service_accounts: NotRequired[list[str]]
    """Several ServiceAccounts of the namespace sharing the role; replaces ``service_account``. Default: none."""
    subject_pattern: NotRequired[str]
    """Explicit opt-in to a wildcard service account name in ``namespace``, with a literal prefix,
    e.g. ``spark-*``; the trust moves ``sub`` to ``StringLike``. No ServiceAccount is created for it.
    Default: none."""
    audience: NotRequired[str]
    """The token audience the trust policy pins; one of ``provider_client_ids``. Default: ``sts.amazonaws.com``."""
    provider_client_ids: NotRequired[list[str]]
    """The client IDs (audiences) registered on the OIDC provider. Default: ``["sts.amazonaws.com"]``,
    what pulumi-eks registers."""
    additional_clusters: NotRequired[list[TrustedCluster]]
    """More clusters to trust, one trust statement each. Default: none."""
    role_account_id: NotRequired[str]
    """The account the role lives in (12 digits); every OIDC provider must be in it. Default: the
    provider ARN's (or with Pod Identity the cluster ARN's) account."""
    statements: NotRequired[list[PermissionStatement]]
    """Inline permission statements, linted before registration. Default: none."""
    managed_policy_arns: NotRequired[list[str]]
    """Policies to attach: AWS managed or customer managed in the role's account. At most
    ``max_managed_policies`` with the split statements. Plain: each ARN is checked (partition, account)
    before registration and keys its attachment (``<name>-attach-<hash of the ARN>``); an AWS managed
    policy's document is judged as statements are (reach, risk categories, privilege escalation over the
    whole role; docs/permissions.md). Default: none."""
    managed_policy_justifications: NotRequired[dict[str, str]]
    """Why an AWS managed policy of ``managed_policy_arns`` is needed, by its ARN: as a statement's
    ``justification``, it allows reach ``*`` or any account in the policy's document and must name each
    risk category (and privilege escalation method) the policy reaches. A key that is not attached is
    refused. Default: none."""
    role_name: NotRequired[str]
    """The IAM role name, 1..64 of ``[\\w+=,.@-]`` (IAM CreateRole). Default: ``<cluster>-<namespace>-<sa>``,
    shortened with a stable hash past 64 characters."""
    role_path: NotRequired[str]
    """The IAM path, ``/`` or ``/a/b/`` (IAM CreateRole). Default: ``/``."""
    tags: NotRequired[dict[str, str]]
    """Extra IAM tags (IAM quotas: 50 tags, keys 128, values 256 characters); the ``eks-irsa/`` keys are
    the component's. Default: none."""
    permissions_boundary: NotRequired[pulumi.Input[str]]
    """A policy ARN that caps the role (IAM User Guide, 'Permissions boundaries for IAM entities'): in the
    role's partition, not an AWS full-access policy, a customer policy of the role's account. An Output is
    accepted (e.g. an ``aws.iam.Policy`` made in the same program): checked when it resolves, with the same
    problem text, raised as :class:`~eks_irsa.IrsaConfigError` (failing the deploy); the plan then records
    no boundary. Default: none."""
    max_session_duration: NotRequired[int]
    """Seconds, 3,600..43,200 (IAM CreateRole). Default: 3,600."""
    identity: NotRequired[IdentityType]
    """``irsa``, ``pod-identity``, or ``both`` (the migration step: the role trusts the OIDC provider and
    ``pods.eks.amazonaws.com``, the ServiceAccount keeps its IRSA annotation and an association binds the
    same role). Default: ``irsa``."""
    cluster_arn: NotRequired[pulumi.Input[str]]
    """The cluster's ARN; required with Pod Identity and ``both`` (trust policy ``aws:SourceArn``)."""
    session_tags: NotRequired[bool]
    """Pod Identity only: let the association pass EKS Pod Identity's session tags (``kubernetes-namespace``,
    ``kubernetes-service-account``, ...; EKS User Guide, 'Grant Pods access to AWS resources based on tags').
    On, the trust policy also pins ``aws:RequestTag/kubernetes-namespace`` and
    ``aws:RequestTag/kubernetes-service-account`` to this role's service accounts; off, policies can no
    longer use ``aws:PrincipalTag/kubernetes-*`` (no ABAC on them). Default: ``True``, or ``False`` with a
    ``session_policy``."""
    target_role: NotRequired[TargetRole]
    """Pod Identity only: chain into a role in another account (:class:`TargetRole`). Default: none."""
    session_policy: NotRequired[list[PermissionStatement]]
    """Pod Identity only: the association's session policy, statements shaped and linted like
    ``statements``. The pod's effective permissions are the role's policies intersected with it; it
    requires the session tags off (EKS CreatePodIdentityAssociation) and at most 2,048 characters
    (AWS STS AssumeRole, Policy). Default: none."""
    existing_role_arn: NotRequired[str]
    """Use this role instead of creating one (only annotate or associate). Every setting that shapes only a
    created role (``role_name``, ``role_path``, ``tags``, ``permissions_boundary``, ``max_session_duration``,
    ``statements``, ``managed_policy_arns`` and their justifications, ``additional_clusters``,
    ``subject_pattern``, the two quotas) is then refused by name. Plain: whether it is set decides which
    children exist, and its ARN is checked before registration. Default: none."""
    create_service_account: NotRequired[bool]
    """Create the ServiceAccount(s); ``False`` when a Helm chart owns them. They need a Kubernetes
    provider in ``opts.providers``. Default: ``True``."""
    service_account_options: NotRequired[ServiceAccountOptions]
    """Labels, annotations and token settings of the ServiceAccount(s). Default: none."""
    trust_policy_max_size: NotRequired[int]
    """The account's trust policy quota in characters, 2,048 or up to 8,192 when raised (IAM quotas).
    Default: 2,048."""
    max_managed_policies: NotRequired[int]
    """The account's attached-policies-per-role quota, 10 or up to 25 when raised (IAM quotas). Default: 10."""


FIXED_NAME = pulumi.ResourceOptions(delete_before_replace=True)
"""The option of every child whose AWS name we fix (the role, the target role, the split managed policies):
IAM names are unique per account whatever the path (IAM CreateRole, CreatePolicy: EntityAlreadyExists), and
``path`` forces a replacement (pulumi-aws ``iam.Role``, ``iam.Policy``), so the default create-before-delete
of a ``role_path`` change would fail. Deleting first also deletes and re-creates the policies and
attachments naming the role, so no stale detach of the old attachment hits the new role."""


OUTPUTS = (
    "role_arn",
    "role_name",
    "service_account_name",
    "service_account_namespace",
    "trust_policy",
    "role_arn_hash",
    "target_role_arn",
    "external_id",
)
"""The outputs of :class:`IrsaRole`, declared once."""


class IrsaRole(pulumi.ComponentResource):
    """One microservice's workload identity: an IAM role only its own ServiceAccount(s) can use.

    Children (all ``parent=self``): ``<name>-role`` (``aws.iam.Role`` with the trust policy; absent
    with ``existing_role_arn``), ``<name>-permissions`` (one inline ``aws.iam.RolePolicy``, or
    ``<name>-policy-<n>`` managed policies when the statements pass IAM's inline quota),
    ``<name>-attach-<hash>`` (one ``aws.iam.RolePolicyAttachment`` per managed ARN, keyed by a hash
    of the ARN, never an index), ``<name>-sa`` (``kubernetes:core/v1:ServiceAccount``, exact name,
    created with the Kubernetes provider of ``opts.providers``; ``<name>-sa-<sa>`` when several),
    and with Pod Identity ``<name>-pod-identity`` (``aws.eks.PodIdentityAssociation``, one per
    ServiceAccount; ``both`` keeps the IRSA annotation too). With ``target_role`` the role gets only
    ``<name>-chain`` (``sts:AssumeRole``/``sts:TagSession`` on the target) and, for ``account_id``,
    ``<name>-target-role`` with the permission children above is made through ``target_role.provider``.
    ServiceAccounts also wait for ``opts.depends_on`` (e.g. their Namespace).

    Raises:
        IrsaConfigError: any input breaks an IAM, STS or Kubernetes rule, or the Kubernetes provider is
            missing or not a Kubernetes provider; raised before anything is registered.
    """

    role_arn: pulumi.Output[str]
    """The role's ARN; resolves only once every policy is attached."""
    role_name: pulumi.Output[str]
    """The IAM role name."""
    service_account_name: pulumi.Output[str | None]
    """The first ServiceAccount's name (sorted)."""
    service_account_namespace: pulumi.Output[str]
    """The ServiceAccounts' namespace."""
    trust_policy: pulumi.Output[str | None]
    """The trust policy, canonical JSON; ``None`` for an existing role."""
    target_role_arn: pulumi.Output[str | None]
    """Cross-account Pod Identity: the target role's ARN (resolves once its policies are attached), else ``None``."""
    external_id: pulumi.Output[str | None]
    """Cross-account Pod Identity: the (first) association's ``externalId``, which the target's trust pins, else
    ``None``."""
    role_arn_hash: pulumi.Output[str]
    """8 hex digits of SHA-256 of the role ARN, for a pod template annotation so a role change rolls the
    pods (the webhook mutates pods only at admission)."""

    def __init__(self, name: str, args: IrsaRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        plan = _plan_or_raise(name, args)
        kubernetes = kubernetes_provider(name, opts) if plan.create_service_account else None
        target_provider = _target_provider(name, args) if plan.target_account_id is not None else None
        # A list, one resource or an Output of them (Pulumi docs, 'Resource options: dependsOn'), passed on as given.
        waits = opts.depends_on if opts else None
        # opts.depends_on is for the ServiceAccounts only, so roles never wait for a Namespace or its cluster.
        own = copy.copy(opts) if opts else None
        if own is not None:
            own.depends_on = None
        super().__init__("eks-irsa:index:IrsaRole", name, None, own)
        self.plan = plan
        """The :class:`~eks_irsa.plan.RolePlan` this component registered from."""
        for warning in plan.warnings:
            pulumi.log.warn(warning, resource=self)
        child = pulumi.ResourceOptions(parent=self)
        cluster_name = pulumi.Output.from_input(args["cluster_name"])
        self._boundary = _boundary(plan, args.get("permissions_boundary"))
        if plan.existing_role_arn is not None:
            role_arn: pulumi.Output[str] = pulumi.Output.from_input(plan.existing_role_arn)
            self.role_name = pulumi.Output.from_input(plan.role_name or "")
            self.trust_policy = pulumi.Output.from_input(None)
        else:
            role = self._role(name, args, plan, cluster_name, child)
            target_arn: pulumi.Output[str] | None = None
            if plan.target_role_arn is not None:
                target_arn = pulumi.Output.from_input(plan.target_role_arn)
            elif plan.target_account_id is not None:
                target_arn = cluster_name.apply(lambda c: target_role_arn_for(plan, role_name_for(plan, c)))
            if target_arn is not None:
                chain = aws.iam.RolePolicy(
                    f"{name}-chain",
                    role=role.name,
                    policy=target_arn.apply(lambda arn: canonical_json(render_chain_permissions(arn))),
                    opts=child,
                )
                ready = [chain.id]
            else:
                ready = self._permissions(name, plan, role, cluster_name, child)
            role_arn = pulumi.Output.all(role.arn, *ready).apply(lambda values: values[0])
            self.role_name = role.name
        self.role_arn = role_arn
        self.role_arn_hash = role_arn.apply(short_hash)
        self.service_account_namespace = pulumi.Output.from_input(plan.namespace)
        self.service_account_name = pulumi.Output.from_input(
            plan.service_accounts[0] if plan.service_accounts else None
        )
        if kubernetes is not None:
            self._service_accounts(name, plan, kubernetes, waits)
        associations = []
        if plan.identity.uses_pod_identity:
            tags = cluster_name.apply(lambda c: cluster_tags(plan, c))
            for sa in plan.service_accounts:
                suffix = "" if len(plan.service_accounts) == 1 else f"-{sa}"
                associations.append(
                    aws.eks.PodIdentityAssociation(
                        f"{name}-pod-identity{suffix}",
                        cluster_name=cluster_name,
                        namespace=plan.namespace,
                        service_account=sa,
                        role_arn=role_arn,
                        target_role_arn=target_arn if plan.chained else None,
                        disable_session_tags=not plan.session_tags,
                        policy=plan.session_policy,
                        tags=tags,
                        opts=child,
                    )
                )
        self.external_id = associations[0].external_id if plan.chained else pulumi.Output.from_input(None)
        self.target_role_arn = pulumi.Output.from_input(plan.target_role_arn)
        if target_provider is not None:
            self.target_role_arn = self._target_role(name, plan, role, associations, cluster_name, target_provider)
        self.register_outputs({key: getattr(self, key) for key in OUTPUTS})

    def _target_role(
        self,
        name: str,
        plan: RolePlan,
        first: aws.iam.Role,
        associations: list[aws.eks.PodIdentityAssociation],
        cluster_name: pulumi.Output[str],
        provider: pulumi.ProviderResource,
    ) -> pulumi.Output[str]:
        """The target role in the other account: trust = the first role with the associations' external ids,
        the plan's permissions; its ARN once they are attached."""
        there = pulumi.ResourceOptions(parent=self, provider=provider)
        fixed_name = pulumi.ResourceOptions.merge(there, FIXED_NAME)
        trust = pulumi.Output.all(first.arn, *[a.external_id for a in associations]).apply(
            lambda values: canonical_json(render_target_trust_policy(values[0], values[1:]))
        )
        role = aws.iam.Role(
            f"{name}-target-role",
            name=cluster_name.apply(lambda c: role_name_for(plan, c)),
            path=plan.role_path,
            assume_role_policy=trust,
            max_session_duration=plan.max_session_duration,
            permissions_boundary=self._boundary,
            tags=cluster_name.apply(lambda c: cluster_tags(plan, c)),
            opts=fixed_name,
        )
        ready = self._permissions(name, plan, role, cluster_name, there)
        return pulumi.Output.all(role.arn, *ready).apply(lambda values: values[0])

    def _role(
        self,
        name: str,
        args: IrsaRoleArgs,
        plan: RolePlan,
        cluster_name: pulumi.Output[str],
        child: pulumi.ResourceOptions,
    ) -> aws.iam.Role:
        if plan.trust_policy is not None:
            trust = pulumi.Output.from_input(plan.trust_policy)
        else:
            inputs = []
            if plan.identity.uses_irsa:
                inputs += [args.get("oidc_provider_arn"), args.get("oidc_issuer")]
                for cluster in args.get("additional_clusters", ()):
                    inputs += [cluster["oidc_provider_arn"], cluster["oidc_issuer"]]
            size = args.get("trust_policy_max_size")
            trust = pulumi.Output.all(args.get("cluster_arn"), *inputs).apply(
                lambda values: _trust(plan, values[0], values[1:], size)
            )
        self.trust_policy = trust
        return aws.iam.Role(
            f"{name}-role",
            name=cluster_name.apply(lambda c: role_name_for(plan, c)),
            path=plan.role_path,
            assume_role_policy=trust,
            max_session_duration=plan.max_session_duration,
            permissions_boundary=None if plan.chained else self._boundary,
            tags=cluster_name.apply(lambda c: cluster_tags(plan, c)),
            opts=pulumi.ResourceOptions.merge(child, FIXED_NAME),
        )

    def _permissions(
        self,
        name: str,
        plan: RolePlan,
        role: aws.iam.Role,
        cluster_name: pulumi.Output[str],
        child: pulumi.ResourceOptions,
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
                name=cluster_name.apply(functools.partial(_policy_name, plan, index)),
                path=plan.role_path,
                policy=canonical_json(document),
                tags=cluster_name.apply(lambda c: cluster_tags(plan, c)),
                opts=pulumi.ResourceOptions.merge(child, FIXED_NAME),
            )
            attachment = aws.iam.RolePolicyAttachment(
                f"{name}-policy-{index}-attach", role=role.name, policy_arn=policy.arn, opts=child
            )
            ready.append(attachment.id)
        for arn in plan.managed_policy_arns:
            attachment = aws.iam.RolePolicyAttachment(
                f"{name}-attach-{short_hash(arn)}", role=role.name, policy_arn=arn, opts=child
            )
            ready.append(attachment.id)
        return ready

    def _service_accounts(self, name: str, plan: RolePlan, provider: pulumi.ProviderResource, waits: Any) -> None:
        options = plan.service_account
        annotations: dict[str, pulumi.Input[str]] = dict(options.annotations)
        if plan.identity.uses_irsa:
            annotations[ROLE_ARN_ANNOTATION] = self.role_arn
            if plan.audience != DEFAULT_AUDIENCE:
                annotations[AUDIENCE_ANNOTATION] = plan.audience
            if options.sts_regional_endpoints:
                annotations[REGIONAL_STS_ANNOTATION] = "true"
            if options.token_expiration is not None:
                annotations[TOKEN_EXPIRATION_ANNOTATION] = str(options.token_expiration)
        names = options.names
        for sa in names:
            k8s.core.v1.ServiceAccount(
                f"{name}-sa" if len(names) == 1 else f"{name}-sa-{sa}",
                metadata=k8s.meta.v1.ObjectMetaArgs(
                    name=sa,
                    namespace=plan.namespace,
                    labels=dict(options.labels) or None,
                    annotations=annotations or None,
                ),
                automount_service_account_token=options.automount_token,
                opts=pulumi.ResourceOptions(parent=self, provider=provider, depends_on=waits),
            )


def kubernetes_provider(name: str, opts: pulumi.ResourceOptions | None) -> pulumi.ProviderResource:
    """The Kubernetes provider a component's ServiceAccounts use: ``opts.providers["kubernetes"]``
    (or a Kubernetes provider in a ``providers`` list, or ``opts.provider``).

    Never the ambient kubeconfig: the ServiceAccount would land on whatever cluster it points at.

    Raises:
        IrsaConfigError: none is given, or the one given for ``kubernetes`` is another package's provider.
    """
    candidates: list[tuple[str, Any]] = []
    if opts is not None:
        providers = opts.providers
        if isinstance(providers, dict):
            candidates += list(providers.items())
        elif providers:
            candidates += [(getattr(p, "package", ""), p) for p in providers]
        if opts.provider is not None:
            candidates.append((getattr(opts.provider, "package", ""), opts.provider))
    for key, provider in candidates:
        package = getattr(provider, "package", None)
        if key == "kubernetes" and package != "kubernetes":
            raise IrsaConfigError.one(
                f"IrsaRole {name}: opts.providers['kubernetes']",
                f"{type(provider).__name__} ({package})",
                "is not a Kubernetes provider; the SDK would silently fall back to the ambient kubeconfig",
                "Pulumi docs, 'Resource options: providers'",
                "pass the cluster's pulumi_kubernetes.Provider (EksCluster.kubernetes_provider)",
            )
        if package == "kubernetes":
            return provider
    raise IrsaConfigError.one(
        f"IrsaRole {name}: opts.providers",
        sorted(key for key, _ in candidates) or None,
        "has no Kubernetes provider; the ServiceAccount would go to whatever cluster the ambient kubeconfig points at",
        "Pulumi docs, 'Resource options: providers'",
        "pass opts=ResourceOptions(providers={'kubernetes': cluster.kubernetes_provider}), "
        "or create_service_account=False",
    )


def _target_provider(name: str, args: IrsaRoleArgs) -> pulumi.ProviderResource:
    """``target_role.provider``: an AWS provider, checked before anything is registered.

    Raises:
        IrsaConfigError: missing, or another package's provider (the target role would land in the
            default provider's account, the cluster's).
    """
    provider = (args.get("target_role") or {}).get("provider")
    if not isinstance(provider, pulumi.ProviderResource) or provider.package != "aws":
        raise IrsaConfigError.one(
            f"IrsaRole {name}: target_role.provider",
            type(provider).__name__ if provider is not None else None,
            "is not an AWS provider; the target role would be created in the default provider's account",
            "Pulumi docs, 'Resource options: provider'",
            "pass the pulumi_aws.Provider of the target account (allowed_account_ids set to it)",
        )
    return provider


def _plan_or_raise(name: str, args: IrsaRoleArgs) -> RolePlan:
    """:func:`plan_role`, its problems named ``IrsaRole <name>: <field>`` for a Python caller."""
    try:
        return plan_role(name, args)
    except IrsaConfigError as error:
        raise IrsaConfigError([_named(name, p) for p in error.problems]) from None


def _named(name: str, problem: Problem) -> Problem:
    return Problem(f"IrsaRole {name}: {problem.field}", problem.value, problem.rule, problem.source, problem.fix)


def _boundary(plan: RolePlan, given: pulumi.Input[str] | None) -> pulumi.Input[str] | None:
    """The permissions boundary to register: the plan's (checked) plain ARN, or an Output checked by
    :func:`~eks_irsa.plan.check_permissions_boundary` when it resolves, problems named ``IrsaRole <name>: ...``."""
    if plan.permissions_boundary is not None or given is None:
        return plan.permissions_boundary

    def checked(boundary: str) -> str:
        try:
            return check_permissions_boundary(plan, boundary)
        except IrsaConfigError as error:
            raise IrsaConfigError([_named(plan.name, p) for p in error.problems]) from None

    return pulumi.Output.from_input(given).apply(checked)


def _trust(plan: RolePlan, cluster_arn: str | None, providers: Sequence[str], size: int | None) -> str:
    """The trust policy once Output inputs resolve: :func:`render_trust`, problems named ``IrsaRole <name>: ...``."""
    try:
        return render_trust(
            plan.subjects,
            plan.audience,
            plan.role_account_id,
            [(providers[i], providers[i + 1]) for i in range(0, len(providers), 2)],
            *([size] if size else []),
            identity=plan.identity,
            cluster_arn=cluster_arn,
            session_tags=plan.session_tags,
        )
    except IrsaConfigError as error:
        raise IrsaConfigError([_named(plan.name, p) for p in error.problems]) from None


def _policy_name(plan: RolePlan, index: int, cluster_name: str) -> str:
    """The name of the plan's ``index``-th customer managed policy: the role's name and ``-<index>``."""
    return f"{role_name_for(plan, cluster_name)}-{index}"
