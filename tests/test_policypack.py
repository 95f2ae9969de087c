"""The policy pack (``policypack/``) judged through pulumi-policy's own argument objects, without the CLI.

Each policy's ``validate`` is called the way pulumi-policy's analyzer calls it: resource policies with a
``ResourceValidationArgs`` whose props go through the SDK's ``unknown_checking_proxy``, stack policies
with a ``StackValidationArgs`` of ``PolicyResource`` s linked by their dependencies. The inputs are the
registrations of our own program under the mock monitor (every stack file, as a deploy and as a first
preview) and documents from public failure reports (each cited in :data:`REPORTS`).

What this cannot prove: the Pulumi CLI's side (installing the pack's venv, sending the engine's real
property values, unknowns and default provider settings, and which moments it runs stack policies
at); the mocks' registrations stand in for the engine's.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import grpc
import pytest
import yaml
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import _NotApplicableError, _PolicyAnalyzerServicer
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from eks_irsa.cli import plan as plan_cli
from eks_irsa.cluster import CNI_JUSTIFICATION
from eks_irsa.iam.eks_policies import CNI_POLICY
from eks_irsa.testing import UNKNOWN, config_from_stack_file, run_program
from policypack.eks_irsa_policies import POLICIES
from tests.conftest import PROGRAM, PROJECT, STACK_FILES

ROOT = Path(__file__).resolve().parent.parent
STACKS = sorted(p.name.split(".")[1] for p in STACK_FILES)
POLICY = {p.name: p for p in POLICIES}

# --- pulumi-policy's argument objects from plain values ----------------------------------------------------


def _sentinels(value: Any) -> Any:
    """The mock record's ``<unknown>`` as the engine sends an unknown: pulumi-policy's sentinel string."""
    if value == UNKNOWN:
        return UNKNOWN_STRING_VALUE
    if isinstance(value, Mapping):
        return {k: _sentinels(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_sentinels(v) for v in value]
    return value


def _urn(type_: str, name: str) -> str:
    return f"urn:pulumi:test::eks-irsa::{type_}::{name}"


def _opts() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def resource_args(
    type_: str,
    name: str,
    props: Mapping[str, Any],
    config: Mapping[str, Any] | None = None,
    provider: Mapping[str, Any] | None = None,
) -> ResourceValidationArgs:
    """What the analyzer builds for one resource: props behind the unknown-checking proxy."""
    policy_provider = None
    if provider is not None:
        policy_provider = PolicyProviderResource(
            "pulumi:providers:aws", unknown_checking_proxy(_sentinels(dict(provider))), _urn("provider", "p"), "p"
        )
    proxied = unknown_checking_proxy(_sentinels(dict(props)))
    return ResourceValidationArgs(type_, proxied, _urn(type_, name), name, _opts(), policy_provider, config)


def stack_args(
    resources: list[tuple[str, str, Mapping[str, Any], tuple[str, ...]]], config: Mapping[str, Any] | None = None
) -> StackValidationArgs:
    """What the analyzer builds for a stack: ``(type, name, props, dependency names)`` linked by name
    (the mock record keeps dependencies as logical names, so names must be unique here)."""
    assert len({name for _, name, _, _ in resources}) == len(resources), "logical names must be unique"
    built = {
        name: PolicyResource(
            type_, unknown_checking_proxy(_sentinels(dict(props))), _urn(type_, name), name, _opts(), None, None, [], {}
        )
        for type_, name, props, _ in resources
    }
    for _, name, _, deps in resources:
        built[name].dependencies.extend(built[d] for d in deps if d in built)
    return StackValidationArgs(list(built.values()), config)


class Outcome:
    """What one policy said: violations (message, urn), or that it skipped (unknown / not applicable)."""

    def __init__(self) -> None:
        self.violations: list[tuple[str, str | None]] = []
        self.unknown: str | None = None
        self.not_applicable: str | None = None

    def report(self, message: str, urn: str | None = None) -> None:
        self.violations.append((message, urn))


def run_policy(policy: ResourceValidationPolicy | StackValidationPolicy, args: Any) -> Outcome:
    """``policy.validate(args, report)`` as the analyzer runs it, catching what it turns into notes."""
    outcome = Outcome()
    try:
        policy.validate(args, outcome.report)
    except UnknownValueError as error:
        outcome.unknown = error.message
    except _NotApplicableError as error:
        outcome.not_applicable = error.reason
    return outcome


# --- our own stacks --------------------------------------------------------------------------------------------


def _default_provider(config: Mapping[str, Any]) -> dict[str, Any]:
    """The default AWS provider's inputs as the engine builds them from the stack's ``aws:`` config."""
    return {
        "region": config["aws:region"],
        "allowedAccountIds": json.dumps(config["aws:allowedAccountIds"]),
    }


def written_config(stack_plans, stack: str) -> dict[str, Any]:
    """The pack config ``eks-irsa plan`` wrote for the stack (``build/<stack>/policy-pack-config.json``), as
    ``pulumi preview --policy-pack-config`` reads it."""
    stack_plans.plan(stack)
    return json.loads((stack_plans.build / stack / "policy-pack-config.json").read_text())


def judge_stack(stack_plans, stack: str, preview: bool, justified: bool = True) -> dict[str, list[Outcome]]:
    """Every policy on every registration of one run of our program (the session's, ``stack_plans``), as the
    analyzer would."""
    config = stack_plans.config(stack)
    registrations = (stack_plans.preview(stack) if preview else stack_plans.plan(stack)[0]).registrations
    by_name = {r.name: r for r in registrations}
    outcomes: dict[str, list[Outcome]] = {name: [] for name in POLICY}
    written = written_config(stack_plans, stack) if justified else {}
    for policy in POLICIES:
        if isinstance(policy, StackValidationPolicy):
            resources = [
                (r.type, r.name, r.inputs if preview else r.outputs, r.dependencies) for r in registrations if r.custom
            ]
            outcomes[policy.name].append(run_policy(policy, stack_args(resources, written.get(policy.name))))
            continue
        for r in registrations:
            provider = by_name[r.provider].inputs if r.provider in by_name else _default_provider(config)
            args = resource_args(r.type, r.name, r.inputs, written.get(policy.name), provider)
            outcomes[policy.name].append(run_policy(policy, args))
    return outcomes


@pytest.mark.parametrize("preview", [False, True], ids=["deploy", "preview"])
@pytest.mark.parametrize("stack", STACKS)
def test_our_stacks_pass_every_policy(stack, preview, stack_plans):
    outcomes = judge_stack(stack_plans, stack, preview)
    violations = {name: [v for o in found for v in o.violations] for name, found in outcomes.items()}
    assert {k: v for k, v in violations.items() if v} == {}
    assert all(o.not_applicable is None for found in outcomes.values() for o in found)


def test_preview_skips_unknown_values_with_a_note_and_judges_the_rest(stack_plans):
    """A first preview: trust policies and role ARNs are unknown. Nothing fails; each skipped check says why."""
    outcomes = judge_stack(stack_plans, "dev", preview=True)
    notes = [o.unknown for o in outcomes["workload-trust"] if o.unknown]
    assert notes and all(n == "string value at .assumeRolePolicy can't be known during preview" for n in notes)
    (stack_note,) = [o.unknown for o in outcomes["serviceaccount-role-trust"]]
    assert stack_note.startswith("not judged yet, a value is unknown: ")
    assert "orders-api-sa-orders-api (string value at .metadata.annotations.eks.amazonaws.com/role-arn" in stack_note
    # The node role's trust is known at preview and was judged, not skipped.
    judged = [o for o in outcomes["workload-trust"] if o.unknown is None]
    assert len(judged) > len(notes)


def test_a_justification_is_what_lets_our_load_balancer_controller_pass_the_lint(stack_plans):
    """The components read a statement's justification; the pack reads its config. Without it, the
    published policy's Resource "*" statements fail, named with the resource and the fix."""
    outcomes = judge_stack(stack_plans, "dev", preview=False, justified=False)
    messages = [m for o in outcomes["iam-permissions-lint"] for m, _ in o.violations]
    assert messages
    head = "aws-load-balancer-controller-permissions: policy fails the permissions lint"
    assert all(m.startswith(head) for m in messages)
    assert all(
        ("IRSA_RESOURCE_STAR" in m or "IRSA_ANY_ACCOUNT" in m) and "resourceStarJustified" in m for m in messages
    )


# --- documents from public failure reports ----------------------------------------------------------------------

EKS_A = "oidc.eks.eu-west-1.amazonaws.com/id/AA9E170D464AF7B92084EF72A69B9DC8"
EKS_B = "oidc.eks.eu-west-1.amazonaws.com/id/BA9E170D464AF7B92084EF72A69B9DC8"
ACCOUNT = "111122223333"


def _provider_arn(issuer: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:oidc-provider/{issuer}"


def _trust(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _web_identity(condition: dict[str, Any], federated: str | list[str] | None = None) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": {"Federated": federated or _provider_arn(EKS_A)},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": condition,
    }


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


REPORTS = [
    pytest.param(
        "aws:iam/role:Role",
        "nomad-autoscaler-role",
        {
            "assumeRolePolicy": _trust(
                _web_identity(
                    {
                        "StringEquals": {
                            f"{EKS_A}:sub": "system:serviceaccount:*:nomad-autoscaler",
                            f"{EKS_A}:aud": "sts.amazonaws.com",
                        }
                    }
                )
            )
        },
        "workload-trust",
        ["TRUST_WILDCARD_UNDER_STRINGEQUALS", "holds a wildcard, which StringEquals matches literally"],
        id="https://github.com/CircleCI-Public/server-terraform/pull/291 (a wildcard namespace under StringEquals)",
    ),
    pytest.param(
        "aws:iam/role:Role",
        "crossplane-provider-aws-role",
        {
            "assumeRolePolicy": _trust(
                _web_identity(
                    {"StringLike": {f"{EKS_A}:sub": "system:serviceaccount:crossplane-system:provider-aws-*"}}
                )
            )
        },
        "workload-trust",
        ["TRUST_AUDIENCE_NOT_PINNED", "does not pin :aud to one audience"],
        id="https://github.com/crossplane-contrib/provider-aws/issues/1172 (StringLike subject, no aud)",
    ),
    pytest.param(
        "aws:iam/role:Role",
        "role-with-oidc",
        {
            "assumeRolePolicy": _trust(
                _web_identity(
                    {
                        "StringEquals": {
                            f"{EKS_A}:sub": ["system:serviceaccount:default:sa2", "system:serviceaccount:default:sa1"],
                            f"{EKS_B}:sub": ["system:serviceaccount:default:sa2", "system:serviceaccount:default:sa1"],
                        }
                    },
                    federated=[_provider_arn(EKS_B), _provider_arn(EKS_A)],
                )
            )
        },
        "workload-trust",
        ["TRUST_ISSUERS_ANDED", "names several issuers in one statement"],
        id="https://github.com/terraform-aws-modules/terraform-aws-iam/issues/114 (two provider_urls ANDed)",
    ),
    pytest.param(
        "aws:iam/role:Role",
        "eks-iam-role",
        {
            "assumeRolePolicy": _trust(
                _web_identity(
                    {
                        "StringEquals": {
                            f"{EKS_A}:aud": "sts.amazonaws.com",
                            f"{EKS_B}:aud": "sts.amazonaws.com",
                            f"{EKS_A}:sub": "system:serviceaccount:app:app",
                        }
                    }
                )
            )
        },
        "workload-trust",
        ["TRUST_ISSUERS_ANDED", "names several issuers in one statement"],
        id="https://github.com/cloudposse/terraform-aws-eks-iam-role/pull/63 (one aud condition per issuer)",
    ),
    pytest.param(
        "aws:iam/role:Role",
        "mountpoint-s3-csi-role",
        {
            "assumeRolePolicy": _trust(
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "pods.eks.amazonaws.com"},
                    "Action": ["sts:AssumeRole", "sts:TagSession"],
                    "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
                }
            )
        },
        "workload-trust",
        ["POD_IDENTITY_TRUST_UNSCOPED", "does not pin aws:SourceArn to the cluster"],
        id="https://github.com/awslabs/mountpoint-s3-csi-driver/issues/781 (the trust left after the fix)",
    ),
    pytest.param(
        "aws:iam/role:Role",
        "mountpoint-s3-csi-role",
        {
            "assumeRolePolicy": _trust(
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "pods.eks.amazonaws.com"},
                    "Action": ["sts:AssumeRole", "sts:TagSession"],
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": ACCOUNT},
                        "ArnLike": {"aws:SourceArn": f"arn:aws:eks:*:{ACCOUNT}:podidentityassociation/CLUSTER_NAME/*"},
                    },
                }
            )
        },
        "workload-trust",
        ["POD_IDENTITY_TRUST_UNSCOPED", "is not an EKS cluster ARN"],
        id="https://github.com/awslabs/mountpoint-s3-csi-driver/issues/781 (the trust that failed)",
    ),
    pytest.param(
        "kubernetes:core/v1:ServiceAccount",
        "aws-lb-controller-sa",
        {
            "metadata": {
                "name": "ZZZZZZ",
                "namespace": "aws-lb-controller",
                "annotations": {"eks.amazon.com/role-arn": f"arn:aws:iam::{ACCOUNT}:role/YYYYYY"},
            }
        },
        "serviceaccount-role-annotation",
        ["is not the annotation the pod identity webhook reads"],
        id="https://github.com/aws/amazon-eks-pod-identity-webhook/issues/200 (eks.amazon.com instead of amazonaws)",
    ),
    pytest.param(
        "kubernetes:core/v1:ServiceAccount",
        "app-sa",
        {
            "metadata": {
                "name": "app",
                "namespace": "app",
                "annotations": {"eks.amazonaws.com/role-arn": f"arn:aws:iam:us-east-1:{ACCOUNT}:role/app"},
            }
        },
        "serviceaccount-role-annotation",
        ["is not an IAM role ARN"],
        id="https://github.com/aws/aws-cdk/pull/3755 (an IAM role ARN written with a region)",
    ),
    pytest.param(
        "aws:eks/nodeGroup:NodeGroup",
        "managed-nodes",
        {"clusterName": "demo", "nodeRoleArn": f"arn:aws:iam::{ACCOUNT}:role/nodes", "subnetIds": ["subnet-1"]},
        "eks-node-group-launch-template",
        ["launchTemplate is not set"],
        id="https://github.com/aws/aws-cdk/issues/31124 (managed node group without a launch template)",
    ),
    pytest.param(
        "aws:iam/rolePolicy:RolePolicy",
        "image-handler-policy",
        {
            "role": "image-handler",
            "policy": _policy(
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                    "Resource": ["arn:aws:s3:::*"],
                }
            ),
        },
        "iam-permissions-lint",
        ["IRSA_RESOURCE_STAR"],
        id="https://github.com/aws-solutions/dynamic-image-transformation-for-amazon-cloudfront/issues/225",
    ),
    pytest.param(
        "aws:iam/policy:Policy",
        "test",
        {"policy": _policy({"Sid": "", "Effect": "Allow", "Action": ["s3:*"], "Resource": ["arn:aws:s3:::test/*"]})},
        "iam-permissions-lint",
        ["IRSA_SERVICE_WILDCARD"],
        id="https://github.com/rustfs/rustfs/issues/3134 (s3:* on a bucket's objects)",
    ),
    pytest.param(
        "aws:iam/policy:Policy",
        "obsidian-objects",
        {
            "policy": _policy(
                {
                    "Sid": "ObsidianObjects",
                    "Effect": "Allow",
                    "Action": ["s3:HeadObject", "s3:ListBucket", "s3:CopyObject", "s3:GetObject"],
                    "Resource": ["arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/*"],
                }
            )
        },
        "iam-permissions-lint",
        ["UNKNOWN_ACTION"],
        id="https://github.com/remotely-save/remotely-save/issues/564 (API operations written as IAM actions)",
    ),
]


