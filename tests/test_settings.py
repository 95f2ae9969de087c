"""The catalog loader: every bad input is refused before anything is registered, naming field and value."""

from __future__ import annotations

import pytest

from eks_irsa.catalog import load_catalog
from eks_irsa.errors import IrsaConfigError
from tests.conftest import PROJECT

S = "eks-irsa:services"


def _problems(config: dict) -> list:
    with pytest.raises(IrsaConfigError) as caught:
        load_catalog(config, PROJECT)
    return caught.value.problems


def _set(config: dict, path: list, value) -> None:
    target = config
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "field", "rule"),
    [
        ([S, "orders-api", "namespace"], "", f"{S}.orders-api.namespace", "is empty"),
        ([S, "orders-api", "namespace"], "Orders", f"{S}.orders-api.namespace", "not a DNS-1123 label"),
        ([S, "orders-api", "namespace"], "orders-*", f"{S}.orders-api.namespace", "wildcard"),
        ([S, "orders-api", "namespace"], "o" * 64, f"{S}.orders-api.namespace", "at most 63"),
        ([S, "orders-api", "serviceAccount"], "orders_api", f"{S}.orders-api.serviceAccount", "DNS-1123 subdomain"),
        ([S, "orders-api", "serviceAccount"], "*", f"{S}.orders-api.serviceAccount", "wildcard"),
        ([S, "orders-api", "audience"], "", f"{S}.orders-api.audience", "is empty"),
        ([S, "orders-api", "roleName"], "r" * 65, f"{S}.orders-api.roleName", "at most 64"),
        ([S, "orders-api", "roleName"], "team/orders", f"{S}.orders-api.roleName", "outside [A-Za-z0-9_+=,.@-]"),
        ([S, "orders-api", "maxSessionDuration"], 100, f"{S}.orders-api.maxSessionDuration", "outside 3600..43200"),
        ([S, "orders-api", "maxSessionDuration"], 50000, f"{S}.orders-api.maxSessionDuration", "outside 3600..43200"),
        ([S, "orders-api", "rolePath"], "team", f"{S}.orders-api.rolePath", "is not an IAM path"),
        ([S, "orders-api", "namespace"], _DELETE, f"{S}.orders-api", "'namespace' is a required property"),
        ([S, "orders-api", "namespce"], "orders", f"{S}.orders-api.namespce", "is not a known field"),
        ([S, "orders-api", "statements", 0, "actions"], [], f"{S}.orders-api.statements[0].actions", "is empty"),
        ([S, "orders-api", "statements", 0, "resources"], [], f"{S}.orders-api.statements[0].resources", "is empty"),
        (
            [S, "orders-api", "statements", 0, "actions"],
            ["dynamodb"],
            f"{S}.orders-api.statements[0].actions",
            "service:ActionName",
        ),
        (
            [S, "orders-api", "statements", 0, "resources"],
            ["table/x"],
            f"{S}.orders-api.statements[0].resources",
            "neither an ARN",
        ),
        (
            [S, "orders-api", "statements", 0, "resources"],
            ["arn:${partiton}:dynamodb:::x"],
            f"{S}.orders-api.statements[0].resources",
            "unknown variable",
        ),
        (
            [S, "log-shipper", "statements", 0, "resources"],
            ["arn:aws-cn:s3:::b/*"],
            f"{S}.log-shipper.statements[0].resources",
            "partition 'aws-cn'",
        ),
        ([S, "orders-api", "statements"], _DELETE, f"{S}.orders-api.statements", "grants nothing"),
        (
            [S, "orders-api", "policyFiles"],
            [{"file": "policies/missing.json"}],
            f"{S}.orders-api.policyFiles[0]",
            "cannot be read",
        ),
        (
            ["eks-irsa:cluster", "nodeGroups", "general", "imdsHopLimit"],
            2,
            "eks-irsa:cluster.nodeGroups.general.imdsHopLimit",
            "borrow the node role",
        ),
        (
            ["eks-irsa:cluster", "endpoint", "publicAccessCidrs"],
            ["0.0.0.0/0"],
            "eks-irsa:cluster.endpoint.publicAccessCidrs",
            "more than a /8",
        ),
        (
            ["eks-irsa:cluster", "endpoint", "publicAccessCidrs"],
            ["0.0.0.0/1", "128.0.0.0/1"],
            "eks-irsa:cluster.endpoint.publicAccessCidrs",
            "more than a /8",
        ),
        (
            ["eks-irsa:cluster", "endpoint", "publicAccessCidrs"],
            ["not-a-cidr"],
            "eks-irsa:cluster.endpoint.publicAccessCidrs",
            "is not an IPv4 network",
        ),
        (
            ["eks-irsa:cluster", "endpoint", "publicAccessCidrs"],
            [],
            "eks-irsa:cluster.endpoint.publicAccessCidrs",
            "whole internet",
        ),
        (["eks-irsa:cluster", "name"], "acme dev", "eks-irsa:cluster.name", "not an EKS cluster name"),
        (["eks-irsa:cluster", "tpyo"], 1, "eks-irsa:cluster.tpyo", "is not a known field"),
        (["aws:allowedAccountIds"], ["1234"], "aws:allowedAccountIds[0]", "fails the schema"),
        (["aws:region"], "mars-north-1", "aws:region", "not a region of any AWS partition"),
    ],
)
def test_bad_input_names_field_and_rule(dev_config, path, value, field, rule):
    _set(dev_config, path, value)
    problems = _problems(dev_config)
    matching = [p for p in problems if p.field == field and rule in p.rule]
    assert matching, f"no problem on {field} with {rule!r}; got {[(p.field, p.rule) for p in problems]}"
    if value is not _DELETE and path[-1] not in ("namespce", "tpyo"):
        items = value if isinstance(value, list) else [value]
        needles = [str(v) for item in items for v in (item.values() if isinstance(item, dict) else [item])]
        assert any(p.value == value or any(n in str(p.value) for n in needles) for p in matching)


