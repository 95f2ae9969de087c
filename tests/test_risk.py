"""Risk categories by access level and reach, and AWS managed policies judged like statements, through
``plan_role``.

Expected categories come from the Service Authorization Reference's access levels (``s3:GetObject`` is
Read, ``ec2:AuthorizeSecurityGroupIngress`` Write, ``iam:AttachRolePolicy`` Permissions management) and
managed policy contents from IAM's published AWS managed policies, not from earlier output of this code.
"""

from __future__ import annotations

import pytest

from eks_irsa.errors import IrsaConfigError
from eks_irsa.iam import table
from eks_irsa.iam.grants import grants
from eks_irsa.iam.policy import PolicyStatement
from eks_irsa.iam.risk import aws_managed_policy, categories_of, risks
from eks_irsa.plan import plan_role

ACCOUNT = "111122223333"
ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
CNI = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"
CNI_WHY = "Infrastructure modification: the VPC CNI manages the network interfaces of every pod."


def _args(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "oidc_provider_arn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}",
        "oidc_issuer": f"https://{ISSUER}",
        "cluster_name": "acme-dev",
        "namespace": "orders",
        "role_account_id": ACCOUNT,
    }
    base.update(overrides)
    return base


def _problems(**overrides: object) -> list:
    with pytest.raises(IrsaConfigError) as caught:
        plan_role("orders-api", _args(**overrides))
    return caught.value.problems


SECURITY_GROUPS = {"actions": ["ec2:AuthorizeSecurityGroupIngress"], "resources": ["*"]}


def _categories(action: str, resource: str, **conditions: object) -> tuple[str, ...]:
    item = {"Effect": "Allow", "Action": action, "Resource": resource}
    if conditions:
        item["Condition"] = conditions
    (grant,) = grants("statements[0]", item, ACCOUNT, "us-west-2")
    return categories_of(grant)


