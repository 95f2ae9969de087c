"""IrsaRole under the mock monitor: exact children, wiring, and the classic IRSA faults.

What mocks cannot prove: that IAM accepts the documents, that the webhook mutates pods, that the
ServiceAccount reaches a real cluster. ``tests/test_verify.py`` exercises the trust and permissions
against an emulator; nothing here talks to AWS.
"""

from __future__ import annotations

import hashlib
import json

import pulumi
import pytest

from eks_irsa.errors import IrsaConfigError
from eks_irsa.irsa import IrsaRole, IrsaRoleArgs
from eks_irsa.testing import EksIrsaMocks, run_program

ACCOUNT = "111122223333"
ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"
READ_TABLE = {"actions": ["dynamodb:GetItem"], "resources": [f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/orders"]}


def _run(build, region: str = "us-west-2"):
    return run_program(build, {}, "test", mocks=EksIrsaMocks(account_id=ACCOUNT, region=region))


def _provider() -> pulumi.ProviderResource:
    import pulumi_kubernetes as k8s

    return k8s.Provider("cluster-k8s", kubeconfig="{}")


def _k8s() -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(providers={"kubernetes": _provider()})


def _args(**overrides) -> IrsaRoleArgs:
    base = dict(
        oidc_provider_arn=pulumi.Output.from_input(PROVIDER_ARN),
        oidc_issuer=pulumi.Output.from_input(f"https://{ISSUER}/"),
        cluster_name="acme-dev",
        namespace="orders",
        statements=[READ_TABLE],
    )
    base.update(overrides)
    return IrsaRoleArgs(**base)  # a TypedDict: a plain dict at run time


def _by_type(run) -> dict[str, list]:
    out: dict[str, list] = {}
    for r in run.registrations:
        out.setdefault(r.type, []).append(r)
    return out


def test_children_are_exactly_role_inline_policy_and_service_account():
    run = _run(lambda: IrsaRole("orders-api", _args(), opts=_k8s()))
    children = sorted((r.type, r.name) for r in run.registrations if r.parent == "orders-api")
    assert children == [
        ("aws:iam/role:Role", "orders-api-role"),
        ("aws:iam/rolePolicy:RolePolicy", "orders-api-permissions"),
        ("kubernetes:core/v1:ServiceAccount", "orders-api-sa-orders-api"),
    ]
    assert run.invokes == ()


def test_trust_policy_is_resolved_json_from_outputs_never_output_text():
    """Faults: an Output formatted into the policy text; json.dumps on an Output."""
    run = _run(lambda: IrsaRole("orders-api", _args(), opts=_k8s()))
    role = _by_type(run)["aws:iam/role:Role"][0]
    text = role.inputs["assumeRolePolicy"]
    assert "Output" not in text and "<pulumi" not in text
    statement = json.loads(text)["Statement"]
    assert len(statement) == 1
    assert statement[0]["Principal"] == {"Federated": PROVIDER_ARN}
    assert statement[0]["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement[0]["Condition"] == {
        "StringEquals": {
            f"{ISSUER}:sub": "system:serviceaccount:orders:orders-api",
            f"{ISSUER}:aud": "sts.amazonaws.com",
        }
    }


def test_service_account_has_exact_name_annotation_and_explicit_provider():
    """Faults: auto-name suffix; misspelled annotation key; ServiceAccount without the cluster's provider."""
    run = _run(lambda: IrsaRole("orders-api", _args(), opts=_k8s()))
    sa = _by_type(run)["kubernetes:core/v1:ServiceAccount"][0]
    role = _by_type(run)["aws:iam/role:Role"][0]
    assert sa.inputs["metadata"]["name"] == "orders-api"
    assert sa.inputs["metadata"]["namespace"] == "orders"
    assert sa.inputs["metadata"]["annotations"] == {"eks.amazonaws.com/role-arn": role.outputs["arn"]}
    assert role.outputs["arn"] == f"arn:aws:iam::{ACCOUNT}:role/acme-dev-orders-orders-api"
    assert sa.provider == "cluster-k8s"
    assert sa.inputs["automountServiceAccountToken"] is False


def test_service_account_without_the_cluster_provider_is_refused_before_registering():
    calls = []

    def build():
        with pytest.raises(IrsaConfigError, match="has no Kubernetes provider"):
            IrsaRole("orders-api", _args())
        calls.append(True)

    run = _run(build)
    assert calls == [True]
    assert run.registrations == ()


def test_role_only_mode_registers_no_service_account():
    run = _run(lambda: IrsaRole("ebs", _args(namespace="kube-system", create_service_account=False)))
    assert "kubernetes:core/v1:ServiceAccount" not in _by_type(run)


def test_managed_arns_are_attachments_keyed_by_hash_not_index():
    arns = ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess", "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"]
    # Judged by their documents: reads of every queue (data exfiltration), X-Ray writes.
    why = {arn: "Data exfiltration and infrastructure modification: a test of attachment keys." for arn in arns}
    managed = {"managed_policy_arns": arns, "managed_policy_justifications": why}
    run = _run(lambda: IrsaRole("x", _args(statements=[], create_service_account=False, **managed)))
    attachments = _by_type(run)["aws:iam/rolePolicyAttachment:RolePolicyAttachment"]
    assert sorted(a.inputs["policyArn"] for a in attachments) == sorted(arns)
    assert {a.name for a in attachments} == {f"x-attach-{hashlib.sha256(arn.encode()).hexdigest()[:8]}" for arn in arns}
    again = _run(
        lambda: IrsaRole(
            "x",
            _args(
                statements=[],
                managed_policy_arns=arns[::-1],
                managed_policy_justifications=why,
                create_service_account=False,
            ),
        )
    )
    assert sorted(a.name for a in attachments) == sorted(
        a.name for a in _by_type(again)["aws:iam/rolePolicyAttachment:RolePolicyAttachment"]
    )


def test_tags_say_who_the_role_belongs_to():
    run = _run(lambda: IrsaRole("orders-api", _args(tags={"team": "orders"}), opts=_k8s()))
    assert _by_type(run)["aws:iam/role:Role"][0].inputs["tags"] == {
        "team": "orders",
        "eks-irsa/cluster": "acme-dev",
        "eks-irsa/namespace": "orders",
        "eks-irsa/service-account": "orders-api",
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"namespace": "Orders"}, "IrsaRole orders-api: namespace"),
        ({"service_account": "a*"}, "IrsaRole orders-api: service_account"),
        ({"audience": ""}, "IrsaRole orders-api: audience"),
        ({"role_name": "x" * 65}, "IrsaRole orders-api: role_name"),
        ({"max_session_duration": 60}, "IrsaRole orders-api: max_session_duration"),
        ({"oidc_issuer": "http://issuer/"}, "IrsaRole orders-api: oidc_issuer"),
        ({"oidc_provider_arn": "arn:aws:iam::1:role/x"}, "IrsaRole orders-api: oidc_provider_arn"),
        ({"statements": [{"actions": [], "resources": ["*"]}]}, "IrsaRole orders-api: statements[0].actions"),
        ({"tags": {"eks-irsa/cluster": "spoof"}}, "IrsaRole orders-api: tags"),
    ],
)
def test_bad_component_input_registers_nothing(overrides, field):
    raised = []

    def build():
        with pytest.raises(IrsaConfigError) as caught:
            IrsaRole("orders-api", _args(create_service_account=False, **overrides))
        raised.extend(p.field for p in caught.value.problems)

    run = _run(build)
    assert field in raised
    assert run.registrations == ()


