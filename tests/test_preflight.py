"""``eks-irsa preflight``: the rules as pure functions, and the command against moto accounts.

moto (in-process ``mock_aws``) answers STS, IAM, EC2 and EKS as AWS would for what it holds; it
cannot show this machine's egress IP or route to a private endpoint, AWS's real quota values, or
the EKS release calendar (our table). Its ``GetCallerIdentity`` answers the assumed-role session of
credentials it issued, which is how the identity cases run here.
"""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path

import boto3
import pytest
import yaml
from moto import mock_aws

from eks_irsa import preflight as rules
from eks_irsa.catalog import AccountSettings, ClusterSettings, ExistingClusterSettings, ServiceSettings, StackSettings
from eks_irsa.cli import main as eks_irsa
from eks_irsa.cli import preflight as preflight_cli
from eks_irsa.preflight import (
    Finding,
    OtherAccountFacts,
    RouteFacts,
    RouteTableFacts,
    Severity,
    SubnetFacts,
    VpcDnsFacts,
    VpcEndpointFacts,
)
from eks_irsa.preflight.egress import PRIVATE_CLUSTER_DOCS

ACCOUNT = "123456789012"  # moto's default account
DATA = "222233334444"  # another account of the stack (eks-irsa:accounts)
REGION = "us-west-2"
TODAY = "2026-12-02"
SSO_PATH = "/aws-reserved/sso.amazonaws.com/"
SSO_ROLE = "AWSReservedSSO_PlatformAdmin_0123456789abcdef"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}
        ],
    }
)


# --- pure rules -----------------------------------------------------------------------------------------------


def _severities(findings: list[Finding], check: str) -> list[str]:
    return [f.severity.value for f in findings if f.check == check]


def test_identity_refuses_the_creator_listed_in_admins_only_before_the_cluster_exists() -> None:
    caller = f"arn:aws:sts::{ACCOUNT}:assumed-role/{SSO_ROLE}/alice"
    admins = [f"arn:aws:iam::{ACCOUNT}:role{SSO_PATH}{SSO_ROLE}"]
    first = rules.identity_findings(caller, ACCOUNT, [ACCOUNT], admins, cluster_exists=False)
    assert [(f.severity, f.subject) for f in first] == [
        (Severity.OK, "aws:allowedAccountIds"),
        (Severity.ERROR, "eks-irsa:cluster.admins"),
    ]
    assert "409 ResourceInUseException" in first[1].message and first[1].message.startswith(admins[0])
    assert first[1].fix.startswith(
        "remove it from eks-irsa:cluster.admins, or set eks-irsa:cluster.bootstrapCreatorAdmin"
    )
    later = rules.identity_findings(caller, ACCOUNT, [ACCOUNT], admins, cluster_exists=True)
    assert _severities(later, "identity") == ["ok", "ok"]


def test_identity_matches_role_names_ignoring_case_and_path() -> None:
    caller = f"arn:aws:sts::{ACCOUNT}:assumed-role/Deployer/run"
    findings = rules.identity_findings(caller, ACCOUNT, [ACCOUNT], [f"arn:aws:iam::{ACCOUNT}:role/ci/deployer"], False)
    assert _severities(findings, "identity") == ["ok", "error"]
    other_account = rules.identity_findings(
        caller, ACCOUNT, [ACCOUNT], ["arn:aws:iam::111122223333:role/Deployer"], False
    )
    assert _severities(other_account, "identity") == ["ok", "ok"]


def test_identity_without_the_bootstrap_needs_the_deployer_among_the_admins() -> None:
    caller = f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/run"
    deployer = f"arn:aws:iam::{ACCOUNT}:role/ci/deployer"
    admin = f"arn:aws:iam::{ACCOUNT}:role/platform-admin"
    missing = rules.identity_findings(caller, ACCOUNT, [ACCOUNT], [admin], False, "/ci/", bootstrap_creator_admin=False)
    assert _severities(missing, "identity") == ["ok", "error"]
    assert "401" in missing[1].message and missing[1].fix.startswith(f"add {deployer} ")
    listed = rules.identity_findings(
        caller, ACCOUNT, [ACCOUNT], [admin, deployer], False, "/ci/", bootstrap_creator_admin=False
    )
    assert _severities(listed, "identity") == ["ok", "ok"]


def test_identity_wrong_account_and_a_non_admin_on_an_existing_cluster() -> None:
    caller = "arn:aws:sts::999999999999:assumed-role/ci/run"
    findings = rules.identity_findings(caller, "999999999999", [ACCOUNT], [], cluster_exists=True)
    assert [f.severity for f in findings] == [Severity.ERROR, Severity.WARNING]
    assert "999999999999" in findings[0].message and ACCOUNT in findings[0].message
    assert "arn:aws:iam::999999999999:role/ci" in findings[1].fix


def _cluster(**changes: object) -> ClusterSettings:
    base = {
        "cluster_name": "c",
        "vpc_id": "vpc-0a1b2c3d",
        "private_subnet_ids": ["subnet-0000000a", "subnet-0000000b"],
        "public_subnet_ids": ["subnet-0000000c"],
    }
    return ClusterSettings({**base, **changes})


def _subnet(subnet_id: str, zone: str, ips: int = 250, tags: dict[str, str] | None = None) -> SubnetFacts:
    return SubnetFacts(subnet_id, "vpc-0a1b2c3d", zone, ips, tags or {})


