"""Rendering a :class:`~eks_irsa.plan.model.RolePlan` once Outputs resolve: the trust policy, the role name, the
cluster tag, the permissions documents, the chained target role's ARN. Pure: no Pulumi import.
"""

from collections.abc import Sequence

from ..errors import IrsaConfigError, Problem
from ..iam import limits
from ..iam.arn import parse_arn
from ..iam.names import derive_role_name
from ..iam.policy import canonical_json, render_permissions_policy
from ..iam.trust import (
    IRSA_DOCS,
    Subject,
    TrustedProvider,
    check_provider_arn,
    merge_trust_policies,
    normalize_issuer,
    render_pod_identity_trust_policy,
    render_trust_policy,
)
from ..iam.trust_review import check_trust_policy
from .model import TAG_PREFIX, IdentityType, RolePlan


def role_name_for(plan: RolePlan, cluster_name: str) -> str:
    """The role name once an Output cluster name resolves (checked like a plain one): the ``role_name`` given,
    else derived from the resolved cluster name (also when the plan was made with a stand-in for it,
    :data:`~eks_irsa.plan.rules.PLANNED_BINDING`: the role is named after the cluster it is registered with).

    Raises:
        IrsaConfigError: the resolved cluster name breaks the EKS cluster name rule.
    """
    problems = limits.check_cluster_name("cluster_name", cluster_name)
    if problems:
        raise IrsaConfigError(problems)
    given = dict(plan.inputs).get("role_name") if plan.inputs else plan.role_name
    return given or derive_role_name(cluster_name, plan.namespace, (*plan.service_accounts, plan.name)[0])


def cluster_tags(plan: RolePlan, cluster_name: str) -> dict[str, str]:
    """The plan's tags with the ``eks-irsa/cluster`` tag of a resolved cluster name."""
    return {**plan.tags, f"{TAG_PREFIX}cluster": cluster_name}


def render_trust(
    subjects: Sequence[Subject],
    audience: str,
    role_account_id: str | None,
    providers: Sequence[tuple[str, str]],
    trust_policy_max_size: int = limits.TRUST_POLICY_MAX_DEFAULT,
    *,
    identity: IdentityType = IdentityType.IRSA,
    cluster_arn: str | None = None,
    session_tags: bool = False,
) -> str:
    """The canonical trust policy once provider ARNs, issuers and the cluster ARN are known.

    IRSA: one web identity statement per OIDC provider. Pod Identity: one ``pods.eks.amazonaws.com``
    statement on ``cluster_arn`` (pinning the session tags to ``subjects`` when ``session_tags``).
    ``both``: the statements of the two, in that order, in one document under one size quota.

    Args:
        subjects, audience, role_account_id: the plan's (:class:`RolePlan`).
        providers: ``(provider ARN, issuer)`` pairs, the cluster's first, then ``additional_clusters``
            (IRSA and ``both``).
        trust_policy_max_size: the account's trust policy quota, characters (IAM quotas; default 2,048).
        identity: the plan's :class:`IdentityType`. Default: IRSA.
        cluster_arn: the cluster's ARN (Pod Identity and ``both``).
        session_tags: the plan's ``session_tags``.

    Raises:
        IrsaConfigError: a provider ARN or issuer is malformed or in another account than the role's, the
            cluster ARN is not an EKS cluster of the role's account, or the document passes the quota.
    """
    problems: list[Problem] = []
    for index, (arn, issuer) in enumerate(providers if identity.uses_irsa else ()):
        where = "oidc" if index == 0 else f"additional_clusters[{index - 1}].oidc"
        problems += check_provider(where, arn, issuer, role_account_id)
    if problems:
        raise IrsaConfigError(problems)
    documents = []
    if identity.uses_irsa:
        documents.append(
            render_trust_policy(
                providers[0][0],
                providers[0][1],
                subjects,
                audience,
                additional_providers=[TrustedProvider(a, i) for a, i in providers[1:]],
                role_account=role_account_id,
            )
        )
    if identity.uses_pod_identity:
        parsed = parse_arn(cluster_arn) if isinstance(cluster_arn, str) else None
        account = role_account_id or (parsed.account if parsed else "")
        documents.append(
            render_pod_identity_trust_policy(account, [str(cluster_arn)], subjects if session_tags else ())
        )
    document = documents[0] if len(documents) == 1 else merge_trust_policies(*documents)
    problems = check_trust_policy("trust_policy", document, trust_policy_max_size, role_account=role_account_id)
    if problems:
        raise IrsaConfigError(problems)
    return canonical_json(document)