@pytest.mark.parametrize(("type_", "name", "props", "expected", "phrases"), REPORTS)
def test_documents_of_public_failure_reports_are_flagged_by_the_right_policy(type_, name, props, expected, phrases):
    provider = {"region": "eu-west-1", "allowedAccountIds": json.dumps([ACCOUNT])}
    flagged = {}
    for policy in POLICIES:
        if isinstance(policy, ResourceValidationPolicy):
            outcome = run_policy(policy, resource_args(type_, name, props, provider=provider))
            assert outcome.unknown is None and outcome.not_applicable is None
            if outcome.violations:
                flagged[policy.name] = [m for m, _ in outcome.violations]
    assert set(flagged) == {expected}
    messages = flagged[expected]
    assert all(m.startswith(f"{name}: ") and "Fix: " in m for m in messages)
    for phrase in phrases:
        assert any(phrase in m for m in messages), (phrase, messages)


@pytest.mark.parametrize("preview", [False, True], ids=["deploy", "preview"])
def test_our_stack_opted_in_to_pod_imds_access_passes_our_imds_rule(preview):
    """allowPodImdsAccess is the component's knowing opt-in; the launch template carries the tag the pack
    honours, so the pack judges the same rule the same way. The hop limit alone would be flagged."""
    config = config_from_stack_file(PROJECT / "stacks" / "Pulumi.dev.yaml")
    config["eks-irsa:cluster"]["nodeGroups"]["general"].update(imdsHopLimit=2, allowPodImdsAccess=True)
    registrations = run_program(PROGRAM, config, "dev", preview=preview).registrations
    resources = [
        (r.type, r.name, r.inputs if preview else r.outputs, r.dependencies) for r in registrations if r.custom
    ]
    _, _, props, _ = _only(resources, "aws:ec2/launchTemplate:LaunchTemplate")
    assert props["metadataOptions"]["httpPutResponseHopLimit"] == 2
    assert props["tags"]["eks-irsa/allow-pod-imds-access"] == "true"
    assert _stack_violations("eks-node-imds", resources) == []
    props["tags"] = {k: v for k, v in props["tags"].items() if k != "eks-irsa/allow-pod-imds-access"}
    [(message, _)] = _stack_violations("eks-node-imds", resources)
    assert "metadataOptions.httpPutResponseHopLimit: 2 lets pods reach the instance metadata service" in message


