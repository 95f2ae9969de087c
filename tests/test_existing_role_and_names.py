"""A role managed elsewhere takes none of the settings of a role we create; a service's name is a name, never a
path; every file ``eks-irsa plan`` writes stays under the build directory.

Each rule is ``plan_role``'s (one owner), reached here from ``IrsaRole`` under the mock monitor, from the
catalog (``load_catalog``, the fields in catalog words) and from ``eks-irsa plan``. What mocks cannot prove:
nothing here touches IAM; that a role managed elsewhere keeps its own settings is IAM's behaviour.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from eks_irsa.catalog import load_catalog
from eks_irsa.cli import plan
from eks_irsa.errors import IrsaConfigError
from eks_irsa.irsa import IrsaRole, IrsaRoleArgs, TrustedCluster
from eks_irsa.plan import plan_role
from eks_irsa.plan.rules import EXISTING_ROLE_SETTINGS, check_service_name
from eks_irsa.testing import EksIrsaMocks, config_from_stack_file, run_program
from tests.conftest import PROJECT

ACCOUNT = "111122223333"
ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/BLUE0000000000000000000000000000"
GREEN = "oidc.eks.us-west-2.amazonaws.com/id/GREEN000000000000000000000000000"
EXISTING = f"arn:aws:iam::{ACCOUNT}:role/legacy/legacy-api"


def _provider(issuer: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:oidc-provider/{issuer}"


def _args(**overrides) -> IrsaRoleArgs:
    base = dict(
        oidc_provider_arn=_provider(ISSUER),
        oidc_issuer=ISSUER,
        cluster_name="acme",
        namespace="legacy",
        existing_role_arn=EXISTING,
    )
    base.update(overrides)
    return IrsaRoleArgs(**{k: v for k, v in base.items() if v is not None})  # type: ignore[typeddict-item]


SETTINGS = {
    "role_name": "legacy-api",
    "role_path": "/legacy/",
    "tags": {"team": "legacy"},
    "permissions_boundary": f"arn:aws:iam::{ACCOUNT}:policy/boundary",
    "max_session_duration": 7200,
    "statements": [{"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/*"]}],
    "managed_policy_arns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
    "managed_policy_justifications": {"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess": "reads every bucket"},
    "additional_clusters": [TrustedCluster(oidc_provider_arn=_provider(GREEN), oidc_issuer=GREEN)],
    "subject_pattern": "legacy-*",
    "trust_policy_max_size": 4096,
    "max_managed_policies": 20,
}
"""One value for each setting that shapes only a role we create; a test holds the keys to EXISTING_ROLE_SETTINGS."""


def test_every_setting_that_cannot_apply_has_a_value_here():
    assert set(SETTINGS) == set(EXISTING_ROLE_SETTINGS)


@pytest.mark.parametrize("field", EXISTING_ROLE_SETTINGS)
def test_a_setting_beside_an_existing_role_is_refused_by_name_before_registration(field):
    registered = []

    def build():
        with pytest.raises(IrsaConfigError) as raised:
            IrsaRole("legacy-api", _args(**{field: SETTINGS[field]}))
        registered.append(raised.value.problems)

    run = run_program(build, {}, "t", mocks=EksIrsaMocks(account_id=ACCOUNT))
    ((problem,),) = registered
    assert problem.field == f"IrsaRole legacy-api: {field}"
    assert problem.rule.startswith(f"cannot apply: existing_role_arn {EXISTING} is a role managed elsewhere")
    assert run.registrations == ()


def test_all_of_them_at_once_each_named():
    with pytest.raises(IrsaConfigError) as raised:
        plan_role("legacy-api", _args(**SETTINGS))
    assert [p.field for p in raised.value.problems] == list(EXISTING_ROLE_SETTINGS)


def test_empty_lists_and_the_audience_still_pass_and_service_json_shows_only_what_is_applied():
    """An empty statements list grants nothing; the audience goes on the ServiceAccount, so it applies."""
    summary = plan_role("legacy-api", _args(statements=[], audience="sts.amazonaws.com")).summary()
    assert summary["existingRoleArn"] == EXISTING and summary["roleManagedHere"] is False
    assert summary["roleName"] == "legacy-api"
    assert (summary["rolePath"], summary["maxSessionDuration"], summary["permissionsBoundary"]) == (None, None, None)
    assert summary["tags"] == {} and summary["managedPolicyArns"] == []
    created = plan_role("orders-api", _args(existing_role_arn=None, statements=SETTINGS["statements"])).summary()
    assert (created["rolePath"], created["maxSessionDuration"]) == ("/", 3600)
    assert created["tags"]


def _catalog(services: dict) -> dict:
    config = config_from_stack_file(PROJECT / "stacks" / "Pulumi.dev.yaml")
    config["eks-irsa:services"] = services
    return config


def test_the_catalog_names_each_refused_field_in_its_own_words_and_adds_no_stack_wide_setting():
    """The dev stack's cluster tags go to every role we create, not to a role managed elsewhere."""
    root = Path(__file__).resolve().parent.parent
    legacy = {"namespace": "legacy", "existingRoleArn": EXISTING}
    settings = load_catalog(_catalog({"legacy-api": legacy}), root)
    assert settings.plans["legacy-api"].summary()["tags"] == {}
    bad = {**legacy, "trustedClusters": [{"oidcProviderArn": _provider(GREEN), "oidcIssuer": GREEN}], "rolePath": "/x/"}
    with pytest.raises(IrsaConfigError) as raised:
        load_catalog(_catalog({"legacy-api": bad}), root)
    fields = sorted(p.field for p in raised.value.problems)
    assert fields == ["eks-irsa:services.legacy-api.rolePath", "eks-irsa:services.legacy-api.trustedClusters"]


