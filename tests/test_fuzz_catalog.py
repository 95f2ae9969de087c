"""Random and malformed catalogs: each loads or raises IrsaConfigError naming a field, never a bare
KeyError/TypeError, and a program that fails registers nothing."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eks_irsa.catalog import load_catalog
from eks_irsa.errors import IrsaConfigError
from eks_irsa.testing import EksIrsaMocks, config_from_stack_file, run_program
from tests.conftest import PROGRAM, PROJECT

BASE = config_from_stack_file(PROJECT / "stacks" / "Pulumi.dev.yaml")

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 100_000),
    st.floats(allow_nan=False),
    st.text(max_size=80),
    st.sampled_from(["", "*", "Orders", "a" * 70, "arn:aws:s3:::x", "https://x/", "${nope}", "kube-system"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12,
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _paths(child, (*prefix, index))


PATHS = [p for p in _paths(BASE) if p]


@st.composite
def mutated_configs(draw):
    config = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        target = config
        try:
            for key in path[:-1]:
                target = target[key]
            if draw(st.booleans()) and isinstance(target, dict):
                target.pop(path[-1], None)
            else:
                target[path[-1]] = draw(values)
        except (KeyError, IndexError, TypeError):
            continue
    return config


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_configs())
def test_catalog_loads_or_raises_our_error_with_a_field(config):
    try:
        load_catalog(config, PROJECT)
    except IrsaConfigError as error:
        assert error.problems
        assert all(p.field and p.rule and p.source and p.fix for p in error.problems)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_configs())
def test_a_failing_program_registers_nothing(config):
    try:
        load_catalog(config, PROJECT)
    except IrsaConfigError:
        mocks = EksIrsaMocks()
        with pytest.raises(IrsaConfigError):
            run_program(PROGRAM, config, "fuzz", mocks=mocks)
        assert mocks.inputs == {}