def check_bound(plan: RolePlan, *, provider_arn: str | None = None, issuer: str | None = None) -> list[Problem]:
    """The resolved OIDC provider ARN and issuer held to the plain values the plan was made with
    (:data:`~eks_irsa.plan.rules.PLANNED_BINDING`; a plan made from Outputs holds nothing): the same provider and
    issuer but for the issuer's id, the one part a stand-in cannot know. The plan's account, partition and region
    (for the permissions lint) were derived from them.
    """
    planned = dict(plan.inputs)
    given = {"oidc_provider_arn": provider_arn, "oidc_issuer": issuer}
    problems = []
    for key, value in given.items():
        stand_in = planned.get(key)
        if not isinstance(stand_in, str) or value is None or _without_id(value) == _without_id(stand_in):
            continue
        problems.append(
            Problem(
                key,
                value,
                f"differs from {stand_in}, the value the role was planned with",
                "this package (eks_irsa.plan: a plan handed to IrsaRole)",
                "pass IrsaRole the cluster the plan was made for, or leave plan out",
            )
        )
    return problems


def _without_id(value: str) -> str:
    """An issuer or OIDC provider ARN without the issuer's id (``.../id/<ID>``), ``https://`` dropped."""
    return value.removeprefix("https://").rsplit("/id/", 1)[0]


def permissions_documents(plan: RolePlan) -> dict[str, dict[str, object]]:
    """The permissions documents by file name: ``permissions-policy.json`` or ``managed-policy-<n>.json``."""
    files: dict[str, dict[str, object]] = {}
    if plan.layout.inline is not None:
        files["permissions-policy.json"] = plan.layout.inline
    for index, document in enumerate(plan.layout.managed, start=1):
        files[f"managed-policy-{index}.json"] = document
    if not files and plan.statements:
        files["permissions-policy.json"] = render_permissions_policy(plan.statements)
    return files


def check_provider(where: str, arn: object, issuer: object, account: str | None) -> list[Problem]:
    """A plain provider ARN's shape and account, a plain issuer's shape; Outputs pass until they resolve."""
    problems: list[Problem] = []
    if isinstance(arn, str):
        found = check_provider_arn(f"{where}_provider_arn", arn)
        problems += found
        parsed = parse_arn(arn)
        if not found and parsed is not None and account and parsed.account != account:
            problems.append(
                Problem(
                    f"{where}_provider_arn",
                    arn,
                    f"is in account {parsed.account}, the role in {account}; IAM OIDC providers are per account",
                    IRSA_DOCS,
                    "create the cluster's OIDC provider in the role's account (AccountOidcProvider)",
                )
            )
    if isinstance(issuer, str):
        try:
            normalize_issuer(issuer, f"{where}_issuer")
        except IrsaConfigError as error:
            problems += error.problems
    return problems


def target_role_arn_for(plan: RolePlan, role_name: str) -> str:
    """The ARN of the target role the component creates (``target_account_id``), named ``role_name`` on the
    plan's path: ``arn:<partition>:iam::<target account>:role<path><name>`` (IAM User Guide, 'IAM identifiers').
    The association names it before the role exists, so the target's trust can pin the association's
    external id."""
    return f"arn:{plan.partition or 'aws'}:iam::{plan.target_account_id}:role{plan.role_path}{role_name}"
