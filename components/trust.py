"""IRSA trust policies as plain data: render, normalise the issuer, check against IAM's rules.

Nothing here imports Pulumi. ``IrsaRole`` calls :func:`render_trust_policy` inside
``Output.all(...).apply`` with resolved values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from components import limits
from components.errors import IrsaConfigError, Problem
from components.policy import POLICY_VERSION, canonical_json

DEFAULT_AUDIENCE = "sts.amazonaws.com"
"""The audience the EKS pod identity webhook requests for projected tokens (EKS User Guide,
'Configure Pods to use a Kubernetes service account'; annotation ``eks.amazonaws.com/audience``)."""

WEB_IDENTITY_ACTION = "sts:AssumeRoleWithWebIdentity"
IRSA_DOCS = "EKS User Guide, 'Assign IAM roles to Kubernetes service accounts'"
CONDITION_DOCS = "IAM User Guide, 'IAM JSON policy elements: Condition operators'"

_PROVIDER_ARN = re.compile(r"^arn:(aws[a-z-]*):iam::(\d{12}):oidc-provider/(.+)$")


@dataclass(frozen=True, order=True)
class Subject:
    """A Kubernetes service account as IAM sees it in the token's ``sub`` claim.

    Attributes:
        namespace: DNS-1123 label.
        service_account: DNS-1123 subdomain.
    """

    namespace: str
    service_account: str

    @property
    def value(self) -> str:
        """``system:serviceaccount:<namespace>:<service account>``, the ``sub`` Kubernetes puts in the token."""
        return f"system:serviceaccount:{self.namespace}:{self.service_account}"

    def check(self, field: str) -> list[Problem]:
        """Kubernetes name rules on both parts."""
        return limits.check_namespace(f"{field}.namespace", self.namespace) + limits.check_service_account_name(
            f"{field}.serviceAccount", self.service_account
        )


def normalize_issuer(issuer: str, field: str = "oidc_issuer") -> str:
    """The issuer as IAM writes it in condition keys: host and path, no scheme, no trailing slash.

    ``https://oidc.eks.us-east-1.amazonaws.com/id/ABC/`` -> ``oidc.eks.us-east-1.amazonaws.com/id/ABC``.

    Raises:
        IrsaConfigError: empty, another scheme than https, or whitespace inside.
    """
    value = issuer.strip() if isinstance(issuer, str) else ""
    if value.lower().startswith("https://"):
        value = value[len("https://") :]
    value = value.rstrip("/")
    if not value or "://" in value or any(ch.isspace() for ch in value):
        raise IrsaConfigError.one(
            field,
            issuer,
            "is not an OIDC issuer host/path (IAM condition keys are '<host/path>:sub')",
            IRSA_DOCS,
            "give the issuer as oidc.eks.<region>.amazonaws.com/id/<ID>, without a scheme",
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
    if not isinstance(provider_arn, str) or not _PROVIDER_ARN.match(provider_arn):
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
    provider_arn: str, issuer: str, subjects: Sequence[Subject], audience: str = DEFAULT_AUDIENCE
) -> dict[str, object]:
    """The trust policy that lets exactly ``subjects`` assume a role through one OIDC provider.

    One statement: ``Principal.Federated`` = ``provider_arn``, ``Action`` =
    ``sts:AssumeRoleWithWebIdentity``, ``Condition.StringEquals`` with ``<issuer>:sub`` (one subject
    as a string, several as one sorted list: values of one key are OR'd) and ``<issuer>:aud``.

    Args:
        provider_arn: the IAM OIDC provider's ARN.
        issuer: the cluster's issuer; ``https://`` and a trailing ``/`` are removed.
        subjects: one or more service accounts; duplicates collapse.
        audience: the token's ``aud``. Default: ``sts.amazonaws.com``.

    Raises:
        IrsaConfigError: an empty subject list, a bad subject, audience, issuer or provider ARN.
    """
    host = normalize_issuer(issuer)
    problems = check_provider_arn("oidc_provider_arn", provider_arn) + check_audience("audience", audience)
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
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": WEB_IDENTITY_ACTION,
                "Condition": {
                    "StringEquals": {
                        f"{host}:sub": values[0] if len(values) == 1 else values,
                        f"{host}:aud": audience,
                    }
                },
            }
        ],
    }


def check_trust_policy(
    field: str, document: Mapping[str, object], max_size: int = limits.TRUST_POLICY_MAX_DEFAULT
) -> list[Problem]:
    """Pre-flight checks of a rendered trust policy against IAM's quota and IRSA's safe shapes.

    Refused: size over ``max_size`` characters without whitespace (IAM and AWS STS quotas, default
    2,048); ``...IfExists`` or ``ForAnyValue:``/``ForAllValues:`` on a ``:sub`` or ``:aud`` key (a
    missing or multi-valued claim must never pass); ``*`` or ``?`` under ``StringEquals`` (matched
    literally, so the author meant ``StringLike``); a web-identity statement without both ``:sub``
    and ``:aud``.
    """
    problems: list[Problem] = []
    size = limits.policy_size(canonical_json(document))
    if size > max_size:
        problems.append(
            Problem(
                field,
                f"{size} characters",
                f"exceed the trust policy quota of {max_size}",
                limits.IAM_QUOTAS,
                "trust fewer subjects or clusters, or raise the account's quota and set trustPolicyMaxSize",
            )
        )
    statements = document.get("Statement", [])
    for index, statement in enumerate(statements if isinstance(statements, list) else [statements]):
        where = f"{field}.Statement[{index}]"
        keys_seen: set[str] = set()
        for operator, keys in (statement.get("Condition") or {}).items():
            for key, value in keys.items():
                suffix = key.rsplit(":", 1)[-1]
                if suffix in ("sub", "aud"):
                    keys_seen.add(suffix)
                    if operator.endswith("IfExists") or operator.startswith(("ForAnyValue:", "ForAllValues:")):
                        problems.append(
                            Problem(
                                f"{where}.Condition.{operator}.{key}",
                                value,
                                "lets a token without that claim, or with several, pass",
                                CONDITION_DOCS,
                                "use StringEquals (or StringLike by opt-in)",
                            )
                        )
                values = [value] if isinstance(value, str) else list(value)
                if operator == "StringEquals" and any("*" in v or "?" in v for v in values):
                    problems.append(
                        Problem(
                            f"{where}.Condition.StringEquals.{key}",
                            value,
                            "holds a wildcard, which StringEquals matches only literally",
                            CONDITION_DOCS,
                            "name the exact value, or opt in to a subject pattern",
                        )
                    )
        if statement.get("Action") == WEB_IDENTITY_ACTION and keys_seen != {"sub", "aud"}:
            problems.append(
                Problem(
                    f"{where}.Condition",
                    sorted(keys_seen),
                    "does not pin both the :sub and the :aud claim",
                    IRSA_DOCS,
                    "condition on both <issuer>:sub and <issuer>:aud",
                )
            )
    return problems
