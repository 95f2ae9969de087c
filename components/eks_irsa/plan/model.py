"""The planned role: :class:`RolePlan` (with its :class:`ServiceAccountPlan`; :class:`IdentityType` is the
contract's, :mod:`eks_irsa.contract.role`), what the component rendered from it once its Outputs resolved
(:class:`Rendered`), and the two together as one typed record, :class:`RoleRecord`: the ``service.json`` of
``eks-irsa plan``, written by :meth:`RoleRecord.to_json` and read back, by verify, the Pod Identity player and
explain, with :meth:`RoleRecord.from_json` only. Pure: no Pulumi import.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from ..contract.role import IdentityType
from ..iam.policy import Effect, PermissionsLayout, PolicyStatement, statement_list
from ..iam.risk import ManagedPolicy, Risk
from ..iam.trust import Subject

ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"
"""The annotation the EKS pod identity webhook reads (EKS User Guide, 'Configure Pods to use a
Kubernetes service account'; amazon-eks-pod-identity-webhook README)."""

AUDIENCE_ANNOTATION = "eks.amazonaws.com/audience"
"""Overrides the projected token's audience (amazon-eks-pod-identity-webhook README)."""

REGIONAL_STS_ANNOTATION = "eks.amazonaws.com/sts-regional-endpoints"
"""``"true"`` makes the SDKs in the pod call the regional STS endpoint (webhook README)."""

TOKEN_EXPIRATION_ANNOTATION = "eks.amazonaws.com/token-expiration"
"""The projected token's lifetime in seconds (webhook README; 600..86,400)."""

OURS = "this package (eks_irsa.plan)"
"""The source named by the plan's own rules (those no IAM or Kubernetes document states)."""

TAG_PREFIX = "eks-irsa/"
"""Tag keys the component writes itself (cluster, namespace, service account); callers may not."""


@dataclass(frozen=True)
class ServiceAccountPlan:
    """The ServiceAccount(s) a role gets and the settings of the tokens projected into its pods.

    Attributes:
        names: the ServiceAccounts to create, sorted; empty when none is created.
        labels: Kubernetes labels, sorted by key.
        annotations: the user's annotations, sorted by key, before the component adds its own.
        sts_regional_endpoints: annotate ``eks.amazonaws.com/sts-regional-endpoints: "true"``.
        token_expiration: projected token lifetime in seconds, or ``None`` for the webhook's default.
        automount_token: mount the Kubernetes API token into pods.
    """

    names: tuple[str, ...]
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    sts_regional_endpoints: bool
    token_expiration: int | None
    automount_token: bool


@dataclass(frozen=True)
class RolePlan:
    """Everything one role will be, derived once from its arguments.

    Attributes:
        name: the component's logical name.
        identity: :class:`IdentityType`.
        namespace: the ServiceAccounts' namespace.
        service_accounts: every literal ServiceAccount name the trust admits, sorted.
        subjects: the ``sub`` values the trust admits (literal names and at most one pattern).
        audience: the ``aud`` the trust pins (IRSA).
        role_name: the IAM role name, or ``None`` while the cluster name is an unresolved Output
            (then :func:`role_name_for` derives it when it resolves).
        role_path: the IAM path.
        role_account_id: the role's account when known from the inputs, else ``None``.
        partition: the partition of the role's ARNs when known from the inputs, else ``None``.
        existing_role_arn: the role used instead of creating one, or ``None``.
        tags: the role's tags, the component's ``eks-irsa/`` keys last (cluster tag absent while the
            cluster name is an Output); empty for an ``existing_role_arn``, whose tags are not ours.
        max_session_duration: seconds.
        permissions_boundary: a policy ARN, or ``None`` (also while it is an Output: the component passes
            that on, checked by :func:`check_permissions_boundary` when it resolves).
        statements: the inline statements as given, in order.
        layout: where the statements go (one inline policy, or split customer managed policies).
        managed_policy_arns: the policy ARNs to attach, sorted, de-duplicated.
        trust_policy: the canonical trust policy JSON when every input it needs is plain, else ``None``
            (the component renders it with :func:`render_trust` when the Outputs resolve).
        service_account: :class:`ServiceAccountPlan`.
        create_service_account: whether the component creates the ServiceAccount(s).
        warnings: lint warnings and notices, one line each; the component logs them.
        session_tags: with Pod Identity, whether the association passes EKS Pod Identity's session tags
            (then the trust policy pins ``aws:RequestTag/kubernetes-namespace`` and
            ``.../kubernetes-service-account``); ``False`` without Pod Identity.
        session_policy: with Pod Identity, the association's session policy (in the provider's form:
            :func:`eks_irsa.iam.policy.provider_json`), or ``None``.
        cluster_arn: with Pod Identity, the cluster ARN the trust names when it is a plain string, else ``None``.
        target_account_id: cross-account Pod Identity: the account the component creates the target role in
            (with this plan's role name, path, tags and permissions), else ``None``.
        target_role_arn: cross-account Pod Identity: an existing target role managed elsewhere, else ``None``.
            With either, this plan's role holds only ``sts:AssumeRole`` and ``sts:TagSession`` on the target.
        risks: the risk categories the role reaches through its statements and AWS managed policies
            (:func:`eks_irsa.iam.risk.risks`); empty without the ``lint`` extra.
        managed_policies: the AWS managed policies attached, as the offline copy holds them.
        managed_policy_justifications: why each attached managed policy reaches what it does, by ARN, sorted
            (the ``managed_policy_justifications`` the rules accepted); empty for an ``existing_role_arn``.
        managed_policy_source: where those copies come from (package, file, date), or ``None``.
    """

    name: str
    identity: IdentityType
    namespace: str
    service_accounts: tuple[str, ...]
    subjects: tuple[Subject, ...]
    audience: str
    role_name: str | None
    role_path: str
    role_account_id: str | None
    partition: str | None
    existing_role_arn: str | None
    tags: Mapping[str, str]
    max_session_duration: int
    permissions_boundary: str | None
    statements: tuple[PolicyStatement, ...]
    layout: PermissionsLayout
    managed_policy_arns: tuple[str, ...]
    trust_policy: str | None
    service_account: ServiceAccountPlan
    create_service_account: bool
    warnings: tuple[str, ...]
    session_tags: bool = False
    session_policy: str | None = None
    cluster_arn: str | None = None
    target_account_id: str | None = None
    target_role_arn: str | None = None

    @property
    def chained(self) -> bool:
        """Cross-account Pod Identity: the association chains this role into a target role."""
        return self.target_account_id is not None or self.target_role_arn is not None

    risks: tuple[Risk, ...] = ()
    managed_policies: tuple[ManagedPolicy, ...] = ()
    managed_policy_source: str | None = None
    managed_policy_justifications: Mapping[str, str] = field(default_factory=dict)
    inputs: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The arguments the plan was made from, frozen (:func:`frozen_args`: mappings as sorted item tuples, lists
    as tuples, Outputs and providers as the objects themselves), so that ``IrsaRole`` can tell whether a plan
    handed to it is of its own arguments (:func:`eks_irsa.plan.rules.check_planned`). Not part of the JSON form."""

    def summary(self) -> dict[str, Any]:
        """The plan as JSON data, its part of ``eks-irsa plan``'s ``service.json`` (:class:`RoleRecord`, keys
        camelCase); for an ``existing_role_arn`` only what is applied (no role path, session length, boundary or
        tags). The role name is ``None`` while the cluster name is an Output (the record takes the rendered one)."""
        return {
            "name": self.name,
            "identity": self.identity.value,
            "namespace": self.namespace,
            "serviceAccount": self.service_accounts[0] if self.service_accounts else None,
            "serviceAccounts": list(self.service_accounts),
            "subjects": sorted(s.value for s in self.subjects),
            "audience": self.audience if self.identity.uses_irsa else None,
            "roleName": self.role_name or (self.existing_role_arn or "").rsplit("/", 1)[-1] or None,
            "rolePath": self.role_path if self.existing_role_arn is None else None,
            "roleManagedHere": self.existing_role_arn is None,
            "existingRoleArn": self.existing_role_arn,
            "maxSessionDuration": self.max_session_duration if self.existing_role_arn is None else None,
            "permissionsBoundary": self.permissions_boundary,
            "managedPolicyArns": list(self.managed_policy_arns),
            "tags": dict(self.tags),
            "serviceAccountCreated": self.create_service_account and bool(self.service_account.names),
            "stsRegionalEndpoints": self.service_account.sts_regional_endpoints,
            "tokenExpiration": self.service_account.token_expiration,
            "automountServiceAccountToken": self.service_account.automount_token,
            "warnings": list(self.warnings),
            "sessionTags": self.session_tags if self.identity.uses_pod_identity else None,
            "sessionPolicy": json.loads(self.session_policy) if self.session_policy else None,
            "clusterArn": self.cluster_arn,
            "targetAccountId": self.target_account_id,
            "targetRoleArn": self.target_role_arn,
            "riskCategories": {r.category: r.summary() for r in self.risks},
            "managedPolicies": [
                {
                    "arn": m.arn,
                    "version": m.version,
                    "updated": m.updated,
                    "actions": sorted({a for item in statement_list(m.document) for a in _actions_of(item)}),
                }
                for m in self.managed_policies
            ],
            "managedPolicySource": self.managed_policy_source,
        }


def statement_from_args(statement: Mapping[str, Any]) -> PolicyStatement:
    """A ``PermissionStatement`` dict (``actions``, ``resources``, optional ``effect``, ``conditions``,
    ``sid``, ``justification``) as a :class:`~eks_irsa.iam.policy.PolicyStatement`."""
    conditions = {
        op: {key: value if isinstance(value, str) else tuple(value) for key, value in keys.items()}
        for op, keys in (statement.get("conditions") or {}).items()
    }
    return PolicyStatement(
        actions=tuple(statement.get("actions", ())),
        resources=tuple(statement.get("resources", ())),
        effect=Effect(statement.get("effect", Effect.ALLOW)),
        conditions=conditions,
        sid=statement.get("sid"),
        justification=statement.get("justification"),
    )


def frozen_args(value: Any) -> Any:
    """``value`` as a hashable-shaped, order-free snapshot for comparing arguments: mappings as tuples of
    ``(key, value)`` sorted by key, lists and tuples as tuples, anything else (strings, numbers, Outputs,
    providers) as itself, so an Output equals only itself."""
    if isinstance(value, Mapping):
        return tuple(sorted(((str(k), frozen_args(v)) for k, v in value.items()), key=lambda item: item[0]))
    if isinstance(value, list | tuple):
        return tuple(frozen_args(v) for v in value)
    return value


@dataclass(frozen=True)
class Rendered:
    """What ``IrsaRole`` rendered from its :class:`RolePlan` once its Outputs resolved: the values only a run
    knows (the real issuer, provider and role ARNs), kept by the component itself (``IrsaRole.rendered``).

    Attributes:
        role_name: the IAM role name (an existing role's last ARN segment).
        role_arn: the role's ARN (the existing role's for ``existing_role_arn``).
        trust_policy: the trust policy as registered, canonical JSON; ``None`` for an existing role.
        oidc_issuer: IRSA: the cluster's issuer (host/path, no ``https://``), else ``None``.
        oidc_provider_arns: IRSA: the OIDC providers the trust names, the cluster's first, then
            ``additional_clusters`` in order; empty otherwise.
        target_trust_policy: cross-account Pod Identity with a target role made here: its trust policy (canonical
            JSON), else ``None``.
        chain_policy: cross-account Pod Identity: the first role's only permissions policy (canonical JSON), else
            ``None``.
        target_role_arn: cross-account Pod Identity: the target role's ARN, else ``None``.
        external_id: cross-account Pod Identity: the (first) association's ``externalId``, else ``None``.
    """

    role_name: str | None
    role_arn: str | None
    trust_policy: str | None
    oidc_issuer: str | None = None
    oidc_provider_arns: tuple[str, ...] = ()
    target_trust_policy: str | None = None
    chain_policy: str | None = None
    target_role_arn: str | None = None
    external_id: str | None = None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


@dataclass(frozen=True)
class RoleRecord:
    """One role as ``eks-irsa plan`` writes it to ``services/<name>/service.json``: its :class:`RolePlan`
    (:meth:`RolePlan.summary`) and what the component rendered (:class:`Rendered`). The JSON keys are the
    attribute names in camelCase (``role_arn`` ↔ ``roleArn``); ``externalId`` is written only for a chained
    (cross-account Pod Identity) role.

    Attributes beyond :meth:`RolePlan.summary`'s keys: ``role_arn``; ``oidc_provider_arn`` and ``oidc_issuer``
    (IRSA: the cluster's provider and issuer, else ``None``); ``trusted_providers`` (every OIDC provider the
    trust names, sorted); ``external_id``. ``session_policy``, ``tags``, ``risk_categories`` and
    ``managed_policies`` are JSON data as written.
    """

    name: str
    identity: str
    namespace: str
    service_account: str | None
    service_accounts: tuple[str, ...]
    subjects: tuple[str, ...]
    audience: str | None
    role_name: str | None
    role_path: str | None
    role_managed_here: bool
    existing_role_arn: str | None
    max_session_duration: int | None
    permissions_boundary: str | None
    managed_policy_arns: tuple[str, ...]
    tags: Mapping[str, str]
    service_account_created: bool
    sts_regional_endpoints: bool
    token_expiration: int | None
    automount_service_account_token: bool
    warnings: tuple[str, ...]
    session_tags: bool | None
    session_policy: Any
    cluster_arn: str | None
    target_account_id: str | None
    target_role_arn: str | None
    risk_categories: Mapping[str, Any]
    managed_policies: tuple[Mapping[str, Any], ...]
    managed_policy_source: str | None
    role_arn: str | None
    oidc_provider_arn: str | None
    oidc_issuer: str | None
    trusted_providers: tuple[str, ...]
    external_id: str | None = None

    @property
    def chained(self) -> bool:
        """Cross-account Pod Identity: the association chains the role into a target role."""
        return self.target_account_id is not None or self.target_role_arn is not None

    @classmethod
    def of(cls, plan: RolePlan, rendered: Rendered) -> "RoleRecord":
        """The record of ``plan`` as the component rendered it (the role name as registered; the plan's when
        nothing was rendered)."""
        summary = plan.summary()
        irsa = plan.identity.uses_irsa
        values: dict[str, Any] = {
            **summary,
            "roleName": rendered.role_name or summary["roleName"],
            "roleArn": rendered.role_arn,
            "oidcProviderArn": rendered.oidc_provider_arns[0] if irsa and rendered.oidc_provider_arns else None,
            "oidcIssuer": rendered.oidc_issuer if irsa else None,
            "trustedProviders": sorted(rendered.oidc_provider_arns) if irsa else [],
        }
        if plan.chained:
            values.update(
                targetRoleArn=rendered.target_role_arn or plan.target_role_arn, externalId=rendered.external_id
            )
        return cls.from_data(values)

    @classmethod
    def json_keys(cls) -> tuple[str, ...]:
        """The keys of ``service.json``, in attribute order (``externalId`` last, written only when chained)."""
        return tuple(_camel(f.name) for f in fields(cls))

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "RoleRecord":
        """The record of ``service.json``'s JSON data.

        Raises:
            ValueError: a key is missing (a ``build/`` written by another version: run ``eks-irsa plan`` again)
                or unknown.
        """
        known = {_camel(f.name): f for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        missing = sorted(k for k, f in known.items() if k not in data and f.name != "external_id")
        if unknown or missing:
            raise ValueError(
                f"service.json of {data.get('name')!r} is not this version's: "
                + ", ".join([*(f"unknown key {k}" for k in unknown), *(f"no key {k}" for k in missing)])
                + "; run eks-irsa plan again"
            )
        values: dict[str, Any] = {}
        for key, f in known.items():
            value = data.get(key)
            values[f.name] = tuple(value) if isinstance(value, list) and key != "sessionPolicy" else value
        return cls(**values)

    @classmethod
    def from_json(cls, text: str) -> "RoleRecord":
        """The record of a ``service.json`` file's text (see :meth:`from_data`).

        Raises:
            ValueError: not JSON, not an object, or not this version's keys.
        """
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("service.json holds no JSON object; run eks-irsa plan again")
        return cls.from_data(data)

    def to_json(self) -> dict[str, Any]:
        """The JSON data of ``service.json`` (keys camelCase; lists for tuples; ``externalId`` only when
        :attr:`chained`)."""
        data: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "external_id" and not self.chained:
                continue
            value = getattr(self, f.name)
            data[_camel(f.name)] = list(value) if isinstance(value, tuple) else value
        return data


def _actions_of(item: Mapping[str, object]) -> list[str]:
    value = item.get("Action", [])
    if isinstance(value, str):
        return [value]
    return [a for a in value if isinstance(a, str)] if isinstance(value, list) else []
