"""The audit's findings on one cluster's ServiceAccounts and pods (``kubectl get sa,pods -A -o json``).

* A ServiceAccount's ``eks.amazonaws.com/role-arn`` names a role whose trust admits it, by this package's
  evaluator (:func:`eks_irsa.iam.evaluate.evaluate_web_identity`): ``SA_ROLE_ARN_MALFORMED``,
  ``SA_ROLE_MISSING``, ``SA_ROLE_NOT_TRUSTED`` (EKS User Guide, 'Assign IAM roles to Kubernetes service
  accounts').
* A role trusting a ServiceAccount the cluster does not hold (``ROLE_SERVICE_ACCOUNT_MISSING``): one created
  later under that name gets the role.
* A pod whose ServiceAccount has no role, on nodes whose IMDS pods reach (``POD_WITHOUT_ROLE``): its AWS
  calls use the node role.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..iam.arn import parse_iam_arn, wildcard_match
from ..iam.evaluate import TrustPolicyError, WebIdentityRequest, evaluate_web_identity
from ..iam.findings import Finding, Severity
from ..iam.policy import element_values
from ..iam.review import IMDS_DOCS
from ..iam.trust import IRSA_DOCS, Subject
from ..plan import ROLE_ARN_ANNOTATION
from .report import ServiceAccountAccess
from .scope import Scope, audit_finding
from .snapshot import Cluster, KubeDump, OidcProvider, ServiceAccount, permissions_of


def kube_findings(ctx: Scope, cluster: Cluster, kube: KubeDump) -> tuple[list[ServiceAccountAccess], list[Finding]]:
    """The ServiceAccount map of ``cluster`` and the findings on its ServiceAccounts and pods."""
    provider = ctx.provider_for(cluster.issuer) if cluster.issuer else None
    pod_identity = {(a.namespace, a.service_account): a for a in ctx.associations if a.cluster == cluster.name}
    findings: list[Finding] = []
    access: list[ServiceAccountAccess] = []
    for account in kube.service_accounts:
        where = f"{cluster.name}/{account.namespace}/{account.name}"
        association = pod_identity.get((account.namespace, account.name))
        if account.role_arn is None:
            if association is not None:
                role = ctx.roles.get(association.role_arn)
                admitted = role is not None and bool(role.pod_identity_statements())
                access.append(
                    ServiceAccountAccess(
                        account.namespace,
                        account.name,
                        "pod-identity",
                        association.role_arn,
                        admitted,
                        permissions_of(role),
                    )
                )
            else:
                access.append(ServiceAccountAccess(account.namespace, account.name, "none", None, None, ()))
            continue
        row, found = _annotated(ctx, cluster, provider, account, where)
        access.append(row)
        findings += found
    findings += _missing_service_accounts(ctx, cluster, provider, kube)
    findings += _pods_without_role(ctx, cluster, kube, access)
    return access, findings


def _annotated(
    ctx: Scope, cluster: Cluster, provider: OidcProvider | None, account: ServiceAccount, where: str
) -> tuple[ServiceAccountAccess, list[Finding]]:
    arn = parse_iam_arn(account.role_arn, "role")
    if arn is None:
        finding = audit_finding(
            Severity.HIGH,
            "SA_ROLE_ARN_MALFORMED",
            where,
            f"ServiceAccount {where} is annotated {ROLE_ARN_ANNOTATION}: {account.role_arn!r}, which is not an IAM "
            "role ARN; the webhook passes it on and STS refuses it",
            "annotate arn:<partition>:iam::<account>:role/<name>",
            IRSA_DOCS,
        )
        return ServiceAccountAccess(account.namespace, account.name, "irsa", account.role_arn, False, ()), [finding]
    role = ctx.roles.get(str(arn))
    if role is None:
        other = arn.account != ctx.snapshot.account_id
        if other:
            row = ServiceAccountAccess(account.namespace, account.name, "irsa", account.role_arn, None, ("(not read)",))
            return row, []
        finding = audit_finding(
            Severity.HIGH,
            "SA_ROLE_MISSING",
            where,
            f"ServiceAccount {where} is annotated with role {account.role_arn}, which does not exist in account "
            f"{ctx.snapshot.account_id}; its pods get no credentials",
            "create the role (eks-irsa IrsaRole) or correct the annotation",
            IRSA_DOCS,
        )
        return ServiceAccountAccess(account.namespace, account.name, "irsa", account.role_arn, False, ()), [finding]
    reasons: tuple[str, ...]
    if provider is None:
        admitted = False
        reasons = (f"cluster {cluster.name} has no IAM OIDC provider in account {ctx.snapshot.account_id}",)
    else:
        request = WebIdentityRequest(
            provider_arn=provider.arn,
            issuer=provider.issuer,
            sub=Subject(account.namespace, account.name).value,
            aud=(account.audience,),
        )
        try:
            decision = evaluate_web_identity(role.trust, request)
        except TrustPolicyError:
            row = ServiceAccountAccess(account.namespace, account.name, "irsa", role.arn, None, permissions_of(role))
            return row, []
        admitted, reasons = decision.allowed, decision.reasons
    row = ServiceAccountAccess(account.namespace, account.name, "irsa", role.arn, admitted, permissions_of(role))
    if admitted:
        return row, []
    finding = audit_finding(
        Severity.HIGH,
        "SA_ROLE_NOT_TRUSTED",
        where,
        f"ServiceAccount {where} is annotated with role {role.name}, whose trust does not admit it: "
        + "; ".join(reasons[1:] or reasons),
        f"trust system:serviceaccount:{account.namespace}:{account.name} with audience {account.audience} on "
        f"{provider.arn if provider else 'the cluster OIDC provider'}, or annotate the right role",
        IRSA_DOCS,
    )
    return row, [finding]


def _missing_service_accounts(
    ctx: Scope, cluster: Cluster, provider: OidcProvider | None, kube: KubeDump
) -> list[Finding]:
    if provider is None:
        return []
    present = [Subject(a.namespace, a.name).value for a in kube.service_accounts]
    findings = []
    for role in ctx.snapshot.roles:
        if provider.arn not in role.trusted_providers():
            continue
        for statement in role.trust_statements():
            for operator, issuer, claim, values in _claim_keys(statement):
                base = operator.removesuffix("IfExists").rpartition(":")[2]
                if issuer != provider.issuer or claim != "sub" or base not in ("StringEquals", "StringLike"):
                    continue
                like = base == "StringLike"
                for value in values:
                    if not value.startswith("system:serviceaccount:"):
                        continue
                    if any(wildcard_match(value, p) if like else value == p for p in present):
                        continue
                    findings.append(
                        audit_finding(
                            Severity.LOW,
                            "ROLE_SERVICE_ACCOUNT_MISSING",
                            role.arn,
                            f"role {role.name} trusts {value} of cluster {cluster.name}, and no such ServiceAccount "
                            "exists in the dump",
                            "remove the subject (or the role) when its workload is gone; a ServiceAccount created "
                            "later under that name would get the role",
                            IRSA_DOCS,
                        )
                    )
    return findings


def _pods_without_role(
    ctx: Scope, cluster: Cluster, kube: KubeDump, access: Iterable[ServiceAccountAccess]
) -> list[Finding]:
    open_groups = [g for g in ctx.node_groups if g.cluster == cluster.name and g.imds_open_to_pods]
    if not open_groups:
        return []
    with_role = {(a.namespace, a.service_account) for a in access if a.role_arn}
    roles = sorted({g.node_role_arn for g in open_groups})
    findings = []
    for pod in kube.pods:
        if pod.host_network or (pod.namespace, pod.service_account) in with_role:
            continue
        where = f"{cluster.name}/{pod.namespace}/{pod.name}"
        findings.append(
            audit_finding(
                Severity.MEDIUM,
                "POD_WITHOUT_ROLE",
                where,
                f"pod {where} runs as ServiceAccount {pod.service_account} with no IAM role, on a cluster whose node "
                f"groups ({', '.join(sorted(g.name for g in open_groups))}) let pods reach IMDS: its AWS calls use "
                f"the node role {', '.join(roles)}",
                "give the workload its own role (IrsaRole), and require IMDSv2 with hop limit 1 on the nodes",
                IMDS_DOCS,
            )
        )
    return findings


def _claim_keys(statement: Mapping[str, object]) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """``(operator, issuer, claim, values)`` for each ``<issuer>:sub|aud|amr`` condition of a statement."""
    out: list[tuple[str, str, str, tuple[str, ...]]] = []
    block = statement.get("Condition")
    if not isinstance(block, Mapping):
        return out
    for operator, keys in block.items():
        if not isinstance(keys, Mapping):
            continue
        for key, raw in keys.items():
            issuer, _, claim = str(key).rpartition(":")
            if claim.lower() in ("sub", "aud", "amr") and issuer and isinstance(raw, str | list):
                host = issuer.removeprefix("https://").rstrip("/")
                out.append((operator, host, claim.lower(), tuple(str(v) for v in element_values(raw))))
    return out
