"""``IrsaRoleArgs`` and the ``TypedDict`` s nested in it: the one declaration of the role's inputs.

Every way to call :class:`~eks_irsa.IrsaRole` meets these fields: a Python program directly, the catalog (its
keys are these fields' names in :mod:`eks_irsa.contract.vocabulary`), and other languages (the multi-language
schema's properties, the same names). From them come the shape check (:func:`eks_irsa.shape.check_shape`),
the catalog's ``schema.json``, the multi-language ``provider/schema.json`` and the text ``help()`` shows.
Every rule on the values is :func:`eks_irsa.plan.plan_role`'s.

Pure: standard library only (see :mod:`eks_irsa.contract.inputs`). No ``from __future__ import annotations``.
"""

from enum import StrEnum
from typing import NotRequired, TypedDict

from ..iam.policy import Effect
from .enums import EffectValue, IdentityTypeValue
from .fields import documented
from .inputs import AwsProvider, ConditionValues, Input, OrValue


class IdentityType(StrEnum):
    """How pods get the role: IRSA (OIDC web identity, the default) or EKS Pod Identity."""

    IRSA = "irsa"
    """The role trusts the cluster's IAM OIDC provider; the ServiceAccount carries ``eks.amazonaws.com/role-arn``."""
    POD_IDENTITY = "pod-identity"
    """The role trusts ``pods.eks.amazonaws.com``; an EKS Pod Identity association binds it to the ServiceAccount."""
    BOTH = "both"
    """The migration step between the two: the role trusts the OIDC provider *and* ``pods.eks.amazonaws.com``,
    the ServiceAccount keeps ``eks.amazonaws.com/role-arn`` and an association binds the same role, so a pod
    started before or after the switch gets credentials for the same role."""

    @property
    def uses_irsa(self) -> bool:
        """The role trusts the OIDC provider and the ServiceAccount carries the IRSA annotation."""
        return self in (IdentityType.IRSA, IdentityType.BOTH)

    @property
    def uses_pod_identity(self) -> bool:
        """The role trusts ``pods.eks.amazonaws.com`` and an association binds it (the agent is needed)."""
        return self in (IdentityType.POD_IDENTITY, IdentityType.BOTH)


@documented
class PermissionStatement(TypedDict):
    """One IAM permissions statement as plain data, so that any Pulumi language can send it."""

    actions: list[str]
    """``service:Action`` strings, at least one; ``*`` and ``service:*`` are refused (least privilege).
    Rendered sorted and de-duplicated (IAM User Guide, 'IAM JSON policy elements: Action')."""
    resources: list[str]
    """ARNs in the role's partition, or ``*`` only for actions without resource-level permissions or
    with a ``justification`` (IAM User Guide, 'IAM JSON policy elements: Resource')."""
    effect: NotRequired[OrValue[Effect, EffectValue]]
    """``Allow`` or ``Deny``. Default: ``Allow``."""
    conditions: NotRequired[dict[str, dict[str, ConditionValues]]]
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


@documented
class TrustedCluster(TypedDict):
    """Another cluster whose service accounts the role also trusts (e.g. the green cluster of a blue/green upgrade)."""

    oidc_provider_arn: Input[str]
    """That cluster's IAM OIDC provider, in the role's account:
    ``arn:<partition>:iam::<account>:oidc-provider/<issuer>``."""
    oidc_issuer: Input[str]
    """That cluster's issuer host/path; ``https://`` and a trailing ``/`` are removed."""


@documented
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


@documented
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
    provider: NotRequired[AwsProvider]
    """The AWS provider of ``account_id``'s account (set its ``allowed_account_ids``); the target role and
    its policies are created through it. Default: none."""


@documented
class IrsaRoleArgs(TypedDict):
    """Inputs of :class:`IrsaRole`. Problems name these fields (``additional_clusters[0].oidc_provider_arn``)."""

    cluster_name: Input[str]
    """The EKS cluster's name (EKS CreateCluster: 1..100 of ``[A-Za-z0-9_-]``, starting alphanumeric);
    part of the default role name and of the tags. An Output is accepted (e.g. from a StackReference),
    and with Pod Identity an Output of the cluster makes the association wait for it."""
    namespace: str
    """The ServiceAccount's namespace, a DNS-1123 label (Kubernetes 'Object Names and IDs')."""
    oidc_provider_arn: NotRequired[Input[str]]
    """The IAM OIDC provider's ARN, ``arn:<partition>:iam::<account>:oidc-provider/<issuer>``; required
    with IRSA (e.g. ``EksCluster.oidc_provider_arn``). Default: none (an error with IRSA)."""
    oidc_issuer: NotRequired[Input[str]]
    """The cluster's issuer host/path; ``https://`` and a trailing ``/`` are removed. Required with IRSA. A
    dual-stack host (``oidc-eks.<region>.api.aws``) is refused: the cluster's tokens carry its issuer.
    Default: none (an error with IRSA)."""
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
    permissions_boundary: NotRequired[Input[str]]
    """A policy ARN that caps the role (IAM User Guide, 'Permissions boundaries for IAM entities'): in the
    role's partition, not an AWS full-access policy, a customer policy of the role's account. An Output is
    accepted (e.g. an ``aws.iam.Policy`` made in the same program): checked when it resolves, with the same
    problem text, raised as :class:`~eks_irsa.IrsaConfigError` (failing the deploy); the plan then records
    no boundary. Default: none."""
    max_session_duration: NotRequired[int]
    """Seconds, 3,600..43,200 (IAM CreateRole). Default: 3,600."""
    identity: NotRequired[OrValue[IdentityType, IdentityTypeValue]]
    """``irsa``, ``pod-identity``, or ``both`` (the migration step: the role trusts the OIDC provider and
    ``pods.eks.amazonaws.com``, the ServiceAccount keeps its IRSA annotation and an association binds the
    same role). Default: ``irsa``."""
    cluster_arn: NotRequired[Input[str]]
    """The cluster's ARN; required with Pod Identity and ``both`` (trust policy ``aws:SourceArn``). Default: none."""
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
