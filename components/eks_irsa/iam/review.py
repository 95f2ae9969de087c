"""Review ServiceAccounts, their roles and node settings this package did not write: the same rules, on anyone's stack.

Pure, no Pulumi. The policy pack (``policypack/``) calls these on the resources of any Pulumi stack;
each function takes plain values (an annotation map, a trust policy and a ServiceAccount, launch template
metadata options) and returns :class:`~eks_irsa.errors.Problem` s, empty when the input passes. Trust
policies themselves are judged in one place, :func:`eks_irsa.iam.trust_review.review_trust`; here a trust
policy is only evaluated for one ServiceAccount's token (:func:`~eks_irsa.iam.evaluate.evaluate_web_identity`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ..errors import IrsaConfigError, Problem
from .arn import Arn, parse_iam_arn
from .evaluate import WebIdentityRequest, evaluate_web_identity
from .policy import statement_list
from .trust import (
    DEFAULT_AUDIENCE,
    IRSA_DOCS,
    Subject,
)
from .trust_review.statements import principals

WEBHOOK_DOCS = "amazon-eks-pod-identity-webhook README (annotations)"
IMDS_DOCS = "EKS Best Practices Guide, 'Restrict access to the instance profile assigned to the worker node'"

IMDS_OPT_OUT_TAG = "eks-irsa/allow-pod-imds-access"
"""The tag (value ``true``) a launch template carries to opt out of hop limit 1 knowingly: pods on its
nodes may then reach the instance metadata service and borrow the node role."""


def check_role_arn_annotations(field: str, annotations: Mapping[str, object], key: str) -> list[Problem]:
    """A ServiceAccount's role annotation: the exact key the webhook reads, and a well-formed role ARN.

    Args:
        field: the name problems start with, e.g. ``ServiceAccount orders/orders-api: metadata.annotations``.
        annotations: the ServiceAccount's annotations.
        key: the annotation the EKS pod identity webhook reads (``eks.amazonaws.com/role-arn``).

    Refused: another key that ends in ``/role-arn`` under an ``eks.amazon...`` domain (the webhook
    ignores it and the pod silently gets the node role); a value that is not
    ``arn:<partition>:iam::<12 digits>:role/<path/name>`` (IAM User Guide, 'IAM identifiers').
    """
    problems = [
        Problem(
            f"{field}.{other}",
            other,
            f"is not the annotation the pod identity webhook reads ({key}); pods get no role from it",
            WEBHOOK_DOCS,
            f"rename the annotation to {key}",
        )
        for other in sorted(annotations)
        if other != key and other.lower().endswith("/role-arn") and other.lower().startswith("eks.amazon")
    ]
    if key in annotations and parse_iam_arn(annotations[key], "role") is None:
        problems.append(
            Problem(
                f"{field}.{key}",
                annotations[key],
                "is not an IAM role ARN (arn:<partition>:iam::<12-digit account>:role/<path/name>, no region)",
                "IAM User Guide, 'IAM identifiers'",
                "give the role's ARN as IAM shows it",
            )
        )
    return problems


def check_trust_admits(
    field: str, document: Mapping[str, object], namespace: str, service_account: str, audience: str = DEFAULT_AUDIENCE
) -> list[Problem]:
    """The role's trust lets exactly this ServiceAccount's token in, through one of its EKS providers.

    Evaluated with :func:`~eks_irsa.iam.evaluate.evaluate_web_identity` for a token of each provider the
    document trusts (``sub`` = ``system:serviceaccount:<namespace>:<service_account>``, ``aud`` =
    ``audience``): at least one must allow, and none may allow the namespace's ``default`` service
    account when that is not the one named (every pod without a ``serviceAccountName`` runs as it).

    Returns:
        A problem naming the denial's reasons, or the breadth; the problems of a document that cannot be
        evaluated (:class:`~eks_irsa.iam.evaluate.TrustPolicyError`, a provider whose issuer is not a
        host/path); empty when it admits exactly this one.
    """
    providers = sorted(
        {
            p
            for s in statement_list(document)
            if isinstance(s, Mapping)
            for p in map(_provider, principals(s, "Federated"))
            if p
        },
        key=str,
    )
    subject = Subject(namespace, service_account).value
    if not providers:
        return [
            Problem(
                field,
                subject,
                "is annotated with a role whose trust policy names no IAM OIDC provider",
                IRSA_DOCS,
                "trust the cluster's OIDC provider for this service account",
            )
        ]
    try:
        decisions = [evaluate_web_identity(document, _request(p, subject, audience)) for p in providers]
        wider = [
            p
            for p in providers
            if service_account != "default"
            and evaluate_web_identity(document, _request(p, Subject(namespace, "default").value, audience)).allowed
        ]
    except IrsaConfigError as error:  # TrustPolicyError, or an issuer no token could carry
        return [replace(p, field=f"{field}: {p.field}") for p in error.problems]
    if not any(d.allowed for d in decisions):
        reasons = "; ".join(dict.fromkeys(r for d in decisions for r in d.reasons))
        return [
            Problem(
                field,
                subject,
                f"is not admitted by the annotated role's trust policy: {reasons}",
                IRSA_DOCS,
                "trust this namespace and service account (and its audience) in the role, or annotate the right role",
            )
        ]
    if wider:
        return [
            Problem(
                field,
                Subject(namespace, "default").value,
                "is also admitted by the annotated role's trust policy, so every pod of the namespace without "
                "its own service account gets the role",
                IRSA_DOCS,
                f"trust only {subject}",
            )
        ]
    return []


def check_instance_metadata(
    field: str,
    http_endpoint: str | None,
    http_tokens: str | None,
    hop_limit: int | float | None,
    opted_out: bool = False,
    *,
    hop_limit_field: str | None = None,
    hop_limit_fix: str = (
        "set metadata_options.http_put_response_hop_limit = 1, or tag the launch template "
        f"{IMDS_OPT_OUT_TAG}=true to opt out knowingly"
    ),
) -> list[Problem]:
    """A node's instance metadata settings keep the node role out of pods' reach.

    IMDSv2 only (``http_tokens = required``) and a PUT response hop limit of 1: a pod's packets take
    one more hop, so its token request never returns (EKS Best Practices Guide). ``opted_out`` (the
    :data:`IMDS_OPT_OUT_TAG` on the launch template) allows a higher hop limit knowingly, never IMDSv1.
    ``http_endpoint = disabled`` turns the service off and passes. Missing settings fail: the AMI's
    defaults then apply, and this rule cannot see them.

    The one owner of this rule: the policy pack calls it on a launch template's ``metadataOptions``,
    ``EksCluster`` (:func:`eks_irsa.plan.cluster.check_cluster_args`) on the options it writes, naming its own
    setting and opt-in in ``hop_limit_field`` (default ``<field>.httpPutResponseHopLimit``) and ``hop_limit_fix``.
    """
    if http_endpoint == "disabled":
        return []
    problems = []
    if http_tokens != "required":
        problems.append(
            Problem(
                f"{field}.httpTokens",
                http_tokens,
                "allows IMDSv1 (or leaves it to the AMI), whose credentials any process reaching the node can read",
                IMDS_DOCS,
                'set metadata_options.http_tokens = "required"',
            )
        )
    if not opted_out and (hop_limit is None or hop_limit > 1):
        problems.append(
            Problem(
                hop_limit_field or f"{field}.httpPutResponseHopLimit",
                hop_limit,
                "lets pods reach the instance metadata service and borrow the node role"
                if hop_limit
                else "is not pinned to 1, so the AMI's default (often 2) lets pods reach the node role",
                IMDS_DOCS,
                hop_limit_fix,
            )
        )
    return problems


# --- helpers -------------------------------------------------------------------------------------------------


def _provider(arn: str) -> Arn | None:
    return parse_iam_arn(arn, "oidc-provider")


def _request(provider: Arn, subject: str, audience: str) -> WebIdentityRequest:
    return WebIdentityRequest(provider_arn=str(provider), issuer=provider.resource_id, sub=subject, aud=(audience,))
