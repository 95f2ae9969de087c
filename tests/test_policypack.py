"""The policy pack (``policypack/``) judged through pulumi-policy's own argument objects, without the CLI.

Each policy's ``validate`` is called the way pulumi-policy's analyzer calls it: resource policies with a
``ResourceValidationArgs`` whose props go through the SDK's ``unknown_checking_proxy``, stack policies
with a ``StackValidationArgs`` of ``PolicyResource`` s linked by their dependencies. The inputs are the
registrations of our own program under the mock monitor (every stack file, as a deploy and as a first
preview) and documents from public failure reports (each cited in :data:`REPORTS`).

What this cannot prove: the Pulumi CLI's side (installing the pack's venv, sending the engine's real
property values, unknowns and default provider settings, and which moments it runs stack policies
at); the mocks' registrations stand in for the engine's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from eks_irsa.catalog import load_catalog
from eks_irsa.testing import UNKNOWN, Registration, config_from_stack_file, run_program
from policypack.eks_irsa_policies import POLICIES

ROOT = Path(__file__).resolve().parent.parent
STACKS = sorted(p.name.split(".")[1] for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))
POLICY = {p.name: p for p in POLICIES}

# --- pulumi-policy's argument objects from plain values ----------------------------------------------------


def _sentinels(value: Any) -> Any:
    """The mock record's ``<unknown>`` as the engine sends an unknown: pulumi-policy's sentinel string."""
    if value == UNKNOWN:
        return UNKNOWN_STRING_VALUE
    if isinstance(value, Mapping):
        return {k: _sentinels(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_sentinels(v) for v in value]
    return value


def _urn(type_: str, name: str) -> str:
    return f"urn:pulumi:test::eks-irsa::{type_}::{name}"


def _opts() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def resource_args(
    type_: str,
    name: str,
    props: Mapping[str, Any],
    config: Mapping[str, Any] | None = None,
    provider: Mapping[str, Any] | None = None,
) -> ResourceValidationArgs:
    """What the analyzer builds for one resource: props behind the unknown-checking proxy."""
    policy_provider = None
    if provider is not None:
        policy_provider = PolicyProviderResource(
            "pulumi:providers:aws", unknown_checking_proxy(_sentinels(dict(provider))), _urn("provider", "p"), "p"
        )
    proxied = unknown_checking_proxy(_sentinels(dict(props)))
    return ResourceValidationArgs(type_, proxied, _urn(type_, name), name, _opts(), policy_provider, config)


def stack_args(resources: list[tuple[str, str, Mapping[str, Any], tuple[str, ...]]]) -> StackValidationArgs:
    """What the analyzer builds for a stack: ``(type, name, props, dependency names)`` linked by name."""
    built = {
        name: PolicyResource(
            type_, unknown_checking_proxy(_sentinels(dict(props))), _urn(type_, name), name, _opts(), None, None, [], {}
        )
        for type_, name, props, _ in resources
    }
    for _, name, _, deps in resources:
        built[name].dependencies.extend(built[d] for d in deps if d in built)
    return StackValidationArgs(list(built.values()))


class Outcome:
    """What one policy said: violations (message, urn), or that it skipped (unknown / not applicable)."""

    def __init__(self) -> None:
        self.violations: list[tuple[str, str | None]] = []
        self.unknown: str | None = None
        self.not_applicable: str | None = None

    def report(self, message: str, urn: str | None = None) -> None:
        self.violations.append((message, urn))


def run_policy(policy: ResourceValidationPolicy | StackValidationPolicy, args: Any) -> Outcome:
    """``policy.validate(args, report)`` as the analyzer runs it, catching what it turns into notes."""
    outcome = Outcome()
    try:
        policy.validate(args, outcome.report)
    except UnknownValueError as error:
        outcome.unknown = error.message
    except _NotApplicableError as error:
        outcome.not_applicable = error.reason
    return outcome


# --- our own stacks --------------------------------------------------------------------------------------------


def _default_provider(config: Mapping[str, Any]) -> dict[str, Any]:
    """The default AWS provider's inputs as the engine builds them from the stack's ``aws:`` config."""
    return {
        "region": config["aws:region"],
        "allowedAccountIds": json.dumps(config["aws:allowedAccountIds"]),
    }


def _justified(stack: str, config: Mapping[str, Any]) -> dict[str, str]:
    """The pack config a platform team would write for our catalog: each permissions resource of a
    service whose statements carry a justification (the components read it; raw documents lose it)."""
    settings = load_catalog(config, ROOT)
    out = {}
    for service in settings.services:
        reasons = [s.get("justification") for s in service.args.get("statements", []) if s.get("justification")]
        if reasons:
            for suffix in ("permissions", "policy-1", "policy-2"):
                out[f"{service.name}-{suffix}"] = reasons[0]
    return out


_RUNS: dict[tuple[str, bool], tuple[dict[str, Any], tuple[Registration, ...]]] = {}


def _run(stack: str, preview: bool) -> tuple[dict[str, Any], tuple[Registration, ...]]:
    if (stack, preview) not in _RUNS:
        config = config_from_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml")
        _RUNS[stack, preview] = config, run_program(ROOT / "__main__.py", config, stack, preview=preview).registrations
    return _RUNS[stack, preview]


def judge_stack(stack: str, preview: bool, justified: bool = True) -> dict[str, list[Outcome]]:
    """Every policy on every registration of one run of our program, as the analyzer would."""
    config, registrations = _run(stack, preview)
    by_name = {r.name: r for r in registrations}
    outcomes: dict[str, list[Outcome]] = {name: [] for name in POLICY}
    lint_config = {"resourceStarJustified": _justified(stack, config)} if justified else None
    for policy in POLICIES:
        if isinstance(policy, StackValidationPolicy):
            resources = [
                (r.type, r.name, r.inputs if preview else r.outputs, r.dependencies) for r in registrations if r.custom
            ]
            outcomes[policy.name].append(run_policy(policy, stack_args(resources)))
            continue
        for r in registrations:
            provider = by_name[r.provider].inputs if r.provider in by_name else _default_provider(config)
            args = resource_args(
                r.type, r.name, r.inputs, lint_config if policy.name == "iam-permissions-lint" else None, provider
            )
            outcomes[policy.name].append(run_policy(policy, args))
    return outcomes


@pytest.mark.parametrize("preview", [False, True], ids=["deploy", "preview"])
@pytest.mark.parametrize("stack", STACKS)
def test_our_stacks_pass_every_policy(stack, preview):
    outcomes = judge_stack(stack, preview)
    violations = {name: [v for o in found for v in o.violations] for name, found in outcomes.items()}
    assert {k: v for k, v in violations.items() if v} == {}
    assert all(o.not_applicable is None for found in outcomes.values() for o in found)


def test_preview_skips_unknown_values_with_a_note_and_judges_the_rest():
    """A first preview: trust policies and role ARNs are unknown. Nothing fails; each skipped check says why."""
    outcomes = judge_stack("dev", preview=True)
    notes = [o.unknown for o in outcomes["irsa-trust-conditions"] if o.unknown]
    assert notes and all(n == "string value at .assumeRolePolicy can't be known during preview" for n in notes)
    (stack_note,) = [o.unknown for o in outcomes["serviceaccount-role-trust"]]
    assert stack_note.startswith("not judged yet, a value is unknown: ")
    assert "orders-api-sa (string value at .metadata.annotations.eks.amazonaws.com/role-arn" in stack_note
    # The node role's trust is known at preview and was judged, not skipped.
    judged = [o for o in outcomes["irsa-trust-conditions"] if o.unknown is None]
    assert len(judged) > len(notes)


def test_a_justification_is_what_lets_our_load_balancer_controller_pass_the_lint():
    """The components read a statement's justification; the pack reads its config. Without it, the
    published policy's Resource "*" statements fail, named with the resource and the fix."""
    outcomes = judge_stack("dev", preview=False, justified=False)
    messages = [m for o in outcomes["iam-permissions-lint"] for m, _ in o.violations]
    assert messages
    head = "aws-load-balancer-controller-permissions: policy fails the permissions lint"
    assert all(m.startswith(head) for m in messages)
    assert all("IRSA_RESOURCE_STAR" in m and "resourceStarJustified" in m for m in messages)
