"""IRSA trust policies as plain data: render, normalise the issuer, check against IAM's rules.

Nothing here imports Pulumi. ``IrsaRole`` calls :func:`render_trust_policy` inside
``Output.all(...).apply`` with resolved values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..errors import IrsaConfigError, Problem
from . import limits
from .arn import parse_arn, parse_iam_arn
from .policy import POLICY_VERSION, statement_list

DEFAULT_AUDIENCE = "sts.amazonaws.com"
"""The audience the EKS pod identity webhook requests for projected tokens (EKS User Guide,
'Configure Pods to use a Kubernetes service account'; annotation ``eks.amazonaws.com/audience``)."""

WEB_IDENTITY_ACTION = "sts:AssumeRoleWithWebIdentity"
IRSA_DOCS = "EKS User Guide, 'Assign IAM roles to Kubernetes service accounts'"
CONDITION_DOCS = "IAM User Guide, 'IAM JSON policy elements: Condition operators'"
DUAL_STACK_DOCS = (
    "EKS API Reference, OIDC.issuer (the issuer a cluster's tokens carry); AWS STS API Reference, "
    "AssumeRoleWithWebIdentity (iss must match the IAM OIDC provider); aws/containers-roadmap#2038 (the "
    "dual-stack oidc-eks.<region>.api.aws endpoint)"
)
DUAL_STACK_ISSUER = re.compile(r"oidc-eks\.([a-z0-9-]+)\.api\.aws/id/([^/]+)")
"""An EKS issuer's dual-stack host/path: ``oidc-eks.<region>.api.aws/id/<ID>`` (group 1 the region, 2 the id)."""


@dataclass(frozen=True, order=True)
class Subject:
    """A Kubernetes service account as IAM sees it in the token's ``sub`` claim.

    Attributes:
        namespace: DNS-1123 label; always literal.
        service_account: DNS-1123 subdomain, or with ``pattern`` a name holding ``*``/``?`` wildcards.
        pattern: the explicit opt-in to a wildcard service account name; the ``sub`` key then goes
            under ``StringLike``. Default: ``False``.
    """

    namespace: str
    service_account: str
    pattern: bool = False

    @property
    def value(self) -> str:
        """``system:serviceaccount:<namespace>:<service account>``, the ``sub`` Kubernetes puts in the token."""
        return f"system:serviceaccount:{self.namespace}:{self.service_account}"

    @classmethod
    def from_value(cls, value: str) -> Subject | None:
        """The subject a ``sub`` of :attr:`value`'s shape names (parts taken as written), else ``None``.

        Source: Kubernetes docs, 'Managing Service Accounts' (the token's ``sub`` is
        ``system:serviceaccount:<namespace>:<name>``).
        """
        parts = value.split(":")
        if len(parts) != 4 or parts[:2] != ["system", "serviceaccount"]:
            return None
        return cls(parts[2], parts[3])

    def check(self, field: str) -> list[Problem]:
        """Kubernetes name rules on both parts; a pattern needs a literal part besides its wildcards."""
        problems = limits.check_namespace(f"{field}.namespace", self.namespace)
        if not self.pattern:
            return problems + limits.check_service_account_name(f"{field}.serviceAccount", self.service_account)
        name = self.service_account if isinstance(self.service_account, str) else ""
        literal = name.replace("*", "").replace("?", "")
        if not literal or name == literal or not name[:1].isalnum():
            return [
                *problems,
                Problem(
                    f"{field}.subjectPattern",
                    self.service_account,
                    "is not a service account pattern with both a literal part and a wildcard; a bare '*' would "
                    "trust every service account of the namespace",
                    CONDITION_DOCS,
                    "give a prefix such as 'spark-*', or name the service accounts",
                ),
            ]
        return problems + limits.check_service_account_name(
            f"{field}.subjectPattern", name.replace("*", "x").replace("?", "x")
        )


@dataclass(frozen=True, order=True)
class TrustedProvider:
    """An IAM OIDC provider and the issuer it stands for.

    Attributes:
        arn: ``arn:<partition>:iam::<account>:oidc-provider/<issuer>``.
        issuer: host/path, ``https://`` and a trailing ``/`` are removed.
    """

    arn: str
    issuer: str


