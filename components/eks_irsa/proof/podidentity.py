"""EKS Pod Identity in ``eks-irsa verify``: EKS Auth's ``AssumeRoleForPodIdentity`` played from the plan.

moto 5.2.5 has no EKS Pod Identity API (no ``CreatePodIdentityAssociation``, no ``eks-auth``
``AssumeRoleForPodIdentity``), and it cannot act as the ``pods.eks.amazonaws.com`` service: its
``sts:AssumeRole`` checks a role's trust only for AWS principals and fails with HTTP 500 on a trust
that names only a service (``IAMPolicyStatement._check_principal``; :func:`moto_assume_role_fact`
observes it in every run). So :class:`LocalEksAuth` does what EKS Auth does for a pod, in the order it
does it (EKS User Guide, 'Understand EKS Pod Identity'; 'Access AWS Resources using EKS Pod Identity
Target IAM Roles'):

1. **association**: the pod's cluster, namespace and service account must have an association (the
   plan's: one per service account of a Pod Identity service); else nothing is assumed.
2. **trust-policy**: STS ``AssumeRole`` (with ``TagSession`` while the association passes session tags)
   of the association's role by ``pods.eks.amazonaws.com`` with ``aws:SourceAccount``/``aws:SourceArn``
   of the cluster and the pod's session tags, decided on the trust policy moto holds with
   :func:`eks_irsa.iam.evaluate.evaluate_assume_role`.
3. **target-trust**: with a target role, the chained ``AssumeRole`` by the first role with the
   association's external id, decided on the target role's trust the same way.

The roles are created in moto with the planned documents and the trust is read back from it. No
credentials are issued for these roles, so they get no access probes; not checked either: that EKS
accepts the association, the agent and the pod's SDK, session policies, and the target role's own
account (not in this moto).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

import botocore.exceptions
import botocore.parsers

from ..iam.evaluate import Decision, chained_request, evaluate_assume_role, pod_identity_request
from ..iam.trust import NAMESPACE_TAG, SERVICE_ACCOUNT_TAG
from ..plan.model import RoleRecord
from .emulator import MotoEmulator


class PodIdentityCheck(StrEnum):
    """EKS Auth's steps, in order; a decision names the deciding one."""

    ASSOCIATION = "association"
    """The pod's cluster, namespace and service account have an association."""
    TRUST_POLICY = "trust-policy"
    """The associated role's trust allows EKS Pod Identity's ``AssumeRole`` for this pod."""
    TARGET_TRUST = "target-trust"
    """The target role's trust allows the first role's chained ``AssumeRole`` with the external id."""
    PASSED = "passed"
    """Every step passed; EKS Auth would hand out credentials."""


@dataclass(frozen=True)
class Association:
    """One planned EKS Pod Identity association.

    Attributes:
        service: the catalog service it belongs to.
        cluster_arn, namespace, service_account: what it binds.
        role_arn: the (first) role; its trust policy is the plan's.
        session_tags: whether it passes EKS Pod Identity's session tags.
        target_role_arn: the target role, or ``None``.
        external_id: the association's external id (a labelled placeholder offline), or ``None``.
    """

    service: str
    cluster_arn: str
    namespace: str
    service_account: str
    role_arn: str
    session_tags: bool
    target_role_arn: str | None = None
    external_id: str | None = None


@dataclass(frozen=True)
class PodIdentityRole:
    """A Pod Identity role from the offline plan, with its associations and documents."""

    name: str
    role_name: str
    role_path: str
    role_arn: str
    trust_policy: str
    inline_policy: str | None
    target_trust_policy: dict[str, Any] | None
    associations: tuple[Association, ...]


@dataclass(frozen=True)
class PodIdentityDecision:
    """EKS Auth's answer: allowed or not, the deciding step, and why."""

    allowed: bool
    check: PodIdentityCheck
    reason: str


def pod_identity_roles(files: Mapping[str, Mapping[str, str]]) -> list[PodIdentityRole]:
    """Every Pod Identity (or ``both``) role made here, from ``make plan``'s files, in the plan's order."""
    out = []
    for name, texts in files.items():
        record = RoleRecord.from_json(texts["service.json"])
        if record.identity not in ("pod-identity", "both") or not record.role_managed_here:
            continue
        associations = tuple(
            Association(
                service=name,
                cluster_arn=str(record.cluster_arn),
                namespace=record.namespace,
                service_account=sa,
                role_arn=str(record.role_arn),
                session_tags=record.session_tags is not False,
                target_role_arn=record.target_role_arn,
                external_id=record.external_id,
            )
            for sa in record.service_accounts
        )
        target = texts.get("target-trust-policy.json")
        out.append(
            PodIdentityRole(
                name=name,
                role_name=str(record.role_name),
                role_path=str(record.role_path),
                role_arn=str(record.role_arn),
                trust_policy=texts["trust-policy.json"],
                inline_policy=texts.get("chain-policy.json") or texts.get("permissions-policy.json"),
                target_trust_policy=json.loads(target) if target else None,
                associations=associations,
            )
        )
    return out


