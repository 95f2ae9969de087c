"""The tests' copies of published policies (tests/data/project/policies/, as shipped in ``policies/``) differ
from their sources only by ${partition}. The user's ``policies/`` is theirs to edit and is not read here."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES, PROJECT


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="../shared/fixtures/policies is not beside the repo")
@pytest.mark.parametrize("name", ["aws-load-balancer-controller.json"])
def test_copy_matches_the_published_policy_in_partition_aws(name):
    ours = (PROJECT / "policies" / name).read_text().replace("${partition}", "aws")
    assert json.loads(ours) == json.loads((FIXTURES / name).read_text())
    assert "arn:aws:" not in (PROJECT / "policies" / name).read_text()