def test_network_needs_two_zones_free_addresses_and_role_tags() -> None:
    internal = {rules.INTERNAL_ELB_TAG: "1"}
    good = {
        "subnet-0000000a": _subnet("subnet-0000000a", "us-west-2a", tags=internal),
        "subnet-0000000b": _subnet("subnet-0000000b", "us-west-2b", tags={rules.INTERNAL_ELB_TAG: ""}),
        "subnet-0000000c": _subnet("subnet-0000000c", "us-west-2a", tags={rules.ELB_TAG: "1"}),
    }
    assert [f.severity for f in rules.network_findings(_cluster(), True, good, REGION)] == [Severity.OK]
    bad = {
        **good,
        "subnet-0000000b": _subnet("subnet-0000000b", "us-west-2a", ips=5, tags=internal),
        "subnet-0000000c": _subnet("subnet-0000000c", "us-west-2a", tags={rules.ELB_TAG: "0"}),
    }
    findings = rules.network_findings(_cluster(), True, bad, REGION)
    assert sorted((f.severity.value, f.subject) for f in findings) == [
        ("error", "eks-irsa:cluster.privateSubnetIds"),
        ("error", "eks-irsa:cluster.privateSubnetIds: subnet-0000000b"),
        ("warning", "eks-irsa:cluster.publicSubnetIds: subnet-0000000c"),
    ]
    six = {**good, "subnet-0000000b": _subnet("subnet-0000000b", "us-west-2b", ips=6, tags=internal)}
    assert [f.severity for f in rules.network_findings(_cluster(), True, six, REGION)] == [Severity.OK]


@pytest.mark.parametrize(
    ("public", "cidrs", "ways_in", "expected"),
    [
        (False, (), None, Severity.WARNING),
        (False, (), {"endpoint.privateAccessCidrs": ("10.8.0.0/16",)}, Severity.WARNING),
        (True, ("203.0.113.0/24",), {}, Severity.WARNING),
        (True, ("0.0.0.0/0",), {}, Severity.OK),
        (True, (), {}, Severity.OK),
    ],
)
def test_endpoint_gives_the_runner_a_way_in(
    public: bool, cidrs: tuple[str, ...], ways_in: dict | None, expected: Severity
) -> None:
    [finding] = rules.endpoint_findings(public, cidrs, ways_in)
    assert finding.severity == expected


def test_endpoint_ways_in_are_the_private_access_cidrs_and_security_groups() -> None:
    assert rules.endpoint_ways_in(_cluster()) == {}
    cluster = _cluster(private_access_cidrs=("10.8.0.0/16",), private_access_security_group_ids=("sg-0123abcd",))
    assert rules.endpoint_ways_in(cluster) == {
        "endpoint.privateAccessCidrs": ("10.8.0.0/16",),
        "endpoint.privateAccessSecurityGroupIds": ("sg-0123abcd",),
    }


