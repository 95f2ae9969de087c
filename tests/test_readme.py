"""The README's Python examples run as written."""

from __future__ import annotations

import os
import re

from eks_irsa.testing import run_program
from tests.conftest import ROOT

BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.DOTALL)


def test_readme_has_the_two_examples():
    assert len(BLOCKS) == 2


def test_component_example_registers_a_role_and_service_account():
    run = run_program(lambda: exec(BLOCKS[0], {}), {}, "readme")
    types = [r.type for r in run.registrations]
    assert types.count("eks-irsa:index:IrsaRole") == 2  # orders-api and the cluster's vpc-cni role
    sa = next(r for r in run.registrations if r.type == "kubernetes:core/v1:ServiceAccount")
    assert sa.inputs["metadata"]["name"] == "orders-api" and sa.provider == "acme-dev-k8s"


def test_mock_monitor_example_runs_from_the_repository_root():
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        namespace: dict = {}
        exec(BLOCKS[1], namespace)
    finally:
        os.chdir(cwd)
    assert namespace["roles"]
    assert namespace["run"].invokes == ("aws:index/getCallerIdentity:getCallerIdentity",)