# --- rules across resources: our dev stack as deployed, with one fault from a public report each -------------


def _dev_resources(stack_plans) -> list[tuple[str, str, dict[str, Any], tuple[str, ...]]]:
    registrations = stack_plans.plan("dev")[0].registrations
    return [(r.type, r.name, json.loads(json.dumps(r.outputs)), r.dependencies) for r in registrations if r.custom]


def _only(resources: list, type_: str) -> tuple[str, str, dict[str, Any], tuple[str, ...]]:
    (found,) = [r for r in resources if r[0] == type_]
    return found


def _stack_violations(policy: str, resources: list) -> list[tuple[str, str | None]]:
    outcome = run_policy(POLICY[policy], stack_args(resources))
    assert outcome.unknown is None
    return outcome.violations


@pytest.mark.parametrize(
    ("options", "tags", "phrases"),
    [
        pytest.param(
            {"httpEndpoint": "enabled", "httpPutResponseHopLimit": 2, "httpTokens": "required"},
            {},
            ["httpPutResponseHopLimit: 2 lets pods reach the instance metadata service"],
            id="https://github.com/terraform-aws-modules/terraform-aws-eks/issues/1749 (the module's hop limit 2)",
        ),
        pytest.param(
            {"httpEndpoint": "enabled", "httpPutResponseHopLimit": 2, "httpTokens": "optional"},
            {},
            ["httpTokens: 'optional' allows IMDSv1", "httpPutResponseHopLimit: 2"],
            id="https://github.com/terraform-aws-modules/terraform-aws-eks/issues/1749 (the thread's workaround)",
        ),
        pytest.param(
            {"httpEndpoint": "enabled", "httpPutResponseHopLimit": 2, "httpTokens": "optional"},
            {"eks-irsa/allow-pod-imds-access": "true"},
            ["httpTokens: 'optional' allows IMDSv1"],
            id="tagged opt-out: a higher hop limit passes, IMDSv1 never",
        ),
    ],
)
def test_node_group_launch_template_with_pod_reachable_imds_is_flagged(options, tags, phrases, stack_plans):
    resources = _dev_resources(stack_plans)
    _, template, props, _ = _only(resources, "aws:ec2/launchTemplate:LaunchTemplate")
    _, group, _, _ = _only(resources, "aws:eks/nodeGroup:NodeGroup")
    assert _stack_violations("eks-node-imds", resources) == []
    props["metadataOptions"] = options
    props["tags"] = tags
    violations = _stack_violations("eks-node-imds", resources)
    assert [urn for _, urn in violations] == [_urn("aws:ec2/launchTemplate:LaunchTemplate", template)] * len(phrases)
    for (message, _), phrase in zip(violations, phrases, strict=True):
        assert message.startswith(f"{template} (launch template of node group {group}): ")
        assert phrase in message and "Fix: " in message


