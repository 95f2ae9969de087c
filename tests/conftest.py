"""Shared fixtures: the stack files and an offline runner of the real program."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest

from eks_irsa.cli import plan
from eks_irsa.testing import config_from_stack_file

ROOT = Path(__file__).resolve().parents[1]
STACK_FILES = sorted((ROOT / "stacks").glob("Pulumi.*.yaml"))
FIXTURES = ROOT.parent / "shared" / "fixtures" / "policies"


@pytest.fixture
def dev_config() -> dict:
    """A fresh copy of the dev stack's config, safe to mutate."""
    return copy.deepcopy(config_from_stack_file(ROOT / "stacks" / "Pulumi.dev.yaml"))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fork of the repository's Pulumi project (``Pulumi.yaml``, program, stacks, policies) in
    ``tmp_path``, with ``eks-irsa plan`` reading the copy, so tests can edit stacks freely."""
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("stacks", "policies"):
        shutil.copytree(ROOT / name, tmp_path / name)
    monkeypatch.setattr(plan, "ROOT", tmp_path)
    return tmp_path
