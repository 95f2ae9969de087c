"""One corpus of trust policies through the three paths that judge them: the plan, the policy pack, the audit.

Each path reaches :func:`eks_irsa.iam.trust_review.review_trust` through its own glue (the plan's
``check_trust_policy``, the pack's two ``workload-trust`` policies on an ``aws:iam/role:Role``, the audit's
``audit()`` on a snapshot holding the role), with the same knowledge: the role's account, and providers
and clusters that exist. The findings must be the same on every path: the same ``(code, severity)`` pairs
as the corpus expects, the plan refusing exactly the refused ones.

What this cannot prove: the Pulumi engine's property values (the pack runs on the test's props), and AWS's
own reading of a trust policy (the corpus's expectations come from the EKS and IAM user guides).
"""

from __future__ import annotations

import json
import re

import pytest

from eks_irsa import audit
from eks_irsa.errors import IrsaConfigError
from eks_irsa.iam.findings import REFUSED, Severity
from eks_irsa.iam.trust_review import EKS_ISSUER, audience_findings, check_trust_policy
from eks_irsa.plan import plan_role
from eks_irsa.plan.render import check_trust_policy as plan_check
from policypack.eks_irsa_policies import POLICIES
from tests.test_policypack import resource_args, run_policy
from tests.trust_corpus import ACCOUNT, CORPUS, ISSUER, PROVIDER, REGION

POLICY = {p.name: p for p in POLICIES}
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/app"

NOT_LIVE = {"over-quota": "IAM refuses to create a role whose trust passes the quota, so no account holds one"}
"""Cases the audit cannot meet, with the reason."""


def _expected(case) -> list[tuple[str, str]]:
    return sorted(case.expected)


def _pack(document: dict) -> list[tuple[str, str]]:
    found = []
    for name in ("workload-trust", "workload-trust-advisory"):
        args = resource_args(
            "aws:iam/role:Role", "app", {"assumeRolePolicy": json.dumps(document)}, {"accountId": ACCOUNT}
        )
        outcome = run_policy(POLICY[name], args)
        assert outcome.unknown is None and outcome.not_applicable is None
        for message, _ in outcome.violations:
            severity, code = re.match(r"app: (\w+) (\w+) assumeRolePolicy", message).groups()
            assert (Severity(severity) in REFUSED) is (name == "workload-trust"), message
            found.append((code, severity))
    return sorted(found)


def _audit(document: dict) -> list[tuple[str, str]]:
    """The role in an account holding every provider it names and a cluster behind every EKS issuer."""
    providers = sorted({arn for s in document["Statement"] for arn in _federated(s) if f"::{ACCOUNT}:" in arn})
    issuers = sorted({a.split("oidc-provider/", 1)[1] for a in providers} & _eks_issuers(providers))
    snapshot = audit.AccountSnapshot(
        ACCOUNT,
        REGION,
        tuple(audit.provider_from_arn(p) for p in providers),
        (audit.Role(ROLE_ARN, "app", document),),
        tuple(audit.Cluster(f"c{i}", f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/c{i}", i) for i in issuers),
    )
    report = audit.audit(snapshot)
    return sorted((f.code, f.severity.value) for f in report.findings if f.resource == ROLE_ARN)


def _federated(statement: dict) -> list[str]:
    principal = statement.get("Principal")
    federated = principal.get("Federated", []) if isinstance(principal, dict) else []
    return [federated] if isinstance(federated, str) else [f for f in federated if f != "*"]


def _eks_issuers(providers: list[str]) -> set[str]:
    return {i for i in (p.split("oidc-provider/", 1)[1] for p in providers) if EKS_ISSUER.match(i)}


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: c.id)
def test_the_pack_gives_the_corpus_findings(case):
    assert _pack(case.document) == _expected(case)


@pytest.mark.parametrize("case", [c for c in CORPUS if c.id not in NOT_LIVE], ids=lambda c: c.id)
def test_the_audit_gives_the_corpus_findings(case):
    assert _audit(case.document) == _expected(case)


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: c.id)
def test_the_plan_refuses_exactly_what_the_packs_mandatory_policy_reports(case):
    """The plan's glue is the function ``render_trust`` calls on every trust policy it renders; its problems
    are the pack's mandatory violations word for word (field, value, rule, source, fix)."""
    assert plan_check is check_trust_policy
    problems = plan_check("assumeRolePolicy", case.document, role_account=ACCOUNT)
    args = resource_args(
        "aws:iam/role:Role", "app", {"assumeRolePolicy": json.dumps(case.document)}, {"accountId": ACCOUNT}
    )
    violations = [re.sub(r"^app: \w+ \w+ ", "", m) for m, _ in run_policy(POLICY["workload-trust"], args).violations]
    assert sorted(str(p) for p in problems) == sorted(violations)
    assert len(problems) == sum(1 for _, severity in case.expected if Severity(severity) in REFUSED)


@pytest.mark.parametrize(
    ("audience", "client_ids", "code"),
    [
        ("sts.amazon.com", None, "TRUST_AUDIENCE_TYPO"),
        ("vault", None, "TRUST_AUDIENCE_NOT_CLIENT_ID"),
        ("vault", ["sts.amazonaws.com", "vault"], None),
    ],
)
def test_the_plans_audience_input_is_judged_by_the_same_rule_before_anything_renders(audience, client_ids, code):
    """``plan_role`` checks ``audience`` against ``provider_client_ids`` (default ``sts.amazonaws.com``) with
    the judgement's own :func:`~eks_irsa.iam.trust_review.audience_findings`."""
    args = {
        "cluster_name": "acme",
        "namespace": "orders",
        "oidc_provider_arn": PROVIDER,
        "oidc_issuer": ISSUER,
        "service_account": "orders-api",
        "statements": [{"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::acme-orders/*"]}],
        "audience": audience,
        **({"provider_client_ids": client_ids} if client_ids else {}),
    }
    expected = audience_findings("audience", audience, tuple(client_ids or ["sts.amazonaws.com"]))
    assert [f.code for f in expected] == ([code] if code else [])
    if code is None:
        assert plan_role("orders-api", args).audience == audience
        return
    with pytest.raises(IrsaConfigError) as raised:
        plan_role("orders-api", args)
    assert raised.value.problems == [f.problem() for f in expected]
