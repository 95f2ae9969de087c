"""What a first real ``pulumi up`` of a cluster needs, checked before anything is registered: who runs
it (access entries), from where (a way into a private endpoint), as whom Kubernetes sees it
(kubeconfig credentials), the OIDC provider's client IDs, and prod's deletion protection and logs.

What mocks cannot prove: that EKS honours the transform that turns the creator's bootstrap access entry
off (the mock monitor does not run transforms, and pulumi-eks's children are made by its provider), that
the cluster security group pulumi-eks makes is the one the control plane's ENIs carry, that the AWS CLI
accepts the ``get-token`` arguments, or that the engine matches the OIDC provider's alias to a stack
deployed by eks-irsa 0.3.0. Those rest on pulumi-eks's source and the AWS docs named in the code.
"""

from __future__ import annotations

import copy
import datetime
import json

import pulumi
import pytest
from pulumi.runtime import rpc

from eks_irsa import EksCluster, ExistingCluster, IrsaConfigError, preflight
from eks_irsa.access import (
    CREATOR_TAG,
    access_settle_seconds,
    caller_principal_arn,
    creator_tag_value,
    credentials_from_aws_config,
    same_principal,
    scoped_kubeconfig,
)
from eks_irsa.cluster import _after_access_settles, check_cluster_args, without_creator_admin
from eks_irsa.testing import EksIrsaMocks, RecordingMonitor, config_from_stack_file, run_program
from tests.conftest import FIRST_RUN_LOOKUPS, GET_CLUSTERS, PROGRAM, PROJECT, cluster_args, identity_invokes

CLUSTER = "eks:index:Cluster"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
K8S_PROVIDER = "pulumi:providers:kubernetes"
OIDC_PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
CALLER_IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity"
ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry"
ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
ADMIN = "arn:aws:iam::111122223333:role/platform-admin"
ADMIN_SESSION = "arn:aws:sts::111122223333:assumed-role/platform-admin/jane"
SSO_ROLE = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/us-west-2/AWSReservedSSO_Admin_0123abcd"
SSO_SESSION = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123abcd/jane@example.com"
CI_SESSION = "arn:aws:sts::111122223333:assumed-role/ci-deployer/run-42"


def _stack(name: str) -> dict:
    return copy.deepcopy(config_from_stack_file(PROJECT / "stacks" / f"Pulumi.{name}.yaml"))


def _run(config: dict, stack: str = "dev", caller: str | None = None, preview: bool = False, existing=None):
    mocks = EksIrsaMocks(
        account_id=config["aws:allowedAccountIds"][0],
        region=config["aws:region"],
        caller_arn=caller,
        preview=preview,
        existing_clusters=existing,
    )
    return run_program(PROGRAM, config, stack, mocks=mocks)


def _problems(config: dict, caller: str | None = None, existing=None) -> list:
    with pytest.raises(IrsaConfigError) as error:
        _run(config, caller=caller, existing=existing)
    return error.value.problems


def _of(run, type_: str) -> list:
    return [r for r in run.registrations if r.type == type_]


def _exec(kubeconfig: str | dict) -> dict:
    config = json.loads(rpc.unwrap_rpc_secret(kubeconfig)) if isinstance(kubeconfig, str) else kubeconfig
    if "value" in config and "users" not in config:
        config = json.loads(config["value"])
    [user] = config["users"]
    return user["user"]["exec"]


# --- 1. access entries: who runs pulumi up ------------------------------------------------------------


@pytest.mark.parametrize(
    ("caller", "principal"),
    [
        (ADMIN_SESSION, ADMIN),
        (SSO_SESSION, "arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123abcd"),
        ("arn:aws-cn:sts::111122223333:assumed-role/ops/x", "arn:aws-cn:iam::111122223333:role/ops"),
        ("arn:aws:iam::111122223333:user/jane", "arn:aws:iam::111122223333:user/jane"),
        ("arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:root"),
    ],
)
def test_a_caller_arn_maps_to_the_principal_an_access_entry_names(caller, principal):
    assert caller_principal_arn(caller) == principal