def test_node_role_with_the_cni_policy_is_flagged_while_the_cni_has_its_own_role(stack_plans):
    """https://github.com/aws/karpenter-provider-aws/pull/1054: a node role kept AmazonEKS_CNI_Policy
    although the VPC CNI gets it through IRSA."""
    resources = _dev_resources(stack_plans)
    _, node_role, role_props, _ = next(r for r in resources if r[1].endswith("-node-role"))
    attachment = (
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "node-cni",
        {"role": role_props["name"], "policyArn": "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"},
        (node_role,),
    )
    assert _stack_violations("eks-node-role-cni-policy", resources) == []
    (violation,) = _stack_violations("eks-node-role-cni-policy", [*resources, attachment])
    assert violation[0].startswith(
        f"node-cni: attaches arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy to node role {node_role}, while the VPC CNI"
    )
    assert "Fix: detach AmazonEKS_CNI_Policy from the node role" in violation[0]
    # Without a role of its own the CNI needs the node role's policy: nothing to flag.
    alone = [r for r in resources if r[1].removeprefix("acme-dev-").split("-")[:2] != ["vpc", "cni"]]
    assert len(alone) < len(resources)
    assert _stack_violations("eks-node-role-cni-policy", [*alone, attachment]) == []


def test_service_account_annotated_with_a_role_that_does_not_trust_it_is_flagged(stack_plans):
    """https://github.com/aws/amazon-eks-pod-identity-webhook/issues/104: the annotation only tells the
    SDK which role to ask for; the role's trust decides. A ServiceAccount naming another service's role."""
    resources = _dev_resources(stack_plans)
    assert _stack_violations("serviceaccount-role-trust", resources) == []
    _, account, props, _ = next(r for r in resources if r[1] == "orders-api-sa-orders-api")
    other = next(p for t, n, p, _ in resources if n == "payments-api-role")
    props["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] = other["arn"]
    ((message, urn),) = _stack_violations("serviceaccount-role-trust", resources)
    assert urn == _urn("kubernetes:core/v1:ServiceAccount", account)
    assert message.startswith(f"{account}: ServiceAccount orders/orders-api -> role payments-api-role: ")
    assert "is not admitted by the annotated role's trust policy" in message
    assert "system:serviceaccount:orders:orders-api" in message and "Fix: " in message


def test_role_trusting_the_namespace_default_service_account_too_is_flagged(stack_plans):
    resources = _dev_resources(stack_plans)
    _, _, role, _ = next(r for r in resources if r[1] == "orders-api-role")
    trust = json.loads(role["assumeRolePolicy"])
    (condition,) = [s["Condition"]["StringEquals"] for s in trust["Statement"]]
    (key,) = [k for k in condition if k.endswith(":sub")]
    condition[key] = [condition[key], "system:serviceaccount:orders:default"]
    role["assumeRolePolicy"] = json.dumps(trust)
    ((message, _),) = _stack_violations("serviceaccount-role-trust", resources)
    assert "'system:serviceaccount:orders:default' is also admitted" in message


# --- through pulumi-policy's analyzer: enforcement levels from the pack's config, unknowns as notes -----------


def _analyze(config: dict[str, Any], props: dict[str, Any]) -> list[Any]:
    """One ``Analyze`` call of pulumi-policy's analyzer servicer (what the CLI's gRPC call reaches)."""
    servicer = _PolicyAnalyzerServicer("eks-irsa", "0.0.1", POLICIES, EnforcementLevel.MANDATORY)
    request = proto.ConfigureAnalyzerRequest()
    for name, level in config.items():
        request.policyConfig[name].CopyFrom(proto.PolicyConfig(enforcementLevel=level))
    servicer.Configure(request, None)
    properties = struct_pb2.Struct()
    properties.update(props)
    urn = _urn("kubernetes:core/v1:ServiceAccount", "app-sa")
    analyzed = proto.AnalyzeRequest(
        type="kubernetes:core/v1:ServiceAccount", properties=properties, urn=urn, name="app-sa"
    )
    return list(servicer.Analyze(analyzed, None).diagnostics)


def test_enforcement_level_is_mandatory_by_default_and_set_per_policy_by_the_packs_config():
    bad = {"metadata": {"name": "app", "annotations": {"eks.amazonaws.com/role-arn": "app-role"}}}
    (mandatory,) = _analyze({}, bad)
    assert (mandatory.policyName, mandatory.enforcementLevel) == ("serviceaccount-role-annotation", proto.MANDATORY)
    assert (
        "app-sa: metadata.annotations.eks.amazonaws.com/role-arn: 'app-role' is not an IAM role ARN"
        in mandatory.message
    )
    (advisory,) = _analyze({"serviceaccount-role-annotation": proto.ADVISORY}, bad)
    assert advisory.enforcementLevel == proto.ADVISORY
    assert _analyze({"serviceaccount-role-annotation": proto.DISABLED}, bad) == []


def test_an_unknown_value_becomes_an_advisory_note_in_preview_never_a_failure():
    unknown = {"metadata": {"name": "app", "annotations": {"eks.amazonaws.com/role-arn": UNKNOWN_STRING_VALUE}}}
    (note,) = _analyze({}, unknown)
    assert note.enforcementLevel == proto.ADVISORY
    assert note.message == (
        "can't run policy 'serviceaccount-role-annotation' from policy pack 'eks-irsa@v0.0.1' during preview: "
        "string value at .metadata.annotations.eks.amazonaws.com/role-arn can't be known during preview"
    )


def test_the_roles_account_comes_from_config_or_provider_and_turns_the_account_rules_on():
    foreign = _trust(
        _web_identity(
            {"StringEquals": {f"{EKS_A}:sub": "system:serviceaccount:a:b", f"{EKS_A}:aud": "sts.amazonaws.com"}},
            federated=_provider_arn(EKS_A, "444455556666"),
        )
    )
    policy = POLICY["workload-trust"]
    unknown_account = run_policy(policy, resource_args("aws:iam/role:Role", "app-role", {"assumeRolePolicy": foreign}))
    assert unknown_account.violations == [] and unknown_account.not_applicable is None
    for config, provider in [
        ({"accountId": ACCOUNT}, None),
        (None, {"assumeRoles": json.dumps([{"roleArn": f"arn:aws:iam::{ACCOUNT}:role/deployer"}])}),
    ]:
        args = resource_args("aws:iam/role:Role", "app-role", {"assumeRolePolicy": foreign}, config, provider)
        ((message, _),) = run_policy(policy, args).violations
        assert message.startswith("app-role: medium TRUST_PROVIDER_OTHER_ACCOUNT assumeRolePolicy.Statement[0]")
        assert "is an OIDC provider of account 444455556666, but the role lives in 111122223333" in message


def test_low_findings_go_to_the_advisory_policy_and_the_quota_follows_the_config():
    """The pack reports what the plan refuses from its mandatory policy and the rest from an advisory one."""
    like = _trust(
        _web_identity(
            {"StringLike": {f"{EKS_A}:sub": "system:serviceaccount:a:b"}, "StringEquals": {f"{EKS_A}:aud": "vault"}}
        )
    )
    args = resource_args("aws:iam/role:Role", "app-role", {"assumeRolePolicy": like})
    assert run_policy(POLICY["workload-trust"], args).violations == []
    advice = [m for m, _ in run_policy(POLICY["workload-trust-advisory"], args).violations]
    assert [m.split()[2] for m in advice] == ["TRUST_AUDIENCE_UNUSUAL", "TRUST_STRINGLIKE_WITHOUT_PATTERN"]
    assert POLICY["workload-trust-advisory"].enforcement_level == EnforcementLevel.ADVISORY
    subjects = [f"system:serviceaccount:a:service-account-{i:03d}" for i in range(60)]
    big = {
        "assumeRolePolicy": _trust(
            _web_identity({"StringEquals": {f"{EKS_A}:sub": subjects, f"{EKS_A}:aud": "sts.amazonaws.com"}})
        )
    }
    ((message, _),) = run_policy(POLICY["workload-trust"], resource_args("aws:iam/role:Role", "big", big)).violations
    assert "TRUST_POLICY_TOO_LARGE" in message and "quota of 2048" in message
    raised = resource_args("aws:iam/role:Role", "big", big, {"trustPolicyMaxSize": 4096})
    assert run_policy(POLICY["workload-trust"], raised).violations == []


# --- the pack as a process, and its install pins ----------------------------------------------------------------


def test_the_pack_starts_as_a_process_and_answers_over_grpc():
    """``python policypack`` runs ``__main__.py`` (the pack folder first on ``sys.path``), which prints its
    port and serves pulumi-policy's analyzer; we call it over gRPC as the CLI does, then stop it."""
    process = subprocess.Popen(
        [sys.executable, "-u", str(ROOT / "policypack")], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        port = int(process.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = analyzer_pb2_grpc.AnalyzerStub(channel)
            info = stub.GetAnalyzerInfo(empty_pb2.Empty())
            properties = struct_pb2.Struct()
            properties.update({"metadata": {"name": "app", "annotations": {"eks.amazon.com/role-arn": "x"}}})
            request = proto.AnalyzeRequest(
                type="kubernetes:core/v1:ServiceAccount", properties=properties, urn=_urn("sa", "app-sa"), name="app-sa"
            )
            (diagnostic,) = stub.Analyze(request).diagnostics
    finally:
        process.terminate()
        process.wait()
    assert info.name == "eks-irsa"
    assert [p.name for p in info.policies] == list(POLICY)
    assert {p.name: p.enforcementLevel for p in info.policies} == {
        name: proto.ADVISORY if name == "workload-trust-advisory" else proto.MANDATORY for name in POLICY
    }
    assert diagnostic.policyName == "serviceaccount-role-annotation"
    assert "app-sa: metadata.annotations.eks.amazon.com/role-arn: " in diagnostic.message


def _pins(path: Path) -> dict[str, str]:
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    return dict(line.lower().replace("_", "-").split("==") for line in lines if "==" in line)


def test_the_packs_install_pins_are_the_ones_the_tests_ran_with():
    pack = _pins(ROOT / "policypack" / "requirements.txt")
    tested = {**_pins(ROOT / "requirements.txt"), **_pins(ROOT / "requirements-dev.txt")}
    assert pack == {name: tested[name] for name in pack}
    assert "pulumi-policy" in pack
    assert set(_pins(ROOT / "requirements.txt")) <= set(pack)
    assert "-e ..[lint]" in (ROOT / "policypack" / "requirements.txt").read_text().splitlines()
    runtime = yaml.safe_load((ROOT / "policypack" / "PulumiPolicy.yaml").read_text())["runtime"]
    assert runtime == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}


# --- a stack that never uses our components -----------------------------------------------------------------


def _plain_program(hop_limit: int, cni_on_nodes: bool) -> None:
    """A hand-written stack with pulumi-aws and pulumi-kubernetes only: an OIDC provider, a node role, a
    launch template and node group, the VPC CNI's own IRSA role, and an app role with its ServiceAccount."""
    import pulumi
    import pulumi_aws as aws
    import pulumi_kubernetes as k8s

    issuer = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
    provider = aws.iam.OpenIdConnectProvider(
        "oidc", url=f"https://{issuer}", client_id_lists=["sts.amazonaws.com"], thumbprint_lists=[]
    )

    def irsa_trust(namespace: str, name: str) -> pulumi.Output[str]:
        return pulumi.Output.json_dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Federated": provider.arn},
                        "Action": "sts:AssumeRoleWithWebIdentity",
                        "Condition": {
                            "StringEquals": {
                                f"{issuer}:sub": f"system:serviceaccount:{namespace}:{name}",
                                f"{issuer}:aud": "sts.amazonaws.com",
                            }
                        },
                    }
                ],
            }
        )

    ec2_trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
    nodes = aws.iam.Role("node-role", assume_role_policy=json.dumps(ec2_trust))
    policies = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"]
    for policy in [*policies, *(["AmazonEKS_CNI_Policy"] if cni_on_nodes else [])]:
        aws.iam.RolePolicyAttachment(f"nodes-{policy}", role=nodes.name, policy_arn=f"arn:aws:iam::aws:policy/{policy}")
    cni = aws.iam.Role("vpc-cni", assume_role_policy=irsa_trust("kube-system", "aws-node"))
    aws.iam.RolePolicyAttachment(
        "vpc-cni-policy", role=cni.name, policy_arn="arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"
    )
    aws.eks.Addon("vpc-cni-addon", cluster_name="demo", addon_name="vpc-cni", service_account_role_arn=cni.arn)
    template = aws.ec2.LaunchTemplate(
        "node-template",
        metadata_options={
            "http_endpoint": "enabled",
            "http_tokens": "required",
            "http_put_response_hop_limit": hop_limit,
        },
    )
    aws.eks.NodeGroup(
        "nodes",
        cluster_name="demo",
        node_role_arn=nodes.arn,
        subnet_ids=["subnet-1", "subnet-2"],
        scaling_config={"min_size": 1, "max_size": 2, "desired_size": 1},
        launch_template={"id": template.id, "version": template.latest_version.apply(str)},
    )
    app = aws.iam.Role("app", assume_role_policy=irsa_trust("shop", "cart"))
    aws.iam.RolePolicy(
        "app-permissions",
        role=app.id,
        policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sqs:SendMessage",
                        "Resource": f"arn:aws:sqs:us-west-2:{ACCOUNT}:orders",
                    }
                ],
            }
        ),
    )
    k8s.core.v1.ServiceAccount(
        "cart", metadata={"name": "cart", "namespace": "shop", "annotations": {"eks.amazonaws.com/role-arn": app.arn}}
    )


