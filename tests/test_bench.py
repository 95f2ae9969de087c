"""The benchmark's catalog generator and run analysis (correctness only; no timing is asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eks_irsa.catalog import load_catalog
from eks_irsa.iam.limits import policy_size
from eks_irsa.testing import Registration, run_program
from tools import bench
from tools.bench import (
    CLUSTER_TYPE,
    K8S_PROVIDER_TYPE,
    NODE_GROUP_TYPE,
    ROLE_TYPE,
    analyze,
    generate_catalog,
    longest_paths_to,
    prerequisite_edges,
)

ROOT = Path(__file__).resolve().parents[1]
S = "eks-irsa:services"


def reg(type_: str, name: str, parent=None, provider=None, deps=(), inputs=None, custom=True) -> Registration:
    return Registration(
        type=type_,
        name=name,
        parent=parent,
        provider=provider,
        protect=False,
        dependencies=tuple(deps),
        inputs=inputs or {},
        outputs={},
        custom=custom,
    )


# --- generator -------------------------------------------------------------------------------------


def test_catalog_is_deterministic_per_seed():
    assert generate_catalog(50, seed=7) == generate_catalog(50, seed=7)
    assert generate_catalog(50, seed=7) != generate_catalog(50, seed=8)


@pytest.mark.parametrize("n", [1, 10, 1000])
def test_catalog_passes_the_real_settings_loader(n):
    settings = load_catalog(generate_catalog(n), ROOT)
    assert len(settings.services) == n
    assert all(len(plan.role_name) <= 64 for plan in settings.plans.values())
    # ${partition}, ${region}, ${account} were all filled in.
    resources = [r for plan in settings.plans.values() for st in plan.statements for r in st.resources]
    assert all("${" not in r for r in resources)


def test_catalog_shape_namespaces_statements_and_managed_arns():
    catalog = generate_catalog(100)
    services = catalog[S]
    assert len({s["namespace"] for s in services.values()}) == 10
    actions = {a for s in services.values() for st in s["statements"] for a in st["actions"]}
    assert {"s3:PutObject", "s3:GetObject", "dynamodb:Query", "secretsmanager:GetSecretValue"} <= actions
    with_arns = [name for name, s in services.items() if s.get("managedPolicyArns")]
    assert len(with_arns) == 20  # every 5th service
    assert all(
        a.startswith("arn:${partition}:iam::aws:policy/") for n in with_arns for a in services[n]["managedPolicyArns"]
    )
    assert sum(len(services[n]["managedPolicyArns"]) for n in with_arns) == 24  # every 25th has two


def test_catalog_refuses_empty():
    with pytest.raises(ValueError):
        generate_catalog(0)


# --- graph analysis on hand-made registrations ---------------------------------------------------------


def _cluster_and_service(role_deps=("bench",)):
    return [
        reg("eks-irsa:index:EksCluster", "bench", custom=False),
        reg(CLUSTER_TYPE, "bench", parent="bench"),
        reg(K8S_PROVIDER_TYPE, "bench-k8s", parent="bench", deps=["bench"]),
        reg(NODE_GROUP_TYPE, "bench-general", parent="bench", deps=["bench"]),
        reg("eks-irsa:index:IrsaRole", "svc", custom=False),
        reg(ROLE_TYPE, "svc-role", parent="svc", deps=role_deps, inputs={"assumeRolePolicy": '{"a": 1}'}),
        reg(
            "aws:iam/rolePolicy:RolePolicy",
            "svc-permissions",
            parent="svc",
            deps=["svc-role"],
            inputs={"policy": "{ }"},
        ),
        reg(
            "kubernetes:core/v1:ServiceAccount",
            "svc-sa-svc",
            parent="svc",
            provider="bench-k8s",
            deps=["svc-permissions", "svc-role"],
        ),
    ]


CONFIG_ONE = {S: {"svc": {"namespace": "team"}}}


def test_clean_role_and_chain_length():
    result = analyze(_cluster_and_service(), [], CONFIG_ONE)
    assert result["role_violations"] == []
    # Cluster -> role -> permissions -> ServiceAccount is longer than cluster -> k8s provider -> ServiceAccount.
    assert result["longest_chain"]["edges"] == 3
    assert result["longest_chain"]["path"] == [
        f"{CLUSTER_TYPE} bench",
        f"{ROLE_TYPE} svc-role",
        "aws:iam/rolePolicy:RolePolicy svc-permissions",
        "kubernetes:core/v1:ServiceAccount svc-sa-svc",
    ]
    assert result["resources_per_service"]["max"] == 3
    assert result["over_budget"] == {}
    assert result["trust_policy_size"]["max"] == policy_size('{"a": 1}')
    assert result["permissions_policy_size"]["max"] == 2


@pytest.mark.parametrize(
    ("role_deps", "culprit"),
    [
        (["bench", "bench-general"], f"{NODE_GROUP_TYPE} bench-general"),
        (["bench-k8s"], f"{K8S_PROVIDER_TYPE} bench-k8s"),
    ],
)
def test_role_waiting_for_node_group_or_kubernetes_provider_is_flagged(role_deps, culprit):
    result = analyze(_cluster_and_service(role_deps), [], CONFIG_ONE)
    assert result["role_violations"] == [{"service": "svc", "waits_for": [culprit]}]


def test_transitive_wait_through_another_resource_is_flagged():
    registrations = _cluster_and_service(["svc-helper"])
    registrations.append(reg("aws:iam/policy:Policy", "svc-helper", deps=["bench-general"]))
    result = analyze(registrations, [], CONFIG_ONE)
    assert result["role_violations"][0]["waits_for"] == [f"{NODE_GROUP_TYPE} bench-general"]


def test_resources_over_budget_and_invokes_are_counted():
    registrations = _cluster_and_service()
    registrations.append(reg("aws:iam/policy:Policy", "svc-extra", parent="svc"))
    result = analyze(registrations, ["aws:eks/getCluster:getCluster"], CONFIG_ONE)
    assert result["over_budget"] == {"svc": {"resources": 4, "budget": 3}}
    assert result["invokes"] == 1
    assert result["invokes_per_service"] == 1.0


def test_managed_arn_raises_the_budget():
    registrations = _cluster_and_service()
    registrations.append(reg("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "svc-attach-1", parent="svc"))
    config = {S: {"svc": {"namespace": "team", "managedPolicyArns": ["arn:aws:iam::aws:policy/X"]}}}
    assert analyze(registrations, [], config)["over_budget"] == {}


def test_provider_edge_counts_as_a_dependency():
    registrations = [
        reg(CLUSTER_TYPE, "bench"),
        reg(K8S_PROVIDER_TYPE, "bench-k8s", deps=["bench"]),
        reg("kubernetes:core/v1:ServiceAccount", "svc-sa-svc", provider="bench-k8s"),
    ]
    length, _, _ = longest_paths_to(registrations, prerequisite_edges(registrations), CLUSTER_TYPE)
    assert length == [0, 1, 2]


def test_long_serial_chain_needs_no_recursion():
    count = 5000
    registrations = [reg(CLUSTER_TYPE, "n0")] + [reg("t", f"n{i}", deps=[f"n{i - 1}"]) for i in range(1, count)]
    length, _, cycles = longest_paths_to(registrations, prerequisite_edges(registrations), CLUSTER_TYPE)
    assert length[-1] == count - 1
    assert cycles == 0


def test_cycles_are_counted_not_followed():
    registrations = [reg("t", "a", deps=["b"]), reg("t", "b", deps=["a"])]
    length, _, cycles = longest_paths_to(registrations, prerequisite_edges(registrations), CLUSTER_TYPE)
    assert cycles == 1
    assert length == [None, None]


# --- the real programs at N=10 ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runs():
    config = generate_catalog(10)
    return config, {name: run_program(path, config, bench.STACK) for name, path in bench.PROGRAMS.items()}


def test_real_program_meets_the_structural_targets(runs):
    config, by_program = runs
    run = by_program["ours"]
    result = analyze(run.registrations, run.invokes, config)
    # The stack's getClusters and getCallerIdentity: its admins are checked against the cluster's creator.
    assert result["invokes"] == 2
    assert result["invokes_per_service"] == 0
    assert result["over_budget"] == {}
    assert result["resources_per_service"]["min"] >= 3
    assert result["role_violations"] == []
    assert result["cycles"] == 0
    assert result["longest_chain"]["services_reaching_cluster"] == 10
    assert result["longest_chain"]["edges"] >= 2
    # Trust sizes are the policy_size of what the role really got.
    role = next(r for r in run.registrations if r.type == ROLE_TYPE and r.parent and r.parent in config[S])
    trust_sizes = result["trust_policy_size"]
    assert trust_sizes["min"] <= policy_size(role.inputs["assumeRolePolicy"]) <= trust_sizes["max"]


def test_baseline_registers_the_same_provider_resources(runs):
    """If this fails, the program gained or lost resources: update tools/baseline_program to match."""
    config, by_program = runs
    ours = analyze(by_program["ours"].registrations, [], config)
    baseline = analyze(by_program["baseline"].registrations, [], config)
    compared = bench.compare_resources(ours, baseline)
    assert compared["same"], compared
    assert baseline["components"] == 0
    assert ours["components"] >= 10  # one IrsaRole per service at least
    assert baseline["invokes"] == 0


# --- reporting ---------------------------------------------------------------------------------------


def _size(n, ours_s, base_s, rss=100 * 1024**2, over=0, invokes=0.0, base_rss=100 * 1024**2):
    spread = {"median": ours_s, "min": ours_s, "max": ours_s, "n": 1}
    return {
        "baseline": {"peak_rss_bytes": {"median": base_rss, "min": base_rss, "max": base_rss, "n": 1}},
        "n": n,
        "ratio_program": ours_s / base_s,
        "ratio_cpu": ours_s / base_s,
        "ours": {
            "program_s": spread,
            "process_s": spread,
            "peak_rss_bytes": {"median": rss, "min": rss, "max": rss, "n": 1},
        },
        "analysis": {
            "invokes_per_service": invokes,
            "over_budget": {f"s{i}": {} for i in range(over)},
            "resources_per_service": {"min": 3, "median": 3, "max": 3, "n": 1},
            "role_violations": [],
        },
    }


def _imports(over: float) -> dict:
    return {"eks_irsa_over_pulumi": over}


def test_targets_pass_and_fail_on_the_numbers():
    sizes = [_size(10, 1.5, 1.0), _size(100, 1.0, 1.0), _size(1000, 10.0, 9.0)]
    good = {t["target"]: t["passed"] for t in bench.evaluate_targets(sizes, _imports(0.05))}
    assert all(good.values()), good
    sizes = [_size(10, 1.7, 1.0), _size(100, 1.0, 1.0), _size(1000, 21.0, 10.0, rss=2 * 1024**3, over=1, invokes=2)]
    failed = [t["target"] for t in bench.evaluate_targets(sizes, _imports(0.2)) if t["passed"] is False]
    # import, ratio at 10 and at 1000, scaling, invokes, budget, 20 s, memory, memory over the baseline's
    assert len(failed) == 9, failed


def test_targets_not_covered_by_the_sizes_are_not_claimed():
    targets = bench.evaluate_targets([_size(10, 1.0, 1.0)])
    assert [t["passed"] for t in targets if "1000" in t["target"]] == [None, None, None, None]
    assert [t["passed"] for t in targets if "import" in t["target"]] == [None]


def test_command_line_refuses_bad_sizes(capsys):
    with pytest.raises(SystemExit) as exit_info:
        bench.main(["--sizes", "0"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit):
        bench.main(["--sizes", "ten"])


def test_child_mode_writes_its_result(tmp_path):
    config = tmp_path / "catalog.json"
    config.write_text(json.dumps(generate_catalog(3)))
    out = tmp_path / "result.json"
    assert bench.main(["--child", "baseline", "--config", str(config), "--result", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["registrations"] > 3 * 3
    assert result["invokes"] == 0
    assert result["peak_rss_bytes"] > 0
    assert result["gc_collections"] > 0 and 0 < result["gc_s"] < result["program_s"]
