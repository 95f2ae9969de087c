"""The mock monitor as a product: stack references a test steers, the project name from Pulumi.yaml,
preview mode, and runs that leave no asyncio debris behind.

What mocks cannot prove: that a real referenced stack exports these names (the Pulumi service answers
a real ``StackReference``), that a real provider leaves exactly these values unknown in a preview,
or that the Pulumi CLI finds the same Pulumi.yaml when run from another working directory.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import textwrap
import warnings

import pulumi
import pulumi_aws as aws
import pytest
from pulumi.runtime import rpc

from eks_irsa.errors import IrsaConfigError
from eks_irsa.testing import DEFAULT_PROJECT, UNKNOWN, EksIrsaMocks, config_from_stack_file, run_program
from tests.conftest import PROGRAM, PROJECT

REFERENCE = "acme/platform/prod"
GIVEN_ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/GIVEN0123456789ABCDEF0123456789AB"
GIVEN = {
    "clusterName": "shared",
    "oidcProviderArn": f"arn:aws:iam::111122223333:oidc-provider/{GIVEN_ISSUER}",
    "oidcIssuer": f"https://{GIVEN_ISSUER}",
    "kubeconfig": json.dumps({"apiVersion": "v1", "kind": "Config", "given": True}),
}


def _tenant_config(reference: str) -> dict:
    config = config_from_stack_file(PROJECT / "stacks" / "Pulumi.dev.yaml")
    del config["eks-irsa:cluster"]
    config["eks-irsa:existingCluster"] = {"name": "acme-dev", "stackReference": reference}
    return config


def _irsa_trusts(run) -> list[dict]:
    """The IRSA statement of every role that trusts a federated (OIDC) principal."""
    statements = [
        json.loads(r.inputs["assumeRolePolicy"])["Statement"][0]
        for r in run.registrations
        if r.type == "aws:iam/role:Role"
    ]
    return [s for s in statements if "Federated" in s["Principal"]]


def test_stack_reference_answers_the_outputs_the_test_gave():
    run = run_program(
        PROGRAM, _tenant_config(REFERENCE), "tenant", mocks=EksIrsaMocks(stack_references={REFERENCE: GIVEN})
    )
    trusts = _irsa_trusts(run)
    assert trusts
    for statement in trusts:
        assert statement["Principal"]["Federated"] == GIVEN["oidcProviderArn"]
        assert set(statement["Condition"]["StringEquals"]) == {f"{GIVEN_ISSUER}:sub", f"{GIVEN_ISSUER}:aud"}
    provider = next(r for r in run.registrations if r.type == "pulumi:providers:kubernetes")
    assert rpc.unwrap_rpc_secret(provider.inputs["kubeconfig"]) == GIVEN["kubeconfig"]
    assert run.invokes == ()


def test_default_stack_reference_matches_what_the_platform_stack_exports():
    platform = run_program(PROGRAM, config_from_stack_file(PROJECT / "stacks" / "Pulumi.dev.yaml"), "dev")
    reference = "acme/eks-irsa/acme-dev"
    by_default = run_program(PROGRAM, _tenant_config(reference), "tenant")
    given = {name: platform.exports[name] for name in ("clusterName", "oidcProviderArn", "oidcIssuer", "kubeconfig")}
    mocks = EksIrsaMocks(account_id=by_default.mocks.account_id, stack_references={reference: given})
    from_platform = run_program(PROGRAM, _tenant_config(reference), "tenant", mocks=mocks)
    assert platform.exports["clusterName"] == "acme-dev"
    assert platform.exports["oidcIssuer"] == by_default.mocks.issuer("acme-dev")
    for statement in _irsa_trusts(by_default):
        assert statement["Principal"]["Federated"] == platform.exports["oidcProviderArn"]
    assert [(r.type, r.name, r.inputs) for r in by_default.registrations] == [
        (r.type, r.name, r.inputs) for r in from_platform.registrations
    ]


def test_a_name_the_referenced_stack_does_not_export_fails_require_output():
    with pytest.raises(KeyError, match=r"clusterName|oidcProviderArn|oidcIssuer|kubeconfig"):
        run_program(PROGRAM, _tenant_config(REFERENCE), "tenant", mocks=EksIrsaMocks(stack_references={REFERENCE: {}}))

    seen = []

    def build():
        ref = pulumi.StackReference("ref", stack_name="acme/platform/dev")
        ref.get_output("nodeRoleArn").apply(seen.append)
        pulumi.export("missing", ref.require_output("nodeRoleArn"))

    with pytest.raises(KeyError, match="nodeRoleArn"):
        run_program(build, {}, "t")
    assert seen == [None]


def _write_project(folder, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")


def _write_program(folder):
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / "__main__.py"
    program.write_text(
        textwrap.dedent(
            """
            import pulumi
            import pulumi_aws as aws

            aws.iam.Role(pulumi.Config().require("team"), assume_role_policy="{}")
            pulumi.export("project", pulumi.get_project())
            """
        )
    )
    return program


def test_the_project_name_comes_from_the_pulumi_yaml_of_the_program(tmp_path):
    _write_project(tmp_path, "team-app")
    program = _write_program(tmp_path)
    run = run_program(program, {"team-app:team": "payments"}, "dev")
    assert [r.name for r in run.registrations] == ["payments"]
    assert run.exports == {"project": "team-app"}
    with pytest.raises(pulumi.ConfigMissingError, match="team-app:team"):
        run_program(program, {f"{DEFAULT_PROJECT}:team": "payments"}, "dev")


def test_the_nearest_pulumi_yaml_above_the_program_names_the_project(tmp_path):
    _write_project(tmp_path, "outer")
    _write_project(tmp_path / "app", "inner")
    program = _write_program(tmp_path / "app" / "src")
    assert run_program(program, {"inner:team": "t"}, "dev").exports == {"project": "inner"}
    assert run_program(program, {"given:team": "t"}, "dev", project="given").exports == {"project": "given"}


def test_a_program_file_without_a_project_file_warns_and_runs_in_the_default_project(tmp_path):
    program = _write_program(tmp_path)
    if any((folder / "Pulumi.yaml").exists() for folder in tmp_path.parents):
        pytest.skip("a Pulumi.yaml above the temporary folder")
    with pytest.warns(UserWarning, match=r"has no Pulumi\.yaml in its folder or any folder above"):
        run = run_program(program, {f"{DEFAULT_PROJECT}:team": "t"}, "dev")
    assert run.exports == {"project": DEFAULT_PROJECT}


def test_a_project_file_without_a_name_is_refused(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("runtime: python\n")
    with pytest.raises(IrsaConfigError, match="is not a project name"):
        run_program(_write_program(tmp_path), {}, "dev")


def test_a_function_runs_in_the_default_project():
    def build():
        pulumi.export("project", pulumi.get_project())

    assert run_program(build, {}, "t").exports == {"project": DEFAULT_PROJECT}


def test_the_programs_log_is_recorded_and_never_reaches_the_root_logger(capfd):
    """Under the SDK's mock engine, ``pulumi.log.warn`` went to the root logger: once a library had called
    ``logging.basicConfig`` (parliament does, lazily), every lint warning showed on stderr as
    ``WARNING:root:...``, before ``make plan`` printed it again in its own summary."""
    root = logging.getLogger()
    handler = logging.StreamHandler()
    root.addHandler(handler)
    try:

        def build():
            pulumi.log.warn("plain warning")
            role = aws.iam.Role("r", assume_role_policy="{}")
            pulumi.log.info("about a resource", resource=role)

        run = run_program(build, {}, "t")
    finally:
        root.removeHandler(handler)
    assert run.logs == (("warning", "plain warning"), ("info", "about a resource"))
    assert "plain warning" not in capfd.readouterr().err


def _roles(applied: list) -> None:
    named = aws.iam.Role("named", name="fixed-name", assume_role_policy="{}")
    generated = aws.iam.Role("generated", assume_role_policy="{}")
    aws.iam.RolePolicy("named-policy", role=named.name, policy="{}")
    aws.iam.RolePolicy("generated-policy", role=generated.name, policy=generated.arn.apply(lambda a: a))
    generated.arn.apply(applied.append)
    pulumi.export("arn", generated.arn)
    pulumi.export("both", {"name": named.name, "arn": named.arn})


def test_preview_leaves_what_aws_computes_unknown_and_keeps_inputs():
    applied: list = []
    run = run_program(lambda: _roles(applied), {}, "t", preview=True)
    by_name = {r.name: r for r in run.registrations}
    assert applied == []
    assert by_name["named"].outputs == {"name": "fixed-name", "assumeRolePolicy": "{}"}
    assert "name" not in by_name["generated"].outputs and "arn" not in by_name["generated"].outputs
    assert by_name["named-policy"].inputs["role"] == "fixed-name"
    assert by_name["generated-policy"].inputs["role"] == UNKNOWN
    assert by_name["generated-policy"].inputs["policy"] == UNKNOWN
    assert run.exports == {"arn": UNKNOWN, "both": {"name": "fixed-name", "arn": UNKNOWN}}


def test_the_same_program_outside_preview_gets_placeholders():
    applied: list = []
    run = run_program(lambda: _roles(applied), {}, "t", mocks=EksIrsaMocks())
    assert applied == [run.exports["arn"]]
    assert run.exports["arn"].startswith("arn:aws:iam::123456789012:role/generated-")
    assert UNKNOWN not in json.dumps([r.inputs for r in run.registrations])


def test_preview_is_taken_from_the_mocks_and_a_contradiction_is_refused():
    run = run_program(lambda: _roles([]), {}, "t", mocks=EksIrsaMocks(preview=True))
    assert run.exports["arn"] == UNKNOWN
    with pytest.raises(IrsaConfigError, match="differs from the given mocks' preview=True"):
        run_program(lambda: _roles([]), {}, "t", mocks=EksIrsaMocks(preview=True), preview=False)


def test_a_failed_run_leaves_no_pending_task_loop_or_unawaited_coroutine(caplog):
    def failing():
        role = aws.iam.Role("r", assume_role_policy="{}")
        role.arn.apply(lambda arn: arn)
        asyncio.get_event_loop().create_task(asyncio.sleep(3600))
        raise IrsaConfigError.one("field", "value", "is refused", "this test", "none")

    def good():
        aws.iam.Role("g", assume_role_policy="{}")

    caplog.set_level(logging.WARNING, logger="asyncio")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(IrsaConfigError, match="is refused"):
            run_program(failing, {}, "t")
        gc.collect()
        run = run_program(good, {}, "t")
        gc.collect()
    assert [r.name for r in run.registrations] == ["g"]
    noise = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning | RuntimeWarning)]
    assert noise == []
    assert [r.getMessage() for r in caplog.records if r.name == "asyncio"] == []
    with pytest.raises(RuntimeError):
        asyncio.get_event_loop_policy().get_event_loop()