def _judge_program(program: Any, preview: bool) -> dict[str, list[tuple[str, str | None]]]:
    config = {"aws:region": "us-west-2", "aws:allowedAccountIds": [ACCOUNT]}
    registrations = run_program(program, config, "plain", preview=preview).registrations
    found: dict[str, list[tuple[str, str | None]]] = {}
    for policy in POLICIES:
        if isinstance(policy, StackValidationPolicy):
            resources = [(r.type, r.name, r.inputs if preview else r.outputs, r.dependencies) for r in registrations]
            # The VPC CNI's IRSA role holds AmazonEKS_CNI_Policy, justified as the components justify it.
            cni = {"justifications": {f"arn:aws:iam::aws:policy/{CNI_POLICY}": CNI_JUSTIFICATION}}
            outcomes = [
                run_policy(policy, stack_args(resources, cni if policy.name == "workload-permissions" else None))
            ]
        else:
            outcomes = [
                run_policy(policy, resource_args(r.type, r.name, r.inputs, provider=_default_provider(config)))
                for r in registrations
            ]
        found[policy.name] = [v for o in outcomes for v in o.violations]
    return {name: v for name, v in found.items() if v}


@pytest.mark.parametrize("preview", [False, True], ids=["deploy", "preview"])
def test_a_stack_without_our_components_passes_when_it_keeps_the_rules(preview):
    assert _judge_program(lambda: _plain_program(hop_limit=1, cni_on_nodes=False), preview) == {}


