"""The real program, ``__main__.py``, for every stack file, as a first ``pulumi preview`` under the mocks.

Asserted: preview registers exactly what a deploy registers, every value only AWS or pulumi-eks computes
(role ARNs, the OIDC issuer and provider ARN, kubeconfig) is unknown, and what is known was rendered
from the program's own inputs, equal to the deploy's. What mocks cannot prove: that the real
providers leave exactly these values unknown (a provider may know a name it derives from inputs
earlier), that a preview of a stack already deployed (an update) behaves so, or that AWS would accept
the documents once the unknowns resolve.
"""

from __future__ import annotations

import json

import pytest

from eks_irsa.access import caller_principal_arn, creator_tag_value
from eks_irsa.testing import PLACEHOLDER, UNKNOWN
from eks_irsa.versions import ADDON_VERSIONS, VersionRule
from tests.conftest import FIRST_RUN_LOOKUPS, STACK_FILES, identity_invokes


def _stack(path) -> str:
    return path.name.split(".")[1]


@pytest.fixture(scope="module", params=STACK_FILES, ids=_stack)
def runs(request, stack_plans):
    """``(config, deploy run, preview run)`` of one stack file."""
    stack = _stack(request.param)
    return stack_plans.config(stack), stack_plans.plan(stack)[0], stack_plans.preview(stack)


def _of(run, type_):
    return [r for r in run.registrations if r.type == type_]


def test_preview_registers_what_a_deploy_registers(runs):
    _, deploy, preview = runs
    assert preview.mocks.preview and not deploy.mocks.preview
    assert sorted((r.type, r.name, r.parent) for r in preview.registrations) == sorted(
        (r.type, r.name, r.parent) for r in deploy.registrations
    )
    assert preview.invokes == deploy.invokes
    assert identity_invokes(preview) == FIRST_RUN_LOOKUPS


def test_every_role_arn_is_unknown_but_an_existing_one(runs):
    config, _, preview = runs
    services = config["eks-irsa:services"]
    exported = preview.exports["services"]
    assert sorted(exported) == sorted(services)
    for name, entry in services.items():
        if "existingRoleArn" in entry:  # given by the catalog, ${variables} substituted: known
            assert exported[name]["roleArn"].endswith(entry["existingRoleArn"].rsplit(":", 1)[1]), name
        else:
            assert exported[name]["roleArn"] == UNKNOWN, name
    for role in _of(preview, "aws:iam/role:Role"):
        assert "arn" not in role.outputs, role.name
    checked = 0
    for sa in _of(preview, "kubernetes:core/v1:ServiceAccount"):
        entry = services[sa.parent]
        annotation = (sa.inputs["metadata"].get("annotations") or {}).get("eks.amazonaws.com/role-arn")
        if entry.get("identity") == "pod-identity":
            assert annotation is None, sa.name
        elif "existingRoleArn" in entry:
            assert annotation.endswith(entry["existingRoleArn"].rsplit(":", 1)[1]), sa.name
        else:
            assert annotation == UNKNOWN, sa.name
            checked += 1
    assert checked >= 1


def test_cluster_exports_are_unknown(runs):
    _, deploy, preview = runs
    for name in ("oidcIssuer", "oidcProviderArn", "kubeconfig"):
        assert preview.exports[name] == UNKNOWN, name
        assert deploy.exports[name] != UNKNOWN, name
    assert "oidcIssuer" not in _of(preview, "eks:index:Cluster")[0].outputs


def test_trust_policies_are_unknown_or_rendered_from_known_inputs_only(runs):
    _, deploy, preview = runs
    deployed = {r.name: r.inputs["assumeRolePolicy"] for r in _of(deploy, "aws:iam/role:Role")}
    unknown = 0
    for role in _of(preview, "aws:iam/role:Role"):
        trust = role.inputs["assumeRolePolicy"]
        if trust == UNKNOWN:
            unknown += 1
            continue
        assert trust == deployed[role.name], role.name
        principals = [s["Principal"] for s in json.loads(trust)["Statement"]]
        assert not [p for p in principals if "Federated" in p], role.name
    # IRSA trusts wait for the OIDC provider; a target role's trust waits for the association's external id.
    waiting = [
        r
        for r in _of(deploy, "aws:iam/role:Role")
        if "Federated" in r.inputs["assumeRolePolicy"] or "sts:ExternalId" in r.inputs["assumeRolePolicy"]
    ]
    assert unknown == len(waiting) >= 1


def test_no_placeholder_for_a_computed_value_reaches_a_preview(runs):
    _, _, preview = runs
    text = json.dumps([[r.inputs, r.outputs] for r in preview.registrations], default=str)
    # A provider function answers in a preview too: the deployer (the creator tag) and EKS's default add-on versions.
    known = [creator_tag_value(caller_principal_arn(preview.mocks.caller_arn))] + [
        a.inputs["addonVersion"]
        for a in _of(preview, "aws:eks/addon:Addon")
        if ADDON_VERSIONS[a.inputs["addonName"]].rule is VersionRule.EKS_DEFAULT
    ]
    for value in known:
        text = text.replace(value, "<answered by an invoke>")
    assert PLACEHOLDER not in text
    assert PLACEHOLDER.lower() not in text