def test_two_services_on_one_service_account_are_refused(dev_config):
    dev_config[S]["orders-api"]["serviceAccount"] = "log-shipper"
    dev_config[S]["orders-api"]["namespace"] = "observability"
    problems = _problems(dev_config)
    assert [(p.field, p.value) for p in problems] == [
        (f"{S}.orders-api.serviceAccount", "observability/log-shipper"),
        (f"{S}.orders-api.roleName", "acme-dev-observability-log-shipper"),
    ]


def test_role_names_clash_case_insensitively(dev_config):
    dev_config[S]["orders-api"]["roleName"] = "ACME-DEV-OBSERVABILITY-LOG-SHIPPER"
    assert [p.field for p in _problems(dev_config)] == [f"{S}.orders-api.roleName"]


def test_a_clash_is_reported_at_the_service_whose_role_name_was_written_not_the_one_derived(dev_config):
    """The README pastes a new service at the top of ``eks-irsa:services``; its explicit roleName takes an
    existing service's derived name. The problem names the new service and the one it clashes with."""
    taken = "acme-dev-orders-orders-api"  # orders-api's derived name: <cluster>-<namespace>-<service account>
    queue = "arn:aws:sqs:us-west-2:111122223333:acme-dev-invoices"
    new = {
        "namespace": "billing",
        "roleName": taken.upper(),
        "statements": [{"actions": ["sqs:ReceiveMessage"], "resources": [queue]}],
    }
    dev_config[S] = {"invoice-worker": new, **dev_config[S]}
    (problem,) = _problems(dev_config)
    assert (problem.field, problem.value) == (f"{S}.invoice-worker.roleName", taken.upper())
    assert "clashes with the role of orders-api" in problem.rule


def test_of_two_derived_role_names_the_later_by_name_is_blamed(dev_config):
    dev_config[S]["orders-api"]["serviceAccount"] = "log-shipper"
    dev_config[S]["orders-api"]["namespace"] = "observability"
    dev_config[S] = {"orders-api": dev_config[S].pop("orders-api"), **dev_config[S]}
    roles = [p for p in _problems(dev_config) if p.field.endswith(".roleName")]
    assert [p.field for p in roles] == [f"{S}.orders-api.roleName"]
    assert "(its derived role name) clashes with the role of log-shipper" in roles[0].rule


