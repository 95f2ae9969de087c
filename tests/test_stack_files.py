"""Reading stack files as the Pulumi CLI does, and malformed published policies: clean errors, no tracebacks."""

from __future__ import annotations

import json
import textwrap

import pytest

from eks_irsa.catalog import decode_stack_config, load_catalog
from eks_irsa.errors import IrsaConfigError
from eks_irsa.iam.policy import statements_from_document
from eks_irsa.testing import config_from_stack_file, encode_config
from tests.conftest import PROJECT, STACK_FILES, USER_STACK_FILES


def _write(tmp_path, text: str):
    path = tmp_path / "Pulumi.t.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_a_key_written_twice_is_refused_not_silently_replaced(tmp_path):
    path = _write(
        tmp_path,
        """\
        config:
          eks-irsa:services:
            a: {namespace: one}
          eks-irsa:services:
            b: {namespace: two}
        """,
    )
    with pytest.raises(IrsaConfigError, match="'eks-irsa:services' is a key written twice") as caught:
        config_from_stack_file(path)
    assert caught.value.problems[0].field == "line 4"


def test_dates_stay_strings_as_in_the_pulumi_cli(tmp_path):
    path = _write(
        tmp_path,
        """\
        config:
          eks-irsa:cluster: {tags: {since: 2024-01-01}}
        """,
    )
    assert config_from_stack_file(path)["eks-irsa:cluster"]["tags"] == {"since": "2024-01-01"}


def test_yaml_1_1_booleans_stay_strings_as_in_the_pulumi_cli(tmp_path):
    """The attacker review (after issue 16): a service named ``on`` became the service ``True``."""
    path = _write(
        tmp_path,
        """\
        config:
          eks-irsa:services:
            on: {namespace: orders, automountServiceAccountToken: true}
            off: {namespace: "no", automountServiceAccountToken: False}
            yes: {namespace: n}
        """,
    )
    services = config_from_stack_file(path)["eks-irsa:services"]
    assert services == {
        "on": {"namespace": "orders", "automountServiceAccountToken": True},
        "off": {"namespace": "no", "automountServiceAccountToken": False},
        "yes": {"namespace": "n"},
    }


def test_string_encoded_values_read_the_same_as_the_program_reads_them(dev_config):
    dev_config["eks-irsa:createNamespaces"] = "false"
    dev_config["eks-irsa:trustPolicyMaxSize"] = "4096"
    settings = load_catalog(decode_stack_config(encode_config(dev_config)), PROJECT)
    assert settings.create_namespaces is False and settings.trust_policy_max_size == 4096


@pytest.mark.parametrize(
    ("statement", "field"),
    [
        (
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": "x"},
            "doc.Statement[0].Condition",
        ),
        (
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": ["a"]}},
            "doc.Statement[0].Condition",
        ),
        ({"Effect": "Allow", "Action": 5, "Resource": "*"}, "doc.Statement[0].Action"),
        ({"Effect": "Allow", "Action": "s3:GetObject", "Resource": [1]}, "doc.Statement[0].Resource"),
        ({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Sid": 5}, "doc.Statement[0].Sid"),
    ],
)
def test_malformed_published_statements_name_the_element(statement, field):
    with pytest.raises(IrsaConfigError) as caught:
        statements_from_document("doc", {"Statement": [statement]})
    assert [p.field for p in caught.value.problems] == [field]


def test_every_stack_file_reads_without_duplicates():
    for path in [*USER_STACK_FILES, *STACK_FILES]:
        assert json.dumps(config_from_stack_file(path))
