"""Review IAM documents and node settings this package did not write: the same rules, on anyone's stack.

Pure, no Pulumi. The policy pack (``policypack/``) calls these on the resources of any Pulumi stack;
each function takes plain values (a parsed policy document, an annotation map, launch template
metadata options) and returns :class:`~eks_irsa.errors.Problem` s, empty when the input passes.
Each rule is the one the components apply when they render, reached from here through the same
owners: :func:`~eks_irsa.iam.trust.check_trust_policy` (operators, wildcards, both claims),
:meth:`~eks_irsa.iam.trust.Subject.check` (the catalog's subject pattern rule: literal namespace,
a literal prefix before any wildcard), :func:`~eks_irsa.iam.arn.parse_iam_arn` and
:func:`~eks_irsa.iam.evaluate.evaluate_web_identity`. What only holds by construction in
:func:`~eks_irsa.iam.trust.render_trust_policy` (one statement per issuer, the provider in the role's
account) is checked here on documents written by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ..errors import IrsaConfigError, Problem
from . import limits
from .arn import Arn, parse_arn, parse_iam_arn
from .evaluate import WebIdentityRequest, evaluate_web_identity
from .policy import POLICY_VERSION, element_values, statement_list
from .trust import (
    CONDITION_DOCS,
    DEFAULT_AUDIENCE,
    IRSA_DOCS,
    POD_IDENTITY_PRINCIPAL,
    WEB_IDENTITY_ACTION,
    Subject,
    check_trust_policy,
)

POD_IDENTITY_DOCS = (
    "EKS User Guide, 'Create the Pod Identity role trust policy'; IAM User Guide, 'The confused deputy problem'"
)
WEBHOOK_DOCS = "amazon-eks-pod-identity-webhook README (annotations)"
IMDS_DOCS = "EKS Best Practices Guide, 'Restrict access to the instance profile assigned to the worker node'"

IMDS_OPT_OUT_TAG = "eks-irsa/allow-pod-imds-access"
"""The tag (value ``true``) a launch template carries to opt out of hop limit 1 knowingly: pods on its
nodes may then reach the instance metadata service and borrow the node role."""

SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"
"""Every Kubernetes service account token's ``sub`` starts so (Kubernetes docs, 'Managing Service Accounts')."""


def is_kubernetes_web_identity(statement: Mapping[str, object]) -> bool:
    """Whether a trust statement lets Kubernetes service accounts in through an OIDC provider.

    Yes when it allows ``sts:AssumeRoleWithWebIdentity`` and either trusts an EKS issuer
    (``oidc.eks.<region>.amazonaws.com/...``, IAM OIDC provider ARNs end in their issuer) or
    conditions a ``:sub`` on ``system:serviceaccount:...``. Other federations (GitHub Actions,
    Cognito) are left alone.
    """
    if statement.get("Effect") != "Allow" or WEB_IDENTITY_ACTION not in _strings(statement.get("Action")):
        return False
    issuers = [p.resource_id for p in map(_provider, _federated(statement)) if p]
    if any(issuer.startswith("oidc.eks.") for issuer in issuers):
        return True
    return any(
        v.startswith(SERVICE_ACCOUNT_PREFIX)
        for _, key, values in _conditions(statement)
        if key.lower().endswith(":sub")
        for v in values
    )


def check_irsa_trust(field: str, document: Mapping[str, object]) -> list[Problem]:
    """Every IRSA rule on the Kubernetes web identity statements of a trust policy written by anyone.

    Per such statement (:func:`is_kubernetes_web_identity`): the rules of
    :func:`~eks_irsa.iam.trust.check_trust_policy` (both ``:sub`` and ``:aud`` pinned, no
    ``...IfExists``/``ForAnyValue:``, no wildcard under ``StringEquals``, no namespace-wide or
    any-namespace ``StringLike``, no ``https://`` in a key); ``:aud`` under ``StringEquals`` and
    ``:sub`` under ``StringEquals`` or, for a pattern, ``StringLike`` with a value our catalog accepts
    (:meth:`~eks_irsa.iam.trust.Subject.check`: literal namespace, a literal prefix, then ``*``/``?``);
    exactly one OIDC provider per statement, with condition keys naming that provider's issuer only
    (condition keys are ANDed: IAM User Guide, 'Conditions with multiple context keys or values').

    Args:
        field: the name problems start with, e.g. ``Role orders-api: assumeRolePolicy``.
        document: the parsed trust policy.

    Returns:
        Problems in statement order; empty when the document has no Kubernetes statement or passes.
    """
    problems: list[Problem] = []
    for index, statement in enumerate(statement_list(document)):
        if not isinstance(statement, Mapping) or not is_kubernetes_web_identity(statement):
            continue
        where = f"{field}.Statement[{index}]"
        condition: dict[str, dict[str, object]] = {}
        for operator, key, values in _conditions(statement):
            condition.setdefault(operator, {})[key] = values[0] if len(values) == 1 else list(values)
        single = {
            "Version": POLICY_VERSION,
            "Statement": [{**statement, "Action": WEB_IDENTITY_ACTION, "Condition": condition}],
        }
        # One statement at a time, with condition values as strings (a Bool written as true), so that
        # other federations in the same document are not judged; the document-size quota is IAM's own
        # business at deploy time, so the raised maximum applies.
        problems += [
            replace(p, field=p.field.replace(f"{where}.Statement[0]", where, 1))
            for p in check_trust_policy(where, single, limits.TRUST_POLICY_MAX_RAISED)
        ]
        problems += _issuer_problems(where, statement)
        problems += _operator_problems(where, statement)
    return problems


