"""IrsaRole's trust shapes and identity modes under mocks, each checked with the trust evaluator.

What mocks cannot prove: that STS accepts the tokens or that the Pod Identity agent hands out
credentials; ``tests/test_verify.py`` covers the IRSA path against an emulator.
"""

from __future__ import annotations

import json

import pulumi
import pulumi_kubernetes as k8s
import pytest

from eks_irsa.errors import IrsaConfigError
from eks_irsa.iam.evaluate import WebIdentityRequest, evaluate_web_identity
from eks_irsa.irsa import IdentityType, IrsaRole, IrsaRoleArgs, ServiceAccountOptions, TrustedCluster
from eks_irsa.testing import EksIrsaMocks, run_program

ACCOUNT = "111122223333"
BLUE = "oidc.eks.us-west-2.amazonaws.com/id/BLUE0000000000000000000000000000"
GREEN = "oidc.eks.us-west-2.amazonaws.com/id/GREEN000000000000000000000000000"
OTHER = "oidc.eks.us-west-2.amazonaws.com/id/OTHER000000000000000000000000000"


def provider(issuer: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:oidc-provider/{issuer}"


STATEMENT = {"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/*"]}


def _args(**overrides) -> IrsaRoleArgs:
    base = dict(
        oidc_provider_arn=pulumi.Output.from_input(provider(BLUE)),
        oidc_issuer=pulumi.Output.from_input(BLUE),
        cluster_name="acme",
        namespace="jobs",
        statements=[STATEMENT],
        create_service_account=False,
    )
    base.update(overrides)
    return IrsaRoleArgs(**base)  # a TypedDict: a plain dict at run time


def _run(build):
    return run_program(build, {}, "t", mocks=EksIrsaMocks(account_id=ACCOUNT))


def _trust(run) -> dict:
    role = next(r for r in run.registrations if r.type == "aws:iam/role:Role")
    return json.loads(role.inputs["assumeRolePolicy"])


def allowed(trust: dict, issuer: str, sub: str, aud: str = "sts.amazonaws.com", account: str = ACCOUNT) -> bool:
    request = WebIdentityRequest(provider_arn=provider(issuer, account), issuer=issuer, sub=sub, aud=(aud,))
    return evaluate_web_identity(trust, request).allowed


def sub(sa: str, ns: str = "jobs") -> str:
    return f"system:serviceaccount:{ns}:{sa}"


def test_several_service_accounts_share_one_sub_list_and_each_gets_a_service_account():
    def build():
        IrsaRole(
            "api",
            _args(
                service_accounts=["web", "worker"],
                create_service_account=True,
            ),
            opts=pulumi.ResourceOptions(providers={"kubernetes": k8s.Provider("k8s", kubeconfig="{}")}),
        )

    run = _run(build)
    trust = _trust(run)
    assert trust["Statement"][0]["Condition"]["StringEquals"][f"{BLUE}:sub"] == [sub("web"), sub("worker")]
    assert sorted(
        r.inputs["metadata"]["name"] for r in run.registrations if r.type == "kubernetes:core/v1:ServiceAccount"
    ) == ["web", "worker"]
    assert allowed(trust, BLUE, sub("web")) and allowed(trust, BLUE, sub("worker"))
    assert not allowed(trust, BLUE, sub("default"))


def test_subject_pattern_moves_only_sub_to_string_like():
    run = _run(lambda: IrsaRole("spark", _args(subject_pattern="spark-*")))
    condition = _trust(run)["Statement"][0]["Condition"]
    assert condition == {
        "StringLike": {f"{BLUE}:sub": sub("spark-*")},
        "StringEquals": {f"{BLUE}:aud": "sts.amazonaws.com"},
    }
    trust = _trust(run)
    assert allowed(trust, BLUE, sub("spark-driver-7f9c"))
    assert not allowed(trust, BLUE, sub("driver"))
    assert not allowed(trust, BLUE, sub("spark-driver", ns="other"))
    assert not allowed(trust, BLUE, sub("spark-driver"), aud="sts.amazonaws.com.cn")
    assert not any(r.type == "kubernetes:core/v1:ServiceAccount" for r in run.registrations)


