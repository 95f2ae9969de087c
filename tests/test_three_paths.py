"""One refusal, three paths: each bad input goes through the catalog (``load_catalog``), ``IrsaRole`` called from
Python, and the multi-language provider (``EksIrsaProvider.construct`` as the engine calls it); the same rule
(rule text and source) fires on all three, before anything is registered, each naming the field as that caller
wrote it and giving the fix in that caller's words.

What this cannot prove: how the Pulumi CLI prints the provider's error, or that a TypeScript or YAML program
serialises its inputs exactly as the SDK's serialiser here does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from pulumi.errors import InputPropertiesError

from eks_irsa import IrsaConfigError, IrsaRole, load_catalog
from eks_irsa.errors import Problem
from eks_irsa.shape import UNKNOWN_FIELD
from eks_irsa.testing import EksIrsaMocks, run_program
from tests.conftest import PROJECT
from tests.test_provider import _construct

ACCOUNT = "111122223333"
ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
GREEN = "oidc.eks.us-west-2.amazonaws.com/id/GREEN0123456789ABCDEF0123456789A"
GREEN_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GREEN}"
DUAL_STACK = "oidc-eks.us-west-2.api.aws/id/GREEN0123456789ABCDEF0123456789A"
QUEUE = f"arn:aws:sqs:us-west-2:{ACCOUNT}:orders"
SERVICE = "orders-api"


@dataclass(frozen=True)
class Bad:
    """One bad input in the three vocabularies, and where each caller should be told it is."""

    catalog: dict[str, Any]
    python: dict[str, Any]
    engine: dict[str, Any]
    fields: tuple[str, str, str]
    """The problem's field on the catalog, Python and provider paths (after the path's prefix)."""
    rule: str
    fixes: tuple[str, str, str] | None = None
    """The fix on each path, when the fix names a field."""
    python_remove: tuple[str, ...] = field(default=())
    """Base inputs to leave out on the Python and provider paths (``statements`` beside an existing role)."""


CASES: dict[str, Bad] = {
    "misspelled key": Bad(
        {"serviceAcount": "orders"},
        {"service_acount": "orders"},
        {"serviceAcount": "orders"},
        ("serviceAcount", "service_acount", "serviceAcount"),
        UNKNOWN_FIELD,
        ("did you mean serviceAccount?", "did you mean service_account?", "did you mean serviceAccount?"),
    ),
    "misspelled statement key": Bad(
        {"statements": [{"actions": ["sqs:ReceiveMessage"], "resources": [QUEUE], "efect": "Deny"}]},
        {"statements": [{"actions": ["sqs:ReceiveMessage"], "resources": [QUEUE], "efect": "Deny"}]},
        {"statements": [{"actions": ["sqs:ReceiveMessage"], "resources": [QUEUE], "efect": "Deny"}]},
        ("statements[0].efect", "statements[0].efect", "statements[0].efect"),
        UNKNOWN_FIELD,
        ("did you mean effect?", "did you mean effect?", "did you mean effect?"),
    ),
    "a string where a boolean goes": Bad(
        {"createServiceAccount": "false"},
        {"create_service_account": "false"},
        {"createServiceAccount": "false"},
        ("createServiceAccount", "create_service_account", "createServiceAccount"),
        "is not of the expected type (boolean, true or false)",
    ),
    "namespace not a DNS label": Bad(
        {"namespace": "Orders"},
        {"namespace": "Orders"},
        {"namespace": "Orders"},
        ("namespace", "namespace", "namespace"),
        "is not a DNS-1123 label",
    ),
    "session outside IAM's bounds": Bad(
        {"maxSessionDuration": 60},
        {"max_session_duration": 60},
        {"maxSessionDuration": 60},
        ("maxSessionDuration", "max_session_duration", "maxSessionDuration"),
        "3600",
    ),
    "token lifetime outside the webhook's bounds": Bad(
        {"tokenExpiration": 60},
        {"service_account_options": {"token_expiration": 60}},
        {"serviceAccountOptions": {"tokenExpiration": 60}},
        ("tokenExpiration", "service_account_options.token_expiration", "serviceAccountOptions.tokenExpiration"),
        "600",
    ),
    "a trusted cluster listed twice": Bad(
        {"trustedClusters": [{"oidcProviderArn": GREEN_ARN, "oidcIssuer": GREEN}] * 2},
        {"additional_clusters": [{"oidc_provider_arn": GREEN_ARN, "oidc_issuer": GREEN}] * 2},
        {"trustedClusters": [{"oidcProviderArn": GREEN_ARN, "oidcIssuer": GREEN}] * 2},
        ("trustedClusters[1].oidcIssuer", "additional_clusters[1].oidc_issuer", "trustedClusters[1].oidcIssuer"),
        "repeats an issuer already trusted",
    ),
    "a dual-stack issuer": Bad(
        {"trustedClusters": [{"oidcProviderArn": GREEN_ARN, "oidcIssuer": DUAL_STACK}]},
        {"additional_clusters": [{"oidc_provider_arn": GREEN_ARN, "oidc_issuer": DUAL_STACK}]},
        {"trustedClusters": [{"oidcProviderArn": GREEN_ARN, "oidcIssuer": DUAL_STACK}]},
        ("trustedClusters[0].oidcIssuer", "additional_clusters[0].oidc_issuer", "trustedClusters[0].oidcIssuer"),
        "is the dual-stack (IPv6) endpoint of an EKS issuer",
    ),
    "an existing role ARN with a colon after role": Bad(
        {"existingRoleArn": f"arn:aws:iam::{ACCOUNT}:role:role/velero", "statements": []},
        {"existing_role_arn": f"arn:aws:iam::{ACCOUNT}:role:role/velero"},
        {"existingRoleArn": f"arn:aws:iam::{ACCOUNT}:role:role/velero"},
        ("existingRoleArn", "existing_role_arn", "existingRoleArn"),
        "is not an IAM role ARN",
        python_remove=("statements",),
    ),
    "an existing role ARN with a wildcard name (attacker review after issue 16)": Bad(
        {"existingRoleArn": f"arn:aws:iam::{ACCOUNT}:role/*", "statements": []},
        {"existing_role_arn": f"arn:aws:iam::{ACCOUNT}:role/*"},
        {"existingRoleArn": f"arn:aws:iam::{ACCOUNT}:role/*"},
        ("existingRoleArn", "existing_role_arn", "existingRoleArn"),
        "is not an IAM role ARN",
        python_remove=("statements",),
    ),
    "an existing role ARN with an 11-digit account": Bad(
        {"existingRoleArn": "arn:aws:iam::11112222333:role/velero", "statements": []},
        {"existing_role_arn": "arn:aws:iam::11112222333:role/velero"},
        {"existingRoleArn": "arn:aws:iam::11112222333:role/velero"},
        ("existingRoleArn", "existing_role_arn", "existingRoleArn"),
        "is not an IAM role ARN",
        python_remove=("statements",),
    ),
}


def _python_args(case: Bad) -> dict[str, Any]:
    args = {
        "cluster_name": "acme-dev",
        "namespace": "orders",
        "oidc_provider_arn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}",
        "oidc_issuer": ISSUER,
        "create_service_account": False,
        "statements": [{"actions": ["sqs:ReceiveMessage"], "resources": [QUEUE]}],
        **case.python,
    }
    return {k: v for k, v in args.items() if k not in case.python_remove}


def _engine_inputs(case: Bad) -> dict[str, Any]:
    inputs = {
        "clusterName": "acme-dev",
        "namespace": "orders",
        "oidcProviderArn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}",
        "oidcIssuer": ISSUER,
        "createServiceAccount": False,
        "statements": [{"actions": ["sqs:ReceiveMessage"], "resources": [QUEUE]}],
        **case.engine,
    }
    return {k: v for k, v in inputs.items() if k not in case.python_remove}


def _through_catalog(case: Bad, dev_config: dict) -> list[Problem]:
    entry = {
        "namespace": "orders",
        "createServiceAccount": False,
        "statements": [{"actions": ["sqs:ReceiveMessage"], "resources": [QUEUE]}],
        **case.catalog,
    }
    if not entry["statements"]:
        del entry["statements"]
    dev_config["eks-irsa:services"] = {SERVICE: entry}
    with pytest.raises(IrsaConfigError) as raised:
        load_catalog(dev_config, PROJECT)
    prefix = f"eks-irsa:services.{SERVICE}."
    return [_relative(p, prefix) for p in raised.value.problems if p.field.startswith(prefix)]


def _through_python(case: Bad) -> list[Problem]:
    caught: list[IrsaConfigError] = []

    def program() -> None:
        with pytest.raises(IrsaConfigError) as raised:
            IrsaRole(SERVICE, _python_args(case))
        caught.append(raised.value)

    assert run_program(program, {}, "test", mocks=EksIrsaMocks(account_id=ACCOUNT)).registrations == ()
    return [_relative(p, f"IrsaRole {SERVICE}: ") for p in caught[0].problems]


def _through_provider(case: Bad) -> list[Problem]:
    caught: list[BaseException] = []

    def program() -> None:
        with pytest.raises(InputPropertiesError) as raised:
            _construct("eks-irsa:index:IrsaRole", SERVICE, _engine_inputs(case))
        caught.append(raised.value.__cause__)

    assert run_program(program, {}, "test", mocks=EksIrsaMocks(account_id=ACCOUNT)).registrations == ()
    assert isinstance(caught[0], IrsaConfigError)
    return [_relative(p, f"IrsaRole {SERVICE}: ") for p in caught[0].problems]


def _relative(problem: Problem, prefix: str) -> Problem:
    assert problem.field.startswith(prefix), problem.field
    return Problem(problem.field[len(prefix) :], problem.value, problem.rule, problem.source, problem.fix)


@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_the_same_rule_fires_on_every_path_in_each_callers_words(name, dev_config):
    case = CASES[name]
    found = [_through_catalog(case, dev_config), _through_python(case), _through_provider(case)]
    fired = []
    for path, (problems, where) in enumerate(zip(found, case.fields, strict=True)):
        matching = [p for p in problems if p.field == where and case.rule in p.rule]
        assert matching, (name, path, [(p.field, p.rule) for p in problems])
        fired.append(matching[0])
        if case.fixes is not None:
            assert matching[0].fix == case.fixes[path]
    assert len({(p.rule, p.source) for p in fired}) == 1, fired


def test_no_python_name_reaches_a_catalog_or_provider_caller(dev_config):
    for name, case in CASES.items():
        for problem in _through_catalog(case, dev_config) + _through_provider(case):
            assert "_" not in problem.field and "_" not in problem.fix.split(";")[0], (name, problem)
