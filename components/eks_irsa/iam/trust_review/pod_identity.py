"""EKS Pod Identity statements: scoped against the confused deputy, and allowed to tag the session."""

from __future__ import annotations

from collections.abc import Mapping

from ..arn import parse_arn
from ..findings import Finding, Severity
from .context import TrustContext
from .statements import allows, condition_entries, strings

POD_IDENTITY_DOCS = (
    "EKS User Guide, 'Create the Pod Identity role trust policy'; IAM User Guide, 'The confused deputy problem'"
)


def pod_identity_findings(where: str, statement: Mapping[str, object], context: TrustContext) -> list[Finding]:
    """One ``pods.eks.amazonaws.com`` statement: ``sts:TagSession`` allowed, ``aws:SourceAccount`` and
    ``aws:SourceArn`` pinned to the role's account and to EKS clusters by name."""
    at = f"{where}.Condition"
    found = {key.lower(): (operator, values) for operator, key, values in condition_entries(statement)}
    account, source_arn = found.get("aws:sourceaccount"), found.get("aws:sourcearn")
    findings = []
    if not allows(statement, "sts:TagSession"):
        findings.append(
            Finding(
                "POD_IDENTITY_NO_TAG_SESSION",
                Severity.HIGH,
                f"{where}.Action" if "Action" in statement else f"{where}.NotAction",
                sorted(strings(statement.get("Action", statement.get("NotAction")))),
                "does not allow sts:TagSession; EKS Pod Identity tags every session it starts, so the pods get no "
                "credentials",
                POD_IDENTITY_DOCS,
                'allow "sts:AssumeRole" and "sts:TagSession"',
            )
        )
    if account is None or account[0] != "StringEquals":
        findings.append(
            _unscoped(
                at,
                account[0] if account else "(no aws:SourceAccount)",
                "does not pin aws:SourceAccount with StringEquals, so a cluster of any account could use the role",
                'add "StringEquals": {"aws:SourceAccount": "<the cluster\'s account>"}',
            )
        )
    elif context.role_account and set(account[1]) != {context.role_account}:
        findings.append(
            _unscoped(
                f"{at}.StringEquals.aws:SourceAccount",
                list(account[1]),
                f"is not the role's account {context.role_account}",
                f"set aws:SourceAccount to {context.role_account}",
            )
        )
    if source_arn is None or source_arn[0] not in ("StringEquals", "ArnEquals", "ArnLike"):
        findings.append(
            _unscoped(
                at,
                source_arn[0] if source_arn else "(no aws:SourceArn)",
                "does not pin aws:SourceArn to the cluster, so every cluster of the account could use the role",
                'add "StringEquals": {"aws:SourceArn": "arn:<partition>:eks:<region>:<account>:cluster/<name>"}',
            )
        )
        return findings
    for value in source_arn[1]:
        arn = parse_arn(value)
        wrong_account = arn is not None and context.role_account is not None and arn.account != context.role_account
        cluster = arn is not None and arn.service == "eks" and arn.resource.startswith("cluster/")
        wildcard = "*" in value or "?" in value
        if not cluster or wrong_account or wildcard:
            findings.append(
                _unscoped(
                    f"{at}.{source_arn[0]}.aws:SourceArn",
                    value,
                    ("names clusters by wildcard instead of one" if cluster and wildcard else "is not an")
                    + " EKS cluster ARN"
                    + (f" of account {context.role_account}" if context.role_account else ""),
                    "name the cluster: arn:<partition>:eks:<region>:<account>:cluster/<name>",
                )
            )
    return findings


def _unscoped(at: str, value: object, rule: str, fix: str) -> Finding:
    return Finding("POD_IDENTITY_TRUST_UNSCOPED", Severity.MEDIUM, at, value, rule, POD_IDENTITY_DOCS, fix)
