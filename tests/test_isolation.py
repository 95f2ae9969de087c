"""Isolation: pods cannot borrow the node role, and nothing here looks like a static AWS credential."""

from __future__ import annotations

import re
import subprocess

import pytest

from eks_irsa.cluster import EksCluster, EksClusterArgs, NodeGroupArgs
from eks_irsa.errors import IrsaConfigError
from eks_irsa.testing import EksIrsaMocks, run_program
from tests.conftest import ROOT, STACK_FILES

ACCESS_KEY_ID = re.compile(r"\b(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b")
"""IAM unique-id prefixes of access keys and principals (IAM User Guide, 'IAM identifiers')."""
SECRET_KEY = re.compile(r"(?i)aws.{0,20}(secret|private).{0,20}['\"=:\s][A-Za-z0-9/+=]{40}\b")


def _cluster(group: NodeGroupArgs) -> EksClusterArgs:
    return EksClusterArgs(
        cluster_name="c",
        partition="aws",
        vpc_id="vpc-01234567",
        private_subnet_ids=["subnet-0000000a", "subnet-0000000b"],
        private_access_cidrs=["10.0.0.0/16"],
        node_groups=[group],
    )


def test_hop_limit_above_one_needs_the_explicit_opt_in():
    def build():
        with pytest.raises(IrsaConfigError, match="borrow the node role"):
            EksCluster("c", _cluster(NodeGroupArgs(name="g", instance_types=["m6i.large"], imds_hop_limit=2)))

    assert run_program(build, {}, "t").registrations == ()


def test_opted_in_hop_limit_is_what_the_launch_template_gets():
    def build():
        EksCluster(
            "c",
            _cluster(
                NodeGroupArgs(name="g", instance_types=["m6i.large"], imds_hop_limit=2, allow_pod_imds_access=True)
            ),
        )

    run = run_program(build, {}, "t", mocks=EksIrsaMocks())
    template = next(r for r in run.registrations if r.type == "aws:ec2/launchTemplate:LaunchTemplate")
    assert template.inputs["metadataOptions"]["httpPutResponseHopLimit"] == 2


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("key = AKIAIOSFODNN7EXAMPLE", True),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", True),
        ("arn:aws:iam::111122223333:role/acme-dev-orders-orders-api", False),
    ],
)
def test_the_credential_patterns_catch_what_they_should(text, found):
    assert bool(ACCESS_KEY_ID.search(text) or SECRET_KEY.search(text)) is found


def test_no_static_credential_in_the_repository_or_rendered_manifests(stack_plans):
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    texts = {name: (ROOT / name).read_text(errors="ignore") for name in tracked if (ROOT / name).is_file()}
    for stack_file in STACK_FILES:
        stack_plans.plan(stack_file.name.split(".")[1])
    texts.update({str(p): p.read_text() for p in stack_plans.build.rglob("*") if p.is_file()})
    assert len(texts) > 10
    hits = [
        name
        for name, text in texts.items()
        if name != "tests/test_isolation.py" and (ACCESS_KEY_ID.search(text) or SECRET_KEY.search(text))
    ]
    assert hits == []