@pytest.mark.parametrize(
    ("pattern", "namespace"), [("*", "jobs"), ("??", "jobs"), ("spark-*", "jobs-*"), ("Spark*", "jobs")]
)
def test_bare_or_namespace_wildcards_are_refused(pattern, namespace):
    def build():
        with pytest.raises(IrsaConfigError):
            IrsaRole("spark", _args(subject_pattern=pattern, namespace=namespace))

    assert _run(build).registrations == ()


def test_two_clusters_get_one_statement_each_never_anded():
    def build():
        IrsaRole(
            "api",
            _args(
                additional_clusters=[TrustedCluster(oidc_provider_arn=provider(GREEN), oidc_issuer=f"https://{GREEN}/")]
            ),
        )

    trust = _trust(_run(build))
    assert len(trust["Statement"]) == 2
    for statement in trust["Statement"]:
        issuers = {key.rsplit(":", 1)[0] for keys in statement["Condition"].values() for key in keys}
        assert len(issuers) == 1
    assert allowed(trust, BLUE, sub("api")) and allowed(trust, GREEN, sub("api"))
    assert not allowed(trust, OTHER, sub("api"))


def test_a_provider_of_another_account_is_refused():
    def build():
        with pytest.raises(IrsaConfigError, match="IAM OIDC providers are per account"):
            IrsaRole(
                "api",
                _args(oidc_provider_arn=provider(BLUE, "444455556666"), oidc_issuer=BLUE, role_account_id=ACCOUNT),
            )

    assert _run(build).registrations == ()


def test_pod_identity_role_association_and_plain_service_account():
    cluster_arn = f"arn:aws:eks:us-west-2:{ACCOUNT}:cluster/acme"

    def build():
        IrsaRole(
            "api",
            _args(
                identity=IdentityType.POD_IDENTITY,
                cluster_arn=cluster_arn,
                create_service_account=True,
            ),
            opts=pulumi.ResourceOptions(providers={"kubernetes": k8s.Provider("k8s", kubeconfig="{}")}),
        )

    run = _run(build)
    assert _trust(run)["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "pods.eks.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {
                "StringEquals": {
                    "aws:SourceAccount": ACCOUNT,
                    "aws:SourceArn": cluster_arn,
                    "aws:RequestTag/kubernetes-namespace": "jobs",
                    "aws:RequestTag/kubernetes-service-account": "api",
                }
            },
        }
    ]
    association = next(
        r for r in run.registrations if r.type == "aws:eks/podIdentityAssociation:PodIdentityAssociation"
    )
    role = next(r for r in run.registrations if r.type == "aws:iam/role:Role")
    assert (association.inputs["namespace"], association.inputs["serviceAccount"]) == ("jobs", "api")
    assert association.inputs["roleArn"] == role.outputs["arn"]
    sa = next(r for r in run.registrations if r.type == "kubernetes:core/v1:ServiceAccount")
    assert "annotations" not in sa.inputs["metadata"]


def test_pod_identity_needs_the_cluster_arn():
    def build():
        with pytest.raises(IrsaConfigError, match="cluster_arn"):
            IrsaRole("api", _args(identity=IdentityType.POD_IDENTITY))

    assert _run(build).registrations == ()


def test_existing_role_is_only_annotated():
    existing = f"arn:aws:iam::{ACCOUNT}:role/team/legacy-api"

    def build():
        IrsaRole(
            "api",
            _args(
                existing_role_arn=existing,
                statements=[],
                create_service_account=True,
            ),
            opts=pulumi.ResourceOptions(providers={"kubernetes": k8s.Provider("k8s", kubeconfig="{}")}),
        )

    run = _run(build)
    assert not any(r.type.startswith("aws:iam/") for r in run.registrations)
    sa = next(r for r in run.registrations if r.type == "kubernetes:core/v1:ServiceAccount")
    assert sa.inputs["metadata"]["annotations"] == {"eks.amazonaws.com/role-arn": existing}