def check_trust_provider_accounts(field: str, document: Mapping[str, object], role_account: str) -> list[Problem]:
    """The OIDC provider of every Kubernetes web identity statement lives in the role's account.

    IAM OIDC providers are per account: a role can only trust a provider of its own account (IAM User
    Guide, 'Create an OpenID Connect (OIDC) identity provider in IAM'). A cross-account role needs the
    cluster's issuer registered as a provider in the role's account.
    """
    problems = []
    for index, statement in enumerate(statement_list(document)):
        if not isinstance(statement, Mapping) or not is_kubernetes_web_identity(statement):
            continue
        for arn in _federated(statement):
            provider = _provider(arn)
            if provider and provider.account != role_account:
                problems.append(
                    Problem(
                        f"{field}.Statement[{index}].Principal.Federated",
                        arn,
                        f"is an OIDC provider of account {provider.account}, but the role lives in {role_account}; "
                        "IAM OIDC providers are per account",
                        IRSA_DOCS,
                        f"register the cluster's issuer as an OIDC provider in {role_account} and trust that one",
                    )
                )
    return problems


def check_pod_identity_trust(
    field: str, document: Mapping[str, object], role_account: str | None = None
) -> list[Problem]:
    """Every statement trusting ``pods.eks.amazonaws.com`` carries ``aws:SourceAccount`` and ``aws:SourceArn``.

    As :func:`~eks_irsa.iam.trust.render_pod_identity_trust_policy` writes them: ``aws:SourceAccount``
    under ``StringEquals`` (the role's account, when known), ``aws:SourceArn`` under ``StringEquals``,
    ``ArnEquals`` or ``ArnLike`` naming EKS cluster ARNs of that account, without wildcards. Without them
    any cluster in any account could hand out the role (the confused deputy problem).
    """
    problems = []
    for index, statement in enumerate(statement_list(document)):
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        services = _strings(principal.get("Service")) if isinstance(principal, Mapping) else ()
        if POD_IDENTITY_PRINCIPAL not in services:
            continue
        where = f"{field}.Statement[{index}].Condition"
        found = {key.lower(): (operator, values) for operator, key, values in _conditions(statement)}
        account = found.get("aws:sourceaccount")
        source_arn = found.get("aws:sourcearn")
        if account is None or account[0] != "StringEquals":
            problems.append(
                Problem(
                    where,
                    account[0] if account else "(no aws:SourceAccount)",
                    "does not pin aws:SourceAccount with StringEquals, so a cluster of any account could use the role",
                    POD_IDENTITY_DOCS,
                    'add "StringEquals": {"aws:SourceAccount": "<the cluster\'s account>"}',
                )
            )
        elif role_account and set(account[1]) != {role_account}:
            problems.append(
                Problem(
                    f"{where}.StringEquals.aws:SourceAccount",
                    list(account[1]),
                    f"is not the role's account {role_account}",
                    POD_IDENTITY_DOCS,
                    f"set aws:SourceAccount to {role_account}",
                )
            )
        if source_arn is None or source_arn[0] not in ("StringEquals", "ArnEquals", "ArnLike"):
            problems.append(
                Problem(
                    where,
                    source_arn[0] if source_arn else "(no aws:SourceArn)",
                    "does not pin aws:SourceArn to the cluster, so every cluster of the account could use the role",
                    POD_IDENTITY_DOCS,
                    'add "StringEquals": {"aws:SourceArn": "arn:<partition>:eks:<region>:<account>:cluster/<name>"}',
                )
            )
            continue
        for value in source_arn[1]:
            arn = parse_arn(value)
            wrong_account = arn is not None and role_account is not None and arn.account != role_account
            cluster = arn is not None and arn.service == "eks" and arn.resource.startswith("cluster/")
            wildcard = "*" in value or "?" in value
            if not cluster or wrong_account or wildcard:
                problems.append(
                    Problem(
                        f"{where}.{source_arn[0]}.aws:SourceArn",
                        value,
                        ("names clusters by wildcard instead of one" if cluster and wildcard else "is not an")
                        + " EKS cluster ARN"
                        + (f" of account {role_account}" if role_account else ""),
                        POD_IDENTITY_DOCS,
                        "name the cluster: arn:<partition>:eks:<region>:<account>:cluster/<name>",
                    )
                )
    return problems


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
        {p for s in statement_list(document) if isinstance(s, Mapping) for p in map(_provider, _federated(s)) if p},
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
    ``EksCluster`` (:func:`eks_irsa.cluster.check_cluster_args`) on the options it writes, naming its own
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


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def _federated(statement: Mapping[str, object]) -> tuple[str, ...]:
    principal = statement.get("Principal")
    return _strings(principal.get("Federated")) if isinstance(principal, Mapping) else ()


