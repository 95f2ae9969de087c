"""What importing a module loads: the pure layer (``eks_irsa.iam``, ``eks_irsa.plan``, ``eks_irsa.contract``), the
catalog and the package root load no Pulumi SDK module, nor does any component's Args; a component's name loads it
on first use (PEP 562).

Each check runs in a fresh interpreter, so what another test imported first cannot hide a dependency.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest

import eks_irsa
import eks_irsa.catalog
import eks_irsa.contract
import eks_irsa.iam
import eks_irsa.plan

SDKS = ("pulumi", "pulumi_aws", "pulumi_eks", "pulumi_kubernetes")
"""The top-level packages of the Pulumi SDKs the components use."""

PURE = sorted(
    {"eks_irsa", "eks_irsa.errors", "eks_irsa.shape", "eks_irsa.audit"}
    | {
        module.name
        for package in (eks_irsa.iam, eks_irsa.plan, eks_irsa.contract, eks_irsa.catalog)
        for module in pkgutil.iter_modules(package.__path__, f"{package.__name__}.")
    }
    | {package.__name__ for package in (eks_irsa.iam, eks_irsa.plan, eks_irsa.contract, eks_irsa.catalog)}
)
"""Every module of the pure layer and of the catalog, found on disk (a new ``iam``, ``plan``, ``contract`` or
``catalog`` module is checked without a line here), with the package root and the audit, which takes its
constants from them."""

ARGS = sorted(name for name in eks_irsa.__all__ if name.endswith(("Args", "Credentials")))
"""Every component's Args (and the nested ones the package exports): each comes from the pure contract."""


def _run(statement: str) -> object:
    """What a fresh interpreter prints (as JSON) after ``statement``; ``loaded()`` there lists the SDK modules held."""
    script = f"import json, sys\nloaded = lambda: [m for m in sys.modules if m.split('.')[0] in {SDKS!r}]\n{statement}"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_the_pure_modules_load_no_pulumi():
    # One interpreter imports them in turn and names the first after which an SDK module is loaded.
    first = _run(f"print(json.dumps(next((n for n in {PURE!r} if __import__(n) and loaded()), None)))")
    assert first is None, f"importing {first} loads a Pulumi SDK module"


def test_every_components_args_load_no_pulumi():
    loaded = _run(f"from eks_irsa import {', '.join(ARGS)}\nprint(json.dumps(loaded()))")
    assert len(ARGS) >= 7 and loaded == []


def test_a_component_name_loads_its_module_on_first_use():
    loaded = _run("from eks_irsa import IrsaRole\nprint(json.dumps(loaded()))")
    assert isinstance(loaded, list) and {"pulumi", "pulumi_kubernetes"} <= set(loaded)


def test_the_package_root_lists_every_public_name_and_hands_each_on():
    assert set(eks_irsa.__all__) <= set(dir(eks_irsa))
    missing = [name for name in eks_irsa.__all__ if getattr(eks_irsa, name, None) is None]
    assert missing == []
    with pytest.raises(AttributeError, match="no attribute 'IrsaRol'"):
        _ = eks_irsa.IrsaRol  # type: ignore[attr-defined]