def test_all_checks_read_the_bootstrap_setting_and_the_ways_in_of_the_stack() -> None:
    cluster = _cluster(
        admin_principal_arns=(f"arn:aws:iam::{ACCOUNT}:role/platform-admin",),
        bootstrap_creator_admin=False,
        private_access_cidrs=("10.8.0.0/16",),
    )
    settings = StackSettings(REGION, "aws", ACCOUNT, (ACCOUNT,), cluster, ())
    facts = rules.AccountFacts(caller_arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/ci/run", caller_account=ACCOUNT)
    findings = rules.preflight_findings(settings, facts, datetime.date(2026, 12, 2))
    admins = next(f for f in findings if f.subject == "eks-irsa:cluster.admins")
    assert admins.severity == Severity.ERROR and "bootstrapCreatorAdmin false" in admins.message
    [endpoint] = [f for f in findings if f.check == "endpoint"]
    assert "endpoint.privateAccessCidrs 10.8.0.0/16" in endpoint.message


@pytest.mark.parametrize(
    ("existing", "created", "expected"),
    [(0, 1, "ok"), (88, 1, "ok"), (89, 1, "warning"), (99, 1, "warning"), (100, 0, "warning"), (100, 1, "error")],
)
def test_oidc_provider_quota_of_100(existing: int, created: int, expected: str) -> None:
    [finding] = rules.oidc_quota_findings(existing, created)
    assert finding.severity.value == expected


@pytest.mark.parametrize(
    ("version", "today", "expected"),
    [
        ("1.33", "2026-12-02", "error"),  # left standard support on 2026-07-29
        ("1.33", "2026-07-28", "warning"),
        ("1.34", "2026-12-02", "error"),  # its last day is 2026-12-01
        ("1.34", "2026-12-01", "warning"),
        ("1.35", "2026-12-02", "ok"),  # until 2027-03-27
        ("1.35", "2026-12-28", "warning"),  # 89 days left
        ("1.29", "2026-12-02", "error"),  # past extended support (2026-03-23)
        ("1.40", "2026-12-02", "warning"),  # not in the table
    ],
)
def test_kubernetes_version_in_standard_support(version: str, today: str, expected: str) -> None:
    [finding] = rules.version_findings(version, datetime.date.fromisoformat(today))
    assert finding.severity.value == expected


def test_a_version_past_standard_support_names_the_versions_to_choose() -> None:
    [finding] = rules.version_findings("1.33", datetime.date(2026, 12, 2))
    assert "2026-07-29" in finding.message
    assert finding.fix == "choose one in standard support: 1.35"


@pytest.mark.parametrize(
    ("stack_reference", "expected"), [(None, Severity.ERROR), ("acme/platform/prod", Severity.WARNING)]
)
def test_an_existing_cluster_missing_from_the_account(stack_reference: str | None, expected: Severity) -> None:
    settings = StackSettings(
        region=REGION,
        partition="aws",
        account_id=ACCOUNT,
        allowed_account_ids=(ACCOUNT,),
        cluster=ExistingClusterSettings(
            {"cluster_name": "shared", **({"stack_reference": stack_reference} if stack_reference else {})}
        ),
        services=(),
    )
    facts = rules.AccountFacts(
        caller_arn=f"arn:aws:iam::{ACCOUNT}:user/alice",
        caller_account=ACCOUNT,
        oidc_provider_arns=(),
        cluster_looked_up=True,
    )
    findings = rules.preflight_findings(settings, facts, datetime.date(2026, 12, 2))
    assert [(f.severity, f.check) for f in findings if f.check == "cluster"] == [(expected, "cluster")]
    assert [f.check for f in findings if f.severity == Severity.OK] == ["identity", "oidc-quota"]


# --- egress of the private subnets ------------------------------------------------------------------------------

NODE_INTERFACES = ("ec2", "ecr.api", "ecr.dkr", "sts")


def _table(target: str | None = None, state: str = "active", rtb: str = "rtb-private", main: bool = False):
    subnets = () if main else ("subnet-0000000a", "subnet-0000000b")
    default = (RouteFacts("0.0.0.0/0", target, state),) if target else ()
    return RouteTableFacts(rtb, main, subnets, (RouteFacts("10.0.0.0/16", "local"), *default))


def _interface(name: str, private_dns: bool = True, state: str = "available") -> VpcEndpointFacts:
    return VpcEndpointFacts(f"vpce-{name}", f"com.amazonaws.{REGION}.{name}", "Interface", state, private_dns)


def _s3_gateway(*tables: str) -> VpcEndpointFacts:
    return VpcEndpointFacts("vpce-s3", f"com.amazonaws.{REGION}.s3", "Gateway", "available", True, tables)


ENDPOINTS = (*(_interface(n) for n in NODE_INTERFACES), _s3_gateway("rtb-private"))


def _egress(tables, endpoints=(), public_ip: bool = False, **cluster: object) -> list[Finding]:
    subnets = {
        s: SubnetFacts(s, "vpc-0a1b2c3d", zone, 250, {}, public_ip)
        for s, zone in (("subnet-0000000a", "us-west-2a"), ("subnet-0000000b", "us-west-2b"))
    }
    needed = rules.required_endpoints(pod_identity=False, node_logging=False)
    return rules.egress_findings(_cluster(**cluster), subnets, tables, endpoints, REGION, needed)


@pytest.mark.parametrize(
    ("tables", "endpoints", "expected", "says"),
    [
        ([_table("nat-0a")], (), "ok", "reaches the internet through NAT gateway nat-0a (rtb-private)"),
        ([_table()], ENDPOINTS, "ok", "the VPC endpoints its nodes need are there (ec2, ecr.api, ecr.dkr, s3, sts)"),
        ([_table("tgw-0a")], ENDPOINTS, "ok", "sends 0.0.0.0/0 to transit gateway tgw-0a"),
        (
            [_table()],
            (),
            "error",
            "rtb-private has no 0.0.0.0/0 route to a NAT gateway, so nodes here cannot reach com.amazonaws",
        ),
        ([_table("nat-0a", "blackhole")], (), "error", "(blackhole: nat-0a, its target is gone)"),
        ([_table("igw-0a")], (), "error", "an internet gateway, but the subnet gives nodes no public address"),
        (
            [_table("tgw-0a")],
            (),
            "warning",
            "which preflight cannot follow; unless it leads to the internet, nodes here cannot reach",
        ),
        ([_table("eni-0a")], (), "warning", "network interface eni-0a"),
        # the subnets use the main table only without an explicit association of their own
        ([_table("nat-0a", rtb="rtb-main", main=True)], (), "ok", "NAT gateway nat-0a (rtb-main)"),
        ([_table(), _table("nat-0a", rtb="rtb-main", main=True)], (), "error", "rtb-private has no"),
        # an endpoint counts only when it is usable from the subnet
        ([_table()], (*ENDPOINTS[:4], _s3_gateway("rtb-other")), "error", "s3 (ECR image layers"),
        ([_table()], (_interface("sts", private_dns=False), *ENDPOINTS[:3], ENDPOINTS[4]), "error", ".sts (IRSA"),
        ([_table()], (_interface("ec2", state="pendingacceptance"), *ENDPOINTS[1:]), "error", f"{REGION}.ec2 ("),
    ],
)
def test_private_subnets_need_a_nat_route_or_the_endpoints(tables, endpoints, expected: str, says: str) -> None:
    findings = _egress(tables, endpoints)
    assert [(f.severity.value, f.subject) for f in findings] == [
        (expected, "eks-irsa:cluster.privateSubnetIds: subnet-0000000a"),
        (expected, "eks-irsa:cluster.privateSubnetIds: subnet-0000000b"),
    ]
    assert says in findings[0].message
    if expected == "error":
        assert findings[0].source == PRIVATE_CLUSTER_DOCS
        assert findings[0].fix.startswith("add a 0.0.0.0/0 route to a NAT gateway in rtb-private, or create")


def test_an_error_names_only_the_missing_endpoints() -> None:
    [first, _] = _egress([_table()], (_interface("ec2"), _s3_gateway("rtb-private")))
    missing = first.message.split("cannot reach ", 1)[1]
    assert [part.split(" (")[0] for part in missing.split("; ")] == [
        f"com.amazonaws.{REGION}.ecr.api",
        f"com.amazonaws.{REGION}.ecr.dkr",
        f"com.amazonaws.{REGION}.sts",
    ]


def test_an_internet_gateway_is_egress_when_the_subnet_gives_public_addresses() -> None:
    findings = _egress([_table("igw-0a")], public_ip=True)
    assert [f.severity for f in findings] == [Severity.OK, Severity.OK]
    assert "internet gateway (the subnet gives nodes public addresses) igw-0a" in findings[0].message


def test_without_a_nat_route_the_nodes_need_the_private_api_endpoint() -> None:
    findings = _egress([_table()], ENDPOINTS, endpoint_private_access=False, endpoint_public_access=True)
    assert {(f.severity, f.source) for f in findings} == {(Severity.ERROR, rules.EKS_NETWORK_DOCS)}
    assert "endpoint.privateAccess is false" in findings[0].message
    assert [f.severity for f in _egress([_table("nat-0a")], endpoint_private_access=False)] == [Severity.OK] * 2
    unfollowed = _egress([_table("tgw-0a")], ENDPOINTS, endpoint_private_access=False, endpoint_public_access=True)
    assert [f.severity for f in unfollowed] == [Severity.WARNING] * 2
    assert unfollowed[0].fix == "make sure tgw-0a leads to a NAT, or turn endpoint.privateAccess on"


def test_pod_identity_and_node_logging_add_their_endpoints() -> None:
    assert list(rules.required_endpoints(pod_identity=False, node_logging=False)) == [
        "ec2",
        "ecr.api",
        "ecr.dkr",
        "s3",
        "sts",
    ]
    services = (
        ServiceSettings("agent", {"namespace": "amazon-cloudwatch"}, (), addon="cloudwatch-observability"),
        ServiceSettings("orders", {"namespace": "orders", "identity": "pod-identity"}, ()),
    )
    settings = StackSettings(REGION, "aws", ACCOUNT, (ACCOUNT,), _cluster(), services)
    subnets = {"subnet-0000000a": _subnet("subnet-0000000a", "us-west-2a")}
    facts = rules.AccountFacts(subnets=subnets, route_tables=(_table(),), vpc_endpoints=ENDPOINTS)
    [egress] = [f for f in rules.preflight_findings(settings, facts, datetime.date(2026, 12, 2)) if f.check == "egress"]
    assert egress.severity == Severity.ERROR
    lacking = egress.message.split("cannot reach ", 1)[1]
    assert [part.split(" (")[0] for part in lacking.split("; ")] == [
        f"com.amazonaws.{REGION}.eks-auth",
        f"com.amazonaws.{REGION}.logs",
    ]


@pytest.mark.parametrize(
    ("support", "hostnames", "flags"),
    [
        (True, True, []),
        (True, False, ["--enable-dns-hostnames"]),
        (False, False, ["--enable-dns-support", "--enable-dns-hostnames"]),
    ],
)
def test_the_vpc_needs_dns_support_and_hostnames(support: bool, hostnames: bool, flags: list[str]) -> None:
    findings = rules.vpc_dns_findings(_cluster(), VpcDnsFacts(support, hostnames))
    assert [f.severity for f in findings] == ([Severity.ERROR] if flags else [])
    if flags:
        assert [part.rsplit(" ", 1)[1] for part in findings[0].fix.split("; ")] == flags


# --- trustedClusters providers ----------------------------------------------------------------------------------

OTHER_ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"


def _trusting(name: str, account: str, issuers: list[str], **changes: object) -> ServiceSettings:
    clusters = [{"oidc_provider_arn": f"arn:aws:iam::{account}:oidc-provider/{i}", "oidc_issuer": i} for i in issuers]
    return ServiceSettings(name, {"namespace": "orders", "additional_clusters": clusters, **changes}, ())


def test_each_trusted_cluster_provider_must_exist_in_the_role_account() -> None:
    second = OTHER_ISSUER.replace("0123", "4567")
    data = AccountSettings("data", DATA, f"arn:aws:iam::{DATA}:role/deployer")
    services = (
        _trusting("orders", ACCOUNT, [OTHER_ISSUER, second]),
        ServiceSettings(
            "reports", {**_trusting("r", DATA, [OTHER_ISSUER]).args, "namespace": "reports"}, (), account="data"
        ),
        _trusting("legacy", ACCOUNT, [second], existing_role_arn=f"arn:aws:iam::{ACCOUNT}:role/legacy"),
        _trusting("pods", ACCOUNT, [second], identity="pod-identity"),
    )
    settings = StackSettings(REGION, "aws", ACCOUNT, (ACCOUNT,), _cluster(), services, accounts={"data": data})
    own = (f"arn:aws:iam::{ACCOUNT}:oidc-provider/{OTHER_ISSUER}",)
    other = {"data": OtherAccountFacts(DATA, ())}
    findings = rules.trusted_cluster_findings(settings, own, other)
    assert [(f.severity.value, f.subject) for f in findings] == [
        ("ok", "eks-irsa:services.orders.trustedClusters[0].oidcProviderArn"),
        ("error", "eks-irsa:services.orders.trustedClusters[1].oidcProviderArn"),
        ("error", "eks-irsa:services.reports.trustedClusters[0].oidcProviderArn"),
    ]
    assert findings[2].message.startswith(f"account {DATA} has no IAM OIDC provider arn:aws:iam::{DATA}:")
    assert f"--url https://{OTHER_ISSUER} " in findings[2].fix
    # an account whose role could not be assumed, or a failed list, judges nothing (that call is the error)
    assert rules.trusted_cluster_findings(settings, None, {}) == []


# --- the command against moto -------------------------------------------------------------------------------


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, moto_speedups: None):
    """moto in process, with credentials it accepts and nothing read from this machine's AWS config."""
    for key in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with mock_aws():
        yield