def test_a_stack_without_our_components_is_flagged_where_it_breaks_them():
    found = _judge_program(lambda: _plain_program(hop_limit=2, cni_on_nodes=True), preview=False)
    assert sorted(found) == ["eks-node-imds", "eks-node-role-cni-policy"]
    ((imds, _),) = found["eks-node-imds"]
    assert imds.startswith(
        "node-template (launch template of node group nodes): metadataOptions.httpPutResponseHopLimit: 2 "
    )
    ((cni, _),) = found["eks-node-role-cni-policy"]
    assert cni.startswith(
        "nodes-AmazonEKS_CNI_Policy: attaches arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy to node role node-role"
    )


# --- workload-permissions: a role judged as a whole, as the components judge theirs ----------------------------

_WORKLOAD_TRUST = _trust(
    _web_identity(
        {
            "StringEquals": {
                f"{EKS_A}:sub": "system:serviceaccount:orders:orders-api",
                f"{EKS_A}:aud": "sts.amazonaws.com",
            }
        }
    )
)
_NODE_TRUST = _trust({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def _role(**props: Any) -> tuple[str, str, dict[str, Any], tuple[str, ...]]:
    return ("aws:iam/role:Role", "app", {"name": "app", "assumeRolePolicy": _WORKLOAD_TRUST, **props}, ())


def _role_policy(*statements: dict[str, Any]) -> tuple[str, str, dict[str, Any], tuple[str, ...]]:
    return ("aws:iam/rolePolicy:RolePolicy", "app-policy", {"role": "app", "policy": _policy(*statements)}, ("app",))


_READ_SECRETS = {
    "Effect": "Allow",
    "Action": "secretsmanager:GetSecretValue",
    "Resource": f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:*",
}
_READ_OBJECTS = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*/*"}
_EXFILTRATION = "Data exfiltration: the sync job copies every secret to the vault."

WORKLOAD_PERMISSIONS = {
    # name: (resources, config, expected "<CODE> <field>" heads of the violations)
    "AdministratorAccess by RolePolicyAttachment": (
        [
            _role(),
            ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", {"role": "app", "policyArn": ADMIN}, ()),
        ],
        None,
        [f"IRSA_ALL_ACTIONS {ADMIN}.Statement[0]"],
    ),
    "AdministratorAccess in managedPolicyArns": (
        [_role(managedPolicyArns=[ADMIN])],
        None,
        [f"IRSA_ALL_ACTIONS {ADMIN}.Statement[0]"],
    ),
    "AttachRolePolicy on role/*": (
        [
            _role(),
            _role_policy(
                {"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": f"arn:aws:iam::{ACCOUNT}:role/*"}
            ),
        ],
        None,
        [
            "IRSA_PRIVILEGE_ESCALATION app-policy",
            "IRSA_RISK_UNJUSTIFIED app-policy",
            "IRSA_RISK_UNJUSTIFIED app-policy",
        ],
    ),
    "AttachRolePolicy by NotResource": (
        [
            _role(),
            _role_policy(
                {"Effect": "Allow", "Action": "iam:AttachRolePolicy", "NotResource": f"arn:aws:iam::{ACCOUNT}:role/x"}
            ),
        ],
        None,
        [
            "IRSA_PRIVILEGE_ESCALATION app-policy",
            "IRSA_RISK_UNJUSTIFIED app-policy",
            "IRSA_RISK_UNJUSTIFIED app-policy",
        ],
    ),
    "PassRole and RunInstances split over an inline policy and a customer managed policy": (
        [
            _role(
                inlinePolicies=[
                    {
                        "name": "pass",
                        "policy": _policy(
                            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": f"arn:aws:iam::{ACCOUNT}:role/*"}
                        ),
                    }
                ]
            ),
            (
                "aws:iam/policy:Policy",
                "run",
                {
                    "arn": f"arn:aws:iam::{ACCOUNT}:policy/run",
                    "policy": _policy({"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}),
                },
                (),
            ),
            (
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                "run-attachment",
                {"role": "app", "policyArn": f"arn:aws:iam::{ACCOUNT}:policy/run"},
                (),
            ),
        ],
        None,
        [
            "IRSA_PRIVILEGE_ESCALATION app.inlinePolicies[0]",
            "IRSA_PRIVILEGE_ESCALATION run-attachment",
            "IRSA_RISK_UNJUSTIFIED app.inlinePolicies[0]",
            "IRSA_RISK_UNJUSTIFIED run-attachment",
        ],
    ),
    "every secret of the account": (
        [
            _role(),
            _role_policy(
                {
                    "Effect": "Allow",
                    "Action": "secretsmanager:GetSecretValue",
                    "Resource": f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:*",
                }
            ),
        ],
        None,
        ["IRSA_RISK_UNJUSTIFIED app-policy"],
    ),
    "every secret of the account, justified": (
        [
            _role(),
            _role_policy(
                {
                    "Effect": "Allow",
                    "Action": "secretsmanager:GetSecretValue",
                    "Resource": f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:*",
                }
            ),
        ],
        {"justifications": {"app-policy": "Data exfiltration: the sync job copies every secret to the vault."}},
        [],
    ),
    # One RolePolicy, two statements reaching the same category, only the first justified (eks-irsa plan keys
    # each statement): the second stays unjustified, as in the components.
    "two reads, one justified": (
        [_role(), _role_policy(_READ_SECRETS, _READ_OBJECTS)],
        {"justifications": {"app-policy.Statement[0]": _EXFILTRATION}},
        ["IRSA_RISK_UNJUSTIFIED app-policy.Statement[1]"],
    ),
    "two reads, each justified": (
        [_role(), _role_policy(_READ_SECRETS, _READ_OBJECTS)],
        {"justifications": {"app-policy.Statement[0]": _EXFILTRATION, "app-policy.Statement[1]": _EXFILTRATION}},
        [],
    ),
    # The one reason keyed by the resource covers every statement of it: the loosening keying by statement avoids.
    "two reads, one reason for the resource": (
        [_role(), _role_policy(_READ_SECRETS, _READ_OBJECTS)],
        {"justifications": {"app-policy": _EXFILTRATION}},
        [],
    ),
    "one queue": (
        [
            _role(),
            _role_policy(
                {
                    "Effect": "Allow",
                    "Action": "sqs:ReceiveMessage",
                    "Resource": f"arn:aws:sqs:eu-west-1:{ACCOUNT}:orders",
                }
            ),
        ],
        None,
        [],
    ),
    "a role that is no workload's": (
        [
            (
                "aws:iam/role:Role",
                "nodes",
                {"name": "nodes", "assumeRolePolicy": _NODE_TRUST, "managedPolicyArns": [ADMIN]},
                (),
            )
        ],
        None,
        [],
    ),
}


@pytest.mark.parametrize("name", WORKLOAD_PERMISSIONS)
def test_workload_permissions_judges_the_role_as_the_components_do(name):
    """The attacker review's inputs (after issue 16): each passed the pack, which only linted documents one by one."""
    resources, config, expected = WORKLOAD_PERMISSIONS[name]
    outcome = run_policy(POLICY["workload-permissions"], stack_args(resources, config))
    assert outcome.unknown is None
    heads = sorted(re.match(r"\w+: \w+ (\w+ \S+?):? ", m).group(1) for m, _ in outcome.violations)
    assert heads == sorted(expected)
    assert all(m.startswith("app: ") and "Fix: " in m for m, _ in outcome.violations)


@pytest.mark.parametrize("stack", STACKS)
def test_a_stack_whose_justifications_are_not_configured_fails_workload_permissions(stack_plans, stack):
    """The components read justifications; a raw document has none, so the pack's config carries them: without
    the file eks-irsa plan wrote, every role holding a justified grant fails (with it, every policy passes:
    test_our_stacks_pass_every_policy)."""
    outcomes = judge_stack(stack_plans, stack, preview=False, justified=False)
    failed = {m.split(":")[0] for o in outcomes["workload-permissions"] for m, _ in o.violations}
    _, files, _ = stack_plans.plan(stack)
    justified = {
        f"{name}-role"
        for name, texts in files.items()
        if any(risk["justifications"] for risk in json.loads(texts["service.json"])["riskCategories"].values())
    }
    assert justified and failed == justified


def test_the_written_config_keys_each_justified_statement_by_its_resource(stack_plans):
    """Every key names a permissions resource the program registers and a statement of its document; the file is
    byte-identical when planned again."""
    config = written_config(stack_plans, "dev")
    run, _, _ = stack_plans.plan("dev")
    documents = {r.name: json.loads(r.inputs["policy"]) for r in run.registrations if "policy" in r.inputs}
    attachments = {r.name for r in run.registrations if r.type.endswith("RolePolicyAttachment")}
    keys = config["workload-permissions"]["justifications"]
    assert set(config["iam-permissions-lint"]["resourceStarJustified"]) <= set(keys)
    for key in keys:
        resource, _, statement = key.partition(".Statement[")
        if statement:
            assert int(statement.rstrip("]")) < len(documents[resource]["Statement"])
        else:
            assert key in attachments
    assert "aws-load-balancer-controller-permissions.Statement[0]" in keys
    first = (stack_plans.build / "dev" / "policy-pack-config.json").read_bytes()
    audit = (stack_plans.build / "dev" / "audit-justifications.json").read_bytes()
    again = stack_plans.build / "again"
    plan_cli.write_plan("dev", again, PROJECT)
    assert (again / "dev" / "policy-pack-config.json").read_bytes() == first
    assert (again / "dev" / "audit-justifications.json").read_bytes() == audit
