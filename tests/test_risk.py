"""Risk categories (cloudsplaining) and AWS managed policies looked into, through ``plan_role``.

Expected categories come from cloudsplaining's definitions (its glossary: infrastructure modification
is a write action without resource constraints; privilege escalation the Rhino Security Labs
combinations, e.g. iam:PassRole with ec2:RunInstances), and managed policy contents from IAM's
published AWS managed policies, not from earlier output of this code.
"""

from __future__ import annotations

import pytest

from eks_irsa.errors import IrsaConfigError
from eks_irsa.iam.policy import PolicyStatement
from eks_irsa.iam.risk import aws_managed_policy, managed_policy_source, risks
from eks_irsa.plan import plan_role

ACCOUNT = "111122223333"
ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
CNI = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"


def _args(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "oidc_provider_arn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}",
        "oidc_issuer": f"https://{ISSUER}",
        "cluster_name": "acme-dev",
        "namespace": "orders",
    }
    base.update(overrides)
    return base


def _problems(**overrides: object) -> list:
    with pytest.raises(IrsaConfigError) as caught:
        plan_role("orders-api", _args(**overrides))
    return caught.value.problems


SECURITY_GROUPS = {"actions": ["ec2:AuthorizeSecurityGroupIngress"], "resources": ["*"]}


def test_an_unconstrained_write_is_infrastructure_modification_and_an_error_unless_named() -> None:
    named_otherwise = {**SECURITY_GROUPS, "justification": "the controller needs it"}
    (problem,) = _problems(statements=[named_otherwise])
    assert problem.field == "statements[0]"
    assert "infrastructure modification" in problem.rule and "ec2:AuthorizeSecurityGroupIngress" in problem.rule


def test_a_justification_naming_the_category_passes_and_the_plan_records_it() -> None:
    why = "Infrastructure modification: opens node security groups created elsewhere."
    plan = plan_role("orders-api", _args(statements=[{**SECURITY_GROUPS, "justification": why}]))
    recorded = plan.summary()["riskCategories"]
    assert list(recorded) == ["infrastructure modification"]
    assert recorded["infrastructure modification"]["actions"] == ["ec2:AuthorizeSecurityGroupIngress"]
    assert recorded["infrastructure modification"]["justifications"] == {"statements[0]": why}
    assert recorded["infrastructure modification"]["justified"] is True


def test_a_scoped_grant_reaches_no_category() -> None:
    table = {"actions": ["dynamodb:GetItem"], "resources": [f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/orders"]}
    assert plan_role("orders-api", _args(statements=[table])).summary()["riskCategories"] == {}


def test_privilege_escalation_is_judged_over_the_whole_role() -> None:
    # iam:PassRole + ec2:RunInstances (cloudsplaining's CreateEC2WithExistingIP), split over two statements.
    why = "Karpenter's job: resource exposure and infrastructure modification"
    statements = [
        PolicyStatement(("iam:PassRole",), ("*",), justification=why),
        PolicyStatement(("ec2:RunInstances",), ("*",), justification=why),
    ]
    found = {r.category: r for r in risks(statements, [])}
    escalation = found["privilege escalation"]
    assert escalation.sources == ("statements[0]", "statements[1]")
    assert escalation.unjustified == ("statements[0]", "statements[1]")
    assert {"iam:passrole", "ec2:runinstances"} <= {a.lower() for a in escalation.actions}


def test_an_aws_managed_policy_is_looked_into() -> None:
    policy = aws_managed_policy(CNI)
    assert policy is not None and policy.name == "AmazonEKS_CNI_Policy"
    # IAM's published AmazonEKS_CNI_Policy grants the VPC CNI's network interface calls.
    assert "ec2:CreateNetworkInterface" in str(policy.document)
    assert managed_policy_source().startswith("moto ")
    plan = plan_role("aws-node", _args(namespace="kube-system", managed_policy_arns=[CNI]))
    summary = plan.summary()
    assert "ec2:CreateNetworkInterface" in summary["managedPolicies"][0]["actions"]
    category = summary["riskCategories"]["infrastructure modification"]
    assert category["sources"] == ["AmazonEKS_CNI_Policy"] and category["justified"] is False
    assert any("AmazonEKS_CNI_Policy" in w for w in plan.warnings)


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::aws:policy/AmazonEKS_CNI_Polcy",  # a typo: IAM refuses it only at deploy
        "arn:aws:iam::aws:policy/service-role/AmazonEKS_CNI_Policy",  # the right name on the wrong path
    ],
)
def test_an_unknown_aws_managed_policy_is_an_error(arn: str) -> None:
    table = {"actions": ["dynamodb:GetItem"], "resources": [f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/orders"]}
    (problem,) = _problems(statements=[table], managed_policy_arns=[arn])
    assert problem.field == "managed_policy_arns" and problem.value == arn
    assert "AmazonEKS_CNI_Policy" in problem.fix or "AmazonEKS_CNI_Policy" in problem.rule


def test_a_customer_managed_policy_is_not_looked_up() -> None:
    customer = f"arn:aws:iam::{ACCOUNT}:policy/orders-extra"
    plan = plan_role("orders-api", _args(managed_policy_arns=[customer]))
    assert plan.summary()["managedPolicies"] == []