def _role(name: str, path: str = "/") -> str:
    iam = boto3.client("iam", region_name=REGION)
    return iam.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]


def _subnet_in(ec2, vpc: str, cidr: str, zone: str, tags: dict[str, str]) -> str:
    spec = [{"ResourceType": "subnet", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}] if tags else []
    return ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone, TagSpecifications=spec)["Subnet"][
        "SubnetId"
    ]


def _write_stack(project: Path, dev_config: dict, name: str, cluster: dict, **aws_keys: object) -> None:
    """Write ``stacks/Pulumi.<name>.yaml``: dev's config in moto's account, with ``cluster`` keys and ``aws:`` keys."""
    config = copy.deepcopy(dev_config)
    config["aws:allowedAccountIds"] = [ACCOUNT]
    config["eks-irsa:cluster"].update(cluster)
    config.update({f"aws:{k}": v for k, v in aws_keys.items()})
    (project / "stacks" / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump({"config": config}))


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = preflight_cli.main([*argv, "--json", "--today", TODAY])
    return code, json.loads(capsys.readouterr().out)


def _seed_ready() -> tuple[dict, dict]:
    """A ready account: the VPC with DNS hostnames on, private subnets in three zones routed to a NAT
    gateway and public ones, tagged; three other OIDC providers; a deployer role (path ``/ci/``) the stack
    assumes. Returns the cluster keys and ``aws:`` keys."""
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    private = [
        _subnet_in(ec2, vpc, f"10.20.{i}.0/24", f"{REGION}{z}", {rules.INTERNAL_ELB_TAG: "1"})
        for i, z in enumerate("abc")
    ]
    public = [
        _subnet_in(ec2, vpc, f"10.20.{10 + i}.0/24", f"{REGION}{z}", {rules.ELB_TAG: "1"}) for i, z in enumerate("ab")
    ]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    nat = ec2.create_nat_gateway(SubnetId=public[0], AllocationId=ec2.allocate_address(Domain="vpc")["AllocationId"])
    private_routes = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(
        RouteTableId=private_routes, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat["NatGateway"]["NatGatewayId"]
    )
    for subnet in private:
        ec2.associate_route_table(RouteTableId=private_routes, SubnetId=subnet)
    iam = boto3.client("iam", region_name=REGION)
    for n in range(3):
        iam.create_open_id_connect_provider(
            Url=f"https://oidc.example.com/other-{n}", ClientIDList=["sts.amazonaws.com"]
        )
    deployer = _role("platform-deployer", "/ci/")
    cluster = {
        "vpcId": vpc,
        "privateSubnetIds": private,
        "publicSubnetIds": public,
        "kubernetesVersion": "1.35",
        "admins": [f"arn:aws:iam::{ACCOUNT}:role/platform-admin"],
    }
    return cluster, {"assumeRoles": [{"roleArn": deployer, "sessionName": "ci-run-7"}]}


