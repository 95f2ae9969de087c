"""The whole IRSA flow for the dev stack, in process: plan, local issuer, STS side, moto with IAM enforcement.

One full run (module fixture) feeds most tests; one more run, on a single role with a widened trust
policy, shows that verify fails when a trust policy lets in more than ``service.json`` says.

What these tests cannot prove: AWS itself. moto's IAM evaluation is an emulation (docs/verify.md says what
it checks and what it does not); trust decisions are made by the STS side in eks_irsa.proof.localidp, not by
AWS STS.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from eks_irsa.cli import verify as verify_module
from eks_irsa.cli.verify import Result, main, render, verify
from eks_irsa.plan import RoleRecord
from eks_irsa.proof import emulator as emulator_module
from eks_irsa.proof.matrix import Cell, expected_access, unverifiable
from eks_irsa.testing import config_from_stack_file
from tests.conftest import PROJECT

ACCOUNT = "111122223333"
TABLE = f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/acme-dev-orders"
PAYMENTS_SECRET = f"arn:aws:secretsmanager:us-west-2:{ACCOUNT}:secret:acme-dev/payments-api-??????"
APP_OBJECT = "arn:aws:s3:::acme-dev-logs/app/irsa-verify.txt"
KUBE_SYSTEM_ROLES = ("acme-dev-vpc-cni", "aws-load-balancer-controller", "ebs-csi-driver")
APP_ROLES = ("log-shipper", "orders-api", "payments-api")


_BEFORE: dict[str, object] = {}


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> Result:
    from moto import settings

    _BEFORE["no_auth_count"] = settings.INITIAL_NO_AUTH_ACTION_COUNT
    return verify("dev", tmp_path_factory.mktemp("build"), PROJECT)


def cell(result: Result, section: str, service: str, case: str) -> Cell:
    found = [c for c in result.cells if c.section == section and c.service == service and c.case == case]
    assert len(found) == 1, f"no single cell {section} {service} {case}"
    return found[0]


def access(result: Result, service: str, action: str, resource: str) -> Cell:
    return cell(result, "access", service, f"{action} {resource}")


def test_every_cell_matches_and_the_report_says_so(result):
    wrong = [(c.section, c.service, c.case, c.expected, c.actual, c.actual_reason) for c in result.cells if not c.ok]
    assert wrong == []
    assert result.ok
    document = json.loads(result.path.read_text())
    assert document["summary"] == {"cells": len(result.cells), "mismatches": 0, "ok": True}
    assert len(document["cells"]) == len(result.cells)


def test_the_matrix_covers_every_role_with_every_token_case(result):
    trust = {(c.service, c.case) for c in result.cells if c.section == "trust"}
    catalog = config_from_stack_file(PROJECT / "stacks" / "Pulumi.dev.yaml")["eks-irsa:services"]
    roles = {*catalog, "acme-dev-vpc-cni"}
    assert roles >= {*KUBE_SYSTEM_ROLES, *APP_ROLES}
    assert {s for s, _ in trust} == roles
    for role in roles:
        assert {c for s, c in trust if s == role} == {
            "own-token",
            "namespace-default",
            "neighbour-service",
            "wrong-audience",
            "expired",
            "not-yet-valid",
            "other-key",
            "forged-kid",
            "alg-none",
            "other-issuer",
        }


@pytest.mark.parametrize("service", [*KUBE_SYSTEM_ROLES, *APP_ROLES])
def test_each_role_is_assumed_with_its_own_token_and_only_then_gets_credentials(result, service):
    own = cell(result, "trust", service, "own-token")
    assert (own.actual, own.actual_by) == ("allow", "passed")
    role_name = next(s.role_name for s in result.services if s.name == service)
    assert f"moto issued credentials for arn:aws:sts::{ACCOUNT}:assumed-role/{role_name}/irsa-verify-{service}" in (
        own.actual_reason
    )


@pytest.mark.parametrize(
    ("case", "check", "code"),
    [
        ("namespace-default", "trust-policy", "AccessDenied"),
        ("neighbour-service", "trust-policy", "AccessDenied"),
        ("wrong-audience", "audience", "InvalidIdentityToken"),
        ("expired", "expiry", "ExpiredTokenException"),
        ("not-yet-valid", "not-before", "InvalidIdentityToken"),
        ("other-key", "key-id", "InvalidIdentityToken"),
        ("forged-kid", "signature", "InvalidIdentityToken"),
        ("alg-none", "algorithm", "InvalidIdentityToken"),
        ("other-issuer", "provider", "InvalidIdentityToken"),
    ],
)
def test_bad_tokens_for_the_orders_role_are_denied_by_the_right_check(result, case, check, code):
    denied = cell(result, "trust", "orders-api", case)
    assert (denied.actual, denied.actual_by) == ("deny", check)
    assert denied.actual_reason.startswith(code + ":")
    assert "moto issued" not in denied.actual_reason


def test_orders_default_is_denied_by_the_trust_policy_naming_the_subject(result):
    denied = cell(result, "trust", "orders-api", "namespace-default")
    assert "system:serviceaccount:orders:default" in denied.actual_reason
    assert "system:serviceaccount:orders:orders-api" in denied.actual_reason


@pytest.mark.parametrize(
    ("service", "action", "resource", "decision"),
    [
        ("log-shipper", "s3:PutObject", APP_OBJECT, "allow"),
        ("log-shipper", "s3:PutObject", "arn:aws:s3:::acme-dev-logs/irsa-verify-outside/irsa-verify.txt", "deny"),
        ("log-shipper", "dynamodb:GetItem", TABLE, "deny"),
        ("log-shipper", "secretsmanager:GetSecretValue", PAYMENTS_SECRET, "deny"),
        ("orders-api", "dynamodb:GetItem", TABLE, "allow"),
        ("orders-api", "dynamodb:BatchGetItem", TABLE, "allow"),
        ("orders-api", "dynamodb:Query", TABLE + "/index/by-customer", "allow"),
        ("orders-api", "dynamodb:DescribeTable", TABLE, "allow"),
        (
            "orders-api",
            "dynamodb:GetItem",
            f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/irsa-verify-other-table",
            "deny",
        ),
        (
            "orders-api",
            "dynamodb:Query",
            f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/irsa-verify-other-table/index/by-customer",
            "deny",
        ),
        ("orders-api", "secretsmanager:GetSecretValue", PAYMENTS_SECRET, "deny"),
        ("orders-api", "s3:PutObject", APP_OBJECT, "deny"),
        ("payments-api", "secretsmanager:GetSecretValue", PAYMENTS_SECRET, "allow"),
        ("payments-api", "secretsmanager:DescribeSecret", PAYMENTS_SECRET, "allow"),
        (
            "payments-api",
            "secretsmanager:GetSecretValue",
            f"arn:aws:secretsmanager:us-west-2:{ACCOUNT}:secret:irsa-verify/other-secret-??????",
            "deny",
        ),
        ("payments-api", "dynamodb:GetItem", TABLE, "deny"),
        ("aws-load-balancer-controller", "ec2:DescribeInstances", "*", "allow"),
        ("ebs-csi-driver", "ec2:DescribeInstances", "*", "allow"),
        ("acme-dev-vpc-cni", "ec2:DescribeInstances", "*", "allow"),
        ("orders-api", "ec2:DescribeInstances", "*", "deny"),
        ("aws-load-balancer-controller", "secretsmanager:GetSecretValue", PAYMENTS_SECRET, "deny"),
    ],
)
def test_access_cells(result, service, action, resource, decision):
    observed = access(result, service, action, resource)
    assert (observed.expected, observed.actual) == (decision, decision), observed.actual_reason


def test_denials_are_real_access_denied_answers_from_moto(result):
    denied = access(result, "log-shipper", "dynamodb:GetItem", TABLE)
    assert denied.actual_by == "moto"
    assert denied.actual_reason == (
        f"AccessDenied: User: arn:aws:sts::{ACCOUNT}:assumed-role/acme-dev-observability-log-shipper/"
        "irsa-verify-log-shipper is not authorized to perform: dynamodb:GetItem"
    )
    secret = access(result, "orders-api", "secretsmanager:GetSecretValue", PAYMENTS_SECRET)
    assert "is not authorized to perform: secretsmanager:GetSecretValue" in secret.actual_reason


def test_emulator_facts_back_the_readme(result):
    facts = {c.case.split(":")[0]: c for c in result.cells if c.section == "emulator"}
    assert facts["unknown access key after bootstrap"].actual == "deny"
    assert "InvalidAccessKeyId" in facts["unknown access key after bootstrap"].actual_reason
    assert facts["moto AssumeRoleWithWebIdentity with an alg-none token, without the STS side"].actual == "allow"
    assert facts["without the resources patch"].actual == "deny"
    assert facts["without the wildcards patch"].actual == "error"
    assert "500" in facts["without the wildcards patch"].actual_reason


def test_verify_json_holds_nothing_that_changes_between_runs(result):
    text = result.path.read_text()
    assert not re.search(r"(127\.0\.0\.1|localhost):\d", text)
    assert not re.search(r"\b(AKIA|ASIA)[A-Z0-9]{12,}", text)
    assert '"jti"' not in text
    secret_suffixes = re.findall(r"secret:(?:acme-dev/payments-api|irsa-verify/other-secret)-(.{6})", text)
    assert secret_suffixes and set(secret_suffixes) == {"??????"}
    assert text == json.dumps(result.document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_moto_process_state_is_restored(result):
    from moto import settings
    from moto.dynamodb.responses import DynamoHandler
    from moto.iam.access_control import IAMPolicyStatement
    from moto.secretsmanager.responses import SecretsManagerResponse

    assert _BEFORE["no_auth_count"] == settings.INITIAL_NO_AUTH_ACTION_COUNT
    assert "_determine_resource" not in DynamoHandler.__dict__
    assert "_determine_resource" not in SecretsManagerResponse.__dict__
    assert IAMPolicyStatement.__dict__["_match"].__func__.__module__ == "moto.iam.access_control"


def test_render_prints_both_grids_and_no_mismatch(result):
    text = render(result.cells, result.services)
    assert "deny:trust-policy" in text
    assert "deny:algorithm" in text
    assert f"{len(result.cells)} cells, 0 mismatches." in text
    assert "MISMATCH" not in text


def test_main_exits_1_and_lists_the_cell_when_one_cell_differs(result, monkeypatch, capsys):
    broken = replace(result.cells[0], actual="allow" if result.cells[0].actual == "deny" else "deny")
    monkeypatch.setattr(
        verify_module, "verify", lambda stack, build_dir: replace(result, cells=[broken, *result.cells[1:]])
    )
    assert main(["--stack", "dev"]) == 1
    out = capsys.readouterr().out
    assert f"MISMATCH {broken.section} {broken.service} {broken.case}" in out
    monkeypatch.setattr(verify_module, "verify", lambda stack, build_dir: result)
    assert main(["--stack", "dev"]) == 0


def test_main_refuses_an_unknown_stack(capsys):
    assert main(["--stack", "nope"]) == 2
    assert "no stack file" in capsys.readouterr().err


def test_a_trust_policy_wider_than_service_json_fails_verify(tmp_path, monkeypatch):
    """The trust cells' expectations come from service.json; a policy that trusts the whole namespace is caught."""
    original = verify_module.services_from_plan

    def widened(run, files):
        orders = next(s for s in original(run, files) if s.name == "orders-api")
        policy = json.loads(orders.trust_policy)
        conditions = policy["Statement"][0]["Condition"]
        sub_key = next(k for k in conditions["StringEquals"] if k.endswith(":sub"))
        conditions["StringLike"] = {sub_key: "system:serviceaccount:orders:*"}
        del conditions["StringEquals"][sub_key]
        return [replace(orders, trust_policy=json.dumps(policy))]

    monkeypatch.setattr(verify_module, "services_from_plan", widened)
    outcome = verify("dev", tmp_path, PROJECT)
    assert not outcome.ok
    wrong = {(c.service, c.case) for c in outcome.cells if not c.ok}
    assert ("orders-api", "namespace-default") in wrong
    let_in = cell(outcome, "trust", "orders-api", "namespace-default")
    assert (let_in.expected, let_in.actual) == ("deny", "allow")
    assert json.loads((tmp_path / "dev" / "verify.json").read_text())["summary"]["ok"] is False