class LocalEksAuth:
    """EKS Auth's ``AssumeRoleForPodIdentity`` decided on the plan: the association, then the trusts.

    Args:
        emulator: the running moto, holding the Pod Identity roles (see :func:`provision_roles`).
        associations: every planned association.
        targets: target role ARN -> its trust policy (target roles live outside this moto).
    """

    def __init__(
        self,
        emulator: MotoEmulator,
        associations: Sequence[Association],
        targets: Mapping[str, Mapping[str, Any]],
    ) -> None:
        self.emulator = emulator
        self.associations = {(a.cluster_arn, a.namespace, a.service_account): a for a in associations}
        self.targets = targets

    def find(self, cluster_arn: str, namespace: str, service_account: str) -> Association | None:
        """The association of that service account in that cluster, as EKS Auth looks it up."""
        return self.associations.get((cluster_arn, namespace, service_account))

    def decide(
        self, association: Association, cluster_arn: str, namespace: str, service_account: str
    ) -> PodIdentityDecision:
        """Steps 2 and 3 for a pod of ``namespace/service_account`` in ``cluster_arn`` bound by ``association``."""
        role_name = association.role_arn.rsplit("/", 1)[-1]
        trust = self.emulator.client("iam").get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
        request = pod_identity_request(cluster_arn, namespace, service_account, session_tags=association.session_tags)
        decision = evaluate_assume_role(trust, request)
        if not decision.allowed:
            return PodIdentityDecision(False, PodIdentityCheck.TRUST_POLICY, _why(decision))
        if association.target_role_arn is not None:
            tags = (
                {NAMESPACE_TAG: namespace, SERVICE_ACCOUNT_TAG: service_account} if association.session_tags else None
            )
            chained = chained_request(association.role_arn, association.external_id, session_tags=tags)
            target = self.targets.get(association.target_role_arn)
            if target is None:
                return PodIdentityDecision(
                    False, PodIdentityCheck.TARGET_TRUST, f"no trust policy for {association.target_role_arn}"
                )
            decision = evaluate_assume_role(target, chained)
            if not decision.allowed:
                return PodIdentityDecision(False, PodIdentityCheck.TARGET_TRUST, _why(decision))
        return PodIdentityDecision(True, PodIdentityCheck.PASSED, decision.reasons[0])

    def assume(self, cluster_arn: str, namespace: str, service_account: str) -> PodIdentityDecision:
        """The whole call for a pod: its association, then the trusts."""
        association = self.find(cluster_arn, namespace, service_account)
        if association is None:
            return PodIdentityDecision(
                False,
                PodIdentityCheck.ASSOCIATION,
                f"no association for {namespace}/{service_account} in {cluster_arn}",
            )
        return self.decide(association, cluster_arn, namespace, service_account)


def provision_roles(emulator: MotoEmulator, roles: Sequence[PodIdentityRole], made: Set[str] = frozenset()) -> None:
    """Create each Pod Identity role in moto with the planned trust policy and inline policy, except the
    role ARNs in ``made`` (``identity: both`` roles, already made for the IRSA matrix with the same documents).

    Raises:
        RuntimeError: moto's ARN for a role differs from the plan's.
    """
    iam = emulator.client("iam")
    for role in (r for r in roles if r.role_arn not in made):
        arn = iam.create_role(RoleName=role.role_name, Path=role.role_path, AssumeRolePolicyDocument=role.trust_policy)[
            "Role"
        ]["Arn"]
        if arn != role.role_arn:
            raise RuntimeError(f"moto created role {arn}; the plan says {role.role_arn}")
        if role.inline_policy:
            iam.put_role_policy(
                RoleName=role.role_name, PolicyName=f"{role.name}-permissions", PolicyDocument=role.inline_policy
            )


@dataclass(frozen=True)
class PodCase:
    """A column of the pod-identity section."""

    name: str
    description: str