def normalize_issuer(issuer: str, field: str = "oidc_issuer") -> str:
    """The issuer as IAM writes it in condition keys: host and path, no scheme, no trailing slash.

    ``https://oidc.eks.us-east-1.amazonaws.com/id/ABC/`` -> ``oidc.eks.us-east-1.amazonaws.com/id/ABC``.

    A dual-stack host (``oidc-eks.<region>.api.aws/id/<ID>``) is refused: it serves the cluster's discovery
    document and keys over IPv6 as well, but the tokens the cluster signs carry its issuer
    (``cluster.identity.oidc.issuer``, ``oidc.eks.<region>.<dns suffix>/id/<ID>``) in ``iss``, and STS matches
    ``iss`` against the IAM OIDC provider's URL and the trust policy's ``<issuer>:sub`` keys, so a provider or
    trust written for the dual-stack host would never match a token (:data:`DUAL_STACK_DOCS`).

    Raises:
        IrsaConfigError: empty, another scheme than https, or ``:``, ``?``, ``#`` or whitespace inside
            (a host/path never holds them, and a ``:`` would corrupt the ``<issuer>:sub`` key); a dual-stack host.
    """
    value = issuer.strip() if isinstance(issuer, str) else ""
    if value.lower().startswith("https://"):
        value = value[len("https://") :]
    value = value.rstrip("/")
    if (
        not value
        or ("/" not in value.strip("/") and "." not in value)
        or any(ch in value for ch in ":?#")
        or any(ch.isspace() for ch in value)
    ):
        raise IrsaConfigError.one(
            field,
            issuer,
            "is not an OIDC issuer host/path (IAM condition keys are '<host/path>:sub')",
            IRSA_DOCS,
            "give the issuer as oidc.eks.<region>.amazonaws.com/id/<ID>, without a scheme",
        )
    dual_stack = DUAL_STACK_ISSUER.fullmatch(value)
    if dual_stack:
        raise IrsaConfigError.one(
            field,
            issuer,
            "is the dual-stack (IPv6) endpoint of an EKS issuer; the cluster's tokens carry its issuer "
            f"oidc.eks.{dual_stack.group(1)}.<dns suffix>/id/{dual_stack.group(2)} in iss, so an OIDC provider "
            "or trust policy keyed on this host would never match a token",
            DUAL_STACK_DOCS,
            f"give the cluster's issuer, oidc.eks.{dual_stack.group(1)}.amazonaws.com/id/{dual_stack.group(2)} "
            "(amazonaws.com.cn in China; aws eks describe-cluster --query cluster.identity.oidc.issuer)",
        )
    return value


def check_audience(field: str, audience: object) -> list[Problem]:
    """An audience is a non-empty string without wildcards (it goes under ``StringEquals``)."""
    if not isinstance(audience, str) or not audience.strip():
        return [Problem(field, audience, "is empty", IRSA_DOCS, f"leave it out for {DEFAULT_AUDIENCE}")]
    if "*" in audience or "?" in audience:
        return [
            Problem(
                field,
                audience,
                "holds a wildcard, which StringEquals matches literally",
                CONDITION_DOCS,
                "give the exact audience",
            )
        ]
    return []


def check_provider_arn(field: str, provider_arn: object) -> list[Problem]:
    """An IAM OIDC provider ARN: ``arn:<partition>:iam::<12 digits>:oidc-provider/<issuer>``."""
    if parse_iam_arn(provider_arn, "oidc-provider") is None:
        return [
            Problem(
                field,
                provider_arn,
                "is not an IAM OIDC provider ARN",
                IRSA_DOCS,
                "give arn:<partition>:iam::<account>:oidc-provider/<issuer>",
            )
        ]
    return []


