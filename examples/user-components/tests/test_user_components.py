"""The user-components example: a project's own ``components`` package and eks-irsa side by side.

eks-irsa once lived in a top-level ``components`` package, so a project with its own ``components/``
shadowed it (or was shadowed). The package now imports as ``eks_irsa`` only. These tests run the
example's real ``__main__.py`` with the example's folder first on ``sys.path``, as Pulumi runs a
program, and restore ``sys.path`` and ``sys.modules`` afterwards so that no other test sees the
example's ``components``.

What mocks cannot prove: that a ``pip install`` of the pinned requirements gives the same import
layout (here ``eks_irsa`` comes from the repository's ``components/`` on pytest's pythonpath; the
distribution packages ``eks_irsa*`` only, per pyproject.toml), that IAM accepts the role, or that the
Helm chart annotates its ServiceAccount with the exported ARN.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from eks_irsa.testing import config_from_stack_file, run_program

EXAMPLE = Path(__file__).resolve().parents[1]
PROJECT = "reports"
ON_PATH_BEFORE = sys.path.count(str(EXAMPLE))
"""How often the example's folder is on ``sys.path`` before any test: once when pytest runs from the folder
(``python -m`` puts the working directory first), else never."""


def _components_modules() -> dict[str, object]:
    return {name: m for name, m in sys.modules.items() if name == "components" or name.startswith("components.")}


@pytest.fixture
def project_first_on_path() -> Iterator[Path]:
    """``sys.path`` as Pulumi sets it for this project; ``sys.path`` and ``sys.modules`` restored afterwards."""
    saved_path = list(sys.path)
    saved_modules = _components_modules()
    for name in saved_modules:
        del sys.modules[name]
    sys.path.insert(0, str(EXAMPLE))
    importlib.invalidate_caches()
    try:
        yield EXAMPLE
    finally:
        for name in _components_modules():
            del sys.modules[name]
        sys.modules.update(saved_modules)
        sys.path[:] = saved_path
        importlib.invalidate_caches()


def test_both_imports_resolve_to_their_own_packages(project_first_on_path):
    tagging = importlib.import_module("components.tagging")
    irsa = importlib.import_module("eks_irsa")
    assert Path(tagging.__file__) == project_first_on_path / "components" / "tagging.py"
    assert project_first_on_path not in Path(irsa.__file__).parents
    assert irsa.IrsaRole.__module__ == "eks_irsa.irsa"


def test_the_program_registers_the_role_with_the_projects_tags(project_first_on_path):
    config = config_from_stack_file(project_first_on_path / "Pulumi.dev.yaml")
    run = run_program(project_first_on_path / "__main__.py", config, "dev", project=PROJECT)
    from components.tagging import standard_tags  # the example's, as the program saw it

    expected = standard_tags(config[f"{PROJECT}:team"], "dev", config[f"{PROJECT}:costCenter"])
    assert expected == {"team": "analytics", "environment": "dev", "cost-center": "cc-4711"}
    [component] = [r for r in run.registrations if r.type == "eks-irsa:index:IrsaRole"]
    [role] = [r for r in run.registrations if r.type == "aws:iam/role:Role"]
    assert (component.name, role.parent) == ("reports", "reports")
    assert role.inputs["tags"] == {
        **expected,
        "eks-irsa/cluster": "acme-dev",
        "eks-irsa/namespace": "analytics",
        "eks-irsa/service-account": "reports",
    }
    [statement] = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    issuer = config[f"{PROJECT}:oidcIssuer"]
    assert statement["Condition"]["StringEquals"] == {
        f"{issuer}:sub": "system:serviceaccount:analytics:reports",
        f"{issuer}:aud": "sts.amazonaws.com",
    }
    assert [r for r in run.registrations if r.type == "kubernetes:core/v1:ServiceAccount"] == []
    # Every module named components.* the run loaded is the project's: eks-irsa brought none of its own.
    loaded = _components_modules()
    assert set(loaded) == {"components", "components.tagging"}
    assert all(project_first_on_path in Path(m.__file__).parents for m in loaded.values())


def test_the_fixture_left_no_trace():
    """Runs after the tests above (file order): the example's folder and its modules are gone again."""
    assert sys.path.count(str(EXAMPLE)) == ON_PATH_BEFORE
    assert all(EXAMPLE not in Path(getattr(m, "__file__", None) or "/").parents for m in _components_modules().values())