def test_partition_comes_from_the_provider_arn_not_a_hard_coded_aws():
    cn_issuer = "oidc.eks.cn-north-1.amazonaws.com.cn/id/EXAMPLE"
    cn_provider = f"arn:aws-cn:iam::{ACCOUNT}:oidc-provider/{cn_issuer}"

    def build():
        with pytest.raises(IrsaConfigError, match="but the role's is 'aws-cn'"):
            IrsaRole(
                "x",
                _args(
                    oidc_provider_arn=cn_provider,
                    oidc_issuer=cn_issuer,
                    create_service_account=False,
                    managed_policy_arns=["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                ),
            )
        cn_table = {"actions": ["dynamodb:GetItem"], "resources": [f"arn:aws-cn:dynamodb:cn-north-1:{ACCOUNT}:table/t"]}
        IrsaRole(
            "y",
            _args(
                oidc_provider_arn=cn_provider,
                oidc_issuer=cn_issuer,
                create_service_account=False,
                statements=[cn_table],
            ),
        )

    run = _run(build, region="cn-north-1")
    role = _by_type(run)["aws:iam/role:Role"][0]
    assert role.outputs["arn"].startswith("arn:aws-cn:iam::")
    assert json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"]["Federated"] == cn_provider


def test_role_arn_output_waits_for_the_permissions():
    seen = {}

    def build():
        role = IrsaRole("orders-api", _args(create_service_account=False))
        role.role_arn.apply(lambda arn: seen.setdefault("arn", arn))
        pulumi.Output.all(role.role_arn_hash, role.service_account_name).apply(lambda v: seen.setdefault("v", v))

    _run(build)
    assert seen["arn"] == f"arn:aws:iam::{ACCOUNT}:role/acme-dev-orders-orders-api"
    assert len(seen["v"][0]) == 8 and seen["v"][1] == "orders-api"


def test_more_managed_arns_than_the_quota_register_nothing():
    arns = [f"arn:aws:iam::{ACCOUNT}:policy/p{i}" for i in range(11)]

    def build():
        with pytest.raises(IrsaConfigError, match="a role takes at most 10") as caught:
            IrsaRole("x", _args(managed_policy_arns=arns, create_service_account=False))
        assert [p.field for p in caught.value.problems] == ["IrsaRole x: managed_policy_arns"]

    assert _run(build).registrations == ()


def test_children_with_a_fixed_iam_name_are_deleted_before_they_are_replaced():
    # IAM role and policy names are unique per account whatever the path (IAM CreateRole/CreatePolicy:
    # EntityAlreadyExists) and a path change forces a replacement, so create-before-delete would fail.
    wide = [
        {
            "actions": ["dynamodb:GetItem"],
            "resources": [f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/orders-{index:03d}-{'x' * 150}"],
        }
        for index in range(60)
    ]
    run = _run(lambda: IrsaRole("orders-api", _args(statements=wide), opts=_k8s()))
    by_type = _by_type(run)
    [role] = by_type["aws:iam/role:Role"]
    policies = by_type["aws:iam/policy:Policy"]
    assert role.delete_before_replace is True
    assert len(policies) >= 2 and all(p.delete_before_replace for p in policies)
    others = [r for r in run.registrations if r.type not in {"aws:iam/role:Role", "aws:iam/policy:Policy"}]
    assert others and not any(r.delete_before_replace for r in others)


@pytest.mark.parametrize("identity", ["irsa", "both"])
def test_adding_a_second_service_account_never_renames_the_first(identity):
    """A rename is a create before the delete: Kubernetes answers AlreadyExists for the second ServiceAccount of one
    name and EKS 409 for the second association of one service account, so the first keeps its logical name."""
    pod = {"cluster_arn": f"arn:aws:eks:us-west-2:{ACCOUNT}:cluster/acme-dev"} if identity == "both" else {}

    def children(accounts: list[str]) -> dict[str, tuple[str, ...]]:
        run = _run(
            lambda: IrsaRole("orders-api", _args(service_accounts=accounts, identity=identity, **pod), opts=_k8s())
        )
        kinds = ("kubernetes:core/v1:ServiceAccount", "aws:eks/podIdentityAssociation:PodIdentityAssociation")
        return {r.name: r.aliases for r in run.registrations if r.type in kinds}

    one, two = children(["orders-api"]), children(["orders-api", "orders-worker"])
    assert set(one) <= set(two)
    assert len(two) == 2 * len(one)
    # the only one also answers to its name of eks-irsa 0.4, so a stack made then moves without a replacement
    assert all(len(aliases) == 1 for aliases in one.values())
    old_names = sorted(json.loads(alias)["name"] for aliases in one.values() for alias in aliases)
    assert old_names == (["orders-api-sa"] if identity == "irsa" else ["orders-api-pod-identity", "orders-api-sa"])
    assert all(aliases == () for aliases in two.values())