def test_service_account_settings_become_the_webhook_annotations():
    options = ServiceAccountOptions(
        labels={"app": "api"},
        annotations={"team": "core"},
        sts_regional_endpoints=True,
        token_expiration=3600,
        automount_token=True,
    )

    def build():
        IrsaRole(
            "api",
            _args(
                service_account_options=options,
                audience="api.example",
                provider_client_ids=["sts.amazonaws.com", "api.example"],
                create_service_account=True,
            ),
            opts=pulumi.ResourceOptions(providers={"kubernetes": k8s.Provider("k8s", kubeconfig="{}")}),
        )

    run = _run(build)
    sa = next(r for r in run.registrations if r.type == "kubernetes:core/v1:ServiceAccount")
    role = next(r for r in run.registrations if r.type == "aws:iam/role:Role")
    assert sa.inputs["metadata"]["labels"] == {"app": "api"}
    assert sa.inputs["metadata"]["annotations"] == {
        "team": "core",
        "eks.amazonaws.com/role-arn": role.outputs["arn"],
        "eks.amazonaws.com/audience": "api.example",
        "eks.amazonaws.com/sts-regional-endpoints": "true",
        "eks.amazonaws.com/token-expiration": "3600",
    }
    assert sa.inputs["automountServiceAccountToken"] is True
    assert allowed(_trust(run), BLUE, sub("api"), aud="api.example")
    assert not allowed(_trust(run), BLUE, sub("api"))


@pytest.mark.parametrize(
    ("overrides", "rule"),
    [
        ({"audience": "api.example"}, "not a client ID of the OIDC provider"),
        ({"service_account_options": ServiceAccountOptions(token_expiration=599)}, "outside 600..86400"),
        (
            {"service_account_options": ServiceAccountOptions(annotations={"eks.amazonaws.com/role-arn": "x"})},
            "set by this component",
        ),
        ({"existing_role_arn": f"arn:aws:iam::{ACCOUNT}:role/x"}, "cannot apply: existing_role_arn"),
        ({"service_account": "a", "service_accounts": ["b"]}, "together with service_account"),
    ],
)
def test_conflicting_identity_settings_are_refused(overrides, rule):
    def build():
        with pytest.raises(IrsaConfigError, match=rule):
            IrsaRole("api", _args(**overrides))

    assert _run(build).registrations == ()


def test_role_arn_hash_changes_with_the_role():
    hashes = []

    def build():
        for name in ("a", "b"):
            IrsaRole(name, _args(service_account=name)).role_arn_hash.apply(hashes.append)

    _run(build)
    assert len(hashes) == 2 and hashes[0] != hashes[1] and all(len(h) == 8 for h in hashes)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"service_accounts": "abc"}, "IrsaRole api: service_accounts"),
        ({"provider_client_ids": "sts.amazonaws.com"}, "IrsaRole api: provider_client_ids"),
        ({"identity": "pod-idnetity"}, "IrsaRole api: identity"),
        ({"permissions_boundary": "arn:aws-cn:iam::aws:policy/Boundary"}, "IrsaRole api: permissions_boundary"),
    ],
)
def test_python_callers_get_named_errors_not_silent_misreadings(overrides, field):
    def build():
        with pytest.raises(IrsaConfigError) as caught:
            IrsaRole("api", _args(oidc_provider_arn=provider(BLUE), oidc_issuer=BLUE, **overrides))
        assert field in [p.field for p in caught.value.problems]

    assert _run(build).registrations == ()


def test_identity_given_as_its_string_works_like_the_enum():
    cluster_arn = f"arn:aws:eks:us-west-2:{ACCOUNT}:cluster/acme"
    run = _run(lambda: IrsaRole("api", _args(identity="pod-identity", cluster_arn=cluster_arn)))
    assert any(r.type == "aws:eks/podIdentityAssociation:PodIdentityAssociation" for r in run.registrations)