POD_CASES: tuple[PodCase, ...] = (
    PodCase("own-pod", "a pod of its own service account in its cluster"),
    PodCase("unassociated", "a pod of the namespace's default service account (no association)"),
    PodCase("mis-associated", "the role associated by mistake with the namespace's default service account"),
    PodCase("other-cluster", "the same association made in another cluster of the account"),
    PodCase("tags-off", "the association with its session tags disabled (roles whose trust pins them)"),
    PodCase("stale-external-id", "the target role's trust pinned to another association (cross-account roles)"),
)


def expected_answer(case: PodCase, role: PodIdentityRole) -> tuple[PodIdentityCheck, str] | None:
    """What EKS Auth must answer for ``case``, and why; ``None`` when the case does not apply to the role."""
    own = role.associations[0]
    tags = own.session_tags
    if case.name == "own-pod":
        return PodIdentityCheck.PASSED, f"service.json: {own.namespace}/{own.service_account} is associated"
    if case.name == "unassociated":
        return PodIdentityCheck.ASSOCIATION, "service.json: only the service's own service accounts are associated"
    if case.name == "mis-associated":
        if tags:
            return PodIdentityCheck.TRUST_POLICY, "the trust pins aws:RequestTag/kubernetes-service-account"
        return PodIdentityCheck.PASSED, "session tags off: IAM cannot see the service account, only the association"
    if case.name == "other-cluster":
        return PodIdentityCheck.TRUST_POLICY, f"the trust pins aws:SourceArn {own.cluster_arn}"
    if case.name == "tags-off":
        return (
            (PodIdentityCheck.TRUST_POLICY, "the trust pins session tags the association no longer passes")
            if tags
            else None
        )
    if case.name == "stale-external-id":
        if own.target_role_arn is None:
            return None
        return PodIdentityCheck.TARGET_TRUST, "the target's trust pins this association's sts:ExternalId"
    raise ValueError(case.name)  # pragma: no cover - the cases are listed above


def run_case(auth: LocalEksAuth, case: PodCase, role: PodIdentityRole) -> PodIdentityDecision:
    """Play ``case`` for ``role`` against EKS Auth's steps."""
    own = role.associations[0]
    if case.name == "own-pod":
        return auth.assume(own.cluster_arn, own.namespace, own.service_account)
    if case.name == "unassociated":
        return auth.assume(own.cluster_arn, own.namespace, "default")
    if case.name == "mis-associated":
        return auth.decide(replace(own, service_account="default"), own.cluster_arn, own.namespace, "default")
    if case.name == "other-cluster":
        other = own.cluster_arn + "-other"
        return auth.decide(replace(own, cluster_arn=other), other, own.namespace, own.service_account)
    if case.name == "tags-off":
        return auth.decide(replace(own, session_tags=False), own.cluster_arn, own.namespace, own.service_account)
    if case.name == "stale-external-id":
        stale = replace(own, external_id="another-association")
        return auth.decide(stale, own.cluster_arn, own.namespace, own.service_account)
    raise ValueError(case.name)  # pragma: no cover - the cases are listed above


def pod_identity_pieces_note() -> str:
    """What the pod-identity section decides, by whom, and what it leaves out (for ``verify.json``)."""
    return (
        "moto has no EKS Pod Identity API and cannot act as pods.eks.amazonaws.com: EKS Auth's steps (association, "
        "the role's trust for pods.eks.amazonaws.com with aws:SourceAccount, aws:SourceArn and the session tags, the "
        "target role's trust with the association's external id) are played on the plan, on the trust moto holds, "
        "with eks_irsa.iam.evaluate. No credentials are issued for these roles, so no access probes; not checked: "
        "EKS accepting the association, the agent, session policies, the target role's account (outside this moto)"
    )


def moto_assume_role_fact(emulator: MotoEmulator, role: PodIdentityRole) -> tuple[str, str]:
    """``(allow|error|deny, reason)`` of moto's own ``sts:AssumeRole`` (as the admin) of a Pod Identity role:
    the fact that keeps credentials out of this section, observed again in every run."""
    try:
        emulator.client("sts").assume_role(RoleArn=role.role_arn, RoleSessionName="irsa-verify-pod-identity")
    except botocore.exceptions.ClientError as error:
        return "deny", str(error.response.get("Error", {}).get("Code", ""))
    except botocore.parsers.ResponseParserError:
        return "error", "moto answered an HTML error page (an exception inside moto), not an STS answer"
    except botocore.exceptions.BotoCoreError as error:
        return "error", type(error).__name__
    return "allow", "moto issued credentials"


def _why(decision: Decision) -> str:
    causes = ", ".join(str(c) for c in decision.causes if str(c) != "NO_MATCHING_STATEMENT")
    return f"[{causes}] " + "; ".join(decision.reasons[1:] or decision.reasons)