def test_a_ready_account_passes(aws, project: Path, dev_config: dict, capsys: pytest.CaptureFixture[str]) -> None:
    cluster, aws_keys = _seed_ready()
    _write_stack(project, dev_config, "ready", cluster, **aws_keys)
    code, document = _run(capsys, "--stack", "ready")
    assert code == 0, document
    assert document["ready"] is True
    assert document["caller"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/platform-deployer/ci-run-7"
    assert document["counts"]["error"] == 0
    by_check = {(f["check"], f["severity"]) for f in document["findings"]}
    assert by_check == {
        ("identity", "ok"),
        ("network", "ok"),
        ("egress", "ok"),
        ("endpoint", "warning"),  # dev admits 203.0.113.0/24 only: this machine's IP cannot be seen
        ("oidc-quota", "ok"),
        ("kubernetes-version", "ok"),
    }
    egress = [f for f in document["findings"] if f["check"] == "egress"]
    assert [f["subject"] for f in egress] == [
        f"eks-irsa:cluster.privateSubnetIds: {s}" for s in sorted(cluster["privateSubnetIds"])
    ]
    assert all("through NAT gateway nat-" in f["message"] for f in egress)
    quota = next(f for f in document["findings"] if f["check"] == "oidc-quota")
    assert quota["message"].startswith("3 IAM OIDC providers now, 1 created by this stack: 4 of 100")


def test_a_ready_account_json_is_byte_identical(aws, project: Path, dev_config: dict, capsys) -> None:
    cluster, aws_keys = _seed_ready()
    _write_stack(project, dev_config, "ready", cluster, **aws_keys)
    preflight_cli.main(["--stack", "ready", "--json", "--today", TODAY])
    first = capsys.readouterr().out
    preflight_cli.main(["--stack", "ready", "--json", "--today", TODAY])
    assert capsys.readouterr().out == first


def test_the_stack_profile_is_the_identity_checked(
    aws, project: Path, dev_config: dict, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    iam = boto3.client("iam", region_name=REGION)
    iam.create_user(UserName="alice")
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    credentials = project / "credentials"
    credentials.write_text(
        f"[team]\naws_access_key_id = {key['AccessKeyId']}\naws_secret_access_key = {key['SecretAccessKey']}\n"
    )
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    cluster, _ = _seed_ready()
    _write_stack(project, dev_config, "team", cluster, profile="team")
    code, document = _run(capsys, "--stack", "team")
    assert code == 0, document
    assert document["caller"] == f"arn:aws:iam::{ACCOUNT}:user/alice"


@pytest.mark.parametrize(
    ("providers", "role_account", "expected"),
    [
        (3, DATA, {("identity", "ok"), ("oidc-quota", "ok")}),
        (100, DATA, {("identity", "ok"), ("oidc-quota", "error")}),
        (0, "333344445555", {("identity", "error")}),
    ],
)
def test_another_account_is_assumed_and_its_oidc_quota_counted(
    aws, project: Path, dev_config: dict, capsys, providers: int, role_account: str, expected: set
) -> None:
    cluster, aws_keys = _seed_ready()
    role_arn = f"arn:aws:iam::{role_account}:role/pulumi-deployer"
    sts = boto3.client("sts", region_name=REGION)
    c = sts.assume_role(RoleArn=role_arn, RoleSessionName="seed")["Credentials"]
    data_iam = boto3.client(
        "iam",
        region_name=REGION,
        aws_access_key_id=c["AccessKeyId"],
        aws_secret_access_key=c["SecretAccessKey"],
        aws_session_token=c["SessionToken"],
    )
    for n in range(providers):
        data_iam.create_open_id_connect_provider(
            Url=f"https://oidc.example.com/d{n:03}", ClientIDList=["sts.amazonaws.com"]
        )
    dev_config["eks-irsa:accounts"] = {"data": {"accountId": DATA, "assumeRoleArn": role_arn}}
    first_service = min(dev_config["eks-irsa:services"])
    dev_config["eks-irsa:services"][first_service]["account"] = "data"
    _write_stack(project, dev_config, "data", cluster, **aws_keys)

    code, document = _run(capsys, "--stack", "data")

    mine = {
        (f["check"], f["severity"]) for f in document["findings"] if f["subject"].startswith("eks-irsa:accounts.data")
    }
    assert mine == expected
    assert code == (0 if providers < 100 and role_account == DATA else 1)
    if providers:
        quota = next(f for f in document["findings"] if f["subject"] == "eks-irsa:accounts.data")
        assert quota["message"].startswith(f"{providers} IAM OIDC providers now, 1 created by this stack")


def test_a_private_subnet_without_a_nat_route_needs_the_vpc_endpoints(
    aws, project: Path, dev_config: dict, capsys
) -> None:
    cluster, aws_keys = _seed_ready()
    ec2 = boto3.client("ec2", region_name=REGION)
    isolated_subnet = cluster["privateSubnetIds"][0]
    [table] = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [isolated_subnet]}])[
        "RouteTables"
    ]
    [association] = [a for a in table["Associations"] if a.get("SubnetId") == isolated_subnet]
    isolated = ec2.create_route_table(VpcId=cluster["vpcId"])["RouteTable"]["RouteTableId"]
    ec2.replace_route_table_association(AssociationId=association["RouteTableAssociationId"], RouteTableId=isolated)
    _write_stack(project, dev_config, "isolated", cluster, **aws_keys)
    subject = f"eks-irsa:cluster.privateSubnetIds: {isolated_subnet}"

    code, document = _run(capsys, "--stack", "isolated")

    assert code == 1
    egress = {f["subject"]: f for f in document["findings"] if f["check"] == "egress"}
    assert {s: f["severity"] for s, f in egress.items()} == {
        f"eks-irsa:cluster.privateSubnetIds: {s}": "error" if s == isolated_subnet else "ok"
        for s in cluster["privateSubnetIds"]
    }
    assert egress[subject]["message"].startswith(f"{isolated} has no 0.0.0.0/0 route to a NAT gateway")

    for name in NODE_INTERFACES:
        ec2.create_vpc_endpoint(
            VpcId=cluster["vpcId"],
            ServiceName=f"com.amazonaws.{REGION}.{name}",
            VpcEndpointType="Interface",
            SubnetIds=[isolated_subnet],
            PrivateDnsEnabled=True,
        )
    ec2.create_vpc_endpoint(
        VpcId=cluster["vpcId"],
        ServiceName=f"com.amazonaws.{REGION}.s3",
        VpcEndpointType="Gateway",
        RouteTableIds=[isolated],
    )
    code, document = _run(capsys, "--stack", "isolated")
    assert code == 0, document
    [finding] = [f for f in document["findings"] if f["subject"] == subject]
    assert (finding["severity"], finding["message"]) == (
        "ok",
        f"{isolated} has no 0.0.0.0/0 route to a NAT gateway; the VPC endpoints its nodes need are there "
        "(ec2, ecr.api, ecr.dkr, s3, sts)",
    )