def test_an_sso_role_written_with_its_path_is_the_same_principal_as_its_pathless_session():
    assert same_principal(SSO_ROLE, caller_principal_arn(SSO_SESSION))
    assert not same_principal(SSO_ROLE, caller_principal_arn(CI_SESSION))
    assert not same_principal(ADMIN, "arn:aws:iam::444455556666:role/platform-admin")  # another account


def test_a_known_role_path_goes_back_into_the_principal():
    assert caller_principal_arn(CI_SESSION, "/ci/") == "arn:aws:iam::111122223333:role/ci/ci-deployer"
    assert caller_principal_arn(SSO_SESSION, "/aws-reserved/sso.amazonaws.com/us-west-2/") == SSO_ROLE
    assert caller_principal_arn("arn:aws:iam::111122223333:user/jane", "/x/") == "arn:aws:iam::111122223333:user/jane"


def test_role_and_user_names_match_ignoring_case():
    # IAM API Reference, CreateRole/CreateUser: names are not distinguished by case
    assert same_principal("arn:aws:iam::111122223333:role/ops/Platform-Admin", caller_principal_arn(ADMIN_SESSION))
    assert same_principal("arn:aws:iam::111122223333:user/Jane", "arn:aws:iam::111122223333:user/jane")
    assert not same_principal("arn:aws:iam::111122223333:user/platform-admin", ADMIN)  # a user is not a role


def test_the_creator_listed_as_admin_is_refused_before_anything_is_registered():
    problems = _problems(_stack("dev"), caller=ADMIN_SESSION)
    [problem] = problems
    assert problem.field == "eks-irsa:cluster.admins"
    assert problem.value == ADMIN
    assert "409 ResourceInUseException" in problem.rule and ADMIN in problem.rule
    assert "bootstrapCreatorAdmin" in problem.fix


def test_an_sts_session_as_admin_is_refused_with_its_role_as_the_fix():
    config = _stack("dev")
    config["eks-irsa:cluster"]["admins"] = [ADMIN_SESSION]
    [problem] = _problems(config)
    assert (problem.field, problem.value) == ("eks-irsa:cluster.admins[0]", ADMIN_SESSION)
    assert ADMIN in problem.fix


def test_without_the_bootstrap_the_deployer_must_be_an_admin():
    config = _stack("dev")
    config["eks-irsa:cluster"]["bootstrapCreatorAdmin"] = False
    [problem] = _problems(config, caller=CI_SESSION)
    assert problem.field == "eks-irsa:cluster.admins"
    assert "401" in problem.rule and "arn:aws:iam::111122223333:role/ci-deployer" in problem.fix


def test_without_the_bootstrap_a_listed_ci_role_and_a_listed_sso_role_both_deploy():
    config = _stack("dev")
    config["eks-irsa:cluster"]["bootstrapCreatorAdmin"] = False
    config["eks-irsa:cluster"]["admins"] = [SSO_ROLE, "arn:aws:iam::111122223333:role/ci-deployer"]
    for caller in (SSO_SESSION, CI_SESSION):
        run = _run(config, caller=caller)
        [cluster] = _of(run, CLUSTER)
        principals = sorted(e.inputs["principalArn"] for e in _of(run, ACCESS_ENTRY))
        assert principals == sorted(config["eks-irsa:cluster"]["admins"])  # the SSO role keeps its path
        assert run.mocks.transforms[(CLUSTER, cluster.name)] == [without_creator_admin]
        assert identity_invokes(run) == (CALLER_IDENTITY, GET_CLUSTERS)  # and no creator kept from before
        assert "clusterTags" not in cluster.inputs  # no creator to record without the bootstrap


def test_with_the_bootstrap_no_transform_and_the_non_creator_admins_deploy():
    run = _run(_stack("dev"), caller=CI_SESSION)
    [cluster] = _of(run, CLUSTER)
    assert run.mocks.transforms[(CLUSTER, cluster.name)] == []