@pytest.mark.parametrize(
    ("action", "resource", "expected"),
    [
        # Read: data exfiltration, at every resource of the type or more; never on one resource.
        ("s3:GetObject", "arn:aws:s3:::*", ("data exfiltration",)),
        ("dynamodb:GetItem", f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/*", ("data exfiltration",)),
        ("dynamodb:GetItem", f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/orders", ()),
        ("dynamodb:GetItem", f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/orders-*", ()),
        # Credentials in the response (cloudsplaining's list): credentials exposure, even without resource types.
        ("ecr:GetAuthorizationToken", "*", ("credentials exposure",)),
        # Write and Tagging: infrastructure modification; Permissions management: also resource exposure.
        ("ec2:AuthorizeSecurityGroupIngress", "*", ("infrastructure modification",)),
        (
            "iam:AttachRolePolicy",
            f"arn:aws:iam::{ACCOUNT}:role/*",
            ("resource exposure", "infrastructure modification"),
        ),
        # List: none.
        ("s3:ListBucket", "arn:aws:s3:::*", ()),
    ],
)
def test_the_category_follows_the_access_level_at_broad_reach(action: str, resource: str, expected: tuple) -> None:
    assert _categories(action, resource) == expected


def test_a_condition_that_constrains_takes_the_grant_out_of_its_category_and_one_that_does_not_leaves_it() -> None:
    tagged = {"StringEquals": {"aws:ResourceTag/team": "orders"}}
    assert _categories("ec2:AuthorizeSecurityGroupIngress", "*", **tagged) == ()
    anywhere = {"StringLike": {"aws:RequestedRegion": "*"}}
    assert _categories("ec2:AuthorizeSecurityGroupIngress", "*", **anywhere) == ("infrastructure modification",)


def test_an_unconstrained_write_is_an_error_unless_its_justification_names_the_category() -> None:
    named_otherwise = {**SECURITY_GROUPS, "justification": "the controller needs it"}
    (problem,) = _problems(statements=[named_otherwise])
    assert problem.field == "statements[0]"
    assert "infrastructure modification" in problem.rule and "ec2:AuthorizeSecurityGroupIngress" in problem.rule


def test_a_read_named_data_exfiltration_passes_where_infrastructure_modification_would_not() -> None:
    reads = {"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::*"]}
    wrong = {**reads, "justification": "Infrastructure modification: reads every bucket"}
    (problem,) = _problems(statements=[wrong])
    assert "'data exfiltration'" in problem.rule
    right = {**reads, "justification": "Data exfiltration: the exporter reads every bucket it is asked to copy."}
    recorded = plan_role("orders-api", _args(statements=[right])).summary()["riskCategories"]
    assert list(recorded) == ["data exfiltration"] and recorded["data exfiltration"]["justified"] is True


def test_a_justification_naming_the_category_passes_and_the_plan_records_it() -> None:
    why = "Infrastructure modification: opens node security groups created elsewhere."
    plan = plan_role("orders-api", _args(statements=[{**SECURITY_GROUPS, "justification": why}]))
    recorded = plan.summary()["riskCategories"]
    assert list(recorded) == ["infrastructure modification"]
    assert recorded["infrastructure modification"]["actions"] == ["ec2:AuthorizeSecurityGroupIngress"]
    assert recorded["infrastructure modification"]["justifications"] == {"statements[0]": why}
    assert recorded["infrastructure modification"]["justified"] is True


def test_a_scoped_grant_reaches_no_category() -> None:
    item = {"actions": ["dynamodb:GetItem"], "resources": [f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/orders"]}
    assert plan_role("orders-api", _args(statements=[item])).summary()["riskCategories"] == {}


def test_privilege_escalation_is_judged_over_the_whole_role_and_names_the_method() -> None:
    # iam:PassRole + ec2:RunInstances (Rhino Security Labs' method, cloudsplaining's CreateEC2WithExistingIP),
    # split over two statements whose justifications name the other categories but not the method.
    why = "Karpenter's job: resource exposure and infrastructure modification"
    statements = [
        PolicyStatement(("iam:PassRole",), ("*",), justification=why),
        PolicyStatement(("ec2:RunInstances",), ("*",), justification=why),
    ]
    role = [g for i, s in enumerate(statements) for g in grants(f"statements[{i}]", s.to_json(), ACCOUNT)]
    found = {r.category: r for r in risks(role, {f"statements[{i}]": why for i in range(2)})}
    escalation = found["privilege escalation"]
    assert "CreateEC2WithExistingIP" in escalation.methods
    assert escalation.sources == ("statements[0]", "statements[1]")
    assert escalation.unjustified == ("statements[0]", "statements[1]")
    assert {"iam:PassRole", "ec2:RunInstances"} <= set(escalation.actions)


def test_an_aws_managed_policy_is_judged_as_its_statements_would_be() -> None:
    policy = aws_managed_policy(CNI)
    assert policy is not None and policy.name == "AmazonEKS_CNI_Policy"
    # IAM's published AmazonEKS_CNI_Policy grants the VPC CNI's network interface calls on Resource "*".
    assert "ec2:CreateNetworkInterface" in str(policy.document)
    assert table.source().startswith("AWS Service Authorization Reference of ")
    problems = _problems(namespace="kube-system", managed_policy_arns=[CNI])
    assert {p.field for p in problems} == {"managed_policy_arns", f"managed_policy_justifications[{CNI!r}]"}
    assert any("IRSA_RESOURCE_STAR" in p.rule for p in problems)
    assert any("'infrastructure modification'" in p.rule for p in problems)
    plan = plan_role(
        "aws-node",
        _args(namespace="kube-system", managed_policy_arns=[CNI], managed_policy_justifications={CNI: CNI_WHY}),
    )
    summary = plan.summary()
    assert "ec2:CreateNetworkInterface" in summary["managedPolicies"][0]["actions"]
    category = summary["riskCategories"]["infrastructure modification"]
    assert category["sources"] == ["AmazonEKS_CNI_Policy"] and category["justified"] is True
    assert plan.managed_policy_justifications == {CNI: CNI_WHY}  # what the policy pack's config is written from


def test_a_justification_must_name_the_category_for_a_managed_policy_too() -> None:
    (problem,) = _problems(
        namespace="kube-system",
        managed_policy_arns=[CNI],
        managed_policy_justifications={CNI: "The VPC CNI needs it (Resource * as AWS publishes it)."},
    )
    assert problem.field == f"managed_policy_justifications[{CNI!r}]"
    assert "'infrastructure modification'" in problem.rule


def test_an_admin_like_managed_policy_is_refused_by_its_document_whatever_its_name() -> None:
    # PowerUserAccess's name does not end in FullAccess; its NotAction statement grants nearly everything.
    power = "arn:aws:iam::aws:policy/PowerUserAccess"
    problems = _problems(managed_policy_arns=[power], managed_policy_justifications={power: "everything"})
    assert any("IRSA_ALL_ACTIONS" in p.rule and p.value == power for p in problems)


def test_a_justification_for_a_policy_not_attached_is_refused() -> None:
    item = {"actions": ["dynamodb:GetItem"], "resources": [f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/orders"]}
    (problem,) = _problems(statements=[item], managed_policy_justifications={CNI: CNI_WHY})
    assert problem.field == f"managed_policy_justifications[{CNI!r}]" and "does not attach" in problem.rule


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::aws:policy/AmazonEKS_CNI_Polcy",  # a typo: IAM refuses it only at deploy
        "arn:aws:iam::aws:policy/service-role/AmazonEKS_CNI_Policy",  # the right name on the wrong path
    ],
)
def test_an_unknown_aws_managed_policy_is_an_error(arn: str) -> None:
    item = {"actions": ["dynamodb:GetItem"], "resources": [f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/orders"]}
    (problem,) = _problems(statements=[item], managed_policy_arns=[arn])
    assert problem.field == "managed_policy_arns" and problem.value == arn
    assert "AmazonEKS_CNI_Policy" in problem.fix or "AmazonEKS_CNI_Policy" in problem.rule


def test_a_customer_managed_policy_is_not_looked_up() -> None:
    customer = f"arn:aws:iam::{ACCOUNT}:policy/orders-extra"
    plan = plan_role("orders-api", _args(managed_policy_arns=[customer]))
    assert plan.summary()["managedPolicies"] == []


def test_without_role_account_id_the_providers_account_is_the_stacks() -> None:
    # IAM trusts an OIDC provider of the role's own account: its ARN tells the account when no role_account_id
    # is given, so an ARN of another account is still named.
    other = {"actions": ["dynamodb:GetItem"], "resources": ["arn:aws:dynamodb:us-west-2:444455556666:table/t"]}
    args = {k: v for k, v in _args(statements=[other]).items() if k != "role_account_id"}
    (warning,) = [w for w in plan_role("orders-api", args).warnings if "IRSA_OTHER_ACCOUNT" in w]
    assert "444455556666" in warning and ACCOUNT in warning


def test_a_malformed_credentials_list_in_the_table_raises_instead_of_judging_with_none(monkeypatch):
    monkeypatch.setattr(table, "meta", lambda: {"credentials": {"actions": "sts:getsessiontoken"}})
    table.credentials_actions.cache_clear()
    try:
        with pytest.raises(TypeError, match=r"iam-table\.zip: credentials\.actions is not a list"):
            table.credentials_actions()
    finally:
        table.credentials_actions.cache_clear()


@pytest.mark.parametrize(
    ("action", "resource", "expected"),
    [
        # the colon inside ${aws:...} is not a field separator: this is every role of the account
        (
            "iam:AttachRolePolicy",
            "arn:aws:iam::${aws:PrincipalAccount}:role/*",
            ("resource exposure", "infrastructure modification"),
        ),
        # a request key is the caller's to choose: any region
        (
            "secretsmanager:GetSecretValue",
            f"arn:aws:secretsmanager:${{aws:RequestedRegion}}:{ACCOUNT}:secret:*",
            ("data exfiltration",),
        ),
        # a session tag follows the pod: any value, so every object under the bucket's home/
        ("s3:GetObject", "arn:aws:s3:::acme-logs/${aws:PrincipalTag/team}", ()),
        # the principal's own account is one account: one secret, not any account's
        (
            "secretsmanager:GetSecretValue",
            "arn:aws:secretsmanager:us-west-2:${aws:PrincipalAccount}:secret:orders-AbCdEf",
            (),
        ),
    ],
)
def test_policy_variables_in_an_arn_are_judged_by_what_they_can_hold(
    action: str, resource: str, expected: tuple
) -> None:
    assert _categories(action, resource) == expected


def test_a_variable_account_does_not_hide_privilege_escalation() -> None:
    statement = {"actions": ["iam:AttachRolePolicy"], "resources": ["arn:aws:iam::${aws:PrincipalAccount}:role/*"]}
    rules = [p.rule for p in _problems(statements=[statement])]
    assert any("privilege escalation" in rule and "AttachRolePolicy" in rule for rule in rules)


def test_a_variable_region_reaches_any_region_and_is_named_as_such() -> None:
    resource = f"arn:aws:sqs:${{aws:RequestedRegion}}:{ACCOUNT}:orders"
    rules = [p.rule for p in _problems(statements=[{"actions": ["sqs:SendMessage"], "resources": [resource]}])]
    assert any("any account or any region" in rule for rule in rules)
    assert not any("${aws" in rule.replace(resource, "") for rule in rules)  # no field cut inside the variable


OWN_ROLE = f"arn:aws:iam::{ACCOUNT}:role/acme-dev-orders-orders-api"


@pytest.mark.parametrize(
    ("action", "resource", "method"),
    [
        # The attacker review (after issue 16): the pod rewrites its own role, or every role of the cluster.
        ("iam:PutRolePolicy", OWN_ROLE, "PutRolePolicy"),
        ("iam:AttachRolePolicy", OWN_ROLE, "AttachRolePolicy"),
        ("iam:UpdateAssumeRolePolicy", OWN_ROLE, "UpdateRolePolicyToAssumeIt"),
        ("iam:AttachRolePolicy", f"arn:aws:iam::{ACCOUNT}:role/acme-dev-*", "AttachRolePolicy"),
        ("iam:PutRolePermissionsBoundary", OWN_ROLE, "ReplaceRolePermissionsBoundary"),
    ],
)
def test_a_write_to_one_role_or_a_role_name_prefix_is_privilege_escalation(action, resource, method) -> None:
    problems = _problems(statements=[{"actions": [action], "resources": [resource]}])
    (escalation,) = [p for p in problems if "privilege escalation" in p.rule]
    assert escalation.field == "statements[0]" and method in escalation.rule
    why = f"Privilege escalation ({method}): the operator rotates its own role's policy."
    recorded = plan_role(
        "orders-api", _args(statements=[{"actions": [action], "resources": [resource], "justification": why}])
    )
    assert method in recorded.summary()["riskCategories"]["privilege escalation"]["methods"]


def test_a_role_write_constrained_to_one_policy_is_not_escalation() -> None:
    item = {
        "actions": ["iam:AttachRolePolicy"],
        "resources": [OWN_ROLE],
        "conditions": {"ArnEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess"}},
    }
    assert "privilege escalation" not in plan_role("orders-api", _args(statements=[item])).summary()["riskCategories"]


@pytest.mark.parametrize(
    "condition",
    [
        # The attacker review (after issue 16): tests that hold for every request of the role's sessions.
        {"StringEquals": {"aws:PrincipalType": "AssumedRole"}},
        {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
        {"ArnEquals": {"aws:PrincipalArn": OWN_ROLE}},
        {"Bool": {"aws:ViaAWSService": "false"}},
        {"IpAddress": {"aws:SourceIp": ["0.0.0.0/0", "::/0"]}},
        {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "0.0.0.0/0"]}},
        {"StringLike": {"aws:userid": "AROA*"}},
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:*"}},
        {"DateGreaterThan": {"aws:TokenIssueTime": "2000-01-01T00:00:00Z"}},
        {"StringLike": {"aws:SourceVpce": "vpce-*"}},
    ],
    ids=lambda c: next(iter(next(iter(c.values())))),
)
def test_a_condition_that_holds_for_every_request_of_the_role_does_not_switch_escalation_off(condition) -> None:
    item = {
        "actions": ["iam:AttachRolePolicy"],
        "resources": [f"arn:aws:iam::{ACCOUNT}:role/*"],
        "conditions": condition,
    }
    rules = [p.rule for p in _problems(statements=[item])]
    assert any("privilege escalation" in r and "AttachRolePolicy" in r for r in rules), rules


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}},
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"Bool": {"aws:ViaAWSService": "true"}},
    ],
    ids=lambda c: next(iter(next(iter(c.values())))),
)
def test_a_condition_on_a_concrete_value_still_constrains(condition) -> None:
    item = {"Effect": "Allow", "Action": "ec2:AuthorizeSecurityGroupIngress", "Resource": "*", "Condition": condition}
    (grant,) = grants("statements[0]", item, ACCOUNT, "us-west-2")
    assert grant.constrained and categories_of(grant) == ()


def test_creating_an_access_entry_and_associating_a_policy_is_privilege_escalation() -> None:
    """The attacker review (after issue 16): cluster admin through an access entry for the pod's own role runs a
    pod under any service account, so every IRSA role of the cluster."""
    cluster = f"arn:aws:eks:us-west-2:{ACCOUNT}:cluster/acme-dev"
    item = {
        "actions": ["eks:CreateAccessEntry", "eks:AssociateAccessPolicy"],
        "resources": [cluster, f"arn:aws:eks:us-west-2:{ACCOUNT}:access-entry/acme-dev/*"],
    }
    (problem,) = [p for p in _problems(statements=[item]) if "privilege escalation" in p.rule]
    assert "CreateAccessEntryThenAssociateClusterAdmin" in problem.rule and "EKS User Guide" in problem.rule
    alone = {"actions": ["eks:CreateAccessEntry"], "resources": [cluster]}
    assert "privilege escalation" not in plan_role("orders-api", _args(statements=[alone])).summary()["riskCategories"]