def test_each_trusted_cluster_provider_is_looked_up(aws, project: Path, dev_config: dict, capsys) -> None:
    cluster, aws_keys = _seed_ready()
    issuers = [OTHER_ISSUER, OTHER_ISSUER.replace("0123", "4567")]
    boto3.client("iam", region_name=REGION).create_open_id_connect_provider(
        Url=f"https://{issuers[0]}", ClientIDList=["sts.amazonaws.com"]
    )
    first_service = min(dev_config["eks-irsa:services"])
    dev_config["eks-irsa:services"][first_service]["trustedClusters"] = [
        {"oidcProviderArn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{i}", "oidcIssuer": i} for i in issuers
    ]
    _write_stack(project, dev_config, "blue-green", cluster, **aws_keys)

    code, document = _run(capsys, "--stack", "blue-green")

    assert code == 1
    trusted = [(f["severity"], f["subject"]) for f in document["findings"] if f["check"] == "trusted-cluster"]
    where = f"eks-irsa:services.{first_service}.trustedClusters"
    assert trusted == [("error", f"{where}[1].oidcProviderArn"), ("ok", f"{where}[0].oidcProviderArn")]


def test_a_broken_account_names_each_problem(aws, project: Path, dev_config: dict, capsys) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    other_vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    same_zone = [_subnet_in(ec2, vpc, f"10.30.{i}.0/24", f"{REGION}a", {}) for i in range(2)]
    elsewhere = _subnet_in(ec2, other_vpc, "10.40.1.0/24", f"{REGION}b", {rules.INTERNAL_ELB_TAG: "1"})
    missing = "subnet-0123456789abcdef0"
    iam = boto3.client("iam", region_name=REGION)
    for n in range(100):
        iam.create_open_id_connect_provider(Url=f"https://oidc.example.com/c{n:03}", ClientIDList=["sts.amazonaws.com"])
    sso = _role(SSO_ROLE, SSO_PATH)
    cluster = {
        "vpcId": vpc,
        "privateSubnetIds": [*same_zone, elsewhere, missing],
        "publicSubnetIds": [],
        "endpoint": {"privateAccess": True, "publicAccess": False, "privateAccessCidrs": ["10.8.0.0/16"]},
        "admins": [sso],
        "kubernetesVersion": "1.33",
    }
    roles = [{"roleArn": sso, "sessionName": "alice"}]
    _write_stack(project, dev_config, "broken", cluster, assumeRoles=roles, allowedAccountIds=["111122223333"])

    code, document = _run(capsys, "--stack", "broken")

    assert code == 1
    assert document["ready"] is False
    errors = {(f["check"], f["subject"]) for f in document["findings"] if f["severity"] == "error"}
    assert errors == {
        ("identity", "aws:allowedAccountIds"),
        ("identity", "eks-irsa:cluster.admins"),
        ("network", f"eks-irsa:cluster.privateSubnetIds: {elsewhere}"),
        ("network", f"eks-irsa:cluster.privateSubnetIds: {missing}"),
        ("network", "eks-irsa:cluster.privateSubnetIds"),
        ("network", "eks-irsa:cluster.vpcId"),  # DNS hostnames off, as for every new VPC
        *(("egress", f"eks-irsa:cluster.privateSubnetIds: {s}") for s in same_zone),  # no NAT route, no endpoint
        ("oidc-quota", "iam:ListOpenIDConnectProviders"),
        ("kubernetes-version", "eks-irsa:cluster.kubernetesVersion"),
    }
    warnings = {f["subject"] for f in document["findings"] if f["severity"] == "warning"}
    assert warnings == {"eks-irsa:cluster.endpoint", *(f"eks-irsa:cluster.privateSubnetIds: {s}" for s in same_zone)}
    admins = next(f for f in document["findings"] if f["subject"] == "eks-irsa:cluster.admins")
    assert sso == f"arn:aws:iam::{ACCOUNT}:role{SSO_PATH}{SSO_ROLE}"
    assert admins["message"].startswith(f"{sso} is the identity running pulumi ({sso})")  # the path from iam:GetRole
    assert admins["fix"].startswith("remove it from eks-irsa:cluster.admins")
    zones = next(f for f in document["findings"] if f["subject"] == "eks-irsa:cluster.privateSubnetIds")
    assert "1 availability zone(s) (us-west-2a)" in zones["message"]