def _provider(arn: str) -> Arn | None:
    return parse_iam_arn(arn, "oidc-provider")


def _conditions(statement: Mapping[str, object]) -> list[tuple[str, str, tuple[str, ...]]]:
    """``(operator, key, values)`` of a statement's conditions; values as strings."""
    block = statement.get("Condition")
    if not isinstance(block, Mapping):
        return []
    return [
        (str(operator), str(key), tuple(_text(v) for v in element_values(value) if v is not None))
        for operator, keys in block.items()
        if isinstance(keys, Mapping)
        for key, value in keys.items()
        for value in [value if isinstance(value, str | list | tuple) else [value]]
    ]


def _text(value: object) -> str:
    """A condition value as IAM reads it: JSON ``true`` is ``"true"``."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _issuer_problems(where: str, statement: Mapping[str, object]) -> list[Problem]:
    federated = _federated(statement)
    problems = []
    if len(federated) > 1:
        problems.append(
            Problem(
                f"{where}.Principal.Federated",
                list(federated),
                "trusts several OIDC providers in one statement; its condition keys are ANDed, so a token, "
                "which has one issuer, can never carry every key",
                IRSA_DOCS,
                "write one statement per OIDC provider, each conditioned on its own issuer",
            )
        )
    keyed = sorted(
        {key.rsplit(":", 1)[0] for _, key, _ in _conditions(statement) if key.rsplit(":", 1)[-1] in ("sub", "aud")}
    )
    if len(keyed) > 1:
        problems.append(
            Problem(
                f"{where}.Condition",
                keyed,
                "conditions on the claims of several issuers in one statement; condition keys are ANDed and a "
                "token has one issuer, so the statement never matches",
                IRSA_DOCS,
                "write one statement per OIDC provider, each conditioned on its own issuer",
            )
        )
    provider = _provider(federated[0]) if len(federated) == 1 else None
    strays = [k for k in keyed if provider and k != provider.resource_id and "://" not in k]
    if strays and provider:
        problems.append(
            Problem(
                f"{where}.Condition",
                strays,
                f"name another issuer than the trusted provider's ({provider.resource_id}), so they never match",
                IRSA_DOCS,
                "condition on <the provider's issuer>:sub and :aud",
            )
        )
    return problems


def _operator_problems(where: str, statement: Mapping[str, object]) -> list[Problem]:
    problems = []
    for operator, key, values in _conditions(statement):
        claim = key.rsplit(":", 1)[-1]
        at = f"{where}.Condition.{operator}.{key}"
        if operator.endswith("IfExists") or operator.startswith(("ForAnyValue:", "ForAllValues:")):
            continue  # check_trust_policy reports these
        if claim == "aud" and operator != "StringEquals":
            problems.append(
                Problem(at, list(values), f"pins aud with {operator}", CONDITION_DOCS, "use StringEquals for :aud")
            )
        if claim != "sub":
            continue
        if operator not in ("StringEquals", "StringLike"):
            problems.append(
                Problem(
                    at,
                    list(values),
                    f"conditions sub with {operator}, which does not pin the service account",
                    CONDITION_DOCS,
                    "use StringEquals with system:serviceaccount:<namespace>:<name>",
                )
            )
            continue
        for value in values:
            problems += _subject_problems(at, operator, value)
    return problems


def _subject_problems(at: str, operator: str, value: str) -> list[Problem]:
    subject = Subject.from_value(value)
    wildcard = "*" in value or "?" in value
    if subject is None:
        if wildcard:
            return []  # check_trust_policy reports a wildcard that is too wide or matched literally
        return [
            Problem(
                at,
                value,
                "is not a service account subject (a Kubernetes token's sub is system:serviceaccount:<ns>:<name>)",
                IRSA_DOCS,
                "write system:serviceaccount:<namespace>:<service account>",
            )
        ]
    if operator == "StringEquals":
        return [] if wildcard else [replace(p, field=at) for p in subject.check("subject")]
    if not wildcard:
        return [
            Problem(
                at,
                value,
                "uses StringLike for an exact subject",
                CONDITION_DOCS,
                "move it under StringEquals",
            )
        ]
    if any(ch in subject.namespace for ch in "*?") or subject.service_account[:1] in ("*", "?"):
        return []  # check_trust_policy reports a namespace-wide or any-namespace pattern
    return [
        replace(p, field=at) for p in Subject(subject.namespace, subject.service_account, pattern=True).check("subject")
    ]


def _request(provider: Arn, subject: str, audience: str) -> WebIdentityRequest:
    return WebIdentityRequest(provider_arn=str(provider), issuer=provider.resource_id, sub=subject, aud=(audience,))
