"""What every project under ``examples/`` shares: it installs the package pinned to a commit (the repository
has no tags), at the repository's Pulumi pins.

Each example's own behaviour is tested beside it, in ``examples/<name>/tests/``.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

EXAMPLES = sorted(path.parent for path in (ROOT / "examples").glob("*/Pulumi.yaml"))


def _requirements(path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line and not line.startswith("#")]


def test_every_example_is_found():
    assert {path.name for path in EXAMPLES} >= {"user-components", "app-team", "platform-cluster"}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.name)
def test_requirements_pin_a_commit_and_the_repositorys_pulumi_versions(example):
    wanted = _requirements(example / "requirements.txt")
    pins = {line for line in _requirements(ROOT / "requirements.txt") if line.startswith("pulumi")}
    assert wanted[0].startswith("eks-irsa[lint] @ git+")
    assert re.fullmatch(r"eks-irsa\[lint\] @ git\+https://github\.com/<org>/eks-irsa@[0-9a-f]{40}", wanted[0])
    assert set(wanted[1:]) == pins
