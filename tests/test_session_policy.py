"""A Pod Identity session policy in the form the AWS provider keeps it in, so the second ``pulumi up`` shows no diff.

The expected strings below are written from Go's ``encoding/json`` rules (sorted map keys, no whitespace, ``<``,
``>``, ``&``, U+2028 and U+2029 escaped as ``\\u003c``..., other non-ASCII kept), not from our serialiser.

What mocks cannot prove: which normaliser the provider's ``policy`` argument of ``aws_eks_pod_identity_association``
uses (added upstream by hashicorp/terraform-provider-aws#48869; the source at hand predates it) nor what
``DescribePodIdentityAssociation`` answers; the form here is the one every JSON normaliser of that provider keeps
unchanged.
"""

from __future__ import annotations

import json

from eks_irsa.catalog import decode_stack_config, load_catalog
from eks_irsa.iam.policy import provider_json
from eks_irsa.testing import config_from_stack_file, run_program
from tests.conftest import PROGRAM, PROJECT


def test_a_document_is_rendered_as_go_s_encoding_json_marshals_it():
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Resource": "arn:aws:s3:::r/q&a/<x>/\u2028é", "Effect": "Allow", "Action": "s3:GetObject"}],
    }
    expected = (
        '{"Statement":[{"Action":"s3:GetObject","Effect":"Allow",'
        '"Resource":"arn:aws:s3:::r/q\\u0026a/\\u003cx\\u003e/\\u2028é"}],"Version":"2012-10-17"}'
    )
    assert provider_json(document) == expected
    assert provider_json(json.loads(expected)) == expected  # what the provider normalises back is what was sent


def _staging_with(session_resource: str) -> dict:
    config = config_from_stack_file(PROJECT / "stacks" / "Pulumi.staging.yaml")
    service = {
        "namespace": "reports",
        "identity": "pod-identity",
        "statements": [{"actions": ["s3:GetObject"], "resources": ["arn:${partition}:s3:::acme-reports/*"]}],
        "sessionPolicy": [{"actions": ["s3:GetObject"], "resources": [session_resource]}],
    }
    return {**config, "eks-irsa:services": {"reports": service}}


def test_the_association_gets_the_stored_form_and_the_same_bytes_on_every_run():
    config = _staging_with("arn:${partition}:s3:::acme-reports/q&a/*")
    plan = load_catalog(decode_stack_config(config), PROJECT).plans["reports"]
    assert "\\u0026" in plan.session_policy and "&" not in plan.session_policy
    policies = []
    for _ in range(2):
        run = run_program(PROGRAM, config, "staging")
        [association] = [
            r for r in run.registrations if r.type == "aws:eks/podIdentityAssociation:PodIdentityAssociation"
        ]
        policies.append(association.inputs["policy"])
    assert policies[0] == policies[1] == plan.session_policy
    assert provider_json(json.loads(policies[0])) == policies[0]
