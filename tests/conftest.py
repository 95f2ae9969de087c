"""Shared fixtures: the stack files and an offline runner of the real program."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from eks_irsa.testing import config_from_stack_file

ROOT = Path(__file__).resolve().parents[1]
STACK_FILES = sorted((ROOT / "stacks").glob("Pulumi.*.yaml"))
FIXTURES = ROOT.parent / "shared" / "fixtures" / "policies"


@pytest.fixture
def dev_config() -> dict:
    """A fresh copy of the dev stack's config, safe to mutate."""
    return copy.deepcopy(config_from_stack_file(ROOT / "stacks" / "Pulumi.dev.yaml"))
