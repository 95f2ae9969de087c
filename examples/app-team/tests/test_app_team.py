"""The app-team example's real ``__main__.py`` under the mock monitor: its own roles and ServiceAccounts only.

The mocks answer the ``StackReference`` with placeholder exports whose ``clusterName`` is the
referenced stack's last path segment, so everything that depends on the platform stack is checked
against values this test can predict.

What mocks cannot prove: that the referenced stack exists or that this stack may read it (Pulumi
Cloud access), that its real exports have these names (``examples/platform-cluster``'s own test
pins the four names it exports), that the namespace exists, that IAM accepts the roles, or that the
pod identity webhook in the cluster injects credentials. A ``StackReference`` is read, not
registered, so its inputs are taken from what the mocks were asked.
"""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pytest
import yaml

from eks_irsa.testing import OfflineRun, config_from_stack_file, run_program

EXAMPLE = Path(__file__).resolve().parents[1]
PROJECT = yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())["name"]
SERVICES = ("invoices-api", "invoices-worker")


def _run(config: dict) -> OfflineRun:
    """Run the example's program (stack ``prod``) as the CLI would."""
    return run_program(EXAMPLE / "__main__.py", config, "prod")


def _config(**overrides: str) -> dict:
    config = config_from_stack_file(EXAMPLE / "Pulumi.prod.yaml")
    config.update({f"{PROJECT}:{key}": value for key, value in overrides.items()})
    return config


def _of(run: OfflineRun, type_: str) -> list:
    return [r for r in run.registrations if r.type == type_]


@pytest.mark.parametrize("platform_stack", ["acme/eks-platform/prod", "acme/eks-irsa/staging-blue"])
def test_role_names_and_tags_follow_the_referenced_cluster(platform_stack):
    run = _run(_config(platformStack=platform_stack))
    assert run.mocks.inputs[("pulumi:pulumi:StackReference", "platform")]["name"] == platform_stack
    cluster = platform_stack.rsplit("/", 1)[-1]  # what the mocks resolve clusterName to
    roles = {r.parent: r for r in _of(run, "aws:iam/role:Role")}
    assert set(roles) == set(SERVICES)
    for service, role in roles.items():
        assert role.inputs["name"] == f"{cluster}-payments-{service}"
        assert role.inputs["tags"]["eks-irsa/cluster"] == cluster
        assert role.inputs["tags"]["team"] == "payments"


def test_each_trust_policy_pins_sub_and_aud_on_the_referenced_provider():
    run = _run(_config())
    issuer = run.mocks.issuer("prod")
    provider_arn = run.mocks.arn("iam", f"oidc-provider/{issuer}")
    for role in _of(run, "aws:iam/role:Role"):
        [statement] = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        assert statement["Principal"] == {"Federated": provider_arn}
        assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
        assert statement["Condition"] == {
            "StringEquals": {
                f"{issuer}:sub": f"system:serviceaccount:payments:{role.parent}",
                f"{issuer}:aud": "sts.amazonaws.com",
            }
        }


def test_service_accounts_use_this_stacks_provider_built_from_the_referenced_kubeconfig():
    run = _run(_config())
    [provider] = _of(run, "pulumi:providers:kubernetes")
    kubeconfig = provider.inputs["kubeconfig"]
    assert isinstance(kubeconfig, dict), "the kubeconfig should reach the provider as a secret"
    platform = run.mocks.inputs[("pulumi:pulumi:StackReference", "platform")]["name"]
    assert kubeconfig["value"] == run.mocks.stack_reference_outputs(platform)["kubeconfig"]
    roles = {r.parent: r for r in _of(run, "aws:iam/role:Role")}
    accounts = _of(run, "kubernetes:core/v1:ServiceAccount")
    assert sorted(sa.inputs["metadata"]["name"] for sa in accounts) == list(SERVICES)
    for sa in accounts:
        assert sa.provider == provider.name
        assert sa.inputs["metadata"]["namespace"] == "payments"
        assert sa.inputs["metadata"]["annotations"] == {"eks.amazonaws.com/role-arn": roles[sa.parent].outputs["arn"]}


def test_creates_only_its_own_roles_and_service_accounts_and_calls_no_function():
    run = _run(_config())
    counts: dict[str, int] = {}
    for r in run.registrations:
        counts[r.type] = counts.get(r.type, 0) + 1
    assert counts == {
        "pulumi:providers:kubernetes": 1,
        "eks-irsa:index:IrsaRole": 2,
        "aws:iam/role:Role": 2,
        "aws:iam/rolePolicy:RolePolicy": 2,
        "kubernetes:core/v1:ServiceAccount": 2,
    }
    assert run.invokes == ()
    roles = {r.parent: r for r in _of(run, "aws:iam/role:Role")}
    assert {name: entry["roleArn"] for name, entry in run.exports["services"].items()} == {
        name: role.outputs["arn"] for name, role in roles.items()
    }


def test_permissions_are_the_configured_bucket_and_queue_only():
    run = _run(_config(invoicesBucketArn="arn:aws:s3:::acme-test-invoices"))
    policies = {r.parent: json.loads(r.inputs["policy"]) for r in _of(run, "aws:iam/rolePolicy:RolePolicy")}
    resources = {
        name: sorted({res for s in doc["Statement"] for res in _as_list(s["Resource"])})
        for name, doc in policies.items()
    }
    queue = _config()[f"{PROJECT}:invoicesQueueArn"]
    assert resources == {
        "invoices-api": ["arn:aws:s3:::acme-test-invoices/*"],
        "invoices-worker": sorted(["arn:aws:s3:::acme-test-invoices/*", queue]),
    }


def test_without_platform_stack_the_program_stops_and_names_the_key():
    config = _config()
    del config[f"{PROJECT}:platformStack"]
    with pytest.raises(pulumi.ConfigMissingError, match="platformStack"):
        _run(config)


def _as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]