@pytest.mark.parametrize(
    ("name", "accepted"),
    [
        ("orders-api", True),
        ("Orders_Api.v2", True),
        ("a", True),
        ("a" * 253, True),
        ("a" * 254, False),
        ("", False),
        (".", False),
        ("..", False),
        ("../../x", False),
        ("a/b", False),
        ("/etc", False),
        ("a\\b", False),
        ("-x", False),
        ("x\n", False),
        ("x y", False),
    ],
)
def test_a_service_name_is_a_name_never_a_path(name, accepted):
    assert (check_service_name("name", name) == []) is accepted
    args = _args(existing_role_arn=None, service_account="app", statements=SETTINGS["statements"])
    if accepted:
        assert plan_role(name, args).name == name
    else:
        with pytest.raises(IrsaConfigError) as raised:
            plan_role(name, args)
        assert [p.field for p in raised.value.problems] == ["name"]  # plan_role's own field


def test_irsa_role_with_a_path_for_a_name_registers_nothing():
    errors = []

    def build():
        try:
            IrsaRole("../../x", _args(existing_role_arn=None, service_account="app", statements=SETTINGS["statements"]))
        except IrsaConfigError as error:
            errors.append(error)

    run = run_program(build, {}, "t", mocks=EksIrsaMocks(account_id=ACCOUNT))
    assert len(errors) == 1 and "is not a service name" in str(errors[0])
    assert run.registrations == ()


def _stack(project: Path, stack: str, services: dict) -> None:
    document = yaml.safe_load((project / "stacks" / "Pulumi.dev.yaml").read_text())
    document["config"]["eks-irsa:services"] = services
    (project / "stacks" / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump(document))


@pytest.mark.parametrize("key", ["../../x", "../escaped", "a/b", "/tmp/abs"])
def test_eks_irsa_plan_refuses_a_path_as_a_service_key_and_writes_nothing(project, capsys, key):
    statement = {"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::acme-orders/*"]}
    _stack(project, "tricks", {key: {"namespace": "orders", "serviceAccount": "app", "statements": [statement]}})
    build = project / "build"
    assert plan.main(["--stack", "tricks", "--build-dir", str(build)]) == 1
    err = capsys.readouterr().err
    assert f"eks-irsa:services (a service key): {key!r} is not a service name" in err
    assert not build.exists()
    assert sorted(p.name for p in project.iterdir()) == sorted(["Pulumi.yaml", "__main__.py", "stacks", "policies"])
    assert not (project.parent / "x").exists() and not Path("/tmp/abs").exists()


@pytest.mark.parametrize("stack", ["..", "../outside", "a/b"])
def test_write_plan_refuses_a_stack_name_that_is_a_path(project, stack):
    with pytest.raises(IrsaConfigError) as raised:
        plan.write_plan(stack, project / "build", project)
    (problem,) = raised.value.problems
    assert problem.field == "--stack" and problem.value == stack
    assert not (project / "build").exists() and not (project / "outside").exists()


def test_every_file_eks_irsa_plan_writes_stays_under_the_build_directory(project):
    build = project / "build"
    _, files, _ = plan.write_plan("dev", build, project)
    written = [p for p in project.rglob("*") if p.is_file() and "stacks" not in p.parts and "policies" not in p.parts]
    written = [p for p in written if p.name not in ("Pulumi.yaml", "__main__.py")]
    assert written and all(p.resolve().is_relative_to(build.resolve()) for p in written)
    assert {p.parent.name for p in written if p.parent.parent.name == "services"} == set(files)
    assert json.loads((build / "dev" / "plan.json").read_text())["resources"]


def test_the_containment_check_refuses_what_resolves_outside(tmp_path):
    inside = tmp_path / "build"
    inside.mkdir()
    (inside / "link").symlink_to(tmp_path)
    for path in (inside / ".." / "x", inside / "link" / "x", inside):
        with pytest.raises(IrsaConfigError):
            plan._inside(inside, path)
    assert plan._inside(inside, inside / "dev" / "plan.json") == inside / "dev" / "plan.json"