def test_the_vpc_cni_service_account_is_taken(dev_config):
    dev_config[S]["cni"] = {
        "namespace": "kube-system",
        "serviceAccount": "aws-node",
        "managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"],
        "managedPolicyJustifications": {
            "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy": "Infrastructure modification: pods' network interfaces."
        },
    }
    assert "vpc-cni" in _problems(dev_config)[0].rule


def test_every_problem_is_reported_at_once(dev_config):
    dev_config[S]["orders-api"]["namespace"] = "Orders"
    dev_config[S]["log-shipper"]["maxSessionDuration"] = 1
    error_fields = {p.field for p in _problems(dev_config)}
    assert error_fields == {f"{S}.orders-api.namespace", f"{S}.log-shipper.maxSessionDuration"}


def test_error_message_names_field_value_rule_source_and_fix(dev_config):
    dev_config[S]["orders-api"]["namespace"] = "Orders"
    with pytest.raises(IrsaConfigError) as caught:
        load_catalog(dev_config, PROJECT)
    assert str(caught.value) == (
        f"{S}.orders-api.namespace: 'Orders' is not a DNS-1123 label (lower-case letters, digits and '-', "
        "starting and ending alphanumeric) (rule: Kubernetes docs, 'Object Names and IDs'). Fix: use lower case "
        "and '-' only"
    )


def test_partition_follows_the_region(dev_config):
    dev_config["aws:region"] = "cn-north-1"
    settings = load_catalog(dev_config, PROJECT)
    assert settings.partition == "aws-cn"
    plans = settings.plans.values()
    arns = [r for plan in plans for st in plan.statements for r in st.resources if r.startswith("arn:")]
    arns += [a for plan in plans for a in plan.managed_policy_arns]
    assert arns and all(a.startswith("arn:aws-cn:") for a in arns)


def test_addon_needs_its_scope_and_a_known_name(dev_config):
    dev_config[S]["dns"] = {"namespace": "kube-system", "addon": {"name": "external-dns"}}
    problems = _problems(dev_config)
    assert [p.field for p in problems] == [f"{S}.dns.addon.hostedZoneIds"]
    dev_config[S]["dns"]["addon"] = {"name": "externaldns"}
    assert "external-dns" in _problems(dev_config)[0].fix


def test_addon_defaults_to_its_usual_service_account(dev_config):
    dev_config[S]["dns"] = {
        "namespace": "kube-system",
        "addon": {"name": "external-dns", "hostedZoneIds": ["Z0123456789ABC"]},
    }
    plan = load_catalog(dev_config, PROJECT).plans["dns"]
    assert plan.service_accounts == ("external-dns",)
    assert any("arn:aws:route53:::hostedzone/Z0123456789ABC" in st.resources for st in plan.statements)


@pytest.mark.parametrize(
    ("arn", "rule"),
    [
        # Judged by their documents: Action "*", and s3:* (every action of a service).
        ("arn:aws:iam::aws:policy/AdministratorAccess", "IRSA_ALL_ACTIONS"),
        ("arn:aws:iam::aws:policy/AmazonS3FullAccess", "IRSA_SERVICE_WILDCARD"),
        ("arn:aws:s3:::x:policy/y", "is not an IAM policy ARN"),
    ],
)
def test_broad_or_malformed_managed_policies_are_refused(dev_config, arn, rule):
    dev_config[S]["orders-api"]["managedPolicyArns"] = [arn]
    assert any(rule in p.rule and p.value == arn for p in _problems(dev_config))


@pytest.mark.parametrize(
    ("namespace", "pattern", "owner"),
    [("orders", "orders-*", "orders-api"), ("kube-system", "aws-*", "the cluster's vpc-cni add-on")],
)
def test_a_pattern_may_not_cover_another_services_account(dev_config, namespace, pattern, owner):
    dev_config[S]["jobs"] = {
        "namespace": namespace,
        "subjectPattern": pattern,
        "statements": [{"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/*"]}],
    }
    problems = [p for p in _problems(dev_config) if p.field == f"{S}.jobs.subjectPattern"]
    assert problems and all(owner in p.rule for p in problems if owner in p.rule)
    assert any(owner in p.rule for p in problems)