def test_a_private_only_stack_with_no_way_in_is_bad_input(aws, project: Path, dev_config: dict, capsys) -> None:
    cluster, aws_keys = _seed_ready()
    cluster["endpoint"] = {"privateAccess": True, "publicAccess": False}
    _write_stack(project, dev_config, "private", cluster, **aws_keys)
    assert preflight_cli.main(["--stack", "private", "--json", "--today", TODAY]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "eks-irsa:cluster.endpoint.privateAccessCidrs: [] leaves a private-only endpoint with no way in" in (
        captured.err
    )


def test_the_readable_list_puts_errors_first_and_ends_with_the_verdict(
    aws, project: Path, dev_config: dict, capsys
) -> None:
    cluster, aws_keys = _seed_ready()
    _write_stack(project, dev_config, "old", {**cluster, "kubernetesVersion": "1.33"}, **aws_keys)
    assert eks_irsa(["preflight", "--stack", "old", "--today", TODAY]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[2].startswith("ERROR    kubernetes-version")
    assert any(line.strip().startswith("fix: choose one in standard support: 1.35") for line in lines)
    assert lines[-1] == "NOT READY: 1 errors, 1 warnings, 7 ok."  # 3 of the ok: one per private subnet's egress


def test_a_cluster_of_the_stack_name_that_exists_is_a_later_deploy(
    aws, project: Path, dev_config: dict, capsys
) -> None:
    cluster, aws_keys = _seed_ready()
    found = boto3.client("eks", region_name=REGION).create_cluster(
        name=dev_config["eks-irsa:cluster"]["name"],
        version="1.34",
        roleArn=_role("eks-cluster"),
        resourcesVpcConfig={"subnetIds": cluster["privateSubnetIds"]},
    )["cluster"]
    boto3.client("iam", region_name=REGION).create_open_id_connect_provider(
        Url=found["identity"]["oidc"]["issuer"], ClientIDList=["sts.amazonaws.com"]
    )
    deployer = aws_keys["assumeRoles"][0]["roleArn"]
    _write_stack(project, dev_config, "later", {**cluster, "admins": [deployer]}, **aws_keys)

    code, document = _run(capsys, "--stack", "later")

    assert code == 0, document
    by_subject = {(f["check"], f["subject"]): f for f in document["findings"]}
    assert by_subject[("cluster", "eks-irsa:cluster.name")]["severity"] == "warning"
    assert by_subject[("identity", "eks-irsa:cluster.admins")]["severity"] == "ok"  # its entry exists already
    version = [f for f in document["findings"] if f["check"] == "kubernetes-version"]
    assert [(f["severity"], "runs 1.34" in f["message"]) for f in version] == [("warning", True), ("ok", False)]
    quota = by_subject[("oidc-quota", "iam:ListOpenIDConnectProviders")]
    assert quota["message"].startswith("4 IAM OIDC providers now, 0 created by this stack")


def test_an_existing_cluster_needs_its_oidc_provider(aws, project: Path, dev_config: dict, capsys) -> None:
    cluster, _ = _seed_ready()
    eks = boto3.client("eks", region_name=REGION)
    found = eks.create_cluster(
        name="shared",
        version="1.35",
        roleArn=_role("eks-cluster"),
        resourcesVpcConfig={"subnetIds": cluster["privateSubnetIds"], "endpointPublicAccess": True},
    )["cluster"]
    config = copy.deepcopy(dev_config)
    del config["eks-irsa:cluster"]
    config.update({"aws:allowedAccountIds": [ACCOUNT], "eks-irsa:existingCluster": {"name": "shared"}})
    (project / "stacks" / "Pulumi.shared.yaml").write_text(yaml.safe_dump({"config": config}))

    code, document = _run(capsys, "--stack", "shared")
    assert code == 1
    [error] = [f for f in document["findings"] if f["severity"] == "error"]
    assert (error["check"], error["subject"]) == ("cluster", "eks-irsa:existingCluster.name")
    assert found["identity"]["oidc"]["issuer"] in error["message"]

    boto3.client("iam", region_name=REGION).create_open_id_connect_provider(
        Url=found["identity"]["oidc"]["issuer"], ClientIDList=["sts.amazonaws.com"]
    )
    code, document = _run(capsys, "--stack", "shared")
    assert code == 0, document
    quota = next(f for f in document["findings"] if f["check"] == "oidc-quota")
    assert "0 created by this stack" in quota["message"]


def test_no_credentials_is_not_ready_and_says_how_to_log_in(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ROLE_ARN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    code, document = _run(capsys, "--stack", "dev")
    assert code == 1
    [finding] = [f for f in document["findings"] if f["check"] == "aws-api"]
    assert (finding["severity"], finding["subject"]) == ("error", "sts:GetCallerIdentity")
    assert "aws sso login" in finding["fix"]
    # the checks that need no AWS answer still run; none that needs one pretends to
    assert {f["check"] for f in document["findings"]} == {"aws-api", "endpoint", "kubernetes-version"}


def test_bad_input_exits_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert preflight_cli.main(["--stack", "nope"]) == 2
    assert "no stack file" in capsys.readouterr().err
    (project / "stacks" / "Pulumi.typo.yaml").write_text(
        (project / "stacks" / "Pulumi.dev.yaml").read_text().replace("vpcId:", "vpcID:")
    )
    assert preflight_cli.main(["--stack", "typo"]) == 2
    assert "vpcID" in capsys.readouterr().err
    (project / "stacks" / "Pulumi.broken.yaml").write_text("config:\n  aws:region: [us-west-2\n")
    assert preflight_cli.main(["--stack", "broken"]) == 2
    assert "does not parse" in capsys.readouterr().err