# --- the expected-access reader, on its own -----------------------------------------------------------------


def _doc(*statements):
    return [("policy", {"Version": "2012-10-17", "Statement": list(statements)})]


def test_expected_access_reads_iam_wildcards_and_case():
    docs = _doc({"Effect": "Allow", "Action": "SecretsManager:Get*", "Resource": "arn:aws:sm:secret:name-??????"})
    assert expected_access(docs, "secretsmanager:GetSecretValue", "arn:aws:sm:secret:name-AbC123")[0] == "allow"
    assert expected_access(docs, "secretsmanager:GetSecretValue", "arn:aws:sm:secret:name-AbC12")[0] == "deny"
    assert expected_access(docs, "secretsmanager:GetSecretValue", "arn:aws:sm:secret:NAME-AbC123")[0] == "deny"


def test_expected_access_deny_wins_and_conditions_do_not_allow():
    allow = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    deny = {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/secret/*"}
    assert expected_access(_doc(allow, deny), "s3:PutObject", "arn:aws:s3:::b/secret/x") == (
        "deny",
        "policy statement 1 denies it explicitly",
    )
    assert expected_access(_doc(allow, deny), "s3:PutObject", "arn:aws:s3:::b/public/x")[0] == "allow"
    conditional = {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*", "Condition": {"Bool": {"k": "true"}}}
    assert expected_access(_doc(conditional), "s3:PutObject", "arn:aws:s3:::b/x")[0] == "deny"


def test_expected_access_not_action_and_no_policy():
    not_action = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    assert expected_access(_doc(not_action), "s3:GetObject", "arn:aws:s3:::b/x")[0] == "allow"
    assert expected_access(_doc(not_action), "iam:CreateUser", "*")[0] == "deny"
    assert expected_access([], "s3:GetObject", "*") == ("deny", "the role has no permissions policy")


def test_moto_wildcard_patch_matches_like_iam():
    match = emulator_module._iam_wildcard_match
    assert match("arn:aws:secretsmanager:r:1:secret:a/b-??????", "arn:aws:secretsmanager:r:1:secret:a/b-Xy12Zq")
    assert not match("arn:aws:secretsmanager:r:1:secret:a/b-??????", "arn:aws:secretsmanager:r:1:secret:a/b-Xy12Z")
    assert match("arn:aws:s3:::logs/app/*", "arn:aws:s3:::logs/app/x/y.txt")
    assert not match("arn:aws:s3:::logs.app/*", "arn:aws:s3:::logsXapp/y")  # '.' is literal


POD_IDENTITY_NOTE = (
    "EKS Pod Identity: no web identity token; its trust is in the pod-identity section, no access probes"
)


def test_roles_outside_verify_are_named_with_the_reason(tmp_path):
    outcome = verify("staging", tmp_path, PROJECT)
    assert outcome.ok
    assert outcome.document["notVerified"] == {
        "legacy-api": "an existing role managed elsewhere",
        "orders-api": "trusted by several OIDC providers",
        "reports": POD_IDENTITY_NOTE,
        "ledger-reader": POD_IDENTITY_NOTE,
        "report-exporter": POD_IDENTITY_NOTE,
        "spark-jobs": "a service account pattern",
        "warehouse-loader": "a role in another account than the stack's",
    }
    pods = {(c["service"], c["case"]): c for c in outcome.document["cells"] if c["section"] == "pod-identity"}
    assert all(c["ok"] for c in pods.values())
    # EKS Auth's steps: only each role's own pod passes; a pod without association, the role associated by mistake
    # (session tags on), another cluster, tags turned off and a stale external id are refused at their step.
    assert {k: (c["actual"], c["actualBy"]) for k, c in pods.items() if k[0] in ("reports", "ledger-reader")} == {
        ("reports", "own-pod"): ("allow", "passed"),
        ("reports", "unassociated"): ("deny", "association"),
        ("reports", "mis-associated"): ("deny", "trust-policy"),
        ("reports", "other-cluster"): ("deny", "trust-policy"),
        ("reports", "tags-off"): ("deny", "trust-policy"),
        ("ledger-reader", "own-pod"): ("allow", "passed"),
        ("ledger-reader", "unassociated"): ("deny", "association"),
        ("ledger-reader", "mis-associated"): ("deny", "trust-policy"),
        ("ledger-reader", "other-cluster"): ("deny", "trust-policy"),
        ("ledger-reader", "tags-off"): ("deny", "trust-policy"),
        ("ledger-reader", "stale-external-id"): ("deny", "target-trust"),
    }
    # Session tags off (a session policy): IAM cannot tell service accounts apart; the association alone binds.
    assert pods[("report-exporter", "mis-associated")]["actual"] == "allow"
    fact = next(c for c in outcome.document["cells"] if "pods.eks.amazonaws.com" in c["case"])
    assert fact["actual"] == "error" and fact["ok"]
    plain = {
        **dict.fromkeys(RoleRecord.json_keys()),
        **{"identity": "irsa", "roleManagedHere": True, "trustedProviders": ["p"], "subjects": ["a"]},
    }
    own, other = "arn:aws:iam::111122223333:role/r", "arn:aws:iam::222233334444:role/r"
    assert unverifiable(RoleRecord.from_data({**plain, "roleArn": own}), "111122223333") is None
    assert unverifiable(RoleRecord.from_data({**plain, "roleArn": other}), "111122223333")
