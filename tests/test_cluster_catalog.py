"""The catalog's ``eks-irsa:cluster`` entry, derived from ``EksClusterArgs`` and ``NodeGroupArgs``, and its
``eks-irsa:existingCluster`` entry, derived from ``ExistingClusterArgs`` (:mod:`eks_irsa.contract.catalog`): every
field of the contract has one catalog key or a reason it is not offered, every key a user wrote before still means
what it meant, and a key written reaches the component's args.

What these tests cannot prove: that EKS accepts the values (no AWS account here), or that an editor shows the
schema's descriptions.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from eks_irsa.catalog import cluster_args, existing_cluster_args, load_catalog
from eks_irsa.contract.catalog import (
    CLUSTER_NAMES,
    CLUSTER_ONLY,
    CLUSTER_PROGRAM_FIELDS,
    ENDPOINT_FIELDS,
    EXISTING_ONLY,
    EXISTING_PROGRAM_FIELDS,
    NODE_GROUP_KEY,
    catalog_schema,
    cluster_keys,
    existing_keys,
)
from eks_irsa.contract.cluster import EksClusterArgs
from eks_irsa.contract.existing import ExistingClusterArgs
from eks_irsa.contract.fields import camel, fields
from eks_irsa.contract.nodegroup import NodeGroupArgs
from eks_irsa.errors import IrsaConfigError
from eks_irsa.plan.cluster import CLUSTER_BOUNDS
from eks_irsa.plan.existing import check_existing_cluster_args
from eks_irsa.provider import schema
from eks_irsa.versions import DEFAULT_KUBERNETES_VERSION

ACCOUNT = "111122223333"
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/platform-admin"
CREATOR = f"arn:aws:iam::{ACCOUNT}:role/creator"

NODE_GROUP = {
    "instanceTypes": ["m6i.large"],
    "amiType": "AL2023_x86_64_STANDARD",
    "minSize": 1,
    "desiredSize": 2,
    "maxSize": 3,
    "diskSize": 40,
    "labels": {"role": "general"},
    "imdsHopLimit": 2,
    "allowPodImdsAccess": True,
}
"""A node group entry with every key of ``$defs.nodeGroup``, each set to a value the rules accept."""

FULL = {
    "name": "acme",
    "kubernetesVersion": DEFAULT_KUBERNETES_VERSION,
    "upgradePolicy": "STANDARD",
    "vpcId": "vpc-0a1b2c3d",
    "privateSubnetIds": ["subnet-0000000a", "subnet-0000000b"],
    "publicSubnetIds": ["subnet-0000000c"],
    "endpoint": {
        "privateAccess": True,
        "publicAccess": True,
        "publicAccessCidrs": ["203.0.113.0/24"],
        "privateAccessCidrs": ["10.8.0.0/16"],
        "privateAccessSecurityGroupIds": ["sg-0123abcd"],
    },
    "admins": [ADMIN],
    "bootstrapCreatorAdmin": True,
    "protect": True,
    "deletionProtection": True,
    "controlPlaneLogs": ["api"],
    "tags": {"team": "platform"},
    "nodeGroups": {"general": NODE_GROUP},
    "oidcClientIds": ["sts.amazonaws.com", "vault"],
    "addonVersions": {},
    "autoMode": False,
}
"""An ``eks-irsa:cluster`` entry with every key of ``$defs.cluster``: a new field of the contract becomes a key the
schema lists, and :func:`test_the_full_entry_sets_every_key_the_schema_offers` asks for a value of it here."""

KEYS_BEFORE_DERIVATION = {
    "name",
    "kubernetesVersion",
    "vpcId",
    "privateSubnetIds",
    "publicSubnetIds",
    "endpoint.privateAccess",
    "endpoint.publicAccess",
    "endpoint.publicAccessCidrs",
    "endpoint.privateAccessCidrs",
    "endpoint.privateAccessSecurityGroupIds",
    "admins",
    "bootstrapCreatorAdmin",
    "protect",
    "deletionProtection",
    "controlPlaneLogs",
    "tags",
    "nodeGroups",
    "oidcClientIds",
    "upgradePolicy",
    "addonVersions",
    "autoMode",
    "nodeGroups.*.instanceTypes",
    "nodeGroups.*.amiType",
    "nodeGroups.*.minSize",
    "nodeGroups.*.maxSize",
    "nodeGroups.*.desiredSize",
    "nodeGroups.*.diskSize",
    "nodeGroups.*.labels",
    "nodeGroups.*.imdsHopLimit",
    "nodeGroups.*.allowPodImdsAccess",
}
"""Every ``eks-irsa:cluster`` key the hand-written schema of 0.4 had: users wrote them, so each stays."""


def _schema_keys(cluster: dict) -> set[str]:
    keys = set()
    for key, spec in cluster["properties"].items():
        inner = spec.get("properties")
        keys |= {f"{key}.{k}" for k in inner} if inner else {key}
    return keys


def _config(entry: dict) -> dict:
    return {"aws:region": "us-west-2", "aws:allowedAccountIds": [ACCOUNT], "eks-irsa:cluster": entry}


def test_every_key_a_user_wrote_before_is_still_a_catalog_key():
    defs = catalog_schema()["$defs"]
    written = _schema_keys(defs["cluster"]) | {f"nodeGroups.*.{k}" for k in defs["nodeGroup"]["properties"]}
    assert written >= KEYS_BEFORE_DERIVATION
    assert defs["cluster"]["required"] == ["name", "vpcId", "privateSubnetIds"]
    assert defs["nodeGroup"]["required"] == ["instanceTypes"]


def test_the_full_entry_sets_every_key_the_schema_offers():
    defs = catalog_schema()["$defs"]
    written = {f"endpoint.{key}" for key in FULL["endpoint"]} | set(FULL) - {"endpoint"}
    assert _schema_keys(defs["cluster"]) == written
    assert set(defs["nodeGroup"]["properties"]) == set(NODE_GROUP)


@pytest.mark.parametrize("bootstrap", [True, False])
def test_every_eks_cluster_args_field_comes_from_a_catalog_key_or_the_program(bootstrap: bool, tmp_path: Path):
    entry = {**copy.deepcopy(FULL), "bootstrapCreatorAdmin": bootstrap}
    settings = load_catalog(_config(entry), tmp_path, deployer=lambda: ADMIN, creator=lambda name: CREATOR)
    args = cluster_args(settings)
    looked_up = {"creator_arn"} if bootstrap else {"deployer_arn"}
    everything = {item.name for item in fields(EksClusterArgs)}
    assert set(args) == everything - ({"creator_arn", "deployer_arn"} - looked_up)
    assert set(settings.cluster.args) == everything - set(CLUSTER_PROGRAM_FIELDS) | looked_up
    keys = cluster_keys()
    for name, key in keys.items():
        if name in everything and name != "node_groups":
            *parent, leaf = key.split(".")
            assert args[name] == (FULL[parent[0]] if parent else {**FULL, "bootstrapCreatorAdmin": bootstrap})[leaf]
    [group] = args["node_groups"]
    assert group == {NODE_GROUP_KEY: "general", **{n: NODE_GROUP[keys[n]] for n in group if n != NODE_GROUP_KEY}}
    assert set(group) == {item.name for item in fields(NodeGroupArgs)}
    assert settings.cluster.protect is True


def test_the_fields_not_offered_are_named_with_where_they_come_from():
    names = {item.name for item in fields(EksClusterArgs)}
    assert set(CLUSTER_PROGRAM_FIELDS) <= names
    assert all(CLUSTER_PROGRAM_FIELDS.values())
    assert not set(CLUSTER_PROGRAM_FIELDS) & set(cluster_keys())
    assert set(CLUSTER_NAMES) | set(ENDPOINT_FIELDS) <= names - set(CLUSTER_PROGRAM_FIELDS)
    group = {item.name for item in fields(NodeGroupArgs)}
    for bound in CLUSTER_BOUNDS:
        assert bound.field in {"EksClusterArgs": names, "NodeGroupArgs": group}[bound.owner], bound
    assert not set(CLUSTER_ONLY) & {key.split(".")[0] for key in cluster_keys().values()}


def test_the_catalog_and_the_multi_language_eks_cluster_differ_only_where_the_table_says():
    hosted = set(schema()["resources"]["eks-irsa:index:EksCluster"]["inputProperties"])
    keys = cluster_keys()
    offered = [item.name for item in fields(EksClusterArgs) if item.name in keys]
    assert hosted == {camel(name) for name in offered} | {camel(name) for name in CLUSTER_PROGRAM_FIELDS}
    assert {name for name in offered if keys[name] != camel(name)} == set(CLUSTER_NAMES) | set(ENDPOINT_FIELDS)
    assert all(keys[item.name] == camel(item.name) for item in fields(NodeGroupArgs) if item.name != NODE_GROUP_KEY)


@pytest.mark.parametrize(
    ("change", "field", "fix"),
    [
        ({"controlPlaneLogs": ["api", "Audit"]}, "eks-irsa:cluster.controlPlaneLogs[1]", "use one of: api, audit, "),
        (
            {"nodeGroups": {"general": {**NODE_GROUP, "amiType": "AL2_x86_64_GP"}}},
            "eks-irsa:cluster.nodeGroups.general.amiType",
            "use one of: AL2023_x86_64_STANDARD, ",
        ),
        (
            {"nodeGroups": {"general": {**NODE_GROUP, "allowPodImdsAccess": False}}},
            "eks-irsa:cluster.nodeGroups.general.imdsHopLimit",
            "keep 1, or set allowPodImdsAccess",
        ),
        (
            {"nodeGroups": {"general": {**NODE_GROUP, "minSize": 5}}},
            "eks-irsa:cluster.nodeGroups.general",
            "order the sizes",
        ),
    ],
)
def test_a_cluster_problem_names_the_catalog_key_and_the_fix_in_catalog_words(
    change: dict, field: str, fix: str, tmp_path: Path
):
    with pytest.raises(IrsaConfigError) as raised:
        load_catalog(_config({**copy.deepcopy(FULL), **change}), tmp_path, creator=lambda name: CREATOR)
    [problem] = raised.value.problems
    assert (problem.field, problem.fix[: len(fix)]) == (field, fix)


EXISTING = {
    "name": "shared",
    "stackReference": "acme/platform/prod",
    "oidcClientIds": ["sts.amazonaws.com"],
    "tags": {},
}
"""An ``eks-irsa:existingCluster`` entry with every key of ``$defs.existingCluster``."""


def test_every_existing_cluster_args_field_comes_from_a_catalog_key_or_the_program(tmp_path: Path):
    existing = catalog_schema()["$defs"]["existingCluster"]
    assert set(existing["properties"]) == set(EXISTING) and existing["required"] == ["name"]
    config = {**_config(EXISTING), "eks-irsa:existingCluster": EXISTING}
    del config["eks-irsa:cluster"]
    settings = load_catalog(config, tmp_path)
    args = existing_cluster_args(settings)
    assert set(args) == {item.name for item in fields(ExistingClusterArgs)}
    assert set(settings.cluster.args) == set(existing_keys()) == set(args) - set(EXISTING_PROGRAM_FIELDS)
    assert (args["cluster_name"], args["stack_reference"], args["account_id"]) == (
        "shared",
        "acme/platform/prod",
        ACCOUNT,
    )
    assert not set(EXISTING_ONLY) & set(existing_keys().values())
    with pytest.raises(TypeError, match="has no EksClusterArgs"):
        cluster_args(settings)


def test_the_schema_shows_each_bound_the_cluster_rule_owns_and_no_other_for_its_field():
    defs = catalog_schema()["$defs"]
    keys = cluster_keys()
    for bound in CLUSTER_BOUNDS:
        *parent, key = keys[bound.field].split(".")
        where = defs["nodeGroup"] if bound.owner == "NodeGroupArgs" else defs["cluster"]
        spec = where["properties"][parent[0]]["properties"][key] if parent else where["properties"][key]
        for keyword, value in bound.keywords.items():
            assert spec[keyword] == ({**spec[keyword], **value} if isinstance(value, dict) else value), bound


BOUND_KEYWORDS = {"pattern", "minimum", "maximum", "minItems", "maxItems", "minLength", "maxLength", "minProperties"}


def _bound_keywords(spec: dict, where: str) -> set[tuple[str, str]]:
    """``(where, keyword)`` of each bound keyword in ``spec``, its ``items`` and nested properties."""
    found = {(where, k) for k in spec if k in BOUND_KEYWORDS}
    found |= {(where, k) for k in spec.get("items", {}) if k in BOUND_KEYWORDS}
    for key, inner in spec.get("properties", {}).items():
        found |= _bound_keywords(inner, key)
    return found


def test_every_bound_the_cluster_schemas_show_is_a_keyword_of_the_rules_table():
    defs = catalog_schema()["$defs"]
    keys = cluster_keys()
    owned = {
        (keys[bound.field].split(".")[-1], keyword)
        for bound in CLUSTER_BOUNDS
        for keyword in {*bound.keywords, *bound.keywords.get("items", {})} - {"items"}
    }
    shown = _bound_keywords(defs["cluster"], "") | _bound_keywords(defs["nodeGroup"], "")
    shown |= _bound_keywords(defs["existingCluster"], "")
    assert shown - {("", k) for k in BOUND_KEYWORDS} <= owned, "a bound the schema checks that no rule owns"
    assert ("kubernetesVersion", "pattern") in shown and ("instanceTypes", "minItems") in shown
    assert "if" not in defs["cluster"] and "minProperties" not in defs["cluster"]["properties"]["nodeGroups"]
    assert defs["existingCluster"]["properties"]["oidcClientIds"]["maxItems"] == 100


@pytest.mark.parametrize(
    ("change", "field", "value"),
    [
        ({"nodeGroups": {"general": {**NODE_GROUP, "diskSize": 19}}}, "nodeGroups.general.diskSize", 19),
        ({"privateSubnetIds": ["subnet-0000000a"]}, "privateSubnetIds", ["subnet-0000000a"]),
        ({"vpcId": "vpc-0a1b2c3d4"}, "vpcId", "vpc-0a1b2c3d4"),
        ({"kubernetesVersion": "1.33.1"}, "kubernetesVersion", "1.33.1"),
        ({"oidcClientIds": ["sts.amazonaws.com", "x" * 256]}, "oidcClientIds[1]", "x" * 256),
        (
            {"nodeGroups": {"general": {**NODE_GROUP, "instanceTypes": ["m6i"]}}},
            "nodeGroups.general.instanceTypes[0]",
            "m6i",
        ),
    ],
)
def test_a_bound_the_schema_shows_is_refused_by_the_cluster_rule_in_catalog_words(
    change: dict, field: str, value: object, tmp_path: Path
):
    with pytest.raises(IrsaConfigError) as raised:
        load_catalog(_config({**copy.deepcopy(FULL), **change}), tmp_path, creator=lambda name: CREATOR)
    [problem] = raised.value.problems
    assert (problem.field, problem.value) == (f"eks-irsa:cluster.{field}", value)
    assert problem.source in {bound.source for bound in CLUSTER_BOUNDS}


def test_an_existing_cluster_entry_is_checked_by_the_existing_cluster_rule(tmp_path: Path):
    config = {**_config(EXISTING), "eks-irsa:existingCluster": {**EXISTING, "name": "a" * 101}}
    del config["eks-irsa:cluster"]
    with pytest.raises(IrsaConfigError) as raised:
        load_catalog(config, tmp_path)
    assert [p.field for p in raised.value.problems] == ["eks-irsa:existingCluster.name"]
    assert [
        p.field
        for p in check_existing_cluster_args({"cluster_name": "a" * 101, "partition": "aws", "account_id": ACCOUNT})
    ] == ["cluster_name"]


@pytest.mark.parametrize(("ids", "field"), [([], "oidcClientIds"), (["x" * 256], "oidcClientIds[0]")])
def test_an_existing_clusters_client_ids_are_refused_by_the_cluster_rules_quota(ids: list, field: str, tmp_path: Path):
    config = {**_config(EXISTING), "eks-irsa:existingCluster": {**EXISTING, "oidcClientIds": ids}}
    del config["eks-irsa:cluster"]
    with pytest.raises(IrsaConfigError) as raised:
        load_catalog(config, tmp_path)
    [problem] = raised.value.problems
    bound = [b for b in CLUSTER_BOUNDS if b.field == "oidc_client_ids" and b.rule == problem.rule]
    assert (problem.field, problem.value, len(bound)) == (f"eks-irsa:existingCluster.{field}", ids[0] if ids else [], 1)
    assert problem.source == bound[0].source
