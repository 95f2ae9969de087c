"""The project's copies of published policies differ from their sources only by ${partition}."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES, ROOT


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="../shared/fixtures/policies is not beside the repo")
@pytest.mark.parametrize("name", ["aws-load-balancer-controller.json"])
def test_copy_matches_the_published_policy_in_partition_aws(name):
    ours = (ROOT / "policies" / name).read_text().replace("${partition}", "aws")
    assert json.loads(ours) == json.loads((FIXTURES / name).read_text())
    assert "arn:aws:" not in (ROOT / "policies" / name).read_text()
