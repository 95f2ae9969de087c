"""The audit's findings on a workload role's permissions: the components' whole-role judgement.

Every role the audit reads permissions for (one trusting an OIDC provider or EKS Pod Identity, in scope) is
judged by :func:`eks_irsa.iam.judgement.judge_documents`, the raw-document form of the plan's ``judge_role``,
over its inline and attached policies as IAM returned them: each document's lint errors, risk categories
reached and privilege escalation over the whole role (:func:`eks_irsa.iam.judgement.risk_findings`). A live
role carries no justification: ``eks-irsa audit --justifications FILE`` gives one per role name (what the
catalog's statements say), which allows what it names as a statement's justification allows it in the
plan. Codes and sources: ``docs/permissions.md``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..iam.findings import Finding
from ..iam.judgement import judge_documents, risk_findings
from .scope import Scope
from .snapshot import workload_role


def role_permission_findings(ctx: Scope, justifications: Mapping[str, str] | None = None) -> list[Finding]:
    """The refused findings of each workload role in scope whose policies were read, fields under
    ``role <name>.<policy>``, resource the role; ``justifications``: a reason per role name, for each of its
    policies."""
    found: list[Finding] = []
    associated = {a.role_arn for a in ctx.associations}
    for role in ctx.snapshot.roles:
        if role.policies is None or not workload_role(role):
            continue
        if ctx.cluster is not None and not (
            any(ctx.in_scope(p) for p in role.trusted_providers()) or role.arn in associated
        ):
            continue
        why = (justifications or {}).get(role.name)
        documents = [(p.name, p.document, why) for p in role.policies if p.document is not None]
        judged = judge_documents(role.name, documents, (), ctx.snapshot.account_id, ctx.snapshot.region)
        findings = [i.finding.at(i.source) for i in judged.findings] + risk_findings(judged)
        found += [f.at(f"role {role.name}", resource=role.arn) for f in findings if f.refused]
    return found
