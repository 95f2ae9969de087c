"""The audit's findings on node groups: whether pods can borrow the node role through IMDS.

Sources: EKS Best Practices Guide, 'Restrict access to the instance profile assigned to the worker
node' (IMDSv2 required, hop limit 1, judged by :func:`eks_irsa.iam.review.check_instance_metadata`);
EKS User Guide, 'Amazon EKS node IAM role' (the node policies).
"""

from __future__ import annotations

from ..iam.eks_policies import CNI_POLICY, NODE_POLICIES
from ..iam.findings import Finding, Severity
from ..iam.review import IMDS_DOCS
from .scope import Scope, audit_finding
from .snapshot import permissions_of

NODE_ROLE_DOCS = "EKS User Guide, 'Amazon EKS node IAM role'"


def node_findings(ctx: Scope) -> tuple[list[dict[str, object]], list[Finding]]:
    """Per node group: a row for the report (pods reach IMDS, what the node role may do) and the findings
    ``NODE_NO_LAUNCH_TEMPLATE``, ``NODE_IMDSV1_ALLOWED``, ``NODE_HOP_LIMIT``, ``NODE_ROLE_EXTRA_POLICIES``."""
    rows: list[dict[str, object]] = []
    findings: list[Finding] = []
    expected = set(NODE_POLICIES)
    for group in sorted(ctx.node_groups, key=lambda g: (g.cluster, g.name)):
        where = f"{group.cluster}/{group.name}"
        role = ctx.roles.get(group.node_role_arn)
        may_do = permissions_of(role)
        rows.append(
            {
                "cluster": group.cluster,
                "nodeGroup": group.name,
                "nodeRoleArn": group.node_role_arn,
                "launchTemplate": group.launch_template,
                "metadataOptions": dict(group.metadata_options),
                "podsReachImds": group.imds_open_to_pods,
                "nodeRoleMayDo": list(may_do),
            }
        )
        borrow = f"every pod on these nodes can borrow the node role {group.node_role_arn}: " + "; ".join(may_do)
        if group.launch_template is None:
            findings.append(
                audit_finding(
                    Severity.MEDIUM,
                    "NODE_NO_LAUNCH_TEMPLATE",
                    where,
                    f"node group {where} uses the launch template EKS generates, whose metadata options this audit "
                    f"cannot see; if its hop limit is above 1, {borrow}",
                    "give the node group a launch template with MetadataOptions HttpTokens=required, "
                    "HttpPutResponseHopLimit=1",
                    IMDS_DOCS,
                )
            )
        else:
            options = group.metadata_options
            failed = {problem.field.rsplit(".", 1)[-1] for problem in group.metadata_problems()}
            if failed:
                if "httpTokens" in failed:
                    tokens = options.get("HttpTokens") or "not set (optional unless the AMI requires v2)"
                    findings.append(
                        audit_finding(
                            Severity.HIGH,
                            "NODE_IMDSV1_ALLOWED",
                            where,
                            f"node group {where} allows IMDSv1 (launch template {group.launch_template}, "
                            f"HttpTokens {tokens}); {borrow}",
                            "set MetadataOptions HttpTokens=required in a new launch template version and roll "
                            "the node group",
                            IMDS_DOCS,
                        )
                    )
                hop = group.hop_limit
                if "httpPutResponseHopLimit" in failed:
                    shown = hop if hop is not None else "not set (the AMI's default applies)"
                    findings.append(
                        audit_finding(
                            Severity.HIGH,
                            "NODE_HOP_LIMIT",
                            where,
                            f"node group {where} has IMDS hop limit {shown} (launch template "
                            f"{group.launch_template}): IMDSv2 tokens reach pods; {borrow}",
                            "set MetadataOptions HttpPutResponseHopLimit=1 and give pods their own roles",
                            IMDS_DOCS,
                        )
                    )
        if role is not None and role.policies is not None:
            extra = sorted(p.name for p in role.policies if p.arn is None or p.name not in expected)
            if extra:
                cni = " (the VPC CNI should have its own IRSA role)" if CNI_POLICY in extra else ""
                findings.append(
                    audit_finding(
                        Severity.MEDIUM,
                        "NODE_ROLE_EXTRA_POLICIES",
                        group.node_role_arn,
                        f"node role {role.name} of {where} carries {', '.join(extra)} beyond the node policies "
                        f"({', '.join(NODE_POLICIES)}){cni}; whatever reaches the node's credentials gets them",
                        "move these permissions to IRSA or Pod Identity roles of the workloads that need them",
                        NODE_ROLE_DOCS,
                    )
                )
    return rows, findings