@pytest.mark.parametrize("pattern", ["*-*", "*a", "-*", "?x*"])
def test_a_pattern_must_start_with_a_literal_name(dev_config, pattern):
    dev_config[S]["jobs"] = {
        "namespace": "jobs",
        "subjectPattern": pattern,
        "statements": [{"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/*"]}],
    }
    assert [p.field for p in _problems(dev_config)] == [f"{S}.jobs.subjectPattern"]


@pytest.mark.parametrize("name", ["acme-dev", "acme-dev-vpc-cni"])
def test_service_names_of_the_clusters_own_components_are_refused(dev_config, name):
    dev_config[S][name] = {
        "namespace": "jobs",
        "statements": [{"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/*"]}],
    }
    assert f"{S}.{name}" in [p.field for p in _problems(dev_config)]


def test_more_managed_policies_than_the_quota_are_refused(dev_config):
    dev_config[S]["orders-api"]["managedPolicyArns"] = [f"arn:aws:iam::111122223333:policy/p{i}" for i in range(11)]
    problems = [p for p in _problems(dev_config) if p.field == f"{S}.orders-api.managedPolicyArns"]
    assert [(p.value, p.rule) for p in problems] == [(11, "policies to attach; a role takes at most 10")]


ALB = "aws-load-balancer-controller"
UNCONDITIONED_STAR = [1, 2, 3, 4, 9, 15]
"""Statements of the published load balancer controller policy (policies/aws-load-balancer-controller.json,
0-based) that put "*" under no Condition: read by hand from the file."""


def test_a_file_wide_justification_does_not_cover_unconditioned_resource_star(dev_config: dict) -> None:
    del dev_config[S][ALB]["policyFiles"][0]["justifications"]
    problems = _problems(dev_config)
    star = [p.field for p in problems if "IRSA_RESOURCE_STAR" in p.rule]
    assert star == [f"{S}.{ALB}.policyFiles[0].Statement[{n}]" for n in UNCONDITIONED_STAR]
    # The five of them that write (all but the read-only statement 1) reach infrastructure modification; the
    # two that read on "*" (statement 1's coip-pool and VPC reads, statement 2's certificate and WAF reads)
    # data exfiltration (access level Read, Service Authorization Reference).
    risky = [p.field for p in problems if "infrastructure modification" in p.rule]
    assert risky == [f"{S}.{ALB}.policyFiles[0].Statement[{n}]" for n in UNCONDITIONED_STAR if n != 1]
    reads = [p.field for p in problems if "'data exfiltration'" in p.rule]
    assert reads == [f"{S}.{ALB}.policyFiles[0].Statement[{n}]" for n in (1, 2)]
    assert len(problems) == len(star) + len(risky) + len(reads)


def test_each_unconditioned_resource_star_statement_needs_its_own_justification(dev_config: dict) -> None:
    del dev_config[S][ALB]["policyFiles"][0]["justifications"]["9"]
    problems = _problems(dev_config)
    assert {p.field for p in problems} == {f"{S}.{ALB}.policyFiles[0].Statement[9]"}
    assert any("IRSA_RESOURCE_STAR" in p.rule for p in problems)
    assert any("infrastructure modification" in p.rule for p in problems)


def test_a_justification_keyed_by_no_statement_is_refused(dev_config: dict) -> None:
    dev_config[S][ALB]["policyFiles"][0]["justifications"]["16"] = "there is no statement 16"
    (problem,) = _problems(dev_config)
    assert problem.field == f"{S}.{ALB}.policyFiles[0].justifications"
    assert problem.value == ["16"]


@pytest.mark.parametrize("name", ["0[", "a.b", "orders-api["])
@pytest.mark.parametrize("value", ["", None])
def test_a_service_name_with_a_bracket_or_dot_and_no_mapping_is_named_not_a_crash(dev_config, name, value) -> None:
    # Found by tests/test_fuzz_catalog.py: the schema problem's path was cut at the first '[' or '.'.
    dev_config[S][name] = value
    fields = [p.field for p in _problems(dev_config)]
    assert f"{S}.{name}" in fields