def test_the_transform_turns_the_bootstrap_off_on_pulumi_eks_s_cluster_only():
    access = {"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": True}
    props = {"name": "acme-dev", "accessConfig": access}
    opts = pulumi.ResourceOptions()

    def build():
        args = pulumi.ResourceTransformArgs(True, "aws:eks/cluster:Cluster", "acme-dev-eksCluster", props, opts)
        result = without_creator_admin(args)
        assert result.props["name"] == "acme-dev" and result.opts is opts
        pulumi.export("accessConfig", result.props["accessConfig"])
        other = pulumi.ResourceTransformArgs(True, "aws:ec2/securityGroup:SecurityGroup", "sg", props, opts)
        assert without_creator_admin(other) is None

    run = run_program(build, {}, "t")
    assert run.exports["accessConfig"] == {
        "authenticationMode": "API",
        "bootstrapClusterCreatorAdminPermissions": False,
    }


def test_a_component_caller_given_the_creator_or_the_deployer_makes_no_identity_invoke():
    base = cluster_args(cluster_name="c")
    assert identity_invokes(run_program(lambda: EksCluster("c", base), {}, "t")) == FIRST_RUN_LOOKUPS
    assert identity_invokes(run_program(lambda: EksCluster("c", {**base, "creator_arn": ADMIN}), {}, "t")) == ()
    given = {**base, "admin_principal_arns": [ADMIN], "bootstrap_creator_admin": False, "deployer_arn": ADMIN}
    # without the bootstrap, only whether the cluster was created with it (a kept creator) is looked up
    assert identity_invokes(run_program(lambda: EksCluster("c", given), {}, "t")) == (GET_CLUSTERS,)

    def refused():
        with pytest.raises(IrsaConfigError, match=r"EksCluster c: admin_principal_arns: .*409"):
            EksCluster("c", {**base, "admin_principal_arns": [ADMIN], "deployer_arn": ADMIN})

    assert run_program(refused, {}, "t").registrations == ()


CI_ROLE = "arn:aws:iam::111122223333:role/ci-deployer"


def _creator_tag(run) -> dict:
    [cluster] = _of(run, CLUSTER)
    return cluster.inputs.get("clusterTags", {})


def test_the_first_run_records_its_deployer_as_the_creator_on_the_cluster():
    run = _run(_stack("dev"), caller=CI_SESSION)
    assert _creator_tag(run) == {CREATOR_TAG: CI_ROLE}
    assert identity_invokes(run) == FIRST_RUN_LOOKUPS


@pytest.mark.parametrize("preview", [False, True])
def test_a_listed_admin_runs_the_second_pulumi_up_and_the_creator_tag_stays(preview):
    existing = {"acme-dev": {CREATOR_TAG: CI_ROLE}}  # the CI role created it; platform-admin is listed
    run = _run(_stack("dev"), caller=ADMIN_SESSION, preview=preview, existing=existing)
    assert _creator_tag(run) == {CREATOR_TAG: CI_ROLE}  # written back as read: no diff, whoever runs
    assert identity_invokes(run) == (GET_CLUSTERS, "aws:eks/getCluster:getCluster")  # no caller lookup needed
    assert [e.inputs["principalArn"] for e in _of(run, ACCESS_ENTRY)] == [ADMIN]


@pytest.mark.parametrize("preview", [False, True])
def test_turning_the_bootstrap_off_after_creation_is_refused_before_registration(preview):
    config = _stack("dev")
    config["eks-irsa:cluster"]["bootstrapCreatorAdmin"] = False
    config["eks-irsa:cluster"]["admins"] = [ADMIN, CI_ROLE]
    existing = {"acme-dev": {CREATOR_TAG: CI_ROLE}}  # created with the bootstrap on: EKS keeps CI_ROLE's entry
    with pytest.raises(IrsaConfigError) as error:
        _run(config, caller=CI_SESSION, preview=preview, existing=existing)
    [problem] = [p for p in error.value.problems if "bootstrap" in p.field]
    assert CI_ROLE in problem.rule and "set it back to true" in problem.fix
    # a cluster created with it off has no tag: the same settings deploy
    assert _of(_run(config, caller=CI_SESSION, preview=preview, existing={"acme-dev": {}}), CLUSTER)


