"""The one judgement of role trust policies: IRSA (web identity) and EKS Pod Identity statements.

Pure, standard library only. :func:`review_trust` takes a parsed trust policy and what the caller
knows beside it (:class:`TrustContext`) and returns :class:`~eks_irsa.iam.findings.Finding` s. Three
paths call it and nothing else judges a trust document:

* the plan: :func:`eks_irsa.iam.trust.check_trust_policy`, on every trust policy ``IrsaRole`` renders,
  refuses the findings of a refused severity before anything is registered;
* the policy pack: the ``workload-trust`` policy (mandatory, refused severities) and
  ``workload-trust-advisory`` (the rest) on every ``aws:iam/role:Role`` of any stack;
* the audit: every role of the account, with what only the audit knows (which OIDC providers and
  clusters exist, each provider's client IDs).

A fact the caller does not know (``None`` in the context) turns its rule off; a rule never guesses.
Rules, each with its code and source (``docs/audit.md`` lists them with their fixes):

* Who: ``Principal: "*"`` (or ``AWS``/``Federated`` ``"*"``) with ``sts:AssumeRoleWithWebIdentity`` lets a
  token of any OIDC provider of the account in (``TRUST_PRINCIPAL_ANY``; IAM User Guide, 'IAM JSON
  policy elements: Principal'); on a workload role, any other statement letting ``"*"`` (or ``NotPrincipal``)
  assume it without ``aws:PrincipalArn``/``aws:PrincipalAccount`` pinned (``TRUST_PRINCIPAL_ANY``), an AWS
  principal of another account (``TRUST_PRINCIPAL_OTHER_ACCOUNT``) or any other principal
  (``TRUST_PRINCIPAL_OTHER``, low) (:mod:`~.others`); several providers in one statement, or condition keys
  naming another issuer than the provider's, never hold together (``TRUST_ISSUERS_ANDED``; condition keys are AND'd);
  a provider of another account (``TRUST_PROVIDER_OTHER_ACCOUNT``), one that no longer exists
  (``TRUST_PROVIDER_MISSING``), one whose EKS cluster is gone although the provider stayed
  (``TRUST_ISSUER_CLUSTER_GONE``), one whose ARN's partition is not its issuer's region's
  (``TRUST_PARTITION_MISMATCH``; an ``arn:aws:`` provider for a ``cn-north-1`` issuer), and the dual-stack
  issuer ``oidc-eks.<region>.api.aws`` (``TRUST_DUAL_STACK_ISSUER``: tokens carry the IPv4 issuer) admit
  nobody.
* ``:sub``: missing or under an operator that does not pin it (``TRUST_SUBJECT_NOT_PINNED``); a wildcard
  in the namespace (``system:serviceaccount:*:app``, ``team-*:*``, ``prod?:api``) or a pattern that is
  not a service account subject at all (``TRUST_SUBJECT_ANY_NAMESPACE``); a pattern whose name starts
  with a wildcard (``TRUST_SUBJECT_NAMESPACE_WIDE``); a value that is no service account subject
  (``TRUST_SUBJECT_MALFORMED``). EKS User Guide, 'Assign IAM roles to Kubernetes service accounts'.
* ``:aud``: missing or a wildcard (``TRUST_AUDIENCE_NOT_PINNED``); a value that is not a client ID of
  the provider (``TRUST_AUDIENCE_NOT_CLIENT_ID``, when the client IDs are known); a near miss of
  ``sts.amazonaws.com`` such as ``sts.amazon.com`` (``TRUST_AUDIENCE_TYPO``); another audience when
  the client IDs are not known (``TRUST_AUDIENCE_UNUSUAL``).
* Operators: ``...IfExists``, ``ForAnyValue:`` or ``ForAllValues:`` on ``:sub``/``:aud``
  (``TRUST_CLAIM_SET_OPERATOR``); ``*``/``?`` under ``StringEquals`` (``TRUST_WILDCARD_UNDER_STRINGEQUALS``,
  matched literally); ``StringLike`` without a wildcard (``TRUST_STRINGLIKE_WITHOUT_PATTERN``); a key
  written with ``https://`` (``TRUST_CONDITION_KEY_SCHEME``). IAM User Guide, 'IAM JSON policy
  elements: Condition operators'.
* Pod Identity: ``aws:SourceAccount`` and ``aws:SourceArn`` pinned to the role's account and to EKS
  clusters by name (``POD_IDENTITY_TRUST_UNSCOPED``; IAM User Guide, 'The confused deputy problem'),
  and ``sts:TagSession`` allowed (``POD_IDENTITY_NO_TAG_SESSION``: EKS Pod Identity tags every session).
* The document: over the account's trust policy quota (``TRUST_POLICY_TOO_LARGE``; IAM and AWS STS
  quotas).

Rooms: :mod:`~.review` (the judgement over every statement), :mod:`~.who` (principals and providers),
:mod:`~.claims` (``:sub`` and ``:aud``), :mod:`~.pod_identity`, :mod:`~.others` (principals beside the
workload), :mod:`~.context` (what the caller knows), :mod:`~.statements` (reading statements as IAM does).
"""

from .claims import audience_findings
from .context import TrustContext
from .review import check_trust_policy, is_workload_trust, review_trust
from .statements import DUAL_STACK_ISSUER, EKS_ISSUER, issuer_partition

__all__ = [
    "DUAL_STACK_ISSUER",
    "EKS_ISSUER",
    "TrustContext",
    "audience_findings",
    "check_trust_policy",
    "is_workload_trust",
    "issuer_partition",
    "review_trust",
]