def render_trust_policy(
    provider_arn: str,
    issuer: str,
    subjects: Sequence[Subject],
    audience: str = DEFAULT_AUDIENCE,
    *,
    additional_providers: Sequence[TrustedProvider] = (),
    role_account: str | None = None,
) -> dict[str, object]:
    """The trust policy that lets exactly ``subjects`` assume a role through one or more OIDC providers.

    One statement per provider (statements are OR'd, so a token from either cluster passes, but an
    issuer's keys are never ANDed with another's): ``Principal.Federated`` = the provider's ARN,
    ``Action`` = ``sts:AssumeRoleWithWebIdentity``, ``Condition.StringEquals`` with ``<issuer>:aud``
    and ``<issuer>:sub`` (one subject as a string, several as one sorted list: values of one key are
    OR'd). When a subject is a pattern, ``<issuer>:sub`` moves to ``StringLike``; ``aud`` stays under
    ``StringEquals``.

    Args:
        provider_arn: the IAM OIDC provider's ARN.
        issuer: the cluster's issuer; ``https://`` and a trailing ``/`` are removed.
        subjects: one or more service accounts; duplicates collapse.
        audience: the token's ``aud``. Default: ``sts.amazonaws.com``.
        additional_providers: more clusters trusted the same way (blue/green upgrades); their problems are
            named ``additional_clusters[<i>].oidc_provider_arn`` / ``.oidc_issuer``, as ``IrsaRoleArgs`` says.
            Default: none.
        role_account: the account the role lives in; every provider must be in it, because IAM OIDC
            providers are per account (IAM User Guide, 'Create an OpenID Connect (OIDC) identity
            provider in IAM'). Default: the first provider's account.

    Raises:
        IrsaConfigError: an empty subject list, a bad subject, audience, issuer or provider ARN, two
            providers for one issuer, or a provider in another account than the role's.
    """
    providers = [TrustedProvider(provider_arn, issuer), *additional_providers]
    problems = check_audience("audience", audience)
    hosts: dict[str, str] = {}
    for index, provider in enumerate(providers):
        prefix = "" if index == 0 else f"additional_clusters[{index - 1}]."
        where, issuer_field = f"{prefix}oidc_provider_arn", f"{prefix}oidc_issuer"
        found = check_provider_arn(where, provider.arn)
        problems += found
        try:
            host = normalize_issuer(provider.issuer, issuer_field)
        except IrsaConfigError as error:
            problems += error.problems
            continue
        if host in hosts.values():
            problems.append(
                Problem(
                    issuer_field,
                    provider.issuer,
                    "repeats an issuer already trusted",
                    IRSA_DOCS,
                    "list each cluster once",
                )
            )
        hosts[provider.arn] = host
        provider_fields = parse_iam_arn(provider.arn, "oidc-provider")
        if provider_fields and provider_fields.resource_id != host:
            problems.append(
                Problem(
                    where,
                    provider.arn,
                    f"is not the IAM OIDC provider of issuer {host} (a provider's ARN ends in its issuer)",
                    IRSA_DOCS,
                    "pair each provider ARN with its own issuer",
                )
            )
        if provider_fields:
            account = provider_fields.account
            role_account = role_account or account
            if account != role_account:
                problems.append(
                    Problem(
                        where,
                        provider.arn,
                        f"is an OIDC provider of account {account}, but the role lives in "
                        f"{role_account}; IAM OIDC providers are per account",
                        IRSA_DOCS,
                        "create the cluster's OIDC provider in the role's account and trust that one",
                    )
                )
    if not subjects:
        problems.append(
            Problem(
                "subjects",
                [],
                "is empty; a role must trust at least one service account",
                IRSA_DOCS,
                "name the namespace and service account",
            )
        )
    for index, subject in enumerate(subjects):
        problems += subject.check(f"subjects[{index}]")
    if problems:
        raise IrsaConfigError(problems)
    values = sorted({s.value for s in subjects})
    sub_operator = "StringLike" if any(s.pattern for s in subjects) else "StringEquals"
    statements = []
    for arn in sorted(hosts):
        host = hosts[arn]
        condition: dict[str, dict[str, object]] = {
            sub_operator: {f"{host}:sub": values[0] if len(values) == 1 else values}
        }
        condition.setdefault("StringEquals", {})[f"{host}:aud"] = audience
        statements.append(
            {
                "Effect": "Allow",
                "Principal": {"Federated": arn},
                "Action": WEB_IDENTITY_ACTION,
                "Condition": condition,
            }
        )
    return {"Version": POLICY_VERSION, "Statement": statements}


POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com"
"""The service principal of EKS Pod Identity (EKS User Guide, 'Learn how EKS Pod Identity grants pods
access to AWS services')."""

POD_IDENTITY_ACTIONS = ("sts:AssumeRole", "sts:TagSession")
"""Pod Identity assumes the role and tags the session with the pod's attributes (EKS User Guide)."""


SESSION_TAG_DOCS = "EKS User Guide, 'Grant Pods access to AWS resources based on tags' (session tags)"
NAMESPACE_TAG = "kubernetes-namespace"
SERVICE_ACCOUNT_TAG = "kubernetes-service-account"
"""Two of the six session tags EKS Pod Identity passes on ``AssumeRole`` (``eks-cluster-arn``,
``eks-cluster-name``, ``kubernetes-namespace``, ``kubernetes-service-account``, ``kubernetes-pod-name``,
``kubernetes-pod-uid``; EKS User Guide, 'List of session tags added by EKS Pod Identity'). A trust
policy reads them as ``aws:RequestTag/<key>`` (IAM User Guide, 'Passing session tags in AWS STS')."""


def request_tag_key(tag: str) -> str:
    """The condition key a trust policy reads a session tag of the request with: ``aws:RequestTag/<tag>``."""
    return f"aws:RequestTag/{tag}"