class ProviderOfInvokes(EksIrsaMocks):
    """Records which provider each identity lookup went to."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.invoke_providers: dict[str, set[str]] = {}

    def call(self, args):
        self.invoke_providers.setdefault(args.token, set()).add(args.provider or "default")
        return super().call(args)


@pytest.mark.parametrize("way", ["provider", "providers", "parent"])
def test_the_creator_and_deployer_lookups_use_the_cluster_s_own_aws_provider(way):
    import pulumi_aws as aws

    base = cluster_args(cluster_name="c")
    mocks = ProviderOfInvokes(account_id="111122223333", region="eu-west-1")

    def build():
        provider = aws.Provider("platform", region="eu-west-1", allowed_account_ids=["111122223333"])
        if way == "parent":
            parent = pulumi.ComponentResource(
                "acme:index:Platform", "p", None, pulumi.ResourceOptions(providers=[provider])
            )
            opts = pulumi.ResourceOptions(parent=parent)
        else:
            opts = pulumi.ResourceOptions(**{way: provider if way == "provider" else {"aws": provider}})
        deployer = "arn:aws:iam::111122223333:role/0PLACEHOLDER-deployer"  # the mocks' caller
        EksCluster("c", {**base, "bootstrap_creator_admin": False, "admin_principal_arns": [deployer]}, opts)
        EksCluster("d", {**base, "cluster_name": "d"}, opts)

    run_program(build, {}, "t", mocks=mocks)
    for token in (GET_CLUSTERS, CALLER_IDENTITY):
        [provider] = mocks.invoke_providers[token]
        assert "pulumi:providers:aws::platform" in provider


def test_the_recorded_creator_listed_as_admin_is_refused_whoever_runs():
    [problem] = _problems(_stack("dev"), caller=CI_SESSION, existing={"acme-dev": {CREATOR_TAG: ADMIN}})
    assert (problem.field, problem.value) == ("eks-irsa:cluster.admins", ADMIN)
    assert "409 ResourceInUseException" in problem.rule and f"({ADMIN})" in problem.rule


def test_a_cluster_made_before_the_tag_is_not_judged_until_its_creator_is_given():
    existing = {"acme-dev": {}}  # eks-irsa 0.4 recorded nobody
    run = _run(_stack("dev"), caller=ADMIN_SESSION, existing=existing)
    assert _creator_tag(run) == {}  # nothing to write back: the cluster keeps its tags
    config = _stack("dev")
    args = cluster_args(cluster_name="acme-dev", admin_principal_arns=config["eks-irsa:cluster"]["admins"])
    mocks = EksIrsaMocks(account_id="111122223333", existing_clusters=existing)
    given = run_program(lambda: EksCluster("c", {**args, "creator_arn": CI_ROLE}), {}, "t", mocks=mocks)
    assert _creator_tag(given) == {CREATOR_TAG: CI_ROLE}
    with pytest.raises(IrsaConfigError, match="409"):
        check = run_program(lambda: EksCluster("c", {**args, "creator_arn": ADMIN}), {}, "t", mocks=mocks)
        assert check is None


def test_the_creator_tag_is_the_principal_without_its_path_and_a_user_tag_of_that_key_is_refused():
    assert creator_tag_value(SSO_ROLE) == "arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123abcd"
    problems = check_cluster_args(cluster_args(cluster_name="c", tags={CREATOR_TAG: "me"}))
    assert [p.field for p in problems] == [f"tags.{CREATOR_TAG}"]
    [comma] = check_cluster_args(
        cluster_args(cluster_name="c"),
        creator_arn="arn:aws:iam::111122223333:role/ops,eu",  # a role name may hold ',' (IAM); a tag value not
    )
    assert comma.field == f"creator_arn.{CREATOR_TAG}"


@pytest.mark.parametrize(
    ("creator", "severity"),
    [(CI_ROLE, preflight.Severity.OK), (ADMIN, preflight.Severity.ERROR)],
)
def test_preflight_judges_a_later_run_against_the_recorded_creator_too(creator, severity):
    findings = preflight.identity_findings(
        ADMIN_SESSION, "111122223333", ["111122223333"], [ADMIN], True, creator_arn=creator
    )
    admins = [f for f in findings if f.subject == preflight.ADMINS_KEY]
    assert [f.severity for f in admins] == [severity]


# --- the first Kubernetes call after an access entry ---------------------------------------------------------


def test_the_kubernetes_provider_waits_for_every_admin_association():
    config = _stack("dev")
    config["eks-irsa:cluster"]["bootstrapCreatorAdmin"] = False
    config["eks-irsa:cluster"]["admins"] = [ADMIN, "arn:aws:iam::111122223333:role/ci-deployer"]
    run = _run(config, caller=CI_SESSION)
    entries, associations = _of(run, ACCESS_ENTRY), _of(run, ASSOCIATION)
    assert len(entries) == len(associations) == 2
    for entry in entries:
        [association] = [a for a in associations if a.parent == entry.name]
        assert association.name == f"{entry.name}-cluster-admin"
        assert association.inputs["policyArn"] == "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
        assert association.inputs["accessScope"] == {"type": "cluster"}
        # pulumi-eks made them up to 0.4 (same names, parented to its cluster): the alias keeps them, no 409
        [alias] = entry.aliases
        assert json.loads(alias)["parentUrn"].endswith("eks:index:Cluster::acme-dev")
    [provider] = _of(run, K8S_PROVIDER)
    assert {a.name for a in associations} <= set(provider.dependencies)
    # so that a kubeconfig unknown in a preview (a new admin) updates the provider instead of replacing it
    assert provider.inputs["clusterIdentifier"] == "acme-dev"
    [cluster] = _of(run, CLUSTER)
    assert "accessEntries" not in cluster.inputs


NOON = datetime.datetime(2026, 12, 7, 12, 0, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("times", "now", "seconds"),
    [
        ([], NOON, 0.0),  # no admin association: nothing to wait for
        ([None], NOON, 0.0),
        (["2026-12-07T12:00:00Z"], NOON + datetime.timedelta(seconds=10), 50.0),  # created 10 s ago
        (["2026-12-07T11:00:00Z", "2026-12-07T12:00:00+00:00"], NOON, 60.0),  # the newest counts
        (["2026-12-07T11:58:00Z"], NOON, 0.0),  # a later run: settled long ago
        # the form terraform-provider-aws stores (Go's time.String), with and without a fraction
        (["2026-12-07 12:00:00 +0000 UTC"], NOON + datetime.timedelta(seconds=10), 50.0),
        (["2026-12-07 11:59:30.123456789 +0000 UTC"], NOON, 30.123457),
        (["2026-12-07 13:00:00 +0100 CET"], NOON + datetime.timedelta(seconds=20), 40.0),
    ],
)
def test_the_wait_lasts_until_the_newest_association_has_settled(times, now, seconds):
    assert access_settle_seconds(times, now) == pytest.approx(seconds, abs=1e-6)


def test_a_time_in_no_known_form_is_refused_by_the_parser():
    with pytest.raises(ValueError):
        access_settle_seconds(["Mon Dec  7 12:00:00 2026"], NOON)


def test_an_unreadable_association_time_is_logged_and_never_fails_the_deploy(monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr(pulumi.runtime, "is_dry_run", lambda: False)
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *a, **k: warnings.append(message))
    assert _after_access_settles("kubeconfig", ["Mon Dec  7 12:00:00 2026"]) == "kubeconfig"
    [warning] = warnings
    assert "associatedAt could not be read" in warning and "401" in warning


def test_a_preview_never_reads_the_association_times(monkeypatch):
    monkeypatch.setattr(pulumi.runtime, "is_dry_run", lambda: True)
    assert _after_access_settles("kubeconfig", ["not a time"]) == "kubeconfig"


# --- 2. a reachable API endpoint -----------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["prod", "staging"])
def test_a_private_stack_opens_443_to_its_listed_cidr_before_the_kubernetes_provider(stack):
    config = _stack(stack)
    run = _run(config, stack)
    [cluster] = _of(run, CLUSTER)
    assert cluster.inputs["endpointPublicAccess"] is False
    rules = _of(run, INGRESS)
    cidrs = config["eks-irsa:cluster"]["endpoint"]["privateAccessCidrs"]
    assert sorted(r.inputs["cidrIpv4"] for r in rules) == sorted(cidrs)
    for rule in rules:
        assert (rule.inputs["ipProtocol"], rule.inputs["fromPort"], rule.inputs["toPort"]) == ("tcp", 443, 443)
        assert rule.inputs["securityGroupId"] == cluster.outputs["clusterSecurityGroupId"]
    [provider] = _of(run, K8S_PROVIDER)
    assert {r.name for r in rules} <= set(provider.dependencies)


def test_a_security_group_is_a_way_in_too():
    config = _stack("staging")
    endpoint = config["eks-irsa:cluster"]["endpoint"]
    del endpoint["privateAccessCidrs"]
    endpoint["privateAccessSecurityGroupIds"] = ["sg-0123456789abcdef0"]
    [rule] = _of(_run(config, "staging"), INGRESS)
    assert rule.inputs["referencedSecurityGroupId"] == "sg-0123456789abcdef0" and "cidrIpv4" not in rule.inputs


def test_a_private_only_stack_with_no_way_in_is_refused():
    config = _stack("prod")
    del config["eks-irsa:cluster"]["endpoint"]["privateAccessCidrs"]
    [problem] = _problems(config)
    assert problem.field == "eks-irsa:cluster.endpoint.privateAccessCidrs"
    assert "no way in" in problem.rule and "endpoint.privateAccessSecurityGroupIds" in problem.fix


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("privateAccessCidrs", ["10.0.0.1/16"], "eks-irsa:cluster.endpoint.privateAccessCidrs[0]"),
        ("privateAccessSecurityGroupIds", ["sg-xyz"], "eks-irsa:cluster.endpoint.privateAccessSecurityGroupIds[0]"),
    ],
)
def test_a_malformed_way_in_names_its_entry(key, value, field):
    config = _stack("prod")
    config["eks-irsa:cluster"]["endpoint"][key] = value
    assert [p.field for p in _problems(config)] == [field]


# --- 3. credentials of the Kubernetes provider ---------------------------------------------------------


def test_the_stack_s_profile_and_role_reach_pulumi_eks_and_the_kubernetes_provider():
    config = _stack("dev")
    config["aws:profile"] = "acme-dev"
    config["aws:assumeRoles"] = [{"roleArn": "arn:aws:iam::111122223333:role/deployer", "sessionName": "pulumi"}]
    run = _run(config)
    [cluster] = _of(run, CLUSTER)
    assert cluster.inputs["providerCredentialOpts"] == {
        "profileName": "acme-dev",
        "roleArn": "arn:aws:iam::111122223333:role/deployer",
    }
    # pulumi-eks's own kubeconfig carries the role (as --role) but never the profile ...
    assert _exec(cluster.outputs["kubeconfigJson"])["args"][-2:] == [
        "--role",
        "arn:aws:iam::111122223333:role/deployer",
    ]
    # ... so the Kubernetes provider's gets both, as get-token's own flags.
    exec_ = _exec(_of(run, K8S_PROVIDER)[0].inputs["kubeconfig"])
    assert exec_["command"] == "aws"
    assert exec_["args"][:2] == ["--region", "us-west-2"]
    assert exec_["args"][-4:] == ["--role-arn", "arn:aws:iam::111122223333:role/deployer", "--profile", "acme-dev"]
    assert "--role" not in exec_["args"]


def test_without_credentials_the_provider_gets_pulumi_eks_s_kubeconfig_as_is():
    run = _run(_stack("dev"))
    [cluster] = _of(run, CLUSTER)
    assert "providerCredentialOpts" not in cluster.inputs
    exec_ = _exec(cluster.outputs["kubeconfigJson"])
    assert exec_["args"] == [
        "--region",
        "us-west-2",
        "eks",
        "get-token",
        "--cluster-name",
        "acme-dev",
        "--output",
        "json",
    ]
    assert _exec(_of(run, K8S_PROVIDER)[0].inputs["kubeconfig"]) == exec_


@pytest.mark.parametrize(
    ("roles", "field"),
    [
        (
            [{"roleArn": "arn:aws:iam::111122223333:role/a"}, {"roleArn": "arn:aws:iam::111122223333:role/b"}],
            "aws:assumeRoles",
        ),
        ([{"roleArn": "arn:aws:iam::111122223333:role/a", "externalId": "x"}], "aws:assumeRoles[0].externalId"),
    ],
)
def test_credentials_get_token_cannot_reproduce_are_refused(roles, field):
    config = _stack("dev")
    config["aws:assumeRoles"] = roles
    assert [p.field for p in _problems(config)] == [field]


def test_scoped_kubeconfig_replaces_the_identity_flags_of_every_aws_exec():
    given = json.dumps(
        {
            "users": [
                {
                    "name": "aws",
                    "user": {
                        "exec": {"command": "aws", "args": ["eks", "get-token", "--role", "r0", "--profile", "p0"]}
                    },
                }
            ]
        }
    )
    scoped = json.loads(scoped_kubeconfig(given, {"role_arn": "r1", "profile_name": "p1"}))
    assert scoped["users"][0]["user"]["exec"]["args"] == ["eks", "get-token", "--role-arn", "r1", "--profile", "p1"]
    assert scoped_kubeconfig(given, {}) == given
    assert credentials_from_aws_config(None, None) == ({}, [])


def test_an_existing_cluster_s_kubeconfig_passes_its_region_and_the_credentials():
    def build():
        cluster = ExistingCluster(
            "acme-dev",
            {
                "cluster_name": "acme-dev",
                "partition": "aws",
                "account_id": "123456789012",
                "kubeconfig_credentials": {"profile_name": "acme"},
            },
        )
        pulumi.export("kubeconfig", cluster.kubeconfig)

    run = run_program(build, {}, "t", mocks=EksIrsaMocks(region="eu-west-1"))
    args = _exec(run.exports["kubeconfig"])["args"]
    assert args[:2] == ["--region", "eu-west-1"] and args[-2:] == ["--profile", "acme"]


def test_a_tenant_stack_s_credentials_replace_the_platform_s_in_the_referenced_kubeconfig():
    config = {
        "aws:region": "us-west-2",
        "aws:allowedAccountIds": ["111122223333"],
        "aws:profile": "tenant",
        "eks-irsa:existingCluster": {"name": "acme-dev", "stackReference": "acme/eks-irsa/acme-dev"},
        "eks-irsa:services": {
            "orders-api": {
                "namespace": "orders",
                "createServiceAccount": False,
                "statements": [
                    {"actions": ["sqs:ReceiveMessage"], "resources": ["arn:aws:sqs:us-west-2:111122223333:orders"]}
                ],
            }
        },
    }
    run = run_program(PROGRAM, config, "tenant")
    assert _exec(_of(run, K8S_PROVIDER)[0].inputs["kubeconfig"])["args"][-2:] == ["--profile", "tenant"]


# --- 4. the OIDC provider's client IDs ----------------------------------------------------------------


def test_the_cluster_s_oidc_provider_carries_the_configured_client_ids_and_a_custom_audience_passes():
    config = _stack("dev")
    config["eks-irsa:cluster"]["oidcClientIds"] = ["sts.amazonaws.com", "orders.acme.example"]
    config["eks-irsa:services"]["orders-api"]["audience"] = "orders.acme.example"
    run = _run(config)
    [provider] = [p for p in _of(run, OIDC_PROVIDER) if p.parent == "acme-dev"]
    assert provider.inputs["clientIdLists"] == ["sts.amazonaws.com", "orders.acme.example"]
    assert "thumbprintLists" not in provider.inputs  # IAM fetches the issuer's thumbprint itself
    [cluster] = _of(run, CLUSTER)
    assert cluster.inputs["createOidcProvider"] is False


def test_client_ids_without_sts_are_refused_not_dropped():
    config = _stack("dev")
    config["eks-irsa:cluster"]["oidcClientIds"] = ["sts.amazonaws.com.cn"]
    problems = _problems(config)
    assert "eks-irsa:cluster.oidcClientIds" in [p.field for p in problems]


def test_the_oidc_provider_is_aliased_to_the_one_pulumi_eks_made(monkeypatch):
    aliases = {}
    register = RecordingMonitor.RegisterResource

    def recording(self, request):
        aliases[request.name] = [(a.spec.name, a.spec.parentUrn) for a in request.aliases]
        return register(self, request)

    monkeypatch.setattr(RecordingMonitor, "RegisterResource", recording)
    run = _run(_stack("prod"), "prod")
    [(name, parent)] = aliases["acme-prod-oidc-provider"]
    assert name == "acme-prod-oidcProvider"
    assert parent.endswith("eks-irsa:index:EksCluster$eks:index:Cluster::acme-prod")
    assert [p.protect for p in _of(run, OIDC_PROVIDER)] == [True]


# --- 5., 6., 7. settings that cannot take effect, prod's protection, control-plane logs -----------------


def test_public_access_cidrs_without_a_public_endpoint_are_refused():
    config = _stack("prod")
    config["eks-irsa:cluster"]["endpoint"]["publicAccessCidrs"] = ["203.0.113.0/24"]
    [problem] = _problems(config)
    assert problem.field == "eks-irsa:cluster.endpoint.publicAccessCidrs"
    assert "endpoint.publicAccess is off" in problem.rule


def test_prod_sets_eks_deletion_protection_and_logs_api_audit_authenticator():
    run = _run(_stack("prod"), "prod")
    [cluster] = _of(run, CLUSTER)
    assert cluster.protect is True and cluster.inputs["deletionProtection"] is True
    assert cluster.inputs["enabledClusterLogTypes"] == ["api", "audit", "authenticator"]


@pytest.mark.parametrize("stack", ["dev", "staging"])
def test_other_stacks_keep_the_defaults(stack):
    [cluster] = _of(_run(_stack(stack), stack), CLUSTER)
    assert cluster.inputs["deletionProtection"] is False and "enabledClusterLogTypes" not in cluster.inputs


def test_log_types_are_a_closed_set_in_canonical_order():
    config = _stack("dev")
    config["eks-irsa:cluster"]["controlPlaneLogs"] = ["scheduler", "audit", "Audit"]
    [problem] = _problems(config)
    assert (problem.field, problem.value) == ("eks-irsa:cluster.controlPlaneLogs[2]", "Audit")
    config["eks-irsa:cluster"]["controlPlaneLogs"] = ["scheduler", "audit"]
    [cluster] = _of(_run(config), CLUSTER)
    assert cluster.inputs["enabledClusterLogTypes"] == ["audit", "scheduler"]


@pytest.mark.parametrize("stack", ["dev", "prod", "staging"])
def test_every_shipped_stack_previews_with_the_new_children_unknown_where_aws_decides(stack):
    config = _stack(stack)
    run = _run(config, stack, preview=True)
    [provider] = [p for p in _of(run, OIDC_PROVIDER) if p.parent == config["eks-irsa:cluster"]["name"]]
    assert provider.inputs["url"] == "<unknown>"
    assert provider.inputs["clientIdLists"] == ["sts.amazonaws.com"]
    for rule in _of(run, INGRESS):
        assert rule.inputs["securityGroupId"] == "<unknown>"
