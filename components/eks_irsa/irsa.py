"""``IrsaRole``: one microservice's IAM role, trust policy, permissions and ServiceAccount.

Two identity modes share one input shape: IRSA (default; the ServiceAccount carries
``eks.amazonaws.com/role-arn`` and the role trusts the cluster's OIDC provider) and EKS Pod Identity
(the role trusts ``pods.eks.amazonaws.com`` and an ``aws.eks.PodIdentityAssociation`` binds it to
the ServiceAccount). Every rule lives in :func:`eks_irsa.plan.plan_role`, which runs before the
first child is registered.

The inputs (:class:`IrsaRoleArgs` and the ``TypedDict`` s in it) are declared once in
:mod:`eks_irsa.contract.role` and re-exported here. No ``from __future__ import annotations`` here: Pulumi's
component analyzer reads the output annotations at run time to build the multi-language schema.
"""

import copy
import functools
from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from .accounts import role_account_problems
from .contract.fields import constructor_doc
from .contract.role import IrsaRoleArgs, PermissionStatement, ServiceAccountOptions, TargetRole, TrustedCluster
from .errors import IrsaConfigError, Problem
from .iam.names import short_hash
from .iam.policy import canonical_json
from .iam.trust import render_chain_permissions, render_target_trust_policy
from .plan import (
    AUDIENCE_ANNOTATION,
    REGIONAL_STS_ANNOTATION,
    ROLE_ARN_ANNOTATION,
    TOKEN_EXPIRATION_ANNOTATION,
    IdentityType,
    Rendered,
    RolePlan,
    check_bound,
    check_permissions_boundary,
    check_planned,
    cluster_tags,
    plan_role,
    render_trust,
    role_name_for,
    target_role_arn_for,
)

DEFAULT_AUDIENCE = "sts.amazonaws.com"


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
    of the ARN, never an index), ``<name>-sa-<service account>`` (``kubernetes:core/v1:ServiceAccount``,
    exact name, created with the Kubernetes provider of ``opts.providers``), and with Pod Identity
    ``<name>-pod-identity-<service account>`` (``aws.eks.PodIdentityAssociation``; ``both`` keeps the IRSA
    annotation too); one per service account, never renamed when one is added (:func:`one_of_one`). With
    ``target_role`` the role gets only
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

    def __init__(
        self,
        name: str,
        args: IrsaRoleArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        plan: RolePlan | None = None,
    ) -> None:
        plan = _plan_or_raise(name, args, opts, plan)
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
        planned = dict(plan.inputs)
        # A plan made at the cluster's stand-ins (PLANNED_BINDING) renders its trust from this component's values.
        rebound = any(planned.get(key) is not args.get(key) for key in ("oidc_provider_arn", "oidc_issuer"))
        chain_policy: pulumi.Output[str] | None = None
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
            role = self._role(name, args, plan, cluster_name, child, rebound)
            target_arn: pulumi.Output[str] | None = None
            if plan.target_role_arn is not None:
                target_arn = pulumi.Output.from_input(plan.target_role_arn)
            elif plan.target_account_id is not None:
                target_arn = cluster_name.apply(lambda c: target_role_arn_for(plan, role_name_for(plan, c)))
            if target_arn is not None:
                chain_policy = target_arn.apply(lambda arn: canonical_json(render_chain_permissions(arn)))
                chain = aws.iam.RolePolicy(f"{name}-chain", role=role.name, policy=chain_policy, opts=child)
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
                associations.append(
                    aws.eks.PodIdentityAssociation(
                        f"{name}-pod-identity-{sa}",
                        cluster_name=cluster_name,
                        namespace=plan.namespace,
                        service_account=sa,
                        role_arn=role_arn,
                        target_role_arn=target_arn if plan.chained else None,
                        disable_session_tags=not plan.session_tags,
                        policy=plan.session_policy,
                        tags=tags,
                        opts=pulumi.ResourceOptions.merge(
                            child,
                            pulumi.ResourceOptions(aliases=one_of_one(plan.service_accounts, f"{name}-pod-identity")),
                        ),
                    )
                )
        self.external_id = associations[0].external_id if plan.chained else pulumi.Output.from_input(None)
        self.target_role_arn = pulumi.Output.from_input(plan.target_role_arn)
        target_trust: pulumi.Output[str] | None = None
        if target_provider is not None:
            self.target_role_arn, target_trust = self._target_role(
                name, plan, role, associations, cluster_name, target_provider
            )
        self.register_outputs({key: getattr(self, key) for key in OUTPUTS})
        trusted = []
        if plan.identity.uses_irsa:
            trusted = [args.get("oidc_issuer"), args.get("oidc_provider_arn")]
            trusted += [c["oidc_provider_arn"] for c in args.get("additional_clusters", ())]
        self._rendering = (target_trust, chain_policy, trusted)

    def rendered(self) -> pulumi.Output[Rendered]:
        """What this component rendered from :attr:`plan` once its Outputs resolved (:class:`~eks_irsa.plan.Rendered`:
        role name and ARN, trust policy, the issuer and OIDC providers it trusts, a chained role's documents), for
        ``eks-irsa plan``'s ``service.json`` (:class:`~eks_irsa.plan.RoleRecord`). Not a registered output; made
        on request, so a program that does not ask pays nothing for it."""
        target_trust, chain_policy, trusted = self._rendering
        return pulumi.Output.all(
            self.role_name,
            self.role_arn,
            self.trust_policy,
            target_trust,
            chain_policy,
            self.target_role_arn,
            self.external_id,
            *trusted,
        ).apply(
            lambda v: Rendered(
                role_name=v[0] or None,
                role_arn=v[1],
                trust_policy=v[2],
                oidc_issuer=v[7].removeprefix("https://") if len(v) > 7 and isinstance(v[7], str) else None,
                oidc_provider_arns=tuple(dict.fromkeys(a for a in v[8:] if isinstance(a, str))),
                target_trust_policy=v[3],
                chain_policy=v[4],
                target_role_arn=v[5],
                external_id=v[6],
            )
        )

    def _target_role(
        self,
        name: str,
        plan: RolePlan,
        first: aws.iam.Role,
        associations: list[aws.eks.PodIdentityAssociation],
        cluster_name: pulumi.Output[str],
        provider: pulumi.ProviderResource,
    ) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
        """The target role in the other account: trust = the first role with the associations' external ids,
        the plan's permissions; ``(its ARN once they are attached, its trust policy)``."""
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
        return pulumi.Output.all(role.arn, *ready).apply(lambda values: values[0]), trust

    def _role(
        self,
        name: str,
        args: IrsaRoleArgs,
        plan: RolePlan,
        cluster_name: pulumi.Output[str],
        child: pulumi.ResourceOptions,
        rebound: bool,
    ) -> aws.iam.Role:
        if plan.trust_policy is not None and not rebound:
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
                f"{name}-sa-{sa}",
                metadata=k8s.meta.v1.ObjectMetaArgs(
                    name=sa,
                    namespace=plan.namespace,
                    labels=dict(options.labels) or None,
                    annotations=annotations or None,
                ),
                automount_service_account_token=options.automount_token,
                opts=pulumi.ResourceOptions(
                    parent=self, provider=provider, depends_on=waits, aliases=one_of_one(names, f"{name}-sa")
                ),
            )