def render_pod_identity_trust_policy(
    account_id: str,
    cluster_arns: Sequence[str],
    subjects: Sequence[Subject] = (),
) -> dict[str, object]:
    """The trust policy of a role used through EKS Pod Identity.

    ``Principal.Service`` = ``pods.eks.amazonaws.com``, ``Action`` = ``sts:AssumeRole`` and
    ``sts:TagSession``, scoped against the confused deputy problem with ``aws:SourceAccount`` = the
    cluster's account and ``aws:SourceArn`` = the cluster ARN(s) (IAM User Guide, 'The confused
    deputy problem'; EKS User Guide, Pod Identity role trust policy).

    With ``subjects`` (the association passes session tags), the statement also pins
    ``aws:RequestTag/kubernetes-namespace`` to their namespace and
    ``aws:RequestTag/kubernetes-service-account`` to their names, so a role associated by mistake
    with another service account is refused by IAM itself (:data:`SERVICE_ACCOUNT_TAG`). Without
    them (session tags off, the tags are absent) only the association decides which service account
    gets the role.

    Raises:
        IrsaConfigError: no cluster ARN, one outside ``account_id``, subjects of several namespaces,
            or a subject pattern (session tags are compared exactly).
    """
    problems = []
    if not cluster_arns:
        problems.append(Problem("cluster_arns", [], "is empty", IRSA_DOCS, "give the cluster's ARN"))
    for arn in cluster_arns:
        fields = parse_arn(arn)
        if (
            fields is None
            or fields.service != "eks"
            or fields.account != account_id
            or not fields.resource.startswith("cluster/")
        ):
            problems.append(
                Problem(
                    "cluster_arns",
                    arn,
                    f"is not an EKS cluster ARN in account {account_id}",
                    IRSA_DOCS,
                    "give arn:<partition>:eks:<region>:<account>:cluster/<name>",
                )
            )
    namespaces = sorted({s.namespace for s in subjects})
    if len(namespaces) > 1 or any(s.pattern for s in subjects):
        problems.append(
            Problem(
                "subjects",
                [s.value for s in subjects],
                "are not named service accounts of one namespace; session tags are compared exactly",
                SESSION_TAG_DOCS,
                "name the service accounts of one namespace",
            )
        )
    if problems:
        raise IrsaConfigError(problems)
    arns = sorted(set(cluster_arns))
    equals: dict[str, object] = {
        "aws:SourceAccount": account_id,
        "aws:SourceArn": arns[0] if len(arns) == 1 else arns,
    }
    if subjects:
        names = sorted({s.service_account for s in subjects})
        equals[request_tag_key(NAMESPACE_TAG)] = namespaces[0]
        equals[request_tag_key(SERVICE_ACCOUNT_TAG)] = names[0] if len(names) == 1 else names
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": POD_IDENTITY_PRINCIPAL},
                "Action": list(POD_IDENTITY_ACTIONS),
                "Condition": {"StringEquals": equals},
            }
        ],
    }


TARGET_ROLE_DOCS = "EKS User Guide, 'Access AWS Resources using EKS Pod Identity Target IAM Roles'"


def render_target_trust_policy(first_role_arn: str, external_ids: Sequence[str]) -> dict[str, object]:
    """The trust policy of a target role that EKS Pod Identity chains into from ``first_role_arn``.

    ``Principal.AWS`` = exactly the first role, ``Action`` = ``sts:AssumeRole`` and ``sts:TagSession``
    (the pod's session tags are transitive and travel into the chained session), ``Condition``
    ``StringEquals`` ``sts:ExternalId`` = the associations' ``externalId`` (one per service account; values
    of one key are OR'd), so only those associations can use the target role (:data:`TARGET_ROLE_DOCS`;
    IAM User Guide, 'The confused deputy problem').

    Raises:
        IrsaConfigError: the first role is not an IAM role ARN, or no or an empty external id.
    """
    problems = []
    if parse_iam_arn(first_role_arn, "role") is None:
        problems.append(Problem("role_arn", first_role_arn, "is not an IAM role ARN", TARGET_ROLE_DOCS, "give it"))
    if not external_ids or not all(isinstance(e, str) and e for e in external_ids):
        problems.append(
            Problem(
                "external_id",
                list(external_ids),
                "is empty; the association gives it once it has a target role",
                TARGET_ROLE_DOCS,
                "pass the association's external_id output",
            )
        )
    if problems:
        raise IrsaConfigError(problems)
    ids = sorted(set(external_ids))
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": first_role_arn},
                "Action": list(POD_IDENTITY_ACTIONS),
                "Condition": {"StringEquals": {"sts:ExternalId": ids[0] if len(ids) == 1 else ids}},
            }
        ],
    }


def render_chain_permissions(target_role_arn: str) -> dict[str, object]:
    """The only permissions the first role of a chain holds: ``sts:AssumeRole`` and ``sts:TagSession`` on
    the target role (:data:`TARGET_ROLE_DOCS`, 'Update the permission policy for EKS Pod Identity role')."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [{"Effect": "Allow", "Action": list(POD_IDENTITY_ACTIONS), "Resource": target_role_arn}],
    }


def merge_trust_policies(*documents: Mapping[str, object]) -> dict[str, object]:
    """One trust policy holding every statement of ``documents``, in order (statements are OR'd:
    IAM User Guide, 'Policy evaluation logic'). ``identity: both`` trusts IRSA's and Pod Identity's."""
    return {"Version": POLICY_VERSION, "Statement": [s for d in documents for s in statement_list(d)]}