def one_of_one(service_accounts: Sequence[str], name: str) -> list[pulumi.Input[pulumi.Alias]] | None:
    """The alias a role's only ServiceAccount (or Pod Identity association) carries: its name in eks-irsa 0.4
    (``<role>-sa``, ``<role>-pod-identity``), when one service account had no suffix.

    Each is named per service account (``<role>-sa-<service account>``) whatever their number, so adding or
    removing a second one never renames the first. A rename is a create before the delete: Kubernetes refuses
    the second ServiceAccount of one name (pulumi-kubernetes provider/pkg/await/await.go, Creation: without
    ``upsertExistingObjects`` server-side apply creates, and the API server answers AlreadyExists; a preview hides
    it), and EKS refuses a second association for one namespace and service account (409). The alias moves a
    stack made before onto the new name without a replacement; ``None`` with several, which were suffixed
    before too.
    """
    return [pulumi.Alias(name=name)] if len(service_accounts) == 1 else None


IrsaRole.__init__.__doc__ = constructor_doc(
    "IrsaRole",
    IrsaRoleArgs,
    "Give the cluster's Kubernetes provider as ``providers={'kubernetes': ...}`` when ServiceAccounts are created.\n"
    "    plan: (keyword, Python only) a :class:`~eks_irsa.plan.RolePlan` the caller already made with "
    ":func:`~eks_irsa.plan.plan_role` from these same arguments, such as the catalog's, which plans every service "
    "before the first registration. It is used instead of planning again when :func:`~eks_irsa.plan.check_planned` "
    "finds it is the plan of ``name`` and ``args`` (the cluster's name, OIDC provider ARN and issuer may be the "
    "cluster's Outputs where the plan had stand-ins; the trust is rendered from them when they resolve, and held to "
    "the stand-ins but for the issuer's id). Otherwise IrsaConfigError, before anything is registered. Default: "
    "planned here.",
)

__all__ = [
    "AUDIENCE_ANNOTATION",
    "DEFAULT_AUDIENCE",
    "FIXED_NAME",
    "OUTPUTS",
    "REGIONAL_STS_ANNOTATION",
    "ROLE_ARN_ANNOTATION",
    "TOKEN_EXPIRATION_ANNOTATION",
    "IdentityType",
    "IrsaRole",
    "IrsaRoleArgs",
    "PermissionStatement",
    "ServiceAccountOptions",
    "TargetRole",
    "TrustedCluster",
    "kubernetes_provider",
]


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


def _plan_or_raise(
    name: str, args: IrsaRoleArgs, opts: pulumi.ResourceOptions | None, plan: RolePlan | None
) -> RolePlan:
    """:func:`plan_role`, or the ``plan`` given when it is the plan of these arguments (:func:`check_planned`), and
    the rule on the account ``opts`` create the role in (:func:`~eks_irsa.accounts.role_account_problems`), their
    problems named ``IrsaRole <name>: <field>`` for a Python caller."""
    found = role_account_problems(args, opts)
    try:
        if plan is None:
            plan = plan_role(name, args)
        else:
            problems = check_planned(name, args, plan)
            if problems:
                raise IrsaConfigError(problems)
    except IrsaConfigError as error:
        raise IrsaConfigError([_named(name, p) for p in [*found, *error.problems]]) from None
    if found:
        raise IrsaConfigError([_named(name, p) for p in found])
    return plan


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
    """The trust policy once Output inputs resolve: :func:`render_trust` (the cluster's provider and issuer held to
    those the plan was made with, :func:`check_bound`), problems named ``IrsaRole <name>: ...``."""
    try:
        bound = check_bound(plan, provider_arn=providers[0], issuer=providers[1]) if plan.identity.uses_irsa else []
        if bound:
            raise IrsaConfigError(bound)
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
